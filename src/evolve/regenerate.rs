//! One regeneration: a fresh render of the new model and the migrations for the model diff,
//! reconciled with the project on disk, turned into the exact set of file writes (including
//! the ledger, merge bases, `backend-pro.yaml` and its schema). Pure: the CLI applies the
//! writes.

use super::ledger::{Ledger, BASE_DIR, LEDGER_PATH};
use super::reconcile::{reconcile, Action, Plan, Rendered, Snapshot};
use super::Ownership;
use crate::model::{Lang, Model};
use crate::project::{model_file, MODEL_PATH, SCHEMA_PATH};
use std::collections::BTreeMap;

pub struct Inputs<'a> {
    pub new: &'a Model,
    /// Full render of `new` (migrations and `backend-pro.yaml` in it are ignored).
    pub rendered: Vec<Rendered>,
    /// Migrations for this change, already numbered after the ledger's count.
    pub migrations: Vec<Rendered>,
    pub snapshot: &'a Snapshot,
    pub module: &'a str,
    pub lang: Lang,
    /// backend-pro version, recorded in the ledger.
    pub generator: &'a str,
    /// The PRD `new` was read from, relative to the project (`../PRD.md`), recorded in the
    /// ledger; `None` keeps the one recorded before.
    pub prd: Option<&'a str>,
}

#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub plan: Plan,
    /// Project-relative path → new bytes, or `None` to delete. Empty when nothing changes.
    pub writes: BTreeMap<String, Option<Vec<u8>>>,
    /// Conflicting files whose current bytes must be backed up before a forced write.
    pub backups: Vec<String>,
}

pub fn regenerate(inputs: Inputs<'_>) -> Outcome {
    let snap = inputs.snapshot;
    let mut files: Vec<Rendered> = inputs
        .rendered
        .into_iter()
        .filter(|r| r.ownership != Ownership::AppendOnly && r.path != MODEL_PATH)
        .collect();
    let new_migrations = inputs.migrations.len() as u32;
    files.extend(inputs.migrations);
    let plan = reconcile(&files, snap, inputs.generator);

    let mut writes: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
    let mut ledger = Ledger {
        version: 1,
        module: inputs.module.to_string(),
        lang: Some(inputs.lang),
        migrations: snap.ledger.migrations + new_migrations,
        prd: inputs.prd.map(str::to_string).or(snap.ledger.prd.clone()),
        ..snap.ledger.clone()
    };
    let mut backups = Vec::new();
    for c in &plan.changes {
        match &c.action {
            Action::Create | Action::Recreate { .. } | Action::Update | Action::Merge { .. } => {
                writes.insert(
                    c.path.clone(),
                    c.new_contents.clone().map(String::into_bytes),
                );
            }
            Action::Conflict { .. } => {
                backups.push(c.path.clone());
                writes.insert(
                    c.path.clone(),
                    c.new_contents.clone().map(String::into_bytes),
                );
            }
            Action::Delete => {
                writes.insert(c.path.clone(), None);
            }
            Action::Unchanged | Action::Keep { .. } | Action::Missing { .. } => {}
        }
        match &c.entry {
            Some(e) => {
                ledger.files.insert(c.path.clone(), e.clone());
            }
            None => {
                ledger.files.remove(&c.path);
            }
        }
        let base_path = format!("{BASE_DIR}/{}", c.path);
        match (&c.base, snap.bases.get(&c.path)) {
            (Some(b), old) if old != Some(b) => {
                writes.insert(base_path, Some(b.clone().into_bytes()));
            }
            (None, Some(_)) => {
                writes.insert(base_path, None);
            }
            _ => {}
        }
    }
    // The model itself: the user's file, and its base (the last applied model).
    let model_yaml = model_file(inputs.new);
    if snap.files.get(MODEL_PATH).map(Vec::as_slice) != Some(model_yaml.as_bytes()) {
        writes.insert(
            MODEL_PATH.to_string(),
            Some(model_yaml.clone().into_bytes()),
        );
    }
    if snap.bases.get(MODEL_PATH) != Some(&model_yaml) {
        writes.insert(
            format!("{BASE_DIR}/{MODEL_PATH}"),
            Some(model_yaml.into_bytes()),
        );
    }
    // Its JSON Schema, for editors (the first line of the model refers to it).
    let schema = crate::model::json_schema();
    if snap.files.get(SCHEMA_PATH).map(Vec::as_slice) != Some(schema.as_bytes()) {
        writes.insert(SCHEMA_PATH.to_string(), Some(schema.into_bytes()));
    }
    if ledger != snap.ledger {
        writes.insert(LEDGER_PATH.to_string(), Some(ledger.to_yaml().into_bytes()));
    }
    Outcome {
        plan,
        writes,
        backups,
    }
}

/// The files of a brand-new project: the render itself plus the bookkeeping (ledger, merge
/// bases) that lets later commands tell our bytes from the user's. Sorted by path.
pub fn initial(
    new: &Model,
    rendered: Vec<Rendered>,
    module: &str,
    lang: Lang,
    generator: &str,
    prd: Option<&str>,
) -> Vec<Rendered> {
    let (migrations, rest): (Vec<Rendered>, Vec<Rendered>) = rendered
        .into_iter()
        .partition(|r| r.ownership == Ownership::AppendOnly);
    let ownership: BTreeMap<String, (Ownership, String)> = rest
        .iter()
        .chain(migrations.iter())
        .map(|r| (r.path.clone(), (r.ownership, r.template.clone())))
        .collect();
    let snapshot = Snapshot::default();
    let outcome = regenerate(Inputs {
        new,
        rendered: rest,
        migrations,
        snapshot: &snapshot,
        module,
        lang,
        generator,
        prd,
    });
    outcome
        .writes
        .into_iter()
        .filter_map(|(path, bytes)| {
            let contents = String::from_utf8(bytes?).ok()?;
            let (ownership, template) = ownership
                .get(&path)
                .cloned()
                .unwrap_or((Ownership::Generated, String::new()));
            Some(Rendered {
                path,
                contents,
                ownership,
                template,
            })
        })
        .collect()
}
