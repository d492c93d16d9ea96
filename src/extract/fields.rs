//! Fields as written: rows of a field table and items of a field bullet list, before their
//! types are resolved against the declared entities.

use crate::diag::{Diagnostic, Text};
use crate::extract::headings::split_name;
use crate::extract::types::{self, Mods, TypeSpec};
use crate::extract::Ctx;
use crate::model::{EnumValue, Field, FieldType};
use crate::prd::{fold, plain_inline, Item, Pos, Table};
use regex::Regex;
use std::sync::LazyLock;

/// Where a field's type comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeSrc {
    /// Text to read with [`types::parse_type`] once entities are declared.
    Text(String),
    /// Already structured (DDL, TypeScript).
    Spec(TypeSpec),
    /// No type written: inferred from the name and label (with a warning).
    Missing,
}

/// One field of one source, before resolution.
#[derive(Debug, Clone)]
pub struct RawField {
    /// snake_case identifier; `None` when the PRD gives no ASCII name (E102 already reported).
    pub name: Option<String>,
    pub label: String,
    pub ty: TypeSrc,
    /// Extra length/precision (`长度` column): `50`, `10,2`.
    pub length: Option<String>,
    pub mods: Mods,
    /// More text to scan for enum values (description, type remainder).
    pub hints: String,
    pub description: String,
    pub example: String,
    pub pos: Pos,
    pub type_pos: Pos,
}

impl RawField {
    pub fn new(pos: Pos) -> Self {
        RawField {
            name: None,
            label: String::new(),
            ty: TypeSrc::Missing,
            length: None,
            mods: Mods::default(),
            hints: String::new(),
            description: String::new(),
            example: String::new(),
            pos,
            type_pos: pos,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Ident,
    Ambiguous,
    Label,
    Type,
    Length,
    Required,
    Nullable,
    Constraints,
    Default,
    Unique,
    Pk,
    Fk,
    Description,
    Example,
    Key,
    Other,
}

const HEADERS: &[(Col, &[&str])] = &[
    (
        Col::Ident,
        &[
            "field",
            "fieldname",
            "column",
            "columnname",
            "attribute",
            "attributename",
            "property",
            "propertyname",
            "code",
            "identifier",
            "字段",
            "字段名",
            "列名",
            "列",
            "属性",
            "属性名",
            "英文名",
            "英文名称",
            "字段英文名",
            "英文字段名",
            "英文字段",
            "标识",
            "english",
            "englishname",
            "字段代码",
            "字段标识",
        ],
    ),
    (
        Col::Ambiguous,
        &["name", "名称", "字段名称", "属性名称", "fieldlabel"],
    ),
    (
        Col::Label,
        &[
            "label",
            "displayname",
            "中文名",
            "中文名称",
            "含义",
            "显示名",
            "显示名称",
            "中文",
            "字段中文名",
            "字段含义",
            "中文字段名",
            "chinesename",
        ],
    ),
    (
        Col::Type,
        &[
            "type",
            "datatype",
            "类型",
            "数据类型",
            "字段类型",
            "typescript",
            "sqltype",
            "gotype",
        ],
    ),
    (
        Col::Length,
        &[
            "length",
            "len",
            "size",
            "maxlength",
            "长度",
            "最大长度",
            "字段长度",
        ],
    ),
    (
        Col::Required,
        &[
            "required",
            "mandatory",
            "必填",
            "是否必填",
            "必需",
            "必须",
            "是否必须",
            "notnull",
            "非空",
            "是否非空",
            "必选",
            "是否必需",
        ],
    ),
    (
        Col::Nullable,
        &[
            "nullable",
            "null",
            "可空",
            "允许空值",
            "允许为空",
            "是否为空",
            "是否可空",
            "可为空",
            "允许空",
            "isnull",
            "为空",
            "是否允许为空",
            "是否可为空",
            "可否为空",
            "能否为空",
            "是否允许空",
            "允许null",
            "是否null",
            "isnullable",
            "allownull",
            "allownulls",
            "optional",
        ],
    ),
    (
        Col::Constraints,
        &[
            "constraints",
            "constraint",
            "validation",
            "validations",
            "rules",
            "rule",
            "约束",
            "校验",
            "校验规则",
            "规则",
            "约束条件",
            "索引",
            "index",
            "键",
            "extra",
            "modifiers",
        ],
    ),
    (
        Col::Default,
        &["default", "defaultvalue", "默认值", "缺省值", "默认"],
    ),
    (Col::Unique, &["unique", "唯一", "是否唯一", "唯一性"]),
    (Col::Pk, &["pk", "主键", "是否主键", "primarykey"]),
    (
        Col::Fk,
        &[
            "fk",
            "外键",
            "foreignkey",
            "references",
            "reference",
            "关联",
            "关联表",
            "关联实体",
            "关系",
            "relation",
        ],
    ),
    (
        Col::Description,
        &[
            "description",
            "desc",
            "notes",
            "note",
            "comment",
            "comments",
            "remark",
            "remarks",
            "说明",
            "描述",
            "备注",
            "注释",
            "字段说明",
            "字段描述",
            "details",
            "业务说明",
            "描述说明",
            "备注说明",
            "meaning",
        ],
    ),
    (
        Col::Example,
        &[
            "example",
            "examples",
            "sample",
            "示例",
            "样例",
            "举例",
            "示例值",
            "例子",
            "示例数据",
            "样例数据",
        ],
    ),
    (Col::Key, &["key"]),
];

static HEADER_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^)]*\)|\[[^\]]*\]").expect("regex"));

