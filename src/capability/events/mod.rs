//! The `events` capability: domain events as facts in the past tense (`order.created`,
//! `order.paid`), a versioned JSON envelope, a transactional outbox written in the same
//! transaction as the change, `cmd/worker` relaying it to Kafka (at least once, in order per
//! aggregate, any number of workers), consumers whose effects apply once (`processed_events`),
//! a durable saga orchestrator (`saga_instances`), and `api/asyncapi.yaml` (AsyncAPI 3.0) with
//! one channel per aggregate type.
//!
//! On at `new` when the PRD asks for it (`capability::defaults_for_prd`), and with `new --with
//! events` / `add capability events`.
//!
//! What it owns:
//! - files: `internal/events/events.gen.go` (the envelope, lanes, topics), per entity
//!   `internal/domain/{pkg}/{pkg}_events.gen.go` (event names, payload types, recording),
//!   `internal/infrastructure/{postgres,memory}/events_outbox.gen.go`,
//!   `internal/infrastructure/postgres/processed.gen.go`, `internal/infrastructure/outbox/`
//!   (the relay), `internal/infrastructure/kafka/` (franz-go), `internal/saga/`,
//!   `internal/application/sagas/sagas.go` (scaffold), `internal/interfaces/consumers/`
//!   (generated list, scaffold reactions), `cmd/worker`, its config and wiring,
//!   `internal/interfaces/httpapi/events_outbox.gen_test.go`, `api/asyncapi.yaml`;
//! - tables: `outbox`, `processed_events`, `saga_instances` (their create migrations, or drop
//!   migrations when the capability is removed);
//! - fragments in core's extension points (`templates/ext/` in this folder): the aggregate's
//!   event list, the recording calls, the outbox writes of the adapters, go.mod/go.sum with
//!   franz-go, Makefile, .env.example, compose, Dockerfile and README additions.
//!
//! Names are decided here and in `names` (`names::event_name`), never in templates.

pub mod sagas;

use super::{Capability, Fill, Table};
use crate::evolve::Ownership;
use crate::model::{Entity, FieldType, Model};
use crate::names;
use crate::plan::{each, each_where, once, Rule};
use crate::render::context::{EntityCtx, ProjectCtx};
use include_dir::{include_dir, Dir};
use serde::Serialize;

/// This capability's templates, named `events/<path>` in the template set.
static TEMPLATES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/capability/events/templates");

/// Version of every payload schema this generator writes (`schema_version`, `…V1` types).
pub const SCHEMA_VERSION: u32 = 1;

pub const EVENTS: Capability = Capability {
    name: "events",
    summary: "domain events: transactional outbox, a Kafka relay worker, idempotent consumers, sagas, AsyncAPI",
    rules: RULES,
    templates: Some(&TEMPLATES),
    fills: FILLS,
    tables: &[
        Table {
            table: "outbox",
            create: "events/migrations/create_outbox.sql.tera",
            drop: "events/migrations/drop_outbox.sql.tera",
        },
        Table {
            table: "processed_events",
            create: "events/migrations/create_processed_events.sql.tera",
            drop: "events/migrations/drop_processed_events.sql.tera",
        },
        Table {
            table: "saga_instances",
            create: "events/migrations/create_saga_instances.sql.tera",
            drop: "events/migrations/drop_saga_instances.sql.tera",
        },
    ],
    project_ext: Some(project_ext),
    entity_ext: Some(entity_ext),
    domain_names: Some(domain_names),
    go_deps: true,
    requires: &[],
};

use Ownership::{Generated as G, Scaffold as S};

