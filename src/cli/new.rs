//! `backend-pro new`: a PRD (or a model file) in, a Go service out.

use anyhow::{bail, Context, Result};
use backend_pro::evolve::Rendered;
use backend_pro::model::{Lang, Model};
use backend_pro::render::{Options, OVERRIDE_DIR};
use backend_pro::{diag, generate, i18n, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The PRD to generate from (Markdown).
    #[arg(long, conflicts_with = "model", required_unless_present = "model")]
    pub prd: Option<PathBuf>,
    /// A backend-pro.yaml model to generate from instead of a PRD.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Output directory (created; must be empty unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Go module path (default: example.com/<service name>).
    #[arg(long)]
    pub module: Option<String>,
    /// YAML file mapping PRD terms to identifiers (`会员: Member`).
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// Write into a non-empty directory, replacing files with the same paths.
    #[arg(long)]
    pub force: bool,
    /// Render everything and print the file list, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Project-local template overrides: `<out>/.backend-pro/templates/<path>`.
pub fn load_overrides(project: &Path) -> Result<BTreeMap<String, String>> {
    let root = project.join(OVERRIDE_DIR);
    let mut out = BTreeMap::new();
    if !root.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        out.insert(rel, text);
    }
    Ok(out)
}

pub fn run(args: Args, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let env = i18n::env_locale();
    let model: Model = match (&args.prd, &args.model) {
        (Some(prd), _) => {
            let (bytes, opts) = super::analyze::load(prd, args.glossary.as_deref())?;
            let analysis = backend_pro::analyze_bytes(&bytes, &opts);
            let lang = i18n::pick(lang_flag, Some(analysis.model.service.lang), env.as_deref());
            eprint!(
                "{}",
                diag::render_all(&analysis.diagnostics, &prd.display().to_string(), lang)
            );
            if analysis.has_errors() {
                eprintln!("{}", i18n::t(lang, "nothing was written", "未写入任何文件"));
                return Ok(ExitCode::from(1));
            }
            analysis.model
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let model = Model::from_yaml(&text)
                .with_context(|| format!("{}: not a valid model", path.display()))?;
            // A hand-edited model gets the same cross-checks as an extracted one.
            let lang = i18n::pick(lang_flag, Some(model.service.lang), env.as_deref());
            let mut diags = backend_pro::validate::validate(&model);
            // Lines in a model point into the PRD it came from, not into this file.
            for d in &mut diags {
                (d.line, d.col) = (0, 0);
            }
            diag::sort(&mut diags);
            eprint!(
                "{}",
                diag::render_all(&diags, &path.display().to_string(), lang)
            );
            if diag::has_errors(&diags) {
                eprintln!("{}", i18n::t(lang, "nothing was written", "未写入任何文件"));
                return Ok(ExitCode::from(1));
            }
            model
        }
        (None, None) => bail!("pass --prd PRD.md or --model backend-pro.yaml"),
    };
    let lang = i18n::pick(lang_flag, Some(model.service.lang), env.as_deref());
    let module = args
        .module
        .clone()
        .unwrap_or_else(|| generate::default_module(&model));
    // Checked before rendering so a bad --out costs nothing.
    write::check_target(&args.out, args.force)?;
    let overrides = if args.out.is_dir() {
        load_overrides(&args.out)?
    } else {
        BTreeMap::new()
    };
    let files = generate::generate(
        &model,
        &Options {
            module: module.clone(),
            lang,
        },
        &overrides,
    )?;
    if args.dry_run {
        for f in &files {
            println!("{}", f.path);
        }
        eprintln!(
            "{}",
            i18n::t(
                lang,
                "dry run: nothing was written",
                "试运行：未写入任何文件"
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Record what we wrote (ledger, merge bases) so later commands never lose user edits.
    let files = backend_pro::evolve::regenerate::initial(
        &model,
        files,
        &module,
        lang,
        env!("CARGO_PKG_VERSION"),
    );
    let backup = write::write_project(&args.out, &files, args.force)?;
    if let Some(dir) = backup {
        eprintln!(
            "{}",
            match lang {
                Lang::En => format!(
                    "--force: the files it replaced are saved in {}",
                    dir.display()
                ),
                Lang::Zh => format!("--force：被覆盖的文件已备份到 {}", dir.display()),
            }
        );
    }
    let shown: Vec<Rendered> = files
        .into_iter()
        .filter(|f| !f.path.starts_with(".backend-pro/"))
        .collect();
    print!("{}", summary(&args.out, &shown, &model, lang));
    Ok(ExitCode::SUCCESS)
}

/// A short tree (top-level entries with file counts) and the next steps.
fn summary(out: &Path, files: &[Rendered], model: &Model, lang: Lang) -> String {
    let mut top: BTreeMap<String, usize> = BTreeMap::new();
    for f in files {
        let key = match f.path.split_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => f.path.clone(),
        };
        *top.entry(key).or_default() += 1;
    }
    let mut s = String::new();
    let head = match lang {
        Lang::En => format!(
            "Generated {} ({} entities, {} files) in {}\n",
            model.service.name,
            model.entities.len(),
            files.len(),
            out.display()
        ),
        Lang::Zh => format!(
            "已在 {} 生成 {}（{} 个实体，{} 个文件）\n",
            out.display(),
            model.service.name,
            model.entities.len(),
            files.len()
        ),
    };
    s.push_str(&head);
    let n = top.len();
    for (i, (k, count)) in top.iter().enumerate() {
        let branch = if i + 1 == n { "└──" } else { "├──" };
        if k.ends_with('/') {
            s.push_str(&format!("  {branch} {k} ({count})\n"));
        } else {
            s.push_str(&format!("  {branch} {k}\n"));
        }
    }
    let dir = out.display();
    s.push_str(i18n::t(lang, "\nNext steps:\n", "\n下一步：\n"));
    s.push_str(&format!("  cd {dir}\n"));
    s.push_str(i18n::t(
        lang,
        "  go run ./cmd/api                 # in-memory storage, http://localhost:8080\n",
        "  go run ./cmd/api                 # 内存存储，http://localhost:8080\n",
    ));
    s.push_str(i18n::t(
        lang,
        "  docker compose -f deployments/docker-compose.yml up -d   # PostgreSQL + Redis\n",
        "  docker compose -f deployments/docker-compose.yml up -d   # 启动 PostgreSQL + Redis\n",
    ));
    s.push_str("  make migrate && make run\n");
    s.push_str("  make test\n");
    let rules: Vec<(String, &str)> = model
        .entities
        .iter()
        .flat_map(|e| {
            let pkg = backend_pro::names::go_package(&e.name);
            model.record_actions(e).into_iter().map(move |a| {
                let file = backend_pro::names::record_action_file(a.name);
                (format!("internal/domain/{pkg}/{file}.go"), a.title())
            })
        })
        .collect();
    let width = rules.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    if !rules.is_empty() {
        s.push_str(i18n::t(
            lang,
            "\nRules to write (their endpoints answer 501 until then; see README.md):\n",
            "\n待实现的业务规则（实现前接口返回 501，见 README.md）：\n",
        ));
        for (file, title) in &rules {
            s.push_str(&format!("  {file:width$}  # {title}\n"));
        }
    }
    s
}
