//! The `auth` capability: bearer JWT authentication and role-based authorization from the
//! PRD's actors and use cases.
//!
//! - `internal/auth/`: token verification (golang-jwt v5: HS256 with `JWT_SECRET` in
//!   development, RS256/ES256 against `JWT_JWKS_URL` through keyfunc in production; the
//!   algorithm pinned, `exp` required, `nbf`/`iat` with 30 s leeway, `iss`/`aud` checked when
//!   set), the claims in the request context, and the policy: `policy.gen.go` (routes →
//!   operations, roles → operations, from the model) and `policy.go` (the user's additions).
//! - `internal/interfaces/httpapi/auth.gen.go`: the guard on every route of the table — 401
//!   problem+json with `WWW-Authenticate: Bearer` for a missing or invalid token, 403 for a
//!   role without the operation. `/healthz`, `/readyz` and `/openapi.yaml` stay public;
//!   `/metrics` needs an admin token.
//! - `cmd/devtoken`: prints a signed development token.
//! - OpenAPI: the bearer scheme, `security` and `x-roles` on every operation, 401/403.
//!
//! Grants: a use case grants its actor its operation on its entity (`list` grants `get` too:
//! who may list may read one); admin-like actors (`admin`, `administrator`, `owner`,
//! `superuser`, `root`, 管理员) may do everything; everything else is denied.
//!
//! Own rows: an actor's `owns` (the PRD's "view own orders") limits its grants on those
//! entities to the rows whose owner field holds the token's `sub`: the guard marks such a
//! request (`Policy.OwnRowsOnly`) and `internal/app/ownership.gen.go` wraps the entity's use
//! cases (404 for another caller's row, lists filtered, 422 for a body naming another owner);
//! `tests/e2e/auth.gen_test.go` walks it against a running server.

use super::{Capability, Fill};
use crate::evolve::Ownership;
use crate::model::{Entity, Model};
use crate::names;
use crate::plan::{once, Rule};
use crate::render::context::{EntityCtx, ProjectCtx};
use include_dir::{include_dir, Dir};
use serde::Serialize;
use std::collections::BTreeMap;

/// This capability's templates, named `auth/<path>` in the template set.
static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/capability/auth/templates");

pub const AUTH: Capability = Capability {
    name: "auth",
    summary: "bearer JWT authentication (HS256 in development, JWKS in production) and role-based authorization from the PRD's actors and use cases",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[],
    project_ext: Some(project_ext),
    entity_ext: Some(entity_ext),
    domain_names: None,
    go_deps: true,
    requires: &[],
};

use Ownership::{Generated as G, Scaffold as S};

const RULES: &[Rule] = &[
    once(
        "auth/docs/adr/0010-jwt-and-policy.md.tera",
        "docs/adr/0010-jwt-and-policy.md",
        G,
    ),
    once("auth/auth/auth.gen.go.tera", "internal/auth/auth.gen.go", G),
    once(
        "auth/auth/auth.gen_test.go.tera",
        "internal/auth/auth.gen_test.go",
        G,
    ),
    once(
        "auth/auth/policy.gen.go.tera",
        "internal/auth/policy.gen.go",
        G,
    ),
    once("auth/auth/policy.go.tera", "internal/auth/policy.go", S),
    once(
        "auth/httpapi/auth.gen.go.tera",
        "internal/interfaces/httpapi/auth.gen.go",
        G,
    ),
    once(
        "auth/httpapi/auth.gen_test.go.tera",
        "internal/interfaces/httpapi/auth.gen_test.go",
        G,
    ),
    once(
        "auth/config/auth.gen.go.tera",
        "internal/config/auth.gen.go",
        G,
    ),
    once("auth/app/auth.gen.go.tera", "internal/app/auth.gen.go", G),
    once("auth/cmd/devtoken.go.tera", "cmd/devtoken/main.go", S),
    Rule {
        when: owns_rows,
        ..once(
            "auth/app/ownership.gen.go.tera",
            "internal/app/ownership.gen.go",
            G,
        )
    },
    Rule {
        when: calls_as_others,
        ..once(
            "auth/e2e/auth.gen_test.go.tera",
            "tests/e2e/auth.gen_test.go",
            G,
        )
    },
];

