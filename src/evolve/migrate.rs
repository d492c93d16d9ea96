//! Migrations from model diffs: numbered goose files that take a database holding rows from
//! `old`'s schema to `new`'s, each with a working Down. Pure: no I/O.
//!
//! The rules (docs/EVOLUTION.md, "Migrations"):
//! - an added entity gets the same create-table migration a fresh project would have;
//! - a changed entity gets one `alter` migration: dropped, renamed, changed and added columns,
//!   with every constraint the create migration would have (names included), so that later
//!   migrations can find them;
//! - a removed entity gets a `drop` migration whose Down recreates the table;
//! - what cannot apply to a table that holds rows (a required reference, a unique value for
//!   every row) is refused with what to do instead.

use super::diff::{EntityDiff, ModelDiff};
use super::{Ownership, Rendered};
use crate::model::{Entity, Field, FieldType, Model};
use crate::plan;
use crate::render::context::{self, EntityCtx, FieldCtx, Options};
use crate::render::layout;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Template of create-table migrations (the one `plan` uses for a fresh project).
pub const CREATE_TEMPLATE: &str = "migrations/entity.sql.tera";
pub const ALTER_TEMPLATE: &str = "migrations/alter.sql.tera";
pub const DROP_TEMPLATE: &str = "migrations/drop.sql.tera";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateError {
    /// `old` or `new` cannot be rendered (the message says why).
    Model(String),
    /// Changes that no migration can make to a table holding rows; each message names the
    /// field and says what to do instead.
    Refused(Vec<String>),
    /// A migration template failed.
    Template { template: String, message: String },
}

impl MigrateError {
    /// The message in `lang` (headings from the catalogue; the details name fields and SQL).
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::msg;
        match self {
            MigrateError::Model(m) => msg!(lang, MigrateModel, details = m),
            MigrateError::Refused(ms) => {
                let mut out = msg!(lang, MigrateRefused);
                for m in ms {
                    out.push_str("\n  ");
                    out.push_str(m);
                }
                out
            }
            MigrateError::Template { template, message } => {
                msg!(lang, TemplateFailed, template = template, error = message)
            }
        }
    }
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(crate::model::Lang::En))
    }
}

impl std::error::Error for MigrateError {}

