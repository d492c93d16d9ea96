//! `backend-pro new`: a PRD (or a model file) in, a Go service out.

use anyhow::{anyhow, bail, Context, Result};
use backend_pro::evolve::Rendered;
use backend_pro::model::{Lang, Model};
use backend_pro::render::{Options, OVERRIDE_DIR};
use backend_pro::{diag, generate, i18n, msg, write};
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
    /// Output directory (created; must be empty unless --force). Default: ./<service-name>.
    #[arg(long)]
    pub out: Option<PathBuf>,
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
    /// Enable a capability besides core (repeatable): auth, events, tenancy (turns auth on too); monitoring is on by default.
    #[arg(long = "with", value_name = "CAPABILITY")]
    pub with: Vec<String>,
    /// Disable a capability the PRD or model would enable (repeatable).
    #[arg(long = "without", value_name = "CAPABILITY")]
    pub without: Vec<String>,
}

/// Project-local template overrides: `<out>/.backend-pro/templates/<path>`.
pub fn load_overrides(project: &Path, lang: Lang) -> Result<BTreeMap<String, String>> {
    let root = project.join(OVERRIDE_DIR);
    let mut out = BTreeMap::new();
    if !root.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.with_context(|| msg!(lang, CannotRead, path = root.display()))?;
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
            .with_context(|| msg!(lang, CannotRead, path = entry.path().display()))?;
        out.insert(rel, text);
    }
    Ok(out)
}

/// `--with` / `--without` on top of what the PRD or model enables.
fn choose_capabilities(
    mut model: Model,
    with: &[String],
    without: &[String],
    lang: Lang,
) -> Result<Model> {
    use backend_pro::evolve::edit::{self, EditError};
    for name in with {
        match edit::add_capability(&model, name) {
            Ok(m) => model = m,
            Err(EditError::CapabilityOn { .. }) => {}
            Err(e) => bail!(e.text(lang)),
        }
    }
    for name in without {
        // `--without auth` on a multi-tenant PRD also turns off tenancy, which was on only by
        // default and cannot run without auth; asking for both (`--with`) stays an error.
        let dependents: Vec<&str> = backend_pro::capability::enabled(&model)
            .iter()
            .filter(|c| c.requires.contains(&name.as_str()) && !with.iter().any(|w| w == c.name))
            .map(|c| c.name)
            .collect();
        for d in dependents {
            if let Ok(m) = edit::remove_capability(&model, d) {
                model = m;
            }
        }
        match edit::remove_capability(&model, name) {
            Ok(m) => model = m,
            Err(EditError::CapabilityOff { .. }) => {}
            Err(e) => bail!(e.text(lang)),
        }
    }
    Ok(model)
}