/// Whether some role reaches only its own rows of some entity (`actors[].owns`).
fn owns_rows(model: &Model) -> bool {
    model
        .actors
        .iter()
        .any(|a| !a.owns.is_empty() && !is_admin(&a.name, &a.label))
}

/// Whether the e2e tests call as other callers than the development admin: own rows, or
/// tenants (the tenancy test signs its tokens with `callerAPI`).
fn calls_as_others(model: &Model) -> bool {
    owns_rows(model) || model.capabilities.iter().any(|c| c == "tenancy")
}

const FILLS: &[Fill] = &[
    Fill::add("app_deps", "auth/ext/app_deps.tera"),
    Fill::add("openapi_operation", "auth/ext/openapi_operation.tera"),
    Fill::add("openapi_responses", "auth/ext/openapi_responses.tera"),
    Fill::add("openapi_metrics", "auth/ext/openapi_metrics.tera"),
    Fill::add("openapi_components", "auth/ext/openapi_components.tera"),
    Fill::add("env_example", "auth/ext/env_example.tera"),
    Fill::add("makefile_build", "auth/ext/makefile_build.tera"),
    Fill::add("readme_sections", "auth/ext/readme_sections.tera"),
    Fill::add("wire_end", "auth/ext/wire_end.tera"),
];

/// Actor names that may do everything.
const ADMIN_WORDS: &[&str] = &[
    "admin",
    "administrator",
    "owner",
    "superuser",
    "root",
    "super_admin",
];

/// Labels that make an actor admin-like (图书管理员 is a librarian, not an administrator).
const ADMIN_LABELS: &[&str] = &["管理员", "系统管理员", "超级管理员", "平台管理员", "超管"];

/// Whether an actor is admin-like: by its name, or by its whole label.
fn is_admin(name: &str, label: &str) -> bool {
    ADMIN_WORDS.contains(&name) || name.ends_with("_admin") || ADMIN_LABELS.contains(&label.trim())
}

/// One role of the policy.
#[derive(Debug, Clone, Serialize)]
pub struct RoleCtx {
    /// As in tokens (`librarian`).
    pub name: String,
    /// `RoleLibrarian`.
    pub go_const: String,
    pub label: String,
    pub admin: bool,
    /// The operations it is granted (none listed for admins: they may do everything).
    pub ops: Vec<String>,
    /// Resources whose rows it reaches only when they are its own (`orders`).
    pub owns: Vec<String>,
}

/// An entity some roles reach only on their own rows (`actors[].owns`).
#[derive(Debug, Clone, Serialize)]
pub struct OwnedCtx {
    /// Index in `p.entities`.
    pub entity: usize,
    /// The owner field.
    pub field_go: String,
    pub field_json: String,
    /// Carried as a pointer (an optional owner).
    pub nullable: bool,
    /// The roles limited to their own rows, in role order.
    pub roles: Vec<String>,
    /// The first of them, for the generated test: its Go constant and the operations
    /// (`get`, `list`, …) it is granted on the entity.
    pub role_go: String,
    pub role_ops: Vec<String>,
    /// Index in `p.entities` of the entity whose rows are the callers (the field's target),
    /// when the field is a reference.
    pub owner: Option<usize>,
}

/// One guarded route.
#[derive(Debug, Clone, Serialize)]
pub struct OpCtx {
    /// `books:create`: the operation, as in the policy.
    pub name: String,
    pub method: &'static str,
    /// gin's route pattern (`/api/v1/books/:id`).
    pub route: String,
    /// A concrete path for tests (`/api/v1/books/<a uuid>`).
    pub path: String,
    /// The roles allowed (admins included), for OpenAPI `x-roles` and the docs.
    pub roles: Vec<String>,
    /// Those of `roles` allowed on their own rows only.
    pub own: Vec<String>,
}

