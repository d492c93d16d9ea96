//! Use cases: user stories (`As a … I want …`, `作为…，我希望…`), spec-kit / BMAD / Kiro story
//! headings (`### User Story 1 - Title (Priority: P1)`, `Story 1.2`, `### Requirement 3`),
//! requirement lists (`FR-001: System MUST allow … to …`, `FR1:`), feature tables
//! (`功能点 | 描述 | 优先级`, `编号 | 模块 | 功能名称 | 功能描述`) and standalone
//! Given/When/Then scenarios. Each is classified command or query by its verbs
//! ([`super::lexicon`]), given a target entity and an action.
//!
//! Design documents without stories give their operations instead: service method
//! signatures and REST endpoints ([`super::operations`]); those use cases are kept only where
//! no story already covers the same entity and action.
//!
//! Codes: W401 `manage X` expanded to CRUD, W402 no actor (defaulted to `user`),
//! W403 no recognisable action (not extracted), W404 unknown actor name in a table,
//! W410 use cases read from method signatures, W411 use cases read from REST endpoints.

use super::actors;
use super::lexicon::{self, EN_COMMAND_VERBS, EN_QUERY_VERBS, ZH_COMMAND_VERBS, ZH_QUERY_VERBS};
use super::operations;
use super::roles::{section_roles, Role};
use crate::diag::{Diagnostic, Text};
use crate::model::{Actor, Entity, UseCase, UseCaseKind};
use crate::names;
use crate::prd::{fold, Block, Document, NarrowRegex, Table};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// `User Story 1 - Title (Priority: P1)`, `用户故事 1 - …`, `Story 1.2 Title`, `故事 1.2`.
static STORY_HEADING: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(
        r"(?i)^(?:user\s+story|用户故事|story|故事)\s*(\d+(?:\.\d+)*)\s*[-–—:.]?\s*(.*?)\s*(?:\((?:priority|优先级)\s*:?\s*\w+\))?\s*$",
    )
});
/// Kiro `Requirement 3: Title`, `需求 3:…`.
static REQ_HEADING: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(r"(?i)^(?:requirement|需求)\s*(\d+(?:\.\d+)*)\s*[-–—:.]?\s*(.*?)\s*$")
});
/// `FR-001: …`, `FR1: …`, `US-3: …`, `REQ-2 …`.
static REQ_ID: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(r"^\s*((?:FR|REQ|UC|US|F)[-_]?\d+(?:\.\d+)*)\s*[:.)\]]\s*(.+)$")
});
/// The "I want" part of a story.
static EN_WANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bI\s+(?:want|would like|need|wish|can|should be able|must be able)\s*(?:to\s+(?:be\s+able\s+to\s+)?)?(.+?)(?:\s*,?\s+so\s+that\b.*|\s*,?\s+in\s+order\s+to\b.*)?\s*[.]?$")
        .expect("want regex")
});
static ZH_WANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"我(?:希望|想要|想|需要|要|可以|能够|期望)(?:能够|能|可以)?(.+?)(?:[,，;；]?\s*(?:以便|以免|从而|这样|方便|便于|以).*)?[.。]?$")
        .expect("zh want regex")
});
/// `… MUST allow <actor> to <rest>` / `… MUST <rest>`.
static ALLOW_REST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:must|shall|should|will)\s+(?:(?:allow|let|enable|permit)\s+(?:the\s+|an?\s+)?[A-Za-z][A-Za-z _-]{0,40}?\s+to\s+)?(.+?)\.?$")
        .expect("allow rest regex")
});
static GIVEN_WHEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bwhen\b|当)\s*(.+?)\s*[,，]?\s*(?:\bthen\b|那么|然后|则)")
        .expect("gwt regex")
});
static ZH_CAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([\p{Han}]{1,8}?)(?:可以|能够|可)(.+)$").expect("zh can regex"));
static EN_CAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:the\s+|an?\s+)?([A-Za-z][A-Za-z ]{0,30}?)\s+(?:can|is able to|should be able to|must be able to)\s+(.+)$")
        .expect("en can regex")
});

const FEATURE_HEADERS: &[&str] = &[
    "功能点",
    "功能名称",
    "功能名",
    "功能",
    "用例名称",
    "需求名称",
    "feature",
    "feature name",
    "title",
    "user story",
    "用户故事",
    "requirement",
    "i want",
    "i want to",
    "我希望",
    "我想要",
    "希望",
];
const ID_HEADERS: &[&str] = &[
    "编号",
    "id",
    "#",
    "no",
    "no.",
    "需求编号",
    "功能编号",
    "用例编号",
];
const DESC_HEADERS: &[&str] = &[
    "功能描述",
    "描述",
    "说明",
    "description",
    "details",
    "notes",
];
const ACTOR_HEADERS: &[&str] = &[
    "角色",
    "参与者",
    "执行者",
    "用户",
    "actor",
    "role",
    "user",
    "as a",
    "as an",
    "作为",
];

/// Generic verbs that yield to a more specific one in the same sentence (`办理还书` → return).
const WEAK_VERBS: &[&str] = &["办理", "生成", "mark", "record", "set", "登记", "维护"];

/// Chinese lexicon words that are adjectives in requirement text (`逾期借阅`), not actions.
const ZH_STATE_ADJECTIVES: &[&str] = &["mark_overdue", "expire"];

/// A use case before ids are assigned.
struct Raw {
    id: Option<String>,
    title: String,
    /// Text to classify, most telling first (the "I want" part, then the rest).
    texts: Vec<String>,
    actor_text: Option<String>,
    /// Only a use case when `actor_text` names a known actor (`X can …` lines).
    need_actor: bool,
    line: u32,
    col: u32,
    /// Index in [`Groups`] when read from a signature block or an endpoint list: reported
    /// once per group, not once per use case.
    group: Option<usize>,
}

/// Where grouped use cases came from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Signatures,
    Endpoints,
    Features,
    Criteria,
}

/// Grouped use cases: (source, owner or "", line, col), reported once per group.
type Groups = Vec<(Source, String, u32, u32)>;

/// Extracts the use cases in document order.
pub fn extract(
    doc: &Document,
    entities: &[Entity],
    actors: &[Actor],
    diags: &mut Vec<Diagnostic>,
) -> Vec<UseCase> {
    let mut groups: Groups = Vec::new();
    let raws = collect(doc, &mut groups);
    let mut out: Vec<UseCase> = Vec::new();
    let mut from: Vec<Option<usize>> = Vec::new();
    let ix = Index::new(entities);
    for raw in raws {
        let group = raw.group;
        build(raw, &ix, actors, diags, &mut out);
        from.resize(out.len(), group);
    }
    let out = drop_covered(out, &from, &groups, diags);
    let mut out = out;
    assign_ids(&mut out);
    out
}

