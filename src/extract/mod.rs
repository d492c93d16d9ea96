//! Blocks → model, in passes (like entc's graph builder; the IR refers by name, so forward
//! references need no ordering tricks):
//!
//! 0. enums declared in code blocks are gathered first ([`decls::collect`]);
//! 1. **collect**: every piece of entity evidence (DDL, field tables, Prisma / Convex / TS /
//!    Java / Go / Python code, mermaid, bullets, Key-Entities prose, headings, JSON samples) as
//!    raw entities with raw fields ([`entities::collect`]);
//! 2. **declare**: give each raw entity its PascalCase name (glossary first), drop API/UI
//!    shapes ([`shapes`]) and build the lookup that resolves `Reader`, `readers`, `读者`,
//!    `t_reader` to one entity;
//! 3. **resolve**: read every field's type against the declared entities (so a Loan may refer
//!    to a Reader declared later), its constraints, enum values and reference;
//! 4. **merge** sources of one entity by identifier (the order of [`entities::Source`]: DDL >
//!    table > Prisma/Convex > TypeScript > mermaid > class > bullets > prose > JSON sample),
//!    warning with both lines where typed sources disagree;
//! 5. **derive** relations (belongs_to / has_many from references, many_to_many from join
//!    tables, list references and "多对多 / M:N" sentences) and indexes;
//!
//! then the other extractors (state machines, actors, use cases, NFRs) run on the result.

pub mod actors;
pub mod convex;
pub mod ddl;
pub mod decls;
pub mod entities;
pub mod enum_decls;
pub mod fields;
pub mod gostruct;
pub mod headings;
pub mod java;
pub mod json_sample;
pub mod lexicon;
pub mod mermaid;
pub mod nfr;
pub mod operations;
pub mod overview;
pub mod ownership;
pub mod prisma;
pub mod processes;
pub mod prose;
pub mod python;
pub mod relation_bullets;
pub mod repair;
pub mod roles;
pub mod rules;
pub mod service;
pub mod shapes;
pub mod states;
pub mod states_prose;
pub mod ts;
pub mod types;
pub mod usecases;
pub mod value_types;

use crate::analyze::Glossary;
use crate::diag::{Diagnostic, Text};
use crate::model::{
    BoundedContext, Entity, EnumValue, Field, FieldType, Index, Model, Relation, RelationKind,
    MODEL_VERSION,
};
use crate::names;
use crate::prd::{Block, Document, Pos};
use entities::{RawEntity, RawIndex, Source};
use fields::{RawField, TypeSrc};
use std::collections::{BTreeSet, HashMap};
use types::{Lookup, Parsed, TypeSpec};

/// Shared state of one extraction: options and the diagnostics found so far.
pub struct Ctx<'g> {
    pub glossary: &'g Glossary,
    pub diags: Vec<Diagnostic>,
    /// `CREATE TYPE x AS ENUM (…)` anywhere in the PRD, by lower-case name, for type cells
    /// naming them (`| status | appointment_status |`).
    pub enum_types: HashMap<String, Vec<EnumValue>>,
    /// Enums declared in the document's code blocks, by name (see [`decls`]).
    pub enums: decls::Enums,
}

impl<'g> Ctx<'g> {
    pub fn new(glossary: &'g Glossary) -> Self {
        Ctx {
            glossary,
            diags: Vec::new(),
            enum_types: HashMap::new(),
            enums: decls::Enums::new(),
        }
    }

    /// A context whose diagnostics are thrown away (for trial parses).
    pub fn probe(&self) -> Ctx<'g> {
        let mut cx = Ctx::new(self.glossary);
        cx.enums = self.enums.clone();
        cx
    }

    fn glossary_term(&self, terms: &[&str]) -> Option<String> {
        terms.iter().find_map(|t| {
            let t = t.trim();
            if t.is_empty() {
                return None;
            }
            self.glossary
                .get(t)
                .or_else(|| self.glossary.get(&headings::clean_label(t)))
                .cloned()
        })
    }

    /// The snake_case name of a field written as `written` (label `label`), or E102.
    pub fn field_ident(
        &mut self,
        ident: Option<&str>,
        label: &str,
        written: &str,
        pos: Pos,
    ) -> Option<String> {
        if let Some(g) = self.glossary_term(&[label, written]) {
            return Some(names::snake(&g));
        }
        if let Some(i) = ident {
            let s = names::snake(i);
            if !s.is_empty() {
                return Some(s);
            }
        }
        let shown = if label.is_empty() { written } else { label };
        self.diags.push(
            Diagnostic::error(
                "E102",
                pos.line,
                pos.col,
                Text::new(
                    format!("field \"{shown}\" has no ASCII identifier"),
                    format!("字段“{shown}”没有英文标识符"),
                ),
            )
            .with_term(shown)
            .with_help(Text::new(
                format!(
                    "write \"{shown} (field_name)\", add an 英文名 column to the table, or map it in a glossary file (--glossary, `{shown}: field_name`)"
                ),
                format!(
                    "写成“{shown} (field_name)”，或在表格中加“英文名”列，或在术语表中映射（--glossary，`{shown}: field_name`）"
                ),
            )),
        );
        None
    }

    /// W207: a TBD cell.
    pub fn tbd(&mut self, pos: Pos, text: &str) {
        self.diags.push(
            Diagnostic::warning(
                "W207",
                pos.line,
                pos.col,
                Text::new(
                    format!("\"{text}\" is not decided yet; ignored"),
                    format!("“{text}”尚未确定，已忽略"),
                ),
            )
            .with_help(Text::new(
                "fill in the value before generating code",
                "生成代码前请补全该值",
            )),
        );
    }

    /// E113: a field table or list with no entity to belong to.
    pub fn no_owner(&mut self, pos: Pos, what: &str) {
        let (en, zh) = if what == "table" {
            ("field table", "字段表")
        } else {
            ("field list", "字段列表")
        };
        self.diags.push(
            Diagnostic::warning(
                "W213",
                pos.line,
                pos.col,
                Text::new(
                    format!("this {en} does not say which entity it describes; it was skipped"),
                    format!("无法确定此{zh}属于哪个实体，已跳过"),
                ),
            )
            .with_help(Text::new(
                "put it under a heading that names the entity (\"### 用户 (User)\") or precede it with a bold line such as \"**用户表 (User)**\"",
                "把它放在以实体命名的标题下（“### 用户 (User)”），或在其前加一行加粗的名称，如“**用户表 (User)**”",
            )),
        );
    }
}

