//! Semantic diff of two models: what `sync` shows and what migrations are made from.

use crate::model::{Entity, Field, Model, Transition, UseCase};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelDiff {
    pub entities_added: Vec<String>,
    pub entities_removed: Vec<String>,
    pub entities_changed: Vec<EntityDiff>,
    pub use_cases_added: Vec<String>,
    pub use_cases_removed: Vec<String>,
    pub use_cases_changed: Vec<String>,
    /// Capability modules turned on and off (`events`).
    pub capabilities_added: Vec<String>,
    pub capabilities_removed: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityDiff {
    pub entity: String,
    pub fields_added: Vec<String>,
    pub fields_removed: Vec<String>,
    /// (old name, new name).
    pub fields_renamed: Vec<(String, String)>,
    /// (field, what changed: `type`, `required`, …).
    pub fields_changed: Vec<(String, Vec<&'static str>)>,
    pub transitions_added: Vec<String>,
    pub transitions_removed: Vec<String>,
    /// Label, description, table or other non-structural changes.
    pub other: Vec<&'static str>,
}

/// A removed and an added field of the same type in one entity, with no rename given:
/// probably a rename, which must never become drop + add silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousRename {
    pub entity: String,
    pub removed: String,
    pub added: String,
}

impl EntityDiff {
    pub fn is_empty(&self) -> bool {
        self.fields_added.is_empty()
            && self.fields_removed.is_empty()
            && self.fields_renamed.is_empty()
            && self.fields_changed.is_empty()
            && self.transitions_added.is_empty()
            && self.transitions_removed.is_empty()
            && self.other.is_empty()
    }
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        self.entities_added.is_empty()
            && self.entities_removed.is_empty()
            && self.entities_changed.is_empty()
            && self.use_cases_added.is_empty()
            && self.use_cases_removed.is_empty()
            && self.use_cases_changed.is_empty()
            && self.capabilities_added.is_empty()
            && self.capabilities_removed.is_empty()
    }

    /// Human-readable summary, one change a line (`+ entity Review`, `~ Order.total: type`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.capabilities_added {
            let _ = writeln!(out, "+ capability {c}");
        }
        for c in &self.capabilities_removed {
            let _ = writeln!(out, "- capability {c}");
        }
        for e in &self.entities_added {
            let _ = writeln!(out, "+ entity {e}");
        }
        for e in &self.entities_removed {
            let _ = writeln!(out, "- entity {e}");
        }
        for d in &self.entities_changed {
            let e = &d.entity;
            for f in &d.fields_added {
                let _ = writeln!(out, "+ field {e}.{f}");
            }
            for f in &d.fields_removed {
                let _ = writeln!(out, "- field {e}.{f}");
            }
            for (a, b) in &d.fields_renamed {
                let _ = writeln!(out, "~ field {e}.{a} → {e}.{b} (rename)");
            }
            for (f, what) in &d.fields_changed {
                let _ = writeln!(out, "~ field {e}.{f}: {}", what.join(", "));
            }
            for t in &d.transitions_added {
                let _ = writeln!(out, "+ transition {e}: {t}");
            }
            for t in &d.transitions_removed {
                let _ = writeln!(out, "- transition {e}: {t}");
            }
            if !d.other.is_empty() {
                let _ = writeln!(out, "~ entity {e}: {}", d.other.join(", "));
            }
        }
        for u in &self.use_cases_added {
            let _ = writeln!(out, "+ use case {u}");
        }
        for u in &self.use_cases_removed {
            let _ = writeln!(out, "- use case {u}");
        }
        for u in &self.use_cases_changed {
            let _ = writeln!(out, "~ use case {u}");
        }
        out
    }
}

