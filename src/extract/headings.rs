//! Names written in headings, bold bullets and cells: `用户 (User)`, `User-用户`,
//! `租户表（Tenant）`, `` `user_book` ``, `Order Entity` → an ASCII identifier and a label.

use crate::extract::roles::{role, Role};
use crate::names;
use crate::prd::{fold, plain_inline};
use regex::Regex;
use std::sync::LazyLock;

/// A name split into its ASCII identifier (as written, not yet cased) and display label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameParts {
    pub ident: Option<String>,
    pub label: String,
}

static PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)\s*\(([^()]*)\)\s*(.*?)$").expect("regex"));

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0xFE0F | 0x200D | 0x20E3)
}

/// ASCII words that name the kind of thing rather than the thing (`User Table` → `User`).
const ASCII_SUFFIXES: &[&str] = &[
    "table",
    "entity",
    "fields",
    "attributes",
    "properties",
    "columns",
    "schema",
    "data model",
    "model",
    "object",
];
/// Chinese suffixes dropped from labels (`租户表` → `租户`).
const LABEL_SUFFIXES: &[&str] = &[
    "字段说明",
    "字段定义",
    "字段",
    "数据表",
    "信息表",
    "表结构",
    "表",
    "实体",
];

/// Splits `text` into identifier and label.
pub fn split_name(text: &str) -> NameParts {
    // Fast path: a plain identifier (`card_no`, `OrderItem`) — most cells.
    if text.len() <= 64
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return NameParts {
            ident: Some(strip_ascii_suffix(text)),
            label: String::new(),
        };
    }
    let t: String = fold(&plain_inline(text))
        .chars()
        .filter(|c| !is_emoji(*c))
        .collect();
    let t = t.trim().trim_end_matches([':', '.']).trim();
    let t = t.trim_matches(['"', '\'']);
    if t.is_empty() {
        return NameParts::default();
    }
    if names::is_ascii_ident(t) {
        let ident = strip_ascii_suffix(t);
        return NameParts {
            label: String::new(),
            ident: Some(ident),
        };
    }
    if let Some(c) = PAREN.captures(t) {
        let before = c.get(1).map(|m| m.as_str().trim()).unwrap_or("");
        let inner = c.get(2).map(|m| m.as_str().trim()).unwrap_or("");
        let after = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let outer = if after.is_empty() {
            before.to_string()
        } else {
            format!("{before} {after}").trim().to_string()
        };
        let inner_ok = names::is_ascii_ident(inner);
        let outer_ok = names::is_ascii_ident(&outer);
        if inner_ok && (!outer_ok || !inner.contains(' ')) {
            return NameParts {
                ident: Some(strip_ascii_suffix(inner)),
                label: if outer_ok {
                    String::new()
                } else {
                    clean_label(&outer)
                },
            };
        }
        if outer_ok {
            return NameParts {
                ident: Some(strip_ascii_suffix(&outer)),
                label: clean_label(inner),
            };
        }
        // `用户 (会员)`: no ASCII; the label is the outer text.
        if !outer.is_empty() {
            return split_runs(&outer);
        }
    }
    split_runs(t)
}

/// `User-用户`, `订单 Order`, `users 用户表`: an ASCII run and a non-ASCII run.
fn split_runs(t: &str) -> NameParts {
    let mut ascii: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_ascii = true;
    let flush = |cur: &mut String, is_ascii: bool, a: &mut Vec<String>, o: &mut Vec<String>| {
        let s = cur.trim().trim_matches(['-', '_', ' ']).to_string();
        if !s.is_empty() {
            if is_ascii {
                a.push(s);
            } else {
                o.push(s);
            }
        }
        cur.clear();
    };
    for c in t.chars() {
        let is_word_ascii = c.is_ascii_alphanumeric() || c == '_';
        let is_sep = matches!(c, '-' | '–' | '—' | '/' | ':' | '|' | '(' | ')' | ',');
        if is_sep {
            flush(&mut cur, cur_ascii, &mut ascii, &mut other);
            continue;
        }
        if c == ' ' {
            cur.push(c);
            continue;
        }
        if cur.trim().is_empty() {
            cur_ascii = is_word_ascii;
        } else if is_word_ascii != cur_ascii {
            flush(&mut cur, cur_ascii, &mut ascii, &mut other);
            cur_ascii = is_word_ascii;
        }
        cur.push(c);
    }
    flush(&mut cur, cur_ascii, &mut ascii, &mut other);
    let label = clean_label(&other.join(""));
    let ident = ascii
        .into_iter()
        .filter(|a| names::is_ascii_ident(a) && !is_kind_ordinal(a))
        .max_by_key(|a| a.len())
        .map(|a| strip_ascii_suffix(&a));
    NameParts { ident, label }
}

