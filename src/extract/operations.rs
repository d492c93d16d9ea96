//! Operations a design document lists without user stories: service method signatures in
//! code blocks (`OrderDTO createOrder(Long userId, …);`, `public function recordPayment(…)`,
//! `createContract(tenantId, …) -> Contract`) and REST endpoints (`POST /api/orders - …`,
//! `| GET | /orders/{id} | 订单详情 |`). [`super::usecases`] turns each into a use case.
//!
//! Each operation carries texts to classify, most telling first: the method name split into
//! words (`create order`), the comment above it (`/** 创建订单 */`), then the name with the
//! service's own name (`create from gr account payable`) so `create()` in `ExpenseService`
//! still finds its entity.

use crate::names;
use crate::prd::{fold, Code};
use regex::Regex;
use std::sync::LazyLock;

/// One operation, before classification.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub title: String,
    pub texts: Vec<String>,
    pub line: u32,
    pub col: u32,
}

/// `[modifiers] [ReturnType] name(` at the start of a code line: Java, TypeScript, PHP,
/// Python, Kotlin, Go, C#.
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:public|protected|internal|static|async|abstract|override|virtual|final|suspend|export|default|open)\s+)*(?:function\s+|def\s+|fun\s+|func\s+(?:\([^)]*\)\s*)?)?(?:[A-Za-z_][\w<>\[\],.?]*\s+)?([A-Za-z_]\w*)\s*\(",
    )
    .expect("signature regex")
});

/// `class OrderService`, `interface OrderService`, `struct …`: a type declared in a block.
static DECLARATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:class|interface|struct|trait|protocol|object)\s+([A-Za-z_]\w*)")
        .expect("declaration regex")
});

/// `GET /api/orders/{id}`: an HTTP method followed by a path.
static ENDPOINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s`|(:：])(GET|POST|PUT|PATCH|DELETE)\s+`?(/[^\s`|]*)`?")
        .expect("endpoint regex")
});

/// Suffixes of a type that groups operations (the part before is the entity it serves).
const SERVICE_SUFFIXES: &[&str] = &[
    "Service",
    "Controller",
    "Api",
    "API",
    "Handler",
    "Manager",
    "Facade",
    "UseCases",
    "UseCase",
    "Resource",
    "Endpoint",
    "Endpoints",
];

/// Words of a heading or lead-in line that announce operations.
const SERVICE_WORDS: &[&str] = &[
    "service",
    "controller",
    "method",
    "operation",
    "endpoint",
    "api",
    "interface",
    "服务",
    "接口",
    "方法",
];

/// Path segments that name an authentication step, not a resource.
const AUTH_WORDS: &[&str] = &[
    "login", "logout", "signin", "signout", "sign-in", "sign-out", "refresh", "token", "auth",
    "session", "me",
];

/// Names that look like calls but are control flow or constructors.
const NOT_METHODS: &[&str] = &[
    "if",
    "for",
    "foreach",
    "while",
    "switch",
    "catch",
    "return",
    "new",
    "function",
    "class",
    "constructor",
    "__construct",
    "__init__",
    "init",
    "super",
    "this",
    "print",
    "println",
    "assert",
    "throw",
    "sizeof",
    "typeof",
    "main",
];

/// Whether a block (its section title and the line before it as context) lists service
/// operations. A block that declares only non-service types (an entity class) does not.
pub fn is_service_block(code: &Code, context: &[&str]) -> bool {
    if matches!(
        code.lang.as_str(),
        "mermaid" | "sql" | "json" | "yaml" | "yml" | "prisma" | "graphql" | "bash" | "sh"
    ) {
        return false;
    }
    let declared: Vec<String> = code
        .lines
        .iter()
        .flat_map(|l| DECLARATION.captures_iter(&l.text))
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect();
    if !declared.is_empty() {
        return declared.iter().any(|d| service_stem(d).is_some());
    }
    context.iter().any(|c| {
        let l = c.to_lowercase();
        SERVICE_WORDS.iter().any(|w| {
            if w.is_ascii() {
                names::words(&l).iter().any(|x| x.starts_with(w))
            } else {
                l.contains(w)
            }
        })
    })
}

/// `AccountPayableService` → `AccountPayable`; `None` for a type that is not a service.
fn service_stem(name: &str) -> Option<&str> {
    SERVICE_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|stem| !stem.is_empty())
}

