//! Java and Kotlin classes in code blocks (JPA / MyBatis-Plus entities, Kotlin `data class`):
//! one entity per class, its fields from `private Long id;` / `val name: String?` lines, with
//! `@TableName("t_user")` / `@Table(name = "users")` as the table name and `@Id`,
//! `@Column(nullable = false, length = 50, unique = true)`, `@NotNull` as constraints.
//! Classes that are code rather than data (`…Service`, `…Controller`, `…Mapper`) are skipped.

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

static CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|protected|abstract|final|open|data|internal)\s+)*class\s+([A-Za-z_][A-Za-z0-9_]*)")
        .expect("regex")
});
static JAVA_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:@\w+(?:\([^)]*\))?\s+)*)((?:(?:private|protected|public|final|static|transient|volatile)\s+)*)([A-Za-z_][\w.]*(?:<[\w<>, ?.]*>)?(?:\[\])?)\s+([a-zA-Z_]\w*)\s*(?:=\s*[^;]*)?;\s*(?://\s*(.*))?$")
        .expect("regex")
});
static KOTLIN_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:@\w+(?:\([^)]*\))?\s+)*)(?:(?:private|protected|public|override|open|internal)\s+)*(?:val|var)\s+([a-zA-Z_]\w*)\s*:\s*([\w.]+(?:<[\w<>, ?.]*>)?)(\?)?\s*(?:=\s*[^,/]*)?,?\s*\)?\s*(?:\{\s*)?(?://\s*(.*))?$")
        .expect("regex")
});
static EXTENDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bextends\s+([A-Za-z_][A-Za-z0-9_]*)").expect("regex"));
static TABLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"@(?:TableName|Table|Entity)\s*\(\s*(?:name\s*=\s*|value\s*=\s*)?"([^"]+)""#)
        .expect("regex")
});
// Swagger / OpenAPI / Hibernate descriptions: `@ApiModelProperty("用户名")`,
// `@Schema(description = "用户名")`, `@ApiModel(value = "用户")`, `@Comment("用户名")`.
static DOC_ANNOTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"@(?:ApiModelProperty|ApiModel|Schema|Comment)\s*\((?:[^")]*?\b(?:value|description|title)\s*=\s*)?"([^"]*)""#)
        .expect("regex")
});
static LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"length\s*=\s*(\d+)").expect("regex"));
static JAVADOC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*/\*\*?\s*(.*?)\s*\*/\s*$").expect("regex"));

/// Class names that are code, not data.
pub const CODE_SUFFIXES: &[&str] = &[
    "Service",
    "Controller",
    "Repository",
    "Mapper",
    "Impl",
    "Config",
    "Configuration",
    "Application",
    "Util",
    "Utils",
    "Handler",
    "Test",
    "Exception",
    "Listener",
    "Factory",
    "Module",
    "Guard",
    "Resolver",
    "Provider",
    "Store",
];

/// True for ```java / ```kotlin blocks, or unlabeled ones holding a class with fields.
pub fn is_java(code: &Code) -> bool {
    matches!(
        code.lang.as_str(),
        "java" | "kotlin" | "kt" | "kts" | "scala"
    ) || (matches!(code.lang.as_str(), "" | "text" | "plaintext")
        && code.lines.iter().any(|l| CLASS.is_match(&l.text))
        && code
            .lines
            .iter()
            .any(|l| JAVA_FIELD.is_match(&l.text) || KOTLIN_FIELD.is_match(&l.text)))
}

/// Annotations and comments seen since the last field.
#[derive(Default)]
struct Pending {
    annotations: String,
    comment: String,
}

