//! `backend-pro analyze` through the binary: what it prints when a PRD is refused, the JSON
//! shape of diagnostics, `--explain` and `--emit-glossary`.

use std::process::{Command, Output};

fn analyze(prd: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("PRD.md");
    std::fs::write(&path, prd).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .current_dir(dir.path())
        .arg("analyze")
        .arg("--prd")
        .arg(&path)
        .args(args)
        .env("LANG", "C")
        .output()
        .expect("run backend-pro");
    drop(dir);
    out
}

/// A PRD without a data model: refused, but the use cases and NFRs it states are printed.
const NO_MODEL: &str = "# Notes app (notes)\n\n## User Stories\n\n- As a writer, I want to create a note so that I remember it.\n\n## Non-Functional Requirements\n\n- P99 latency under 150 ms\n";

#[test]
fn a_refused_prd_still_prints_what_it_found_with_located_diagnostics() {
    let o = analyze(NO_MODEL, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let uc = v["model"]["use_cases"].as_array().expect("use cases");
    assert!(!uc.is_empty(), "{v}");
    assert_eq!(v["model"]["nfr"]["latency_p99_ms"]["value"], 150);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    let e108 = diags
        .iter()
        .find(|d| d["code"] == "E108")
        .expect("E108 reported");
    assert_eq!(e108["severity"], "error");
    assert_eq!(e108["line"], 1);
    assert_eq!(e108["col"], 1);
    assert!(e108["file"].as_str().unwrap().ends_with("PRD.md"));
    assert!(e108["help"].as_str().is_some());
    // Every diagnostic, in the text form too, is located.
    let err = String::from_utf8_lossy(&o.stderr);
    for l in err.lines().filter(|l| l.contains("error[")) {
        assert!(l.contains("PRD.md:1:1: error[E108]"), "{l}");
    }
    // The YAML form prints the partial model as well.
    let y = analyze(NO_MODEL, &[]);
    assert_eq!(y.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&y.stdout).contains("use_cases:"));
}

const NEEDS_NAMES: &str = "# 会员 (club)\n\n## 数据模型\n\n### 会员\n\n| 字段 | 类型 |\n|---|---|\n| 姓名 | string |\n| phone | string |\n";

#[test]
fn emit_glossary_lists_every_term_that_needs_an_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("terms.yaml");
    let o = analyze(NEEDS_NAMES, &["--emit-glossary", g.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&g).unwrap();
    assert!(text.contains("会员: ''"), "{text}");
    assert!(text.contains("姓名: ''"), "{text}");
}

#[test]
fn explain_shows_what_each_section_became() {
    let prd = "# Shop (shop)\n\n## Data Model\n\n### Order\n\n| Field | Type | Required |\n|---|---|---|\n| total | decimal | yes |\n| paid_at | | |\n\n## Roadmap\n\nWe will add coupons later.\n\n## Business Rules\n\n- An order cannot be paid twice.\n";
    let o = analyze(prd, &["--explain"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("entity Order → table orders"), "{s}");
    assert!(s.contains("field Order.total: decimal, required"), "{s}");
    assert!(s.contains("guess[W201]"), "{s}");
    assert!(
        s.contains("## Roadmap") && s.contains("nothing read"),
        "{s}"
    );
    assert!(s.contains("rule: An order cannot be paid twice."), "{s}");
}

/// Diagnostics keep their parseable first line, then show the PRD line with the span marked
/// (rustc-style, plain when piped), then help.
#[test]
fn diagnostics_show_the_source_line() {
    let tmp = tempfile::tempdir().unwrap();
    let prd = tmp.path().join("PRD.md");
    std::fs::write(
        &prd,
        "# Shop\n\n## Entities\n\n### Member\n\n| Field | Type |\n|---|---|\n| name | strnig |\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["analyze", "--prd"])
        .arg(&prd)
        .env("LANG", "C")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let at = stderr.find(":9:").expect("a diagnostic on line 9");
    let block = &stderr[at..];
    assert!(block.contains("9 | | name | strnig |"), "{stderr}");
    assert!(block.contains("^") || block.contains("-"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes when piped: {stderr}"
    );
}
