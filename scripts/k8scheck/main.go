// Command k8scheck decodes Kubernetes manifests strictly into the k8s.io/api types: an unknown
// or misspelt field, a value of the wrong type or an unexpected kind fails. Used by
// scripts/check-generated.sh on a generated project's deployments/:
//
//	go run ./scripts/k8scheck -kustomize deployments/k8s/base -helm deployments/helm/shop
//	go run ./scripts/k8scheck deployments/k8s/base/*.yaml
//
// -kustomize builds the kustomization as `kustomize build` does (the kustomize API, in
// process) and checks what it outputs. -helm lints the chart as `helm lint --strict` does
// (warnings fail too) and renders it as `helm template <chart name> <dir>` does (the Helm v4
// SDK), with its default values, then checks every manifest. With both, the HPA and the PDB
// must agree: the chart is the base's objects with its settings as values. Plain files are
// checked as they are (kustomization.yaml is skipped: not an API object).
//
// For each object it prints the kind and name, and for an HPA and a PDB the numbers, so that
// the harness log shows the sizing.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

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

// sizing is what the HPA and the PDB say, to compare the base with the chart.
type sizing struct{ hpa, pdb string }

// checker decodes documents and remembers the sizing it saw.
type checker struct {
	failed bool
	n      int
	sizing sizing
}

// docs checks every YAML document of data (from where, for the messages).
func (c *checker) docs(where string, data []byte) {
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		doc = bytes.TrimPrefix(bytes.TrimLeft(doc, "\n"), []byte("---\n"))
		if strings.TrimSpace(stripComments(string(doc))) == "" {
			continue
		}
		what, err := check(doc)
		if err != nil {
			fmt.Printf("%s: %v\n", where, err)
			c.failed = true
			continue
		}
		c.n++
		switch {
		case strings.HasPrefix(what, "HorizontalPodAutoscaler"):
			c.sizing.hpa = what[strings.Index(what, ":")+1:]
		case strings.HasPrefix(what, "PodDisruptionBudget"):
			c.sizing.pdb = what[strings.Index(what, ":")+1:]
		}
		fmt.Printf("%s: %s\n", where, what)
	}
}

// stripComments drops comment lines (a document of comments only is empty).
func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
			b.WriteString("\n")
		}
	}
	return b.String()
}

// kustomize builds dir as `kustomize build dir` does.
func kustomize(dir string) ([]byte, error) {
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// helmLint lints the chart like `helm lint --strict`: errors and warnings fail.
func helmLint(dir string) error {
	l := lint.RunAll(dir, nil, "default")
	var errs []error
	for _, m := range l.Messages {
		fmt.Printf("helm lint: %s\n", m.Error())
		if m.Severity >= support.WarningSev {
			errs = append(errs, m.Err)
		}
	}
	return errors.Join(errs...)
}

// helmTemplate renders the chart with its default values, as `helm template <name> <dir>`:
// the release is named after the chart, so the objects are named as in the kustomize base.
// It returns the manifests by file name, in name order (NOTES.txt and partials left out).
func helmTemplate(dir string) ([]string, map[string]string, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	opts := common.ReleaseOptions{Name: ch.Name(), Namespace: "default", Revision: 1, IsInstall: true}
	vals, err := util.ToRenderValuesWithSchemaValidation(ch, nil, opts, common.DefaultCapabilities, false)
	if err != nil {
		return nil, nil, err
	}
	out, err := engine.Render(ch, vals)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for name := range out {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, out, nil
}

func main() {
	kdir := flag.String("kustomize", "", "a kustomization directory to build and check")
	hdir := flag.String("helm", "", "a Helm chart directory to lint, render and check")
	flag.Parse()
	var base, chart checker
	if *kdir != "" {
		out, err := kustomize(*kdir)
		if err != nil {
			fmt.Printf("kustomize build %s: %v\n", *kdir, err)
			os.Exit(1)
		}
		base.docs("kustomize build "+*kdir, out)
	}
	if *hdir != "" {
		if err := helmLint(*hdir); err != nil {
			fmt.Printf("helm lint %s: %v\n", *hdir, err)
			chart.failed = true
		}
		names, out, err := helmTemplate(*hdir)
		if err != nil {
			fmt.Printf("helm template %s: %v\n", *hdir, err)
			os.Exit(1)
		}
		for _, name := range names {
			chart.docs("helm template "+name, []byte(out[name]))
		}
	}
	files := checker{}
	for _, path := range flag.Args() {
		if filepath.Base(path) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		files.docs(path, data)
	}
	if *kdir != "" && *hdir != "" && base.sizing != chart.sizing {
		fmt.Printf("the chart's sizing %+v differs from the base's %+v\n", chart.sizing, base.sizing)
		chart.failed = true
	}
	if base.failed || chart.failed || files.failed {
		os.Exit(1)
	}
	fmt.Printf("%d objects decoded strictly\n", base.n+chart.n+files.n)
}
