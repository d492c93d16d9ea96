//! Type words, constraint words and enum value lists (docs/MODEL.md, "Types").
//!
//! Everything here works on one cell or one fragment of text. Entity names are looked up
//! through [`Lookup`] so that a type can name an entity declared later in the PRD.

use crate::model::{EnumValue, FieldType};
use crate::prd::{fold, NarrowRegex};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Type words accepted in a type column, a bullet or DDL, lower-case (docs/MODEL.md).
pub const TYPE_WORDS: &[(&str, FieldType)] = &[
    ("string", FieldType::String),
    ("str", FieldType::String),
    ("varchar", FieldType::String),
    ("varchar2", FieldType::String),
    ("nvarchar", FieldType::String),
    ("char", FieldType::String),
    ("nchar", FieldType::String),
    ("character varying", FieldType::String),
    ("character", FieldType::String),
    ("citext", FieldType::String),
    ("字符串", FieldType::String),
    ("字符", FieldType::String),
    ("文本", FieldType::String),
    ("短文本", FieldType::String),
    ("身份证", FieldType::String),
    ("身份证号", FieldType::String),
    ("text", FieldType::Text),
    ("longtext", FieldType::Text),
    ("mediumtext", FieldType::Text),
    ("tinytext", FieldType::Text),
    ("clob", FieldType::Text),
    ("markdown", FieldType::Text),
    ("长文本", FieldType::Text),
    ("富文本", FieldType::Text),
    ("int", FieldType::Int),
    ("integer", FieldType::Int),
    ("bigint", FieldType::Int),
    ("smallint", FieldType::Int),
    ("mediumint", FieldType::Int),
    ("tinyint", FieldType::Int),
    ("int2", FieldType::Int),
    ("int4", FieldType::Int),
    ("int8", FieldType::Int),
    ("int16", FieldType::Int),
    ("int32", FieldType::Int),
    ("int64", FieldType::Int),
    ("long", FieldType::Int),
    ("short", FieldType::Int),
    ("serial", FieldType::Int),
    ("bigserial", FieldType::Int),
    ("smallserial", FieldType::Int),
    ("number", FieldType::Int),
    ("count", FieldType::Int),
    ("整数", FieldType::Int),
    ("整型", FieldType::Int),
    ("长整型", FieldType::Int),
    ("数字", FieldType::Int),
    ("数量", FieldType::Int),
    ("次数", FieldType::Int),
    ("decimal", FieldType::Decimal),
    ("numeric", FieldType::Decimal),
    ("money", FieldType::Decimal),
    ("amount", FieldType::Decimal),
    ("currency", FieldType::Decimal),
    ("金额", FieldType::Decimal),
    ("价格", FieldType::Decimal),
    ("单价", FieldType::Decimal),
    ("费用", FieldType::Decimal),
    ("货币", FieldType::Decimal),
    ("float", FieldType::Float),
    ("double", FieldType::Float),
    ("double precision", FieldType::Float),
    ("real", FieldType::Float),
    ("float4", FieldType::Float),
    ("float8", FieldType::Float),
    ("float32", FieldType::Float),
    ("float64", FieldType::Float),
    ("浮点", FieldType::Float),
    ("浮点数", FieldType::Float),
    ("浮点型", FieldType::Float),
    ("小数", FieldType::Float),
    ("双精度", FieldType::Float),
    ("bool", FieldType::Bool),
    ("boolean", FieldType::Bool),
    ("bit", FieldType::Bool),
    ("布尔", FieldType::Bool),
    ("布尔值", FieldType::Bool),
    ("布尔型", FieldType::Bool),
    ("是否", FieldType::Bool),
    ("date", FieldType::Date),
    ("日期", FieldType::Date),
    ("datetime", FieldType::Datetime),
    ("datetime2", FieldType::Datetime),
    ("timestamp", FieldType::Datetime),
    ("timestamptz", FieldType::Datetime),
    ("timestamp with time zone", FieldType::Datetime),
    ("timestamp without time zone", FieldType::Datetime),
    ("date-time", FieldType::Datetime),
    ("time", FieldType::Datetime),
    ("instant", FieldType::Datetime),
    ("时间", FieldType::Datetime),
    ("日期时间", FieldType::Datetime),
    ("时间戳", FieldType::Datetime),
    ("uuid", FieldType::Uuid),
    ("guid", FieldType::Uuid),
    ("id", FieldType::Uuid),
    ("email", FieldType::Email),
    ("e-mail", FieldType::Email),
    ("邮箱", FieldType::Email),
    ("电子邮件", FieldType::Email),
    ("电子邮箱", FieldType::Email),
    ("邮件", FieldType::Email),
    ("phone", FieldType::Phone),
    ("phone number", FieldType::Phone),
    ("mobile", FieldType::Phone),
    ("tel", FieldType::Phone),
    ("telephone", FieldType::Phone),
    ("手机号", FieldType::Phone),
    ("手机号码", FieldType::Phone),
    ("手机", FieldType::Phone),
    ("电话", FieldType::Phone),
    ("电话号码", FieldType::Phone),
    ("联系电话", FieldType::Phone),
    ("url", FieldType::Url),
    ("uri", FieldType::Url),
    ("link", FieldType::Url),
    ("image", FieldType::Url),
    ("file", FieldType::Url),
    ("链接", FieldType::Url),
    ("网址", FieldType::Url),
    ("图片", FieldType::Url),
    ("头像", FieldType::Url),
    ("附件", FieldType::Url),
    ("json", FieldType::Json),
    ("jsonb", FieldType::Json),
    ("object", FieldType::Json),
    ("map", FieldType::Json),
    ("dict", FieldType::Json),
    ("record", FieldType::Json),
    ("对象", FieldType::Json),
    // Binary columns: the model has no bytes type; kept as (base64) text with W240.
    ("blob", FieldType::Text),
    ("tinyblob", FieldType::Text),
    ("mediumblob", FieldType::Text),
    ("longblob", FieldType::Text),
    ("bytea", FieldType::Text),
    ("binary", FieldType::Text),
    ("varbinary", FieldType::Text),
    ("bytes", FieldType::Text),
    ("二进制", FieldType::Text),
    // Surrogate keys: an integer primary key, dropped like `id` (the generator adds one).
    ("自增主键", FieldType::Int),
    ("自增", FieldType::Int),
    ("自增id", FieldType::Int),
    ("auto_increment", FieldType::Int),
    ("enum", FieldType::Enum),
    ("枚举", FieldType::Enum),
];

static TYPE_MAP: LazyLock<HashMap<&'static str, FieldType>> =
    LazyLock::new(|| TYPE_WORDS.iter().copied().collect());

/// Multi-word type phrases, longest first, checked before single words.
const PHRASES: &[&str] = &[
    "timestamp without time zone",
    "timestamp with time zone",
    "character varying",
    "double precision",
    "phone number",
];

