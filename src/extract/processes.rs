//! Processes: the PRD's multi-step flows across aggregates (`下单流程：创建订单 → 锁定库存 →
//! 创建支付 → 确认订单`, or a numbered list under `### Borrowing workflow`), which the `events`
//! capability turns into sagas with compensations.
//!
//! A flow is read from an arrow line (three steps or more) anywhere outside tables and code, and
//! from an ordered list under a heading that names a process (流程, 步骤, workflow, process,
//! saga). Each step is read with the use cases' verbs and entity names
//! ([`super::usecases::StepReader`]): a step is kept when it is a command on an entity
//! (`create`, `delete` or one of the entity's state-machine actions). A flow is a process
//! only when at least two of its steps change two different entities: a page journey
//! (`首页 → 商品详情 → 购物车`) or one entity's lifecycle is not a saga.
//!
//! Codes: W601 a process read (its steps, to check), W602 a step of a process that is no
//! command on an entity (left out of the saga).

use super::usecases::StepReader;
use crate::diag::{Diagnostic, Text};
use crate::model::{Entity, Process, ProcessStep};
use crate::names;
use crate::prd::{Block, Document};
use regex::Regex;
use std::sync::LazyLock;

/// Arrows between steps.
static ARROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*(?:-{1,2}>|=>|→|⟶|➔|➜|⇒|—+>|─+>)\s*").expect("arrow"));

/// Heading words of a section whose ordered list is a process.
const PROCESS_HEADINGS: &[&str] = &["workflow", "process", "saga", "流程", "步骤", "业务流"];

/// Words of a user-interface journey: pages and clicks are not steps of a saga.
const UI_WORDS: &[&str] = &[
    "page",
    "screen",
    "click",
    "button",
    "tap",
    "landing",
    "dashboard",
    "页",
    "点击",
    "按钮",
    "界面",
    "首页",
    "弹窗",
];

/// A flow as written: its title and its steps (text, line, column).
struct Flow {
    title: String,
    line: u32,
    col: u32,
    steps: Vec<(String, u32, u32)>,
}

/// Every process of the document, in document order.
pub fn extract(doc: &Document, entities: &[Entity], diags: &mut Vec<Diagnostic>) -> Vec<Process> {
    if entities.len() < 2 {
        return Vec::new();
    }
    let reader = StepReader::new(entities);
    let mut out: Vec<Process> = Vec::new();
    for flow in flows(doc) {
        let mut steps: Vec<ProcessStep> = Vec::new();
        // (step, repeats an earlier one): a saga holds one row per entity (E162).
        let mut skipped: Vec<(&(String, u32, u32), bool)> = Vec::new();
        for s in &flow.steps {
            match reader.command(&s.0) {
                Some((ei, action))
                    if steps.iter().any(|p| {
                        p.entity == entities[ei].name && (p.action == action || action == "create")
                    }) =>
                {
                    skipped.push((s, true));
                }
                Some((ei, action)) if step_action(&entities[ei], &action) => {
                    steps.push(ProcessStep {
                        label: s.0.clone(),
                        entity: entities[ei].name.clone(),
                        action,
                        line: s.1,
                    });
                }
                _ => skipped.push((s, false)),
            }
        }
        let mut touched: Vec<&str> = steps.iter().map(|s| s.entity.as_str()).collect();
        touched.sort_unstable();
        touched.dedup();
        if steps.len() < 2 || touched.len() < 2 {
            continue;
        }
        let same = |p: &Process| {
            p.steps.len() == steps.len()
                && p.steps
                    .iter()
                    .zip(&steps)
                    .all(|(a, b)| a.entity == b.entity && a.action == b.action)
        };
        if out.iter().any(same) {
            continue;
        }
        let name = unique_name(&process_name(&flow.title, &steps), &out);
        let chain: Vec<String> = steps
            .iter()
            .map(|s| format!("{}.{}", s.entity, s.action))
            .collect();
        diags.push(
            Diagnostic::warning(
                "W601",
                flow.line,
                flow.col,
                Text::new(
                    format!(
                        "process `{name}` read as a saga: {}; check its steps",
                        chain.join(" → ")
                    ),
                    format!(
                        "流程 `{name}` 按 saga 生成：{}；请核对各步骤",
                        chain.join(" → ")
                    ),
                ),
            )
            .with_help(Text::new(
                "with the `events` capability each step becomes a saga step with its compensation; edit `processes:` in backend-pro.yaml to change them",
                "启用 `events` 能力时每一步生成为带补偿的 saga 步骤；可在 backend-pro.yaml 的 `processes:` 中修改",
            )),
        );
        for ((text, line, col), repeat) in skipped {
            let (why, why_zh) = if repeat {
                (
                    "repeats a command on a row an earlier step changed",
                    "重复操作了前面步骤已处理的记录",
                )
            } else {
                ("is no command on an entity", "不是对某个实体的操作")
            };
            diags.push(
                Diagnostic::warning(
                    "W602",
                    *line,
                    *col,
                    Text::new(
                        format!("step \"{text}\" of process `{name}` {why}; it is left out of the saga"),
                        format!("流程 `{name}` 的步骤“{text}”{why_zh}，未纳入 saga"),
                    ),
                )
                .with_help(Text::new(
                    "name the entity and the verb (\"reserve the book\", \"锁定库存\"), or write the step yourself in internal/application/sagas",
                    "写明实体和动作（如“锁定库存”），或在 internal/application/sagas 中自行编写该步骤",
                )),
            );
        }
        out.push(Process {
            name,
            label: flow.title.clone(),
            steps,
            line: flow.line,
        });
    }
    out
}