/// Runs every extractor over the document.
pub fn extract(doc: &Document, glossary: &Glossary, diags: &mut Vec<Diagnostic>) -> Model {
    let mut cx = Ctx::new(glossary);
    cx.enums = decls::collect(doc);
    let service = service::extract(doc, &mut cx);
    let built = build_entities(doc, &mut cx);
    diags.append(&mut cx.diags);
    let (contexts, mut entities) = contexts_of(built);
    states::extract(doc, &mut entities, diags);
    let actors = actors::extract(doc, diags);
    let use_cases = usecases::extract(doc, &entities, &actors, diags);
    let nfr = nfr::extract(doc, diags);
    let rules = rules::extract(doc, &entities);
    let processes = processes::extract(doc, &entities, diags);
    let mut model = Model {
        version: MODEL_VERSION,
        service,
        contexts,
        entities,
        actors,
        use_cases,
        nfr,
        rules,
        processes,
        capabilities: Vec::new(),
    };
    repair::repair(&mut model, diags);
    ownership::extract(doc, &mut model, diags);
    model
}

type ContextRef = Option<(String, String, u32)>;

fn contexts_of(entities: Vec<(Entity, ContextRef)>) -> (Vec<BoundedContext>, Vec<Entity>) {
    let mut contexts: Vec<BoundedContext> = Vec::new();
    let mut out = Vec::with_capacity(entities.len());
    for (e, c) in entities {
        if let Some((name, label, line)) = c {
            match contexts.iter_mut().find(|x| x.name == name) {
                Some(x) => x.entities.push(e.name.clone()),
                None => contexts.push(BoundedContext {
                    name,
                    label,
                    entities: vec![e.name.clone()],
                    line,
                }),
            }
        }
        out.push(e);
    }
    (contexts, out)
}

/// Resolves words to declared entity names.
pub struct EntityIndex {
    map: HashMap<String, String>,
    names: Vec<String>,
}

fn norm_key(s: &str) -> String {
    crate::prd::fold(s).trim().trim_matches('`').to_lowercase()
}

impl EntityIndex {
    fn new() -> Self {
        EntityIndex {
            map: HashMap::new(),
            names: Vec::new(),
        }
    }

    fn add(&mut self, key: &str, name: &str) {
        let k = norm_key(key);
        if !k.is_empty() {
            self.map.entry(k).or_insert_with(|| name.to_string());
        }
    }

    fn declare(&mut self, name: &str, raw: &RawEntity) {
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
        }
        self.add(name, name);
        self.add(&names::snake(name), name);
        self.add(&names::table(name), name);
        self.add(&names::plural(&names::snake(name)).replace('_', ""), name);
        if !raw.label.is_empty() {
            self.add(&raw.label, name);
            self.add(&headings::clean_label(&raw.label), name);
        }
        if let Some(i) = &raw.ident {
            self.add(i, name);
            self.add(&names::snake(i), name);
        }
        for a in &raw.aliases {
            self.add(a, name);
        }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// `binding_id` → `ExternalCrmBinding`, `order_id` → `MarketplaceOrder`: the last word of
    /// a multi-word entity name refers to it when no other entity ends in that word and no
    /// entity is named by the word itself.
    fn add_tail_aliases(&mut self) {
        let mut tails: HashMap<String, Vec<String>> = HashMap::new();
        for n in &self.names {
            let words = names::words(n);
            if let (true, Some(last)) = (words.len() > 1, words.last()) {
                tails.entry(last.clone()).or_default().push(n.clone());
            }
        }
        for (tail, owners) in tails {
            if let [only] = owners.as_slice() {
                if !self.map.contains_key(&tail) {
                    let only = only.clone();
                    self.add(&tail, &only);
                }
            }
        }
    }

    /// The one entity other than `owner` whose name ends in `stem` (`session` →
    /// `WorkoutSession`); `None` when none or several do.
    fn by_suffix(&self, stem: &str, owner: &str) -> Option<String> {
        let tail = format!("_{}", names::snake(stem));
        let mut found = self
            .names
            .iter()
            .filter(|n| n.as_str() != owner && names::snake(n).ends_with(&tail));
        let first = found.next()?;
        found.next().is_none().then(|| first.clone())
    }
}

impl Lookup for EntityIndex {
    fn entity(&self, word: &str) -> Option<String> {
        let k = norm_key(word);
        if k.is_empty() {
            return None;
        }
        if let Some(n) = self.map.get(&k) {
            return Some(n.clone());
        }
        let parts = headings::split_name(word);
        if let Some(i) = parts.ident {
            let s = names::snake(&i);
            for cand in [s.clone(), names::singular(&s), names::table(&s)] {
                if let Some(n) = self.map.get(&cand) {
                    return Some(n.clone());
                }
            }
        }
        let l = headings::clean_label(&k);
        self.map.get(&l).cloned()
    }
}

/// The PascalCase entity name for an identifier as written (`readers` → `Reader`).
pub fn entity_name(ident: &str) -> String {
    names::pascal(&names::singular(ident))
}

/// A field after resolution, with what its source said explicitly.
#[derive(Debug, Clone)]
struct RField {
    field: Field,
    pos: Pos,
    source: Source,
    ty_known: bool,
    required_known: bool,
    pk: bool,
    index: bool,
}

struct Member {
    raw: RawEntity,
    fields: Vec<RField>,
    raw_field_count: usize,
}

/// Fields the generator adds to every entity; dropped from the PRD's lists.
const IMPLICIT: &[&str] = &["id", "created_at", "updated_at", "version"];

