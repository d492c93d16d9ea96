//! State machines: transitions written as arrow lines, transition tables or mermaid
//! `stateDiagram`, attached to the entity enum field (`status`, `state`, `状态`) whose values
//! they use. See docs/PRD-FORMAT.md ("State machines") for the accepted forms.
//!
//! Sentences that state a transition (`status becomes 'paid'`, `状态应变为"已完成"`) are read
//! too ([`super::states_prose`]), and a status field typed as a plain string takes its values
//! from an enum declared elsewhere under its name (`enum OrderStatus`, [`super::enum_decls`])
//! or, when the heading names its entity, from the machine's own states.
//!
//! Codes: W301 status enum without transitions, W302 machine matching no entity,
//! W303 action name guessed, W304 second machine for an entity, W305 ambiguous match,
//! E301 same action twice from one state, E302 state not in the entity's enum,
//! W310 status values taken from a declared enum, W311 status values taken from the machine,
//! W312 transition read from a sentence.

use super::enum_decls::{self, EnumDecl};
use super::lexicon;
use super::roles::{section_roles, Role};
use super::states_prose;
use crate::diag::{Diagnostic, Text};
use crate::model::{Entity, EnumValue, Field, FieldType, StateMachine, Transition};
use crate::names;
use crate::prd::{fold, Block, Document, NarrowRegex, Table};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// One arrow between two states, as written.
#[derive(Debug, Clone, PartialEq)]
struct RawTransition {
    from: String,
    to: String,
    event: String,
    line: u32,
    col: u32,
}

/// A group of transitions written together (one block).
#[derive(Debug, Clone, Default)]
struct Candidate {
    transitions: Vec<RawTransition>,
    /// `[*] --> a`, or a table row with an empty "from".
    initial: Option<String>,
    /// (label, value) pairs: mermaid `state "待支付" as pending`, state tables.
    aliases: Vec<(String, String)>,
    /// Texts that may name the entity, most specific first.
    hints: Vec<String>,
    line: u32,
    /// Written where a state machine is expected (state section, stateDiagram, table):
    /// report it when it matches nothing.
    explicit: bool,
    /// Read from a sentence: an empty `from` means the initial state; silent when it matches
    /// nothing.
    prose: bool,
}

/// A state written in an arrow line: ASCII or CJK word, hyphens and dots inside.
const STATE: &str = r"\[\*\]|[\p{L}\p{N}_]+(?:[-.][\p{L}\p{N}_]+)*";

static ARROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \s*(?:
            -{1,2}\s*\[([^\]]+)\]\s*-{1,2}>        # --[event]-->
          | --\s*([^\s>\-\[][^>]*?)\s*-{1,2}>      # --event-->
          | -{1,2}>|=>|→|⟶|➔|➜|⇒|—+>|─+>|-→
        )\s*",
    )
    .expect("arrow regex")
});

static STATE_RE: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::ascii(&format!(r"^(?:{STATE})$")));

/// `state (label)`.
static STATE_LABEL: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::ascii(&format!(r"^({STATE})\s*(?:\(([^()]*)\))?$")));

/// Last segment: `state`, `state : event`, `state (event)`, `state(label) : event`.
static LAST: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::ascii(&format!(
        r"^({STATE})\s*(?:\(([^()]*)\))?\s*(?::\s*(.*?))?\s*[,;.]?$"
    ))
});

static MERMAID_ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^state\s+"([^"]+)"\s+as\s+([\p{L}\p{N}_]+)"#).expect("alias regex")
});

static MERMAID_NODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([\p{L}\p{N}_]+)\s*(?:\[\s*([^\]]*?)\s*\]|\(\s*([^)]*?)\s*\)|\{\s*([^}]*?)\s*\})?$",
    )
    .expect("node regex")
});

static LEADING_MARKER: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::digits(r"^(?:[-*+]\s+|\d+[.)]\s+)"));

static PAREN_ASCII: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*([A-Za-z][A-Za-z0-9_ -]*)\s*\)").expect("paren regex"));

const FROM_HEADERS: &[&str] = &[
    "当前状态",
    "原状态",
    "源状态",
    "起始状态",
    "前置状态",
    "变更前状态",
    "from",
    "from state",
    "current state",
    "source state",
    "source",
    "current status",
];
const TO_HEADERS: &[&str] = &[
    "目标状态",
    "新状态",
    "下一状态",
    "下个状态",
    "流转后状态",
    "变更后状态",
    "后置状态",
    "结果状态",
    "to",
    "to state",
    "target state",
    "target",
    "next state",
    "new state",
    "next status",
];
const EVENT_HEADERS: &[&str] = &[
    "事件",
    "操作",
    "动作",
    "触发",
    "行为",
    "event",
    "action",
    "trigger",
    "transition",
    "operation",
];
const CODE_HEADERS: &[&str] = &[
    "状态码",
    "状态值",
    "状态编码",
    "编码",
    "code",
    "value",
    "status code",
    "state code",
    "status",
    "state",
    "状态",
];
const NAME_HEADERS: &[&str] = &[
    "状态名称",
    "状态名",
    "名称",
    "中文名",
    "含义",
    "name",
    "label",
    "display name",
    "meaning",
];

/// Texts in a "from" cell that mean "no state yet": the row gives the initial state.
const START_MARKERS: &[&str] = &[
    "", "-", "—", "–", "/", "[*]", "无", "开始", "初始", "新建", "start", "none", "(none)", "n/a",
];

/// Finds the state machines in `doc` and attaches each to the entity enum field it governs.
pub fn extract(doc: &Document, entities: &mut [Entity], diags: &mut Vec<Diagnostic>) {
    adopt_declared(&enum_decls::collect(doc), entities, diags);
    adopt_listed(entities, diags);
    let candidates = collect(doc);
    let aliases: Vec<Vec<String>> = entities.iter().map(entity_aliases).collect();
    for cand in candidates {
        let hinted = hinted_entity(&cand, entities, &aliases);
        attach(cand, hinted, entities, diags);
    }
    for e in entities.iter_mut() {
        if let Some(sm) = e.state_machine.as_mut() {
            let name = e.name.clone();
            check_actions(&name, sm, diags);
        }
    }
    warn_missing(entities, diags);
}

