//! Attributes listed in a Key-Entities bullet's prose: a bare list (`**Event**: id, title,
//! capacity, starts_at`), a list after a verb (`包含 id、标题(title)、容量`, `Holds the
//! customer's name, phone number (email optional), its status (active or cancelled)`).
//! Every name found is a guess: its type is inferred from the name later (W201).

use crate::extract::headings::split_name;
use crate::names;
use crate::prd::fold;
use regex::Regex;
use std::sync::LazyLock;

/// One attribute read from prose.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProseAttr {
    /// snake_case name.
    pub name: String,
    pub label: String,
    /// `(active or cancelled)` → `(active/cancelled)`, for enum values.
    pub hint: String,
    pub optional: bool,
    pub unique: bool,
    /// `the reserved slot's time`: the words naming whose attribute it is (`reserved slot`).
    pub of: Option<String>,
}

/// What a prose bullet lists: attributes, and the names it could not turn into identifiers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProseAttrs {
    pub attrs: Vec<ProseAttr>,
    pub skipped: Vec<String>,
}

/// A verb or label that starts an attribute list, near the start of a sentence.
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[\w']+\s+){0,3}?(?:holds?|has|have|contains?|includes?|stores?|records?|tracks?|captures?|keeps?|consists of|consisting of|comprises|comprising|fields?\s*:|attributes?\s*:|columns?\s*:|with fields|with attributes)\s+|^(?:(?:包含|包括|含有|记录|存储|保存)(?:以下)?(?:字段|属性|信息)?(?:有|如下)?\s*[:：]?|(?:主要)?(?:字段|属性)\s*[:：])\s*")
        .expect("regex")
});
/// The same in the middle of a Chinese sentence, after a comma: `下单记录，包含订单号(order_no)、…`.
static LEAD_ZH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[,，]\s*(?:(?:包含|包括|含有)(?:以下)?(?:字段|属性|信息)?|主要字段|字段|属性)\s*(?:有|如下)?\s*[:：]?\s*")
        .expect("regex")
});

/// Words that turn a segment into a clause, not a name (`when the booking was made`).
const CLAUSE: &[&str] = &[
    "when", "where", "which", "that", "who", "whom", "how", "whether", "if", "was", "is", "are",
    "were", "be", "been", "being", "by", "to", "for", "from", "can", "will", "may", "must",
    "should", "it", "they",
];
/// Leading words that make a segment name related things, not an attribute
/// (`many orders`, `several addresses`).
const QUANTIFIERS: &[&str] = &[
    "many", "multiple", "several", "some", "more", "zero", "no", "all", "other", "various",
];
/// Leading words dropped from a segment.
const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "each",
    "every",
    "one",
    "any",
    "and",
    "or",
    "plus",
    "also",
    "optionally",
    "optional",
    "unique",
    "required",
];

