//! Entity evidence from every source — SQL DDL, field tables, summary tables (`overview`),
//! schemas written as code (Prisma, Convex, TypeScript, Java/Kotlin, Go, Python), mermaid ER
//! diagrams, field bullets, Key-Entities prose bullets and the attributes they list (`prose`),
//! relation bullets, entity headings and JSON samples — collected as [`RawEntity`] values
//! (pass 1 of the pipeline in `extract/mod.rs`). Headings and labels that name topics rather
//! than entities are context only (`headings::is_topic`); TypeScript value types are dropped
//! (`value_types`).

use crate::diag::{Diagnostic, Text};
use crate::extract::fields::{self, RawField, TypeSrc};
use crate::extract::headings::{self, is_generic, lead_in, split_name, NameParts};
use crate::extract::roles::{role, Role};
use crate::extract::{
    convex, ddl, gostruct, java, json_sample, mermaid, overview, prisma, prose, python,
    relation_bullets, ts, value_types, Ctx,
};
use crate::names;
use crate::prd::{plain_inline, Block, Document, Pos};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Where an entity's evidence comes from; lower ranks are trusted more when sources disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Ddl,
    Table,
    /// A Prisma `model` or a Convex `defineTable` (database schemas written as code).
    Prisma,
    Convex,
    Interface,
    /// A mermaid `erDiagram` entity.
    Mermaid,
    /// A Java / Kotlin class or a Go struct.
    Class,
    Bullets,
    Prose,
    /// A JSON sample object: types are guessed from values.
    Sample,
}

impl Source {
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Source::Ddl => ("SQL DDL", "SQL DDL"),
            Source::Table => ("the field table", "字段表"),
            Source::Prisma => ("the Prisma model", "Prisma 模型"),
            Source::Convex => ("the Convex table", "Convex 表定义"),
            Source::Interface => ("the TypeScript interface", "TypeScript 接口"),
            Source::Mermaid => ("the mermaid ER diagram", "mermaid ER 图"),
            Source::Class => (
                "the class definition (Java/Kotlin/Go)",
                "类定义（Java/Kotlin/Go）",
            ),
            Source::Bullets => ("the field list", "字段列表"),
            Source::Prose => ("the entity description", "实体描述"),
            Source::Sample => ("the JSON sample", "JSON 示例"),
        }
    }
}

/// A composite or explicit index from DDL, by field name.
#[derive(Debug, Clone, PartialEq)]
pub struct RawIndex {
    pub fields: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone)]
pub struct RawEntity {
    /// ASCII identifier as written (`users`, `Inventory Ledger`), if any.
    pub ident: Option<String>,
    /// PascalCase name, set when entities are declared.
    pub name: Option<String>,
    pub label: String,
    pub description: String,
    pub source: Source,
    pub pos: Pos,
    /// Section that declared it (fields of one section and source are one declaration).
    pub section: usize,
    pub fields: Vec<RawField>,
    pub indexes: Vec<RawIndex>,
    /// Bounded context (name, label, line) from an enclosing heading.
    pub context: Option<(String, String, u32)>,
    /// Other names it goes by (the `CREATE TABLE` or mermaid name as written).
    pub aliases: Vec<String>,
    /// Many-to-many partners stated next to it (mermaid `}o--o{`): (name as written, line).
    pub many_to_many: Vec<(String, u32)>,
}

impl RawEntity {
    pub fn new(parts: NameParts, source: Source, pos: Pos, section: usize) -> Self {
        RawEntity {
            ident: parts.ident,
            name: None,
            label: parts.label,
            description: String::new(),
            source,
            pos,
            section,
            fields: vec![],
            indexes: vec![],
            context: None,
            aliases: vec![],
            many_to_many: vec![],
        }
    }
}

/// The entity a section's heading names, looking through generic headings (`#### Fields`)
/// to the nearest ancestor that names one.
fn heading_entity(doc: &Document, info: &[Info], idx: usize) -> Option<(NameParts, Pos)> {
    let mut cur = Some(idx);
    while let Some(i) = cur {
        let s = doc.sections.get(i)?;
        let inf = info.get(i)?;
        if s.level <= 1 || headings::is_topic(&s.title) {
            return None;
        }
        if inf.generic {
            cur = s.parent;
            continue;
        }
        let n = split_name(&s.title);
        let paired = n.ident.is_some() && !n.label.is_empty() && !n.label.is_ascii();
        // A heading under an NFR section names a metric group, never an entity.
        let nameable = matches!(inf.own, Role::Entities | Role::Other)
            && inf.role != Role::Nfr
            && !s.title.trim().is_empty();
        if (nameable || paired) && (n.ident.is_some() || !n.label.is_empty()) {
            return Some((n, s.pos));
        }
        return None;
    }
    None
}