/// Every candidate machine in document order.
fn collect(doc: &Document) -> Vec<Candidate> {
    let mut out = Vec::new();
    let roles = section_roles(doc);
    for (si, sec) in doc.sections.iter().enumerate() {
        let ancestry = doc.ancestry(si);
        if ancestry.iter().any(|s| s.struck) {
            continue;
        }
        let role = roles[si];
        if role == Role::OutOfScope {
            continue;
        }
        let in_states = role == Role::States;
        let titles: Vec<String> = ancestry.iter().map(|s| s.title.clone()).collect();
        // State tables give labels and the initial state to every machine of the section.
        let mut aliases = Vec::new();
        let mut table_initial = None;
        for b in &sec.blocks {
            if let Block::Table(t) = b {
                state_table(t, &mut aliases, &mut table_initial);
            }
        }
        let mut prev_line: Option<String> = None;
        for b in &sec.blocks {
            let mut cand = Candidate {
                explicit: in_states,
                ..Candidate::default()
            };
            match b {
                Block::Paragraph(lines) => {
                    for l in lines.iter().filter(|l| !l.struck) {
                        if let Some(ts) = arrow_line(&l.text, l.pos.line, l.pos.col) {
                            push_all(&mut cand, ts);
                        } else if let Some(c) =
                            labelled_arrows(&l.text, l.pos.line, l.pos.col, &titles)
                        {
                            out.push(c);
                        } else {
                            out.extend(prose_candidates(&l.text, l.pos.line, l.pos.col, &titles));
                        }
                    }
                }
                Block::List(items) => {
                    for it in items.iter().filter(|i| !i.struck) {
                        if let Some(ts) = arrow_line(&it.text, it.pos.line, it.pos.col) {
                            push_all(&mut cand, ts);
                        } else if let Some(c) =
                            labelled_arrows(&it.text, it.pos.line, it.pos.col, &titles)
                        {
                            out.push(c);
                        } else {
                            out.extend(prose_candidates(
                                &it.text,
                                it.pos.line,
                                it.pos.col,
                                &titles,
                            ));
                        }
                    }
                }
                Block::Code(code) => {
                    let first = code
                        .lines
                        .iter()
                        .map(|l| l.text.trim())
                        .find(|t| !t.is_empty())
                        .unwrap_or("");
                    if code.lang == "mermaid" {
                        let kind = first.to_ascii_lowercase();
                        if kind.starts_with("statediagram") {
                            cand.explicit = true;
                            mermaid_state(code, &mut cand);
                        } else if (kind.starts_with("flowchart") || kind.starts_with("graph"))
                            && in_states
                        {
                            mermaid_flow(code, &mut cand);
                        }
                    } else if !matches!(code.lang.as_str(), "sql" | "json" | "yaml" | "ts") {
                        for l in code.lines.iter().filter(|l| !is_signature(&l.text)) {
                            let t = l.text.replace('`', "");
                            if let Some(ts) = arrow_line(&t, l.pos.line, 1) {
                                push_all(&mut cand, ts);
                            }
                        }
                    }
                }
                Block::Table(t) => {
                    if transition_table(t, &mut cand) {
                        cand.explicit = true;
                    }
                }
            }
            if !cand.transitions.is_empty() || cand.initial.is_some() {
                cand.line = cand
                    .transitions
                    .first()
                    .map(|t| t.line)
                    .unwrap_or_else(|| block_line(b));
                cand.aliases.extend(aliases.iter().cloned());
                if cand.initial.is_none() {
                    cand.initial = table_initial.clone();
                }
                if let Some(p) = &prev_line {
                    cand.hints.push(p.clone());
                }
                cand.hints.extend(titles.iter().cloned());
                if !cand.transitions.is_empty() {
                    out.push(cand);
                }
            }
            prev_line = match b {
                Block::Paragraph(lines) => lines.last().map(|l| l.text.clone()),
                _ => None,
            };
        }
    }
    out
}

/// One candidate per transition a sentence states; its hints are the words before the
/// status phrase, the sentence, then the headings.
fn prose_candidates(text: &str, line: u32, col: u32, titles: &[String]) -> Vec<Candidate> {
    states_prose::transitions(text)
        .into_iter()
        .map(|p| {
            let mut hints = vec![p.subject.clone(), text.to_string()];
            hints.extend(titles.iter().cloned());
            Candidate {
                transitions: vec![RawTransition {
                    from: p.from,
                    to: p.to,
                    event: p.event,
                    line,
                    col,
                }],
                hints,
                line,
                prose: true,
                ..Candidate::default()
            }
        })
        .collect()
}

/// `状态：待支付 → 已支付 → 已完成`, `**Booking statuses** — pending → approved | rejected`:
/// arrows after a label that says they are states; the label names the entity.
fn labelled_arrows(text: &str, line: u32, col: u32, titles: &[String]) -> Option<Candidate> {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:\d+[.)]\s*)?([^:：—–]{0,30}?(?:状态|status(?:es)?|states?|lifecycle|流转|生命周期)[^:：—–]{0,12}?)\s*(?:[:：]|—|–|\s-\s)\s*(.+)$")
            .expect("label regex")
    });
    let c = LABEL.captures(text)?;
    let (label, rest) = (c.get(1)?.as_str().trim(), c.get(2)?.as_str());
    let ts = arrow_line(rest, line, col)?;
    let mut cand = Candidate {
        explicit: true,
        line,
        ..Candidate::default()
    };
    push_all(&mut cand, ts);
    if cand.transitions.is_empty() {
        return None;
    }
    cand.hints.push(label.to_string());
    cand.hints.extend(titles.iter().cloned());
    Some(cand)
}

/// `getStats(tenantId) -> Stats`: a function signature, not a transition.
fn is_signature(text: &str) -> bool {
    static SIG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*[a-z]\w*[A-Z]\w*\s*\([A-Za-z0-9_,\s?:<>\[\]]*\)\s*(?:->|=>|:)")
            .expect("signature regex")
    });
    SIG.is_match(text)
}

fn block_line(b: &Block) -> u32 {
    match b {
        Block::Paragraph(l) => l.first().map(|l| l.pos.line).unwrap_or(0),
        Block::List(i) => i.first().map(|i| i.pos.line).unwrap_or(0),
        Block::Table(t) => t.pos.line,
        Block::Code(c) => c.pos.line,
    }
}

fn push_all(cand: &mut Candidate, ts: Vec<RawTransition>) {
    for t in ts {
        if t.from == "[*]" {
            if cand.initial.is_none() && t.to != "[*]" {
                cand.initial = Some(t.to);
            }
        } else if t.to != "[*]" {
            cand.transitions.push(t);
        }
    }
}

/// Parses one arrow line (`a -> b : ev`, `a --ev--> b`, `a --[ev]--> b`, `a → b (ev)`,
/// chains `a → b → c`, several sources `a, b -> c`). `None` when the line is not one.
fn arrow_line(text: &str, line: u32, col: u32) -> Option<Vec<RawTransition>> {
    let folded = fold(text);
    let t = LEADING_MARKER.replace(folded.trim(), "");
    let t = t.trim();
    if !ARROW.is_match(t) {
        return None;
    }
    // Segments between arrows, and the event written inside each arrow.
    let mut segs: Vec<&str> = Vec::new();
    let mut arrow_events: Vec<String> = Vec::new();
    let mut last = 0;
    for caps in ARROW.captures_iter(t) {
        let m = caps.get(0)?;
        segs.push(t.get(last..m.start())?);
        let ev = caps
            .get(1)
            .or_else(|| caps.get(2))
            .map(|e| e.as_str().trim().to_string())
            .unwrap_or_default();
        arrow_events.push(ev);
        last = m.end();
    }
    let tail = t.get(last..)?.trim();
    // First segment: one or more sources.
    let first = segs.first()?.trim();
    let mut sources = Vec::new();
    for s in first.split([',', '/', '|']) {
        let s = s.trim();
        let c = STATE_LABEL.captures(s)?;
        sources.push(c.get(1)?.as_str().to_string());
    }
    // Middle segments: single states.
    let mut chain = vec![sources];
    for s in segs.iter().skip(1) {
        let c = STATE_LABEL.captures(s.trim())?;
        chain.push(vec![c.get(1)?.as_str().to_string()]);
    }
    // `approved | rejected (+ cancelled later)`: several targets, a trailing note dropped.
    let tail = tail.split("(+").next().unwrap_or(tail).trim();
    let tail_event = if tail.contains(['|', '/']) {
        let mut targets = Vec::new();
        for part in tail.split(['|', '/']) {
            let c = STATE_LABEL.captures(part.trim())?;
            targets.push(c.get(1)?.as_str().to_string());
        }
        chain.push(targets);
        String::new()
    } else {
        let lc = LAST.captures(tail)?;
        let target = lc.get(1)?.as_str().to_string();
        let paren = lc.get(2).map(|m| m.as_str().trim().to_string());
        let colon = lc.get(3).map(|m| m.as_str().trim().to_string());
        chain.push(vec![target]);
        colon
            .filter(|c| !c.is_empty())
            .or(paren)
            .unwrap_or_default()
    };
    if chain.iter().flatten().any(|s| !STATE_RE.is_match(s)) {
        return None;
    }
    let n = arrow_events.len();
    let mut out = Vec::new();
    for (i, ev) in arrow_events.iter().enumerate() {
        let event = if ev.is_empty() && i + 1 == n {
            tail_event.clone()
        } else {
            ev.clone()
        };
        let (Some(froms), Some(tos)) = (chain.get(i), chain.get(i + 1)) else {
            continue;
        };
        for f in froms {
            for to in tos {
                out.push(RawTransition {
                    from: f.clone(),
                    to: to.clone(),
                    event: event.clone(),
                    line,
                    col,
                });
            }
        }
    }
    Some(out)
}

