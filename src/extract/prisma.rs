//! Prisma schema blocks (```prisma, or any block holding `model X {`): one entity per
//! `model`, scalar fields with their attributes (`@id @unique @default(…) @db.VarChar(n)`),
//! foreign keys from `@relation(fields: [userId], references: [id])`, `@@index` /
//! `@@unique` / `@@map`. Enums (`enum Role { ADMIN USER }`) are read by [`decls`].

use crate::extract::decls;
use crate::extract::entities::{RawEntity, RawIndex, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::split_name;
use crate::extract::types::TypeSpec;
use crate::extract::Ctx;
use crate::model::FieldType;
use crate::prd::{Code, Pos};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

static MODEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(model|type|view)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{").expect("regex")
});
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z_][A-Za-z0-9_]*)(\[\]|\?)?(.*)$")
        .expect("regex")
});
static RELATION_FIELDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@relation\([^)]*fields:\s*\[([^\]]*)\]").expect("regex"));
static BLOCK_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*@@(index|unique|id|map)\s*\(\s*(?:\[([^\]]*)\]|"([^"]*)")"#).expect("regex")
});
static DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@default\(((?:[^()]|\([^()]*\))*)\)").expect("regex"));
static DB_SCALE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@db\.Decimal\(\s*\d+\s*,\s*(\d+)\s*\)").expect("regex"));
static DB_LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@db\.\w*(?:Char|Text|String)\((\d+)\)").expect("regex"));

/// True when the block is a Prisma schema (by its language, or by a `model X {` line).
pub fn is_prisma(code: &Code) -> bool {
    code.lang == "prisma"
        || (matches!(code.lang.as_str(), "" | "text" | "plaintext" | "graphql")
            && code.lines.iter().any(|l| {
                MODEL
                    .captures(&l.text)
                    .is_some_and(|c| c.get(1).is_some_and(|m| m.as_str() == "model"))
            }))
}

/// The models of a Prisma block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    // Model names first: a field typed with one is a relation, not a column.
    let models: Vec<String> = code
        .lines
        .iter()
        .filter_map(|l| MODEL.captures(&l.text))
        .filter_map(|c| c.get(2).map(|m| m.as_str().to_string()))
        .collect();
    let mut out = Vec::new();
    let mut cur: Option<Model> = None;
    let mut prev_comment = String::new();
    let mut field_doc = String::new();
    for line in &code.lines {
        let t = line.text.trim();
        let Some(m) = cur.as_mut() else {
            if let Some(c) = MODEL.captures(t) {
                if let Some(n) = c.get(2) {
                    let pos = at(line, n.as_str());
                    let mut e =
                        RawEntity::new(split_name(n.as_str()), Source::Prisma, pos, section);
                    if !prev_comment.is_empty() && prev_comment.chars().count() <= 20 {
                        e.label = std::mem::take(&mut prev_comment);
                    }
                    cur = Some(Model {
                        entity: e,
                        fks: HashMap::new(),
                    });
                }
            } else if let Some(c) = t.strip_prefix("//") {
                prev_comment = c.trim_start_matches('/').trim().to_string();
                continue;
            }
            prev_comment.clear();
            continue;
        };
        if t.starts_with('}') {
            if let Some(m) = cur.take() {
                out.push(m.finish());
            }
            continue;
        }
        if let Some(c) = BLOCK_ATTR.captures(t) {
            block_attr(&c, &mut m.entity);
            continue;
        }
        // `/// 用户名` above a field documents it.
        if let Some(doc) = decls::doc_comment(t) {
            if !doc.is_empty() {
                field_doc = doc;
            }
            continue;
        }
        let doc = std::mem::take(&mut field_doc);
        if let Some(f) = field(line, &doc, &models, m, cx) {
            m.entity.fields.push(f);
        }
    }
    if let Some(m) = cur.take() {
        out.push(m.finish());
    }
    out
}

struct Model {
    entity: RawEntity,
    /// Foreign-key column → the model its `@relation` points at.
    fks: HashMap<String, String>,
}

impl Model {
    /// Marks the `@relation(fields: …)` columns as references, wherever they were declared.
    fn finish(mut self) -> RawEntity {
        for f in self.entity.fields.iter_mut() {
            if let Some(target) = f.name.as_ref().and_then(|n| self.fks.get(n)) {
                f.mods.ref_target = Some(target.clone());
            }
        }
        self.entity
    }
}

