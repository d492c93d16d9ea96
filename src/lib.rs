//! backend-pro: PRD (Markdown, 中文 / English) → domain model → Go service.
//!
//! The pipeline runs one way, and only the CLI touches the disk:
//! `prd` (Markdown → blocks with source spans) → `extract` (blocks → [`model::Model`]) →
//! `validate` (all problems at once) → `plan` (which files, from which template, owned how) →
//! `render` (Tera, in memory) → `write` (atomic, the only stage with output I/O).

pub mod analyze;
pub mod capability;
pub mod checks;
pub mod diag;
pub mod evolve;
pub mod explain;
pub mod extract;
pub mod generate;
pub mod i18n;
pub mod model;
pub mod names;
pub mod plan;
pub mod prd;
pub mod project;
pub mod render;
pub mod validate;
pub mod write;

pub use analyze::{analyze, analyze_bytes, Analysis, AnalyzeOptions, Glossary};
