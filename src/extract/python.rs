//! Python model classes in ```python blocks: Pydantic / dataclass / SQLModel annotations
//! (`email: EmailStr`, `age: Optional[int] = None`, `status: Literal["a", "b"]`), SQLAlchemy
//! columns (`name = Column(String(50), nullable=False)`, `name: Mapped[str] =
//! mapped_column(…)`, `ForeignKey("orgs.id")`) and Django fields (`models.CharField(max_length=
//! 100)`, `models.ForeignKey(Org, …)`). Enum classes are read by [`decls`]; `relationship(…)`,
//! methods and `…Service` classes are skipped.

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
    Regex::new(r"^class\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?\s*:").expect("regex")
});
static ANNOTATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-z_][A-Za-z0-9_]*)\s*:\s*([^=#]+?)\s*(?:=\s*([^#]*?))?\s*(?:#\s*(.*))?$")
        .expect("regex")
});
static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([a-z_][A-Za-z0-9_]*)\s*=\s*((?:models\.|sa\.|db\.)?[A-Za-z_]+\(.*)$")
        .expect("regex")
});
static TABLENAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^__tablename__\s*=\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]"#).expect("regex")
});
static FOREIGN_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"ForeignKey\(\s*['"]?([A-Za-z_][A-Za-z0-9_]*)"#).expect("regex"));
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:String|Unicode|VARCHAR|max_length\s*=\s*)\(?\s*(\d+)").expect("regex")
});
static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bdefault\s*=\s*(?:['"]([^'"]*)['"]|([A-Za-z0-9_.]+))"#).expect("regex")
});

pub fn is_python(code: &Code) -> bool {
    matches!(code.lang.as_str(), "python" | "py")
}

