//! Mermaid `erDiagram` blocks: entities with typed attributes, and relationship lines
//! (`A ||--o{ B : places` gives B a reference to A; `}o--o{` is many-to-many).

use crate::extract::entities::{RawEntity, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::split_name;
use crate::extract::Ctx;
use crate::prd::{Code, Pos};
use regex::Regex;
use std::sync::LazyLock;

static ENTITY_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*"?([A-Za-z_][A-Za-z0-9_-]*)"?\s*(?:\["?([^"\]]*)"?\])?\s*\{\s*$"#)
        .expect("regex")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([A-Za-z][A-Za-z0-9_()\[\],]*)\s+([A-Za-z_][A-Za-z0-9_]*)((?:\s+(?:PK|FK|UK)\s*,?)*)\s*(?:"([^"]*)")?\s*$"#)
        .expect("regex")
});
static RELATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*"?([A-Za-z_][A-Za-z0-9_-]*)"?\s+([|}o]{2})(?:--|\.\.)([|{o]{2})\s+"?([A-Za-z_][A-Za-z0-9_-]*)"?\s*(?::\s*(.*))?$"#)
        .expect("regex")
});

/// Many-to-many pairs found in relationship lines: (a, b, line).
pub type ManyToMany = Vec<(String, String, u32)>;

/// Entities of an `erDiagram` block, plus the many-to-many pairs it states.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> (Vec<RawEntity>, ManyToMany) {
    let mut out: Vec<RawEntity> = Vec::new();
    let mut m2m = Vec::new();
    if !code
        .lines
        .iter()
        .any(|l| l.text.trim_start().starts_with("erDiagram"))
    {
        return (out, m2m);
    }
    let mut cur: Option<RawEntity> = None;
    // (one side, many side, line)
    let mut one_to_many: Vec<(String, String, Pos)> = Vec::new();
    for line in &code.lines {
        let t = line.text.trim();
        if let Some(e) = cur.as_mut() {
            if t.starts_with('}') {
                if let Some(e) = cur.take() {
                    out.push(e);
                }
                continue;
            }
            let Some(c) = ATTRIBUTE.captures(t) else {
                continue;
            };
            let ty = c.get(1).map(|m| m.as_str()).unwrap_or("");
            let name = c.get(2).map(|m| m.as_str()).unwrap_or("");
            let keys = c.get(3).map(|m| m.as_str()).unwrap_or("");
            let comment = c.get(4).map(|m| m.as_str()).unwrap_or("");
            let col = line.text.find(name).unwrap_or(0) as u32 + 1;
            let pos = Pos {
                line: line.pos.line,
                col,
            };
            let mut f = RawField::new(pos);
            f.name = cx.field_ident(Some(name), "", name, pos);
            f.label = comment.to_string();
            f.hints = comment.to_string();
            f.ty = TypeSrc::Text(ty.to_string());
            f.type_pos = Pos {
                line: line.pos.line,
                col: line.text.find(ty).unwrap_or(0) as u32 + 1,
            };
            f.mods.primary_key = keys.contains("PK");
            f.mods.unique = keys.contains("UK");
            e.fields.push(f);
            continue;
        }
        if let Some(c) = ENTITY_START.captures(t) {
            let name = c.get(1).map(|m| m.as_str()).unwrap_or("");
            let alias = c.get(2).map(|m| m.as_str()).unwrap_or("");
            let col = line.text.find(name).unwrap_or(0) as u32 + 1;
            let mut parts = split_name(&name.to_lowercase());
            if !alias.is_empty() && !alias.is_ascii() {
                parts.label = alias.to_string();
            }
            let mut e = RawEntity::new(
                parts,
                Source::Mermaid,
                Pos {
                    line: line.pos.line,
                    col,
                },
                section,
            );
            e.aliases.push(name.to_string());
            cur = Some(e);
            continue;
        }
        if let Some(c) = RELATION.captures(t) {
            let a = c.get(1).map(|m| m.as_str()).unwrap_or("").to_string();
            let left = c.get(2).map(|m| m.as_str()).unwrap_or("");
            let right = c.get(3).map(|m| m.as_str()).unwrap_or("");
            let b = c.get(4).map(|m| m.as_str()).unwrap_or("").to_string();
            let many_left = left.contains('}');
            let many_right = right.contains('{');
            let pos = line.pos;
            match (many_left, many_right) {
                (false, true) => one_to_many.push((a, b, pos)),
                (true, false) => one_to_many.push((b, a, pos)),
                (true, true) => m2m.push((a, b, pos.line)),
                (false, false) => {}
            }
        }
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    // `A ||--o{ B`: B holds a reference to A, unless it already has one.
    for (one, many, pos) in one_to_many {
        let fk = format!("{}_id", crate::names::snake(&crate::names::singular(&one)));
        let Some(e) = out
            .iter_mut()
            .find(|e| e.aliases.iter().any(|x| x.eq_ignore_ascii_case(&many)))
        else {
            continue;
        };
        let has = e
            .fields
            .iter()
            .any(|f| f.name.as_deref() == Some(fk.as_str()));
        if has {
            if let Some(f) = e
                .fields
                .iter_mut()
                .find(|f| f.name.as_deref() == Some(fk.as_str()))
            {
                f.mods.ref_target = Some(one.clone());
            }
            continue;
        }
        let mut f = RawField::new(pos);
        f.name = Some(fk);
        f.ty = TypeSrc::Text(format!("ref {one}"));
        e.fields.push(f);
    }
    (out, m2m)
}
