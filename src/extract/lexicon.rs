//! Small word lists that turn Chinese (and English) PRD words into ASCII identifiers and
//! classify verbs. Documented in docs/PRD-FORMAT.md ("Lexicons"); extend the tables, keep
//! them sorted by meaning, and keep longer words before the words they contain.

/// Chinese verb → snake_case action name, for state-machine events and use cases.
/// Matched as a substring, longest entry first (see [`zh_action`]).
pub const ZH_VERBS: &[(&str, &str)] = &[
    ("标记逾期", "mark_overdue"),
    ("逾期", "mark_overdue"),
    ("过期", "expire"),
    ("失效", "expire"),
    ("续借", "renew"),
    ("续费", "renew"),
    ("续期", "renew"),
    ("还书", "return"),
    ("归还", "return"),
    ("退还", "return"),
    ("借出", "borrow"),
    ("借阅", "borrow"),
    ("借书", "borrow"),
    ("付款", "pay"),
    ("支付", "pay"),
    ("缴纳", "pay"),
    ("缴费", "pay"),
    ("退款", "refund"),
    ("取消", "cancel"),
    ("撤销", "revoke"),
    ("撤回", "withdraw"),
    ("发货", "ship"),
    ("配送", "deliver"),
    ("派送", "deliver"),
    ("送达", "deliver"),
    ("签收", "receive"),
    ("收货", "receive"),
    ("审核通过", "approve"),
    ("审核", "approve"),
    ("审批", "approve"),
    ("批准", "approve"),
    ("通过", "approve"),
    ("驳回", "reject"),
    ("拒绝", "reject"),
    ("完成", "complete"),
    ("结束", "complete"),
    ("关闭", "close"),
    ("确认", "confirm"),
    ("提交", "submit"),
    ("发布", "publish"),
    ("上架", "publish"),
    ("下架", "unpublish"),
    ("归档", "archive"),
    ("激活", "activate"),
    ("启用", "activate"),
    ("停用", "deactivate"),
    ("禁用", "deactivate"),
    ("冻结", "freeze"),
    ("解冻", "unfreeze"),
    ("锁定", "lock"),
    ("解锁", "unlock"),
    ("签到", "check_in"),
    ("到诊", "check_in"),
    ("报到", "check_in"),
    ("接诊", "start"),
    ("开始", "start"),
    ("暂停", "pause"),
    ("恢复", "resume"),
    ("重新打开", "reopen"),
    ("重开", "reopen"),
    ("分配", "assign"),
    ("指派", "assign"),
    ("预约", "book"),
    ("预订", "book"),
    ("下单", "place"),
    ("入库", "stock_in"),
    ("出库", "stock_out"),
    ("爽约", "mark_no_show"),
    ("作废", "void"),
    ("删除", "delete"),
];

/// English past participles used as state names → the verb that reaches them, for
/// transitions written without an event (`pending -> paid` ⇒ `pay`).
pub const EN_PARTICIPLES: &[(&str, &str)] = &[
    ("paid", "pay"),
    ("shipped", "ship"),
    ("delivered", "deliver"),
    ("cancelled", "cancel"),
    ("canceled", "cancel"),
    ("completed", "complete"),
    ("approved", "approve"),
    ("rejected", "reject"),
    ("refunded", "refund"),
    ("closed", "close"),
    ("confirmed", "confirm"),
    ("submitted", "submit"),
    ("published", "publish"),
    ("archived", "archive"),
    ("activated", "activate"),
    ("deactivated", "deactivate"),
    ("expired", "expire"),
    ("returned", "return"),
    ("renewed", "renew"),
    ("borrowed", "borrow"),
    ("received", "receive"),
    ("checked_in", "check_in"),
    ("checked_out", "check_out"),
    ("overdue", "mark_overdue"),
    ("voided", "void"),
];

/// Chinese role words → snake_case actor names, matched on the whole label first, then as a
/// suffix (`图书馆管理员` → `admin`). Longer entries come first.
pub const ZH_ACTORS: &[(&str, &str)] = &[
    ("超级管理员", "super_admin"),
    ("系统管理员", "admin"),
    ("诊所管理员", "clinic_admin"),
    ("管理员", "admin"),
    ("运营人员", "operator"),
    ("运营", "operator"),
    ("客服", "support_agent"),
    ("馆员", "librarian"),
    ("图书管理员", "librarian"),
    ("读者", "reader"),
    ("会员", "member"),
    ("用户", "user"),
    ("访客", "guest"),
    ("游客", "guest"),
    ("顾客", "customer"),
    ("客户", "customer"),
    ("买家", "buyer"),
    ("卖家", "seller"),
    ("商家", "merchant"),
    ("店长", "store_manager"),
    ("店员", "clerk"),
    ("仓管", "warehouse_keeper"),
    ("库管", "warehouse_keeper"),
    ("医生", "doctor"),
    ("护士", "nurse"),
    ("患者", "patient"),
    ("病人", "patient"),
    ("前台", "receptionist"),
    ("学生", "student"),
    ("教师", "teacher"),
    ("老师", "teacher"),
    ("员工", "employee"),
    ("经理", "manager"),
    ("审核员", "reviewer"),
    ("审批人", "approver"),
    ("财务", "accountant"),
    ("司机", "driver"),
    ("骑手", "rider"),
    ("作者", "author"),
    ("编辑", "editor"),
    ("系统", "system"),
];

