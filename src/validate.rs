//! Cross-checks of a model, extracted or edited by hand: every problem at once, each a
//! located [`Diagnostic`] with a `help:` line. Codes are listed in docs/DIAGNOSTICS.md.

use crate::diag::{Diagnostic, Text};
use crate::model::{
    Entity, FieldType, Model, RelationKind, COLLECTION_ACTIONS, GENERATED_COLLECTION_ACTIONS,
};
use crate::names;
use std::collections::{BTreeSet, HashMap};

fn is_pascal(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_snake(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_enum_value(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Reads a model file (`backend-pro.yaml`, or `new --model FILE`): the model, or E150 located
/// where the YAML parser stopped (a syntax error, a value of the wrong type, an unknown or
/// missing key), with help pointing at the schema. Comments (the schema line) are skipped.
pub fn parse_model(text: &str) -> Result<Model, Box<Diagnostic>> {
    Model::from_yaml(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
        // The location is ours to show, in the `file:line:col` prefix.
        static AT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r" at line \d+ column \d+|, line \d+ column \d+").expect("regex")
        });
        let what = AT.replace_all(&e.to_string(), "").into_owned();
        Box::new(Diagnostic::error(
            "E150",
            line,
            col,
            Text::new(
                format!("not a valid model: {what}"),
                format!("不是有效的模型：{what}"),
            ),
        )
        .with_help(Text::new(
            format!(
                "every key and type is described in docs/MODEL.md and in {}, the JSON Schema editors with the YAML language server use to check the file as you type",
                crate::project::SCHEMA_PATH
            ),
            format!(
                "每个键和类型见 docs/MODEL.md 与 {}（JSON Schema，装有 YAML language server 的编辑器据此在输入时检查本文件）",
                crate::project::SCHEMA_PATH
            ),
        )))
    })
}

/// Where the items of a model file start: item paths (`entities[0]`,
/// `entities[0].fields[2]`, `entities[0].state_machine`) → 1-based line, and scalar keys
/// (`entities[0].name`) → their value. Reads block-style YAML as the tool writes it, with
/// sequences indented under their key or not; a flow-style item (`- {name: x}`) is found, its
/// keys are not.
fn yaml_items(text: &str) -> (HashMap<String, u32>, HashMap<String, String>) {
    struct Frame {
        /// Indentation of this mapping's keys.
        indent: usize,
        path: String,
        /// The last key of this mapping with no value on its line (a nested block follows).
        pending: Option<String>,
    }
    let mut lines: HashMap<String, u32> = HashMap::new();
    let mut values: HashMap<String, String> = HashMap::new();
    let mut counters: HashMap<String, usize> = HashMap::new();
    let mut stack = vec![Frame {
        indent: 0,
        path: String::new(),
        pending: None,
    }];
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}.{b}")
        }
    };
    for (n, raw) in text.lines().enumerate() {
        let line_no = n as u32 + 1;
        let body = raw.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let mut indent = raw.len() - body.len();
        let mut rest = body;
        while stack.len() > 1 && stack.last().is_some_and(|f| f.indent > indent) {
            stack.pop();
        }
        if rest == "-" || rest.starts_with("- ") {
            // An item of the sequence under the innermost pending key.
            let Some(top) = stack.last() else { break };
            let Some(key) = top.pending.clone() else {
                continue;
            };
            let seq = join(&top.path, &key);
            let i = counters.entry(seq.clone()).or_default();
            let item = format!("{seq}[{i}]");
            *i += 1;
            lines.insert(item.clone(), line_no);
            let after = rest[1..].trim_start_matches(' ');
            indent += rest.len() - after.len();
            stack.push(Frame {
                indent,
                path: item,
                pending: None,
            });
            rest = after;
            if rest.is_empty() {
                continue;
            }
        }
        let Some((key, value)) = rest.split_once(':') else {
            continue;
        };
        if key.starts_with(['{', '[', '"', '\'']) || key.contains(' ') {
            continue;
        }
        let value = value.trim();
        // A key deeper than its mapping's: the first key of the pending key's block.
        if stack.last().is_some_and(|f| indent > f.indent) {
            let Some(top) = stack.last() else { break };
            let Some(parent) = top.pending.clone() else {
                continue;
            };
            let path = join(&top.path, &parent);
            stack.push(Frame {
                indent,
                path,
                pending: None,
            });
        }
        let Some(top) = stack.last_mut() else { break };
        let path = join(&top.path, key);
        lines.insert(path.clone(), line_no);
        if value.is_empty() {
            top.pending = Some(key.to_string());
        } else {
            top.pending = None;
            let v = value.trim_matches(|c| c == '"' || c == '\'');
            values.insert(path, v.to_string());
        }
    }
    (lines, values)
}

