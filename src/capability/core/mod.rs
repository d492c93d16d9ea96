//! The core capability: today's CRUD service (domain aggregates, application handlers,
//! PostgreSQL and in-memory adapters, HTTP API, OpenAPI, migrations per entity). Always on.
//!
//! Its templates are the top of the embedded template set (`templates/` in the repository,
//! keys like `internal/domain/entity.gen.go.tera`), so project overrides under
//! `.backend-pro/templates/` keep their paths. It declares the extension points ([`SLOTS`])
//! other capabilities fill, and the default fragments of the slots that have one.

use super::{Capability, Fill, Slot};
use crate::evolve::Ownership;
use crate::model::Model;
use crate::plan::{always, each, every_entity, once, Rule, Scope};

/// Some entity has an export (`GET /export`, CSV).
pub(crate) fn exports(m: &Model) -> bool {
    m.entities
        .iter()
        .any(|e| m.collection_action(e, "export").is_some())
}

/// The core capability.
pub const CORE: Capability = Capability {
    name: "core",
    summary: "CRUD service: aggregates, handlers, PostgreSQL and memory adapters, HTTP, OpenAPI",
    rules: RULES,
    templates: None,
    fills: FILLS,
    tables: &[],
    project_ext: None,
    entity_ext: None,
    domain_names: None,
    go_deps: false,
    requires: &[],
};

/// The extension points of the core templates: each is a macro of the generated
/// `ext.tera` that core templates call (`{{- x::domain_state(e=e, VT=VT) }}`); its body is
/// what the enabled capabilities put there, or nothing.
pub const SLOTS: &[Slot] = &[
    // internal/domain/{pkg}/{pkg}.gen.go
    slot("domain_state", "e, VT", "fields of the aggregate struct, after its state `s`"),
    slot("domain_before_change", "e", "statements before a command changes the state"),
    slot("domain_created", "e, agg", "statements after New built the aggregate `agg`"),
    slot("domain_changed", "e, action", "statements after a command changed the state and moved the version on (`action`: `update`, or the state-machine or PRD action's name)"),
    slot("action_doc_event", "e, a", "words after \"the version moves on\" in the doc of a PRD action (domain and action scaffold)"),
    // internal/domain/{pkg}/{pkg}.gen_test.go
    slot("domain_test_created", "e", "checks at the end of TestNewValid, on `agg`"),
    // internal/infrastructure/postgres/{pkg}.gen.go
    slot("postgres_create", "e", "body of Create once `args` are built (default: one INSERT)"),
    slot("postgres_in_update", "e", "statements in the Update transaction after the row is written"),
    slot("postgres_delete", "e", "body of Delete (default: one DELETE)"),
    slot("postgres_create_many_end", "e", "end of the CreateMany transaction, after the batch (default: close it)"),
    // internal/infrastructure/memory/{pkg}.gen.go
    slot("memory_create", "e", "body of Create once `snap` is taken (default: insert the row)"),
    slot("memory_update", "e", "body of Update (default: replace the row under the store lock)"),
    slot("memory_delete", "e", "body of Delete (default: remove the row)"),
    slot("memory_create_many", "e", "end of CreateMany once `ids` and `rows` are built (default: insert them all)"),
    // go.mod and go.sum (scaffolds): the pinned requirements of the enabled set of
    // capabilities with Go dependencies, `pins/<set>/go_mod.tera` (scripts/refresh-go-pins.sh);
    // filled by `ext_template`, not by fragments.
    slot("go_mod", "", "go.mod after the module line: the pins of the enabled set"),
    slot("go_sum", "", "go.sum: the pins of the enabled set"),
    // Makefile, .env.example, deployments/ (scaffolds)
    slot("makefile_build", "", "lines of the build target after the migration binary"),
    slot("makefile_targets", "", "targets after the last one (each starts with a blank line)"),
    slot("compose_up", "", "compose services `make up` starts after postgres and redis (each with a leading space)"),
    slot("env_example", "", "lines at the end of .env.example"),
    slot("compose_api_env", "", "variables of the api service in docker-compose.yml (each `\\n      NAME: value`)"),
    slot("compose_services", "p", "services at the end of docker-compose.yml"),
    slot("dockerfile_build", "", "build commands after the migration binary's (each ` \\\n && …`)"),
    slot("dockerfile_binaries", "", "binaries copied into the image after /out/migration (each with a leading space)"),
    // api/openapi.yaml
    slot("openapi_operation", "e, op", "keys of an entity operation after its tags (`op`: create, list, get, update, delete, import, export, or an action's name)"),
    slot("openapi_responses", "", "responses of an entity operation after its 400, and of /metrics after its 200"),
    slot("openapi_metrics", "", "keys of the /metrics operation after its summary"),
    slot("openapi_components", "", "components before `responses` (each key indented two spaces, after a newline)"),
    // internal/app/app.go (a scaffold)
    slot("app_start", "", "statements once the logger `log` is the default, before any adapter; `cfg`, `getenv` and `ctx` are in scope, and an error is returned"),
    slot("app_redis", "", "statements once the Redis client `rdb` is connected, before the cache wraps it; an error is returned"),
    slot("app_server", "", "statements once the HTTP server `srv` is built, before it listens; `log` is in scope"),
    slot("app_deps", "", "statements once `deps` (httpapi.Deps) is built, before the router; `cfg`, `log`, `reg`, `getenv` and `ctx` are in scope, and an error is returned"),
    slot("app_pool_options", "", "fields of the API's postgres.PoolOptions (each `\\n\\t\\t\\tName: value,`); `cfg` and `getenv` are in scope"),
    // internal/app/wire.gen.go
    slot("wire_end", "p", "statements at the end of newHandlers, once every use case is built and decorated, before `return h`"),
    // migrations/NNNNN_create_<table>.sql and the table DDL (migrations/table.sql.tera)
    slot("sql_create_up", "e", "statements of an entity's create migration after its table and indexes (each after a blank line)"),
    slot("sql_column_unique", "e, f", "the UNIQUE of a column definition (default: ` UNIQUE` for a unique field)"),
    // internal/infrastructure/repotest/repotest.gen.go
    slot("repotest_duplicate", "e", "statements after the duplicate test copied `first`'s unique value into `f` (the fields of the duplicate)"),
    slot("sql_table_constraints", "e", "table constraints after the columns and enum checks (each `,\\n    CONSTRAINT …`)"),
    // README.md (a scaffold)
    slot("readme_action_generated", "lang", "words after \"optimistic lock\" in what is generated for a PRD action"),
    slot("readme_sections", "lang, p", "sections before \"Tests\" (a capability's own section starts with a blank line)"),
    // internal/infrastructure/memory/store.go (a scaffold)
    slot("memory_store_fields", "VT", "fields of Store, after its tables"),
    slot("memory_row_fields", "VT", "fields of a stored row"),
    slot(
        "memory_store_commit",
        "r",
        "statements under the write lock just before row `r` is stored",
    ),
    slot(
        "memory_store_commit_all",
        "",
        "statements under the write lock once insertAll stored every row of `ids`",
    ),
    slot("memory_remove_params", "", "parameters of Store.remove after the id"),
    slot(
        "memory_store_removing",
        "",
        "statements under the write lock just before a row is removed",
    ),
];

