//! Day-two commands through the binary: user edits survive, conflicts write nothing, undo
//! restores exactly. (The Go build of each step is checked by scripts/evolve-scenario.sh.)

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn run(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(args)
        .arg("--project")
        .arg(project)
        .env("LANG", "C")
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

/// Every file under `dir` except the bookkeeping, path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .filter(|(rel, _)| !rel.starts_with(".backend-pro/"))
        .collect()
}

fn new_project() -> (tempfile::TempDir, std::path::PathBuf) {
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

#[test]
fn add_entity_keeps_user_code_and_undo_restores_the_tree() {
    let (_tmp, p) = new_project();
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
    assert!(ok(&run(&p, &["plan"])).contains("up to date"));

    let app = p.join("internal/app/app.go");
    let mut user = std::fs::read_to_string(&app).unwrap();
    user.push_str("\n// Keep me: user logic.\nfunc userHelper() int { return 42 }\n");
    std::fs::write(&app, &user).unwrap();
    let before = tree(&p);

    let out = ok(&run(
        &p,
        &[
            "add",
            "entity",
            "Review",
            "--field",
            "body:text:required",
            "--field",
            "rating:int:default=5",
        ],
    ));
    assert!(out.contains("+ entity Review"), "{out}");
    assert!(p.join("migrations").read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with("_create_reviews.sql")));
    assert_eq!(
        std::fs::read_to_string(&app).unwrap(),
        user,
        "user edit lost"
    );
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
    assert!(ok(&run(&p, &["plan"])).contains("up to date"));

    ok(&run(&p, &["undo"]));
    assert_eq!(tree(&p), before, "undo must restore every file exactly");
    assert!(!run(&p, &["undo"]).status.success(), "nothing left to undo");
}