/// What is known about a section from its heading alone, computed once.
struct Info {
    /// The heading's own role.
    own: Role,
    /// Its role or the nearest ancestor's.
    role: Role,
    generic: bool,
    struck: bool,
}

fn infos(doc: &Document) -> Vec<Info> {
    let mut out: Vec<Info> = Vec::with_capacity(doc.sections.len());
    for s in &doc.sections {
        let own = role(&s.title);
        let parent = s.parent.and_then(|p| out.get(p));
        let inherited = parent.map(|p| p.role).unwrap_or(Role::Other);
        out.push(Info {
            own,
            role: if own == Role::Other { inherited } else { own },
            generic: s.level > 0 && is_generic(&s.title),
            struck: s.struck || parent.is_some_and(|p| p.struck),
        });
    }
    out
}

/// A heading that groups entities into a bounded context (`## 订单域 (Ordering)`,
/// `## Billing Context`).
fn context_of(doc: &Document, idx: usize) -> Option<(String, String, u32)> {
    for s in doc.ancestry(idx).into_iter().skip(1) {
        let t = s.title.to_lowercase();
        let label_part = split_name(&s.title).label;
        let marked = t.contains("context")
            || t.ends_with('域')
            || label_part.ends_with('域')
            || t.contains("子域")
            || t.contains("限界上下文")
            || t.contains("bounded");
        if marked && !t.contains("领域模型") && !t.contains("technical") {
            let n = split_name(&s.title);
            let ident = n.ident?;
            let words: Vec<String> = crate::names::words(&ident)
                .into_iter()
                .filter(|w| w != "context" && w != "bounded" && w != "domain")
                .collect();
            if words.is_empty() {
                return None;
            }
            let label = n
                .label
                .trim_end_matches("子域")
                .trim_end_matches('域')
                .to_string();
            return Some((crate::names::pascal(&words.join("_")), label, s.pos.line));
        }
    }
    None
}

