//! Fixture harness: runs `analyze` on every `tests/fixtures/prd/**/*.md` and snapshots the
//! model (YAML) and the rendered diagnostics (English, then Chinese) of each.
//!
//! Add a fixture by dropping a `.md` file under `tests/fixtures/prd/<area>/`, then run
//! `cargo insta test --accept` (or `INSTA_UPDATE=always cargo test --test parse`) and review
//! the new `tests/snapshots/parse__fixture@<area>__<name>.md.snap`.

use backend_pro::model::{Lang, Model};
use backend_pro::{analyze, analyze_bytes, diag, AnalyzeOptions, Glossary};

/// `<fixture>.glossary.yaml` next to a fixture is passed as `--glossary`.
fn options(path: &std::path::Path) -> AnalyzeOptions {
    let g = path.with_extension("glossary.yaml");
    let mut opts = AnalyzeOptions::default();
    if g.exists() {
        let raw = std::fs::read_to_string(&g).expect("glossary readable");
        opts.glossary = serde_yaml_ng::from_str::<Glossary>(&raw).expect("glossary is a YAML map");
    }
    opts
}

fn report(path: &std::path::Path) -> String {
    // Bytes, like the CLI: encodings (BOM, UTF-16, GBK, Windows-1252) and binary fixtures.
    let bytes = std::fs::read(path).expect("fixture readable");
    let analysis = analyze_bytes(&bytes, &options(path));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("PRD.md");
    // The model must round-trip losslessly through YAML.
    let yaml = analysis.model.to_yaml();
    let back = Model::from_yaml(&yaml).expect("model YAML parses back");
    assert_eq!(back, analysis.model, "model YAML round-trips");
    format!(
        "{yaml}---- diagnostics ----\n{}---- 诊断 ----\n{}",
        diag::render_all(&analysis.diagnostics, name, Lang::En),
        diag::render_all(&analysis.diagnostics, name, Lang::Zh)
    )
}

#[test]
fn fixture() {
    insta::glob!("fixtures/prd/**/*.md", |path| {
        insta::assert_snapshot!(report(path));
    });
}

#[test]
fn binary_garbage_is_a_located_error() {
    let mut bytes: Vec<u8> = b"# Shop\n\n## Data Model\n\n### Order\n\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x01, 0x9f, 0x92, 0x96, b'\n', 0x00, 0x00]);
    let text = String::from_utf8_lossy(&bytes);
    let a = analyze(&text, &AnalyzeOptions::default());
    let e100 = a
        .diagnostics
        .iter()
        .find(|d| d.code == "E100")
        .expect("E100 reported");
    assert_eq!((e100.line, e100.col), (7, 1));
    assert!(a.has_errors());
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic xorshift; the cargo-fuzz target (fuzz/) runs the real campaign.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let alphabet: &[&str] = &[
        "#",
        "## ",
        "### ",
        "|",
        "-",
        "*",
        "**",
        "~~",
        "`",
        "```sql\n",
        "```\n",
        "\n",
        " ",
        "(",
        ")",
        "（",
        "）",
        ":",
        "：",
        "CREATE TABLE ",
        "x ",
        "int",
        "varchar(",
        "enum(",
        "REFERENCES ",
        "NOT NULL",
        "用户",
        "字段",
        "类型",
        "a|b",
        "1-男/2-女",
        "\u{fffd}",
        "é",
        "interface X {\n",
        "}\n",
        "- **E**: ",
        "ref ",
        "_id",
        "数据字典\n",
        "|---|---|\n",
    ];
    for _ in 0..3000 {
        let mut s = String::new();
        let n = (seed % 60) as usize;
        for _ in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let _ = analyze(&s, &AnalyzeOptions::default());
    }
}
