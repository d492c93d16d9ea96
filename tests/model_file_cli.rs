//! `backend-pro.yaml` is pleasant to edit by hand (issue 13, item 7): a JSON Schema written to
//! `.backend-pro/schema.json` and referenced from the file's first line, and errors in a
//! hand-edited model located at `backend-pro.yaml:LINE:COL` with a `help:` line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "# yaml-language-server: $schema=.backend-pro/schema.json\n";

fn run(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(args)
        .arg("--project")
        .arg(project)
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .output()
        .expect("run backend-pro")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn new_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("svc");
    let model = format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["new", "--model", &model, "--out"])
        .arg(&out)
        .env("LANG", "C")
        .output()
        .unwrap();
    ok(&o);
    (tmp, out)
}

/// Every file under `dir`, bookkeeping included, path → bytes.
fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.replace('\\', "/"), std::fs::read(e.path()).unwrap())
        })
        .filter(|(rel, _)| rel != ".backend-pro/lock")
        .collect()
}

#[test]
fn new_writes_the_schema_and_the_model_refers_to_it() {
    let (_tmp, p) = new_project();
    let model = std::fs::read_to_string(p.join("backend-pro.yaml")).unwrap();
    assert!(model.starts_with(HEADER), "{model}");
    let schema = std::fs::read_to_string(p.join(".backend-pro/schema.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&schema).expect("schema.json is JSON");
    insta::assert_snapshot!("model_schema", schema);
    let props = v["properties"].as_object().expect("properties");
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    insta::assert_debug_snapshot!("model_schema_top_level_keys", keys);
    // The schema says which keys a model must have.
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(required.contains(&"service") && required.contains(&"version"));
}

#[test]
fn re_runs_are_byte_identical() {
    let (_tmp, p) = new_project();
    let before = all_files(&p);
    assert!(ok(&run(&p, &["plan"])).contains("up to date"));
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
    assert!(ok(&run(&p, &["sync"])).contains("nothing to do"));
    assert_eq!(
        all_files(&p),
        before,
        "a sync with no change writes nothing"
    );
}

#[test]
fn a_model_written_before_the_schema_gets_it_on_sync() {
    let (_tmp, p) = new_project();
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, model.strip_prefix(HEADER).unwrap()).unwrap();
    std::fs::remove_file(p.join(".backend-pro/schema.json")).unwrap();
    ok(&run(&p, &["sync"]));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), model);
    assert!(p.join(".backend-pro/schema.json").is_file());
    assert!(ok(&run(&p, &["sync"])).contains("nothing to do"));
}

/// Replaces the first `type: string` with `replacement`; returns its 1-based line and the
/// 1-based column of the value.
fn break_first_string_type(p: &Path, replacement: &str) -> (usize, usize) {
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    let (i, line) = model
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim() == "type: string")
        .unwrap();
    let col = line.find("string").unwrap() + 1;
    let edited: String = model
        .lines()
        .enumerate()
        .map(|(j, l)| {
            if j == i {
                l.replace("string", replacement) + "\n"
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&path, edited).unwrap();
    (i + 1, col)
}

#[test]
fn a_type_error_in_the_model_is_located() {
    for (bad, says) in [("strng", "unknown variant `strng`"), ("42", "`42`")] {
        let (_tmp, p) = new_project();
        let (line, col) = break_first_string_type(&p, bad);
        let before = all_files(&p);
        for cmd in [
            &["sync"][..],
            &["plan"],
            &["check"],
            &["add", "field", "Customer", "x:int"],
        ] {
            let o = run(&p, cmd);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{cmd:?}: {err}");
            let head = format!("backend-pro.yaml:{line}:{col}: error[E150]: ");
            assert!(err.starts_with(&head), "{cmd:?}: want {head}\n{err}");
            assert!(err.contains(says), "{err}");
            assert!(err.contains("  help: "), "{err}");
            // The offending line is shown, rustc-style.
            assert!(err.contains(&format!("type: {bad}")), "{err}");
        }
        assert_eq!(all_files(&p), before, "nothing written");
    }
}

#[test]
fn a_yaml_syntax_error_is_located_too() {
    let (_tmp, p) = new_project();
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        model.replacen("  name: shop\n", "  name: [shop\n", 1),
    )
    .unwrap();
    let o = run(&p, &["plan"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("backend-pro.yaml:"), "{err}");
    assert!(err.contains("error[E150]"), "{err}");
    // No location text left in the message itself.
    assert!(!err.contains(" at line "), "{err}");
}

#[test]
fn new_from_a_broken_model_file_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let model = tmp.path().join("model.yaml");
    std::fs::write(&model, src.replacen("type: email", "type: emial", 1)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["new", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(tmp.path().join("svc"))
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with(&format!("{}:14:11: error[E150]: ", model.display())),
        "{err}"
    );
    assert!(!tmp.path().join("svc").exists());
}

#[test]
fn chinese_messages_for_a_broken_model() {
    let (_tmp, p) = new_project();
    break_first_string_type(&p, "strng");
    let o = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["plan", "--project"])
        .arg(&p)
        .env("LANG", "zh_CN.UTF-8")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("错误[E150]"), "{err}");
    assert!(err.contains("  帮助: "), "{err}");
}

/// What the file means is checked next (validate); those errors are located in
/// `backend-pro.yaml` too — at the item they are about — not at the PRD lines the model keeps.
#[test]
fn a_semantic_error_in_the_model_is_located_at_its_item() {
    let (_tmp, p) = new_project();
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    let edited = model.replacen("references: Customer", "references: Custmer", 1);
    std::fs::write(&path, &edited).unwrap();
    let field_line = edited
        .lines()
        .position(|l| l == "  - name: customer_id")
        .unwrap()
        + 1;
    for cmd in [&["sync"][..], &["plan"], &["check"]] {
        let o = run(&p, cmd);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {err}");
        let head = format!("backend-pro.yaml:{field_line}:5: ");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&head) && l.contains("error[E107]")),
            "{cmd:?}: want {head}… error[E107]\n{err}"
        );
        assert!(
            err.contains("  - name: customer_id"),
            "the line is shown:\n{err}"
        );
    }
    // An entity renamed by hand to a name that is not PascalCase: at the entity.
    let edited = model.replacen("- name: Customer\n", "- name: customer\n", 1);
    std::fs::write(&path, &edited).unwrap();
    let entity_line = edited
        .lines()
        .position(|l| l == "- name: customer")
        .unwrap()
        + 1;
    let err = String::from_utf8_lossy(&run(&p, &["plan"]).stderr).into_owned();
    assert!(
        err.contains(&format!("backend-pro.yaml:{entity_line}:3: error[E114]")),
        "{err}"
    );
}