/// Pass 1: every piece of entity evidence in the document.
pub fn collect(doc: &Document, cx: &mut Ctx) -> Vec<RawEntity> {
    let mut out: Vec<RawEntity> = Vec::new();
    // Reference fields guessed from relation bullets, kept when their target is an entity.
    let mut relations: Vec<RawEntity> = Vec::new();
    // Indexes (into `out`) of the entities read from TypeScript blocks.
    let mut from_ts: Vec<usize> = Vec::new();
    let info = infos(doc);
    for (idx, section) in doc.sections.iter().enumerate() {
        let inf = &info[idx];
        if inf.struck || inf.role == Role::OutOfScope {
            continue;
        }
        let in_entities = inf.role == Role::Entities;
        let generic = inf.generic;
        let heading = heading_entity(doc, &info, idx);
        // `### Validation Rules`, `## 设计原则`: their lists and tables are about the model,
        // not fields of an entity.
        let topic = section.level > 0 && headings::is_topic(&section.title);
        // `**Relationships:**` before a list, or a `#### Relationships` heading.
        let mut relations_next = false;
        let relations_section =
            section.level > 1 && relation_bullets::is_relations_label(&section.title);
        let context = context_of(doc, idx);
        let start = out.len();
        let mut lead: Option<(NameParts, Pos)> = None;
        let mut found_fields = false;
        let mut first_para = String::new();
        for block in &section.blocks {
            match block {
                Block::Paragraph(lines) => {
                    let mut any_lead = false;
                    relations_next = lines
                        .iter()
                        .any(|l| relation_bullets::is_relations_label(&l.text));
                    for l in lines {
                        if l.struck {
                            continue;
                        }
                        if let Some(e) = inline_entity(l, in_entities, idx, cx) {
                            found_fields = true;
                            any_lead = true;
                            out.push(e);
                            continue;
                        }
                        // `**日志表**：a_logs、b_logs`: a list, not the section's description.
                        if fields::split_bold_list(&l.raw).is_some_and(|(_, list)| {
                            fields::inline_list(list, l.pos, &mut cx.probe()).is_some()
                        }) {
                            any_lead = true;
                            continue;
                        }
                        if let Some(n) = lead_in(&l.raw, generic || in_entities) {
                            lead = Some((n, l.pos));
                            any_lead = true;
                        }
                    }
                    if !any_lead && first_para.is_empty() {
                        first_para = lines
                            .iter()
                            .filter(|l| !l.struck)
                            .filter(|l| {
                                let t = l.text.trim();
                                !(t.ends_with(':') || t.ends_with('：')) || t.chars().count() > 30
                            })
                            .map(|l| l.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                    }
                }
                Block::Table(_) | Block::List(_) if topic => {}
                Block::Table(t) => {
                    if let Some(got) = overview::entities(t, idx, cx) {
                        found_fields = true;
                        out.extend(got);
                        continue;
                    }
                    if !fields::is_field_table(t, in_entities) {
                        continue;
                    }
                    let owner = lead.take().or_else(|| heading.clone());
                    let Some((parts, pos)) = owner else {
                        cx.no_owner(t.pos, "table");
                        continue;
                    };
                    let mut e = RawEntity::new(parts, Source::Table, pos, idx);
                    e.fields = fields::from_table(t, cx);
                    found_fields = true;
                    out.push(e);
                }
                Block::List(items) if relations_next || relations_section => {
                    relations_next = false;
                    let known: Vec<&RawEntity> = out[start..].iter().collect();
                    relations.extend(relation_bullets::read(items, &heading, &known, idx));
                }
                Block::List(items) if fields::attributes_heading(&section.title).is_some() => {
                    // `#### User Attributes` + `- **Name, Email** - contact details`.
                    let top: Vec<&crate::prd::Item> = items
                        .iter()
                        .filter(|it| it.depth == 0 && !it.struck)
                        .collect();
                    let described: Vec<Vec<RawField>> = top
                        .iter()
                        .filter_map(|it| fields::described_fields(it))
                        .collect();
                    if let Some(parts) = fields::attributes_heading(&section.title) {
                        let pos = section.pos;
                        if described.len() * 2 >= top.len() && !described.is_empty() {
                            let mut e = RawEntity::new(parts, Source::Bullets, pos, idx);
                            e.fields = described.into_iter().flatten().collect();
                            found_fields = true;
                            out.push(e);
                        } else {
                            let got =
                                list_entities(items, in_entities, &mut lead, &heading, idx, cx);
                            found_fields |= got.iter().any(|e| !e.fields.is_empty());
                            out.extend(got);
                        }
                    }
                }
                Block::List(items) => {
                    let got = list_entities(items, in_entities, &mut lead, &heading, idx, cx);
                    found_fields |= got.iter().any(|e| !e.fields.is_empty());
                    out.extend(got);
                }
                Block::Code(code) => {
                    // A bold label right before a code block labels the block
                    // (`**TypeScript Interface**:`); it must not name the next table.
                    let block_lead = lead.take();
                    let body: Vec<&str> = code.lines.iter().map(|l| l.text.as_str()).collect();
                    let upper = body.join("\n").to_ascii_uppercase();
                    let is_sql = matches!(
                        code.lang.as_str(),
                        "sql" | "mysql" | "postgres" | "postgresql" | "pgsql" | "ddl" | "sqlite"
                    ) || (code.lang.is_empty() && upper.contains("CREATE TABLE"));
                    if is_sql {
                        let got = ddl::parse(code, idx, cx);
                        found_fields |= !got.is_empty();
                        out.extend(got);
                    } else if code.lang == "mermaid" {
                        let (mut got, pairs) = mermaid::parse(code, idx, cx);
                        for (a, b, line) in pairs {
                            if let Some(e) = got
                                .iter_mut()
                                .find(|e| e.aliases.iter().any(|x| x.eq_ignore_ascii_case(&a)))
                            {
                                e.many_to_many.push((b, line));
                            }
                        }
                        found_fields |= !got.is_empty();
                        out.extend(got);
                    } else if json_sample::is_json(code) {
                        // A sample object counts only where an entity is being described.
                        let owner = block_lead.or_else(|| heading.clone().filter(|_| in_entities));
                        if let Some(e) = owner.and_then(|o| json_sample::parse(code, o, idx, cx)) {
                            found_fields = true;
                            out.push(e);
                        }
                    } else {
                        let mut got = code_entities(code, idx, cx);
                        heading_label(&mut got, &heading);
                        found_fields |= !got.is_empty();
                        from_ts.extend(out.len()..out.len() + got.len());
                        out.extend(got);
                    }
                }
            }
        }
        // An entity heading in an entity section with prose only: declared, fields missing.
        if in_entities && !found_fields && !generic {
            if let Some((parts, pos)) = heading.clone().filter(|(_, p)| *p == section.pos) {
                let has_children = doc
                    .sections
                    .iter()
                    .skip(idx + 1)
                    .take_while(|s| s.level > section.level)
                    .next()
                    .is_some();
                if !has_children {
                    let mut e = RawEntity::new(parts, Source::Prose, pos, idx);
                    e.description = first_para.clone();
                    out.push(e);
                }
            }
        }
        for e in &mut out[start..] {
            if e.description.is_empty() && e.source != Source::Prose {
                e.description = first_para.clone();
            }
            e.context = context.clone();
        }
    }
    value_types::drop_value_types(&mut out, &from_ts, cx);
    let described = referenced_prose(doc, &info, &out, cx);
    out.extend(described);
    relation_bullets::keep_relations(&mut out, relations, cx);
    out
}

/// The key two sources of one entity share: `doctors`, `Doctor` → `doctor`.
pub(crate) fn entity_key(e: &RawEntity) -> Option<String> {
    let ident = e.ident.as_deref()?;
    Some(names::snake(&crate::extract::entity_name(ident)))
}

/// A line that may describe an entity: (its bold name and description, if any; its whole
/// text; where it is).
type ProseLine = (Option<(NameParts, String)>, String, Pos);

/// `*_id` fields whose target no source defines (`doctor_id` without a `Doctor`).
fn dangling_stems(out: &[RawEntity]) -> BTreeSet<String> {
    let defined: BTreeSet<String> = out
        .iter()
        .filter(|e| !e.fields.is_empty())
        .filter_map(entity_key)
        .collect();
    out.iter()
        .flat_map(|e| &e.fields)
        .filter_map(|f| f.name.as_deref()?.strip_suffix("_id"))
        .map(|s| names::snake(&names::singular(s)))
        .filter(|s| !s.is_empty() && s != "parent" && !defined.contains(s))
        .collect()
}

/// An entity that fields refer to (`doctor_id`) but that is only described in prose elsewhere,
/// outside any data-model section: `- **Doctor**: has a name, email and specialty`, or a
/// `### Doctor` heading whose text lists attributes. Its fields are guesses (W251, W201).
fn referenced_prose(
    doc: &Document,
    info: &[Info],
    out: &[RawEntity],
    cx: &mut Ctx,
) -> Vec<RawEntity> {
    let stems = dangling_stems(out);
    if stems.is_empty() {
        return vec![];
    }
    let wanted = |parts: &NameParts| {
        parts
            .ident
            .as_deref()
            .map(|i| names::snake(&crate::extract::entity_name(i)))
            .filter(|k| stems.contains(k))
    };
    let mut found: Vec<RawEntity> = Vec::new();
    let mut listed: Vec<(usize, prose::ProseAttrs, Pos)> = Vec::new();
    let mut add = |parts: NameParts, desc: String, attrs, pos, idx, found: &mut Vec<RawEntity>| {
        let Some(key) = wanted(&parts) else { return };
        if found
            .iter()
            .any(|e| entity_key(e).as_deref() == Some(key.as_str()))
        {
            return;
        }
        let mut e = RawEntity::new(parts, Source::Prose, pos, idx);
        e.description = desc;
        listed.push((found.len(), attrs, pos));
        found.push(e);
    };
    for (idx, section) in doc.sections.iter().enumerate() {
        let inf = &info[idx];
        if inf.struck || inf.role == Role::OutOfScope {
            continue;
        }
        let heading = (section.level > 1).then(|| split_name(&section.title));
        for block in &section.blocks {
            let lines: Vec<ProseLine> = match block {
                Block::List(items) => items
                    .iter()
                    .filter(|it| !it.struck && it.depth == 0)
                    .map(|it| (item_entity(it), it.text.clone(), it.pos))
                    .collect(),
                Block::Paragraph(ls) => ls
                    .iter()
                    .filter(|l| !l.struck)
                    .map(|l| (entity_bullet(&l.raw), l.text.clone(), l.pos))
                    .collect(),
                _ => vec![],
            };
            for (bullet, text, pos) in lines {
                match bullet {
                    // Only names a field refers to are read (the check is cheap, the
                    // attribute reading is not).
                    Some((parts, desc)) if wanted(&parts).is_some() => {
                        if let Some(attrs) = prose::attributes(&desc) {
                            add(parts, desc, attrs, pos, idx, &mut found);
                        }
                    }
                    Some(_) => {}
                    // Text under a `### Doctor` heading.
                    None => {
                        let Some(h) = heading.clone() else { continue };
                        if wanted(&h).is_none() {
                            continue;
                        }
                        if let Some(attrs) = prose::attributes(&text) {
                            add(h, text, attrs, section.pos, idx, &mut found);
                        }
                    }
                }
            }
        }
    }
    add_prose_attrs(&mut found, listed, cx);
    found
}

/// A code entity named like the heading above it (`### 读者 (Reader)` + `class Reader`)
/// takes the heading's label.
fn heading_label(got: &mut [RawEntity], heading: &Option<(NameParts, Pos)>) {
    let Some((h, _)) = heading else { return };
    let Some(hi) = h.ident.as_deref().map(crate::names::snake) else {
        return;
    };
    for e in got
        .iter_mut()
        .filter(|e| e.label.is_empty() && !h.label.is_empty())
    {
        if e.ident.as_deref().map(crate::names::snake).as_ref() == Some(&hi) {
            e.label = h.label.clone();
        }
    }
}

/// Entities declared in a schema code block other than SQL and mermaid: Prisma models,
/// Convex tables, TypeScript interfaces and classes, Java/Kotlin classes, Go structs, Python
/// models.
fn code_entities(code: &crate::prd::Code, idx: usize, cx: &mut Ctx) -> Vec<RawEntity> {
    let script = matches!(
        code.lang.as_str(),
        "ts" | "typescript" | "tsx" | "javascript" | "js" | "jsx" | "mjs"
    );
    if prisma::is_prisma(code) {
        prisma::parse(code, idx, cx)
    } else if script && convex::is_convex(code) {
        convex::parse(code, idx, cx)
    } else if script {
        ts::parse(code, idx, cx)
    } else if java::is_java(code) {
        java::parse(code, idx, cx)
    } else if gostruct::is_go(code) {
        gostruct::parse(code, idx, cx)
    } else if python::is_python(code) {
        python::parse(code, idx, cx)
    } else {
        Vec::new()
    }
}

/// Items of one list: Key-Entities bullets (`- **Order**: …`, with nested field bullets) or
/// field bullets belonging to the lead-in or heading entity.
fn list_entities(
    items: &[crate::prd::Item],
    in_entities: bool,
    lead: &mut Option<(NameParts, Pos)>,
    heading: &Option<(NameParts, Pos)>,
    idx: usize,
    cx: &mut Ctx,
) -> Vec<RawEntity> {
    let mut out: Vec<RawEntity> = Vec::new();
    // Parse every item once, as a field candidate, without reporting anything yet.
    let mut probe = cx.probe();
    // `- **Event**: id, title, capacity` or `- **Slot**: A time window …` names an entity:
    // not a field.
    let attr_bullet = |it: &crate::prd::Item| {
        in_entities
            && it.depth == 0
            && item_entity(it).is_some_and(|(_, desc)| {
                prose::attributes(&desc).is_some() || prose::is_sentence(&desc)
            })
    };
    let parsed: Vec<Option<fields::BulletField>> = items
        .iter()
        .map(|it| {
            if it.struck || is_requirement_item(&it.raw) || attr_bullet(it) {
                None
            } else {
                fields::from_item(it, &mut probe)
            }
        })
        .collect();
    // `- 字段：id、name、status(a|b)`: an inline list that says it lists fields.
    let inline: Vec<bool> = items
        .iter()
        .map(|it| {
            !it.struck
                && fields::says_fields(&it.raw)
                && fields::inline_list(&it.raw, it.pos, &mut probe).is_some()
        })
        .collect();
    let top_typed = items
        .iter()
        .zip(&parsed)
        .zip(&inline)
        .filter(|((it, p), inl)| it.depth == 0 && (**inl || p.as_ref().is_some_and(|b| b.typed)))
        .count();
    let top_total = items
        .iter()
        .filter(|it| it.depth == 0 && !it.struck)
        .count();
    let flat_field_list = top_typed > 0 && top_typed * 2 >= top_total;
    if flat_field_list {
        let owner = lead.take().or_else(|| heading.clone());
        let Some((parts, pos)) = owner else {
            if in_entities {
                cx.no_owner(items[0].pos, "list");
            }
            return out;
        };
        let mut e = RawEntity::new(parts, Source::Bullets, pos, idx);
        for (it, inl) in items
            .iter()
            .zip(&inline)
            .filter(|(it, _)| !it.struck && !is_requirement_item(&it.raw))
        {
            if *inl {
                e.fields
                    .extend(fields::inline_list(&it.raw, it.pos, cx).unwrap_or_default());
                continue;
            }
            if let Some(b) = fields::from_item(it, cx) {
                // In a typed list, `returned_at: when the rider docked it` is a field whose
                // type is left out: keep it, its type is guessed from the name (W201).
                let named = b.field.name.as_deref().is_some_and(names::is_ascii_ident);
                if b.typed || b.single_word || named {
                    e.fields.push(b.field);
                }
            }
        }
        out.push(e);
        return out;
    }
    // Key-Entities bullets: a name (bold or `中文（Ascii）`), prose or an inline field list,
    // maybe nested fields. The entity bullet may itself be nested in a larger list: its
    // fields are the items below it, down to the next item at its depth or above.
    let mut cur: Option<(RawEntity, u8)> = None;
    // (index into `out`, attributes its prose lists) — data-model sections only.
    let mut listed: Vec<(usize, prose::ProseAttrs, Pos)> = Vec::new();
    for it in items {
        if cur.as_ref().is_some_and(|(_, d)| it.depth <= *d) {
            out.extend(cur.take().map(|(e, _)| e));
        }
        if it.struck {
            continue;
        }
        if let Some((e, _)) = cur.as_mut() {
            if let Some(fs) = fields::inline_list(&it.raw, it.pos, cx) {
                e.fields.extend(fs);
                e.source = Source::Bullets;
                continue;
            }
            let mut probe = cx.probe();
            let named =
                |b: &fields::BulletField| b.typed && (in_entities || b.field.name.is_some());
            let typed = fields::from_item(it, &mut probe).is_some_and(|b| named(&b));
            // `- Contact: email, phone` / a bare list under the entity bullet.
            let attrs = if in_entities { nested_attrs(it) } else { None };
            if typed && attrs.is_none() {
                // Outside a data-model section nothing is reported for a bullet.
                let b = if in_entities {
                    fields::from_item(it, cx)
                } else {
                    fields::from_item(it, &mut probe)
                };
                if let Some(b) = b {
                    e.fields.push(b.field);
                    e.source = Source::Bullets;
                }
                continue;
            }
            if let Some(attrs) = attrs {
                listed.push((out.len(), attrs, it.pos));
                continue;
            }
            // A nested `客户（Customer）：` bullet starts an entity of its own.
            if nested_entity_bullet(&it.raw).is_none() {
                continue;
            }
            out.extend(cur.take().map(|(e, _)| e));
        }
        // Outside a data-model section only the paired form names an entity:
        // `- **Props**: items, loading` under a component heading is not one.
        let named = if it.depth == 0 && in_entities {
            item_entity(it)
        } else {
            nested_entity_bullet(&it.raw)
        };
        if let Some((parts, desc)) = named {
            let mut e = RawEntity::new(parts, Source::Prose, it.pos, idx);
            // `同步作业（SyncJob）：id、status、startedAt`: the description is the fields.
            let tail = it.raw.chars().count().saturating_sub(desc.chars().count()) as u32;
            let at = Pos {
                line: it.pos.line,
                col: it.pos.col + tail,
            };
            if let Some(fs) = fields::inline_list(&desc, at, cx) {
                e.fields = fs;
                e.source = Source::Bullets;
            } else {
                // `- **Event**: id, title, capacity` — attributes in prose (W251).
                if in_entities {
                    if let Some(attrs) = prose::attributes(&desc) {
                        listed.push((out.len(), attrs, it.pos));
                    }
                }
                e.description = desc;
            }
            cur = Some((e, it.depth));
        }
    }
    out.extend(cur.take().map(|(e, _)| e));
    add_prose_attrs(&mut out, listed, cx);
    // Outside a data-model section a named bullet is an entity only with fields under it.
    if !in_entities {
        out.retain(|e| !e.fields.is_empty());
    }
    out
}

/// [`entity_bullet`] of an item, its description read from the item's whole text (`raw`
/// holds only its first source line; wrapped bullets continue on the next ones).
fn item_entity(it: &crate::prd::Item) -> Option<(NameParts, String)> {
    let (parts, desc) = entity_bullet(&it.raw)?;
    let text = crate::prd::fold(&it.text);
    let whole = text
        .split_once(':')
        .map(|(_, d)| d.trim().to_string())
        .unwrap_or_default();
    if whole.len() > desc.len() && !desc.is_empty() && whole.ends_with(desc.as_str()) {
        return Some((parts, desc));
    }
    if whole.len() > desc.len() && whole.starts_with(desc.split_whitespace().next().unwrap_or("")) {
        return Some((parts, whole));
    }
    Some((parts, desc))
}

/// A nested bullet listing attributes of the entity above it: `基本字段：id、name`,
/// `Contact: email, phone`, or a bare list.
fn nested_attrs(it: &crate::prd::Item) -> Option<prose::ProseAttrs> {
    let text = crate::prd::fold(&it.text);
    match text.split_once(':') {
        // A label with no identifier of its own (`基本字段`) cannot be a field itself.
        Some((label, rest)) if label.chars().count() <= 12 => {
            let own = split_name(label).ident.is_some() && !is_generic(label);
            prose::attributes(rest).filter(|_| !own)
        }
        Some(_) => None,
        None => prose::attributes(&text),
    }
}

/// The entity of `out` that `words` (`reserved slot`) names by its last word
/// (`AppointmentSlot`).
fn named_by(out: &[RawEntity], words: &str) -> Option<usize> {
    let last = names::singular(words.split_whitespace().last()?);
    out.iter().position(|e| {
        e.ident
            .as_deref()
            .and_then(|i| names::words(i).last().cloned())
            .is_some_and(|w| names::singular(&w) == last)
    })
}

/// Adds the attributes read from Key-Entities prose as untyped fields (each guessed from its
/// name later, W201). `the reserved slot's time` on `Booking`, with `Slot` in the same list,
/// makes `time` a field of `Slot` and gives `Booking` a reference to it.
fn add_prose_attrs(
    out: &mut [RawEntity],
    listed: Vec<(usize, prose::ProseAttrs, Pos)>,
    cx: &mut Ctx,
) {
    let mut skipped: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, attrs, pos) in listed {
        if i >= out.len() {
            continue;
        }
        for a in &attrs.attrs {
            let target =
                a.of.as_deref()
                    .and_then(|w| named_by(out, w))
                    .filter(|&t| t != i);
            let mut f = RawField::new(pos);
            f.name = Some(a.name.clone());
            f.label = a.label.clone();
            f.hints = a.hint.clone();
            f.mods.unique = a.unique;
            if a.optional {
                f.mods.required = Some(false);
            }
            match target {
                Some(t) => {
                    push_new(&mut out[t], f);
                    if let Some(ident) = out[t].ident.clone() {
                        let mut r = RawField::new(pos);
                        r.name = Some(names::snake(&ident));
                        r.ty = TypeSrc::Text(names::pascal(&names::snake(&ident)));
                        push_new(&mut out[i], r);
                    }
                }
                None => push_new(&mut out[i], f),
            }
        }
        match skipped.iter_mut().find(|(j, _)| *j == i) {
            Some((_, s)) => s.extend(attrs.skipped),
            None => skipped.push((i, attrs.skipped)),
        }
    }
    // One warning per entity, listing everything read for it.
    for (i, skip) in skipped {
        let e = &out[i];
        let shown: Vec<String> = e
            .fields
            .iter()
            .filter_map(|f| f.name.clone())
            .filter(|n| n != "id")
            .collect();
        cx.diags.push(prose_fields(e, &shown, &skip));
    }
}