fn classify(header: &str) -> Col {
    let h = fold(header).to_lowercase();
    let h = HEADER_PAREN.replace_all(&h, "");
    let key: String = h
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*' | '`' | ':' | '?'))
        .collect();
    // `描述/说明`, `约束/校验`
    let first = key.split('/').next().unwrap_or("");
    for (col, words) in HEADERS {
        if words.contains(&key.as_str()) || words.contains(&first) {
            return *col;
        }
    }
    Col::Other
}

/// True when a table's header names a field table (an identifier column and a type,
/// required, nullable, default, constraints or length column).
pub fn is_field_table(t: &Table, in_entities: bool) -> bool {
    let cols: Vec<Col> = t.header.iter().map(|c| classify(&c.text)).collect();
    let has_name = cols
        .iter()
        .any(|c| matches!(c, Col::Ident | Col::Ambiguous | Col::Label));
    let has_spec = cols.iter().any(|c| {
        matches!(
            c,
            Col::Type
                | Col::Required
                | Col::Nullable
                | Col::Default
                | Col::Constraints
                | Col::Length
        )
    });
    // `| Field | Description |` in a data-model section: a field table without types.
    let strict_name = cols.contains(&Col::Ident);
    let has_desc = cols.contains(&Col::Description) || cols.contains(&Col::Label);
    (has_name && has_spec) || (in_entities && strict_name && has_desc)
}

fn is_blank(s: &str) -> bool {
    matches!(
        fold(s).trim(),
        "" | "-" | "—" | "--" | "/" | "无" | "n/a" | "N/A" | "none" | "None" | "空"
    )
}

/// Rows of a field table → fields.
pub fn from_table(t: &Table, cx: &mut Ctx) -> Vec<RawField> {
    let mut cols: Vec<Col> = t.header.iter().map(|c| classify(&c.text)).collect();
    let has_ident = cols.contains(&Col::Ident);
    // `name` / `名称`: identifier when its cells are ASCII, label otherwise.
    for (i, c) in cols.iter_mut().enumerate() {
        match c {
            Col::Ambiguous => {
                if has_ident {
                    *c = Col::Label;
                } else {
                    let (ascii, total) = t
                        .rows
                        .iter()
                        .filter_map(|r| r.cells.get(i))
                        .filter(|x| !x.text.is_empty())
                        .fold((0, 0), |(a, n), x| {
                            let ok = split_name(&x.text).ident.is_some();
                            (a + usize::from(ok), n + 1)
                        });
                    *c = if ascii * 2 >= total && total > 0 {
                        Col::Ident
                    } else {
                        Col::Label
                    };
                }
            }
            Col::Key => {
                *c = if has_ident {
                    Col::Constraints
                } else {
                    Col::Ident
                }
            }
            _ => {}
        }
    }
    // Two identifier columns (`字段名` in Chinese and `英文名`): the ASCII one wins.
    let idents: Vec<usize> = (0..cols.len()).filter(|&i| cols[i] == Col::Ident).collect();
    if idents.len() > 1 {
        let ascii_share = |i: usize| {
            t.rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .filter(|x| crate::names::is_ascii_ident(&x.text))
                .count()
        };
        let best = idents
            .iter()
            .copied()
            .max_by_key(|&i| (ascii_share(i), std::cmp::Reverse(i)))
            .unwrap_or(idents[0]);
        for &i in &idents {
            if i != best {
                cols[i] = Col::Label;
            }
        }
    }
    let mut out = Vec::new();
    for row in &t.rows {
        if row.struck {
            continue;
        }
        let mut f = RawField::new(row.pos);
        let mut ident_cell: Option<(&str, Pos)> = None;
        let mut label_cell = String::new();
        let mut unread: Vec<String> = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let text = cell.text.trim();
            let Some(col) = cols.get(i) else { continue };
            if text.is_empty() {
                continue;
            }
            match col {
                Col::Ident => ident_cell = Some((text, cell.pos)),
                Col::Label => label_cell = text.to_string(),
                Col::Type => {
                    if types::is_tbd(text) {
                        cx.tbd(cell.pos, text);
                    } else {
                        f.ty = TypeSrc::Text(text.to_string());
                        f.type_pos = cell.pos;
                    }
                }
                Col::Length => {
                    if !is_blank(text) {
                        f.length = Some(text.to_string())
                    }
                }
                Col::Required | Col::Nullable => {
                    let inverted = *col == Col::Nullable;
                    let lower = text.to_lowercase();
                    let explicit = if lower.contains("not null") || text.contains("非空") {
                        Some(true)
                    } else if lower == "null" {
                        Some(false)
                    } else {
                        None
                    };
                    if explicit.is_some() {
                        f.mods.required = explicit;
                        continue;
                    }
                    match types::yes_no(text) {
                        Some(b) => f.mods.required = Some(b != inverted),
                        None if types::is_tbd(text) => cx.tbd(cell.pos, text),
                        None => {
                            // `NOT NULL` in a nullable column, `optional` in a required one.
                            let m = types::parse_mods(text);
                            if m.required.is_some() {
                                f.mods.required = m.required;
                            } else {
                                cx.diags.push(
                                    Diagnostic::warning(
                                        "W202",
                                        cell.pos.line,
                                        cell.pos.col,
                                        Text::new(
                                            format!("cannot read \"{text}\" as yes or no; the field is treated as optional"),
                                            format!("无法把“{text}”识别为是/否，按非必填处理"),
                                        ),
                                    )
                                    .with_help(Text::new(
                                        "write 是/否, Y/N, yes/no, ✓ or leave the cell empty",
                                        "请填写 是/否、Y/N、yes/no、✓ 或留空",
                                    )),
                                );
                            }
                        }
                    }
                }
                Col::Constraints => {
                    f.mods.merge(types::parse_mods(text));
                    f.hints.push_str(text);
                    f.hints.push(' ');
                    // `1~100`, `> 0`: no model field holds them; keep them in the description.
                    unread.extend(
                        split_top(&fold(text).replace(';', ","))
                            .into_iter()
                            .filter(|p| !types::is_constraint_word(p)),
                    );
                }
                Col::Default => {
                    if !is_blank(text) && !types::is_tbd(text) {
                        f.mods.default = Some(text.to_string());
                    }
                }
                Col::Unique => f.mods.unique |= types::yes_no(text).unwrap_or(false),
                Col::Pk => f.mods.primary_key |= types::yes_no(text).unwrap_or(false),
                Col::Fk => {
                    if types::yes_no(text) != Some(false) && !is_blank(text) {
                        let m = types::parse_mods(&format!("fk {text}"));
                        if m.ref_target.is_some() {
                            f.mods.ref_target = m.ref_target;
                        }
                    }
                }
                Col::Description => {
                    f.mods.merge(types::parse_notes(text));
                    f.description = text.to_string();
                    f.hints.push_str(text);
                    f.hints.push(' ');
                }
                Col::Example => f.example = text.to_string(),
                Col::Ambiguous | Col::Key | Col::Other => {}
            }
        }
        if !unread.is_empty() {
            let extra = unread.join(", ");
            f.description = if f.description.is_empty() {
                extra
            } else {
                format!("{}; {extra}", f.description)
            };
        }
        let (ident_text, ident_pos) = match ident_cell {
            Some(x) => x,
            None if !label_cell.is_empty() => {
                let pos = row
                    .cells
                    .iter()
                    .zip(&cols)
                    .find(|(_, c)| **c == Col::Label)
                    .map(|(c, _)| c.pos)
                    .unwrap_or(row.pos);
                (label_cell.as_str(), pos)
            }
            None => continue,
        };
        // `created_at / updated_at`: one row, several fields of the same type.
        if let Some(names) = several_names(ident_text) {
            for n in names {
                let mut g = f.clone();
                g.pos = ident_pos;
                g.label = label_cell.clone();
                g.name = cx.field_ident(Some(&n), &g.label, &n, ident_pos);
                out.push(g);
            }
            continue;
        }
        let parts = split_name(ident_text);
        f.label = if label_cell.is_empty() {
            parts.label.clone()
        } else {
            label_cell.clone()
        };
        f.pos = ident_pos;
        f.name = cx.field_ident(parts.ident.as_deref(), &f.label, ident_text, ident_pos);
        if f.name.is_none() && parts.ident.is_none() && f.label.is_empty() {
            f.label = ident_text.to_string();
        }
        out.push(f);
    }
    out
}

/// `created_at / updated_at`, `a、b`: two or more identifiers in one name cell.
fn several_names(cell: &str) -> Option<Vec<String>> {
    let t = fold(&plain_inline(cell));
    if !t.contains(['/', ',']) {
        return None;
    }
    let names: Vec<String> = t
        .split(['/', ','])
        .map(|p| p.trim().trim_matches('`').to_string())
        .collect();
    (names.len() >= 2
        && names
            .iter()
            .all(|n| crate::names::is_ascii_ident(n) && !n.contains(' ')))
    .then_some(names)
}

