//! Owned regions: in a file shared with the user (Makefile, compose, kustomization), only
//! the lines between `>>> backend-pro:NAME` and `<<< backend-pro:NAME` marker lines are ours.
//! The comment syntax around the markers is the file's own (`#`, `//`, `<!-- -->`).

use std::collections::BTreeMap;

const BEGIN: &str = ">>> backend-pro:";
const END: &str = "<<< backend-pro:";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionError {
    /// The user's file lacks the markers of a region we need to write.
    MissingMarkers(String),
    /// A begin marker without its end (or nested/duplicated markers).
    Unbalanced(String),
}

fn marker_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let i = line.find(marker)?;
    let rest = &line[i + marker.len()..];
    let name = rest.split_whitespace().next()?;
    let name = name.trim_end_matches("-->").trim();
    (!name.is_empty()).then_some(name)
}

/// Region name → its body (the lines between the markers, with their newlines).
pub fn parse(text: &str) -> Result<BTreeMap<String, String>, RegionError> {
    let mut out = BTreeMap::new();
    let mut open: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(name) = marker_name(line, BEGIN) {
            if open.is_some() || out.contains_key(name) {
                return Err(RegionError::Unbalanced(name.to_string()));
            }
            open = Some((name.to_string(), String::new()));
        } else if let Some(name) = marker_name(line, END) {
            match open.take() {
                Some((n, body)) if n == name => {
                    out.insert(n, body);
                }
                _ => return Err(RegionError::Unbalanced(name.to_string())),
            }
        } else if let Some((_, body)) = open.as_mut() {
            body.push_str(line);
        }
    }
    match open {
        Some((n, _)) => Err(RegionError::Unbalanced(n)),
        None => Ok(out),
    }
}

/// The user's file with every region's body replaced by the one in `rendered`. Regions the
/// user's file has but `rendered` no longer has are emptied; text outside regions is kept.
pub fn rebuild(existing: &str, rendered: &str) -> Result<String, RegionError> {
    let want = parse(rendered)?;
    let have = parse(existing)?;
    if let Some(missing) = want.keys().find(|k| !have.contains_key(*k)) {
        return Err(RegionError::MissingMarkers(missing.clone()));
    }
    let mut out = String::with_capacity(existing.len());
    let mut skipping = false;
    for line in existing.split_inclusive('\n') {
        if let Some(name) = marker_name(line, BEGIN) {
            out.push_str(line);
            if let Some(body) = want.get(name) {
                out.push_str(body);
            }
            skipping = true;
        } else if marker_name(line, END).is_some() {
            out.push_str(line);
            skipping = false;
        } else if !skipping {
            out.push_str(line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_only_owned_lines() {
        let user = "build:\n\tgo build\n# >>> backend-pro:migrate\nold\n# <<< backend-pro:migrate\nmine: x\n";
        let rendered = "# >>> backend-pro:migrate\nnew 1\nnew 2\n# <<< backend-pro:migrate\n";
        assert_eq!(
            rebuild(user, rendered).as_deref(),
            Ok("build:\n\tgo build\n# >>> backend-pro:migrate\nnew 1\nnew 2\n# <<< backend-pro:migrate\nmine: x\n")
        );
    }

    #[test]
    fn missing_and_unbalanced_markers_are_errors() {
        let rendered = "# >>> backend-pro:a\nx\n# <<< backend-pro:a\n";
        assert_eq!(
            rebuild("plain\n", rendered),
            Err(RegionError::MissingMarkers("a".into()))
        );
        assert_eq!(
            parse("# >>> backend-pro:a\n"),
            Err(RegionError::Unbalanced("a".into()))
        );
        let html = "<!-- >>> backend-pro:docs -->\nx\n<!-- <<< backend-pro:docs -->\n";
        assert_eq!(parse(html).map(|m| m.len()), Ok(1));
    }
}
