//! Model edits behind `add entity`, `add field`, `remove entity` and `add`/`remove
//! capability`. Pure: model in, model
//! out, or a message that says what to change. Derived parts (relations, indexes for
//! references) are rebuilt from the fields so hand edits and commands agree.

use crate::extract::types::{self, Lookup, Parsed};
use crate::model::Lang;
use crate::model::{Entity, Field, FieldType, Index, Model, Relation, RelationKind};
use crate::{msg, names};

/// Why an edit cannot be made; shown in the user's language ([`EditError::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    FieldName {
        spec: String,
    },
    FieldNoType {
        spec: String,
        name: String,
    },
    FieldType {
        spec: String,
        ty: String,
        accepted: String,
    },
    FieldMax {
        spec: String,
        value: String,
    },
    FieldOption {
        spec: String,
        option: String,
    },
    RefNoTarget {
        spec: String,
        name: String,
    },
    RefUnknown {
        spec: String,
        target: String,
        known: String,
    },
    EntityName {
        name: String,
    },
    EntityExists {
        name: String,
    },
    NoEntity {
        name: String,
        known: String,
    },
    FieldExists {
        entity: String,
        field: String,
    },
    StillReferenced {
        entity: String,
        users: String,
    },
    NoCapability {
        name: String,
        known: String,
    },
    CapabilityOn {
        name: String,
    },
    CapabilityOff {
        name: String,
    },
    /// `name` cannot go while `by` (on) needs it.
    CapabilityNeeded {
        name: String,
        by: String,
    },
}

impl EditError {
    pub fn text(&self, lang: Lang) -> String {
        let q = |s: &str| format!("{s:?}");
        match self {
            EditError::FieldName { spec } => msg!(lang, EditFieldName, spec = q(spec)),
            EditError::FieldNoType { spec, name } => {
                msg!(lang, EditFieldNoType, spec = q(spec), name = name)
            }
            EditError::FieldType { spec, ty, accepted } => msg!(
                lang,
                EditFieldType,
                spec = q(spec),
                ty = q(ty),
                accepted = accepted
            ),
            EditError::FieldMax { spec, value } => {
                msg!(lang, EditFieldMax, spec = q(spec), value = value)
            }
            EditError::FieldOption { spec, option } => {
                msg!(lang, EditFieldOption, spec = q(spec), option = q(option))
            }
            EditError::RefNoTarget { spec, name } => {
                msg!(lang, EditRefNoTarget, spec = q(spec), name = name)
            }
            EditError::RefUnknown {
                spec,
                target,
                known,
            } => msg!(
                lang,
                EditRefUnknown,
                spec = q(spec),
                target = q(target),
                known = known
            ),
            EditError::EntityName { name } => msg!(lang, EditEntityName, name = q(name)),
            EditError::EntityExists { name } => msg!(lang, EditEntityExists, name = name),
            EditError::NoEntity { name, known } => {
                msg!(lang, EditNoEntity, name = q(name), known = known)
            }
            EditError::FieldExists { entity, field } => {
                msg!(lang, EditFieldExists, entity = entity, field = field)
            }
            EditError::StillReferenced { entity, users } => {
                msg!(lang, EditStillReferenced, entity = entity, users = users)
            }
            EditError::NoCapability { name, known } => {
                msg!(lang, EditNoCapability, name = q(name), known = known)
            }
            EditError::CapabilityOn { name } => msg!(lang, EditCapabilityOn, name = name),
            EditError::CapabilityOff { name } => msg!(lang, EditCapabilityOff, name = name),
            EditError::CapabilityNeeded { name, by } => {
                msg!(lang, EditCapabilityNeeded, name = name, by = by)
            }
        }
    }
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for EditError {}

struct ModelLookup<'a>(&'a Model);

impl Lookup for ModelLookup<'_> {
    fn entity(&self, word: &str) -> Option<String> {
        let w = word.trim();
        self.0
            .entities
            .iter()
            .find(|e| {
                e.name.eq_ignore_ascii_case(w)
                    || e.table.eq_ignore_ascii_case(w)
                    || names::pascal(&names::singular(w)) == e.name
            })
            .map(|e| e.name.clone())
    }
}

