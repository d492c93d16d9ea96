//! The domain model (IR): what a PRD says, in a form templates can render.
//!
//! This is the format stored as `backend-pro.yaml` in generated projects and printed by
//! `backend-pro analyze`. Users may edit it by hand, so it must stay readable and round-trip
//! losslessly: every field is plain data, nothing here is derived from anything else.
//! Derived names (Go identifiers, receivers, paths) are computed by [`crate::names`].
//! The format is documented in `docs/MODEL.md`; bump [`MODEL_VERSION`] on a breaking change.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the serialized model format.
pub const MODEL_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Format version of the file: `1` (`MODEL_VERSION` in src/model.rs).
    pub version: u32,
    pub service: Service,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<BoundedContext>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub actors: Vec<Actor>,
    #[serde(default)]
    pub use_cases: Vec<UseCase>,
    pub nfr: Nfr,
    /// Business rules the PRD states that no field constraint expresses; the generated README
    /// lists them as rules to write.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Multi-step processes across aggregates (`下单 → 锁库存 → 支付 → 确认`): with the
    /// `events` capability, each becomes a saga with compensations (docs/GENERATED.md, "Sagas").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Process>,
    /// Capability modules enabled on top of the core CRUD service (`events`), sorted; core is
    /// always on and never listed. See `src/capability/` and docs/MODEL.md.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
}

/// A business rule as the PRD states it (`不能重叠预约`, "at most 5 active loans per reader").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub text: String,
    /// The entity it is about: the first one it names, or the one its section is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Other entities it names (a rule across aggregates belongs in the application layer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<String>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// A process the PRD describes as steps on several entities, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// snake_case ASCII identifier (`borrowing`, `create_order`).
    pub name: String,
    /// As the PRD titles it (`下单流程`, `Borrowing workflow`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    pub steps: Vec<ProcessStep>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// One step of a process: a command on an entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessStep {
    /// The step as written (`锁定库存`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The entity it changes.
    pub entity: String,
    /// `create`, `delete`, or one of the entity's state-machine actions.
    pub action: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// Language a PRD is written in; also the language of CLI output and generated docs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// kebab-case ASCII identifier, e.g. `shop`; the default Go module's last element.
    pub name: String,
    /// Display title in the PRD's language, e.g. `图书馆管理系统`.
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub lang: Lang,
}

/// A group of entities, when the PRD groups them (e.g. `## 订单域 (Ordering)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoundedContext {
    /// PascalCase ASCII identifier.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Names of the entities in this context.
    pub entities: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// PascalCase ASCII identifier with Go initialisms (`OrderItem`, `ISBNRecord`): the id
    /// other parts of the model refer to.
    pub name: String,
    /// Display label in the PRD's language (`订单项`); equals `name` when the PRD gives none.
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Plural snake_case table name (`order_items`).
    pub table: String,
    /// Plural kebab-case resource path segment (`order-items`), used as `/api/v1/<resource>`.
    pub resource: String,
    /// Fields in PRD order, without the implicit `id`, `version`, `created_at`, `updated_at`.
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_machine: Option<StateMachine>,
    /// 1-based line of the heading, table or DDL statement that declared it.
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// snake_case ASCII identifier: the column name and the JSON name.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// A list of `ty` values (`tags: string[]`); stored as a SQL array or JSON.
    #[serde(default, skip_serializing_if = "is_false")]
    pub list: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Default value as a literal of the field's type (`pending`, `0`, `true`), never SQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Maximum length in characters, for string-like types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Decimal places for `decimal` (stored as integer minor units); 2 when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u32>,
    /// Allowed values when `ty` is `enum`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    /// Target entity name when `ty` is `ref`; the field holds the target's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub example: String,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A `line` of 0 (not from a PRD: added by a command or by hand) is left out of the file.
fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Canonical field types. Mapping to Go and SQL is documented in docs/MODEL.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Short text (varchar); `max_length` when known.
    String,
    /// Long text.
    Text,
    /// 64-bit integer.
    Int,
    /// Fixed-point number stored as integer minor units (`scale` decimals): money, prices.
    Decimal,
    Float,
    Bool,
    /// Calendar date without time (`2024-05-01`).
    Date,
    /// Instant with time zone (RFC 3339).
    Datetime,
    Uuid,
    Email,
    Phone,
    Url,
    Json,
    Enum,
    /// Reference to another entity (foreign key); see `Field::references`.
    Ref,
}

impl FieldType {
    /// Every type, in declaration order (lists of accepted words, generators of test models).
    pub const ALL: &'static [FieldType] = &[
        FieldType::String,
        FieldType::Text,
        FieldType::Int,
        FieldType::Decimal,
        FieldType::Float,
        FieldType::Bool,
        FieldType::Date,
        FieldType::Datetime,
        FieldType::Uuid,
        FieldType::Email,
        FieldType::Phone,
        FieldType::Url,
        FieldType::Json,
        FieldType::Enum,
        FieldType::Ref,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Text => "text",
            FieldType::Int => "int",
            FieldType::Decimal => "decimal",
            FieldType::Float => "float",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Datetime => "datetime",
            FieldType::Uuid => "uuid",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Json => "json",
            FieldType::Enum => "enum",
            FieldType::Ref => "ref",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Value as stored and sent over JSON (`pending`, `1`).
    pub value: String,
    /// Display label (`待支付`, `男`); empty when the PRD gives none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// This entity holds a foreign key (`field`) to `target`.
    BelongsTo,
    /// `target` holds a foreign key (`field`, on the target) to this entity.
    HasMany,
    /// Linked through a join table (`through`).
    ManyToMany,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub kind: RelationKind,
    /// Target entity name.
    pub target: String,
    /// Foreign-key field name: on this entity for belongs_to, on the target for has_many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<String>,
    /// Join table for many_to_many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Field names, in index order.
    pub fields: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// Lifecycle of one enum field (usually `status`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateMachine {
    /// The enum field it governs; its `enum_values` are the states.
    pub field: String,
    /// State a new entity starts in.
    pub initial: String,
    pub transitions: Vec<Transition>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub from: String,
    pub to: String,
    /// snake_case ASCII action name (`pay`, `cancel`); several transitions may share one
    /// (e.g. `cancel` from `pending` and from `paid`), but not from the same state.
    pub action: String,
    /// The event as written in the PRD (`支付`), when it differs from `action`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// snake_case ASCII identifier (`admin`, `reader`).
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Entities whose rows this actor reaches only when they are its own ("view own
    /// orders", `读者只能查看本人的借阅记录`): with the `auth` capability, its requests see
    /// and change only the rows whose `field` holds the caller's id (the token's `sub`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owns: Vec<Owned>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// An ownership rule: an actor's rows of `entity` are those whose `field` holds its id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Owned {
    /// The entity name.
    pub entity: String,
    /// Its owner field: a reference to the actor's entity (`customer_id`), or a uuid
    /// (`owner_id`, `user_id`, `created_by`).
    pub field: String,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum UseCaseKind {
    Command,
    Query,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UseCase {
    /// `FR-001`, `US-3`, or a generated `UC-001`.
    pub id: String,
    pub title: String,
    /// Actor name (an `actors` entry's `name`).
    pub actor: String,
    pub kind: UseCaseKind,
    /// Target entity name, when one could be identified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// snake_case operation: `create`, `update`, `delete`, `get`, `list`, a state-machine
    /// action, or another verb (`export`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Where the PRD says it; optional in a hand-edited model (0: not from a PRD).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
}

/// Non-functional requirements. Every value records where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nfr {
    pub peak_qps: NfrValue<u32>,
    pub latency_p95_ms: NfrValue<u32>,
    pub latency_p99_ms: NfrValue<u32>,
    pub availability_percent: NfrValue<f64>,
    pub concurrency: NfrValue<u32>,
    pub retention_days: NfrValue<u32>,
    pub multi_tenancy: NfrValue<bool>,
    /// Requests per second one instance of the service serves at one CPU within the latency
    /// targets, as measured (the generated `scripts/load`); set by `backend-pro deploy
    /// --instance-rps N`. The capacity plan's per-instance figure; unset: a stated default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_rps: Option<u32>,
    /// Every measurable requirement as written (`SC-001: 95% of searches return in under
    /// 1 second`), including those that fit none of the values above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<NfrStatement>,
}

/// One NFR sentence as written in the PRD, with its id when it has one (`SC-001`, `NFR-2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NfrStatement {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "NfrValue_{T}")]
pub struct NfrValue<T> {
    pub value: T,
    /// True when the PRD did not say and the documented default was used.
    #[serde(default, skip_serializing_if = "is_false")]
    pub defaulted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl<T> NfrValue<T> {
    pub fn defaulted(value: T) -> Self {
        NfrValue {
            value,
            defaulted: true,
            line: None,
        }
    }
    pub fn at(value: T, line: u32) -> Self {
        NfrValue {
            value,
            defaulted: false,
            line: Some(line),
        }
    }
}

impl Default for Nfr {
    /// The documented defaults (docs/MODEL.md), all marked `defaulted`.
    fn default() -> Self {
        Nfr {
            peak_qps: NfrValue::defaulted(100),
            latency_p95_ms: NfrValue::defaulted(200),
            latency_p99_ms: NfrValue::defaulted(500),
            availability_percent: NfrValue::defaulted(99.9),
            concurrency: NfrValue::defaulted(100),
            retention_days: NfrValue::defaulted(365),
            multi_tenancy: NfrValue::defaulted(false),
            instance_rps: None,
            statements: Vec::new(),
        }
    }
}

/// Actions on a whole collection rather than on one record; they are not record actions.
/// `import` and `export` are generated (see [`Model::collection_action`]); the others are
/// reported (W407).
pub const COLLECTION_ACTIONS: &[&str] = &["backup", "export", "import"];

/// The collection actions backend-pro generates: `import` (a batch of creates in one
/// transaction) and `export` (the filtered list as CSV).
pub const GENERATED_COLLECTION_ACTIONS: &[&str] = &["export", "import"];

/// A PRD action on one entity and the use cases asking for it. A record action (`assign`,
/// `archive`) is a command on one record that is neither CRUD nor a state transition,
/// generated as `POST /{id}/<action>` around a rule the user writes.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordAction<'a> {
    /// snake_case action name.
    pub name: &'a str,
    /// The use cases asking for it, in PRD order.
    pub use_cases: Vec<&'a UseCase>,
}

impl<'a> RecordAction<'a> {
    /// What the PRD asks, in its words: the first use case's title.
    pub fn title(&self) -> &'a str {
        self.use_cases.first().map_or("", |u| u.title.as_str())
    }
}

impl Model {
    /// Whether the capability `name` is enabled (`core` always is).
    pub fn has_capability(&self, name: &str) -> bool {
        name == "core" || self.capabilities.iter().any(|c| c == name)
    }

