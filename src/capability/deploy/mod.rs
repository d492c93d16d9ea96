//! The `deploy` capability: Kubernetes manifests sized from the PRD's NFRs (`backend-pro
//! deploy`).
//!
//! - `deployments/k8s/base/`: a kustomize base — the API Deployment (requests and limits,
//!   startup/liveness/readiness probes on `/healthz` and `/readyz`, a preStop pause before the
//!   service's own SIGTERM drain, a non-root read-only pod with no privilege escalation), its
//!   Service, a ConfigMap, the Secret it reads (referenced, never generated), an HPA and a PDB
//!   sized from the NFRs, the migration Job and, with events, the worker Deployment.
//! - `deployments/helm/<service>/`: a Helm chart with the same objects, their settings as values
//!   (`values.yaml` carries the NFR-derived numbers) and the migration as a pre-install/pre-upgrade
//!   hook.
//! - `docs/CAPACITY.md`: the sizing, explained — replicas for the stated peak at 1×, 10× and
//!   100×, the database connections they need, and where each number comes from.
//! - `.dockerignore`.
//!
//! The numbers are computed here once ([`sizing`]) so that the manifests, the capacity doc and
//! `deploy`'s output agree.

use super::{Capability, Fill};
use crate::evolve::Ownership;
use crate::model::Model;
use crate::plan::{once, Rule};
use crate::render::context::ProjectCtx;
use include_dir::{include_dir, Dir};
use serde::Serialize;

static TEMPLATES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/capability/deploy/templates");

pub const DEPLOY: Capability = Capability {
    name: "deploy",
    summary: "Kubernetes manifests (kustomize base and Helm chart: Deployment, Service, HPA and PDB sized from the NFRs, migration Job, worker) and a capacity plan",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[],
    project_ext: Some(project_ext),
    entity_ext: None,
    domain_names: None,
    go_deps: false,
    requires: &[],
};

use Ownership::{Generated as G, Scaffold as S};

const RULES: &[Rule] = &[
    once(
        "deploy/docs/adr/0014-kubernetes-sizing.md.tera",
        "docs/adr/0014-kubernetes-sizing.md",
        G,
    ),
    once(
        "deploy/k8s/kustomization.yaml.tera",
        "deployments/k8s/base/kustomization.yaml",
        S,
    ),
    once(
        "deploy/k8s/configmap.yaml.tera",
        "deployments/k8s/base/configmap.yaml",
        G,
    ),
    once(
        "deploy/k8s/deployment.yaml.tera",
        "deployments/k8s/base/deployment.yaml",
        G,
    ),
    once(
        "deploy/k8s/service.yaml.tera",
        "deployments/k8s/base/service.yaml",
        G,
    ),
    once(
        "deploy/k8s/hpa.yaml.tera",
        "deployments/k8s/base/hpa.yaml",
        G,
    ),
    once(
        "deploy/k8s/pdb.yaml.tera",
        "deployments/k8s/base/pdb.yaml",
        G,
    ),
    once(
        "deploy/k8s/migration-job.yaml.tera",
        "deployments/k8s/base/migration-job.yaml",
        G,
    ),
    Rule {
        when: has_events,
        ..once(
            "deploy/k8s/worker.yaml.tera",
            "deployments/k8s/base/worker.yaml",
            G,
        )
    },
    once(
        "deploy/helm/Chart.yaml.tera",
        "deployments/helm/{service}/Chart.yaml",
        G,
    ),
    once(
        "deploy/helm/values.yaml.tera",
        "deployments/helm/{service}/values.yaml",
        G,
    ),
    once(
        "deploy/helm/helmignore.tera",
        "deployments/helm/{service}/.helmignore",
        S,
    ),
    once(
        "deploy/helm/templates/helpers.tpl.tera",
        "deployments/helm/{service}/templates/_helpers.tpl",
        G,
    ),
    once(
        "deploy/helm/templates/NOTES.txt.tera",
        "deployments/helm/{service}/templates/NOTES.txt",
        G,
    ),
    once(
        "deploy/helm/templates/configmap.yaml.tera",
        "deployments/helm/{service}/templates/configmap.yaml",
        G,
    ),
    once(
        "deploy/helm/templates/deployment.yaml.tera",
        "deployments/helm/{service}/templates/deployment.yaml",
        G,
    ),
    once(
        "deploy/helm/templates/service.yaml.tera",
        "deployments/helm/{service}/templates/service.yaml",
        G,
    ),
    once(
        "deploy/helm/templates/hpa.yaml.tera",
        "deployments/helm/{service}/templates/hpa.yaml",
        G,
    ),
    once(
        "deploy/helm/templates/pdb.yaml.tera",
        "deployments/helm/{service}/templates/pdb.yaml",
        G,
    ),
    once(
        "deploy/helm/templates/migration-job.yaml.tera",
        "deployments/helm/{service}/templates/migration-job.yaml",
        G,
    ),
    Rule {
        when: has_events,
        ..once(
            "deploy/helm/templates/worker.yaml.tera",
            "deployments/helm/{service}/templates/worker.yaml",
            G,
        )
    },
    once("deploy/docs/CAPACITY.md.tera", "docs/CAPACITY.md", G),
    once("deploy/dockerignore.tera", ".dockerignore", S),
];