/// Keeps an operation-sourced use case only when no other use case has its entity and
/// action; reports each group that gave at least one (W410 signatures, W411 endpoints).
fn drop_covered(
    ucs: Vec<UseCase>,
    from: &[Option<usize>],
    groups: &Groups,
    diags: &mut Vec<Diagnostic>,
) -> Vec<UseCase> {
    let key = |u: &UseCase| (u.entity.clone(), u.action.clone());
    let stated: BTreeSet<(Option<String>, Option<String>)> = ucs
        .iter()
        .zip(from)
        .filter(|(u, g)| g.is_none() && u.entity.is_some())
        .map(|(u, _)| key(u))
        .collect();
    let mut seen = BTreeSet::new();
    let mut kept_per_group = vec![0usize; groups.len()];
    let mut first_kept: Vec<Option<u32>> = vec![None; groups.len()];
    let mut out = Vec::new();
    for (u, g) in ucs.into_iter().zip(from) {
        if let Some(g) = g {
            if u.entity.is_some() && (stated.contains(&key(&u)) || !seen.insert(key(&u))) {
                continue;
            }
            // A criterion that names no entity is a rule, not an operation.
            let criterion = groups.get(*g).is_some_and(|x| x.0 == Source::Criteria);
            if criterion && u.entity.is_none() {
                continue;
            }
            if let Some(n) = kept_per_group.get_mut(*g) {
                *n += 1;
            }
            if let Some(f) = first_kept.get_mut(*g) {
                f.get_or_insert(u.line);
            }
        }
        out.push(u);
    }
    for (((source, owner, line, col), n), first) in
        groups.iter().zip(kept_per_group).zip(first_kept)
    {
        if n == 0 {
            continue;
        }
        // Criteria are one group for the whole document: point at the first one kept.
        let (line, col) = match (*source, first) {
            (Source::Criteria, Some(l)) => (l, 1),
            _ => (*line, *col),
        };
        let (line, col) = (&line, &col);
        let d = if *source == Source::Criteria {
            Diagnostic::warning(
                "W413",
                *line,
                *col,
                Text::new(
                    format!("{n} more use cases read from acceptance criteria (`WHEN … SHALL …`, `当…时，系统应…`); check their entity and action"),
                    format!("从验收标准（`WHEN … SHALL …`、`当…时，系统应…`）中另外读取了 {n} 个用例；请核对其实体与动作"),
                ),
            )
            .with_help(Text::new(
                "each criterion that names an entity and an operation the stories do not cover becomes a use case (`REQ-1.2`)",
                "每条点明了实体、且操作未被用户故事覆盖的验收标准都会成为一个用例（`REQ-1.2`）",
            ))
        } else if *source == Source::Features {
            Diagnostic::warning(
                "W412",
                *line,
                *col,
                Text::new(
                    format!("{n} use cases read from feature bullets (`**Feature** — …`, `包含：` lists); actor `user` assumed"),
                    format!("从功能条目（`**功能** — …`、“包含：”列表）中读取了 {n} 个用例，执行角色按 `user` 处理"),
                ),
            )
            .with_help(Text::new(
                "check them in the model; user stories (\"As a clerk, I want …\") name the actor",
                "请在模型中核对；用户故事（“作为馆员，我希望…”）可写明执行角色",
            ))
        } else if *source == Source::Signatures {
            Diagnostic::warning(
                "W410",
                *line,
                *col,
                Text::new(
                    format!("{n} use cases read from the method signatures of {owner}; actor `user` assumed"),
                    format!("从 {owner} 的方法签名中读取了 {n} 个用例，执行角色按 `user` 处理"),
                ),
            )
            .with_help(Text::new(
                "check them in the model; user stories (\"As a clerk, I want …\") name the actor",
                "请在模型中核对；用户故事（“作为馆员，我希望…”）可写明执行角色",
            ))
        } else {
            Diagnostic::warning(
                "W411",
                *line,
                *col,
                Text::new(
                    format!("{n} use cases read from REST endpoints; actor `user` assumed"),
                    format!("从 REST 接口列表中读取了 {n} 个用例，执行角色按 `user` 处理"),
                ),
            )
            .with_help(Text::new(
                "check them in the model; user stories (\"As a clerk, I want …\") name the actor",
                "请在模型中核对；用户故事（“作为馆员，我希望…”）可写明执行角色",
            ))
        };
        diags.push(d);
    }
    out
}

fn collect(doc: &Document, groups: &mut Groups) -> Vec<Raw> {
    let mut out = Vec::new();
    // Sections that are a story (and their subsections, e.g. "Acceptance Criteria").
    let story_of = |si: usize| -> Option<usize> {
        doc.ancestry(si)
            .iter()
            .position(|s| story_heading(&s.title).is_some())
            .map(|depth| {
                let mut cur = si;
                for _ in 0..depth {
                    cur = doc.sections[cur].parent.unwrap_or(cur);
                }
                cur
            })
    };
    let mut done_story = BTreeSet::new();
    let mut criteria_group: Option<usize> = None;
    let roles = section_roles(doc);
    for (si, sec) in doc.sections.iter().enumerate() {
        if doc.ancestry(si).iter().any(|s| s.struck) {
            continue;
        }
        let role = roles[si];
        if matches!(
            role,
            Role::OutOfScope | Role::Nfr | Role::Entities | Role::States
        ) {
            continue;
        }
        if let Some(story) = story_of(si) {
            if done_story.insert(story) {
                let (raw, criteria) = story_raw(doc, story);
                let story_id = raw.id.clone().unwrap_or_default();
                let actor = raw.actor_text.clone();
                out.push(raw);
                let story = (story_id.as_str(), actor);
                criteria_raws(story, criteria, &mut criteria_group, groups, &mut out);
            }
            continue;
        }
        let in_uc = role == Role::UseCases;
        let before = out.len();
        let mut gwt = Vec::new();
        let mut lead: Option<&str> = None;
        let mut endpoints: Option<usize> = None;
        let mut features: Option<usize> = None;
        for b in &sec.blocks {
            match b {
                Block::Paragraph(lines) => {
                    for l in lines.iter().filter(|l| !l.struck) {
                        if endpoint_raw(
                            &l.text,
                            l.pos.line,
                            l.pos.col,
                            &mut endpoints,
                            groups,
                            &mut out,
                        ) {
                            continue;
                        }
                        line_raw(&l.text, l.pos.line, l.pos.col, in_uc, 0, &mut out, &mut gwt);
                    }
                }
                Block::List(items) => {
                    let mut parent_story = false;
                    let capabilities = lead.is_some_and(is_capability_lead);
                    for it in items.iter().filter(|i| !i.struck) {
                        let n = out.len();
                        if it.depth > 0 && parent_story && is_gwt(&it.text) {
                            continue; // acceptance scenario of the story above
                        }
                        if endpoint_raw(
                            &it.text,
                            it.pos.line,
                            it.pos.col,
                            &mut endpoints,
                            groups,
                            &mut out,
                        ) {
                            continue;
                        }
                        if in_uc
                            && it.depth == 0
                            && feature_raw(it, &mut features, groups, &mut out)
                        {
                            continue;
                        }
                        if capabilities
                            && it.depth == 0
                            && capability_raw(it, &mut features, groups, &mut out)
                        {
                            continue;
                        }
                        line_raw(
                            &it.text,
                            it.pos.line,
                            it.pos.col,
                            in_uc,
                            it.depth,
                            &mut out,
                            &mut gwt,
                        );
                        if it.depth == 0 {
                            parent_story = out.len() > n;
                        }
                    }
                }
                Block::Table(t) => {
                    let n = out.len();
                    for row in t.rows.iter().filter(|r| !r.struck) {
                        let text: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
                        endpoint_raw(
                            &text.join(" "),
                            row.pos.line,
                            1,
                            &mut endpoints,
                            groups,
                            &mut out,
                        );
                    }
                    if out.len() == n {
                        feature_table(t, &mut out);
                    }
                }
                Block::Code(code) => {
                    let context = [sec.title.as_str(), lead.unwrap_or("")];
                    if operations::is_service_block(code, &context) {
                        signature_raws(code, &sec.title, groups, &mut out);
                    }
                }
            }
            lead = match b {
                Block::Paragraph(lines) => lines.last().map(|l| l.text.as_str()),
                _ => None,
            };
        }
        // Given/When/Then scenarios are use cases only when nothing else in the section is.
        if out.len() == before {
            out.extend(gwt);
        }
    }
    out
}

/// Each acceptance criterion of a story is a use case too (`REQ-1.2`), kept only when it
/// names an entity and an operation no other use case has (one W413 for the document).
fn criteria_raws(
    (story_id, actor): (&str, Option<String>),
    criteria: Vec<Criterion>,
    group: &mut Option<usize>,
    groups: &mut Groups,
    out: &mut Vec<Raw>,
) {
    for (k, (what, whole, line, col)) in criteria.into_iter().enumerate() {
        let g = *group.get_or_insert_with(|| {
            groups.push((Source::Criteria, String::new(), line, col));
            groups.len() - 1
        });
        out.push(Raw {
            id: (!story_id.is_empty()).then(|| format!("{story_id}.{}", k + 1)),
            title: whole,
            texts: vec![what],
            actor_text: actor.clone(),
            need_actor: false,
            line,
            col,
            group: Some(g),
        });
    }
}

/// A REST endpoint line becomes a use case of the section's endpoint group.
fn endpoint_raw(
    text: &str,
    line: u32,
    col: u32,
    group: &mut Option<usize>,
    groups: &mut Groups,
    out: &mut Vec<Raw>,
) -> bool {
    let Some((title, texts)) = operations::endpoint(text) else {
        return false;
    };
    let g = *group.get_or_insert_with(|| {
        groups.push((Source::Endpoints, String::new(), line, col));
        groups.len() - 1
    });
    out.push(Raw {
        id: None,
        title,
        texts,
        actor_text: None,
        need_actor: false,
        line,
        col,
        group: Some(g),
    });
    true
}

