//! Blocks → model. Each submodule extracts one kind of thing from the document.

pub mod roles;
