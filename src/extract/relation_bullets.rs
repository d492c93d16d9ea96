//! Relation bullets under an entity (`**Relationships:**` → `- Belongs to one Shed`,
//! `References Kit`, `属于 Tenant`): a reference the entity's fields do not state becomes a
//! reference field, when its target is an entity (W253).

use crate::diag::{Diagnostic, Text};
use crate::extract::entities::{entity_key, RawEntity, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::NameParts;
use crate::extract::Ctx;
use crate::names;
use crate::prd::{plain_inline, Pos};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Adds the reference fields of relation bullets whose target is an entity with fields
/// (W253 each); the others name things this PRD does not model.
pub fn keep_relations(out: &mut Vec<RawEntity>, relations: Vec<RawEntity>, cx: &mut Ctx) {
    let defined: BTreeSet<String> = out
        .iter()
        .filter(|e| !e.fields.is_empty())
        .filter_map(entity_key)
        .collect();
    for mut e in relations {
        e.fields.retain(|f| match &f.ty {
            TypeSrc::Text(t) => defined.contains(&names::snake(&crate::extract::entity_name(t))),
            _ => false,
        });
        for f in &e.fields {
            if let (Some(name), TypeSrc::Text(t)) = (&f.name, &f.ty) {
                cx.diags.push(relation_field(t, name, f.pos));
            }
        }
        if !e.fields.is_empty() {
            out.push(e);
        }
    }
}

/// `Relationships:`, `**Relations**`, `关系：`: a label introducing relation bullets.
pub fn is_relations_label(text: &str) -> bool {
    let t = crate::prd::fold(&plain_inline(text)).to_lowercase();
    matches!(
        t.trim().trim_end_matches(':').trim(),
        "relationships" | "relations" | "relationship" | "关系" | "关联关系" | "实体关系" | "关联"
    )
}

/// `Belongs to one BusinessAccount`, `References LegoPartCatalog for part details`,
/// `属于 Tenant`: the entity named by a relation bullet, when it is owned or referenced.
static BELONGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:belongs\s+to|references?|is\s+owned\s+by|owned\s+by|is\s+part\s+of|part\s+of|属于|关联)\s*(?:one|a|an|the|its|their|exactly\s+one|a\s+specific|one\s+specific|specific|一个)?\s*`?([A-Z][A-Za-z0-9]*)`?")
        .expect("regex")
});

/// Relation bullets under an entity: each `Belongs to X` / `References X` that no field of
/// the entity already covers becomes a reference field `x_id` (W253, a guess, reported by
/// [`keep_relations`]).
pub fn read(
    items: &[crate::prd::Item],
    heading: &Option<(NameParts, Pos)>,
    known: &[&RawEntity],
    idx: usize,
) -> Option<RawEntity> {
    let (parts, pos) = heading.clone()?;
    let mut e = RawEntity::new(parts, Source::Prose, pos, idx);
    for it in items.iter().filter(|it| !it.struck && it.depth == 0) {
        let text = crate::prd::fold(&it.text);
        let Some(target) = BELONGS.captures(text.trim()).and_then(|c| c.get(1)) else {
            continue;
        };
        let target = target.as_str();
        // `References MarketplaceOrders`: a collection, not one reference.
        let field = names::snake(target);
        if names::singular(&field) != field {
            continue;
        }
        let covered = known
            .iter()
            .chain(std::iter::once(&&e))
            .flat_map(|k| &k.fields)
            .filter_map(|f| f.name.as_deref())
            .any(|n| n == field || n == format!("{field}_id"));
        if covered {
            continue;
        }
        let mut f = RawField::new(it.pos);
        f.name = Some(field.clone());
        f.ty = TypeSrc::Text(target.to_string());
        e.fields.push(f);
    }
    (!e.fields.is_empty()).then_some(e)
}

fn relation_field(target: &str, field: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W253",
        pos.line,
        pos.col,
        Text::new(
            format!("this relation names `{target}` but no field refers to it; a reference field `{field}_id` is added"),
            format!("此关系提到 `{target}`，但没有字段引用它；已添加引用字段 `{field}_id`"),
        ),
    )
    .with_help(Text::new(
        format!("list the reference among the fields (\"- {field}_id: ref {target}\")"),
        format!("在字段中写出该引用（“- {field}_id: ref {target}”）"),
    ))
}