fn mermaid_state(code: &crate::prd::Code, cand: &mut Candidate) {
    for l in &code.lines {
        let t = l.text.trim();
        if t.is_empty()
            || t.starts_with("%%")
            || t.starts_with("note")
            || t.starts_with("direction")
        {
            continue;
        }
        if let Some(c) = MERMAID_ALIAS.captures(t) {
            if let (Some(label), Some(id)) = (c.get(1), c.get(2)) {
                cand.aliases
                    .push((label.as_str().to_string(), id.as_str().to_string()));
            }
            continue;
        }
        if let Some(ts) = arrow_line(t, l.pos.line, 1) {
            push_all(cand, ts);
        } else if let Some((id, label)) = t.split_once(':') {
            // `pending : 待支付` describes a state.
            let (id, label) = (id.trim(), label.trim());
            if STATE_RE.is_match(id) && !label.is_empty() {
                cand.aliases.push((label.to_string(), id.to_string()));
            }
        }
    }
}

/// A linear mermaid flowchart in a state section: `A[待支付] -->|支付| B[已支付]`.
fn mermaid_flow(code: &crate::prd::Code, cand: &mut Candidate) {
    static EDGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.+?)\s*-{2,}>\s*(?:\|([^|]*)\|)?\s*(.+)$").expect("edge regex")
    });
    let node = |s: &str, cand: &mut Candidate| -> Option<String> {
        let c = MERMAID_NODE.captures(s.trim())?;
        let id = c.get(1)?.as_str().to_string();
        if let Some(label) = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)) {
            let label = label.as_str().trim_matches('"').trim();
            if !label.is_empty() {
                cand.aliases.push((id.clone(), label.to_string()));
            }
        }
        Some(id)
    };
    let mut edges = Vec::new();
    for l in &code.lines {
        let t = l.text.trim().trim_end_matches(';');
        let Some(c) = EDGE.captures(t) else { continue };
        let (Some(a), Some(b)) = (c.get(1), c.get(3)) else {
            continue;
        };
        let ev = c.get(2).map(|m| m.as_str().trim().to_string());
        let (Some(a), Some(b)) = (node(a.as_str(), cand), node(b.as_str(), cand)) else {
            continue;
        };
        edges.push((a, b, ev.unwrap_or_default(), l.pos.line));
    }
    // Node ids are placeholders (`A`, `B`): use the node label as the state when given.
    let resolve = |id: &str, cand: &Candidate| -> String {
        cand.aliases
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut ts = Vec::new();
    for (a, b, ev, line) in edges {
        ts.push(RawTransition {
            from: resolve(&a, cand),
            to: resolve(&b, cand),
            event: ev,
            line,
            col: 1,
        });
    }
    cand.aliases.clear();
    push_all(cand, ts);
}

/// Normalised header text for matching.
fn header(s: &str) -> String {
    fold(s).trim().to_lowercase()
}

fn header_is(h: &str, marks: &[&str]) -> bool {
    marks.iter().any(|m| {
        if m.is_ascii() {
            h == *m
                || h.split(['/', '(', ' ']).next() == Some(m)
                || h.split('/').any(|p| p.trim() == *m)
        } else {
            h.contains(m)
        }
    })
}

/// A `当前状态 | 事件 | 目标状态` table; returns whether `t` was one.
fn transition_table(t: &Table, cand: &mut Candidate) -> bool {
    let hs: Vec<String> = t.header.iter().map(|c| header(&c.text)).collect();
    let Some(fi) = hs.iter().position(|h| header_is(h, FROM_HEADERS)) else {
        return false;
    };
    let Some(ti) = hs
        .iter()
        .enumerate()
        .position(|(i, h)| i != fi && header_is(h, TO_HEADERS))
    else {
        return false;
    };
    let ei = hs
        .iter()
        .enumerate()
        .position(|(i, h)| i != fi && i != ti && header_is(h, EVENT_HEADERS));
    for row in t.rows.iter().filter(|r| !r.struck) {
        let cell = |i: usize| row.cells.get(i).map(|c| fold(&c.text)).unwrap_or_default();
        let from = cell(fi);
        let to = cell(ti);
        let to = to.trim();
        if to.is_empty() {
            continue;
        }
        let event = ei.map(cell).unwrap_or_default();
        let col = row.cells.get(fi).map(|c| c.pos.col).unwrap_or(1);
        let from_t = from.trim();
        // `Any other | Any | REJECTED`: a rule about the table, not a transition.
        if is_wildcard(from_t) || is_wildcard(to) {
            continue;
        }
        if START_MARKERS.contains(&from_t.to_lowercase().as_str()) {
            if cand.initial.is_none() {
                cand.initial = Some(to.to_string());
            }
            continue;
        }
        for f in from_t
            .split([',', '/', '|'])
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            for to in to
                .split([',', '/', '|'])
                .map(str::trim)
                .filter(|f| !f.is_empty())
            {
                cand.transitions.push(RawTransition {
                    from: strip_label(f),
                    to: strip_label(to),
                    event: event.trim().to_string(),
                    line: row.pos.line,
                    col,
                });
            }
        }
    }
    true
}

/// `Any`, `*`, `其他`: a cell standing for every state.
fn is_wildcard(cell: &str) -> bool {
    let c = cell.trim().to_lowercase();
    matches!(
        c.as_str(),
        "*" | "any"
            | "all"
            | "any other"
            | "any state"
            | "other"
            | "others"
            | "其他"
            | "其它"
            | "任意"
            | "任意状态"
            | "其他状态"
            | "所有状态"
    ) || c.starts_with("any ")
}

/// `pending(待支付)` in a table cell → `pending`.
fn strip_label(s: &str) -> String {
    match STATE_LABEL.captures(s) {
        Some(c) => c.get(1).map(|m| m.as_str().to_string()).unwrap_or_default(),
        None => s.to_string(),
    }
}

