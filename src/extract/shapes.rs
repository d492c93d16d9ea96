//! API and UI shapes that are written like entities but are not stored: DTOs, requests and
//! responses, credentials and tokens, store states, filters, pagination and error bodies
//! (`AccountFormDto`, `LoginCredentials`, `PaginatedResponse<T>`, `AuthState`, `ApiError`).
//!
//! Rule (docs/PRD-FORMAT.md, "API shapes"): a name of two or more words whose last word is a
//! shape word (or whose first word is a shape prefix), with no `id`, primary key or `…_id`
//! key in any source, is not an entity (W230). Strong words (`Dto`, `Payload`, `Response`,
//! `Credentials`, `Token`, `Filters`, `Paginated…`) decide alone; weak ones (`Request`,
//! `State`, `Error`, `Form`, `Query`, FastAPI's `UserCreate`/`UserOut`, …) also name stored
//! things (`LeaveRequest`), so they
//! decide only when every source is code (a TypeScript interface, a class, a JSON sample).
//! A database schema (DDL, Prisma, Convex) always makes an entity.
//!
//! Also (W233): when a PRD gives its stored entities as SQL, field tables or a schema, a type
//! that only a TypeScript interface declares, with no key, is a value type (`TimeSlot`).

use crate::diag::{Diagnostic, Text};
use crate::extract::entities::{RawEntity, Source};
use crate::extract::Ctx;
use crate::prd::Pos;

/// Last words that name a shape moving through an API, whatever the source.
const STRONG: &[&str] = &[
    "dto",
    "vo",
    "payload",
    "response",
    "resp",
    "credentials",
    "credential",
    "token",
    "tokens",
    "props",
    "params",
    "filters",
];

/// Last words that name an API/UI shape in code, and a stored thing in a field table.
const WEAK: &[&str] = &[
    "request", "req", "state", "filter", "param", "query", "error", "errors", "input", "output",
    "form", "options", "create", "update", "patch", "out",
];

/// First words of shapes (`PaginatedResponse`, `LoginCredentials`, `SearchFilters`).
const STRONG_PREFIXES: &[&str] = &["paginated", "paged"];
const WEAK_PREFIXES: &[&str] = &["login", "signup", "search", "api"];

/// The shape word that makes `name` an API/UI shape, and whether it is a strong one.
pub fn shape_word(name: &str) -> Option<(String, bool)> {
    let words = crate::names::words(name);
    if words.len() < 2 {
        return None;
    }
    let (first, last) = (words.first()?, words.last()?);
    for (w, list, strong) in [
        (last, STRONG, true),
        (first, STRONG_PREFIXES, true),
        (last, WEAK, false),
        (first, WEAK_PREFIXES, false),
    ] {
        if list.contains(&w.as_str()) {
            return Some((w.clone(), strong));
        }
    }
    None
}

/// W230 when an entity candidate is an API/UI shape (see the module's rule).
/// `sources` are its pieces of evidence: (source, has an `id`, primary key or `…_id`).
pub fn check(name: &str, sources: &[(Source, bool)], pos: Pos) -> Option<Diagnostic> {
    let stored = |s: &Source| matches!(s, Source::Ddl | Source::Prisma | Source::Convex);
    if sources.iter().any(|(s, key)| stored(s) || *key) {
        return None;
    }
    let (word, strong) = shape_word(name)?;
    let code_only = sources
        .iter()
        .all(|(s, _)| matches!(s, Source::Interface | Source::Class | Source::Sample));
    if !strong && !code_only {
        return None;
    }
    Some(
        Diagnostic::warning(
            "W230",
            pos.line,
            pos.col,
            Text::new(
                format!("`{name}` looks like an API/UI shape (\"{word}\", no id), not a stored entity; it is not generated"),
                format!("`{name}` 看起来是接口/界面的数据结构（“{word}”，无 id），不是需要存储的实体，不会生成"),
            ),
        )
        .with_help(Text::new(
            "if it is stored, give it an `id` field or a CREATE TABLE statement",
            "如果需要存储，请为它加上 `id` 字段或 CREATE TABLE 语句",
        )),
    )
}

