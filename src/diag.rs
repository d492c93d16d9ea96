//! Diagnostics: problems found in the input, as values. Rendered like a compiler:
//!
//! ```text
//! PRD.md:42:5: error[E101]: entity "会员" has no ASCII identifier
//!   help: write "### 会员 (Member)" or add an 英文名 column
//! ```
//!
//! Every message carries an English and a Chinese text; the CLI picks one by language.
//! The codes are listed in docs/PRD-FORMAT.md.

use crate::model::Lang;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Text {
            en: en.into(),
            zh: zh.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, `E1xx` errors and `W2xx` warnings (docs/PRD-FORMAT.md lists them).
    pub code: String,
    /// 1-based line and column (in characters) in the input; 0 when not tied to a place.
    pub line: u32,
    pub col: u32,
    pub message: Text,
    pub help: Option<Text>,
    /// The PRD term that needs an ASCII identifier (E101/E102/E117), for `--emit-glossary`.
    #[serde(skip)]
    pub term: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &str, line: u32, col: u32, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            line,
            col,
            message,
            help: None,
            term: None,
        }
    }

    pub fn warning(code: &str, line: u32, col: u32, message: Text) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, line, col, message)
        }
    }

    pub fn with_help(mut self, help: Text) -> Self {
        self.help = Some(help);
        self
    }

    pub fn with_term(mut self, term: &str) -> Self {
        self.term = Some(term.trim().to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error[E101]: message` and, when there is one, a `help:` line.
    pub fn render(&self, file: &str, lang: Lang) -> String {
        let sev = match (self.severity, lang) {
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "警告",
        };
        let mut out = String::new();
        if self.line > 0 {
            let _ = write!(out, "{file}:{}:{}: ", self.line, self.col.max(1));
        } else {
            let _ = write!(out, "{file}: ");
        }
        let _ = write!(out, "{sev}[{}]: {}", self.code, self.message.get(lang));
        if let Some(help) = &self.help {
            let label = if lang == Lang::Zh { "帮助" } else { "help" };
            let _ = write!(out, "\n  {label}: {}", help.get(lang));
        }
        out
    }
}

/// One diagnostic as the JSON object of `analyze --format json`:
/// `{"code","severity","file","line","col","message","help"}`, texts in `lang`.
pub fn to_json(d: &Diagnostic, file: &str, lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "code": d.code,
        "severity": d.severity,
        "file": file,
        "line": d.line,
        "col": d.col.max(1),
        "message": d.message.get(lang),
        "help": d.help.as_ref().map(|h| h.get(lang)),
    })
}

/// Sorts diagnostics by position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.line, a.col, &a.code, &a.message.en).cmp(&(b.line, b.col, &b.code, &b.message.en))
    });
}

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// All diagnostics rendered, one blank line apart, followed by a summary line.
pub fn render_all(diags: &[Diagnostic], file: &str, lang: Lang) -> String {
    render_all_in(diags, file, None, lang, false)
}

/// [`render_all`] with the source in view, rustc-style: after each located diagnostic's first
/// line (`file:line:col: error[E101]: …`, the form editors and scripts parse) comes the PRD
/// line it points at with the span marked (annotate-snippets), then `help:`. `color` for a
/// terminal (callers decide: not piped, no NO_COLOR).
pub fn render_all_in(
    diags: &[Diagnostic],
    file: &str,
    source: Option<&str>,
    lang: Lang,
    color: bool,
) -> String {
    let lines: Vec<&str> = source.map(|s| s.lines().collect()).unwrap_or_default();
    let mut out = String::new();
    for d in diags {
        let text = d.render(file, lang);
        let (head, help) = match text.split_once('\n') {
            Some((h, rest)) => (h, Some(rest)),
            None => (text.as_str(), None),
        };
        out.push_str(head);
        out.push('\n');
        if let Some(line) = d.line.checked_sub(1).and_then(|i| lines.get(i as usize)) {
            out.push_str(&snippet(d, file, line, color));
        }
        if let Some(h) = help {
            out.push_str(h);
            out.push('\n');
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors + warnings > 0 {
        match lang {
            Lang::En => {
                let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
            }
            Lang::Zh => {
                let _ = writeln!(out, "{errors} 个错误，{warnings} 个警告");
            }
        }
    }
    out
}

/// The source line of `d` with its span marked, without the title line annotate-snippets
/// starts with (our own first line carries it, in the parseable form).
fn snippet(d: &Diagnostic, file: &str, line: &str, color: bool) -> String {
    use annotate_snippets::{Level, Renderer, Snippet};
    let level = if d.is_error() {
        Level::Error
    } else {
        Level::Warning
    };
    // Columns count characters; spans are byte offsets. Mark the word at the column.
    let start = line
        .char_indices()
        .nth(d.col.max(1) as usize - 1)
        .map_or(line.len(), |(i, _)| i);
    let word = line[start..]
        .find(char::is_whitespace)
        .map_or(line.len(), |n| start + n);
    let end = if word > start {
        word
    } else {
        (start + 1).min(line.len())
    };
    let message = level.title("").snippet(
        Snippet::source(line)
            .line_start(d.line as usize)
            .origin(file)
            .annotation(level.span(start..end.max(start))),
    );
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let rendered = renderer.render(message).to_string();
    let mut body: String = rendered
        .split_once('\n')
        .map_or(String::new(), |(_, rest)| rest.to_string());
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    body
}

/// The long explanation of a diagnostic code in `lang`, from docs/DIAGNOSTICS.md or
/// docs/DIAGNOSTICS.zh.md (embedded; one row per code in each): its meaning and, for errors,
/// the usual fix. `None` for an unknown code.
pub fn explain_code(code: &str, lang: Lang) -> Option<(String, Option<String>)> {
    let code = code.trim().to_ascii_uppercase();
    explained(lang).into_iter().find_map(|(c, meaning, fix)| {
        (c == code).then(|| {
            (
                meaning.replace("\\|", "|"),
                fix.map(|f| f.replace("\\|", "|")),
            )
        })
    })
}

/// The rows of the diagnostics document in `lang`: code, meaning, fix. Cells are split at
/// ` | `; a pipe inside a cell is written `\|` (as GitHub tables want).
fn explained(lang: Lang) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    static EN: &str = include_str!("../docs/DIAGNOSTICS.md");
    static ZH: &str = include_str!("../docs/DIAGNOSTICS.zh.md");
    let doc = match lang {
        Lang::En => EN,
        Lang::Zh => ZH,
    };
    doc.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .strip_prefix("| ")?
                .strip_suffix(" |")?
                .split(" | ")
                .map(str::trim)
                .collect();
            let code = *cells.first()?;
            let is_code = code.len() == 4
                && code.starts_with(['E', 'W'])
                && code[1..].chars().all(|c| c.is_ascii_digit());
            is_code.then(|| {
                let fix = cells.get(2).copied().filter(|f| !f.is_empty());
                (code, cells.get(1).copied().unwrap_or_default(), fix)
            })
        })
        .collect()
}

#[cfg(test)]
mod explain_tests {
    use super::*;

    #[test]
    fn every_documented_code_explains() {
        let (meaning, fix) = explain_code("e101", Lang::En).expect("E101 is documented");
        assert!(meaning.contains("ASCII identifier"), "{meaning}");
        assert!(fix.is_some_and(|f| f.contains("Member")));
        assert!(explain_code("W401", Lang::En).is_some());
        assert!(explain_code("E999", Lang::En).is_none());
        let (meaning, fix) = explain_code("E101", Lang::Zh).expect("E101 in Chinese");
        assert!(meaning.contains("ASCII 标识符"), "{meaning}");
        assert!(fix.is_some_and(|f| f.contains("Member")));
    }

    /// Both documents explain the same codes, in the same order, each once; errors have a fix
    /// in both or in neither; escaped pipes come out as pipes.
    #[test]
    fn english_and_chinese_explain_the_same_codes() {
        let en = explained(Lang::En);
        let zh = explained(Lang::Zh);
        let codes = |v: &[(&str, &str, Option<&str>)]| -> Vec<String> {
            v.iter()
                .map(|(c, _, f)| format!("{c}{}", f.map_or("", |_| "+fix")))
                .collect()
        };
        assert_eq!(codes(&en), codes(&zh));
        let mut unique: Vec<&str> = en.iter().map(|r| r.0).collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), en.len(), "a code documented twice");
        assert!(en.len() > 70, "{} codes", en.len());
        for (code, meaning, _) in en.iter().chain(&zh) {
            assert!(!meaning.is_empty(), "{code}");
        }
        let (w250, _) = explain_code("W250", Lang::Zh).unwrap();
        assert!(w250.contains("| 表名 | 用途 | 主要字段 |"), "{w250}");
    }
}
