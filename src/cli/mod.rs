//! Command-line definitions (clap derive) and dispatch. clap types stop here: each command
//! converts its arguments into library types before calling the core.

mod analyze;
mod evolve;
mod new;
mod templates;
mod test;

use backend_pro::model::Lang;
use backend_pro::{i18n, msg};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "backend-pro",
    version,
    about = "PRD (Markdown, 中文 / English) → production-grade Go backend"
)]
pub struct Cli {
    /// Language of messages and generated docs (default: the PRD's, or zh when LANG=zh*).
    #[arg(long, global = true, value_enum, help_heading = GLOBAL)]
    pub lang: Option<LangArg>,
    /// Print only errors and warnings, and what the command is for (plan's files, check's drift); no progress or summary.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,
    /// Also print every file the command looked at, with its action (unchanged files, the bookkeeping in .backend-pro/).
    #[arg(long, short = 'v', global = true, help_heading = GLOBAL)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The help heading of the flags every command takes (after its own options, like cargo's).
const GLOBAL: &str = "Global options";

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract the domain model from a PRD and print it.
    Analyze(analyze::Args),
    /// Generate a Go service from a PRD (or a backend-pro.yaml model).
    New(new::Args),
    /// List or eject the built-in templates.
    Templates(templates::Args),
    /// Add an entity, fields or a capability to a generated project.
    #[command(subcommand)]
    Add(evolve::AddCommand),
    /// Remove an entity or a capability from a generated project.
    #[command(subcommand)]
    Remove(evolve::RemoveCommand),
    /// Apply a revised PRD (or hand edits of backend-pro.yaml) to a generated project.
    Sync(evolve::SyncArgs),
    /// Show what regenerating the project would change, per file, with diffs.
    Plan(evolve::PlanArgs),
    /// Fail when generated files drifted from the model (for CI).
    Check(evolve::CheckArgs),
    /// Revert the last applied change.
    Undo(evolve::ProjectArg),
    /// Write alert rules, their promtool tests, a Grafana dashboard and a runbook from the PRD's NFRs.
    Monitor(evolve::Common),
    /// Write the database docs: ER diagram, data dictionary and the full schema (docs/db/).
    Db(evolve::Common),
    /// Write Kubernetes manifests (kustomize base and Helm chart) and a capacity plan sized from the PRD's NFRs.
    Deploy(evolve::DeployArgs),
    /// Run the generated project's checks (gofmt, vet, golangci-lint, build, go test -race, alert rules, e2e) and print one summary.
    Test(test::Args),
    /// Explain a diagnostic code (`E101`, `W401`): what it means and the usual fix.
    Explain {
        /// The code, as printed in brackets (`error[E101]`).
        code: String,
    },
    /// Print a shell completion script: `backend-pro completions bash > /etc/bash_completion.d/backend-pro`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// How much a command prints besides errors and warnings (`--quiet`, `--verbose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

static VERBOSITY: std::sync::OnceLock<Verbosity> = std::sync::OnceLock::new();

/// The verbosity of this run (set once from the flags, before the command runs).
pub fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or(Verbosity::Normal)
}

/// `--quiet`: no progress, notices or summaries.
pub fn quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

/// `--verbose`: every file, also the unchanged ones and the bookkeeping.
pub fn verbose() -> bool {
    verbosity() == Verbosity::Verbose
}

/// An error whose diagnostics are already on stderr: the command exits 1 (input or model
/// errors) without another message.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("errors reported above")
    }
}

impl std::error::Error for Reported {}

/// Whether diagnostics on stderr get colours: a terminal, and no `NO_COLOR`.
pub fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Reads a model file's text, or prints where it is broken (`file:line:col: error[E150]`,
/// the line, `help:`) and fails with [`Reported`].
pub fn read_model(text: &str, file: &str, lang: Lang) -> anyhow::Result<backend_pro::model::Model> {
    backend_pro::validate::parse_model(text).map_err(|d| {
        eprint!(
            "{}",
            backend_pro::diag::render_all_in(&[*d], file, Some(text), lang, color())
        );
        anyhow::Error::new(Reported)
    })
}