/// The accepted type words, for a `help:` line.
pub fn accepted_words() -> String {
    let mut seen: Vec<&str> = Vec::new();
    // A reference is written as the target entity's name, not as a type word.
    for &ty in FieldType::ALL.iter().filter(|t| **t != FieldType::Ref) {
        seen.push(ty.as_str());
    }
    format!(
        "{}, varchar(n), decimal(p,s), enum(a,b), a|b, T[], ref Entity (or an entity name)",
        seen.join(", ")
    )
}

/// Resolves a word to a declared entity name (PascalCase), if it names one.
pub trait Lookup {
    fn entity(&self, word: &str) -> Option<String>;
}

/// A lookup that knows no entity (used before entities are declared).
pub struct NoEntities;
impl Lookup for NoEntities {
    fn entity(&self, _: &str) -> Option<String> {
        None
    }
}

/// A parsed type, before the field it belongs to is known.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypeSpec {
    pub ty: Option<FieldType>,
    pub list: bool,
    pub max_length: Option<u32>,
    pub scale: Option<u32>,
    pub enum_values: Vec<EnumValue>,
    /// Target as written (`readers`, `Reader`, `读者`); resolved later.
    pub ref_target: Option<String>,
    /// The type word itself says primary key (`自增主键`, `主键`).
    pub primary_key: bool,
    /// A binary column type (`BLOB`, `BYTEA`) stored as text.
    pub binary: bool,
    /// `number` / `数值`: integer or fraction, the field's name decides.
    pub numeric_by_name: bool,
}

impl TypeSpec {
    fn of(ty: FieldType) -> Self {
        TypeSpec {
            ty: Some(ty),
            ..TypeSpec::default()
        }
    }
}

/// Constraint words found in a constraints cell, a bullet's trailing parts or DDL.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mods {
    pub required: Option<bool>,
    pub unique: bool,
    pub primary_key: bool,
    pub index: bool,
    pub default: Option<String>,
    pub max_length: Option<u32>,
    pub enum_values: Vec<EnumValue>,
    pub ref_target: Option<String>,
}

impl Mods {
    /// Fills what `self` does not say from `other`.
    pub fn merge(&mut self, other: Mods) {
        if self.required.is_none() {
            self.required = other.required;
        }
        self.unique |= other.unique;
        self.primary_key |= other.primary_key;
        self.index |= other.index;
        if self.default.is_none() {
            self.default = other.default;
        }
        if self.max_length.is_none() {
            self.max_length = other.max_length;
        }
        if self.enum_values.is_empty() {
            self.enum_values = other.enum_values;
        }
        if self.ref_target.is_none() {
            self.ref_target = other.ref_target;
        }
    }
}

fn clean(text: &str) -> String {
    let f = fold(text);
    let f = if f.contains(['`', '*']) {
        f.replace(['`', '*'], "")
    } else {
        f
    };
    let f = if f.contains("\\|") {
        f.replace("\\|", "|")
    } else {
        f
    };
    f.trim().to_string()
}

static LIST_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s*\[\s*\]$").expect("regex"));
static LIST_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[\s*\]\s*(.+)$").expect("regex"));
static LIST_GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:array|list|vec|set|数组|列表)\s*[<(]\s*(.+?)\s*[>)]$").expect("regex")
});
static LIST_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:array|list)\s+of\s+(.+)$|^(.+?)\s*(?:数组|列表)$").expect("regex")
});
static ENUM_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:enum|枚举)\s*(?:[(:]\s*(.*?)\s*\)?|\s+(.+))?$").expect("regex")
});
static REF_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:references\b|reference\b|ref\b|fk\b|foreign key\b|关联|外键|belongs to\b|→|->)\s*(?:to\b\s*|[:→>(<-]\s*)*(.+)$",
    )
    .expect("regex")
});
static PIPE_ENUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^['"]?[A-Za-z0-9_\p{Han}-]+['"]?(?:\s*\|\s*['"]?[A-Za-z0-9_\p{Han}-]+['"]?)+$"#)
        .expect("regex")
});
static HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z][A-Za-z0-9_-]*|\p{Han}+)").expect("regex"));
static ARGS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\(([^()]*)\)").expect("regex"));
static NUM_ARGS: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::digits(r"^\s*(\d+)\s*(?:,\s*(\d+)\s*)?$"));
static TARGET_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z_][A-Za-z0-9_]*|\p{Han}+)(?:\s*[.(]\s*[A-Za-z_][A-Za-z0-9_]*\s*\)?)?")
        .expect("regex")
});

/// Outcome of reading a type fragment.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// The type and whatever text followed it (constraints, description).
    Type(TypeSpec, String),
    /// The first word is not a type word nor an entity name.
    Unknown(String),
    Empty,
}

