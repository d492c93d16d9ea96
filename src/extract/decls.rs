//! Enum declarations in code blocks — TypeScript `enum X {…}` and `type X = 'a' | 'b'`,
//! Prisma `enum X { A B }`, Java `enum X { A, B; }` and Kotlin `enum class X { A, B }` —
//! collected over the whole document before entities are read, so that a field typed `X`
//! anywhere (another code block, a field table) reads as an enum with those values.
//! Also the small type helpers shared by the code-block parsers (Prisma, Convex, Java).

use crate::extract::types::TypeSpec;
use crate::model::{EnumValue, FieldType};
use crate::prd::{Block, Code, Document};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Enum name as written → its values.
pub type Enums = HashMap<String, Vec<EnumValue>>;

static ENUM_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+)?(?:(?:public|private|protected|static)\s+)*(?:const\s+)?enum\s+(?:class\s+)?([A-Za-z_][A-Za-z0-9_]*)")
        .expect("regex")
});
static ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+)?type\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$").expect("regex")
});
static LITERAL_UNION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\|?\s*(?:'[^']*'|"[^"]*")(?:\s*\|\s*(?:'[^']*'|"[^"]*"))*\s*;?$"#)
        .expect("regex")
});
static CONST_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+)?const\s+([A-Z][A-Za-z0-9_]*)\s*=\s*\{").expect("regex")
});
static CONST_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?:'([^']*)'|"([^"]*)")\s*,?\s*(?://\s*(.*))?$"#,
    )
    .expect("regex")
});
static LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"'([^']*)'|"([^"]*)""#).expect("regex"));
static CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*['"]?([^'",]*)['"]?|\((.*)\))?"#)
        .expect("regex")
});

/// Every enum declared in the document's code blocks (SQL and mermaid blocks have none).
pub fn collect(doc: &Document) -> Enums {
    let mut out = Enums::new();
    for s in doc.sections.iter().filter(|s| !s.struck) {
        for b in &s.blocks {
            if let Block::Code(code) = b {
                if crate::extract::gostruct::is_go(code) {
                    crate::extract::gostruct::enums(code, &mut out);
                } else if crate::extract::python::is_python(code) {
                    crate::extract::python::enums(code, &mut out);
                } else if !matches!(code.lang.as_str(), "sql" | "mermaid" | "json") {
                    from_code(code, &mut out);
                }
            }
        }
    }
    out
}