const fn slot(name: &'static str, args: &'static str, doc: &'static str) -> Slot {
    Slot { name, args, doc }
}

/// Default bodies of the slots that have one (`templates/ext/<slot>.tera`); a capability
/// replaces them with `Fill::replace`.
const FILLS: &[Fill] = &[
    Fill::add("sql_column_unique", "ext/sql_column_unique.tera"),
    Fill::add("postgres_create", "ext/postgres_create.tera"),
    Fill::add("postgres_delete", "ext/postgres_delete.tera"),
    Fill::add(
        "postgres_create_many_end",
        "ext/postgres_create_many_end.tera",
    ),
    Fill::add("memory_create", "ext/memory_create.tera"),
    Fill::add("memory_update", "ext/memory_update.tera"),
    Fill::add("memory_delete", "ext/memory_delete.tera"),
    Fill::add("memory_create_many", "ext/memory_create_many.tera"),
];

use Ownership::{Generated as G, Scaffold as S};

/// The plan table. Generated Go files are `*.gen.go` / `*.gen_test.go` and carry the
/// generated-code header; scaffold files are the user's after the first write.
pub const RULES: &[Rule] = &[
    once("root/go.mod.tera", "go.mod", S),
    once("root/go.sum.tera", "go.sum", S),
    once("root/Makefile.tera", "Makefile", S),
    once("root/golangci.yml.tera", ".golangci.yml", S),
    once("root/gitignore.tera", ".gitignore", S),
    once("root/env.example.tera", ".env.example", S),
    once("root/README.md.tera", "README.md", S),
    once("deployments/Dockerfile.tera", "deployments/Dockerfile", S),
    once(
        "deployments/docker-compose.yml.tera",
        "deployments/docker-compose.yml",
        S,
    ),
    once("api/openapi.yaml.tera", "api/openapi.yaml", G),
    // The database, documented (what `backend-pro db` would write: kept current by sync).
    once("docs/db/er.md.tera", "docs/db/er.md", G),
    once("docs/db/dictionary.md.tera", "docs/db/dictionary.md", G),
    once("docs/db/schema.sql.tera", "docs/db/schema.sql", G),
    once("docs/ARCHITECTURE.md.tera", "docs/ARCHITECTURE.md", G),
    once("docs/adr/README.md.tera", "docs/adr/README.md", G),
    once(
        "docs/adr/0001-layered-architecture.md.tera",
        "docs/adr/0001-layered-architecture.md",
        G,
    ),
    once(
        "docs/adr/0002-postgresql-pgx-goose.md.tera",
        "docs/adr/0002-postgresql-pgx-goose.md",
        G,
    ),
    once(
        "docs/adr/0003-two-tier-cache.md.tera",
        "docs/adr/0003-two-tier-cache.md",
        G,
    ),
    once(
        "docs/adr/0004-problem-details.md.tera",
        "docs/adr/0004-problem-details.md",
        G,
    ),
    once(
        "docs/adr/0005-decimals-as-minor-units.md.tera",
        "docs/adr/0005-decimals-as-minor-units.md",
        G,
    ),
    once(
        "docs/adr/0006-optimistic-concurrency.md.tera",
        "docs/adr/0006-optimistic-concurrency.md",
        G,
    ),
    once(
        "docs/adr/0007-rate-limit-and-breaker.md.tera",
        "docs/adr/0007-rate-limit-and-breaker.md",
        G,
    ),
    once("api/api.go.tera", "api/api.go", S),
    once("cmd/api/main.go.tera", "cmd/api/main.go", S),
    once("cmd/migration/main.go.tera", "cmd/migration/main.go", S),
    // A bounded load run against the PRD's latency targets (`make load`).
    once("scripts/load/main.go.tera", "scripts/load/main.go", S),
    once(
        "migrations/migrations.go.tera",
        "migrations/migrations.go",
        S,
    ),
    once("pkg/apperr/apperr.go.tera", "pkg/apperr/apperr.go", S),
    once("pkg/civil/civil.go.tera", "pkg/civil/civil.go", S),
    once("pkg/civil/civil_test.go.tera", "pkg/civil/civil_test.go", S),
    once(
        "internal/config/config.go.tera",
        "internal/config/config.go",
        S,
    ),
    once(
        "internal/config/config_test.go.tera",
        "internal/config/config_test.go",
        S,
    ),
    once("internal/app/app.go.tera", "internal/app/app.go", S),
    once(
        "internal/app/wire.gen.go.tera",
        "internal/app/wire.gen.go",
        G,
    ),
    once(
        "internal/application/decorator/decorator.go.tera",
        "internal/application/decorator/decorator.go",
        S,
    ),
    once(
        "internal/infrastructure/postgres/metrics.gen.go.tera",
        "internal/infrastructure/postgres/metrics.gen.go",
        G,
    ),
    once(
        "internal/infrastructure/postgres/metrics.gen_test.go.tera",
        "internal/infrastructure/postgres/metrics.gen_test.go",
        G,
    ),
    once(
        "internal/infrastructure/cache/cache.go.tera",
        "internal/infrastructure/cache/cache.go",
        S,
    ),
    once(
        "internal/infrastructure/cache/cache_test.go.tera",
        "internal/infrastructure/cache/cache_test.go",
        S,
    ),
    once(
        "internal/infrastructure/memory/store.go.tera",
        "internal/infrastructure/memory/store.go",
        S,
    ),
    once(
        "internal/infrastructure/memory/memory.gen_test.go.tera",
        "internal/infrastructure/memory/memory.gen_test.go",
        G,
    ),
    once(
        "internal/infrastructure/postgres/postgres.go.tera",
        "internal/infrastructure/postgres/postgres.go",
        S,
    ),
    once(
        "internal/infrastructure/postgres/postgres.gen_test.go.tera",
        "internal/infrastructure/postgres/postgres.gen_test.go",
        G,
    ),
    once(
        "internal/infrastructure/postgres/pgtest/pgtest.go.tera",
        "internal/infrastructure/postgres/pgtest/pgtest.go",
        S,
    ),
    once(
        "internal/infrastructure/repotest/repotest.gen.go.tera",
        "internal/infrastructure/repotest/repotest.gen.go",
        G,
    ),
    once(
        "internal/interfaces/httpapi/server.go.tera",
        "internal/interfaces/httpapi/server.go",
        S,
    ),
    once(
        "internal/interfaces/httpapi/problem.go.tera",
        "internal/interfaces/httpapi/problem.go",
        S,
    ),
    once(
        "internal/interfaces/httpapi/decode.go.tera",
        "internal/interfaces/httpapi/decode.go",
        S,
    ),
    once(
        "internal/interfaces/httpapi/contract.go.tera",
        "internal/interfaces/httpapi/contract.go",
        S,
    ),
    once(
        "internal/interfaces/httpapi/ratelimit.gen.go.tera",
        "internal/interfaces/httpapi/ratelimit.gen.go",
        G,
    ),
    once(
        "internal/interfaces/httpapi/ratelimit.gen_test.go.tera",
        "internal/interfaces/httpapi/ratelimit.gen_test.go",
        G,
    ),
    once(
        "internal/application/decorator/breaker.gen_test.go.tera",
        "internal/application/decorator/breaker.gen_test.go",
        G,
    ),
    once(
        "internal/application/decorator/breaker.gen.go.tera",
        "internal/application/decorator/breaker.gen.go",
        G,
    ),
    once(
        "internal/interfaces/httpapi/routes.gen.go.tera",
        "internal/interfaces/httpapi/routes.gen.go",
        G,
    ),
    Rule {
        when: exports,
        entity_when: every_entity,
        ..once(
            "internal/interfaces/httpapi/csv.gen.go.tera",
            "internal/interfaces/httpapi/csv.gen.go",
            G,
        )
    },
    once(
        "internal/interfaces/httpapi/server_test.go.tera",
        "internal/interfaces/httpapi/server_test.go",
        S,
    ),
    once(
        "internal/interfaces/httpapi/contract_test.go.tera",
        "internal/interfaces/httpapi/contract_test.go",
        S,
    ),
    once("tests/e2e/e2e_test.go.tera", "tests/e2e/e2e_test.go", S),
    once(
        "tests/e2e/contract_test.go.tera",
        "tests/e2e/contract_test.go",
        S,
    ),
    once(
        "tests/e2e/api.gen_test.go.tera",
        "tests/e2e/api.gen_test.go",
        G,
    ),
    once(
        "internal/interfaces/httpapi/api.gen_test.go.tera",
        "internal/interfaces/httpapi/api.gen_test.go",
        G,
    ),
    each(
        "internal/domain/entity.gen.go.tera",
        "internal/domain/{pkg}/{pkg}.gen.go",
    ),
    each(
        "internal/domain/entity.gen_test.go.tera",
        "internal/domain/{pkg}/{pkg}.gen_test.go",
    ),
    each(
        "internal/application/entity.gen.go.tera",
        "internal/application/{pkg}/{pkg}.gen.go",
    ),
    each(
        "internal/infrastructure/postgres/entity.gen.go.tera",
        "internal/infrastructure/postgres/{pkg}.gen.go",
    ),
    each(
        "internal/infrastructure/memory/entity.gen.go.tera",
        "internal/infrastructure/memory/{pkg}.gen.go",
    ),
    each(
        "internal/interfaces/httpapi/entity.gen.go.tera",
        "internal/interfaces/httpapi/{pkg}.gen.go",
    ),
    each(
        "internal/interfaces/httpapi/entity.gen_test.go.tera",
        "internal/interfaces/httpapi/{pkg}.gen_test.go",
    ),
    each(
        "tests/e2e/entity.gen_test.go.tera",
        "tests/e2e/{pkg}.gen_test.go",
    ),
    Rule {
        template: "internal/domain/action.go.tera",
        path: "internal/domain/{pkg}/{action}.go",
        scope: Scope::PerAction,
        ownership: Ownership::Scaffold,
        when: always,
        entity_when: every_entity,
    },
    Rule {
        template: "internal/domain/action_test.go.tera",
        path: "internal/domain/{pkg}/{action}_test.go",
        scope: Scope::PerAction,
        ownership: Ownership::Scaffold,
        when: always,
        entity_when: every_entity,
    },
    Rule {
        template: "migrations/entity.sql.tera",
        path: "migrations/{num}_create_{table}.sql",
        scope: Scope::Migration,
        ownership: Ownership::AppendOnly,
        when: always,
        entity_when: every_entity,
    },
];