/// Numbered goose migrations that take a database from `old`'s schema to `new`'s.
/// Numbers start at `first`: creates (dependency order), then the tables of capabilities
/// turned on, then alters (dependency order of `new`), then drops (reverse dependency order
/// of `old`), then the tables of capabilities turned off. Files are `AppendOnly`.
pub fn migrations_for(
    old: &Model,
    new: &Model,
    diff: &ModelDiff,
    first: u32,
    opts: &Options,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<Rendered>, MigrateError> {
    let nothing = diff.entities_added.is_empty()
        && diff.entities_removed.is_empty()
        && diff.entities_changed.is_empty()
        && diff.capabilities_added.is_empty()
        && diff.capabilities_removed.is_empty();
    if nothing {
        return Ok(Vec::new());
    }
    let new_ctx = if new.entities.is_empty() {
        None
    } else {
        Some(context::project(new, opts).map_err(|e| MigrateError::Model(e.0))?)
    };
    let old_ctx = if old.entities.is_empty() {
        None
    } else {
        Some(context::project(old, opts).map_err(|e| MigrateError::Model(e.0))?)
    };
    let ectx = |ctx: &Option<context::ProjectCtx>, name: &str| -> Result<EntityCtx, MigrateError> {
        ctx.as_ref()
            .and_then(|c| c.entities.iter().find(|e| e.name == name))
            .cloned()
            .ok_or_else(|| MigrateError::Model(format!("entity {name} is not in the model")))
    };

    // (number, template, path, context)
    let mut jobs: Vec<(String, String, tera::Context)> = Vec::new();
    let mut num = first;
    let mut refused = Vec::new();

    for e in plan::dependency_order(new) {
        if !diff.entities_added.contains(&e.name) {
            continue;
        }
        let mut ec = ectx(&new_ctx, &e.name)?;
        ec.migration = num;
        let mut ctx = tera::Context::new();
        ctx.insert("e", &ec);
        jobs.push((
            CREATE_TEMPLATE.to_string(),
            format!("migrations/{num:05}_create_{}.sql", e.table),
            ctx,
        ));
        num += 1;
    }

    // Tables of capabilities turned on: the create migrations a fresh project has. They see
    // the new model (`p`) and the entities that existed before this change (`existing`:
    // their tables are already there, so a capability may have to alter them; entities
    // created in this change got their share in their own create migrations).
    let existing: Vec<&str> = old.entities.iter().map(|e| e.name.as_str()).collect();
    for name in &diff.capabilities_added {
        for t in crate::capability::get(name).map_or(&[][..], |c| c.tables) {
            let mut ctx = tera::Context::new();
            if let Some(p) = &new_ctx {
                ctx.insert("p", p);
            }
            ctx.insert("existing", &existing);
            jobs.push((
                t.create.to_string(),
                format!("migrations/{num:05}_create_{}.sql", t.table),
                ctx,
            ));
            num += 1;
        }
    }

    let changed: BTreeMap<&str, &EntityDiff> = diff
        .entities_changed
        .iter()
        .map(|d| (d.entity.as_str(), d))
        .collect();
    for e in plan::dependency_order(new) {
        let Some(d) = changed.get(e.name.as_str()) else {
            continue;
        };
        let Some(oe) = old.entity(&e.name) else {
            return Err(MigrateError::Model(format!(
                "entity {} is not in the old model",
                e.name
            )));
        };
        if oe.table != e.table {
            refused.push(format!(
                "{}: the table name changed ({} → {}); renaming a table is not supported: keep `table: {}` in the model",
                e.name, oe.table, e.table, oe.table
            ));
            continue;
        }
        let (oc, nc) = (ectx(&old_ctx, &e.name)?, ectx(&new_ctx, &e.name)?);
        let (up, down) = match alter_steps(oe, &oc, e, &nc, d) {
            Ok(x) => x,
            Err(mut r) => {
                refused.append(&mut r);
                continue;
            }
        };
        if up.is_empty() {
            continue;
        }
        let mut ec = nc;
        ec.migration = num;
        let mut ctx = tera::Context::new();
        ctx.insert("e", &ec);
        ctx.insert("changes", &change_lines(d));
        ctx.insert("up", &up);
        ctx.insert("down", &down);
        jobs.push((
            ALTER_TEMPLATE.to_string(),
            format!("migrations/{num:05}_alter_{}.sql", e.table),
            ctx,
        ));
        num += 1;
    }

    for e in plan::dependency_order(old).into_iter().rev() {
        if !diff.entities_removed.contains(&e.name) {
            continue;
        }
        let mut ec = ectx(&old_ctx, &e.name)?;
        ec.migration = num;
        let mut ctx = tera::Context::new();
        ctx.insert("e", &ec);
        jobs.push((
            DROP_TEMPLATE.to_string(),
            format!("migrations/{num:05}_drop_{}.sql", e.table),
            ctx,
        ));
        num += 1;
    }

    // Tables of capabilities turned off, last created first dropped; they see the old model
    // (`p`), whose entities they may have altered.
    for name in &diff.capabilities_removed {
        for t in crate::capability::get(name)
            .map_or(&[][..], |c| c.tables)
            .iter()
            .rev()
        {
            let mut ctx = tera::Context::new();
            if let Some(p) = &old_ctx {
                ctx.insert("p", p);
            }
            jobs.push((
                t.drop.to_string(),
                format!("migrations/{num:05}_drop_{}.sql", t.table),
                ctx,
            ));
            num += 1;
        }
    }

    if !refused.is_empty() {
        return Err(MigrateError::Refused(refused));
    }
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    // The create and alter migrations call the new model's extension points.
    let templates =
        crate::capability::with_ext_template(new, crate::render::with_overrides(overrides))
            .map_err(|message| MigrateError::Template {
                template: crate::capability::EXT_TEMPLATE.into(),
                message,
            })?;
    let tera = crate::render::engine_for(&templates, jobs.iter().map(|(t, _, _)| t.as_str()))
        .map_err(|e| tera_error("(templates)", e))?;
    let mut out = Vec::new();
    for (template, path, ctx) in jobs {
        let text = tera
            .render(&template, &ctx)
            .map_err(|e| tera_error(&template, e))?;
        out.push(Rendered {
            path,
            contents: layout::plain(&text),
            ownership: Ownership::AppendOnly,
            template,
        });
    }
    Ok(out)
}

fn tera_error(template: &str, e: tera::Error) -> MigrateError {
    MigrateError::Template {
        template: template.to_string(),
        message: crate::render::tera_message(&e),
    }
}

/// The structural changes of one entity, one a line, for the migration's header comment.
fn change_lines(d: &EntityDiff) -> Vec<String> {
    let mut out = Vec::new();
    for f in &d.fields_removed {
        out.push(format!("- field {f}"));
    }
    for (a, b) in &d.fields_renamed {
        out.push(format!("~ field {a} → {b} (rename)"));
    }
    for (f, what) in &d.fields_changed {
        out.push(format!("~ field {f}: {}", what.join(", ")));
    }
    for f in &d.fields_added {
        out.push(format!("+ field {f}"));
    }
    out
}

/// One commented group of statements in an alter migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub comment: String,
    pub statements: Vec<String>,
}