#[test]
fn hand_edited_generated_file_is_a_conflict_until_forced() {
    let (_tmp, p) = new_project();
    let gen = std::fs::read_dir(p.join("internal/domain"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find_map(|d| {
            std::fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|f| {
                    f.to_string_lossy().ends_with(".gen.go")
                        && !f.to_string_lossy().ends_with("_test.go")
                })
        })
        .unwrap();
    let entity_pkg = gen
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let model = std::fs::read_to_string(p.join("backend-pro.yaml")).unwrap();
    let entity = model
        .lines()
        .filter_map(|l| l.strip_prefix("- name: "))
        .find(|n| n.to_lowercase() == entity_pkg)
        .unwrap()
        .to_string();
    let mut edited = std::fs::read_to_string(&gen).unwrap();
    edited.push_str("// my hack\n");
    std::fs::write(&gen, &edited).unwrap();
    let rel = gen.strip_prefix(&p).unwrap().to_string_lossy().into_owned();

    let before = tree(&p);
    let o = run(&p, &["add", "field", &entity, "note:string"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(&rel));
    assert_eq!(tree(&p), before, "a conflict must write nothing");

    let o = run(&p, &["check"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains(&rel));

    let out = ok(&run(
        &p,
        &["add", "field", &entity, "note:string", "--force"],
    ));
    assert!(out.contains(".backend-pro/backup/"), "{out}");
    let backup = std::fs::read_dir(p.join(".backend-pro/backup"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(std::fs::read_to_string(backup.join(&rel)).unwrap(), edited);
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
}

#[test]
fn renames_are_never_guessed() {
    let (_tmp, p) = new_project();
    let path = p.join("backend-pro.yaml");
    let model = std::fs::read_to_string(&path).unwrap();
    // Rename the first field of the first entity by hand.
    let first_field = model
        .lines()
        .skip_while(|l| !l.starts_with("  fields:"))
        .find_map(|l| l.strip_prefix("  - name: "))
        .unwrap()
        .to_string();
    let renamed = model.replacen(
        &format!("  - name: {first_field}\n"),
        "  - name: renamed_field\n",
        1,
    );
    std::fs::write(&path, renamed).unwrap();
    let o = run(&p, &["sync"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--rename"));
    let entity = model
        .lines()
        .find_map(|l| l.strip_prefix("- name: "))
        .unwrap();
    let spec = format!("{entity}.{first_field}:renamed_field");
    let out = ok(&run(&p, &["sync", "--rename", &spec]));
    assert!(out.contains("(rename)"), "{out}");
    let alter = std::fs::read_dir(p.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.to_string_lossy().contains("_alter_"))
        .unwrap();
    assert!(std::fs::read_to_string(alter)
        .unwrap()
        .contains("RENAME COLUMN"));
}

#[test]
fn add_entity_from_prd_takes_its_definition() {
    let (tmp, p) = new_project();
    let prd = tmp.path().join("PRD.md");
    std::fs::write(
        &prd,
        "# Shop\n\n## Entities\n\n### Coupon\n\n\
         | Field | Type | Required | Description |\n|---|---|---|---|\n\
         | code | varchar(20) | yes | Printed on the voucher, unique |\n\
         | percent_off | int | yes | Discount in percent |\n",
    )
    .unwrap();
    let out = ok(&run(
        &p,
        &[
            "add",
            "entity",
            "Coupon",
            "--from-prd",
            prd.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("+ entity Coupon"), "{out}");
    let domain = std::fs::read_to_string(p.join("internal/domain/coupon/coupon.gen.go")).unwrap();
    assert!(domain.contains("PercentOff"), "the PRD's fields are used");
    let migration = std::fs::read_dir(p.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.to_string_lossy().ends_with("_create_coupons.sql"))
        .expect("a create migration");
    assert!(std::fs::read_to_string(migration)
        .unwrap()
        .contains("code varchar(20) NOT NULL"));
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
    assert!(ok(&run(&p, &["plan"])).contains("up to date"));
    let o = run(
        &p,
        &[
            "add",
            "entity",
            "Voucher",
            "--from-prd",
            prd.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success(), "an entity the PRD does not define");
}

#[test]
fn a_template_change_merges_into_the_users_scaffold_file() {
    let (_tmp, p) = new_project();
    // The user's code, at the end of a scaffold file.
    let app = p.join("internal/app/app.go");
    let mut user = std::fs::read_to_string(&app).unwrap();
    user.push_str("\n// userHelper is the user's.\nfunc userHelper() int { return 42 }\n");
    std::fs::write(&app, &user).unwrap();
    // A new version of its template changes its first comment line.
    ok(&run(
        &p,
        &["templates", "eject", "internal/app/app.go.tera"],
    ));
    let tpl = p.join(".backend-pro/templates/internal/app/app.go.tera");
    let text = std::fs::read_to_string(&tpl).unwrap();
    let first = text.lines().next().unwrap().to_string();
    std::fs::write(
        &tpl,
        text.replacen(&first, &format!("{first} (template v2)"), 1),
    )
    .unwrap();
    let plan = ok(&run(&p, &["plan", "--no-diff"]));
    assert!(plan.contains("internal/app/app.go"), "{plan}");
    ok(&run(&p, &["sync"]));
    let merged = std::fs::read_to_string(&app).unwrap();
    assert!(
        merged.contains("(template v2)"),
        "the template change is merged in"
    );
    assert!(
        merged.contains("func userHelper() int { return 42 }"),
        "the user's code is kept"
    );
    assert!(!merged.contains("<<<<<<<"), "no conflict markers: {merged}");
    assert!(ok(&run(&p, &["plan"])).contains("up to date"));
}

/// Two day-two commands at once take turns on the project lock: both entities land in the
/// model, each with its own migration number, and `check` is clean.
#[test]
fn concurrent_add_entity_commands_take_turns() {
    let (_tmp, dir) = new_project();
    let spawn = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_backend-pro"))
            .args(["add", "entity", name, "--field", "title:string:required"])
            .arg("--project")
            .arg(&dir)
            .env("LANG", "C")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn("Coupon");
    let b = spawn("Voucher");
    ok(&a.wait_with_output().unwrap());
    ok(&b.wait_with_output().unwrap());
    let model = std::fs::read_to_string(dir.join("backend-pro.yaml")).unwrap();
    assert!(
        model.contains("name: Coupon") && model.contains("name: Voucher"),
        "{model}"
    );
    let mut prefixes: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().chars().take(5).collect())
        .filter(|p: &String| p.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let n = prefixes.len();
    prefixes.sort();
    prefixes.dedup();
    assert_eq!(
        prefixes.len(),
        n,
        "two migrations share a number: {prefixes:?}"
    );
    ok(&run(&dir, &["check"]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(dir.join(".backend-pro/lock")).unwrap();
        assert_eq!(m.permissions().mode() & 0o777, 0o644);
    }
}

/// `undo` never loses an edit made after the change it reverts: it refuses, names the file and
/// changes nothing; once the edit is gone, it undoes.
#[test]
fn undo_refuses_to_lose_later_edits() {
    let (_tmp, dir) = new_project();
    ok(&run(
        &dir,
        &["add", "entity", "Coupon", "--field", "code:string:required"],
    ));
    let readme = dir.join("README.md");
    let generated = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(&readme, format!("{generated}\nOur notes.\n")).unwrap();
    let model = std::fs::read_to_string(dir.join("backend-pro.yaml")).unwrap();
    let before = tree(&dir);
    let o = run(&dir, &["undo"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("README.md"), "{err}");
    assert_eq!(tree(&dir), before, "a refused undo changes nothing");
    assert!(std::fs::read_to_string(&readme)
        .unwrap()
        .ends_with("Our notes.\n"));
    // Pending hand edits of the model are protected the same way.
    std::fs::write(&readme, &generated).unwrap();
    std::fs::write(dir.join("backend-pro.yaml"), format!("{model}# mine\n")).unwrap();
    assert!(!run(&dir, &["undo"]).status.success());
    std::fs::write(dir.join("backend-pro.yaml"), &model).unwrap();
    ok(&run(&dir, &["undo"]));
    assert!(!dir.join("internal/domain/coupon/coupon.gen.go").exists());
}

/// Issue 9, item 15: a migration or a generated file deleted by hand is drift. `plan` says it
/// will be recreated, `check` names it and fails, `sync` brings back the exact bytes.
#[test]
fn hand_deleted_migration_and_generated_file_are_drift() {
    let (_tmp, p) = new_project();
    let migration = "migrations/00002_create_products.sql";
    let generated = "internal/infrastructure/postgres/order.gen.go";
    let before = tree(&p);
    assert!(before.contains_key(migration) && before.contains_key(generated));
    std::fs::remove_file(p.join(migration)).unwrap();
    std::fs::remove_file(p.join(generated)).unwrap();

    let plan = ok(&run(&p, &["plan", "--no-diff"]));
    assert!(plan.contains(migration), "{plan}");
    assert!(plan.contains(generated), "{plan}");
    assert!(plan.contains("deleted by hand"), "{plan}");

    let check = run(&p, &["check"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(out.contains(migration) && out.contains(generated), "{out}");

    ok(&run(&p, &["sync"]));
    assert_eq!(tree(&p), before, "sync must recreate both files exactly");
    assert!(ok(&run(&p, &["check"])).contains("check passed"));
}

/// A migration deleted from a project whose records hold no copy of it (made by an older
/// backend-pro) cannot be rebuilt: it is history. `plan` and `check` say so, and `sync`
/// keeps it on record instead of forgetting it.
#[test]
fn a_deleted_migration_without_a_copy_is_reported_not_forgotten() {
    let (_tmp, p) = new_project();
    let migration = "migrations/00001_create_customers.sql";
    std::fs::remove_file(p.join(migration)).unwrap();
    std::fs::remove_file(p.join(".backend-pro/base").join(migration)).unwrap();
    let plan = ok(&run(&p, &["plan", "--no-diff"]));
    assert!(
        plan.contains(migration) && plan.contains("cannot be regenerated"),
        "{plan}"
    );
    for _ in 0..2 {
        let check = run(&p, &["check"]);
        let out = String::from_utf8_lossy(&check.stdout);
        assert_eq!(check.status.code(), Some(1), "{out}");
        assert!(out.contains(migration), "{out}");
        ok(&run(&p, &["sync"]));
    }
}

/// `add entity Tag` as users type it, without a terminal (CI): the entity is added with no
/// fields of its own, the hint says how to add some, and `check` is clean afterwards.
#[test]
fn add_entity_without_fields_off_a_terminal() {
    let (_tmp, dir) = new_project();
    let o = run(&dir, &["add", "entity", "Tag"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    ok(&o);
    assert!(stderr.contains("add field Tag"), "{stderr}");
    let model = std::fs::read_to_string(dir.join("backend-pro.yaml")).unwrap();
    assert!(model.contains("name: Tag"), "{model}");
    assert!(dir.join("internal/domain/tag/tag.gen.go").is_file());
    ok(&run(&dir, &["check"]));
}

/// `plan --format json` and `check --format json`: valid JSON also when there is nothing to do;
/// drift is listed with stable action names and check exits 1.
#[test]
fn plan_and_check_speak_json() {
    let (_tmp, dir) = new_project();
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&run(&dir, &["plan", "--format", "json"]))).unwrap();
    assert_eq!(plan["up_to_date"], true, "{plan}");
    assert_eq!(plan["files"].as_array().map(Vec::len), Some(0));
    let check: serde_json::Value =
        serde_json::from_str(&ok(&run(&dir, &["check", "--format", "json"]))).unwrap();
    assert_eq!(check["ok"], true);

    let wire = dir.join("internal/app/wire.gen.go");
    let mut text = std::fs::read_to_string(&wire).unwrap();
    text.push_str("// edited\n");
    std::fs::write(&wire, text).unwrap();
    let o = run(&dir, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let check: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(check["ok"], false);
    assert_eq!(check["drift"][0]["path"], "internal/app/wire.gen.go");
    assert_eq!(check["drift"][0]["action"], "conflict");
    let plan: serde_json::Value =
        serde_json::from_str(&ok(&run(&dir, &["plan", "--format", "json"]))).unwrap();
    assert_eq!(plan["files"][0]["action"], "conflict", "{plan}");
}

/// Issue 13, item 2: `add entity NAME` without `--field` takes the entity from the PRD the
/// project was generated from (recorded relative to the project at `new`, updated by
/// `sync --prd`), and says so; when that PRD does not define it (or is gone), the entity gets
/// no fields of its own as before.
#[test]
fn add_entity_takes_its_definition_from_the_recorded_prd() {
    let tmp = tempfile::tempdir().unwrap();
    let prd = tmp.path().join("PRD.md");
    let coupon = "### Coupon\n\n\
         | Field | Type | Required | Description |\n|---|---|---|---|\n\
         | code | varchar(20) | yes | Printed on the voucher |\n\
         | percent_off | int | yes | Discount in percent |\n";
    let book = "# Shop\n\n## Entities\n\n### Book\n\n\
         | Field | Type | Required | Description |\n|---|---|---|---|\n\
         | title | varchar(100) | yes | Title |\n\n";
    std::fs::write(&prd, book).unwrap();
    let dir = tmp.path().join("svc");
    let o = Command::new(env!("CARGO_BIN_EXE_backend-pro"))
        .args(["new", "--prd", "PRD.md", "--out", "svc"])
        .current_dir(tmp.path())
        .env("LANG", "C")
        .output()
        .unwrap();
    ok(&o);
    let ledger = std::fs::read_to_string(dir.join(".backend-pro/ledger.yaml")).unwrap();
    assert!(ledger.contains("prd: ../PRD.md"), "{ledger}");

    // The PRD grows an entity; `add entity Coupon` takes it from there.
    std::fs::write(&prd, format!("{book}{coupon}")).unwrap();
    let o = run(&dir, &["add", "entity", "Coupon"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    ok(&o);
    assert!(
        stderr.contains("Coupon: taking its definition from ../PRD.md"),
        "{stderr}"
    );
    let domain = std::fs::read_to_string(dir.join("internal/domain/coupon/coupon.gen.go")).unwrap();
    assert!(domain.contains("PercentOff"), "the PRD's fields are used");
    ok(&run(&dir, &["check"]));

    // One the PRD does not define: no fields of its own, and the hint.
    let o = run(&dir, &["add", "entity", "Tag"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    ok(&o);
    assert!(stderr.contains("../PRD.md does not define Tag"), "{stderr}");
    assert!(stderr.contains("add field Tag"), "{stderr}");

    // `sync --prd` records the PRD it read.
    let other = tmp.path().join("v2.md");
    std::fs::write(&other, format!("{book}{coupon}")).unwrap();
    ok(&run(
        &dir,
        &["sync", "--prd", other.to_str().unwrap(), "--dry-run"],
    ));
    let ledger = std::fs::read_to_string(dir.join(".backend-pro/ledger.yaml")).unwrap();
    assert!(
        ledger.contains("prd: ../PRD.md"),
        "a dry run records nothing"
    );
    let o = run(&dir, &["sync", "--prd", other.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ledger = std::fs::read_to_string(dir.join(".backend-pro/ledger.yaml")).unwrap();
    assert!(ledger.contains("prd: ../v2.md"), "{ledger}");

    // Gone: said, and the entity is added without fields.
    std::fs::remove_file(&other).unwrap();
    let o = run(&dir, &["add", "entity", "Label"]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    ok(&o);
    assert!(stderr.contains("../v2.md"), "{stderr}");
    assert!(stderr.contains("add field Label"), "{stderr}");
}

/// Issue 13, item 2: on a terminal, `add entity NAME` without `--field` asks for fields, one
/// `name:type[:flags]` per line, refusing a bad one as it is typed, until an empty line. Driven
/// through a pseudo-terminal (util-linux `script`); skipped where `script` is missing.
#[test]
fn add_entity_asks_for_fields_on_a_terminal() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to make a pseudo-terminal");
        return;
    }
    let (_tmp, dir) = new_project();
    let cmd = format!(
        "{} add entity Note --project {}",
        env!("CARGO_BIN_EXE_backend-pro"),
        dir.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("LANG", "C")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script");
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut seen = String::new();
    let mut stdin = child.stdin.take().unwrap();
    // Each answer goes in once the prompt has appeared one more time (a refused answer is
    // asked again).
    for (i, answer) in ["title:strng", "title:string:required", "pages:int", ""]
        .iter()
        .enumerate()
    {
        let deadline = Instant::now() + Duration::from_secs(30);
        while seen.matches("field: ").count() <= i {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(b) => seen.push_str(&String::from_utf8_lossy(&b)),
                Err(_) => panic!("no prompt #{i} within 30 s:\n{seen}"),
            }
        }
        stdin.write_all(format!("{answer}\r").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    let status = child.wait().unwrap();
    while let Ok(b) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.push_str(&String::from_utf8_lossy(&b));
    }
    assert!(status.success(), "{seen}");
    assert!(seen.contains("unknown type \"strng\""), "{seen}");
    let model = std::fs::read_to_string(dir.join("backend-pro.yaml")).unwrap();
    let note = &model[model.find("- name: Note").expect("Note added")..];
    let title = note.find("- name: title").expect("title");
    let pages = note.find("- name: pages").expect("pages");
    assert!(title < pages, "{note}");
    assert!(!note[..pages].contains("strng"));
    ok(&run(&dir, &["check"]));
}