fn build_entities(doc: &Document, cx: &mut Ctx) -> Vec<(Entity, ContextRef)> {
    // Pass 1: collect.
    let mut raws = entities::collect(doc, cx);
    ddl::shared_foreign_keys(&mut raws);
    // Pass 2: declare (glossary first, then the written identifier, then a label that
    // another source of the same entity names).
    let mut label_names: HashMap<String, String> = HashMap::new();
    for r in raws.iter_mut() {
        let g = cx.glossary_term(&[&r.label, r.ident.as_deref().unwrap_or("")]);
        r.name = g
            .map(|g| names::pascal(&g))
            .or_else(|| r.ident.as_deref().map(entity_name))
            .filter(|n| !n.is_empty());
        if let Some(n) = &r.name {
            if !r.label.is_empty() {
                label_names
                    .entry(headings::clean_label(&r.label))
                    .or_insert_with(|| n.clone());
            }
        }
    }
    for r in raws.iter_mut() {
        if r.name.is_none() && !r.label.is_empty() {
            r.name = label_names.get(&headings::clean_label(&r.label)).cloned();
        }
    }
    // DTOs, tokens, store states written like entities are not declared (see `shapes`).
    let raws = shapes::drop_shapes(raws, cx);
    let mut index = EntityIndex::new();
    for r in &raws {
        if let Some(n) = &r.name {
            index.declare(n, r);
        }
    }
    index.add_tail_aliases();
    // Pass 3: resolve fields against the declared entities.
    let mut members: Vec<Member> = Vec::new();
    for mut raw in raws {
        let raw_fields = std::mem::take(&mut raw.fields);
        let raw_field_count = raw_fields.len();
        let mut fields: Vec<RField> = Vec::new();
        let owner = raw.name.clone().unwrap_or_default();
        for rf in raw_fields {
            if let Some(f) = resolve_field(rf, raw.source, &owner, &index, cx) {
                if let Some(prev) = fields.iter().find(|p| p.field.name == f.field.name) {
                    cx.diags.push(duplicate_field(&f, prev, &raw));
                    continue;
                }
                fields.push(f);
            }
        }
        members.push(Member {
            raw,
            fields,
            raw_field_count,
        });
    }
    // Pass 4: merge by identifier.
    let mut merged = merge(members, cx);
    // What generation cannot take (an enum without values, an impossible default) is
    // settled here, after every source of a field was merged.
    for m in &mut merged {
        let owner = m.raw.name.clone().unwrap_or_default();
        for f in &mut m.fields {
            fields::settle(&mut f.field, &owner, f.pos, cx);
        }
    }
    // Pass 5: relations and indexes.
    derive(merged, doc)
}

fn duplicate_field(f: &RField, prev: &RField, raw: &RawEntity) -> Diagnostic {
    let owner = raw.name.clone().unwrap_or_else(|| raw.label.clone());
    Diagnostic::warning(
        "W205",
        f.pos.line,
        f.pos.col,
        Text::new(
            format!(
                "field `{}` of `{owner}` is defined twice (first on line {}); the first is used",
                f.field.name, prev.pos.line
            ),
            format!(
                "实体 `{owner}` 的字段 `{}` 重复定义（首次在第 {} 行），使用第一处",
                f.field.name, prev.pos.line
            ),
        ),
    )
    .with_help(Text::new(
        "remove one of the two rows, or give them different English names",
        "删除其中一行，或为它们使用不同的英文名",
    ))
}

fn string_like(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::String | FieldType::Email | FieldType::Phone | FieldType::Url
    )
}

pub(crate) fn is_status_like(name: &str, label: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "status", "state", "type", "kind", "role", "level", "gender", "category", "priority",
        "stage",
    ]
    .iter()
    .any(|w| n == *w || n.ends_with(&format!("_{w}")))
        || [
            "状态",
            "类型",
            "性别",
            "等级",
            "级别",
            "角色",
            "优先级",
            "阶段",
        ]
        .iter()
        .any(|w| label.contains(w))
}

fn unknown_type(name: &str, word: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W206",
        pos.line,
        pos.col,
        Text::new(
            format!("unknown type \"{word}\" for field `{name}`; using string"),
            format!("字段 `{name}` 的类型“{word}”无法识别，按 string 处理"),
        ),
    )
    .with_help(Text::new(
        format!(
            "use one of: {}; or the name of an entity",
            types::accepted_words()
        ),
        format!("可用类型：{}；或某个实体的名称", types::accepted_words()),
    ))
}

fn dangling(name: &str, target: &str, known: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W209",
        pos.line,
        pos.col,
        Text::new(
            format!("field `{name}` refers to \"{target}\", which is not an entity in this PRD; it becomes an indexed uuid column without a foreign key"),
            format!("字段 `{name}` 引用的“{target}”不是本 PRD 中定义的实体，按带索引的 uuid 列处理（无外键）"),
        ),
    )
    .with_help(Text::new(
        if known.is_empty() {
            "no entity is defined; declare the target entity".to_string()
        } else {
            format!("known entities: {known}")
        },
        if known.is_empty() {
            "尚未定义任何实体；请先定义被引用的实体".to_string()
        } else {
            format!("已定义的实体：{known}")
        },
    ))
}

fn self_reference(name: &str, owner: &str, pos: Pos) -> Diagnostic {
    Diagnostic::warning(
        "W212",
        pos.line,
        pos.col,
        Text::new(
            format!("field `{name}` refers to its own entity `{owner}` (a tree); it becomes an optional indexed uuid column, not checked against `{owner}`"),
            format!("字段 `{name}` 引用自身实体 `{owner}`（树形结构），按可选的带索引 uuid 列处理，不校验其是否存在"),
        ),
    )
    .with_help(Text::new(
        "the root of a tree has no parent, so the field is optional; check that the parent exists in your own code if you need it",
        "树的根节点没有父节点，因此该字段为可选；如需校验父节点存在，请在自己的代码中实现",
    ))
}

