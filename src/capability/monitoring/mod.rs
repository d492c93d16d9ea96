//! The `monitoring` capability: alert rules, their unit tests, a Grafana dashboard and a
//! runbook, all derived from the PRD's NFRs (`backend-pro monitor`).
//!
//! - `deployments/prometheus/alerts.yml`: recording rules for the error ratio over the SRE
//!   workbook's windows and multi-window, multi-burn-rate alerts for the availability target
//!   (page: 14.4× over 1 h and 5 m or 6× over 6 h and 30 m; ticket: 3× over 1 d and 2 h or
//!   1× over 3 d and 6 h), P99 and P95 latency above their targets, the error ratio of one
//!   route, saturation (database pool, CPU), an instance down and, with events, outbox lag and
//!   dead letters. Every alert links its runbook section. The rules sit in an owned region:
//!   groups of the user's own after it survive regeneration.
//! - `deployments/prometheus/alerts_test.yml`: `promtool test rules` cases proving that each
//!   alert fires on a synthetic series of its fault and stays silent on a healthy one.
//! - `deployments/prometheus/prometheus.yml`: scrape jobs (`<service>`, `<service>-worker`).
//! - `deployments/grafana/`: the dashboard (RED per route with the NFR lines, cache, pool,
//!   runtime, outbox) and provisioning for compose's `monitoring` profile.
//! - `docs/RUNBOOK.md`: each alert's meaning and first steps, in the PRD's language.
//!
//! The thresholds are computed here, once, so that the rules, their tests and the runbook
//! say the same numbers.

mod dashboard;

use super::{Capability, Fill};
use crate::evolve::Ownership;
use crate::model::Model;
use crate::plan::{once, Rule};
use crate::render::context::ProjectCtx;
use include_dir::{include_dir, Dir};
use serde::Serialize;

static TEMPLATES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/capability/monitoring/templates");

pub const MONITORING: Capability = Capability {
    name: "monitoring",
    summary: "Prometheus alert rules from the NFRs (SLO burn rates, latency, saturation) with promtool tests, a Grafana dashboard and a runbook",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[],
    project_ext: Some(project_ext),
    entity_ext: None,
    domain_names: None,
    go_deps: false,
    requires: &[],
};

use Ownership::{Generated as G, Regions as R};

const RULES: &[Rule] = &[
    once(
        "monitoring/docs/adr/0013-slo-alerts.md.tera",
        "docs/adr/0013-slo-alerts.md",
        G,
    ),
    once(
        "monitoring/prometheus/alerts.yml.tera",
        "deployments/prometheus/alerts.yml",
        R,
    ),
    once(
        "monitoring/prometheus/alerts_test.yml.tera",
        "deployments/prometheus/alerts_test.yml",
        R,
    ),
    once(
        "monitoring/prometheus/prometheus.yml.tera",
        "deployments/prometheus/prometheus.yml",
        R,
    ),
    once(
        "monitoring/grafana/dashboard.json.tera",
        "deployments/grafana/{service}.json",
        G,
    ),
    once(
        "monitoring/grafana/datasources.yml.tera",
        "deployments/grafana/provisioning/datasources/prometheus.yml",
        G,
    ),
    once(
        "monitoring/grafana/dashboards.yml.tera",
        "deployments/grafana/provisioning/dashboards/backend-pro.yml",
        G,
    ),
    once("monitoring/docs/RUNBOOK.md.tera", "docs/RUNBOOK.md", R),
];

const FILLS: &[Fill] = &[
    Fill::add("compose_services", "monitoring/ext/compose_services.tera"),
    Fill::add("readme_sections", "monitoring/ext/readme_sections.tera"),
];

/// One pair of windows of a burn-rate alert: it fires when the error ratio over both
/// exceeds `factor` × the error budget.
#[derive(Debug, Clone, Serialize)]
pub struct BurnWindows {
    pub long: &'static str,
    pub short: &'static str,
    /// The burn rate, as written in the rule (`14.4`).
    pub factor: String,
    /// factor × budget, the error ratio that fires (`0.0144`).
    pub threshold: String,
    /// The share of the 30-day budget spent when it fires (`2%`).
    pub budget_spent: String,
}