/// The operations of a service block, with the owner named by `fallback_owner` (the section
/// title) when the block declares no type.
pub fn methods(code: &Code, fallback_owner: &str) -> Vec<Operation> {
    let mut out = Vec::new();
    let mut owner = owner_words(fallback_owner);
    let mut comment: Option<String> = None;
    for l in &code.lines {
        let t = l.text.trim();
        if let Some(c) = DECLARATION.captures(t) {
            if let Some(stem) = c.get(1).and_then(|m| service_stem(m.as_str())) {
                owner = names::words(stem).join(" ");
            }
            comment = None;
            continue;
        }
        if let Some(c) = comment_text(t) {
            // The first line of a doc comment is its summary.
            if comment.is_none() && !c.is_empty() && !c.starts_with('@') {
                comment = Some(c);
            }
            continue;
        }
        if t.is_empty() {
            continue;
        }
        let Some(name) = method_name(t) else {
            if !t.starts_with('@') {
                comment = None;
            }
            continue;
        };
        let words = names::words(&name).join(" ");
        let mut texts = vec![words.clone()];
        texts.extend(comment.clone());
        if !owner.is_empty() {
            texts.push(format!("{words} {owner}"));
        }
        out.push(Operation {
            title: comment.take().unwrap_or_else(|| name.clone()),
            texts,
            line: l.pos.line,
            col: 1,
        });
    }
    out
}

/// The words of a section title that names a service: `5. 订单服务 (OrderService)` → `order`.
fn owner_words(title: &str) -> String {
    let t = fold(title);
    let ident = t
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty() && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .collect::<Vec<_>>()
        .join(" ");
    let stem = names::words(&ident)
        .into_iter()
        .filter(|w| !SERVICE_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(w)))
        .collect::<Vec<_>>();
    stem.join(" ")
}

/// The text of a comment line (`// x`, `/** x`, `* x`, `# x`), `None` for code.
fn comment_text(t: &str) -> Option<String> {
    let rest = t
        .strip_prefix("/**")
        .or_else(|| t.strip_prefix("/*"))
        .or_else(|| t.strip_prefix("//"))
        .or_else(|| t.strip_prefix("*/"))
        .or_else(|| t.strip_prefix('*'))
        .or_else(|| t.strip_prefix('#'))
        .or_else(|| t.strip_prefix("\"\"\""))?;
    Some(
        rest.trim()
            .trim_end_matches("*/")
            .trim_end_matches("\"\"\"")
            .trim()
            .to_string(),
    )
}

/// The method a line declares, `None` for any other line (calls, assignments, private
/// helpers, accessors).
fn method_name(t: &str) -> Option<String> {
    if t.starts_with("private ") || t.starts_with("return ") || t.contains(" = ") {
        return None;
    }
    let c = SIGNATURE.captures(t)?;
    let name = c.get(1)?.as_str();
    if NOT_METHODS.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    // A declaration ends its line: `;`, `{`, `-> T`, `: T`, `)`.
    let tail = t.rsplit(')').next().unwrap_or("").trim();
    let declares = t.ends_with(';')
        || t.ends_with('{')
        || t.ends_with(')')
        || t.ends_with(',')
        || tail.starts_with("->")
        || tail.starts_with(':')
        || tail.starts_with("=>");
    if !declares {
        return None;
    }
    // A setter says nothing about use: `setStatus(x)`.
    let ws = names::words(name);
    if ws.len() < 2 && matches!(ws.first().map(String::as_str), Some("set" | "is" | "has")) {
        return None;
    }
    if ws
        .first()
        .is_some_and(|w| w == "set" || w == "is" || w == "has")
        && ws.len() == 2
    {
        return None;
    }
    Some(name.to_string())
}

/// An endpoint in a line or a table row: `(title, texts)` with the operation the method and
/// path mean (`GET /orders/{id}` → `get order`) first, then the description.
pub fn endpoint(text: &str) -> Option<(String, Vec<String>)> {
    let t = fold(text);
    let c = ENDPOINT.captures(&t)?;
    let (m, path, whole) = (c.get(1)?, c.get(2)?, c.get(0)?);
    let method = m.as_str().to_ascii_uppercase();
    let path = path.as_str();
    let desc = t
        .get(whole.end()..)
        .unwrap_or("")
        .trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '—' | '–' | ':' | '|' | '`')
        })
        .trim_end_matches(['|', ' '])
        .replace(" | ", " ")
        .trim()
        .to_string();
    // `用户头像：POST /upload/avatar`: the description may come first.
    let desc = if desc.is_empty() {
        t.get(..whole.start())
            .unwrap_or("")
            .trim()
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | ':' | '|' | '`'))
            .to_string()
    } else {
        desc
    };
    let op = path_operation(&method, path)?;
    let mut texts = vec![op.clone()];
    if !desc.is_empty() {
        texts.push(desc.clone());
    }
    let title = if desc.is_empty() {
        format!("{method} {path}")
    } else {
        desc
    };
    Some((title, texts))
}

