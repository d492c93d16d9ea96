//! Non-functional requirements: peak QPS, latency percentiles, availability, concurrency,
//! data retention and multi-tenancy, read from NFR / Success Criteria / Technical Context
//! sections and from any line that states one plainly. Values found in an NFR section win
//! over values found elsewhere; within a rank the first one wins.
//!
//! Every measurable line is also kept as written in `nfr.statements`, so targets that fit no
//! value (`Lighthouse 90+`, `成功率>99%`) are not lost.
//!
//! Codes: W501 summary of defaulted values, W502 a value stated twice with different numbers.

use super::roles::{section_roles, Role};
use crate::diag::{Diagnostic, Text};
use crate::model::{Nfr, NfrStatement, NfrValue};
use crate::prd::{fold, Block, Document, NarrowRegex};
use regex::Regex;
use std::sync::LazyLock;

/// A number as written: `3000`, `2,000`, `1.5`.
const NUM: &str = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)";
/// A multiplier written after a number: `3k`, `1万`, `2w`.
const MULT: &str = r"\s*([kK千万wW])?";

fn re(s: &str) -> Regex {
    // The patterns are constants; a bad one is a bug caught by the tests.
    Regex::new(s).unwrap_or_else(|e| panic!("nfr regex {s}: {e}"))
}

static QPS_AFTER: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i){NUM}{MULT}\s*(?:qps|tps|rps|req/s|reqs/s|requests?\s*/\s*s(?:ec)?|requests?\s+per\s+second|次\s*/\s*秒|次每秒)"
    ))
});
static QPS_BEFORE: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)(?:qps|tps|rps|吞吐量|每秒请求数)\s*(?:峰值)?\s*[:=]?\s*(?:达到|不低于|不少于|至少|at least|of|>=|≥|>)?\s*{NUM}{MULT}"
    ))
});
static QPS_ZH: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"每秒\s*(?:处理|支持|承载)?\s*{NUM}{MULT}\s*(?:个|次)?\s*(?:请求|访问|调用)"
    ))
});

static PERCENTILE: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)\b(?:tp|p)(9[059])\b[^\d\n]{{0,20}}?{NUM}\s*(ms|毫秒|s|秒|sec|seconds?)\b?"
    ))
});
static PERCENT_OF_REQUESTS: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)\b(9[059])\s*%\s*(?:of\s+)?(?:the\s+)?(?:api\s+)?(?:requests|请求|调用)[^\d\n]{{0,40}}?{NUM}\s*(ms|毫秒|s|秒)"
    ))
});
/// `respond within 200 ms at P95`: the percentile after the number.
static PERCENTILE_AFTER: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i){NUM}\s*(ms|毫秒|s|秒|sec|seconds?)\s*(?:at|@|for|in)?\s*(?:the\s+)?(?:tp|p)(9[059])\b"
    ))
});
/// `95% of searches return in under 1 second`, `95% 的查询在 1 秒内返回`.
static PERCENT_WITHIN: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)\b(9[059])\s*%[^\d\n%]{{0,40}}?(?:return|respond|complete|load|finish|render|返回|响应|完成|加载)[^\d\n]{{0,16}}?{NUM}\s*(ms|毫秒|s|秒|sec|seconds?)\b?"
    ))
});
/// `THE system SHALL respond within 200 ms at P95`, `2 秒内响应`, `页面加载 < 2s`.
static WITHIN_LATENCY: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)(?:respond|return|load|render|complete)s?(?:ed)?\s+(?:with)?in\s+(?:under\s+|less\s+than\s+)?{NUM}\s*(ms|毫秒|s|秒|sec|seconds?)\b|(?:响应|返回|加载)[^\d\n]{{0,8}}?(?:<|≤|<=|小于|不超过|低于)?\s*{NUM}\s*(ms|毫秒|s|秒)|{NUM}\s*(ms|毫秒|s|秒)\s*(?:内|以内|之内)\s*(?:完成|响应|返回|加载|打开|显示|展示|处理)"
    ))
});
static PLAIN_LATENCY: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)(?:响应时间|响应耗时|延迟|时延|latency|response\s+time)[^\d\n]{{0,20}}?{NUM}\s*(ms|毫秒|s|秒)"
    ))
});

