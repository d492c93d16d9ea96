//! Tables that cover several entities at once, keyed by a table-name column:
//! - summary tables where each ROW is one entity: `| 表名 | 用途 | 主要字段 |`,
//!   `| Table | Purpose | Key columns |`, with a cell listing field names (`id、name、phone`,
//!   `id, name, cuisine`). No types are written: each field's type is guessed from its name
//!   when fields are resolved (W201), and the table is reported once (W250) so the reader
//!   knows the model is a sketch;
//! - field tables with a table-name column (`| 表名 | 字段 | 类型 |`), one row per field.

use crate::diag::{Diagnostic, Text};
use crate::extract::entities::{RawEntity, Source};
use crate::extract::fields::{self, RawField, TypeSrc};
use crate::extract::headings::{clean_label, split_name};
use crate::extract::{types, Ctx};
use crate::names;
use crate::prd::{fold, plain_inline, Cell, Pos, Row, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Fields,
    Purpose,
    Other,
}

const NAME_HEADERS: &[&str] = &[
    "表名",
    "表",
    "数据表",
    "表名称",
    "英文表名",
    "表英文名",
    "实体",
    "实体名",
    "实体名称",
    "table",
    "tablename",
    "tables",
    "entity",
    "entityname",
    "entities",
    "model",
    "collection",
];
const FIELD_HEADERS: &[&str] = &[
    "主要字段",
    "字段",
    "关键字段",
    "核心字段",
    "包含字段",
    "字段列表",
    "主要属性",
    "关键属性",
    "属性",
    "fields",
    "keyfields",
    "mainfields",
    "columns",
    "keycolumns",
    "maincolumns",
    "attributes",
    "keyattributes",
];
const PURPOSE_HEADERS: &[&str] = &[
    "用途",
    "说明",
    "描述",
    "备注",
    "含义",
    "作用",
    "功能",
    "中文名",
    "中文名称",
    "表中文名",
    "中文表名",
    "purpose",
    "description",
    "notes",
    "usage",
];