/// The actions a saga step can run and undo: create (undone by delete), delete, and the
/// entity's state-machine actions.
fn step_action(e: &Entity, action: &str) -> bool {
    action == "create"
        || action == "delete"
        || e.state_machine
            .as_ref()
            .is_some_and(|sm| sm.transitions.iter().any(|t| t.action == action))
}

/// Arrow lines and ordered lists under a process heading.
fn flows(doc: &Document) -> Vec<Flow> {
    let mut out = Vec::new();
    for s in &doc.sections {
        if s.struck || is_ui(&s.title) {
            continue;
        }
        let heading = {
            let t = s.title.to_lowercase();
            PROCESS_HEADINGS.iter().any(|w| t.contains(w))
        };
        for b in &s.blocks {
            match b {
                Block::Paragraph(ls) => {
                    for l in ls.iter().filter(|l| !l.struck) {
                        out.extend(arrow_flow(&l.text, l.pos.line, l.pos.col, &s.title));
                    }
                }
                Block::List(items) => {
                    for i in items.iter().filter(|i| !i.struck) {
                        out.extend(arrow_flow(&i.text, i.pos.line, i.pos.col, &s.title));
                    }
                    let ordered: Vec<_> = items
                        .iter()
                        .filter(|i| i.ordered && i.depth == 0 && !i.struck)
                        .collect();
                    if heading && ordered.len() >= 2 {
                        out.push(Flow {
                            title: s.title.clone(),
                            line: s.pos.line,
                            col: s.pos.col,
                            steps: ordered
                                .iter()
                                .map(|i| (i.text.trim().to_string(), i.pos.line, i.pos.col))
                                .collect(),
                        });
                    }
                }
                Block::Table(_) | Block::Code(_) => {}
            }
        }
    }
    out
}

/// `下单流程：a → b → c` → a flow titled `下单流程`; a line without a title takes the section's.
fn arrow_flow(text: &str, line: u32, col: u32, section: &str) -> Option<Flow> {
    let (title, chain) = match text.split_once(['：', ':']) {
        Some((t, rest)) if ARROW.is_match(rest) && !ARROW.is_match(t) => (t.trim(), rest),
        _ => (section, text),
    };
    let parts: Vec<&str> = ARROW.split(chain).map(str::trim).collect();
    if parts.len() < 3 || parts.iter().any(|p| p.is_empty() || p.chars().count() > 40) {
        return None;
    }
    if is_ui(chain) {
        return None;
    }
    let steps = parts
        .iter()
        .map(|p| {
            let trimmed = p.trim_end_matches(['.', '。', ';', '；']);
            (trimmed.to_string(), line, col)
        })
        .collect();
    Some(Flow {
        title: title.to_string(),
        line,
        col,
        steps,
    })
}

fn is_ui(text: &str) -> bool {
    let t = text.to_lowercase();
    UI_WORDS.iter().any(|w| t.contains(w))
}

