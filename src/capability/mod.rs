//! Capability modules: what the generator can add to a project, one folder each.
//!
//! A capability is a [`Capability`] value in its own module: its plan rows (templates, output
//! paths, scopes, ownership, conditions), its templates (embedded from the module's
//! `templates/` folder, named `<capability>/…` in the template set, so that projects override
//! them like any other under `.backend-pro/templates/`), the fragments it puts into the
//! extension points of the core templates, the tables it needs (each gets a create migration
//! in a fresh project, and a create or drop migration when it is turned on or off), and its
//! typed context (`p.ext.<name>`, `e.ext.<name>`).
//!
//! Extension points work like ent's `xtemplate` hooks: core templates call named slots
//! ([`core::SLOTS`]) and never mention a capability. For each render the slots become the
//! macros of one generated template, `ext.tera` ([`EXT_TEMPLATE`]): the body of a slot's
//! macro is the text of every fragment the enabled capabilities declare for it, in registry
//! order; a capability may replace the core default of a slot (`Fill::replace`). A slot no
//! enabled capability fills prints nothing.
//!
//! `core` is always on. The others are listed in the model (`capabilities:`), chosen at
//! `new` (`--with`/`--without`) and turned on or off with `add capability` / `remove
//! capability` (docs/ARCHITECTURE.md, "Capabilities").

pub mod auth;
pub mod core;
pub mod deploy;
pub mod events;
pub mod monitoring;
pub mod observability;
pub mod tenancy;

use crate::model::{Entity, Model};
use crate::plan::Rule;
use crate::render::context::{EntityCtx, ProjectCtx};
use include_dir::Dir;
use std::collections::BTreeMap;

/// One capability module.
pub struct Capability {
    /// Lower-case name, as listed in `backend-pro.yaml` and on the command line.
    pub name: &'static str,
    /// One line for `--help` and docs.
    pub summary: &'static str,
    /// Plan rows of the files it owns.
    pub rules: &'static [Rule],
    /// Its own templates, named `<name>/<path inside the folder>` in the template set; `None`
    /// for core, whose templates are the root of the set.
    pub templates: Option<&'static Dir<'static>>,
    /// Fragments it puts into extension points.
    pub fills: &'static [Fill],
    /// Tables it needs, in creation order.
    pub tables: &'static [Table],
    /// Its project-wide context, as `p.ext.<name>`.
    pub project_ext: Option<fn(&Model, &ProjectCtx) -> serde_json::Value>,
    /// Its per-entity context, as `e.ext.<name>`.
    pub entity_ext: Option<fn(&Model, &Entity, &EntityCtx) -> serde_json::Value>,
    /// The Go names it declares in an entity's domain package (given the entity's event
    /// type name), so that collisions are reported at the entity instead of failing in Go.
    pub domain_names: Option<fn(&Model, &Entity, &str) -> DomainNames>,
    /// It imports Go modules core does not: go.mod and go.sum come from the pins of the
    /// enabled set of such capabilities ([`pin_set`]).
    pub go_deps: bool,
    /// Capabilities it needs on (turned on with it; they cannot go while it is on).
    pub requires: &'static [&'static str],
}

/// The name of the pinned Go module set a model needs: the enabled capabilities with Go
/// dependencies joined by `+` in name order (`auth+events`), or `core`. go.mod and go.sum are
/// `pins/<set>/go_mod.tera` and `go_sum.tera`, each a `go mod tidy` of a reference module
/// importing that set (scripts/refresh-go-pins.sh).
pub fn pin_set(model: &Model) -> String {
    let mut names: Vec<&str> = enabled(model)
        .into_iter()
        .filter(|c| c.go_deps)
        .map(|c| c.name)
        .collect();
    names.sort_unstable();
    if names.is_empty() {
        "core".to_string()
    } else {
        names.join("+")
    }
}

/// Go identifiers a capability adds to an entity's domain package.
#[derive(Debug, Clone, Default)]
pub struct DomainNames {
    /// Methods of the aggregate.
    pub methods: Vec<String>,
    /// Package-level types and constants.
    pub package: Vec<String>,
}

/// What the enabled capabilities declare in `e`'s domain package.
pub fn domain_names(model: &Model, e: &Entity, event_type: &str) -> DomainNames {
    let mut out = DomainNames::default();
    for c in enabled(model) {
        if let Some(f) = c.domain_names {
            let n = f(model, e, event_type);
            out.methods.extend(n.methods);
            out.package.extend(n.package);
        }
    }
    out
}

/// A named extension point of the core templates: a macro with these arguments.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub name: &'static str,
    /// Tera macro parameters, comma-separated (`e, VT`).
    pub args: &'static str,
    pub doc: &'static str,
}