/// Reads the type at the start of `text`: a type word (with `(n)` / `(p,s)` arguments), an
/// enum, a list, a reference or an entity name.
pub fn parse_type(text: &str, lookup: &dyn Lookup) -> Parsed {
    let t = clean(text);
    let t = t.trim_end_matches([',', ';', '.']).trim();
    if t.is_empty() || matches!(t, "-" | "—" | "/") {
        return Parsed::Empty;
    }
    let glued = glued_length(t);
    let t = glued.as_deref().unwrap_or(t);
    let lower = t.to_lowercase();
    if let Some(spec) = bare_word(&lower) {
        return Parsed::Type(spec, String::new());
    }
    // Whole-text forms first (each behind a cheap test: this runs for every field).
    let maybe_enum = lower.starts_with("enum") || lower.starts_with("枚举");
    let maybe_list = t.contains(['[', '<', '('])
        || lower.contains("数组")
        || lower.contains("列表")
        || lower.contains("array")
        || lower.contains("list");
    let maybe_ref = !t.starts_with(|c: char| c.is_ascii_alphabetic())
        || ["ref", "fk", "foreign", "belongs", "关联", "外键"]
            .iter()
            .any(|p| lower.starts_with(p));
    if maybe_enum {
        if let Some((inner, rest)) = enum_group(t) {
            let mut spec = TypeSpec::of(FieldType::Enum);
            spec.enum_values = enum_values(inner);
            return Parsed::Type(spec, rest.to_string());
        }
    }
    let enum_caps = if maybe_enum {
        ENUM_WORD.captures(t)
    } else {
        None
    };
    if let Some(c) = enum_caps {
        let inner = c
            .get(1)
            .or_else(|| c.get(2))
            .map(|m| m.as_str())
            .unwrap_or("");
        let mut spec = TypeSpec::of(FieldType::Enum);
        spec.enum_values = enum_values(inner);
        return Parsed::Type(spec, String::new());
    }
    if t.contains('|') && PIPE_ENUM.is_match(t) {
        let mut spec = TypeSpec::of(FieldType::Enum);
        spec.enum_values = enum_values(t);
        return Parsed::Type(spec, String::new());
    }
    let list_forms: &[&Regex] = if maybe_list {
        &[&LIST_SUFFIX, &LIST_PREFIX, &LIST_GENERIC, &LIST_OF]
    } else {
        &[]
    };
    for re in list_forms {
        if let Some(c) = re.captures(t) {
            let inner = c
                .get(1)
                .or_else(|| c.get(2))
                .map(|m| m.as_str())
                .unwrap_or("");
            return match parse_type(inner, lookup) {
                Parsed::Type(mut spec, rest) => {
                    spec.list = true;
                    Parsed::Type(spec, rest)
                }
                other => other,
            };
        }
    }
    let ref_caps = if maybe_ref {
        REF_WORD.captures(t)
    } else {
        None
    };
    if let Some(c) = ref_caps {
        let target = c.get(1).map(|m| m.as_str()).unwrap_or("");
        if let Some(m) = TARGET_TABLE.captures(target.trim()) {
            let name = m.get(1).map(|x| x.as_str()).unwrap_or("");
            // `ref(Book)`, `fk<Reader>`: drop the closing bracket of the call-like form.
            let rest = target.trim()[m.get(0).map(|x| x.end()).unwrap_or(0)..]
                .trim_start()
                .trim_start_matches([')', '>', '）'])
                .to_string();
            let spec = TypeSpec {
                ty: Some(FieldType::Ref),
                ref_target: Some(name.to_string()),
                ..TypeSpec::default()
            };
            return Parsed::Type(spec, rest);
        }
    }
    if matches!(lower.as_str(), "array" | "list" | "数组" | "列表" | "多选") {
        let spec = TypeSpec {
            ty: Some(FieldType::String),
            list: true,
            ..TypeSpec::default()
        };
        return Parsed::Type(spec, String::new());
    }
    // A type word, possibly multi-word, then optional arguments.
    let (ty, head_len) = match type_head(&lower) {
        Some(x) => x,
        None => {
            let word = HEAD
                .find(t)
                .map(|m| m.as_str().to_string())
                .unwrap_or_else(|| t.chars().take(20).collect());
            if let Some(name) = lookup.entity(&word) {
                let rest = t.get(word.len()..).unwrap_or("").to_string();
                let spec = TypeSpec {
                    ty: Some(FieldType::Ref),
                    ref_target: Some(name),
                    ..TypeSpec::default()
                };
                return Parsed::Type(spec, rest);
            }
            return Parsed::Unknown(word);
        }
    };
    let mut spec = TypeSpec::of(ty);
    let head = lower.get(..head_len).unwrap_or("");
    spec.binary = BINARY_WORDS.contains(&head);
    spec.primary_key =
        head.contains("主键") || head.starts_with("自增") || head == "auto_increment";
    let mut rest = t.get(head_len..).unwrap_or("").to_string();
    // `unsigned`, `varying` and similar noise after the word.
    if let Some(r) = rest.trim_start().strip_prefix("unsigned") {
        rest = r.to_string();
    }
    if let Some(c) = ARGS.captures(&rest) {
        let inner = c.get(1).map(|m| m.as_str()).unwrap_or("").to_string();
        let end = c.get(0).map(|m| m.end()).unwrap_or(0);
        if let Some(n) = NUM_ARGS.captures(&inner) {
            let a: Option<u32> = n.get(1).and_then(|m| m.as_str().parse().ok());
            let b: Option<u32> = n.get(2).and_then(|m| m.as_str().parse().ok());
            match ty {
                FieldType::Decimal => spec.scale = b.or(Some(0)),
                FieldType::String | FieldType::Email | FieldType::Phone | FieldType::Url => {
                    spec.max_length = a
                }
                FieldType::Int if a == Some(1) && lower.starts_with("tinyint") => {
                    spec.ty = Some(FieldType::Bool)
                }
                _ => {}
            }
            rest = rest.get(end..).unwrap_or("").to_string();
        } else {
            let values = code_list(&inner).unwrap_or_else(|| {
                if matches!(ty, FieldType::Enum) {
                    enum_values(&inner)
                } else {
                    vec![]
                }
            });
            if !values.is_empty() {
                spec.ty = Some(FieldType::Enum);
                spec.enum_values = values;
                rest = rest.get(end..).unwrap_or("").to_string();
            }
        }
    }
    // `varchar(20)[]`
    if let Some(r) = rest.trim_start().strip_prefix("[]") {
        spec.list = true;
        rest = r.to_string();
    }
    Parsed::Type(spec, rest.trim().to_string())
}

/// `Enum (A, B) - default: A` → (`A, B`, `- default: A`): the values in the balanced
/// parenthesis after the word, and text after it. `None` when nothing follows the group
/// (the whole-text form reads those).
fn enum_group(t: &str) -> Option<(&str, &str)> {
    let lower = t.to_ascii_lowercase();
    let word = if lower.starts_with("enum") {
        "enum".len()
    } else {
        "枚举".len()
    };
    let after = t.get(word..)?.trim_start();
    let body = after.strip_prefix('(')?;
    let mut depth = 1;
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let rest = body[i + 1..].trim();
                    return (!rest.is_empty()).then(|| (&body[..i], rest));
                }
            }
            _ => {}
        }
    }
    None
}

const BINARY_WORDS: &[&str] = &[
    "blob",
    "tinyblob",
    "mediumblob",
    "longblob",
    "bytea",
    "binary",
    "varbinary",
    "bytes",
    "二进制",
];

static GLUED: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::digits(r"(?i)^(varchar2?|nvarchar|char|nchar)(\d+)(\s.*)?$"));

/// `VARCHAR45` (the length glued to the word) → `VARCHAR(45)`.
fn glued_length(t: &str) -> Option<String> {
    if !t.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let c = GLUED.captures(t)?;
    let rest = c.get(3).map(|m| m.as_str()).unwrap_or("");
    Some(format!(
        "{}({}){rest}",
        c.get(1)?.as_str(),
        c.get(2)?.as_str()
    ))
}

/// A whole type cell that is one bare word with no type of its own: `外键` / `FK` (a
/// reference whose target the field name gives), `主键` / `PK` (a key whose type the name
/// gives), `number` / `数值` (integer or fraction by name).
fn bare_word(lower: &str) -> Option<TypeSpec> {
    let spec = match lower {
        "外键" | "fk" | "foreign key" | "ref" | "reference" | "关联" | "外键id" | "关联id" => {
            TypeSpec::of(FieldType::Ref)
        }
        "主键" | "pk" | "primary key" | "主键id" => TypeSpec {
            primary_key: true,
            ..TypeSpec::default()
        },
        "number" | "数值" | "数字" | "数值型" => TypeSpec {
            ty: Some(FieldType::Int),
            numeric_by_name: true,
            ..TypeSpec::default()
        },
        _ => return None,
    };
    Some(spec)
}

/// The longest type word or phrase at the start of `lower`, with its byte length.
fn type_head(lower: &str) -> Option<(FieldType, usize)> {
    for p in PHRASES {
        if lower.starts_with(p) && boundary(lower, p.len()) {
            return TYPE_MAP.get(p).map(|t| (*t, p.len()));
        }
    }
    let m = HEAD.find(lower)?;
    let word = m.as_str();
    if word.is_ascii() {
        return TYPE_MAP.get(word).map(|t| (*t, word.len()));
    }
    // Chinese: the longest known prefix of the run of Han characters.
    let ends: Vec<usize> = word.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    for &end in ends.iter().rev() {
        if let Some(t) = word.get(..end).and_then(|w| TYPE_MAP.get(w)) {
            return Some((*t, end));
        }
    }
    None
}