/// `POST /orders/{id}/cancel` → `cancel order`; `GET /orders` → `list orders`.
fn path_operation(method: &str, path: &str) -> Option<String> {
    let segs: Vec<&str> = path
        .split(['/', '?'])
        .filter(|s| !s.is_empty())
        .take_while(|s| !s.contains('='))
        .collect();
    let is_param = |s: &str| {
        s.starts_with(':') || s.starts_with('{') || s.starts_with('<') || s.starts_with('[')
    };
    let fixed = |s: &str| {
        // `v1`, `v2`: an API version.
        let version = s.strip_prefix('v').is_some_and(|n| {
            !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit())
        });
        !(is_param(s)
            || version
            || matches!(s.to_ascii_lowercase().as_str(), "api" | "admin" | "rest"))
    };
    let last_is_param = segs.last().is_some_and(|s| is_param(s));
    let statics: Vec<&str> = segs.iter().copied().filter(|s| fixed(s)).collect();
    let resource = *statics.last()?;
    // `/orders/{id}/cancel`: a verb after an item.
    let after_item = segs.len() >= 2 && !last_is_param && is_param(segs[segs.len() - 2]);
    let noun = |s: &str| names::words(&names::singular(s)).join(" ");
    // `POST /auth/login`: a session, not a resource; the description says what it is.
    if AUTH_WORDS.contains(&resource.to_ascii_lowercase().as_str()) {
        return Some(resource.to_string());
    }
    let op = match method {
        "POST" | "PUT" | "PATCH" if after_item && statics.len() >= 2 => {
            format!("{} {}", noun(resource), noun(statics[statics.len() - 2]))
        }
        "GET" if last_is_param => format!("get {}", noun(resource)),
        "GET" => format!("list {}", names::words(resource).join(" ")),
        "POST" => format!("create {}", noun(resource)),
        "PUT" | "PATCH" => format!("update {}", noun(resource)),
        "DELETE" => format!("delete {}", noun(resource)),
        _ => return None,
    };
    Some(op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prd::{Line, Pos};

    fn code(lang: &str, src: &str) -> Code {
        Code {
            lang: lang.into(),
            lines: src
                .lines()
                .enumerate()
                .map(|(i, t)| Line {
                    text: t.into(),
                    raw: t.into(),
                    pos: Pos {
                        line: i as u32 + 1,
                        col: 1,
                    },
                    struck: false,
                })
                .collect(),
            pos: Pos { line: 0, col: 1 },
        }
    }

    #[test]
    fn java_interface_with_javadoc() {
        let c = code("java", "public interface TicketService {\n    /**\n     * 创建工单\n     * @param req 请求\n     */\n    TicketDTO createTicket(Long userId, TicketRequest req);\n\n    Page<TicketDTO> listTickets(Long userId, Pageable page);\n    private void helper();\n}\n");
        assert!(is_service_block(&c, &[]));
        let ops = methods(&c, "");
        let got: Vec<(&str, &str)> = ops
            .iter()
            .map(|o| (o.title.as_str(), o.texts[0].as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("创建工单", "create ticket"),
                ("listTickets", "list tickets")
            ]
        );
        assert_eq!(
            ops[1].texts.last().map(String::as_str),
            Some("list tickets ticket")
        );
    }

    #[test]
    fn php_and_arrow_signatures() {
        let c = code("php", "class InvoiceService {\n    // Record a refund\n    public function recordRefund(int $id, array $data): int;\n}\n");
        let ops = methods(&c, "");
        assert_eq!(ops[0].title, "Record a refund");
        assert_eq!(ops[0].texts[2], "record refund invoice");
        let c = code(
            "",
            "openShift(storeId, clerkId) -> Shift\ncloseShift(shiftId) -> Shift\n",
        );
        assert!(is_service_block(&c, &["Shift Service", "**Key Methods**:"]));
        assert!(!is_service_block(&c, &["Overview"]));
        assert_eq!(methods(&c, "Shift Service").len(), 2);
        // An entity class is not a service.
        let c = code("java", "public class Shift {\n    public Long getId() {\n");
        assert!(!is_service_block(&c, &["API"]));
    }

    #[test]
    fn endpoints() {
        let e = |t: &str| endpoint(t).map(|(title, texts)| (title, texts[0].clone()));
        assert_eq!(
            e("`GET /api/v1/tickets` - List tickets"),
            Some(("List tickets".into(), "list tickets".into()))
        );
        assert_eq!(
            e("POST /tickets/{id}/close"),
            Some(("POST /tickets/{id}/close".into(), "close ticket".into()))
        );
        assert_eq!(
            e("GET /tickets/:id | 工单详情").map(|x| x.1),
            Some("get ticket".into())
        );
        assert_eq!(
            e("DELETE /tickets/:id").map(|x| x.1),
            Some("delete ticket".into())
        );
        assert_eq!(e("we GET paid"), None);
        assert_eq!(
            e("会员头像：POST /api/v1/upload/avatar"),
            Some(("会员头像".into(), "create avatar".into()))
        );
    }
}
