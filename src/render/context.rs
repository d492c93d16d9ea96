//! Typed template contexts, built from the model with every name decided by [`crate::names`].
//! Templates only print these values; they never change case or derive identifiers.

use crate::model::{Entity, Field, FieldType, Lang, Model};
use crate::names;
use serde::Serialize;
use std::fmt;

/// A model the templates cannot render (checked before anything is rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextError(pub String);

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ContextError {}

/// Options that are not part of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Go module path, e.g. `example.com/shop`.
    pub module: String,
    /// Language of the generated README and messages.
    pub lang: Lang,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectCtx {
    pub module: String,
    pub lang: &'static str,
    pub service: ServiceCtx,
    /// Entities in PRD order.
    pub entities: Vec<EntityCtx>,
    /// Indexes into `entities`, sorted by Go package (import lists). Templates loop with
    /// `{% for i in p.by_pkg %}{% set e = p.entities[i] %}`: indexes, not copies, so the
    /// context holds each entity once.
    pub by_pkg: Vec<usize>,
    /// Indexes into `entities`, referenced ones first (migration and e2e order).
    pub ordered: Vec<usize>,
    /// Entity names by index, for per-entity templates that need no more of the others: an
    /// entity's context copies the project keys its templates mention, and a copy of
    /// `entities` for each of N entities grows as N².
    pub names: Vec<String>,
    /// Entities some other entity refers to, in dependency order.
    pub referenced: Vec<RefTargetCtx>,
    pub uses: Uses,
    /// The CSV cell helpers exports use (`csvText`…), so that none is unused.
    pub csv_helpers: Vec<String>,
    /// Business rules of the PRD, to write by hand (README "rules to write").
    pub rules: Vec<RuleCtx>,
    /// The limits of the API: one source for the Go code and the OpenAPI document.
    pub limits: Limits,
    /// Runtime defaults derived from the NFRs (deadlines, pool size).
    pub runtime: RuntimeCtx,
    /// Enabled capabilities: `p.ext.<name>` is the capability's typed context (empty object
    /// when it has none), `p.caps` their names (core included).
    pub ext: std::collections::BTreeMap<&'static str, serde_json::Value>,
    pub caps: Vec<&'static str>,
}

/// Defaults of the generated service's runtime settings, derived from the PRD's NFRs so that
/// the numbers a user reads in the README have a reason they can check.
#[derive(Debug, Clone, Serialize)]
pub struct RuntimeCtx {
    /// Default REQUEST_TIMEOUT (and DB_STATEMENT_TIMEOUT) as a Go duration literal: four
    /// times the P99 target, between 1 s and 30 s, rounded up to 100 ms.
    pub request_timeout: String,
    /// The same as a Go expression (`2*time.Second`).
    pub request_timeout_go: String,
    /// Default DB_MAX_CONNS: requests in flight at peak by Little's law (peak QPS × P95),
    /// between 10 and 32 per instance (three instances fit PostgreSQL's default 100).
    pub db_max_conns: u32,
    pub p99_ms: u32,
    pub p95_ms: u32,
    /// Buckets of the request duration histograms in seconds, as a Go list: Prometheus'
    /// defaults plus the P95 and P99 targets, so that "slower than the target" is exact.
    pub latency_buckets: String,
    pub peak_qps: u32,
    /// Default RATE_LIMIT_RPS, per caller: a tenth of the peak QPS (one caller may take a
    /// tenth of what the service is sized for), at least 20.
    pub rate_limit_rps: u32,
    /// Default RATE_LIMIT_BURST: two seconds' worth of the rate.
    pub rate_limit_burst: u32,
    /// Where the NFR values come from: `PRD line N` or `default` each.
    pub p99_from: String,
    pub p95_from: String,
    pub qps_from: String,
}

impl RuntimeCtx {
    pub fn from_nfr(n: &crate::model::Nfr) -> Self {
        let p99 = n.latency_p99_ms.value;
        let p95 = n.latency_p95_ms.value;
        let qps = n.peak_qps.value;
        let timeout_ms = (u64::from(p99) * 4).div_ceil(100) * 100;
        let timeout_ms = timeout_ms.clamp(1000, 30_000);
        let (request_timeout, request_timeout_go) = if timeout_ms % 1000 == 0 {
            let s = timeout_ms / 1000;
            (format!("{s}s"), format!("{s}*time.Second"))
        } else {
            (
                format!("{timeout_ms}ms"),
                format!("{timeout_ms}*time.Millisecond"),
            )
        };
        let in_flight = (u64::from(qps) * u64::from(p95)).div_ceil(1000);
        let from = |line: Option<u32>| match line {
            Some(l) => format!("PRD line {l}"),
            None => "default".to_string(),
        };
        RuntimeCtx {
            request_timeout,
            request_timeout_go,
            db_max_conns: in_flight.clamp(10, 32) as u32,
            p99_ms: p99,
            p95_ms: p95,
            latency_buckets: latency_buckets(p95, p99),
            peak_qps: qps,
            rate_limit_rps: qps.div_ceil(10).max(20),
            rate_limit_burst: qps.div_ceil(10).max(20) * 2,
            p99_from: from(n.latency_p99_ms.line),
            p95_from: from(n.latency_p95_ms.line),
            qps_from: from(n.peak_qps.line),
        }
    }
}

