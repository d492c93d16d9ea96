//! The CLI's own messages and its `--help` speak Chinese under a `zh*` locale (LANG,
//! LC_MESSAGES or LC_ALL) and English otherwise; PRD diagnostics are tested elsewhere.

use std::path::Path;
use std::process::{Command, Output};

fn bp(locale: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backend-pro"));
    cmd.args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C");
    for (k, v) in locale {
        cmd.env(k, v);
    }
    cmd.output().expect("run backend-pro")
}

const ZH: &[(&str, &str)] = &[("LANG", "zh_CN.UTF-8")];
const C: &[(&str, &str)] = &[];

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn new_project(dir: &Path, locale: &[(&str, &str)]) -> String {
    let model = format!(
        "{}/tests/fixtures/models/shop.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = dir.join("svc");
    let o = bp(
        locale,
        &["new", "--model", &model, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

#[test]
fn help_is_chinese_under_a_chinese_locale() {
    let zh = text(&bp(ZH, &["--help"]));
    assert!(
        zh.contains("用法") && zh.contains("撤销最近一次应用的变更"),
        "{zh}"
    );
    assert!(zh.contains("打印帮助"), "{zh}");
    let sub = text(&bp(ZH, &["add", "entity", "--help"]));
    assert!(
        sub.contains("实体名") && sub.contains("只打印计划，不写入"),
        "{sub}"
    );
    let en = text(&bp(C, &["--help"]));
    assert!(
        en.contains("Usage") && en.contains("Revert the last applied change"),
        "{en}"
    );
    assert!(!en.contains("用法"), "{en}");
    // LC_ALL wins over LANG, as POSIX says; --lang wins over both.
    let all = text(&bp(&[("LC_ALL", "zh_CN.UTF-8")], &["plan", "--help"]));
    assert!(all.contains("项目目录"), "{all}");
    let flag = text(&bp(ZH, &["--lang", "en", "plan", "--help"]));
    assert!(flag.contains("The project directory"), "{flag}");
}

#[test]
fn file_errors_are_chinese_under_a_chinese_locale() {
    let o = bp(ZH, &["analyze", "--prd", "/nonexistent/PRD.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("错误：无法读取 /nonexistent/PRD.md"),
        "{}",
        text(&o)
    );
    let o = bp(C, &["analyze", "--prd", "/nonexistent/PRD.md"]);
    assert!(
        text(&o).contains("error: cannot read /nonexistent/PRD.md"),
        "{}",
        text(&o)
    );
}

#[test]
fn day_two_messages_are_chinese_under_a_chinese_locale() {
    let zh_project = tempfile::tempdir().unwrap();
    let out = new_project(zh_project.path(), ZH);
    assert!(out.contains("已在") && out.contains("下一步："), "{out}");
    // A project generated in English: the locale alone decides the language of messages.
    let tmp = tempfile::tempdir().unwrap();
    assert!(new_project(tmp.path(), C).contains("Generated"));
    let p = tmp.path().join("svc");
    let p = p.to_str().unwrap();
    let undo = text(&bp(ZH, &["undo", "--project", p]));
    assert!(undo.contains("无可撤销"), "{undo}");
    assert!(text(&bp(C, &["undo", "--project", p])).contains("nothing to undo"));
    assert!(text(&bp(ZH, &["plan", "--project", p])).contains("已是最新"));
    assert!(text(&bp(ZH, &["check", "--project", p])).contains("检查通过"));
    assert!(text(&bp(C, &["check", "--project", p])).contains("check passed"));

    let added = text(&bp(
        &[("LC_MESSAGES", "zh_CN.UTF-8")],
        &["add", "field", "Product", "isbn:string", "--project", p],
    ));
    assert!(added.contains("完成（撤销：backend-pro undo）"), "{added}");
    let undone = text(&bp(ZH, &["undo", "--project", p]));
    assert!(undone.contains("已撤销"), "{undone}");

    // A hand-edited generated file: the conflict reason and the summary are Chinese too.
    let gen = walkdir::WalkDir::new(tmp.path().join("svc/internal"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().to_string_lossy().ends_with(".gen.go"))
        .unwrap()
        .into_path();
    let mut s = std::fs::read_to_string(&gen).unwrap();
    s.push_str("// mine\n");
    std::fs::write(&gen, s).unwrap();
    let o = bp(
        ZH,
        &["add", "field", "Product", "isbn:string", "--project", p],
    );
    assert_eq!(o.status.code(), Some(1));
    let t = text(&o);
    assert!(
        t.contains("冲突") && t.contains("生成文件被手工修改"),
        "{t}"
    );
    assert!(t.contains("未写入任何文件"), "{t}");
    let o = bp(C, &["check", "--project", p]);
    assert!(text(&o).contains("edited by hand"), "{}", text(&o));
}

#[test]
fn refusals_and_lock_waits_are_chinese_under_a_chinese_locale() {
    let tmp = tempfile::tempdir().unwrap();
    new_project(tmp.path(), C);
    let p = tmp.path().join("svc");
    let ps = p.to_str().unwrap();
    // Customer is referenced by Order.customer_id.
    let o = bp(ZH, &["remove", "entity", "Customer", "--project", ps]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("仍被") && text(&o).contains("Order.customer_id"),
        "{}",
        text(&o)
    );
    let o = bp(C, &["remove", "entity", "Customer", "--project", ps]);
    assert!(text(&o).contains("is still referenced by"), "{}", text(&o));
    let o = bp(
        ZH,
        &["add", "field", "Product", "x:nonsense", "--project", ps],
    );
    assert!(text(&o).contains("未知类型"), "{}", text(&o));

    // Another command holds the lock for a moment: this one says it waits, then runs.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(p.join(".backend-pro/lock"))
        .unwrap();
    lock.lock().unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        drop(lock);
    });
    let o = bp(ZH, &["check", "--project", ps]);
    release.join().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("正在等待另一个"), "{}", text(&o));
}

/// `explain CODE` in the UI language: docs/DIAGNOSTICS.md, or docs/DIAGNOSTICS.zh.md under a
/// Chinese locale or `--lang zh`.
#[test]
fn explain_speaks_both_languages() {
    let en = bp(C, &["explain", "E101"]);
    assert!(en.status.success(), "{}", text(&en));
    insta::assert_snapshot!("explain_E101_en", text(&en));
    let zh = bp(ZH, &["explain", "e101"]);
    assert!(zh.status.success(), "{}", text(&zh));
    insta::assert_snapshot!("explain_E101_zh", text(&zh));
    assert_eq!(
        text(&bp(C, &["--lang", "zh", "explain", "E101"])),
        text(&zh)
    );
    // A pipe written `\|` in the table comes out as a pipe.
    let w250 = text(&bp(ZH, &["explain", "W250"]));
    assert!(w250.contains("`| 表名 | 用途 | 主要字段 |`"), "{w250}");
    let unknown = bp(ZH, &["explain", "E999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).contains("未知的诊断代码"),
        "{}",
        text(&unknown)
    );
}