const FILLS: &[Fill] = &[Fill::add(
    "readme_sections",
    "deploy/ext/readme_sections.tera",
)];

fn has_events(m: &Model) -> bool {
    m.has_capability("events")
}

/// Requests one instance serves at one CPU, when nothing better is known: the generated
/// service writes about 1,300 req/s per core on PostgreSQL with fsync on and reads far more
/// from its cache (docs/BENCHMARKS.md); 1,000 leaves room for heavier use cases.
pub const PER_INSTANCE_RPS: u32 = 1000;

/// PostgreSQL's default `max_connections`.
const PG_MAX_CONNECTIONS: u32 = 100;

/// One row of the capacity table.
#[derive(Debug, Clone, Serialize)]
pub struct CapacityRow {
    /// `1×`, `10×`, `100×`.
    pub factor: String,
    pub qps: u64,
    pub replicas: u64,
    /// Database connections at that many replicas (replicas × DB_MAX_CONNS).
    pub db_connections: u64,
    /// Over PostgreSQL's default 100: needs a pooler (PgBouncer) or a bigger server.
    pub over_pg_default: bool,
}

/// `p.ext.deploy`.
#[derive(Debug, Clone, Serialize)]
pub struct Sizing {
    pub name: String,
    pub peak_qps: u32,
    pub peak_from: String,
    pub availability: String,
    pub availability_from: String,
    pub per_instance_rps: u32,
    /// The per-instance figure is the user's measurement (`nfr.instance_rps`), not the default.
    pub per_instance_measured: bool,
    /// Replicas that serve the stated peak (1×).
    pub peak_replicas: u64,
    /// At least the peak replicas; 3 from 99.9% up (a rollout and a lost node at once), 2
    /// from 99%, else 1.
    pub min_replicas: u64,
    /// Covers 10× the stated peak, and at least one more than the minimum.
    pub max_replicas: u64,
    /// PDB: `minAvailable` when the minimum is 2 or more (one pod may go at a time), else
    /// `maxUnavailable: 1` (a single replica must not block node drains).
    pub pdb_min_available: Option<u64>,
    pub capacity: Vec<CapacityRow>,
    pub db_max_conns: u32,
    pub events: bool,
    pub auth: bool,
    pub tenancy: bool,
}