/// A `状态码 | 状态名称 | 说明` table: value ↔ label pairs, and an initial state when a row
/// says so (`初始状态`, `initial`).
fn state_table(t: &Table, aliases: &mut Vec<(String, String)>, initial: &mut Option<String>) {
    let hs: Vec<String> = t.header.iter().map(|c| header(&c.text)).collect();
    if hs.iter().any(|h| header_is(h, FROM_HEADERS)) {
        return;
    }
    let Some(ci) = hs.iter().position(|h| header_is(h, CODE_HEADERS)) else {
        return;
    };
    let Some(ni) = hs
        .iter()
        .enumerate()
        .position(|(i, h)| i != ci && header_is(h, NAME_HEADERS))
    else {
        return;
    };
    for row in t.rows.iter().filter(|r| !r.struck) {
        let get = |i: usize| row.cells.get(i).map(|c| c.text.trim().to_string());
        let (Some(code), Some(name)) = (get(ci), get(ni)) else {
            continue;
        };
        if code.is_empty() || name.is_empty() {
            continue;
        }
        let rest: String = row
            .cells
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ci && *i != ni)
            .map(|(_, c)| c.text.to_lowercase())
            .collect();
        if initial.is_none()
            && (rest.contains("初始") || rest.contains("initial") || rest.contains("起始"))
        {
            *initial = Some(code.clone());
        }
        aliases.push((name, code));
    }
}

/// The enum value a written state stands for, in `values`.
fn map_state(tok: &str, values: &[EnumValue], aliases: &[(String, String)]) -> Option<String> {
    let direct = |t: &str| -> Option<String> {
        let t = t.trim();
        values
            .iter()
            .find(|v| v.value.eq_ignore_ascii_case(t) || (!v.label.is_empty() && v.label == t))
            .or_else(|| {
                if t.is_ascii() {
                    let s = names::snake(t);
                    values.iter().find(|v| {
                        v.value == s || (!is_snake(&v.value) && names::snake(&v.value) == s)
                    })
                } else {
                    None
                }
            })
            .map(|v| v.value.clone())
    };
    direct(tok).or_else(|| {
        aliases
            .iter()
            .filter(|(label, value)| label == tok.trim() || value == tok.trim())
            .find_map(|(label, value)| direct(value).or_else(|| direct(label)))
    })
}

fn is_snake(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_status_field(name: &str, label: &str) -> bool {
    name == "status"
        || name == "state"
        || name.ends_with("_status")
        || name.ends_with("_state")
        || label.contains("状态")
}

/// The ASCII words (` order item `, ` orderitem `, ` order_items `…) and Chinese labels
/// (`借阅记录`, `借阅`) that name an entity in a heading.
fn entity_aliases(e: &Entity) -> Vec<String> {
    let snake = names::snake(&e.name);
    let mut out: Vec<String> = [
        snake.clone(),
        snake.replace('_', " "),
        snake.replace('_', ""),
        e.table.clone(),
        names::plural(&snake).replace('_', " "),
    ]
    .into_iter()
    .filter(|w| !w.is_empty())
    .map(|w| format!(" {w} "))
    .collect();
    // `AP` for AccountPayable: design documents abbreviate long names.
    let initials: String = snake.split('_').filter_map(|w| w.chars().next()).collect();
    if initials.len() >= 2 && snake.contains('_') {
        out.push(format!(" {initials} "));
    }
    let label = e.label.trim();
    if !label.is_empty() && !label.is_ascii() {
        out.push(label.to_string());
        if let Some(core) = ["记录", "信息", "表", "单", "实体"]
            .iter()
            .find_map(|s| label.strip_suffix(s))
            .filter(|c| c.chars().count() >= 2)
        {
            out.push(core.to_string());
        }
    }
    out
}

/// A hint prepared once for matching against every entity's aliases: folded and
/// lower-cased, and that again with every non-word character a space, padded.
struct Hint {
    lower: String,
    padded: String,
}

impl Hint {
    fn new(hint: &str) -> Self {
        let lower = fold(hint).to_lowercase();
        let padded: String = format!(
            " {} ",
            lower
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    ' '
                })
                .collect::<String>()
        );
        Hint { lower, padded }
    }

    /// How strongly the hint names an entity with `aliases` (0 = not at all; longer is
    /// stronger).
    fn names_entity(&self, aliases: &[String]) -> usize {
        aliases
            .iter()
            .filter(|a| {
                if a.starts_with(' ') {
                    self.padded.contains(a.as_str())
                } else {
                    self.lower.contains(a.as_str())
                }
            })
            .map(|a| a.trim().len())
            .max()
            .unwrap_or(0)
    }
}

/// The entity a candidate's hints name, if any (first hint that names one wins).
fn hinted_entity(cand: &Candidate, entities: &[Entity], aliases: &[Vec<String>]) -> Option<usize> {
    for h in &cand.hints {
        let hint = Hint::new(h);
        let best = entities
            .iter()
            .enumerate()
            .map(|(i, _)| (hint.names_entity(&aliases[i]), i))
            .filter(|(s, _)| *s > 0)
            .max_by_key(|(s, i)| (*s, usize::MAX - i));
        if let Some((_, i)) = best {
            return Some(i);
        }
    }
    None
}

