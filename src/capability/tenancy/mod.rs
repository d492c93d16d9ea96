//! The `tenancy` capability: every row of a tenant's entities belongs to one tenant, and a
//! request sees and changes only its own tenant's rows. Two walls:
//!
//! - **the application** (`internal/app/tenancy.gen.go`): the use cases of every scoped
//!   entity are wrapped outside the cache — a row of another tenant answers 404 like a
//!   missing one, lists and exports are filtered to the caller's tenant, a create or update
//!   may not name another tenant (422), and references must point at rows of the same
//!   tenant (422). Build tag `notenantfilter` removes this wall, to test the second alone;
//! - **PostgreSQL row-level security**: `ENABLE` + `FORCE ROW LEVEL SECURITY` on every
//!   scoped table, with a policy on the session setting `app.tenant_id` that the API's pool
//!   sets at every acquire from the request's context; the API acts as a non-owner role
//!   (`SET ROLE`, created by the migration), since owners and superusers bypass RLS.
//!
//! The tenant comes only from the token (`tenant_id` claim, auth). Which entity is the tenant
//! and which column scopes each entity is decided here, once, from the model ([`Scoping`]).

use super::{Capability, Fill, Table};
use crate::evolve::Ownership;
use crate::model::{Entity, FieldType, Model};
use crate::names;
use crate::plan::{once, Rule};
use crate::render::context::{EntityCtx, ProjectCtx};
use include_dir::{include_dir, Dir};
use serde::Serialize;
use std::collections::BTreeMap;

/// This capability's templates, named `tenancy/<path>` in the template set.
static TEMPLATES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/capability/tenancy/templates");

pub const TENANCY: Capability = Capability {
    name: "tenancy",
    summary: "tenant isolation: the tenant from the token scopes every query of a tenant's entities, with PostgreSQL row-level security as a second wall",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[Table {
        table: "tenant_isolation",
        create: "tenancy/migrations/create.sql.tera",
        drop: "tenancy/migrations/drop.sql.tera",
    }],
    project_ext: Some(project_ext),
    entity_ext: Some(entity_ext),
    domain_names: None,
    go_deps: false,
    requires: &["auth"],
};

use Ownership::Generated as G;

const RULES: &[Rule] = &[
    once(
        "tenancy/docs/adr/0011-tenant-isolation.md.tera",
        "docs/adr/0011-tenant-isolation.md",
        G,
    ),
    once(
        "tenancy/tenancy/tenancy.gen.go.tera",
        "internal/tenancy/tenancy.gen.go",
        G,
    ),
    once(
        "tenancy/app/tenancy.gen.go.tera",
        "internal/app/tenancy.gen.go",
        G,
    ),
    once(
        "tenancy/app/tenancy_off.gen.go.tera",
        "internal/app/tenancy_off.gen.go",
        G,
    ),
    once(
        "tenancy/httpapi/tenancy.gen.go.tera",
        "internal/interfaces/httpapi/tenancy.gen.go",
        G,
    ),
    once(
        "tenancy/postgres/tenancy.gen.go.tera",
        "internal/infrastructure/postgres/tenancy.gen.go",
        G,
    ),
    once(
        "tenancy/e2e/tenancy.gen_test.go.tera",
        "tests/e2e/tenancy.gen_test.go",
        G,
    ),
];

const FILLS: &[Fill] = &[
    Fill::add("app_deps", "tenancy/ext/app_deps.tera"),
    Fill::add("app_pool_options", "tenancy/ext/app_pool_options.tera"),
    Fill::add("wire_end", "tenancy/ext/wire_end.tera"),
    Fill::add("sql_create_up", "tenancy/ext/sql_create_up.tera"),
    Fill::replace("sql_column_unique", "tenancy/ext/sql_column_unique.tera"),
    Fill::add(
        "sql_table_constraints",
        "tenancy/ext/sql_table_constraints.tera",
    ),
    Fill::add("repotest_duplicate", "tenancy/ext/repotest_duplicate.tera"),
    Fill::add("env_example", "tenancy/ext/env_example.tera"),
    Fill::add("readme_sections", "tenancy/ext/readme_sections.tera"),
];

/// Words that make an entity the tenant: its description or label says so.
static TENANT_WORDS: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)\btenants?\b|租户").expect("tenant regex"));

/// Entity names that are tenants by themselves.
const TENANT_NAMES: &[&str] = &["Tenant", "Workspace", "Organization", "Organisation"];

/// How one entity belongs to a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The tenant entity itself: a row's id is the tenant id.
    Root,
    /// Rows belong to the tenant named by this field (a required reference to the tenant
    /// entity, or a `tenant_id` uuid).
    Column(String),
    /// Shared by every tenant (no tenant reference): not scoped.
    Shared,
}

/// The tenant entity of a model and the scope of each entity: decided once, here.
#[derive(Debug, Clone)]
pub struct Scoping {
    pub root: Option<String>,
    pub scopes: BTreeMap<String, Scope>,
}