/// A fragment for a slot: a template whose text becomes (part of) the slot's macro body, so
/// it sees only the slot's arguments.
#[derive(Debug, Clone, Copy)]
pub struct Fill {
    pub slot: &'static str,
    pub template: &'static str,
    /// Drop what earlier capabilities (core's default) put there.
    pub replace: bool,
}

impl Fill {
    /// A fragment added after what earlier capabilities put in `slot`.
    pub const fn add(slot: &'static str, template: &'static str) -> Fill {
        Fill {
            slot,
            template,
            replace: false,
        }
    }

    /// A fragment that replaces core's default of `slot`.
    pub const fn replace(slot: &'static str, template: &'static str) -> Fill {
        Fill {
            slot,
            template,
            replace: true,
        }
    }
}

/// A table a capability needs, with the templates of its create and drop migrations.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// Table name (migration files are `NNNNN_create_<table>.sql`, `NNNNN_drop_<table>.sql`).
    pub table: &'static str,
    pub create: &'static str,
    pub drop: &'static str,
}

/// The name of the generated template holding the slots' macros.
pub const EXT_TEMPLATE: &str = "ext.tera";

/// Every capability, core first. Order is the order of fragments in a slot.
pub const REGISTRY: &[&Capability] = &[
    &core::CORE,
    &auth::AUTH,
    &events::EVENTS,
    &tenancy::TENANCY,
    &monitoring::MONITORING,
    &observability::OBSERVABILITY,
    &deploy::DEPLOY,
];

/// Capabilities `new --prd` turns on whatever the PRD says (`--without` turns them off):
/// every PRD has NFRs, stated or defaulted, to derive alerts and replicas from, and tracing
/// costs nothing until an OTLP endpoint is set.
pub const ON_BY_DEFAULT: &[&str] = &["deploy", "monitoring", "observability"];

/// The capability called `name`.
pub fn get(name: &str) -> Option<&'static Capability> {
    REGISTRY.iter().copied().find(|c| c.name == name)
}

/// Names of the capabilities a model may list (all but core).
pub fn optional_names() -> Vec<&'static str> {
    REGISTRY
        .iter()
        .filter(|c| c.name != "core")
        .map(|c| c.name)
        .collect()
}

/// The capabilities a model enables, core first, in registry order.
pub fn enabled(model: &Model) -> Vec<&'static Capability> {
    REGISTRY
        .iter()
        .copied()
        .filter(|c| model.has_capability(c.name))
        .collect()
}

/// The templates of every capability but core, named `<capability>/<path>`.
pub fn templates() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in REGISTRY {
        if let Some(dir) = c.templates {
            let mut files = BTreeMap::new();
            crate::render::collect(dir, &mut files);
            for (k, v) in files {
                out.insert(format!("{}/{k}", c.name), v);
            }
        }
    }
    out
}

/// The text of `ext.tera` for a model: one macro per slot, each holding the fragments of the
/// enabled capabilities (taken from `templates`, so project overrides of fragments apply).
/// A fragment missing from `templates` is an error naming it.
pub fn ext_template(model: &Model, templates: &BTreeMap<String, String>) -> Result<String, String> {
    let mut bodies: BTreeMap<&str, String> = BTreeMap::new();
    for c in enabled(model) {
        for f in c.fills {
            if !core::SLOTS.iter().any(|s| s.name == f.slot) {
                return Err(format!(
                    "capability {} fills unknown slot {}",
                    c.name, f.slot
                ));
            }
            let text = templates
                .get(f.template)
                .ok_or_else(|| format!("capability {}: no template {}", c.name, f.template))?;
            let body = bodies.entry(f.slot).or_default();
            if f.replace {
                body.clear();
            }
            // A fragment file ends with a newline for editors; the slot does not.
            body.push_str(text.strip_suffix('\n').unwrap_or(text));
        }
    }
    let set = pin_set(model);
    for (slot, file) in [("go_mod", "go_mod.tera"), ("go_sum", "go_sum.tera")] {
        let name = format!("pins/{set}/{file}");
        let text = templates
            .get(&name)
            .ok_or_else(|| format!("no pinned Go modules for {set}: no template {name}"))?;
        bodies.insert(slot, text.strip_suffix('\n').unwrap_or(text).to_string());
    }
    let mut out = String::new();
    for s in core::SLOTS {
        let body = bodies.get(s.name).map(String::as_str).unwrap_or("");
        out.push_str(&format!(
            "{{% macro {}({}) %}}{}{{% endmacro {} %}}\n",
            s.name, s.args, body, s.name
        ));
    }
    Ok(out)
}

