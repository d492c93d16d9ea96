//! TypeScript interfaces that are value types — DTOs, credentials, store state, computed
//! values — and not stored entities, decided by evidence (docs/PRD-FORMAT.md §3.8, W252).

use crate::diag::{Diagnostic, Text};
use crate::extract::entities::{entity_key, RawEntity, Source};
use crate::extract::fields::TypeSrc;
use crate::extract::Ctx;
use crate::names;
use crate::prd::Pos;
use std::collections::BTreeSet;

/// snake_case words of every field type written in `out` (`Reader`, `Tag[]`, `ref Reader`),
/// and the stems of `*_id` fields (`customerId` → `customer`).
fn type_words(out: &[RawEntity]) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for f in out.iter().flat_map(|e| &e.fields) {
        if let Some(stem) = f.name.as_deref().and_then(|n| n.strip_suffix("_id")) {
            words.insert(stem.to_string());
        }
        let mut texts: Vec<&str> = Vec::new();
        match &f.ty {
            TypeSrc::Text(t) => texts.push(t),
            TypeSrc::Spec(s) => texts.extend(s.ref_target.as_deref()),
            TypeSrc::Missing => {}
        }
        texts.extend(f.mods.ref_target.as_deref());
        for t in texts {
            words.extend(
                t.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .filter(|w| !w.is_empty())
                    .map(names::snake),
            );
        }
    }
    words
}

/// True when a source declares the entity's identity: an `id`, `uuid` or `<entity>_id` field,
/// or a primary key.
fn has_identity(e: &RawEntity, key: &str) -> bool {
    let own = format!("{key}_id");
    e.fields.iter().any(|f| {
        f.mods.primary_key
            || f.name
                .as_deref()
                .is_some_and(|n| n == "id" || n == "uuid" || n == own)
    })
}

/// Last words of type names that say the type carries data to or from somewhere
/// (`AccountFormDto`, `LoginCredentials`, `AuthState`, `SearchFilters`).
const VALUE_WORDS: &[&str] = &[
    "dto",
    "request",
    "response",
    "payload",
    "form",
    "input",
    "output",
    "params",
    "parameters",
    "args",
    "credential",
    "credentials",
    "token",
    "state",
    "store",
    "props",
    "config",
    "options",
    "filter",
    "filters",
    "query",
    "result",
    "error",
    "vo",
    "view",
    "stats",
];

/// True when an entity key's last word is one of [`VALUE_WORDS`].
fn value_word(key: &str) -> bool {
    key.rsplit('_')
        .next()
        .is_some_and(|w| VALUE_WORDS.contains(&w))
}

/// TypeScript interfaces that describe values, not stored entities, decided by evidence
/// (docs/PRD-FORMAT.md, "Value types"), when no field of a kept entity refers to them:
/// - in a data model written as field tables or DDL, an interface that names none of its
///   tables and that no other source describes (`TimeSlot`, computed on the fly);
/// - among interfaces that declare an `id`, one without any identity whose name says it
///   carries data (`LoginCredentials`, `AuthToken`, `AuthState`, `…Dto`): every source of it
///   is dropped.
///
/// Each is reported (W252) and not generated.
pub fn drop_value_types(out: &mut Vec<RawEntity>, from_ts: &[usize], cx: &mut Ctx) {
    if from_ts.is_empty() {
        return;
    }
    let keyed = |i: usize| out.get(i).and_then(|e| entity_key(e).map(|k| (i, k)));
    let ts_keys: Vec<(usize, String)> = from_ts.iter().filter_map(|&i| keyed(i)).collect();
    // Tables or DDL that no interface mirrors: the model is written as tables.
    let stored: BTreeSet<String> = out
        .iter()
        .filter(|e| matches!(e.source, Source::Ddl | Source::Table))
        .filter_map(entity_key)
        .filter(|k| !ts_keys.iter().any(|(_, t)| t == k))
        .collect();
    let described: BTreeSet<String> = out
        .iter()
        .enumerate()
        .filter(|(i, _)| !from_ts.contains(i))
        .filter_map(|(_, e)| entity_key(e))
        .collect();
    let identified = |k: &str| {
        out.iter()
            .any(|e| entity_key(e).as_deref() == Some(k) && has_identity(e, k))
    };
    let any_identified = ts_keys.iter().any(|(_, k)| identified(k));
    // (key, position, name as written, has no identity)
    let mut values: Vec<(String, Pos, String, bool)> = Vec::new();
    for (i, key) in &ts_keys {
        let untabled = !stored.is_empty() && !described.contains(key);
        let anonymous = any_identified && !identified(key) && value_word(key);
        if (untabled || anonymous) && !values.iter().any(|v| v.0 == *key) {
            let written = out[*i].ident.clone().unwrap_or_default();
            values.push((key.clone(), out[*i].pos, written, anonymous));
        }
    }
    // A field of a kept entity that refers to the type keeps it.
    let kept: Vec<RawEntity> = out
        .iter()
        .filter(|e| entity_key(e).is_none_or(|k| !values.iter().any(|v| v.0 == k)))
        .cloned()
        .collect();
    let used = type_words(&kept);
    values.retain(|(key, _, written, _)| {
        let plural = names::snake(&names::plural(key));
        !(used.contains(key) || used.contains(&plural) || used.contains(&names::snake(written)))
    });
    for (_, pos, written, anonymous) in &values {
        cx.diags.push(value_type(written, *pos, *anonymous));
    }
    out.retain(|e| entity_key(e).is_none_or(|k| !values.iter().any(|v| v.0 == k)));
}

fn value_type(name: &str, pos: Pos, anonymous: bool) -> Diagnostic {
    let (why_en, why_zh) = if anonymous {
        (
            "has no `id` (the other interfaces have one) and is named like a transfer type",
            "没有 `id` 字段（其他接口都有），且名称像传输类型",
        )
    } else {
        (
            "matches no table of this data model",
            "与数据模型中的表都不对应",
        )
    };
    Diagnostic::warning(
        "W252",
        pos.line,
        pos.col,
        Text::new(
            format!("interface `{name}` {why_en}; no field refers to it, so it is read as a value type (DTO, credentials, computed value) and not generated"),
            format!("接口 `{name}` {why_zh}，也没有字段引用它，按值类型（DTO、凭据、计算值）处理，不生成"),
        ),
    )
    .with_help(Text::new(
        format!("if `{name}` is stored, give it an `id` field and describe it like the other tables (a field table under \"### {name}\" or a CREATE TABLE)"),
        format!("如果 `{name}` 需要存储，请为它加上 `id` 字段，并像其他表一样描述它（在“### {name}”下写字段表，或写 CREATE TABLE）"),
    ))
}
