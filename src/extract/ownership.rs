//! Ownership rules: "view own orders", "Customers can only see their own orders",
//! `读者只能查看本人的借阅记录与罚款`. Each becomes an [`Owned`] entry on the actor: with the
//! `auth` capability, that actor's requests reach only the rows whose owner field holds the
//! caller's id (docs/GENERATED.md, "Own rows").
//!
//! A rule is an ownership word (own, my, their own, 本人, 自己, 我的) followed, in the same
//! clause, by an entity of the model; its actor is the one whose role-table row or use case
//! says it, or the actor a sentence names before the word. The owner field is a reference
//! from the entity to the actor's own entity (`Order.customer_id` → `Customer` for the
//! actor `customer`), else a uuid named `owner_id`, `user_id`, `created_by` or
//! `<actor>_id`. Every rule read is a warning to check (W701); one whose entity has no owner
//! field is a warning with the field to add (W702) and stays in `rules` as a rule to write.

use crate::diag::{Diagnostic, Text};
use crate::extract::headings::clean_label;
use crate::extract::roles::{role, Role};
use crate::extract::rules::{entities_at, names_of};
use crate::model::{Actor, Entity, FieldType, Model, Owned, Rule};
use crate::prd::{Block, Document};
use regex::Regex;
use std::sync::LazyLock;

/// An ownership word; the clause after it names what is owned.
static MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(?:their|his|her|its|your)\s+own|own|my|mine)\b|本人|自己|我的|自身")
        .expect("ownership regex")
});

/// Words for "whatever is theirs" after an ownership word ("their own data", `自己创建的数据`).
static GENERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:created|submitted|uploaded)\s+)?(?:data|records)\b|^(?:创建|提交|上传)?的?(?:数据|记录)")
        .expect("generic regex")
});

/// Where a clause ends.
const CLAUSE_END: &[char] = &[
    ',', ';', '.', '!', '?', ':', '(', '，', '；', '。', '！', '？', '：', '（', '、',
];

/// Uuid fields that hold the id of whoever owns the row, whatever the actor.
const OWNER_FIELDS: &[&str] = &["owner_id", "user_id", "created_by", "creator_id"];

/// One statement to read: its text, its actor (when the source says whose it is) and line.
struct Source<'a> {
    text: &'a str,
    actor: Option<usize>,
    line: u32,
}

