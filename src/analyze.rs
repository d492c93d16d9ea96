//! The analysis entry point: PRD text in, model and diagnostics out. No I/O.

use crate::diag::{Diagnostic, Text};
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

/// Reads a PRD file's bytes: decoded ([`crate::prd::decode`]: BOM, UTF-16, GBK, stray
/// Windows-1252 bytes, each guess a warning), then [`analyze`]d.
pub fn analyze_bytes(bytes: &[u8], opts: &AnalyzeOptions) -> Analysis {
    let (text, decoding) = crate::prd::decode(bytes);
    analyze_with(&text, opts, decoding)
}

/// Extracts the model from PRD text: parse → extract (in passes) → validate. Never panics;
/// the model is returned even when there are errors.
pub fn analyze(text: &str, opts: &AnalyzeOptions) -> Analysis {
    analyze_with(text, opts, Vec::new())
}

fn analyze_with(text: &str, opts: &AnalyzeOptions, mut diagnostics: Vec<Diagnostic>) -> Analysis {
    // CRLF / CR line endings and a BOM: one line ending per line, so positions hold.
    let text = crate::prd::normalize(text);
    check_input(&text, &mut diagnostics);
    let mut doc = crate::prd::parse(&text);
    diagnostics.append(&mut doc.diagnostics);
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

/// E100 for data that is not text: NUL characters, or more than a few unreadable characters
/// (U+FFFD left by decoding, control characters). A few stray ones in a text are W224: the
/// rest of the document is read as usual.
fn check_input(text: &str, diags: &mut Vec<Diagnostic>) {
    let mut line = 1u32;
    let mut col = 0u32;
    let mut bad = 0usize;
    let mut chars = 0usize;
    let mut nul = false;
    let mut first: Option<(u32, u32, char)> = None;
    for c in text.chars() {
        chars += 1;
        if c == '\n' {
            line += 1;
            col = 0;
            continue;
        }
        col += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\u{c}')) {
            bad += 1;
            nul |= c == '\0';
            first.get_or_insert((line, col, c));
        }
    }
    let Some((line, col, c)) = first else {
        return;
    };
    let shown = if c == '\u{fffd}' {
        "U+FFFD".to_string()
    } else {
        format!("U+{:04X}", c as u32)
    };
    if nul || bad > 3.max(chars / 100) {
        diags.push(
            Diagnostic::error(
                "E100",
                line,
                col,
                Text::new(
                    format!("the PRD is not text: {bad} unreadable character(s), the first ({shown}) here"),
                    format!("PRD 不是文本文件：共 {bad} 个无法读取的字符，首个（{shown}）在此"),
                ),
            )
            .with_help(Text::new(
                "save the PRD as UTF-8 Markdown text",
                "请将 PRD 保存为 UTF-8 编码的 Markdown 文本",
            )),
        );
    } else {
        diags.push(
            Diagnostic::warning(
                "W224",
                line,
                col,
                Text::new(
                    format!("unreadable character {shown} ({bad} in the file); the text around it is read as usual"),
                    format!("无法读取的字符 {shown}（文件中共 {bad} 个），其余文本照常读取"),
                ),
            )
            .with_help(Text::new(
                "delete the character, or save the PRD again as UTF-8 text",
                "删除该字符，或将 PRD 重新保存为 UTF-8 文本",
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
