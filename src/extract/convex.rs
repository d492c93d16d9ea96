//! Convex schemas in TypeScript/JavaScript blocks: `defineSchema({ venues: defineTable({
//! name: v.string(), ownerId: v.id("users"), status: v.union(v.literal("a"), …),
//! price: v.optional(v.number()) }).index("by_x", ["a", "b"]) })` — one entity per table
//! (the key is the table name, usually plural), validators read as types.

use crate::extract::decls;
use crate::extract::entities::{RawEntity, RawIndex, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::split_name;
use crate::extract::types::TypeSpec;
use crate::extract::Ctx;
use crate::model::FieldType;
use crate::prd::{Code, Pos};
use regex::Regex;
use std::sync::LazyLock;

static TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|[\s,{(])(?:(?:export\s+)?const\s+)?["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*defineTable\s*\(\s*\{"#)
        .expect("regex")
});
static INDEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*\.\s*index\s*\(\s*["'][^"']*["']\s*,\s*\[([^\]]*)\]"#).expect("regex")
});
static CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^v\.([A-Za-z0-9_]+)\s*\((.*)\)$").expect("regex"));

/// True when the block declares Convex tables.
pub fn is_convex(code: &Code) -> bool {
    code.lines.iter().any(|l| l.text.contains("defineTable("))
}

/// The block's source as one string, with each line's start offset (for positions).
struct Text {
    src: String,
    starts: Vec<(usize, u32)>,
}

impl Text {
    fn new(code: &Code) -> Self {
        let mut src = String::new();
        let mut starts = Vec::new();
        for l in &code.lines {
            starts.push((src.len(), l.pos.line));
            src.push_str(&l.text);
            src.push('\n');
        }
        Text { src, starts }
    }

    fn pos(&self, offset: usize) -> Pos {
        let i = self
            .starts
            .partition_point(|(s, _)| *s <= offset)
            .saturating_sub(1);
        let (start, line) = self.starts.get(i).copied().unwrap_or((0, 1));
        let col = self.src.get(start..offset).map_or(0, |s| s.chars().count());
        Pos {
            line,
            col: col as u32 + 1,
        }
    }
}

/// The tables of a Convex schema block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let text = Text::new(code);
    let src = text.src.as_str();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(c) = src.get(from..).and_then(|s| TABLE.captures(s)) {
        let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
            break;
        };
        let open = from + all.end() - 1; // the `{` of the table's object
        let close = matching(src, open).unwrap_or(src.len());
        let pos = text.pos(from + name.start());
        let mut e = RawEntity::new(split_name(name.as_str()), Source::Convex, pos, section);
        e.aliases.push(name.as_str().to_string());
        let body = src.get(open + 1..close).unwrap_or("");
        for entry in entries(body, open + 1) {
            if let Some(f) = field(&entry, &text, cx) {
                e.fields.push(f);
            }
        }
        // Chained `.index("by_x", ["a", "b"])` calls up to the next table.
        let next = src
            .get(close..)
            .and_then(|s| TABLE.find(s))
            .map_or(src.len(), |m| close + m.start());
        for l in src.get(close..next).unwrap_or("").split_inclusive('\n') {
            let l = l.trim_start_matches([')', '}']);
            if let Some(ix) = INDEX.captures(l) {
                let fields: Vec<String> = decls::literals(ix.get(1).map_or("", |m| m.as_str()))
                    .into_iter()
                    .map(|v| crate::names::snake(&v.value))
                    .collect();
                if !fields.is_empty() {
                    e.indexes.push(RawIndex {
                        fields,
                        unique: false,
                    });
                }
            }
        }
        out.push(e);
        from = close.max(open + 1);
    }
    out
}

