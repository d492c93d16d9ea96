//! The service: name (kebab-case ASCII), title, description and language of the PRD.

use crate::diag::{Diagnostic, Text};
use crate::extract::headings::{split_name, NameParts};
use crate::extract::roles::{role, section_roles, Role};
use crate::extract::Ctx;
use crate::model::{Lang, Service};
use crate::names;
use crate::prd::{fold, Block, Document};
use regex::Regex;
use std::sync::LazyLock;

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:feature specification|data model|implementation plan|product requirements? document|requirements? document|design document|functional specification|software requirements? specification|prd|spec|产品需求文档|产品需求说明书|需求规格说明书|需求说明书|需求文档|需求规格|功能规格说明)\s*(?:\(prd\))?\s*[:\-–—|]?\s*",
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
    // `ClinicCloud — appointments and billing`: the name before the tagline.
    let cut = [" — ", " – ", " - ", ": "]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .unwrap_or(title.len());
    let head = title[..cut].trim().to_string();
    let parts =
        if head != title && names::is_ascii_ident(&head) && head.split_whitespace().count() <= 3 {
            NameParts {
                ident: Some(head.clone()),
                label: String::new(),
            }
        } else {
            split_name(&title)
        };
    if parts.ident.as_deref() == Some(head.as_str()) && head != title {
        title = head.clone();
    }
    let glossary = cx
        .glossary
        .get(&title)
        .or_else(|| cx.glossary.get(&parts.label))
        .cloned();
    let ascii = glossary
        .or_else(|| metadata_name(doc))
        .or_else(|| parts.ident.clone().filter(|_| !stripped_empty));
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

/// A document-information table row such as `| 英文标识 | library |`.
fn metadata_name(doc: &Document) -> Option<String> {
    const KEYS: &[&str] = &[
        "英文标识",
        "英文名",
        "英文名称",
        "项目代号",
        "服务名",
        "服务标识",
        "系统标识",
        "英文简称",
        "code name",
        "codename",
        "service name",
        "service",
        "project code",
        "identifier",
    ];
    let is_key = |k: &str| KEYS.contains(&fold(k).trim().to_lowercase().as_str());
    for s in doc.sections.iter().take(6) {
        for b in &s.blocks {
            if let Block::Paragraph(lines) = b {
                // `**Service**: `shop``
                for l in lines {
                    for part in fold(&l.text).split(['·', '|']) {
                        if let Some((k, v)) = part.split_once(':') {
                            let v = v.trim().trim_matches('`').trim();
                            if is_key(k) && names::is_ascii_ident(v) {
                                return Some(v.to_string());
                            }
                        }
                    }
                }
            }
            let Block::Table(t) = b else { continue };
            for r in &t.rows {
                let (Some(k), Some(v)) = (r.cells.first(), r.cells.get(1)) else {
                    continue;
                };
                let key = fold(&k.text).trim().to_lowercase();
                if KEYS.contains(&key.as_str()) && names::is_ascii_ident(v.text.trim()) {
                    return Some(v.text.trim().to_string());
                }
            }
        }
    }
    None
}

/// The first prose paragraph that is not front matter (`**Status**: Draft`); spec-kit's
/// `**Input**: User description: "…"` is the feature's own description.
fn description(doc: &Document) -> String {
    for s in &doc.sections {
        for b in &s.blocks {
            let Block::Paragraph(lines) = b else { continue };
            let Some(start) = lines.iter().position(|l| l.raw.starts_with("**Input**")) else {
                continue;
            };
            let mut text: Vec<&str> = vec![];
            for (i, l) in lines.iter().enumerate().skip(start) {
                if i > start && is_metadata(&l.raw) {
                    break;
                }
                text.push(l.text.as_str());
            }
            let joined = text.join(" ");
            let t = joined.trim_start_matches("Input:").trim();
            let t = t.trim_start_matches("User description:").trim();
            let t = t.trim_matches('"').trim();
            if t.chars().count() >= 8 {
                return t.to_string();
            }
        }
    }
    let roles = section_roles(doc);
    for s in doc.sections.iter() {
        let parent_role = s
            .parent
            .filter(|&p| doc.sections.get(p).is_some_and(|ps| ps.level >= 2))
            .map(|p| roles[p])
            .unwrap_or(Role::Other);
        let lower = s.title.to_lowercase();
        let overview = [
            "背景",
            "概述",
            "简介",
            "overview",
            "introduction",
            "background",
            "summary",
        ]
        .iter()
        .any(|w| lower.contains(w));
        let plain = role(&s.title) == Role::Other && parent_role == Role::Other;
        if s.struck || s.level > 2 || !(plain || overview) {
            continue;
        }
        for b in &s.blocks {
            let Block::Paragraph(lines) = b else { continue };
            if lines.iter().any(|l| is_metadata(&l.raw)) {
                continue;
            }
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