/// `model` with every `line` replaced by where its item is in `text`, the model file it was
/// read from (or the one a command is about to change), so that [`validate`] points into
/// `backend-pro.yaml` rather than the PRD those lines came from. Items are matched by name
/// (entities, fields, actors, contexts, use-case ids) or position (relations, transitions,
/// rules); one the file does not have gets 0 (not located).
pub fn locate_in_file(model: &Model, text: &str) -> Model {
    let (lines, values) = yaml_items(text);
    let index_of = |seq: &str, key: &str, value: &str| -> Option<String> {
        (0..)
            .map(|i| format!("{seq}[{i}]"))
            .take_while(|item| lines.contains_key(item))
            .find(|item| values.get(&format!("{item}.{key}")).map(String::as_str) == Some(value))
    };
    let at = |path: Option<&str>| path.and_then(|p| lines.get(p)).copied().unwrap_or(0);
    let mut m = model.clone();
    for e in &mut m.entities {
        let ep = index_of("entities", "name", &e.name);
        e.line = at(ep.as_deref());
        for f in &mut e.fields {
            let fp = ep
                .as_deref()
                .and_then(|ep| index_of(&format!("{ep}.fields"), "name", &f.name));
            f.line = at(fp.as_deref());
        }
        for (i, r) in e.relations.iter_mut().enumerate() {
            r.line = at(ep
                .as_ref()
                .map(|ep| format!("{ep}.relations[{i}]"))
                .as_deref());
        }
        if let Some(sm) = &mut e.state_machine {
            let sp = ep.as_ref().map(|ep| format!("{ep}.state_machine"));
            sm.line = at(sp.as_deref());
            for (i, t) in sm.transitions.iter_mut().enumerate() {
                t.line = at(sp
                    .as_ref()
                    .map(|sp| format!("{sp}.transitions[{i}]"))
                    .as_deref());
            }
        }
    }
    for c in &mut m.contexts {
        c.line = at(index_of("contexts", "name", &c.name).as_deref());
    }
    for a in &mut m.actors {
        let ap = index_of("actors", "name", &a.name);
        a.line = at(ap.as_deref());
        for (i, o) in a.owns.iter_mut().enumerate() {
            o.line = at(ap.as_ref().map(|ap| format!("{ap}.owns[{i}]")).as_deref());
        }
    }
    for u in &mut m.use_cases {
        u.line = at(index_of("use_cases", "id", &u.id).as_deref());
    }
    for (i, r) in m.rules.iter_mut().enumerate() {
        r.line = at(Some(&format!("rules[{i}]")));
    }
    m
}

/// [`validate`] for a model read from a model file (or about to replace it): each problem
/// located in `text` at the first key of the item it is about ([`locate_in_file`]).
pub fn validate_in_file(model: &Model, text: &str) -> Vec<Diagnostic> {
    let mut diags = validate(&locate_in_file(model, text));
    let lines: Vec<&str> = text.lines().collect();
    for d in &mut diags {
        if let Some(l) = d.line.checked_sub(1).and_then(|i| lines.get(i as usize)) {
            let key = l.trim_start_matches([' ', '-']);
            d.col = (l.chars().count() - key.chars().count()) as u32 + 1;
        }
    }
    diags
}

/// Explains what the tool looks for when it found no entity.
pub fn no_entities() -> Diagnostic {
    Diagnostic::error(
        "E108",
        1,
        1,
        Text::new(
            "no entities found: the PRD has no data model backend-pro can read",
            "未找到实体：PRD 中没有可识别的数据模型",
        ),
    )
    .with_help(Text::new(
        "describe each entity with one of: a field table under a heading that names it (\"### Order\" + | Field | Type | Required | Description |); a field list (\"- email: string, required, unique\"); a CREATE TABLE statement in a ```sql block; a TypeScript interface; or Key Entities bullets (\"- **Order**: …\") with nested field bullets. See docs/PRD-FORMAT.md",
        "请用以下任一方式描述每个实体：实体标题下的字段表（“### 订单 (Order)” + | 字段 | 类型 | 必填 | 说明 |）；字段列表（“- email: string, 必填, 唯一”）；```sql 代码块中的 CREATE TABLE；TypeScript interface；或“关键实体”列表（“- **订单 (Order)**: …”）加嵌套字段。详见 docs/PRD-FORMAT.md",
    ))
}

/// `actors[].owns`: each names an entity of the model once, and a field of it that can hold
/// the caller's id (a single uuid or reference).
fn ownership_problems(model: &Model, out: &mut Vec<Diagnostic>) {
    for a in &model.actors {
        for (i, o) in a.owns.iter().enumerate() {
            let entity = model.entities.iter().find(|e| e.name == o.entity);
            let field = entity.and_then(|e| e.fields.iter().find(|f| f.name == o.field));
            let holds_id =
                field.is_some_and(|f| !f.list && matches!(f.ty, FieldType::Uuid | FieldType::Ref));
            let again = a.owns[..i].iter().any(|p| p.entity == o.entity);
            if holds_id && !again {
                continue;
            }
            let line = if o.line > 0 { o.line } else { a.line };
            let (why, why_zh) = match (entity, field) {
                _ if again => ("is listed twice".to_string(), "重复列出".to_string()),
                (None, _) => (
                    format!("names `{}`, which is no entity of the model", o.entity),
                    format!("指向的 `{}` 不是模型中的实体", o.entity),
                ),
                (Some(e), None) => (
                    format!("names `{}.{}`, which has no such field", e.name, o.field),
                    format!("指向的 `{}.{}` 字段不存在", e.name, o.field),
                ),
                (Some(e), Some(_)) => (
                    format!(
                        "names `{}.{}`, which cannot hold an id (a uuid or a reference)",
                        e.name, o.field
                    ),
                    format!(
                        "指向的 `{}.{}` 不能保存 id（须为 uuid 或引用）",
                        e.name, o.field
                    ),
                ),
            };
            out.push(
                Diagnostic::error(
                    "E170",
                    line,
                    1,
                    Text::new(
                        format!("the ownership rule of actor `{}` on `{}` {why}", a.name, o.entity),
                        format!("角色 `{}` 对 `{}` 的本人数据规则{why_zh}", a.name, o.entity),
                    ),
                )
                .with_help(Text::new(
                    "`owns:` lists `{entity, field}`: the entity, and its field that holds the owner's id (`customer_id: ref(Customer)`, `owner_id: uuid`); fix it or remove the entry",
                    "`owns:` 的每一项为 `{entity, field}`：实体，及其保存所有者 id 的字段（如 `customer_id: ref(Customer)`、`owner_id: uuid`）；请修正或删除该项",
                )),
            );
        }
    }
}