/// `**Admin dashboard** — list bookings, approve/reject`: a feature bullet in a use-case
/// section (not a story, requirement or scenario) becomes a use case of the section's feature
/// group when it has a verb.
fn feature_raw(
    it: &crate::prd::Item,
    group: &mut Option<usize>,
    groups: &mut Groups,
    out: &mut Vec<Raw>,
) -> bool {
    static BULLET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*\*\*([^*]{1,60})\*\*\s*(?:[—–:：]|--|-\s|——)\s*(.+)$")
            .expect("feature bullet regex")
    });
    let t = fold(&it.text);
    if REQ_ID.is_match(t.trim()) || want_part(&t).is_some() || is_gwt(&t) {
        return false;
    }
    let Some(c) = BULLET.captures(&it.raw) else {
        return false;
    };
    let (Some(label), Some(desc)) = (c.get(1), c.get(2)) else {
        return false;
    };
    let label = label
        .as_str()
        .trim()
        .trim_end_matches([':', '：'])
        .to_string();
    let desc = desc.as_str().replace("**", "").replace('`', "");
    // `**Statuses** — pending → approved`: a lifecycle, read by the state machines.
    if ["→", "->", "⇒", "=>"].iter().any(|a| desc.contains(a)) {
        return false;
    }
    // `**FR-040-PL**: …`: the label is an id, the description the title.
    let is_id = label.is_ascii()
        && !label.contains(' ')
        && label.chars().any(|c| c.is_ascii_digit())
        && label.contains(['-', '_', '.']);
    let (id, label) = if is_id {
        (Some(label), desc.trim().to_string())
    } else {
        (None, label)
    };
    let g = *group.get_or_insert_with(|| {
        groups.push((Source::Features, String::new(), it.pos.line, it.pos.col));
        groups.len() - 1
    });
    out.push(Raw {
        id,
        title: label.clone(),
        texts: vec![label, desc],
        actor_text: None,
        need_actor: false,
        line: it.pos.line,
        col: it.pos.col,
        group: Some(g),
    });
    true
}

/// `包含：`, `功能包括：`, `Features:`: the list after it names capabilities (not fields).
fn is_capability_lead(line: &str) -> bool {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:包含|包括|支持|提供|主要功能|功能包括|功能|能力|features?|capabilities|includes?|supports?)[^，。,.]{0,10}[:：]\s*$")
            .expect("capability lead regex")
    });
    let l = line.to_lowercase();
    LEAD.is_match(line)
        && !["字段", "属性", "表", "field", "attribute", "column"]
            .iter()
            .any(|w| l.contains(w))
}

/// A plain item of a capability list (`- 修改密码`, `- 管理端景点 CRUD`) with a verb: a use
/// case of the section's feature group.
fn capability_raw(
    it: &crate::prd::Item,
    group: &mut Option<usize>,
    groups: &mut Groups,
    out: &mut Vec<Raw>,
) -> bool {
    let t = fold(&it.text);
    let t = t.trim();
    if t.is_empty() || REQ_ID.is_match(t) || want_part(t).is_some() || is_gwt(t) {
        return false;
    }
    if verb_hits(t).is_empty() {
        return false;
    }
    let g = *group.get_or_insert_with(|| {
        groups.push((Source::Features, String::new(), it.pos.line, it.pos.col));
        groups.len() - 1
    });
    out.push(Raw {
        id: None,
        title: t.to_string(),
        texts: vec![t.to_string()],
        actor_text: None,
        need_actor: false,
        line: it.pos.line,
        col: it.pos.col,
        group: Some(g),
    });
    true
}

/// The public methods of a service code block, one use case each.
fn signature_raws(code: &crate::prd::Code, title: &str, groups: &mut Groups, out: &mut Vec<Raw>) {
    let ops = operations::methods(code, title);
    if ops.is_empty() {
        return;
    }
    let owner = code
        .lines
        .iter()
        .find_map(|l| {
            let t = l.text.trim();
            t.split_whitespace()
                .skip_while(|w| !matches!(*w, "class" | "interface" | "trait" | "struct"))
                .nth(1)
                .map(|w| format!("`{}`", w.trim_end_matches('{')))
        })
        .unwrap_or_else(|| format!("\"{title}\""));
    groups.push((Source::Signatures, owner, code.pos.line, code.pos.col));
    let g = groups.len() - 1;
    for op in ops {
        out.push(Raw {
            id: None,
            title: op.title,
            texts: op.texts,
            actor_text: None,
            need_actor: false,
            line: op.line,
            col: op.col,
            group: Some(g),
        });
    }
}

fn story_heading(title: &str) -> Option<(String, String)> {
    if let Some(c) = STORY_HEADING.captures(title) {
        let n = c.get(1)?.as_str();
        return Some((
            format!("US-{n}"),
            c.get(2).map(|m| m.as_str()).unwrap_or("").to_string(),
        ));
    }
    let c = REQ_HEADING.captures(title)?;
    let n = c.get(1)?.as_str();
    Some((
        format!("REQ-{n}"),
        c.get(2).map(|m| m.as_str()).unwrap_or("").to_string(),
    ))
}

/// One use case for a story section: the heading's title, classified on the "I want" part,
/// then the title, then the first paragraph.
/// An acceptance criterion: (what the system does, the whole line, line, col).
type Criterion = (String, String, u32, u32);

fn story_raw(doc: &Document, si: usize) -> (Raw, Vec<Criterion>) {
    let sec = &doc.sections[si];
    let (id, title) = story_heading(&sec.title).unwrap_or_default();
    let mut want = None;
    let mut actor_text = None;
    let mut first_para = None;
    let mut criteria: Vec<Criterion> = Vec::new();
    let mut stack = vec![si];
    let mut order = Vec::new();
    while let Some(i) = stack.pop() {
        order.push(i);
        for (j, s) in doc.sections.iter().enumerate().rev() {
            if s.parent == Some(i) {
                stack.push(j);
            }
        }
    }
    for i in order {
        for b in &doc.sections[i].blocks {
            let lines: Vec<(&str, u32, u32)> = match b {
                Block::Paragraph(ls) => ls
                    .iter()
                    .filter(|l| !l.struck)
                    .map(|l| (l.text.as_str(), l.pos.line, l.pos.col))
                    .collect(),
                Block::List(items) => items
                    .iter()
                    .filter(|i| !i.struck)
                    .map(|i| (i.text.as_str(), i.pos.line, i.pos.col))
                    .collect(),
                _ => vec![],
            };
            for (l, line, col) in lines {
                if want.is_none() {
                    if let Some(w) = want_part(l) {
                        want = Some(w);
                        actor_text = actors::subject(l);
                    }
                }
                // Acceptance criteria (`当…时，系统应…`, `WHEN … THE system SHALL …`): what
                // the system does, a fallback when the story's own words have no verb.
                if matches!(b, Block::List(_)) {
                    if let Some(c) = ears_consequence(l) {
                        criteria.push((c, l.to_string(), line, col));
                    }
                }
                if first_para.is_none()
                    && matches!(b, Block::Paragraph(_))
                    && !l.starts_with("Why")
                    && !l.contains("**")
                {
                    first_para = Some(l.to_string());
                }
            }
        }
    }
    let mut texts = Vec::new();
    texts.extend(want.clone());
    texts.push(title.clone());
    texts.extend(first_para.clone());
    texts.extend(criteria.iter().map(|c| c.0.clone()));
    let title = if title.is_empty() {
        want.unwrap_or_default()
    } else {
        title
    };
    let raw = Raw {
        id: Some(id),
        title,
        texts,
        actor_text: actor_text.or(first_para),
        line: sec.pos.line,
        col: sec.pos.col,
        need_actor: false,
        group: None,
    };
    (raw, criteria)
}

fn want_part(text: &str) -> Option<String> {
    let t = fold(text);
    actors::subject(&t)?;
    let c = EN_WANT.captures(&t).or_else(|| ZH_WANT.captures(&t))?;
    Some(
        c.get(1)?
            .as_str()
            .trim()
            .trim_end_matches(['.', '。'])
            .to_string(),
    )
}

/// EARS requirement lines, English and Chinese: `WHEN x THEN THE system SHALL y`,
/// `IF x THEN … SHALL y`, `THE system SHALL y`, `当x时，系统应y`, `如果x，那么系统应当y`,
/// `系统应当y`. Returns `y`, what the system does.
static EARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\d+[.)]\s*)?(?:(?:when|if|while|where)\b.*?\b(?:then\s+)?|当.+?(?:时|后)[，,]?\s*|如果.+?[，,]\s*(?:那么|则)?\s*|在.+?(?:时|后)[，,]\s*)?(?:the\s+)?[\p{Han}A-Za-z_ ]{0,40}?(?:\bshall\b|应当|应该|应|必须|须)\s*(.+)$")
        .expect("ears regex")
});