/// `templates` with the model's `ext.tera` added (every render that reaches a core template
/// needs it): the error names the fragment or pin that is missing.
pub fn with_ext_template(
    model: &Model,
    mut templates: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let ext = ext_template(model, &templates)?;
    templates.insert(EXT_TEMPLATE.to_string(), ext);
    Ok(templates)
}

/// `p.ext`: each enabled capability's project context, by name.
pub fn project_ext(model: &Model, p: &ProjectCtx) -> BTreeMap<&'static str, serde_json::Value> {
    enabled(model)
        .into_iter()
        .filter_map(|c| Some((c.name, (c.project_ext?)(model, p))))
        .collect()
}

/// `e.ext`: each enabled capability's context of one entity, by name.
pub fn entity_ext(
    model: &Model,
    e: &Entity,
    ctx: &EntityCtx,
) -> BTreeMap<&'static str, serde_json::Value> {
    enabled(model)
        .into_iter()
        .filter_map(|c| Some((c.name, (c.entity_ext?)(model, e, ctx))))
        .collect()
}

/// Words that ask for the events capability: a broker, a message queue, an outbox, a saga,
/// event-driven design. A PRD that says one of them gets the capability at `new`.
///
/// These three run over the whole document, so their word boundaries are ASCII ones
/// (`(?-u:\b)`): a Unicode `\b` sends the regex engine to its slowest matcher on any
/// non-ASCII text (analyze took 5× longer), and it would miss `使用Kafka`, where Han letters
/// count as word characters.
static ASKS_FOR_EVENTS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(?:domain events?|event[- ]driven|event bus|kafka|rabbitmq|nats|pulsar|message (?:queues?|brokers?|bus)|sagas?|outbox)(?-u:\b)|消息队列|消息中间件|领域事件|事件驱动|异步消息|事件总线",
    )
    .expect("events regex")
});

/// Words that only hint at events (`events`, `事件` are also calendar events and incidents):
/// a note, not the capability.
static HINTS_AT_EVENTS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)(?-u:\b)events?(?-u:\b)|事件").expect("events hint regex")
});

/// Up to three distinct matches of `re` in `text`, comma-separated ("" when none).
fn words(re: &regex::Regex, text: &str) -> String {
    let mut found: Vec<String> = Vec::new();
    for m in re.find_iter(text) {
        let w = m.as_str().to_string();
        if !found.iter().any(|f| f.eq_ignore_ascii_case(&w)) {
            found.push(w);
        }
        if found.len() == 3 {
            break;
        }
    }
    found.join(", ")
}

/// Words that ask for authentication even when the PRD names no actor: a login, single
/// sign-on, tokens, permissions.
static ASKS_FOR_AUTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(?:log[- ]?in|sign[- ]in|single sign[- ]on|sso|oauth2?|oidc|openid connect|jwt|authenticat[a-z]*|authori[sz]ation|permissions?|rbac)(?-u:\b)|登录|登陆|鉴权|认证|单点登录|权限|授权",
    )
    .expect("auth regex")
});

/// Why `new --prd` turns a capability on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// The PRD says these words (up to three, comma-separated).
    Words(String),
    /// The PRD names who uses the service: these actors (comma-separated), each a role.
    Actors(String),
    /// The PRD says the service is multi-tenant, at this line.
    MultiTenant(u32),
}

/// The capabilities a PRD asks for, each with why (for the note `new` prints): `events`
/// when the PRD names a broker, a message queue, an outbox, a saga or an event-driven
/// design; `auth` when it names actors (each becomes a role) or a login, SSO, tokens or
/// permissions; `tenancy` (which needs auth) when the model is multi-tenant.
pub fn defaults_for_prd(model: &Model, prd_text: &str) -> Vec<(&'static str, Asked)> {
    let mut out = Vec::new();
    let w = words(&ASKS_FOR_EVENTS, prd_text);
    if !w.is_empty() {
        out.push(("events", Asked::Words(w)));
    }
    if !model.actors.is_empty() {
        let names: Vec<&str> = model.actors.iter().map(|a| a.name.as_str()).collect();
        out.push(("auth", Asked::Actors(names.join(", "))));
    } else {
        let w = words(&ASKS_FOR_AUTH, prd_text);
        if !w.is_empty() {
            out.push(("auth", Asked::Words(w)));
        }
    }
    // Only when some entity belongs to a tenant: else the capability has nothing to isolate
    // and validation refuses it (E143); `analyze` and `new` say what to write instead.
    if model.nfr.multi_tenancy.value && tenancy::Scoping::of(model).isolates_rows() {
        let line = model.nfr.multi_tenancy.line.unwrap_or(0);
        if !out.iter().any(|(c, _)| *c == "auth") {
            out.push(("auth", Asked::MultiTenant(line)));
        }
        out.push(("tenancy", Asked::MultiTenant(line)));
    }
    out
}