    pub fn entity(&self, name: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.name == name)
    }

    /// The use cases asking for collection action `name` (`import`, `export`) of `entity`,
    /// commands or queries alike; `None` when no use case does.
    pub fn collection_action(
        &self,
        entity: &Entity,
        name: &'static str,
    ) -> Option<RecordAction<'_>> {
        let use_cases: Vec<&UseCase> = self
            .use_cases
            .iter()
            .filter(|u| u.entity.as_deref() == Some(entity.name.as_str()))
            .filter(|u| u.action.as_deref() == Some(name))
            .collect();
        (!use_cases.is_empty()).then_some(RecordAction { name, use_cases })
    }

    /// The record actions of `entity`, in order of first mention.
    pub fn record_actions(&self, entity: &Entity) -> Vec<RecordAction<'_>> {
        let mut out: Vec<RecordAction<'_>> = Vec::new();
        for u in &self.use_cases {
            let (UseCaseKind::Command, Some(target), Some(action)) =
                (u.kind, u.entity.as_deref(), u.action.as_deref())
            else {
                continue;
            };
            let transition = entity
                .state_machine
                .as_ref()
                .is_some_and(|sm| sm.transitions.iter().any(|t| t.action == action));
            if target != entity.name
                || transition
                || matches!(action, "create" | "update" | "delete" | "get" | "list")
                || COLLECTION_ACTIONS.contains(&action)
            {
                continue;
            }
            match out.iter_mut().find(|a| a.name == action) {
                Some(a) => a.use_cases.push(u),
                None => out.push(RecordAction {
                    name: action,
                    use_cases: vec![u],
                }),
            }
        }
        out
    }

    pub fn to_yaml(&self) -> String {
        // Serializing plain data structs cannot fail.
        serde_yaml_ng::to_string(self).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_yaml(text: &str) -> Result<Model, serde_yaml_ng::Error> {
        serde_yaml_ng::from_str(text)
    }
}