/// `p.ext.auth`.
#[derive(Debug, Clone, Serialize)]
pub struct AuthCtx {
    pub roles: Vec<RoleCtx>,
    pub operations: Vec<OpCtx>,
    /// The role development tokens and tests use for everything: the first admin-like
    /// role, else `admin` (added as a role).
    pub admin: String,
    /// Entities some roles reach only on their own rows, in entity order.
    pub owned: Vec<OwnedCtx>,
}

/// The operations of an entity: (op name, method, route suffix). `op` is the use-case
/// action (`create`, `list`, `get`, `update`, `delete`, `import`, `export`, an action name).
fn entity_ops(e: &EntityCtx) -> Vec<(String, &'static str, String)> {
    let mut out = vec![
        ("create".to_string(), "POST", String::new()),
        ("list".to_string(), "GET", String::new()),
        ("get".to_string(), "GET", "/:id".to_string()),
        ("update".to_string(), "PATCH", "/:id".to_string()),
        ("delete".to_string(), "DELETE", "/:id".to_string()),
    ];
    if e.import.is_some() {
        out.push(("import".into(), "POST", "/import".into()));
    }
    if e.export.is_some() {
        out.push(("export".into(), "GET", "/export".into()));
    }
    if let Some(st) = &e.state {
        for a in &st.actions {
            out.push((a.name.clone(), "POST", format!("/:id/{}", a.path)));
        }
    }
    for a in &e.record_actions {
        out.push((a.name.clone(), "POST", format!("/:id/{}", a.path)));
    }
    out
}

/// The roles of a model and what each is granted.
struct Policy {
    /// (name, label, admin-like), the actors in order, then `admin` when none is admin-like.
    roles: Vec<(String, String, bool)>,
    /// Role → (entity name, operation) granted by a use case (`list` grants `get` too).
    grants: BTreeMap<String, Vec<(String, String)>>,
    /// Role → (entity name, owner field) it reaches only on its own rows (admins never).
    owns: BTreeMap<String, Vec<(String, String)>>,
}

impl Policy {
    fn of(model: &Model) -> Self {
        let mut roles: Vec<(String, String, bool)> = model
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.label.clone(), is_admin(&a.name, &a.label)))
            .collect();
        if !roles.iter().any(|r| r.2) {
            // No admin-like actor: one is added, so that someone may do everything.
            let name = if roles.iter().any(|r| r.0 == "admin") {
                "administrator"
            } else {
                "admin"
            };
            roles.push((name.to_string(), String::new(), true));
        }
        let mut grants: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for u in &model.use_cases {
            let (Some(entity), Some(action)) = (&u.entity, &u.action) else {
                continue;
            };
            let list = grants.entry(u.actor.clone()).or_default();
            let mut acts = vec![action.clone()];
            if action == "list" {
                acts.push("get".into());
            }
            for a in acts {
                let g = (entity.clone(), a);
                if !list.contains(&g) {
                    list.push(g);
                }
            }
        }
        let owns = model
            .actors
            .iter()
            .filter(|a| !is_admin(&a.name, &a.label) && !a.owns.is_empty())
            .map(|a| {
                let o = a.owns.iter().map(|o| (o.entity.clone(), o.field.clone()));
                (a.name.clone(), o.collect())
            })
            .collect();
        Policy {
            roles,
            grants,
            owns,
        }
    }

    /// Whether `role` reaches only its own rows of `entity`.
    fn owns(&self, role: &str, entity: &str) -> bool {
        self.owns
            .get(role)
            .is_some_and(|o| o.iter().any(|(e, _)| e == entity))
    }

    /// The roles allowed `op` on `entity`, admins included, in role order.
    fn allowed(&self, entity: &str, op: &str) -> Vec<String> {
        self.roles
            .iter()
            .filter(|(name, _, admin)| {
                *admin
                    || self
                        .grants
                        .get(name)
                        .is_some_and(|g| g.iter().any(|(e, o)| e == entity && o == op))
            })
            .map(|r| r.0.clone())
            .collect()
    }
}