/// Examples shown under each subcommand's help (`Examples:` / `示例：`): commands only, so
/// one list serves both languages.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "analyze",
        "  backend-pro analyze --prd PRD.md\n  backend-pro analyze --prd PRD.md --explain\n  backend-pro analyze --prd PRD.md --format json > model.json",
    ),
    (
        "new",
        "  backend-pro new --prd PRD.md\n  backend-pro new --prd PRD.md --out shop --module github.com/acme/shop --with events\n  backend-pro new --model backend-pro.yaml --out shop --dry-run",
    ),
    (
        "templates",
        "  backend-pro templates list\n  backend-pro templates eject internal/app/app.go.tera --project shop",
    ),
    (
        "add",
        "  backend-pro add entity Review --field body:text:required --field book_id:ref:ref=Book\n  backend-pro add entity Tag\n  backend-pro add field Book isbn:string:unique pages:int\n  backend-pro add capability events",
    ),
    ("remove", "  backend-pro remove entity Review\n  backend-pro remove capability events\n  backend-pro undo"),
    ("explain", "  backend-pro explain E101\n  backend-pro explain W401"),
    (
        "sync",
        "  backend-pro sync --prd PRD.md\n  backend-pro sync --prd PRD.md --dry-run\n  backend-pro sync --project shop",
    ),
    ("plan", "  backend-pro plan\n  backend-pro plan --no-diff\n  backend-pro plan --format json"),
    ("check", "  backend-pro check\n  backend-pro check --project shop --format json"),
    ("undo", "  backend-pro undo\n  backend-pro undo --project shop"),
    (
        "test",
        "  backend-pro test\n  DATABASE_URL=postgres://localhost/shop REDIS_URL=redis://localhost:6379/0 backend-pro test --project shop\n  E2E_BASE_URL=http://localhost:8080 backend-pro test",
    ),
    (
        "deploy",
        "  backend-pro deploy\n  backend-pro deploy --dry-run\n  backend-pro deploy --instance-rps 1800    # after make load measured one instance\n  backend-pro deploy --project shop && kubectl apply -k shop/deployments/k8s/base\n  helm upgrade --install shop shop/deployments/helm/shop -f values-prod.yaml",
    ),
    ("db", "  backend-pro db\n  backend-pro db --dry-run\n  backend-pro db --project shop"),
    (
        "monitor",
        "  backend-pro monitor\n  backend-pro monitor --dry-run\n  backend-pro monitor --project shop && (cd shop/deployments/prometheus && promtool test rules alerts_test.yml)",
    ),
    (
        "completions",
        "  backend-pro completions bash > ~/.local/share/bash-completion/completions/backend-pro\n  backend-pro completions zsh > \"${fpath[1]}/_backend-pro\"\n  backend-pro completions fish > ~/.config/fish/completions/backend-pro.fish",
    ),
];

/// Exit codes, the same in every command (docs/CLI.md).
const EXIT_CODES_EN: &str =
    "Exit codes: 0 success · 1 input or model errors, drift or conflicts · 2 usage or I/O errors";
const EXIT_CODES_ZH: &str = "退出码：0 成功 · 1 输入或模型错误、漂移或冲突 · 2 用法或 I/O 错误";

/// Adds the examples and the exit codes to each subcommand's help.
fn with_examples(mut cmd: clap::Command, lang: Lang) -> clap::Command {
    let heading = match lang {
        Lang::En => "Examples:",
        Lang::Zh => "示例：",
    };
    let codes = match lang {
        Lang::En => EXIT_CODES_EN,
        Lang::Zh => EXIT_CODES_ZH,
    };
    for (name, ex) in EXAMPLES {
        cmd = cmd.mut_subcommand(*name, |sub| {
            sub.after_help(format!("{heading}\n{ex}\n\n{codes}"))
        });
    }
    cmd.after_help(codes)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LangArg {
    En,
    Zh,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

/// `--lang` as written on the command line, before clap parses it (help text needs it).
fn lang_from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let value = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--lang=")
            .map(str::to_string)
            .or_else(|| (a == "--lang").then(|| args.get(i + 1).cloned().unwrap_or_default()))
    })?;
    match value.as_str() {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The clap command with its help in `lang`: about texts and argument help come from the
/// catalogue ([`i18n::help_zh`], keyed by the English doc comment), headings and clap's own
/// `--help`/`--version` lines too.
pub fn command(lang: Lang) -> clap::Command {
    let cmd = with_examples(Cli::command(), lang);
    match lang {
        Lang::En => cmd,
        Lang::Zh => localize(cmd),
    }
}

fn zh(text: &clap::builder::StyledStr) -> Option<&'static str> {
    i18n::help_zh(&text.to_string())
}

fn localize(mut cmd: clap::Command) -> clap::Command {
    cmd.build();
    let about = cmd.get_about().and_then(zh);
    let long_about = cmd.get_long_about().and_then(zh);
    if let Some(a) = about {
        cmd = cmd.about(a);
    }
    if let Some(a) = long_about {
        cmd = cmd.long_about(a);
    }
    let ids: Vec<clap::Id> = cmd.get_arguments().map(|a| a.get_id().clone()).collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |mut a| {
            if let Some(h) = a.get_help().and_then(zh) {
                a = a.help(h);
            }
            if let Some(h) = a.get_long_help().and_then(zh) {
                a = a.long_help(h);
            }
            if a.get_help_heading() == Some(GLOBAL) {
                a = a.help_heading("全局选项");
            } else if a.get_help_heading().is_none() {
                let heading = if a.is_positional() {
                    "参数"
                } else {
                    "选项"
                };
                a = a.help_heading(heading);
            }
            // clap's own `[default: …]` and `[possible values: …]`, in Chinese.
            if a.get_action().takes_values() {
                let mut extra = String::new();
                let defaults: Vec<String> = a
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                if !defaults.is_empty() && !a.is_hide_default_value_set() {
                    extra.push_str(&format!(" [默认：{}]", defaults.join(", ")));
                }
                let possible: Vec<String> = a
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                if !possible.is_empty() && !a.is_hide_possible_values_set() {
                    extra.push_str(&format!(" [可选：{}]", possible.join(", ")));
                }
                if !extra.is_empty() {
                    let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                    a = a
                        .help(format!("{help}{extra}"))
                        .hide_default_value(true)
                        .hide_possible_values(true);
                }
            }
            match a.get_id().as_str() {
                "help" => a.help("打印帮助"),
                "version" => a.help("打印版本"),
                _ => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, localize);
    }
    cmd.help_template(HELP_ZH_TEMPLATE)
        .subcommand_help_heading("命令")
}