/// `processes:`: snake_case names used once, and steps that are commands a saga can run: an
/// entity of the model and `create`, `delete` or one of its state-machine actions.
fn process_problems(model: &Model, out: &mut Vec<Diagnostic>) {
    // Go names of the sagas: `XSaga`, `XSagaData`, `StartXSaga`; two processes must not
    // meet there (`a1_b` and `a1b` are both `A1B`, `start_x` is `x`'s `StartXSaga`).
    let go: Vec<String> = model
        .processes
        .iter()
        .map(|p| crate::names::pascal(&p.name))
        .collect();
    for (i, p) in model.processes.iter().enumerate() {
        let ok_name = p.name.starts_with(|c: char| c.is_ascii_lowercase())
            && p.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let clash = go[..i].contains(&go[i])
            || go
                .iter()
                .enumerate()
                .any(|(j, g)| j != i && go[i] == format!("Start{g}"));
        if !ok_name || clash {
            out.push(
                Diagnostic::error(
                    "E160",
                    p.line,
                    1,
                    Text::new(
                        format!(
                            "process name `{}` is not a unique snake_case identifier",
                            p.name
                        ),
                        format!("流程名 `{}` 不是唯一的 snake_case 标识符", p.name),
                    ),
                )
                .with_help(Text::new(
                    "rename it in `processes:` (`place_order`); `start_x` is taken by the saga `x` (`StartXSaga`)",
                    "在 `processes:` 中改名（如 `place_order`）；`start_x` 与流程 `x` 的 `StartXSaga` 同名",
                )),
            );
        }
        for s in &p.steps {
            let entity = model.entities.iter().find(|e| e.name == s.entity);
            let actions: Vec<&str> = entity
                .and_then(|e| e.state_machine.as_ref())
                .map(|sm| sm.transitions.iter().map(|t| t.action.as_str()).collect())
                .unwrap_or_default();
            let ok = entity.is_some()
                && (s.action == "create"
                    || s.action == "delete"
                    || actions.contains(&s.action.as_str()));
            if !ok {
                let line = if s.line > 0 { s.line } else { p.line };
                out.push(
                    Diagnostic::error(
                        "E161",
                        line,
                        1,
                        Text::new(
                            format!(
                                "step `{}.{}` of process `{}` is no command a saga can run",
                                s.entity, s.action, p.name
                            ),
                            format!(
                                "流程 `{}` 的步骤 `{}.{}` 不是 saga 可执行的操作",
                                p.name, s.entity, s.action
                            ),
                        ),
                    )
                    .with_help(Text::new(
                        "a step names an entity of the model and `create`, `delete` or one of its state-machine actions",
                        "步骤须指向模型中的实体，动作为 `create`、`delete` 或其状态机动作之一",
                    )),
                );
            }
        }
        order_problems(p, out);
    }
}

/// E162: a saga keeps one id per entity, so a process runs each command once and creates an
/// entity before any other step on it.
fn order_problems(p: &crate::model::Process, out: &mut Vec<Diagnostic>) {
    for (i, s) in p.steps.iter().enumerate() {
        let before = &p.steps[..i];
        let repeated = before
            .iter()
            .any(|b| b.entity == s.entity && b.action == s.action);
        let late_create = s.action == "create" && before.iter().any(|b| b.entity == s.entity);
        if !(repeated || late_create) {
            continue;
        }
        let line = if s.line > 0 { s.line } else { p.line };
        out.push(
            Diagnostic::error(
                "E162",
                line,
                1,
                Text::new(
                    format!(
                        "step `{}.{}` of process `{}` {}",
                        s.entity,
                        s.action,
                        p.name,
                        if repeated {
                            "repeats an earlier step"
                        } else {
                            "creates a row an earlier step already changed"
                        }
                    ),
                    format!(
                        "流程 `{}` 的步骤 `{}.{}`{}",
                        p.name,
                        s.entity,
                        s.action,
                        if repeated {
                            "重复了前面的步骤"
                        } else {
                            "创建的记录在前面的步骤中已被修改"
                        }
                    ),
                ),
            )
            .with_help(Text::new(
                "a saga holds one row per entity: create it first, run each command once, or split the process",
                "saga 中每个实体只对应一条记录：先创建，每个操作只执行一次，或拆分流程",
            )),
        );
    }
}