fn resolve_field(
    raw: RawField,
    source: Source,
    owner: &str,
    index: &EntityIndex,
    cx: &mut Ctx,
) -> Option<RField> {
    let mut name = raw.name.clone()?;
    let mut mods = raw.mods.clone();
    let mut hints = raw.hints.clone();
    let mut ty_known = true;
    let mut spec: TypeSpec = match &raw.ty {
        TypeSrc::Spec(s) => s.clone(),
        // An enum declared in a code block (`RoleLevel`, `OrderStatus[]`).
        TypeSrc::Text(t) if decls::enum_type(&cx.enums, t).is_some() => {
            decls::enum_type(&cx.enums, t).unwrap_or_default()
        }
        TypeSrc::Text(t) => match types::parse_type(t, index) {
            Parsed::Type(s, rest) => {
                mods.merge(types::parse_mods(&rest));
                hints.push(' ');
                hints.push_str(&rest);
                s
            }
            // A type declared by `CREATE TYPE … AS ENUM` elsewhere in the PRD.
            Parsed::Unknown(word) => match cx.enum_types.get(&t.trim().to_lowercase()) {
                Some(values) => TypeSpec {
                    ty: Some(FieldType::Enum),
                    enum_values: values.clone(),
                    ..TypeSpec::default()
                },
                None => {
                    cx.diags.push(unknown_type(&name, &word, raw.type_pos));
                    TypeSpec {
                        ty: Some(FieldType::String),
                        ..TypeSpec::default()
                    }
                }
            },
            Parsed::Empty => {
                ty_known = false;
                TypeSpec::default()
            }
        },
        TypeSrc::Missing => {
            ty_known = false;
            TypeSpec::default()
        }
    };
    fields::type_word_effects(&mut spec, &mut mods, &name, &raw, cx);
    // Length column: `50`, `10,2`.
    if let Some(len) = &raw.length {
        let nums: Vec<u32> = len
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|x| x.parse().ok())
            .collect();
        if spec.ty == Some(FieldType::Decimal) {
            if let Some(s) = nums.get(1) {
                spec.scale = Some(*s);
            }
        } else if let Some(n) = nums.first() {
            spec.max_length.get_or_insert(*n);
        }
    }
    // Enum values: the type, then CHECK/IN constraints, then code lists in the description.
    if spec.enum_values.is_empty() && !mods.enum_values.is_empty() {
        spec.enum_values = std::mem::take(&mut mods.enum_values);
        if matches!(
            spec.ty,
            None | Some(FieldType::String) | Some(FieldType::Int) | Some(FieldType::Text)
        ) {
            spec.ty = Some(FieldType::Enum);
        }
    }
    if spec.enum_values.is_empty()
        && matches!(
            spec.ty,
            None | Some(FieldType::Enum)
                | Some(FieldType::Int)
                | Some(FieldType::String)
                | Some(FieldType::Text)
        )
        && spec.ref_target.is_none()
    {
        let status_like = is_status_like(&name, &raw.label);
        if let Some(codes) = types::code_list(&hints) {
            // `0-否 1-是` is a flag.
            if types::yes_no_codes(&codes) && spec.ty != Some(FieldType::Enum) {
                spec.ty = Some(FieldType::Bool);
            } else {
                spec.enum_values = codes;
                spec.ty = Some(FieldType::Enum);
            }
        } else if spec.ty == Some(FieldType::Enum)
            || (matches!(spec.ty, None | Some(FieldType::String)) && status_like)
        {
            if let Some(words) = types::word_list(&hints) {
                spec.enum_values = words;
                spec.ty = Some(FieldType::Enum);
            }
        }
        if spec.enum_values.is_empty() {
            fields::described_values(&mut spec, &name, &raw, status_like, cx);
        }
    }
    // Inferred type.
    let mut inferred = false;
    if spec.ty.is_none() {
        if !spec.enum_values.is_empty() {
            spec.ty = Some(FieldType::Enum);
        } else if mods.ref_target.is_some() {
            spec.ty = Some(FieldType::Ref);
        } else {
            spec.ty = Some(types::infer(&name, &raw.label));
            inferred = true;
        }
    }
    let mut ty = spec.ty.unwrap_or(FieldType::String);
    // References: written (`ref Reader`, `FK → readers(id)`), or `reader_id` naming an entity.
    let mut references: Option<String> = None;
    // A reference to a table this PRD does not define: kept as an indexed uuid, no FK.
    let mut external_ref = false;
    // The table it refers to, kept in the description (the model has no place for it).
    let mut external_target: Option<String> = None;
    let target = spec.ref_target.clone().or_else(|| mods.ref_target.clone());
    if let Some(target) = target {
        match index.entity(&target) {
            Some(n) => references = Some(n),
            None => {
                let known = index.names().join(", ");
                cx.diags
                    .push(dangling(&name, &target, &known, raw.type_pos));
                external_ref = true;
                external_target = Some(target.clone());
            }
        }
        ty = if external_ref {
            FieldType::Uuid
        } else {
            FieldType::Ref
        };
        inferred = false;
    } else if matches!(
        ty,
        FieldType::Int | FieldType::Uuid | FieldType::String | FieldType::Ref
    ) && !spec.list
    {
        // `reader_id`, or a bare `外键` / `FK` type: the name gives the target.
        let stem = name.strip_suffix("_id").filter(|s| !s.is_empty());
        let stem = stem.or((ty == FieldType::Ref).then_some(name.as_str()));
        let target = match stem {
            Some("parent") if !owner.is_empty() => Some(owner.to_string()),
            Some(stem) => index.entity(stem).or_else(|| {
                let n = index.by_suffix(stem, owner)?;
                cx.diags.push(fields::suffix_reference(&name, &n, raw.pos));
                Some(n)
            }),
            None => None,
        };
        // `user_id` as the primary key of `users` is its own surrogate key, not a reference.
        let target = target.filter(|n| !(mods.primary_key && n == owner));
        if let Some(n) = target {
            references = Some(n);
            ty = FieldType::Ref;
            inferred = false;
        } else if ty == FieldType::Ref {
            let known = index.names().join(", ");
            let stem = stem.unwrap_or(name.as_str()).to_string();
            cx.diags.push(dangling(&name, &stem, &known, raw.type_pos));
            external_ref = true;
            ty = FieldType::Uuid;
        }
    }
    if (ty == FieldType::Ref || external_ref) && !spec.list && !name.ends_with("_id") {
        name = format!("{name}_id");
    }
    // A row pointing at a row of its own table (parent_id: trees, org units) is kept as an
    // optional indexed uuid: the generated service does not check it against the table yet.
    if ty == FieldType::Ref && !owner.is_empty() && references.as_deref() == Some(owner) {
        cx.diags.push(self_reference(&name, owner, raw.pos));
        references = None;
        ty = FieldType::Uuid;
        external_ref = true;
        mods.required = Some(false);
    }
    // Implicit fields and surrogate primary keys are the generator's.
    if IMPLICIT.contains(&name.as_str()) {
        return None;
    }
    if mods.primary_key && matches!(ty, FieldType::Int | FieldType::Uuid) && references.is_none() {
        return None;
    }
    if inferred {
        cx.diags.push(
            Diagnostic::warning(
                "W201",
                raw.pos.line,
                raw.pos.col,
                Text::new(
                    format!(
                        "no type given for field `{name}`; guessed `{}` from its name",
                        ty.as_str()
                    ),
                    format!("字段 `{name}` 未写类型，根据名称推断为 `{}`", ty.as_str()),
                ),
            )
            .with_help(Text::new(
                "add a type column (| 类型 |) or write the type after the name (`name: string`)",
                "请增加“类型”列，或在字段名后写明类型（`name: string`）",
            )),
        );
    }
    let max_length = if string_like(ty) {
        spec.max_length.or(mods.max_length)
    } else {
        None
    };
    // Enum values written in Chinese: the glossary may give them identifiers.
    for v in spec.enum_values.iter_mut() {
        if !v.value.is_ascii() {
            if let Some(g) = cx.glossary.get(v.value.trim()) {
                v.label = std::mem::replace(&mut v.value, g.clone());
            }
        }
    }
    if ty == FieldType::Enum {
        fields::name_chinese_values(&mut spec.enum_values, &name, raw.type_pos, cx);
    }
    let default = mods
        .default
        .as_deref()
        .and_then(|d| normalize_default(d, ty, &spec.enum_values));
    // A short Chinese description with no label column is the label (`借书证号`).
    let mut label = clean_field_label(&raw.label);
    let mut description = raw.description.clone();
    if label.is_empty()
        && !description.is_ascii()
        && !types::is_note(&description)
        && description.chars().count() <= 12
        && !description.contains(['，', ',', '。', '.', '：', ':', '(', '（', ';', '；', '/'])
    {
        label = std::mem::take(&mut description);
    } else if label.is_empty() && !description.is_ascii() {
        // `读者等级（normal-普通读者/vip-VIP读者）`, `定价（元）`: the head before the
        // parenthesis is the label; the description keeps the whole text.
        let head = description.split(['（', '(']).next().unwrap_or("").trim();
        if !head.is_empty()
            && !head.is_ascii()
            && head.len() < description.trim().len()
            && head.chars().count() <= 12
            && !head.contains(['，', ',', '。', '.', '：', ':', ';', '；', '/'])
        {
            label = head.to_string();
        }
    }
    if let Some(t) = external_target {
        description = fields::with_external_target(&description, &t);
    }
    let field = Field {
        name,
        label,
        ty,
        list: spec.list,
        required: mods.required.unwrap_or(false) || mods.primary_key,
        unique: mods.unique || mods.primary_key,
        default,
        max_length,
        scale: if ty == FieldType::Decimal {
            spec.scale
        } else {
            None
        },
        enum_values: if ty == FieldType::Enum {
            spec.enum_values
        } else {
            vec![]
        },
        references,
        description,
        example: raw.example.clone(),
        line: raw.pos.line,
    };
    Some(RField {
        field,
        pos: raw.pos,
        source,
        ty_known: ty_known && !inferred,
        required_known: mods.required.is_some() || mods.primary_key,
        pk: mods.primary_key,
        // A guessed `x_id` uuid is a reference to something: indexed like one.
        index: mods.index || external_ref || (inferred && ty == FieldType::Uuid),
    })
}

