//! Entity evidence from every source — SQL DDL, field tables, schemas written as code
//! (Prisma, Convex, TypeScript, Java/Kotlin, Go, Python), mermaid ER diagrams, field bullets,
//! Key-Entities prose bullets, entity headings and JSON samples — collected as [`RawEntity`]
//! values (pass 1 of the pipeline in `extract/mod.rs`).

use crate::extract::fields::{self, RawField};
use crate::extract::headings::{self, is_generic, lead_in, split_name, NameParts};
use crate::extract::roles::{role, Role};
use crate::extract::{convex, ddl, gostruct, java, json_sample, mermaid, prisma, python, ts, Ctx};
use crate::prd::{plain_inline, Block, Document, Pos};

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
        if s.level <= 1 {
            return None;
        }
        if inf.generic {
            cur = s.parent;
            continue;
        }
        let n = split_name(&s.title);
        let paired = n.ident.is_some() && !n.label.is_empty() && !n.label.is_ascii();
        let nameable =
            matches!(inf.own, Role::Entities | Role::Other) && !s.title.trim().is_empty();
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
    let info = infos(doc);
    for (idx, section) in doc.sections.iter().enumerate() {
        let inf = &info[idx];
        if inf.struck || inf.role == Role::OutOfScope {
            continue;
        }
        let in_entities = inf.role == Role::Entities;
        let generic = inf.generic;
        let heading = heading_entity(doc, &info, idx);
        let context = context_of(doc, idx);
        let start = out.len();
        let mut lead: Option<(NameParts, Pos)> = None;
        let mut found_fields = false;
        let mut first_para = String::new();
        for block in &section.blocks {
            match block {
                Block::Paragraph(lines) => {
                    let mut any_lead = false;
                    for l in lines {
                        if l.struck {
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
                Block::Table(t) => {
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
    out
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
    let parsed: Vec<Option<fields::BulletField>> = items
        .iter()
        .map(|it| {
            if it.struck {
                None
            } else {
                fields::from_item(it, &mut probe)
            }
        })
        .collect();
    let top_typed = items
        .iter()
        .zip(&parsed)
        .filter(|(it, p)| it.depth == 0 && p.as_ref().is_some_and(|b| b.typed))
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
        for it in items.iter().filter(|it| !it.struck) {
            if let Some(b) = fields::from_item(it, cx) {
                if b.typed || b.single_word {
                    e.fields.push(b.field);
                }
            }
        }
        out.push(e);
        return out;
    }
    if !in_entities {
        return out;
    }
    // Key-Entities bullets: a name (bold or `中文（Ascii）`), prose, maybe nested fields.
    let mut cur: Option<RawEntity> = None;
    for it in items {
        if it.struck {
            if it.depth == 0 {
                if let Some(e) = cur.take() {
                    out.push(e);
                }
            }
            continue;
        }
        if it.depth == 0 {
            if let Some(e) = cur.take() {
                out.push(e);
            }
            if let Some((parts, desc)) = entity_bullet(&it.raw) {
                let mut e = RawEntity::new(parts, Source::Prose, it.pos, idx);
                e.description = desc;
                cur = Some(e);
            }
        } else if let Some(e) = cur.as_mut() {
            if let Some(b) = fields::from_item(it, cx) {
                if b.typed {
                    e.fields.push(b.field);
                    e.source = Source::Bullets;
                }
            }
        }
    }
    if let Some(e) = cur.take() {
        out.push(e);
    }
    out
}

/// `**Order**: prose`, `**库存台账(Inventory Ledger)**: …`, `用户（User）：…` → name, prose.
fn entity_bullet(raw: &str) -> Option<(NameParts, String)> {
    let t = crate::prd::fold(raw.trim());
    let (name, rest) = if let Some(after) = t.strip_prefix("**") {
        let end = after.find("**")?;
        let name = &after[..end];
        let rest = after[end + 2..].trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest);
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
    if name.chars().count() > 40 || is_generic(&name) {
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
