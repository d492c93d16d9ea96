//! JSON sample objects under an entity heading (```json {"id": 1, "title": "…", "price": 9.9}):
//! the weakest evidence there is — field names are real, but types are guessed from the
//! sample values (`9.9` → decimal for a price, `"2024-05-01"` → date). Sample fields only fill
//! in what no other source says, and every guess is reported (W231, in `extract::merge`).

use crate::diag::{Diagnostic, Text};
use crate::extract::decls;
use crate::extract::entities::{RawEntity, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::NameParts;
use crate::extract::types::TypeSpec;
use crate::extract::Ctx;
use crate::model::FieldType;
use crate::prd::{Code, Pos};
use regex::Regex;
use std::sync::LazyLock;

static KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\{.*\}|[^,\s]+|\[|\{)\s*,?\s*(?://\s*(.*))?$"#)
        .expect("regex")
});
static DATETIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}").expect("regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").expect("regex"));
static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .expect("regex")
});

/// Keys of an API envelope (`{"code": 0, "data": {…}}`): a response, not an entity.
const ENVELOPE: &[&str] = &[
    "code", "msg", "message", "success", "data", "errors", "error",
];

pub fn is_json(code: &Code) -> bool {
    matches!(code.lang.as_str(), "json" | "jsonc" | "json5")
}

/// The sample's top-level fields as the entity `owner` (the heading or lead-in naming it).
pub fn parse(
    code: &Code,
    owner: (NameParts, Pos),
    section: usize,
    cx: &mut Ctx,
) -> Option<RawEntity> {
    let fields = top_level(code, cx);
    let names: Vec<&str> = fields.iter().filter_map(|f| f.name.as_deref()).collect();
    let envelope = names.iter().filter(|n| ENVELOPE.contains(n)).count();
    if fields.is_empty() || envelope >= 2 {
        return None;
    }
    let mut e = RawEntity::new(owner.0, Source::Sample, owner.1, section);
    e.fields = fields;
    Some(e)
}

/// Keys of the first object (the top one, or the first element of a top-level array).
fn top_level(code: &Code, cx: &mut Ctx) -> Vec<RawField> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    // Depth at which the object's keys are: 1 for `{`, 2 for `[{`.
    let mut key_depth: Option<i32> = None;
    for line in &code.lines {
        let t = line.text.trim();
        if key_depth.is_none() {
            if t.starts_with('{') {
                key_depth = Some(depth + 1);
            } else if t.starts_with('[') && !t.contains('{') {
                depth += 1;
                continue;
            }
        }
        if Some(depth) == key_depth {
            if let Some(f) = field(line, t, cx) {
                out.push(f);
            }
        } else if key_depth == Some(depth + 1) && t.len() > 1 {
            // `{"a": 1, "b": "x"}` on one line: each top-level pair is a field.
            let inner = t
                .trim_start_matches(['[', '{'])
                .trim_end_matches([',', ']', '}']);
            for piece in split_pairs(inner) {
                if let Some(f) = field(line, piece.trim(), cx) {
                    out.push(f);
                }
            }
        }
        depth += nesting(t);
        if key_depth.is_some_and(|k| depth < k) {
            break;
        }
    }
    out
}

/// Bracket balance of a line, outside strings.
fn nesting(t: &str) -> i32 {
    let mut n = 0;
    let mut in_str = false;
    let mut prev = ' ';
    for c in t.chars() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '{' | '[' if !in_str => n += 1,
            '}' | ']' if !in_str => n -= 1,
            _ => {}
        }
        prev = c;
    }
    n
}

/// Splits `"a": 1, "b": [1, 2]` at the commas between pairs (outside strings and brackets).
fn split_pairs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut prev, mut start) = (0i32, false, ' ', 0);
    for (i, c) in s.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '{' | '[' if !in_str => depth += 1,
            '}' | ']' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        prev = c;
    }
    out.push(&s[start..]);
    out
}