fn classify(header: &str) -> Col {
    let h = fold(&plain_inline(header)).to_lowercase();
    let key: String = h
        .split(['(', '（'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*' | '`' | ':'))
        .collect();
    if NAME_HEADERS.contains(&key.as_str()) {
        Col::Name
    } else if FIELD_HEADERS.contains(&key.as_str()) {
        Col::Fields
    } else if PURPOSE_HEADERS.contains(&key.as_str()) {
        Col::Purpose
    } else {
        Col::Other
    }
}

/// `Unique`, `Index name`, `索引`: the columns of an index table, whose rows list the
/// columns of an index, not the fields of a table.
fn is_index_header(header: &str) -> bool {
    let h = fold(&plain_inline(header)).to_lowercase();
    ["unique", "index", "唯一", "索引"]
        .iter()
        .any(|w| h.contains(w))
}

/// One name of a field-name list, cleaned: `` `user_id` `` → `user_id`, `标题(title)` kept
/// whole for [`split_name`], `等` / `etc.` / `...` dropped.
fn clean_token(raw: &str) -> Option<String> {
    let t = raw
        .trim()
        .trim_matches('`')
        .trim_end_matches("等")
        .trim_end_matches("etc.")
        .trim_end_matches("etc")
        .trim_end_matches("...")
        .trim_end_matches('…')
        .trim()
        .trim_matches('`')
        .trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Splits a field-name cell on list separators, keeping parentheses whole
/// (`status(pending/paid)` is one token).
fn tokens(cell: &str) -> Vec<String> {
    let text = fold(cell)
        .replace("<br/>", ",")
        .replace("<br />", ",")
        .replace("<br>", ",");
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        let sep = matches!(c, ',' | '、' | ';' | '|') || (c == '/' && depth <= 0);
        if sep && depth <= 0 {
            out.extend(clean_token(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.extend(clean_token(&cur));
    out
}

/// A token as a field name: (identifier, label, hint inside a parenthesis).
fn field_name(token: &str) -> Option<(String, String, String)> {
    let head = token.split('(').next().unwrap_or("").trim();
    let inner = token
        .split_once('(')
        .map(|(_, r)| r.trim_end_matches(')').trim().to_string())
        .unwrap_or_default();
    if names::is_ascii_ident(head) && !head.contains(' ') {
        let label = if inner.is_ascii() {
            String::new()
        } else {
            inner.clone()
        };
        return Some((names::snake(head), label, inner));
    }
    // `标题(title)`: a label with its identifier.
    let n = split_name(token);
    let ident = n.ident.filter(|i| !i.contains(' '))?;
    Some((names::snake(&ident), n.label, String::new()))
}

/// True when most cells of the fields column list two or more ASCII field names.
fn lists_field_names(t: &Table, col: usize) -> bool {
    let rows: Vec<&Cell> = t
        .rows
        .iter()
        .filter(|r| !r.struck)
        .filter_map(|r| r.cells.get(col))
        .collect();
    let listing = rows
        .iter()
        .filter(|c| {
            let toks = tokens(&c.text);
            let named = toks.iter().filter(|x| field_name(x).is_some()).count();
            toks.len() >= 2 && named * 2 >= toks.len()
        })
        .count();
    !rows.is_empty() && listing * 2 >= rows.len()
}

/// The entities of a summary table, or `None` when the table is not one.
pub fn entities(t: &Table, section: usize, cx: &mut Ctx) -> Option<Vec<RawEntity>> {
    let cols: Vec<Col> = t.header.iter().map(|c| classify(&c.text)).collect();
    let name_col = cols.iter().position(|c| *c == Col::Name)?;
    if t.header.iter().any(|c| is_index_header(&c.text)) {
        return None;
    }
    match cols.iter().position(|c| *c == Col::Fields) {
        Some(fields_col) if lists_field_names(t, fields_col) => {
            let purpose_col = cols.iter().position(|c| *c == Col::Purpose);
            rows_as_entities(t, name_col, fields_col, purpose_col, section, cx)
        }
        _ => grouped(t, name_col, section, cx),
    }
}

/// `| 表名 | 字段 | 类型 | 说明 |`: a field table covering several tables, one row per field,
/// grouped by the table-name cell (an empty cell continues the table above it).
fn grouped(t: &Table, name_col: usize, section: usize, cx: &mut Ctx) -> Option<Vec<RawEntity>> {
    if !fields::is_field_table(t, true) {
        return None;
    }
    let mut groups: Vec<(Cell, Vec<Row>)> = Vec::new();
    for row in t.rows.iter().filter(|r| !r.struck) {
        let name = row
            .cells
            .get(name_col)
            .map(|c| plain_inline(&c.text).trim().to_string())
            .unwrap_or_default();
        let same = |g: &(Cell, Vec<Row>)| plain_inline(&g.0.text).trim() == name;
        if name.is_empty() || matches!(name.as_str(), "-" | "〃" | "\"" | "同上") {
            if let Some(g) = groups.last_mut() {
                g.1.push(row.clone());
            }
        } else if let Some(g) = groups.iter_mut().find(|g| same(g)) {
            g.1.push(row.clone());
        } else if let Some(cell) = row.cells.get(name_col) {
            groups.push((cell.clone(), vec![row.clone()]));
        }
    }
    let mut out = Vec::new();
    for (cell, rows) in groups {
        let parts = split_name(&cell.text);
        if parts.ident.is_none() && parts.label.is_empty() {
            continue;
        }
        let sub = Table {
            header: t.header.clone(),
            rows,
            pos: t.pos,
        };
        let mut e = RawEntity::new(parts, Source::Table, cell.pos, section);
        e.fields = fields::from_table(&sub, cx);
        out.push(e);
    }
    (!out.is_empty()).then_some(out)
}

/// One entity per row: name cell, field-name cell, purpose cell.
fn rows_as_entities(
    t: &Table,
    name_col: usize,
    fields_col: usize,
    purpose_col: Option<usize>,
    section: usize,
    cx: &mut Ctx,
) -> Option<Vec<RawEntity>> {
    let mut out = Vec::new();
    for row in t.rows.iter().filter(|r| !r.struck) {
        let (Some(name), Some(fields)) = (row.cells.get(name_col), row.cells.get(fields_col))
        else {
            continue;
        };
        let mut parts = split_name(&name.text);
        let purpose = purpose_col
            .and_then(|i| row.cells.get(i))
            .map(|c| plain_inline(&c.text).trim().to_string())
            .unwrap_or_default();
        // A short Chinese purpose is the label; a longer one describes the table.
        let mut description = purpose.clone();
        if parts.label.is_empty() && !purpose.is_ascii() && purpose.chars().count() <= 16 {
            parts.label = clean_label(&purpose);
            description.clear();
        }
        if parts.ident.is_none() && parts.label.is_empty() {
            continue;
        }
        let mut e = RawEntity::new(parts, Source::Table, name.pos, section);
        e.description = description;
        e.fields = row_fields(&fields.text, fields.pos);
        if !e.fields.is_empty() {
            out.push(e);
        }
    }
    if out.is_empty() {
        return None;
    }
    cx.diags.push(summary_table(t.pos, out.len()));
    Some(out)
}

/// Field names of one cell, each with no type (guessed later from the name).
fn row_fields(cell: &str, pos: Pos) -> Vec<RawField> {
    let mut out: Vec<RawField> = Vec::new();
    for tok in tokens(cell) {
        let Some((name, label, hint)) = field_name(&tok) else {
            continue;
        };
        if out.iter().any(|f| f.name.as_deref() == Some(name.as_str())) {
            continue;
        }
        let mut f = RawField::new(pos);
        f.name = Some(name);
        f.label = label;
        // `id(uuid)`, `total（decimal）`: a type word in the parenthesis is the type.
        f.ty = if is_type_word(&hint) {
            TypeSrc::Text(hint)
        } else {
            if !hint.is_empty() {
                f.hints = format!("({hint})");
            }
            TypeSrc::Missing
        };
        out.push(f);
    }
    out
}

/// True when `text` is a type and nothing more (`uuid`, `varchar(50)`, `decimal`).
fn is_type_word(text: &str) -> bool {
    !text.trim().is_empty()
        && matches!(
            types::parse_type(text, &types::NoEntities),
            types::Parsed::Type(_, rest) if rest.trim().is_empty()
        )
}

fn summary_table(pos: Pos, n: usize) -> Diagnostic {
    Diagnostic::warning(
        "W250",
        pos.line,
        pos.col,
        Text::new(
            format!("this summary table is read as {n} entities, one per row; the types it does not write are guessed from the field names"),
            format!("此汇总表按每行一个实体读取（共 {n} 个）；未写明的类型根据字段名推断"),
        ),
    )
    .with_help(Text::new(
        "describe each table with its own field table (\"### 用户 (User)\" + | Field | Type | Required | Description |) to state the types",
        "为每张表单独写字段表（“### 用户 (User)” + | 字段 | 类型 | 必填 | 说明 |），写明类型",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_field_lists() {
        assert_eq!(tokens("`id`、`name`、`phone`"), vec!["id", "name", "phone"]);
        assert_eq!(
            tokens("id, name, cuisine 等"),
            vec!["id", "name", "cuisine"]
        );
        assert_eq!(
            tokens("id, status(pending/paid), 标题(title)"),
            vec!["id", "status(pending/paid)", "标题(title)"]
        );
    }

    #[test]
    fn names_fields() {
        assert_eq!(
            field_name("status(pending/paid)"),
            Some(("status".into(), "".into(), "pending/paid".into()))
        );
        assert_eq!(
            field_name("标题(title)"),
            Some(("title".into(), "标题".into(), "".into()))
        );
        assert_eq!(field_name("容量"), None);
        assert_eq!(field_name("a long phrase here"), None);
    }

    #[test]
    fn typed_tokens() {
        let f = row_fields(
            "id(uuid), total(decimal), status(pending/paid)",
            Pos::default(),
        );
        let tys: Vec<TypeSrc> = f.iter().map(|f| f.ty.clone()).collect();
        assert_eq!(
            tys,
            vec![
                TypeSrc::Text("uuid".into()),
                TypeSrc::Text("decimal".into()),
                TypeSrc::Missing
            ]
        );
    }

    #[test]
    fn headers() {
        assert_eq!(classify("表名"), Col::Name);
        assert_eq!(classify("Key columns"), Col::Fields);
        assert_eq!(classify("主要字段"), Col::Fields);
        assert_eq!(classify("用途"), Col::Purpose);
        assert_eq!(classify("类型"), Col::Other);
    }
}