/// An ASCII title without its `workflow`/`process` word (`Borrowing workflow` → `borrowing`);
/// otherwise the first step (`create_order`).
fn process_name(title: &str, steps: &[ProcessStep]) -> String {
    if title.is_ascii() {
        let words: Vec<&str> = title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| {
                !w.is_empty()
                    && !["workflow", "process", "flow", "saga", "the"]
                        .contains(&w.to_lowercase().as_str())
            })
            .collect();
        let n = names::snake(&words.join(" "));
        if !n.is_empty() && n.starts_with(|c: char| c.is_ascii_lowercase()) {
            return n;
        }
    }
    let first = &steps[0];
    format!("{}_{}", first.action, names::snake(&first.entity))
}

fn unique_name(base: &str, taken: &[Process]) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.iter().any(|p| p.name == name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, AnalyzeOptions};

    fn processes(src: &str) -> (Vec<Process>, Vec<String>) {
        let a = analyze(src, &AnalyzeOptions::default());
        let codes = a
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with("W60"))
            .map(|d| format!("{}@{}", d.code, d.line))
            .collect();
        (a.model.processes, codes)
    }

    const SHOP: &str = "# Shop (shop)\n\n## Data Model\n\n### Order\n\n- total: decimal, required\n- status: enum (pending, confirmed, cancelled)\n\n### Order lifecycle\n\n- pending -> confirmed : confirm\n- pending -> cancelled : cancel\n\n### Stock\n\n- sku: string, required\n- status: enum (free, held)\n\n### Stock lifecycle\n\n- free -> held : hold\n- held -> free : release\n\n";

    #[test]
    fn arrow_line_across_two_entities_is_a_process() {
        let src = format!("{SHOP}## Checkout\n\nCheckout flow: create the order → hold the stock → confirm the order\n");
        let (ps, codes) = processes(&src);
        assert_eq!(ps.len(), 1, "{ps:?}");
        let p = &ps[0];
        assert_eq!(p.name, "checkout");
        let steps: Vec<String> = p
            .steps
            .iter()
            .map(|s| format!("{}.{}", s.entity, s.action))
            .collect();
        assert_eq!(steps, ["Order.create", "Stock.hold", "Order.confirm"]);
        assert_eq!(codes, ["W601@27"]);
    }

    /// A saga holds one row per entity: a repeated command is left out, with W602.
    #[test]
    fn a_repeated_step_is_left_out() {
        let src = format!("{SHOP}## Checkout\n\nCheckout flow: create the order → hold the stock → create the order → confirm the order\n");
        let (ps, codes) = processes(&src);
        let steps: Vec<String> = ps[0]
            .steps
            .iter()
            .map(|s| format!("{}.{}", s.entity, s.action))
            .collect();
        assert_eq!(steps, ["Order.create", "Stock.hold", "Order.confirm"]);
        assert_eq!(codes, ["W601@27", "W602@27"]);
    }

    #[test]
    fn numbered_list_under_a_workflow_heading_is_a_process() {
        let src = format!("{SHOP}## Workflows\n\n### Checkout workflow\n\n1. The customer creates an order\n2. The system holds the stock\n3. The customer gets an email\n4. The system confirms the order\n");
        let (ps, codes) = processes(&src);
        assert_eq!(ps.len(), 1, "{ps:?}");
        assert_eq!(ps[0].steps.len(), 3);
        assert_eq!(ps[0].name, "checkout");
        // The e-mail step is left out, with its line.
        assert_eq!(codes, ["W601@27", "W602@31"]);
    }

    #[test]
    fn a_page_journey_or_one_entity_is_no_process() {
        let src = format!("{SHOP}## Journey\n\nhome page → product page → cart page → pay\n\nOrder: create the order → confirm the order → cancel the order\n");
        let (ps, codes) = processes(&src);
        assert!(ps.is_empty(), "{ps:?}");
        assert!(codes.is_empty(), "{codes:?}");
    }

    #[test]
    fn a_numbered_list_outside_a_process_heading_is_no_process() {
        let src = format!("{SHOP}## Notes\n\n1. create the order\n2. hold the stock\n");
        let (ps, _) = processes(&src);
        assert!(ps.is_empty(), "{ps:?}");
    }
}