fn clean_field_label(l: &str) -> String {
    let t = l.trim();
    if t.is_ascii() {
        // An ASCII "label" that is just the identifier again says nothing.
        return if names::snake(t) == t {
            String::new()
        } else {
            t.to_string()
        };
    }
    t.to_string()
}

/// A default as a literal of the field's type: quotes stripped, SQL expressions dropped,
/// 是/否 → true/false, an enum label → its value.
fn normalize_default(d: &str, ty: FieldType, values: &[EnumValue]) -> Option<String> {
    let t = crate::prd::fold(d);
    let t = t.trim().trim_matches(['\'', '"', '`']).trim();
    let lower = t.to_lowercase();
    if t.is_empty()
        || matches!(lower.as_str(), "null" | "无" | "none" | "-" | "—")
        || lower.contains("current_timestamp")
        || lower.ends_with("()")
        || lower.starts_with("now")
    {
        return None;
    }
    match ty {
        FieldType::Bool => match types::yes_no(t) {
            Some(b) => Some(b.to_string()),
            None => Some(t.to_string()),
        },
        FieldType::Enum => Some(
            values
                .iter()
                .find(|v| v.value == t || v.label == t)
                .map(|v| v.value.clone())
                .unwrap_or_else(|| t.to_string()),
        ),
        _ => Some(t.to_string()),
    }
}

struct Merged {
    raw: RawEntity,
    fields: Vec<RField>,
    indexes: Vec<RawIndex>,
    line: u32,
}

/// More specific types refine less specific ones without a warning (`varchar` + `email`).
fn refines(base: FieldType, other: FieldType) -> Option<FieldType> {
    use FieldType::*;
    match (base, other) {
        (a, b) if a == b => Some(a),
        (String | Text, Email | Phone | Url | Enum | Ref | Uuid | Text | String) => Some(other),
        (Email | Phone | Url | Enum | Ref | Uuid, String | Text) => Some(base),
        (Int, Enum | Ref | Bool) => Some(other),
        (Enum | Ref | Bool, Int) => Some(base),
        (Uuid, Ref) => Some(other),
        (Ref, Uuid) => Some(base),
        _ => None,
    }
}

fn merge(members: Vec<Member>, cx: &mut Ctx) -> Vec<Merged> {
    // Group by name (or label when there is no name), in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Member>> = HashMap::new();
    for m in members {
        let key = match &m.raw.name {
            Some(n) => n.clone(),
            None if !m.raw.label.is_empty() => {
                format!("\u{0}{}", headings::clean_label(&m.raw.label))
            }
            None => continue,
        };
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(m);
    }
    let mut out: Vec<Merged> = Vec::new();
    for key in order {
        let Some(mut group) = groups.remove(&key) else {
            continue;
        };
        let line = group.iter().map(|m| m.raw.pos.line).min().unwrap_or(0);
        let raw_field_total: usize = group.iter().map(|m| m.raw_field_count).sum();
        group.sort_by_key(|m| (m.raw.source, m.raw.pos.line));
        // A name without any data (a heading, a bold label, a prose bullet) is context, not an
        // entity: only fields make one.
        if raw_field_total == 0 {
            if let Some(r) = group.iter().min_by_key(|m| m.raw.pos.line).map(|m| &m.raw) {
                if r.source == Source::Prose && r.name.is_some() {
                    cx.diags.push(no_fields(r));
                }
            }
            continue;
        }
        if group[0].raw.name.is_none() {
            if let Some(r) = group.iter().min_by_key(|m| m.raw.pos.line).map(|m| &m.raw) {
                cx.diags.push(no_ascii_entity(r, cx.glossary));
            }
            continue;
        }
        let mut iter = group.into_iter();
        let Some(base) = iter.next() else { continue };
        // Fields only a JSON sample gives (types guessed from values): reported once (W231).
        let mut sampled: Vec<(String, FieldType, Pos)> = Vec::new();
        if base.raw.source == Source::Sample {
            sampled.extend(
                base.fields
                    .iter()
                    .map(|f| (f.field.name.clone(), f.field.ty, f.pos)),
            );
        }
        let mut merged = Merged {
            fields: base.fields,
            indexes: base.raw.indexes.clone(),
            raw: base.raw,
            line,
        };
        for m in iter {
            let dup_of_kind = m.raw.source == merged.raw.source
                && m.raw.source != Source::Prose
                && m.raw.section != merged.raw.section
                && !m.fields.is_empty()
                && !merged.fields.is_empty();
            if dup_of_kind {
                cx.diags.push(duplicate_entity(&m.raw, &merged.raw));
            }
            let better_label = merged.raw.label.is_empty()
                || (merged.raw.label.is_ascii() && !m.raw.label.is_ascii());
            if better_label && !m.raw.label.is_empty() {
                merged.raw.label = m.raw.label.clone();
            }
            // Key-Entities prose describes the entity best; otherwise the first description.
            let prose = m.raw.source == Source::Prose && !m.raw.description.is_empty();
            if prose || merged.raw.description.is_empty() {
                merged.raw.description = m.raw.description.clone();
            }
            if merged.raw.context.is_none() {
                merged.raw.context = m.raw.context.clone();
            }
            merged.indexes.extend(m.raw.indexes.clone());
            merged.raw.many_to_many.extend(m.raw.many_to_many.clone());
            let same_source = m.raw.source == merged.raw.source;
            for f in m.fields {
                match merged
                    .fields
                    .iter_mut()
                    .find(|x| x.field.name == f.field.name)
                {
                    // A sample's guess never argues with a written type.
                    Some(_) if m.raw.source == Source::Sample => {}
                    None if m.raw.source == Source::Sample => {
                        sampled.push((f.field.name.clone(), f.field.ty, f.pos));
                        merged.fields.push(f);
                    }
                    Some(base_f) if !same_source || dup_of_kind => {
                        merge_field(base_f, f, &merged.raw, cx)
                    }
                    Some(base_f) => {
                        let d = duplicate_field(&f, base_f, &merged.raw);
                        cx.diags.push(d);
                    }
                    None => merged.fields.push(f),
                }
            }
        }
        // Declared with its key only (a mermaid `DEPOT { bigint id PK }`): kept, since others
        // may refer to it, but it has nothing of its own.
        if merged.fields.is_empty() {
            cx.diags.push(id_only(&merged.raw));
        }
        if let Some((_, _, pos)) = sampled.first() {
            let list: Vec<(String, FieldType)> =
                sampled.iter().map(|(n, t, _)| (n.clone(), *t)).collect();
            let name = merged.raw.name.clone().unwrap_or_default();
            cx.diags.push(json_sample::guessed(&name, &list, *pos));
        }
        out.push(merged);
    }
    out.sort_by_key(|m| m.line);
    out
}