fn field_changes(a: &Field, b: &Field) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.ty != b.ty || a.list != b.list || a.references != b.references {
        out.push("type");
    }
    if a.required != b.required {
        out.push("required");
    }
    if a.unique != b.unique {
        out.push("unique");
    }
    if a.default != b.default {
        out.push("default");
    }
    if a.max_length != b.max_length {
        out.push("max_length");
    }
    if a.scale != b.scale {
        out.push("scale");
    }
    if a.enum_values
        .iter()
        .map(|v| &v.value)
        .ne(b.enum_values.iter().map(|v| &v.value))
    {
        out.push("enum_values");
    }
    out
}

fn transitions(e: &Entity) -> BTreeSet<String> {
    let fmt = |t: &Transition| format!("{} -> {} : {}", t.from, t.to, t.action);
    e.state_machine
        .iter()
        .flat_map(|m| m.transitions.iter().map(fmt))
        .collect()
}

fn same_use_case(a: &UseCase, b: &UseCase) -> bool {
    a.title == b.title
        && a.kind == b.kind
        && a.entity == b.entity
        && a.action == b.action
        && a.actor == b.actor
}

/// Compares `old` and `new`. `renames` maps `Entity.old_field` → `new_field`.
pub fn diff(
    old: &Model,
    new: &Model,
    renames: &BTreeMap<String, String>,
) -> (ModelDiff, Vec<AmbiguousRename>) {
    let mut d = ModelDiff::default();
    let mut ambiguous = Vec::new();
    let old_e: BTreeMap<_, _> = old.entities.iter().map(|e| (e.name.as_str(), e)).collect();
    let new_e: BTreeMap<_, _> = new.entities.iter().map(|e| (e.name.as_str(), e)).collect();
    d.entities_added = new_e
        .keys()
        .filter(|k| !old_e.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    d.entities_removed = old_e
        .keys()
        .filter(|k| !new_e.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    for (name, a) in &old_e {
        let Some(b) = new_e.get(name) else { continue };
        let mut ed = EntityDiff {
            entity: name.to_string(),
            ..EntityDiff::default()
        };
        let af: BTreeMap<_, _> = a.fields.iter().map(|f| (f.name.as_str(), f)).collect();
        let bf: BTreeMap<_, _> = b.fields.iter().map(|f| (f.name.as_str(), f)).collect();
        let mut added: Vec<&str> = bf
            .keys()
            .filter(|k| !af.contains_key(*k))
            .copied()
            .collect();
        let mut removed: Vec<&str> = af
            .keys()
            .filter(|k| !bf.contains_key(*k))
            .copied()
            .collect();
        for (from, to) in renames {
            let Some((ent, old_field)) = from.split_once('.') else {
                continue;
            };
            if ent != *name {
                continue;
            }
            if let (Some(i), Some(j)) = (
                removed.iter().position(|f| *f == old_field),
                added.iter().position(|f| f == to),
            ) {
                removed.remove(i);
                added.remove(j);
                ed.fields_renamed.push((old_field.to_string(), to.clone()));
                let changes = field_changes(af[old_field], bf[to.as_str()]);
                if !changes.is_empty() {
                    ed.fields_changed.push((to.clone(), changes));
                }
            }
        }
        for r in &removed {
            if let Some(a_) = added.iter().find(|x| bf[**x].ty == af[*r].ty) {
                ambiguous.push(AmbiguousRename {
                    entity: name.to_string(),
                    removed: r.to_string(),
                    added: a_.to_string(),
                });
            }
        }
        ed.fields_added = added.iter().map(|s| s.to_string()).collect();
        ed.fields_removed = removed.iter().map(|s| s.to_string()).collect();
        for (f, fa) in &af {
            if let Some(fb) = bf.get(f) {
                let changes = field_changes(fa, fb);
                if !changes.is_empty() {
                    ed.fields_changed.push((f.to_string(), changes));
                }
            }
        }
        let (ta, tb) = (transitions(a), transitions(b));
        ed.transitions_added = tb.difference(&ta).cloned().collect();
        ed.transitions_removed = ta.difference(&tb).cloned().collect();
        if a.label != b.label || a.description != b.description {
            ed.other.push("label/description");
        }
        if a.table != b.table {
            ed.other.push("table");
        }
        if a.resource != b.resource {
            ed.other.push("resource");
        }
        if a.indexes != b.indexes {
            ed.other.push("indexes");
        }
        if !ed.is_empty() {
            d.entities_changed.push(ed);
        }
    }
    let old_u: BTreeMap<_, _> = old.use_cases.iter().map(|u| (u.id.as_str(), u)).collect();
    let new_u: BTreeMap<_, _> = new.use_cases.iter().map(|u| (u.id.as_str(), u)).collect();
    d.use_cases_added = new_u
        .keys()
        .filter(|k| !old_u.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    d.use_cases_removed = old_u
        .keys()
        .filter(|k| !new_u.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    d.use_cases_changed = old_u
        .iter()
        .filter(|(k, a)| new_u.get(*k).is_some_and(|b| !same_use_case(a, b)))
        .map(|(k, _)| k.to_string())
        .collect();
    d.capabilities_added = new
        .capabilities
        .iter()
        .filter(|c| !old.capabilities.contains(c))
        .cloned()
        .collect();
    d.capabilities_removed = old
        .capabilities
        .iter()
        .filter(|c| !new.capabilities.contains(c))
        .cloned()
        .collect();
    (d, ambiguous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FieldType, Lang};

    fn field(name: &str, ty: FieldType) -> Field {
        Field {
            line: 1,
            ..Field::new(name, ty)
        }
    }

    fn model(entities: Vec<(&str, Vec<Field>)>) -> Model {
        let mut m = Model::empty("s", Lang::En);
        m.entities = entities
            .into_iter()
            .map(|(n, fields)| Entity {
                name: n.into(),
                label: n.into(),
                description: String::new(),
                table: crate::names::table(n),
                resource: crate::names::resource(n),
                fields,
                relations: vec![],
                indexes: vec![],
                state_machine: None,
                line: 1,
            })
            .collect();
        m
    }

    #[test]
    fn entities_and_fields() {
        let a = model(vec![(
            "Book",
            vec![
                field("title", FieldType::String),
                field("pages", FieldType::Int),
            ],
        )]);
        let mut title = field("title", FieldType::String);
        title.required = true;
        let b = model(vec![
            ("Book", vec![title, field("isbn", FieldType::String)]),
            ("Review", vec![field("body", FieldType::Text)]),
        ]);
        let (d, amb) = diff(&a, &b, &BTreeMap::new());
        assert_eq!(d.entities_added, vec!["Review"]);
        assert_eq!(d.entities_changed[0].fields_added, vec!["isbn"]);
        assert_eq!(d.entities_changed[0].fields_removed, vec!["pages"]);
        assert_eq!(
            d.entities_changed[0].fields_changed,
            vec![("title".to_string(), vec!["required"])]
        );
        assert!(amb.is_empty());
        assert_eq!(
            d.render(),
            "+ entity Review\n+ field Book.isbn\n- field Book.pages\n~ field Book.title: required\n"
        );
    }

    #[test]
    fn renames_are_explicit_or_flagged() {
        let a = model(vec![("Book", vec![field("title", FieldType::String)])]);
        let b = model(vec![("Book", vec![field("name", FieldType::String)])]);
        let (_, amb) = diff(&a, &b, &BTreeMap::new());
        assert_eq!(
            amb,
            vec![AmbiguousRename {
                entity: "Book".into(),
                removed: "title".into(),
                added: "name".into()
            }]
        );
        let renames = BTreeMap::from([("Book.title".to_string(), "name".to_string())]);
        let (d, amb) = diff(&a, &b, &renames);
        assert!(amb.is_empty());
        assert_eq!(
            d.entities_changed[0].fields_renamed,
            vec![("title".to_string(), "name".to_string())]
        );
        assert!(d.entities_changed[0].fields_added.is_empty());
    }
}
