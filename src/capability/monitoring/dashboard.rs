//! The Grafana dashboard of a service: RED per route with the NFR targets drawn as lines, the
//! SLO, cache, database pool, runtime and (with events) the outbox. Built as JSON here rather
//! than in a template: Grafana's `{{label}}` legends would fight Tera's syntax.

use super::MonitoringCtx;
use serde_json::{json, Value};

/// Panel titles in the PRD's language.
struct Titles {
    zh: bool,
}

impl Titles {
    fn t<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        if self.zh {
            zh
        } else {
            en
        }
    }
}

/// One time-series panel at a grid position (`w` of 24 columns, height 8).
fn panel(
    id: u32,
    title: &str,
    (x, y, w): (u32, u32, u32),
    unit: &str,
    targets: Vec<Value>,
) -> Value {
    json!({
        "id": id,
        "type": "timeseries",
        "title": title,
        "gridPos": {"h": 8, "w": w, "x": x, "y": y},
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": targets,
    })
}

fn target(ref_id: &str, expr: String, legend: &str) -> Value {
    json!({"refId": ref_id, "expr": expr, "legendFormat": legend})
}

/// The panel with red threshold lines at `lines`.
fn with_lines(mut p: Value, lines: &[f64]) -> Value {
    let mut steps = vec![json!({"color": "green", "value": null})];
    steps.extend(lines.iter().map(|v| json!({"color": "red", "value": v})));
    p["fieldConfig"]["defaults"]["thresholds"] = json!({"mode": "absolute", "steps": steps});
    p["fieldConfig"]["defaults"]["custom"] = json!({"thresholdsStyle": {"mode": "line"}});
    p
}