/// E101, with a name to write suggested from the glossary (a term the label contains,
/// `会员` in `会员档案`) or a placeholder: never a fixed name unrelated to this entity.
fn no_ascii_entity(r: &RawEntity, glossary: &Glossary) -> Diagnostic {
    let label = &r.label;
    let (name, table) = glossary
        .iter()
        .filter(|(term, _)| !term.is_empty() && label.contains(term.as_str()))
        .max_by_key(|(term, _)| term.chars().count())
        .map(|(_, id)| (names::pascal(id), names::plural(&names::snake(id))))
        .filter(|(n, _)| !n.is_empty())
        .unwrap_or_else(|| ("<EnglishName>".to_string(), "<english_names>".to_string()));
    let help_en = match r.source {
        Source::Ddl => format!("use an ASCII table name (`CREATE TABLE {table}`), or map \"{label}\" in a glossary file (--glossary, `{label}: {name}`)"),
        Source::Prose | Source::Bullets => format!("write \"**{label} ({name})**\", or map it in a glossary file (--glossary, `{label}: {name}`)"),
        _ => format!("add the English name to the heading (\"### {label} ({name})\"), or map it in a glossary file (--glossary, `{label}: {name}`)"),
    };
    let help_zh = match r.source {
        Source::Ddl => format!("请使用英文表名（`CREATE TABLE {table}`），或在术语表中映射（--glossary，`{label}: {name}`）"),
        Source::Prose | Source::Bullets => format!("写成“**{label} ({name})**”，或在术语表中映射（--glossary，`{label}: {name}`）"),
        _ => format!("在标题中加上英文名（“### {label} ({name})”），或在术语表中映射（--glossary，`{label}: {name}`）"),
    };
    Diagnostic::error(
        "E101",
        r.pos.line,
        r.pos.col,
        Text::new(
            format!("entity \"{label}\" has no ASCII identifier"),
            format!("实体“{label}”没有英文标识符"),
        ),
    )
    .with_term(label)
    .with_help(Text::new(help_en, help_zh))
}

fn duplicate_entity(dup: &RawEntity, first: &RawEntity) -> Diagnostic {
    let name = dup.name.clone().unwrap_or_default();
    Diagnostic::warning(
        "W211",
        dup.pos.line,
        dup.pos.col,
        Text::new(
            format!(
                "entity `{name}` is defined twice (first on line {}); the fields are merged, the first definition wins where they disagree",
                first.pos.line
            ),
            format!("实体 `{name}` 重复定义（首次在第 {} 行），字段已合并，不一致处以第一处为准", first.pos.line),
        ),
    )
    .with_help(Text::new(
        "merge the two definitions, or give the second entity a different English name",
        "合并两处定义，或为第二个实体使用不同的英文名",
    ))
}

fn id_only(r: &RawEntity) -> Diagnostic {
    let name = r.name.clone().unwrap_or_default();
    let (src_en, src_zh) = r.source.describe();
    Diagnostic::warning(
        "W232",
        r.pos.line,
        r.pos.col,
        Text::new(
            format!(
                "`{name}` has only its id in {src_en}; it is generated without fields of its own"
            ),
            format!("`{name}` 在{src_zh}中只有 id，生成的实体没有其他字段"),
        ),
    )
    .with_help(Text::new(
        format!("describe its fields, e.g. a field table under a heading \"### {name}\""),
        format!("请补充它的字段，例如在标题“### {name}”下添加字段表"),
    ))
}

fn no_fields(r: &RawEntity) -> Diagnostic {
    let name = r.name.clone().unwrap_or_default();
    Diagnostic::warning(
        "W210",
        r.pos.line,
        r.pos.col,
        Text::new(
            format!("`{name}` is named like an entity but has no fields anywhere; it is not generated"),
            format!("`{name}` 像是实体，但没有任何字段，不会生成"),
        ),
    )
    .with_help(Text::new(
        format!("add a field table under a heading \"### {name}\" (| Field | Type | Required | Description |), a list such as \"- email: string, required, unique\", or a CREATE TABLE statement in a ```sql block"),
        format!("在标题“### {name}”下添加字段表（| 字段 | 类型 | 必填 | 说明 |），或字段列表（“- email: string, 必填, 唯一”），或在 ```sql 代码块中写 CREATE TABLE"),
    ))
}