/// The JSON Schema of the model file (`backend-pro.yaml`), derived from the types above
/// (schemars; doc comments become descriptions), as pretty JSON ending in a newline. Draft 7,
/// the draft editors' YAML language servers support best. Projects get it as
/// [`crate::project::SCHEMA_PATH`].
pub fn json_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Model>();
    schema.insert("title".into(), "backend-pro.yaml".into());
    schema.insert(
        "description".into(),
        "The domain model of a backend-pro project: edit it, then run `backend-pro sync` \
         (docs/MODEL.md)."
            .into(),
    );
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

impl Model {
    /// A model with a service and nothing else, for building models in code.
    pub fn empty(service: &str, lang: Lang) -> Model {
        Model {
            version: MODEL_VERSION,
            service: Service {
                name: service.to_string(),
                title: service.to_string(),
                description: String::new(),
                lang,
            },
            contexts: vec![],
            entities: vec![],
            actors: vec![],
            use_cases: vec![],
            nfr: Nfr::default(),
            rules: vec![],
            processes: vec![],
            capabilities: vec![],
        }
    }
}

impl Field {
    /// Whether the default (if any) is a value of the field's type: an integer for int, a
    /// number for decimal/float, `true`/`false` for bool, one of the values for an enum.
    pub fn default_fits(&self) -> bool {
        let Some(d) = &self.default else { return true };
        match self.ty {
            FieldType::Int => d.parse::<i64>().is_ok(),
            // Stored as integer minor units: no more decimals than the scale (the renderer's
            // rule, so a default validate accepts always renders).
            FieldType::Decimal => {
                let scale = self.scale.unwrap_or(2) as usize;
                let t = d.trim();
                let t = t.strip_prefix('-').unwrap_or(t);
                let (int, frac) = t.split_once('.').unwrap_or((t, ""));
                !(int.is_empty() && frac.is_empty())
                    && frac.len() <= scale
                    && format!("{int}{frac:0<scale$}").parse::<i64>().is_ok()
            }
            FieldType::Float => d.parse::<f64>().is_ok(),
            FieldType::Bool => matches!(d.as_str(), "true" | "false"),
            FieldType::Enum => self.enum_values.iter().any(|v| &v.value == d),
            _ => true,
        }
    }

    /// An optional field with no constraints, for building models in code.
    pub fn new(name: &str, ty: FieldType) -> Field {
        Field {
            name: name.to_string(),
            label: String::new(),
            ty,
            list: false,
            required: false,
            unique: false,
            default: None,
            max_length: None,
            scale: None,
            enum_values: vec![],
            references: None,
            description: String::new(),
            example: String::new(),
            line: 0,
        }
    }
}

impl Entity {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}
