//! Generation core: model + options → rendered files, in memory. The CLI reads inputs and
//! hands the result to [`crate::write`].

use crate::evolve::Rendered;
use crate::model::Model;
use crate::render::{self, Options, RenderError};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug)]
pub enum GenerateError {
    /// The Go module path is not valid (`go help importpath`, module.CheckPath).
    Module(String),
    Render(RenderError),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Module(m) => write!(f, "invalid Go module path: {m}"),
            GenerateError::Render(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for GenerateError {}

/// The default module path of a service: `example.com/<service.name>`.
/// The directory `new` writes to without `--out`: the service name in kebab case.
pub fn default_dir(model: &Model) -> String {
    let name = crate::names::kebab(&model.service.name);
    if name.is_empty() {
        "service".to_string()
    } else {
        name
    }
}

pub fn default_module(model: &Model) -> String {
    let name = crate::names::kebab(&model.service.name);
    let name = if name.is_empty() {
        "service".to_string()
    } else {
        name
    };
    format!("example.com/{name}")
}

/// Checks a module path the way `go mod init` does (golang.org/x/mod/module.CheckPath):
/// slash-separated elements of `[A-Za-z0-9-._~]`, no empty, `.`-edged or `..` elements,
/// a lower-case first element with a dot that does not start with `-`.
pub fn check_module_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty".into());
    }
    if path.ends_with('/') || path.starts_with('/') {
        return Err(format!("{path:?}: leading or trailing slash"));
    }
    let elems: Vec<&str> = path.split('/').collect();
    for el in &elems {
        if el.is_empty() {
            return Err(format!("{path:?}: empty path element"));
        }
        if el.starts_with('.') || el.ends_with('.') {
            return Err(format!(
                "{path:?}: element {el:?} starts or ends with a dot"
            ));
        }
        if let Some(c) = el
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')))
        {
            return Err(format!("{path:?}: invalid character {c:?}"));
        }
    }
    let first = elems[0];
    if !first.contains('.') {
        return Err(format!(
            "{path:?}: the first element must be a domain name with a dot (e.g. example.com/shop)"
        ));
    }
    if first.starts_with('-') {
        return Err(format!("{path:?}: the first element starts with '-'"));
    }
    if let Some(c) = first
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.')))
    {
        return Err(format!(
            "{path:?}: invalid character {c:?} in the domain element"
        ));
    }
    Ok(())
}

/// Renders a project for `model`: every file, sorted by path, nothing written.
pub fn generate(
    model: &Model,
    opts: &Options,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<Rendered>, GenerateError> {
    check_module_path(&opts.module).map_err(GenerateError::Module)?;
    render::render(model, opts, overrides).map_err(GenerateError::Render)
}

/// [`generate`], starting from templates parsed ahead (`render::Warm`).
pub fn generate_warm(
    model: &Model,
    opts: &Options,
    overrides: &BTreeMap<String, String>,
    warm: render::Warm,
) -> Result<Vec<Rendered>, GenerateError> {
    check_module_path(&opts.module).map_err(GenerateError::Module)?;
    render::render_warm(model, opts, overrides, crate::plan::plan(model), Some(warm))
        .map_err(GenerateError::Render)
}

/// Renders what a day-two command reconciles: every file but the create migrations, whose
/// numbers belong to the first render (later ones come from model diffs).
pub fn regenerate(
    model: &Model,
    opts: &Options,
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<Rendered>, GenerateError> {
    check_module_path(&opts.module).map_err(GenerateError::Module)?;
    let planned = crate::plan::plan(model)
        .into_iter()
        .filter(|f| f.ownership != crate::evolve::Ownership::AppendOnly)
        .collect();
    render::render_planned(model, opts, overrides, planned).map_err(GenerateError::Render)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert!(check_module_path("example.com/shop").is_ok());
        assert!(check_module_path("github.com/Acme/shop-api/v2").is_ok());
        for bad in [
            "",
            "shop",
            "example.com//x",
            "example.com/x/",
            "Example.com/x",
            "example.com/a b",
            "-x.com/a",
        ] {
            assert!(check_module_path(bad).is_err(), "{bad}");
        }
    }
}
