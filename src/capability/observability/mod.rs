//! The `observability` capability: OpenTelemetry tracing of the API, configured by the
//! standard `OTEL_*` variables and off until an OTLP endpoint is set.
//!
//! - `internal/infrastructure/telemetry/`: the SDK set up from the environment (OTLP over
//!   HTTP/protobuf, W3C trace context and baggage, the sampler and batch settings the SDK
//!   reads itself), the HTTP middleware (otelhttp around the server; the span named after the
//!   Gin route), the pgx tracer (otelpgx) and the Redis hook (redisotel).
//! - `internal/app/telemetry.gen.go`: the glue `app.Run` calls through the `app_*` slots; the
//!   trace and span ids reach every log line and problem details through
//!   `httpapi.Deps.TraceIDs`.
//! - compose: Jaeger (all-in-one) under the `tracing` profile.

use super::{Capability, Fill};
use crate::evolve::Ownership;
use crate::plan::{once, Rule};
use include_dir::{include_dir, Dir};

static TEMPLATES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/capability/observability/templates");

pub const OBSERVABILITY: Capability = Capability {
    name: "observability",
    summary: "OpenTelemetry traces over OTLP (HTTP, PostgreSQL and Redis spans; trace ids in logs and problem details), Jaeger in compose",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[],
    project_ext: None,
    entity_ext: None,
    domain_names: None,
    go_deps: true,
    requires: &[],
};

use Ownership::Generated as G;

const RULES: &[Rule] = &[
    once(
        "observability/docs/adr/0012-opentelemetry.md.tera",
        "docs/adr/0012-opentelemetry.md",
        G,
    ),
    once(
        "observability/telemetry/telemetry.gen.go.tera",
        "internal/infrastructure/telemetry/telemetry.gen.go",
        G,
    ),
    once(
        "observability/telemetry/telemetry.gen_test.go.tera",
        "internal/infrastructure/telemetry/telemetry.gen_test.go",
        G,
    ),
    once(
        "observability/app/telemetry.gen.go.tera",
        "internal/app/telemetry.gen.go",
        G,
    ),
];

const FILLS: &[Fill] = &[
    Fill::add("app_start", "observability/ext/app_start.tera"),
    Fill::add(
        "app_pool_options",
        "observability/ext/app_pool_options.tera",
    ),
    Fill::add("app_redis", "observability/ext/app_redis.tera"),
    Fill::add("app_deps", "observability/ext/app_deps.tera"),
    Fill::add("app_server", "observability/ext/app_server.tera"),
    Fill::add("env_example", "observability/ext/env_example.tera"),
    Fill::add("compose_api_env", "observability/ext/compose_api_env.tera"),
    Fill::add(
        "compose_services",
        "observability/ext/compose_services.tera",
    ),
    Fill::add("readme_sections", "observability/ext/readme_sections.tera"),
];