/// Adds `f` unless a field of that name is already there.
fn push_new(e: &mut RawEntity, f: RawField) {
    if !e.fields.iter().any(|x| x.name == f.name) {
        e.fields.push(f);
    }
}

fn prose_fields(e: &RawEntity, shown: &[String], skipped: &[String]) -> Diagnostic {
    let name = e.ident.clone().unwrap_or_else(|| e.label.clone());
    let list = shown.join(", ");
    let (skip_en, skip_zh) = if skipped.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(" (no English name, skipped: {})", skipped.join(", ")),
            format!("（没有英文名，已跳过：{}）", skipped.join("、")),
        )
    };
    Diagnostic::warning(
        "W251",
        e.pos.line,
        e.pos.col,
        Text::new(
            format!("the fields of `{name}` are read from its description: {list}{skip_en}; names and types are guesses"),
            format!("`{name}` 的字段取自其描述：{list}{skip_zh}；名称和类型均为推断"),
        ),
    )
    .with_help(Text::new(
        format!("list the fields under \"### {name}\" with their types (\"- email: string, required\"), or in a field table"),
        format!("在“### {name}”下列出字段及类型（“- email: string, 必填”），或写字段表"),
    ))
}

/// `FR-001:`, `SC-007`, `NFR-2`, `AC-1.2`: requirement identifiers label statements, never
/// fields or entities.
static REQ_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:FR|NFR|SC|REQ|UC|US|AC|BR|QR|DR|TR|R)[-_]?\d+(?:[-_.][A-Za-z0-9]+)*$")
        .expect("regex")
});