/// The `capabilities:` list: known names, core never listed, no entity table taken by a
/// capability's table.
fn capability_problems(model: &Model, out: &mut Vec<Diagnostic>) {
    let known = crate::capability::optional_names().join(", ");
    for c in &model.capabilities {
        if c == "core" {
            out.push(
                Diagnostic::error(
                    "E140",
                    0,
                    1,
                    Text::new(
                        "capability `core` is always on and is not listed",
                        "核心能力 `core` 始终启用，无需列出",
                    ),
                )
                .with_help(Text::new(
                    "remove `core` from `capabilities:`",
                    "从 `capabilities:` 中删除 `core`",
                )),
            );
            continue;
        }
        let Some(cap) = crate::capability::get(c) else {
            out.push(
                Diagnostic::error(
                    "E140",
                    0,
                    1,
                    Text::new(
                        format!("unknown capability `{c}`"),
                        format!("未知能力 `{c}`"),
                    ),
                )
                .with_help(Text::new(
                    format!("known capabilities: {known}"),
                    format!("可用能力：{known}"),
                )),
            );
            continue;
        };
        if cap.name == "tenancy" {
            let s = crate::capability::tenancy::Scoping::of(model);
            if !model.entities.is_empty() && !s.isolates_rows() {
                out.push(
                    Diagnostic::error(
                        "E143",
                        0,
                        1,
                        Text::new(
                            "capability `tenancy`: no entity belongs to a tenant",
                            "能力 `tenancy`：没有属于租户的实体",
                        ),
                    )
                    .with_help(Text::new(
                        "describe the tenant entity as one (`description: a tenant`), or name it Tenant, Workspace or Organization, and give the others a required reference to it; without a tenant table, give entities a required `tenant_id: uuid`",
                        "在租户实体的描述中写明它是租户（`description: 租户`），或命名为 Tenant、Workspace、Organization，并让其他实体必填引用它；没有租户表时，给实体加必填的 `tenant_id: uuid`",
                    )),
                );
            }
        }
        for req in cap.requires {
            if !model.has_capability(req) {
                out.push(
                    Diagnostic::error(
                        "E142",
                        0,
                        1,
                        Text::new(
                            format!("capability `{c}` needs capability `{req}`"),
                            format!("能力 `{c}` 依赖能力 `{req}`"),
                        ),
                    )
                    .with_help(Text::new(
                        format!("add `- {req}` to `capabilities:` (`backend-pro add capability {c}` turns both on)"),
                        format!("在 `capabilities:` 中加入 `- {req}`（`backend-pro add capability {c}` 会同时启用两者）"),
                    )),
                );
            }
        }
        for t in cap.tables {
            if let Some(e) = model.entities.iter().find(|e| e.table == t.table) {
                out.push(
                    Diagnostic::error(
                        "E141",
                        e.line,
                        1,
                        Text::new(
                            format!(
                                "entity {} uses table `{}`, which capability `{c}` needs",
                                e.name, t.table
                            ),
                            format!(
                                "实体 {} 的表名 `{}` 与能力 `{c}` 所需的表冲突",
                                e.name, t.table
                            ),
                        ),
                    )
                    .with_help(Text::new(
                        format!("give {} another `table:`", e.name),
                        format!("为 {} 指定其他 `table:`", e.name),
                    )),
                );
            }
        }
    }
}

pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    capability_problems(model, &mut out);
    process_problems(model, &mut out);
    ownership_problems(model, &mut out);
    if model.entities.is_empty() {
        out.push(no_entities());
    }
    let known: Vec<&str> = model.entities.iter().map(|e| e.name.as_str()).collect();
    let known_list = known.join(", ");
    let by_name: HashMap<&str, &Entity> = model
        .entities
        .iter()
        .map(|e| (e.name.as_str(), e))
        .collect();
    let mut names_seen: HashMap<&str, u32> = HashMap::new();
    let mut tables_seen: HashMap<&str, &str> = HashMap::new();
    let mut resources_seen: HashMap<&str, &str> = HashMap::new();
    for e in &model.entities {
        let at = |code: &str, msg: Text, help: Text| {
            Diagnostic::error(code, e.line, 1, msg).with_help(help)
        };
        if !is_pascal(&e.name) {
            out.push(at(
                "E114",
                Text::new(
                    format!(
                        "entity name `{}` is not a PascalCase ASCII identifier",
                        e.name
                    ),
                    format!("实体名 `{}` 不是 PascalCase 英文标识符", e.name),
                ),
                Text::new(
                    format!("use `{}`", names::pascal(&e.name)),
                    format!("请使用 `{}`", names::pascal(&e.name)),
                ),
            ));
        }
        if let Some(first) = names_seen.insert(&e.name, e.line) {
            out.push(at(
                "E104",
                Text::new(
                    format!(
                        "entity `{}` is defined twice (first on line {first})",
                        e.name
                    ),
                    format!("实体 `{}` 重复定义（首次在第 {first} 行）", e.name),
                ),
                Text::new(
                    "merge the two definitions, or rename one",
                    "合并两处定义，或重命名其中一个",
                ),
            ));
        } else {
            for (kind_en, kind_zh, value, seen) in [
                ("table", "表名", e.table.as_str(), &mut tables_seen),
                (
                    "resource path",
                    "资源路径",
                    e.resource.as_str(),
                    &mut resources_seen,
                ),
            ] {
                if let Some(other) = seen.insert(value, &e.name) {
                    out.push(at(
                        "E106",
                        Text::new(
                            format!(
                                "entities `{other}` and `{}` have the same {kind_en} `{value}`",
                                e.name
                            ),
                            format!("实体 `{other}` 与 `{}` 的{kind_zh}相同：`{value}`", e.name),
                        ),
                        Text::new("rename one of the entities", "请重命名其中一个实体"),
                    ));
                }
            }
        }
        check_fields(e, &by_name, &known_list, &mut out);
        check_relations(e, &by_name, &mut out);
        check_state_machine(e, &mut out);
    }
    for c in &model.contexts {
        for n in &c.entities {
            if !by_name.contains_key(n.as_str()) {
                out.push(
                    Diagnostic::error(
                        "E116",
                        c.line,
                        1,
                        Text::new(
                            format!("context `{}` lists unknown entity `{n}`", c.name),
                            format!("上下文 `{}` 包含未知实体 `{n}`", c.name),
                        ),
                    )
                    .with_help(Text::new(
                        format!("known entities: {known_list}"),
                        format!("已定义的实体：{known_list}"),
                    )),
                );
            }
        }
    }
    for u in &model.use_cases {
        if let Some(en) = &u.entity {
            if !by_name.contains_key(en.as_str()) {
                out.push(
                    Diagnostic::error(
                        "E115",
                        u.line,
                        1,
                        Text::new(
                            format!("use case {} targets unknown entity `{en}`", u.id),
                            format!("用例 {} 的目标实体 `{en}` 未定义", u.id),
                        ),
                    )
                    .with_help(Text::new(
                        format!("known entities: {known_list}"),
                        format!("已定义的实体：{known_list}"),
                    )),
                );
            }
        }
        if let Some(action) = u
            .action
            .as_deref()
            .filter(|a| COLLECTION_ACTIONS.contains(a) && !GENERATED_COLLECTION_ACTIONS.contains(a))
        {
            let what = u.entity.as_deref().unwrap_or("?");
            out.push(
                Diagnostic::warning(
                    "W407",
                    u.line,
                    1,
                    Text::new(
                        format!("use case {} ({action} {what}) is not generated: of the actions on a whole collection only import and export are", u.id),
                        format!("用例 {}（{action} {what}）不会生成代码：作用于整个集合的操作中只支持导入与导出", u.id),
                    ),
                )
                .with_help(Text::new(
                    format!("write its handler by hand next to the generated ones (a file of your own in internal/application/{}/); backend-pro generates create/update/delete/get/list, import and export, state transitions and actions on one record (POST /{{id}}/<action>)", names::go_package(what)),
                    format!("请在生成代码旁手写该处理器（在 internal/application/{}/ 中新建文件）；backend-pro 会生成增删改查、导入导出、状态转换以及作用于单条记录的操作（POST /{{id}}/<动作>）", names::go_package(what)),
                )),
            );
        }
    }
    // What the templates cannot render (generated Go names that collide…), located at the
    // entity, so that no model reaches the renderer only to be refused there. Checked once
    // the model is otherwise sound: a dangling reference is reported once, above.
    if !crate::diag::has_errors(&out) {
        for (i, problem) in crate::render::context::entity_problems(model) {
            let e = &model.entities[i];
            // At the field, when the problem is one field's.
            let line = problem
                .strip_prefix("field \"")
                .and_then(|r| r.split_once('"'))
                .and_then(|(name, _)| e.field(name))
                .map_or(e.line, |f| if f.line > 0 { f.line } else { e.line });
            out.push(
                Diagnostic::error(
                    "E118",
                    line,
                    1,
                    Text::new(
                        format!("`{}` cannot be generated as Go: {problem}", e.name),
                        format!("实体 `{}` 无法生成 Go 代码：{problem}", e.name),
                    ),
                )
                .with_help(Text::new(
                    "rename what the message names, or leave out the construct it says is not supported",
                    "请重命名消息中提到的名称，或去掉消息所说的尚不支持的写法",
                )),
            );
        }
    }
    out
}

fn err_term(term: &str, d: Diagnostic) -> Diagnostic {
    d.with_term(term)
}