pub fn project_ctx(model: &Model, p: &ProjectCtx) -> AuthCtx {
    let pol = Policy::of(model);
    let id = "00000000-0000-4000-8000-000000000001";
    let mut operations = Vec::new();
    for e in &p.entities {
        for (op, method, suffix) in entity_ops(e) {
            let route = format!("/api/v1/{}{suffix}", e.resource);
            let roles = pol.allowed(&e.name, &op);
            operations.push(OpCtx {
                name: format!("{}:{op}", e.resource),
                method,
                path: route.replace(":id", id),
                route,
                own: roles
                    .iter()
                    .filter(|r| pol.owns(r, &e.name))
                    .cloned()
                    .collect(),
                roles,
            });
        }
    }
    let roles: Vec<RoleCtx> = pol
        .roles
        .iter()
        .map(|(name, label, admin)| RoleCtx {
            name: name.clone(),
            go_const: format!("Role{}", names::pascal(name)),
            label: label.clone(),
            admin: *admin,
            ops: if *admin {
                Vec::new()
            } else {
                operations
                    .iter()
                    .filter(|o| o.roles.contains(name))
                    .map(|o| o.name.clone())
                    .collect()
            },
            owns: p
                .entities
                .iter()
                .filter(|e| !admin && pol.owns(name, &e.name))
                .map(|e| e.resource.clone())
                .collect(),
        })
        .collect();
    let owned = owned_ctx(&pol, &roles, p);
    let admin = roles
        .iter()
        .find(|r| r.admin)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    AuthCtx {
        roles,
        operations,
        admin,
        owned,
    }
}

/// The entities some roles reach only on their own rows, with their owner field.
fn owned_ctx(pol: &Policy, roles: &[RoleCtx], p: &ProjectCtx) -> Vec<OwnedCtx> {
    let mut out = Vec::new();
    for (i, e) in p.entities.iter().enumerate() {
        let limited: Vec<&RoleCtx> = roles
            .iter()
            .filter(|r| pol.owns(&r.name, &e.name))
            .collect();
        let Some(first) = limited.first() else {
            continue;
        };
        let Some(field_name) = pol.owns[&first.name]
            .iter()
            .find(|(en, _)| *en == e.name)
            .map(|(_, f)| f)
        else {
            continue;
        };
        let Some(f) = e.fields.iter().find(|f| &f.name == field_name) else {
            continue; // validation refuses it (E170)
        };
        let prefix = format!("{}:", e.resource);
        out.push(OwnedCtx {
            entity: i,
            field_go: f.go_name.clone(),
            field_json: f.json.clone(),
            nullable: f.carry == "nullable",
            roles: limited.iter().map(|r| r.name.clone()).collect(),
            role_go: first.go_const.clone(),
            role_ops: first
                .ops
                .iter()
                .filter_map(|o| o.strip_prefix(&prefix).map(str::to_string))
                .collect(),
            owner: f
                .is_ref
                .then(|| p.entities.iter().position(|x| x.go_name == f.ref_go))
                .flatten(),
        });
    }
    out
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    serde_json::to_value(project_ctx(model, p)).unwrap_or_default()
}

/// `e.ext.auth.roles`: operation (`create`, `pay`) → roles allowed, for OpenAPI `x-roles`;
/// `e.ext.auth.own`: those of them limited to their own rows (`x-own-rows`).
fn entity_ext(model: &Model, _e: &Entity, ctx: &EntityCtx) -> serde_json::Value {
    let pol = Policy::of(model);
    let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut own: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (op, _, _) in entity_ops(ctx) {
        let r = pol.allowed(&ctx.name, &op);
        let o: Vec<String> = r
            .iter()
            .filter(|r| pol.owns(r, &ctx.name))
            .cloned()
            .collect();
        own.insert(op.clone(), o);
        roles.insert(op, r);
    }
    serde_json::json!({ "roles": roles, "own": own })
}

#[cfg(test)]
mod tests {
    use super::is_admin;

    #[test]
    fn admin_like_actors() {
        assert!(is_admin("admin", ""));
        assert!(is_admin("store_admin", "店铺管理员"));
        assert!(is_admin("operator", "系统管理员"));
        assert!(!is_admin("librarian", "图书管理员"));
        assert!(!is_admin("reader", "读者"));
    }
}
