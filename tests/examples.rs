//! The example PRDs (`examples/<name>/PRD.md`): each one's model (YAML) and diagnostics
//! (English, then Chinese) are snapshotted, and the model must round-trip through YAML.
//! The examples are also what later stages generate, build and drive over HTTP, so every
//! entity in them must be fully typed and the analysis must be free of errors.

use backend_pro::model::{Lang, Model};
use backend_pro::{analyze, diag, AnalyzeOptions};

fn report(name: &str) -> String {
    let path = format!("{}/examples/{name}/PRD.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example readable");
    let analysis = analyze(&text, &AnalyzeOptions::default());
    assert!(
        !analysis.has_errors(),
        "{name}: {}",
        diag::render_all(&analysis.diagnostics, "PRD.md", Lang::En)
    );
    let yaml = analysis.model.to_yaml();
    let back = Model::from_yaml(&yaml).expect("model YAML parses back");
    assert_eq!(back, analysis.model, "{name}: model YAML round-trips");
    format!(
        "{yaml}---- diagnostics ----\n{}---- 诊断 ----\n{}",
        diag::render_all(&analysis.diagnostics, "PRD.md", Lang::En),
        diag::render_all(&analysis.diagnostics, "PRD.md", Lang::Zh)
    )
}

/// Entities, state machines and use cases the examples promise (issue 2, item 7).
fn check_shape(name: &str, min_entities: usize, machines: &[&str]) {
    let path = format!("{}/examples/{name}/PRD.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example readable");
    let m = analyze(&text, &AnalyzeOptions::default()).model;
    assert!(
        m.entities.len() >= min_entities,
        "{name}: {} entities",
        m.entities.len()
    );
    for e in machines {
        let ent = m
            .entity(e)
            .unwrap_or_else(|| panic!("{name}: no entity {e}"));
        assert!(
            ent.state_machine.is_some(),
            "{name}: {e} has no state machine"
        );
    }
    assert!(
        m.entities.iter().any(|e| !e.relations.is_empty()),
        "{name}: no relations"
    );
    assert!(!m.use_cases.is_empty(), "{name}: no use cases");
    assert!(!m.actors.is_empty(), "{name}: no actors");
    assert!(!m.nfr.peak_qps.defaulted, "{name}: QPS defaulted");
}

#[test]
fn shop() {
    check_shape("shop", 6, &["Order"]);
    insta::assert_snapshot!(report("shop"));
}

#[test]
fn library() {
    check_shape("library", 4, &["Loan"]);
    insta::assert_snapshot!(report("library"));
}

#[test]
fn clinic() {
    check_shape("clinic", 4, &["Appointment", "Invoice"]);
    let path = format!("{}/examples/clinic/PRD.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("example readable");
    let m = analyze(&text, &AnalyzeOptions::default()).model;
    assert!(m.nfr.multi_tenancy.value, "clinic is multi-tenant");
    insta::assert_snapshot!(report("clinic"));
}
