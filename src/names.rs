//! Identifier rules, decided once for the whole tool (docs/MODEL.md, "Identifiers").
//!
//! Every case conversion, plural, Go initialism and keyword escape goes through here;
//! templates never change case themselves.

use heck::{ToKebabCase, ToSnakeCase};

/// Go initialisms kept in upper case (`order_id` → `OrderID`), after golint's list.
const INITIALISMS: &[&str] = &[
    "acl", "api", "ascii", "cpu", "css", "dns", "eof", "guid", "html", "http", "https", "id", "ip",
    "isbn", "json", "lhs", "qps", "ram", "rhs", "rpc", "sku", "sla", "smtp", "sql", "ssh", "tcp",
    "tls", "ttl", "udp", "ui", "uid", "uri", "url", "utf8", "uuid", "vat", "vm", "xml",
];

/// Go keywords and predeclared identifiers: never used bare as a local name.
const GO_RESERVED: &[&str] = &[
    "any",
    "append",
    "bool",
    "break",
    "byte",
    "cap",
    "case",
    "chan",
    "clear",
    "close",
    "comparable",
    "complex",
    "complex128",
    "complex64",
    "const",
    "continue",
    "copy",
    "default",
    "defer",
    "delete",
    "else",
    "error",
    "fallthrough",
    "false",
    "float32",
    "float64",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "imag",
    "import",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "interface",
    "iota",
    "len",
    "make",
    "map",
    "max",
    "min",
    "new",
    "nil",
    "package",
    "panic",
    "print",
    "println",
    "range",
    "real",
    "recover",
    "return",
    "rune",
    "select",
    "string",
    "struct",
    "switch",
    "true",
    "type",
    "uint",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "uintptr",
    "var",
];

/// Package names the generated code imports next to entity packages; an entity package
/// with one of these names gets the suffix `domain` (`log` → `logdomain`).
const GO_IMPORTED_PACKAGES: &[&str] = &[
    "apperr",
    "bytes",
    "config",
    "context",
    "errors",
    "fmt",
    "gin",
    "goose",
    "http",
    "httpapi",
    "json",
    "log",
    "math",
    "memory",
    "net",
    "os",
    "pgx",
    "pgxpool",
    "postgres",
    "prometheus",
    "redis",
    "slices",
    "slog",
    "sort",
    "strconv",
    "strings",
    "sync",
    "testing",
    "time",
    "url",
    "utf8",
    "uuid",
];

/// SQL words that must be double-quoted when used as a table or column name
/// (PostgreSQL reserved keywords, plus `user`, which is reserved in most dialects).
const SQL_RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
];

/// Irregular plurals (singular, plural); consulted in both directions.
const IRREGULAR: &[(&str, &str)] = &[
    ("child", "children"),
    ("person", "people"),
    ("man", "men"),
    ("woman", "women"),
    ("datum", "data"),
    ("criterion", "criteria"),
    ("index", "indexes"),
    ("matrix", "matrices"),
    ("quiz", "quizzes"),
    ("leaf", "leaves"),
    ("shelf", "shelves"),
];

/// Words whose singular and plural are the same.
const UNCOUNTABLE: &[&str] = &[
    "equipment",
    "information",
    "inventory",
    "feedback",
    "metadata",
    "news",
    "series",
    "species",
    "software",
    "staff",
    "stock",
];