/// Command verbs (side effects), English; `(word, action)` where action is the CRUD or
/// domain operation it usually means. Matched on whole words.
pub const EN_COMMAND_VERBS: &[(&str, &str)] = &[
    ("create", "create"),
    ("add", "create"),
    ("new", "create"),
    ("register", "create"),
    ("sign up", "create"),
    ("record", "record"),
    ("submit", "submit"),
    ("place", "create"),
    ("book", "create"),
    ("reserve", "create"),
    ("issue", "create"),
    ("open", "create"),
    ("save", "create"),
    ("write", "create"),
    ("upload", "create"),
    ("import", "import"),
    ("pay", "pay"),
    ("refund", "refund"),
    ("update", "update"),
    ("edit", "update"),
    ("modify", "update"),
    ("change", "update"),
    ("set", "update"),
    ("configure", "update"),
    ("rename", "update"),
    ("assign", "assign"),
    ("approve", "approve"),
    ("reject", "reject"),
    ("cancel", "cancel"),
    ("revoke", "revoke"),
    ("delete", "delete"),
    ("remove", "delete"),
    ("archive", "archive"),
    ("restore", "restore"),
    ("publish", "publish"),
    ("bind", "bind"),
    ("unbind", "unbind"),
    ("enable", "activate"),
    ("disable", "deactivate"),
    ("activate", "activate"),
    ("deactivate", "deactivate"),
    ("lock", "lock"),
    ("unlock", "unlock"),
    ("transfer", "transfer"),
    ("enroll", "enroll"),
    ("check in", "check_in"),
    ("check out", "check_out"),
    ("confirm", "confirm"),
    ("mark", "mark"),
    ("reset", "reset"),
    ("ship", "ship"),
    ("deliver", "deliver"),
    ("complete", "complete"),
    ("close", "close"),
    ("borrow", "borrow"),
    ("return", "return"),
    ("renew", "renew"),
    ("review", "approve"),
    ("send", "create"),
    ("post", "create"),
    ("reply", "create"),
    ("comment", "create"),
    ("invite", "create"),
    ("apply", "create"),
    ("schedule", "create"),
    ("share", "share"),
    ("redeem", "redeem"),
    ("use", "use"),
];

/// Query verbs (no side effects), English. `(word, action)`: `list` or `get`.
pub const EN_QUERY_VERBS: &[(&str, &str)] = &[
    ("view", "get"),
    ("see", "get"),
    ("list", "list"),
    ("browse", "list"),
    ("search", "list"),
    ("filter", "list"),
    ("sort", "list"),
    ("find", "list"),
    ("get", "get"),
    ("show", "get"),
    ("display", "get"),
    ("query", "list"),
    ("retrieve", "get"),
    ("track", "get"),
    ("follow", "get"),
    ("check", "get"),
    ("count", "list"),
    ("report", "list"),
    ("export", "export"),
    ("download", "get"),
    ("preview", "get"),
    ("read", "get"),
    ("look up", "get"),
    ("open", "get"),
];

/// Command verbs, Chinese. `(word, action)`.
pub const ZH_COMMAND_VERBS: &[(&str, &str)] = &[
    ("新增", "create"),
    ("添加", "create"),
    ("新建", "create"),
    ("创建", "create"),
    ("录入", "create"),
    ("登记", "create"),
    ("注册", "create"),
    ("办理", "create"),
    ("生成", "create"),
    ("上传", "create"),
    ("发表", "create"),
    ("提交", "submit"),
    ("下单", "create"),
    ("预约", "create"),
    ("预订", "create"),
    ("修改", "update"),
    ("编辑", "update"),
    ("更新", "update"),
    ("变更", "update"),
    ("设置", "update"),
    ("配置", "update"),
    ("维护", "update"),
    ("删除", "delete"),
    ("移除", "delete"),
    ("导入", "import"),
    ("绑定", "bind"),
    ("解绑", "unbind"),
    ("调拨", "transfer"),
    ("备份", "backup"),
    ("重置", "reset"),
    ("标记", "mark"),
    ("发送", "create"),
    ("发起", "create"),
    ("申请", "create"),
    ("评论", "create"),
    ("回复", "create"),
    ("邀请", "create"),
    ("分享", "share"),
];