/// Reads every ownership rule of `doc` into `model.actors[..].owns`.
pub fn extract(doc: &Document, model: &mut Model, diags: &mut Vec<Diagnostic>) {
    if model.actors.is_empty() {
        return;
    }
    let mut sources: Vec<Source> = Vec::new();
    for (i, a) in model.actors.iter().enumerate() {
        sources.push(Source {
            text: &a.description,
            actor: Some(i),
            line: a.line,
        });
    }
    for u in &model.use_cases {
        if let Some(i) = model.actors.iter().position(|a| a.name == u.actor) {
            sources.push(Source {
                text: &u.title,
                actor: Some(i),
                line: u.line,
            });
        }
    }
    for (idx, s) in doc.sections.iter().enumerate() {
        let skipped = doc
            .ancestry(idx)
            .iter()
            .any(|a| matches!(role(&a.title), Role::OutOfScope) || a.struck);
        if skipped {
            continue;
        }
        for b in &s.blocks {
            match b {
                Block::Paragraph(ls) => {
                    sources.extend(ls.iter().filter(|l| !l.struck).map(|l| Source {
                        text: &l.text,
                        actor: None,
                        line: l.pos.line,
                    }))
                }
                Block::List(items) => {
                    sources.extend(items.iter().filter(|i| !i.struck).map(|i| Source {
                        text: &i.text,
                        actor: None,
                        line: i.pos.line,
                    }))
                }
                _ => {}
            }
        }
    }
    let names = names_of(&model.entities);
    // (actor, Owned) found, and (actor, entity, line, text) without an owner field.
    let mut found: Vec<(usize, Owned)> = Vec::new();
    let mut missing: Vec<(usize, String, u32, String)> = Vec::new();
    for s in &sources {
        for m in MARK.find_iter(s.text) {
            let Some(actor) = s
                .actor
                .or_else(|| actor_named(&s.text[..m.start()], &model.actors))
            else {
                continue;
            };
            let rest = &s.text[m.end()..];
            let clause = rest.split(CLAUSE_END).next().unwrap_or(rest);
            let a = &model.actors[actor];
            let own = actor_entity(a, &model.entities);
            let mut listed = owned_list(clause, &names);
            if listed.is_empty() && GENERIC.is_match(clause) {
                // "their own data", `自己创建的数据`: every entity with a field naming its owner.
                listed = model
                    .entities
                    .iter()
                    .filter(|e| {
                        own.is_none_or(|o| o.name != e.name) && owner_field(e, a, own).is_some()
                    })
                    .map(|e| e.name.clone())
                    .collect();
                if listed.is_empty() {
                    continue;
                }
            }
            for (k, ename) in listed.into_iter().enumerate() {
                let Some(e) = model.entities.iter().find(|e| e.name == ename) else {
                    continue;
                };
                if own.is_some_and(|o| o.name == e.name) {
                    continue; // "my profile": the actor's own row, by its id
                }
                let seen = |x: &(usize, Owned)| x.0 == actor && x.1.entity == e.name;
                match owner_field(e, a, own) {
                    Some(field) if !found.iter().any(seen) => found.push((
                        actor,
                        Owned {
                            entity: e.name.clone(),
                            field,
                            line: s.line,
                        },
                    )),
                    None if k == 0 && !missing.iter().any(|x| x.0 == actor && x.1 == e.name) => {
                        missing.push((actor, e.name.clone(), s.line, s.text.to_string()));
                    }
                    _ => {}
                }
            }
        }
    }
    missing.retain(|(actor, entity, ..)| {
        !found.iter().any(|x| x.0 == *actor && x.1.entity == *entity)
    });
    for (actor, owned) in found {
        let a = &model.actors[actor];
        diags.push(
            Diagnostic::warning(
                "W701",
                owned.line,
                1,
                Text::new(
                    format!(
                        "{} reaches only its own {} rows: those whose `{}` is the caller's id; check",
                        a.name, owned.entity, owned.field
                    ),
                    zh(format!(
                        "{}只能访问本人的{}（`{}.{}` 等于调用者 id 的记录）；请核对",
                        label_of(&a.label, &a.name),
                        entity_label(&model.entities, &owned.entity),
                        owned.entity,
                        owned.field
                    )),
                ),
            )
            .with_help(Text::new(
                "with the `auth` capability its tokens' `sub` is that id; edit `owns:` of the actor in backend-pro.yaml to change it",
                "启用 `auth` 能力时令牌的 `sub` 即该 id；可在 backend-pro.yaml 中该角色的 `owns:` 修改",
            )),
        );
        model.actors[actor].owns.push(owned);
    }
    for (actor, entity, line, text) in missing {
        let a = &model.actors[actor];
        let field = format!("{}_id", a.name);
        let target = actor_entity(a, &model.entities)
            .map(|e| format!("ref({})", e.name))
            .unwrap_or_else(|| "uuid".to_string());
        diags.push(
            Diagnostic::warning(
                "W702",
                line,
                1,
                Text::new(
                    format!(
                        "{} should reach only its own {} rows, but {entity} has no field naming its owner: the rule is not enforced",
                        a.name, entity
                    ),
                    zh(format!(
                        "{}只能访问本人的{}，但 {entity} 没有记录所有者的字段：该规则未生效",
                        label_of(&a.label, &a.name),
                        entity_label(&model.entities, &entity)
                    )),
                ),
            )
            .with_help(Text::new(
                format!("add `{field}: {target}` to {entity} (or an `owner_id` uuid); until then it is listed in the README as a rule to write"),
                format!("为 {entity} 加上 `{field}: {target}`（或 uuid 字段 `owner_id`）；在此之前它作为待实现规则列在 README 中"),
            )),
        );
        if !model.rules.iter().any(|r| r.line == line && line != 0) {
            model.rules.push(Rule {
                text,
                entity: Some(entity),
                others: Vec::new(),
                line,
            });
        }
    }
    model.rules.sort_by_key(|r| r.line);
}

/// Words that may stand between the ownership word and the first entity ("my past
/// orders", `本人的借阅记录`), and between the entities of a list ("orders and payments").
static GLUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\s|的|和|与|及|以及|或|,|&|/|\band\b|\bor\b)*$").expect("glue regex")
});

/// Words that may qualify the first entity ("my past orders").
const QUALIFIERS: &[&str] = &[
    "past", "current", "active", "open", "recent", "previous", "pending", "all", "saved",
];