/// The dashboard as pretty JSON.
pub fn render(m: &MonitoringCtx, title: &str, zh: bool, p95_ms: u32, p99_ms: u32) -> String {
    let t = Titles { zh };
    let job = &m.job;
    let sel = format!("job=\"{job}\"");
    let rate = "$__rate_interval";
    let mut panels = vec![
        panel(
            1,
            t.t("Requests by route", "按路由的请求量"),
            (0, 0, 12),
            "reqps",
            vec![target(
                "A",
                format!("sum by (method, route) (rate(http_requests_total{{{sel}}}[{rate}]))"),
                "{{method}} {{route}}",
            )],
        ),
        panel(
            2,
            t.t("Errors by route (5xx ratio)", "按路由的错误（5xx 占比）"),
            (12, 0, 12),
            "percentunit",
            vec![target(
                "A",
                format!(
                    "sum by (method, route) (rate(http_requests_total{{{sel},status=~\"5..\"}}[{rate}])) / sum by (method, route) (rate(http_requests_total{{{sel}}}[{rate}]))"
                ),
                "{{method}} {{route}}",
            )],
        ),
        with_lines(
            panel(
                3,
                &format!(
                    "{} (P95 {p95_ms} ms, P99 {p99_ms} ms)",
                    t.t("Latency against the targets", "延迟与目标")
                ),
                (0, 8, 12),
                "s",
                vec![
                    target(
                        "A",
                        format!("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[{rate}])))"),
                        "P95",
                    ),
                    target(
                        "B",
                        format!("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[{rate}])))"),
                        "P99",
                    ),
                ],
            ),
            &[f64::from(p95_ms) / 1000.0, f64::from(p99_ms) / 1000.0],
        ),
        panel(
            4,
            t.t("P99 latency by route", "按路由的 P99 延迟"),
            (12, 8, 12),
            "s",
            vec![target(
                "A",
                format!("histogram_quantile(0.99, sum by (method, route, le) (rate(http_request_duration_seconds_bucket{{{sel}}}[{rate}])))"),
                "{{method}} {{route}}",
            )],
        ),
        with_lines(
            panel(
                5,
                &format!(
                    "{} ({}%)",
                    t.t("Availability against the target", "可用性与目标"),
                    m.availability
                ),
                (0, 16, 12),
                "percentunit",
                vec![target(
                    "A",
                    format!("1 - job:slo_errors_per_request:ratio_rate1h{{{sel}}}"),
                    t.t("availability (1 h)", "可用性（1 小时）"),
                )],
            ),
            &[m.availability.parse::<f64>().unwrap_or(99.9) / 100.0],
        ),
        panel(
            6,
            t.t("Error budget burn rate (1 = on budget)", "错误预算消耗速度（1 = 恰好用完）"),
            (12, 16, 12),
            "none",
            vec![
                target(
                    "A",
                    format!("job:slo_errors_per_request:ratio_rate1h{{{sel}}} / {}", m.budget),
                    "1h",
                ),
                target(
                    "B",
                    format!("job:slo_errors_per_request:ratio_rate6h{{{sel}}} / {}", m.budget),
                    "6h",
                ),
            ],
        ),
        panel(
            7,
            t.t("Cache hit ratio by tier", "按层级的缓存命中率"),
            (0, 24, 8),
            "percentunit",
            vec![target(
                "A",
                format!("sum by (tier) (rate(cache_lookups_total{{{sel},result=\"hit\"}}[{rate}])) / sum by (tier) (rate(cache_lookups_total{{{sel}}}[{rate}]))"),
                "{{tier}}",
            )],
        ),
        panel(
            8,
            t.t("Database pool", "数据库连接池"),
            (8, 24, 8),
            "short",
            vec![
                target("A", format!("sum(db_pool_acquired_connections{{{sel}}})"), t.t("in use", "使用中")),
                target("B", format!("sum(db_pool_idle_connections{{{sel}}})"), t.t("idle", "空闲")),
                target("C", format!("sum(db_pool_max_connections{{{sel}}})"), t.t("max", "上限")),
                target(
                    "D",
                    format!("sum(rate(db_pool_empty_acquires_total{{{sel}}}[{rate}]))"),
                    t.t("waits for a connection /s", "等待连接 /秒"),
                ),
            ],
        ),
        panel(
            9,
            t.t("CPU and goroutines", "CPU 与 goroutine"),
            (16, 24, 8),
            "short",
            vec![
                target(
                    "A",
                    format!("sum by (instance) (rate(process_cpu_seconds_total{{{sel}}}[{rate}]))"),
                    t.t("CPU cores {{instance}}", "CPU 核 {{instance}}"),
                ),
                target("B", format!("sum by (instance) (go_goroutines{{{sel}}})"), "goroutines {{instance}}"),
            ],
        ),
    ];
    if m.events {
        let wsel = format!("job=\"{}\"", m.worker_job);
        panels.push(with_lines(
            panel(
                10,
                t.t("Outbox lag", "Outbox 延迟"),
                (0, 32, 12),
                "s",
                vec![target(
                    "A",
                    format!("max(outbox_relay_lag_seconds{{{wsel}}})"),
                    t.t("oldest unpublished event", "最旧的未发布事件"),
                )],
            ),
            &[f64::from(m.outbox_lag_seconds)],
        ));
        panels.push(panel(
            11,
            t.t("Events published and dead-lettered", "事件发布与死信"),
            (12, 32, 12),
            "short",
            vec![
                target("A", format!("sum(rate(outbox_relay_published_total{{{wsel}}}[{rate}]))"), t.t("published /s", "发布 /秒")),
                target(
                    "B",
                    format!("sum(increase({{__name__=~\"outbox_relay_dead_lettered_total|events_consumer_dead_lettered_total\",{wsel}}}[{rate}]))"),
                    t.t("dead-lettered", "死信"),
                ),
            ],
        ));
    }
    panels.push(panel(
        12,
        t.t("Rate limit decisions", "限流决策"),
        (0, 40, 12),
        "reqps",
        vec![target(
            "A",
            format!("sum by (outcome, store) (rate(rate_limit_decisions_total{{{sel}}}[{rate}]))"),
            "{{outcome}} ({{store}})",
        )],
    ));
    panels.push(with_lines(
        panel(
            13,
            t.t(
                "Circuit breaker (0 closed, 1 half-open, 2 open)",
                "熔断器（0 关闭，1 半开，2 打开）",
            ),
            (12, 40, 12),
            "short",
            vec![target(
                "A",
                format!("max by (instance, name) (circuit_breaker_state{{{sel}}})"),
                "{{name}} {{instance}}",
            )],
        ),
        &[2.0],
    ));
    let dashboard = json!({
        "uid": m.dashboard_uid,
        "title": title,
        "tags": ["backend-pro"],
        "timezone": "browser",
        "schemaVersion": 39,
        "version": 1,
        "editable": true,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{
            "name": "datasource",
            "label": "Prometheus",
            "type": "datasource",
            "query": "prometheus",
            "current": {},
            "hide": 0
        }]},
        "annotations": {"list": []},
        "panels": panels,
    });
    serde_json::to_string_pretty(&dashboard).unwrap_or_default()
}