/// `Entity 1`, `Table 3`, `Model`: a numbering of the kind, not a name
/// (`## Entity 1 — doctors` is named `doctors`).
fn is_kind_ordinal(s: &str) -> bool {
    s.split_whitespace().all(|w| {
        w.chars().all(|c| c.is_ascii_digit() || c == '.')
            || ASCII_SUFFIXES.contains(&w.to_ascii_lowercase().as_str())
    })
}

fn strip_ascii_suffix(s: &str) -> String {
    let mut t = s.trim().to_string();
    loop {
        let lower = t.to_ascii_lowercase();
        let mut changed = false;
        for suf in ASCII_SUFFIXES {
            let spaced = lower.len() > suf.len() + 1
                && lower.ends_with(suf)
                && lower.as_bytes()[lower.len() - suf.len() - 1] == b' ';
            if spaced {
                t.truncate(lower.len() - suf.len() - 1);
                t = t.trim().to_string();
                changed = true;
                // `lower` is stale now.
                break;
            }
        }
        if !changed {
            break;
        }
    }
    // `t_user`, `tb_user`, `tbl_user` → `user`
    for pre in ["tbl_", "tb_", "t_"] {
        if let Some(r) = t.strip_prefix(pre) {
            if !r.is_empty() {
                return r.to_string();
            }
        }
    }
    t
}

/// `租户表` → `租户`, `借阅记录字段` → `借阅记录`; keeps text that would become empty.
pub fn clean_label(s: &str) -> String {
    let mut t = s.trim().to_string();
    for suf in LABEL_SUFFIXES {
        if let Some(r) = t.strip_suffix(suf) {
            if !r.trim().is_empty() {
                t = r.trim().to_string();
                break;
            }
        }
    }
    t
}

/// Words that, left over after the role markers are removed, still say nothing about which
/// entity a heading is (`数据模型`, `Entities`, `字段说明`, `ER 图`).
const FILLER: &[&str] = &[
    "key entities",
    "key attributes",
    "key fields",
    "key columns",
    "main fields",
    "relationship",
    "关键属性",
    "主要属性",
    "基本属性",
    "核心属性",
    "主要字段",
    "关键字段",
    "基本字段",
    "entities",
    "entity",
    "data models",
    "data model",
    "domain model",
    "data dictionary",
    "database design",
    "database",
    "schema",
    "data requirements",
    "data requirement",
    "core data",
    "tables",
    "table",
    "fields",
    "field",
    "attributes",
    "columns",
    "properties",
    "overview",
    "summary",
    "models",
    "collections",
    "schemas",
    "types",
    "relationships",
    "relations",
    "er diagram",
    "diagram",
    "indexes",
    "notes",
    "definitions",
    "design",
    "core",
    "main",
    "the",
    "and",
    "sql",
    "ddl",
    "er",
    "关键实体",
    "核心实体",
    "实体",
    "数据模型",
    "领域模型",
    "数据字典",
    "数据库设计",
    "数据库",
    "表结构",
    "数据结构",
    "数据需求",
    "字段说明",
    "字段设计",
    "字段定义",
    "字段",
    "属性",
    "数据表",
    "数据",
    "设计",
    "说明",
    "定义",
    "列表",
    "核心",
    "主要",
    "概述",
    "总览",
    "概览",
    "一览",
    "概要",
    "汇总",
    "关系",
    "关联",
    "索引",
    "图",
    "表",
    "及",
    "和",
    "与",
    "如下",
    "以下",
    "the following",
    "following",
    "as follows",
];

static FILLER_RE: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<&str> = FILLER.to_vec();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let alts: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&format!("(?i){}", alts.join("|"))).expect("regex")
});

/// True when a heading names a container of entities rather than one entity.
pub fn is_generic(title: &str) -> bool {
    let t = fold(title).to_lowercase();
    let rest = FILLER_RE.replace_all(&t, "");
    rest.chars().all(|c| !c.is_alphanumeric())
}