impl Scoping {
    pub fn of(model: &Model) -> Scoping {
        let root = model
            .entities
            .iter()
            .find(|e| TENANT_WORDS.is_match(&e.description) || TENANT_WORDS.is_match(&e.label))
            .or_else(|| {
                model
                    .entities
                    .iter()
                    .find(|e| TENANT_NAMES.contains(&e.name.as_str()))
            })
            .map(|e| e.name.clone());
        let scopes = model
            .entities
            .iter()
            .map(|e| (e.name.clone(), scope_of(e, root.as_deref())))
            .collect();
        Scoping { root, scopes }
    }

    pub fn scope(&self, entity: &str) -> &Scope {
        self.scopes.get(entity).unwrap_or(&Scope::Shared)
    }

    /// Whether rows of `entity` belong to a tenant.
    pub fn scoped(&self, entity: &str) -> bool {
        *self.scope(entity) != Scope::Shared
    }

    /// Whether some entity's rows belong to a tenant through a column: without one there
    /// is nothing to isolate (a tenant table alone is not a multi-tenant service).
    pub fn isolates_rows(&self) -> bool {
        self.scopes.values().any(|s| matches!(s, Scope::Column(_)))
    }
}

fn scope_of(e: &Entity, root: Option<&str>) -> Scope {
    if root == Some(e.name.as_str()) {
        return Scope::Root;
    }
    let by_ref = root.and_then(|r| {
        e.fields
            .iter()
            .find(|f| f.required && !f.list && f.references.as_deref() == Some(r))
    });
    let by_name = || {
        e.fields.iter().find(|f| {
            f.name == "tenant_id"
                && f.required
                && !f.list
                && matches!(f.ty, FieldType::Uuid | FieldType::Ref)
        })
    };
    match by_ref.or_else(by_name) {
        Some(f) => Scope::Column(f.name.clone()),
        None => Scope::Shared,
    }
}

/// A reference from a scoped entity to another scoped entity: it must point at a row of the
/// same tenant.
#[derive(Debug, Clone, Serialize)]
pub struct RefCtx {
    pub go_name: String,
    pub json: String,
    pub column: String,
    /// Carried as a pointer (optional reference).
    pub nullable: bool,
    /// The target entity.
    pub target: String,
    pub target_go: String,
    pub target_app_pkg: String,
    pub target_table: String,
    pub target_msg: String,
    /// The target is the tenant entity (its id is the tenant).
    pub target_root: bool,
    /// The target's tenant column's Go name (empty for the tenant entity).
    pub target_column_go: String,
}

/// `e.ext.tenancy`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityTenancy {
    /// `root`, `column` or `shared`.
    pub scope: &'static str,
    /// The tenant column (column scope): its Go name, JSON name and SQL column.
    pub column_go: String,
    pub column_json: String,
    /// Its JSON name as is (a query parameter's name).
    pub column_name: String,
    pub column: String,
    /// References to other scoped entities, other than the tenant column.
    pub refs: Vec<RefCtx>,
    /// SQL `WITH CHECK` terms of the references: each target row must be visible (row-level
    /// security applies inside the policy) and, for a column-scoped target, of this tenant.
    pub sql_ref_checks: Vec<String>,
}

/// `p.ext.tenancy`.
#[derive(Debug, Clone, Serialize)]
pub struct TenancyCtx {
    /// The role the API acts as (`DB_ROLE`'s default).
    pub role: String,
    /// Index in `p.entities` of the tenant entity, when the model has one.
    pub root: Option<usize>,
    /// Indexes in `p.entities` of the scoped entities (the tenant entity included).
    pub scoped: Vec<usize>,
    /// Labels of the entities every tenant shares.
    pub shared: Vec<String>,
}

pub fn entity_ctx(model: &Model, e: &Entity, ctx: &EntityCtx) -> EntityTenancy {
    let s = Scoping::of(model);
    let (scope, column) = match s.scope(&e.name) {
        Scope::Root => ("root", None),
        Scope::Column(c) => ("column", Some(c.as_str())),
        Scope::Shared => ("shared", None),
    };
    let col = column.and_then(|c| ctx.fields.iter().find(|f| f.name == c));
    let mut refs = Vec::new();
    let mut sql_ref_checks = Vec::new();
    if scope != "shared" {
        for f in &ctx.fields {
            let Some(target) = e
                .fields
                .iter()
                .find(|mf| mf.name == f.name)
                .and_then(|mf| mf.references.clone())
            else {
                continue;
            };
            if Some(f.name.as_str()) == column || !s.scoped(&target) || f.list {
                continue;
            }
            let Some(t) = model.entity(&target) else {
                continue;
            };
            let target_scope = s.scope(&target).clone();
            let target_column = match &target_scope {
                Scope::Column(c) => Some(c.clone()),
                _ => None,
            };
            // The target row must be visible to this session (its tenant's) and, when both
            // rows carry a tenant column, of the same tenant as the new row.
            // Columns of the new row are qualified by its table: inside the subquery a bare
            // name would be the target's.
            let same_tenant = match (&target_column, col) {
                (Some(tc), Some(own)) => format!(
                    " AND r.{} = {}.{}",
                    names::sql_ident(tc),
                    ctx.table,
                    own.column
                ),
                _ => String::new(),
            };
            sql_ref_checks.push(format!(
                "({c} IS NULL OR EXISTS (SELECT 1 FROM {t} r WHERE r.id = {own_table}.{c}{same_tenant}))",
                c = f.column,
                own_table = ctx.table,
                t = names::sql_ident(&t.table),
            ));
            refs.push(RefCtx {
                go_name: f.go_name.clone(),
                json: f.json_lit.clone(),
                column: f.column.clone(),
                nullable: f.carry == "nullable",
                target: target.clone(),
                target_go: f.ref_go.clone(),
                target_app_pkg: format!("{}app", names::go_package(&target)),
                target_table: names::sql_ident(&t.table),
                target_msg: if t.label.is_ascii() && !t.label.is_empty() {
                    t.label.clone()
                } else {
                    names::pascal(&t.name)
                },
                target_root: target_scope == Scope::Root,
                target_column_go: target_column
                    .as_deref()
                    .map(names::go_field)
                    .unwrap_or_default(),
            });
        }
    }
    EntityTenancy {
        scope,
        column_go: col.map(|f| f.go_name.clone()).unwrap_or_default(),
        column_json: col.map(|f| f.json_lit.clone()).unwrap_or_default(),
        column_name: col.map(|f| f.name.clone()).unwrap_or_default(),
        column: col.map(|f| f.column.clone()).unwrap_or_default(),
        refs,
        sql_ref_checks,
    }
}

