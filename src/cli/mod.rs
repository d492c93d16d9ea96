//! Command-line definitions (clap derive) and dispatch. clap types stop here: each command
//! converts its arguments into library types before calling the core.

mod analyze;
mod evolve;
mod new;
mod templates;

use backend_pro::model::Lang;
use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "backend-pro",
    version,
    about = "PRD (Markdown, 中文 / English) → production-grade Go backend"
)]
pub struct Cli {
    /// Language of messages and generated docs (default: the PRD's, or zh when LANG=zh*).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Extract the domain model from a PRD and print it.
    Analyze(analyze::Args),
    /// Generate a Go service from a PRD (or a backend-pro.yaml model).
    New(new::Args),
    /// List or eject the built-in templates.
    Templates(templates::Args),
    /// Add an entity or fields to a generated project.
    #[command(subcommand)]
    Add(evolve::AddCommand),
    /// Remove an entity from a generated project.
    #[command(subcommand)]
    Remove(evolve::RemoveCommand),
    /// Apply a revised PRD (or hand edits of backend-pro.yaml) to a generated project.
    Sync(evolve::SyncArgs),
    /// Show what regenerating the project would change, per file, with diffs.
    Plan(evolve::PlanArgs),
    /// Fail when generated files drifted from the model (for CI).
    Check(evolve::ProjectArg),
    /// Revert the last applied change.
    Undo(evolve::ProjectArg),
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

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang.map(Lang::from);
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
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
