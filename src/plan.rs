//! Which files a model produces: a declarative table pairing each template with an output
//! path pattern, a scope (once, or once per entity) and an ownership class. Pure: no I/O and
//! no rendering; `render` turns the plan into contents.

use crate::evolve::Ownership;
use crate::model::{Entity, Model};
use crate::names;

/// Whether a template is rendered once or once per entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Once,
    PerEntity,
    /// One numbered SQL migration per entity, in dependency order.
    Migration,
    /// Once per record action of each entity (`Model::record_actions`).
    PerAction,
}

/// One row of the plan table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub template: &'static str,
    /// Output path; `{pkg}` is the entity's Go package, `{table}` its table, `{num}` the
    /// zero-padded migration number, `{action}` the file stem of a record action.
    pub path: &'static str,
    pub scope: Scope,
    pub ownership: Ownership,
    /// Whether the model needs the file at all.
    pub when: fn(&Model) -> bool,
}

fn always(_: &Model) -> bool {
    true
}

/// Some entity has an export (`GET /export`, CSV).
fn exports(m: &Model) -> bool {
    m.entities
        .iter()
        .any(|e| m.collection_action(e, "export").is_some())
}

const fn once(template: &'static str, path: &'static str, ownership: Ownership) -> Rule {
    Rule {
        template,
        path,
        scope: Scope::Once,
        ownership,
        when: always,
    }
}

const fn each(template: &'static str, path: &'static str) -> Rule {
    Rule {
        template,
        path,
        scope: Scope::PerEntity,
        ownership: Ownership::Generated,
        when: always,
    }
}

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
    once("api/api.go.tera", "api/api.go", S),
    once("cmd/api/main.go.tera", "cmd/api/main.go", S),
    once("cmd/migration/main.go.tera", "cmd/migration/main.go", S),
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
        "internal/interfaces/httpapi/routes.gen.go.tera",
        "internal/interfaces/httpapi/routes.gen.go",
        G,
    ),
    Rule {
        when: exports,
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
    },
    Rule {
        template: "internal/domain/action_test.go.tera",
        path: "internal/domain/{pkg}/{action}_test.go",
        scope: Scope::PerAction,
        ownership: Ownership::Scaffold,
        when: always,
    },
    Rule {
        template: "migrations/entity.sql.tera",
        path: "migrations/{num}_create_{table}.sql",
        scope: Scope::Migration,
        ownership: Ownership::AppendOnly,
        when: always,
    },
];

/// A file to render: which template, where, owned how, and for which entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    pub template: String,
    pub path: String,
    pub ownership: Ownership,
    /// Entity name for per-entity files.
    pub entity: Option<String>,
    /// Migration number for migrations (1-based).
    pub migration: Option<u32>,
    /// Record action name for per-action files.
    pub action: Option<String>,
}

/// Entities ordered so that every referenced entity comes before the ones referring to it
/// (stable: PRD order among independent entities). Cycles keep PRD order for the rest.
pub fn dependency_order(model: &Model) -> Vec<&Entity> {
    let mut done: Vec<&Entity> = Vec::new();
    let mut left: Vec<&Entity> = model.entities.iter().collect();
    while !left.is_empty() {
        let ready = left.iter().position(|e| {
            e.fields.iter().all(|f| match &f.references {
                Some(t) if t != &e.name => {
                    done.iter().any(|d| &d.name == t) || model.entity(t).is_none()
                }
                _ => true,
            })
        });
        let i = ready.unwrap_or(0);
        done.push(left.remove(i));
    }
    done
}

/// The files a model produces, sorted by path.
pub fn plan(model: &Model) -> Vec<PlannedFile> {
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|r| (r.when)(model)) {
        match rule.scope {
            Scope::Once => out.push(PlannedFile {
                template: rule.template.to_string(),
                path: rule.path.to_string(),
                ownership: rule.ownership,
                entity: None,
                migration: None,
                action: None,
            }),
            Scope::PerEntity => {
                for e in &model.entities {
                    let pkg = names::go_package(&e.name);
                    out.push(PlannedFile {
                        template: rule.template.to_string(),
                        path: rule
                            .path
                            .replace("{pkg}", &pkg)
                            .replace("{table}", &e.table),
                        ownership: rule.ownership,
                        entity: Some(e.name.clone()),
                        migration: None,
                        action: None,
                    });
                }
            }
            Scope::Migration => {
                for (i, e) in dependency_order(model).into_iter().enumerate() {
                    let num = i as u32 + 1;
                    out.push(PlannedFile {
                        template: rule.template.to_string(),
                        path: rule
                            .path
                            .replace("{num}", &format!("{num:05}"))
                            .replace("{table}", &e.table),
                        ownership: rule.ownership,
                        entity: Some(e.name.clone()),
                        migration: Some(num),
                        action: None,
                    });
                }
            }
            Scope::PerAction => {
                for e in &model.entities {
                    let pkg = names::go_package(&e.name);
                    for a in model.record_actions(e) {
                        out.push(PlannedFile {
                            template: rule.template.to_string(),
                            path: rule
                                .path
                                .replace("{pkg}", &pkg)
                                .replace("{action}", &names::record_action_file(a.name)),
                            ownership: rule.ownership,
                            entity: Some(e.name.clone()),
                            migration: None,
                            action: Some(a.name.to_string()),
                        });
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}