/// Removes the named candidates that are API/UI shapes, with one W230 each.
pub fn drop_shapes(raws: Vec<RawEntity>, cx: &mut Ctx) -> Vec<RawEntity> {
    let mut shapes: Vec<String> = Vec::new();
    // Stored entities written as SQL, tables or schemas: then a bare interface is a value type.
    let schema_doc = raws.iter().any(|r| {
        !r.fields.is_empty()
            && matches!(
                r.source,
                Source::Ddl | Source::Table | Source::Prisma | Source::Convex
            )
    });
    for r in &raws {
        let Some(name) = &r.name else { continue };
        if shapes.contains(name) {
            continue;
        }
        let group: Vec<&RawEntity> = raws
            .iter()
            .filter(|x| x.name.as_ref() == Some(name))
            .collect();
        let evidence: Vec<(Source, bool)> = group.iter().map(|x| (x.source, has_key(x))).collect();
        let Some(first) = group.iter().min_by_key(|x| x.pos) else {
            continue;
        };
        let value_type = schema_doc
            && evidence
                .iter()
                .all(|(s, key)| *s == Source::Interface && !key);
        if let Some(d) = check(name, &evidence, first.pos) {
            cx.diags.push(d);
            shapes.push(name.clone());
        } else if value_type {
            cx.diags.push(value_type_only(name, first.pos));
            shapes.push(name.clone());
        }
    }
    raws.into_iter()
        .filter(|r| r.name.as_ref().is_none_or(|n| !shapes.contains(n)))
        .collect()
}

/// W233: a TypeScript-only type without keys in a PRD whose entities are SQL/tables/schemas.
fn value_type_only(name: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W233",
        pos.line,
        pos.col,
        Text::new(
            format!("`{name}` is only a TypeScript type with no id, while this PRD gives its stored entities as SQL, field tables or a schema; it is treated as a value type and not generated"),
            format!("`{name}` 只是没有 id 的 TypeScript 类型，而本 PRD 的存储实体以 SQL、字段表或 schema 给出；视为值类型，不会生成"),
        ),
    )
    .with_help(Text::new(
        format!("if `{name}` is stored, describe it like the other entities (a field table or CREATE TABLE)"),
        format!("如果 `{name}` 需要存储，请像其他实体一样描述它（字段表或 CREATE TABLE）"),
    ))
}

/// An `id`, a primary key or a `…_id` foreign key: the marks of a stored row.
fn has_key(r: &RawEntity) -> bool {
    r.fields.iter().any(|f| {
        f.mods.primary_key
            || f.name
                .as_deref()
                .is_some_and(|n| n == "id" || n.ends_with("_id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_names() {
        for n in [
            "AuthToken",
            "LoginCredentials",
            "AccountFormDto",
            "PaginatedResponse",
            "ApiError",
            "AuthState",
            "SearchFilters",
            "ErrorResponse",
            "CreateOrderRequest",
        ] {
            assert!(shape_word(n).is_some(), "{n}");
        }
        for n in ["Account", "User", "OrderItem", "Category", "Token", "Api"] {
            assert!(shape_word(n).is_none(), "{n}");
        }
    }

    #[test]
    fn an_id_or_ddl_makes_it_stored() {
        let p = Pos { line: 1, col: 1 };
        assert!(check("RefreshToken", &[(Source::Interface, true)], p).is_none());
        assert!(check("RefreshToken", &[(Source::Ddl, false)], p).is_none());
        assert!(check("RefreshToken", &[(Source::Interface, false)], p).is_some());
        // A weak word decides only in code: a field table's `LeaveRequest` is stored.
        assert!(check("LeaveRequest", &[(Source::Table, false)], p).is_none());
        assert!(check("LeaveRequest", &[(Source::Interface, false)], p).is_some());
    }
}