/// The entities a clause after an ownership word owns: the one right after the word (or
/// after a qualifier: "my past orders"), and those listed with it ("own orders and
/// payments"). "my email address" owns no Address: "email" comes first.
fn owned_list(clause: &str, names: &[crate::extract::rules::Names]) -> Vec<String> {
    let lower = clause.to_lowercase();
    let mut out = Vec::new();
    let mut end = 0;
    for (at, stop, name) in entities_at(clause, names) {
        if at < end {
            continue;
        }
        let between = &lower[end..at];
        let adjacent =
            GLUE.is_match(between) || (out.is_empty() && QUALIFIERS.contains(&between.trim()));
        if !adjacent {
            break;
        }
        out.push(name);
        end = stop;
    }
    out
}

/// A Chinese sentence with the space around an identifier kept only between words.
fn zh(s: String) -> String {
    s.trim().replace(" （", "（").replace(" ，", "，")
}

/// A name for a Chinese sentence: the PRD's label, else the identifier set apart.
fn label_of(label: &str, name: &str) -> String {
    let l = label.trim();
    if l.is_empty() || l.is_ascii() {
        format!(" `{name}` ")
    } else {
        l.to_string()
    }
}

fn entity_label(entities: &[Entity], name: &str) -> String {
    entities
        .iter()
        .find(|e| e.name == name)
        .map_or_else(|| label_of("", name), |e| label_of(&e.label, &e.name))
}

/// The actor a sentence names (its name, plural or label), the last one before the mark.
fn actor_named(before: &str, actors: &[Actor]) -> Option<usize> {
    let lower = before.to_lowercase();
    let words: Vec<String> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(crate::names::singular)
        .collect();
    actors
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let label = clean_label(&a.label);
            let by_label = (!label.is_empty() && !label.is_ascii())
                .then(|| lower.rfind(label.as_str()))
                .flatten();
            let by_name = words
                .iter()
                .rposition(|w| *w == a.name)
                .map(|_| lower.rfind(a.name.as_str()).unwrap_or(0));
            by_label.max(by_name).map(|at| (at, i))
        })
        .max()
        .map(|(_, i)| i)
}

/// The entity an actor is a row of (`customer` → `Customer`, 读者 → `Reader`).
fn actor_entity<'m>(a: &Actor, entities: &'m [Entity]) -> Option<&'m Entity> {
    let label = clean_label(&a.label);
    entities.iter().find(|e| {
        crate::names::snake(&e.name) == a.name
            || (!label.is_empty() && clean_label(&e.label) == label)
    })
}

/// The field of `e` that names its owner, for `a`.
fn owner_field(e: &Entity, a: &Actor, own: Option<&Entity>) -> Option<String> {
    let by_actor = format!("{}_id", a.name);
    let scalar = e.fields.iter().filter(|f| !f.list);
    if let Some(o) = own {
        let refs: Vec<_> = scalar
            .clone()
            .filter(|f| f.references.as_deref() == Some(o.name.as_str()))
            .collect();
        if let Some(f) = refs.iter().find(|f| f.name == by_actor).or(refs.first()) {
            return Some(f.name.clone());
        }
    }
    scalar
        .into_iter()
        .find(|f| {
            f.ty == FieldType::Uuid
                && (f.name == by_actor || OWNER_FIELDS.contains(&f.name.as_str()))
        })
        .map(|f| f.name.clone())
}

#[cfg(test)]
mod tests {
    use crate::analyze::{analyze, AnalyzeOptions};
    use crate::diag::Diagnostic;
    use crate::model::{Model, Owned};

    fn analyze_text(text: &str) -> (Model, Vec<Diagnostic>) {
        let a = analyze(text, &AnalyzeOptions::default());
        (a.model, a.diagnostics)
    }