/// Query verbs, Chinese. `(word, action)`.
pub const ZH_QUERY_VERBS: &[(&str, &str)] = &[
    ("查看", "get"),
    ("查询", "list"),
    ("浏览", "list"),
    ("搜索", "list"),
    ("检索", "list"),
    ("筛选", "list"),
    ("过滤", "list"),
    ("排序", "list"),
    ("列表", "list"),
    ("展示", "get"),
    ("显示", "get"),
    ("获取", "get"),
    ("详情", "get"),
    ("追踪", "get"),
    ("跟踪", "get"),
    ("统计", "list"),
    ("汇总", "list"),
    ("分析", "list"),
    ("报表", "list"),
    ("导出", "export"),
    ("下载", "get"),
    ("预览", "get"),
    ("了解", "get"),
];

/// The Chinese verb in `text` with the longest match, as `(verb, action)`; ties go to the
/// earliest position.
pub fn zh_verb<'a>(text: &str, table: &'a [(&'a str, &'a str)]) -> Option<(&'a str, &'a str)> {
    // (strong, len, earlier, verb, action): a specific verb beats a generic one
    // (`完成支付` → pay), then the longer, then the earlier.
    let mut best: Option<(bool, usize, usize, &str, &str)> = None;
    for (verb, action) in table {
        if let Some(pos) = text.find(verb) {
            let strong = !WEAK_ZH_VERBS.contains(verb);
            let len = verb.chars().count();
            let better = match best {
                None => true,
                Some((bs, bl, bp, _, _)) => {
                    (strong, len, usize::MAX - pos) > (bs, bl, usize::MAX - bp)
                }
            };
            if better {
                best = Some((strong, len, pos, verb, action));
            }
        }
    }
    best.map(|(_, _, _, v, a)| (v, a))
}

/// Generic verbs that yield to a more specific one in the same phrase.
const WEAK_ZH_VERBS: &[&str] = &[
    "完成", "结束", "开始", "通过", "恢复", "确认", "办理", "生成",
];

/// ASCII action name for a Chinese event (`支付` → `pay`, `读者续借` → `renew`).
pub fn zh_action(event: &str) -> Option<&'static str> {
    zh_verb(event, ZH_VERBS).map(|(_, a)| a)
}

/// ASCII actor name for a Chinese role label: exact entry, else the longest entry the label
/// ends with or contains (`前台接待` → `receptionist`).
pub fn zh_actor(label: &str) -> Option<&'static str> {
    let l = label.trim();
    if let Some((_, a)) = ZH_ACTORS.iter().find(|(w, _)| *w == l) {
        return Some(a);
    }
    ZH_ACTORS
        .iter()
        .filter(|(w, _)| l.ends_with(w))
        .max_by_key(|(w, _)| w.chars().count())
        .or_else(|| {
            // The earliest role word, then the longest (`馆员为读者…` → librarian).
            ZH_ACTORS
                .iter()
                .filter_map(|e| l.find(e.0).map(|p| (p, e)))
                .min_by_key(|(p, (w, _))| (*p, usize::MAX - w.len()))
                .map(|(_, e)| e)
        })
        .map(|(_, a)| *a)
}

/// The role word a Chinese phrase starts with (`运营人员添加新活动` → (`运营人员`, `operator`)).
pub fn zh_actor_prefix(text: &str) -> Option<(&'static str, &'static str)> {
    ZH_ACTORS
        .iter()
        .filter(|(w, _)| text.starts_with(w))
        .max_by_key(|(w, _)| w.len())
        .copied()
}

/// The verb that leads to an English state (`shipped` → `ship`).
pub fn en_participle(state: &str) -> Option<&'static str> {
    EN_PARTICIPLES
        .iter()
        .find(|(p, _)| *p == state)
        .map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_events() {
        assert_eq!(zh_action("支付"), Some("pay"));
        assert_eq!(zh_action("读者续借"), Some("renew"));
        assert_eq!(zh_action("还书"), Some("return"));
        assert_eq!(zh_action("标记逾期"), Some("mark_overdue"));
        assert_eq!(zh_action("审核通过"), Some("approve"));
        assert_eq!(zh_action("已发货"), Some("ship"));
        assert_eq!(zh_action("用户完成支付"), Some("pay"));
        assert_eq!(zh_action("吃饭"), None);
    }

    #[test]
    fn actors() {
        assert_eq!(zh_actor("管理员"), Some("admin"));
        assert_eq!(zh_actor("图书管理员"), Some("librarian"));
        assert_eq!(zh_actor("普通用户"), Some("user"));
        assert_eq!(zh_actor("顾客"), Some("customer"));
        assert_eq!(zh_actor("外星人"), None);
    }

    #[test]
    fn participles() {
        assert_eq!(en_participle("shipped"), Some("ship"));
        assert_eq!(en_participle("pending"), None);
    }
}