fn merge_field(base: &mut RField, other: RField, owner: &RawEntity, cx: &mut Ctx) {
    let mut disagreements: Vec<String> = Vec::new();
    let (a, b) = (&mut base.field, &other.field);
    if base.ty_known && other.ty_known {
        match refines(a.ty, b.ty) {
            Some(t) => {
                if t == b.ty && t != a.ty {
                    a.ty = t;
                    if a.enum_values.is_empty() {
                        a.enum_values = b.enum_values.clone();
                    }
                    if a.references.is_none() {
                        a.references = b.references.clone();
                    }
                }
            }
            None => disagreements.push(format!("type `{}` vs `{}`", a.ty.as_str(), b.ty.as_str())),
        }
        if a.list != b.list {
            disagreements.push("list vs single value".to_string());
        }
    } else if !base.ty_known && other.ty_known {
        a.ty = b.ty;
        a.list = b.list;
        a.enum_values = b.enum_values.clone();
        a.references = b.references.clone();
        base.ty_known = true;
    }
    if base.required_known && other.required_known && a.required != b.required {
        disagreements.push(format!(
            "{} vs {}",
            if a.required { "required" } else { "optional" },
            if b.required { "required" } else { "optional" }
        ));
    } else if !base.required_known && other.required_known {
        a.required = b.required;
        base.required_known = true;
    }
    if !a.enum_values.is_empty() && !b.enum_values.is_empty() {
        let sa: BTreeSet<&str> = a.enum_values.iter().map(|v| v.value.as_str()).collect();
        let sb: BTreeSet<&str> = b.enum_values.iter().map(|v| v.value.as_str()).collect();
        if sa != sb {
            disagreements.push("enum values differ".to_string());
        } else {
            for v in a.enum_values.iter_mut() {
                if v.label.is_empty() {
                    if let Some(o) = b.enum_values.iter().find(|o| o.value == v.value) {
                        v.label = o.label.clone();
                    }
                }
            }
        }
    }
    if let (Some(x), Some(y)) = (&a.references, &b.references) {
        if x != y {
            disagreements.push(format!("references `{x}` vs `{y}`"));
        }
    }
    if let (Some(x), Some(y)) = (a.max_length, b.max_length) {
        if x != y {
            disagreements.push(format!("max length {x} vs {y}"));
        }
    }
    if let (Some(x), Some(y)) = (&a.default, &b.default) {
        if x != y {
            disagreements.push(format!("default `{x}` vs `{y}`"));
        }
    }
    // Fill in what the trusted source does not say.
    a.unique |= b.unique;
    if a.label.is_empty() || (a.label.is_ascii() && !b.label.is_ascii() && !b.label.is_empty()) {
        a.label = b.label.clone();
    }
    if a.description.is_empty() {
        a.description = b.description.clone();
    }
    if a.example.is_empty() {
        a.example = b.example.clone();
    }
    if a.default.is_none() {
        a.default = b.default.clone();
    }
    if a.max_length.is_none() {
        a.max_length = b.max_length;
    }
    if a.scale.is_none() {
        a.scale = b.scale;
    }
    base.index |= other.index;
    base.pk |= other.pk;
    if !disagreements.is_empty() {
        let owner_name = owner.name.clone().unwrap_or_default();
        let (src_a_en, src_a_zh) = base.source.describe();
        let (src_b_en, src_b_zh) = other.source.describe();
        let what = disagreements.join("; ");
        cx.diags.push(
            Diagnostic::warning(
                "W203",
                other.pos.line,
                other.pos.col,
                Text::new(
                    format!(
                        "field `{}` of `{owner_name}`: {src_a_en} (line {}) and {src_b_en} (line {}) disagree ({what}); using {src_a_en}",
                        a.name, base.pos.line, other.pos.line
                    ),
                    format!(
                        "实体 `{owner_name}` 的字段 `{}`：{src_a_zh}（第 {} 行）与{src_b_zh}（第 {} 行）不一致（{what}），以{src_a_zh}为准",
                        a.name, base.pos.line, other.pos.line
                    ),
                ),
            )
            .with_help(Text::new(
                "make both descriptions agree, or keep only one of them",
                "请让两处描述保持一致，或只保留其中一处",
            )),
        );
    }
}

const M2M_MARKERS: &[&str] = &[
    "多对多",
    "m:n",
    "n:m",
    "m:m",
    "many-to-many",
    "many to many",
    "n对n",
];

struct Building {
    entity: Entity,
    context: ContextRef,
    fields: Vec<RField>,
    indexes: Vec<RawIndex>,
    many_to_many: Vec<(String, u32)>,
}

