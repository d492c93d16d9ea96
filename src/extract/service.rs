//! The service: name (kebab-case ASCII), title, description and language of the PRD.

use crate::diag::{Diagnostic, Text};
use crate::extract::headings::split_name;
use crate::extract::roles::{section_role, Role};
use crate::extract::Ctx;
use crate::model::{Lang, Service};
use crate::names;
use crate::prd::{fold, Block, Document};
use regex::Regex;
use std::sync::LazyLock;

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:feature specification|product requirements? document|requirements? document|design document|functional specification|software requirements? specification|prd|spec|产品需求文档|产品需求说明书|需求规格说明书|需求说明书|需求文档|需求规格|功能规格说明)\s*(?:\(prd\))?\s*[:\-–—|]?\s*",
    )
    .expect("regex")
});
static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[:\-–—|]?\s*(?:product requirements? document|requirements? document|prd|产品需求文档|需求文档|需求规格说明书|需求说明书)\s*(?:\(prd\))?\s*$")
        .expect("regex")
});

/// Words dropped from a service name made of the title's ASCII words.
const NOISE: &[&str] = &[
    "prd", "the", "a", "an", "v1", "v2", "mvp", "spec", "document",
];

pub fn extract(doc: &Document, cx: &mut Ctx) -> Service {
    let lang = language(doc);
    let h1 = doc
        .sections
        .iter()
        .find(|s| s.level == 1 && !s.struck)
        .or_else(|| doc.sections.iter().find(|s| s.level > 0 && !s.struck));
    let raw_title = h1.map(|s| fold(&s.raw_title)).unwrap_or_default();
    let mut title = PREFIX.replace(raw_title.trim(), "").to_string();
    title = SUFFIX.replace(&title, "").trim().to_string();
    if title.is_empty() {
        title = raw_title.trim().to_string();
    }
    let stripped_empty = PREFIX.replace(raw_title.trim(), "").trim().is_empty();
    let parts = split_name(&title);
    let glossary = cx
        .glossary
        .get(&title)
        .or_else(|| cx.glossary.get(&parts.label))
        .cloned();
    let ascii = glossary.or_else(|| parts.ident.clone().filter(|_| !stripped_empty));
    let name = ascii
        .map(|a| {
            names::words(&a)
                .into_iter()
                .filter(|w| !NOISE.contains(&w.as_str()))
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|n| !n.is_empty() && n.len() <= 64);
    let display = match &parts.ident {
        Some(_) if !parts.label.is_empty() => parts.label.clone(),
        // `Bookshop (bookshop)`: drop the identifier in parentheses.
        Some(i) => title
            .replace(&format!("({i})"), "")
            .replace(&format!("( {i} )"), "")
            .trim()
            .to_string(),
        None => title.clone(),
    };
    let name = match name {
        Some(n) => n,
        None => {
            let (line, col) = h1.map(|s| (s.pos.line, s.pos.col)).unwrap_or((0, 0));
            let shown = if display.is_empty() {
                "…"
            } else {
                display.as_str()
            };
            cx.diags.push(
                Diagnostic::warning(
                    "W204",
                    line,
                    col,
                    Text::new(
                        "the PRD's title gives no ASCII service name; using `service`",
                        "PRD 标题中没有英文服务名，使用 `service`",
                    ),
                )
                .with_help(Text::new(
                    format!("add one to the title: \"# {shown} (my-service)\", or map the title in a glossary file (--glossary, `{shown}: my-service`)"),
                    format!("在标题中加上英文名：“# {shown} (my-service)”，或在术语表中映射标题（--glossary，`{shown}: my-service`）"),
                )),
            );
            "service".to_string()
        }
    };
    let title = if display.is_empty() {
        name.clone()
    } else {
        display
    };
    Service {
        name,
        title,
        description: description(doc),
        lang,
    }
}

/// The first prose paragraph that is not front matter (`**Status**: Draft`).
fn description(doc: &Document) -> String {
    for (idx, s) in doc.sections.iter().enumerate() {
        if s.struck || s.level > 2 || section_role(doc, idx) != Role::Other {
            continue;
        }
        for b in &s.blocks {
            let Block::Paragraph(lines) = b else { continue };
            let prose: Vec<&str> = lines
                .iter()
                .filter(|l| !l.struck && !is_metadata(&l.raw))
                .map(|l| l.text.as_str())
                .collect();
            if prose.is_empty() {
                continue;
            }
            let text = prose.join(" ");
            if text.chars().count() >= 8 {
                return text;
            }
        }
    }
    String::new()
}

fn is_metadata(raw: &str) -> bool {
    let t = fold(raw.trim());
    let t = t.trim_end_matches(':');
    if t.starts_with("**") && t.ends_with("**") {
        return true;
    }
    (t.starts_with("**") && t[2..].contains("**:"))
        || t.starts_with("**") && t.contains(":**")
        || t.starts_with('>')
}

/// Chinese when CJK characters outnumber ASCII words in the prose and headings.
pub fn language(doc: &Document) -> Lang {
    let mut cjk = 0usize;
    let mut words = 0usize;
    let mut count = |s: &str| {
        let mut in_word = false;
        for c in s.chars() {
            if ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c) {
                cjk += 1;
                in_word = false;
            } else if c.is_ascii_alphabetic() {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            } else {
                in_word = false;
            }
        }
    };
    for s in &doc.sections {
        count(&s.raw_title);
        for b in &s.blocks {
            match b {
                Block::Paragraph(lines) => lines.iter().for_each(|l| count(&l.text)),
                Block::List(items) => items.iter().for_each(|i| count(&i.text)),
                Block::Table(t) => {
                    t.header.iter().for_each(|c| count(&c.text));
                    t.rows
                        .iter()
                        .flat_map(|r| r.cells.iter())
                        .for_each(|c| count(&c.text));
                }
                Block::Code(_) => {}
            }
        }
    }
    if cjk > 0 && cjk >= words {
        Lang::Zh
    } else {
        Lang::En
    }
}