static AVAILABILITY_KW: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)可用性|可用率|服务可用|uptime|availability|\bsla\b|\bslo\b"));
static PERCENT: LazyLock<NarrowRegex> =
    LazyLock::new(|| NarrowRegex::digits(r"(\d{2,3}(?:\.\d+)?)\s*%"));

static CONCURRENCY_AFTER: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i){NUM}{MULT}\s*(?:个|名|位|人)?[\p{{Han}}A-Za-z ]{{0,12}}?(?:同时在线|并发|concurrent|simultaneous)"
    ))
});
static CONCURRENCY_BEFORE: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)(?:并发(?:用户数?|数|量|连接数?|请求数?)?|同时在线(?:用户数?|人数)?|concurrency|concurrent users)\s*[:=]?\s*(?:达到|不低于|不少于|支持|至少|of|>=|≥)?\s*{NUM}{MULT}"
    ))
});

static RETENTION: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i)(?:保留|保存|留存|存档|retain(?:ed)?|retention|kept|keep|stored|archived)[^\d\n]{{0,24}}?{NUM}\s*(天|日|个月|月|年|days?|months?|years?|yrs?)"
    ))
});
static RETENTION_BEFORE: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(&format!(
        r"(?i){NUM}[- ]?(day|month|year)s?\s+(?:data\s+)?retention"
    ))
});

static TENANCY_NO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)单租户|非多租户|不(?:支持|需要|做)多租户|single[- ]tenant|no\s+multi[- ]?tenan|not\s+multi[- ]?tenant",
    )
});
static TENANCY_YES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)多租户|租户|multi[- ]?tenan|\btenants?\b|tenant_id"));

/// One value found, with its rank (0 = NFR section) and line.
#[derive(Debug, Clone, Copy)]
struct Found<T> {
    value: T,
    rank: u8,
    line: u32,
}

#[derive(Default)]
struct Acc {
    statements: Vec<NfrStatement>,
    qps: Vec<Found<u32>>,
    p95: Vec<Found<u32>>,
    p99: Vec<Found<u32>>,
    availability: Vec<Found<f64>>,
    concurrency: Vec<Found<u32>>,
    retention: Vec<Found<u32>>,
    tenancy: Vec<Found<bool>>,
}