fn at(line: &crate::prd::Line, word: &str) -> Pos {
    Pos {
        line: line.pos.line,
        col: line.text.find(word).unwrap_or(0) as u32 + 1,
    }
}

fn block_attr(c: &regex::Captures, e: &mut RawEntity) {
    let kind = c.get(1).map(|m| m.as_str()).unwrap_or("");
    if kind == "map" {
        if let Some(t) = c.get(3) {
            e.aliases.push(t.as_str().to_string());
        }
        return;
    }
    let fields: Vec<String> = c
        .get(2)
        .map(|m| m.as_str())
        .unwrap_or("")
        .split(',')
        .map(|f| f.split('(').next().unwrap_or("").trim())
        .filter(|f| !f.is_empty())
        .map(crate::names::snake)
        .collect();
    if !fields.is_empty() && kind != "id" {
        e.indexes.push(RawIndex {
            fields,
            unique: kind == "unique",
        });
    }
}

/// One field line; relation fields (typed with a model) record their foreign key instead.
fn field(
    line: &crate::prd::Line,
    doc: &str,
    models: &[String],
    m: &mut Model,
    cx: &mut Ctx,
) -> Option<RawField> {
    let text = &line.text;
    let (code, comment) = match text.split_once("//") {
        Some((c, m)) => (c, m.trim_start_matches('/').trim()),
        None => (text.as_str(), doc),
    };
    let c = FIELD.captures(code.trim())?;
    let name = c.get(1)?.as_str();
    let ty = c.get(2)?.as_str();
    let modifier = c.get(3).map(|m| m.as_str()).unwrap_or("");
    let attrs = c.get(4).map(|m| m.as_str()).unwrap_or("");
    if models.iter().any(|x| x == ty) {
        // `user User @relation(fields: [userId], references: [id])`: userId refers to User.
        if let Some(r) = RELATION_FIELDS.captures(attrs) {
            for fk in r.get(1).map(|x| x.as_str()).unwrap_or("").split(',') {
                let fk = crate::names::snake(fk.trim());
                if !fk.is_empty() {
                    m.fks.insert(fk, ty.to_string());
                }
            }
        }
        return None;
    }
    let pos = at(line, name);
    let mut f = RawField::new(pos);
    f.name = cx.field_ident(Some(name), "", name, pos);
    let snake = f.name.clone().unwrap_or_default();
    decls::comment_into(&mut f, comment);
    f.type_pos = at(line, ty);
    let list = modifier == "[]";
    f.mods.required = Some(modifier.is_empty());
    f.mods.primary_key = attrs.contains("@id");
    f.mods.unique = attrs.contains("@unique");
    f.mods.default = DEFAULT
        .captures(attrs)
        .and_then(|d| d.get(1))
        .map(|d| d.as_str().trim().to_string());
    f.mods.max_length = DB_LENGTH
        .captures(attrs)
        .and_then(|d| d.get(1))
        .and_then(|d| d.as_str().parse().ok());
    f.ty = match scalar(ty, &snake) {
        Some(t) => TypeSrc::Spec(TypeSpec {
            ty: Some(t),
            list,
            // `@db.Decimal(10, 2)`: two decimals.
            scale: DB_SCALE
                .captures(attrs)
                .and_then(|d| d.get(1))
                .and_then(|d| d.as_str().parse().ok()),
            ..TypeSpec::default()
        }),
        None => match decls::enum_type(&cx.enums, ty) {
            Some(mut spec) => {
                spec.list = list;
                TypeSrc::Spec(spec)
            }
            // An unknown word: resolved later (an entity elsewhere, or W206).
            None => TypeSrc::Text(if list {
                format!("{ty}[]")
            } else {
                ty.to_string()
            }),
        },
    };
    decls::comment_enum(&mut f.ty, comment);
    Some(f)
}

/// Prisma scalar types (`String` refined by the field's name: `email` → email).
fn scalar(ty: &str, name: &str) -> Option<FieldType> {
    Some(match ty {
        "String" => decls::refine_string(name),
        "Int" | "BigInt" => FieldType::Int,
        "Float" => FieldType::Float,
        "Decimal" => FieldType::Decimal,
        "Boolean" => FieldType::Bool,
        "DateTime" => FieldType::Datetime,
        "Json" => FieldType::Json,
        "Bytes" => FieldType::String,
        _ => return None,
    })
}