fn boundary(s: &str, at: usize) -> bool {
    s.get(at..)
        .and_then(|r| r.chars().next())
        .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^['"](.*)['"]$"#).expect("regex"));
static VALUE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z0-9_.-]+)\s*(?:[-:=]\s*|\(\s*)([^()]+?)\)?$|^([^()]+?)\s*\(\s*([A-Za-z0-9_.-]+)\s*\)$")
        .expect("regex")
});

/// Splits `a,b` / `a/b` / `'a'|'b'` / `1-男/2-女` / `pending(待支付)` into values with labels.
pub fn enum_values(inner: &str) -> Vec<EnumValue> {
    let inner = fold(inner);
    let mut out: Vec<EnumValue> = Vec::new();
    for part in inner.split([',', '/', '|', ';', '，', '、', '；']) {
        let p = part.trim();
        let p = QUOTED
            .captures(p)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str())
            .unwrap_or(p)
            .trim();
        if p.is_empty() {
            continue;
        }
        // `booking-received` is one kebab-case value, not `booking` labelled `received`.
        let kebab = p.contains('-')
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && p.starts_with(|c: char| c.is_ascii_lowercase());
        let ev = if kebab {
            plain_value(p)
        } else if let Some(c) = VALUE_LABEL.captures(p) {
            if let (Some(v), Some(l)) = (c.get(1), c.get(2)) {
                EnumValue {
                    value: v.as_str().to_string(),
                    label: l.as_str().trim().trim_matches(['\'', '"']).to_string(),
                }
            } else if let (Some(l), Some(v)) = (c.get(3), c.get(4)) {
                EnumValue {
                    value: v.as_str().to_string(),
                    label: l.as_str().trim().trim_matches(['\'', '"']).to_string(),
                }
            } else {
                plain_value(p)
            }
        } else {
            plain_value(p)
        };
        if !out.iter().any(|e| e.value == ev.value) {
            out.push(ev);
        }
    }
    out
}

fn plain_value(p: &str) -> EnumValue {
    EnumValue {
        value: p.trim_matches(['\'', '"']).to_string(),
        label: String::new(),
    }
}

static CODE_ITEM: LazyLock<NarrowRegex> = LazyLock::new(|| {
    // `1-男`, `0:禁用`, and `0待支付` / `1 客户` (a Chinese label needs no separator).
    NarrowRegex::digits(
        r"(?:^|[\s(,/;|:])(\d+)(?:\s*[-:=]\s*([^\s\d,/;|()=:-][^\s,/;|()=:]*)|\s*(\p{Han}[^\s,/;|()=:]*))",
    )
});

/// `0待支付 1已支付`: a code written right against its Chinese label (a DDL COMMENT).
static CODE_ITEM_TIGHT: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(r"(?:^|[\s(,/;|:，、；（])(\d{1,2})(\p{Han}[^\s\d,/;|()=:，、；（）]*)")
});

/// Words that follow a number as its unit (`5天`), not as a code's label.
const UNIT_WORDS: &[&str] = &[
    "天", "次", "个", "年", "月", "日", "小时", "分钟", "秒", "元", "人", "条", "位", "周", "份",
];

/// `0待支付 1已支付 2失败`: at least two codes, counting up from 0 or 1, none a unit.
fn tight_code_list(t: &str) -> Option<Vec<EnumValue>> {
    let mut out: Vec<EnumValue> = Vec::new();
    for c in CODE_ITEM_TIGHT.captures_iter(t) {
        let (Some(v), Some(l)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let label = l.as_str().trim_end_matches(['.', '。']);
        if UNIT_WORDS.iter().any(|u| label.starts_with(u)) {
            return None;
        }
        out.push(EnumValue {
            value: v.as_str().to_string(),
            label: label.to_string(),
        });
    }
    let codes: Vec<u32> = out.iter().filter_map(|e| e.value.parse().ok()).collect();
    let counts_up =
        codes.first().is_some_and(|f| *f <= 1) && codes.windows(2).all(|w| w[1] == w[0] + 1);
    (out.len() >= 2 && codes.len() == out.len() && counts_up).then_some(out)
}

/// Words that follow a number as its unit (`3 次`, `15分钟`), not as a code's label.
const UNITS: &[&str] = &[
    "次", "个", "天", "日", "年", "月", "周", "小时", "分钟", "分", "秒", "元", "角", "位", "人",
    "条", "件", "张", "岁", "倍", "页", "项", "名", "号", "点", "种", "份", "块", "米", "克", "斤",
    "公斤", "千克", "字", "字符", "到", "至", "以上", "以内", "以下", "毫秒",
];

/// An integer-code list such as `1-男/2-女`, `0:禁用, 1:启用` or `0待支付 1已支付` (at least
/// two codes).
pub fn code_list(text: &str) -> Option<Vec<EnumValue>> {
    // `0 = Sunday … 6 = Saturday` names a range by its ends, not every code.
    if !text.bytes().any(|b| b.is_ascii_digit()) || text.contains('…') || text.contains("...") {
        return None;
    }
    let t = fold(text);
    if !CODE_ITEM.is_match(&t) {
        if let Some(v) = tight_code_list(&t) {
            return Some(v);
        }
    }
    let mut out: Vec<EnumValue> = Vec::new();
    for c in CODE_ITEM.captures_iter(&t) {
        let bare = c.get(3);
        let (Some(v), Some(l)) = (c.get(1), c.get(2).or(bare)) else {
            continue;
        };
        if bare.is_some() && UNITS.contains(&l.as_str().trim_end_matches(['.', '。'])) {
            continue;
        }
        if !out.iter().any(|e| e.value == v.as_str()) {
            out.push(EnumValue {
                value: v.as_str().to_string(),
                label: l.as_str().trim_end_matches(['.', '。']).to_string(),
            });
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Two codes labelled no and yes (`0-否 1-是`, `0:no, 1:yes`): a boolean, not an enum.
pub fn yes_no_codes(codes: &[EnumValue]) -> bool {
    let flags: Vec<Option<bool>> = codes.iter().map(|c| yes_no(&c.label)).collect();
    codes.len() == 2
        && codes.iter().zip(&flags).all(|(c, f)| {
            matches!(
                (c.value.as_str(), f),
                ("0", Some(false)) | ("1", Some(true))
            )
        })
}

static WORD_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\s*([A-Za-z][A-Za-z0-9_\p{Han}-]*(?:\s*[/|,]\s*[A-Za-z][A-Za-z0-9_\p{Han}-]*)+)\s*\)|(?i)(?:取值|可选值|枚举值|values?|one of|状态值)\s*[:]?\s*((?:'?[A-Za-z0-9_-]+'?(?:\([^)]*\))?)(?:\s*[/|,]\s*'?[A-Za-z0-9_-]+'?(?:\([^)]*\))?)+)").expect("regex")
});

