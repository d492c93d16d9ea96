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
];

const FILLS: &[Fill] = &[
    Fill::add("app_deps", "auth/ext/app_deps.tera"),
    Fill::add("openapi_operation", "auth/ext/openapi_operation.tera"),
    Fill::add("openapi_responses", "auth/ext/openapi_responses.tera"),
    Fill::add("openapi_metrics", "auth/ext/openapi_metrics.tera"),
    Fill::add("openapi_components", "auth/ext/openapi_components.tera"),
    Fill::add("env_example", "auth/ext/env_example.tera"),
    Fill::add("makefile_build", "auth/ext/makefile_build.tera"),
    Fill::add("readme_sections", "auth/ext/readme_sections.tera"),
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
}

/// `p.ext.auth`.
#[derive(Debug, Clone, Serialize)]
pub struct AuthCtx {
    pub roles: Vec<RoleCtx>,
    pub operations: Vec<OpCtx>,
    /// The role development tokens and tests use for everything: the first admin-like
    /// role, else `admin` (added as a role).
    pub admin: String,
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
        Policy { roles, grants }
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
            operations.push(OpCtx {
                name: format!("{}:{op}", e.resource),
                method,
                path: route.replace(":id", id),
                route,
                roles: pol.allowed(&e.name, &op),
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
        })
        .collect();
    let admin = roles
        .iter()
        .find(|r| r.admin)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    AuthCtx {
        roles,
        operations,
        admin,
    }
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    serde_json::to_value(project_ctx(model, p)).unwrap_or_default()
}

/// `e.ext.auth.roles`: operation (`create`, `pay`) → roles allowed, for OpenAPI `x-roles`.
fn entity_ext(model: &Model, _e: &Entity, ctx: &EntityCtx) -> serde_json::Value {
    let pol = Policy::of(model);
    let roles: BTreeMap<String, Vec<String>> = entity_ops(ctx)
        .into_iter()
        .map(|(op, _, _)| {
            let r = pol.allowed(&ctx.name, &op);
            (op, r)
        })
        .collect();
    serde_json::json!({ "roles": roles })
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