/// The model classes of a Python block.
pub fn parse(code: &Code, section: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let mut out = Vec::new();
    let mut cur: Option<RawEntity> = None;
    // Indentation of the current class body; deeper lines belong to methods.
    let mut body_indent: Option<usize> = None;
    for line in &code.lines {
        let t = line.text.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('@') {
            continue;
        }
        let indent = line.text.len() - line.text.trim_start().len();
        if indent == 0 {
            if let Some(e) = cur.take() {
                out.push(e);
            }
            body_indent = None;
            if let Some(c) = CLASS.captures(t) {
                let name = c.get(1).map_or("", |m| m.as_str());
                let bases = c.get(2).map_or("", |m| m.as_str());
                if is_model(name, bases) {
                    let pos = Pos {
                        line: line.pos.line,
                        col: line.text.find(name).unwrap_or(0) as u32 + 1,
                    };
                    cur = Some(RawEntity::new(
                        split_name(name),
                        Source::Class,
                        pos,
                        section,
                    ));
                }
            }
            continue;
        }
        let Some(e) = cur.as_mut() else { continue };
        let body = *body_indent.get_or_insert(indent);
        if indent != body || t.starts_with("def ") || t.starts_with("async def ") {
            continue;
        }
        if let Some(tn) = TABLENAME.captures(t).and_then(|c| c.get(1)) {
            e.aliases.push(tn.as_str().to_string());
            continue;
        }
        if let Some(f) = field(line, t, cx) {
            e.fields.push(f);
        }
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    out
}

/// A class that holds data: not an enum, not code (`…Service`), not `Meta`/`Config`.
fn is_model(name: &str, bases: &str) -> bool {
    let enum_base = bases.split(',').any(|b| b.trim().ends_with("Enum"));
    let code = crate::extract::java::CODE_SUFFIXES
        .iter()
        .any(|s| name.ends_with(s))
        || matches!(name, "Meta" | "Config" | "Base");
    !enum_base && !code
}

fn field(line: &Line, t: &str, cx: &mut Ctx) -> Option<RawField> {
    let (name, spec, comment) = if let Some(c) = ASSIGNED.captures(t) {
        let (code, comment) = split_comment(c.get(2)?.as_str());
        (c.get(1)?.as_str(), Column::read(code, cx), comment)
    } else {
        let c = ANNOTATED.captures(t)?;
        let ty = c.get(2)?.as_str().trim();
        let value = c.get(3).map_or("", |m| m.as_str());
        let comment = c.get(4).map_or("", |m| m.as_str()).to_string();
        let mut col = annotation(ty, c.get(1)?.as_str(), &cx.enums);
        // `name: Mapped[str] = mapped_column(String(50), unique=True)`
        if value.contains("column(") || value.contains("Column(") || value.contains("Field(") {
            let from_value = Column::read(value, cx);
            col.mods(&from_value);
        } else if !value.is_empty() && value != "None" {
            col.default = Some(value.trim_matches(['"', '\'']).to_string());
        }
        (c.get(1)?.as_str(), col, comment)
    };
    if spec.skip {
        return None;
    }
    let pos = Pos {
        line: line.pos.line,
        col: line.text.find(name).unwrap_or(0) as u32 + 1,
    };
    let mut f = RawField::new(pos);
    f.name = cx.field_ident(Some(name), "", name, pos);
    decls::comment_into(&mut f, &comment);
    f.type_pos = pos;
    f.mods.primary_key = spec.pk;
    f.mods.unique = spec.unique;
    f.mods.required = spec.required;
    f.mods.max_length = spec.max_length;
    f.mods.default = spec.default.clone();
    f.mods.ref_target = spec.ref_target.clone();
    f.ty = spec.ty;
    decls::comment_enum(&mut f.ty, &comment);
    Some(f)
}

fn split_comment(s: &str) -> (&str, String) {
    match s.rsplit_once('#') {
        Some((code, c)) if code.matches('"').count() % 2 == 0 => (code, c.trim().to_string()),
        _ => (s, String::new()),
    }
}

/// What one Python field says.
struct Column {
    ty: TypeSrc,
    pk: bool,
    unique: bool,
    required: Option<bool>,
    max_length: Option<u32>,
    default: Option<String>,
    ref_target: Option<String>,
    skip: bool,
}

impl Column {
    fn of(ty: TypeSrc) -> Self {
        Column {
            ty,
            pk: false,
            unique: false,
            required: None,
            max_length: None,
            default: None,
            ref_target: None,
            skip: false,
        }
    }

    /// `Column(String(50), nullable=False)`, `mapped_column(…)`, `models.CharField(…)`.
    fn read(code: &str, cx: &Ctx) -> Self {
        let c = code.replace(' ', "");
        let callee = c.split('(').next().unwrap_or("");
        let callee = callee.rsplit('.').next().unwrap_or(callee);
        if matches!(
            callee,
            "relationship" | "backref" | "property" | "Relationship"
        ) {
            let mut col = Column::of(TypeSrc::Missing);
            col.skip = true;
            return col;
        }
        let args = c.get(callee.len()..).unwrap_or("");
        let ty = if callee.ends_with("Field") && callee != "Field" {
            django_type(callee, args)
        } else {
            column_type(args, &cx.enums)
        };
        let mut col = Column::of(ty);
        col.pk = c.contains("primary_key=True");
        col.unique = c.contains("unique=True");
        col.required = if c.contains("nullable=False") {
            Some(true)
        } else if c.contains("nullable=True") || c.contains("null=True") {
            Some(false)
        } else {
            None
        };
        col.max_length = LENGTH
            .captures(&c)
            .and_then(|m| m.get(1))
            .and_then(|m| m.as_str().parse().ok());
        col.default = DEFAULT
            .captures(code)
            .and_then(|m| m.get(1).or_else(|| m.get(2)))
            .map(|m| m.as_str().to_string())
            .filter(|d| d != "None");
        // `ForeignKey("orgs.id")`, `models.ForeignKey(Org, …)`.
        col.ref_target = FOREIGN_KEY
            .captures(code)
            .and_then(|m| m.get(1))
            .map(|m| m.as_str().to_string())
            .or_else(|| {
                matches!(callee, "ForeignKey" | "OneToOneField")
                    .then(|| first_arg(args))
                    .flatten()
            });
        col
    }

    /// Fills in what an annotation does not say from its `mapped_column(…)` / `Field(…)`.
    fn mods(&mut self, other: &Column) {
        self.pk |= other.pk;
        self.unique |= other.unique;
        self.required = self.required.or(other.required);
        self.max_length = self.max_length.or(other.max_length);
        self.default = self.default.clone().or(other.default.clone());
        self.ref_target = self.ref_target.clone().or(other.ref_target.clone());
    }
}

fn first_arg(args: &str) -> Option<String> {
    let a = args.trim_start_matches('(').split([',', ')']).next()?;
    let a = a.trim_matches(['"', '\'']);
    (!a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| a.to_string())
}

fn spec(ty: FieldType, list: bool) -> TypeSrc {
    TypeSrc::Spec(TypeSpec {
        ty: Some(ty),
        list,
        ..TypeSpec::default()
    })
}

/// SQLAlchemy column type: the first argument of `Column(…)`.
fn column_type(args: &str, enums: &Enums) -> TypeSrc {
    let first = args.trim_start_matches('(');
    let word: String = first
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let word = word.rsplit('.').next().unwrap_or("").to_string();
    if word == "Enum" {
        let inner = first_arg(first.get(4..).unwrap_or("")).unwrap_or_default();
        if let Some(s) = decls::enum_type(enums, &inner) {
            return TypeSrc::Spec(s);
        }
        let values = decls::literals(first);
        if !values.is_empty() {
            return TypeSrc::Spec(TypeSpec {
                ty: Some(FieldType::Enum),
                enum_values: values,
                ..TypeSpec::default()
            });
        }
    }
    let ty = match word.as_str() {
        "Integer" | "BigInteger" | "SmallInteger" | "INTEGER" | "BIGINT" => FieldType::Int,
        "String" | "Unicode" | "VARCHAR" | "CHAR" => FieldType::String,
        "Text" | "UnicodeText" | "TEXT" => FieldType::Text,
        "Numeric" | "DECIMAL" | "NUMERIC" => FieldType::Decimal,
        "Float" | "FLOAT" | "REAL" => FieldType::Float,
        "Boolean" | "BOOLEAN" => FieldType::Bool,
        "DateTime" | "TIMESTAMP" => FieldType::Datetime,
        "Date" | "DATE" => FieldType::Date,
        "JSON" | "JSONB" => FieldType::Json,
        "UUID" | "Uuid" => FieldType::Uuid,
        _ => return TypeSrc::Missing,
    };
    spec(ty, false)
}

/// Django model field classes.
fn django_type(callee: &str, args: &str) -> TypeSrc {
    let ty = match callee {
        "CharField" | "SlugField" => FieldType::String,
        "TextField" => FieldType::Text,
        "IntegerField"
        | "BigIntegerField"
        | "SmallIntegerField"
        | "PositiveIntegerField"
        | "PositiveSmallIntegerField"
        | "AutoField"
        | "BigAutoField" => FieldType::Int,
        "DecimalField" => FieldType::Decimal,
        "FloatField" => FieldType::Float,
        "BooleanField" => FieldType::Bool,
        "DateTimeField" => FieldType::Datetime,
        "DateField" => FieldType::Date,
        "EmailField" => FieldType::Email,
        "URLField" | "ImageField" | "FileField" => FieldType::Url,
        "UUIDField" => FieldType::Uuid,
        "JSONField" => FieldType::Json,
        "ManyToManyField" => {
            return first_arg(args).map_or(TypeSrc::Missing, |t| TypeSrc::Text(format!("{t}[]")))
        }
        // A reference: the target is set from the first argument.
        "ForeignKey" | "OneToOneField" => return TypeSrc::Missing,
        _ => return TypeSrc::Missing,
    };
    spec(ty, false)
}

/// A type annotation: `str`, `Optional[int]`, `list[str]`, `Literal["a", "b"]`, `Mapped[X]`.
fn annotation(ty: &str, name: &str, enums: &Enums) -> Column {
    let mut t = ty.trim();
    if let Some(i) = t.strip_prefix("Mapped[").and_then(|x| x.strip_suffix(']')) {
        t = i.trim();
    }
    let mut optional = false;
    if let Some(i) = t
        .strip_prefix("Optional[")
        .and_then(|x| x.strip_suffix(']'))
    {
        t = i.trim();
        optional = true;
    } else if let Some(i) = t.strip_suffix("| None").or_else(|| t.strip_suffix("|None")) {
        t = i.trim();
        optional = true;
    }
    let list_inner = ["List[", "list[", "Set[", "set[", "Sequence["]
        .iter()
        .find_map(|p| t.strip_prefix(p).and_then(|x| x.strip_suffix(']')));
    let (inner, list) = match list_inner {
        Some(i) => (i.trim(), true),
        None => (t, false),
    };
    let ty = if let Some(lits) = inner.strip_prefix("Literal[") {
        TypeSrc::Spec(TypeSpec {
            ty: Some(FieldType::Enum),
            list,
            enum_values: decls::literals(lits),
            ..TypeSpec::default()
        })
    } else if let Some(mut s) = decls::enum_type(enums, inner) {
        s.list = list;
        TypeSrc::Spec(s)
    } else {
        let base = match inner {
            "str" => Some(decls::refine_string(name)),
            "int" => Some(FieldType::Int),
            "float" => Some(match decls::number_type(name, "") {
                FieldType::Decimal => FieldType::Decimal,
                _ => FieldType::Float,
            }),
            "Decimal" | "condecimal" => Some(FieldType::Decimal),
            "bool" => Some(FieldType::Bool),
            "datetime" | "datetime.datetime" => Some(FieldType::Datetime),
            "date" | "datetime.date" => Some(FieldType::Date),
            "UUID" | "uuid.UUID" | "UUID4" => Some(FieldType::Uuid),
            "EmailStr" => Some(FieldType::Email),
            "HttpUrl" | "AnyUrl" | "AnyHttpUrl" => Some(FieldType::Url),
            "dict" | "Any" | "Json" => Some(FieldType::Json),
            _ if inner.starts_with("dict[") || inner.starts_with("Dict[") => Some(FieldType::Json),
            _ => None,
        };
        match base {
            Some(b) => spec(b, list),
            None => TypeSrc::Text(if list {
                format!("{inner}[]")
            } else {
                inner.to_string()
            }),
        }
    };
    let mut col = Column::of(ty);
    col.required = Some(!optional);
    col
}

static ENUM_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^([A-Z][A-Z0-9_]*)\s*=\s*(?:['"]([^'"]*)['"]|([0-9A-Za-z_.()]+))\s*(?:#\s*(.*))?$"#,
    )
    .expect("regex")
});

/// `class Status(str, Enum):` with `PAID = "paid"  # 已支付` members.
pub fn enums(code: &Code, out: &mut Enums) {
    let mut cur: Option<String> = None;
    for l in &code.lines {
        let t = l.text.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !l.text.starts_with([' ', '\t']) {
            cur = CLASS.captures(t).and_then(|c| {
                let bases = c.get(2).map_or("", |m| m.as_str());
                bases
                    .split(',')
                    .any(|b| b.trim().ends_with("Enum"))
                    .then(|| c.get(1).map_or("", |m| m.as_str()).to_string())
            });
            continue;
        }
        let (Some(name), Some(c)) = (cur.as_ref(), ENUM_MEMBER.captures(t)) else {
            continue;
        };
        let key = c.get(1).map_or("", |m| m.as_str());
        let value = c.get(2).map_or(key, |m| m.as_str()).to_string();
        let label = c.get(4).map_or("", |m| m.as_str()).trim().to_string();
        let values = out.entry(name.clone()).or_default();
        if !values.iter().any(|v| v.value == value) {
            values.push(crate::model::EnumValue { value, label });
        }
    }
}