/// Splits on `sep` characters outside parentheses.
fn split_outside(text: &str, seps: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && seps.contains(&c) {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits `a and b` / `a or b` outside parentheses (list tails).
fn split_conjunctions(seg: &str) -> Vec<String> {
    let marked = seg.replace(" and ", " \u{1} ").replace(" or ", " \u{2} ");
    // Only outside parentheses: markers inside one are put back.
    split_outside(&marked, &['\u{1}', '\u{2}'])
        .into_iter()
        .map(|p| p.replace('\u{1}', "and").replace('\u{2}', "or"))
        .collect()
}

/// True when `desc` is a sentence describing something (`A fixed-length time window …`,
/// `记录每次预约的信息。`), not a type and its modifiers.
pub fn is_sentence(desc: &str) -> bool {
    let t = fold(desc);
    let t = t.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    let opener = matches!(
        first.as_str(),
        "a" | "an" | "the" | "each" | "one" | "every" | "represents" | "describes" | "stores"
    );
    let ascii_sentence = words.len() >= 5 && (opener || t.ends_with('.'));
    let han = t.chars().filter(|c| !c.is_ascii()).count();
    ascii_sentence || (han >= 10 && t.contains(['，', '。', ',']))
}

/// The attributes listed in `desc`, or `None` when it lists none.
pub fn attributes(desc: &str) -> Option<ProseAttrs> {
    let text = fold(desc);
    let text = text.trim();
    if let Some(list) = bare_list(text) {
        return Some(list);
    }
    for sentence in split_outside(text, &['.', '。', ';', '；']) {
        let Some(m) = LEAD.find(&sentence).or_else(|| LEAD_ZH.find(&sentence)) else {
            continue;
        };
        let rest = &sentence[m.end()..];
        let got = listed(rest);
        if got.attrs.len() >= 2 {
            return Some(got);
        }
    }
    parenthesized(text)
}

/// `A person using the app (email, display name, role)`: a parenthesis listing names.
fn parenthesized(text: &str) -> Option<ProseAttrs> {
    let open = text.rfind('(')?;
    let inner = text[open + 1..].split(')').next()?;
    let inner = inner
        .trim()
        .trim_start_matches("e.g.")
        .trim_start_matches("attributes:")
        .trim_start_matches("fields:");
    if !inner.contains(',') && !inner.contains('、') {
        return None;
    }
    let got = listed(inner);
    let parts = split_outside(inner, &[',', '、']).len();
    // Every part must have read as a name: a parenthesis of prose is not a list.
    (got.attrs.len() >= 2 && got.attrs.len() + got.skipped.len() >= parts).then_some(got)
}

/// `id, title, capacity, starts_at`: the whole text is a list of identifiers.
fn bare_list(text: &str) -> Option<ProseAttrs> {
    let text = text.trim().trim_end_matches(['.', '。']);
    let toks = split_outside(text, &[',', '、']);
    if toks.len() < 2 {
        return None;
    }
    let mut out = ProseAttrs::default();
    let mut lower = 0;
    for tok in &toks {
        let tok = tok.trim_matches('`').trim();
        let head = tok.split('(').next().unwrap_or("").trim();
        if names::is_ascii_ident(head) && !head.contains(' ') {
            lower += usize::from(head.starts_with(|c: char| c.is_ascii_lowercase()));
            out.attrs.push(attr_of(head, tok));
        } else if let Some(a) = labelled(tok) {
            out.attrs.push(a);
        } else if !tok.is_ascii() && tok.chars().count() <= 8 && !tok.contains(' ') {
            out.skipped.push(tok.to_string());
        } else {
            return None;
        }
    }
    // `React, Vue, Redis`: names of things, not of fields.
    (out.attrs.len() >= 2 && lower * 2 > out.attrs.len()).then_some(out)
}

/// `标题(title)`: a label with its identifier.
fn labelled(tok: &str) -> Option<ProseAttr> {
    let n = split_name(tok);
    let ident = n
        .ident
        .filter(|i| !i.contains(' ') && !n.label.is_empty())?;
    Some(ProseAttr {
        name: names::snake(&ident),
        label: n.label,
        ..ProseAttr::default()
    })
}

/// `status(pending/paid)` → `status` with its hint.
fn attr_of(head: &str, tok: &str) -> ProseAttr {
    let inner = tok
        .split_once('(')
        .map(|(_, r)| r.trim_end_matches(')').trim().to_string())
        .unwrap_or_default();
    ProseAttr {
        name: names::snake(head),
        hint: if inner.is_empty() {
            String::new()
        } else {
            format!("({inner})")
        },
        ..ProseAttr::default()
    }
}

/// The list after a lead verb: segments split on commas and conjunctions.
fn listed(rest: &str) -> ProseAttrs {
    let mut out = ProseAttrs::default();
    let mut carry_unique = false;
    for seg in split_outside(rest, &[',', '、', '，']) {
        for part in split_conjunctions(&seg) {
            match segment(&part) {
                Segment::Attrs(mut attrs) => {
                    if let Some(a) = attrs.first_mut() {
                        a.unique |= carry_unique;
                    }
                    carry_unique = false;
                    out.attrs.extend(attrs);
                }
                Segment::Modifier { unique } => carry_unique |= unique,
                Segment::Skip(s) => {
                    carry_unique = false;
                    if !s.is_empty() {
                        out.skipped.push(s);
                    }
                }
            }
        }
    }
    out
}

enum Segment {
    Attrs(Vec<ProseAttr>),
    /// Only adjectives (`a unique`): they qualify the next segment.
    Modifier {
        unique: bool,
    },
    Skip(String),
}

/// One list segment: `the customer's name`, `phone number (email optional)`,
/// `its status (active or cancelled)`, `when the booking was made` (a clause: skipped).
fn segment(part: &str) -> Segment {
    let (main, paren) = match part.split_once('(') {
        Some((a, b)) => (a.trim(), b.split(')').next().unwrap_or("").trim()),
        None => (part.trim(), ""),
    };
    let main = main.trim_matches(['`', '"', '\'']);
    if !main.is_ascii() {
        // `标题(title)` in a verb list, or a Chinese name without an identifier.
        return match labelled(part.trim()) {
            Some(a) => Segment::Attrs(vec![a]),
            None => Segment::Skip(part.trim().to_string()),
        };
    }
    let lower = main.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.iter().any(|w| CLAUSE.contains(w)) {
        return Segment::Skip(String::new());
    }
    let unique = words.contains(&"unique");
    let optional = words.contains(&"optional") || paren == "optional";
    // `the reserved slot's time`: the attribute of another thing.
    let (of, words): (Option<String>, Vec<&str>) = match lower.rfind("'s ") {
        Some(i) => {
            let owner = lower[..i]
                .split_whitespace()
                .filter(|w| !DETERMINERS.contains(w))
                .collect::<Vec<_>>()
                .join(" ");
            let rest: Vec<&str> = lower[i + 3..].split_whitespace().collect();
            ((!owner.is_empty()).then_some(owner), rest)
        }
        None => (None, words),
    };
    let words: Vec<&str> = words
        .into_iter()
        .skip_while(|w| DETERMINERS.contains(w))
        .collect();
    if words.first().is_some_and(|w| QUANTIFIERS.contains(w)) {
        return Segment::Skip(String::new());
    }
    if words.is_empty() {
        return if unique {
            Segment::Modifier { unique }
        } else {
            Segment::Skip(String::new())
        };
    }
    let plain = words
        .iter()
        .all(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let lettered = words
        .first()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()));
    if !plain || !lettered || words.len() > 4 {
        return Segment::Skip(String::new());
    }
    // `unguessable cancellation token` → `cancellation_token`; `date of birth` stays whole.
    let kept: Vec<&str> = if words.contains(&"of") || words.len() <= 2 {
        words.clone()
    } else {
        words[words.len() - 2..].to_vec()
    };
    let mut attrs = vec![ProseAttr {
        name: names::snake(&kept.join("_")),
        optional,
        unique,
        of,
        ..ProseAttr::default()
    }];
    read_paren(paren, &mut attrs);
    Segment::Attrs(attrs)
}

/// The parenthesis after a name: `(active or cancelled)` → enum hint; `(email optional)` →
/// one more, optional attribute; `(optional)` → the attribute is optional.
fn read_paren(paren: &str, attrs: &mut Vec<ProseAttr>) {
    let p = paren.to_ascii_lowercase();
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.is_empty() || !p.is_ascii() {
        return;
    }
    if let [name @ .., last] = words.as_slice() {
        if matches!(*last, "optional" | "required") && !name.is_empty() && name.len() <= 2 {
            attrs.push(ProseAttr {
                name: names::snake(&name.join("_")),
                optional: *last == "optional",
                ..ProseAttr::default()
            });
            return;
        }
    }
    let values: Vec<&str> = p
        .split([',', '/', '|'])
        .flat_map(|x| x.split(" or "))
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect();
    let single = values
        .iter()
        .all(|v| !v.contains(' ') && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if values.len() >= 2 && single {
        if let Some(a) = attrs.first_mut() {
            a.hint = format!("({})", values.join("/"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(desc: &str) -> Vec<String> {
        attributes(desc)
            .map(|a| a.attrs.into_iter().map(|x| x.name).collect())
            .unwrap_or_default()
    }

    #[test]
    fn bare_lists() {
        assert_eq!(
            names_of("id, title, capacity, starts_at"),
            vec!["id", "title", "capacity", "starts_at"]
        );
        assert!(names_of("React, Vue, Redis").is_empty());
        let a = attributes("包含 id、标题(title)、容量").expect("listed");
        assert_eq!(
            a.attrs.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
            vec!["id", "title"]
        );
        assert_eq!(a.skipped, vec!["容量"]);
        assert_eq!(
            names_of("包含字段 loan_no、due_date、status"),
            vec!["loan_no", "due_date", "status"]
        );
        assert_eq!(
            names_of("读者的借阅记录。字段：loan_no、due_date"),
            vec!["loan_no", "due_date"]
        );
    }

    #[test]
    fn sentences() {
        let a = attributes(
            "A member's loan of one copy. Holds the member's name, mobile number (email optional), the borrowed copy's barcode, when the loan was made, its state (open or returned), and a unique, random return code.",
        )
        .expect("listed");
        let got: Vec<(&str, bool, bool, Option<&str>, &str)> = a
            .attrs
            .iter()
            .map(|x| {
                (
                    x.name.as_str(),
                    x.optional,
                    x.unique,
                    x.of.as_deref(),
                    x.hint.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("name", false, false, Some("member"), ""),
                ("mobile_number", false, false, None, ""),
                ("email", true, false, None, ""),
                ("barcode", false, false, Some("borrowed copy"), ""),
                ("state", false, false, None, "(open/returned)"),
                ("return_code", false, true, None, ""),
            ]
        );
        assert!(attributes("A time window within opening hours.").is_none());
        assert_eq!(
            names_of("顾客的一次借阅，包含借阅号(loan_no)、到期日(due_date)、状态(status)"),
            vec!["loan_no", "due_date", "status"]
        );
        assert!(names_of("A customer has many orders and several addresses.").is_empty());
        assert_eq!(
            names_of("A person using the app (email, display name, role)"),
            vec!["email", "display_name", "role"]
        );
        assert!(names_of("A slot (30 minutes, fixed) in the calendar").is_empty());
        assert_eq!(
            names_of("A task. Key attributes include title, due date and priority (low/high)."),
            vec!["title", "due_date", "priority"]
        );
        assert_eq!(
            names_of("A shelf in the store. Key fields: code, floor, capacity"),
            vec!["code", "floor", "capacity"]
        );
    }
}