static BULLET_SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    // name, then `:` or ` - ` / ` – ` / ` — `, then the spec.
    Regex::new(r"^(.+?)\s*(?::|\s[-–—]\s)\s*(.*)$").expect("regex")
});
static BULLET_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^()\s]+)\s*\(([^()]*)\)\s*(?::\s*(.*))?$").expect("regex"));
static CJK_PAREN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\p{Han}[\p{Han}A-Za-z0-9_]*\s*\(\s*[A-Za-z][A-Za-z0-9_]*\s*\)|[A-Za-z][A-Za-z0-9_]*\s*\(\s*\p{Han}+\s*\))",
    )
    .expect("regex")
});

/// A field bullet, with whether its type looked like a type (to tell field lists from prose).
#[derive(Debug, Clone)]
pub struct BulletField {
    pub field: RawField,
    pub typed: bool,
    /// `name: word` with one unknown word: a field with a misspelt type, in a field list.
    pub single_word: bool,
}

fn looks_like_name(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 40 {
        return false;
    }
    if crate::names::is_ascii_ident(s) {
        return !s.contains(' ') || s.split(' ').count() <= 3;
    }
    let n = split_name(s);
    n.ident.is_some()
        || (!n.label.is_empty()
            && n.label.chars().count() <= 12
            && !s.contains(['.', '。', ',', ';']))
}