const HELP_ZH_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let ui = i18n::ui(lang_from_args(&args));
    let cli =
        Cli::from_arg_matches(&command(ui).get_matches_from(args)).unwrap_or_else(|e| e.exit());
    let lang = cli.lang.map(Lang::from);
    let _ = VERBOSITY.set(match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    });
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(args, lang),
        Command::New(args) => new::run(args, lang),
        Command::Templates(args) => templates::run(args, lang),
        Command::Add(cmd) => evolve::add(cmd, lang),
        Command::Remove(cmd) => evolve::remove(cmd, lang),
        Command::Sync(args) => evolve::sync(args, lang),
        Command::Plan(args) => evolve::plan(args, lang),
        Command::Check(args) => evolve::check(args, lang),
        Command::Undo(args) => evolve::undo(args, lang),
        Command::Monitor(common) => evolve::monitor(common, lang),
        Command::Db(common) => evolve::db(common, lang),
        Command::Deploy(args) => evolve::deploy(args, lang),
        Command::Test(args) => test::run_all(args, lang),
        Command::Explain { code } => {
            let ui = i18n::ui(lang);
            match backend_pro::diag::explain_code(&code, ui) {
                Some((meaning, fix)) => {
                    println!("{}: {meaning}", code.trim().to_ascii_uppercase());
                    if let Some(f) = fix {
                        println!("{}", msg!(ui, ExplainFix, fix = f));
                    }
                    println!("{}", msg!(ui, ExplainMore));
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    eprintln!("{}", msg!(ui, ExplainUnknown, code = code));
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Completions { shell } => {
            let mut cmd = command(i18n::ui(lang));
            clap_complete::generate(shell, &mut cmd, "backend-pro", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) if err.is::<Reported>() => ExitCode::from(1),
        Err(err) => {
            eprintln!(
                "{}",
                msg!(i18n::ui(lang), Error, error = format!("{err:#}"))
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every about text and argument help of every subcommand has its Chinese form.
    #[test]
    fn every_help_text_has_chinese() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let mut texts: Vec<String> = Vec::new();
            texts.extend(cmd.get_about().map(|t| t.to_string()));
            texts.extend(cmd.get_long_about().map(|t| t.to_string()));
            for a in cmd.get_arguments() {
                if matches!(a.get_id().as_str(), "help" | "version") {
                    continue;
                }
                texts.extend(a.get_help().map(|t| t.to_string()));
                texts.extend(a.get_long_help().map(|t| t.to_string()));
            }
            for t in texts {
                if i18n::help_zh(&t).is_none() {
                    missing.push(format!("{path}: {t:?}"));
                }
            }
            for s in cmd.get_subcommands() {
                walk(s, &format!("{path} {}", s.get_name()), missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "backend-pro", &mut missing);
        assert!(
            missing.is_empty(),
            "no Chinese for:\n{}",
            missing.join("\n")
        );
    }

    /// Every subcommand's help ends with examples and the exit codes, in both languages.
    #[test]
    fn every_subcommand_has_examples() {
        for (lang, heading) in [(Lang::En, "Examples:"), (Lang::Zh, "示例：")] {
            let mut cmd = command(lang);
            cmd.build();
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let after = sub
                    .get_after_help()
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                assert!(
                    after.contains(heading) && after.contains("backend-pro "),
                    "{}: no examples",
                    sub.get_name()
                );
            }
        }
    }

    #[test]
    fn completions_for_every_shell() {
        use clap::ValueEnum;
        for shell in clap_complete::Shell::value_variants() {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command(Lang::En), "backend-pro", &mut out);
            let text = String::from_utf8(out).unwrap();
            assert!(
                text.contains("backend-pro") && text.contains("analyze"),
                "{shell}"
            );
        }
    }

    #[test]
    fn lang_flag_is_read_before_parsing() {
        let a = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_from_args(&a(&["bp", "--lang", "zh", "plan"])),
            Some(Lang::Zh)
        );
        assert_eq!(
            lang_from_args(&a(&["bp", "plan", "--lang=en"])),
            Some(Lang::En)
        );
        assert_eq!(lang_from_args(&a(&["bp", "plan"])), None);
    }
}
