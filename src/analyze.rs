//! The analysis entry point: PRD text in, model and diagnostics out. No I/O.

use crate::diag::Diagnostic;
use crate::model::Model;
use std::collections::BTreeMap;

/// Term → identifier mappings from `--glossary` (e.g. `会员: Member`).
pub type Glossary = BTreeMap<String, String>;

#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub glossary: Glossary,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    /// The extracted model; present even when there are errors, for partial reports.
    pub model: Model,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        crate::diag::has_errors(&self.diagnostics)
    }
}

/// Extracts the model from PRD text: parse → extract (in passes) → validate. Never panics;
/// the model is returned even when there are errors.
pub fn analyze(text: &str, opts: &AnalyzeOptions) -> Analysis {
    let mut diagnostics = Vec::new();
    check_input(text, &mut diagnostics);
    let doc = crate::prd::parse(text);
    let model = crate::extract::extract(&doc, &opts.glossary, &mut diagnostics);
    // Entities were found but not named (E101), or the input is not text (E100): E108 would
    // only repeat it.
    let named_errors = diagnostics
        .iter()
        .any(|d| matches!(d.code.as_str(), "E100" | "E101"));
    for d in crate::validate::validate(&model) {
        // Extraction already reported it, with a column.
        if diagnostics
            .iter()
            .any(|x| x.code == d.code && x.line == d.line)
        {
            continue;
        }
        // Entities were found, only not named: E101/E113 say so.
        if d.code == "E108" && named_errors {
            continue;
        }
        diagnostics.push(d);
    }
    // Every diagnostic is located: a whole-document problem points at line 1.
    for d in diagnostics.iter_mut().filter(|d| d.line == 0) {
        d.line = 1;
        d.col = 1;
    }
    crate::diag::sort(&mut diagnostics);
    Analysis { model, diagnostics }
}

/// E100: text that is not UTF-8 (replacement characters from a lossy read) or binary (NUL
/// and other control bytes).
fn check_input(text: &str, diags: &mut Vec<Diagnostic>) {
    let mut line = 1u32;
    let mut col = 0u32;
    let mut controls = 0usize;
    let mut first: Option<(u32, u32, char)> = None;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            col = 0;
            continue;
        }
        col += 1;
        let bad = c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\u{c}'));
        if bad {
            controls += 1;
            first.get_or_insert((line, col, c));
        }
    }
    if let Some((line, col, c)) = first {
        let what = if c == '\u{fffd}' {
            ("is not valid UTF-8", "不是合法的 UTF-8 文本")
        } else {
            ("contains binary data", "包含二进制数据")
        };
        diags.push(
            Diagnostic::error(
                "E100",
                line,
                col,
                crate::diag::Text::new(
                    format!(
                        "the PRD {} ({controls} unreadable character(s), first here)",
                        what.0
                    ),
                    format!("PRD {}（共 {controls} 个无法读取的字符，首个在此）", what.1),
                ),
            )
            .with_help(crate::diag::Text::new(
                "save the PRD as UTF-8 Markdown text",
                "请将 PRD 保存为 UTF-8 编码的 Markdown 文本",
            )),
        );
    }
}

/// The glossary file `analyze --emit-glossary` writes: every PRD term that still needs an
/// identifier (`会员: ""`), after the mappings the user already has, sorted. Filling it in
/// once and passing it back with `--glossary` names every entity, field and enum value.
pub fn glossary_template(diags: &[Diagnostic], existing: &Glossary) -> String {
    let mut out = String::from(
        "# backend-pro glossary: PRD term → ASCII identifier (PascalCase for entities,\n\
         # snake_case for fields and enum values). Fill in the empty ones, then run\n\
         # `backend-pro analyze --prd PRD.md --glossary THIS_FILE`.\n",
    );
    let mut terms: BTreeMap<String, String> = existing.clone();
    for d in diags {
        if let Some(t) = d.term.as_deref().filter(|t| !t.is_empty()) {
            terms.entry(t.to_string()).or_default();
        }
    }
    for (k, v) in terms {
        let key = serde_yaml_ng::to_string(&k).unwrap_or_else(|_| format!("{k:?}\n"));
        let val = serde_yaml_ng::to_string(&v).unwrap_or_else(|_| format!("{v:?}\n"));
        out.push_str(&format!("{}: {}\n", key.trim_end(), val.trim_end()));
    }
    out
}