/// True when a list item starts with a requirement identifier (`**FR-001**: …`).
fn is_requirement_item(raw: &str) -> bool {
    let plain = plain_inline(&crate::prd::fold(raw));
    let head = plain
        .trim()
        .split([':', ' ', '：'])
        .next()
        .unwrap_or("")
        .trim();
    REQ_LABEL.is_match(head)
}

/// A paragraph line naming a table in bold and listing its fields inline:
/// `**2. 分类表 categories**：id、name、parent_id`. The name must carry an ASCII identifier
/// and, outside a data-model section, say it is a table (`表`, `table`).
fn inline_entity(
    l: &crate::prd::Line,
    in_entities: bool,
    idx: usize,
    cx: &mut Ctx,
) -> Option<RawEntity> {
    let (name, list) = fields::split_bold_list(&l.raw)?;
    let parts =
        trailing_table_name(name).or_else(|| lead_in(name, true).filter(|p| p.ident.is_some()))?;
    let lower = name.to_lowercase();
    if !in_entities && !name.contains('表') && !lower.contains("table") {
        return None;
    }
    let col = l
        .raw
        .find(list)
        .map(|b| l.raw[..b].chars().count() as u32)?;
    let at = Pos {
        line: l.pos.line,
        col: l.pos.col + col,
    };
    let fields = fields::inline_list(list, at, cx)?;
    let mut e = RawEntity::new(parts, Source::Bullets, l.pos, idx);
    e.fields = fields;
    Some(e)
}