fn ears_consequence(text: &str) -> Option<String> {
    let t = fold(text);
    let c = EARS.captures(t.trim())?;
    let y = c.get(1)?.as_str().trim().trim_end_matches(['.', '。']);
    (!y.is_empty()).then(|| y.to_string())
}

fn is_gwt(text: &str) -> bool {
    let t = text.to_lowercase();
    (t.starts_with("given")
        || t.starts_with("when")
        || t.starts_with("假设")
        || t.starts_with("给定")
        || t.starts_with("当"))
        && GIVEN_WHEN.is_match(&fold(text))
}

#[allow(clippy::too_many_arguments)]
fn line_raw(
    text: &str,
    line: u32,
    col: u32,
    in_uc: bool,
    depth: u8,
    out: &mut Vec<Raw>,
    gwt: &mut Vec<Raw>,
) {
    let t = fold(text);
    let t = t.trim();
    // `FR-001: …`
    if let Some(c) = REQ_ID.captures(t) {
        let (Some(id), Some(rest)) = (c.get(1), c.get(2)) else {
            return;
        };
        let rest = rest.as_str().trim();
        let mut texts = Vec::new();
        let title = if let Some(w) = want_part(rest) {
            texts.push(w.clone());
            w
        } else {
            let r = ALLOW_REST
                .captures(rest)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string())
                .unwrap_or_else(|| rest.trim_end_matches('.').to_string());
            texts.push(r.clone());
            r
        };
        texts.push(rest.to_string());
        out.push(Raw {
            id: Some(id.as_str().to_uppercase().replace('_', "-")),
            title,
            texts,
            actor_text: actors::subject(rest).or_else(|| leading_subject(rest)),
            line,
            col,
            need_actor: false,
            group: None,
        });
        return;
    }
    if let Some(w) = want_part(t) {
        out.push(Raw {
            id: None,
            title: w.clone(),
            texts: vec![w],
            actor_text: actors::subject(t),
            line,
            col,
            need_actor: false,
            group: None,
        });
        return;
    }
    if !in_uc {
        return;
    }
    if is_gwt(t) {
        if let Some(w) = GIVEN_WHEN.captures(t).and_then(|c| c.get(1)) {
            let w = w.as_str().trim().to_string();
            gwt.push(Raw {
                id: None,
                title: w.clone(),
                texts: vec![w.clone()],
                actor_text: leading_subject(&w),
                line,
                col,
                need_actor: false,
                group: None,
            });
        }
        return;
    }
    // Kiro EARS criteria outside a story: scenarios, like Given/When/Then.
    let lower = t.to_lowercase();
    let ears_start = [
        "when ",
        "if ",
        "while ",
        "the system",
        "当",
        "如果",
        "系统应",
    ]
    .iter()
    .any(|p| lower.starts_with(p));
    if ears_start {
        if let Some(y) = ears_consequence(t) {
            // `当员工取消预约时`: the condition's subject acts.
            let cond = ["当", "如果", "when ", "if ", "while "]
                .iter()
                .find_map(|p| {
                    lower
                        .starts_with(p)
                        .then(|| t.get(p.len()..).unwrap_or("").to_string())
                });
            gwt.push(Raw {
                id: None,
                title: t.to_string(),
                texts: vec![y],
                actor_text: cond.and_then(|c| leading_subject(&c)),
                line,
                col,
                need_actor: false,
                group: None,
            });
            return;
        }
    }
    if depth > 0 {
        return;
    }
    // `读者可以续借图书`, `Admins can export reports`.
    let can = ZH_CAN.captures(t).or_else(|| EN_CAN.captures(t));
    if let Some(c) = can {
        let (Some(who), Some(what)) = (c.get(1), c.get(2)) else {
            return;
        };
        let what = what
            .as_str()
            .trim()
            .trim_end_matches(['.', '。'])
            .to_string();
        out.push(Raw {
            id: None,
            title: what.clone(),
            texts: vec![what],
            actor_text: Some(who.as_str().to_string()),
            line,
            col,
            need_actor: false,
            group: None,
        });
        if let Some(last) = out.last_mut() {
            last.need_actor = true;
        }
    }
}

/// `A receptionist books …` → `receptionist`; `馆员为读者办理` → `馆员` (first few chars).
fn leading_subject(text: &str) -> Option<String> {
    let t = fold(text);
    let t = t.trim();
    if t.is_ascii() {
        let ws: Vec<&str> = t.split_whitespace().collect();
        let skip = usize::from(matches!(
            ws.first().map(|w| w.to_lowercase()).as_deref(),
            Some("a" | "an" | "the")
        ));
        return ws.get(skip).map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphabetic())
                .to_string()
        });
    }
    Some(t.chars().take(6).collect())
}

fn header_idx(t: &Table, marks: &[&str]) -> Option<usize> {
    t.header.iter().position(|c| {
        let h = fold(&c.text).trim().to_lowercase();
        marks.iter().any(|m| h == *m)
    })
}

fn feature_table(t: &Table, out: &mut Vec<Raw>) {
    let Some(fi) = header_idx(t, FEATURE_HEADERS) else {
        return;
    };
    let ii = header_idx(t, ID_HEADERS);
    let di = header_idx(t, DESC_HEADERS);
    let ai = header_idx(t, ACTOR_HEADERS);
    for row in t.rows.iter().filter(|r| !r.struck) {
        let cell = |i: Option<usize>| -> String {
            i.and_then(|i| row.cells.get(i))
                .map(|c| fold(&c.text).trim().to_string())
                .unwrap_or_default()
        };
        let title = cell(Some(fi));
        if title.is_empty() {
            continue;
        }
        let id = cell(ii);
        let id = (!id.is_empty() && !id.chars().all(|c| c.is_ascii_digit()) && id.is_ascii())
            .then_some(id);
        let desc = cell(di);
        let mut texts = Vec::new();
        texts.extend(want_part(&title));
        texts.push(title.clone());
        texts.extend(want_part(&desc));
        if !desc.is_empty() {
            texts.push(desc.clone());
        }
        let actor_cell = cell(ai);
        let actor_text = if !actor_cell.is_empty() {
            Some(actor_cell)
        } else {
            actors::subject(&title)
                .or_else(|| actors::subject(&desc))
                .or_else(|| (!desc.is_empty()).then(|| leading_subject(&desc)).flatten())
        };
        let title = want_part(&title).unwrap_or(title);
        out.push(Raw {
            id,
            title,
            texts,
            actor_text,
            line: row.pos.line,
            col: row.cells.get(fi).map(|c| c.pos.col).unwrap_or(1),
            need_actor: false,
            group: None,
        });
    }
}

/// A verb found in text.
#[derive(Debug, Clone)]
struct VerbHit {
    pos: usize,
    end: usize,
    command: bool,
    action: String,
    word: String,
    /// `completed`, `shipping`: usually an adjective in requirements; used only when
    /// nothing else is found.
    participle: bool,
}

/// An entity mentioned in text.
#[derive(Debug, Clone, Copy)]
struct EntityHit {
    pos: usize,
    end: usize,
    entity: usize,
    plural: bool,
    /// `patient's`: names the owner, not the object.
    possessive: bool,
}

