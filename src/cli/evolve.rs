//! Day-two commands on a generated project: `add entity`, `add field`, `remove entity`,
//! `sync`, `plan`, `check`, `undo`. Each mutating command edits the model, regenerates in
//! memory, reconciles with the disk (docs/EVOLUTION.md) and applies all-or-nothing.

use super::new::load_overrides;
use anyhow::{anyhow, bail, Context, Result};
use backend_pro::evolve::diff::{diff, ModelDiff};
use backend_pro::evolve::ledger::BASE_DIR;
use backend_pro::evolve::regenerate::{regenerate, Inputs, Outcome};
use backend_pro::evolve::{edit, migrate, Action, Snapshot};
use backend_pro::model::{Entity, Lang, Model};
use backend_pro::project::{self, MODEL_PATH};
use backend_pro::render::Options;
use backend_pro::{diag, generate, i18n, msg, validate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const GENERATOR: &str = env!("CARGO_PKG_VERSION");

#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Print the plan and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite conflicting files after backing them up under .backend-pro/backup/.
    #[arg(long)]
    pub force: bool,
}

/// `deploy`'s arguments.
#[derive(clap::Args, Debug)]
pub struct DeployArgs {
    #[command(flatten)]
    pub common: Common,
    /// Requests per second one instance serves at one CPU within the latency targets, as measured with the generated load program (make load); sizes the replicas instead of the default 1000.
    #[arg(long, value_name = "RPS", value_parser = clap::value_parser!(u32).range(1..))]
    pub instance_rps: Option<u32>,
}