/// One alert rule, with the texts its annotations and runbook section share.
#[derive(Debug, Clone, Serialize)]
pub struct AlertCtx {
    pub name: &'static str,
    /// `page` (wake someone) or `ticket` (next working day).
    pub severity: &'static str,
    pub summary: String,
    /// Runbook: what it means.
    pub meaning: String,
    /// Runbook: first steps, one per item.
    pub steps: Vec<String>,
    /// Anchor of its runbook section (the name in lower case).
    pub anchor: String,
    /// The summary as Prometheus expands it for the unit tests' series.
    pub test_summary: String,
}

/// Labels of the unit tests' synthetic series.
pub const TEST_INSTANCE: &str = "api:8080";
pub const TEST_METHOD: &str = "GET";
pub const TEST_ROUTE: &str = "/v1/items";

/// `p.ext.monitoring`.
#[derive(Debug, Clone, Serialize)]
pub struct MonitoringCtx {
    /// Scrape job of the API (`shop-api`) and of the worker (`shop-api-worker`).
    pub job: String,
    pub worker_job: String,
    /// Availability target in percent as written (`99.9`), and where it comes from.
    pub availability: String,
    pub availability_from: String,
    /// 1 − target, as written in rules (`0.001`).
    pub budget: String,
    /// The page and ticket alerts' window pairs; an empty list drops the alert (a target so
    /// low that the burn rate could never be reached).
    pub page_windows: Vec<BurnWindows>,
    pub ticket_windows: Vec<BurnWindows>,
    /// Latency targets in seconds as written in rules (`0.5`).
    pub p99_seconds: String,
    pub p95_seconds: String,
    /// Every alert, in the order of the rules file.
    pub alerts: Vec<AlertCtx>,
    /// Recording-rule windows of the error ratio.
    pub ratio_windows: Vec<&'static str>,
    /// With events: outbox lag (seconds) that pages.
    pub outbox_lag_seconds: u32,
    /// Error ratio of one route that opens a ticket (`0.05`).
    pub route_error_ratio: &'static str,
    /// Histogram buckets of the unit tests' latency series: a healthy one lands in the
    /// first, a slow one above the P99 target.
    pub buckets: Vec<String>,
    /// Labels of the unit tests' series: instance, method, route.
    pub test_instance: &'static str,
    pub test_method: &'static str,
    pub test_route: &'static str,
    /// Grafana dashboard uid (stable per service).
    pub dashboard_uid: String,
    pub events: bool,
    pub auth: bool,
    /// The Grafana dashboard, as JSON.
    pub dashboard: String,
}

/// The windows of the SRE workbook's multi-window, multi-burn-rate alerts (chapter 5,
/// "Alerting on SLOs", table 5-8): (long, short, burn rate, budget spent of 30 days).
const PAGE: [(&str, &str, f64, &str); 2] = [("1h", "5m", 14.4, "2%"), ("6h", "30m", 6.0, "5%")];
const TICKET: [(&str, &str, f64, &str); 2] = [("1d", "2h", 3.0, "10%"), ("3d", "6h", 1.0, "10%")];