/// One `"key": value` pair (`t`) written on `line`.
fn field(line: &crate::prd::Line, t: &str, cx: &mut Ctx) -> Option<RawField> {
    let c = KEY.captures(t)?;
    let key = c.get(1)?.as_str();
    let value = c
        .get(2)
        .map_or("", |m| m.as_str())
        .trim_end_matches(',')
        .trim();
    let comment = c.get(3).map_or("", |m| m.as_str());
    let pos = Pos {
        line: line.pos.line,
        col: line.text.find(key).unwrap_or(0) as u32 + 1,
    };
    let mut f = RawField::new(pos);
    f.name = cx.field_ident(Some(key), "", key, pos);
    let name = f.name.clone().unwrap_or_default();
    decls::comment_into(&mut f, comment);
    if let Some(v) = value.strip_prefix('"') {
        f.example = v.trim_end_matches('"').to_string();
    } else if !value.starts_with(['{', '[']) && value != "null" {
        f.example = value.to_string();
    }
    f.ty = match guess(value, &name) {
        Some(t) => TypeSrc::Spec(t),
        // `null`: nothing to go by; the name decides (W201).
        None => TypeSrc::Missing,
    };
    Some(f)
}

/// The type a sample value suggests.
fn guess(value: &str, name: &str) -> Option<TypeSpec> {
    let of = |t: FieldType| {
        Some(TypeSpec {
            ty: Some(t),
            ..TypeSpec::default()
        })
    };
    if let Some(s) = value.strip_prefix('"') {
        let s = s.trim_end_matches('"');
        return if DATETIME.is_match(s) {
            of(FieldType::Datetime)
        } else if DATE.is_match(s) {
            of(FieldType::Date)
        } else if UUID.is_match(s) {
            of(FieldType::Uuid)
        } else if s.contains('@') && s.contains('.') && !s.contains(' ') {
            of(FieldType::Email)
        } else if s.starts_with("http://") || s.starts_with("https://") {
            of(FieldType::Url)
        } else {
            of(decls::refine_string(name))
        };
    }
    match value {
        "true" | "false" => return of(FieldType::Bool),
        "null" => return None,
        _ => {}
    }
    if value.starts_with('{') {
        return of(FieldType::Json);
    }
    if let Some(inner) = value.strip_prefix('[') {
        let first = inner.trim_start();
        let mut spec = if first.starts_with('"') {
            guess(
                first.split(',').next().unwrap_or("").trim_end_matches(']'),
                name,
            )?
        } else {
            return of(FieldType::Json);
        };
        spec.list = true;
        return Some(spec);
    }
    if value.parse::<i64>().is_ok() {
        // `0`/`1` codes and prices alike: a money name decides.
        return of(match decls::number_type(name, "") {
            FieldType::Decimal => FieldType::Decimal,
            _ => FieldType::Int,
        });
    }
    if value.parse::<f64>().is_ok() {
        return of(match decls::number_type(name, "") {
            FieldType::Decimal => FieldType::Decimal,
            _ => FieldType::Float,
        });
    }
    None
}

/// W231: fields only a JSON sample gives, their types read from the sample values.
pub fn guessed(entity: &str, fields: &[(String, FieldType)], pos: Pos) -> Diagnostic {
    let list = fields
        .iter()
        .map(|(n, t)| format!("{n}: {}", t.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::warning(
        "W231",
        pos.line,
        pos.col,
        Text::new(
            format!("fields of `{entity}` come only from a JSON sample; their types are guessed from the values ({list})"),
            format!("实体 `{entity}` 的这些字段只出现在 JSON 示例中，类型根据示例值推断（{list}）"),
        ),
    )
    .with_help(Text::new(
        "state the fields and their types in a field table or a typed list (`- price: decimal, required`)",
        "请用字段表或带类型的字段列表（`- price: decimal, 必填`）写明字段与类型",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_from_values() {
        let t = |v: &str, n: &str| guess(v, n).and_then(|s| s.ty);
        assert_eq!(t("\"2024-05-01\"", "due"), Some(FieldType::Date));
        assert_eq!(
            t("\"2024-05-01T10:00:00Z\"", "at"),
            Some(FieldType::Datetime)
        );
        assert_eq!(t("9.9", "price"), Some(FieldType::Decimal));
        assert_eq!(t("9.9", "ratio"), Some(FieldType::Float));
        assert_eq!(t("3", "count"), Some(FieldType::Int));
        assert_eq!(t("true", "ok"), Some(FieldType::Bool));
        assert_eq!(t("\"a@b.co\"", "contact"), Some(FieldType::Email));
        assert_eq!(t("{\"a\": 1}", "meta"), Some(FieldType::Json));
        assert_eq!(t("null", "x"), None);
        assert!(guess("[\"a\", \"b\"]", "tags").is_some_and(|s| s.list));
    }

    #[test]
    fn pairs_split_outside_strings() {
        assert_eq!(split_pairs(r#""a": "x, y", "b": [1, 2], "c": 3"#).len(), 3);
    }
}