const RULES: &[Rule] = &[
    once(
        "events/docs/adr/0008-transactional-outbox.md.tera",
        "docs/adr/0008-transactional-outbox.md",
        G,
    ),
    once(
        "events/docs/adr/0009-sagas.md.tera",
        "docs/adr/0009-sagas.md",
        G,
    ),
    once("events/api/asyncapi.yaml.tera", "api/asyncapi.yaml", G),
    once(
        "events/events/events.gen.go.tera",
        "internal/events/events.gen.go",
        G,
    ),
    once(
        "events/postgres/outbox.gen.go.tera",
        "internal/infrastructure/postgres/events_outbox.gen.go",
        G,
    ),
    // With tracing on, events carry the recording request's trace context (stampTrace).
    Rule {
        when: traced,
        ..once(
            "events/postgres/outbox.gen_test.go.tera",
            "internal/infrastructure/postgres/events_outbox.gen_test.go",
            G,
        )
    },
    once(
        "events/memory/outbox.gen.go.tera",
        "internal/infrastructure/memory/events_outbox.gen.go",
        G,
    ),
    once(
        "events/httpapi/outbox.gen_test.go.tera",
        "internal/interfaces/httpapi/events_outbox.gen_test.go",
        G,
    ),
    each(
        "events/domain/events.gen.go.tera",
        "internal/domain/{pkg}/{pkg}_events.gen.go",
    ),
    // The relay: cmd/worker, its configuration and wiring, the outbox lanes, Kafka.
    once("events/cmd/main.go.tera", "cmd/worker/main.go", S),
    once(
        "events/config/worker.gen.go.tera",
        "internal/config/worker.gen.go",
        G,
    ),
    once(
        "events/app/worker.gen.go.tera",
        "internal/app/worker.gen.go",
        G,
    ),
    once(
        "events/outbox/relay.gen.go.tera",
        "internal/infrastructure/outbox/relay.gen.go",
        G,
    ),
    once(
        "events/outbox/relay.gen_test.go.tera",
        "internal/infrastructure/outbox/relay.gen_test.go",
        G,
    ),
    once(
        "events/kafka/kafka.gen.go.tera",
        "internal/infrastructure/kafka/kafka.gen.go",
        G,
    ),
    once(
        "events/kafka/consumer.gen.go.tera",
        "internal/infrastructure/kafka/consumer.gen.go",
        G,
    ),
    once(
        "events/kafka/kafka.gen_test.go.tera",
        "internal/infrastructure/kafka/kafka.gen_test.go",
        G,
    ),
    once(
        "events/postgres/processed.gen.go.tera",
        "internal/infrastructure/postgres/processed.gen.go",
        G,
    ),
    // Sagas: the durable orchestrator, the user's list of sagas, and those of the PRD.
    once(
        "events/saga/saga.gen.go.tera",
        "internal/saga/saga.gen.go",
        G,
    ),
    once(
        "events/saga/saga.gen_test.go.tera",
        "internal/saga/saga.gen_test.go",
        G,
    ),
    once(
        "events/sagas/sagas.go.tera",
        "internal/application/sagas/sagas.go",
        S,
    ),
    // The sagas of the PRD's processes (`model.processes`), when it has any.
    Rule {
        when: has_processes,
        ..once(
            "events/sagas/processes.gen.go.tera",
            "internal/application/sagas/processes.gen.go",
            G,
        )
    },
    Rule {
        when: has_processes,
        ..once(
            "events/sagas/processes.gen_test.go.tera",
            "internal/application/sagas/processes.gen_test.go",
            G,
        )
    },
    // Consumers: one per reference between contexts; the reactions are the user's.
    once(
        "events/consumers/consumers.gen.go.tera",
        "internal/interfaces/consumers/consumers.gen.go",
        G,
    ),
    once(
        "events/consumers/reactions.go.tera",
        "internal/interfaces/consumers/reactions.go",
        S,
    ),
    each_where(
        "events/consumers/entity_reactions.go.tera",
        "internal/interfaces/consumers/{pkg}_reactions.go",
        S,
        reacts,
    ),
];

/// The entity refers to another entity, so its context hears about that one's events.
fn reacts(model: &Model, e: &Entity) -> bool {
    !reactions(model, e).is_empty()
}