/// Splits any identifier-ish text into lower-case ASCII words:
/// `OrderItem`, `order_item`, `order-item`, `Order Item`, `ISBNCode` → `["order","item"]`…
pub fn words(s: &str) -> Vec<String> {
    if is_plain_snake(s) {
        return s.split('_').map(str::to_string).collect();
    }
    s.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn cap_word(w: &str) -> String {
    if INITIALISMS.contains(&w) {
        return w.to_ascii_uppercase();
    }
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Methods every generated aggregate has; a field may not take their Go name.
pub const AGGREGATE_METHODS: &[&str] = &[
    "ID",
    "Version",
    "CreatedAt",
    "UpdatedAt",
    "Snapshot",
    "Events",
    "Update",
];

/// The Go name of a field: PascalCase with initialisms, and `…Value` when that would shadow
/// a method of the aggregate (`snapshot` → `SnapshotValue`, `events` → `EventsValue`).
pub fn go_field(name: &str) -> String {
    let p = pascal(name);
    if AGGREGATE_METHODS.contains(&p.as_str()) {
        format!("{p}Value")
    } else {
        p
    }
}

/// Exported Go name with initialisms: `order_id` → `OrderID`, `avatar_url` → `AvatarURL`.
pub fn pascal(s: &str) -> String {
    let out: String = words(s).iter().map(|w| cap_word(w)).collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("X{out}")
    } else {
        out
    }
}

/// Unexported Go name with initialisms: `order_id` → `orderID`, `url` → `url`.
pub fn camel(s: &str) -> String {
    let ws = words(s);
    let mut out = String::new();
    for (i, w) in ws.iter().enumerate() {
        if i == 0 {
            out.push_str(w);
        } else {
            out.push_str(&cap_word(w));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'x');
    }
    out
}

/// Unexported Go local name that is never a keyword or predeclared identifier:
/// `type` → `typeVal`, `order_id` → `orderID`.
pub fn go_local(s: &str) -> String {
    let c = camel(s);
    if is_go_reserved(&c) {
        format!("{c}Val")
    } else {
        c
    }
}

pub fn is_go_reserved(s: &str) -> bool {
    GO_RESERVED.contains(&s)
}

/// Go package name for an entity: lower-case, no separators (`OrderItem` → `orderitem`),
/// suffixed `domain` when it would be a keyword or shadow an imported package.
/// Locals and parameters the templates declare in files that import entity packages
/// (`func(a, b x.Snapshot)`, `snap`, `row`, `want`…): a package of that name would be shadowed.
const TEMPLATE_LOCALS: &[&str] = &[
    "agg", "api", "app", "args", "body", "cfg", "ctx", "err", "full", "got", "id", "ok", "old",
    "out", "page", "pool", "q", "query", "refs", "repo", "repos", "req", "resp", "row", "rows",
    "snap", "sql", "srv", "store", "tick", "token", "tx", "want",
];

/// Names Go does not allow for an imported package (`main` is a program, `init` must be a
/// func), and the package-level identifiers the templates declare in packages that import
/// every entity package (`handler` in httpapi, `direction`/`ref`/`unique` in memory, `scan`
/// in postgres, `same`/`test` in repotest…): a package of that name would not compile.
const PACKAGE_SCOPE: &[&str] = &[
    "adapters",
    "clip",
    "count",
    "create",
    "digits",
    "direction",
    "fail",
    "handler",
    "init",
    "join",
    "main",
    "normalize",
    "now",
    "number",
    "ptr",
    "recovery",
    "ref",
    "response",
    "same",
    "scan",
    "str",
    "test",
    "unique",
    "validate",
];

pub fn go_package(entity: &str) -> String {
    let p: String = words(entity).concat();
    if is_go_reserved(&p)
        || GO_IMPORTED_PACKAGES.contains(&p.as_str())
        || p.chars().count() <= 2
        || TEMPLATE_LOCALS.contains(&p.as_str())
        || PACKAGE_SCOPE.contains(&p.as_str())
    {
        format!("{p}domain")
    } else {
        p
    }
}

/// Method receiver: initials of the words, at most two letters (`OrderItem` → `oi`).
pub fn receiver(entity: &str) -> String {
    let ws = words(entity);
    let r: String = ws.iter().take(2).filter_map(|w| w.chars().next()).collect();
    if r.is_empty() || is_go_reserved(&r) || r == "tx" || r == "db" {
        ws.first()
            .and_then(|w| w.chars().next())
            .map(|c| c.to_string())
            .unwrap_or_else(|| "x".to_string())
    } else {
        r
    }
}

pub fn snake(s: &str) -> String {
    if is_plain_snake(s) {
        return s.to_string();
    }
    words(s).join("_")
}

/// Already lower snake_case (`card_no`, `v2`): what heck would return unchanged. A fast path,
/// since names are converted many times per PRD.
fn is_plain_snake(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub fn kebab(s: &str) -> String {
    s.to_kebab_case()
}

/// Plural of an English word or phrase (only the last word changes).
pub fn plural(s: &str) -> String {
    map_last_word(s, plural_word)
}

/// Singular of an English word or phrase (only the last word changes).
pub fn singular(s: &str) -> String {
    map_last_word(s, singular_word)
}

fn map_last_word(s: &str, f: fn(&str) -> String) -> String {
    let mut ws = words(s);
    if let Some(last) = ws.pop() {
        ws.push(f(&last));
    }
    ws.join("_")
}

fn plural_word(w: &str) -> String {
    if UNCOUNTABLE.contains(&w) {
        return w.to_string();
    }
    if let Some((_, p)) = IRREGULAR.iter().find(|(s, _)| *s == w) {
        return p.to_string();
    }
    if IRREGULAR.iter().any(|(_, p)| *p == w) {
        return w.to_string();
    }
    let consonant_y = w.len() > 1
        && w.ends_with('y')
        && !matches!(w.as_bytes()[w.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u');
    if consonant_y {
        format!("{}ies", &w[..w.len() - 1])
    } else if w.ends_with('s')
        || w.ends_with('x')
        || w.ends_with('z')
        || w.ends_with("ch")
        || w.ends_with("sh")
    {
        format!("{w}es")
    } else {
        format!("{w}s")
    }
}

fn singular_word(w: &str) -> String {
    if UNCOUNTABLE.contains(&w) {
        return w.to_string();
    }
    if let Some((s, _)) = IRREGULAR.iter().find(|(_, p)| *p == w) {
        return s.to_string();
    }
    if IRREGULAR.iter().any(|(s, _)| *s == w) {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if !stem.is_empty() {
            return format!("{stem}y");
        }
    }
    // `houses`, `causes`, `uses` only lose their `s`.
    if w.ends_with("ouses") || w.ends_with("auses") || w == "uses" {
        return w[..w.len() - 1].to_string();
    }
    for suf in ["sses", "xes", "zes", "ches", "shes", "uses"] {
        if w.ends_with(suf) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        return w.to_string();
    }
    match w.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => w.to_string(),
    }
}

/// Table name for an entity: plural snake_case (`OrderItem` → `order_items`).
pub fn table(entity: &str) -> String {
    plural(&snake(entity))
}

/// Resource path segment for an entity: plural kebab-case (`OrderItem` → `order-items`).
pub fn resource(entity: &str) -> String {
    plural(&snake(entity)).replace('_', "-")
}

/// File stem of a record action's scaffold files (`check_in_action`): the `_action` suffix
/// keeps a name like `arm` or `test` from reading as a Go build constraint or a test file.
pub fn record_action_file(action: &str) -> String {
    format!("{}_action", snake(action))
}

pub fn is_sql_reserved(s: &str) -> bool {
    SQL_RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A table or column name as written in SQL: double-quoted when reserved (`"order"`).
pub fn sql_ident(s: &str) -> String {
    if is_sql_reserved(s) {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

/// True for a usable ASCII identifier (letters, digits, `_`, `-`, space; starts with a letter).
pub fn is_ascii_ident(s: &str) -> bool {
    let s = s.trim();
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ' ')
}

/// Past participles that no rule below derives. `cancel` follows US spelling (`canceled`),
/// as Go does (`context.Canceled`).
const IRREGULAR_PAST: &[(&str, &str)] = &[
    ("pay", "paid"),
    ("prepay", "prepaid"),
    ("repay", "repaid"),
    ("lay", "laid"),
    ("send", "sent"),
    ("resend", "resent"),
    ("lend", "lent"),
    ("spend", "spent"),
    ("build", "built"),
    ("rebuild", "rebuilt"),
    ("buy", "bought"),
    ("sell", "sold"),
    ("resell", "resold"),
    ("hold", "held"),
    ("make", "made"),
    ("take", "taken"),
    ("give", "given"),
    ("write", "written"),
    ("rewrite", "rewritten"),
    ("get", "got"),
    ("put", "put"),
    ("set", "set"),
    ("reset", "reset"),
    ("read", "read"),
    ("run", "run"),
    ("rerun", "rerun"),
    ("cut", "cut"),
    ("shut", "shut"),
    ("split", "split"),
    ("quit", "quit"),
    ("freeze", "frozen"),
    ("unfreeze", "unfrozen"),
    ("choose", "chosen"),
    ("withdraw", "withdrawn"),
    ("draw", "drawn"),
    ("do", "done"),
    ("undo", "undone"),
    ("redo", "redone"),
    ("find", "found"),
    ("bind", "bound"),
    ("unbind", "unbound"),
    ("win", "won"),
    ("lose", "lost"),
    ("leave", "left"),
    ("meet", "met"),
    ("keep", "kept"),
    ("show", "shown"),
    ("know", "known"),
    ("begin", "begun"),
    ("forbid", "forbidden"),
    ("panic", "panicked"),
    ("cancel", "canceled"),
];

/// Two-syllable verbs stressed on the last syllable: their final consonant doubles.
const DOUBLING: &[&str] = &[
    "submit", "resubmit", "commit", "admit", "permit", "omit", "emit", "transmit", "refer",
    "transfer", "prefer", "defer", "confer", "occur", "recur", "compel", "expel", "control",
    "patrol", "regret", "equip", "unzip", "rebut", "acquit", "embed",
];

/// The past participle of a verb in snake_case, for facts (`pay` → `paid`, `ship` →
/// `shipped`, `approve` → `approved`, `cancel` → `canceled`). Only the first word is a verb:
/// `confirm_receipt` → `confirmed_receipt`. Words already in the past (`paid`, `closed`) stay.
pub fn past_tense(action: &str) -> String {
    let (verb, rest) = match action.split_once('_') {
        Some((v, r)) => (v, Some(r)),
        None => (action, None),
    };
    let past = past_participle(verb);
    match rest {
        Some(r) => format!("{past}_{r}"),
        None => past,
    }
}

fn past_participle(verb: &str) -> String {
    let v = verb.to_ascii_lowercase();
    if let Some((_, p)) = IRREGULAR_PAST.iter().find(|(w, _)| *w == v) {
        return p.to_string();
    }
    if v.is_empty() || !v.is_ascii() {
        return v;
    }
    if v.ends_with("ed") || IRREGULAR_PAST.iter().any(|(_, p)| *p == v) {
        return v;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    let b = v.as_bytes();
    let n = b.len();
    let last = b[n - 1];
    if last == b'e' {
        return format!("{v}d");
    }
    if last == b'y' && n >= 2 && !vowel(b[n - 2]) {
        return format!("{}ied", &v[..n - 1]);
    }
    // Consonant-vowel-consonant at the end of a one-syllable verb (or a listed one stressed
    // last): the consonant doubles (`ship` → `shipped`, `submit` → `submitted`).
    let cvc = n >= 3
        && !vowel(last)
        && !matches!(last, b'w' | b'x' | b'y')
        && vowel(b[n - 2])
        && !vowel(b[n - 3]);
    let syllables = b
        .iter()
        .enumerate()
        .filter(|&(i, &c)| vowel(c) && (i == 0 || !vowel(b[i - 1])))
        .count();
    if cvc && (syllables == 1 || DOUBLING.contains(&v.as_str())) {
        return format!("{v}{}ed", last as char);
    }
    format!("{v}ed")
}

/// The aggregate type of an entity in event names and topics: snake_case (`order_item`).
pub fn aggregate_type(entity: &str) -> String {
    snake(entity)
}

/// The name of a domain event: `<aggregate type>.<fact>` (`order.paid`, `order_item.created`),
/// the fact being the past tense of the action.
pub fn event_name(entity: &str, action: &str) -> String {
    format!("{}.{}", aggregate_type(entity), past_tense(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entity `A` must not be package `a`: templates use `a`, `b` as sort parameters; nor
    /// `snap`, `row`… which are locals next to the package's name.
    #[test]
    fn go_packages_never_shadow_template_locals() {
        assert_eq!(go_package("A"), "adomain");
        assert_eq!(go_package("B"), "bdomain");
        assert_eq!(go_package("Snap"), "snapdomain");
        assert_eq!(go_package("OrderItem"), "orderitem");
    }

    #[test]
    fn go_names_keep_initialisms() {
        assert_eq!(pascal("order_id"), "OrderID");
        assert_eq!(pascal("avatar_url"), "AvatarURL");
        assert_eq!(pascal("ISBNCode"), "ISBNCode");
        assert_eq!(pascal("Inventory Ledger"), "InventoryLedger");
        assert_eq!(pascal("user_book"), "UserBook");
        assert_eq!(camel("order_id"), "orderID");
        assert_eq!(camel("url"), "url");
        assert_eq!(camel("isbn_code"), "isbnCode");
        assert_eq!(pascal("2fa_secret"), "X2faSecret");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(go_local("type"), "typeVal");
        assert_eq!(go_local("range"), "rangeVal");
        assert_eq!(go_local("title"), "title");
        assert_eq!(go_package("OrderItem"), "orderitem");
        assert_eq!(go_package("Type"), "typedomain");
        assert_eq!(go_package("Log"), "logdomain");
        // Found by the property test (tests/property_models.rs): `main` cannot be imported,
        // `handler`, `ref`, `scan`, `join`… are declared by the packages importing entities.
        for (entity, pkg) in [
            ("Main", "maindomain"),
            ("Init", "initdomain"),
            ("Handler", "handlerdomain"),
            ("Ref", "refdomain"),
            ("Direction", "directiondomain"),
            ("Scan", "scandomain"),
            ("Join", "joindomain"),
        ] {
            assert_eq!(go_package(entity), pkg);
        }
        assert_eq!(receiver("OrderItem"), "oi");
        assert_eq!(receiver("IdentityFile"), "i");
        assert_eq!(sql_ident("order"), "\"order\"");
        assert_eq!(sql_ident("user"), "\"user\"");
        assert_eq!(sql_ident("title"), "title");
    }

    #[test]
    fn snake_fast_path_agrees_with_heck() {
        for s in [
            "card_no",
            "v2",
            "address2",
            "a_b_c",
            "x",
            "order_id",
            "2fa_secret",
        ] {
            assert_eq!(snake(s), s.to_snake_case(), "{s}");
            assert_eq!(words(s).join("_"), s.to_snake_case(), "{s}");
        }
        assert_eq!(snake("userName"), "user_name");
        assert_eq!(snake("a__b"), "a_b");
    }

    #[test]
    fn plurals() {
        for (s, p) in [
            ("order", "orders"),
            ("category", "categories"),
            ("status", "statuses"),
            ("address", "addresses"),
            ("box", "boxes"),
            ("person", "people"),
            ("day", "days"),
            ("order_item", "order_items"),
            ("inventory", "inventory"),
            ("warehouse", "warehouses"),
            ("course", "courses"),
        ] {
            assert_eq!(plural(s), p, "plural of {s}");
            assert_eq!(singular(p), s, "singular of {p}");
        }
        assert_eq!(table("OrderItem"), "order_items");
        assert_eq!(resource("OrderItem"), "order-items");
        assert_eq!(table("User"), "users");
    }

    #[test]
    fn past_tense_of_actions() {
        for (verb, past) in [
            ("pay", "paid"),
            ("ship", "shipped"),
            ("cancel", "canceled"),
            ("submit", "submitted"),
            ("approve", "approved"),
            ("create", "created"),
            ("update", "updated"),
            ("delete", "deleted"),
            ("renew", "renewed"),
            ("return", "returned"),
            ("borrow", "borrowed"),
            ("reject", "rejected"),
            ("deliver", "delivered"),
            ("open", "opened"),
            ("visit", "visited"),
            ("stop", "stopped"),
            ("plan", "planned"),
            ("fix", "fixed"),
            ("apply", "applied"),
            ("verify", "verified"),
            ("delay", "delayed"),
            ("refund", "refunded"),
            ("confirm_receipt", "confirmed_receipt"),
            ("check_in", "checked_in"),
            ("send", "sent"),
            ("freeze", "frozen"),
            ("transfer", "transferred"),
            ("paid", "paid"),
            ("closed", "closed"),
            ("complete", "completed"),
            ("audit", "audited"),
        ] {
            assert_eq!(past_tense(verb), past, "{verb}");
        }
    }

    #[test]
    fn event_names() {
        assert_eq!(event_name("Order", "pay"), "order.paid");
        assert_eq!(event_name("Loan", "renew"), "loan.renewed");
        assert_eq!(event_name("OrderItem", "create"), "order_item.created");
        // A Chinese-labelled action (审核) is named by its ASCII action (`review`).
        assert_eq!(event_name("Article", "review"), "article.reviewed");
    }
}