/// The data classes of a Java/Kotlin block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let mut out = Vec::new();
    let mut cur: Option<RawEntity> = None;
    // Brace depth of the class body; fields are read at exactly this depth.
    let mut body_depth = 0i32;
    let mut depth = 0i32;
    // Inside a Kotlin primary constructor `class X(` … `)`.
    let mut in_ctor = false;
    // The class body `{` has been seen (a Kotlin class may have none).
    let mut opened = false;
    let mut pending = Pending::default();
    // (index in `out` the class will get, the class it extends)
    let mut links: Vec<(usize, Vec<String>)> = Vec::new();
    for line in &code.lines {
        let t = line.text.trim();
        if let Some(c) = CLASS.captures(t) {
            if let Some(e) = cur.take() {
                out.push(e);
            }
            let name = c.get(1).map_or("", |m| m.as_str());
            pending.annotations.push(' ');
            pending.annotations.push_str(t);
            if !CODE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
                let pos = Pos {
                    line: line.pos.line,
                    col: line.text.find(name).unwrap_or(0) as u32 + 1,
                };
                let mut e = RawEntity::new(split_name(name), Source::Class, pos, section);
                if let Some(tn) = TABLE_NAME.captures(&pending.annotations) {
                    e.aliases
                        .push(tn.get(1).map_or("", |m| m.as_str()).to_string());
                }
                let doc = DOC_ANNOTATION
                    .captures(&pending.annotations)
                    .and_then(|c| c.get(1))
                    .map_or(pending.comment.as_str(), |m| m.as_str());
                if !doc.is_empty() && doc.chars().count() <= 20 {
                    e.label = doc.to_string();
                }
                if let Some(x) = EXTENDS.captures(t).and_then(|x| x.get(1)) {
                    links.push((out.len(), vec![x.as_str().to_string()]));
                }
                cur = Some(e);
            }
            pending = Pending::default();
            let after = &t[c.get(0).map_or(0, |m| m.end())..];
            in_ctor = after.trim_start().starts_with('(') && !after.contains(')');
            // `data class Tag(val name: String, val rank: Int)` on one line.
            if let (Some(e), Some(params)) = (cur.as_mut(), one_line_params(after)) {
                for p in params.split(',') {
                    let piece = Line {
                        text: p.to_string(),
                        raw: p.to_string(),
                        pos: line.pos,
                        struck: false,
                    };
                    if let Some(f) = field(&piece, &Pending::default(), cx) {
                        e.fields.push(f);
                    }
                }
            }
            body_depth = depth + 1;
            depth += braces(t);
            opened = depth >= body_depth;
            continue;
        }
        let Some(e) = cur.as_mut() else {
            depth += braces(t);
            continue;
        };
        if t.starts_with('@') && !t.contains(';') && !t.contains(" val ") && !t.contains(" var ") {
            pending.annotations.push(' ');
            pending.annotations.push_str(t);
            continue;
        }
        if let Some(c) = JAVADOC.captures(t) {
            pending.comment = c.get(1).map_or("", |m| m.as_str()).to_string();
            continue;
        }
        if t.starts_with("/*") || t.starts_with('*') || t.starts_with("//") {
            if let Some(c) = t.strip_prefix("//") {
                pending.comment = c.trim().to_string();
            } else {
                let c = t.trim_start_matches(['/', '*']).trim();
                if !c.is_empty() && !c.starts_with('@') {
                    pending.comment = c.to_string();
                }
            }
            continue;
        }
        let at_fields = in_ctor || (opened && depth == body_depth);
        if at_fields {
            if let Some(mut f) = field(line, &pending, cx) {
                key_alias(&mut f, e);
                e.fields.push(f);
            }
        }
        if in_ctor && t.contains(')') {
            in_ctor = false;
        }
        pending = Pending::default();
        depth += braces(t);
        opened |= depth >= body_depth;
        if opened && depth < body_depth {
            if let Some(e) = cur.take() {
                out.push(e);
            }
        }
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    decls::inherit(&mut out, &links);
    out
}

/// `@TableId private Long instructorId;` is the row id (the generator's `id`); other tables
/// name it `instructor_id` to refer to this entity, so `instructor` becomes an alias.
fn key_alias(f: &mut RawField, e: &mut RawEntity) {
    let Some(name) = f.name.clone() else { return };
    if !f.mods.primary_key || name == "id" {
        return;
    }
    if let Some(stem) = name.strip_suffix("_id").filter(|s| !s.is_empty()) {
        e.aliases.push(stem.to_string());
    }
    f.name = Some("id".to_string());
}

/// The parameter list of a one-line Kotlin primary constructor.
fn one_line_params(after: &str) -> Option<&str> {
    let rest = after.trim_start().strip_prefix('(')?;
    let end = rest.rfind(')')?;
    Some(&rest[..end])
}

fn braces(t: &str) -> i32 {
    let code = t.split("//").next().unwrap_or("");
    code.matches('{').count() as i32 - code.matches('}').count() as i32
}