const FILLS: &[Fill] = &[
    Fill::add("domain_state", "events/ext/domain_state.tera"),
    Fill::add(
        "domain_before_change",
        "events/ext/domain_before_change.tera",
    ),
    Fill::add("domain_created", "events/ext/domain_created.tera"),
    Fill::add("domain_changed", "events/ext/domain_changed.tera"),
    Fill::add("action_doc_event", "events/ext/action_doc_event.tera"),
    Fill::add("domain_test_created", "events/ext/domain_test_created.tera"),
    Fill::replace("postgres_create", "events/ext/postgres_create.tera"),
    Fill::add("postgres_in_update", "events/ext/postgres_in_update.tera"),
    Fill::replace("postgres_delete", "events/ext/postgres_delete.tera"),
    Fill::replace(
        "postgres_create_many_end",
        "events/ext/postgres_create_many_end.tera",
    ),
    Fill::replace("memory_create", "events/ext/memory_create.tera"),
    Fill::replace("memory_update", "events/ext/memory_update.tera"),
    Fill::replace("memory_delete", "events/ext/memory_delete.tera"),
    Fill::replace("memory_create_many", "events/ext/memory_create_many.tera"),
    Fill::add("memory_store_fields", "events/ext/memory_store_fields.tera"),
    Fill::add("memory_row_fields", "events/ext/memory_row_fields.tera"),
    Fill::add("memory_store_commit", "events/ext/memory_store_commit.tera"),
    Fill::add(
        "memory_store_commit_all",
        "events/ext/memory_store_commit_all.tera",
    ),
    Fill::add(
        "memory_remove_params",
        "events/ext/memory_remove_params.tera",
    ),
    Fill::add(
        "memory_store_removing",
        "events/ext/memory_store_removing.tera",
    ),
    Fill::add(
        "readme_action_generated",
        "events/ext/readme_action_generated.tera",
    ),
    Fill::add("readme_sections", "events/ext/readme_sections.tera"),
    Fill::add("makefile_build", "events/ext/makefile_build.tera"),
    Fill::add("makefile_targets", "events/ext/makefile_targets.tera"),
    Fill::add("compose_up", "events/ext/compose_up.tera"),
    Fill::add("env_example", "events/ext/env_example.tera"),
    Fill::add("compose_services", "events/ext/compose_services.tera"),
    Fill::add("dockerfile_build", "events/ext/dockerfile_build.tera"),
    Fill::add("dockerfile_binaries", "events/ext/dockerfile_binaries.tera"),
];

/// `p.ext.events`.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectEvents {
    pub schema_version: u32,
    /// Every entity's reactions, in entity order: the consumers of the service.
    pub reactions: Vec<ReactionCtx>,
    /// The sagas of the PRD's processes ([`sagas`]).
    pub sagas: Vec<sagas::SagaCtx>,
    /// Indexes into `p.entities` of the entities the sagas touch, sorted.
    pub saga_entities: Vec<usize>,
    /// `saga_entities` in import order around `internal/application/sagas`: those whose
    /// application package sorts before it, then the others.
    pub saga_apps_before: Vec<usize>,
    pub saga_apps_after: Vec<usize>,
    /// What the sagas' generated test uses.
    pub saga_tests: sagas::SagaTests,
    pub saga_uses: sagas::SagaUses,
}

/// `e.ext.events`: one aggregate type's events.
#[derive(Debug, Clone, Serialize)]
pub struct EntityEvents {
    /// `order_item`: the `aggregate_type` of its events.
    pub aggregate_type: String,
    /// The topic (AsyncAPI channel address) of its events: `<service>.<aggregate type>`.
    pub topic: String,
    /// AsyncAPI channel id (`orderItem`).
    pub channel: String,
    /// Created, updated, deleted, then one per state-machine action and PRD action.
    pub events: Vec<EventCtx>,
    /// Action (`create`, `update`, `delete`, `pay`…) → the Go constant of its fact: what the
    /// core templates' slots are called with.
    pub consts: std::collections::BTreeMap<String, String>,
    /// The field holding the tenant, when the entity has one (`tenant_id`).
    pub tenant: Option<TenantCtx>,
    /// How this entity's context reacts to the events of the entities it refers to.
    pub reactions: Vec<ReactionCtx>,
}

/// One consumer: an entity's context hearing about a referenced entity's events.
#[derive(Debug, Clone, Serialize)]
pub struct ReactionCtx {
    /// Consumer group and processed_events name: `<service>.<aggregate>.on-<target>`.
    pub consumer: String,
    /// The target's topic.
    pub topic: String,
    /// Method of `consumers.Reactions`: `OrderItemOnOrder`.
    pub method: String,
    /// The reacting entity's and the target's Go names (comments name them by these, never
    /// by their labels, which may be in another language than the comment).
    pub go_name: String,
    pub target_go: String,
    /// The target's AsyncAPI channel id.
    pub target_channel: String,
    /// The target's events (`order.created`, …).
    pub target_events: Vec<String>,
}