fn entity_ext(model: &Model, e: &Entity, ctx: &EntityCtx) -> serde_json::Value {
    serde_json::to_value(entity_ctx(model, e, ctx)).unwrap_or_default()
}

/// The API's role: `<service>_app`, a plain SQL identifier (written unquoted in migrations).
fn role_name(service_snake: &str) -> String {
    let base: String = service_snake
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let base = if base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base
    } else {
        format!("svc_{base}")
    };
    format!("{base}_app")
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    let s = Scoping::of(model);
    let index = |name: &str| p.entities.iter().position(|e| e.name == name);
    let ctx = TenancyCtx {
        role: role_name(&p.service.snake),
        root: s.root.as_deref().and_then(index),
        scoped: p
            .ordered
            .iter()
            .copied()
            .filter(|&i| p.entities.get(i).is_some_and(|e| s.scoped(&e.name)))
            .collect(),
        shared: p
            .entities
            .iter()
            .filter(|e| !s.scoped(&e.name))
            .map(|e| e.label.clone())
            .collect(),
    };
    serde_json::to_value(ctx).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::edit::{add_entity, parse_field};
    use crate::model::Lang;

    /// A model of entities given as (name, description, field specs `name:type[:flags]`).
    fn model(entities: &[(&str, &str, &[&str])]) -> Model {
        let mut m = Model::empty("c", Lang::En);
        for (name, description, specs) in entities {
            let fields = specs
                .iter()
                .map(|s| parse_field(s, &m).expect("field"))
                .collect();
            m = add_entity(&m, name, name, fields).expect("entity");
            if let Some(e) = m.entities.iter_mut().find(|e| e.name == *name) {
                e.description = description.to_string();
            }
        }
        m
    }

    #[test]
    fn the_tenant_is_the_entity_described_as_one() {
        let m = model(&[
            (
                "Clinic",
                "a tenant; name and plan",
                &["name:string:required"],
            ),
            (
                "Patient",
                "",
                &["clinic_id:ref(Clinic):required", "name:string"],
            ),
            ("Drug", "", &["code:string"]),
        ]);
        let s = Scoping::of(&m);
        assert_eq!(s.root.as_deref(), Some("Clinic"));
        assert_eq!(*s.scope("Clinic"), Scope::Root);
        assert_eq!(*s.scope("Patient"), Scope::Column("clinic_id".into()));
        assert_eq!(*s.scope("Drug"), Scope::Shared);
    }

    #[test]
    fn without_a_tenant_entity_a_tenant_id_column_scopes() {
        let m = model(&[
            ("Note", "", &["tenant_id:uuid:required", "body:text"]),
            ("Topic", "", &["tenant_id:uuid"]),
        ]);
        let s = Scoping::of(&m);
        assert_eq!(s.root, None);
        assert_eq!(*s.scope("Note"), Scope::Column("tenant_id".into()));
        // An optional tenant_id does not scope: a row without a tenant would be everyone's.
        assert_eq!(*s.scope("Topic"), Scope::Shared);
    }

    #[test]
    fn a_workspace_is_a_tenant_by_its_name() {
        let m = model(&[
            ("Workspace", "", &["name:string"]),
            ("Doc", "", &["workspace_id:ref(Workspace):required"]),
        ]);
        assert_eq!(
            *Scoping::of(&m).scope("Doc"),
            Scope::Column("workspace_id".into())
        );
    }

    #[test]
    fn the_role_is_a_plain_identifier() {
        assert_eq!(role_name("clinic_cloud"), "clinic_cloud_app");
        assert_eq!(role_name("9lives"), "svc_9lives_app");
    }
}