pub fn sizing(model: &Model, p: &ProjectCtx) -> Sizing {
    let n = &model.nfr;
    let peak = u64::from(n.peak_qps.value.max(1));
    let per_instance = n
        .instance_rps
        .filter(|&r| r > 0)
        .unwrap_or(PER_INSTANCE_RPS);
    let per = u64::from(per_instance);
    let replicas = |qps: u64| qps.div_ceil(per).max(1);
    let availability = n.availability_percent.value;
    let by_availability = if availability >= 99.9 {
        3
    } else if availability >= 99.0 {
        2
    } else {
        1
    };
    let peak_replicas = replicas(peak);
    let min_replicas = peak_replicas.max(by_availability);
    let max_replicas = replicas(peak * 10).max(min_replicas + 1);
    let conns = u64::from(p.runtime.db_max_conns);
    let from = |line: Option<u32>| match line {
        Some(l) => format!("PRD line {l}"),
        None => "default".to_string(),
    };
    Sizing {
        name: p.service.name.clone(),
        peak_qps: n.peak_qps.value,
        peak_from: from(n.peak_qps.line),
        availability: crate::capability::monitoring::num(availability),
        availability_from: from(n.availability_percent.line),
        per_instance_rps: per_instance,
        per_instance_measured: n.instance_rps.is_some_and(|r| r > 0),
        peak_replicas,
        min_replicas,
        max_replicas,
        pdb_min_available: (min_replicas >= 2).then(|| min_replicas - 1),
        capacity: [1u64, 10, 100]
            .iter()
            .map(|&f| {
                let r = replicas(peak * f).max(min_replicas);
                CapacityRow {
                    factor: format!("{f}×"),
                    qps: peak * f,
                    replicas: r,
                    db_connections: r * conns,
                    over_pg_default: r * conns > u64::from(PG_MAX_CONNECTIONS),
                }
            })
            .collect(),
        db_max_conns: p.runtime.db_max_conns,
        events: model.has_capability("events"),
        auth: model.has_capability("auth"),
        tenancy: model.has_capability("tenancy"),
    }
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    serde_json::to_value(sizing(model, p)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NfrValue;

    fn sized(qps: u32, availability: f64) -> Sizing {
        let mut m = crate::capability::testing::one_entity_model("shop");
        m.nfr.peak_qps = NfrValue::at(qps, 3);
        m.nfr.availability_percent = NfrValue::at(availability, 4);
        let p = crate::capability::testing::project(&m);
        sizing(&m, &p)
    }

    #[test]
    fn replicas_follow_the_peak_and_the_availability_target() {
        // 5,000 QPS at 99.95%: 5 for the peak, 50 for 10×.
        let s = sized(5000, 99.95);
        assert_eq!(
            (s.peak_replicas, s.min_replicas, s.max_replicas),
            (5, 5, 50)
        );
        assert_eq!(s.pdb_min_available, Some(4));
        let rows: Vec<_> = s.capacity.iter().map(|r| (r.qps, r.replicas)).collect();
        assert_eq!(rows, [(5000, 5), (50_000, 50), (500_000, 500)]);
        assert_eq!(s.peak_from, "PRD line 3");
        // 200 QPS at 99.9%: three for availability, 2 would do for 10×: one more than the minimum.
        let s = sized(200, 99.9);
        assert_eq!((s.min_replicas, s.max_replicas), (3, 4));
        // 50 QPS at 99%: two; a single replica below that, with maxUnavailable.
        let s = sized(50, 99.0);
        assert_eq!((s.min_replicas, s.pdb_min_available), (2, Some(1)));
        let s = sized(50, 95.0);
        assert_eq!(
            (s.min_replicas, s.max_replicas, s.pdb_min_available),
            (1, 2, None)
        );
    }

    #[test]
    fn a_measured_per_instance_figure_replaces_the_default() {
        let mut m = crate::capability::testing::one_entity_model("shop");
        m.nfr.peak_qps = NfrValue::at(2000, 3);
        m.nfr.availability_percent = NfrValue::at(99.9, 4);
        m.nfr.instance_rps = Some(250);
        let p = crate::capability::testing::project(&m);
        let s = sizing(&m, &p);
        assert!(s.per_instance_measured);
        assert_eq!(
            (s.per_instance_rps, s.peak_replicas, s.max_replicas),
            (250, 8, 80)
        );
        m.nfr.instance_rps = None;
        let s = sizing(&m, &p);
        assert!(!s.per_instance_measured);
        assert_eq!((s.per_instance_rps, s.peak_replicas), (1000, 2));
    }
}