/// `**6. AI问答记录表 ai_chat_history**` → `ai_chat_history` labelled `AI问答记录`: the
/// identifier that ends a bold table name.
fn trailing_table_name(bold: &str) -> Option<NameParts> {
    let plain = plain_inline(bold);
    let plain = plain.trim();
    let (head, ident) = plain.rsplit_once(' ')?;
    if !crate::names::is_ascii_ident(ident) || !ident.contains('_') && !head.contains('表') {
        return None;
    }
    let label = head
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')
        .trim_end_matches('表')
        .trim();
    Some(NameParts {
        ident: Some(ident.to_string()),
        label: label.to_string(),
    })
}

/// An entity bullet below another item or outside a data-model section: only the paired
/// form `客户（Customer）：…`, so that `**Relationships**: …` under a Key-Entities bullet
/// stays part of it.
fn nested_entity_bullet(raw: &str) -> Option<(NameParts, String)> {
    entity_bullet(raw).filter(|(p, _)| p.ident.is_some() && !p.label.is_ascii())
}

/// `**Order**: prose`, `**库存台账(Inventory Ledger)**: …`, `用户（User）：…` → name, prose.
fn entity_bullet(raw: &str) -> Option<(NameParts, String)> {
    let t = crate::prd::fold(raw.trim());
    let (name, rest) = if let Some(after) = t.strip_prefix("**") {
        let end = after.find("**")?;
        let name = &after[..end];
        let rest = after[end + 2..].trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        // `**Order** — has an id, …`
        let rest = rest.trim_start_matches(['—', '–', '-', ' ']);
        // `**Order** (订单): …`
        (
            name.trim().trim_end_matches(':').to_string(),
            rest.trim().to_string(),
        )
    } else {
        let (a, b) = t.split_once(':')?;
        let n = split_name(&plain_inline(a));
        if n.ident.is_none() || n.label.is_empty() || n.label.is_ascii() {
            return None;
        }
        (a.trim().to_string(), b.trim().to_string())
    };
    if name.chars().count() > 40
        || is_generic(&name)
        || headings::is_topic(&name)
        || REQ_LABEL.is_match(name.trim())
    {
        return None;
    }
    let parts = split_name(&name);
    if parts.ident.is_none() && parts.label.is_empty() {
        return None;
    }
    // `**Order**: (订单) an order…`: a leading parenthesized label.
    let mut parts = parts;
    let mut desc = plain_inline(&rest);
    if parts.label.is_empty() {
        if let Some(r) = desc.strip_prefix('(') {
            if let Some((label, after)) = r.split_once(')') {
                if !label.is_ascii() {
                    parts.label = headings::clean_label(label.trim());
                    desc = after.trim_start_matches([':', ' ']).to_string();
                }
            }
        }
    }
    Some((parts, desc.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_items() {
        assert!(is_requirement_item(
            "**FR-001**: System MUST store bookings"
        ));
        assert!(is_requirement_item("**SC-007**: 查询优化率>95%"));
        assert!(is_requirement_item("FR-042-01: 系统必须…"));
        assert!(!is_requirement_item("**Order**: id, total"));
        assert!(!is_requirement_item("frame_id: string"));
    }

    #[test]
    fn wrapped_entity_bullet() {
        let it = crate::prd::Item {
            text: "Slot: A window of one hour. Holds its start, end".into(),
            raw: "**Slot**: A window of one hour. Holds".into(),
            pos: Pos { line: 1, col: 3 },
            depth: 0,
            ordered: false,
            struck: false,
        };
        let (n, desc) = item_entity(&it).expect("entity bullet");
        assert_eq!(n.ident.as_deref(), Some("Slot"));
        assert_eq!(desc, "A window of one hour. Holds its start, end");
    }
}
