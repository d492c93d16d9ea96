//! The PRD's processes (`model.processes`) lowered for the saga templates: each step's command,
//! the compensation that undoes it, the state that shows it is done (a step may run twice),
//! and the run's data (the input of each create, the id of each entity a step changes).
//!
//! Compensations: a create is undone by deleting the row it made; a transition by the
//! transition that leads back from where it went (`lock` ↔ `release`), else by a `cancel`-like
//! action allowed there; a delete, and a transition with neither, cannot be undone (the step's
//! comment says so, and the saga compensates the steps before it).

use crate::model::{Model, Process};
use crate::names;
use crate::render::context::{ActionCtx, EntityCtx, ProjectCtx};
use serde::Serialize;

/// One saga, as `p.ext.events.sagas[]`.
#[derive(Debug, Clone, Serialize)]
pub struct SagaCtx {
    /// `create-order`: the saga's name in saga_instances and logs.
    pub name: String,
    /// `CreateOrderSaga`: the definition's constructor and the prefix of its types
    /// (`…Data`, `…Name`, `Start…`); the suffix keeps them apart from every other name in
    /// the package, and validate keeps two processes' names apart (E160).
    pub go_name: String,
    /// `createOrderSagaData`: the generated test's helper that builds a run's data.
    pub test_data: String,
    /// As the PRD titles it.
    pub label: String,
    pub line: u32,
    /// The entities its steps touch, in first-use order.
    pub entities: Vec<SagaEntityCtx>,
    pub steps: Vec<SagaStepCtx>,
    /// For the generated test: every transition is legal in turn when the rows the saga does
    /// not create start in their initial state, so a run completes.
    pub completes: bool,
    /// After a completed run: the state of each row a transition moved.
    pub final_states: Vec<StateCheck>,
    /// After the last step fails: the rows whose every earlier step is undone, with the
    /// state compensation leaves them in (rows the saga created are gone).
    pub restored: Vec<StateCheck>,
    pub removed: Vec<StateCheck>,
}

/// What the generated test of the sagas uses (so that it imports nothing unused).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SagaTests {
    /// Some saga completes: the file has tests.
    pub any: bool,
    /// Entities whose domain package the state checks name.
    pub domain: Vec<usize>,
    /// Some check expects a removed row.
    pub apperr: bool,
}

/// What the generated sagas use, so that processes.gen.go declares and imports nothing
/// unused: a create step (`save`, `time`), a transition (`settled`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SagaUses {
    pub create: bool,
    pub transition: bool,
}

impl SagaUses {
    pub fn of(sagas: &[SagaCtx]) -> Self {
        let steps = || sagas.iter().flat_map(|s| &s.steps);
        SagaUses {
            create: steps().any(|st| st.kind == "create"),
            transition: steps().any(|st| {
                st.kind == "transition" || st.undo.as_ref().is_some_and(|u| u.kind == "transition")
            }),
        }
    }
}

impl SagaTests {
    pub fn of(sagas: &[SagaCtx]) -> Self {
        let tested: Vec<&SagaCtx> = sagas.iter().filter(|s| s.completes).collect();
        let mut domain: Vec<usize> = tested
            .iter()
            .flat_map(|s| s.final_states.iter().chain(&s.restored).map(|c| c.entity))
            .collect();
        domain.sort_unstable();
        domain.dedup();
        SagaTests {
            any: !tested.is_empty(),
            domain,
            apperr: tested.iter().any(|s| !s.removed.is_empty()),
        }
    }
}

/// A row of the run's data (`id_field`) expected in a state (`state`, a Go constant).
#[derive(Debug, Clone, Serialize)]
pub struct StateCheck {
    /// Index into `p.entities`.
    pub entity: usize,
    pub id_field: String,
    pub state: String,
}