/// How values convert between field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    /// Integer minor units at this many decimal places.
    Dec(u32),
    Float,
    Bool,
    Date,
    Datetime,
    Uuid,
    Json,
}

fn kind(f: &Field) -> Kind {
    match f.ty {
        FieldType::String
        | FieldType::Text
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Url
        | FieldType::Enum => Kind::Text,
        FieldType::Int => Kind::Int,
        FieldType::Decimal => Kind::Dec(f.scale.unwrap_or(2)),
        FieldType::Float => Kind::Float,
        FieldType::Bool => Kind::Bool,
        FieldType::Date => Kind::Date,
        FieldType::Datetime => Kind::Datetime,
        FieldType::Uuid | FieldType::Ref => Kind::Uuid,
        FieldType::Json => Kind::Json,
    }
}

/// A column as the create migration defines it.
#[derive(Debug, Clone, PartialEq)]
struct Col {
    /// Field name, unquoted: constraint and index names are made from it.
    name: String,
    /// Column as written in SQL.
    column: String,
    sql_type: String,
    not_null: bool,
    default: Option<String>,
    unique: bool,
    /// Referenced table as written in SQL.
    ref_table: Option<String>,
    /// Allowed values (SQL literals) of an enum.
    check: Option<Vec<String>>,
    /// A plain index (filterable and not unique).
    index: bool,
    kind: Kind,
    list: bool,
    /// A value of the type for rows that need one when there is no default; `None` for
    /// references (no value is right).
    temp: Option<String>,
}

const NIL_UUID: &str = "'00000000-0000-0000-0000-000000000000'";