/// Prometheus' default buckets (5 ms to 10 s) with `p95_ms` and `p99_ms` added, in seconds.
fn latency_buckets(p95_ms: u32, p99_ms: u32) -> String {
    let mut ms = vec![
        5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, p95_ms, p99_ms,
    ];
    ms.sort_unstable();
    ms.dedup();
    ms.iter()
        .map(|&v| crate::capability::monitoring::seconds(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The limits of the generated API. The Go constants (application package) and the
/// OpenAPI document (`maximum`, `maxItems`) are both rendered from these numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Limits {
    pub default_page_size: u32,
    pub max_page_size: u32,
    /// Bounds `page` so that the offset `(page-1)*page_size` stays far below 2^63.
    pub max_page: u32,
    /// Items of one import.
    pub max_import: u32,
}

pub const LIMITS: Limits = Limits {
    default_page_size: 20,
    max_page_size: 100,
    max_page: 10_000_000,
    max_import: 1000,
};

/// A PRD business rule with the place its code belongs.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCtx {
    /// The rule as written, safe in a Markdown table cell.
    pub text: String,
    pub line: u32,
    /// Entity label, or empty.
    pub entity: String,
    /// Where to write it: the aggregate's package for a rule on one entity, its application
    /// package for a rule across aggregates, the wiring otherwise.
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceCtx {
    pub name: String,
    pub title: String,
    pub description: String,
    /// Go identifier-safe snake name (`shop_api` for `shop-api`): database names, metrics.
    pub snake: String,
}

/// Imports a file needs, so that no import is ever unused.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Uses {
    /// Some entity has record actions (the action body decoder).
    pub record_actions: bool,
    /// Some entity has an import (batch decoding, item errors).
    pub import: bool,
    /// Some entity has an export (CSV helpers).
    pub export: bool,
    pub civil: bool,
    pub json: bool,
    pub time_field: bool,
    pub utf8: bool,
    pub mail: bool,
    pub url: bool,
    pub regexp: bool,
    pub enums: bool,
    pub refs: bool,
    pub state_machine: bool,
    pub lists: bool,
    pub strings: bool,
    pub nullable: bool,
    pub filters: bool,
    pub filter_uuid: bool,
    pub filter_int: bool,
    pub filter_civil: bool,
    pub filter_string: bool,
    pub filter_float: bool,
    pub filter_time: bool,
    pub slices: bool,
    pub bytes: bool,
    pub cmp_time: bool,
    pub cmp: bool,
    pub sort_nullable_ordered: bool,
    pub sort_nullable_by: bool,
    pub sort_fields: bool,
    pub dates_nullable: bool,
    pub dates_value: bool,
    pub datetimes_nullable: bool,
    pub patch_strings: bool,
    /// Test helpers the samples call.
    pub h_clip: bool,
    pub h_digits: bool,
    pub h_join: bool,
    pub h_number: bool,
    pub h_ptr: bool,
    /// A sample calls the uuid package (a uuid field's value in a request body).
    pub h_uuid: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityCtx {
    pub name: String,
    pub label: String,
    /// How API messages and test failures name the entity: its label when that is ASCII,
    /// else its Go name (API messages are English; `no Book with id …`, not `no 图书 …`).
    pub msg_name: String,
    pub description: String,
    /// Go type name (`OrderItem`).
    pub go_name: String,
    /// Receiver (`oi`).
    pub recv: String,
    /// Go package (`orderitem`).
    pub pkg: String,
    /// Import alias of the application package (`orderitemapp`).
    pub app_pkg: String,
    /// Local variable name (`orderItem`, never a keyword).
    pub local: String,
    /// Table name as written in SQL (quoted when reserved).
    pub table: String,
    /// Table name unquoted (index and constraint names).
    pub table_raw: String,
    pub resource: String,
    /// Plural Go name for collections (`OrderItems`).
    pub plural: String,
    pub fields: Vec<FieldCtx>,
    /// Fields set on create (all but the state field).
    pub input_fields: Vec<FieldCtx>,
    pub filters: Vec<FieldCtx>,
    pub sorts: Vec<FieldCtx>,
    pub enums: Vec<EnumCtx>,
    pub state: Option<StateCtx>,
    /// PRD commands on one record that are neither CRUD nor transitions.
    pub record_actions: Vec<RecordActionCtx>,
    /// `POST /import` (a batch of creates in one transaction), when the PRD asks for it.
    pub import: Option<CollectionActionCtx>,
    /// `GET /export` (the filtered list as CSV), when the PRD asks for it.
    pub export: Option<CollectionActionCtx>,
    /// Entities referring to this one: (entity, field).
    pub referrers: Vec<ReferrerCtx>,
    /// Distinct entities this one refers to (other than itself), in field order.
    pub ref_targets: Vec<RefTargetCtx>,
    /// The field a PATCH in tests changes, when there is one.
    pub patch_field: Option<FieldCtx>,
    /// A required field an invalid body leaves out, when there is one.
    pub required_field: Option<FieldCtx>,
    /// JSON names of the fields a create body must have.
    pub create_required: Vec<String>,
    /// Broken invariants for domain tests.
    pub invalid_cases: Vec<InvalidCase>,
    /// A field with an invalid JSON value for 400 tests: (field, Go expression).
    pub invalid_field: Option<FieldCtx>,
    /// Comma-separated SQL column list (without `id`…): `email, full_name, "type"`.
    pub columns: Vec<String>,
    pub uses: Uses,
    /// Migration number when rendering a migration.
    pub migration: u32,
    /// The application package import path sorts before `…/application/decorator`.
    pub before_decorator: bool,
    /// The domain event type: `Event`, or `DomainEvent` in the package of an entity named Event.
    pub event_type: &'static str,
    /// Enabled capabilities' contexts of this entity, by capability name (`e.ext.events`).
    pub ext: std::collections::BTreeMap<&'static str, serde_json::Value>,
}

/// One broken invariant for domain tests: a statement on `f` (Fields) and the field it breaks.
#[derive(Debug, Clone, Serialize)]
pub struct InvalidCase {
    pub name: String,
    pub field: String,
    pub stmt: String,
    /// gofmt keeps `func(f *pkg.Fields) { stmt }` on one line only while it is short
    /// (go/printer's 100-byte limit on a function literal's header and body).
    pub multiline: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferrerCtx {
    pub entity: String,
    pub go_name: String,
    pub pkg: String,
    pub field_go: String,
    pub field_json: String,
    pub field_nullable: bool,
    pub resource: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefTargetCtx {
    /// The target itself refers to other entities.
    pub has_refs: bool,
    pub entity: String,
    pub go_name: String,
    pub pkg: String,
    pub table: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumCtx {
    /// Go type (`Status`).
    pub go_type: String,
    pub field: String,
    pub values: Vec<EnumValueCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValueCtx {
    pub value: String,
    /// Go constant (`StatusPending`).
    pub go_const: String,
    pub label: String,
    /// Go string literal of the value.
    pub lit: String,
    /// SQL string literal of the value.
    pub sql: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateCtx {
    pub field: FieldCtx,
    pub initial: EnumValueCtx,
    pub actions: Vec<ActionCtx>,
    /// For tests: an action legal from the initial state and the state it leads to.
    pub legal: ActionCtx,
    pub legal_to: EnumValueCtx,
    /// For tests: an action illegal in `legal_to`, when there is one.
    pub illegal: Option<ActionCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionCtx {
    pub name: String,
    pub label: String,
    /// Go method (`Pay`).
    pub go_name: String,
    /// URL segment (`mark-paid`).
    pub path: String,
    pub moves: Vec<MoveCtx>,
}

/// A record action (see [`crate::model::RecordAction`]): the generated command, handler and
/// route around a rule the user writes in a scaffold file.
#[derive(Debug, Clone, Serialize)]
pub struct RecordActionCtx {
    pub name: String,
    /// Exported method, command type and Handlers field (`CheckIn`).
    pub go_name: String,
    /// The user's rule method (`ruleCheckIn`).
    pub rule: String,
    /// The input type (`CheckInInput`).
    pub input: String,
    /// URL segment (`check-in`).
    pub path: String,
    /// File stem of the scaffold files (`check_in_action`).
    pub file: String,
    /// What the PRD asks, from its first use case (`assign a ticket to an agent`).
    pub title: String,
    /// The use cases asking for it: `UC-002 at line 17`.
    pub sources: Vec<String>,
}

/// A generated collection action (`import`, `export`) and the use cases asking for it.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionActionCtx {
    pub title: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MoveCtx {
    pub from: EnumValueCtx,
    pub to: EnumValueCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldCtx {
    pub name: String,
    /// Where the PRD defines it (0: a hand-edited model), for the data dictionary.
    pub line: u32,
    /// An enum's values (empty for other types), for the data dictionary.
    pub enum_values: Vec<EnumValueCtx>,
    pub label: String,
    pub description: String,
    /// JSON property (snake_case).
    pub json: String,
    /// Column as written in SQL (quoted when reserved).
    pub column: String,
    /// Exported Go name (`CustomerID`).
    pub go_name: String,
    /// Unexported Go name, never a keyword (`typeVal`).
    pub local: String,
    /// Model type name (`decimal`).
    pub ty: String,
    pub list: bool,
    pub required: bool,
    pub unique: bool,
    /// SQL NULL allowed: optional without a default (lists and JSON use empty/nil instead).
    pub nullable: bool,
    /// How the field is carried in Go: `value`, `nullable` (pointer) or `json` (nil = null).
    pub carry: &'static str,
    /// Domain Go type, pointer when nullable (`*civil.Date`).
    pub go_type: String,
    /// Domain Go type without the pointer (`civil.Date`).
    pub go_base: String,
    /// `go_type` / `go_base` as written outside the domain package (`*order.Status`).
    pub go_type_q: String,
    pub go_base_q: String,
    /// Element type of a list (`string`), else equal to `go_base`.
    pub go_elem: String,
    /// Go expression of the default, when there is one.
    pub default_go: Option<String>,
    pub sql_type: String,
    pub sql_default: Option<String>,
    pub max_length: Option<u32>,
    pub scale: u32,
    pub is_enum: bool,
    /// Enum Go type (`Status`).
    pub enum_type: String,
    pub is_state: bool,
    pub is_ref: bool,
    pub ref_go: String,
    pub ref_pkg: String,
    pub ref_table: String,
    /// The target table's name unquoted (the in-memory store's key).
    pub ref_table_raw: String,
    pub ref_resource: String,
    /// Validation kind of each value: `email`, `phone`, `url`, `enum`, `json`, or empty.
    pub check: &'static str,
    /// String-like (length and emptiness checks apply).
    pub stringy: bool,
    pub filterable: bool,
    pub sortable: bool,
    /// How a filter value is parsed from a query string: `string`, `uuid`, `int`, `enum`,
    /// `bool`, `civil`, `time`, `float`.
    pub parse: &'static str,
    /// How two values compare in memory: `string`, `ordered`, `time`, `civil`.
    pub cmp: &'static str,
    /// Collation clause for ORDER BY (byte order, same as the in-memory adapter).
    pub collate: &'static str,
    /// Go expressions building a valid value (`u` is a unique token string in scope).
    pub sample: String,
    pub sample2: String,
    /// Go expressions of the JSON form of `sample` / `sample2`.
    pub sample_json: String,
    pub sample2_json: String,
    /// `sample2` refers to the token `u`.
    pub sample2_uses_u: bool,
    /// Go expression of an invalid JSON value, when the type has one.
    pub invalid_json: Option<String>,
    /// Go expression of the field of DTO `d` as a CSV cell (export).
    pub csv_expr: String,
    /// OpenAPI schema (YAML flow mapping) of the field's value, with every constraint the
    /// domain's validate checks (a required text has minLength 1).
    pub oa_schema: String,
    /// OpenAPI schema of the field as a query filter: what the filter's parser checks (an
    /// equality filter on text takes any string).
    pub oa_filter: String,
    /// Go literal of the field's JSON name.
    pub json_lit: String,
}

fn go_str(s: &str) -> String {
    // Go string literal; serde_json's escaping is a subset of Go's.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn enum_values(f: &Field, enum_type: &str) -> Vec<EnumValueCtx> {
    let mut seen: Vec<String> = Vec::new();
    f.enum_values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let suffix = names::pascal(&v.value);
            let mut c = if suffix.is_empty() || !names::is_ascii_ident(&v.value.replace('.', "_")) {
                format!("{enum_type}Value{}", i + 1)
            } else {
                format!("{enum_type}{}", suffix.trim_start_matches('X'))
            };
            if c == enum_type || seen.contains(&c) {
                c = format!("{enum_type}Value{}", i + 1);
            }
            seen.push(c.clone());
            EnumValueCtx {
                value: v.value.clone(),
                go_const: c,
                label: comment_text(&v.label),
                lit: go_str(&v.value),
                sql: sql_str(&v.value),
            }
        })
        .collect()
}

fn is_stringy(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::String | FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Url
    )
}

fn base_type(t: FieldType, enum_type: &str) -> &str {
    match t {
        FieldType::String
        | FieldType::Text
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Url => "string",
        FieldType::Int | FieldType::Decimal => "int64",
        FieldType::Float => "float64",
        FieldType::Bool => "bool",
        FieldType::Date => "civil.Date",
        FieldType::Datetime => "time.Time",
        FieldType::Uuid | FieldType::Ref => "uuid.UUID",
        FieldType::Json => "json.RawMessage",
        FieldType::Enum => enum_type,
    }
}

fn sql_base(f: &Field) -> String {
    match f.ty {
        FieldType::String | FieldType::Email | FieldType::Phone | FieldType::Url => {
            match f.max_length {
                Some(n) if n > 0 => format!("varchar({n})"),
                _ => "text".to_string(),
            }
        }
        FieldType::Text | FieldType::Enum => "text".to_string(),
        FieldType::Int | FieldType::Decimal => "bigint".to_string(),
        FieldType::Float => "double precision".to_string(),
        FieldType::Bool => "boolean".to_string(),
        FieldType::Date => "date".to_string(),
        FieldType::Datetime => "timestamptz".to_string(),
        FieldType::Uuid | FieldType::Ref => "uuid".to_string(),
        FieldType::Json => "jsonb".to_string(),
    }
}

/// Decimal text (`12.5`) at `scale` places as integer minor units (`1250`).
fn decimal_minor(s: &str, scale: u32) -> Option<i64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() || frac.len() > scale as usize {
        return None;
    }
    let digits = format!("{int}{frac:0<width$}", width = scale as usize);
    let v: i64 = digits.parse().ok()?;
    Some(if neg { -v } else { v })
}

fn default_exprs(
    f: &Field,
    enum_vals: &[EnumValueCtx],
) -> Result<(Option<String>, Option<String>), String> {
    let Some(d) = &f.default else {
        return Ok((None, None));
    };
    if f.list {
        return Err(format!(
            "field {:?}: defaults on list fields are not supported",
            f.name
        ));
    }
    let bad = || {
        format!(
            "field {:?}: default {:?} is not a valid {}",
            f.name,
            d,
            f.ty.as_str()
        )
    };
    let scale = f.scale.unwrap_or(2);
    Ok(match f.ty {
        FieldType::String
        | FieldType::Text
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Url => (Some(go_str(d)), Some(sql_str(d))),
        FieldType::Int => {
            let v: i64 = d.trim().parse().map_err(|_| bad())?;
            (Some(v.to_string()), Some(v.to_string()))
        }
        FieldType::Decimal => {
            let v = decimal_minor(d, scale).ok_or_else(bad)?;
            (Some(v.to_string()), Some(v.to_string()))
        }
        FieldType::Float => {
            let v: f64 = d.trim().parse().map_err(|_| bad())?;
            if !v.is_finite() {
                return Err(bad());
            }
            (Some(format!("{v:?}")), Some(format!("{v:?}")))
        }
        FieldType::Bool => match d.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => (Some("true".into()), Some("true".into())),
            "false" | "0" | "no" => (Some("false".into()), Some("false".into())),
            _ => return Err(bad()),
        },
        FieldType::Enum => {
            let v = enum_vals.iter().find(|v| &v.value == d).ok_or_else(bad)?;
            (Some(v.go_const.clone()), Some(v.sql.clone()))
        }
        // Dates, instants, ids and JSON defaults have no portable literal: set by the caller.
        _ => (None, None),
    })
}

/// A short fixed token in samples so that `sample` and `sample2` differ.
fn samples(
    f: &Field,
    enum_vals: &[EnumValueCtx],
    ref_go: &str,
    pkg: &str,
) -> (String, String, String, String) {
    let max = f.max_length.unwrap_or(0);
    // Strings: a readable prefix plus the unique token, cut to max_length.
    let text = |prefix: &str| -> (String, String) {
        let e = if max > 0 {
            format!("clip({}, u, {max})", go_str(prefix))
        } else {
            format!("join({}, u)", go_str(prefix))
        };
        (e.clone(), e)
    };
    let (s1, j1, s2, j2) = match f.ty {
        FieldType::String | FieldType::Text => {
            let (a, b) = text(&format!("{}-", f.name.replace('_', "-")));
            let (c, d) = text("changed-");
            (a, b, c, d)
        }
        FieldType::Email => {
            let a = "join(\"u\", u, \"@example.com\")".to_string();
            let c = "join(\"v\", u, \"@example.com\")".to_string();
            (a.clone(), a, c.clone(), c)
        }
        FieldType::Phone => {
            let a = "join(\"+1555\", digits(u))".to_string();
            let c = "join(\"+1666\", digits(u))".to_string();
            (a.clone(), a, c.clone(), c)
        }
        FieldType::Url => {
            let a = "join(\"https://example.com/\", u)".to_string();
            let c = "join(\"https://example.org/\", u)".to_string();
            (a.clone(), a, c.clone(), c)
        }
        FieldType::Int => {
            if f.unique {
                let a = "int64(number(u))".to_string();
                let c = "int64(number(u[1:]))".to_string();
                (a.clone(), a, c.clone(), c)
            } else {
                ("3".into(), "3".into(), "4".into(), "4".into())
            }
        }
        FieldType::Decimal => {
            if f.unique {
                let a = "int64(number(u))".to_string();
                let c = "int64(number(u[1:]))".to_string();
                (a.clone(), a, c.clone(), c)
            } else {
                ("1999".into(), "1999".into(), "2500".into(), "2500".into())
            }
        }
        FieldType::Float => ("1.5".into(), "1.5".into(), "2.25".into(), "2.25".into()),
        FieldType::Bool => ("true".into(), "true".into(), "false".into(), "false".into()),
        FieldType::Date => (
            "civil.Date{Year: 2024, Month: time.May, Day: 1}".into(),
            "\"2024-05-01\"".into(),
            "civil.Date{Year: 2025, Month: time.June, Day: 30}".into(),
            "\"2025-06-30\"".into(),
        ),
        FieldType::Datetime => (
            "time.Date(2024, time.May, 1, 12, 30, 0, 0, time.UTC)".into(),
            "\"2024-05-01T12:30:00Z\"".into(),
            "time.Date(2025, time.June, 30, 8, 0, 0, 0, time.UTC)".into(),
            "\"2025-06-30T08:00:00Z\"".into(),
        ),
        FieldType::Uuid => (
            "uuid.NewSHA1(uuid.NameSpaceOID, []byte(u))".into(),
            "uuid.NewSHA1(uuid.NameSpaceOID, []byte(u)).String()".into(),
            "uuid.NewSHA1(uuid.NameSpaceURL, []byte(u))".into(),
            "uuid.NewSHA1(uuid.NameSpaceURL, []byte(u)).String()".into(),
        ),
        FieldType::Ref => (
            format!("refs.{ref_go}"),
            format!("refs.{ref_go}.String()"),
            format!("refs.{ref_go}"),
            format!("refs.{ref_go}.String()"),
        ),
        FieldType::Json => (
            "json.RawMessage(`{\"k\":1}`)".into(),
            "map[string]any{\"k\": 1}".into(),
            "json.RawMessage(`{\"k\":2}`)".into(),
            "map[string]any{\"k\": 2}".into(),
        ),
        FieldType::Enum => {
            let first = enum_vals.first();
            let second = enum_vals.get(1).or(first);
            let g = |v: Option<&EnumValueCtx>| {
                v.map(|v| format!("{pkg}.{}", v.go_const))
                    .unwrap_or_default()
            };
            let l = |v: Option<&EnumValueCtx>| v.map(|v| v.lit.clone()).unwrap_or_default();
            (g(first), l(first), g(second), l(second))
        }
    };
    if f.list {
        let elem = match f.ty {
            FieldType::Enum => "string".to_string(),
            t => base_type(t, "").to_string(),
        };
        return (
            format!("[]{elem}{{{s1}}}"),
            format!("[]any{{{j1}}}"),
            format!("[]{elem}{{{s2}}}"),
            format!("[]any{{{j2}}}"),
        );
    }
    (s1, j1, s2, j2)
}

fn invalid_json(f: &Field) -> Option<String> {
    if f.list {
        return Some("\"not-a-list\"".into());
    }
    match f.ty {
        FieldType::String | FieldType::Text => f
            .max_length
            .map(|n| format!("strings.Repeat(\"x\", {})", n + 1))
            .or_else(|| Some("42".into())),
        FieldType::Email => Some("\"not-an-email\"".into()),
        FieldType::Url => Some("\"not a url\"".into()),
        FieldType::Phone => Some("\"call me\"".into()),
        FieldType::Enum => Some("\"no-such-value\"".into()),
        FieldType::Date => Some("\"01/05/2024\"".into()),
        FieldType::Datetime => Some("\"yesterday\"".into()),
        FieldType::Int | FieldType::Decimal => Some("\"many\"".into()),
        FieldType::Float | FieldType::Bool | FieldType::Uuid | FieldType::Ref => {
            Some("\"?\"".into())
        }
        FieldType::Json => None,
    }
}

/// The schema of a query filter on `f`: the type the filter's parser checks, no length or
/// format (an equality filter on text takes any string, and matches nothing when no stored
/// value can be equal).
fn oa_filter(f: &Field, enum_vals: &[EnumValueCtx], ref_resource: &str) -> String {
    match f.ty {
        FieldType::String
        | FieldType::Text
        | FieldType::Email
        | FieldType::Phone
        | FieldType::Url => "{type: string}".to_string(),
        _ => {
            let plain = Field {
                list: false,
                required: false,
                ..f.clone()
            };
            oa_schema(&plain, enum_vals, ref_resource)
        }
    }
}

fn oa_schema(f: &Field, enum_vals: &[EnumValueCtx], ref_resource: &str) -> String {
    // A required text must not be empty (validate's "is required"): minLength 1 says so.
    let min = if f.required && !f.list {
        ", minLength: 1"
    } else {
        ""
    };
    let one = match f.ty {
        FieldType::String | FieldType::Text => match f.max_length {
            Some(n) => format!("{{type: string{min}, maxLength: {n}}}"),
            None => format!("{{type: string{min}}}"),
        },
        FieldType::Email => "{type: string, format: email}".to_string(),
        FieldType::Phone => "{type: string, pattern: '^\\+?[0-9 ()-]{5,20}$'}".to_string(),
        // validURL: an absolute http(s) URL.
        FieldType::Url => {
            "{type: string, format: uri, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]'}".to_string()
        }
        FieldType::Int => "{type: integer, format: int64}".to_string(),
        FieldType::Decimal => format!(
            "{{type: integer, format: int64, description: {}}}",
            yaml_str(&format!(
                "fixed-point amount in minor units ({} decimal places)",
                f.scale.unwrap_or(2)
            ))
        ),
        FieldType::Float => "{type: number, format: double}".to_string(),
        FieldType::Bool => "{type: boolean}".to_string(),
        FieldType::Date => "{type: string, format: date}".to_string(),
        FieldType::Datetime => "{type: string, format: date-time}".to_string(),
        FieldType::Uuid => "{type: string, format: uuid}".to_string(),
        FieldType::Ref => format!(
            "{{type: string, format: uuid, description: {}}}",
            yaml_str(&format!("id of a resource in /api/v1/{ref_resource}"))
        ),
        FieldType::Json => "{}".to_string(),
        FieldType::Enum => format!(
            "{{type: string, enum: [{}]}}",
            enum_vals
                .iter()
                .map(|v| yaml_str(&v.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    match (f.list, f.required) {
        // validate: a required list "must not be empty".
        (true, true) => format!("{{type: array, minItems: 1, items: {one}}}"),
        (true, false) => format!("{{type: array, items: {one}}}"),
        _ => one,
    }
}

/// Go names of an entity's domain package that an enum type named like a field must not take
/// (see `check_go_names`).
const DOMAIN_NAMESPACES: &[&str] = &[
    "Snapshot",
    "Fields",
    "Patch",
    "Filter",
    "ListQuery",
    "SortField",
    "Repository",
];

fn field_ctx(model: &Model, e: &Entity, f: &Field) -> Result<FieldCtx, String> {
    let go_name = names::go_field(&f.name);
    let is_enum = f.ty == FieldType::Enum;
    let mut enum_type = if is_enum {
        go_name.clone()
    } else {
        String::new()
    };
    // The entity's own type, and the domain package's types, take a suffix; `Sort…` is the
    // namespace of the sort fields (`SortValue`, `ParseSort`): `sort` → `Sorting`.
    if is_enum
        && (enum_type == names::pascal(&e.name) || DOMAIN_NAMESPACES.contains(&enum_type.as_str()))
    {
        enum_type.push_str("Value");
    }
    if let Some(rest) = enum_type.strip_prefix("Sort") {
        if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()) {
            enum_type = format!("Sorting{rest}");
        }
    }
    let enum_vals = if is_enum {
        enum_values(f, &enum_type)
    } else {
        Vec::new()
    };
    if is_enum && enum_vals.is_empty() {
        return Err(format!("field {:?}: an enum needs values", f.name));
    }
    if f.list
        && matches!(
            f.ty,
            FieldType::Date
                | FieldType::Datetime
                | FieldType::Json
                | FieldType::Ref
                | FieldType::Uuid
                | FieldType::Enum
        )
    {
        return Err(format!(
            "field {:?}: lists of {} are not supported yet",
            f.name,
            f.ty.as_str()
        ));
    }
    let is_state = e
        .state_machine
        .as_ref()
        .is_some_and(|sm| sm.field == f.name);
    let (ref_go, ref_pkg, ref_table, ref_table_raw, ref_resource) = match (&f.references, f.ty) {
        (Some(t), FieldType::Ref) => {
            let target = model
                .entity(t)
                .ok_or_else(|| format!("field {:?} refers to unknown entity {t:?}", f.name))?;
            (
                names::pascal(&target.name),
                names::go_package(&target.name),
                names::sql_ident(&target.table),
                target.table.clone(),
                target.resource.clone(),
            )
        }
        (None, FieldType::Ref) => {
            return Err(format!("field {:?}: a ref needs `references`", f.name))
        }
        _ => Default::default(),
    };
    let is_ref = f.ty == FieldType::Ref;
    let base = base_type(f.ty, &enum_type).to_string();
    let (default_go, sql_default) = default_exprs(f, &enum_vals)?;
    let nullable = !f.required && f.default.is_none() && !f.list && f.ty != FieldType::Json;
    let carry = if f.ty == FieldType::Json && !f.list {
        "json"
    } else if nullable {
        "nullable"
    } else {
        "value"
    };
    let (go_elem, go_base) = if f.list {
        let elem = base.clone();
        (elem.clone(), format!("[]{elem}"))
    } else {
        (base.clone(), base.clone())
    };
    let go_type = if nullable {
        format!("*{go_base}")
    } else {
        go_base.clone()
    };
    let pkg = names::go_package(&e.name);
    let qualify = |t: &str| -> String {
        if is_enum {
            let stripped = t.trim_start_matches(['*', '[', ']']);
            format!("{}{pkg}.{stripped}", &t[..t.len() - stripped.len()])
        } else {
            t.to_string()
        }
    };
    let go_type_q = qualify(&go_type);
    let go_base_q = qualify(&go_base);
    let mut sql_type = sql_base(f);
    if f.list {
        sql_type.push_str("[]");
    }
    let check = if f.list && is_enum {
        "enum"
    } else {
        match f.ty {
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Enum => "enum",
            FieldType::Json => "json",
            _ => "",
        }
    };
    let scalar = !f.list && f.ty != FieldType::Json;
    // An owner field filters the list of a caller limited to its own rows (auth's ownership).
    let owner = model.has_capability("auth")
        && model.actors.iter().any(|a| {
            a.owns
                .iter()
                .any(|o| o.entity == e.name && o.field == f.name)
        });
    let filterable = scalar && (is_enum || f.unique || is_ref || owner || f.name == "tenant_id");
    let sortable = scalar
        && matches!(
            f.ty,
            FieldType::String
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Int
                | FieldType::Decimal
                | FieldType::Float
                | FieldType::Date
                | FieldType::Datetime
                | FieldType::Enum
        );
    let parse = match f.ty {
        FieldType::Ref | FieldType::Uuid => "uuid",
        FieldType::Int | FieldType::Decimal => "int",
        FieldType::Float => "float",
        FieldType::Bool => "bool",
        FieldType::Date => "civil",
        FieldType::Datetime => "time",
        FieldType::Enum => "enum",
        _ => "string",
    };
    let cmp = match f.ty {
        FieldType::Date => "civil",
        FieldType::Datetime => "time",
        _ => "ordered",
    };
    let collate = if matches!(
        f.ty,
        FieldType::String
            | FieldType::Text
            | FieldType::Email
            | FieldType::Phone
            | FieldType::Url
            | FieldType::Enum
    ) {
        " COLLATE \"C\""
    } else {
        ""
    };
    let (sample, sample_json, sample2, sample2_json) =
        samples(f, &enum_vals, &ref_go, &names::go_package(&e.name));
    let sample2_uses_u =
        sample2.contains(", u") || sample2.contains("(u") || sample2.contains("(u)");
    let (sample, sample2) = if nullable && go_base == "int64" {
        // An untyped constant would make ptr infer *int.
        (
            format!("ptr(int64({sample}))"),
            format!("ptr(int64({sample2}))"),
        )
    } else if nullable {
        (format!("ptr({sample})"), format!("ptr({sample2})"))
    } else {
        (sample, sample2)
    };
    let csv_expr = csv_expr(
        f,
        &go_name,
        nullable,
        &enum_type,
        &names::go_package(&e.name),
    );
    Ok(FieldCtx {
        name: f.name.clone(),
        line: f.line,
        enum_values: enum_vals.clone(),
        label: if f.label.is_empty() {
            f.name.clone()
        } else {
            comment_text(&f.label)
        },
        description: f.description.clone(),
        json: f.name.clone(),
        json_lit: go_str(&f.name),
        column: names::sql_ident(&f.name),
        go_name,
        local: names::go_local(&f.name),
        ty: f.ty.as_str().to_string(),
        list: f.list,
        required: f.required,
        unique: f.unique,
        nullable,
        carry,
        go_type,
        go_base,
        go_type_q,
        go_base_q,
        go_elem,
        default_go,
        sql_type,
        sql_default,
        max_length: f.max_length.filter(|n| *n > 0 && is_stringy(f.ty)),
        scale: f.scale.unwrap_or(2),
        is_enum,
        enum_type,
        is_state,
        is_ref,
        ref_go,
        ref_pkg,
        ref_table,
        ref_table_raw,
        ref_resource: ref_resource.clone(),
        check,
        stringy: is_stringy(f.ty) && !f.list,
        filterable,
        sortable,
        parse,
        cmp,
        collate,
        sample,
        sample2,
        sample_json,
        sample2_json,
        sample2_uses_u,
        invalid_json: invalid_json(f),
        oa_schema: oa_schema(f, &enum_vals, &ref_resource),
        oa_filter: oa_filter(f, &enum_vals, &ref_resource),
        csv_expr,
    })
}

/// How an export writes a field of DTO `d`: typed helpers of `csv.gen.go`, `csvOpt` around
/// them for optional fields.
fn csv_expr(f: &Field, go_name: &str, nullable: bool, enum_type: &str, pkg: &str) -> String {
    let v = format!("d.{go_name}");
    if f.list {
        return format!("csvJSON({v})");
    }
    let scale = f.scale.unwrap_or(2);
    let (plain, opt) = match f.ty {
        FieldType::Json => return format!("csvRaw({v})"),
        FieldType::Enum => (
            format!("csvEnum({v})"),
            format!("csvOpt({v}, csvEnum[{pkg}.{enum_type}])"),
        ),
        FieldType::Int => (format!("csvInt({v})"), format!("csvOpt({v}, csvInt)")),
        FieldType::Decimal => (
            format!("csvDecimal({v}, {scale})"),
            format!("csvOpt({v}, func(v int64) string {{ return csvDecimal(v, {scale}) }})"),
        ),
        FieldType::Float => (format!("csvFloat({v})"), format!("csvOpt({v}, csvFloat)")),
        FieldType::Bool => (format!("csvBool({v})"), format!("csvOpt({v}, csvBool)")),
        FieldType::Datetime => (format!("csvTime({v})"), format!("csvOpt({v}, csvTime)")),
        FieldType::Date | FieldType::Uuid | FieldType::Ref => {
            (format!("{v}.String()"), format!("csvOptString({v})"))
        }
        _ => (format!("csvText({v})"), format!("csvOpt({v}, csvText)")),
    };
    if nullable {
        opt
    } else {
        plain
    }
}

fn enum_ctx(f: &Field, fc: &FieldCtx) -> EnumCtx {
    EnumCtx {
        go_type: fc.enum_type.clone(),
        field: f.name.clone(),
        values: enum_values(f, &fc.enum_type),
    }
}

fn state_ctx(
    e: &Entity,
    fields: &[FieldCtx],
    enums: &[EnumCtx],
) -> Result<Option<StateCtx>, String> {
    let Some(sm) = &e.state_machine else {
        return Ok(None);
    };
    let field = fields
        .iter()
        .find(|f| f.name == sm.field)
        .ok_or_else(|| format!("{}: state machine field {:?} is missing", e.name, sm.field))?;
    if !field.is_enum || field.list {
        return Err(format!(
            "{}: state machine field {:?} must be a single enum",
            e.name, sm.field
        ));
    }
    let en = enums
        .iter()
        .find(|x| x.field == sm.field)
        .ok_or_else(|| format!("{}: state field {:?} has no values", e.name, sm.field))?;
    let val = |s: &str| -> Result<EnumValueCtx, String> {
        en.values
            .iter()
            .find(|v| v.value == s)
            .cloned()
            .ok_or_else(|| format!("{}: state {s:?} is not a value of {:?}", e.name, sm.field))
    };
    let mut actions: Vec<ActionCtx> = Vec::new();
    for t in &sm.transitions {
        let mv = MoveCtx {
            from: val(&t.from)?,
            to: val(&t.to)?,
        };
        match actions.iter_mut().find(|a| a.name == t.action) {
            Some(a) => a.moves.push(mv),
            None => actions.push(ActionCtx {
                name: t.action.clone(),
                label: if t.label.is_empty() {
                    t.action.clone()
                } else {
                    comment_text(&t.label)
                },
                go_name: names::pascal(&t.action),
                path: names::kebab(&t.action),
                moves: vec![mv],
            }),
        }
    }
    let initial = val(&sm.initial)?;
    let Some((legal, legal_to)) = actions.iter().find_map(|a| {
        a.moves
            .iter()
            .find(|m| m.from.value == initial.value)
            .map(|m| (a.clone(), m.to.clone()))
    }) else {
        return Err(format!(
            "{}: no transition leaves the initial state {:?}",
            e.name, sm.initial
        ));
    };
    let illegal = actions
        .iter()
        .find(|a| a.moves.iter().all(|m| m.from.value != legal_to.value))
        .cloned();
    Ok(Some(StateCtx {
        field: field.clone(),
        initial,
        actions,
        legal,
        legal_to,
        illegal,
    }))
}

fn entity_uses(fields: &[FieldCtx], state: bool) -> Uses {
    let any = |p: &dyn Fn(&FieldCtx) -> bool| fields.iter().any(p);
    Uses {
        record_actions: false,
        import: false,
        export: false,
        civil: any(&|f| f.ty == "date"),
        json: any(&|f| f.ty == "json"),
        time_field: any(&|f| f.ty == "datetime"),
        utf8: any(&|f| f.max_length.is_some()),
        mail: any(&|f| f.check == "email"),
        url: any(&|f| f.check == "url"),
        regexp: any(&|f| f.check == "phone"),
        enums: any(&|f| f.is_enum),
        refs: any(&|f| f.is_ref),
        state_machine: state,
        lists: any(&|f| f.list),
        strings: any(&|f| f.stringy && f.required),
        nullable: any(&|f| f.nullable),
        filters: any(&|f| f.filterable),
        filter_uuid: any(&|f| f.filterable && f.parse == "uuid"),
        filter_int: any(&|f| f.filterable && f.parse == "int"),
        filter_civil: any(&|f| f.filterable && f.parse == "civil"),
        filter_string: any(&|f| f.filterable && f.parse == "string"),
        filter_float: any(&|f| f.filterable && f.parse == "float"),
        filter_time: any(&|f| f.filterable && f.parse == "time"),
        slices: any(&|f| f.list),
        bytes: any(&|f| f.ty == "json"),
        cmp_time: any(&|f| f.sortable && f.cmp == "time"),
        cmp: any(&|f| f.sortable && f.cmp == "ordered" && !f.nullable),
        sort_nullable_ordered: any(&|f| f.sortable && f.nullable && f.cmp == "ordered"),
        sort_nullable_by: any(&|f| f.sortable && f.nullable && f.cmp != "ordered"),
        sort_fields: any(&|f| f.sortable),
        dates_nullable: any(&|f| f.ty == "date" && f.nullable),
        dates_value: any(&|f| f.ty == "date" && !f.nullable),
        datetimes_nullable: any(&|f| f.ty == "datetime" && f.nullable),
        patch_strings: any(&|f| f.max_length.is_some() && !f.is_state),
        h_clip: any(&|f| !f.is_state && f.sample_json.contains("clip(")),
        h_digits: any(&|f| !f.is_state && f.sample_json.contains("digits(")),
        h_join: any(&|f| !f.is_state && f.sample_json.contains("join(")),
        h_number: any(&|f| !f.is_state && f.sample_json.contains("number(")),
        h_ptr: any(&|f| !f.is_state && f.sample.starts_with("ptr(")),
        h_uuid: any(&|f| !f.is_state && f.sample_json.contains("uuid.")),
    }
}

fn invalid_cases(f: &FieldCtx, pkg: &str) -> Vec<InvalidCase> {
    let mut out = Vec::new();
    let wrap = |v: String| -> String {
        if f.list {
            format!("{}{{{v}}}", f.go_base)
        } else if f.carry == "nullable" {
            format!("ptr({v})")
        } else {
            v
        }
    };
    let mut push = |what: &str, v: String| {
        let stmt = format!("f.{} = {v}", f.go_name);
        let header = "func(f *".len() + pkg.len() + ".Fields)".len();
        out.push(InvalidCase {
            name: format!("{} {what}", f.json),
            field: f.json.clone(),
            multiline: header + stmt.len() > 100,
            stmt,
        })
    };
    if f.required && f.carry == "value" && !f.list {
        if f.stringy {
            push("empty", "\"\"".to_string());
        } else if f.is_ref {
            push("missing", "uuid.Nil".to_string());
        }
    }
    if f.list && f.required {
        push("empty", "nil".to_string());
    }
    if f.carry == "json" {
        if f.required {
            push("missing", "nil".to_string());
        }
        push("not JSON", "json.RawMessage(`{`)".to_string());
    }
    if let Some(n) = f.max_length {
        push(
            "too long",
            wrap(format!("strings.Repeat(\"x\", {})", n + 1)),
        );
    }
    match f.check {
        "email" => push("not an email", wrap("\"not-an-email\"".into())),
        "phone" => push("not a phone number", wrap("\"call me\"".into())),
        "url" => push("not a URL", wrap("\"not a url\"".into())),
        "enum" if !f.list => push(
            "not a value",
            wrap(format!("{pkg}.{}(\"no-such-value\")", f.enum_type)),
        ),
        _ => {}
    }
    if f.ty == "date" {
        push(
            "not a day",
            wrap("civil.Date{Year: 2023, Month: time.February, Day: 30}".into()),
        );
    }
    out
}

fn entity_ctx(model: &Model, e: &Entity) -> Result<EntityCtx, String> {
    let at = |m: String| format!("entity {}: {m}", e.name);
    if !names::is_ascii_ident(&e.name) || names::pascal(&e.name).is_empty() {
        return Err(at("the name is not an ASCII identifier".into()));
    }
    let mut fields = Vec::new();
    let mut enums = Vec::new();
    for f in &e.fields {
        if matches!(
            f.name.as_str(),
            "id" | "version" | "created_at" | "updated_at"
        ) {
            return Err(at(format!(
                "field {:?} is implicit and cannot be declared",
                f.name
            )));
        }
        if !names::is_ascii_ident(&f.name) {
            return Err(at(format!("field {:?} is not an ASCII identifier", f.name)));
        }
        let fc = field_ctx(model, e, f).map_err(at)?;
        if fc.is_enum {
            enums.push(enum_ctx(f, &fc));
        }
        fields.push(fc);
    }
    let state = state_ctx(e, &fields, &enums).map_err(at)?;
    let record_actions = record_actions_ctx(model, e).map_err(at)?;
    let collection = |name: &'static str| {
        model
            .collection_action(e, name)
            .map(|a| CollectionActionCtx {
                title: a.title().to_string(),
                sources: sources(&a.use_cases),
            })
    };
    let (import, export) = (collection("import"), collection("export"));
    // The domain event type yields to an entity named Event.
    let event_type = if names::pascal(&e.name) == "Event" {
        "DomainEvent"
    } else {
        "Event"
    };
    check_go_names(
        e,
        &GoNames {
            fields: &fields,
            enums: &enums,
            state: state.as_ref(),
            record_actions: &record_actions,
            bulk: [import.is_some(), export.is_some()],
            extra: crate::capability::domain_names(model, e, event_type),
        },
    )
    .map_err(at)?;
    let input_fields: Vec<FieldCtx> = fields.iter().filter(|f| !f.is_state).cloned().collect();
    let referrers = model
        .entities
        .iter()
        .flat_map(|o| {
            o.fields
                .iter()
                .filter(|f| f.ty == FieldType::Ref && f.references.as_deref() == Some(&e.name))
                .filter(move |_| o.name != e.name)
                .map(move |f| ReferrerCtx {
                    entity: o.name.clone(),
                    go_name: names::pascal(&o.name),
                    pkg: names::go_package(&o.name),
                    field_go: names::go_field(&f.name),
                    field_json: f.name.clone(),
                    field_nullable: !f.required && f.default.is_none(),
                    resource: o.resource.clone(),
                })
        })
        .collect();
    let mut ref_targets: Vec<RefTargetCtx> = Vec::new();
    for f in &fields {
        if f.is_ref
            && f.ref_go != names::pascal(&e.name)
            && !ref_targets.iter().any(|r| r.go_name == f.ref_go)
        {
            if let Some(t) = e
                .fields
                .iter()
                .find(|x| x.name == f.name)
                .and_then(|x| x.references.as_ref())
            {
                let has_refs = model.entity(t).is_some_and(|te| {
                    te.fields
                        .iter()
                        .any(|x| x.ty == FieldType::Ref && x.references.as_deref() != Some(t))
                });
                ref_targets.push(RefTargetCtx {
                    has_refs,
                    entity: t.clone(),
                    go_name: f.ref_go.clone(),
                    pkg: f.ref_pkg.clone(),
                    table: f.ref_table.clone(),
                });
            }
        }
    }
    if fields
        .iter()
        .any(|f| f.is_ref && f.ref_go == names::pascal(&e.name))
    {
        return Err(at("self-references are not supported yet".into()));
    }
    let patch_field = input_fields
        .iter()
        .find(|f| !f.unique && !f.is_ref && f.ty != "json" && !f.list && f.sample != f.sample2)
        .or_else(|| {
            input_fields
                .iter()
                .find(|f| !f.is_ref && f.sample != f.sample2)
        })
        .cloned();
    let pkg = names::go_package(&e.name);
    let required_field = input_fields
        .iter()
        .find(|f| f.required && f.default_go.is_none())
        .cloned();
    let uses = entity_uses(&fields, state.is_some());
    let invalid_cases = input_fields
        .iter()
        .flat_map(|f| invalid_cases(f, &pkg))
        .collect();
    let invalid_field = input_fields
        .iter()
        .find(|f| f.invalid_json.is_some() && !f.is_ref)
        .or_else(|| input_fields.iter().find(|f| f.invalid_json.is_some()))
        .cloned();
    let before_decorator = pkg.as_str() < "decorator";
    let create_required = input_fields
        .iter()
        .filter(|f| f.required && f.default_go.is_none())
        .map(|f| f.json.clone())
        .collect();
    Ok(EntityCtx {
        name: e.name.clone(),
        label: comment_text(&e.label),
        msg_name: if e.label.is_ascii() && !e.label.is_empty() {
            e.label.clone()
        } else {
            names::pascal(&e.name)
        },
        description: e.description.clone(),
        go_name: names::pascal(&e.name),
        recv: names::receiver(&e.name),
        app_pkg: format!("{pkg}app"),
        pkg,
        local: names::go_local(&e.name),
        table: names::sql_ident(&e.table),
        table_raw: e.table.clone(),
        resource: e.resource.clone(),
        plural: names::pascal(&names::plural(&e.name)),
        columns: fields.iter().map(|f| f.column.clone()).collect(),
        filters: fields.iter().filter(|f| f.filterable).cloned().collect(),
        sorts: fields.iter().filter(|f| f.sortable).cloned().collect(),
        fields,
        input_fields,
        enums,
        state,
        record_actions,
        import,
        export,
        referrers,
        ref_targets,
        patch_field,
        required_field,
        before_decorator,
        create_required,
        invalid_cases,
        invalid_field,
        uses,
        migration: 0,
        event_type,
        ext: Default::default(),
    })
}

/// What an entity's generated Go declares, for [`check_go_names`].
struct GoNames<'a> {
    fields: &'a [FieldCtx],
    enums: &'a [EnumCtx],
    state: Option<&'a StateCtx>,
    record_actions: &'a [RecordActionCtx],
    /// Import, export generated.
    bulk: [bool; 2],
    /// What the enabled capabilities declare in the domain package.
    extra: crate::capability::DomainNames,
}

/// The Go identifiers generated per entity must not collide: methods of the aggregate,
/// fields of the Handlers struct, types of the domain and of the application package.
fn check_go_names(e: &Entity, n: &GoNames<'_>) -> Result<(), String> {
    let owned = |xs: &[&str]| -> Vec<String> { xs.iter().map(|s| s.to_string()).collect() };
    let transitions: Vec<String> = n
        .state
        .map(|st| st.actions.iter().map(|a| a.go_name.clone()).collect())
        .unwrap_or_default();
    let actions: Vec<String> = n.record_actions.iter().map(|a| a.go_name.clone()).collect();

    let mut methods = owned(&[
        "ID",
        "Version",
        "CreatedAt",
        "UpdatedAt",
        "Snapshot",
        "Update",
    ]);
    methods.extend(n.extra.methods.iter().cloned());
    methods.extend(n.fields.iter().map(|f| f.go_name.clone()));
    methods.extend(transitions.iter().cloned());
    methods.extend(actions.iter().cloned());

    let mut handlers = owned(&["Create", "Update", "Delete", "Get", "List"]);
    handlers.extend(transitions);
    handlers.extend(actions.iter().cloned());
    for (on, name) in n.bulk.iter().zip(["Import", "Export"]) {
        if *on {
            handlers.push(name.into());
        }
    }

    let mut domain_types = owned(&[
        "Snapshot",
        "Fields",
        "Patch",
        "Filter",
        "ListQuery",
        "SortField",
        "Repository",
    ]);
    domain_types.push(names::pascal(&e.name));
    domain_types.extend(n.enums.iter().map(|en| en.go_type.clone()));
    domain_types.extend(n.record_actions.iter().map(|a| a.input.clone()));
    domain_types.extend(n.extra.package.iter().cloned());

    let mut app_types = owned(&[
        "Act",
        "Transition",
        "DTO",
        "Page",
        "Handlers",
        "Create",
        "Update",
        "Delete",
        "Get",
        "List",
        "Import",
        "Export",
    ]);
    app_types.extend(actions);

    let checks = [
        (methods, "the Go name {} is used twice (a field or action named like a built-in method: ID, Version, Snapshot, Events, Update, Create, Delete, Get, List); rename it"),
        (handlers, "the Go name {} is used twice (a field or action named like a built-in method: ID, Version, Snapshot, Events, Update, Create, Delete, Get, List); rename it"),
        (domain_types, "the Go type {} is declared twice in its domain package (the entity, an enum or an action input named like Snapshot, Fields, Patch, Filter, ListQuery, SortField or Repository); rename it (in the PRD, or with `name:` in backend-pro.yaml)"),
        (app_types, "the Go type {} is declared twice in its application package (an action named like Act, Transition, DTO, Page, Handlers, Create, Update, Delete, Get, List, Import or Export); rename it (in the PRD, or with `name:` in backend-pro.yaml)"),
    ];
    for (list, message) in checks {
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = list.iter().find(|x| !seen.insert(*x)) {
            return Err(message.replace("{}", dup));
        }
    }
    Ok(())
}

fn sources(use_cases: &[&crate::model::UseCase]) -> Vec<String> {
    use_cases
        .iter()
        .map(|u| format!("{} at line {}", u.id, u.line))
        .collect()
}

fn record_actions_ctx(model: &Model, e: &Entity) -> Result<Vec<RecordActionCtx>, String> {
    let mut out = Vec::new();
    for a in model.record_actions(e) {
        if !names::is_ascii_ident(a.name) || names::pascal(a.name).is_empty() {
            return Err(format!("action {:?} is not an ASCII identifier", a.name));
        }
        let go_name = names::pascal(a.name);
        out.push(RecordActionCtx {
            name: a.name.to_string(),
            rule: format!("rule{go_name}"),
            input: format!("{go_name}Input"),
            path: names::kebab(a.name),
            file: names::record_action_file(a.name),
            title: a.title().to_string(),
            sources: sources(&a.use_cases),
            go_name,
        });
    }
    Ok(out)
}

/// Per entity (its index in `model.entities`), what the templates cannot render: colliding
/// generated Go names, a Go package used twice. `validate` reports these at the entity.
pub fn entity_problems(model: &Model) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut pkgs = std::collections::BTreeSet::new();
    for (i, e) in model.entities.iter().enumerate() {
        match entity_ctx(model, e) {
            Ok(c) if !pkgs.insert(c.pkg.clone()) => {
                out.push((i, format!("Go package {:?} is used twice", c.pkg)))
            }
            Ok(_) => {}
            Err(m) => {
                let prefix = format!("entity {}: ", e.name);
                out.push((i, m.strip_prefix(&prefix).map_or(m.clone(), str::to_string)))
            }
        }
    }
    out
}

/// Builds the project context; every model problem the templates cannot handle is an error.
pub fn project(model: &Model, opts: &Options) -> Result<ProjectCtx, ContextError> {
    let mut entities = Vec::new();
    let mut errors = Vec::new();
    let mut pkgs = std::collections::BTreeSet::new();
    for e in &model.entities {
        match entity_ctx(model, e) {
            Ok(mut c) => {
                c.ext = crate::capability::entity_ext(model, e, &c);
                if !pkgs.insert(c.pkg.clone()) {
                    errors.push(format!(
                        "entity {}: Go package {:?} is used twice",
                        e.name, c.pkg
                    ));
                }
                entities.push(c)
            }
            Err(m) => errors.push(m),
        }
    }
    if model.entities.is_empty() {
        errors.push("the model has no entities".to_string());
    }
    if !errors.is_empty() {
        return Err(ContextError(errors.join("\n")));
    }
    let ordered: Vec<usize> = crate::plan::dependency_order(model)
        .into_iter()
        .filter_map(|e| entities.iter().position(|c| c.name == e.name))
        .collect();
    let all: Vec<FieldCtx> = entities.iter().flat_map(|e| e.fields.clone()).collect();
    let mut uses = entity_uses(&all, entities.iter().any(|e| e.state.is_some()));
    uses.record_actions = entities.iter().any(|e| !e.record_actions.is_empty());
    uses.import = entities.iter().any(|e| e.import.is_some());
    uses.export = entities.iter().any(|e| e.export.is_some());
    let referenced: Vec<RefTargetCtx> = ordered
        .iter()
        .map(|&i| &entities[i])
        .filter(|e| !e.referrers.is_empty())
        .map(|e| RefTargetCtx {
            has_refs: !e.ref_targets.is_empty(),
            entity: e.name.clone(),
            go_name: e.go_name.clone(),
            pkg: e.pkg.clone(),
            table: e.table.clone(),
        })
        .collect();
    let mut csv_helpers = std::collections::BTreeSet::new();
    for e in entities.iter().filter(|e| e.export.is_some()) {
        for f in &e.fields {
            csv_helpers.extend(
                CSV_HELPER
                    .find_iter(&f.csv_expr)
                    .map(|m| m.as_str().to_string()),
            );
        }
    }
    let mut by_pkg: Vec<usize> = (0..entities.len()).collect();
    by_pkg.sort_by(|&a, &b| entities[a].pkg.cmp(&entities[b].pkg));
    let mut p = ProjectCtx {
        by_pkg,
        module: opts.module.clone(),
        lang: opts.lang.as_str(),
        service: ServiceCtx {
            name: model.service.name.clone(),
            title: model.service.title.clone(),
            description: model.service.description.clone(),
            snake: names::snake(&model.service.name),
        },
        names: entities.iter().map(|e| e.name.clone()).collect(),
        entities,
        referenced,
        ordered,
        uses,
        csv_helpers: csv_helpers.into_iter().collect(),
        rules: rules_ctx(model),
        runtime: RuntimeCtx::from_nfr(&model.nfr),
        limits: LIMITS,
        ext: Default::default(),
        caps: crate::capability::enabled(model)
            .iter()
            .map(|c| c.name)
            .collect(),
    };
    p.ext = crate::capability::project_ext(model, &p);
    Ok(p)
}

fn rules_ctx(model: &Model) -> Vec<RuleCtx> {
    model
        .rules
        .iter()
        .map(|r| {
            let e = r.entity.as_deref().and_then(|n| model.entity(n));
            let file = match e {
                Some(e) if r.others.is_empty() => {
                    format!("internal/domain/{}/", names::go_package(&e.name))
                }
                Some(e) => format!("internal/application/{}/", names::go_package(&e.name)),
                None => "internal/app/app.go".to_string(),
            };
            RuleCtx {
                text: r.text.replace('|', "\\|").replace(['\n', '\r'], " "),
                line: r.line,
                entity: e.map(|e| e.label.clone()).unwrap_or_default(),
                file,
            }
        })
        .collect()
}

/// Text that appears in Go comments, as gofmt leaves it: gofmt rewrites the doc-comment
/// quote pairs ``` `` ``` and `''` to typographic quotes, and a line break would end the comment.
fn comment_text(s: &str) -> String {
    s.replace("``", "\"\"")
        .replace("''", "\"\"")
        .replace(['\n', '\r'], " ")
}

static CSV_HELPER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\bcsv[A-Z][A-Za-z]*").expect("csv helper regex")
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::edit::add_entity;
    use crate::model::{Lang, UseCase, UseCaseKind};

    fn model(entities: &[&str]) -> Model {
        let mut m = Model::empty("s", Lang::En);
        for e in entities {
            m = add_entity(&m, e, e, vec![Field::new("name", FieldType::String)]).expect("entity");
        }
        m
    }

    fn command(id: &str, entity: &str, action: &str) -> UseCase {
        UseCase {
            id: id.into(),
            title: format!("{action} a {entity}"),
            actor: "user".into(),
            kind: UseCaseKind::Command,
            entity: Some(entity.into()),
            action: Some(action.into()),
            line: 7,
        }
    }

    fn opts() -> Options {
        Options {
            module: "example.com/s".into(),
            lang: Lang::En,
        }
    }

    #[test]
    fn record_actions_are_other_commands_on_one_record() {
        let mut m = model(&["Ticket"]);
        m.use_cases = vec![
            command("UC-1", "Ticket", "assign"),
            command("UC-2", "Ticket", "create"),
            command("UC-3", "Ticket", "export"),
            command("UC-4", "Ticket", "check_in"),
            command("UC-5", "Ticket", "assign"),
        ];
        let p = project(&m, &opts()).expect("context");
        let a = &p.entities[0].record_actions;
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["assign", "check_in"]);
        assert_eq!(a[0].sources, ["UC-1 at line 7", "UC-5 at line 7"]);
        assert_eq!(
            (
                a[1].go_name.as_str(),
                a[1].rule.as_str(),
                a[1].input.as_str()
            ),
            ("CheckIn", "ruleCheckIn", "CheckInInput")
        );
        assert_eq!(
            (a[1].path.as_str(), a[1].file.as_str()),
            ("check-in", "check_in_action")
        );
        assert!(p.uses.record_actions);
    }

    #[test]
    fn an_entity_named_event_keeps_its_name() {
        let p = project(&model(&["Event", "Ticket"]), &opts()).expect("context");
        assert_eq!(p.entities[0].event_type, "DomainEvent");
        assert_eq!(p.entities[1].event_type, "Event");
    }

    #[test]
    fn type_collisions_are_refused() {
        let err = project(&model(&["Filter"]), &opts()).expect_err("Filter collides");
        assert!(
            err.0.contains("the Go type Filter is declared twice"),
            "{err}"
        );
    }
}