/// A number as Prometheus and YAML read it, without float noise (`0.0144`, `1`).
pub fn num(x: f64) -> String {
    let s = format!("{:.6}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A latency in milliseconds as seconds (`250` → `0.25`).
pub fn seconds(ms: u32) -> String {
    num(f64::from(ms) / 1000.0)
}

fn windows(
    table: &[(&'static str, &'static str, f64, &'static str)],
    budget: f64,
) -> Vec<BurnWindows> {
    table
        .iter()
        // A burn rate whose threshold reaches 100% errors can never fire.
        .filter(|(_, _, f, _)| f * budget < 1.0)
        .map(|&(long, short, f, spent)| BurnWindows {
            long,
            short,
            factor: num(f),
            threshold: num(f * budget),
            budget_spent: spent.to_string(),
        })
        .collect()
}

pub fn context(model: &Model, p: &ProjectCtx) -> MonitoringCtx {
    let n = &model.nfr;
    let target = n.availability_percent.value.clamp(0.0, 99.9999);
    let budget = (100.0 - target) / 100.0;
    let events = model.has_capability("events");
    let job = p.service.name.clone();
    let p99 = seconds(n.latency_p99_ms.value);
    let p95 = seconds(n.latency_p95_ms.value);
    let page = windows(&PAGE, budget);
    let ticket = windows(&TICKET, budget);
    let mut ctx = MonitoringCtx {
        worker_job: format!("{job}-worker"),
        dashboard_uid: format!("bp-{}", &job.chars().take(36).collect::<String>()),
        job,
        availability: num(target),
        availability_from: match n.availability_percent.line {
            Some(l) => format!("PRD line {l}"),
            None => "default".to_string(),
        },
        budget: num(budget),
        page_windows: page,
        ticket_windows: ticket,
        p99_seconds: p99,
        p95_seconds: p95,
        alerts: Vec::new(),
        ratio_windows: vec!["5m", "30m", "1h", "2h", "6h", "1d", "3d"],
        outbox_lag_seconds: 60,
        route_error_ratio: "0.05",
        buckets: Vec::new(),
        test_instance: TEST_INSTANCE,
        test_method: TEST_METHOD,
        test_route: TEST_ROUTE,
        events,
        auth: model.has_capability("auth"),
        dashboard: String::new(),
    };
    ctx.buckets = test_buckets(n.latency_p99_ms.value);
    let zh = p.lang == "zh";
    ctx.alerts = alerts(zh, &ctx, n.latency_p95_ms.value, n.latency_p99_ms.value);
    ctx.dashboard = dashboard::render(
        &ctx,
        &p.service.title,
        zh,
        n.latency_p95_ms.value,
        n.latency_p99_ms.value,
    );
    ctx
}

/// Buckets for the unit tests' histograms: one well under the targets, the P99 target, and
/// one well above it.
fn test_buckets(p99_ms: u32) -> Vec<String> {
    let low = (p99_ms / 10).max(1);
    vec![
        seconds(low),
        seconds(p99_ms),
        seconds(p99_ms.saturating_mul(10)),
    ]
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    serde_json::to_value(context(model, p)).unwrap_or_default()
}

/// The alerts, with their texts in the PRD's language.
fn alerts(zh: bool, c: &MonitoringCtx, p95_ms: u32, p99_ms: u32) -> Vec<AlertCtx> {
    let t = |en: &str, zh_text: &str| {
        if zh {
            zh_text.to_string()
        } else {
            en.to_string()
        }
    };
    let mut out = Vec::new();
    let job = c.job.clone();
    let mut push = |name: &'static str,
                    severity: &'static str,
                    summary: String,
                    meaning: String,
                    steps: Vec<String>| {
        out.push(AlertCtx {
            name,
            severity,
            test_summary: summary
                .replace("{{ $labels.job }}", &job)
                .replace("{{ $labels.instance }}", TEST_INSTANCE)
                .replace("{{ $labels.method }}", TEST_METHOD)
                .replace("{{ $labels.route }}", TEST_ROUTE),
            summary,
            meaning,
            steps,
            anchor: name.to_lowercase(),
        });
    };
    let target = &c.availability;
    if !c.page_windows.is_empty() {
        push(
            "ErrorBudgetBurnFast",
            "page",
            t(
                &format!("{} is spending its {target}% availability budget fast", c.job),
                &format!("{} 正在快速消耗 {target}% 可用性目标的错误预算", c.job),
            ),
            t(
                "The share of 5xx answers is so high that, at this rate, the 30-day error budget is gone in about two days (14.4× over 1 h) or five days (6× over 6 h). Users see errors now.",
                "5xx 响应占比过高：按此速度，30 天的错误预算约两天（1 小时内 14.4 倍）或五天（6 小时内 6 倍）耗尽。用户此刻正在遇到错误。",
            ),
            vec![
                t("Open the dashboard: which routes fail (\"Errors by route\")? Did a deploy just happen? Roll it back first, investigate after.", "打开看板：哪些路由在失败（“按路由的错误”）？是否刚刚发布？先回滚，再排查。"),
                t("Check /readyz and the logs (error lines carry trace_id): PostgreSQL down or saturated (see DatabasePoolSaturated) answers 503.", "检查 /readyz 与日志（错误日志带 trace_id）：PostgreSQL 宕机或连接池饱和（见 DatabasePoolSaturated）会返回 503。"),
                t("If one dependency is down, follow its own runbook; the service recovers by itself when it returns.", "若某个依赖宕机，按其运维手册处理；依赖恢复后服务会自动恢复。"),
            ],
        );
    }
    if !c.ticket_windows.is_empty() {
        push(
            "ErrorBudgetBurnSlow",
            "ticket",
            t(
                &format!("{} will miss its {target}% availability target at this error rate", c.job),
                &format!("按当前错误率，{} 将达不到 {target}% 的可用性目标", c.job),
            ),
            t(
                "A steady trickle of 5xx answers (3× over 1 d or 1× over 3 d) that spends the 30-day budget before the month ends. Not urgent, but it will not go away by itself.",
                "持续少量的 5xx 响应（1 天内 3 倍或 3 天内 1 倍），会在 30 天结束前耗尽错误预算。不紧急，但不会自行消失。",
            ),
            vec![
                t("Find the route and status with the most 5xx over the last day on the dashboard.", "在看板上找出过去一天 5xx 最多的路由与状态码。"),
                t("Search the logs for those requests' error lines; fix the cause in a normal release.", "在日志中查找这些请求的错误信息；在正常发布中修复根因。"),
            ],
        );
    }
    push(
        "LatencyP99AboveTarget",
        "page",
        t(
            &format!("{} P99 latency is above {p99_ms} ms", c.job),
            &format!("{} 的 P99 延迟超过 {p99_ms} 毫秒", c.job),
        ),
        t(
            &format!("For 10 minutes, more than 1% of requests took longer than the PRD's P99 target of {p99_ms} ms."),
            &format!("连续 10 分钟，超过 1% 的请求耗时超过 PRD 规定的 P99 目标 {p99_ms} 毫秒。"),
        ),
        vec![
            t("Dashboard \"Latency\": all routes or one? One route: look at its query plan (EXPLAIN ANALYZE) and indexes.", "看板“延迟”：是所有路由还是某一个？若是某一个路由，检查其查询计划（EXPLAIN ANALYZE）与索引。"),
            t("All routes: check the pool (\"Database pool\"), CPU, the cache hit ratio (Redis down makes every read a query) and the request rate against the stated peak.", "所有路由：检查连接池（“数据库连接池”）、CPU、缓存命中率（Redis 宕机时每次读都会查库）以及请求量是否超过设计峰值。"),
            t("Over the peak: scale out (more replicas; see Scale below).", "超过峰值：扩容（增加副本，见下文“扩容”）。"),
        ],
    );
    push(
        "LatencyP95AboveTarget",
        "ticket",
        t(
            &format!("{} P95 latency is above {p95_ms} ms", c.job),
            &format!("{} 的 P95 延迟超过 {p95_ms} 毫秒", c.job),
        ),
        t(
            &format!("For 30 minutes, more than 5% of requests took longer than the PRD's P95 target of {p95_ms} ms."),
            &format!("连续 30 分钟，超过 5% 的请求耗时超过 PRD 规定的 P95 目标 {p95_ms} 毫秒。"),
        ),
        vec![
            t("Same first steps as LatencyP99AboveTarget; a slow drift often follows table growth: check the slowest routes' queries.", "排查步骤同 LatencyP99AboveTarget；缓慢变慢通常源于数据增长：检查最慢路由的查询。"),
        ],
    );
    push(
        "RouteErrorRatioHigh",
        "ticket",
        t(
            &format!("{} route {{{{ $labels.method }}}} {{{{ $labels.route }}}} answers more than 5% errors", c.job),
            &format!("{} 的路由 {{{{ $labels.method }}}} {{{{ $labels.route }}}} 错误率超过 5%", c.job),
        ),
        t(
            "One route answers 5xx to more than 5% of its requests for 10 minutes, even if the service as a whole is within its budget.",
            "某个路由连续 10 分钟对超过 5% 的请求返回 5xx，即使整个服务仍在错误预算之内。",
        ),
        vec![
            t("Look up that route's error lines in the logs (the problem+json detail and trace_id).", "在日志中查找该路由的错误信息（problem+json 的 detail 与 trace_id）。"),
            t("A recent deploy that touched it: roll back.", "若最近的发布改动了它：回滚。"),
        ],
    );
    push(
        "DatabasePoolSaturated",
        "ticket",
        t(
            &format!("{} uses more than 90% of its database connections", c.job),
            &format!("{} 使用了超过 90% 的数据库连接", c.job),
        ),
        t(
            "For 10 minutes nearly every connection of an instance's pool is busy: requests queue for a connection, latency follows.",
            "连续 10 分钟，某实例连接池的连接几乎全部被占用：请求排队等待连接，延迟随之上升。",
        ),
        vec![
            t("Slow queries hold connections: find them in pg_stat_activity (state = 'active', ordered by query_start).", "慢查询会占住连接：在 pg_stat_activity 中查找（state = 'active'，按 query_start 排序）。"),
            t("Traffic over the peak: scale out, keeping replicas × DB_MAX_CONNS under PostgreSQL's max_connections.", "流量超过峰值：扩容，并保证 副本数 × DB_MAX_CONNS 小于 PostgreSQL 的 max_connections。"),
        ],
    );
    push(
        "CircuitBreakerOpen",
        "page",
        t(
            &format!("{} cannot reach PostgreSQL: its circuit breaker stays open", c.job),
            &format!("{} 无法访问 PostgreSQL：熔断器持续打开", c.job),
        ),
        t(
            "For 3 minutes an instance's circuit breaker around PostgreSQL has not closed: every request that needs the database answers 503 at once (cached reads still answer).",
            "连续 3 分钟，某实例对 PostgreSQL 的熔断器没有关闭：所有需要数据库的请求立即返回 503（缓存中的读请求仍可应答）。",
        ),
        vec![
            t("Check PostgreSQL itself (up? failover? max_connections reached?) and the instance's logs: \"circuit breaker open\" marks the start of the outage.", "检查 PostgreSQL 本身（是否存活、是否在主备切换、是否达到 max_connections）与实例日志：\"circuit breaker open\" 标记故障开始。"),
            t("Only some instances: their network path to the database (DNS, security groups, NetworkPolicy).", "若只影响部分实例：检查它们到数据库的网络（DNS、安全组、NetworkPolicy）。"),
        ],
    );
    push(
        "CPUSaturated",
        "ticket",
        t(
            &format!("{} uses more than 90% of its CPU", c.job),
            &format!("{} 的 CPU 使用率超过 90%", c.job),
        ),
        t(
            "For 15 minutes an instance used more than 90% of the CPUs Go may use (GOMAXPROCS, the container's limit).",
            "连续 15 分钟，某实例使用了超过 90% 的可用 CPU（GOMAXPROCS，即容器限额）。",
        ),
        vec![
            t("Scale out, or raise the CPU limit; then profile (go tool pprof) if the load did not grow.", "扩容或提高 CPU 限额；若负载并未增长，用 go tool pprof 分析。"),
        ],
    );
    push(
        "InstanceDown",
        "page",
        t(
            "{{ $labels.job }} instance {{ $labels.instance }} is down",
            "{{ $labels.job }} 实例 {{ $labels.instance }} 不可用",
        ),
        t(
            "Prometheus could not scrape an instance for 2 minutes: it crashed, is restarting, or is unreachable.",
            "Prometheus 连续 2 分钟无法抓取某个实例：它已崩溃、正在重启或网络不可达。",
        ),
        vec![
            t("Look at the instance's last log lines and exit status (kubectl describe pod / logs --previous).", "查看该实例最后的日志与退出状态（kubectl describe pod / logs --previous）。"),
            t("A configuration error (APP_ENV=production refuses missing settings) shows in the first lines.", "配置错误（APP_ENV=production 会拒绝缺失的配置）会出现在最前面的日志中。"),
        ],
    );
    if c.events {
        push(
            "OutboxLagHigh",
            "page",
            t(
                &format!("{} events wait more than {} s in the outbox", c.job, c.outbox_lag_seconds),
                &format!("{} 的事件在 outbox 中等待超过 {} 秒", c.job, c.outbox_lag_seconds),
            ),
            t(
                "The oldest unpublished event is older than the threshold for 5 minutes: other contexts do not hear of changes, sagas stall.",
                "最旧的未发布事件连续 5 分钟超过阈值：其他上下文收不到变更，Saga 停滞。",
            ),
            vec![
                t("Is a worker running (InstanceDown for the worker job)? Is Kafka reachable (outbox_relay_failures_total{reason=\"broker\"})?", "worker 是否在运行（worker 任务的 InstanceDown）？Kafka 是否可达（outbox_relay_failures_total{reason=\"broker\"}）？"),
                t("Nothing is lost: events stay in the outbox and go out in order when the relay recovers.", "事件不会丢失：它们保留在 outbox 中，relay 恢复后按顺序发出。"),
            ],
        );
        push(
            "DeadLettersGrowing",
            "ticket",
            t(
                &format!("{} sends events to a dead-letter topic", c.job),
                &format!("{} 正在把事件发送到死信主题", c.job),
            ),
            t(
                "Events were dead-lettered in the last 15 minutes: the relay could not publish them or a consumer failed on them every attempt.",
                "过去 15 分钟有事件进入死信：relay 无法发布它们，或消费者每次处理都失败。",
            ),
            vec![
                t("Read the dead-letter topic (<topic>.dlq): the headers say the reason.", "读取死信主题（<topic>.dlq）：消息头注明了原因。"),
                t("Fix the consumer or the data, then replay the records from the DLQ.", "修复消费者或数据后，从死信主题重放这些消息。"),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NfrValue;

    fn ctx(availability: f64, p99: u32) -> MonitoringCtx {
        let mut m = crate::capability::testing::one_entity_model("shop-api");
        m.nfr.availability_percent = NfrValue::at(availability, 7);
        m.nfr.latency_p99_ms = NfrValue::at(p99, 8);
        let p = crate::capability::testing::project(&m);
        context(&m, &p)
    }

    #[test]
    fn burn_rate_thresholds_follow_the_availability_target() {
        let c = ctx(99.9, 300);
        assert_eq!(c.budget, "0.001");
        let t: Vec<_> = c
            .page_windows
            .iter()
            .map(|w| w.threshold.as_str())
            .collect();
        assert_eq!(t, ["0.0144", "0.006"]);
        let t: Vec<_> = c
            .ticket_windows
            .iter()
            .map(|w| w.threshold.as_str())
            .collect();
        assert_eq!(t, ["0.003", "0.001"]);
        assert_eq!(c.availability_from, "PRD line 7");
        assert_eq!(c.p99_seconds, "0.3");
        let c = ctx(99.99, 1500);
        assert_eq!(c.page_windows[0].threshold, "0.00144");
        assert_eq!(c.p99_seconds, "1.5");
    }

    #[test]
    fn an_unreachable_burn_rate_drops_its_windows() {
        // 90%: 14.4 × 10% is more than every request failing; 6×, 3× and 1× remain.
        let c = ctx(90.0, 500);
        assert_eq!(c.page_windows.len(), 1);
        // 80%: 14.4 × 20% and 6 × 20% are out of reach; only the ticket windows remain.
        let c = ctx(80.0, 500);
        assert!(c.page_windows.is_empty());
        assert_eq!(c.ticket_windows.len(), 2);
        assert!(!c.alerts.iter().any(|a| a.name == "ErrorBudgetBurnFast"));
        assert!(c.alerts.iter().any(|a| a.name == "ErrorBudgetBurnSlow"));
    }

    #[test]
    fn seconds_are_written_without_float_noise() {
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(200), "0.2");
        assert_eq!(seconds(1000), "1");
        assert_eq!(seconds(2500), "2.5");
        assert_eq!(num(0.1 * 3.0), "0.3");
    }
}
