//! `backend-pro templates`: list the embedded templates or copy them out for editing.

use anyhow::{bail, Context, Result};
use backend_pro::model::Lang;
use backend_pro::render::{default_templates, OVERRIDE_DIR};
use backend_pro::{i18n, msg};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// List the default templates.
    List,
    /// Copy default templates to <project>/.backend-pro/templates/ so they override the defaults.
    Eject {
        /// A template path or directory prefix (e.g. `internal/domain`); all when omitted.
        path: Option<String>,
        /// The project directory.
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Overwrite templates already ejected.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(args: Args, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let lang = i18n::ui(lang_flag);
    let all = default_templates();
    match args.command {
        Sub::List => {
            for k in all.keys() {
                println!("{k}");
            }
        }
        Sub::Eject {
            path,
            project,
            force,
        } => {
            let prefix = path.unwrap_or_default().trim_matches('/').to_string();
            let chosen: Vec<_> = all
                .iter()
                .filter(|(k, _)| {
                    prefix.is_empty() || **k == prefix || k.starts_with(&format!("{prefix}/"))
                })
                .collect();
            if chosen.is_empty() {
                bail!(msg!(
                    lang,
                    NoTemplateMatches,
                    prefix = format!("{prefix:?}")
                ));
            }
            let root = project.join(OVERRIDE_DIR);
            let mut written = 0;
            for (rel, text) in chosen {
                let dst = root.join(rel);
                if dst.exists() && !force {
                    eprintln!("{}", msg!(lang, KeptExists, path = dst.display()));
                    continue;
                }
                if let Some(d) = dst.parent() {
                    std::fs::create_dir_all(d)
                        .with_context(|| msg!(lang, CannotCreate, path = d.display()))?;
                }
                std::fs::write(&dst, text)
                    .with_context(|| msg!(lang, CannotWrite, path = dst.display()))?;
                if super::verbose() {
                    println!("  {} {}", msg!(lang, ActCreate), dst.display());
                }
                written += 1;
            }
            if !super::quiet() {
                println!(
                    "{}",
                    msg!(lang, Ejected, n = written, path = root.display())
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