/// Extracts the NFRs; values not found keep the documented defaults, with one W501.
pub fn extract(doc: &Document, diags: &mut Vec<Diagnostic>) -> Nfr {
    let mut acc = Acc::default();
    let roles = section_roles(doc);
    for (si, sec) in doc.sections.iter().enumerate() {
        if doc.ancestry(si).iter().any(|s| s.struck) {
            continue;
        }
        let rank = match roles[si] {
            Role::OutOfScope => continue,
            Role::Nfr => 0,
            _ => 1,
        };
        for b in &sec.blocks {
            match b {
                Block::Paragraph(lines) => {
                    for l in lines.iter().filter(|l| !l.struck) {
                        visit(&l.text, l.pos.line, rank, &mut acc);
                    }
                }
                Block::List(items) => {
                    for it in items.iter().filter(|i| !i.struck) {
                        visit(&it.text, it.pos.line, rank, &mut acc);
                    }
                }
                Block::Table(t) => {
                    for row in t.rows.iter().filter(|r| !r.struck) {
                        let text: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
                        visit(&text.join(" | "), row.pos.line, rank, &mut acc);
                    }
                }
                Block::Code(_) => {}
            }
        }
    }
    let mut nfr = Nfr {
        statements: std::mem::take(&mut acc.statements),
        ..Nfr::default()
    };
    let mut defaulted = Vec::new();
    pick(
        &acc.qps,
        &mut nfr.peak_qps,
        "peak_qps",
        "峰值 QPS",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.p95,
        &mut nfr.latency_p95_ms,
        "latency_p95_ms",
        "P95 延迟",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.p99,
        &mut nfr.latency_p99_ms,
        "latency_p99_ms",
        "P99 延迟",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.availability,
        &mut nfr.availability_percent,
        "availability_percent",
        "可用性",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.concurrency,
        &mut nfr.concurrency,
        "concurrency",
        "并发数",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.retention,
        &mut nfr.retention_days,
        "retention_days",
        "数据保留天数",
        diags,
        &mut defaulted,
    );
    pick(
        &acc.tenancy,
        &mut nfr.multi_tenancy,
        "multi_tenancy",
        "多租户",
        diags,
        &mut defaulted,
    );
    if !defaulted.is_empty() {
        let en: Vec<String> = defaulted
            .iter()
            .map(|(n, _, v)| format!("{n} = {v}"))
            .collect();
        let zh: Vec<String> = defaulted
            .iter()
            .map(|(_, n, v)| format!("{n} = {v}"))
            .collect();
        diags.push(
            Diagnostic::warning(
                "W501",
                0,
                0,
                Text::new(
                    format!("non-functional requirements not stated, defaults used: {}", en.join(", ")),
                    format!("文档未给出以下非功能需求，使用默认值：{}", zh.join("，")),
                ),
            )
            .with_help(Text::new(
                "state them under \"## Non-Functional Requirements\", e.g. \"peak 2000 QPS, P95 < 200 ms, 99.9% availability, 500 concurrent users, data retained for 3 years\"",
                "在 \"## 非功能需求\" 下写明，例如 \"峰值 QPS 2000，P95 ≤ 200 毫秒，可用性 99.9%，并发 500，数据保留 3 年\"",
            )),
        );
    }
    nfr
}

/// Chooses the best-ranked, earliest value; warns when NFR sections disagree.
fn pick<T: Copy + PartialEq + std::fmt::Display>(
    found: &[Found<T>],
    slot: &mut NfrValue<T>,
    name: &'static str,
    zh: &'static str,
    diags: &mut Vec<Diagnostic>,
    defaulted: &mut Vec<(&'static str, &'static str, String)>,
) {
    let Some(best) = found.iter().min_by_key(|f| (f.rank, f.line)) else {
        defaulted.push((name, zh, slot.value.to_string()));
        return;
    };
    *slot = NfrValue::at(best.value, best.line);
    if let Some(other) = found
        .iter()
        .filter(|f| f.rank == best.rank && f.line != best.line)
        .find(|f| f.value != best.value)
    {
        diags.push(
            Diagnostic::warning(
                "W502",
                other.line,
                1,
                Text::new(
                    format!(
                        "{name} stated twice: {} (line {}) and {} here; using {}",
                        best.value, best.line, other.value, best.value
                    ),
                    format!(
                        "{zh} 出现两个不同的值：{}（第 {} 行）与此处的 {}；采用 {}",
                        best.value, best.line, other.value, best.value
                    ),
                ),
            )
            .with_help(Text::new(
                "keep one value, or state which one applies at peak",
                "只保留一个值，或写明哪个是峰值指标",
            )),
        );
    }
}

/// Parses `2,000`, `1.5` with a multiplier (`k`, `万`) into a whole number.
fn number(num: &str, mult: Option<&str>) -> Option<u32> {
    let n: f64 = num.replace(',', "").parse().ok()?;
    let m = match mult {
        Some("k" | "K" | "千") => 1_000.0,
        Some("万" | "w" | "W") => 10_000.0,
        _ => 1.0,
    };
    let v = (n * m).round();
    (v.is_finite() && v >= 0.0 && v <= u32::MAX as f64).then_some(v as u32)
}

fn millis(num: &str, unit: &str) -> Option<u32> {
    let n = number(num, None)?;
    match unit.to_lowercase().as_str() {
        "ms" | "毫秒" => Some(n),
        _ => {
            let v: f64 = num.replace(',', "").parse().ok()?;
            let ms = (v * 1000.0).round();
            (ms.is_finite() && ms >= 0.0 && ms <= u32::MAX as f64).then_some(ms as u32)
        }
    }
}