fn field(line: &Line, pending: &Pending, cx: &mut Ctx) -> Option<RawField> {
    let t = line.text.trim();
    // Kotlin says nullability in the type (`String?`); Java leaves it to annotations.
    let (name, ty, nullable, annotations, comment) = if let Some(c) = KOTLIN_FIELD.captures(t) {
        (
            c.get(2)?.as_str(),
            c.get(3)?.as_str(),
            Some(c.get(4).is_some()),
            c.get(1).map_or("", |m| m.as_str()),
            c.get(5).map_or("", |m| m.as_str()),
        )
    } else {
        let c = JAVA_FIELD.captures(t)?;
        if c.get(2).is_some_and(|m| m.as_str().contains("static")) {
            return None;
        }
        (
            c.get(4)?.as_str(),
            c.get(3)?.as_str(),
            None,
            c.get(1).map_or("", |m| m.as_str()),
            c.get(5).map_or("", |m| m.as_str()),
        )
    };
    if matches!(ty, "return" | "package" | "import") {
        return None;
    }
    let ann = format!("{} {annotations}", pending.annotations);
    if ann.contains("@Transient") || ann.contains("exist = false") || ann.contains("exist=false") {
        return None;
    }
    let pos = Pos {
        line: line.pos.line,
        col: line.text.find(name).unwrap_or(0) as u32 + 1,
    };
    let mut f = RawField::new(pos);
    f.name = cx.field_ident(Some(name), "", name, pos);
    let snake = f.name.clone().unwrap_or_default();
    let documented = DOC_ANNOTATION.captures(&ann).and_then(|c| c.get(1));
    let comment = match (comment.is_empty(), documented) {
        (false, _) => comment,
        (true, Some(d)) => d.as_str(),
        (true, None) => pending.comment.as_str(),
    };
    decls::comment_into(&mut f, comment);
    f.type_pos = Pos {
        line: line.pos.line,
        col: line.text.find(ty).unwrap_or(0) as u32 + 1,
    };
    f.mods.primary_key = ann.contains("@Id") || ann.contains("@TableId");
    let required = ann.contains("@NotNull")
        || ann.contains("required = true")
        || ann.contains("REQUIRED")
        || ann.contains("@NotBlank")
        || ann.contains("@NotEmpty")
        || ann.contains("nullable = false")
        || ann.contains("nullable=false");
    f.mods.required = match nullable {
        Some(n) => Some(!n),
        None => required.then_some(true),
    };
    f.mods.unique = ann.contains("unique = true") || ann.contains("unique=true");
    f.mods.max_length = LENGTH
        .captures(&ann)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok());
    f.ty = java_type(ty, &snake, comment, &cx.enums);
    decls::comment_enum(&mut f.ty, comment);
    Some(f)
}

/// A Java/Kotlin type → a field type; enums declared in the document and entity names are
/// resolved later from the text.
fn java_type(ty: &str, name: &str, comment: &str, enums: &Enums) -> TypeSrc {
    let (inner, list) = match ty.split_once('<') {
        Some(("List" | "Set" | "Collection" | "ArrayList" | "MutableList", rest)) => {
            (rest.trim_end_matches('>').trim(), true)
        }
        _ => match ty.strip_suffix("[]") {
            Some(i) => (i, true),
            None => (ty, false),
        },
    };
    if let Some(mut spec) = decls::enum_type(enums, inner) {
        spec.list = list;
        return TypeSrc::Spec(spec);
    }
    let base = match inner {
        "String" | "char" | "Character" | "Char" => decls::refine_string(name),
        "Long" | "long" | "Integer" | "int" | "Int" | "Short" | "short" | "Byte" | "byte"
        | "BigInteger" => FieldType::Int,
        "BigDecimal" => FieldType::Decimal,
        "Double" | "double" | "Float" | "float" => {
            if decls::number_type(name, comment) == FieldType::Decimal {
                FieldType::Decimal
            } else {
                FieldType::Float
            }
        }
        "Boolean" | "boolean" => FieldType::Bool,
        "LocalDateTime" | "Date" | "Instant" | "Timestamp" | "ZonedDateTime" | "OffsetDateTime" => {
            FieldType::Datetime
        }
        "LocalDate" => FieldType::Date,
        "UUID" => FieldType::Uuid,
        "JSONObject" | "JsonNode" | "Map" => FieldType::Json,
        _ if inner.starts_with("Map<") => FieldType::Json,
        _ => {
            return TypeSrc::Text(if list {
                format!("{inner}[]")
            } else {
                inner.to_string()
            })
        }
    };
    TypeSrc::Spec(TypeSpec {
        ty: Some(base),
        list,
        ..TypeSpec::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kotlin_field_lines() {
        assert!(KOTLIN_FIELD.is_match("val id: Long,"));
        assert!(KOTLIN_FIELD.is_match("val note: String? = null, // 备注"));
        assert!(CLASS.is_match("data class Loan("));
    }

    #[test]
    fn kotlin_constructor() {
        let doc = crate::prd::parse("# X\n\n```kotlin\ndata class Loan(\n    val id: Long,\n    val bookTitle: String,\n)\n```\n");
        let g = crate::analyze::Glossary::default();
        let mut cx = Ctx::new(&g);
        let Some(crate::prd::Block::Code(code)) = doc.sections[1].blocks.first() else {
            panic!("code block");
        };
        let got = parse(code, 1, &mut cx);
        assert_eq!(got.len(), 1);
        let names: Vec<_> = got[0]
            .fields
            .iter()
            .filter_map(|f| f.name.clone())
            .collect();
        assert_eq!(names, ["id", "book_title"]);
    }
}
