// Command k8scheck decodes Kubernetes manifests strictly into the k8s.io/api types: an unknown
// or misspelt field, a value of the wrong type or an unexpected kind fails. Used by
// scripts/check-generated.sh on a generated project's deployments/k8s/base.
//
//	go run ./scripts/k8scheck deployments/k8s/base/*.yaml
//
// kustomization.yaml is skipped (not an API object). For each object it prints the kind and
// name, and for an HPA and a PDB the numbers, so that the harness log shows the sizing.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// object returns an empty value of the type of apiVersion/kind.
func object(apiVersion, kind string) (any, bool) {
	switch apiVersion + " " + kind {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, true
	case "v1 Service":
		return &corev1.Service{}, true
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, true
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	case "batch/v1 Job":
		return &batchv1.Job{}, true
	}
	return nil, false
}

func check(doc []byte) (string, error) {
	var tm typeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "", err
	}
	obj, ok := object(tm.APIVersion, tm.Kind)
	if !ok {
		return "", fmt.Errorf("unexpected kind %s %s", tm.APIVersion, tm.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return "", err
	}
	switch o := obj.(type) {
	case *autoscalingv2.HorizontalPodAutoscaler:
		return fmt.Sprintf("HorizontalPodAutoscaler %s: minReplicas %d, maxReplicas %d", o.Name, *o.Spec.MinReplicas, o.Spec.MaxReplicas), nil
	case *policyv1.PodDisruptionBudget:
		switch {
		case o.Spec.MinAvailable != nil:
			return fmt.Sprintf("PodDisruptionBudget %s: minAvailable %s", o.Name, o.Spec.MinAvailable.String()), nil
		case o.Spec.MaxUnavailable != nil:
			return fmt.Sprintf("PodDisruptionBudget %s: maxUnavailable %s", o.Name, o.Spec.MaxUnavailable.String()), nil
		}
		return "", fmt.Errorf("PodDisruptionBudget %s: neither minAvailable nor maxUnavailable", o.Name)
	case *appsv1.Deployment:
		c := o.Spec.Template.Spec.Containers
		if len(c) == 0 || c[0].SecurityContext == nil || c[0].SecurityContext.ReadOnlyRootFilesystem == nil || !*c[0].SecurityContext.ReadOnlyRootFilesystem {
			return "", fmt.Errorf("Deployment %s: the container must have a read-only root filesystem", o.Name)
		}
		return fmt.Sprintf("Deployment %s", o.Name), nil
	}
	return tm.Kind, nil
}

func main() {
	failed := false
	n := 0
	for _, path := range os.Args[1:] {
		if filepath.Base(path) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, doc := range bytes.Split(data, []byte("\n---")) {
			if strings.TrimSpace(string(doc)) == "" {
				continue
			}
			what, err := check(doc)
			if err != nil {
				fmt.Printf("%s: %v\n", path, err)
				failed = true
				continue
			}
			n++
			fmt.Printf("%s: %s\n", path, what)
		}
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("%d objects decoded strictly\n", n)
}
