//! Business rules the generator cannot turn into a field constraint (`不能重叠预约`, "the end
//! must be after the start", "a reader may borrow at most 5 books", "unpaid fines block
//! borrowing"): recorded in the model with their line so that none is dropped without a
//! trace. The generated README lists them as rules to write, with the file where each belongs.
//!
//! A line is a rule when it sits in a rules section (`## Business Rules`, `### 校验规则`), or
//! when it states a constraint (a modal such as "must not", "at most", 不能, 最多) about an
//! entity of the model. Sections about NFRs or out-of-scope work are not read.

use crate::extract::headings::clean_label;
use crate::extract::roles::{role, Role};
use crate::model::{Entity, Rule};
use crate::prd::{Block, Document};

/// Heading words of a section that lists rules.
const RULE_SECTIONS: &[&str] = &[
    "business rule",
    "validation rule",
    "domain rule",
    "invariant",
    "rules",
    "业务规则",
    "校验规则",
    "验证规则",
    "规则",
    "约束条件",
    "业务约束",
    "不变量",
];

/// Words that make a sentence a constraint.
const MODALS_EN: &[&str] = &[
    "must not",
    "mustn't",
    "cannot",
    "can not",
    "can't",
    "may not",
    "at most",
    "at least",
    "no more than",
    "not more than",
    "no less than",
    "only if",
    "only when",
    "not allowed",
    "is blocked",
    "are blocked",
    "blocks",
    "must not exceed",
    "cannot exceed",
    "overlap",
];

const MODALS_ZH: &[&str] = &[
    "不能",
    "不可",
    "不得",
    "不允许",
    "禁止",
    "必须",
    "至多",
    "最多",
    "至少",
    "不超过",
    "不少于",
    "只能",
    "才能",
    "才可",
    "重叠",
    "冲突",
    "超过",
    "上限",
    "下限",
];

fn is_rules_heading(title: &str) -> bool {
    let t = title.to_lowercase();
    RULE_SECTIONS.iter().any(|m| t.contains(m))
}

fn states_constraint(text: &str) -> bool {
    let t = text.to_lowercase();
    MODALS_EN.iter().any(|m| t.contains(m)) || MODALS_ZH.iter().any(|m| text.contains(m))
}

/// How a sentence can name an entity, computed once per entity.
pub(crate) struct Names {
    name: String,
    lower: String,
    snake: String,
    table: String,
    label: String,
}

pub(crate) fn names_of(entities: &[Entity]) -> Vec<Names> {
    entities
        .iter()
        .map(|e| {
            let label = clean_label(&e.label);
            Names {
                name: e.name.clone(),
                lower: e.name.to_lowercase(),
                snake: crate::names::snake(&e.name),
                table: e.table.clone(),
                label: if label.is_ascii() {
                    String::new()
                } else {
                    label
                },
            }
        })
        .collect()
}

/// The entities a sentence names (Go name, label, table, or the plural as written), in the
/// order the sentence mentions them.
pub(crate) fn entities_named(text: &str, entities: &[Names]) -> Vec<String> {
    entities_at(text, entities)
        .into_iter()
        .map(|(_, _, n)| n)
        .collect()
}

/// [`entities_named`] with where each first mention starts and ends (byte offsets into the
/// lowercased text, which has the same offsets as `text` for ASCII and CJK).
pub(crate) fn entities_at(text: &str, entities: &[Names]) -> Vec<(usize, usize, String)> {
    let lower = text.to_lowercase();
    // (byte offset, word, its singular, without underscores) of every ASCII word, once.
    let mut words: Vec<(usize, &str, String, String)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in lower
        .char_indices()
        .chain(std::iter::once((lower.len(), ' ')))
    {
        let part = c.is_ascii_alphanumeric() || c == '_';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s0)) => {
                let w = &lower[s0..i];
                words.push((s0, w, crate::names::singular(w), w.replace('_', "")));
                start = None;
            }
            _ => {}
        }
    }
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for e in entities {
        let ascii_at = words
            .iter()
            .find(|(_, w, sing, joined)| {
                *w == e.lower
                    || *w == e.snake
                    || *w == e.table
                    || *sing == e.snake
                    || *joined == e.lower
            })
            .map(|(at, w, ..)| (*at, at + w.len()));
        let label_at = if e.label.is_empty() {
            None
        } else {
            lower
                .find(e.label.as_str())
                .map(|at| (at, at + e.label.len()))
        };
        if let Some((at, end)) = [ascii_at, label_at].into_iter().flatten().min() {
            found.push((at, end, e.name.clone()));
        }
    }
    found.sort();
    found
}

/// Every rule stated in the document, in document order, one per line of text.
pub fn extract(doc: &Document, entities: &[Entity]) -> Vec<Rule> {
    let entities = names_of(entities);
    let entities = entities.as_slice();
    let mut out: Vec<Rule> = Vec::new();
    let mut in_rules: Vec<bool> = Vec::with_capacity(doc.sections.len());
    for (idx, s) in doc.sections.iter().enumerate() {
        let parent = s
            .parent
            .and_then(|p| in_rules.get(p).copied())
            .unwrap_or(false);
        let here = is_rules_heading(&s.title) || parent;
        in_rules.push(here);
        let skipped = doc
            .ancestry(idx)
            .iter()
            .any(|a| matches!(role(&a.title), Role::Nfr | Role::OutOfScope) || a.struck);
        if skipped {
            continue;
        }
        let section_entity = doc.ancestry(idx).iter().find_map(|a| {
            let named = entities_named(&a.title, entities);
            (named.len() == 1).then(|| named[0].clone())
        });
        let mut lines: Vec<(String, u32)> = Vec::new();
        for b in &s.blocks {
            match b {
                Block::Paragraph(ls) => lines.extend(
                    ls.iter()
                        .filter(|l| !l.struck)
                        .map(|l| (l.text.clone(), l.pos.line)),
                ),
                Block::List(items) => lines.extend(
                    items
                        .iter()
                        .filter(|i| !i.struck)
                        .map(|i| (i.text.clone(), i.pos.line)),
                ),
                Block::Table(_) | Block::Code(_) => {}
            }
        }
        for (text, line) in lines {
            let text = text.trim().to_string();
            let len = text.chars().count();
            if !(4..=300).contains(&len) || text.ends_with(':') || text.ends_with('：') {
                continue;
            }
            let named = entities_named(&text, entities);
            let lower = text.to_lowercase();
            let story = ["as a ", "as an ", "i want", "作为", "我希望", "我想"]
                .iter()
                .any(|m| lower.contains(m));
            let is_rule = here || (!story && states_constraint(&text) && !named.is_empty());
            if !is_rule || out.iter().any(|r| r.text == text) {
                continue;
            }
            let entity = named.first().cloned().or_else(|| section_entity.clone());
            out.push(Rule {
                text,
                entity,
                others: named.into_iter().skip(1).collect(),
                line,
            });
        }
    }
    out
}