/// An ASCII value list in prose: `(pending/paid/shipped)`, `取值: a, b`, `one of a|b`.
pub fn word_list(text: &str) -> Option<Vec<EnumValue>> {
    if !text.contains(['/', '|', ',', '，', '、']) {
        return None;
    }
    let t = fold(text);
    let c = WORD_LIST.captures(&t)?;
    let inner = c.get(1).or_else(|| c.get(2))?.as_str();
    let v = enum_values(inner);
    (v.len() >= 2 && v.iter().all(|e| e.value.is_ascii())).then_some(v)
}

/// Words that make a list a set of examples, not the closed set of values.
const EXAMPLE_WORDS: &[&str] = &[
    "例如",
    "比如",
    "譬如",
    "如:",
    "e.g",
    "eg.",
    "such as",
    "for example",
    "for instance",
    "etc",
    "等等",
    "...",
    "…",
];

/// A description that is only a list of values: `male、female、unknown`, `入库/出库/调整`,
/// `active-生效中 / expired-已过期`, `状态：启用/停用`, `类型（实物/虚拟）`. Chinese values
/// count only when `allow_han` (the field is declared an enum or is status-like). A list
/// given as examples (`例如 a、b`, `a、b 等`) is not a value set.
pub fn value_list(text: &str, allow_han: bool) -> Option<Vec<EnumValue>> {
    let t = fold(text).replace(" or ", ", ").replace('或', ",");
    let t = t.trim().trim_end_matches(['.', ';']).trim();
    if !t.contains([',', '/', '|']) || t.chars().count() > 160 {
        return None;
    }
    let lower = t.to_lowercase();
    if EXAMPLE_WORDS.iter().any(|w| lower.contains(w)) || t.ends_with('等') {
        return None;
    }
    let cand = paren_list(t).or_else(|| after_label(t)).unwrap_or(t);
    let values = enum_values(cand);
    let tokens = cand
        .split([',', '/', '|', ';'])
        .filter(|p| !p.trim().is_empty())
        .count();
    let ok = |v: &EnumValue| {
        let ascii = !v.value.is_empty()
            && v.value.len() <= 40
            && v.value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        let han = allow_han
            && !v.value.contains(char::is_whitespace)
            && v.value.chars().count() <= 8
            && !v.value.is_ascii()
            && !v.value.contains(['(', ')', ':']);
        ascii || han
    };
    let numeric = values
        .iter()
        .all(|v| v.value.bytes().all(|b| b.is_ascii_digit()));
    (values.len() >= 2 && values.len() == tokens && values.iter().all(ok) && !numeric)
        .then_some(values)
}

/// `类型(实物/虚拟)` → `实物/虚拟`: the parenthesis closing the text, after a short head.
fn paren_list(t: &str) -> Option<&str> {
    let body = t.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let head = &body[..open];
    (head.chars().count() <= 12 && !head.contains([',', '/'])).then(|| &body[open + 1..])
}

/// `状态: 启用/停用` → `启用/停用`: the text after a short label and a colon.
fn after_label(t: &str) -> Option<&str> {
    let (head, rest) = t.split_once(':')?;
    (head.chars().count() <= 12 && !head.contains([',', '/'])).then_some(rest.trim())
}

/// Chinese enum words with a conventional English identifier, for values written only in
/// Chinese (`入库/出库`). `已<verb>`, `待<verb>` and `未<verb>` are derived from the verb
/// lexicon; these are the words it cannot derive.
const ZH_VALUES: &[(&str, &str)] = &[
    ("正常", "normal"),
    ("异常", "abnormal"),
    ("启用", "enabled"),
    ("已启用", "enabled"),
    ("停用", "disabled"),
    ("已停用", "disabled"),
    ("禁用", "disabled"),
    ("已禁用", "disabled"),
    ("有效", "valid"),
    ("无效", "invalid"),
    ("生效中", "active"),
    ("生效", "active"),
    ("失效", "expired"),
    ("草稿", "draft"),
    ("待处理", "pending"),
    ("处理中", "processing"),
    ("已处理", "processed"),
    ("进行中", "in_progress"),
    ("未开始", "not_started"),
    ("已结束", "ended"),
    ("成功", "succeeded"),
    ("失败", "failed"),
    ("已读", "read"),
    ("未读", "unread"),
    ("在线", "online"),
    ("离线", "offline"),
    ("空闲", "idle"),
    ("占用", "occupied"),
    ("男", "male"),
    ("女", "female"),
    ("未知", "unknown"),
    ("是", "yes"),
    ("否", "no"),
    ("高", "high"),
    ("中", "medium"),
    ("低", "low"),
    ("紧急", "urgent"),
    ("个人", "personal"),
    ("企业", "enterprise"),
    ("管理员", "admin"),
    ("普通用户", "user"),
    ("用户", "user"),
    ("员工", "staff"),
    ("客户", "customer"),
    ("收入", "income"),
    ("支出", "expense"),
    ("调整", "adjustment"),
    ("盘点", "stocktake"),
    ("补货", "restock"),
    ("临时", "temporary"),
    ("其他", "other"),
    ("其它", "other"),
    ("已使用", "used"),
    ("未使用", "unused"),
    ("待使用", "unused"),
    ("已预约", "booked"),
    ("已评价", "reviewed"),
    ("待评价", "to_review"),
    ("已删除", "deleted"),
    ("已锁定", "locked"),
    ("已冻结", "frozen"),
    ("已下架", "unpublished"),
    ("已失效", "expired"),
    ("已到期", "expired"),
    ("在职", "active"),
    ("离职", "resigned"),
    ("试用", "trial"),
    ("已上线", "online"),
    ("已下线", "offline"),
];

/// An English identifier for a Chinese enum word, when one is known.
fn zh_value(word: &str) -> Option<String> {
    let w = word.trim();
    if let Some((_, v)) = ZH_VALUES.iter().find(|(z, _)| *z == w) {
        return Some(v.to_string());
    }
    let verb = |s: &str| {
        crate::extract::lexicon::ZH_VERBS
            .iter()
            .find(|(z, _)| *z == s)
            .map(|(_, v)| *v)
    };
    let participle = |v: &str| {
        crate::extract::lexicon::EN_PARTICIPLES
            .iter()
            .find(|(_, verb)| *verb == v)
            .map(|(p, _)| p.to_string())
    };
    if let Some(v) = verb(w) {
        return Some(v.to_string());
    }
    if let Some(rest) = w.strip_prefix('已') {
        return verb(rest).and_then(participle);
    }
    if let Some(rest) = w.strip_prefix('待') {
        return verb(rest).map(|v| format!("to_{v}"));
    }
    if let Some(rest) = w.strip_prefix('未') {
        return verb(rest).and_then(participle).map(|p| format!("not_{p}"));
    }
    None
}