/// Days in a retention period: 1 year = 365 days, 1 month = 30 days.
fn days(num: &str, unit: &str) -> Option<u32> {
    let n = number(num, None)?;
    let per = match unit.to_lowercase().as_str() {
        u if u.starts_with('y') || u == "年" => 365,
        u if u.starts_with('m') || u == "月" || u == "个月" => 30,
        _ => 1,
    };
    n.checked_mul(per)
}

/// Words one of which every NFR statement contains (a cheap filter before the regexes).
const NFR_WORDS: &[&str] = &[
    "qps",
    "tps",
    "rps",
    "req",
    "秒",
    "p9",
    "tp9",
    "响应",
    "延迟",
    "时延",
    "latency",
    "response",
    "%",
    "并发",
    "在线",
    "concurren",
    "simultaneous",
    "保留",
    "保存",
    "留存",
    "存档",
    "retain",
    "retention",
    "kept",
    "keep",
    "stored",
    "archived",
    "租户",
    "tenan",
    "respond",
    "return",
    "load",
    "返回",
    "加载",
];

/// `SC-001:`, `**NFR-2**:`, `PERF-1.` at the start of a line: a numbered NFR statement.
static STATEMENT_ID: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(
        r"^\s*\**\s*((?:SC|NFR|PERF|NF|QA)[-_]?\d+(?:\.\d+)*)\s*\**\s*[:：.)]\s*\**\s*(.*)$",
    )
});

impl Acc {
    fn values(&self) -> usize {
        self.qps.len()
            + self.p95.len()
            + self.p99.len()
            + self.availability.len()
            + self.concurrency.len()
            + self.retention.len()
            + self.tenancy.len()
    }
}

/// Scans one line for values, and keeps it as a statement when it is measurable: it holds a
/// number and a value was read from it, or it is in an NFR section, or it is numbered (`SC-001:`).
fn visit(text: &str, line: u32, rank: u8, acc: &mut Acc) {
    let before = acc.values();
    scan(text, line, rank, acc);
    // A statement holds a number (an id such as `SC-001` included): most lines hold none.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    // Kept as written (Chinese punctuation included); ids are ASCII anyway.
    let id = STATEMENT_ID.captures(text);
    // The digits of a leading requirement id (`FR-011:`) are not a measure.
    static LEADING_ID: LazyLock<NarrowRegex> =
        LazyLock::new(|| NarrowRegex::digits(r"^\W*[A-Za-z]{1,5}[-_]?\d+(?:\.\d+)*"));
    let has_number = LEADING_ID
        .replace(text, "")
        .chars()
        .any(|c| c.is_ascii_digit())
        || id.is_some();
    // A measurable statement holds a number (tenancy lines are kept as a value, not here).
    let keep = has_number && (acc.values() > before || rank == 0 || id.is_some());
    if !keep {
        return;
    }
    let (id, body) = match &id {
        Some(c) => (
            c.get(1).map(|m| m.as_str().to_string()).unwrap_or_default(),
            c.get(2).map(|m| m.as_str()).unwrap_or(""),
        ),
        None => (String::new(), text),
    };
    let text = body.replace("**", "").trim().to_string();
    if text.is_empty() || acc.statements.iter().any(|s| s.line == line) {
        return;
    }
    acc.statements.push(NfrStatement { id, text, line });
}