    fn owns(m: &Model, actor: &str) -> Vec<(String, String)> {
        m.actors
            .iter()
            .find(|a| a.name == actor)
            .map(|a| {
                a.owns
                    .iter()
                    .map(|Owned { entity, field, .. }| (entity.clone(), field.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn pair(e: &str, f: &str) -> (String, String) {
        (e.to_string(), f.to_string())
    }

    const EN: &str = "# Bakery orders\n\n## Roles\n\n| Role | Description | Responsibilities |\n|---|---|---|\n| Buyer (buyer) | Someone who orders bread | Place orders, view own orders |\n| Baker (baker) | Bakes | Bake orders |\n\n## Entities\n\n### Address\n\n| Field | Type | Required |\n|---|---|---|\n| buyer_id | ref(Buyer) | yes |\n| street | string | yes |\n\n### Buyer\n\n| Field | Type | Required |\n|---|---|---|\n| name | string | yes |\n\n### Order\n\n| Field | Type | Required |\n|---|---|---|\n| buyer_id | ref(Buyer) | yes |\n| loaves | int | yes |\n\n### Bread\n\n| Field | Type | Required |\n|---|---|---|\n| name | string | yes |\n\n### Note\n\n| Field | Type | Required |\n|---|---|---|\n| body | text | yes |\n\n## Rules\n\n- Bakers can only edit their own notes.\n";

    #[test]
    fn a_role_table_says_own_orders() {
        let (m, diags) = analyze_text(EN);
        assert_eq!(owns(&m, "buyer"), vec![pair("Order", "buyer_id")]);
        assert!(diags.iter().any(|d| d.code == "W701"), "{diags:?}");
    }

    #[test]
    fn an_owner_without_a_field_is_a_rule_to_write() {
        let (m, diags) = analyze_text(EN);
        assert!(owns(&m, "baker").is_empty());
        let w = diags.iter().find(|d| d.code == "W702").expect("W702");
        assert!(
            w.help
                .as_ref()
                .unwrap()
                .get(crate::model::Lang::En)
                .contains("baker_id: uuid"),
            "{w:?}"
        );
        assert!(
            m.rules.iter().any(|r| r.text.contains("their own notes")),
            "{:?}",
            m.rules
        );
    }

    #[test]
    fn their_own_data_is_every_entity_with_an_owner() {
        let text = ZH.replace(
            "- 安全：读者只能查看本人的借阅记录与罚款。",
            "- 安全：读者只能访问自己创建的数据。",
        );
        let (m, _) = analyze_text(&text);
        assert_eq!(
            owns(&m, "reader"),
            vec![pair("Loan", "reader_id"), pair("Fine", "owner_id")]
        );
    }

    #[test]
    fn a_hand_edited_rule_must_name_a_field_that_holds_an_id() {
        let (mut m, _) = analyze_text(EN);
        assert!(crate::validate::validate(&m).is_empty());
        let buyer = m.actors.iter().position(|a| a.name == "buyer").unwrap();
        for (entity, field) in [("Order", "loaves"), ("Order", "nope"), ("Nope", "id")] {
            m.actors[buyer].owns[0].entity = entity.into();
            m.actors[buyer].owns[0].field = field.into();
            let d = crate::validate::validate(&m);
            assert_eq!(
                d.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
                ["E170"],
                "{d:?}"
            );
        }
    }

    const ZH: &str = "# 图书馆\n\n## 角色\n\n| 角色 | 说明 |\n|---|---|\n| 读者（reader） | 借书的人 |\n| 馆员（librarian） | 前台 |\n\n## 数据模型\n\n### 读者（Reader）\n\n| 字段 | 类型 | 必填 |\n|---|---|---|\n| name | string | 是 |\n\n### 借阅记录（Loan）\n\n| 字段 | 类型 | 必填 |\n|---|---|---|\n| reader_id | ref(Reader) | 是 |\n| due_on | date | 是 |\n\n### 罚款（Fine）\n\n| 字段 | 类型 | 必填 |\n|---|---|---|\n| owner_id | uuid | 是 |\n| amount | decimal | 是 |\n\n## 非功能需求\n\n- 安全：读者只能查看本人的借阅记录与罚款。\n";

    #[test]
    fn a_sentence_names_the_actor_before_the_word() {
        let (m, _) = analyze_text(ZH);
        assert_eq!(
            owns(&m, "reader"),
            vec![pair("Loan", "reader_id"), pair("Fine", "owner_id")]
        );
        assert!(owns(&m, "librarian").is_empty());
    }

    #[test]
    fn my_in_a_use_case_and_words_that_name_nothing() {
        let text = EN.replace(
            "## Rules",
            "## User stories\n\n- As a buyer, I want to see my order history so that I can buy bread again.\n- As a baker, I want to bake the bread in my oven.\n\n## Rules",
        );
        let (m, _) = analyze_text(&text);
        assert_eq!(owns(&m, "buyer"), vec![pair("Order", "buyer_id")]);
        assert!(owns(&m, "baker").is_empty(), "{:?}", m.actors);
    }
}