/// True when the text starts with something that reads as a type (a type word, an enum, a
/// list, a reference or a PascalCase entity name).
pub fn looks_typed(spec: &str) -> bool {
    let t = fold(spec);
    let first = t
        .split([',', ';', '，'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if first.is_empty() {
        return false;
    }
    match types::parse_type(&first, &types::NoEntities) {
        types::Parsed::Type(_, rest) => {
            // `string, required` or `VARCHAR(50) NOT NULL`: the rest is short modifiers.
            rest.chars().count() <= 60
        }
        types::Parsed::Unknown(w) => {
            // `Reader` (an entity) or `Reader (required)`.
            let only = first.split_whitespace().count() == 1
                || first.contains('(')
                || first.trim_end().ends_with(')');
            w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && only
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        types::Parsed::Empty => false,
    }
}

/// One list item as a field: `email: string, required, unique`, `` `name`: Type (constraints) ``,
/// `name (string, required)`, `用户名（username）：字符串，必填`.
pub fn from_item(item: &Item, cx: &mut Ctx) -> Option<BulletField> {
    let text = fold(&plain_inline(&item.raw));
    let text = text.trim();
    let (name_part, spec) = if let Some(c) = CJK_PAREN_NAME.find(text) {
        let rest = text[c.end()..].trim_start();
        let rest = rest
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix('-'))
            .unwrap_or(rest);
        (c.as_str().to_string(), rest.trim().to_string())
    } else if let Some(c) = BULLET_PAREN.captures(text) {
        let name = c.get(1)?.as_str().to_string();
        let inner = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let after = c.get(3).map(|m| m.as_str()).unwrap_or("");
        if looks_typed(inner) {
            if after.trim().is_empty() {
                (name, inner.to_string())
            } else {
                (name, format!("{inner} — {after}"))
            }
        } else if let Some(c2) = BULLET_SPLIT.captures(text) {
            (
                c2.get(1)?.as_str().to_string(),
                c2.get(2)?.as_str().to_string(),
            )
        } else {
            return None;
        }
    } else {
        let c = BULLET_SPLIT.captures(text)?;
        (
            c.get(1)?.as_str().to_string(),
            c.get(2)?.as_str().to_string(),
        )
    };
    let mut name_part = name_part.trim().to_string();
    let mut optional_mark = false;
    if let Some(n) = name_part.strip_suffix('?') {
        name_part = n.to_string();
        optional_mark = true;
    }
    if !looks_like_name(&name_part) {
        return None;
    }
    // `Type (constraints) — description`: split off a trailing description after a dash
    // (a plain ` - ` only when what precedes it reads as a type: `string - the login`).
    let (spec_main, desc) = match spec.split_once(" — ").or_else(|| spec.split_once(" – ")) {
        Some((a, b)) => (a.to_string(), b.trim().to_string()),
        None => match spec.split_once(" - ") {
            Some((a, b)) if looks_typed(a) => (a.to_string(), b.trim().to_string()),
            _ => (spec.clone(), String::new()),
        },
    };
    let typed = looks_typed(&spec_main);
    let single_word = !typed
        && crate::names::is_ascii_ident(&name_part)
        && !name_part.contains(' ')
        && !spec.trim().is_empty()
        && spec.split_whitespace().count() == 1;
    let typed_or_word = typed || single_word;
    let mut f = RawField::new(item.pos);
    let (ty_text, rest) = split_type(&spec_main);
    if typed_or_word {
        f.ty = TypeSrc::Text(ty_text);
        f.mods = types::parse_mods(&rest);
        f.mods.merge(types::parse_notes(&desc));
        f.hints = format!("{rest} {desc}");
        f.description = if desc.is_empty() {
            trailing_description(&rest)
        } else {
            desc
        };
    } else {
        f.description = spec.trim().to_string();
    }
    if optional_mark {
        f.mods.required = Some(false);
    }
    let parts = split_name(&name_part);
    f.label = parts.label.clone();
    if parts.ident.is_none() && parts.label.is_empty() {
        return None;
    }
    if typed_or_word {
        f.name = cx.field_ident(parts.ident.as_deref(), &f.label, &name_part, item.pos);
    } else {
        f.name = parts.ident.as_deref().map(crate::names::snake);
    }
    Some(BulletField {
        field: f,
        typed,
        single_word,
    })
}

/// `string, required, unique` → (`string`, `required, unique`); `Type (constraints)` →
/// (`Type`, `constraints`); `VARCHAR(50) NOT NULL` → (`VARCHAR(50)`, `NOT NULL`).
fn split_type(spec: &str) -> (String, String) {
    let s = spec.trim();
    let mut depth = 0i32;
    let mut cut: Option<usize> = None;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '（' | '<' | '[' => depth += 1,
            ')' | '）' | '>' | ']' => depth -= 1,
            ',' | ';' | '，' | '；' if depth <= 0 => {
                cut = Some(i);
                break;
            }
            _ => {}
        }
    }
    let (first, rest) = match cut {
        Some(i) => (&s[..i], s[i..].trim_start_matches([',', ';', '，', '；'])),
        None => (s, ""),
    };
    let first = first.trim();
    // `Type (constraints)` where the parenthesis is not type arguments.
    if let Some(open) = first.find(" (").or_else(|| first.find(" （")) {
        let head = &first[..open];
        let (inner, after) = paren_group(first[open..].trim());
        let numeric = inner
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == ' ');
        let lower = head.to_lowercase();
        let rest = [after, rest]
            .iter()
            .map(|p| p.trim().trim_start_matches(['-', '–', '—']).trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        // `Enum (A, B) - default: A`: the parenthesis is the values.
        if lower == "enum" || lower == "枚举" {
            return (format!("{head}({inner})"), rest);
        }
        if !numeric && types::code_list(inner).is_none() {
            return (head.to_string(), format!("{inner}, {rest}"));
        }
    }
    (first.to_string(), rest.to_string())
}