/// Gives Chinese-only enum values ASCII identifiers, keeping the Chinese as the label: from
/// the word lexicon when every value has an entry, else position codes `1`, `2`, ….
/// Returns the `值=标签` pairs chosen, empty when every value was already ASCII.
pub fn name_values(values: &mut [EnumValue]) -> Vec<String> {
    if values.iter().all(|v| v.value.is_ascii()) {
        return vec![];
    }
    let words: Vec<Option<String>> = values
        .iter()
        .map(|v| {
            if v.value.is_ascii() {
                Some(v.value.clone())
            } else {
                zh_value(&v.value)
            }
        })
        .collect();
    let mut unique: Vec<&String> = words.iter().flatten().collect();
    unique.sort();
    unique.dedup();
    let by_word = unique.len() == values.len();
    let taken: Vec<String> = values
        .iter()
        .filter(|v| v.value.is_ascii())
        .map(|v| v.value.clone())
        .collect();
    let mut out = Vec::new();
    for (i, v) in values.iter_mut().enumerate() {
        if v.value.is_ascii() {
            continue;
        }
        let new = match (&words[i], by_word) {
            (Some(w), true) => w.clone(),
            _ if !taken.contains(&(i + 1).to_string()) => (i + 1).to_string(),
            _ => format!("value_{}", i + 1),
        };
        if v.label.is_empty() {
            v.label = std::mem::take(&mut v.value);
        }
        v.value = new;
        out.push(format!("{}={}", v.value, v.label));
    }
    out
}

static RE_REQUIRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)not\s+null(?-u:\b)|(?-u:\b)required(?-u:\b)|(?-u:\b)mandatory(?-u:\b)|必填|非空|不能为空|不可为空|不为空|必须|必需")
        .expect("regex")
});
static RE_OPTIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)nullable(?-u:\b)|(?-u:\b)optional(?-u:\b)|可选|可空|选填|非必填|允许为空|允许空|可为空|^\s*null(?-u:\b)|[,;]\s*null(?-u:\b)")
        .expect("regex")
});
static RE_UNIQUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)unique(?-u:\b)|唯一|(?-u:\b)uk(?-u:\b)|(?-u:\b)uni(?-u:\b)")
        .expect("regex")
});
static RE_PK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)pk(?-u:\b)|primary\s+key|主键").expect("regex"));
static RE_INDEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)index(?:ed)?(?-u:\b)|(?-u:\b)idx(?-u:\b)|索引").expect("regex")
});
static RE_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:(?-u:\b)default(?:s to)?|默认值?|缺省值?)\s*(?:[:=]|为|是)?\s*('[^']*'|"[^"]*"|[^\s,;()]+(?:\(\))?)"#)
        .expect("regex")
});
static RE_MAXLEN: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(
        r"(?i)(?:(?-u:\b)max(?:imum)?(?:[\s_-]*(?:length|len))?|最大长度|最长|长度|(?-u:\b)length|(?-u:\b)len|≤|<=|不超过|最多)\s*[:=]?\s*(\d+)|(?:\d+\s*-\s*)?(\d+)\s*(?:个)?(?:字符|字|位|chars?(?-u:\b)|characters(?-u:\b))",
    )
});
static RE_FK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(?-u:\b)fk(?-u:\b)|(?-u:\b)references(?-u:\b)|外键|关联|(?-u:\b)ref(?-u:\b))\s*(?:to(?-u:\b))?\s*[:(→>-]*\s*([A-Za-z_][A-Za-z0-9_]*|\p{Han}+)")
        .expect("regex")
});
static RE_IN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:in|enum)\s*\(([^)]*)\)|枚举\s*[(:]\s*([^)]*)\)?").expect("regex")
});

/// Reads constraint words from free text (`NOT NULL, unique, default 'x', max 50`).
pub fn parse_mods(text: &str) -> Mods {
    let t = clean(text);
    let mut m = Mods::default();
    if t.is_empty() {
        return m;
    }
    if RE_REQUIRED.is_match(&t) {
        m.required = Some(true);
    } else if RE_OPTIONAL.is_match(&t) {
        m.required = Some(false);
    }
    m.unique = RE_UNIQUE.is_match(&t);
    m.primary_key = RE_PK.is_match(&t);
    m.index = RE_INDEX.is_match(&t);
    if let Some(c) = RE_DEFAULT.captures(&t) {
        m.default = c.get(1).map(|x| x.as_str().to_string());
    }
    m.max_length = max_length_of(&t);
    if let Some(c) = RE_FK.captures(&t) {
        m.ref_target = c.get(1).map(|x| x.as_str().to_string());
    }
    if let Some(c) = RE_IN.captures(&t) {
        if let Some(inner) = c.get(1).or_else(|| c.get(2)) {
            m.enum_values = enum_values(inner.as_str());
        }
    }
    m
}

static NOTE_OPTIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)非必填|不必填|选填|可选(?:$|[^值项])|可为空|可空|允许为空|(?-u:\b)optional(?-u:\b)|(?-u:\b)nullable(?-u:\b)")
        .expect("regex")
});
static NOTE_REQUIRED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)必填|非空|不能为空|不可为空|不允许为空|(?-u:\b)not\s+null(?-u:\b)|(?-u:\b)required(?-u:\b)|(?-u:\b)mandatory(?-u:\b)")
        .expect("regex")
});
static NOTE_UNIQUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)唯一|(?-u:\b)unique(?-u:\b)").expect("regex"));
static NOTE_PK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)primary\s+key|主键").expect("regex"));
static NOTE_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:默认值?|缺省值?|(?-u:\b)default(?-u:\b))\s*(?:[:=]|为|是)?\s*('[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|\p{Han}{1,4})(?:$|[\s,;.)，。；）])"#)
        .expect("regex")
});

/// Constraint words in a description / notes cell (`必填，唯一`, `最长 50 字`, `默认否`):
/// stricter than [`parse_mods`], since the cell is mostly prose.
pub fn parse_notes(text: &str) -> Mods {
    let t = clean(text);
    let mut m = Mods::default();
    if t.is_empty() {
        return m;
    }
    if NOTE_OPTIONAL.is_match(&t) {
        m.required = Some(false);
    } else if NOTE_REQUIRED.is_match(&t) {
        m.required = Some(true);
    }
    m.unique = NOTE_UNIQUE.is_match(&t);
    m.primary_key = NOTE_PK.is_match(&t);
    if let Some(v) = NOTE_DEFAULT.captures(&t).and_then(|c| c.get(1)) {
        let v = v.as_str();
        if !matches!(
            v.to_lowercase().as_str(),
            "空" | "无" | "null" | "none" | "为空"
        ) {
            m.default = Some(v.to_string());
        }
    }
    m.max_length = max_length_of(&t);
    m
}

static LEN_RANGE: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(
        r"(?i)(\d+)\s*(?:-|~|～|至|到)\s*(\d+)\s*(?:个)?(?:字符|字|位|chars?(?-u:\b)|characters(?-u:\b))",
    )
});