fn check_fields(
    e: &Entity,
    by_name: &HashMap<&str, &Entity>,
    known_list: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for f in &e.fields {
        let err = |code: &str, en: String, zh: String, help_en: String, help_zh: String| {
            Diagnostic::error(code, f.line, 1, Text::new(en, zh))
                .with_help(Text::new(help_en, help_zh))
        };
        if !is_snake(&f.name) {
            out.push(err(
                "E114",
                format!(
                    "field name `{}` of `{}` is not a snake_case ASCII identifier",
                    f.name, e.name
                ),
                format!(
                    "实体 `{}` 的字段名 `{}` 不是 snake_case 英文标识符",
                    e.name, f.name
                ),
                "field names start with a letter and use a-z, 0-9 and _".into(),
                "字段名须以字母开头，只含 a-z、0-9 和 _".into(),
            ));
        }
        if matches!(
            f.name.as_str(),
            "id" | "created_at" | "updated_at" | "version"
        ) {
            out.push(err(
                "E114",
                format!(
                    "field `{}` of `{}` is added by the generator",
                    f.name, e.name
                ),
                format!("实体 `{}` 的字段 `{}` 由生成器自动添加", e.name, f.name),
                "remove it from the field list".into(),
                "请从字段列表中删除".into(),
            ));
        }
        if let Some(first) = seen.insert(&f.name, f.line) {
            out.push(err(
                "E105",
                format!(
                    "field `{}` of `{}` is defined twice (first on line {first})",
                    f.name, e.name
                ),
                format!(
                    "实体 `{}` 的字段 `{}` 重复定义（首次在第 {first} 行）",
                    e.name, f.name
                ),
                "remove one of them, or give them different names".into(),
                "删除其中一个，或使用不同的名称".into(),
            ));
        }
        match (f.ty, &f.references) {
            (FieldType::Ref, None) => out.push(err(
                "E107",
                format!(
                    "field `{}` of `{}` is a reference without a target entity",
                    f.name, e.name
                ),
                format!(
                    "实体 `{}` 的字段 `{}` 是引用，但没有目标实体",
                    e.name, f.name
                ),
                format!("set `references` to one of: {known_list}"),
                format!("请把 `references` 设为：{known_list}"),
            )),
            (_, Some(t)) if !by_name.contains_key(t.as_str()) => out.push(err(
                "E107",
                format!(
                    "field `{}` of `{}` refers to `{t}`, which is not an entity",
                    f.name, e.name
                ),
                format!(
                    "实体 `{}` 的字段 `{}` 引用的 `{t}` 不是已定义的实体",
                    e.name, f.name
                ),
                format!("known entities: {known_list}"),
                format!("已定义的实体：{known_list}"),
            )),
            _ => {}
        }
        if f.ty == FieldType::Enum {
            if f.enum_values.is_empty() {
                out.push(err(
                    "E110",
                    format!("enum field `{}` of `{}` has no values", f.name, e.name),
                    format!("实体 `{}` 的枚举字段 `{}` 没有取值", e.name, f.name),
                    "list the values: `enum(pending, paid)`, `pending|paid`, `（1-男/2-女）`"
                        .into(),
                    "请列出取值：`enum(pending, paid)`、`pending|paid`、`（1-男/2-女）`".into(),
                ));
            }
            let mut vs = BTreeSet::new();
            for v in &f.enum_values {
                if !vs.insert(v.value.as_str()) {
                    out.push(err(
                        "E110",
                        format!(
                            "enum field `{}` of `{}` lists `{}` twice",
                            f.name, e.name, v.value
                        ),
                        format!(
                            "实体 `{}` 的枚举字段 `{}` 重复列出 `{}`",
                            e.name, f.name, v.value
                        ),
                        "remove the duplicate value".into(),
                        "请删除重复的取值".into(),
                    ));
                }
                if !is_enum_value(&v.value) {
                    out.push(err_term(&v.value, err(
                        "E117",
                        format!("enum value \"{}\" of `{}.{}` is not an ASCII identifier", v.value, e.name, f.name),
                        format!("`{}.{}` 的枚举值“{}”不是英文标识符", e.name, f.name, v.value),
                        format!("write the value with its label, e.g. `pending({})` or `1-{}`, or map it in a glossary file", v.value, v.value),
                        format!("请写成“值(标签)”形式，如 `pending({})` 或 `1-{}`，或在术语表中映射", v.value, v.value),
                    )));
                }
            }
        }
        if let Some(d) = &f.default {
            if !f.default_fits() {
                let values: Vec<&str> = f.enum_values.iter().map(|v| v.value.as_str()).collect();
                let (help_en, help_zh) = if f.ty == FieldType::Enum {
                    (
                        format!("the default must be one of: {}", values.join(", ")),
                        format!("默认值必须是以下之一：{}", values.join(", ")),
                    )
                } else {
                    (
                        format!("write a literal {} value", f.ty.as_str()),
                        format!("请写一个 {} 类型的字面值", f.ty.as_str()),
                    )
                };
                out.push(err(
                    "E111",
                    format!(
                        "default `{d}` of `{}.{}` is not a valid {} value",
                        e.name,
                        f.name,
                        f.ty.as_str()
                    ),
                    format!(
                        "`{}.{}` 的默认值 `{d}` 不是合法的 {} 值",
                        e.name,
                        f.name,
                        f.ty.as_str()
                    ),
                    help_en,
                    help_zh,
                ));
            }
        }
    }
    for ix in &e.indexes {
        for c in &ix.fields {
            if e.field(c).is_none() {
                out.push(
                    Diagnostic::error(
                        "E116",
                        e.line,
                        1,
                        Text::new(
                            format!("an index of `{}` names unknown field `{c}`", e.name),
                            format!("实体 `{}` 的索引包含未知字段 `{c}`", e.name),
                        ),
                    )
                    .with_help(Text::new(
                        "index only fields of the entity",
                        "索引只能包含该实体的字段",
                    )),
                );
            }
        }
    }
}

fn check_relations(e: &Entity, by_name: &HashMap<&str, &Entity>, out: &mut Vec<Diagnostic>) {
    for r in &e.relations {
        let Some(target) = by_name.get(r.target.as_str()) else {
            out.push(
                Diagnostic::error(
                    "E116",
                    r.line,
                    1,
                    Text::new(
                        format!(
                            "relation of `{}` targets unknown entity `{}`",
                            e.name, r.target
                        ),
                        format!("实体 `{}` 的关系指向未知实体 `{}`", e.name, r.target),
                    ),
                )
                .with_help(Text::new(
                    "point the relation at a defined entity",
                    "请让关系指向已定义的实体",
                )),
            );
            continue;
        };
        let holder = match r.kind {
            RelationKind::BelongsTo => Some(e),
            RelationKind::HasMany => Some(*target),
            RelationKind::ManyToMany => None,
        };
        if let (Some(h), Some(fk)) = (holder, &r.foreign_key) {
            if h.field(fk).is_none() {
                out.push(
                    Diagnostic::error(
                        "E116",
                        r.line,
                        1,
                        Text::new(
                            format!("relation of `{}` uses foreign key `{fk}`, which `{}` does not have", e.name, h.name),
                            format!("实体 `{}` 的关系使用外键 `{fk}`，但 `{}` 没有该字段", e.name, h.name),
                        ),
                    )
                    .with_help(Text::new(
                        "name an existing reference field as the foreign key",
                        "请使用已存在的引用字段作为外键",
                    )),
                );
            }
        }
    }
}