fn col(f: &Field, fc: &FieldCtx, e: &EntityCtx) -> Col {
    let check = if fc.is_enum {
        e.enums
            .iter()
            .find(|en| en.field == f.name)
            .map(|en| en.values.iter().map(|v| v.sql.clone()).collect::<Vec<_>>())
    } else {
        None
    };
    let k = kind(f);
    let temp = if f.list {
        Some("'{}'".to_string())
    } else if let Some(first) = check.as_ref().and_then(|c| c.first()) {
        Some(first.clone())
    } else {
        match (k, f.ty) {
            (_, FieldType::Ref) => None,
            (Kind::Text, _) => Some("''".into()),
            (Kind::Int | Kind::Dec(_) | Kind::Float, _) => Some("0".into()),
            (Kind::Bool, _) => Some("false".into()),
            (Kind::Date, _) => Some("CURRENT_DATE".into()),
            (Kind::Datetime, _) => Some("now()".into()),
            (Kind::Uuid, _) => Some(NIL_UUID.into()),
            (Kind::Json, _) => Some("'{}'".into()),
        }
    };
    Col {
        name: f.name.clone(),
        column: fc.column.clone(),
        sql_type: fc.sql_type.clone(),
        not_null: (!fc.nullable && fc.carry != "json") || (fc.carry == "json" && fc.required),
        default: fc
            .sql_default
            .clone()
            .or_else(|| fc.list.then(|| "'{}'".to_string())),
        unique: fc.unique,
        ref_table: fc.is_ref.then(|| fc.ref_table.clone()),
        check,
        index: fc.filterable && !fc.unique,
        kind: k,
        list: f.list,
        temp,
    }
}

/// The table being altered.
struct Table<'a> {
    /// As written in SQL.
    sql: &'a str,
    /// Unquoted, for constraint and index names.
    raw: &'a str,
}

