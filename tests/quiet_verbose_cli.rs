//! `--quiet` and `--verbose` (issue 13, item 4): quiet keeps errors, warnings and what a
//! command exists to print (plan's files, check's drift) and drops progress and summaries;
//! verbose adds every file a command looked at, with its action.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        .output()
        .expect("run backend-pro")
}

fn run(project: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--project", project.to_str().unwrap()]);
    bp(&all)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        out(o),
        err(o)
    );
    out(o)
}

fn model() -> String {
    format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn new_project(flags: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("svc");
    let mut args = vec!["new", "--model"];
    let m = model();
    args.push(&m);
    args.extend(["--out", dir.to_str().unwrap()]);
    args.extend(flags);
    let o = bp(&args);
    ok(&o);
    (tmp, dir, o)
}

#[test]
fn new_quiet_prints_nothing_and_verbose_every_file() {
    let (_t, dir, o) = new_project(&["--quiet"]);
    assert_eq!(out(&o), "");
    assert_eq!(err(&o), "", "no notice about the module either");
    assert!(dir.join("backend-pro.yaml").is_file());

    let (_t, _dir, o) = new_project(&["-v"]);
    let text = out(&o);
    assert!(text.contains("Generated shop"), "{text}");
    for path in [
        "backend-pro.yaml",
        "go.mod",
        ".backend-pro/ledger.yaml",
        ".backend-pro/schema.json",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with("create") && l.ends_with(&format!(" {path}"))),
            "{path} not listed:\n{text}"
        );
    }
}

#[test]
fn day_two_commands_quiet_and_verbose() {
    let (_t, p, _) = new_project(&[]);
    let o = run(
        &p,
        &["add", "entity", "Review", "--field", "body:text", "-q"],
    );
    assert_eq!(ok(&o), "");
    assert_eq!(err(&o), "");
    assert!(p.join("internal/domain/review").is_dir());

    let o = run(&p, &["add", "field", "Review", "stars:int", "--verbose"]);
    let text = ok(&o);
    assert!(text.contains("+ field Review.stars"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("unchanged")),
        "verbose shows unchanged files:\n{text}"
    );
    assert!(
        text.contains(".backend-pro/ledger.yaml"),
        "verbose shows the bookkeeping:\n{text}"
    );

    // Nothing to do, quietly.
    assert_eq!(ok(&run(&p, &["sync", "-q"])), "");
    assert_eq!(ok(&run(&p, &["check", "-q"])), "");
    assert_eq!(ok(&run(&p, &["plan", "-q"])), "");
    let check = ok(&run(&p, &["check", "-v"]));
    assert!(check.contains("go.mod: up to date"), "{check}");
    assert!(check.contains("check passed"), "{check}");
    assert_eq!(
        ok(&run(
            &p,
            &["templates", "eject", "internal/app/app.go.tera", "-q"]
        )),
        ""
    );
    let ejected = ok(&run(&p, &["templates", "eject", "root/go.mod.tera", "-v"]));
    assert!(
        ejected.contains("create") && ejected.contains("go.mod"),
        "{ejected}"
    );
    assert_eq!(ok(&run(&p, &["undo", "-q"])), "");
    assert_eq!(ok(&run(&p, &["remove", "entity", "Review", "-q"])), "");
}

#[test]
fn plan_quiet_lists_the_files_only() {
    let (_t, p, _) = new_project(&[]);
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    let edited = model.replacen(
        "  - name: full_name\n",
        "  - name: nickname\n    type: string\n  - name: full_name\n",
        1,
    );
    assert_ne!(edited, model);
    std::fs::write(&path, edited).unwrap();
    let normal = ok(&run(&p, &["plan"]));
    assert!(normal.contains("@@"), "diffs by default:\n{normal}");
    let quiet = ok(&run(&p, &["plan", "--quiet"]));
    assert!(!quiet.contains("@@"), "{quiet}");
    assert!(!quiet.contains("sync"), "no footer:\n{quiet}");
    assert!(!quiet.contains("model changes"), "no header:\n{quiet}");
    assert!(quiet.contains("internal/domain/customer/"), "{quiet}");
    assert!(quiet
        .lines()
        .all(|l| l.starts_with("  ") && !l.trim().is_empty()));
}

#[test]
fn quiet_still_names_conflicts_and_drift() {
    let (_t, p, _) = new_project(&[]);
    let gen = p.join("internal/app/wire.gen.go");
    let mut text = std::fs::read_to_string(&gen).unwrap();
    text.push_str("// mine\n");
    std::fs::write(&gen, text).unwrap();
    let o = run(&p, &["check", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("internal/app/wire.gen.go"), "{}", out(&o));
    let o = run(
        &p,
        &["add", "entity", "Tag", "--field", "name:string", "-q"],
    );
    assert_eq!(o.status.code(), Some(1));
    let all = out(&o) + &err(&o);
    assert!(all.contains("internal/app/wire.gen.go"), "{all}");
    assert!(all.contains("nothing was written"), "{all}");
}

#[test]
fn quiet_and_verbose_exclude_each_other_and_are_in_the_help() {
    let o = bp(&["plan", "-q", "-v"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let help = out(&bp(&["new", "--help"]));
    assert!(
        help.contains("--quiet") && help.contains("--verbose"),
        "{help}"
    );
    let zh = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["new", "--help"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.contains("只输出错误和警告"), "{zh}");
}
