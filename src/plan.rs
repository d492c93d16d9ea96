//! Which files a model produces: declarative rows pairing each template with an output
//! path pattern, a scope (once, or once per entity) and an ownership class. The rows live
//! with the capability that owns them (`crate::capability`); the plan is the rows of the
//! enabled capabilities, plus the create migrations of their tables. Pure: no I/O and no
//! rendering; `render` turns the plan into contents.

use crate::evolve::Ownership;
use crate::model::{Entity, Model};
use crate::names;

/// Whether a template is rendered once or once per entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Once,
    PerEntity,
    /// One numbered SQL migration per entity, in dependency order.
    Migration,
    /// Once per record action of each entity (`Model::record_actions`).
    PerAction,
}

/// One row of the plan table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub template: &'static str,
    /// Output path; `{service}` is the service name, `{pkg}` the entity's Go package, `{table}` its table, `{num}` the
    /// zero-padded migration number, `{action}` the file stem of a record action.
    pub path: &'static str,
    pub scope: Scope,
    pub ownership: Ownership,
    /// Whether the model needs the file at all.
    pub when: fn(&Model) -> bool,
    /// For per-entity rows: whether this entity needs the file.
    pub entity_when: fn(&Model, &Entity) -> bool,
}

pub(crate) fn always(_: &Model) -> bool {
    true
}

pub(crate) fn every_entity(_: &Model, _: &Entity) -> bool {
    true
}

pub(crate) const fn once(template: &'static str, path: &'static str, ownership: Ownership) -> Rule {
    Rule {
        template,
        path,
        scope: Scope::Once,
        ownership,
        when: always,
        entity_when: every_entity,
    }
}

pub(crate) const fn each(template: &'static str, path: &'static str) -> Rule {
    Rule {
        template,
        path,
        scope: Scope::PerEntity,
        ownership: Ownership::Generated,
        when: always,
        entity_when: every_entity,
    }
}

/// A per-entity row for the entities `entity_when` selects.
pub(crate) const fn each_where(
    template: &'static str,
    path: &'static str,
    ownership: Ownership,
    entity_when: fn(&Model, &Entity) -> bool,
) -> Rule {
    Rule {
        template,
        path,
        scope: Scope::PerEntity,
        ownership,
        when: always,
        entity_when,
    }
}

/// A file to render: which template, where, owned how, and for which entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub template: String,
    pub path: String,
    pub ownership: Ownership,
    /// Entity name for per-entity files.
    pub entity: Option<String>,
    /// Migration number for migrations (1-based).
    pub migration: Option<u32>,
    /// Record action name for per-action files.
    pub action: Option<String>,
}

/// Entities ordered so that every referenced entity comes before the ones referring to it
/// (stable: PRD order among independent entities). Cycles keep PRD order for the rest.
pub fn dependency_order(model: &Model) -> Vec<&Entity> {
    let mut done: Vec<&Entity> = Vec::new();
    let mut left: Vec<&Entity> = model.entities.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|e| {
            e.fields.iter().all(|f| match &f.references {
                Some(t) if t != &e.name => {
                    done.iter().any(|d| &d.name == t) || model.entity(t).is_none()
                }
                _ => true,
            })
        });
        let i = ready.unwrap_or(0);
        done.push(left.remove(i));
    }
    done
}

/// The files a model produces, sorted by path.
pub fn plan(model: &Model) -> Vec<PlannedFile> {
    let mut out = Vec::new();
    let caps = crate::capability::enabled(model);
    let rules = caps.iter().flat_map(|c| c.rules.iter());
    for rule in rules.filter(|r| (r.when)(model)) {
        match rule.scope {
            Scope::Once => out.push(PlannedFile {
                template: rule.template.to_string(),
                path: rule.path.replace("{service}", &model.service.name),
                ownership: rule.ownership,
                entity: None,
                migration: None,
                action: None,
            }),
            Scope::PerEntity => {
                for e in model
                    .entities
                    .iter()
                    .filter(|e| (rule.entity_when)(model, e))
                {
                    let pkg = names::go_package(&e.name);
                    out.push(PlannedFile {
                        template: rule.template.to_string(),
                        path: rule
                            .path
                            .replace("{pkg}", &pkg)
                            .replace("{table}", &e.table),
                        ownership: rule.ownership,
                        entity: Some(e.name.clone()),
                        migration: None,
                        action: None,
                    });
                }
            }
            Scope::Migration => {
                for (i, e) in dependency_order(model).into_iter().enumerate() {
                    let num = i as u32 + 1;
                    out.push(PlannedFile {
                        template: rule.template.to_string(),
                        path: rule
                            .path
                            .replace("{num}", &format!("{num:05}"))
                            .replace("{table}", &e.table),
                        ownership: rule.ownership,
                        entity: Some(e.name.clone()),
                        migration: Some(num),
                        action: None,
                    });
                }
            }
            Scope::PerAction => {
                for e in &model.entities {
                    let pkg = names::go_package(&e.name);
                    for a in model.record_actions(e) {
                        out.push(PlannedFile {
                            template: rule.template.to_string(),
                            path: rule
                                .path
                                .replace("{pkg}", &pkg)
                                .replace("{action}", &names::record_action_file(a.name)),
                            ownership: rule.ownership,
                            entity: Some(e.name.clone()),
                            migration: None,
                            action: Some(a.name.to_string()),
                        });
                    }
                }
            }
        }
    }
    // Capability tables: one create migration each, numbered after the entities'.
    let mut num = model.entities.len() as u32;
    for t in caps.iter().flat_map(|c| c.tables.iter()) {
        num += 1;
        out.push(PlannedFile {
            template: t.create.to_string(),
            path: format!("migrations/{num:05}_create_{}.sql", t.table),
            ownership: Ownership::AppendOnly,
            entity: None,
            migration: Some(num),
            action: None,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