/// The maximum length a text states: `1-50 字符` → 50 (the upper end of a range), `最长 30`.
fn max_length_of(t: &str) -> Option<u32> {
    if let Some(c) = LEN_RANGE.captures(t) {
        return c.get(2).and_then(|x| x.as_str().parse().ok());
    }
    let c = RE_MAXLEN.captures(t)?;
    c.get(1)
        .or_else(|| c.get(2))
        .and_then(|x| x.as_str().parse().ok())
}

/// A constraints-cell part that is read (or needs nothing): `NOT NULL`, `FK`, `外键`,
/// `CHECK (…)`, `AUTO_INCREMENT`. Anything else is kept in the description.
pub fn is_constraint_word(part: &str) -> bool {
    let lower = clean(part).to_lowercase();
    parse_mods(part) != Mods::default()
        || bare_word(&lower).is_some()
        || lower.starts_with("check")
        || matches!(
            lower.as_str(),
            "auto_increment" | "autoincrement" | "identity" | "自增" | "serial" | "—" | "-"
        )
}

/// A description that carries data rather than a name: digits, codes or constraints.
pub fn is_note(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || parse_notes(text) != Mods::default()
}

/// `是/否`, `Y/N`, `✓`, `NOT NULL`… → a boolean; `None` for anything unrecognised.
pub fn yes_no(cell: &str) -> Option<bool> {
    let t = clean(cell).to_lowercase();
    let t = t.trim_matches(|c: char| c.is_whitespace() || c == '.');
    const YES: &[&str] = &[
        "是",
        "y",
        "yes",
        "true",
        "✓",
        "✔",
        "√",
        "✅",
        "必填",
        "not null",
        "非空",
        "required",
        "必须",
        "必需",
        "x",
        "1",
        "mandatory",
        "☑",
    ];
    const NO: &[&str] = &[
        "否",
        "n",
        "no",
        "false",
        "×",
        "✗",
        "✘",
        "-",
        "—",
        "",
        "⏹️",
        "⏹",
        "空",
        "可选",
        "optional",
        "null",
        "可空",
        "0",
        "非必填",
        "选填",
        "❌",
    ];
    if YES.contains(&t) {
        Some(true)
    } else if NO.contains(&t) {
        Some(false)
    } else if t.starts_with("是") || t.starts_with("yes") || t.starts_with("必填") {
        Some(true)
    } else if t.starts_with("否") || t.starts_with("no") {
        Some(false)
    } else {
        None
    }
}

/// Unresolved markers that make a cell mean nothing yet.
pub fn is_tbd(cell: &str) -> bool {
    let t = clean(cell).to_lowercase();
    matches!(t.as_str(), "tbd" | "todo" | "待定" | "未定" | "?" | "？")
        || t.contains("needs clarification")
}