fn attach(
    cand: Candidate,
    hinted: Option<usize>,
    entities: &mut [Entity],
    diags: &mut Vec<Diagnostic>,
) {
    let states: BTreeSet<&str> = cand
        .transitions
        .iter()
        .flat_map(|t| [t.from.as_str(), t.to.as_str()])
        .filter(|s| !s.is_empty())
        .collect();
    // (entity, field) pairs whose enum holds every state.
    let mut full = Vec::new();
    for (ei, e) in entities.iter().enumerate() {
        for (fi, f) in e.fields.iter().enumerate() {
            if f.ty != FieldType::Enum || f.enum_values.is_empty() {
                continue;
            }
            if states
                .iter()
                .all(|s| map_state(s, &f.enum_values, &cand.aliases).is_some())
            {
                full.push((ei, fi));
            }
        }
    }
    let status_first = |pairs: &mut Vec<(usize, usize)>, entities: &[Entity]| {
        pairs.sort_by_key(|(ei, fi)| {
            let f = &entities[*ei].fields[*fi];
            (
                Some(*ei) != hinted,
                !is_status_field(&f.name, &f.label),
                f.enum_values.len(),
                *ei,
                *fi,
            )
        });
    };
    status_first(&mut full, entities);
    let chosen = match full.first() {
        Some(&(ei, fi)) => {
            let tied: Vec<String> = full
                .iter()
                .skip(1)
                .filter(|(e2, _)| Some(*e2) != hinted || hinted.is_none())
                .filter(|(e2, f2)| {
                    let f = &entities[*e2].fields[*f2];
                    Some(ei) != hinted && is_status_field(&f.name, &f.label)
                })
                .map(|(e2, f2)| {
                    format!("{}.{}", entities[*e2].name, entities[*e2].fields[*f2].name)
                })
                .collect();
            if !tied.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        "W305",
                        cand.line,
                        1,
                        Text::new(
                            format!(
                                "state machine matches several fields; attached to {}.{} (also: {})",
                                entities[ei].name,
                                entities[ei].fields[fi].name,
                                tied.join(", ")
                            ),
                            format!(
                                "状态机可匹配多个字段，已挂到 {}.{}（其他：{}）",
                                entities[ei].name,
                                entities[ei].fields[fi].name,
                                tied.join("、")
                            ),
                        ),
                    )
                    .with_help(Text::new(
                        "name the entity in the heading, e.g. \"### Order lifecycle\"",
                        "在标题中写明实体，例如 \"### 订单状态流转\"",
                    )),
                );
            }
            (ei, fi)
        }
        None => {
            if promote(&cand, &states, hinted, entities, diags) {
                attach(cand, hinted, entities, diags);
            } else if !cand.prose {
                report_unmatched(&cand, &states, hinted, entities, diags);
            }
            return;
        }
    };
    let (ei, fi) = chosen;
    let field = &entities[ei].fields[fi];
    let values = field.enum_values.clone();
    let field_name = field.name.clone();
    let default = field.default.clone();
    // A sentence that does not name the source starts from the initial state.
    let assumed_from = entities[ei]
        .state_machine
        .as_ref()
        .filter(|sm| sm.field == field_name)
        .map(|sm| sm.initial.clone())
        .or_else(|| {
            default
                .as_deref()
                .and_then(|d| map_state(d, &values, &cand.aliases))
        });
    let mut transitions = Vec::new();
    for rt in &cand.transitions {
        let from = if rt.from.is_empty() {
            assumed_from.clone()
        } else {
            map_state(&rt.from, &values, &cand.aliases)
        };
        let (Some(from), Some(to)) = (from, map_state(&rt.to, &values, &cand.aliases)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let to_label = values
            .iter()
            .find(|v| v.value == to)
            .map(|v| v.label.clone())
            .unwrap_or_default();
        let (action, label, derived) = action_for(&rt.event, &to, &to_label, &rt.to);
        let known = entities[ei].state_machine.as_ref().is_some_and(|sm| {
            sm.field == field_name
                && sm
                    .transitions
                    .iter()
                    .any(|x| x.from == from && x.to == to && x.action == action)
        });
        if known {
            continue;
        }
        if cand.prose {
            diags.push(prose_warning(rt, &from, &to, &action, &entities[ei].name));
        } else if derived {
            diags.push(derived_warning(rt, &from, &to, &action));
        }
        let t = Transition {
            from,
            to,
            action,
            label,
            line: rt.line,
        };
        if !transitions
            .iter()
            .any(|x: &Transition| x.from == t.from && x.to == t.to && x.action == t.action)
        {
            transitions.push(t);
        }
    }
    let initial = cand
        .initial
        .as_deref()
        .and_then(|i| map_state(i, &values, &cand.aliases))
        .or_else(|| {
            default
                .as_deref()
                .and_then(|d| map_state(d, &values, &cand.aliases))
        })
        .or_else(|| transitions.first().map(|t| t.from.clone()))
        .unwrap_or_default();
    let entity = &mut entities[ei];
    match entity.state_machine.as_mut() {
        Some(sm) if sm.field == field_name => {
            for t in transitions {
                if !sm
                    .transitions
                    .iter()
                    .any(|x| x.from == t.from && x.to == t.to && x.action == t.action)
                {
                    sm.transitions.push(t);
                }
            }
        }
        Some(sm) => {
            diags.push(
                Diagnostic::warning(
                    "W304",
                    cand.line,
                    1,
                    Text::new(
                        format!(
                            "{} already has a state machine on `{}`; this one (on `{}`) is ignored",
                            entity.name, sm.field, field_name
                        ),
                        format!(
                            "{} 已有状态机（字段 `{}`），此处的状态机（字段 `{}`）被忽略",
                            entity.name, sm.field, field_name
                        ),
                    ),
                )
                .with_help(Text::new(
                    "an entity has one lifecycle; merge the transitions into one machine",
                    "一个实体只有一个生命周期；请合并为一个状态机",
                )),
            );
        }
        None => {
            entity.state_machine = Some(StateMachine {
                field: field_name,
                initial,
                transitions,
                line: cand.line,
            });
        }
    }
}

fn report_unmatched(
    cand: &Candidate,
    states: &BTreeSet<&str>,
    hinted: Option<usize>,
    entities: &[Entity],
    diags: &mut Vec<Diagnostic>,
) {
    // The heading names an entity with a status enum: the states that are not its values
    // are errors (a typo, or a state missing from the enum).
    if let Some(ei) = hinted {
        let e = &entities[ei];
        if let Some(f) = e
            .fields
            .iter()
            .find(|f| f.ty == FieldType::Enum && is_status_field(&f.name, &f.label))
        {
            let values: Vec<&str> = f.enum_values.iter().map(|v| v.value.as_str()).collect();
            for s in states {
                if map_state(s, &f.enum_values, &cand.aliases).is_some() {
                    continue;
                }
                let line = cand
                    .transitions
                    .iter()
                    .find(|t| t.from == *s || t.to == *s)
                    .map(|t| (t.line, t.col))
                    .unwrap_or((cand.line, 1));
                let (shown_en, shown_zh) = if values.is_empty() {
                    ("it has no values".to_string(), "它没有取值".to_string())
                } else {
                    (values.join(", "), values.join("、"))
                };
                diags.push(
                    Diagnostic::warning(
                        "W306",
                        line.0,
                        line.1,
                        Text::new(
                            format!(
                                "state \"{s}\" is not a value of {}.{} ({shown_en}); this state machine is not attached",
                                e.name,
                                f.name,
                            ),
                            format!(
                                "状态 \"{s}\" 不是 {}.{} 的取值（{shown_zh}），该状态机未被采用",
                                e.name,
                                f.name,
                            ),
                        ),
                    )
                    .with_help(Text::new(
                        format!(
                            "add \"{s}\" to the enum of {}.{}, or fix the spelling",
                            e.name, f.name
                        ),
                        format!("在 {}.{} 的枚举中加入 \"{s}\"，或修正拼写", e.name, f.name),
                    )),
                );
            }
            return;
        }
    }
    if !cand.explicit && cand.transitions.iter().all(|t| t.event.is_empty()) {
        // Arrows in prose outside a state section (`浏览 → 下单 → 支付`) describe a flow,
        // not a lifecycle.
        return;
    }
    let list: Vec<&str> = states.iter().copied().collect();
    diags.push(
        Diagnostic::warning(
            "W302",
            cand.line,
            1,
            Text::new(
                format!(
                    "state machine ({}) matches no entity enum field; ignored",
                    list.join(", ")
                ),
                format!("状态机（{}）没有匹配到任何实体的枚举字段，已忽略", list.join("、")),
            ),
        )
        .with_help(Text::new(
            "give the entity a `status` enum with these values, e.g. `status | enum(pending, paid)`, or write labels such as `pending(待支付)`",
            "请为实体添加取值相同的 `status` 枚举字段，例如 `status | 枚举(pending/paid)`，或写明 `pending(待支付)` 这样的标签",
        )),
    );
}

/// (action, label as written, derived?) for a transition's event.
fn action_for(event: &str, to: &str, to_label: &str, to_written: &str) -> (String, String, bool) {
    let ev = event
        .trim()
        .trim_matches(|c: char| c == '"' || c == '\'' || c == '`')
        .trim();
    if !ev.is_empty() {
        if let Some(a) = event_action(ev) {
            let label = if a == ev {
                String::new()
            } else {
                ev.to_string()
            };
            return (a, label, false);
        }
    }
    let label = ev.to_string();
    let derived = lexicon::zh_action(to_label)
        .or_else(|| lexicon::zh_action(to_written))
        .map(str::to_string)
        .or_else(|| lexicon::en_participle(to).map(str::to_string))
        .unwrap_or_else(|| format!("to_{}", names::snake(to)));
    (ident(&derived), label, true)
}

