//! Enum types declared on their own in code blocks, apart from the entity that uses them:
//! Java `enum OrderStatus { PENDING_PAYMENT("待支付"), … }`, TypeScript
//! `type AccountStatus = 'ON' | 'OFF'` and `enum X { A = 'a' }`, SQL
//! `CREATE TYPE appointment_status AS ENUM ('pending', …)`. [`super::states`] gives their
//! values (and labels) to an entity's untyped status field of the same name.

use super::decls::split_top;
use crate::model::EnumValue;
use crate::prd::{Block, Document};
use regex::Regex;
use std::sync::LazyLock;

/// One declared enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: String,
    pub values: Vec<EnumValue>,
    pub line: u32,
}

fn re(s: &str) -> Regex {
    // The patterns are constants; a bad one is a bug caught by the tests.
    Regex::new(s).unwrap_or_else(|e| panic!("enum declaration regex {s}: {e}"))
}

/// `enum Name {` (Java, Kotlin `enum class`, TypeScript, C#).
static ENUM_OPEN: LazyLock<Regex> =
    LazyLock::new(|| re(r"\benum\s+(?:class\s+)?([A-Za-z_]\w*)\s*(?:[:(][^{]*)?\{(.*)$"));
/// `type Name = 'a' | 'b';`.
static TS_UNION: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"^\s*(?:export\s+)?type\s+([A-Za-z_]\w*)\s*=\s*((?:\s*\|?\s*['"][^'"]+['"])+)\s*;?\s*$"#)
});
/// `CREATE TYPE name AS ENUM ('a', 'b');`.
static SQL_ENUM: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?i)create\s+type\s+(?:\w+\.)?"?([A-Za-z_]\w*)"?\s+as\s+enum\s*\(([^)]*)\)"#)
});
/// An enum constant: `PENDING("待支付")`, `PENDING = 'pending'`, `PENDING`.
static CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"^([A-Za-z_]\w*)\s*(?:\(\s*["']([^"']*)["'][^)]*\)|=\s*["']([^"']*)["']|=\s*\d+)?$"#)
});
static QUOTED: LazyLock<Regex> = LazyLock::new(|| re(r#"['"]([^'"]+)['"]"#));

/// Every enum declared in the document's code blocks.
pub fn collect(doc: &Document) -> Vec<EnumDecl> {
    let mut out = Vec::new();
    for sec in doc.sections.iter().filter(|s| !s.struck) {
        for b in &sec.blocks {
            if let Block::Code(code) = b {
                let lines: Vec<(&str, u32)> = code
                    .lines
                    .iter()
                    .map(|l| (l.text.as_str(), l.pos.line))
                    .collect();
                scan(&lines, &mut out);
            }
        }
    }
    out
}

fn scan(lines: &[(&str, u32)], out: &mut Vec<EnumDecl>) {
    let mut i = 0;
    while i < lines.len() {
        let (t, line) = lines[i];
        if let Some(c) = TS_UNION.captures(t) {
            let values = quoted(c.get(2).map(|m| m.as_str()).unwrap_or(""));
            push(out, c.get(1).map(|m| m.as_str()), values, line);
        } else if let Some(c) = SQL_ENUM.captures(t) {
            let values = quoted(c.get(2).map(|m| m.as_str()).unwrap_or(""));
            push(out, c.get(1).map(|m| m.as_str()), values, line);
        } else if let Some(c) = ENUM_OPEN.captures(t) {
            // The body runs to the first `;` (Java, before members) or the closing brace.
            let mut body = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
            let mut j = i;
            while !body.contains(';') && !body.contains('}') && j + 1 < lines.len() {
                j += 1;
                body.push('\n');
                body.push_str(lines[j].0);
            }
            let end = body.find([';', '}']).unwrap_or(body.len());
            push(
                out,
                c.get(1).map(|m| m.as_str()),
                constants(&body[..end]),
                line,
            );
            i = j;
        }
        i += 1;
    }
}

fn push(out: &mut Vec<EnumDecl>, name: Option<&str>, values: Vec<EnumValue>, line: u32) {
    if let Some(name) = name {
        if values.len() >= 2 {
            out.push(EnumDecl {
                name: name.to_string(),
                values,
                line,
            });
        }
    }
}

fn quoted(s: &str) -> Vec<EnumValue> {
    QUOTED
        .captures_iter(s)
        .filter_map(|c| c.get(1))
        .map(|m| EnumValue {
            value: m.as_str().trim().to_string(),
            label: String::new(),
        })
        .collect()
}

/// `A("label"), B = 'b', C` (comments dropped).
fn constants(body: &str) -> Vec<EnumValue> {
    let mut out = Vec::new();
    let cleaned: String = body
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    for item in split_top(&cleaned) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let Some(c) = CONSTANT.captures(item) else {
            // A member or method: the constants are over.
            break;
        };
        let (Some(id), label, value) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        out.push(EnumValue {
            value: value.map(|v| v.as_str()).unwrap_or(id.as_str()).to_string(),
            label: label.map(|l| l.as_str().to_string()).unwrap_or_default(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls(src: &str) -> Vec<(String, Vec<String>)> {
        let lines: Vec<(&str, u32)> = src.lines().zip(1..).collect();
        let mut out = Vec::new();
        scan(&lines, &mut out);
        out.into_iter()
            .map(|d| {
                (
                    d.name,
                    d.values
                        .into_iter()
                        .map(|v| format!("{}:{}", v.value, v.label))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn forms() {
        assert_eq!(
            decls("public enum TicketStatus {\n    OPEN(\"待处理\"),\n    DONE(\"已完成\");\n    private final String d;\n}"),
            [("TicketStatus".to_string(), vec!["OPEN:待处理".to_string(), "DONE:已完成".to_string()])]
        );
        assert_eq!(
            decls("type Level = 'LOW' | 'HIGH';")[0].1,
            ["LOW:", "HIGH:"]
        );
        assert_eq!(
            decls("enum Color { Red = 'red', Blue = 'blue' }")[0].1,
            ["red:", "blue:"]
        );
        assert_eq!(
            decls("CREATE TYPE visit_state AS ENUM ('booked', 'seen');")[0].0,
            "visit_state"
        );
        assert!(decls("type Id = string;").is_empty());
    }
}