/// The reactions of `e`'s context: one per other entity it refers to, in field order.
pub fn reactions(model: &Model, e: &Entity) -> Vec<ReactionCtx> {
    let mut out: Vec<ReactionCtx> = Vec::new();
    for f in &e.fields {
        let Some(target) = f.references.as_deref() else {
            continue;
        };
        if f.ty != FieldType::Ref || target == e.name {
            continue;
        }
        let Some(t) = model.entities.iter().find(|x| x.name == target) else {
            continue;
        };
        let method = format!("{}On{}", names::pascal(&e.name), names::pascal(&t.name));
        if out.iter().any(|r| r.method == method) {
            continue;
        }
        let aggregate = names::aggregate_type(&e.name);
        let target_aggregate = names::aggregate_type(&t.name);
        out.push(ReactionCtx {
            consumer: format!(
                "{}.{}.on-{}",
                model.service.name, aggregate, target_aggregate
            ),
            topic: format!("{}.{}", model.service.name, target_aggregate),
            method,
            go_name: names::pascal(&e.name),
            target_go: names::pascal(&t.name),
            target_channel: channel_id(t),
            target_events: event_names(model, t),
        });
    }
    out
}

/// The AsyncAPI channel id of an entity's events (`orderItem`).
fn channel_id(e: &Entity) -> String {
    names::camel(&e.name)
}

