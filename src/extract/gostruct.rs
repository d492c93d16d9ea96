//! Go structs in ```go blocks (GORM models): one entity per `type X struct {…}`, fields from
//! `Name Type `gorm:"…" json:"…"` // 注释` lines. `gorm:"primaryKey"`, `not null`, `unique` /
//! `uniqueIndex`, `size:50`, `default:x` are constraints; `gorm:"-"` fields and embedded types
//! (`gorm.Model`) are skipped. String constants of a named type are enums (see [`decls`]).

use crate::extract::decls::{self, Enums};
use crate::extract::entities::{RawEntity, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::split_name;
use crate::extract::types::TypeSpec;
use crate::extract::Ctx;
use crate::model::FieldType;
use crate::prd::{Code, Line, Pos};
use regex::Regex;
use std::sync::LazyLock;

static STRUCT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*type\s+([A-Za-z_][A-Za-z0-9_]*)\s+struct\s*\{").expect("regex")
});
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(\*?(?:\[\])?\*?[A-Za-z_][A-Za-z0-9_.]*(?:\[[^\]]*\][A-Za-z0-9_.]*)?)\s*(`[^`]*`)?\s*(?://\s*(.*))?$")
        .expect("regex")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(\w+):"([^"]*)""#).expect("regex"));
static SIZE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:size:|varchar\(|char\()(\d+)").expect("regex"));
static DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)default:([^;]+)").expect("regex"));
static GO_CONST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*[A-Za-z_]\w*\s+([A-Z][A-Za-z0-9_]*)\s*=\s*"([^"]*)"\s*(?://\s*(.*))?$"#)
        .expect("regex")
});

pub fn is_go(code: &Code) -> bool {
    matches!(code.lang.as_str(), "go" | "golang")
}

/// The structs of a Go block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    // Struct names first: a field typed with one is an association (its key is another field).
    let structs: Vec<&str> = code
        .lines
        .iter()
        .filter_map(|l| STRUCT.captures(&l.text))
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut cur: Option<RawEntity> = None;
    let mut prev_comment = String::new();
    for line in &code.lines {
        let t = line.text.trim();
        let Some(e) = cur.as_mut() else {
            if let Some(c) = STRUCT.captures(t) {
                let name = c.get(1).map_or("", |m| m.as_str());
                let pos = Pos {
                    line: line.pos.line,
                    col: line.text.find(name).unwrap_or(0) as u32 + 1,
                };
                let mut e = RawEntity::new(split_name(name), Source::Class, pos, section);
                if !prev_comment.is_empty() && prev_comment.chars().count() <= 20 {
                    e.label = std::mem::take(&mut prev_comment);
                }
                cur = Some(e);
            } else if let Some(c) = t.strip_prefix("//") {
                // `// User 用户` above the struct: the words after the name.
                let c = c.trim();
                prev_comment = c.split_once(' ').map_or(c, |(_, r)| r.trim()).to_string();
                continue;
            }
            prev_comment.clear();
            continue;
        };
        if t.starts_with('}') {
            if let Some(e) = cur.take() {
                out.push(e);
            }
            continue;
        }
        if let Some(f) = field(line, &structs, cx) {
            e.fields.push(f);
        }
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    out
}

