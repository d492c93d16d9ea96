//! `backend-pro test`: the generated project's checks (backend_pro::checks decides which), run
//! one after another in the project, with one summary table in the user's language.

use backend_pro::checks::{self, Facts, Judge, Skip, Step};
use backend_pro::model::Lang;
use backend_pro::{i18n, msg};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// Whether `program` is on PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

fn set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

fn facts(root: &Path) -> Facts {
    Facts {
        golangci_lint: on_path("golangci-lint"),
        promtool: on_path("promtool"),
        alert_tests: root
            .join("deployments/prometheus/alerts_test.yml")
            .is_file(),
        e2e_suite: root.join("tests/e2e").is_dir(),
        services: set("DATABASE_URL") && set("REDIS_URL"),
        e2e_base_url: set("E2E_BASE_URL"),
    }
}

enum Outcome {
    Passed,
    Failed(String),
    Skipped(Skip),
}

/// Runs a step's commands in order; the output of the first that fails, or of a silent-success
/// command that printed something.
fn run(root: &Path, s: &Step) -> Outcome {
    if let Some(why) = s.skip {
        return Outcome::Skipped(why);
    }
    for c in &s.commands {
        let out = Command::new(&c[0])
            .args(&c[1..])
            .current_dir(root.join(s.dir))
            .envs(s.env.iter().copied())
            .stdin(Stdio::null())
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) => return Outcome::Failed(format!("{}: {e}", c[0])),
        };
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let silent_failed = s.judge == Judge::SilentSuccess && !out.stdout.is_empty();
        if !out.status.success() || silent_failed {
            return Outcome::Failed(format!("$ {}\n{text}", c.join(" ")));
        }
    }
    Outcome::Passed
}

fn skip_reason(lang: Lang, s: Skip) -> String {
    match s {
        Skip::NoGolangciLint => msg!(lang, TestSkipLint),
        Skip::NoPromtool => msg!(lang, TestSkipPromtool),
        Skip::NoE2eBaseUrl => msg!(lang, TestSkipE2e),
    }
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

pub fn run_all(args: Args, lang_flag: Option<Lang>) -> anyhow::Result<ExitCode> {
    let lang = i18n::ui(lang_flag);
    let root = &args.project;
    if !root.join("go.mod").is_file() {
        anyhow::bail!(msg!(lang, TestNotAProject, path = root.display()));
    }
    let f = facts(root);
    if !f.services && !super::quiet() {
        eprintln!("{}", msg!(lang, TestNoServices));
    }
    let steps = checks::steps(&f);
    let width = steps.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut rows = Vec::new();
    for s in &steps {
        let start = Instant::now();
        let outcome = run(root, s);
        let took = format!("{:.1}s", start.elapsed().as_secs_f64());
        let (result, detail) = match outcome {
            Outcome::Passed => {
                passed += 1;
                ("ok", took)
            }
            Outcome::Failed(out) => {
                failed += 1;
                failures.push((s.name, out));
                ("FAIL", took)
            }
            Outcome::Skipped(why) => {
                skipped += 1;
                ("SKIP", skip_reason(lang, why))
            }
        };
        let row = format!("  {:width$}  {result:4}  {detail}", s.name);
        // Progress as it goes: the whole run takes minutes.
        if !super::quiet() {
            println!("{row}");
        }
        rows.push(row);
    }
    for (name, out) in &failures {
        eprintln!("\n{}", msg!(lang, TestFailedOutput, step = name));
        eprintln!("{}", tail(out, 40));
    }
    if super::quiet() {
        for r in rows.iter().filter(|r| r.contains(" FAIL ")) {
            println!("{r}");
        }
    }
    println!(
        "{}",
        msg!(
            lang,
            TestSummary,
            passed = passed,
            failed = failed,
            skipped = skipped
        )
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