/// Guesses a type from a field's name and label (used only when no type is written).
pub fn infer(name: &str, label: &str) -> FieldType {
    let n = name.to_ascii_lowercase();
    let ends = |s: &str| n == s || n.ends_with(&format!("_{s}"));
    let starts = |s: &str| n.starts_with(&format!("{s}_"));
    if ends("at") || ends("time") || ends("datetime") || ends("timestamp") {
        return FieldType::Datetime;
    }
    if ends("date") || n == "birthday" || ends("day") || (ends("on") && n.len() > 6) {
        return FieldType::Date;
    }
    if starts("is") || starts("has") || starts("can") || n == "enabled" || n == "active" {
        return FieldType::Bool;
    }
    if ends("email") {
        return FieldType::Email;
    }
    if ends("phone") || ends("mobile") || ends("tel") {
        return FieldType::Phone;
    }
    if ends("url") || ends("link") || ends("avatar") || ends("image") || ends("website") {
        return FieldType::Url;
    }
    if [
        "price", "amount", "total", "fee", "cost", "balance", "salary", "deposit", "fine",
    ]
    .iter()
    .any(|w| ends(w))
    {
        return FieldType::Decimal;
    }
    if [
        "count", "qty", "quantity", "num", "age", "stock", "size", "level", "rank", "score",
    ]
    .iter()
    .any(|w| ends(w))
    {
        return FieldType::Int;
    }
    // An id issued by another system (`external_id`, `openid`) is its string, not our uuid.
    if n.starts_with("external")
        || n.contains("_external_")
        || matches!(n.as_str(), "openid" | "unionid")
    {
        return FieldType::String;
    }
    if ends("id") || ends("uuid") {
        return FieldType::Uuid;
    }
    if [
        "description",
        "content",
        "body",
        "remark",
        "notes",
        "note",
        "comment",
        "bio",
    ]
    .iter()
    .any(|w| ends(w))
    {
        return FieldType::Text;
    }
    let l = label;
    let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    if has(&["时间"]) {
        FieldType::Datetime
    } else if has(&["日期", "生日"]) {
        FieldType::Date
    } else if has(&["是否"]) {
        FieldType::Bool
    } else if has(&[
        "金额", "价格", "单价", "费用", "余额", "押金", "罚金", "总价",
    ]) {
        FieldType::Decimal
    } else if has(&["数量", "次数", "库存", "年龄", "数目", "人数"]) {
        FieldType::Int
    } else if has(&["邮箱", "邮件"]) {
        FieldType::Email
    } else if has(&["手机", "电话"]) {
        FieldType::Phone
    } else if has(&["链接", "网址", "图片", "头像"]) {
        FieldType::Url
    } else if has(&["描述", "内容", "备注", "详情", "简介"]) {
        FieldType::Text
    } else {
        FieldType::String
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> TypeSpec {
        match parse_type(s, &NoEntities) {
            Parsed::Type(t, _) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn words_and_args() {
        assert_eq!(ty("varchar(50)").max_length, Some(50));
        assert_eq!(ty("VARCHAR(50)").ty, Some(FieldType::String));
        assert_eq!(ty("decimal(10,2)").scale, Some(2));
        assert_eq!(ty("tinyint(1)").ty, Some(FieldType::Bool));
        assert_eq!(ty("tinyint").ty, Some(FieldType::Int));
        assert_eq!(ty("timestamp with time zone").ty, Some(FieldType::Datetime));
        assert_eq!(ty("金额（元）").ty, Some(FieldType::Decimal));
        assert_eq!(ty("手机号码").ty, Some(FieldType::Phone));
        assert!(ty("string[]").list);
        assert_eq!(ty("array<int>").ty, Some(FieldType::Int));
        assert!(ty("字符串数组").list);
        assert_eq!(ty("int unsigned").ty, Some(FieldType::Int));
        assert!(ty("varchar(20)[]").list);
        // `to` is a word of its own: `ref Tool` is Tool, not `ol`.
        assert_eq!(ty("ref Tool").ref_target.as_deref(), Some("Tool"));
        assert_eq!(
            ty("references to Order").ref_target.as_deref(),
            Some("Order")
        );
        assert_eq!(ty("ref: Topic").ref_target.as_deref(), Some("Topic"));
    }

    #[test]
    fn enums() {
        let e = ty("enum(a,b)");
        assert_eq!(e.ty, Some(FieldType::Enum));
        assert_eq!(e.enum_values.len(), 2);
        let e = ty("枚举(a/b)");
        assert_eq!(e.enum_values[1].value, "b");
        let e = ty("ENUM('x','y')");
        assert_eq!(e.enum_values[0].value, "x");
        let e = ty("a|b|c");
        assert_eq!(e.enum_values.len(), 3);
        let e = ty("int（1-男/2-女）");
        assert_eq!(e.ty, Some(FieldType::Enum));
        assert_eq!(e.enum_values[1].label, "女");
        let e = ty("enum(pending(待支付), paid(已支付))");
        assert_eq!(e.enum_values[0].label, "待支付");
        let c = code_list("状态：0-正常 1-禁用").expect("codes");
        assert_eq!(c[1].value, "1");
        assert_eq!(c[1].label, "禁用");
        assert!(code_list("长度 1-50").is_none());
        let c = code_list("状态(0待领取 1已领取 2已作废)").expect("tight codes");
        assert_eq!((c[2].value.as_str(), c[2].label.as_str()), ("2", "已作废"));
        assert!(code_list("保留 1天，最多 2次").is_none());
        assert!(code_list("第3期 第7期").is_none());
    }

    #[test]
    fn chinese_and_bare_words() {
        let pk = ty("自增主键");
        assert_eq!(pk.ty, Some(FieldType::Int));
        assert!(pk.primary_key);
        assert!(ty("主键").primary_key);
        assert_eq!(ty("主键").ty, None);
        let fk = ty("外键");
        assert_eq!((fk.ty, fk.ref_target), (Some(FieldType::Ref), None));
        assert!(ty("数值").numeric_by_name);
        assert_eq!(ty("VARCHAR45").max_length, Some(45));
        assert_eq!(ty("varchar45").ty, Some(FieldType::String));
        let b = ty("LONGBLOB");
        assert_eq!((b.ty, b.binary), (Some(FieldType::Text), true));
        let e = match parse_type("Enum (A, B) - default: A", &NoEntities) {
            Parsed::Type(t, rest) => {
                assert_eq!(rest, "- default: A");
                t
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(e.enum_values.len(), 2);
    }

    #[test]
    fn codes_without_separator() {
        let c = code_list("状态(0待支付 1已支付 2失败)").expect("codes");
        assert_eq!(c.len(), 3);
        assert_eq!(c[2].label, "失败");
        let c = code_list("类型 1 个人 2 企业").expect("codes");
        assert_eq!(c[1].label, "企业");
        // Units after numbers are not codes.
        assert!(code_list("每周 3 次，每次 2 小时").is_none());
        assert!(code_list("预留过期时间(15分钟)").is_none());
    }

    #[test]
    fn yes_no_code_lists() {
        let c = code_list("是否删除：0-否 1-是").expect("codes");
        assert!(yes_no_codes(&c));
        let c = code_list("0-正常 1-禁用").expect("codes");
        assert!(!yes_no_codes(&c));
    }

    #[test]
    fn description_value_lists() {
        let v = value_list("male、female、unknown", false).expect("values");
        assert_eq!(v.len(), 3);
        assert!(value_list("入库/出库/调整", false).is_none());
        assert_eq!(value_list("入库/出库/调整", true).map(|v| v.len()), Some(3));
        let v = value_list("active-生效中 / expired-已过期", false).expect("pairs");
        assert_eq!(v[1].value, "expired");
        assert_eq!(v[1].label, "已过期");
        assert_eq!(
            value_list("状态：启用/停用", true).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(
            value_list("类型（实物/虚拟）", true).map(|v| v.len()),
            Some(2)
        );
        // Examples and open lists are not value sets.
        assert!(value_list("动作模式，例如 push、pull", false).is_none());
        assert!(value_list("通知、主题等", true).is_none());
        assert!(value_list("1/2/3", false).is_none());
    }

    #[test]
    fn chinese_values_named() {
        let mut v = enum_values("入库/出库/已支付/待发货");
        let pairs = name_values(&mut v);
        assert_eq!(pairs.len(), 4);
        let ids: Vec<&str> = v.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(ids, ["stock_in", "stock_out", "paid", "to_ship"]);
        assert_eq!(v[0].label, "入库");
        let mut v = enum_values("可预约/已约满");
        name_values(&mut v);
        assert_eq!(v[0].value, "1");
        assert_eq!(v[1].label, "已约满");
        let mut ascii = enum_values("a/b");
        assert!(name_values(&mut ascii).is_empty());
    }

    #[test]
    fn notes() {
        let m = parse_notes("最长 50 字，必填，唯一");
        assert_eq!(
            (m.max_length, m.required, m.unique),
            (Some(50), Some(true), true)
        );
        assert_eq!(parse_notes("非必填").required, Some(false));
        assert_eq!(parse_notes("默认否").default.as_deref(), Some("否"));
        assert_eq!(parse_notes("默认 0").default.as_deref(), Some("0"));
        assert_eq!(parse_notes("不超过200个字符").max_length, Some(200));
        assert_eq!(parse_notes("商品名称"), Mods::default());
        assert_eq!(parse_notes("长度 2-50 字符").max_length, Some(50));
        assert_eq!(parse_notes("可选值：a/b").required, None);
        assert!(is_note("0-禁用 1-启用"));
        assert!(!is_note("借书证号"));
    }

    #[test]
    fn refs_and_unknown() {
        let r = ty("ref Reader");
        assert_eq!(r.ref_target.as_deref(), Some("Reader"));
        let r = ty("关联 读者");
        assert_eq!(r.ref_target.as_deref(), Some("读者"));
        let r = ty("FK → readers(id)");
        assert_eq!(r.ref_target.as_deref(), Some("readers"));
        // Call-like forms: `ref(Book)`, `references(books)`, `fk<Reader>`.
        for (text, target) in [
            ("ref(Book)", "Book"),
            ("references(books)", "books"),
            ("fk<Reader>", "Reader"),
            ("ref (Book)", "Book"),
        ] {
            let r = ty(text);
            assert_eq!(r.ty, Some(FieldType::Ref), "{text}");
            assert_eq!(r.ref_target.as_deref(), Some(target), "{text}");
        }
        assert_eq!(
            parse_type("blorb", &NoEntities),
            Parsed::Unknown("blorb".into())
        );
    }

    #[test]
    fn mods() {
        let m = parse_mods("NOT NULL, UNIQUE, default 'x', max 50");
        assert_eq!(m.required, Some(true));
        assert!(m.unique);
        assert_eq!(m.default.as_deref(), Some("'x'"));
        assert_eq!(m.max_length, Some(50));
        let m = parse_mods("FK → readers(id)");
        assert_eq!(m.ref_target.as_deref(), Some("readers"));
        let m = parse_mods("可空，1-50字符");
        assert_eq!(m.required, Some(false));
        assert_eq!(m.max_length, Some(50));
        assert_eq!(yes_no("✓"), Some(true));
        assert_eq!(yes_no("否"), Some(false));
        assert_eq!(yes_no("⏳"), None);
    }
}
