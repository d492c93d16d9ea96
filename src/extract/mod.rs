//! Blocks → model. Each submodule extracts one kind of thing from the document.

pub mod lexicon;
pub mod nfr;
pub mod roles;
pub mod states;