/// Parses `name:type[:required|:unique|:default=V|:ref=Entity|:max=N|:label=L]`.
/// `type` is any type word the PRD reader accepts (`string`, `varchar(20)`, `decimal(10,2)`,
/// `enum(a|b)`, `string[]`, `email`, an entity name for a reference…).
pub fn parse_field(spec: &str, model: &Model) -> Result<Field, EditError> {
    let spec_s = spec.to_string();
    let mut parts = spec.split(':');
    let raw_name = parts.next().unwrap_or("").trim();
    if !names::is_ascii_ident(raw_name) {
        return Err(EditError::FieldName { spec: spec_s });
    }
    let name = names::snake(raw_name);
    let ty_text = parts.next().map(str::trim).unwrap_or("");
    if ty_text.is_empty() {
        return Err(EditError::FieldNoType { spec: spec_s, name });
    }
    let mut field = Field::new(&name, FieldType::String);
    if ty_text != "ref" {
        match types::parse_type(ty_text, &ModelLookup(model)) {
            Parsed::Type(t, rest) if rest.trim().is_empty() => {
                field.ty = t.ty.unwrap_or(FieldType::String);
                field.list = t.list;
                field.max_length = t.max_length;
                field.scale = t.scale;
                field.enum_values = t.enum_values;
                if let Some(target) = t.ref_target {
                    field.ty = FieldType::Ref;
                    field.references = ModelLookup(model).entity(&target).or(Some(target));
                }
            }
            _ => {
                return Err(EditError::FieldType {
                    spec: spec_s,
                    ty: ty_text.to_string(),
                    accepted: types::accepted_words(),
                })
            }
        }
    } else {
        field.ty = FieldType::Ref;
    }
    for opt in parts {
        let opt = opt.trim();
        let (key, value) = match opt.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (opt, None),
        };
        match (key, value) {
            ("required", None) => field.required = true,
            ("unique", None) => field.unique = true,
            ("default", Some(v)) => field.default = Some(v.to_string()),
            ("max", Some(v)) => {
                field.max_length = Some(v.parse().map_err(|_| EditError::FieldMax {
                    spec: spec_s.clone(),
                    value: v.to_string(),
                })?)
            }
            ("label", Some(v)) => field.label = v.to_string(),
            ("ref", Some(v)) => {
                field.ty = FieldType::Ref;
                field.references = Some(
                    ModelLookup(model)
                        .entity(v)
                        .unwrap_or_else(|| v.to_string()),
                );
            }
            _ => {
                return Err(EditError::FieldOption {
                    spec: spec_s,
                    option: opt.to_string(),
                })
            }
        }
    }
    if field.ty == FieldType::Ref && field.references.is_none() {
        return Err(EditError::RefNoTarget { spec: spec_s, name });
    }
    if let Some(target) = &field.references {
        if model.entity(target).is_none() {
            let known: Vec<&str> = model.entities.iter().map(|e| e.name.as_str()).collect();
            return Err(EditError::RefUnknown {
                spec: spec_s,
                target: target.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(field)
}

/// Rebuilds belongs_to / has_many relations and reference indexes from the ref fields,
/// keeping many_to_many relations and other indexes as they are.
pub fn refresh_derived(model: &mut Model) {
    let refs: Vec<(String, String, String)> = model
        .entities
        .iter()
        .flat_map(|e| {
            e.fields.iter().filter_map(move |f| {
                f.references
                    .as_ref()
                    .map(|t| (e.name.clone(), f.name.clone(), t.clone()))
            })
        })
        .collect();
    for e in &mut model.entities {
        let mut rels: Vec<Relation> = Vec::new();
        for f in &e.fields {
            if let Some(t) = &f.references {
                let line = e
                    .relations
                    .iter()
                    .find(|r| {
                        r.kind == RelationKind::BelongsTo
                            && r.foreign_key.as_deref() == Some(&f.name)
                    })
                    .map_or(f.line, |r| r.line);
                rels.push(Relation {
                    kind: RelationKind::BelongsTo,
                    target: t.clone(),
                    foreign_key: Some(f.name.clone()),
                    through: None,
                    line,
                });
            }
        }
        for (owner, fk, target) in &refs {
            if target == &e.name && owner != &e.name {
                let line = e
                    .relations
                    .iter()
                    .find(|r| r.kind == RelationKind::HasMany && &r.target == owner)
                    .map_or(0, |r| r.line);
                rels.push(Relation {
                    kind: RelationKind::HasMany,
                    target: owner.clone(),
                    foreign_key: Some(fk.clone()),
                    through: None,
                    line,
                });
            }
        }
        rels.extend(
            e.relations
                .iter()
                .filter(|r| r.kind == RelationKind::ManyToMany)
                .cloned(),
        );
        e.relations = rels;
        let field_names: Vec<&str> = e.fields.iter().map(|f| f.name.as_str()).collect();
        e.indexes
            .retain(|i| i.fields.iter().all(|f| field_names.contains(&f.as_str())));
        for f in &e.fields {
            if f.references.is_some()
                && !e.indexes.iter().any(|i| i.fields.first() == Some(&f.name))
            {
                e.indexes.push(Index {
                    fields: vec![f.name.clone()],
                    unique: false,
                });
            }
        }
    }
}

/// Adds a new entity with `fields`.
pub fn add_entity(
    model: &Model,
    name: &str,
    label: &str,
    fields: Vec<Field>,
) -> Result<Model, EditError> {
    if !names::is_ascii_ident(name) {
        return Err(EditError::EntityName {
            name: name.to_string(),
        });
    }
    let ident = names::pascal(&names::singular(name));
    if model.entity(&ident).is_some() {
        return Err(EditError::EntityExists { name: ident });
    }
    let mut m = model.clone();
    m.entities.push(Entity {
        name: ident.clone(),
        label: if label.is_empty() {
            ident.clone()
        } else {
            label.to_string()
        },
        description: String::new(),
        table: names::table(&ident),
        resource: names::resource(&ident),
        fields: vec![],
        relations: vec![],
        indexes: vec![],
        state_machine: None,
        line: 0,
    });
    add_fields(&m, &ident, fields)
}

/// Adds fields to an existing entity.
pub fn add_fields(model: &Model, entity: &str, fields: Vec<Field>) -> Result<Model, EditError> {
    let mut m = model.clone();
    let known: Vec<String> = m.entities.iter().map(|e| e.name.clone()).collect();
    let Some(e) = m
        .entities
        .iter_mut()
        .find(|e| e.name == entity || e.name.eq_ignore_ascii_case(entity))
    else {
        return Err(EditError::NoEntity {
            name: entity.to_string(),
            known: known.join(", "),
        });
    };
    for f in fields {
        if e.field(&f.name).is_some()
            || matches!(
                f.name.as_str(),
                "id" | "version" | "created_at" | "updated_at"
            )
        {
            return Err(EditError::FieldExists {
                entity: e.name.clone(),
                field: f.name.clone(),
            });
        }
        e.fields.push(f);
    }
    refresh_derived(&mut m);
    Ok(m)
}

/// Removes an entity that nothing else refers to.
/// The optional capability `name` (case-insensitive), or what the known ones are.
fn capability_name(name: &str) -> Result<&'static str, EditError> {
    crate::capability::optional_names()
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(name.trim()))
        .ok_or_else(|| EditError::NoCapability {
            name: name.to_string(),
            known: crate::capability::optional_names().join(", "),
        })
}

/// Records the measured requests per second one instance serves (`nfr.instance_rps`), the
/// capacity plan's per-instance figure.
pub fn set_instance_rps(model: &Model, rps: u32) -> Model {
    let mut m = model.clone();
    m.nfr.instance_rps = Some(rps);
    m
}

/// Turns a capability on: listed in `capabilities:` (kept sorted), with the capabilities it
/// requires (tenancy takes its tenant from auth's tokens).
pub fn add_capability(model: &Model, name: &str) -> Result<Model, EditError> {
    let name = capability_name(name)?;
    if model.capabilities.iter().any(|c| c == name) {
        return Err(EditError::CapabilityOn { name: name.into() });
    }
    let mut m = model.clone();
    m.capabilities.push(name.to_string());
    for req in crate::capability::get(name).map_or(&[][..], |c| c.requires) {
        if !m.capabilities.iter().any(|c| c == req) {
            m.capabilities.push(req.to_string());
        }
    }
    m.capabilities.sort();
    Ok(m)
}

/// Turns a capability off.
pub fn remove_capability(model: &Model, name: &str) -> Result<Model, EditError> {
    let name = capability_name(name)?;
    if !model.capabilities.iter().any(|c| c == name) {
        return Err(EditError::CapabilityOff { name: name.into() });
    }
    if let Some(by) = crate::capability::enabled(model)
        .into_iter()
        .find(|c| c.requires.contains(&name))
    {
        return Err(EditError::CapabilityNeeded {
            name: name.into(),
            by: by.name.into(),
        });
    }
    let mut m = model.clone();
    m.capabilities.retain(|c| c != name);
    Ok(m)
}

pub fn remove_entity(model: &Model, name: &str) -> Result<Model, EditError> {
    let Some(target) = model
        .entities
        .iter()
        .find(|e| e.name == name || e.name.eq_ignore_ascii_case(name))
    else {
        let known: Vec<&str> = model.entities.iter().map(|e| e.name.as_str()).collect();
        return Err(EditError::NoEntity {
            name: name.to_string(),
            known: known.join(", "),
        });
    };
    let users: Vec<String> = model
        .entities
        .iter()
        .filter(|e| e.name != target.name)
        .flat_map(|e| {
            e.fields
                .iter()
                .filter(|f| f.references.as_deref() == Some(target.name.as_str()))
                .map(move |f| format!("{}.{}", e.name, f.name))
        })
        .collect();
    if !users.is_empty() {
        return Err(EditError::StillReferenced {
            entity: target.name.clone(),
            users: users.join(", "),
        });
    }
    let gone = target.name.clone();
    let mut m = model.clone();
    m.entities.retain(|e| e.name != gone);
    for e in &mut m.entities {
        e.relations.retain(|r| r.target != gone);
    }
    for c in &mut m.contexts {
        c.entities.retain(|e| e != &gone);
    }
    m.use_cases
        .retain(|u| u.entity.as_deref() != Some(gone.as_str()));
    refresh_derived(&mut m);
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    fn empty() -> Model {
        Model::empty("s", Lang::En)
    }

    #[test]
    fn field_specs() {
        let m = empty();
        let f = parse_field("email:email:required:unique", &m).expect("email");
        assert_eq!((f.ty, f.required, f.unique), (FieldType::Email, true, true));
        let f = parse_field("title:varchar(80):default=untitled", &m).expect("title");
        assert_eq!(
            (f.ty, f.max_length, f.default.as_deref()),
            (FieldType::String, Some(80), Some("untitled"))
        );
        let f = parse_field("status:enum(draft|published)", &m).expect("enum");
        assert_eq!(f.enum_values.len(), 2);
        assert!(parse_field("x:nonsense", &m)
            .unwrap_err()
            .to_string()
            .contains("unknown type"));
        assert!(parse_field("书名:string", &m).is_err());
        assert!(parse_field("x:string:bogus", &m)
            .unwrap_err()
            .to_string()
            .contains("unknown option"));
        assert!(parse_field("book_id:ref:ref=Book", &m)
            .unwrap_err()
            .to_string()
            .contains("no entity named"));
    }

    #[test]
    fn add_then_remove_entity_keeps_relations_consistent() {
        let m = add_entity(
            &empty(),
            "Book",
            "",
            vec![parse_field("title:string:required", &empty()).expect("f")],
        )
        .expect("book");
        let f = parse_field("book_id:ref:ref=Book:required", &m).expect("ref");
        let m = add_entity(&m, "reviews", "书评", vec![f]).expect("review");
        let review = m.entity("Review").expect("Review");
        assert_eq!(review.table, "reviews");
        assert_eq!(review.relations[0].kind, RelationKind::BelongsTo);
        assert_eq!(review.indexes.len(), 1);
        assert_eq!(
            m.entity("Book").expect("Book").relations[0].kind,
            RelationKind::HasMany
        );
        assert!(remove_entity(&m, "Book")
            .unwrap_err()
            .to_string()
            .contains("Review.book_id"));
        let m = remove_entity(&m, "Review").expect("remove");
        assert!(m.entity("Book").expect("Book").relations.is_empty());
    }
}
