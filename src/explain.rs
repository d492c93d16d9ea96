//! `analyze --explain`: what each part of the PRD became, section by section, so that a
//! product manager can see what was read, what was guessed and what was skipped (and why).
//! Pure: text and analysis in, report out.

use crate::analyze::Analysis;
use crate::diag::Severity;
use crate::extract::roles::{role, Role};
use crate::model::{Lang, Model};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One thing read from the PRD, at a line.
struct Item {
    line: u32,
    what: String,
}

fn items(model: &Model, lang: Lang) -> Vec<Item> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    let mut push = |line: u32, what: String| {
        if line > 0 {
            out.push(Item { line, what });
        }
    };
    for e in &model.entities {
        let label = if e.label != e.name && !e.label.is_empty() {
            format!(" ({})", e.label)
        } else {
            String::new()
        };
        push(
            e.line,
            if zh {
                format!("实体 {}{label} → 表 {}", e.name, e.table)
            } else {
                format!("entity {}{label} → table {}", e.name, e.table)
            },
        );
        for f in &e.fields {
            let mut ty = f.ty.as_str().to_string();
            if let Some(r) = &f.references {
                ty = format!("ref {r}");
            }
            if !f.enum_values.is_empty() {
                let vs: Vec<&str> = f.enum_values.iter().map(|v| v.value.as_str()).collect();
                ty = format!("enum({})", vs.join(", "));
            }
            let req = match (f.required, zh) {
                (true, true) => "，必填",
                (true, false) => ", required",
                _ => "",
            };
            push(
                f.line,
                if zh {
                    format!("  字段 {}.{}: {ty}{req}", e.name, f.name)
                } else {
                    format!("  field {}.{}: {ty}{req}", e.name, f.name)
                },
            );
        }
        if let Some(sm) = &e.state_machine {
            push(
                sm.line,
                if zh {
                    format!(
                        "状态机 {}.{}（{} 条流转）",
                        e.name,
                        sm.field,
                        sm.transitions.len()
                    )
                } else {
                    format!(
                        "state machine {}.{} ({} transitions)",
                        e.name,
                        sm.field,
                        sm.transitions.len()
                    )
                },
            );
        }
    }
    for a in &model.actors {
        push(
            a.line,
            if zh {
                format!("角色 {}", a.name)
            } else {
                format!("actor {}", a.name)
            },
        );
    }
    for u in &model.use_cases {
        let target = match (&u.action, &u.entity) {
            (Some(a), Some(e)) => format!(" → {a} {e}"),
            (None, Some(e)) => format!(" → {e}"),
            _ => String::new(),
        };
        push(
            u.line,
            if zh {
                format!("用例 {}：{}{target}", u.id, u.title)
            } else {
                format!("use case {}: {}{target}", u.id, u.title)
            },
        );
    }
    let n = &model.nfr;
    let nfrs: [(&str, Option<u32>, String); 7] = [
        ("peak_qps", n.peak_qps.line, n.peak_qps.value.to_string()),
        (
            "latency_p95_ms",
            n.latency_p95_ms.line,
            n.latency_p95_ms.value.to_string(),
        ),
        (
            "latency_p99_ms",
            n.latency_p99_ms.line,
            n.latency_p99_ms.value.to_string(),
        ),
        (
            "availability_percent",
            n.availability_percent.line,
            n.availability_percent.value.to_string(),
        ),
        (
            "concurrency",
            n.concurrency.line,
            n.concurrency.value.to_string(),
        ),
        (
            "retention_days",
            n.retention_days.line,
            n.retention_days.value.to_string(),
        ),
        (
            "multi_tenancy",
            n.multi_tenancy.line,
            n.multi_tenancy.value.to_string(),
        ),
    ];
    for (name, line, value) in nfrs {
        if let Some(l) = line {
            push(l, format!("NFR {name} = {value}"));
        }
    }
    for r in &model.rules {
        push(
            r.line,
            if zh {
                format!("业务规则：{}", r.text)
            } else {
                format!("rule: {}", r.text)
            },
        );
    }
    out
}