/// The commands that record an event: CRUD, then state-machine actions, then PRD actions
/// (repeats included; callers dedupe by the name they derive).
fn actions(model: &Model, e: &Entity) -> Vec<String> {
    let mut actions: Vec<String> = ["create", "update", "delete"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if let Some(sm) = &e.state_machine {
        actions.extend(sm.transitions.iter().map(|t| t.action.clone()));
    }
    actions.extend(model.record_actions(e).iter().map(|a| a.name.to_string()));
    actions
}

/// The names of an entity's events, in the order of `entity_events`, from the model alone.
fn event_names(model: &Model, e: &Entity) -> Vec<String> {
    let actions = actions(model, e);
    let mut out: Vec<String> = Vec::new();
    for a in actions {
        let n = names::event_name(&e.name, &a);
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct EventCtx {
    /// `order.paid`.
    pub name: String,
    /// Go constant in the domain package: `Event` + the fact (`EventPaid`).
    pub go_const: String,
    /// `created` (full state), `changed` (the fields that changed) or `deleted` (none).
    pub kind: &'static str,
    /// Payload type in the domain package (`CreatedV1`, `ChangedV1`, `DeletedV1`).
    pub payload: &'static str,
    /// AsyncAPI message id (`order.paid`), and its one-line summary.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantCtx {
    pub go_name: String,
    pub json: String,
    /// The field is optional (`*uuid.UUID` in the snapshot).
    pub nullable: bool,
}

/// The names `<pkg>_events.gen.go` declares: the event type alias, payload types, constants
/// and the aggregate's methods.
fn domain_names(model: &Model, e: &Entity, event_type: &str) -> super::DomainNames {
    let actions = actions(model, e);
    let mut consts: Vec<String> = actions
        .iter()
        .map(|a| format!("Event{}", names::pascal(&names::past_tense(a))))
        .collect();
    consts.sort();
    consts.dedup();
    let mut package: Vec<String> = [
        event_type,
        "CreatedV1",
        "ChangedV1",
        "DeletedV1",
        "EventAggregate",
        "EventTopic",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    package.extend(consts);
    super::DomainNames {
        methods: vec!["Events".into(), "RecordDeleted".into()],
        package,
    }
}

fn traced(model: &Model) -> bool {
    model.has_capability("observability")
}

fn has_processes(model: &Model) -> bool {
    !model.processes.is_empty()
}

fn project_ext(model: &Model, p: &ProjectCtx) -> serde_json::Value {
    let sagas = sagas::sagas(model, p);
    let mut saga_entities: Vec<usize> = sagas
        .iter()
        .flat_map(|s| s.entities.iter().map(|x| x.index))
        .collect();
    saga_entities.sort_unstable();
    saga_entities.dedup();
    let (saga_apps_before, saga_apps_after): (Vec<usize>, Vec<usize>) = p
        .by_pkg
        .iter()
        .copied()
        .filter(|i| saga_entities.contains(i))
        .partition(|&i| format!("{}/", p.entities[i].pkg).as_str() < "sagas/");
    serde_json::to_value(ProjectEvents {
        saga_apps_before,
        saga_apps_after,
        saga_tests: sagas::SagaTests::of(&sagas),
        saga_uses: sagas::SagaUses::of(&sagas),
        sagas,
        saga_entities,
        schema_version: SCHEMA_VERSION,
        reactions: model
            .entities
            .iter()
            .flat_map(|e| reactions(model, e))
            .collect(),
    })
    .unwrap_or_default()
}

fn entity_ext(model: &Model, e: &Entity, ctx: &EntityCtx) -> serde_json::Value {
    serde_json::to_value(entity_events(model, e, ctx)).unwrap_or_default()
}

/// The events of one entity: CRUD facts, then its state-machine actions, then its PRD
/// actions (each name once).
pub fn entity_events(model: &Model, e: &Entity, ctx: &EntityCtx) -> EntityEvents {
    let mut events: Vec<EventCtx> = Vec::new();
    let mut consts = std::collections::BTreeMap::new();
    let mut push = |action: &str, kind: &'static str, summary: String| {
        let name = names::event_name(&e.name, action);
        let go_const = format!("Event{}", names::pascal(&names::past_tense(action)));
        consts.insert(action.to_string(), go_const.clone());
        if events
            .iter()
            .any(|x| x.name == name || x.go_const == go_const)
        {
            return;
        }
        let payload = match kind {
            "created" => "CreatedV1",
            "deleted" => "DeletedV1",
            _ => "ChangedV1",
        };
        events.push(EventCtx {
            name,
            go_const,
            kind,
            payload,
            summary,
        });
    };
    // Summaries in the PRD's language; English ones name the entity by its Go name, so that
    // no Chinese label lands in an English sentence.
    let zh = model.service.lang == crate::model::Lang::Zh;
    let go = names::pascal(&e.name);
    let say = |en: String, zh_text: String| if zh { zh_text } else { en };
    push(
        "create",
        "created",
        say(format!("A {go} was created"), format!("创建了{}", e.label)),
    );
    push(
        "update",
        "changed",
        say(
            format!("Fields of a {go} were updated"),
            format!("更新了{}的字段", e.label),
        ),
    );
    push(
        "delete",
        "deleted",
        say(format!("A {go} was deleted"), format!("删除了{}", e.label)),
    );
    if let Some(st) = &ctx.state {
        for a in &st.actions {
            push(
                &a.name,
                "changed",
                say(
                    format!("State action {} of a {go}", a.name),
                    format!("{}的状态动作 {}", e.label, a.name),
                ),
            );
        }
    }
    for a in &ctx.record_actions {
        push(
            &a.name,
            "changed",
            say(
                format!("PRD action {} on a {go}", a.name),
                format!("{}的业务动作“{}”", e.label, a.title),
            ),
        );
    }
    // The tenant of the events: with the tenancy capability, the entity's tenant column (its
    // own id for the tenant entity); otherwise a `tenant_id` field.
    let tenancy = model
        .has_capability("tenancy")
        .then(|| super::tenancy::Scoping::of(model));
    let tenant_field: Option<&str> = match tenancy.as_ref().map(|s| s.scope(&e.name)) {
        Some(super::tenancy::Scope::Root) => Some("id"),
        Some(super::tenancy::Scope::Column(c)) => Some(c.as_str()),
        Some(super::tenancy::Scope::Shared) => None,
        None => e
            .fields
            .iter()
            .find(|f| {
                f.name == "tenant_id" && matches!(f.ty, FieldType::Ref | FieldType::Uuid) && !f.list
            })
            .map(|f| f.name.as_str()),
    };
    let tenant = match tenant_field {
        Some("id") => Some(TenantCtx {
            go_name: "ID".into(),
            json: "id".into(),
            nullable: false,
        }),
        Some(name) => ctx
            .fields
            .iter()
            .find(|fc| fc.json == name)
            .map(|fc| TenantCtx {
                go_name: fc.go_name.clone(),
                json: fc.json.clone(),
                nullable: fc.carry == "nullable",
            }),
        None => None,
    };
    let aggregate_type = names::aggregate_type(&e.name);
    EntityEvents {
        reactions: reactions(model, e),
        topic: format!("{}.{}", model.service.name, aggregate_type),
        channel: channel_id(e),
        aggregate_type,
        events,
        consts,
        tenant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evolve::edit::add_entity;
    use crate::model::{Field, Lang, StateMachine, Transition};

    #[test]
    fn facts_in_the_past_tense() {
        let mut m = Model::empty("shop", Lang::En);
        let mut status = Field::new("status", FieldType::Enum);
        status.enum_values = ["pending", "paid", "shipped", "canceled"]
            .iter()
            .map(|v| crate::model::EnumValue {
                value: v.to_string(),
                label: String::new(),
            })
            .collect();
        m = add_entity(
            &m,
            "Order",
            "Order",
            vec![status, Field::new("tenant_id", FieldType::Uuid)],
        )
        .expect("entity");
        let t = |from: &str, to: &str, action: &str| Transition {
            from: from.into(),
            to: to.into(),
            action: action.into(),
            label: String::new(),
            line: 0,
        };
        m.entities[0].state_machine = Some(StateMachine {
            field: "status".into(),
            initial: "pending".into(),
            transitions: vec![
                t("pending", "paid", "pay"),
                t("paid", "shipped", "ship"),
                t("pending", "canceled", "cancel"),
            ],
            line: 0,
        });
        m.capabilities = vec!["events".into()];
        let p = crate::render::context::project(
            &m,
            &crate::render::Options {
                module: "example.com/shop".into(),
                lang: Lang::En,
            },
        )
        .expect("context");
        let ev = entity_events(&m, &m.entities[0], &p.entities[0]);
        let names: Vec<&str> = ev.events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "order.created",
                "order.updated",
                "order.deleted",
                "order.paid",
                "order.shipped",
                "order.canceled"
            ]
        );
        assert_eq!(ev.topic, "shop.order");
        assert_eq!(ev.tenant.map(|t| t.go_name), Some("TenantID".to_string()));
        assert_eq!(
            p.entities[0].ext["events"]["events"][3]["go_const"],
            "EventPaid"
        );
        assert_eq!(
            p.entities[0].ext["events"]["consts"]["cancel"],
            "EventCanceled"
        );
    }

    #[test]
    fn with_tenancy_the_tenant_column_is_the_events_tenant() {
        let mut m = Model::empty("c", Lang::En);
        m = add_entity(
            &m,
            "Workspace",
            "Workspace",
            vec![Field::new("name", FieldType::String)],
        )
        .expect("entity");
        let mut r = Field::new("workspace_id", FieldType::Ref);
        r.references = Some("Workspace".into());
        r.required = true;
        m = add_entity(&m, "Doc", "Doc", vec![r]).expect("entity");
        m.capabilities = vec!["auth".into(), "events".into(), "tenancy".into()];
        let p = crate::render::context::project(
            &m,
            &crate::render::Options {
                module: "example.com/c".into(),
                lang: Lang::En,
            },
        )
        .expect("context");
        let tenant = |i: usize| {
            entity_events(&m, &m.entities[i], &p.entities[i])
                .tenant
                .map(|t| t.go_name)
        };
        assert_eq!(
            tenant(0),
            Some("ID".to_string()),
            "the tenant entity: its id"
        );
        assert_eq!(tenant(1), Some("WorkspaceID".to_string()));
    }

    #[test]
    fn its_go_names_are_checked_only_when_it_is_on() {
        // An enum field `event` is the Go type Event: free without events, taken with them.
        let mut kind = Field::new("event", FieldType::Enum);
        kind.enum_values = vec![crate::model::EnumValue {
            value: "a".into(),
            label: String::new(),
        }];
        let m = add_entity(&Model::empty("s", Lang::En), "Ticket", "Ticket", vec![kind])
            .expect("entity");
        assert!(crate::render::context::entity_problems(&m).is_empty());
        let mut on = m.clone();
        on.capabilities = vec!["events".into()];
        let problems = crate::render::context::entity_problems(&on);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].1.contains("Event"), "{problems:?}");
    }
}