/// Topics that sit next to entities in data-model sections but are not entities themselves
/// (`Validation Rules`, `ER Diagram`, `设计原则`); whole phrases, so `DiscountRule` or
/// `Policy` stay nameable. Matched on whole ASCII words, or as substrings for Chinese.
const TOPICS: &[&str] = &[
    "validation rules",
    "validation",
    "business rules",
    "er diagram",
    "entity relationship",
    "entity relationships",
    "indexes",
    "indices",
    "index design",
    "index strategy",
    "indexing",
    "indexing strategy",
    "extension points",
    "extension point",
    "design decisions",
    "key design decisions",
    "design principles",
    "design notes",
    "purpose",
    "migration",
    "migrations",
    "migration files",
    "tech stack",
    "technology stack",
    "technical stack",
    "system architecture",
    "technical architecture",
    "assumptions",
    "clarifications",
    "edge cases",
    "changelog",
    "change log",
    "appendix",
    "rls policies",
    "access policies",
    "slot generation logic",
    "optimistic locking",
    "soft delete",
    "naming conventions",
    "conventions",
    "enums",
    "enumerations",
    "enum types",
    "enum definitions",
    "data relationships",
    "data flow",
    "access patterns",
    "query patterns",
    "seed data",
    "seed script",
    "caching",
    "cache strategy",
    "open questions",
    "frontend",
    "backend",
    "framework",
    "frameworks",
    "orm",
    "runtime",
    "hosting",
    "deployment",
    "tooling",
    "libraries",
    "dependencies",
    "typescript interface",
    "typescript interfaces",
    "typescript types",
    "typescript domain types",
    "domain types",
    "zod",
    "validation schema",
    "sample data",
    "example",
    "examples",
    "api endpoints",
    "endpoints",
    "前言",
    "引言",
    "背景",
    "设计原则",
    "设计决策",
    "关键决策",
    "扩展点",
    "扩展性",
    "校验规则",
    "验证规则",
    "业务规则",
    "乐观锁",
    "悲观锁",
    "软删除",
    "集合列",
    "技术栈",
    "技术选型",
    "技术架构",
    "系统架构",
    "架构设计",
    "更新记录",
    "变更记录",
    "修订记录",
    "附录",
    "注意事项",
    "命名规范",
    "约定",
    "枚举定义",
    "枚举值",
    "枚举类型",
    "数据流",
    "缓存策略",
    "前端",
    "后端",
    "框架",
    "部署",
    "中间件",
    "初始化数据",
    "示例",
    "样例",
    "接口定义",
];

/// True when a heading or label names one of the [`TOPICS`] (context, never an entity).
pub fn is_topic(title: &str) -> bool {
    let t = fold(title).to_lowercase();
    let t = t.trim().trim_end_matches(':').trim();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let joined = format!(" {} ", words.join(" "));
    let unspaced = t.replace(' ', "");
    TOPIC_KEYS.iter().any(|(ascii, key)| {
        if *ascii {
            joined.contains(key.as_str())
        } else {
            unspaced.contains(key.as_str())
        }
    })
}

/// [`TOPICS`] ready to match: ASCII phrases padded with spaces (whole words), others as written;
/// built once — `is_topic` runs for every heading and its ancestors.
static TOPIC_KEYS: LazyLock<Vec<(bool, String)>> = LazyLock::new(|| {
    TOPICS
        .iter()
        .map(|t| {
            if t.is_ascii() {
                (true, format!(" {t} "))
            } else {
                (false, t.to_string())
            }
        })
        .collect()
});

/// True when a heading could name an entity: not generic, not a topic, and not itself a
/// use-case, state, NFR, actor or out-of-scope heading.
pub fn could_name_entity(title: &str) -> bool {
    if title.trim().is_empty() || is_generic(title) || is_topic(title) {
        return false;
    }
    matches!(role(title), Role::Entities | Role::Other)
}

static LEAD_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:表名|表|table(?:\s+name)?|entity|实体|实体名)\s*[:]\s*(.+)$")
        .expect("regex")
});