/// The capabilities `new --prd` turns on for `model` read from `prd_text`: what the PRD asks
/// for ([`defaults_for_prd`]) and [`ON_BY_DEFAULT`], sorted.
pub fn for_prd(model: &Model, prd_text: &str) -> Vec<String> {
    let mut caps: Vec<String> = defaults_for_prd(model, prd_text)
        .into_iter()
        .map(|(c, _)| c.to_string())
        .chain(ON_BY_DEFAULT.iter().map(|c| c.to_string()))
        .collect();
    caps.sort();
    caps.dedup();
    caps
}

/// Capabilities a PRD's text hints at without asking for them (each stays off): the
/// capability and the words, for a note in `analyze` and `new`.
pub fn suggestions(prd_text: &str) -> Vec<(&'static str, String)> {
    if !words(&ASKS_FOR_EVENTS, prd_text).is_empty() {
        return Vec::new();
    }
    let w = words(&HINTS_AT_EVENTS, prd_text);
    if w.is_empty() {
        Vec::new()
    } else {
        vec![("events", w)]
    }
}

/// Shared by the capability unit tests: a one-entity model and its render context.
#[cfg(test)]
pub(crate) mod testing {
    use crate::model::{Field, FieldType, Lang, Model};
    use crate::render::context::ProjectCtx;

    pub fn one_entity_model(service: &str) -> Model {
        crate::evolve::edit::add_entity(
            &Model::empty(service, Lang::En),
            "Product",
            "Product",
            vec![Field::new("name", FieldType::String)],
        )
        .expect("entity")
    }

