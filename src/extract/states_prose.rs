//! Transitions stated in sentences, as Kiro "Correctness Properties" and spec-kit business
//! rules write them: `status becomes 'paid'`, `changing the contract status to "cancelled"`,
//! `状态为"待支付"的订单，成功支付后状态应变为"待使用"`, `只有"待支付"或"待使用"状态的订单可以被取消`.
//! Only quoted states are read, so ordinary prose never becomes a transition.
//!
//! A sentence that does not say the source state leaves `from` empty: the machine's initial
//! state is assumed where it is attached ([`super::states`], W312).

use super::lexicon;
use crate::prd::fold;
use regex::Regex;
use std::sync::LazyLock;

/// One transition read from a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ProseTransition {
    /// Empty when the sentence does not say (the initial state is assumed).
    pub from: String,
    pub to: String,
    pub event: String,
    /// The words just before the status phrase (`the contract`): the entity it is about.
    pub subject: String,
}

/// A quoted state: 'x', "x", “x”, ‘x’, `x`, 「x」.
const Q: &str = r#"['"“”‘’`「]([^'"“”‘’`「」\n]{1,30})['"“”‘’`」]"#;

fn re(s: &str) -> Regex {
    // The patterns are constants; a bad one is a bug caught by the tests.
    Regex::new(s).unwrap_or_else(|e| panic!("prose state regex {s}: {e}"))
}

/// `status becomes 'x'`, `status SHALL automatically become "x"`, `status to "x"`,
/// `status is set to x`, `marked as "x"`.
static EN_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b(?:status|state)\s+(?:(?:shall|should|will|must|is|are|then)\s+)*(?:automatically\s+)?(?:becomes?|changes?\s+to|(?:set|updated|changed|moved|transitioned)\s+to|transitions?\s+to|goes\s+to|to)|\bmarked\s+(?:as\s+)?)\s*{Q}"
    ))
});
/// `status 'x'`, `status is "x"`, `with status = x` (the source, before the target).
static EN_FROM: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:status|state)\s+(?:is\s+|=\s*|of\s+)?{Q}"
    ))
});
/// `状态应变为"x"`, `状态更新为“x”`, `状态将自动变为'x'`.
static ZH_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:状态)?(?:应当|应该|应|将|会|须|必须)?(?:自动)?(?:变为|变成|更新为|改为|置为|转为|变更为|流转为|设为|设置为|改成)\s*{Q}"
    ))
});
/// `状态为"x"的` (the source).
static ZH_FROM: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"状态(?:为|是)\s*{Q}")));
/// `只有"a"或"b"状态的订单可以被取消`.
static ZH_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"只有\s*((?:{Q}\s*(?:或|、|和|,|，)?\s*)+)状态的[^，。,;；]{{0,12}}?(?:可以|才能|能)被?\s*(\p{{Han}}{{2}})"
    ))
});
/// `only "pending" or "confirmed" bookings can be cancelled`.
static EN_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\bonly\s+((?:{Q}\s*(?:,|or|and)?\s*)+)[A-Za-z ]{{0,30}}?\bcan\s+be\s+([a-z]+ed)\b"
    ))
});
/// `status changes from 'a' to 'b'`, `状态从"a"变为"b"`, `由"a"转为"b"`.
static FROM_TO: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)(?:\b(?:status|state)\b[^'\x22“”‘’`「]{{0,30}}?\bfrom\s+{Q}\s+(?:to|into)\s+{Q}|(?:从|由)\s*{Q}\s*(?:状态)?\s*(?:变为|变成|变更为|转为|流转为|改为|更新为|到)\s*{Q})"
    ))
});
static QUOTED: LazyLock<Regex> = LazyLock::new(|| re(Q));