fn build(
    raw: Raw,
    entities: &Index,
    actors_: &[Actor],
    diags: &mut Vec<Diagnostic>,
    out: &mut Vec<UseCase>,
) {
    let found_actor = raw.actor_text.as_deref().and_then(|s| actor_of(s, actors_));
    if raw.need_actor && found_actor.is_none() {
        return;
    }
    let actor = found_actor.clone().unwrap_or_else(|| "user".to_string());
    // Operations are reported once per group (W410/W411), not one by one.
    let quiet = raw.group.is_some();
    let warn_actor = |diags: &mut Vec<Diagnostic>| {
        if found_actor.is_none() && !quiet {
            diags.push(
                Diagnostic::warning(
                    "W402",
                    raw.line,
                    raw.col,
                    Text::new(
                        format!("no actor found for use case \"{}\"; using `user`", raw.title),
                        format!("用例 \"{}\" 没有找到执行角色，使用 `user`", raw.title),
                    ),
                )
                .with_help(Text::new(
                    "start it with the role: \"As a clerk, I want …\" or \"System MUST allow clerks to …\"",
                    "写明角色：\"作为馆员，我希望…\"",
                )),
            );
        }
    };
    // Manage X → CRUD.
    for text in &raw.texts {
        if let Some(ei) = manage_target(text, entities) {
            let e = &entities[ei];
            diags.push(
                Diagnostic::warning(
                    "W401",
                    raw.line,
                    raw.col,
                    Text::new(
                        format!(
                            "\"{}\" expanded to create/update/delete/get/list of {}",
                            raw.title, e.name
                        ),
                        format!(
                            "\"{}\" 展开为 {} 的新增/修改/删除/查看/列表",
                            raw.title, e.name
                        ),
                    ),
                )
                .with_help(Text::new(
                    "list the operations you need instead of \"manage\" if not all five apply",
                    "如果不需要全部五种操作，请逐条写出需要的操作，而不是“管理”",
                )),
            );
            warn_actor(diags);
            for (i, (action, kind)) in [
                ("create", UseCaseKind::Command),
                ("update", UseCaseKind::Command),
                ("delete", UseCaseKind::Command),
                ("get", UseCaseKind::Query),
                ("list", UseCaseKind::Query),
            ]
            .into_iter()
            .enumerate()
            {
                out.push(UseCase {
                    id: raw
                        .id
                        .as_ref()
                        .map(|id| format!("{id}.{}", i + 1))
                        .unwrap_or_default(),
                    title: format!("{} ({action})", raw.title),
                    actor: actor.clone(),
                    kind,
                    entity: Some(e.name.clone()),
                    action: Some(action.to_string()),
                    line: raw.line,
                });
            }
            return;
        }
    }
    // Participles (`a completed visit`) count only when no text has a real verb.
    let found = [false, true].into_iter().find_map(|participles| {
        raw.texts
            .iter()
            .find_map(|text| classify(text, entities, &actor, participles))
    });
    let Some((kind, action, mut entity)) = found else {
        if quiet {
            return;
        }
        diags.push(
            Diagnostic::warning(
                "W403",
                raw.line,
                raw.col,
                Text::new(
                    format!("no command or query verb recognised in \"{}\"; not extracted as a use case", raw.title),
                    format!("\"{}\" 中没有识别出操作动词，未作为用例提取", raw.title),
                ),
            )
            .with_help(Text::new(
                "start with a verb such as create, update, cancel, view or list (docs/PRD-FORMAT.md lists them)",
                "以动词开头，例如 新增、修改、取消、查看、查询（动词表见 docs/PRD-FORMAT.md）",
            )),
        );
        return;
    };
    if entity.is_none() {
        // Look for the entity in the other texts.
        entity = raw
            .texts
            .iter()
            .find_map(|t| {
                let hits = entity_hits(t, entities);
                machine_entity(&action, &hits, entities)
                    .filter(|_| !hits.is_empty())
                    .or_else(|| classify(t, entities, &actor, true).and_then(|c| c.2))
                    .or_else(|| hits.iter().find(|h| !h.possessive).map(|h| h.entity))
            })
            .or_else(|| {
                raw.texts
                    .iter()
                    .find_map(|t| entity_hits(t, entities).first().map(|h| h.entity))
            });
    }
    warn_actor(diags);
    let mut action = action;
    if let Some(ei) = entity {
        action = refine_action(&action, &raw.texts, &entities[ei]);
    }
    if action == "record" {
        action = "create".into();
    }
    // `新增、编辑、停用会议室`: one use case per listed verb.
    let listed = raw
        .texts
        .iter()
        .find(|t| !verb_hits(t).is_empty())
        .map(|t| listed_verbs(t))
        .unwrap_or_default();
    let mut extra = Vec::new();
    for v in listed.iter().skip(1) {
        let mut a = v.action.clone();
        if let Some(ei) = entity {
            a = refine_action(&a, &raw.texts, &entities[ei]);
        }
        if a == "record" {
            a = "create".into();
        }
        if a != action && !extra.iter().any(|(x, _): &(String, bool)| *x == a) {
            extra.push((a, v.command));
        }
    }
    let entity_name = entity.map(|i| entities[i].name.clone());
    let n_extra = extra.len();
    out.push(UseCase {
        id: raw.id.clone().unwrap_or_default(),
        title: if n_extra > 0 {
            format!("{} ({action})", raw.title)
        } else {
            raw.title.clone()
        },
        actor: actor.clone(),
        kind,
        entity: entity_name.clone(),
        action: Some(action),
        line: raw.line,
    });
    for (i, (a, command)) in extra.into_iter().enumerate() {
        out.push(UseCase {
            id: raw
                .id
                .as_ref()
                .map(|id| format!("{id}.{}", i + 2))
                .unwrap_or_default(),
            title: format!("{} ({a})", raw.title),
            actor: actor.clone(),
            kind: if command {
                UseCaseKind::Command
            } else {
                UseCaseKind::Query
            },
            entity: entity_name.clone(),
            action: Some(a),
            line: raw.line,
        });
    }
}

/// The first run of two or more verbs written as a list (`新增、编辑、停用`, `create, edit
/// and disable`): only separators between them.
fn listed_verbs(text: &str) -> Vec<VerbHit> {
    let t = fold(text);
    let verbs = verb_hits(&t);
    // `提交审核` (submit for review) is one action: a list needs a separator.
    let is_sep = |gap: &str| {
        let g = gap.trim().to_lowercase();
        let words: Vec<&str> = g
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | '/' | '&'))
            .filter(|w| !w.is_empty())
            .collect();
        let sep_char = g.contains([',', '、', '/', '&']);
        let all_seps = words
            .iter()
            .all(|w| matches!(*w, "和" | "及" | "与" | "或" | "and" | "or"));
        all_seps && (sep_char || !words.is_empty())
    };
    let mut run: Vec<VerbHit> = Vec::new();
    for v in verbs {
        let joined = run
            .last()
            .is_some_and(|p| t.get(p.end..v.pos).is_some_and(is_sep));
        if !joined {
            if run.len() >= 2 {
                return run;
            }
            run.clear();
        }
        run.push(v);
    }
    if run.len() >= 2 {
        run
    } else {
        Vec::new()
    }
}

fn actor_of(subject: &str, actors_: &[Actor]) -> Option<String> {
    let s = fold(subject);
    let s = s.trim();
    // A Chinese phrase that starts with an actor label (`馆员为读者…`).
    if let Some(a) = actors_
        .iter()
        .filter(|a| !a.label.is_empty() && !a.label.is_ascii() && s.starts_with(a.label.as_str()))
        .max_by_key(|a| a.label.len())
    {
        return Some(a.name.clone());
    }
    if s.is_ascii() && s.split_whitespace().count() > 3 {
        // A sentence: the first actor it mentions (`When the patient arrives the
        // receptionist checks them in`).
        let toks = tokens(s);
        return toks.iter().find_map(|(_, _, w)| {
            let w = names::singular(w.trim_end_matches("'s"));
            actors_
                .iter()
                .find(|a| a.name == w || a.name.rsplit('_').next() == Some(w.as_str()))
                .map(|a| a.name.clone())
        });
    }
    actors::resolve(s, actors_)
}

/// English word forms of a verb: `book` → books, booked, booking; `ship` → shipped.
fn en_forms(v: &str) -> Vec<String> {
    let mut f = vec![
        v.to_string(),
        format!("{v}s"),
        format!("{v}es"),
        format!("{v}ed"),
        format!("{v}d"),
        format!("{v}ing"),
    ];
    if let Some(stem) = v.strip_suffix('e') {
        f.push(format!("{stem}ing"));
    }
    if let Some(stem) = v.strip_suffix('y') {
        f.push(format!("{stem}ies"));
        f.push(format!("{stem}ied"));
    }
    let b = v.as_bytes();
    if b.len() >= 3 {
        let last = b[b.len() - 1];
        let prev = b[b.len() - 2];
        let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
        if !vowel(last)
            && vowel(prev)
            && !vowel(b[b.len() - 3])
            && !matches!(last, b'w' | b'x' | b'y')
        {
            let c = last as char;
            f.push(format!("{v}{c}ed"));
            f.push(format!("{v}{c}ing"));
        }
    }
    if v == "pay" {
        f.push("paid".into());
        f.push("payment".into());
    }
    f
}

/// Lower-case words with their byte spans.
fn tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '_' || c == '\'';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len(), text[s..].to_lowercase()));
    }
    out
}

/// (verb, action, word forms of its first word).
type EnVerb = (&'static str, &'static str, Vec<String>);

fn with_forms(table: &'static [(&'static str, &'static str)]) -> Vec<EnVerb> {
    table
        .iter()
        .map(|(v, a)| (*v, *a, en_forms(v.split(' ').next().unwrap_or(v))))
        .collect()
}