/// A paragraph line that introduces the table or list after it: `**用户表（User）**`,
/// `表名：users`, `Table: users`, or (in a generic section) a short `用户表（users）：`.
pub fn lead_in(raw: &str, generic_section: bool) -> Option<NameParts> {
    let folded = fold(raw.trim());
    let plain = plain_inline(&folded);
    let plain = plain.trim();
    if let Some(c) = LEAD_TABLE.captures(plain) {
        let n = split_name(c.get(1)?.as_str());
        return (n.ident.is_some() || !n.label.is_empty()).then_some(n);
    }
    let stripped = folded.trim().trim_end_matches(':').trim();
    let fully_bold = stripped.starts_with("**")
        && stripped.ends_with("**")
        && stripped.len() > 4
        && !stripped[2..stripped.len() - 2].contains("**");
    let short_colon = generic_section
        && folded.trim().ends_with(':')
        && plain.chars().count() <= 40
        && !plain.contains(['.', '。', ',']);
    if !(fully_bold || short_colon) || plain.chars().count() > 60 {
        return None;
    }
    let text = plain.trim_end_matches(':').trim();
    if is_generic(text) || !could_name_entity(text) {
        return None;
    }
    let n = split_name(text);
    if n.ident.is_none() && (n.label.is_empty() || n.label.chars().count() > 16) {
        return None;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sn(s: &str) -> (Option<String>, String) {
        let n = split_name(s);
        (n.ident, n.label)
    }

    #[test]
    fn forms() {
        assert_eq!(sn("User"), (Some("User".into()), "".into()));
        assert_eq!(sn("用户 (User)"), (Some("User".into()), "用户".into()));
        assert_eq!(sn("用户（User）"), (Some("User".into()), "用户".into()));
        assert_eq!(sn("User-用户"), (Some("User".into()), "用户".into()));
        assert_eq!(
            sn("租户表（Tenant）"),
            (Some("Tenant".into()), "租户".into())
        );
        assert_eq!(sn("User(用户)"), (Some("User".into()), "用户".into()));
        assert_eq!(sn("User Table (user)"), (Some("user".into()), "".into()));
        assert_eq!(sn("`user_book`"), (Some("user_book".into()), "".into()));
        assert_eq!(
            sn("库存台账(Inventory Ledger)"),
            (Some("Inventory Ledger".into()), "库存台账".into())
        );
        assert_eq!(sn("订单 Order"), (Some("Order".into()), "订单".into()));
        assert_eq!(sn("会员"), (None, "会员".into()));
        assert_eq!(sn("Order Entity"), (Some("Order".into()), "".into()));
        assert_eq!(sn("t_user"), (Some("user".into()), "".into()));
        assert_eq!(sn("📦 Orders"), (Some("Orders".into()), "".into()));
        // Found by fuzzing: two suffixes in a row (`… data model`, then `model`).
        assert_eq!(sn("Order data model"), (Some("Order".into()), "".into()));
        assert_eq!(sn("x data model"), (Some("x".into()), "".into()));
        // A numbered kind is not the name: `Entity 1 — doctors`.
        assert_eq!(
            sn("Entity 1 — doctors"),
            (Some("doctors".into()), "".into())
        );
        assert_eq!(
            sn("Table 12: order_items"),
            (Some("order_items".into()), "".into())
        );
    }

    #[test]
    fn generic() {
        assert!(is_generic("数据字典"));
        assert!(is_generic("Data Model"));
        assert!(is_generic("Key Entities"));
        assert!(is_generic("核心数据表"));
        assert!(is_generic("Fields"));
        assert!(!is_generic("用户表"));
        assert!(!is_generic("Order Entity"));
        assert!(!could_name_entity("订单状态流转"));
        assert!(could_name_entity("用户 (User)"));
    }

    #[test]
    fn topics() {
        for t in [
            "Validation Rules",
            "ER Diagram",
            "Indexes",
            "Extension points",
            "Entity Relationship Overview",
            "Key Design Decisions",
            "乐观锁机制",
            "前言",
            "设计原则",
            "集合列",
            "RuoYi-Vue-Pro 技术栈",
            "TypeScript Interface",
            "Backend",
            "前端框架",
        ] {
            assert!(!could_name_entity(t), "{t}");
        }
        // Whole words only: entities whose names contain a topic word stay nameable.
        assert!(could_name_entity("DiscountRule"));
        assert!(could_name_entity("Insurance Policy"));
        assert!(could_name_entity("IndexEntry"));
        assert!(is_generic("Key Attributes"));
        assert!(is_generic("关键属性"));
        assert!(is_generic("数据库设计概览"));
        assert!(is_generic("Models"));
    }

    #[test]
    fn lead_ins() {
        assert_eq!(
            lead_in("**用户表（User）**", false).and_then(|n| n.ident),
            Some("User".into())
        );
        assert_eq!(
            lead_in("表名：t_order", false).and_then(|n| n.ident),
            Some("order".into())
        );
        assert!(lead_in("**Fields**:", false).is_none());
        assert!(lead_in("**Key Attributes:**", false).is_none());
        assert!(lead_in("**Validation Rules**", false).is_none());
        assert!(lead_in("字段如下：", true).is_none());
        assert!(lead_in("存储用户的基本信息。", true).is_none());
    }
}