/// The transitions a sentence states, in order.
pub fn transitions(text: &str) -> Vec<ProseTransition> {
    let t = fold(text).replace("**", "").replace('*', "");
    let mut out = Vec::new();
    for c in FROM_TO.captures_iter(&t) {
        let (Some(whole), Some(from), Some(to)) = (
            c.get(0),
            c.get(1).or_else(|| c.get(3)),
            c.get(2).or_else(|| c.get(4)),
        ) else {
            continue;
        };
        let before = t.get(..whole.start()).unwrap_or("");
        let zh = c.get(3).is_some();
        out.push(ProseTransition {
            from: from.as_str().trim().to_string(),
            to: to.as_str().trim().to_string(),
            event: if zh {
                lexicon::zh_verb(before, lexicon::ZH_VERBS)
                    .map(|(v, _)| v.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            },
            subject: subject_before(before, zh),
        });
    }
    if !out.is_empty() {
        return out;
    }
    for (target, from_re, zh) in [
        (&*EN_TARGET, &*EN_FROM, false),
        (&*ZH_TARGET, &*ZH_FROM, true),
    ] {
        for c in target.captures_iter(&t) {
            let (Some(whole), Some(to)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let before = t.get(..whole.start()).unwrap_or("");
            // The nearest source stated before the target.
            let from_m = from_re
                .captures_iter(before)
                .last()
                .and_then(|f| Some((f.get(0)?.end(), f.get(1)?.as_str().trim().to_string())));
            let (from, between) = match &from_m {
                Some((end, s)) => (s.clone(), before.get(*end..).unwrap_or("")),
                None => (String::new(), before),
            };
            let event = if zh {
                lexicon::zh_verb(between, lexicon::ZH_VERBS)
                    .map(|(v, _)| v.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            out.push(ProseTransition {
                from,
                to: to.as_str().trim().to_string(),
                event,
                subject: subject_before(before, zh),
            });
        }
    }
    for (only, zh) in [(&*ZH_ONLY, true), (&*EN_ONLY, false)] {
        for c in only.captures_iter(&t) {
            let (Some(list), Some(verb)) = (c.get(1), c.get(c.len() - 1)) else {
                continue;
            };
            let verb = verb.as_str();
            let to = if zh {
                format!("已{verb}")
            } else {
                verb.to_string()
            };
            for q in QUOTED.captures_iter(list.as_str()) {
                if let Some(from) = q.get(1) {
                    out.push(ProseTransition {
                        from: from.as_str().trim().to_string(),
                        to: to.clone(),
                        event: if zh { verb.to_string() } else { String::new() },
                        subject: String::new(),
                    });
                }
            }
        }
    }
    out
}

/// The last three words before the status phrase (`changing the contract`), or for Chinese
/// the few characters before it.
fn subject_before(before: &str, zh: bool) -> String {
    if zh {
        let chars: Vec<char> = before.chars().collect();
        let from = chars.len().saturating_sub(8);
        return chars[from..].iter().collect();
    }
    let ws: Vec<&str> = before.split_whitespace().collect();
    let from = ws.len().saturating_sub(3);
    ws[from..].join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(t: &str) -> Vec<String> {
        transitions(t)
            .into_iter()
            .map(|p| format!("{}>{}:{}", p.from, p.to, p.event))
            .collect()
    }

    #[test]
    fn english_sentences() {
        assert_eq!(
            summary("- If amount = balance: status becomes 'settled', balance = 0"),
            [">settled:"]
        );
        assert_eq!(
            summary("*For any* lease, changing the lease status to \"ended\" SHALL end its slots."),
            [">ended:"]
        );
        assert_eq!(
            summary(
                "For any invoice with status 'open', the invoice status SHALL become \"void\"."
            ),
            ["open>void:"]
        );
        assert_eq!(
            summary("a ticket that is marked as \"resolved\""),
            [">resolved:"]
        );
        assert_eq!(
            summary("Only \"draft\" or \"queued\" jobs can be cancelled."),
            ["draft>cancelled:", "queued>cancelled:"]
        );
        assert!(summary("The status page shows the state of the system.").is_empty());
        assert_eq!(
            summary("When paid, the order status changes from 'pending' to 'paid'."),
            ["pending>paid:"]
        );
        let p = transitions("changing the lease status to 'ended'");
        assert_eq!(p[0].subject, "changing the lease");
    }

    #[test]
    fn chinese_sentences() {
        assert_eq!(
            summary("*对于任意* 状态为\"待审核\"的工单，审核通过后状态应变为\"处理中\"。"),
            ["待审核>处理中:审核通过"]
        );
        assert_eq!(summary("创建后状态自动变为“待处理”"), [">待处理:"]);
        assert_eq!(
            summary("维修员接单后，工单状态从“待处理”变为“处理中”"),
            ["待处理>处理中:"]
        );
        assert_eq!(
            summary("- 只有\"待审核\"或\"处理中\"状态的工单可以被取消"),
            ["待审核>已取消:取消", "处理中>已取消:取消"]
        );
    }
}
