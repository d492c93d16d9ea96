//! TypeScript `interface` / `type X = { … }` / `enum` declarations in code blocks (Kiro
//! `design.md`, spec-kit `data-model.md`): one entity per interface.

use crate::extract::decls::{self, Enums};
use crate::extract::entities::{RawEntity, Source};
use crate::extract::fields::{RawField, TypeSrc};
use crate::extract::headings::split_name;
use crate::extract::types::TypeSpec;
use crate::extract::{java, Ctx};
use crate::model::FieldType;
use crate::prd::{Code, Pos};
use regex::Regex;
use std::sync::LazyLock;

static START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:export\s+)?(?:default\s+)?(?:interface\s+([A-Za-z_][A-Za-z0-9_]*)|type\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*\{|(?:const\s+)?enum\s+([A-Za-z_][A-Za-z0-9_]*)|(?:abstract\s+)?class\s+([A-Za-z_][A-Za-z0-9_]*))")
        .expect("regex")
});
static EXTENDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bextends\s+([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)")
        .expect("regex")
});
// Decorators and modifiers before a class member (`@Column({ unique: true }) private name`).
static DECORATORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:@[A-Za-z_]\w*(?:\([^()]*(?:\([^()]*\)[^()]*)*\))?\s*)+").expect("regex")
});
static MODIFIERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:public|private|protected|readonly|declare|override|static)\s+)+")
        .expect("regex")
});
static ORM_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"@Entity\(\s*(?:\{\s*name\s*:\s*)?['"]([A-Za-z_][A-Za-z0-9_]*)['"]"#)
        .expect("regex")
});
static ORM_LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\blength\s*:\s*(\d+)").expect("regex"));
static MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:readonly\s+)?([A-Za-z_$][A-Za-z0-9_$]*)\s*(\?)?\s*:\s*([^;/]+?)\s*[;,]?\s*(?://\s*(.*))?$",
    )
    .expect("regex")
});
// One literal (`role: 'admin'`) or a union of them.
static LITERALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(?:'[^']*'|"[^"]*")(?:\s*\|\s*(?:'[^']*'|"[^"]*"))*$"#).expect("regex")
});

/// Parses interfaces and enums of a TypeScript code block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let mut out: Vec<RawEntity> = Vec::new();
    let mut cur: Option<RawEntity> = None;
    // (index in `out` the entity will get, the interfaces it extends)
    let mut links: Vec<(usize, Vec<String>)> = Vec::new();
    let mut depth = 0i32;
    let mut prev_comment = String::new();
    // Decorators read since the last member (TypeORM / MikroORM entity classes).
    let mut decorators = String::new();
    // A comment line above a member.
    let mut member_doc = String::new();
    for line in &code.lines {
        let t = line.text.trim();
        if cur.is_none() {
            if let Some(c) = t.strip_prefix("//") {
                prev_comment = c.trim().to_string();
                continue;
            }
            if t.starts_with('@') {
                decorators.push_str(t);
                continue;
            }
            if let Some(c) = START.captures(t) {
                // Classes that are code (`UserService`, `AppModule`) declare no data.
                let code_class = c
                    .get(4)
                    .is_some_and(|n| java::CODE_SUFFIXES.iter().any(|s| n.as_str().ends_with(s)));
                let name = c
                    .get(1)
                    .or_else(|| c.get(2))
                    .or_else(|| c.get(4))
                    .filter(|_| !code_class);
                if let Some(n) = name {
                    let col = line.text.find(n.as_str()).unwrap_or(0) as u32 + 1;
                    let pos = Pos {
                        line: line.pos.line,
                        col,
                    };
                    let mut e =
                        RawEntity::new(split_name(n.as_str()), Source::Interface, pos, section);
                    if let Some(comment) = t.split_once("//").map(|(_, c)| c.trim()) {
                        e.label = comment.to_string();
                    } else if !prev_comment.is_empty() && prev_comment.chars().count() <= 20 {
                        e.label = prev_comment.clone();
                    }
                    if let Some(x) = EXTENDS.captures(t).and_then(|x| x.get(1)) {
                        let parents = x.as_str().split(',').map(|p| p.trim().to_string());
                        links.push((out.len(), parents.collect()));
                    }
                    if let Some(tn) = ORM_TABLE.captures(&decorators).and_then(|x| x.get(1)) {
                        e.aliases.push(tn.as_str().to_string());
                    }
                    cur = Some(e);
                    prev_comment.clear();
                    depth = 1;
                    if t.ends_with('}') {
                        depth = 0;
                    }
                }
            }
            if !t.is_empty() {
                prev_comment.clear();
                decorators.clear();
            }
            continue;
        }
        if t.ends_with('{') {
            depth += 1;
            continue;
        }
        if t.starts_with('}') {
            depth -= 1;
            if depth <= 0 {
                if let Some(e) = cur.take() {
                    out.push(e);
                }
            }
            continue;
        }
        if depth != 1 {
            continue;
        }
        let Some(e) = cur.as_mut() else { continue };
        // `/** 用户名 */` or `// 用户名` above a member documents it.
        if let Some(doc) = decls::doc_comment(t) {
            if !doc.is_empty() {
                member_doc = doc;
            }
            continue;
        }
        // `@Column({ unique: true }) private email: string;`: decorators, then modifiers.
        let deco_end = DECORATORS.find(t).map_or(0, |m| m.end());
        decorators.push_str(&t[..deco_end]);
        let rest = &t[deco_end..];
        let mods_end = MODIFIERS.find(rest).map_or(0, |m| m.end());
        if rest[..mods_end].contains("static") {
            decorators.clear();
            continue;
        }
        let Some(c) = MEMBER.captures(&rest[mods_end..]) else {
            if !rest.is_empty() {
                decorators.clear();
            }
            continue;
        };
        let name = c.get(1).map(|m| m.as_str()).unwrap_or("");
        let optional = c.get(2).is_some();
        let ty = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let trailing = c.get(4).map(|m| m.as_str().trim()).unwrap_or("");
        let doc = std::mem::take(&mut member_doc);
        let comment = if trailing.is_empty() {
            doc.as_str()
        } else {
            trailing
        };
        let col = line.text.find(name).unwrap_or(0) as u32 + 1;
        let pos = Pos {
            line: line.pos.line,
            col,
        };
        let mut f = RawField::new(pos);
        f.name = cx.field_ident(Some(name), "", name, pos);
        decls::comment_into(&mut f, comment);
        let nullable = ty
            .split('|')
            .any(|p| matches!(p.trim(), "null" | "undefined"));
        let ty_clean: String = ty
            .split('|')
            .map(str::trim)
            .filter(|p| !matches!(*p, "null" | "undefined"))
            .collect::<Vec<_>>()
            .join(" | ");
        f.mods.required = Some(!(optional || nullable || decorators.contains("nullable: true")));
        orm_mods(&mut f, &decorators);
        decorators.clear();
        f.ty = ts_type(
            &ty_clean,
            f.name.as_deref().unwrap_or(name),
            comment,
            &cx.enums,
        );
        decls::comment_enum(&mut f.ty, comment);
        f.type_pos = pos;
        e.fields.push(f);
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    decls::inherit(&mut out, &links);
    out
}