pub fn run(args: Args, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let env = i18n::env_locale();
    let ui = i18n::ui(lang_flag);
    let mut warm = None;
    let model: Model = match (&args.prd, &args.model) {
        (Some(prd), _) => {
            // Parse the templates of the likely capabilities on another core meanwhile.
            let likely: Vec<&str> = backend_pro::capability::ON_BY_DEFAULT
                .iter()
                .copied()
                .chain(args.with.iter().map(String::as_str))
                .filter(|c| !args.without.iter().any(|w| w == c))
                .collect();
            warm = Some(backend_pro::render::Warm::start(&likely));
            let (bytes, opts) = super::analyze::load(prd, args.glossary.as_deref(), ui)?;
            let analysis = backend_pro::analyze_bytes(&bytes, &opts);
            let lang = i18n::pick(lang_flag, Some(analysis.model.service.lang), env.as_deref());
            eprint!(
                "{}",
                super::analyze::report(&analysis.diagnostics, prd, &bytes, lang)
            );
            if analysis.has_errors() {
                eprintln!("{}", msg!(lang, NothingWritten));
                return Ok(ExitCode::from(1));
            }
            let mut m = analysis.model;
            let text = backend_pro::prd::decode(&bytes).0;
            let asked = backend_pro::capability::defaults_for_prd(&m, &text);
            m.capabilities = backend_pro::capability::for_prd(&m, &text);
            if !super::quiet() {
                for (cap, why) in &asked {
                    if !args.without.iter().any(|w| w == cap) {
                        eprintln!("{}", super::analyze::asked_note(cap, why, lang));
                    }
                }
                if args.with.is_empty() {
                    super::analyze::note_capabilities(&bytes, &m, lang);
                }
            }
            m
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| msg!(ui, CannotRead, path = path.display()))?;
            let model = super::read_model(&text, &path.display().to_string(), ui)?;
            // A hand-edited model gets the same cross-checks as an extracted one.
            let lang = i18n::pick(lang_flag, Some(model.service.lang), env.as_deref());
            // Located in this file, not at the PRD lines the model keeps.
            let mut diags = backend_pro::validate::validate_in_file(&model, &text);
            diag::sort(&mut diags);
            eprint!(
                "{}",
                diag::render_all_in(
                    &diags,
                    &path.display().to_string(),
                    Some(&text),
                    lang,
                    super::color()
                )
            );
            if diag::has_errors(&diags) {
                eprintln!("{}", msg!(lang, NothingWritten));
                return Ok(ExitCode::from(1));
            }
            model
        }
        (None, None) => bail!(msg!(ui, NeedPrdOrModel)),
    };
    let model = choose_capabilities(model, &args.with, &args.without, ui)?;
    let lang = i18n::pick(lang_flag, Some(model.service.lang), env.as_deref());
    let module = match &args.module {
        Some(m) => m.clone(),
        None => {
            let m = generate::default_module(&model);
            if !super::quiet() {
                eprintln!("{}", msg!(lang, DefaultModule, module = m));
            }
            m
        }
    };
    let out = match &args.out {
        Some(out) => out.clone(),
        None => {
            let out = PathBuf::from(generate::default_dir(&model));
            if !super::quiet() {
                eprintln!("{}", msg!(lang, DefaultOut, path = out.display()));
            }
            out
        }
    };
    // Checked before rendering so a bad --out costs nothing.
    write::check_target(&out, args.force).map_err(|e| anyhow!(e.text(lang)))?;
    let overrides = if out.is_dir() {
        load_overrides(&out, lang)?
    } else {
        BTreeMap::new()
    };
    let opts = Options {
        module: module.clone(),
        lang,
    };
    let files = match warm {
        Some(warm) => generate::generate_warm(&model, &opts, &overrides, warm)?,
        None => generate::generate(&model, &opts, &overrides)?,
    };
    if args.dry_run {
        for f in &files {
            println!("{}", f.path);
        }
        if !super::quiet() {
            eprintln!("{}", msg!(lang, DryRun));
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Record what we wrote (ledger, merge bases) so later commands never lose user edits.
    // The PRD, relative to the project, for `add entity NAME` to take definitions from.
    let prd = args.prd.as_ref().and_then(|prd| {
        let cwd = std::env::current_dir().ok()?;
        backend_pro::project::relative_path(&cwd, &out, prd)
    });
    let files = backend_pro::evolve::regenerate::initial(
        &model,
        files,
        &module,
        lang,
        env!("CARGO_PKG_VERSION"),
        prd.as_deref(),
    );
    let backup =
        write::write_project(&out, &files, args.force).map_err(|e| anyhow!(e.text(lang)))?;
    if let Some(dir) = backup {
        eprintln!("{}", msg!(lang, ForceBackup, path = dir.display()));
    }
    if super::verbose() {
        let verb = msg!(lang, ActCreate);
        for f in &files {
            println!("  {verb} {}", f.path);
        }
    }
    if super::quiet() {
        return Ok(ExitCode::SUCCESS);
    }
    let shown: Vec<Rendered> = files
        .into_iter()
        .filter(|f| !f.path.starts_with(".backend-pro/"))
        .collect();
    print!("{}", summary(&out, &shown, &model, lang));
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
    s.push_str(&msg!(
        lang,
        Generated,
        service = model.service.name,
        entities = model.entities.len(),
        files = files.len(),
        path = out.display()
    ));
    s.push('\n');
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
    s.push_str(&format!("\n{}\n", msg!(lang, NextSteps)));
    s.push_str(&format!("  cd {dir}\n"));
    s.push_str(&format!(
        "  go run ./cmd/api                 # {}\n",
        msg!(lang, NextRunApi)
    ));
    let events = model.has_capability("events");
    s.push_str(&format!(
        "  make up                          # {}\n",
        if events {
            msg!(lang, NextComposeKafka)
        } else {
            msg!(lang, NextCompose)
        }
    ));
    s.push_str("  make migrate && make run\n");
    if events {
        s.push_str(&format!(
            "  KAFKA_BROKERS=localhost:9092 make run-worker   # {}\n",
            msg!(lang, NextRunWorker)
        ));
    }
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
        s.push_str(&format!("\n{}\n", msg!(lang, RulesToWrite)));
        for (file, title) in &rules {
            s.push_str(&format!("  {file:width$}  # {title}\n"));
        }
    }
    s
}