static EN_COMMAND_FORMS: LazyLock<Vec<EnVerb>> = LazyLock::new(|| with_forms(EN_COMMAND_VERBS));
static EN_QUERY_FORMS: LazyLock<Vec<EnVerb>> = LazyLock::new(|| with_forms(EN_QUERY_VERBS));

fn verb_hits(text: &str) -> Vec<VerbHit> {
    let t = fold(text);
    let mut hits = Vec::new();
    let toks = tokens(&t);
    let en = |table: &[EnVerb], command: bool, hits: &mut Vec<VerbHit>| {
        for (verb, action, forms) in table {
            let parts: Vec<&str> = verb.split(' ').collect();
            for (i, tok) in toks.iter().enumerate() {
                let first_ok = forms.contains(&tok.2);
                if !first_ok {
                    continue;
                }
                let mut end = tok.1;
                let mut ok = true;
                for (k, p) in parts.iter().enumerate().skip(1) {
                    match toks.get(i + k) {
                        Some(n) if n.2 == *p => end = n.1,
                        // `checks them in`: one word between.
                        _ => match toks.get(i + k + 1) {
                            Some(n) if n.2 == *p => end = n.1,
                            _ => ok = false,
                        },
                    }
                }
                if ok {
                    let w = tok.2.as_str();
                    let participle =
                        w != parts[0] && (w.ends_with("ed") || w.ends_with("ing") || w == "paid");
                    hits.push(VerbHit {
                        pos: tok.0,
                        end,
                        command,
                        action: action.to_string(),
                        word: verb.to_string(),
                        participle,
                    });
                }
            }
        }
    };
    if !toks.is_empty() {
        en(&EN_COMMAND_FORMS, true, &mut hits);
        en(&EN_QUERY_FORMS, false, &mut hits);
    }
    let zh = |table: &[(&str, &str)], command: bool, hits: &mut Vec<VerbHit>| {
        for (verb, action) in table {
            if command && ZH_STATE_ADJECTIVES.contains(action) {
                continue;
            }
            for (pos, _) in t.match_indices(verb) {
                hits.push(VerbHit {
                    pos,
                    end: pos + verb.len(),
                    command,
                    action: action.to_string(),
                    word: verb.to_string(),
                    participle: false,
                });
            }
        }
    };
    zh(ZH_COMMAND_VERBS, true, &mut hits);
    zh(lexicon::ZH_VERBS, true, &mut hits);
    zh(ZH_QUERY_VERBS, false, &mut hits);
    // `管理员` is a role, not `管理`; overlapping hits keep the longest.
    hits.sort_by_key(|h| (h.pos, usize::MAX - (h.end - h.pos)));
    let mut kept: Vec<VerbHit> = Vec::new();
    for h in hits {
        if kept.iter().any(|k| h.pos < k.end && k.pos < h.end) {
            continue;
        }
        kept.push(h);
    }
    kept
}

/// Every way the text may name each entity, computed once per extraction.
struct Index<'a> {
    entities: &'a [Entity],
    /// `names::snake` of each entity's name.
    snakes: Vec<String>,
    /// (entity, words, plural): `["order", "item"]`, `["order", "items"]`, `["class"]`…
    word_forms: Vec<(usize, Vec<String>, bool)>,
    /// (entity, single token, plural): `orderitem`, `order_items`.
    joined: Vec<(usize, String, bool)>,
    /// (entity, Chinese label or its core without `记录/信息/表/单`).
    labels: Vec<(usize, String)>,
}

impl std::ops::Deref for Index<'_> {
    type Target = [Entity];
    fn deref(&self) -> &[Entity] {
        self.entities
    }
}

impl<'a> Index<'a> {
    fn new(entities: &'a [Entity]) -> Self {
        let snakes: Vec<String> = entities.iter().map(|e| names::snake(&e.name)).collect();
        let mut last_count: std::collections::HashMap<&str, usize> = Default::default();
        for sn in &snakes {
            *last_count
                .entry(sn.rsplit('_').next().unwrap_or(""))
                .or_default() += 1;
        }
        let mut ix = Index {
            entities,
            snakes: Vec::new(),
            word_forms: Vec::new(),
            joined: Vec::new(),
            labels: Vec::new(),
        };
        for (ei, e) in entities.iter().enumerate() {
            let snake = &snakes[ei];
            let plural = names::plural(snake);
            for (form, is_plural) in [(snake.clone(), false), (plural, true)] {
                let ws: Vec<String> = form.split('_').map(str::to_string).collect();
                if ws.len() > 1 {
                    ix.joined.push((ei, ws.concat(), is_plural));
                    ix.joined.push((ei, form.clone(), is_plural));
                }
                ix.word_forms.push((ei, ws, is_plural));
            }
            // `GymClass` is also "class"/"classes" when no other entity ends in that word.
            let parts: Vec<&str> = snake.split('_').collect();
            if let Some(last) = parts.last().filter(|_| parts.len() > 1) {
                if last_count.get(last) == Some(&1) {
                    ix.word_forms.push((ei, vec![last.to_string()], false));
                    ix.word_forms.push((ei, vec![names::plural(last)], true));
                }
            }
            let label = e.label.trim();
            if !label.is_empty() && !label.is_ascii() {
                ix.labels.push((ei, label.to_lowercase()));
                if let Some(core) = ["记录", "信息", "表", "单"]
                    .iter()
                    .find_map(|s| label.strip_suffix(s))
                    .filter(|c| c.chars().count() >= 2)
                {
                    ix.labels.push((ei, core.to_lowercase()));
                }
            }
        }
        ix.snakes = snakes;
        ix
    }
}

fn entity_hits(text: &str, entities: &Index) -> Vec<EntityHit> {
    let t = fold(text);
    let lower = t.to_lowercase();
    let toks = tokens(&t);
    let mut hits = Vec::new();
    let word_is = |tok: &str, w: &str| tok == w || tok.strip_suffix("'s") == Some(w);
    for (ei, ws, is_plural) in &entities.word_forms {
        for i in 0..toks.len() {
            let ok = ws
                .iter()
                .enumerate()
                .all(|(k, w)| toks.get(i + k).is_some_and(|x| word_is(&x.2, w)));
            if ok {
                let last = &toks[i + ws.len() - 1];
                hits.push(EntityHit {
                    pos: toks[i].0,
                    end: last.1,
                    entity: *ei,
                    plural: *is_plural,
                    possessive: last.2.ends_with("'s"),
                });
            }
        }
    }
    for (ei, j, is_plural) in &entities.joined {
        for tok in toks.iter().filter(|x| x.2 == *j) {
            hits.push(EntityHit {
                pos: tok.0,
                end: tok.1,
                entity: *ei,
                plural: *is_plural,
                possessive: false,
            });
        }
    }
    if !lower.is_ascii() {
        for (ei, l) in &entities.labels {
            for (pos, _) in lower.match_indices(l.as_str()) {
                hits.push(EntityHit {
                    pos,
                    end: pos + l.len(),
                    entity: *ei,
                    plural: false,
                    // `罚款的读者`: the noun before 的 qualifies the one after it.
                    possessive: lower[pos + l.len()..].starts_with('的'),
                });
            }
        }
    }
    hits.sort_by_key(|h| (h.pos, usize::MAX - (h.end - h.pos)));
    let mut kept: Vec<EntityHit> = Vec::new();
    for h in hits {
        if kept.iter().any(|k| h.pos < k.end && k.pos < h.end) {
            continue;
        }
        kept.push(h);
    }
    // `a patient's history` names the history, not the patient.
    if kept.iter().any(|h| !h.possessive) {
        kept.retain(|h| !h.possessive);
    }
    kept
}

/// `manage X` / `管理X` / `X管理` naming an entity.
fn manage_target(text: &str, entities: &Index) -> Option<usize> {
    let t = fold(text);
    let lower = t.to_lowercase();
    let pos = tokens(&t)
        .iter()
        .find(|x| {
            matches!(
                x.2.as_str(),
                "manage" | "manages" | "managing" | "administer"
            )
        })
        .map(|x| x.1)
        .or_else(|| {
            lower
                .match_indices("管理")
                .find(|(i, _)| {
                    // `管理员` is a role, `管理端/管理后台` a place: neither manages.
                    let rest = &lower[*i..];
                    let place = ["管理端", "管理后台", "管理平台", "管理系统"]
                        .iter()
                        .any(|p| rest.starts_with(p));
                    (!rest.starts_with("管理员") || rest.starts_with("管理员工")) && !place
                })
                .map(|(i, _)| i)
        })?;
    let hits = entity_hits(&t, entities);
    hits.iter()
        .find(|h| h.pos >= pos)
        .or_else(|| hits.iter().rev().find(|h| h.end <= pos))
        .map(|h| h.entity)
}

