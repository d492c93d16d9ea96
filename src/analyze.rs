//! The analysis entry point: PRD text in, model and diagnostics out. No I/O.

use crate::diag::Diagnostic;
use crate::model::{Lang, Model, Nfr, Service, MODEL_VERSION};
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

/// Extracts the model from PRD text.
pub fn analyze(text: &str, opts: &AnalyzeOptions) -> Analysis {
    let _ = (text, opts);
    Analysis {
        model: Model {
            version: MODEL_VERSION,
            service: Service {
                name: "service".into(),
                title: "Service".into(),
                description: String::new(),
                lang: Lang::En,
            },
            contexts: vec![],
            entities: vec![],
            actors: vec![],
            use_cases: vec![],
            nfr: Nfr::default(),
        },
        diagnostics: vec![],
    }
}
