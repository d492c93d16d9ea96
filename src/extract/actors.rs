//! Actors (user roles): roles tables (`角色 | 描述 | 权限`, `Role | Description`), persona and
//! glossary bullets, and the subjects of user stories and requirements (`As a clerk, …`,
//! `作为读者，…`, `System MUST allow doctors to …`) that no table declared.
//!
//! Every actor needs an ASCII snake_case name: written next to the label (`管理员 (admin)`,
//! `Store Admin (admin)`), derived from an English label (`Clinic admins` → `clinic_admin`),
//! or looked up in the Chinese role lexicon ([`super::lexicon::ZH_ACTORS`]).
//!
//! Codes: W406 a Chinese role with no ASCII name (a fallback name is used).

use super::lexicon;
use super::roles::{section_roles, Role};
use crate::diag::{Diagnostic, Text};
use crate::model::Actor;
use crate::names;
use crate::prd::{fold, Block, Document, Table};
use regex::Regex;
use std::sync::LazyLock;

static PAREN_ASCII: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)\s*\(\s*`?([A-Za-z][A-Za-z0-9_ -]*?)`?\s*\)\s*$").expect("paren regex")
});

/// `As a <actor>, I want …`.
static EN_STORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bas\s+(?:an?|the)\s+([A-Za-z][A-Za-z _-]{0,40}?)\s*,?\s+I\s+(?:want|would like|need|wish|can|should|must)\b")
        .expect("story regex")
});

/// `作为<actor>，我希望…`.
static ZH_STORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"作为\s*(?:一[个名位])?\s*([^,，。:：\s]{1,20}?)\s*[,，]?\s*我(?:希望|想要|想|需要|要|可以|能够|期望)")
        .expect("zh story regex")
});

/// `System MUST allow <actors> to …`, `Users MUST be able to`.
static EN_ALLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:must|shall|should|will)\s+(?:allow|let|enable|permit)\s+(?:the\s+|an?\s+)?([A-Za-z][A-Za-z _-]{0,40}?)\s+to\s")
        .expect("allow regex")
});

static WHEN_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bwhen\s+(?:the|a|an)\s+([A-Za-z]+)\s+([a-z]+s)\b").expect("when regex")
});

const ROLE_HEADERS: &[&str] = &[
    "角色",
    "角色名称",
    "用户角色",
    "用户类型",
    "用户",
    "role",
    "roles",
    "actor",
    "persona",
    "user type",
    "user role",
    "user",
];
const DESC_HEADERS: &[&str] = &[
    "描述",
    "说明",
    "职责",
    "使用场景",
    "核心需求",
    "description",
    "responsibilities",
    "goals",
    "needs",
];
const FIELD_HEADERS: &[&str] = &[
    "type",
    "data type",
    "类型",
    "数据类型",
    "字段类型",
    "field",
    "字段",
    "字段名",
    "column",
];
const PERM_HEADERS: &[&str] = &["权限", "permissions", "access", "can do"];

/// English words that name people; a glossary bullet whose name ends with one is an actor.
const EN_ROLE_WORDS: &[&str] = &[
    "user",
    "admin",
    "administrator",
    "customer",
    "buyer",
    "seller",
    "merchant",
    "manager",
    "staff",
    "clerk",
    "librarian",
    "reader",
    "member",
    "guest",
    "visitor",
    "doctor",
    "nurse",
    "patient",
    "receptionist",
    "teacher",
    "student",
    "agent",
    "operator",
    "reviewer",
    "approver",
    "author",
    "editor",
    "driver",
    "owner",
    "employee",
    "shopper",
    "tenant admin",
];