impl Table<'_> {
    fn alter(&self, rest: &str) -> String {
        format!("ALTER TABLE {} {rest};", self.sql)
    }
    fn check_name(&self, field: &str) -> String {
        format!("{}_{field}_check", self.raw)
    }
    fn index_name(&self, field: &str) -> String {
        format!("{}_{field}_idx", self.raw)
    }
    /// Name PostgreSQL gives an inline `UNIQUE` on the column.
    fn key_name(&self, field: &str) -> String {
        pg_object_name(self.raw, field, "key")
    }
    /// Name PostgreSQL gives an inline `REFERENCES` on the column.
    fn fkey_name(&self, field: &str) -> String {
        pg_object_name(self.raw, field, "fkey")
    }
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label` within 63 bytes, shortening the longer
/// of the two names first.
fn pg_object_name(name1: &str, name2: &str, label: &str) -> String {
    let avail = 63usize.saturating_sub(label.len() + 2);
    let (mut a, mut b) = (name1.len(), name2.len());
    while a + b > avail {
        if a > b {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    format!("{}_{}_{label}", clip(name1, a), clip(name2, b))
}

fn clip(s: &str, mut n: usize) -> &str {
    while n > 0 && !s.is_char_boundary(n) {
        n -= 1;
    }
    s.get(..n.min(s.len())).unwrap_or("")
}

/// An identifier as PostgreSQL stores it (at most 63 bytes).
fn pg_truncate(s: &str) -> &str {
    clip(s, 63)
}

/// `10^s` as a SQL literal. Beyond 40 places no bigint survives the conversion anyway (it
/// fails loudly); the cap only bounds a hand-edited absurd scale.
fn pow10(s: u32) -> String {
    format!("1{}", "0".repeat(s.min(40) as usize))
}

/// SQL expression converting `x` (of kind `from`) to kind `to`, whose SQL type is `to_sql`.
fn conv(x: &str, from: Kind, to: Kind, to_sql: &str) -> String {
    use Kind::*;
    if from == to {
        return x.to_string();
    }
    match (from, to) {
        (Text, Json) => format!("to_jsonb({x})"),
        (Json, Text) => format!("({x} #>> '{{}}')"),
        (Json, t) => conv(&format!("({x} #>> '{{}}')"), Text, t, to_sql),
        (Int, Dec(s)) => format!("({x} * {})", pow10(s)),
        (Dec(s), Int) => format!("({x} / {})", pow10(s)),
        (Dec(a), Dec(b)) if b > a => format!("({x} * {})", pow10(b - a)),
        (Dec(a), Dec(b)) => format!("({x} / {})", pow10(a - b)),
        (Int, Float) => format!("{x}::double precision"),
        (Dec(s), Float) => format!("({x}::double precision / {})", pow10(s)),
        (Float, Int) => format!("round({x})::bigint"),
        (Float, Dec(s)) => format!("round({x} * {})::bigint", pow10(s)),
        (Bool, Int) => format!("{x}::integer::bigint"),
        (Bool, Dec(s)) => format!("({x}::integer::bigint * {})", pow10(s)),
        (Bool, Float) => format!("{x}::integer::double precision"),
        (Int | Dec(_) | Float, Bool) => format!("({x} <> 0)"),
        (Date, Datetime) => format!("{x}::timestamptz"),
        (Datetime, Date) => format!("{x}::date"),
        (Dec(s), Text) => format!("round({x}::numeric / {}, {s})::text", pow10(s)),
        (Text, Dec(s)) => format!("round({x}::numeric * {})::bigint", pow10(s)),
        (Text, _) => format!("{x}::{to_sql}"),
        (_, Text) => format!("{x}::text"),
        _ => format!("{x}::text::{to_sql}"),
    }
}

/// The `USING` expression turning column `o` into `n` (named `column`), or `None` when the
/// stored values and type stay as they are.
fn using(column: &str, o: &Col, n: &Col) -> Option<String> {
    let elem = n.sql_type.trim_end_matches("[]");
    let e = match (o.list, n.list) {
        (false, false) => conv(column, o.kind, n.kind, elem),
        (true, true) if o.kind == n.kind => column.to_string(),
        (true, true) => format!("{column}::{}", n.sql_type),
        (false, true) => format!(
            "CASE WHEN {column} IS NULL THEN '{{}}'::{t} ELSE ARRAY[{}]::{t} END",
            conv(column, o.kind, n.kind, elem),
            t = n.sql_type
        ),
        (true, false) => conv(&format!("{column}[1]"), o.kind, n.kind, elem),
    };
    (o.sql_type != n.sql_type || e != column).then_some(e)
}

fn check_expr(c: &Col, values: &[String]) -> String {
    format!("CHECK ({} IN ({}))", c.column, values.join(", "))
}

/// `ADD COLUMN` with the definition the create migration gives it. `strict` (Up) refuses
/// what cannot apply to a table holding rows; otherwise (Down) the NOT NULL is restored
/// last, which works unless rows are there to violate it.
fn add_column(t: &Table, c: &Col, strict: bool, who: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut def = format!("{} {}", c.column, c.sql_type);
    let no_fill = c.unique || c.ref_table.is_some();
    let mut late_not_null = false;
    let mut temp = false;
    if c.not_null && no_fill {
        if strict {
            return Err(if c.ref_table.is_some() {
                format!("{who}: a required reference cannot be added to a table that may hold rows (there is no row to point them at); add it optional, fill it, then make it required")
            } else {
                format!("{who}: a unique field that every row must have (required, or with a default) cannot be added to a table that may hold rows (they would all get the same value); add it optional without a default, fill it, then make it required")
            });
        }
        late_not_null = true;
    } else if c.not_null {
        def.push_str(" NOT NULL");
    }
    match (&c.default, &c.temp) {
        (Some(d), _) if !late_not_null => def.push_str(&format!(" DEFAULT {d}")),
        (None, Some(v)) if c.not_null && !late_not_null => {
            def.push_str(&format!(" DEFAULT {v}"));
            temp = true;
        }
        _ => {}
    }
    if c.unique {
        def.push_str(" UNIQUE");
    }
    if let Some(rt) = &c.ref_table {
        def.push_str(&format!(" REFERENCES {rt} (id) ON DELETE RESTRICT"));
    }
    out.push(t.alter(&format!("ADD COLUMN {def}")));
    if temp {
        out.push(t.alter(&format!("ALTER COLUMN {} DROP DEFAULT", c.column)));
    }
    if late_not_null {
        if let Some(v) = per_row_value(c) {
            out.push(format!(
                "-- the dropped values are gone: each row gets a distinct placeholder ({v})"
            ));
            out.push(format!("UPDATE {} SET {} = {v};", t.sql, c.column));
        } else {
            out.push(format!(
                "-- fails if the table holds rows: {} has no value for them",
                c.column
            ));
        }
        if let Some(d) = &c.default {
            out.push(t.alter(&format!("ALTER COLUMN {} SET DEFAULT {d}", c.column)));
        }
        out.push(t.alter(&format!("ALTER COLUMN {} SET NOT NULL", c.column)));
    }
    if let Some(values) = &c.check {
        out.push(t.alter(&format!(
            "ADD CONSTRAINT {} {}",
            t.check_name(&c.name),
            check_expr(c, values)
        )));
    }
    if c.index {
        out.push(format!(
            "CREATE INDEX {} ON {} ({});",
            t.index_name(&c.name),
            t.sql,
            c.column
        ));
    }
    Ok(out)
}

/// A value distinct for every row (from its id) for a unique column restored by a Down:
/// plain text that can hold a uuid, or a uuid. `None` for references, enums and the rest.
fn per_row_value(c: &Col) -> Option<&'static str> {
    if c.list || c.ref_table.is_some() || c.check.is_some() {
        return None;
    }
    let wide_text = c.sql_type == "text"
        || c.sql_type
            .strip_prefix("varchar(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 36);
    match c.kind {
        Kind::Text if wide_text => Some("id::text"),
        Kind::Uuid => Some("id"),
        _ => None,
    }
}

/// Renames column `from` to `to` with the constraints and index `has` has.
fn rename(t: &Table, from: &Col, to: &Col, has: &Col) -> Vec<String> {
    let mut out = vec![t.alter(&format!("RENAME COLUMN {} TO {}", from.column, to.column))];
    let mut constraint = |a: String, b: String| {
        if pg_truncate(&a) != pg_truncate(&b) {
            out.push(t.alter(&format!("RENAME CONSTRAINT {a} TO {b}")));
        }
    };
    if has.check.is_some() {
        constraint(t.check_name(&from.name), t.check_name(&to.name));
    }
    if has.unique {
        constraint(t.key_name(&from.name), t.key_name(&to.name));
    }
    if has.ref_table.is_some() {
        constraint(t.fkey_name(&from.name), t.fkey_name(&to.name));
    }
    if has.index {
        let (a, b) = (t.index_name(&from.name), t.index_name(&to.name));
        if pg_truncate(&a) != pg_truncate(&b) {
            out.push(format!("ALTER INDEX {a} RENAME TO {b};"));
        }
    }
    out
}

/// Statements turning column `o` into `n` in place; `o` already carries `n`'s name.
fn transition(t: &Table, o: &Col, n: &Col) -> Vec<String> {
    let c = &n.column;
    let mut out = Vec::new();
    let conv = using(c, o, n);
    let retype = conv.is_some();
    let check_changes = retype || o.check != n.check;
    let default_changes = retype || o.default != n.default;
    // Take off what the new definition does not keep (or what would not survive the retype).
    if o.check.is_some() && check_changes {
        out.push(t.alter(&format!("DROP CONSTRAINT {}", t.check_name(&n.name))));
    }
    if o.ref_table.is_some() && o.ref_table != n.ref_table {
        out.push(t.alter(&format!("DROP CONSTRAINT {}", t.fkey_name(&n.name))));
    }
    if o.index && !n.index {
        out.push(format!("DROP INDEX {};", t.index_name(&n.name)));
    }
    if o.unique && !n.unique {
        out.push(t.alter(&format!("DROP CONSTRAINT {}", t.key_name(&n.name))));
    }
    if o.default.is_some() && default_changes && (retype || n.default.is_none()) {
        out.push(t.alter(&format!("ALTER COLUMN {c} DROP DEFAULT")));
    }
    if o.not_null && !n.not_null {
        out.push(t.alter(&format!("ALTER COLUMN {c} DROP NOT NULL")));
    }
    if let Some(u) = conv {
        out.push(t.alter(&format!("ALTER COLUMN {c} TYPE {} USING {u}", n.sql_type)));
    }
    // Then put on what it adds.
    if let Some(d) = &n.default {
        if default_changes {
            out.push(t.alter(&format!("ALTER COLUMN {c} SET DEFAULT {d}")));
        }
    }
    if n.not_null && !o.not_null {
        let fill = n.default.as_ref().or(n.temp.as_ref());
        match fill {
            Some(v) if !n.unique => {
                out.push(format!("UPDATE {} SET {c} = {v} WHERE {c} IS NULL;", t.sql))
            }
            _ => out.push(format!(
                "-- fails if a row has no {c}: give every row a value first"
            )),
        }
        out.push(t.alter(&format!("ALTER COLUMN {c} SET NOT NULL")));
    }
    if n.unique && !o.unique {
        out.push(t.alter(&format!(
            "ADD CONSTRAINT {} UNIQUE ({c})",
            t.key_name(&n.name)
        )));
    }
    if let Some(rt) = &n.ref_table {
        if o.ref_table.as_ref() != Some(rt) {
            out.push(t.alter(&format!(
                "ADD CONSTRAINT {} FOREIGN KEY ({c}) REFERENCES {rt} (id) ON DELETE RESTRICT",
                t.fkey_name(&n.name)
            )));
        }
    }
    if n.index && !o.index {
        out.push(format!(
            "CREATE INDEX {} ON {} ({c});",
            t.index_name(&n.name),
            t.sql
        ));
    }
    if let Some(values) = &n.check {
        if check_changes {
            out.push(t.alter(&format!(
                "ADD CONSTRAINT {} {}",
                t.check_name(&n.name),
                check_expr(n, values)
            )));
        }
    }
    out
}

fn cols(e: &Entity, ec: &EntityCtx) -> BTreeMap<String, Col> {
    e.fields
        .iter()
        .filter_map(|f| {
            let fc = ec.fields.iter().find(|x| x.name == f.name)?;
            Some((f.name.clone(), col(f, fc, ec)))
        })
        .collect()
}

type Steps = (Vec<Step>, Vec<Step>);

/// Up and Down steps of one changed entity. Up: drops, renames, changes, adds; Down undoes
/// them in reverse order.
fn alter_steps(
    oe: &Entity,
    oc: &EntityCtx,
    ne: &Entity,
    nc: &EntityCtx,
    d: &EntityDiff,
) -> Result<Steps, Vec<String>> {
    let t = Table {
        sql: &nc.table,
        raw: &nc.table_raw,
    };
    let (ocols, ncols) = (cols(oe, oc), cols(ne, nc));
    let get = |m: &BTreeMap<String, Col>, f: &str| -> Result<Col, Vec<String>> {
        m.get(f)
            .cloned()
            .ok_or_else(|| vec![format!("{}.{f}: no such field", ne.name)])
    };
    // (up, down) pairs in Up order.
    let mut pairs: Vec<(Step, Step)> = Vec::new();
    let mut refused = Vec::new();
    let step = |comment: String, statements: Vec<String>| Step {
        comment,
        statements,
    };

    for f in oe
        .fields
        .iter()
        .filter(|f| d.fields_removed.contains(&f.name))
    {
        let o = get(&ocols, &f.name)?;
        let down = add_column(&t, &o, false, "").unwrap_or_default();
        pairs.push((
            step(
                format!("drop field {}", f.name),
                vec![t.alter(&format!("DROP COLUMN {}", o.column))],
            ),
            step(format!("restore field {}", f.name), down),
        ));
    }
    let renamed: BTreeMap<&str, &str> = d
        .fields_renamed
        .iter()
        .map(|(a, b)| (b.as_str(), a.as_str()))
        .collect();
    for (from, to) in &d.fields_renamed {
        let (o, n) = (get(&ocols, from)?, get(&ncols, to)?);
        pairs.push((
            step(
                format!("rename field {from} to {to}"),
                rename(&t, &o, &n, &o),
            ),
            step(
                format!("rename field {to} back to {from}"),
                rename(&t, &n, &o, &o),
            ),
        ));
    }
    for f in &ne.fields {
        if d.fields_added.contains(&f.name) {
            continue;
        }
        let old_name = renamed.get(f.name.as_str()).copied().unwrap_or(&f.name);
        let (Some(o), Some(n)) = (ocols.get(old_name), ncols.get(&f.name)) else {
            continue;
        };
        // Both directions under the new name (renames happen before Up's and after Down's).
        let o_named = Col {
            name: n.name.clone(),
            column: n.column.clone(),
            ..o.clone()
        };
        let up = transition(&t, &o_named, n);
        if up.is_empty() {
            continue;
        }
        let what = d
            .fields_changed
            .iter()
            .find(|(x, _)| x == &f.name)
            .map(|(_, w)| w.join(", "))
            .unwrap_or_else(|| "definition".to_string());
        pairs.push((
            step(format!("change field {}: {what}", f.name), up),
            step(
                format!("change field {} back", f.name),
                transition(&t, n, &o_named),
            ),
        ));
    }
    for f in ne
        .fields
        .iter()
        .filter(|f| d.fields_added.contains(&f.name))
    {
        let n = get(&ncols, &f.name)?;
        match add_column(&t, &n, true, &format!("{}.{}", ne.name, f.name)) {
            Ok(up) => pairs.push((
                step(format!("add field {}", f.name), up),
                step(
                    format!("remove field {}", f.name),
                    vec![t.alter(&format!("DROP COLUMN {}", n.column))],
                ),
            )),
            Err(m) => refused.push(m),
        }
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    let up = pairs.iter().map(|(u, _)| u.clone()).collect();
    let down = pairs.into_iter().rev().map(|(_, d)| d).collect();
    Ok((up, down))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_default_names() {
        assert_eq!(
            pg_object_name("customers", "email", "key"),
            "customers_email_key"
        );
        let long_table = "t".repeat(40);
        let long_field = "f".repeat(40);
        let n = pg_object_name(&long_table, &long_field, "fkey");
        // 63 bytes, both names cut evenly (PostgreSQL's makeObjectName).
        assert_eq!(n.len(), 63);
        assert_eq!(n, format!("{}_{}_fkey", "t".repeat(29), "f".repeat(28)));
        assert_eq!(
            pg_object_name(&"t".repeat(60), "email", "key"),
            format!("{}_email_key", "t".repeat(53))
        );
        assert_eq!(pg_truncate(&"x".repeat(70)).len(), 63);
    }

    #[test]
    fn conversions() {
        use Kind::*;
        assert_eq!(conv("c", Text, Text, "text"), "c");
        assert_eq!(conv("c", Int, Dec(2), "bigint"), "(c * 100)");
        assert_eq!(conv("c", Dec(4), Dec(2), "bigint"), "(c / 100)");
        assert_eq!(conv("c", Dec(0), Int, "bigint"), "(c / 1)");
        assert_eq!(conv("c", Float, Int, "bigint"), "round(c)::bigint");
        assert_eq!(conv("c", Json, Int, "bigint"), "(c #>> '{}')::bigint");
        assert_eq!(conv("c", Text, Json, "jsonb"), "to_jsonb(c)");
        assert_eq!(
            conv("c", Dec(2), Text, "text"),
            "round(c::numeric / 100, 2)::text"
        );
        assert_eq!(conv("c", Uuid, Int, "bigint"), "c::text::bigint");
        assert_eq!(conv("c", Bool, Text, "text"), "c::text");
    }
}