/// ASCII action for an event as written: `(pay)` inside, ASCII text → snake_case (short
/// phrases whole, longer ones cut to their verb), Chinese → the verb lexicon.
fn event_action(ev: &str) -> Option<String> {
    let folded = fold(ev);
    if let Some(c) = PAREN_ASCII.captures(&folded) {
        if !folded.is_ascii() {
            return c.get(1).map(|m| ident(m.as_str()));
        }
    }
    if folded.is_ascii() {
        let ws = names::words(&folded);
        if ws.is_empty() {
            return None;
        }
        if ws.len() <= 3 {
            return Some(ident(&ws.join("_")));
        }
        if let Some(a) = passive_verb(&ws) {
            return Some(a);
        }
        let two = format!("{} {}", ws[0], ws.get(1).map(String::as_str).unwrap_or(""));
        if let Some((_, a)) = lexicon::EN_COMMAND_VERBS.iter().find(|(v, _)| *v == two) {
            return Some(a.to_string());
        }
        return Some(ident(&ws[..3].join("_")));
    }
    lexicon::zh_action(&folded).map(str::to_string)
}

/// `Account can be deactivated` → `deactivate`: the participle after `be`/`is`/`gets`, as
/// the lexicon's action when it knows the verb, else its stem.
fn passive_verb(ws: &[String]) -> Option<String> {
    let i = ws
        .iter()
        .position(|w| matches!(w.as_str(), "be" | "is" | "are" | "was" | "get" | "gets"))?;
    let w = ws.get(i + 1)?.as_str();
    let stem = w.strip_suffix("ed")?;
    for (verb, action) in lexicon::EN_COMMAND_VERBS
        .iter()
        .filter(|(v, _)| !v.contains(' '))
    {
        let doubled = verb.chars().last().map(|c| format!("{verb}{c}"));
        if stem == *verb || format!("{stem}e") == *verb || doubled.as_deref() == Some(stem) {
            return Some(action.to_string());
        }
    }
    // `reactivated` → `reactivate`: verbs ending in -ate/-ive/-ure/-ose keep their `e`.
    let keeps_e = ["at", "iv", "ur", "os", "ov", "iz", "is"]
        .iter()
        .any(|e| stem.ends_with(e));
    Some(ident(&if keeps_e {
        format!("{stem}e")
    } else {
        stem.to_string()
    }))
}

/// A usable snake_case identifier (never empty, never starting with a digit).
fn ident(s: &str) -> String {
    let s = names::snake(s);
    if s.is_empty() {
        "transition".to_string()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("to_{s}")
    } else {
        s
    }
}

fn derived_warning(rt: &RawTransition, from: &str, to: &str, action: &str) -> Diagnostic {
    let (en, zh) = if rt.event.trim().is_empty() {
        (
            format!("transition {from} → {to} has no event; action named `{action}` after the target state"),
            format!("状态流转 {from} → {to} 没有写事件；按目标状态命名为 `{action}`"),
        )
    } else {
        (
            format!(
                "event \"{}\" ({from} → {to}) is not in the verb lexicon; action named `{action}` after the target state",
                rt.event
            ),
            format!(
                "事件 \"{}\"（{from} → {to}）不在动词词表中；按目标状态命名为 `{action}`",
                rt.event
            ),
        )
    };
    Diagnostic::warning("W303", rt.line, rt.col, Text::new(en, zh)).with_help(Text::new(
        "write the action name next to the event, e.g. `待支付 --支付 (pay)--> 已支付`",
        "在事件后写明英文动作名，例如 `待支付 --支付 (pay)--> 已支付`",
    ))
}

/// W312: a transition read from a sentence (its source assumed when not stated).
fn prose_warning(
    rt: &RawTransition,
    from: &str,
    to: &str,
    action: &str,
    entity: &str,
) -> Diagnostic {
    let (en, zh) = if rt.from.is_empty() {
        (
            format!("transition {entity}: {from} → {to} (`{action}`) read from a sentence; the source state is not stated, the initial state `{from}` is assumed"),
            format!("状态流转 {entity}：{from} → {to}（`{action}`）读取自描述语句；语句未写起始状态，按初始状态 `{from}` 处理"),
        )
    } else {
        (
            format!("transition {entity}: {from} → {to} (`{action}`) read from a sentence"),
            format!("状态流转 {entity}：{from} → {to}（`{action}`）读取自描述语句"),
        )
    };
    Diagnostic::warning("W312", rt.line, rt.col, Text::new(en, zh)).with_help(Text::new(
        "check it, or write the lifecycle as arrows under a state heading: `pending -> paid : pay`",
        "请核对；也可以在状态章节中用箭头写出流转：`待支付 --支付--> 已支付`",
    ))
}

/// A status field the PRD types as a plain string (`varchar`, an unknown type name).
fn untyped_status(f: &Field) -> bool {
    matches!(f.ty, FieldType::String | FieldType::Text)
        && f.enum_values.is_empty()
        && is_status_field(&f.name, &f.label)
}

/// A `type`/`kind`/`role`/`level`/`gender`… field typed as a plain string.
fn untyped_kind(f: &Field) -> bool {
    let n = f.name.as_str();
    matches!(f.ty, FieldType::String | FieldType::Text)
        && f.enum_values.is_empty()
        && [
            "type", "kind", "role", "level", "gender", "category", "priority", "stage",
        ]
        .iter()
        .any(|w| n == *w || n.ends_with(&format!("_{w}")))
}

/// W310: `Order.status varchar` + `enum OrderStatus { … }` declared elsewhere: the field
/// takes the declared values (and labels).
fn adopt_declared(decls: &[EnumDecl], entities: &mut [Entity], diags: &mut Vec<Diagnostic>) {
    if decls.is_empty() {
        return;
    }
    for e in entities.iter_mut() {
        let entity_snake = names::snake(&e.name);
        for f in e
            .fields
            .iter_mut()
            .filter(|f| untyped_status(f) || untyped_kind(f))
        {
            // `OrderStatus` for Order.status; `user_role` for UserProfile.role; `RoleLevel`
            // for role_level.
            let named = |d: &&EnumDecl| {
                let ds = names::snake(&d.name);
                ds == f.name
                    || ds == format!("{entity_snake}_{}", f.name)
                    || ds
                        .strip_suffix(&format!("_{}", f.name))
                        .is_some_and(|head| {
                            !head.is_empty() && entity_snake.split('_').any(|w| w == head)
                        })
            };
            let Some(d) = decls.iter().find(named) else {
                continue;
            };
            let Some(default) = usable(&d.values, f.default.as_deref()) else {
                continue;
            };
            f.ty = FieldType::Enum;
            f.max_length = None;
            f.enum_values = d.values.clone();
            f.default = default;
            diags.push(
                Diagnostic::warning(
                    "W310",
                    f.line,
                    1,
                    Text::new(
                        format!(
                            "{}.{} is typed as a string; its values are taken from enum `{}` (line {})",
                            e.name, f.name, d.name, d.line
                        ),
                        format!(
                            "{}.{} 写成了字符串类型；其取值取自枚举 `{}`（第 {} 行）",
                            e.name, f.name, d.name, d.line
                        ),
                    ),
                )
                .with_help(Text::new(
                    format!("write the field's type as `{}` or list its values next to it", d.name),
                    format!("把字段类型写成 `{}`，或在字段旁列出取值", d.name),
                )),
            );
        }
    }
}