fn check_state_machine(e: &Entity, out: &mut Vec<Diagnostic>) {
    let Some(sm) = &e.state_machine else { return };
    let err = |line: u32, en: String, zh: String, help_en: String, help_zh: String| {
        Diagnostic::error("E112", line, 1, Text::new(en, zh)).with_help(Text::new(help_en, help_zh))
    };
    let Some(field) = e.field(&sm.field) else {
        out.push(err(
            sm.line,
            format!(
                "state machine of `{}` governs unknown field `{}`",
                e.name, sm.field
            ),
            format!("实体 `{}` 的状态机对应的字段 `{}` 不存在", e.name, sm.field),
            "add an enum field (usually `status`) listing the states".into(),
            "请添加列出各状态的枚举字段（通常为 `status`）".into(),
        ));
        return;
    };
    if field.ty != FieldType::Enum {
        out.push(err(
            sm.line,
            format!(
                "state machine of `{}` governs `{}`, which is not an enum",
                e.name, sm.field
            ),
            format!(
                "实体 `{}` 的状态机对应的字段 `{}` 不是枚举",
                e.name, sm.field
            ),
            "make the field an enum of the states".into(),
            "请把该字段定义为状态枚举".into(),
        ));
        return;
    }
    if !field.required {
        out.push(err(
            sm.line,
            format!(
                "`{}.{}` has a state machine but is optional; a record always has a state",
                e.name, sm.field
            ),
            format!(
                "`{}.{}` 有状态机，却是可选字段；每条记录都应有状态",
                e.name, sm.field
            ),
            "set `required: true` on the field".into(),
            "请把该字段设为 `required: true`".into(),
        ));
    }
    let states: BTreeSet<&str> = field.enum_values.iter().map(|v| v.value.as_str()).collect();
    // Never an empty list in a message: say that there are no values.
    let (list, list_zh) = match states.iter().copied().collect::<Vec<_>>().join(", ") {
        l if l.is_empty() => (
            "none, the enum has no values".to_string(),
            "无，枚举没有取值".to_string(),
        ),
        l => (l.clone(), l),
    };
    if !states.contains(sm.initial.as_str()) {
        out.push(err(
            sm.line,
            format!(
                "initial state `{}` of `{}.{}` is not one of its values",
                sm.initial, e.name, sm.field
            ),
            format!(
                "`{}.{}` 的初始状态 `{}` 不在取值中",
                e.name, sm.field, sm.initial
            ),
            format!("states: {list}"),
            format!("可用状态：{list_zh}"),
        ));
    }
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for t in &sm.transitions {
        for s in [&t.from, &t.to] {
            if !states.contains(s.as_str()) {
                out.push(err(
                    t.line,
                    format!(
                        "transition `{}` of `{}` uses unknown state `{s}`",
                        t.action, e.name
                    ),
                    format!(
                        "实体 `{}` 的状态转换 `{}` 使用了未知状态 `{s}`",
                        e.name, t.action
                    ),
                    format!("states: {list}"),
                    format!("可用状态：{list_zh}"),
                ));
            }
        }
        if !seen.insert((t.from.as_str(), t.action.as_str())) {
            out.push(err(
                t.line,
                format!(
                    "action `{}` of `{}` leaves state `{}` twice",
                    t.action, e.name, t.from
                ),
                format!(
                    "实体 `{}` 的动作 `{}` 从状态 `{}` 出发有两个目标",
                    e.name, t.action, t.from
                ),
                "give the two transitions different actions".into(),
                "请为这两个转换使用不同的动作名".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items are found in the tool's own layout and in a hand-written one (sequences indented
    /// under their key, flow-style items, comments).
    #[test]
    fn items_of_a_model_file_are_located() {
        let text = "# yaml-language-server: $schema=x\n\
version: 1
entities:
  - name: Order
    fields:
      - name: total
        type: int
      - {name: note, type: text}
    state_machine:
      field: status
      transitions:
        - from: a
          to: b
  - name: Item
    description: |
      - not: an item
    fields:
    - name: sku
actors:
- name: admin
use_cases:
- id: UC-1
";
        let (lines, values) = yaml_items(text);
        assert_eq!(lines.get("entities[0]"), Some(&4));
        assert_eq!(
            values.get("entities[0].name").map(String::as_str),
            Some("Order")
        );
        assert_eq!(lines.get("entities[0].fields[0]"), Some(&6));
        assert_eq!(lines.get("entities[0].fields[1]"), Some(&8));
        assert_eq!(lines.get("entities[0].state_machine"), Some(&9));
        assert_eq!(
            lines.get("entities[0].state_machine.transitions[0]"),
            Some(&12)
        );
        assert_eq!(lines.get("entities[1]"), Some(&14));
        assert_eq!(lines.get("entities[1].fields[0]"), Some(&18));
        assert_eq!(
            values.get("entities[1].fields[0].name").map(String::as_str),
            Some("sku")
        );
        assert_eq!(lines.get("actors[0]"), Some(&20));
        assert_eq!(lines.get("use_cases[0]"), Some(&22));
        assert!(!lines.contains_key("entities[2]"));
    }

    /// Validation of a model read from a file points into that file.
    #[test]
    fn validation_errors_are_located_in_the_model_file() {
        let mut model = Model::empty("shop", crate::model::Lang::En);
        let text = "version: 1\nentities:\n- name: order\n  fields:\n  - name: total\n";
        let mut e = crate::model::Entity {
            name: "order".into(),
            label: "Order".into(),
            description: String::new(),
            table: "orders".into(),
            resource: "orders".into(),
            fields: vec![crate::model::Field::new("total", FieldType::Int)],
            relations: vec![],
            indexes: vec![],
            state_machine: None,
            line: 40,
        };
        e.fields[0].line = 41;
        model.entities.push(e);
        let located = locate_in_file(&model, text);
        assert_eq!(located.entities[0].line, 3);
        assert_eq!(located.entities[0].fields[0].line, 5);
        let diags = validate_in_file(&model, text);
        let e114 = diags.iter().find(|d| d.code == "E114").expect("E114");
        assert_eq!((e114.line, e114.col), (3, 3));
        // An entity the file does not have (added by a command): not located.
        model.entities[0].name = "Other".into();
        assert_eq!(locate_in_file(&model, text).entities[0].line, 0);
    }

    /// A hand-edited model with one problem of each model-level kind.
    const BROKEN: &str = r#"
version: 1
service: {name: shop, title: Shop, lang: en}
contexts:
- {name: Sales, entities: [Order, Ghost], line: 2}
entities:
- name: Order
  label: Order
  table: orders
  resource: orders
  fields:
  - {name: customer_id, type: ref, references: Customer, line: 10}
  - {name: Total, type: decimal, line: 11}
  - {name: id, type: uuid, line: 12}
  - {name: status, type: enum, enum_values: [{value: new}, {value: 待付款}], default: gone, line: 13}
  - {name: coupon_id, type: ref, line: 14}
  - {name: channel, type: enum, line: 15}
  relations:
  - {kind: belongs_to, target: Nobody, foreign_key: customer_id, line: 10}
  indexes:
  - fields: [missing]
  state_machine:
    field: status
    initial: draft
    transitions:
    - {from: new, to: shipped, action: ship, line: 20}
    line: 19
  line: 5
- name: order_line
  label: Line
  table: orders
  resource: order-lines
  fields:
  - {name: qty, type: int, default: many, line: 30}
  - {name: qty, type: int, line: 31}
  line: 28
actors: []
use_cases:
- {id: UC-1, title: Refund, actor: user, kind: command, entity: Refund, line: 40}
nfr:
  peak_qps: {value: 1, defaulted: true}
  latency_p95_ms: {value: 1, defaulted: true}
  latency_p99_ms: {value: 1, defaulted: true}
  availability_percent: {value: 99.0, defaulted: true}
  concurrency: {value: 1, defaulted: true}
  retention_days: {value: 1, defaulted: true}
  multi_tenancy: {value: false, defaulted: true}
"#;

    #[test]
    fn every_model_level_problem_is_reported() {
        let model = Model::from_yaml(BROKEN).expect("yaml");
        let diags = validate(&model);
        let codes: BTreeSet<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        for c in [
            "E105", "E106", "E107", "E110", "E111", "E112", "E114", "E115", "E116", "E117",
        ] {
            assert!(codes.contains(c), "{c} missing from {codes:?}");
        }
        assert!(diags.iter().all(|d| d.help.is_some()));
        // Empty model: E108 explains what the tool looks for.
        let mut empty = model.clone();
        empty.entities.clear();
        empty.contexts.clear();
        empty.use_cases.clear();
        let d = validate(&empty);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "E108");
    }

    /// E160: process names that meet as Go names; E161: a step no saga can run.
    #[test]
    fn processes_are_checked() {
        let yaml = "version: 1
service: {name: shop, title: Shop, lang: en}
entities:
- name: Order
  label: Order
  table: orders
  resource: orders
  fields: [{name: total, type: int, required: true}]
processes:
- name: ship
  steps: [{entity: Order, action: create}]
- name: start_ship
  steps: [{entity: Order, action: delete}]
- name: a1_b
  steps: [{entity: Order, action: pay}]
- name: a1b
  steps: [{entity: Invoice, action: create}]
";
        let mut v: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml).expect("yaml");
        v["nfr"] = serde_yaml_ng::to_value(crate::model::Nfr::default()).expect("nfr");
        let m: Model = serde_yaml_ng::from_value(v).expect("model");
        let codes: Vec<(String, String)> = validate(&m)
            .into_iter()
            .map(|d| (d.code, d.message.en))
            .collect();
        let has =
            |code: &str, needle: &str| codes.iter().any(|(c, m)| *c == code && m.contains(needle));
        assert!(has("E160", "`start_ship`"), "{codes:?}");
        assert!(!has("E160", "`ship`"), "{codes:?}");
        assert!(has("E161", "`Order.pay`"), "{codes:?}");
        assert!(has("E161", "`Invoice.create`"), "{codes:?}");
        let mut twice = m.clone();
        twice.processes.truncate(1);
        let again = twice.processes[0].steps[0].clone();
        twice.processes[0].steps.push(again);
        let codes: Vec<String> = validate(&twice).into_iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E162"]);
    }
}
