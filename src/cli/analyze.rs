//! `backend-pro analyze`: print the model extracted from a PRD.

use anyhow::{Context, Result};
use backend_pro::model::Lang;
use backend_pro::{diag, i18n, msg, prd, AnalyzeOptions, Glossary};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The PRD to read (Markdown).
    #[arg(long)]
    pub prd: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Write the model here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// YAML file mapping PRD terms to identifiers (`会员: Member`).
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// Write every PRD term that still needs an ASCII identifier to this YAML file (the
    /// mappings of --glossary kept), to fill in once and pass back with --glossary.
    #[arg(long, value_name = "FILE")]
    pub emit_glossary: Option<PathBuf>,
    /// Show, section by section, what each line of the PRD became (entity, field, use case,
    /// NFR, rule, guess) and which sections were skipped and why, instead of the model.
    #[arg(long)]
    pub explain: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Reads the PRD's bytes (and the glossary) from disk; shared by every command that takes
/// `--prd`. Decoding is the library's job ([`backend_pro::analyze_bytes`]).
pub fn load(prd: &Path, glossary: Option<&Path>, lang: Lang) -> Result<(Vec<u8>, AnalyzeOptions)> {
    let bytes = std::fs::read(prd).with_context(|| msg!(lang, CannotRead, path = prd.display()))?;
    let mut opts = AnalyzeOptions::default();
    if let Some(g) = glossary {
        let raw = std::fs::read(g).with_context(|| msg!(lang, CannotRead, path = g.display()))?;
        // Same decoding as the PRD (a BOM or UTF-16 from Windows editors).
        let raw = prd::normalize(&prd::decode(&raw).0).into_owned();
        opts.glossary = serde_yaml_ng::from_str::<Glossary>(&raw)
            .with_context(|| msg!(lang, NotAGlossary, path = g.display()))?;
    }
    Ok((bytes, opts))
}

/// The PRD's diagnostics with its lines in view (rustc-style), coloured on a terminal unless
/// NO_COLOR is set.
pub fn report(
    diags: &[backend_pro::diag::Diagnostic],
    file: &Path,
    bytes: &[u8],
    lang: Lang,
) -> String {
    let text = prd::normalize(&prd::decode(bytes).0).into_owned();
    diag::render_all_in(
        diags,
        &file.display().to_string(),
        Some(&text),
        lang,
        super::color(),
    )
}

/// A note on stderr for each capability the PRD suggests but the model does not enable.
/// The note that says why `new` turns capability `cap` on.
pub fn asked_note(cap: &str, why: &backend_pro::capability::Asked, lang: Lang) -> String {
    use backend_pro::capability::Asked;
    match why {
        Asked::Words(what) => msg!(lang, CapabilityFromPrd, name = cap, what = what),
        Asked::Actors(names) => msg!(lang, CapabilityFromActors, name = cap, names = names),
        Asked::MultiTenant(line) => msg!(lang, CapabilityFromTenancy, name = cap, line = line),
    }
}

pub fn note_capabilities(bytes: &[u8], model: &backend_pro::model::Model, lang: Lang) {
    let text = prd::decode(bytes).0;
    for (cap, what) in backend_pro::capability::suggestions(&text) {
        if cap == "events" && !model.has_capability(cap) {
            eprintln!("{}", msg!(lang, SuggestEvents, what = what));
        }
    }
    if model.nfr.multi_tenancy.value && !model.has_capability("tenancy") {
        let line = model.nfr.multi_tenancy.line.unwrap_or(0);
        if backend_pro::capability::tenancy::Scoping::of(model).isolates_rows() {
            eprintln!("{}", msg!(lang, SuggestTenancy, line = line));
        } else {
            eprintln!("{}", msg!(lang, TenancyNothingScoped, line = line));
        }
    }
    if !model.processes.is_empty() && !model.has_capability("events") {
        let names: Vec<&str> = model.processes.iter().map(|p| p.name.as_str()).collect();
        eprintln!(
            "{}",
            msg!(
                lang,
                SuggestSagas,
                count = names.len(),
                names = names.join(", ")
            )
        );
    }
}

pub fn run(args: Args, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let (bytes, opts) = load(&args.prd, args.glossary.as_deref(), i18n::ui(lang_flag))?;
    let analysis = backend_pro::analyze_bytes(&bytes, &opts);
    let lang = i18n::pick(
        lang_flag,
        Some(analysis.model.service.lang),
        i18n::env_locale().as_deref(),
    );
    let file = args.prd.display().to_string();
    eprint!("{}", report(&analysis.diagnostics, &args.prd, &bytes, lang));
    if !super::quiet() {
        let text = prd::decode(&bytes).0;
        let mut as_new = analysis.model.clone();
        as_new.capabilities = backend_pro::capability::for_prd(&as_new, &text);
        for (cap, why) in backend_pro::capability::defaults_for_prd(&as_new, &text) {
            eprintln!("{}", asked_note(cap, &why, lang));
        }
        note_capabilities(&bytes, &as_new, lang);
    }
    if args.explain {
        print!(
            "{}",
            backend_pro::explain::explain(&bytes, &analysis, &file, lang)
        );
        return Ok(if analysis.has_errors() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    // What was found is always shown, errors or not: the exit status says whether it is
    // complete enough to generate from.
    let out = match args.format {
        Format::Yaml => analysis.model.to_yaml(),
        Format::Json => {
            let diags: Vec<serde_json::Value> = analysis
                .diagnostics
                .iter()
                .map(|d| diag::to_json(d, &file, lang))
                .collect();
            let doc = serde_json::json!({
                "model": analysis.model,
                "diagnostics": diags,
            });
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
    };
    if let Some(path) = &args.emit_glossary {
        let text = backend_pro::analyze::glossary_template(&analysis.diagnostics, &opts.glossary);
        std::fs::write(path, text)
            .with_context(|| msg!(lang, CannotWrite, path = path.display()))?;
    }
    let code = if analysis.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    match args.out {
        Some(path) => std::fs::write(&path, out)
            .with_context(|| msg!(lang, CannotWrite, path = path.display()))?,
        None => print!("{out}"),
    }
    Ok(code)
}
