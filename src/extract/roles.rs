//! What a section is about, from its (normalized) heading: entities, actors, use cases,
//! state machines, NFRs. Tables of synonyms follow ../shared/reference/prd-formats.md §3.2.

use crate::prd::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Entities,
    Actors,
    UseCases,
    States,
    Nfr,
    OutOfScope,
    Other,
}

/// (role, lower-case substrings that mark it). Order matters: the first match wins, so more
/// specific phrases come before the words they contain.
const MARKERS: &[(Role, &[&str])] = &[
    (
        Role::OutOfScope,
        &[
            "non-goals",
            "non goals",
            "out of scope",
            "not doing",
            "features out",
            "非目标",
            "不做",
            "本期不实现",
            "范围外",
        ],
    ),
    (
        Role::Nfr,
        &[
            "non-functional",
            "non functional",
            "nfr",
            "quality attribute",
            "performance",
            "scalability",
            "reliability",
            "availability",
            "success criteria",
            "measurable outcome",
            "technical context",
            "constraints",
            "sla",
            "非功能",
            "性能",
            "可用性",
            "成功标准",
            "成功指标",
            "约束",
            "数据保留",
            "容量",
        ],
    ),
    (
        Role::States,
        &[
            "state transition",
            "state machine",
            "lifecycle",
            "life cycle",
            "workflow",
            "status flow",
            "states",
            "状态流转",
            "状态机",
            "状态定义",
            "状态说明",
            "状态",
            "生命周期",
            "流转",
        ],
    ),
    (
        Role::Entities,
        &[
            "key entities",
            "entities",
            "entity",
            "data model",
            "domain model",
            "data dictionary",
            "database design",
            "schema",
            "data requirement",
            "core data",
            "tables",
            "关键实体",
            "核心实体",
            "实体",
            "数据模型",
            "领域模型",
            "数据字典",
            "数据库设计",
            "表结构",
            "数据结构",
            "数据需求",
            "字段说明",
            "字段设计",
            "字段",
        ],
    ),
    (
        Role::Actors,
        &[
            "user roles",
            "roles",
            "personas",
            "actors",
            "target users",
            "stakeholders",
            "glossary",
            "用户角色",
            "目标用户",
            "角色",
            "权限说明",
            "术语表",
        ],
    ),
    (
        Role::UseCases,
        &[
            "user stories",
            "user story",
            "user scenarios",
            "use cases",
            "use case",
            "functional requirements",
            "features",
            "feature list",
            "requirements",
            "requirement",
            "epic",
            "story",
            "acceptance",
            "用户故事",
            "用户场景",
            "用例",
            "功能需求",
            "功能列表",
            "功能清单",
            "功能模块",
            "核心功能",
            "功能详述",
            "需求",
            "验收",
            "业务流程",
            "功能",
        ],
    ),
];

/// The role a heading names by itself, or [`Role::Other`].
pub fn role(title: &str) -> Role {
    let t = title.to_lowercase();
    // An ASCII heading holds none of the Chinese markers.
    let ascii = t.is_ascii();
    for (role, marks) in MARKERS {
        if marks
            .iter()
            .any(|m| (!ascii || m.is_ascii()) && t.contains(m))
        {
            return *role;
        }
    }
    // `X表` / `X记录字段` headings name an entity section.
    if t.ends_with('表') || t.ends_with("记录字段") {
        return Role::Entities;
    }
    Role::Other
}

/// The role of section `idx`: its own, else its nearest ancestor's that has one.
pub fn section_role(doc: &Document, idx: usize) -> Role {
    doc.ancestry(idx)
        .into_iter()
        .map(|s| role(&s.title))
        .find(|r| *r != Role::Other)
        .unwrap_or(Role::Other)
}

/// [`section_role`] of every section, each heading read once.
pub fn section_roles(doc: &Document) -> Vec<Role> {
    let mut out: Vec<Role> = Vec::with_capacity(doc.sections.len());
    for (i, s) in doc.sections.iter().enumerate() {
        let own = role(&s.title);
        let r = match s.parent {
            _ if own != Role::Other => own,
            None => Role::Other,
            // Parents come first; `section_role` walks any other shape.
            Some(p) if p < i => out[p],
            Some(_) => section_role(doc, i),
        };
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(role("Non-Functional Requirements"), Role::Nfr);
        assert_eq!(role("Functional Requirements"), Role::UseCases);
        assert_eq!(role("Key Entities"), Role::Entities);
        assert_eq!(role("数据字典"), Role::Entities);
        assert_eq!(role("订单状态流转"), Role::States);
        assert_eq!(role("用户故事"), Role::UseCases);
        assert_eq!(role("性能指标"), Role::Nfr);
        assert_eq!(role("租户表(Tenant)"), Role::Other);
        assert_eq!(role("用户角色"), Role::Actors);
        assert_eq!(role("Out of Scope"), Role::OutOfScope);
    }
}