/// An entity a saga touches: its id in the run's data, and the input of its create step.
#[derive(Debug, Clone, Serialize)]
pub struct SagaEntityCtx {
    /// Index into `p.entities`.
    pub index: usize,
    /// `OrderID` / `order_id`.
    pub id_field: String,
    pub id_json: String,
    /// A step creates it: the data carries its input (`Order` / `order`).
    pub created: bool,
    pub input_field: String,
    pub input_json: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SagaStepCtx {
    /// `lock-inventory`.
    pub name: String,
    pub label: String,
    pub line: u32,
    /// Index into `p.entities`.
    pub entity: usize,
    /// `create`, `delete` or `transition`.
    pub kind: &'static str,
    pub id_field: String,
    pub input_field: String,
    /// The transition's Handlers field (`Lock`).
    pub action_go: String,
    /// Go constants of the states the transition leads to (done when the row is there).
    pub targets: Vec<String>,
    /// Required references of the created row to rows created by earlier steps
    /// (`Payment.OrderID = data.OrderID`).
    pub fills: Vec<FillCtx>,
    pub undo: Option<UndoCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FillCtx {
    /// Field of the entity's Fields (`OrderID`).
    pub field: String,
    /// Field of the run's data holding the id (`OrderID`).
    pub from: String,
    pub nullable: bool,
    /// The referenced row is the caller's (not created by the saga): either side fills the
    /// other.
    pub given: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UndoCtx {
    /// `delete` or `transition`.
    pub kind: &'static str,
    pub action_go: String,
    pub targets: Vec<String>,
    /// `release`, `cancel`: for the step's comment.
    pub action: String,
}

/// Actions that undo whatever led to the state they leave.
const UNDO_ACTIONS: &[&str] = &[
    "cancel", "release", "refund", "revert", "rollback", "unlock", "void", "reject", "restore",
];

pub fn sagas(model: &Model, p: &ProjectCtx) -> Vec<SagaCtx> {
    model
        .processes
        .iter()
        .filter_map(|proc_| saga(proc_, p))
        .collect()
}

fn saga(proc_: &Process, p: &ProjectCtx) -> Option<SagaCtx> {
    let mut entities: Vec<SagaEntityCtx> = Vec::new();
    let mut steps: Vec<SagaStepCtx> = Vec::new();
    let mut created: Vec<usize> = Vec::new();
    // Every entity of the saga, and those a step creates: a create's reference to a row the
    // caller gives is filled from the data, and the other way round.
    let index_of = |name: &str| p.entities.iter().position(|e| e.name == name);
    let in_saga: Vec<usize> = proc_
        .steps
        .iter()
        .filter_map(|s| index_of(&s.entity))
        .collect();
    let made_here: Vec<usize> = proc_
        .steps
        .iter()
        .filter(|s| s.action == "create")
        .filter_map(|s| index_of(&s.entity))
        .collect();
    for s in &proc_.steps {
        let index = p.entities.iter().position(|e| e.name == s.entity)?;
        let e = &p.entities[index];
        if !entities.iter().any(|x| x.index == index) {
            let snake = names::snake(&e.name);
            entities.push(SagaEntityCtx {
                index,
                id_field: format!("{}ID", e.go_name),
                id_json: format!("{snake}_id"),
                created: false,
                input_field: e.go_name.clone(),
                input_json: snake,
            });
        }
        let ent = entities.iter_mut().find(|x| x.index == index)?;
        let (kind, action_go, targets, undo, fills) = match s.action.as_str() {
            "create" => {
                ent.created = true;
                let fills = e
                    .input_fields
                    .iter()
                    .filter(|f| f.is_ref && !f.list)
                    .filter_map(|f| {
                        let target = in_saga
                            .iter()
                            .copied()
                            .find(|&c| c != index && p.entities[c].go_name == f.ref_go)?;
                        let made_earlier = created.contains(&target);
                        // A row created by a later step cannot be referred to yet.
                        if !made_earlier && made_here.contains(&target) {
                            return None;
                        }
                        Some(FillCtx {
                            field: f.go_name.clone(),
                            from: format!("{}ID", p.entities[target].go_name),
                            nullable: f.nullable,
                            given: !made_earlier,
                        })
                    })
                    .collect();
                created.push(index);
                let undo = UndoCtx {
                    kind: "delete",
                    action_go: "Delete".into(),
                    targets: Vec::new(),
                    action: "delete".into(),
                };
                ("create", String::new(), Vec::new(), Some(undo), fills)
            }
            "delete" => ("delete", "Delete".to_string(), Vec::new(), None, Vec::new()),
            action => {
                let st = e.state.as_ref()?;
                let a = st.actions.iter().find(|a| a.name == action)?;
                (
                    "transition",
                    a.go_name.clone(),
                    targets(a),
                    undo_of(e, a),
                    Vec::new(),
                )
            }
        };
        steps.push(SagaStepCtx {
            name: names::kebab(&format!("{} {}", s.action, e.name)),
            label: s.label.clone(),
            line: s.line,
            entity: index,
            kind,
            id_field: ent.id_field.clone(),
            input_field: ent.input_field.clone(),
            action_go,
            targets,
            fills,
            undo,
        });
    }
    let (completes, final_states, restored, removed) = simulate(&entities, &steps, p);
    Some(SagaCtx {
        completes,
        final_states,
        restored,
        removed,
        name: names::kebab(&proc_.name),
        go_name: format!("{}Saga", names::pascal(&proc_.name)),
        test_data: format!("{}SagaData", names::camel(&proc_.name)),
        label: if proc_.label.is_empty() {
            proc_.name.clone()
        } else {
            proc_.label.clone()
        },
        line: proc_.line,
        entities,
        steps,
    })
}

fn targets(a: &ActionCtx) -> Vec<String> {
    let mut t: Vec<String> = a.moves.iter().map(|m| m.to.go_const.clone()).collect();
    t.sort();
    t.dedup();
    t
}

/// The transition that leads back from every state `a` leads to (to where it came from),
/// else an undo-like action allowed in all of them.
fn undo_of(e: &EntityCtx, a: &ActionCtx) -> Option<UndoCtx> {
    let st = e.state.as_ref()?;
    let reverses = |b: &&ActionCtx| {
        b.name != a.name
            && a.moves.iter().all(|m| {
                b.moves
                    .iter()
                    .any(|n| n.from.value == m.to.value && n.to.value == m.from.value)
            })
    };
    let allowed_after = |b: &&ActionCtx| {
        b.name != a.name
            && UNDO_ACTIONS.contains(&b.name.as_str())
            && a.moves
                .iter()
                .all(|m| b.moves.iter().any(|n| n.from.value == m.to.value))
    };
    let b = st
        .actions
        .iter()
        .find(reverses)
        .or_else(|| st.actions.iter().find(allowed_after))?;
    Some(UndoCtx {
        kind: "transition",
        action_go: b.go_name.clone(),
        targets: targets(b),
        action: b.name.clone(),
    })
}

/// Runs the steps on states: rows start in their machine's initial state. Answers whether the
/// run completes, the states it ends in, and what compensating a failure of the last step
/// leaves: the state of each row it moved, rows removed.
fn simulate(
    entities: &[SagaEntityCtx],
    steps: &[SagaStepCtx],
    p: &ProjectCtx,
) -> (bool, Vec<StateCheck>, Vec<StateCheck>, Vec<StateCheck>) {
    let initial = |i: usize| {
        p.entities[i]
            .state
            .as_ref()
            .map(|s| s.initial.value.clone())
    };
    let mut state: Vec<Option<String>> = entities.iter().map(|x| initial(x.index)).collect();
    let slot = |i: usize| entities.iter().position(|x| x.index == i).unwrap_or(0);
    // Rows the saga creates exist from their create step on; the others from the start.
    let mut exists: Vec<bool> = entities.iter().map(|x| !x.created).collect();
    let mut completes = true;
    for st in steps {
        let k = slot(st.entity);
        match st.kind {
            "create" => {
                exists[k] = true;
                continue;
            }
            _ if !exists[k] => {
                completes = false;
                break;
            }
            "delete" => {
                exists[k] = false;
                continue;
            }
            _ => {}
        }
        let e = &p.entities[st.entity];
        let Some(a) = e
            .state
            .as_ref()
            .and_then(|s| s.actions.iter().find(|a| a.go_name == st.action_go))
        else {
            completes = false;
            break;
        };
        match a
            .moves
            .iter()
            .find(|m| state[k].as_deref() == Some(m.from.value.as_str()))
        {
            Some(m) => state[k] = Some(m.to.value.clone()),
            None => {
                completes = false;
                break;
            }
        }
    }
    let const_of = |i: usize, v: &str| {
        p.entities[i].state.as_ref().and_then(|s| {
            s.actions
                .iter()
                .flat_map(|a| a.moves.iter())
                .flat_map(|m| [&m.from, &m.to])
                .chain(std::iter::once(&s.initial))
                .find(|x| x.value == v)
                .map(|x| x.go_const.clone())
        })
    };
    let mut final_states = Vec::new();
    let mut restored = Vec::new();
    let mut removed = Vec::new();
    if !completes {
        return (false, final_states, restored, removed);
    }
    let before_last = &steps[..steps.len().saturating_sub(1)];
    // Compensating a failed last step: the steps before it ran, then are undone last first,
    // each undo moving its row on from where the steps left it (`pay` undone by `cancel`
    // leaves the order cancelled, not pending).
    let mut undone: Vec<Option<String>> = entities.iter().map(|x| initial(x.index)).collect();
    let mv = |i: usize, action_go: &str, from: &Option<String>| -> Option<String> {
        let a = p.entities[i]
            .state
            .as_ref()?
            .actions
            .iter()
            .find(|a| a.go_name == action_go)?;
        let m = a
            .moves
            .iter()
            .find(|m| from.as_deref() == Some(m.from.value.as_str()))?;
        Some(m.to.value.clone())
    };
    for st in before_last.iter().filter(|s| s.kind == "transition") {
        let k = slot(st.entity);
        undone[k] = mv(st.entity, &st.action_go, &undone[k]);
    }
    for st in before_last.iter().rev().filter(|s| s.kind == "transition") {
        if let Some(u) = st.undo.as_ref().filter(|u| u.kind == "transition") {
            let k = slot(st.entity);
            undone[k] = mv(st.entity, &u.action_go, &undone[k]);
        }
    }
    for (k, x) in entities.iter().enumerate() {
        let moved = steps
            .iter()
            .any(|s| s.entity == x.index && s.kind == "transition");
        if moved {
            if let Some(c) = state[k].as_deref().and_then(|v| const_of(x.index, v)) {
                final_states.push(StateCheck {
                    entity: x.index,
                    id_field: x.id_field.clone(),
                    state: c,
                });
            }
        }
        let mine: Vec<&SagaStepCtx> = before_last.iter().filter(|s| s.entity == x.index).collect();
        if mine.is_empty() || mine.iter().any(|s| s.undo.is_none()) {
            continue;
        }
        if mine.iter().any(|s| s.kind == "create") {
            removed.push(StateCheck {
                entity: x.index,
                id_field: x.id_field.clone(),
                state: String::new(),
            });
        } else if let Some(c) = undone[k].as_deref().and_then(|v| const_of(x.index, v)) {
            restored.push(StateCheck {
                entity: x.index,
                id_field: x.id_field.clone(),
                state: c,
            });
        }
    }
    (true, final_states, restored, removed)
}