/// What ORM decorators say about a column (`@PrimaryGeneratedColumn()`, `unique: true`,
/// `length: 100`).
fn orm_mods(f: &mut RawField, decorators: &str) {
    if decorators.is_empty() {
        return;
    }
    f.mods.primary_key |= decorators.contains("@Primary");
    f.mods.unique |= decorators.contains("unique: true");
    f.mods.max_length = ORM_LENGTH
        .captures(decorators)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok());
}

fn ts_type(ty: &str, name: &str, comment: &str, enums: &Enums) -> TypeSrc {
    let t = ty.trim();
    if LITERALS.is_match(t) {
        return TypeSrc::Spec(TypeSpec {
            ty: Some(FieldType::Enum),
            enum_values: decls::literals(t),
            ..TypeSpec::default()
        });
    }
    let (inner, list) = if let Some(i) = t.strip_suffix("[]") {
        (i.trim(), true)
    } else if let Some(i) = t.strip_prefix("Array<").and_then(|x| x.strip_suffix('>')) {
        (i.trim(), true)
    } else {
        (t, false)
    };
    if let Some(spec) = decls::enum_type(enums, t) {
        return TypeSrc::Spec(spec);
    }
    let base = match inner {
        "string" if !list => Some(decls::refine_string(name)),
        "string" => Some(FieldType::String),
        // `number` says nothing about integer vs fraction: the name and comment decide.
        "number" if !list => Some(decls::number_type(name, comment)),
        "number" | "bigint" => Some(FieldType::Int),
        "boolean" => Some(FieldType::Bool),
        "Date" => Some(FieldType::Datetime),
        "object" | "any" | "unknown" => Some(FieldType::Json),
        _ if inner.starts_with("Record<") || inner.starts_with('{') => Some(FieldType::Json),
        _ => None,
    };
    match base {
        Some(ty) => TypeSrc::Spec(TypeSpec {
            ty: Some(ty),
            list,
            ..TypeSpec::default()
        }),
        // Another interface (a reference) or a type word such as `UUID`.
        None => TypeSrc::Text(if list {
            format!("{inner}[]")
        } else {
            inner.to_string()
        }),
    }
}
