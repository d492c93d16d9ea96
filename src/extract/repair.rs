//! The last pass of extraction: what `validate` would refuse in a model read from a PRD is
//! repaired here, each repair a located warning. A hand-edited model gets the errors instead
//! (validate runs on both); a PRD gets the best model its evidence allows.

use crate::diag::{Diagnostic, Text};
use crate::model::{FieldType, Model};
use std::collections::BTreeSet;

pub fn repair(model: &mut Model, diags: &mut Vec<Diagnostic>) {
    let known: BTreeSet<String> = model.entities.iter().map(|e| e.name.clone()).collect();
    for e in &mut model.entities {
        for f in &mut e.fields {
            if f.ty != FieldType::Enum {
                continue;
            }
            if f.enum_values.is_empty() {
                f.ty = FieldType::String;
                f.default = None;
                diags.push(
                    Diagnostic::warning(
                        "W214",
                        f.line,
                        1,
                        Text::new(
                            format!(
                                "enum field `{}` of `{}` lists no values; it is a string field",
                                f.name, e.name
                            ),
                            format!(
                                "实体 `{}` 的枚举字段 `{}` 没有列出取值，按字符串字段处理",
                                e.name, f.name
                            ),
                        ),
                    )
                    .with_help(Text::new(
                        "list the values: `enum(pending, paid)`, `pending|paid`, `（1-男/2-女）`",
                        "请列出取值：`enum(pending, paid)`、`pending|paid`、`（1-男/2-女）`",
                    )),
                );
                continue;
            }
            let mut seen = BTreeSet::new();
            let before = f.enum_values.len();
            f.enum_values.retain(|v| seen.insert(v.value.clone()));
            if f.enum_values.len() < before {
                diags.push(Diagnostic::warning(
                    "W214",
                    f.line,
                    1,
                    Text::new(
                        format!(
                            "enum field `{}` of `{}` lists a value twice; kept once",
                            f.name, e.name
                        ),
                        format!(
                            "实体 `{}` 的枚举字段 `{}` 重复列出取值，只保留一次",
                            e.name, f.name
                        ),
                    ),
                ));
            }
        }
        for f in &mut e.fields {
            let Some(d) = f.default.clone() else { continue };
            if !f.default_fits() {
                f.default = None;
                diags.push(
                    Diagnostic::warning(
                        "W215",
                        f.line,
                        1,
                        Text::new(
                            format!("default `{d}` of `{}.{}` is not a valid {} value; no default is used", e.name, f.name, f.ty.as_str()),
                            format!("`{}.{}` 的默认值 `{d}` 不是合法的 {} 值，不使用默认值", e.name, f.name, f.ty.as_str()),
                        ),
                    )
                    .with_help(Text::new(
                        "write the default as a value of the field's type (for an enum: one of its values)",
                        "请写成该字段类型的值（枚举字段须是其取值之一）",
                    )),
                );
            }
        }
        // Relations and indexes that point at what was not kept (an entity without fields).
        e.relations.retain(|r| known.contains(&r.target));
        let fields: BTreeSet<String> = e.fields.iter().map(|f| f.name.clone()).collect();
        e.indexes
            .retain(|ix| ix.fields.iter().all(|c| fields.contains(c)));
        if let Some(sm) = &e.state_machine {
            let values: Option<BTreeSet<&str>> = e
                .fields
                .iter()
                .find(|f| f.name == sm.field && f.ty == FieldType::Enum)
                .map(|f| f.enum_values.iter().map(|v| v.value.as_str()).collect());
            let consistent = values.is_some_and(|vs| {
                vs.contains(sm.initial.as_str())
                    && sm
                        .transitions
                        .iter()
                        .all(|t| vs.contains(t.from.as_str()) && vs.contains(t.to.as_str()))
            });
            if consistent {
                let initial = sm.initial.clone();
                let (line, field) = (sm.line, sm.field.clone());
                if let Some(f) = e.fields.iter_mut().find(|f| f.name == field && !f.required) {
                    f.required = true;
                    diags.push(
                        Diagnostic::warning(
                            "W309",
                            line,
                            1,
                            Text::new(
                                format!("`{}.{field}` has a lifecycle, so it is required: every record has a state, starting at `{initial}`", e.name),
                                format!("`{}.{field}` 有状态流转，因此为必填：每条记录都有状态，初始为 `{initial}`", e.name),
                            ),
                        )
                        .with_help(Text::new(
                            "mark the status field required in the PRD to silence this",
                            "在 PRD 中把状态字段标为必填即可消除此警告",
                        )),
                    );
                }
            }
            if !consistent {
                diags.push(
                    Diagnostic::warning(
                        "W308",
                        sm.line,
                        1,
                        Text::new(
                            format!("the state machine of `{}` names states that are not values of `{}`; it is not attached", e.name, sm.field),
                            format!("`{}` 的状态机包含不属于 `{}` 取值的状态，未被采用", e.name, sm.field),
                        ),
                    )
                    .with_help(Text::new(
                        "align the states with the enum values of the status field",
                        "请让状态与状态字段的枚举取值一致",
                    )),
                );
                e.state_machine = None;
            }
        }
    }
    for c in &mut model.contexts {
        c.entities.retain(|n| known.contains(n));
    }
    model.contexts.retain(|c| !c.entities.is_empty());
    for u in &mut model.use_cases {
        let Some(target) = u.entity.clone() else {
            continue;
        };
        if known.contains(&target) {
            continue;
        }
        u.entity = None;
        u.action = None;
        diags.push(
            Diagnostic::warning(
                "W408",
                u.line,
                1,
                Text::new(
                    format!("use case {} acts on `{target}`, which has no data model in the PRD; it is listed but not generated", u.id),
                    format!("用例 {} 作用于 `{target}`，但 PRD 中没有它的数据模型；仅列出，不生成代码", u.id),
                ),
            )
            .with_help(Text::new(
                format!("describe `{target}` with a field table, a field list or DDL"),
                format!("请用字段表、字段列表或 DDL 描述 `{target}`"),
            )),
        );
    }
}