fn field(line: &Line, structs: &[&str], cx: &mut Ctx) -> Option<RawField> {
    let c = FIELD.captures(line.text.trim())?;
    let name = c.get(1)?.as_str();
    let ty = c.get(2)?.as_str();
    if structs.contains(&ty.trim_start_matches(['*', '[', ']'])) {
        return None;
    }
    let tags = c.get(3).map_or("", |m| m.as_str());
    let comment = c.get(4).map_or("", |m| m.as_str());
    let mut gorm = String::new();
    let mut json_name: Option<&str> = None;
    for t in TAG.captures_iter(tags) {
        match t.get(1).map_or("", |m| m.as_str()) {
            "gorm" => gorm = t.get(2).map_or("", |m| m.as_str()).to_string(),
            "json" => json_name = t.get(2).and_then(|m| m.as_str().split(',').next()),
            _ => {}
        }
    }
    if gorm.trim() == "-" || json_name == Some("-") && gorm.is_empty() {
        return None;
    }
    let pos = Pos {
        line: line.pos.line,
        col: line.text.find(name).unwrap_or(0) as u32 + 1,
    };
    let mut f = RawField::new(pos);
    let written = json_name.filter(|j| !j.is_empty()).unwrap_or(name);
    f.name = cx.field_ident(Some(written), "", written, pos);
    let snake = f.name.clone().unwrap_or_default();
    decls::comment_into(&mut f, comment);
    f.type_pos = Pos {
        line: line.pos.line,
        col: line.text.find(ty).unwrap_or(0) as u32 + 1,
    };
    let lower = gorm.to_ascii_lowercase();
    f.mods.primary_key = lower.contains("primarykey") || lower.contains("primary_key");
    f.mods.unique = lower.contains("unique");
    let pointer = ty.starts_with('*');
    f.mods.required = if lower.contains("not null") {
        Some(true)
    } else if pointer {
        Some(false)
    } else {
        None
    };
    f.mods.max_length = SIZE
        .captures(&gorm)
        .and_then(|m| m.get(1))
        .and_then(|m| m.as_str().parse().ok());
    f.mods.default = DEFAULT
        .captures(&gorm)
        .and_then(|m| m.get(1))
        .map(|m| m.as_str().trim().to_string());
    f.ty = go_type(ty, &snake, comment, &cx.enums);
    decls::comment_enum(&mut f.ty, comment);
    Some(f)
}

fn go_type(ty: &str, name: &str, comment: &str, enums: &Enums) -> TypeSrc {
    let t = ty.trim_start_matches('*');
    let (inner, list) = match t.strip_prefix("[]") {
        Some(i) => (i.trim_start_matches('*'), true),
        None => (t, false),
    };
    if let Some(mut spec) = decls::enum_type(enums, inner) {
        spec.list = list;
        return TypeSrc::Spec(spec);
    }
    let base = match inner {
        "string" => decls::refine_string(name),
        "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
        | "uint64" => FieldType::Int,
        "float32" | "float64" => match decls::number_type(name, comment) {
            FieldType::Decimal => FieldType::Decimal,
            _ => FieldType::Float,
        },
        "bool" => FieldType::Bool,
        "time.Time" | "sql.NullTime" | "gorm.DeletedAt" => FieldType::Datetime,
        "decimal.Decimal" => FieldType::Decimal,
        "uuid.UUID" => FieldType::Uuid,
        "byte" if list => return spec_of(FieldType::String, false),
        "json.RawMessage" | "datatypes.JSON" | "datatypes.JSONMap" => FieldType::Json,
        _ if inner.starts_with("map[") => FieldType::Json,
        _ => {
            return TypeSrc::Text(if list {
                format!("{inner}[]")
            } else {
                inner.to_string()
            })
        }
    };
    spec_of(base, list)
}

fn spec_of(ty: FieldType, list: bool) -> TypeSrc {
    TypeSrc::Spec(TypeSpec {
        ty: Some(ty),
        list,
        ..TypeSpec::default()
    })
}

/// `StatusPaid OrderStatus = "paid" // 已支付` lines: string constants of a named type.
pub fn enums(code: &Code, out: &mut Enums) {
    for l in &code.lines {
        let Some(c) = GO_CONST.captures(&l.text) else {
            continue;
        };
        let ty = c.get(1).map_or("", |m| m.as_str()).to_string();
        let value = c.get(2).map_or("", |m| m.as_str()).to_string();
        let label = c.get(3).map_or("", |m| m.as_str()).trim().to_string();
        let values = out.entry(ty).or_default();
        if !values.iter().any(|v| v.value == value) {
            values.push(crate::model::EnumValue { value, label });
        }
    }
}