/// Whether `values` can become a field's enum (ASCII identifiers, no repeats) with its
/// `default` among them: `Some(default as a value)`, else `None` (the field stays as written).
fn usable(values: &[EnumValue], default: Option<&str>) -> Option<Option<String>> {
    let ident = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    let distinct: BTreeSet<&str> = values.iter().map(|v| v.value.as_str()).collect();
    if distinct.len() != values.len() || !values.iter().all(|v| ident(&v.value)) {
        return None;
    }
    match default {
        None => Some(None),
        Some(d) => values
            .iter()
            .find(|v| v.value == d || (!v.label.is_empty() && v.label == d))
            .map(|v| Some(v.value.clone())),
    }
}

/// A field whose values a description lists: `sent | failed | retried`,
/// `pending/contacted/booked` (a code comment), and nothing else.
fn listed_values(description: &str) -> Option<Vec<EnumValue>> {
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*[a-z][a-z0-9_-]*(?:\s*[/|,、，;；]\s*[a-z][a-z0-9_-]*)+\s*$")
            .expect("list regex")
    });
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:enum|one of|values?|取值|可选值|枚举)\s*[:：]?\s*")
            .expect("prefix regex")
    });
    // `Enum: 'provider' or 'admin'` → `provider|admin`.
    let d = description
        .replace(['`', '\'', '"'], "")
        .replace("\\|", "|")
        .replace(" or ", "|")
        .replace(" and ", "|")
        .replace('或', "|");
    let d = PREFIX.replace(&d, "").to_string();
    if !LIST.is_match(&d) {
        return None;
    }
    let values: Vec<EnumValue> = d
        .split(['/', '|', ',', '、', '，', ';', '；'])
        .map(|v| EnumValue {
            value: v.trim().to_string(),
            label: String::new(),
        })
        .collect();
    (values.len() >= 2).then_some(values)
}

/// W313: a status, type or role field typed as a string whose description (or code comment)
/// is just a list of values takes them as its enum.
fn adopt_listed(entities: &mut [Entity], diags: &mut Vec<Diagnostic>) {
    for e in entities.iter_mut() {
        for f in e.fields.iter_mut() {
            if !untyped_status(f) && !untyped_kind(f) {
                continue;
            }
            let Some(values) = listed_values(&f.description) else {
                continue;
            };
            let Some(default) = usable(&values, f.default.as_deref()) else {
                continue;
            };
            let shown: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            let shown = shown.join(", ");
            f.ty = FieldType::Enum;
            f.max_length = None;
            f.enum_values = values;
            f.default = default;
            diags.push(
                Diagnostic::warning(
                    "W313",
                    f.line,
                    1,
                    Text::new(
                        format!("{}.{} is typed as a string; its description lists values, read as an enum: {shown}", e.name, f.name),
                        format!("{}.{} 写成了字符串类型；其说明列出了取值，按枚举读取：{shown}", e.name, f.name),
                    ),
                )
                .with_help(Text::new(
                    format!("write the type as `enum({shown})`"),
                    format!("把类型写成 `enum({shown})`"),
                )),
            );
        }
    }
}

/// W311: the heading names an entity whose status field has no values (`status | text |
/// Enum — see below`): the machine's states become them. Only ASCII states (or states the
/// machine maps to ASCII values) can; returns whether the field was changed.
fn promote(
    cand: &Candidate,
    states: &BTreeSet<&str>,
    hinted: Option<usize>,
    entities: &mut [Entity],
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let Some(ei) = hinted else { return false };
    if cand.prose || states.len() < 2 {
        return false;
    }
    let e = &mut entities[ei];
    let Some(f) = e.fields.iter_mut().find(|f| untyped_status(f)) else {
        return false;
    };
    // States in order of appearance, the initial first.
    let mut order: Vec<String> = cand.initial.iter().cloned().collect();
    for t in &cand.transitions {
        for s in [&t.from, &t.to] {
            if !s.is_empty() && !order.contains(s) {
                order.push(s.clone());
            }
        }
    }
    let mut values = Vec::new();
    for s in &order {
        let alias = cand.aliases.iter().find(|(l, v)| l == s || v == s);
        let (value, label) = match alias {
            Some((l, v)) if v.is_ascii() => {
                (v.clone(), if l == v { String::new() } else { l.clone() })
            }
            _ => (s.clone(), String::new()),
        };
        if !STATE_RE.is_match(&value) || !value.is_ascii() {
            return false;
        }
        if !values.iter().any(|x: &EnumValue| x.value == value) {
            values.push(EnumValue { value, label });
        }
    }
    let Some(default) = usable(&values, f.default.as_deref()) else {
        return false;
    };
    f.ty = FieldType::Enum;
    f.max_length = None;
    f.enum_values = values;
    f.default = default;
    let shown: Vec<&str> = f.enum_values.iter().map(|v| v.value.as_str()).collect();
    diags.push(
        Diagnostic::warning(
            "W311",
            f.line,
            1,
            Text::new(
                format!(
                    "{}.{} has no enum values; the states of its state machine (line {}) are used: {}",
                    e.name,
                    f.name,
                    cand.line,
                    shown.join(", ")
                ),
                format!(
                    "{}.{} 没有列出取值；使用其状态机（第 {} 行）中的状态：{}",
                    e.name,
                    f.name,
                    cand.line,
                    shown.join("、")
                ),
            ),
        )
        .with_help(Text::new(
            "list the values with the field, e.g. `status | enum(pending, confirmed)`",
            "在字段处列出取值，例如 `status | 枚举(pending/confirmed)`",
        )),
    );
    true
}

/// E301: one action leading to two different states from the same state.
fn check_actions(entity: &str, sm: &mut StateMachine, diags: &mut Vec<Diagnostic>) {
    let mut dropped: Vec<usize> = Vec::new();
    for (i, a) in sm.transitions.iter().enumerate() {
        if let Some(b) = sm.transitions[..i]
            .iter()
            .find(|b| b.from == a.from && b.action == a.action && b.to != a.to)
        {
            dropped.push(i);
            diags.push(
                Diagnostic::warning(
                    "W307",
                    a.line,
                    1,
                    Text::new(
                        format!(
                            "{entity}: action `{}` from `{}` leads to both `{}` (line {}) and `{}`; the second is ignored",
                            a.action, a.from, b.to, b.line, a.to
                        ),
                        format!(
                            "{entity}：从 `{}` 执行 `{}` 同时到达 `{}`（第 {} 行）和 `{}`，后者已忽略",
                            a.from, a.action, b.to, b.line, a.to
                        ),
                    ),
                )
                .with_help(Text::new(
                    "give the two transitions different events, e.g. `approve` and `reject`",
                    "为两条流转写不同的事件，例如 `审核通过 (approve)` 与 `驳回 (reject)`",
                )),
            );
        }
    }
    for i in dropped.into_iter().rev() {
        sm.transitions.remove(i);
    }
}