/// The entity among `hits` whose state machine has `action`, else any entity's machine
/// with it when only one has.
fn machine_entity(action: &str, hits: &[EntityHit], entities: &[Entity]) -> Option<usize> {
    let has = |e: &Entity| {
        e.state_machine
            .as_ref()
            .is_some_and(|sm| sm.transitions.iter().any(|t| t.action == action))
    };
    if let Some(h) = hits.iter().find(|h| has(&entities[h.entity])) {
        return Some(h.entity);
    }
    let all: Vec<usize> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| has(e))
        .map(|(i, _)| i)
        .collect();
    (all.len() == 1).then(|| all[0])
}

/// (kind, action, entity) for one text; `None` when it has no known verb.
fn classify(
    text: &str,
    entities: &Index,
    actor: &str,
    participles: bool,
) -> Option<(UseCaseKind, String, Option<usize>)> {
    let stripped = strip_clauses(&fold(text));
    let text = stripped.as_str();
    let hits = entity_hits(text, entities);
    let toks = tokens(text);
    // `借阅记录查询`: 借阅 is part of the entity's name here, not a verb; `comment` is a
    // verb only where a verb goes (`to comment`, at the start).
    let mut verbs: Vec<VerbHit> = verb_hits(text)
        .into_iter()
        .filter(|v| {
            !hits.iter().any(|h| {
                let inside = v.pos >= h.pos && v.end <= h.end;
                let same = v.pos == h.pos && v.end == h.end;
                let slot = if v.word.is_ascii() {
                    verb_slot(&toks, v.pos)
                } else {
                    zh_verb_slot(text, v.pos)
                };
                inside && !(same && slot)
            })
        })
        .collect();
    if verbs.iter().any(|v| !v.participle) || !participles {
        verbs.retain(|v| !v.participle);
    }
    let machine_actions: BTreeSet<&str> = entities
        .iter()
        .filter_map(|e| e.state_machine.as_ref())
        .flat_map(|sm| sm.transitions.iter().map(|t| t.action.as_str()))
        .collect();
    // A side-effect verb wins; among them a state-machine action, then the earliest.
    let verb = verbs
        .iter()
        .filter(|v| v.command)
        .min_by_key(|v| (WEAK_VERBS.contains(&v.word.as_str()), v.pos))
        .or_else(|| verbs.iter().find(|v| !v.command))?;
    let mut action = verb.action.clone();
    let mut command = verb.command;
    // `register` with no object registers the actor (`As a customer, I want to register`).
    let actor_entity = entities.snakes.iter().position(|s| s == actor);
    let mut entity = machine_entity(&action, &hits, entities)
        .filter(|_| machine_actions.contains(action.as_str()));
    // `comment on a ticket`, `我希望预约会议室`, `签到`: the verb names the entity it creates.
    if entity.is_none() && command {
        entity = hits
            .iter()
            .find(|h| h.pos == verb.pos && h.end == verb.end)
            .map(|h| h.entity);
        if entity.is_some() {
            action = "create".into();
        }
    }
    // `book a class` books a Booking, not the class.
    if entity.is_none() {
        let prefer: &[&str] = match verb.word.as_str() {
            "book" | "reserve" | "预约" | "预订" => &["booking", "reservation", "appointment"],
            _ => &[],
        };
        entity = prefer
            .iter()
            .find_map(|p| entities.snakes.iter().position(|s| s == *p));
    }
    if entity.is_none() && matches!(verb.word.as_str(), "register" | "sign up" | "注册") {
        entity = actor_entity.filter(|_| {
            hits.iter()
                .all(|h| h.pos < verb.pos || h.pos > verb.end + 12)
        });
    }
    let object = hits
        .iter()
        .filter(|h| !h.possessive)
        .find(|h| h.pos >= verb.end)
        .or_else(|| {
            hits.iter()
                .rev()
                .find(|h| h.end <= verb.pos && !h.possessive)
        })
        // Only 的-qualifiers (`查看图书的详情`): the qualified noun is not an entity. (An
        // English possessive is left to the rules below: `a patient's history`.)
        .or_else(|| {
            hits.iter().find(|h| {
                h.pos >= verb.end && text.get(h.end..).is_some_and(|t| t.starts_with('的'))
            })
        });
    if entity.is_none() {
        entity = object.map(|h| h.entity);
    }
    if verb.word == "review" {
        let approves = entity
            .and_then(|i| entities[i].state_machine.as_ref())
            .is_some_and(|sm| sm.transitions.iter().any(|t| t.action == "approve"));
        if !approves {
            command = false;
            action = "get".into();
        }
    }
    if !command && action == "get" {
        let lower = text.to_lowercase();
        let many = object.is_some_and(|h| h.plural)
            || [
                "history", "list", "all ", "记录", "列表", "所有", "统计", "全部",
            ]
            .iter()
            .any(|w| lower.contains(w))
            || toks.iter().any(|t| t.2 == "all");
        if many {
            action = "list".into();
        }
    }
    let kind = if command {
        UseCaseKind::Command
    } else {
        UseCaseKind::Query
    };
    Some((kind, action, entity))
}

/// True when the Chinese word at byte `pos` stands where a verb goes: first, or after a
/// modal (`希望`, `可以`), `我`, or a list separator.
fn zh_verb_slot(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("").trim_end();
    before.is_empty()
        || [
            "希望", "想", "要", "能", "能够", "可以", "需要", "我", "、", "，", ",", "和", "并",
        ]
        .iter()
        .any(|w| before.ends_with(w))
}

/// True when the word at byte `pos` stands where a verb goes: first word, or after `to`,
/// `can`, `and`, a modal or `I`.
fn verb_slot(toks: &[(usize, usize, String)], pos: usize) -> bool {
    match toks.iter().position(|t| t.0 == pos) {
        Some(0) => true,
        Some(i) => matches!(
            toks[i - 1].2.as_str(),
            "to" | "can" | "and" | "will" | "must" | "shall" | "should" | "may" | "i" | "then"
        ),
        None => false,
    }
}

static TIME_CLAUSE_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[,;]?\s+\b(?:before|after|once|until|unless|while)\b[^,;.]*")
        .expect("clause regex")
});
static TIME_CLAUSE_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"在[^,，。;；]{1,12}?(?:之前|以前|前|之后|以后|后|时)").expect("zh clause regex")
});

/// Drops time clauses (`before it is paid`, `在支付前`): their verbs are not the action.
fn strip_clauses(text: &str) -> String {
    let t = TIME_CLAUSE_EN.replace_all(text, "");
    TIME_CLAUSE_ZH.replace_all(&t, "").into_owned()
}

/// A domain verb that is a state-machine action of the entity (or reaches one of its states)
/// becomes that action; the verb that leads to the initial state means `create`.
fn refine_action(action: &str, texts: &[String], e: &Entity) -> String {
    let Some(sm) = e.state_machine.as_ref() else {
        return action.to_string();
    };
    if sm.transitions.iter().any(|t| t.action == action) {
        return action.to_string();
    }
    let joined = texts.join(" ").to_lowercase();
    let toks: Vec<String> = tokens(&joined).into_iter().map(|t| t.2).collect();
    // Any action of the machine used as a verb in the text (`payment` → pay).
    if !matches!(action, "create" | "list" | "get" | "delete" | "update") {
        for t in &sm.transitions {
            let forms = en_forms(&t.action);
            if toks.iter().any(|w| forms.contains(w))
                || (!t.label.is_empty() && joined.contains(&t.label))
            {
                return t.action.clone();
            }
        }
    }
    // `mark an order as delivered`, `标记为已逾期`.
    if matches!(action, "mark" | "update") {
        for t in &sm.transitions {
            let label = e
                .field(&sm.field)
                .and_then(|f| f.enum_values.iter().find(|v| v.value == t.to))
                .map(|v| v.label.clone())
                .unwrap_or_default();
            if toks.contains(&t.to) || (!label.is_empty() && joined.contains(&label)) {
                return t.action.clone();
            }
        }
    }
    // The verb that reaches the initial state creates the entity (`借出` a Loan).
    let initial_verb = e
        .field(&sm.field)
        .and_then(|f| f.enum_values.iter().find(|v| v.value == sm.initial))
        .and_then(|v| lexicon::zh_action(&v.label).map(str::to_string))
        .or_else(|| lexicon::en_participle(&sm.initial).map(str::to_string));
    if initial_verb.as_deref() == Some(action) {
        return "create".into();
    }
    action.to_string()
}

