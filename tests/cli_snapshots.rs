//! Snapshots of what the CLI shows (issue 13, "Done when"): `--help` of every subcommand in
//! English and Chinese, rendered diagnostics plain and coloured, the JSON of `plan`/`check`,
//! and the bash completion script. A change to any of them is reviewed here.

use std::path::Path;
use std::process::{Command, Output};

fn bp(lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .env("NO_COLOR", "1")
        .output()
        .expect("run backend-pro")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every command path: the top level, each subcommand and each of theirs.
fn command_paths() -> Vec<Vec<String>> {
    let o = bp("C", &["--help"]);
    assert!(o.status.success());
    let mut out = vec![vec![]];
    for sub in [
        vec!["analyze"],
        vec!["new"],
        vec!["templates"],
        vec!["add"],
        vec!["add", "entity"],
        vec!["add", "field"],
        vec!["add", "capability"],
        vec!["remove"],
        vec!["remove", "entity"],
        vec!["remove", "capability"],
        vec!["sync"],
        vec!["plan"],
        vec!["check"],
        vec!["undo"],
        vec!["explain"],
        vec!["completions"],
    ] {
        out.push(sub.into_iter().map(str::to_string).collect());
    }
    // Nothing left out: every subcommand the top-level help lists is above.
    let help = stdout(&o);
    let listed: Vec<&str> = help
        .split_once("Commands:")
        .expect("a command list")
        .1
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    for c in listed {
        assert!(
            out.iter().any(|p| p.first().map(String::as_str) == Some(c)),
            "{c}"
        );
    }
    out
}

#[test]
fn help_of_every_command_in_both_languages() {
    for (lang, locale) in [("en", "C"), ("zh", "zh_CN.UTF-8")] {
        let mut all = String::new();
        for path in command_paths() {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push("--help");
            let o = bp(locale, &args);
            assert!(o.status.success(), "{args:?}");
            all.push_str(&format!("===== backend-pro {}\n", args.join(" ")));
            all.push_str(&stdout(&o));
            all.push('\n');
        }
        insta::assert_snapshot!(format!("help_{lang}"), all);
    }
}

const BROKEN_PRD: &str = "# Shop\n\n## Entities\n\n### 会员\n\n| Field | Type | Required |\n|---|---|---|\n| name | strnig | yes |\n";

#[test]
fn diagnostics_plain_and_coloured() {
    let analysis = backend_pro::analyze_bytes(
        BROKEN_PRD.as_bytes(),
        &backend_pro::AnalyzeOptions::default(),
    );
    let mut diags = analysis.diagnostics.clone();
    backend_pro::diag::sort(&mut diags);
    for (lang, name) in [
        (backend_pro::model::Lang::En, "en"),
        (backend_pro::model::Lang::Zh, "zh"),
    ] {
        let plain =
            backend_pro::diag::render_all_in(&diags, "PRD.md", Some(BROKEN_PRD), lang, false);
        insta::assert_snapshot!(format!("diagnostics_plain_{name}"), plain);
    }
    let coloured = backend_pro::diag::render_all_in(
        &diags,
        "PRD.md",
        Some(BROKEN_PRD),
        backend_pro::model::Lang::En,
        true,
    );
    assert!(coloured.contains('\u{1b}'), "colour codes");
    // The first line of each diagnostic stays parseable, colour or not.
    assert!(coloured.starts_with("PRD.md:"), "{coloured}");
    insta::assert_snapshot!("diagnostics_coloured", coloured.replace('\u{1b}', "\\e"));
    // And the binary, piped: plain, the same text as the library renders.
    let tmp = tempfile::tempdir().unwrap();
    let prd = tmp.path().join("PRD.md");
    std::fs::write(&prd, BROKEN_PRD).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["analyze", "--prd", "PRD.md"])
        .current_dir(tmp.path())
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let plain = backend_pro::diag::render_all_in(
        &diags,
        "PRD.md",
        Some(BROKEN_PRD),
        backend_pro::model::Lang::En,
        false,
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with(&plain),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn run(project: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--project", project.to_str().unwrap()]);
    bp("C", &all)
}

#[test]
fn plan_and_check_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("svc");
    let model = format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = bp(
        "C",
        &["new", "--model", &model, "--out", dir.to_str().unwrap()],
    );
    assert!(o.status.success());
    insta::assert_snapshot!(
        "plan_json_up_to_date",
        stdout(&run(&dir, &["plan", "--format", "json"]))
    );
    insta::assert_snapshot!(
        "check_json_ok",
        stdout(&run(&dir, &["check", "--format", "json"]))
    );
    // A hand edit of a generated file, and a field added to the model by hand.
    let wire = dir.join("internal/app/wire.gen.go");
    let text = std::fs::read_to_string(&wire).unwrap();
    std::fs::write(&wire, format!("{text}// mine\n")).unwrap();
    let path = dir.join("backend-pro.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let edited = yaml.replacen(
        "  - name: full_name\n",
        "  - name: nickname\n    type: string\n  - name: full_name\n",
        1,
    );
    assert_ne!(edited, yaml);
    std::fs::write(&path, edited).unwrap();
    insta::assert_snapshot!(
        "plan_json_changes",
        stdout(&run(&dir, &["plan", "--format", "json"]))
    );
    let check = run(&dir, &["check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    insta::assert_snapshot!("check_json_drift", stdout(&check));
}

#[test]
fn bash_completions() {
    let o = bp("C", &["completions", "bash"]);
    assert!(o.status.success());
    insta::assert_snapshot!("completions_bash", stdout(&o));
}