    pub fn project(m: &Model) -> ProjectCtx {
        let opts = crate::render::Options {
            module: "example.com/shop".into(),
            lang: Lang::En,
        };
        crate::render::context::project(m, &opts).expect("context")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `defaults_for_prd` says about `text` read as a model with `actors` and
    /// multi-tenancy at `tenant_line` (0: single tenant).
    fn asked(text: &str, actors: &[&str], tenant_line: u32) -> Vec<(&'static str, Asked)> {
        let mut m = Model::empty("x", crate::model::Lang::En);
        m.actors = actors
            .iter()
            .map(|a| crate::model::Actor {
                owns: Vec::new(),
                name: a.to_string(),
                label: String::new(),
                description: String::new(),
                line: 1,
            })
            .collect();
        if tenant_line > 0 {
            m = with_tenant_rows(m);
            m.nfr.multi_tenancy = crate::model::NfrValue::at(true, tenant_line);
        }
        defaults_for_prd(&m, text)
    }

    /// `m` with a Ticket whose rows belong to a tenant (`tenant_id`).
    fn with_tenant_rows(m: Model) -> Model {
        let mut f = crate::model::Field::new("tenant_id", crate::model::FieldType::Uuid);
        f.required = true;
        crate::evolve::edit::add_entity(&m, "Ticket", "Ticket", vec![f]).expect("entity")
    }

    #[test]
    fn a_broker_or_a_saga_asks_for_events() {
        assert_eq!(
            asked("Orders are published to Kafka; a saga refunds.", &[], 0),
            [("events", Asked::Words("Kafka, saga".to_string()))]
        );
        assert_eq!(asked("支付成功后发送事件到消息队列", &[], 0)[0].0, "events");
        assert!(suggestions("支付成功后发送事件到消息队列").is_empty());
        assert!(asked("A plain CRUD service for books.", &[], 0).is_empty());
        // English words written against Chinese text (no space): Han letters are not word
        // characters for these boundaries.
        assert_eq!(
            asked("订单支付后通过Kafka通知库存", &[], 0),
            [("events", Asked::Words("Kafka".to_string()))]
        );
        assert_eq!(asked("用户使用JWT登录", &[], 0)[0].0, "auth");
        assert!(asked("Kafkaesque paperwork.", &[], 0).is_empty());
    }

    #[test]
    fn actors_or_a_login_ask_for_auth() {
        assert_eq!(
            asked(
                "A plain CRUD service for books.",
                &["reader", "librarian"],
                0
            ),
            [("auth", Asked::Actors("reader, librarian".to_string()))]
        );
        assert_eq!(
            asked("Staff log in with SSO.", &[], 0),
            [("auth", Asked::Words("log in, SSO".to_string()))]
        );
        assert_eq!(
            asked("用户通过企业微信登录，接口需要鉴权。", &[], 0),
            [("auth", Asked::Words("登录, 鉴权".to_string()))]
        );
        assert!(asked("Books have a title and an author.", &[], 0).is_empty());
    }

    #[test]
    fn a_multi_tenant_model_asks_for_tenancy_and_auth() {
        let got = asked("Every clinic is a tenant.", &["doctor"], 12);
        assert_eq!(
            got,
            [
                ("auth", Asked::Actors("doctor".to_string())),
                ("tenancy", Asked::MultiTenant(12))
            ]
        );
        // Without actors, auth comes with tenancy for the same reason (the tenant is a claim).
        let got = asked("Every workspace is a tenant.", &[], 3);
        assert_eq!(got[0], ("auth", Asked::MultiTenant(3)));
        assert_eq!(got[1], ("tenancy", Asked::MultiTenant(3)));
        // Multi-tenant in words, but no entity's rows belong to a tenant: nothing to isolate.
        let mut m = testing::one_entity_model("x");
        m.nfr.multi_tenancy = crate::model::NfrValue::at(true, 3);
        assert!(defaults_for_prd(&m, "A multi-tenant marketplace.").is_empty());
    }

    #[test]
    fn for_prd_adds_the_defaults_sorted() {
        let mut m = with_tenant_rows(Model::empty("x", crate::model::Lang::En));
        m.nfr.multi_tenancy = crate::model::NfrValue::at(true, 4);
        assert_eq!(
            for_prd(&m, "Kafka"),
            [
                "auth",
                "deploy",
                "events",
                "monitoring",
                "observability",
                "tenancy"
            ]
        );
    }

    #[test]
    fn the_word_events_only_hints() {
        let text = "Members book seats for club events.";
        assert!(asked(text, &[], 0).is_empty());
        assert_eq!(suggestions(text), [("events", "events".to_string())]);
        assert!(suggestions("A plain CRUD service for books.").is_empty());
    }

    /// Every combination of the capabilities with Go dependencies has its pinned go.mod and
    /// go.sum (scripts/refresh-go-pins.sh writes them).
    #[test]
    fn every_pin_set_exists() {
        let all = crate::render::default_templates();
        let with_deps: Vec<&str> = REGISTRY
            .iter()
            .filter(|c| c.go_deps)
            .map(|c| c.name)
            .collect();
        for mask in 0..(1u32 << with_deps.len()) {
            let mut names: Vec<&str> = (0..with_deps.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| with_deps[i])
                .collect();
            names.sort_unstable();
            let set = if names.is_empty() {
                "core".to_string()
            } else {
                names.join("+")
            };
            for f in ["go_mod.tera", "go_sum.tera"] {
                assert!(
                    all.contains_key(&format!("pins/{set}/{f}")),
                    "no pins/{set}/{f}"
                );
            }
        }
    }

    #[test]
    fn registry_is_consistent() {
        let all = crate::render::default_templates();
        let mut names = std::collections::BTreeSet::new();
        for c in REGISTRY {
            assert!(names.insert(c.name), "duplicate capability {}", c.name);
            for f in c.fills {
                assert!(
                    core::SLOTS.iter().any(|s| s.name == f.slot),
                    "{}: unknown slot {}",
                    c.name,
                    f.slot
                );
                assert!(all.contains_key(f.template), "{}: {}", c.name, f.template);
            }
            for r in c.rules {
                assert!(all.contains_key(r.template), "{}: {}", c.name, r.template);
            }
            for t in c.tables {
                assert!(all.contains_key(t.create) && all.contains_key(t.drop));
            }
            if c.name != "core" {
                // A capability's templates are its own: named under its folder.
                for r in c.rules {
                    assert!(
                        r.template.starts_with(&format!("{}/", c.name)),
                        "{}",
                        r.template
                    );
                }
            }
        }
    }

    #[test]
    fn ext_template_has_every_slot() {
        let m = Model::empty("s", crate::model::Lang::En);
        let all = crate::render::default_templates();
        let text = ext_template(&m, &all).expect("ext");
        for s in core::SLOTS {
            assert!(text.contains(&format!("macro {}(", s.name)), "{}", s.name);
        }
        let mut tera = tera::Tera::default();
        tera.add_raw_template(EXT_TEMPLATE, &text)
            .expect("core ext parses");
        let mut m = m;
        m.capabilities = vec!["events".into()];
        let text = ext_template(&m, &all).expect("ext");
        let mut tera = tera::Tera::default();
        tera.add_raw_template(EXT_TEMPLATE, &text)
            .expect("events ext parses");
    }
}