fn from_code(code: &Code, out: &mut Enums) {
    let lines: Vec<&str> = code.lines.iter().map(|l| l.text.as_str()).collect();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if let Some(c) = ENUM_START.captures(t) {
            let name = c.get(1).map(|m| m.as_str()).unwrap_or("").to_string();
            let (values, next) = enum_body(&lines, i);
            if !values.is_empty() {
                out.entry(name).or_insert(values);
            }
            i = next.max(i + 1);
            continue;
        }
        if let Some(c) = CONST_OBJECT.captures(t) {
            // `export const Status = { A: 'a', B: 'b' } as const;` (with its `type Status`).
            let name = c.get(1).map(|m| m.as_str()).unwrap_or("").to_string();
            let (values, next) = const_object(&lines, i);
            if !values.is_empty() {
                out.entry(name).or_insert(values);
            }
            i = next.max(i + 1);
            continue;
        }
        if let Some(c) = ALIAS.captures(t) {
            let name = c.get(1).map(|m| m.as_str()).unwrap_or("").to_string();
            // The union may continue on the next lines (`| 'b'`).
            let mut rhs = c
                .get(2)
                .map(|m| m.as_str())
                .unwrap_or("")
                .trim()
                .to_string();
            let mut j = i + 1;
            while j < lines.len() && lines[j].trim_start().starts_with('|') {
                rhs.push(' ');
                rhs.push_str(lines[j].trim());
                j += 1;
            }
            let rhs = rhs.split("//").next().unwrap_or("").trim();
            if !rhs.is_empty() && LITERAL_UNION.is_match(rhs) {
                let values = literals(rhs);
                if !values.is_empty() {
                    out.entry(name).or_insert(values);
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
}

/// Members of a `const X = { … } as const` object, if every one is a string (else none).
fn const_object(lines: &[&str], start: usize) -> (Vec<EnumValue>, usize) {
    let mut values = Vec::new();
    let mut i = start + 1;
    while i < lines.len() {
        let t = lines[i].trim();
        i += 1;
        if t.starts_with('}') {
            // Only `as const` objects are enums; a plain object is configuration.
            let is_const = t.contains("as const");
            return (if is_const { values } else { vec![] }, i);
        }
        match CONST_MEMBER.captures(t) {
            Some(c) => {
                let v = c.get(2).or_else(|| c.get(3)).map_or("", |m| m.as_str());
                values.push(EnumValue {
                    value: v.to_string(),
                    label: c.get(4).map_or("", |m| m.as_str()).trim().to_string(),
                });
            }
            None if t.is_empty() => {}
            None => return (vec![], i),
        }
    }
    (vec![], i)
}

/// String literals of a union (`'a' | "b"`), in order, without duplicates.
pub fn literals(text: &str) -> Vec<EnumValue> {
    let mut out: Vec<EnumValue> = Vec::new();
    for c in LITERAL.captures_iter(text) {
        let v = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str())
            .unwrap_or("");
        if !v.is_empty() && !out.iter().any(|x| x.value == v) {
            out.push(EnumValue {
                value: v.to_string(),
                label: String::new(),
            });
        }
    }
    out
}

/// Constants of the enum starting on line `start`, and the index of the line after it.
/// Java stops at the first `;` (fields and methods follow it).
fn enum_body(lines: &[&str], start: usize) -> (Vec<EnumValue>, usize) {
    let mut values: Vec<EnumValue> = Vec::new();
    let first = lines[start];
    let Some(open) = first.find('{') else {
        // `enum X` with the brace on the next line.
        if lines
            .get(start + 1)
            .is_some_and(|l| l.trim_start().starts_with('{'))
        {
            let mut rest: Vec<&str> = vec![""];
            rest.extend_from_slice(&lines[start + 1..]);
            let (v, n) = enum_body_from(&rest, 0, 0);
            return (v, start + n);
        }
        return (values, start + 1);
    };
    let (v, n) = enum_body_from(lines, start, open + 1);
    values.extend(v);
    (values, n)
}

fn enum_body_from(lines: &[&str], start: usize, from: usize) -> (Vec<EnumValue>, usize) {
    let mut values: Vec<EnumValue> = Vec::new();
    let mut constants_done = false;
    let mut i = start;
    let mut offset = from;
    while i < lines.len() {
        let line = lines[i].get(offset..).unwrap_or("");
        offset = 0;
        let (code, comment) = match line.split_once("//") {
            Some((c, m)) => (c, m.trim()),
            None => (line, ""),
        };
        let code = code.trim_start().trim_start_matches('{');
        let (code, closed) = match code.find('}') {
            Some(p) => (&code[..p], true),
            None => (code, false),
        };
        if !constants_done {
            let (code, ends) = match top_level_semicolon(code) {
                Some(p) => (&code[..p], true),
                None => (code, false),
            };
            for piece in split_top(code) {
                if let Some(v) = constant(piece.trim(), comment) {
                    if !values.iter().any(|x| x.value == v.value) {
                        values.push(v);
                    }
                }
            }
            constants_done = ends;
        }
        i += 1;
        // A Java enum's method bodies come after its constants, so the first `}` is enough.
        if closed {
            break;
        }
    }
    (values, i)
}

fn top_level_semicolon(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits on commas outside parentheses (`PAID(1, "已支付"), CANCELLED(2, "已取消")`).
/// Splits at the commas outside any brackets: `A("a, b"), B` → `A("a, b")`, ` B`.
pub(crate) fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// One enum constant: `PENDING`, `Low = 'low'`, `PAID(1, "已支付")`, `ADMIN @map("admin")`.
fn constant(piece: &str, comment: &str) -> Option<EnumValue> {
    if piece.is_empty() || piece.starts_with('@') || piece.starts_with("/*") {
        return None;
    }
    let c = CONSTANT.captures(piece)?;
    let key = c.get(1)?.as_str();
    // Lines of a Java enum body after the constants look like declarations, not constants.
    if matches!(
        key,
        "private" | "public" | "protected" | "final" | "static" | "val" | "var" | "fun"
    ) {
        return None;
    }
    let rest = piece[c.get(0)?.end()..].trim();
    if !rest.is_empty() && !rest.starts_with('@') && !rest.starts_with("/*") {
        return None;
    }
    let value = c
        .get(2)
        .map(|m| m.as_str().trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(key);
    // `PAID(1, "已支付")`: the string argument is the label.
    let arg_label = c
        .get(3)
        .and_then(|a| literals(a.as_str()).into_iter().next())
        .map(|v| v.value)
        .unwrap_or_default();
    let label = if arg_label.is_empty() {
        comment.trim_start_matches(['*', '/', ' ']).to_string()
    } else {
        arg_label
    };
    Some(EnumValue {
        value: value.to_string(),
        label,
    })
}

/// A field's code comment: a short Chinese one is its label (`// 备注`), an English one its
/// description (`// in cents`); both are scanned for enum values.
pub fn comment_into(f: &mut crate::extract::fields::RawField, comment: &str) {
    let c = comment.trim();
    if c.is_empty() {
        return;
    }
    f.hints = c.to_string();
    if !c.is_ascii() && c.chars().count() <= 12 {
        f.label = c.to_string();
    } else {
        f.description = c.to_string();
    }
}

/// Interface / class inheritance inside one code block: each child gets the fields of the
/// parents it `extends` (those it does not declare itself), and the parents, being base types
/// (`BaseEntity`, `Timestamped`), are not entities of their own.
pub fn inherit(out: &mut Vec<crate::extract::entities::RawEntity>, links: &[(usize, Vec<String>)]) {
    let find = |out: &[crate::extract::entities::RawEntity], n: &str| {
        out.iter().position(|e| e.ident.as_deref() == Some(n))
    };
    let mut bases: Vec<usize> = Vec::new();
    for (child, parents) in links {
        for p in parents {
            let Some(pi) = find(out, p) else { continue };
            if pi == *child {
                continue;
            }
            let inherited: Vec<_> = out[pi].fields.clone();
            if let Some(c) = out.get_mut(*child) {
                for f in inherited {
                    if !c.fields.iter().any(|x| x.name == f.name) {
                        c.fields.push(f);
                    }
                }
            }
            bases.push(pi);
        }
    }
    let mut i = 0;
    out.retain(|_| {
        i += 1;
        !bases.contains(&(i - 1))
    });
}

/// The text of a comment-only line (`// 用户名`, `/// 用户名`, `/** 用户名 */`, ` * 用户名`);
/// empty for `/**` and `*/`; `None` for code.
pub fn doc_comment(t: &str) -> Option<String> {
    let t = t.trim();
    if !(t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')) {
        return None;
    }
    let text = t
        .trim_start_matches(['/', '*'])
        .trim_end_matches(['/', '*'])
        .trim();
    Some(text.to_string())
}

/// The enum a code type names (`Role`, `Role[]`, `List<Role>`), as a type spec.
pub fn enum_type(enums: &Enums, ty: &str) -> Option<TypeSpec> {
    let t = ty.trim().trim_end_matches('?');
    let (inner, list) = if let Some(i) = t.strip_suffix("[]") {
        (i, true)
    } else if let Some(i) = ["Array<", "List<", "Set<"]
        .iter()
        .find_map(|p| t.strip_prefix(p).and_then(|x| x.strip_suffix('>')))
    {
        (i, true)
    } else {
        (t, false)
    };
    let inner = inner.trim();
    // `appointment_status` in a table names the `AppointmentStatus` declared in code.
    let values = enums.get(inner).or_else(|| {
        let key = crate::names::snake(inner);
        enums
            .iter()
            .find(|(k, _)| crate::names::snake(k) == key)
            .map(|(_, v)| v)
    })?;
    Some(TypeSpec {
        ty: Some(FieldType::Enum),
        list,
        enum_values: values.clone(),
        ..TypeSpec::default()
    })
}

/// A schema's plain string refined by the field's name: `email` → email, `phone` → phone
/// (still strings, only more specific).
pub fn refine_string(name: &str) -> FieldType {
    match crate::extract::types::infer(name, "") {
        t @ (FieldType::Email | FieldType::Phone) => t,
        _ => FieldType::String,
    }
}

static VALUE_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z][A-Za-z0-9_-]*(?:\s*[/|,]\s*[A-Za-z][A-Za-z0-9_-]*)+$").expect("regex")
});

/// A string field whose comment is nothing but a value list (`// active/inactive`,
/// `// draft | sent`) is an enum of those values.
pub fn comment_enum(ty: &mut crate::extract::fields::TypeSrc, comment: &str) {
    use crate::extract::fields::TypeSrc;
    let c = comment.trim().trim_end_matches(['.', '。']);
    let TypeSrc::Spec(spec) = ty else { return };
    if spec.ty != Some(FieldType::String) || spec.list || !VALUE_COMMENT.is_match(c) {
        return;
    }
    spec.ty = Some(FieldType::Enum);
    spec.enum_values = crate::extract::types::enum_values(c);
}

/// A schema's bare `number` (TypeScript, Convex): money when the name or the comment says
/// so (`price_per_day`, "in cents"), a float for rates, else an integer.
pub fn number_type(name: &str, comment: &str) -> FieldType {
    let words: Vec<&str> = name.split('_').collect();
    let c = comment.to_lowercase();
    let money = [
        "price", "amount", "total", "fee", "cost", "balance", "salary", "deposit", "fine",
    ];
    if words.iter().any(|w| money.contains(w))
        || ["cent", "currency", "money", "金额", "元", "分"]
            .iter()
            .any(|w| c.contains(w))
    {
        return FieldType::Decimal;
    }
    if words.iter().any(|w| {
        matches!(
            *w,
            "rate" | "ratio" | "lat" | "lng" | "latitude" | "longitude"
        )
    }) {
        return FieldType::Float;
    }
    FieldType::Int
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enums_of(src: &str) -> Enums {
        collect(&crate::prd::parse(src))
    }

    fn values(e: &Enums, name: &str) -> Vec<String> {
        e.get(name)
            .map(|v| v.iter().map(|x| x.value.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn prisma_ts_java_kotlin_enums() {
        let e = enums_of(
            "```\nenum Tier {\n  GOLD\n  SILVER @map(\"silver\")\n}\n\
             type Mood = 'calm' | 'busy';\n\
             export type Size =\n  | \"s\"\n  | \"m\";\n\
             public enum Phase {\n  OPEN(1, \"开放\"),\n  SHUT(2, \"关闭\");\n  private final int code;\n}\n\
             enum class Kind { A, B }\n\
             enum Dir { Up = 'up', Down = 'down' }\n\
             export const Shade = {\n  DARK: 'dark',\n  PALE: 'pale',\n} as const;\n```\n",
        );
        assert_eq!(values(&e, "Tier"), ["GOLD", "SILVER"]);
        assert_eq!(values(&e, "Mood"), ["calm", "busy"]);
        assert_eq!(values(&e, "Size"), ["s", "m"]);
        assert_eq!(values(&e, "Phase"), ["OPEN", "SHUT"]);
        assert_eq!(e["Phase"][0].label, "开放");
        assert_eq!(values(&e, "Kind"), ["A", "B"]);
        assert_eq!(values(&e, "Dir"), ["up", "down"]);
        assert_eq!(values(&e, "Shade"), ["dark", "pale"]);
    }

    #[test]
    fn object_aliases_are_not_enums() {
        let e = enums_of("```ts\ntype Payload = Form;\ntype Point = { x: number };\n```\n");
        assert!(e.is_empty());
    }
}