/// Extracts the actors, in document order, deduplicated by name.
pub fn extract(doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<Actor> {
    let mut out: Vec<Actor> = Vec::new();
    let mut unknown = 0usize;
    let roles = section_roles(doc);
    // Declared roles first: tables and bullets in role sections.
    for (si, sec) in doc.sections.iter().enumerate() {
        if doc.ancestry(si).iter().any(|s| s.struck) {
            continue;
        }
        let role = roles[si];
        if role == Role::OutOfScope {
            continue;
        }
        // `### 角色 (Role)` under a data model is an entity, not a roles section.
        let under_entities = sec.parent.is_some_and(|p| roles[p] == Role::Entities);
        let role = if under_entities { Role::Entities } else { role };
        let glossary = doc.ancestry(si).iter().any(|s| {
            let t = s.title.to_lowercase();
            t.contains("glossary") || t.contains("术语")
        });
        // `## Users` / `## 用户` with persona bullets (`- Agent: answers tickets`).
        let users = !glossary && role != Role::Entities && is_users_heading(&sec.title);
        for b in &sec.blocks {
            match b {
                Block::Table(t) => {
                    roles_table(t, role == Role::Actors, &mut out, &mut unknown, diags)
                }
                Block::List(items) if role == Role::Actors || users => {
                    for it in items.iter().filter(|i| !i.struck && i.depth == 0) {
                        let text = fold(&it.text);
                        let (head, desc) = split_term(&text);
                        if head.is_empty() || head.chars().count() > 40 {
                            continue;
                        }
                        if glossary && !looks_like_person(head, desc) {
                            continue;
                        }
                        if users && !(looks_like_person(head, desc) || is_persona(head, desc)) {
                            continue;
                        }
                        add(head, desc, it.pos.line, &mut out, &mut unknown, diags);
                    }
                }
                _ => {}
            }
        }
    }
    // Then the subjects of stories and requirements that no table declared.
    for (si, sec) in doc.sections.iter().enumerate() {
        if doc.ancestry(si).iter().any(|s| s.struck) || roles[si] == Role::OutOfScope {
            continue;
        }
        let in_uc = roles[si] == Role::UseCases;
        let mut lines: Vec<(&str, u32)> = Vec::new();
        for b in &sec.blocks {
            match b {
                Block::Paragraph(ls) => lines.extend(
                    ls.iter()
                        .filter(|l| !l.struck)
                        .map(|l| (l.text.as_str(), l.pos.line)),
                ),
                Block::List(items) => lines.extend(
                    items
                        .iter()
                        .filter(|i| !i.struck)
                        .map(|i| (i.text.as_str(), i.pos.line)),
                ),
                Block::Table(t) => {
                    for r in t.rows.iter().filter(|r| !r.struck) {
                        for c in &r.cells {
                            lines.push((c.text.as_str(), r.pos.line));
                            // `运营人员添加新活动` in a feature table.
                            if in_uc {
                                if let Some((word, name)) = lexicon::zh_actor_prefix(c.text.trim())
                                {
                                    if name != "system" && !out.iter().any(|a| a.name == name) {
                                        out.push(Actor {
                                            owns: Vec::new(),
                                            name: name.to_string(),
                                            label: word.to_string(),
                                            description: String::new(),
                                            line: r.pos.line,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                Block::Code(_) => {}
            }
        }
        for (text, line) in lines {
            if let Some(subject) = subject(text) {
                if resolve(&subject, &out).is_none() {
                    add(&subject, "", line, &mut out, &mut unknown, diags);
                }
            }
            // `When the admin views coupons`, `WHEN a user submits`: role words only.
            let folded = fold(text);
            let lower = folded.to_lowercase();
            let scenario = (lower.contains("given") && lower.contains("when"))
                || folded.trim_start().starts_with("WHEN ");
            for c in WHEN_SUBJECT.captures_iter(&folded).filter(|_| scenario) {
                let Some(w) = c.get(1) else { continue };
                if c.get(2)
                    .is_some_and(|v| matches!(v.as_str(), "is" | "was" | "has" | "does"))
                {
                    continue;
                }
                let w = names::singular(&w.as_str().to_lowercase());
                if EN_ROLE_WORDS.contains(&w.as_str()) && resolve(&w, &out).is_none() {
                    add(&w, "", line, &mut out, &mut unknown, diags);
                }
            }
        }
    }
    out
}

/// The story or requirement subject in `text` (`clinic admins`, `读者`), if any.
pub fn subject(text: &str) -> Option<String> {
    // Cheap check first: most lines are not stories.
    let lower = text.to_lowercase();
    if !["as ", "作为", "allow", "let ", "enable", "permit"]
        .iter()
        .any(|k| lower.contains(k))
    {
        return None;
    }
    let t = fold(text);
    let c = EN_STORY
        .captures(&t)
        .or_else(|| ZH_STORY.captures(&t))
        .or_else(|| EN_ALLOW.captures(&t))?;
    let s = c.get(1)?.as_str().trim();
    let s = s.trim_start_matches("a ").trim_start_matches("an ");
    (!s.is_empty()).then(|| s.to_string())
}

/// The declared actor a subject or label refers to (`admins`, `Store Admin`, `图书管理员`).
pub fn resolve(subject: &str, actors: &[Actor]) -> Option<String> {
    let s = fold(subject).trim().to_string();
    if s.is_empty() {
        return None;
    }
    let lower = s.to_lowercase();
    if let Some(a) = actors
        .iter()
        .find(|a| a.label == s || a.label.to_lowercase() == lower || a.name == lower)
    {
        return Some(a.name.clone());
    }
    let (name, _) = ascii_name(&s)?;
    if let Some(a) = actors.iter().find(|a| a.name == name) {
        return Some(a.name.clone());
    }
    // `registered customer` → `customer`; `clinic admin` ↔ `admin` only when no better one.
    if s.is_ascii() {
        let last = name.rsplit('_').next().unwrap_or(&name).to_string();
        if let Some(a) = actors
            .iter()
            .find(|a| a.name == last || a.name.rsplit('_').next() == Some(last.as_str()))
        {
            return Some(a.name.clone());
        }
    } else if let Some(a) = actors
        .iter()
        .filter(|a| !a.label.is_empty() && !a.label.is_ascii())
        .find(|a| s.contains(a.label.as_str()))
    {
        return Some(a.name.clone());
    }
    None
}

/// `(snake_case name, label)` for a role as written, when an ASCII name can be found.
pub fn ascii_name(raw: &str) -> Option<(String, String)> {
    let t = fold(raw).trim().trim_matches('*').trim().to_string();
    if let Some(c) = PAREN_ASCII.captures(&t) {
        let label = c.get(1).map(|m| m.as_str().trim()).unwrap_or("");
        let name = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let name = names::snake(name);
        if !name.is_empty() {
            return Some((name, label.to_string()));
        }
    }
    // `Admin-管理员`, `管理员/admin`.
    if !t.is_ascii() {
        let ascii: Vec<&str> = t
            .split(['-', '/', '|', ' '])
            .map(str::trim)
            .filter(|p| {
                !p.is_empty() && p.is_ascii() && p.starts_with(|c: char| c.is_ascii_alphabetic())
            })
            .collect();
        let cjk: String = t
            .split(['-', '/', '|', ' '])
            .filter(|p| !p.is_ascii())
            .collect::<Vec<_>>()
            .join("");
        if !ascii.is_empty() && !cjk.is_empty() {
            return Some((names::snake(&ascii.join(" ")), cjk));
        }
        return lexicon::zh_actor(&t).map(|n| (n.to_string(), t.clone()));
    }
    let words: Vec<String> = names::words(&t)
        .into_iter()
        .filter(|w| !matches!(w.as_str(), "a" | "an" | "the"))
        .collect();
    if words.is_empty() {
        return None;
    }
    let name = names::singular(&words.join("_"));
    let label = if names::snake(&t) == name {
        String::new()
    } else {
        t.clone()
    };
    Some((name, label))
}

fn split_term(text: &str) -> (&str, &str) {
    for sep in [":", " - ", " — ", " – "] {
        if let Some((h, d)) = text.split_once(sep) {
            return (h.trim(), d.trim());
        }
    }
    (text.trim(), "")
}

/// Headings of a section that lists the people who use the service, read as roles only for
/// bullets that look like personas.
fn is_users_heading(title: &str) -> bool {
    let t = fold(title);
    let t = t
        .trim_start_matches(|c: char| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || ".、)）".contains(c)
                || "一二三四五六七八九十".contains(c)
        })
        .trim()
        .to_lowercase();
    matches!(
        t.as_str(),
        "users"
            | "user types"
            | "who uses it"
            | "audience"
            | "用户"
            | "用户类型"
            | "使用者"
            | "用户群体"
    )
}

/// Type words that make a bullet a field (`- name: string, required`), not a persona.
const FIELD_WORDS: &[&str] = &[
    "string",
    "text",
    "int",
    "integer",
    "bigint",
    "decimal",
    "number",
    "float",
    "bool",
    "boolean",
    "date",
    "datetime",
    "timestamp",
    "uuid",
    "enum",
    "ref",
    "varchar",
    "json",
    "required",
    "必填",
    "字符串",
    "整数",
];

/// A persona bullet under a users heading: a short capitalized (or Chinese) name, and a
/// description that is no field type (`- Agent: answers tickets`, `- 坐席：处理工单`).
fn is_persona(head: &str, desc: &str) -> bool {
    let words = head.split_whitespace().count();
    let named = if head.is_ascii() {
        head.starts_with(|c: char| c.is_ascii_uppercase())
            && head
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == ' ' || c == '-')
    } else {
        !head.chars().any(|c| c.is_ascii_punctuation())
    };
    let d = desc.to_lowercase();
    let first = d.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    named
        && (1..=3).contains(&words)
        && !desc.is_empty()
        && !FIELD_WORDS.contains(&first)
        && !FIELD_WORDS
            .iter()
            .any(|w| !w.is_ascii() && desc.contains(w))
}

fn looks_like_person(head: &str, desc: &str) -> bool {
    if !head.is_ascii() {
        return lexicon::zh_actor(head).is_some() || desc.contains("用户") || desc.contains("人员");
    }
    let name = names::snake(head);
    let last = name.rsplit('_').next().unwrap_or("");
    let d = desc.to_lowercase();
    EN_ROLE_WORDS.contains(&last)
        || EN_ROLE_WORDS.contains(&names::singular(last).as_str())
        || d.starts_with("a person")
        || d.starts_with("a user")
        || d.starts_with("the person")
        || d.starts_with("someone")
        || d.starts_with("anyone")
}

fn header_is(h: &str, marks: &[&str]) -> bool {
    let h = fold(h).trim().to_lowercase();
    marks
        .iter()
        .any(|m| if m.is_ascii() { h == *m } else { h.contains(m) })
}

fn roles_table(
    t: &Table,
    in_actor_section: bool,
    out: &mut Vec<Actor>,
    unknown: &mut usize,
    diags: &mut Vec<Diagnostic>,
) {
    // A field table (`Field | Type`) is never a roles table.
    if t.header.iter().any(|c| header_is(&c.text, FIELD_HEADERS)) {
        return;
    }
    let ri = t
        .header
        .iter()
        .position(|c| header_is(&c.text, ROLE_HEADERS));
    // A role column must lead the table unless the section is about roles (a transition
    // table's trailing 角色 column is not a roles table).
    let ri = match ri {
        Some(0) => 0,
        Some(i) if in_actor_section => i,
        None if in_actor_section && !t.header.is_empty() => 0,
        _ => return,
    };
    // Every describing column (`Description | Responsibilities`), in order.
    let dis: Vec<usize> = (0..t.header.len())
        .filter(|&i| i != ri && header_is(&t.header[i].text, DESC_HEADERS))
        .collect();
    let pi = t
        .header
        .iter()
        .position(|c| header_is(&c.text, PERM_HEADERS));
    for row in t.rows.iter().filter(|r| !r.struck) {
        let cell = |i: Option<usize>| -> &str {
            i.and_then(|i| row.cells.get(i))
                .map(|c| c.text.trim())
                .unwrap_or("")
        };
        let head = cell(Some(ri));
        if head.is_empty() {
            continue;
        }
        let parts: Vec<&str> = dis
            .iter()
            .map(|&i| cell(Some(i)))
            .chain([cell(pi)])
            .filter(|p| !p.is_empty())
            .collect();
        let desc = parts.join("; ");
        add(head, &desc, row.pos.line, out, unknown, diags);
    }
}

fn add(
    head: &str,
    desc: &str,
    line: u32,
    out: &mut Vec<Actor>,
    unknown: &mut usize,
    diags: &mut Vec<Diagnostic>,
) {
    let (name, label) = match ascii_name(head) {
        Some(x) => x,
        None => {
            *unknown += 1;
            let name = format!("role_{unknown}");
            diags.push(
                Diagnostic::warning(
                    "W406",
                    line,
                    1,
                    Text::new(
                        format!("role \"{head}\" has no ASCII name; using `{name}`"),
                        format!("角色 \"{head}\" 没有英文名；暂用 `{name}`"),
                    ),
                )
                .with_help(Text::new(
                    format!("write \"{head} (operator)\" with the English name in parentheses"),
                    format!("写成 \"{head} (operator)\"，在括号中给出英文名"),
                )),
            );
            (name, head.to_string())
        }
    };
    if name.is_empty() || out.iter().any(|a| a.name == name) {
        return;
    }
    out.push(Actor {
        owns: Vec::new(),
        name,
        label,
        description: desc.to_string(),
        line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prd;

    fn run(src: &str) -> (Vec<Actor>, Vec<Diagnostic>) {
        let mut d = vec![];
        let a = extract(&prd::parse(src), &mut d);
        (a, d)
    }

    #[test]
    fn roles_table_zh() {
        let (a, d) = run("## 用户角色\n\n| 角色 | 描述 | 权限 |\n|---|---|---|\n| 管理员 | 系统管理 | 全部 |\n| 读者 (reader) | 借书 | 检索 |\n| 外星使者 | 活动 | |\n");
        let names: Vec<_> = a
            .iter()
            .map(|a| (a.name.as_str(), a.label.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("admin", "管理员"),
                ("reader", "读者"),
                ("role_1", "外星使者")
            ]
        );
        assert_eq!(a[0].description, "系统管理; 全部");
        assert_eq!(a[0].line, 5);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "W406");
    }

    #[test]
    fn personas_glossary_and_subjects() {
        let (a, d) = run("## Personas\n\n- **Store Admin (admin)**: runs the store\n- Customers: people who buy\n\n## Glossary\n\n- **Order_Tracker**: the tracking service\n- **Warehouse Clerk**: a person who ships parcels\n\n## Requirements\n\n- **FR-001**: System MUST allow clinic admins to add doctors.\n- As a customer, I want to pay.\n- 作为读者，我希望续借。\n");
        let names: Vec<_> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["admin", "customer", "warehouse_clerk", "reader"]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn users_heading_with_persona_bullets() {
        let (a, _) = run("# Helpdesk\n\n## Users\n\n- Agent: answers tickets\n- Dispatcher - routes urgent tickets\n- name: string, required\n\n## 2. 用户\n\n- 坐席：处理工单\n");
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names[..2], ["agent", "dispatcher"], "{a:?}");
        assert!(!names.contains(&"name"), "{a:?}");
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(a[2].label, "坐席");
    }

    #[test]
    fn resolving() {
        let actors = vec![
            Actor {
                owns: Vec::new(),
                name: "admin".into(),
                label: "Store Admin".into(),
                description: String::new(),
                line: 1,
            },
            Actor {
                owns: Vec::new(),
                name: "librarian".into(),
                label: "馆员".into(),
                description: String::new(),
                line: 2,
            },
        ];
        assert_eq!(resolve("admins", &actors).as_deref(), Some("admin"));
        assert_eq!(resolve("Store Admin", &actors).as_deref(), Some("admin"));
        assert_eq!(resolve("图书馆馆员", &actors).as_deref(), Some("librarian"));
        assert_eq!(resolve("pilot", &actors), None);
        assert_eq!(
            subject("As a registered customer, I want to pay").as_deref(),
            Some("registered customer")
        );
    }
}