#[derive(clap::Subcommand, Debug)]
pub enum AddCommand {
    /// Add an entity: `add entity Review --field body:text:required --field book_id:ref:ref=Book`.
    Entity {
        /// Entity name (ASCII, e.g. Review).
        name: String,
        /// `name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`, repeatable.
        #[arg(long = "field", value_name = "SPEC")]
        fields: Vec<String>,
        /// Take the entity's definition from this PRD. Without --field or --from-prd, the project's PRD (the one new or sync read) is used when it defines the entity.
        #[arg(long, conflicts_with = "fields", value_name = "PRD")]
        from_prd: Option<PathBuf>,
        /// Display label (e.g. 书评).
        #[arg(long, default_value = "", hide_default_value = true)]
        label: String,
        #[command(flatten)]
        common: Common,
    },
    /// Add fields to an entity: `add field Book isbn:string:unique pages:int`.
    Field {
        /// The entity to add fields to (e.g. Book).
        entity: String,
        /// `name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`.
        #[arg(required = true)]
        fields: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Turn a capability on: `add capability events` (files, tables and their migrations).
    Capability {
        /// Capability name (e.g. events).
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum RemoveCommand {
    /// Remove an entity: unmodified files are deleted, modified ones kept; a drop migration is added.
    Entity {
        /// Entity name (e.g. Review).
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// Turn a capability off: unmodified files are deleted, modified ones kept; drop migrations are added.
    Capability {
        /// Capability name (e.g. events).
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Re-extract the model from this PRD; without it, apply the edits in backend-pro.yaml.
    #[arg(long)]
    pub prd: Option<PathBuf>,
    /// YAML file mapping PRD terms to identifiers.
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// A field rename, `Entity.old:new` (repeatable); never guessed.
    #[arg(long = "rename")]
    pub renames: Vec<String>,
    /// Confirm that a removed and an added field of the same type are not a rename.
    #[arg(long)]
    pub no_rename: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Only the per-file summary, without diffs.
    #[arg(long)]
    pub no_diff: bool,
    /// Output format: text, or one JSON document (docs/CLI.md).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Output format: text, or one JSON document (docs/CLI.md).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// The stable name of an action in JSON output (never translated).
fn action_key(a: &Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Recreate { .. } => "recreate",
        Action::Update => "update",
        Action::Merge { .. } => "merge",
        Action::Unchanged => "unchanged",
        Action::Delete => "delete",
        Action::Keep { .. } => "keep",
        Action::Conflict { .. } => "conflict",
        Action::Missing { .. } => "missing",
    }
}

/// One file of the plan as JSON: path, action, reason (in the UI language) and conflicts.
fn change_json(c: &backend_pro::evolve::reconcile::FileChange, lang: Lang) -> serde_json::Value {
    let (_, reason) = action_label(&c.action, lang);
    let conflicts = match c.action {
        Action::Merge { conflicts } => conflicts,
        Action::Conflict { .. } => 1,
        _ => 0,
    };
    serde_json::json!({
        "path": c.path,
        "action": action_key(&c.action),
        "reason": reason,
        "conflicts": conflicts,
    })
}

#[derive(clap::Args, Debug)]
pub struct ProjectArg {
    /// The project directory (default: the current directory).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
}

/// A project loaded for a command.
struct Loaded {
    root: PathBuf,
    /// The model as on disk (possibly hand-edited).
    current: Model,
    /// The text of backend-pro.yaml, where validation errors are located.
    text: String,
    /// The model last applied (the merge base of backend-pro.yaml).
    applied: Model,
    snapshot: Snapshot,
    overrides: BTreeMap<String, String>,
    module: String,
    /// Language of messages.
    lang: Lang,
    /// Language of generated docs: the project's (its ledger), unless `--lang` says otherwise.
    /// The locale alone never re-renders an English project's README in Chinese.
    doc_lang: Lang,
    /// The PRD this command read the model from (`sync --prd`), relative to the project, to
    /// record in the ledger.
    read_prd: Option<String>,
    /// Held until the command ends.
    _lock: project::ProjectLock,
}

/// How long a command waits for another one working on the same project.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The model in `text`, or its located error printed (exit 1). `file` as shown: the project's
/// own `backend-pro.yaml` by that name, like every diagnostic about it.
fn parse_model(text: &str, file: &str, lang: Lang) -> Result<Model> {
    super::read_model(text, file, lang)
}

/// Takes the project lock, saying so when another command holds it.
pub(super) fn lock(root: &Path, lang: Lang) -> Result<project::ProjectLock> {
    project::lock_with(root, LOCK_WAIT, &mut || {
        if super::quiet() {
            return;
        }
        eprintln!(
            "{}",
            msg!(
                lang,
                LockWait,
                path = root.display(),
                lock = project::LOCK_PATH
            )
        )
    })
    .map_err(|e| anyhow!(e.text(lang)))
}

fn load(root: &Path, lang_flag: Option<Lang>) -> Result<Loaded> {
    let ui = i18n::ui(lang_flag);
    let lock = lock(root, ui)?;
    let (text, mut snapshot) =
        project::snapshot(root, [MODEL_PATH]).map_err(|e| anyhow!(e.text(ui)))?;
    let current = parse_model(&text, MODEL_PATH, ui)?;
    let base_path = root.join(BASE_DIR).join(MODEL_PATH);
    let applied = match std::fs::read_to_string(&base_path) {
        Ok(t) => parse_model(&t, &format!("{BASE_DIR}/{MODEL_PATH}"), ui)?,
        Err(_) => bail!(msg!(
            ui,
            NoRecord,
            path = root.display(),
            base = base_path.display()
        )),
    };
    snapshot
        .bases
        .insert(MODEL_PATH.to_string(), project::model_file(&applied));
    let module = if snapshot.ledger.module.is_empty() {
        go_module(root).unwrap_or_else(|| generate::default_module(&current))
    } else {
        snapshot.ledger.module.clone()
    };
    let lang = i18n::pick(
        lang_flag,
        snapshot.ledger.lang.or(Some(current.service.lang)),
        i18n::env_locale().as_deref(),
    );
    let doc_lang = match (lang_flag, snapshot.ledger.lang) {
        (Some(l), _) | (None, Some(l)) => l,
        (None, None) => lang,
    };
    let overrides = load_overrides(root, lang)?;
    Ok(Loaded {
        root: root.to_path_buf(),
        current,
        text,
        applied,
        snapshot,
        overrides,
        module,
        lang,
        doc_lang,
        read_prd: None,
        _lock: lock,
    })
}

fn go_module(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("go.mod")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("module ").map(|m| m.trim().to_string()))
}

/// Validation errors in a model make the command stop; warnings are printed.
/// Errors are located in backend-pro.yaml (`text`), at the item they are about (lines in a
/// model point into the PRD it came from; [`validate::locate_in_file`] replaces them).
fn check_model(model: &Model, text: &str, lang: Lang) -> Result<bool> {
    let mut diags = validate::validate_in_file(model, text);
    diag::sort(&mut diags);
    eprint!(
        "{}",
        diag::render_all_in(&diags, MODEL_PATH, Some(text), lang, super::color())
    );
    Ok(!diag::has_errors(&diags))
}

fn parse_renames(specs: &[String], lang: Lang) -> Result<BTreeMap<String, String>> {
    specs
        .iter()
        .map(|s| {
            let (from, to) = s
                .split_once(':')
                .filter(|(f, t)| f.contains('.') && !t.is_empty())
                .ok_or_else(|| anyhow!(msg!(lang, BadRename, spec = format!("{s:?}"))))?;
            Ok((from.to_string(), to.to_string()))
        })
        .collect()
}

/// Everything a regeneration would do, without doing it.
fn compute(
    p: &Loaded,
    new: &Model,
    renames: &BTreeMap<String, String>,
    no_rename: bool,
) -> Result<(ModelDiff, Outcome)> {
    let (d, ambiguous) = diff(&p.applied, new, renames);
    if !ambiguous.is_empty() && !no_rename {
        let mut text = msg!(p.lang, RenamesNeverGuessed) + "\n";
        for a in &ambiguous {
            text.push_str(&format!(
                "  {}.{} → {}.{}\n",
                a.entity, a.removed, a.entity, a.added
            ));
        }
        text.push_str(&msg!(p.lang, RenamesHelp));
        bail!(text);
    }
    let opts = Options {
        module: p.module.clone(),
        lang: p.doc_lang,
    };
    let migrations = migrate::migrations_for(
        &p.applied,
        new,
        &d,
        p.snapshot.ledger.migrations + 1,
        &opts,
        &p.overrides,
    )
    .map_err(|e| anyhow!(e.text(p.lang)))?;
    let rendered = generate::regenerate(new, &opts, &p.overrides)?;
    let mut snapshot = p.snapshot.clone();
    // Paths the render produces must be read from disk too.
    project::read_into(
        &p.root,
        &mut snapshot,
        rendered
            .iter()
            .map(|r| r.path.as_str())
            .chain(migrations.iter().map(|r| r.path.as_str())),
    )
    .map_err(|e| anyhow!(e.text(p.lang)))?;
    let outcome = regenerate(Inputs {
        new,
        rendered,
        migrations,
        snapshot: &snapshot,
        module: &p.module,
        lang: p.doc_lang,
        generator: GENERATOR,
        prd: p.read_prd.as_deref(),
    });
    Ok((d, outcome))
}

/// Short verb for the plan column, and the reason when there is one.
fn action_label(a: &Action, lang: Lang) -> (String, Option<String>) {
    match a {
        Action::Create => (msg!(lang, ActCreate), None),
        Action::Recreate { reason } => (msg!(lang, ActRecreate), Some(reason.text(lang))),
        Action::Update => (msg!(lang, ActUpdate), None),
        Action::Merge { conflicts: 0 } => (msg!(lang, ActMerge), None),
        Action::Merge { conflicts } => (
            msg!(lang, ActMerge),
            Some(msg!(lang, MergeConflicts, n = conflicts)),
        ),
        Action::Unchanged => (msg!(lang, ActUnchanged), None),
        Action::Delete => (msg!(lang, ActDelete), None),
        Action::Keep { reason } => (msg!(lang, ActKeep), Some(reason.text(lang))),
        Action::Conflict { reason } => (msg!(lang, ActConflict), Some(reason.text(lang))),
        Action::Missing { reason } => (msg!(lang, ActMissing), Some(reason.text(lang))),
    }
}

/// Which files a plan listing shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    /// Only what stops or needs the user (conflicts, merges with conflict markers, files kept
    /// or that cannot be rebuilt, with the reason): `--quiet` on a command that changes the
    /// project.
    Problems,
    /// Every file that changes (the default).
    Changes,
    /// Every file, unchanged ones too, and the bookkeeping written under `.backend-pro/`
    /// (`--verbose`).
    All,
}

impl Rows {
    /// The rows of a command that changes the project, at this run's verbosity.
    fn for_change() -> Rows {
        match super::verbosity() {
            super::Verbosity::Quiet => Rows::Problems,
            super::Verbosity::Normal => Rows::Changes,
            super::Verbosity::Verbose => Rows::All,
        }
    }
}

/// Per-file lines: verb, path, the reason when there is one, and the diff when `diffs` holds
/// the files as they are.
fn print_plan(outcome: &Outcome, lang: Lang, diffs: Option<&Snapshot>, rows: Rows) {
    let line = |verb: &str, path: &str| {
        // Pad by characters shown, not bytes: Chinese verbs are two columns wide each.
        let pad = 9usize.saturating_sub(
            verb.chars()
                .map(|ch| if ch.is_ascii() { 1 } else { 2 })
                .sum(),
        );
        println!("  {verb}{:pad$} {path}", "");
    };
    for c in &outcome.plan.changes {
        let shown = match rows {
            Rows::All => true,
            Rows::Changes => c.action != Action::Unchanged,
            Rows::Problems => match c.action {
                Action::Conflict { .. } | Action::Missing { .. } | Action::Keep { .. } => true,
                Action::Merge { conflicts } => conflicts > 0,
                _ => false,
            },
        };
        if !shown {
            continue;
        }
        let (verb, reason) = action_label(&c.action, lang);
        line(&verb, &c.path);
        if let Some(r) = reason {
            println!("            {r}");
        }
        if let (Some(snap), Some(new)) = (diffs, &c.new_contents) {
            let old = snap
                .files
                .get(&c.path)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            if old != *new {
                let patch = diffy::create_patch(&old, new);
                for line in patch.to_string().lines().skip(2) {
                    println!("      {line}");
                }
            }
        }
    }
    if rows == Rows::All {
        let verb = msg!(lang, ActRecord);
        let planned: std::collections::BTreeSet<&str> = outcome
            .plan
            .changes
            .iter()
            .map(|c| c.path.as_str())
            .collect();
        for path in outcome
            .writes
            .keys()
            .filter(|p| !planned.contains(p.as_str()))
        {
            line(&verb, path);
        }
    }
}

/// Applies a new model to the project (the shared tail of every mutating command).
fn apply_model(
    p: &Loaded,
    new: Model,
    command: &str,
    common: &Common,
    renames: &BTreeMap<String, String>,
    no_rename: bool,
) -> Result<ExitCode> {
    let lang = p.lang;
    if !check_model(&new, &p.text, lang)? {
        eprintln!("{}", msg!(lang, NothingWritten));
        return Ok(ExitCode::from(1));
    }
    let (d, outcome) = compute(p, &new, renames, no_rename)?;
    let quiet = super::quiet();
    let rows = Rows::for_change();
    if !d.is_empty() && !quiet {
        println!("{}", msg!(lang, ModelChanges));
        for line in d.render().lines() {
            println!("  {line}");
        }
    }
    let conflicts: Vec<_> = outcome.plan.conflicts().collect();
    if outcome.writes.is_empty() {
        // Files that cannot be rebuilt (a migration deleted by hand) are still reported.
        print_plan(&outcome, lang, None, rows);
        if !quiet {
            println!("{}", msg!(lang, NothingToDo));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !quiet {
        println!("{}", msg!(lang, Files));
    }
    print_plan(&outcome, lang, None, rows);
    if !conflicts.is_empty() && !common.force {
        eprintln!("{}", msg!(lang, ConflictsSummary, n = conflicts.len()));
        eprintln!("{}", msg!(lang, ConflictsNothingWritten));
        return Ok(ExitCode::from(1));
    }
    if common.dry_run {
        if !quiet {
            println!("{}", msg!(lang, DryRun));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let entry = project::apply(&p.root, command, &outcome.writes, &outcome.backups)
        .map_err(|e| anyhow!(e.text(lang)))?;
    if !outcome.backups.is_empty() {
        println!("{}", msg!(lang, Backups, seq = format!("{:04}", entry.seq)));
    }
    let merged_with_conflicts = outcome
        .plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Merge { conflicts } if conflicts > 0))
        .count();
    if merged_with_conflicts > 0 {
        println!("{}", msg!(lang, MergedWithMarkers));
    }
    if !quiet {
        println!("{}", msg!(lang, Done));
        if outcome.writes.keys().any(|k| k.starts_with("migrations/")) {
            println!("{}", msg!(lang, NextMigrate));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn add(cmd: AddCommand, lang_flag: Option<Lang>) -> Result<ExitCode> {
    match cmd {
        AddCommand::Entity {
            name,
            fields,
            from_prd,
            label,
            common,
        } => {
            let p = load(&common.project, lang_flag)?;
            let from_prd = match from_prd {
                Some(prd) => {
                    let Some(e) = entity_in_prd(&prd, &name, &p)? else {
                        let known = entities_in_prd(&prd, &p)?;
                        bail!(msg!(
                            p.lang,
                            NoSuchEntityInPrd,
                            path = prd.display(),
                            name = format!("{name:?}"),
                            known = known.join(", ")
                        ));
                    };
                    if !super::quiet() {
                        let path = prd.display();
                        eprintln!(
                            "{}",
                            msg!(p.lang, AddEntityFromPrd, name = e.name, path = path)
                        );
                    }
                    Some(e)
                }
                // Without --field: the PRD the project was generated from, when it says.
                None if fields.is_empty() => recorded_prd_entity(&p, &name)?,
                None => None,
            };
            let new = match from_prd {
                Some(e) => {
                    let label = if label.is_empty() {
                        e.label.clone()
                    } else {
                        label
                    };
                    let mut m = edit::add_entity(&p.current, &e.name, &label, e.fields.clone())
                        .map_err(|e| anyhow!(e.text(p.lang)))?;
                    if let (Some(sm), Some(added)) = (&e.state_machine, m.entities.last_mut()) {
                        added.state_machine = Some(sm.clone());
                    }
                    m
                }
                None => {
                    let mut parsed = fields
                        .iter()
                        .map(|s| edit::parse_field(s, &p.current))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| anyhow!(e.text(p.lang)))?;
                    if fields.is_empty() {
                        parsed = ask_fields(&p, &name)?;
                    }
                    edit::add_entity(&p.current, &name, &label, parsed)
                        .map_err(|e| anyhow!(e.text(p.lang)))?
                }
            };
            shared_entity_note(&p, &new, &name);
            apply_model(
                &p,
                new,
                &format!("add entity {name}"),
                &common,
                &BTreeMap::new(),
                false,
            )
        }
        AddCommand::Field {
            entity,
            fields,
            common,
        } => {
            let p = load(&common.project, lang_flag)?;
            let parsed = fields
                .iter()
                .map(|s| edit::parse_field(s, &p.current))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| anyhow!(e.text(p.lang)))?;
            let new = edit::add_fields(&p.current, &entity, parsed)
                .map_err(|e| anyhow!(e.text(p.lang)))?;
            apply_model(
                &p,
                new,
                &format!("add field {entity} {}", fields.join(" ")),
                &common,
                &BTreeMap::new(),
                false,
            )
        }
        AddCommand::Capability { name, common } => {
            let p = load(&common.project, lang_flag)?;
            let new =
                edit::add_capability(&p.current, &name).map_err(|e| anyhow!(e.text(p.lang)))?;
            apply_model(
                &p,
                new,
                &format!("add capability {name}"),
                &common,
                &BTreeMap::new(),
                false,
            )
        }
    }
}

/// The model a PRD describes (its diagnostics are not shown: only one entity is taken).
fn prd_model(prd: &Path, p: &Loaded) -> Result<Model> {
    let (bytes, opts) = super::analyze::load(prd, None, p.lang)?;
    Ok(backend_pro::analyze_bytes(&bytes, &opts).model)
}

/// The entity `name` (its identifier in any case, or its label) as the PRD at `prd` defines it.
fn entity_in_prd(prd: &Path, name: &str, p: &Loaded) -> Result<Option<Entity>> {
    Ok(prd_model(prd, p)?
        .entities
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(name) || e.label == name))
}

fn entities_in_prd(prd: &Path, p: &Loaded) -> Result<Vec<String>> {
    Ok(prd_model(prd, p)?
        .entities
        .into_iter()
        .map(|e| e.name)
        .collect())
}

/// `add entity NAME` without `--field`: the entity as the PRD recorded in the ledger (at `new`
/// or `sync --prd`) defines it, saying so; `None` (and a note why) when there is no such PRD,
/// it cannot be read, or it does not define the entity.
fn recorded_prd_entity(p: &Loaded, name: &str) -> Result<Option<Entity>> {
    let Some(rel) = p.snapshot.ledger.prd.as_deref() else {
        return Ok(None);
    };
    let path = p.root.join(rel);
    let quiet = super::quiet();
    if !path.is_file() {
        if !quiet {
            eprintln!("{}", msg!(p.lang, RecordedPrdMissing, path = rel));
        }
        return Ok(None);
    }
    match entity_in_prd(&path, name, p)? {
        Some(e) => {
            if !quiet {
                eprintln!(
                    "{}",
                    msg!(p.lang, AddEntityFromRecordedPrd, name = e.name, path = rel)
                );
            }
            Ok(Some(e))
        }
        None => {
            if !quiet {
                eprintln!(
                    "{}",
                    msg!(p.lang, RecordedPrdLacks, name = name, path = rel)
                );
            }
            Ok(None)
        }
    }
}

/// With tenancy, a new entity that belongs to no tenant is shared by every tenant: say so, and
/// how to scope it (a required reference to the tenant entity, or a `tenant_id`).
fn shared_entity_note(p: &Loaded, new: &backend_pro::model::Model, name: &str) {
    use backend_pro::capability::tenancy::Scoping;
    if !new.has_capability("tenancy") || super::quiet() {
        return;
    }
    let s = Scoping::of(new);
    let Some(e) = new
        .entities
        .iter()
        .find(|e| e.name == name || e.name.eq_ignore_ascii_case(name))
    else {
        return;
    };
    if s.scoped(&e.name) {
        return;
    }
    let field = match &s.root {
        Some(root) => format!(
            "{}:ref:ref={root}:required",
            backend_pro::names::snake(&format!("{root}_id"))
        ),
        None => "tenant_id:uuid:required".to_string(),
    };
    eprintln!(
        "{}",
        msg!(p.lang, AddEntityShared, name = e.name, field = field)
    );
}

/// The fields of `add entity NAME` given without `--field`: asked for line by line on a
/// terminal (validated as typed, an empty line ends), none otherwise (the entity gets its id,
/// version and timestamps; `add field` adds the rest later, as the hint says).
fn ask_fields(p: &Loaded, name: &str) -> Result<Vec<backend_pro::model::Field>> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        if !super::quiet() {
            eprintln!("{}", msg!(p.lang, AddEntityNoFieldsHint, name = name));
        }
        return Ok(Vec::new());
    }
    eprintln!("{}", msg!(p.lang, AddEntityAskFields, name = name));
    let mut out: Vec<backend_pro::model::Field> = Vec::new();
    loop {
        let line: String = dialoguer::Input::new()
            .with_prompt(msg!(p.lang, AddEntityFieldPrompt))
            .allow_empty(true)
            .validate_with(|s: &String| -> Result<(), String> {
                if s.trim().is_empty() {
                    return Ok(());
                }
                edit::parse_field(s.trim(), &p.current)
                    .map(|_| ())
                    .map_err(|e| e.text(p.lang))
            })
            .interact_text()
            .context(msg!(p.lang, AddEntityPromptFailed))?;
        if line.trim().is_empty() {
            return Ok(out);
        }
        let field =
            edit::parse_field(line.trim(), &p.current).map_err(|e| anyhow!(e.text(p.lang)))?;
        out.push(field);
    }
}

/// `monitor`: the monitoring capability on (alert rules, tests, dashboard, runbook from the
/// NFRs), its files brought up to date through the ledger, and the SLO it encodes printed.
fn monitor_or_deploy(
    common: &Common,
    lang_flag: Option<Lang>,
    capability: &str,
    command: &str,
    instance_rps: Option<u32>,
) -> Result<(
    ExitCode,
    Loaded,
    Model,
    backend_pro::render::context::ProjectCtx,
)> {
    let p = load(&common.project, lang_flag)?;
    let mut new = if p.current.has_capability(capability) {
        p.current.clone()
    } else {
        edit::add_capability(&p.current, capability).map_err(|e| anyhow!(e.text(p.lang)))?
    };
    if let Some(rps) = instance_rps {
        new = edit::set_instance_rps(&new, rps);
    }
    let code = apply_model(&p, new.clone(), command, common, &BTreeMap::new(), false)?;
    let opts = Options {
        module: String::new(),
        lang: p.lang,
    };
    let ctx = backend_pro::render::context::project(&new, &opts).map_err(|e| anyhow!("{e:?}"))?;
    Ok((code, p, new, ctx))
}

/// `PRD line 12` / `default` in the UI language.
fn source_of(s: &str, lang: Lang) -> String {
    match (s, lang) {
        ("default", Lang::Zh) => "默认值".to_string(),
        (s, Lang::Zh) => s.replace("PRD line ", "PRD 第 ") + " 行",
        (s, Lang::En) => s.to_string(),
    }
}

pub fn monitor(common: Common, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let (code, p, new, ctx) = monitor_or_deploy(&common, lang_flag, "monitoring", "monitor", None)?;
    if code != ExitCode::SUCCESS || super::quiet() {
        return Ok(code);
    }
    let m = backend_pro::capability::monitoring::context(&new, &ctx);
    let from = |s: &str| source_of(s, p.lang);
    println!(
        "{}",
        msg!(
            p.lang,
            MonitorTargets,
            availability = m.availability,
            availability_from = from(&m.availability_from),
            budget = m.budget,
            p99 = ctx.runtime.p99_ms,
            p99_from = from(&ctx.runtime.p99_from),
            p95 = ctx.runtime.p95_ms,
            p95_from = from(&ctx.runtime.p95_from)
        )
    );
    println!("{}", msg!(p.lang, MonitorAlerts, n = m.alerts.len()));
    let width = m.alerts.iter().map(|a| a.name.len()).max().unwrap_or(0);
    for a in &m.alerts {
        let summary = a.summary.replace("{{ $labels.", "<").replace(" }}", ">");
        println!("  {:width$}  {:6}  {summary}", a.name, a.severity);
    }
    println!("{}", msg!(p.lang, MonitorNext));
    Ok(code)
}

/// `deploy`: the deploy capability on (Kubernetes manifests and the capacity plan sized from
/// the NFRs), its files brought up to date through the ledger, and the sizing printed.
pub fn deploy(args: DeployArgs, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let (code, p, new, ctx) = monitor_or_deploy(
        &args.common,
        lang_flag,
        "deploy",
        "deploy",
        args.instance_rps,
    )?;
    if code != ExitCode::SUCCESS || super::quiet() {
        return Ok(code);
    }
    let s = backend_pro::capability::deploy::sizing(&new, &ctx);
    println!(
        "{}",
        msg!(
            p.lang,
            DeploySizing,
            qps = s.peak_qps,
            qps_from = source_of(&s.peak_from, p.lang),
            availability = s.availability,
            availability_from = source_of(&s.availability_from, p.lang),
            per = s.per_instance_rps,
            min = s.min_replicas,
            max = s.max_replicas
        )
    );
    for r in &s.capacity {
        println!(
            "{}",
            msg!(
                p.lang,
                DeployRow,
                factor = format!("{:>4}", r.factor),
                qps = r.qps,
                replicas = r.replicas,
                conns = r.db_connections
            )
        );
    }
    println!("{}", msg!(p.lang, DeployNext, name = s.name));
    Ok(code)
}

/// `db`: the database docs (`docs/db/`, core files every plan keeps current) brought up to date
/// through the ledger, and a summary of the schema they describe.
pub fn db(common: Common, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let p = load(&common.project, lang_flag)?;
    let model = p.current.clone();
    let code = apply_model(&p, model.clone(), "db", &common, &BTreeMap::new(), false)?;
    if code != ExitCode::SUCCESS || super::quiet() {
        return Ok(code);
    }
    let by_name: BTreeMap<&str, &str> = model
        .entities
        .iter()
        .map(|e| (e.name.as_str(), e.table.as_str()))
        .collect();
    let mut columns_total = 0;
    let mut refs_total = 0;
    let mut lines = Vec::new();
    let width = model
        .entities
        .iter()
        .map(|e| e.table.len())
        .max()
        .unwrap_or(0);
    for e in &model.entities {
        // id, version, created_at, updated_at besides the entity's own fields.
        let columns = e.fields.len() + 4;
        let targets: Vec<&str> = e
            .fields
            .iter()
            .filter_map(|f| f.references.as_deref())
            .map(|r| by_name.get(r).copied().unwrap_or(r))
            .collect();
        columns_total += columns;
        refs_total += targets.len();
        let refs = if targets.is_empty() {
            String::new()
        } else {
            msg!(p.lang, DbRefs, targets = targets.join(", "))
        };
        lines.push(msg!(
            p.lang,
            DbTable,
            table = format!("{:width$}", e.table),
            columns = format!("{columns:>3}"),
            refs = refs
        ));
    }
    println!(
        "{}",
        msg!(
            p.lang,
            DbSummary,
            tables = model.entities.len(),
            columns = columns_total,
            refs = refs_total
        )
    );
    for l in lines {
        println!("{l}");
    }
    Ok(code)
}

pub fn remove(cmd: RemoveCommand, lang_flag: Option<Lang>) -> Result<ExitCode> {
    match cmd {
        RemoveCommand::Entity { name, common } => {
            let p = load(&common.project, lang_flag)?;
            let new =
                edit::remove_entity(&p.current, &name).map_err(|e| anyhow!(e.text(p.lang)))?;
            apply_model(
                &p,
                new,
                &format!("remove entity {name}"),
                &common,
                &BTreeMap::new(),
                false,
            )
        }
        RemoveCommand::Capability { name, common } => {
            let p = load(&common.project, lang_flag)?;
            let new =
                edit::remove_capability(&p.current, &name).map_err(|e| anyhow!(e.text(p.lang)))?;
            apply_model(
                &p,
                new,
                &format!("remove capability {name}"),
                &common,
                &BTreeMap::new(),
                false,
            )
        }
    }
}

pub fn sync(args: SyncArgs, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let mut p = load(&args.common.project, lang_flag)?;
    if let Some(prd) = &args.prd {
        let cwd = std::env::current_dir().unwrap_or_default();
        p.read_prd = project::relative_path(&cwd, &p.root, prd);
    }
    let renames = parse_renames(&args.renames, p.lang)?;
    let new = match &args.prd {
        Some(prd) => {
            let (bytes, opts) = super::analyze::load(prd, args.glossary.as_deref(), p.lang)?;
            let analysis = backend_pro::analyze_bytes(&bytes, &opts);
            eprint!(
                "{}",
                super::analyze::report(&analysis.diagnostics, prd, &bytes, p.lang)
            );
            if analysis.has_errors() {
                eprintln!("{}", msg!(p.lang, NothingWritten));
                return Ok(ExitCode::from(1));
            }
            // Capabilities are the project's choice, not the PRD's: a re-read PRD keeps them.
            let mut m = analysis.model;
            m.capabilities = p.current.capabilities.clone();
            m
        }
        None => p.current.clone(),
    };
    let label = match &args.prd {
        Some(prd) => format!("sync --prd {}", prd.display()),
        None => "sync".to_string(),
    };
    apply_model(&p, new, &label, &args.common, &renames, args.no_rename)
}

pub fn plan(args: PlanArgs, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let p = load(&args.project, lang_flag)?;
    if !check_model(&p.current, &p.text, p.lang)? {
        return Ok(ExitCode::from(1));
    }
    let (d, outcome) = compute(&p, &p.current, &BTreeMap::new(), true)?;
    if args.format == Format::Json {
        let files: Vec<serde_json::Value> = outcome
            .plan
            .changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .map(|c| change_json(c, p.lang))
            .collect();
        let model: Vec<String> = if d.is_empty() {
            Vec::new()
        } else {
            d.render().lines().map(str::to_string).collect()
        };
        let doc = serde_json::json!({
            "up_to_date": outcome.writes.is_empty() && outcome.plan.is_noop(),
            "model_changes": model,
            "files": files,
            "writes": outcome.writes.len(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    let quiet = super::quiet();
    let rows = if super::verbose() {
        Rows::All
    } else {
        Rows::Changes
    };
    if !d.is_empty() && !quiet {
        println!("{}", msg!(p.lang, ModelChangesYaml));
        for line in d.render().lines() {
            println!("  {line}");
        }
    }
    if outcome.writes.is_empty() && outcome.plan.is_noop() {
        if rows == Rows::All {
            print_plan(&outcome, p.lang, None, rows);
        }
        if !quiet {
            println!("{}", msg!(p.lang, UpToDate));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut snap = p.snapshot.clone();
    project::read_into(
        &p.root,
        &mut snap,
        outcome.plan.changes.iter().map(|c| c.path.as_str()),
    )
    .map_err(|e| anyhow!(e.text(p.lang)))?;
    print_plan(
        &outcome,
        p.lang,
        (!args.no_diff && !quiet).then_some(&snap),
        rows,
    );
    if !outcome.writes.is_empty() && !quiet {
        println!("{}", msg!(p.lang, ApplyWithSync));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(args: CheckArgs, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let p = load(&args.project, lang_flag)?;
    if !check_model(&p.current, &p.text, p.lang)? {
        return Ok(ExitCode::from(1));
    }
    let (d, outcome) = compute(&p, &p.current, &BTreeMap::new(), true)?;
    if args.format == Format::Json {
        let mut drift: Vec<serde_json::Value> = outcome
            .plan
            .changes
            .iter()
            .filter(|c| !matches!(c.action, Action::Unchanged | Action::Keep { .. }))
            .map(|c| change_json(c, p.lang))
            .collect();
        if !d.is_empty() {
            drift.push(serde_json::json!({
                "path": MODEL_PATH, "action": "model-edited",
                "reason": msg!(p.lang, DriftModelEdited), "conflicts": 0,
            }));
        }
        let ok = drift.is_empty();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "ok": ok, "drift": drift }))?
        );
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut drift = 0;
    for c in &outcome.plan.changes {
        let why = match &c.action {
            Action::Conflict { reason }
            | Action::Recreate { reason }
            | Action::Missing { reason } => reason.text(p.lang),
            Action::Create => msg!(p.lang, DriftMissing),
            Action::Update => msg!(p.lang, DriftOutOfDate),
            Action::Delete => msg!(p.lang, DriftRemoved),
            Action::Merge { .. } => msg!(p.lang, DriftTemplate),
            Action::Unchanged => {
                if super::verbose() {
                    println!("{}: {}", c.path, msg!(p.lang, CheckFileOk));
                }
                continue;
            }
            Action::Keep { reason } => {
                if super::verbose() {
                    println!("{}: {}", c.path, reason.text(p.lang));
                }
                continue;
            }
        };
        drift += 1;
        println!("{}: {why}", c.path);
    }
    if !d.is_empty() {
        drift += 1;
        println!("{MODEL_PATH}: {}", msg!(p.lang, DriftModelEdited));
    }
    if drift > 0 {
        eprintln!("{}", msg!(p.lang, CheckFailed, n = drift));
        return Ok(ExitCode::from(1));
    }
    if !super::quiet() {
        println!("{}", msg!(p.lang, CheckPassed));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn undo(args: ProjectArg, lang_flag: Option<Lang>) -> Result<ExitCode> {
    let lang = i18n::ui(lang_flag);
    let _lock = lock(&args.project, lang)?;
    let entry = project::undo(&args.project).map_err(|e| anyhow!(e.text(lang)))?;
    // Files only: a database that already ran the removed migrations must be rolled back by
    // hand, or a later migration reusing the number would be skipped by goose.
    let removed: Vec<&String> = entry
        .files
        .iter()
        .filter(|(path, existed)| !**existed && path.starts_with("migrations/"))
        .map(|(path, _)| path)
        .collect();
    if !removed.is_empty() {
        eprintln!("{}", msg!(lang, UndoRemovedMigrations));
        for path in removed {
            eprintln!("  {path}");
        }
    }
    if !super::quiet() {
        println!(
            "{}",
            msg!(
                lang,
                Reverted,
                command = entry.command,
                n = entry.files.len()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}