/// The offset of the bracket closing the one at `open`, skipping strings and comments.
fn matching(src: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for (i, c) in src.get(open..)?.char_indices() {
        let at = open + i;
        if comment {
            comment = c != '\n';
        } else if let Some(q) = quote {
            if c == q && prev != '\\' {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' | '`' => quote = Some(c),
                '/' if prev == '/' => comment = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(at);
                    }
                }
                _ => {}
            }
        }
        prev = c;
    }
    None
}

/// `key: expression` of an object body, with the key's offset and a trailing comment.
struct Entry {
    key: String,
    expr: String,
    offset: usize,
    comment: String,
}

/// Splits an object body at top-level commas; `// …` after an entry on its line is its comment.
fn entries(body: &str, base: usize) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut cur = String::new();
    let mut cur_start: Option<usize> = None;
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut chars = body.char_indices().peekable();
    // Whether the last finished entry ended on the line being read (for trailing comments).
    let mut last_on_line = false;
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            cur.push(c);
            if c == q && prev != '\\' {
                quote = None;
            }
            prev = c;
            continue;
        }
        if c == '/' && chars.peek().is_some_and(|(_, n)| *n == '/') {
            let end = body[i..].find('\n').map_or(body.len(), |e| i + e);
            let comment = body[i..end].trim_start_matches('/').trim().to_string();
            if cur.trim().is_empty() && last_on_line {
                if let Some(e) = out.last_mut() {
                    e.comment = comment;
                }
            } else if !cur.trim().is_empty() {
                push_comment(&mut cur, &comment);
            }
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '\n' => last_on_line = false,
            _ => {}
        }
        if c == ',' && depth == 0 {
            if let Some(e) = entry(&cur, cur_start.unwrap_or(0) + base) {
                out.push(e);
                last_on_line = true;
            }
            cur.clear();
            cur_start = None;
            prev = c;
            continue;
        }
        if cur_start.is_none() && !c.is_whitespace() {
            cur_start = Some(i);
        }
        cur.push(c);
        prev = c;
    }
    if let Some(e) = entry(&cur, cur_start.unwrap_or(0) + base) {
        out.push(e);
    }
    out
}

/// A comment inside a multi-line entry is kept apart from the expression (after a NUL).
fn push_comment(cur: &mut String, comment: &str) {
    cur.push('\u{0}');
    cur.push_str(comment);
    cur.push('\u{0}');
}

fn entry(text: &str, offset: usize) -> Option<Entry> {
    let mut expr = String::new();
    let mut comment = String::new();
    for (i, part) in text.split('\u{0}').enumerate() {
        if i % 2 == 0 {
            expr.push_str(part);
        } else if comment.is_empty() {
            comment = part.to_string();
        }
    }
    let (key, value) = expr.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(Entry {
        key: key.to_string(),
        expr: value.split_whitespace().collect::<Vec<_>>().join(" "),
        offset,
        comment,
    })
}

fn field(entry: &Entry, text: &Text, cx: &mut Ctx) -> Option<RawField> {
    let pos = text.pos(entry.offset);
    let mut f = RawField::new(pos);
    f.name = cx.field_ident(Some(&entry.key), "", &entry.key, pos);
    let name = f.name.clone().unwrap_or_default();
    decls::comment_into(&mut f, &entry.comment);
    let (spec, optional) = validator(&entry.expr, &name, &entry.comment)?;
    f.mods.required = Some(!optional);
    f.ty = match spec {
        Some(s) => TypeSrc::Spec(s),
        None => TypeSrc::Text(entry.expr.clone()),
    };
    decls::comment_enum(&mut f.ty, &entry.comment);
    Some(f)
}

/// A `v.…` validator → (type, optional). `None` type: not a validator Convex defines.
fn validator(expr: &str, name: &str, comment: &str) -> Option<(Option<TypeSpec>, bool)> {
    let e = expr.trim().trim_end_matches(',').trim();
    let Some(c) = CALL.captures(e) else {
        return Some((None, false));
    };
    let func = c.get(1)?.as_str();
    let arg = c.get(2).map_or("", |m| m.as_str()).trim();
    let of = |t: FieldType| {
        Some((
            Some(TypeSpec {
                ty: Some(t),
                ..TypeSpec::default()
            }),
            false,
        ))
    };
    match func {
        "optional" => {
            let (spec, _) = validator(arg, name, comment)?;
            Some((spec, true))
        }
        "string" => of(decls::refine_string(name)),
        "number" | "float64" => of(decls::number_type(name, comment)),
        "int64" | "bigint" => of(FieldType::Int),
        "boolean" => of(FieldType::Bool),
        "bytes" => of(FieldType::String),
        "object" | "record" | "any" => of(FieldType::Json),
        "id" => {
            let table = decls::literals(arg).into_iter().next()?.value;
            // System tables (`_storage`): a file id, not an entity.
            if table.starts_with('_') {
                return of(FieldType::String);
            }
            Some((
                Some(TypeSpec {
                    ref_target: Some(table),
                    ..TypeSpec::default()
                }),
                false,
            ))
        }
        "literal" | "union" => union(arg, name, comment),
        "array" => {
            let (inner, _) = validator(arg, name, comment)?;
            let mut spec = inner.unwrap_or_default();
            if matches!(spec.ty, Some(FieldType::Json)) {
                return Some((Some(spec), false));
            }
            if spec.ty.is_none() && spec.ref_target.is_none() {
                spec.ty = Some(FieldType::Json);
                return Some((Some(spec), false));
            }
            spec.list = true;
            Some((Some(spec), false))
        }
        _ => Some((None, false)),
    }
}

/// `v.union(v.literal("a"), v.literal("b"))` → enum; with `v.null()` it is optional.
fn union(arg: &str, name: &str, comment: &str) -> Option<(Option<TypeSpec>, bool)> {
    let nullable = arg.contains("v.null()");
    let members: Vec<&str> = super::decls::split_top(arg)
        .into_iter()
        .filter(|m| m.trim() != "v.null()" && !m.trim().is_empty())
        .collect();
    if members.iter().all(|m| {
        let m = m.trim();
        m.starts_with("v.literal(") || m.starts_with('"') || m.starts_with('\'')
    }) && !members.is_empty()
    {
        let values = decls::literals(&members.join(","));
        return Some((
            Some(TypeSpec {
                ty: Some(FieldType::Enum),
                enum_values: values,
                ..TypeSpec::default()
            }),
            nullable,
        ));
    }
    // `v.union(v.string(), v.null())`: the one non-null member.
    if members.len() == 1 {
        let (spec, _) = validator(members[0], name, comment)?;
        return Some((spec, nullable));
    }
    Some((
        Some(TypeSpec {
            ty: Some(FieldType::Json),
            ..TypeSpec::default()
        }),
        nullable,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(expr: &str, name: &str) -> (Option<FieldType>, bool, usize, Option<String>, bool) {
        let (spec, optional) = validator(expr, name, "").expect("validator");
        let s = spec.unwrap_or_default();
        (s.ty, s.list, s.enum_values.len(), s.ref_target, optional)
    }

    #[test]
    fn validators() {
        assert_eq!(ty("v.string()", "contact_email").0, Some(FieldType::Email));
        assert_eq!(
            ty("v.number()", "price_per_day").0,
            Some(FieldType::Decimal)
        );
        assert_eq!(ty("v.number()", "guest_count").0, Some(FieldType::Int));
        assert!(ty("v.optional(v.boolean())", "paid").4);
        assert_eq!(
            ty("v.id(\"venues\")", "venue_id").3.as_deref(),
            Some("venues")
        );
        assert_eq!(ty("v.id(\"_storage\")", "image").0, Some(FieldType::String));
        let u = ty(
            "v.union(v.literal(\"a\"), v.literal(\"b\"), v.null())",
            "kind",
        );
        assert_eq!((u.0, u.2, u.4), (Some(FieldType::Enum), 2, true));
        assert!(ty("v.array(v.string())", "tags").1);
        assert_eq!(
            ty("v.object({ a: v.string() })", "meta").0,
            Some(FieldType::Json)
        );
    }
}