fn scan(text: &str, line: u32, rank: u8, acc: &mut Acc) {
    let t = fold(text);
    let lower = t.to_lowercase();
    if !NFR_WORDS.iter().any(|w| lower.contains(w)) {
        return;
    }

    let qps = QPS_AFTER
        .captures(&t)
        .or_else(|| QPS_BEFORE.captures(&t))
        .or_else(|| QPS_ZH.captures(&t));
    if let Some(c) = qps {
        if let Some(v) = c
            .get(1)
            .and_then(|n| number(n.as_str(), c.get(2).map(|m| m.as_str())))
        {
            if v > 0 {
                acc.qps.push(Found {
                    value: v,
                    rank,
                    line,
                });
            }
        }
    }

    let mut any_percentile = false;
    for c in PERCENTILE
        .captures_iter(&t)
        .chain(PERCENT_OF_REQUESTS.captures_iter(&t))
        .chain(PERCENT_WITHIN.captures_iter(&t))
    {
        let (Some(p), Some(n), Some(u)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let Some(ms) = millis(n.as_str(), u.as_str()) else {
            continue;
        };
        any_percentile = true;
        match p.as_str() {
            "95" => acc.p95.push(Found {
                value: ms,
                rank,
                line,
            }),
            "99" => acc.p99.push(Found {
                value: ms,
                rank,
                line,
            }),
            _ => {}
        }
    }
    for c in PERCENTILE_AFTER.captures_iter(&t) {
        let (Some(n), Some(u), Some(p)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let Some(ms) = millis(n.as_str(), u.as_str()) else {
            continue;
        };
        any_percentile = true;
        let found = Found {
            value: ms,
            rank,
            line,
        };
        match p.as_str() {
            "95" => acc.p95.push(found),
            "99" => acc.p99.push(found),
            _ => {}
        }
    }
    if !any_percentile {
        // An unqualified response-time target is read as P95.
        if let Some(c) = PLAIN_LATENCY.captures(&t) {
            if let (Some(n), Some(u)) = (c.get(1), c.get(2)) {
                if let Some(ms) = millis(n.as_str(), u.as_str()) {
                    acc.p95.push(Found {
                        value: ms,
                        rank,
                        line,
                    });
                }
            }
        } else if let Some(c) = WITHIN_LATENCY.captures(&t) {
            // Three alternatives, each with its (number, unit) pair.
            let pair = [(1, 2), (3, 4), (5, 6)]
                .into_iter()
                .find_map(|(a, b)| Some((c.get(a)?, c.get(b)?)));
            if let Some((n, u)) = pair {
                if let Some(ms) = millis(n.as_str(), u.as_str()) {
                    acc.p95.push(Found {
                        value: ms,
                        rank,
                        line,
                    });
                }
            }
        }
    }

    if AVAILABILITY_KW.is_match(&t) {
        let v = PERCENT
            .captures_iter(&t)
            .filter_map(|c| c.get(1)?.as_str().parse::<f64>().ok())
            .find(|v| (90.0..=100.0).contains(v));
        if let Some(v) = v {
            acc.availability.push(Found {
                value: v,
                rank,
                line,
            });
        }
    }

    let conc = CONCURRENCY_AFTER
        .captures(&t)
        .or_else(|| CONCURRENCY_BEFORE.captures(&t));
    if let Some(c) = conc {
        if let Some(v) = c
            .get(1)
            .and_then(|n| number(n.as_str(), c.get(2).map(|m| m.as_str())))
        {
            if v > 0 {
                acc.concurrency.push(Found {
                    value: v,
                    rank,
                    line,
                });
            }
        }
    }

    let ret = RETENTION
        .captures(&t)
        .or_else(|| RETENTION_BEFORE.captures(&t));
    if let Some(c) = ret {
        if let (Some(n), Some(u)) = (c.get(1), c.get(2)) {
            if let Some(d) = days(n.as_str(), u.as_str()) {
                acc.retention.push(Found {
                    value: d,
                    rank,
                    line,
                });
            }
        }
    }

    if TENANCY_NO.is_match(&t) {
        acc.tenancy.push(Found {
            value: false,
            rank,
            line,
        });
    } else if TENANCY_YES.is_match(&t) {
        acc.tenancy.push(Found {
            value: true,
            rank,
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prd;

    fn nfr(src: &str) -> (Nfr, Vec<Diagnostic>) {
        let mut d = vec![];
        let n = extract(&prd::parse(src), &mut d);
        (n, d)
    }

    #[test]
    fn english_phrases() {
        let (n, d) = nfr("# X\n\n## Non-Functional Requirements\n\n- The API sustains 2,000 requests per second.\n- p95 under 200 ms and P99 < 450ms\n- 99.95% uptime\n- 1000 concurrent users\n- Records are retained for 7 years.\n- Every clinic is a tenant.\n");
        assert_eq!(n.peak_qps, NfrValue::at(2000, 5));
        assert_eq!(n.latency_p95_ms, NfrValue::at(200, 6));
        assert_eq!(n.latency_p99_ms, NfrValue::at(450, 6));
        assert_eq!(n.availability_percent, NfrValue::at(99.95, 7));
        assert_eq!(n.concurrency, NfrValue::at(1000, 8));
        assert_eq!(n.retention_days, NfrValue::at(7 * 365, 9));
        assert_eq!(n.multi_tenancy, NfrValue::at(true, 10));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn chinese_phrases() {
        let (n, d) = nfr("# 系统\n\n## 非功能需求\n\n- 峰值 QPS 3000\n- 响应时间 P95 ≤ 200 毫秒，P99 ≤ 1 秒\n- 可用性 99.9%\n- 并发 500\n- 数据保留 5 年\n- 支持多租户\n");
        assert_eq!(n.peak_qps.value, 3000);
        assert_eq!(n.latency_p95_ms.value, 200);
        assert_eq!(n.latency_p99_ms.value, 1000);
        assert_eq!(n.availability_percent.value, 99.9);
        assert_eq!(n.concurrency.value, 500);
        assert_eq!(n.retention_days.value, 1825);
        assert!(n.multi_tenancy.value);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn multipliers_and_variants() {
        let (n, _) = nfr("- 3k QPS at peak\n- 1万 TPS\n- 支持 300 名读者同时在线\n- 单租户部署\n- 95% of requests complete within 300 ms\n- 7-year retention\n");
        assert_eq!(n.peak_qps.value, 3000);
        assert_eq!(n.concurrency.value, 300);
        assert!(!n.multi_tenancy.value && !n.multi_tenancy.defaulted);
        assert_eq!(n.latency_p95_ms.value, 300);
        assert_eq!(n.retention_days.value, 2555);
    }

    #[test]
    fn defaults_summarised_once() {
        let (n, d) = nfr("# Nothing\n\nJust prose with 42 things.\n");
        assert_eq!(n, Nfr::default());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "W501");
        assert!(d[0].message.en.contains("peak_qps = 100"));
    }

    #[test]
    fn nfr_section_wins_and_conflicts_warn() {
        let (n, d) =
            nfr("# X\n\nWe expect 10 QPS today.\n\n## Performance\n\n- 500 QPS\n- 800 QPS\n");
        assert_eq!(n.peak_qps, NfrValue::at(500, 7));
        assert!(d.iter().any(|d| d.code == "W502" && d.line == 8));
    }

    #[test]
    fn statements_and_within_forms() {
        let (n, _) = nfr("# X\n\n## Success Criteria\n\n- **SC-001**: 95% of searches return in under 1 second\n- **SC-002**: 报名成功率>99%\n- Lighthouse score 90+\n- Keep it simple\n\n## Flows\n\n- SC-003: at most 5 bookings per hour\n- step 2 of 3\n");
        assert_eq!(n.latency_p95_ms, NfrValue::at(1000, 5));
        let s: Vec<(&str, &str, u32)> = n
            .statements
            .iter()
            .map(|s| (s.id.as_str(), s.text.as_str(), s.line))
            .collect();
        assert_eq!(
            s,
            [
                ("SC-001", "95% of searches return in under 1 second", 5),
                ("SC-002", "报名成功率>99%", 6),
                ("", "Lighthouse score 90+", 7),
                ("SC-003", "at most 5 bookings per hour", 12),
            ]
        );
        let (n, _) =
            nfr("## 性能\n\n- 查询在 2 秒内返回\n- THE system SHALL respond within 300 ms\n");
        assert_eq!(n.latency_p95_ms, NfrValue::at(2000, 3));
    }

    #[test]
    fn garbage_does_not_panic() {
        nfr("99999999999999999999 QPS\nP99 < 99999999999999 s\n保留 999999999999 年\n\u{0}%");
    }
}