/// Given ids stay; the others get `UC-001`… in order, skipping numbers already used.
fn assign_ids(ucs: &mut [UseCase]) {
    let mut used: BTreeSet<String> = ucs
        .iter()
        .filter(|u| !u.id.is_empty())
        .map(|u| u.id.clone())
        .collect();
    let mut n = 0;
    let mut seen = BTreeSet::new();
    for uc in ucs.iter_mut() {
        if uc.id.is_empty() || !seen.insert(uc.id.clone()) {
            let base = uc.id.clone();
            loop {
                n += 1;
                let id = if base.is_empty() {
                    format!("UC-{n:03}")
                } else {
                    format!("{base}-{n}")
                };
                if used.insert(id.clone()) {
                    uc.id = id.clone();
                    seen.insert(id);
                    break;
                }
            }
        }
    }
}

/// Reads the command a short step of a process names (`锁定库存`, `The system reserves the
/// book`), with the same verbs and entity names as the use cases ([`super::processes`]).
pub(super) struct StepReader<'a>(Index<'a>);

impl<'a> StepReader<'a> {
    pub(super) fn new(entities: &'a [Entity]) -> Self {
        StepReader(Index::new(entities))
    }

    /// (entity index, action) of a command on an entity; `None` for a query or no entity.
    pub(super) fn command(&self, text: &str) -> Option<(usize, String)> {
        // The PRD's own lifecycle first (`reserve the book` is Book.reserve, not a booking;
        // `hold the stock`, `锁定库存`): an action or event label of a machine of an entity the
        // step names.
        let lower = fold(text).to_lowercase();
        let toks: Vec<String> = tokens(&lower).into_iter().map(|t| t.2).collect();
        for h in entity_hits(text, &self.0) {
            let Some(sm) = self.0[h.entity].state_machine.as_ref() else {
                continue;
            };
            let named = sm.transitions.iter().find(|t| {
                let verb = t.action.replace('_', " ");
                en_forms(&verb).iter().any(|f| toks.contains(f))
                    || (!t.label.is_empty() && lower.contains(&t.label.to_lowercase()))
            });
            if let Some(t) = named {
                return Some((h.entity, t.action.clone()));
            }
        }
        match classify(text, &self.0, "user", false) {
            Some((UseCaseKind::Command, action, Some(e))) => Some((e, action)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumValue, Field, FieldType, StateMachine, Transition};
    use crate::prd;

    fn ent(name: &str, label: &str) -> Entity {
        Entity {
            name: name.into(),
            label: label.into(),
            description: String::new(),
            table: names::table(name),
            resource: names::resource(name),
            fields: vec![],
            relations: vec![],
            indexes: vec![],
            state_machine: None,
            line: 1,
        }
    }

    fn order() -> Entity {
        let mut o = ent("Order", "订单");
        o.fields.push(Field {
            name: "status".into(),
            label: String::new(),
            ty: FieldType::Enum,
            list: false,
            required: true,
            unique: false,
            default: None,
            max_length: None,
            scale: None,
            enum_values: ["pending", "paid", "delivered"]
                .iter()
                .map(|v| EnumValue {
                    value: v.to_string(),
                    label: String::new(),
                })
                .collect(),
            references: None,
            description: String::new(),
            example: String::new(),
            line: 1,
        });
        let t = |f: &str, a: &str, to: &str| Transition {
            from: f.into(),
            to: to.into(),
            action: a.into(),
            label: String::new(),
            line: 1,
        };
        o.state_machine = Some(StateMachine {
            field: "status".into(),
            initial: "pending".into(),
            transitions: vec![
                t("pending", "pay", "paid"),
                t("paid", "deliver", "delivered"),
            ],
            line: 1,
        });
        o
    }

    fn actor(name: &str, label: &str) -> Actor {
        Actor {
            owns: Vec::new(),
            name: name.into(),
            label: label.into(),
            description: String::new(),
            line: 1,
        }
    }

    fn run(src: &str) -> (Vec<String>, Vec<Diagnostic>) {
        let es = vec![
            ent("Product", "商品"),
            order(),
            ent("Category", "分类"),
            ent("OrderItem", "订单项"),
        ];
        let acts = vec![actor("customer", "顾客"), actor("admin", "管理员")];
        let mut d = vec![];
        let ucs = extract(&prd::parse(src), &es, &acts, &mut d);
        let s = ucs
            .iter()
            .map(|u| {
                format!(
                    "{} {} {:?} {} {}",
                    u.id,
                    u.actor,
                    u.kind,
                    u.entity.as_deref().unwrap_or("-"),
                    u.action.as_deref().unwrap_or("-")
                )
            })
            .collect();
        (s, d)
    }

    #[test]
    fn stories_en_zh() {
        let (u, d) = run("## User Stories\n\n- As a customer, I want to browse products by category.\n- As a customer, I want to pay for an order.\n- As a customer, I want to mark an order as delivered.\n- 作为顾客，我希望查询订单，以便了解进度。\n- 作为管理员，我想要新增商品。\n- As a pilot, I want to fly.\n");
        assert_eq!(
            u,
            [
                "UC-001 customer Query Product list",
                "UC-002 customer Command Order pay",
                "UC-003 customer Command Order deliver",
                "UC-004 customer Query Order list",
                "UC-005 admin Command Product create",
            ]
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "W403");
    }

    #[test]
    fn requirements_and_manage() {
        let (u, d) = run("## Functional Requirements\n\n- **FR-001**: System MUST allow customers to view order items.\n- **FR-002**: System MUST allow admins to manage categories.\n- FR3: System MUST isolate tenants.\n");
        assert_eq!(u[0], "FR-001 customer Query OrderItem list");
        assert_eq!(u[1], "FR-002.1 admin Command Category create");
        assert_eq!(u.len(), 6);
        assert!(d.iter().any(|d| d.code == "W401"));
        assert!(d.iter().any(|d| d.code == "W403"));
    }

    #[test]
    fn feature_table_and_verb_after_noun() {
        let (u, d) = run("## 功能清单\n\n| 编号 | 功能名称 | 功能描述 | 优先级 |\n|---|---|---|---|\n| F-01 | 订单查询 | 顾客查看自己的订单 | P0 |\n| F-02 | 商品添加 | 管理员添加商品 | P0 |\n| 3 | 订单支付 | | P1 |\n");
        assert_eq!(
            u,
            [
                "F-01 customer Query Order list",
                "F-02 admin Command Product create",
                "UC-001 user Command Order pay",
            ]
        );
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code.as_str(), d[0].line), ("W402", 7));
    }

    #[test]
    fn spec_kit_story_with_scenarios() {
        let (u, d) = run("## User Scenarios\n\n### User Story 1 - Pay an order (Priority: P1)\n\nA customer pays for an order.\n\n**Acceptance Scenarios**:\n\n1. **Given** an order, **When** the customer pays, **Then** it is paid.\n\n### User Story 2 - Browse (Priority: P2)\n\nAs a customer, I want to browse products.\n");
        assert_eq!(
            u,
            [
                "US-1 customer Command Order pay",
                "US-2 customer Query Product list"
            ]
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn verb_lists_and_verbs_that_name_entities() {
        let (u, _) = run("## 用户故事\n\n- 作为管理员，我希望新增、编辑、删除商品。\n- 作为顾客，我希望提交审核申请。\n");
        assert_eq!(
            u,
            [
                "UC-001 admin Command Product create",
                "UC-002 admin Command Product update",
                "UC-003 admin Command Product delete",
                "UC-004 customer Command - submit",
            ]
        );
    }

    #[test]
    fn ears_criteria() {
        let (u, _) = run("## 验收标准\n\n- 当顾客取消订单时，系统应删除该订单项\n");
        assert_eq!(u, ["UC-001 customer Command OrderItem delete"]);
        let (u, _) = run("## Requirements\n\n### Requirement 1: Checkout\n\n**User Story:** As a customer, I want a smooth checkout.\n\n#### Acceptance Criteria\n\n1. WHEN the cart is full THE Shop System SHALL allow customers to pay for the order\n");
        assert_eq!(u, ["REQ-1 customer Command Order pay"]);
    }

    #[test]
    fn standalone_gwt() {
        let (u, _) = run("## Acceptance Criteria\n\n- Given a cart, when the customer places an order, then it is created.\n");
        assert_eq!(u, ["UC-001 customer Command Order create"]);
    }
}
