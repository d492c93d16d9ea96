//! `backend-pro new` and `templates eject` through the binary: bad input writes nothing.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_backend-pro"))
}

fn model() -> String {
    format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn new(args: &[&str]) -> Output {
    bin()
        .arg("new")
        .args(args)
        .env("LANG", "C")
        .output()
        .expect("run backend-pro")
}

fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

#[test]
fn generates_a_project_and_refuses_to_overwrite_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("svc");
    let o = new(&["--model", &model(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("backend-pro.yaml").is_file());
    assert!(out.join("go.mod").is_file());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("Next steps"), "{stdout}");
    let n = count_files(&out);

    let again = new(&["--model", &model(), "--out", out.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    std::fs::write(out.join("go.mod"), "changed").unwrap();
    let forced = new(&[
        "--model",
        &model(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(forced.status.success());
    assert_ne!(
        std::fs::read_to_string(out.join("go.mod")).unwrap(),
        "changed"
    );
    // What --force replaced is backed up, and the folder is named.
    let saved = out.join(".backend-pro/backup/new-001/go.mod");
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "changed");
    assert!(String::from_utf8_lossy(&forced.stderr).contains("new-001"));
    assert_eq!(count_files(&out), n + 1);
    // Nothing left behind beside the output directory.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn bad_input_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = new(&["--model", &model(), "--out", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a directory"));

    let out = tmp.path().join("svc");
    let o = new(&[
        "--model",
        &model(),
        "--out",
        out.to_str().unwrap(),
        "--module",
        "not a module",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("module path"));
    assert!(!out.exists());

    let prd = tmp.path().join("PRD.md");
    std::fs::write(&prd, "# Nothing here\n\nJust words.\n").unwrap();
    let o = new(&[
        "--prd",
        prd.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing was written"));
    assert!(!out.exists());

    let o = new(&[
        "--prd",
        prd.to_str().unwrap(),
        "--model",
        &model(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!out.exists());

    let o = new(&[
        "--model",
        &model(),
        "--out",
        out.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("internal/domain/order/order.gen.go"));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
}

#[test]
fn ejected_templates_override_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("svc");
    assert!(new(&["--model", &model(), "--out", out.to_str().unwrap()])
        .status
        .success());
    let o = bin()
        .args(["templates", "eject", "root/gitignore.tera", "--project"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ejected = out.join(".backend-pro/templates/root/gitignore.tera");
    let text = std::fs::read_to_string(&ejected).unwrap();
    std::fs::write(&ejected, format!("{text}/local/\n")).unwrap();
    let o = new(&[
        "--model",
        &model(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(out.join(".gitignore"))
        .unwrap()
        .contains("/local/"));
}

#[test]
fn summary_speaks_chinese_for_a_chinese_model() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("svc");
    let zh = format!(
        "{}/tests/fixtures/models/library-zh.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = new(&["--model", &zh, "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("下一步"));
    assert!(std::fs::read_to_string(out.join("README.md"))
        .unwrap()
        .contains("快速开始"));
}

#[test]
fn invalid_model_file_is_reported_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    let text = std::fs::read_to_string(model()).unwrap();
    std::fs::write(
        &bad,
        text.replacen("references: Customer", "references: Nobody", 1),
    )
    .unwrap();
    let out = tmp.path().join("svc");
    let o = new(&[
        "--model",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("error[E107]") && err.contains("Nobody"),
        "{err}"
    );
    assert!(!out.exists());
}

/// A hand-written model need not say where things are in a PRD: `line:` is optional.
#[test]
fn a_model_without_line_numbers_generates() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(model()).unwrap();
    let stripped: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("line:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(stripped.len() < text.len(), "the fixture has line numbers");
    let m = tmp.path().join("model.yaml");
    std::fs::write(&m, stripped).unwrap();
    let out = tmp.path().join("svc");
    let o = new(&[
        "--model",
        m.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("go.mod").is_file());
}

/// `--out` through a symlink to an empty directory writes into that directory.
#[cfg(unix)]
#[test]
fn out_through_a_symlink_writes_into_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = new(&["--model", &model(), "--out", link.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(real.join("go.mod").is_file());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Ctrl-C while `new` stages the project leaves no `.backend-pro-new-*` directory behind.
#[cfg(unix)]
#[test]
fn an_interrupted_new_leaves_no_staging_directory() {
    let tmp = tempfile::tempdir().unwrap();
    // Interrupt late in the run, where the files are written: fractions of a full run.
    let t0 = std::time::Instant::now();
    let full = new(&[
        "--model",
        &model(),
        "--out",
        tmp.path().join("full").to_str().unwrap(),
    ]);
    assert!(full.status.success());
    let whole = t0.elapsed().as_millis() as u64;
    let delays = [50u64, 70, 80, 85, 90, 94, 97, 99].map(|pct| whole * pct / 100);
    for (i, delay_ms) in delays.into_iter().enumerate() {
        let out = tmp.path().join(format!("svc{i}"));
        let mut child = bin()
            .args(["new", "--model", &model(), "--out", out.to_str().unwrap()])
            .env("LANG", "C")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let _ = child.wait();
        let left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".backend-pro-new-"))
            .collect();
        assert!(left.is_empty(), "after {delay_ms} ms: {left:?}");
    }
}

/// `new --prd PRD.md` as users type it: no --out writes to ./<service-name>/ and says so,
/// and the default module is named; a second run refuses the non-empty directory.
#[test]
fn new_without_out_writes_to_the_service_name() {
    let tmp = tempfile::tempdir().unwrap();
    let run = || {
        bin()
            .current_dir(tmp.path())
            .args(["new", "--model", &model()])
            .env("LANG", "C")
            .output()
            .expect("run backend-pro")
    };
    let o = run();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let dir = tmp.path().join("shop");
    assert!(dir.join("go.mod").is_file(), "{stderr}");
    assert!(
        stderr.contains("no --out given: writing to shop/"),
        "{stderr}"
    );
    assert!(stderr.contains("Go module: example.com/shop"), "{stderr}");
    let again = run();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}