/// `(a, b) rest` → (`a, b`, `rest`), up to the matching parenthesis.
fn paren_group(t: &str) -> (&str, &str) {
    let mut depth = 0i32;
    for (i, c) in t.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => {
                depth -= 1;
                if depth == 0 {
                    let open = t.chars().next().map_or(0, char::len_utf8);
                    return (&t[open..i], &t[i + c.len_utf8()..]);
                }
            }
            _ => {}
        }
    }
    let open = t.chars().next().map_or(0, char::len_utf8);
    (t.get(open..).unwrap_or(""), "")
}

static SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Han}{4,}|[A-Za-z0-9_]+\s+[A-Za-z0-9_]+\s+[A-Za-z0-9_]+\s+[A-Za-z0-9_]+")
        .expect("regex")
});

/// A value range (`0-2`, `1~100`): the model has no min/max, so it stays in the description.
static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^-?\d+(?:\.\d+)?\s*(?:-|~|～|至|到|\.\.)\s*-?\d+(?:\.\d+)?\s*\S{0,6}$")
        .expect("regex")
});

/// A trailing free-text part of a bullet's modifiers, used as the description.
fn trailing_description(rest: &str) -> String {
    rest.split([',', ';', '，', '；'])
        .map(str::trim)
        .filter(|p| {
            (SENTENCE.is_match(p) || RANGE.is_match(p)) && types::parse_mods(p) == Mods::default()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a type word says beyond the type: `主键` / `自增主键` mark the primary key (so a
/// surrogate key is dropped like `id`), `number` / `数值` take integer or fraction from the
/// name, `BLOB` / `BYTEA` become text with a warning (the model has no bytes type).
pub fn type_word_effects(
    spec: &mut TypeSpec,
    mods: &mut Mods,
    name: &str,
    raw: &RawField,
    cx: &mut Ctx,
) {
    if spec.primary_key {
        mods.primary_key = true;
    }
    if spec.numeric_by_name {
        let guess = types::infer(name, &raw.label);
        if matches!(guess, FieldType::Decimal | FieldType::Float) {
            spec.ty = Some(guess);
        }
    }
    if spec.binary {
        let pos = raw.type_pos;
        cx.diags.push(
            Diagnostic::warning(
                "W240",
                pos.line,
                pos.col,
                Text::new(
                    format!("field `{name}` is binary data; the model has no bytes type, so it is stored as text (base64)"),
                    format!("字段 `{name}` 是二进制数据；模型没有字节类型，按文本（base64）存储"),
                ),
            )
            .with_help(Text::new(
                "store files in object storage and keep their URL (`url`), or accept base64 text",
                "建议把文件存入对象存储并保存其 URL（`url` 类型），或接受 base64 文本",
            )),
        );
    }
}

/// Enum values written as a plain list in the description (`male、female`, `入库/出库`).
/// Chinese values are read only for a declared enum or a status-like field; an ASCII list
/// turns any untyped or string field into an enum, with a warning (W244) when the field is
/// not status-like, since that is a guess.
pub fn described_values(
    spec: &mut TypeSpec,
    name: &str,
    raw: &RawField,
    status_like: bool,
    cx: &mut Ctx,
) {
    // `Enum: 'a' or 'b'`, `枚举：a/b`: the description says it is an enum.
    let said = {
        let d = raw.description.trim_start().to_lowercase();
        ["enum", "枚举", "one of", "取值", "可选值"]
            .iter()
            .any(|w| d.starts_with(w))
    };
    let declared = spec.ty == Some(FieldType::Enum) || said;
    let stringish = matches!(
        spec.ty,
        None | Some(FieldType::String) | Some(FieldType::Text)
    );
    if !declared && !stringish {
        return;
    }
    let allow_han = declared || status_like;
    let guess = !declared && !status_like;
    // A sized `varchar(200)` was meant as free text.
    if guess && spec.max_length.is_some() {
        return;
    }
    let Some(values) = types::value_list(&raw.description, allow_han) else {
        return;
    };
    // A guess needs code-like values in one case: `small, medium`, `DRAFT, LIVE`, never
    // `Apartment, floor` (prose).
    let lower = values
        .iter()
        .all(|v| !v.value.bytes().any(|b| b.is_ascii_uppercase()));
    let upper = values
        .iter()
        .all(|v| !v.value.bytes().any(|b| b.is_ascii_lowercase()));
    if guess && !(lower || upper) {
        return;
    }
    // `required, unique` is a list of constraints, not of values.
    if values
        .iter()
        .any(|v| types::parse_mods(&v.value) != Mods::default())
    {
        return;
    }
    if guess {
        let list: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        cx.diags.push(
            Diagnostic::warning(
                "W244",
                raw.pos.line,
                raw.pos.col,
                Text::new(
                    format!(
                        "the description of `{name}` lists values ({}); the field is taken as an enum of them",
                        list.join(", ")
                    ),
                    format!(
                        "字段 `{name}` 的说明列出了取值（{}），按枚举处理",
                        list.join(", ")
                    ),
                ),
            )
            .with_help(Text::new(
                format!("write the type as `enum({})` to confirm, or describe the field in words if the list is only examples", list.join(", ")),
                format!("如确为枚举，请把类型写成 `enum({})`；如只是示例，请用文字描述", list.join(", ")),
            )),
        );
    }
    spec.enum_values = values;
    spec.ty = Some(FieldType::Enum);
}

/// Chinese-only enum values (`入库/出库`) get ASCII identifiers, the Chinese kept as labels,
/// with a warning naming the pairs chosen (W241).
pub fn name_chinese_values(values: &mut [EnumValue], name: &str, pos: Pos, cx: &mut Ctx) {
    let pairs = types::name_values(values);
    if pairs.is_empty() {
        return;
    }
    let first = pairs.first().cloned().unwrap_or_default();
    cx.diags.push(
        Diagnostic::warning(
            "W241",
            pos.line,
            pos.col,
            Text::new(
                format!(
                    "enum values of `{name}` are written only in Chinese; identifiers chosen: {}",
                    pairs.join(", ")
                ),
                format!(
                    "字段 `{name}` 的枚举值只有中文，已选用标识符：{}",
                    pairs.join("，")
                ),
            ),
        )
        .with_help(Text::new(
            format!(
                "write each value with its label, e.g. `{}`, or map the words in a glossary file",
                paren_pair(&first)
            ),
            format!(
                "请写成“值(标签)”形式，如 `{}`，或在术语表中映射",
                paren_pair(&first)
            ),
        )),
    );
}

/// `stock_in=入库` → `stock_in(入库)`; a position code `1=赠送` → `1-赠送`.
fn paren_pair(pair: &str) -> String {
    match pair.split_once('=') {
        Some((v, l)) if v.bytes().all(|b| b.is_ascii_digit()) => format!("{v}-{l}"),
        Some((v, l)) => format!("{v}({l})"),
        None => pair.to_string(),
    }
}

/// Last word on a merged field: an enum with no values anywhere becomes a string (W242),
/// and a default that is not a value of the field's type is dropped (W243). Neither
/// should stop generation.
pub fn settle(f: &mut Field, owner: &str, pos: Pos, cx: &mut Ctx) {
    if f.ty == FieldType::Enum && f.enum_values.is_empty() {
        f.ty = FieldType::String;
        cx.diags.push(
            Diagnostic::warning(
                "W242",
                pos.line,
                pos.col,
                Text::new(
                    format!(
                        "enum field `{}` of `{owner}` lists no values; it is generated as a string",
                        f.name
                    ),
                    format!(
                        "实体 `{owner}` 的枚举字段 `{}` 没有列出取值，按字符串生成",
                        f.name
                    ),
                ),
            )
            .with_help(Text::new(
                "list the values: `enum(pending, paid)`, `pending|paid`, `（1-男/2-女）`",
                "请列出取值：`enum(pending, paid)`、`pending|paid`、`（1-男/2-女）`",
            )),
        );
    }
    let Some(d) = f.default.clone() else { return };
    if f.default_fits() {
        return;
    }
    f.default = None;
    let expected = if f.ty == FieldType::Enum {
        let values: Vec<&str> = f.enum_values.iter().map(|v| v.value.as_str()).collect();
        format!("one of: {}", values.join(", "))
    } else {
        format!("a literal {}", f.ty.as_str())
    };
    cx.diags.push(
        Diagnostic::warning(
            "W243",
            pos.line,
            pos.col,
            Text::new(
                format!("default `{d}` of `{owner}.{}` is not a valid {} value; no default is generated", f.name, f.ty.as_str()),
                format!("`{owner}.{}` 的默认值 `{d}` 不是合法的 {} 值，不生成默认值", f.name, f.ty.as_str()),
            ),
        )
        .with_help(Text::new(
            format!("the default must be {expected}"),
            format!("默认值应为：{expected}"),
        )),
    );
}

static INLINE_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^`?([A-Za-z_][A-Za-z0-9_]*)`?(\?)?\s*(?:\(([^()]*)\))?$").expect("regex")
});

/// Names whose parenthesized list is their parts (`address(country/city)`), not values.
const COMPOSITE: &[&str] = &[
    "address", "addr", "location", "position", "info", "detail", "details", "profile", "settings",
    "config", "meta", "metadata", "stats", "snapshot", "range", "period",
];

/// An inline field list: `id、name?、type(B2B/B2C)、status、createdAt`, optionally after a
/// short label (`基本字段：`). Names are written as identifiers (camelCase becomes
/// snake_case), `name?` is optional, `x(a|b)` / `x(a/b)` an enum, `x(true/false)` a bool,
/// `x(中文)` a label. No types are written: they are guessed from the names later (W201).
/// `None` unless at least two items, three quarters of them, are lower-case identifiers.
pub fn inline_list(text: &str, pos: Pos, cx: &mut Ctx) -> Option<Vec<RawField>> {
    let plain = fold(&plain_inline(text));
    let t = plain.trim().trim_end_matches(['.', ';']).trim();
    let body = match top_level_colon(t) {
        Some(i) if list_label(&t[..i]) => &t[i + 1..],
        Some(_) => return None,
        None => t,
    };
    let items = split_top(body);
    let parsed: Vec<Option<regex::Captures>> = items
        .iter()
        .map(|it| INLINE_ITEM.captures(it.trim()))
        .collect();
    let good = parsed
        .iter()
        .flatten()
        .filter(|c| {
            c.get(1).is_some_and(|m| {
                m.as_str()
                    .starts_with(|ch: char| ch.is_ascii_lowercase() || ch == '_')
            })
        })
        .count();
    if items.len() < 2 || good < 2 || good * 4 < items.len() * 3 {
        return None;
    }
    let mut out = Vec::new();
    for c in parsed.iter().flatten() {
        let Some(ident) = c.get(1).map(|m| m.as_str()) else {
            continue;
        };
        let col = text
            .find(ident)
            .map(|b| text[..b].chars().count() as u32)
            .unwrap_or(0);
        let at = Pos {
            line: pos.line,
            col: pos.col + col,
        };
        let mut f = RawField::new(at);
        f.name = cx.field_ident(Some(ident), "", ident, at);
        if c.get(2).is_some() {
            f.mods.required = Some(false);
        }
        if let Some(inner) = c.get(3).map(|m| m.as_str().trim()) {
            inline_paren(&mut f, ident, inner);
        }
        out.push(f);
    }
    Some(out)
}

/// A label that may introduce an inline field list: short, and either Chinese (`基本字段`,
/// `联系方式`) or saying fields (`Fields`, `Attributes`). `title: string, required` is a
/// field bullet, not a list of fields `string` and `required`.
fn list_label(head: &str) -> bool {
    let h = head.trim().to_lowercase();
    if h.chars().count() > 12 {
        return false;
    }
    !h.is_ascii()
        || ["field", "attribute", "column", "propert"]
            .iter()
            .any(|w| h.contains(w))
}

/// `字段：…`, `Fields: …`: a line whose label says it lists fields.
pub fn says_fields(raw: &str) -> bool {
    let t = fold(&plain_inline(raw));
    let Some(i) = top_level_colon(&t) else {
        return false;
    };
    let head = t[..i].to_lowercase();
    head.chars().count() <= 12
        && ["字段", "属性", "field", "attribute", "column", "列"]
            .iter()
            .any(|w| head.contains(w))
}

/// The parenthesis after an inline item: values, parts, or a label / note.
fn inline_paren(f: &mut RawField, ident: &str, inner: &str) {
    let parts: Vec<&str> = inner
        .split(['/', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // Chinese values only for a status-like name: `workingCalendar（节假日/工作日）` describes.
    let han_ok = crate::extract::is_status_like(&crate::names::snake(ident), "");
    let value = |p: &&str| {
        let ascii = p.chars().count() <= 32
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        let han = han_ok && p.chars().count() <= 8 && p.chars().all(char::is_alphanumeric);
        ascii || han
    };
    let listy = parts.len() >= 2 && parts.iter().all(value);
    if !listy {
        if !inner.is_ascii() && inner.chars().count() <= 12 && !inner.contains([',', '.']) {
            f.label = inner.to_string();
        } else {
            f.description = inner.to_string();
        }
        return;
    }
    let lower: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
    let yes_no = lower.len() == 2
        && lower.iter().all(|p| {
            matches!(
                p.as_str(),
                "true" | "false" | "yes" | "no" | "是" | "否" | "y" | "n"
            )
        });
    let snake = crate::names::snake(ident);
    let composite = COMPOSITE
        .iter()
        .any(|w| snake == *w || snake.ends_with(&format!("_{w}")));
    f.description = inner.to_string();
    if yes_no {
        f.ty = TypeSrc::Text("bool".into());
    } else if composite {
        f.ty = TypeSrc::Text("json".into());
    } else {
        f.ty = TypeSrc::Spec(TypeSpec {
            ty: Some(FieldType::Enum),
            enum_values: types::enum_values(&parts.join("/")),
            ..TypeSpec::default()
        });
        f.description.clear();
    }
}

/// Byte index of the first `:` outside parentheses.
fn top_level_colon(t: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in t.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ':' if depth <= 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Splits at commas (folded `、`, `，`) outside parentheses.
fn split_top(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in t.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth <= 0 => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// `**2. 分类表 categories**：id、name、parent_id` → (`**2. 分类表 categories**`, the list):
/// a bold name, a colon, and the rest of the line.
pub fn split_bold_list(raw: &str) -> Option<(&str, &str)> {
    let t = raw.trim();
    let after = t.strip_prefix("**")?;
    let end = after.find("**")? + 4;
    let rest = t[end..].trim_start();
    let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
    Some((&t[..end], rest.trim()))
}

/// W245: `session_id` read as a reference to the only entity whose name ends in `Session`.
pub fn suffix_reference(name: &str, target: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W245",
        pos.line,
        pos.col,
        Text::new(
            format!("field `{name}` is taken as a reference to `{target}`, the only entity whose name ends like it"),
            format!("字段 `{name}` 按引用 `{target}` 处理（唯一名称结尾与之相符的实体）"),
        ),
    )
    .with_help(Text::new(
        format!("name the field `{}_id`, or write its type as `ref {target}`", crate::names::snake(target)),
        format!("请把字段命名为 `{}_id`，或把类型写成 `ref {target}`", crate::names::snake(target)),
    ))
}

/// The description of a reference to a table the PRD does not define, naming that table.
pub fn with_external_target(description: &str, target: &str) -> String {
    let note = format!("→ {target}");
    if description.contains(target) {
        description.to_string()
    } else if description.is_empty() {
        note
    } else {
        format!("{description} ({note})")
    }
}

/// The entity a heading that lists its attributes names: `User Attributes`, `Order fields`,
/// `Table Columns`, `读者属性`, `图书字段` — the bullets under it are that entity's fields.
pub fn attributes_heading(title: &str) -> Option<crate::extract::headings::NameParts> {
    let t = title.trim();
    let lower = t.to_lowercase();
    let head = ["attributes", "fields", "properties", "columns"]
        .iter()
        .find_map(|w| {
            lower
                .strip_suffix(w)
                .filter(|h| h.ends_with(' '))
                .map(|h| &t[..h.len()])
        })
        .or_else(|| {
            ["属性", "字段"]
                .iter()
                .find_map(|w| t.strip_suffix(w).filter(|h| h.chars().count() >= 1))
        })?
        .trim();
    if head.is_empty() || head.split_whitespace().count() > 4 {
        return None;
    }
    let parts = split_name(head);
    (parts.ident.is_some() || !parts.label.is_empty()).then_some(parts)
}

static DESCRIBED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\*\*([^*]{1,60})\*\*\s*(?:[-–—:：]\s*)?(.*)$").expect("regex"));

static FK_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)foreign key\b.*?\bto (?:a |an |the |each |one )?([A-Za-z][A-Za-z_]*)")
        .expect("regex")
});

/// `**Table Number** - Unique identifier for the table`, `**Name, Email and Phone** - contact
/// details`: fields named in bold and described in prose, with no type. The names are
/// snake_cased; `Primary key` marks the key, `Foreign key linking … to a user` a reference,
/// `Number of …` an integer; everything else is guessed from the name later (W201).
pub fn described_fields(item: &Item) -> Option<Vec<RawField>> {
    let raw = fold(item.raw.trim());
    let c = DESCRIBED.captures(&raw)?;
    let names_part = c.get(1)?.as_str().trim();
    let desc = plain_inline(c.get(2).map_or("", |m| m.as_str()))
        .trim()
        .to_string();
    let names: Vec<String> = names_part
        .split([',', '/', '、'])
        .flat_map(|p| p.split(" and "))
        .map(|p| crate::names::snake(p.trim()))
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() || names.iter().any(|n| n.split('_').count() > 4) {
        return None;
    }
    let lower = desc.to_lowercase();
    let mut out = Vec::new();
    for name in names {
        let mut f = RawField::new(item.pos);
        f.name = Some(name);
        f.description = desc.clone();
        f.hints = desc.clone();
        if lower.starts_with("primary key") {
            f.mods.primary_key = true;
        }
        if let Some(m) = FK_TO.captures(&desc).and_then(|m| m.get(1)) {
            f.mods.ref_target = Some(m.as_str().to_string());
        }
        if let Some(values) = paren_values(f.name.as_deref().unwrap_or(""), &desc) {
            f.ty = TypeSrc::Text(format!("enum({})", values.join(", ")));
        }
        if [
            "number of",
            "count of",
            "maximum number",
            "minimum number",
            "total number",
        ]
        .iter()
        .any(|w| lower.starts_with(w))
        {
            f.ty = TypeSrc::Text("int".to_string());
        }
        out.push(f);
    }
    Some(out)
}

static PAREN_LIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(([^()]{3,120})\)").expect("regex"));

/// The values a status-like field's description lists in parentheses:
/// `Status - the booking status (booked, attended, no show)` → booked, attended, no_show.
fn paren_values(name: &str, desc: &str) -> Option<Vec<String>> {
    let status_like = [
        "status", "state", "type", "kind", "level", "category", "role", "priority", "stage",
        "gender",
    ]
    .iter()
    .any(|w| name == *w || name.ends_with(&format!("_{w}")));
    if !status_like {
        return None;
    }
    let inner = PAREN_LIST.captures(desc)?.get(1)?.as_str();
    let values: Vec<String> = inner
        .split([',', '/', '|'])
        .flat_map(|p| p.split(" or "))
        .map(|p| p.trim().trim_start_matches("and ").trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.is_ascii() && p.split_whitespace().count() <= 3 {
                Some(crate::names::snake(p))
            } else {
                None
            }
        })
        .collect::<Option<Vec<String>>>()?;
    (values.len() >= 2 && values.iter().all(|v| !v.is_empty())).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Glossary;

    fn names(text: &str) -> Option<Vec<String>> {
        let g = Glossary::new();
        let mut cx = Ctx::new(&g);
        let fs = inline_list(text, Pos { line: 1, col: 1 }, &mut cx)?;
        Some(fs.into_iter().filter_map(|f| f.name).collect())
    }

    #[test]
    fn inline_lists() {
        assert_eq!(
            names("基本字段：id、nickName?、kind(A/B)、createdAt。").unwrap_or_default(),
            ["id", "nick_name", "kind", "created_at"]
        );
        assert_eq!(
            names("id, title, parent_id（上级）").map(|v| v.len()),
            Some(3)
        );
        // A field bullet is not a list of fields.
        assert!(names("title: string, required").is_none());
        // Prose and capitalised words are not fields.
        assert!(names("支持：Chrome、Edge、Firefox").is_none());
        assert!(names("目标：为研发提供看板").is_none());
    }

    #[test]
    fn inline_parens() {
        let g = Glossary::new();
        let mut cx = Ctx::new(&g);
        let fs = inline_list(
            "status(active/disabled)、verified(true/false)、homeAddress(city/street)、memo（备注）",
            Pos { line: 1, col: 1 },
            &mut cx,
        )
        .unwrap_or_default();
        assert!(matches!(&fs[0].ty, TypeSrc::Spec(s) if s.enum_values.len() == 2));
        assert_eq!(fs[1].ty, TypeSrc::Text("bool".into()));
        assert_eq!(fs[2].ty, TypeSrc::Text("json".into()));
        assert_eq!(fs[3].label, "备注");
    }

    #[test]
    fn several_names_in_one_cell() {
        assert_eq!(
            several_names("created_at / updated_at"),
            Some(vec!["created_at".to_string(), "updated_at".to_string()])
        );
        assert!(several_names("单位（个/箱）").is_none());
    }
}