/// W301: a status enum with no transitions anywhere.
fn warn_missing(entities: &[Entity], diags: &mut Vec<Diagnostic>) {
    for e in entities {
        for f in &e.fields {
            if f.ty != FieldType::Enum || !is_status_field(&f.name, &f.label) {
                continue;
            }
            if e.state_machine
                .as_ref()
                .is_some_and(|sm| sm.field == f.name)
            {
                continue;
            }
            // W306 already said why its transitions were not attached.
            let key = format!(" of {}.{} (", e.name, f.name);
            if diags
                .iter()
                .any(|d| d.code == "W306" && d.message.en.contains(&key))
            {
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    "W301",
                    f.line,
                    1,
                    Text::new(
                        format!(
                            "{}.{} is a status enum but the PRD gives no transitions; any value can be set directly",
                            e.name, f.name
                        ),
                        format!(
                            "{}.{} 是状态枚举，但文档没有给出状态流转；将允许直接设置任意取值",
                            e.name, f.name
                        ),
                    ),
                )
                .with_help(Text::new(
                    "add transitions under a heading such as \"### Order lifecycle\": `pending -> paid : pay`",
                    "在 \"### 订单状态流转\" 这样的标题下写出流转：`待支付 --支付--> 已支付`",
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::prd;

    fn field(name: &str, values: &[(&str, &str)], default: Option<&str>) -> Field {
        Field {
            name: name.into(),
            label: String::new(),
            ty: FieldType::Enum,
            list: false,
            required: true,
            unique: false,
            default: default.map(str::to_string),
            max_length: None,
            scale: None,
            enum_values: values
                .iter()
                .map(|(v, l)| EnumValue {
                    value: v.to_string(),
                    label: l.to_string(),
                })
                .collect(),
            references: None,
            description: String::new(),
            example: String::new(),
            line: 3,
        }
    }

    fn entity(name: &str, label: &str, fields: Vec<Field>) -> Entity {
        Entity {
            name: name.into(),
            label: label.into(),
            description: String::new(),
            table: names::table(name),
            resource: names::resource(name),
            fields,
            relations: vec![],
            indexes: vec![],
            state_machine: None,
            line: 1,
        }
    }

    fn order() -> Entity {
        entity(
            "Order",
            "订单",
            vec![field(
                "status",
                &[
                    ("pending", "待支付"),
                    ("paid", "已支付"),
                    ("shipped", "已发货"),
                    ("cancelled", "已取消"),
                ],
                Some("pending"),
            )],
        )
    }

    fn run(src: &str, mut es: Vec<Entity>) -> (Vec<Entity>, Vec<Diagnostic>) {
        let doc = prd::parse(src);
        let mut d = vec![];
        extract(&doc, &mut es, &mut d);
        (es, d)
    }

    fn summary(e: &Entity) -> Vec<String> {
        e.state_machine
            .as_ref()
            .map(|sm| {
                sm.transitions
                    .iter()
                    .map(|t| format!("{}-{}->{}", t.from, t.action, t.to))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn arrow_forms() {
        let src = "## Order lifecycle\n\n- pending -> paid : pay\n- pending --cancel--> cancelled\n- paid --[ship]--> shipped\n- paid → cancelled (cancel)\n";
        let (es, d) = run(src, vec![order()]);
        assert_eq!(
            summary(&es[0]),
            [
                "pending-pay->paid",
                "pending-cancel->cancelled",
                "paid-ship->shipped",
                "paid-cancel->cancelled"
            ]
        );
        assert_eq!(
            es[0].state_machine.as_ref().map(|s| s.initial.as_str()),
            Some("pending")
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn chinese_labels_and_lexicon() {
        let src = "### 订单状态流转\n\n待支付 --[支付]--> 已支付\n已支付 --发货--> 已发货\n待支付 → 已取消\n";
        let (es, d) = run(src, vec![order()]);
        assert_eq!(
            summary(&es[0]),
            [
                "pending-pay->paid",
                "paid-ship->shipped",
                "pending-cancel->cancelled"
            ]
        );
        let t = &es[0]
            .state_machine
            .as_ref()
            .map(|s| s.transitions[0].label.clone());
        assert_eq!(t.as_deref(), Some("支付"));
        // the third has no event: a derived name, with a warning
        assert_eq!(d.iter().filter(|d| d.code == "W303").count(), 1);
    }

    #[test]
    fn mermaid_with_initial() {
        let src = "## States\n\n```mermaid\nstateDiagram-v2\n    [*] --> paid\n    pending --> paid : pay\n    paid --> shipped : ship\n    shipped --> [*]\n```\n";
        let (es, d) = run(src, vec![order()]);
        let sm = es[0].state_machine.as_ref().expect("machine");
        assert_eq!(sm.initial, "paid");
        assert_eq!(sm.transitions.len(), 2);
        assert_eq!(sm.transitions[0].line, 6);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn transition_table_with_state_table() {
        let mut loan = entity(
            "Loan",
            "借阅记录",
            vec![field(
                "status",
                &[("borrowed", ""), ("renewed", ""), ("returned", "")],
                None,
            )],
        );
        loan.fields[0].line = 2;
        let src = "## 借阅状态流转\n\n| 状态码 | 状态名称 | 说明 |\n|---|---|---|\n| borrowed | 借出中 | 初始状态 |\n| renewed | 已续借 | |\n| returned | 已归还 | 终态 |\n\n| 当前状态 | 操作 | 目标状态 |\n|---|---|---|\n| 借出中 | 续借 | 已续借 |\n| 借出中, 已续借 | 还书 | 已归还 |\n";
        let (es, d) = run(src, vec![loan]);
        assert_eq!(
            summary(&es[0]),
            [
                "borrowed-renew->renewed",
                "borrowed-return->returned",
                "renewed-return->returned"
            ]
        );
        assert_eq!(
            es[0].state_machine.as_ref().map(|s| s.initial.as_str()),
            Some("borrowed")
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn missing_and_unmatched_and_conflicts() {
        let (_, d) = run("# PRD\n\nNothing here.\n", vec![order()]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "W301");
        let (_, d) = run("## 状态流转\n\n- 草稿 -> 已发布 : 发布\n", vec![order()]);
        assert!(d.iter().any(|d| d.code == "W302"), "{d:?}");
        let (_, d) = run(
            "## Order lifecycle\n\n- pending -> paid : pay\n- pending -> shipped : pay\n",
            vec![order()],
        );
        assert!(d.iter().any(|d| d.code == "W307"), "{d:?}");
        let (_, d) = run(
            "## Order lifecycle\n\n- pending -> payed : pay\n",
            vec![order()],
        );
        assert!(d.iter().any(|d| d.code == "W306" && d.line == 3), "{d:?}");
        // prose flows outside state sections are not machines
        let (_, d) = run("## 业务流程\n\n浏览 → 下单 → 结算\n", vec![]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn value_lists_in_descriptions() {
        let v =
            |d: &str| listed_values(d).map(|v| v.into_iter().map(|e| e.value).collect::<Vec<_>>());
        assert_eq!(
            v("draft、published"),
            Some(vec!["draft".into(), "published".into()])
        );
        assert_eq!(v("Enum: 'provider' or 'admin'").map(|x| x.len()), Some(2));
        assert_eq!(
            v("`sent` \\| `failed` \\| `retried`").map(|x| x.len()),
            Some(3)
        );
        assert_eq!(v("pending/contacted/no_show").map(|x| x.len()), Some(3));
        assert_eq!(v("Enum — see below"), None);
        assert_eq!(v("the order status"), None);
    }

    #[test]
    fn prose_is_not_a_transition() {
        assert!(arrow_line("the user clicks -> then leaves", 1, 1).is_none());
        assert!(arrow_line("a -> b : pay", 1, 1).is_some());
        assert_eq!(
            arrow_line("a, b -> c : cancel", 1, 1).map(|v| v.len()),
            Some(2)
        );
        assert_eq!(arrow_line("a → b → c", 1, 1).map(|v| v.len()), Some(2));
        assert!(arrow_line("\u{0}->\u{0}", 1, 1).is_none());
    }
}