fn role_name(r: Role, zh: bool) -> &'static str {
    match (r, zh) {
        (Role::Entities, false) => "data model",
        (Role::Entities, true) => "数据模型",
        (Role::Actors, false) => "actors",
        (Role::Actors, true) => "角色",
        (Role::UseCases, false) => "use cases",
        (Role::UseCases, true) => "用例",
        (Role::States, false) => "states",
        (Role::States, true) => "状态",
        (Role::Nfr, false) => "non-functional requirements",
        (Role::Nfr, true) => "非功能需求",
        (Role::OutOfScope, false) => "out of scope",
        (Role::OutOfScope, true) => "范围外",
        (Role::Other, false) => "other",
        (Role::Other, true) => "其他",
    }
}

/// The report: for each section (`file:first-last`), what its lines became, the warnings and
/// errors located in it, or why nothing was read from it.
pub fn explain(bytes: &[u8], analysis: &Analysis, file: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    // The same text the analysis read: decoded, line endings normalized.
    let (decoded, _) = crate::prd::decode(bytes);
    let text = crate::prd::normalize(&decoded);
    let doc = crate::prd::parse(&text);
    let total = text.lines().count().max(1) as u32;
    let mut by_line: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for it in items(&analysis.model, lang) {
        by_line.entry(it.line).or_default().push(it.what);
    }
    for d in &analysis.diagnostics {
        let sev = match (d.severity, zh) {
            (Severity::Error, false) => "error",
            (Severity::Error, true) => "错误",
            (Severity::Warning, false) => "guess",
            (Severity::Warning, true) => "猜测",
        };
        by_line.entry(d.line.max(1)).or_default().push(format!(
            "  {sev}[{}]: {}",
            d.code,
            d.message.get(lang)
        ));
    }
    // Section starts (line of the heading); text before the first heading is a preamble.
    // (line, title, role, struck, has text of its own)
    type Start = (u32, String, Role, bool, bool);
    let mut starts: Vec<Start> = vec![(
        1,
        if zh {
            "（开头）".into()
        } else {
            "(preamble)".into()
        },
        Role::Other,
        false,
        doc.sections
            .first()
            .is_some_and(|s| s.level == 0 && !s.blocks.is_empty()),
    )];
    for (idx, s) in doc.sections.iter().enumerate() {
        if s.level == 0 {
            continue;
        }
        let inherited = doc
            .ancestry(idx)
            .iter()
            .map(|a| role(&a.title))
            .find(|r| *r != Role::Other)
            .unwrap_or(Role::Other);
        let struck = doc.ancestry(idx).iter().any(|a| a.struck);
        let title = format!("{} {}", "#".repeat(s.level as usize), s.raw_title.trim());
        let own = !s.blocks.is_empty();
        if s.pos.line <= 1 {
            starts[0] = (1, title, inherited, struck, own);
        } else {
            starts.push((s.pos.line, title, inherited, struck, own));
        }
    }
    let mut out = String::new();
    for (i, (start, title, r, struck, own)) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .map(|n| n.0.saturating_sub(1))
            .unwrap_or(total)
            .max(*start);
        let found: Vec<(&u32, &Vec<String>)> = by_line.range(*start..=end).collect();
        let _ = writeln!(
            out,
            "{file}:{start}-{end}  {title}  [{}]",
            role_name(*r, zh)
        );
        if found.is_empty() && !own {
            continue;
        }
        if found.is_empty() {
            let why = match (*struck, *r, zh) {
                (true, _, false) => "struck out",
                (true, _, true) => "已删除线划掉",
                (_, Role::OutOfScope, false) => "out of scope: not read",
                (_, Role::OutOfScope, true) => "范围外：不读取",
                (_, _, false) => "nothing read: no field table, field list, code, story, requirement, state, NFR or rule here",
                (_, _, true) => "未读取任何内容：这里没有字段表、字段列表、代码、用户故事、需求、状态、非功能需求或规则",
            };
            let _ = writeln!(out, "    {why}");
            continue;
        }
        for (line, whats) in found {
            for w in whats {
                let _ = writeln!(out, "  {line:>5}  {w}");
            }
        }
    }
    out
}