/// Pass 5: relations, indexes, many-to-many.
fn derive(merged: Vec<Merged>, doc: &Document) -> Vec<(Entity, ContextRef)> {
    let mut ents: Vec<Building> = merged
        .into_iter()
        .map(|m| {
            let name = m.raw.name.clone().unwrap_or_default();
            let label = if m.raw.label.is_empty() {
                name.clone()
            } else {
                m.raw.label.clone()
            };
            Building {
                entity: Entity {
                    table: names::table(&name),
                    resource: names::resource(&name),
                    label,
                    description: m.raw.description.clone(),
                    name,
                    fields: vec![],
                    relations: vec![],
                    indexes: vec![],
                    state_machine: None,
                    line: m.line,
                },
                context: m.raw.context.clone(),
                fields: m.fields,
                indexes: m.indexes,
                many_to_many: m.raw.many_to_many.clone(),
            }
        })
        .collect();
    let pos_of: HashMap<String, usize> = ents
        .iter()
        .enumerate()
        .map(|(i, b)| (b.entity.name.clone(), i))
        .collect();
    let mut inverse: Vec<(usize, Relation)> = Vec::new();
    // (a, b, join table or "", line)
    let mut m2m: Vec<(String, String, String, u32)> = Vec::new();
    #[allow(clippy::needless_range_loop)] // `ents[i]` is written while `pos_of` indexes it
    for i in 0..ents.len() {
        let owner = ents[i].entity.name.clone();
        let rfields = std::mem::take(&mut ents[i].fields);
        let mut kept: Vec<Field> = Vec::new();
        let mut idx: Vec<Index> = Vec::new();
        for rf in rfields {
            let f = rf.field;
            if f.ty == FieldType::Ref && f.list {
                // `tags: Tag[]`: has_many when the target points back, else many_to_many.
                if let Some(t) = &f.references {
                    m2m.push((owner.clone(), t.clone(), String::new(), f.line));
                }
                continue;
            }
            let known_target = f
                .references
                .as_ref()
                .is_some_and(|t| pos_of.contains_key(t));
            if let (FieldType::Ref, Some(t), true) = (f.ty, &f.references, known_target) {
                ents[i].entity.relations.push(Relation {
                    kind: RelationKind::BelongsTo,
                    target: t.clone(),
                    foreign_key: Some(f.name.clone()),
                    through: None,
                    line: f.line,
                });
                if let Some(&j) = pos_of.get(t) {
                    inverse.push((
                        j,
                        Relation {
                            kind: RelationKind::HasMany,
                            target: owner.clone(),
                            foreign_key: Some(f.name.clone()),
                            through: None,
                            line: f.line,
                        },
                    ));
                }
                idx.push(Index {
                    fields: vec![f.name.clone()],
                    unique: false,
                });
            } else if rf.index {
                idx.push(Index {
                    fields: vec![f.name.clone()],
                    unique: false,
                });
            }
            kept.push(f);
        }
        for ri in std::mem::take(&mut ents[i].indexes) {
            let fields: Vec<String> = ri
                .fields
                .iter()
                .map(|c| {
                    // A DDL index on `reader` when the field became `reader_id`.
                    if kept.iter().any(|f| &f.name == c) {
                        c.clone()
                    } else {
                        format!("{c}_id")
                    }
                })
                .collect();
            if fields.is_empty() || !fields.iter().all(|c| kept.iter().any(|f| &f.name == c)) {
                continue;
            }
            if fields.len() == 1 && ri.unique {
                if let Some(f) = kept.iter_mut().find(|f| f.name == fields[0]) {
                    f.unique = true;
                }
                continue;
            }
            idx.push(Index {
                fields,
                unique: ri.unique,
            });
        }
        let mut seen = BTreeSet::new();
        idx.retain(|x| seen.insert((x.fields.clone(), x.unique)));
        ents[i].entity.fields = kept;
        ents[i].entity.indexes = idx;
    }
    for (j, r) in inverse {
        ents[j].entity.relations.push(r);
    }
    // Stated next to an entity (mermaid `}o--o{`).
    for b in &ents {
        for (t, line) in &b.many_to_many {
            m2m.push((b.entity.name.clone(), entity_name(t), String::new(), *line));
        }
    }
    // Join tables: exactly two references and nothing else.
    for b in &ents {
        let e = &b.entity;
        let refs: Vec<&Field> = e.fields.iter().filter(|f| f.ty == FieldType::Ref).collect();
        if e.fields.len() == 2 && refs.len() == 2 {
            if let (Some(a), Some(c)) = (&refs[0].references, &refs[1].references) {
                if a != c {
                    m2m.push((a.clone(), c.clone(), e.table.clone(), e.line));
                }
            }
        }
    }
    // Sentences: "学生与课程是多对多关系", "Student M:N Course".
    for s in &doc.sections {
        if s.struck {
            continue;
        }
        for b in &s.blocks {
            let lines: Vec<(String, u32)> = match b {
                Block::Paragraph(ls) => ls
                    .iter()
                    .filter(|l| !l.struck)
                    .map(|l| (l.text.clone(), l.pos.line))
                    .collect(),
                Block::List(items) => items
                    .iter()
                    .filter(|l| !l.struck)
                    .map(|l| (l.text.clone(), l.pos.line))
                    .collect(),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .filter(|r| !r.struck)
                    .map(|r| {
                        let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
                        (cells.join(" | "), r.pos.line)
                    })
                    .collect(),
                Block::Code(_) => vec![],
            };
            for (text, line) in lines {
                let lower = crate::prd::fold(&text).to_lowercase();
                if !M2M_MARKERS.iter().any(|m| lower.contains(m)) {
                    continue;
                }
                let found = mentions(&lower, &ents);
                if found.len() >= 2 {
                    m2m.push((found[0].clone(), found[1].clone(), String::new(), line));
                }
            }
        }
    }
    // Many-to-many relations on both sides, once per pair.
    let mut joins: HashMap<(String, String), String> = HashMap::new();
    for (a, b, through, _) in &m2m {
        if !through.is_empty() {
            let k = if a < b {
                (a.clone(), b.clone())
            } else {
                (b.clone(), a.clone())
            };
            joins.entry(k).or_insert_with(|| through.clone());
        }
    }
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    for (a, b, _, line) in m2m {
        if a == b {
            continue;
        }
        let key = if a < b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        };
        if done.contains(&key) {
            continue;
        }
        let (Some(&ia), Some(&ib)) = (pos_of.get(&a), pos_of.get(&b)) else {
            continue;
        };
        // A list field whose target points back is a has_many, already derived.
        let points = |x: usize, t: &str| {
            ents[x]
                .entity
                .relations
                .iter()
                .any(|r| r.kind == RelationKind::BelongsTo && r.target == t)
        };
        if (points(ib, &a) || points(ia, &b)) && !joins.contains_key(&key) {
            continue;
        }
        done.insert(key.clone());
        let through = joins
            .get(&key)
            .cloned()
            .unwrap_or_else(|| format!("{}_{}", names::snake(&key.0), names::table(&key.1)));
        for (i, t) in [(ia, &b), (ib, &a)] {
            ents[i].entity.relations.push(Relation {
                kind: RelationKind::ManyToMany,
                target: t.clone(),
                foreign_key: None,
                through: Some(through.clone()),
                line,
            });
        }
    }
    ents.into_iter().map(|b| (b.entity, b.context)).collect()
}

/// Entities named in a (lower-cased) sentence, in order of appearance.
fn mentions(lower: &str, ents: &[Building]) -> Vec<String> {
    let mut hits: Vec<(usize, String)> = Vec::new();
    for b in ents {
        let e = &b.entity;
        let mut keys = vec![
            e.name.to_lowercase(),
            e.table.clone(),
            names::snake(&e.name).replace('_', " "),
        ];
        if !e.label.is_ascii() {
            keys.push(e.label.to_lowercase());
        }
        let mut best: Option<usize> = None;
        for k in keys {
            if k.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(p) = lower.get(from..).and_then(|r| r.find(&k)) {
                let at = from + p;
                let end = at + k.len();
                let before_ok = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric());
                let after_ok = lower[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric() || c == 's');
                if !k.is_ascii() || (before_ok && after_ok) {
                    best = Some(best.map_or(at, |x: usize| x.min(at)));
                    break;
                }
                from = end;
            }
        }
        if let Some(x) = best {
            hits.push((x, e.name.clone()));
        }
    }
    hits.sort();
    hits.into_iter().map(|(_, n)| n).collect()
}
