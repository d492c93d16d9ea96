//! Whitespace layout of rendered text, so that templates can use readable control blocks and
//! still emit gofmt-clean Go: trailing spaces dropped, runs of blank lines collapsed, no blank
//! line just inside braces, and elastic-tabstop alignment of `\v`-separated cells (the same
//! column rule gofmt applies through text/tabwriter). Not a formatter: templates still write
//! gofmt's spacing and line breaks themselves.

/// Lays out a Go file.
pub fn go(text: &str) -> String {
    let lines = tidy_lines(text, true);
    let aligned = align(&lines);
    finish(aligned)
}

/// Lays out any other text file (YAML, Markdown, SQL…): trailing spaces and blank runs only.
pub fn plain(text: &str) -> String {
    finish(tidy_lines(text, false))
}

fn finish(lines: Vec<String>) -> String {
    let mut out = lines.join("\n");
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
    out
}

fn opens(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('{') || t.ends_with('(')
}

fn closes(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('}') || t.starts_with(')')
}

fn tidy_lines(text: &str, braces: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut blank_pending = false;
    for raw in text.lines() {
        let line = raw.trim_end_matches([' ', '\t', '\r']);
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if blank_pending {
            // gofmt drops blank lines just inside braces and parentheses.
            let inside = braces && (out.last().is_some_and(|l| opens(l)) || closes(line));
            if !inside {
                out.push(String::new());
            }
            blank_pending = false;
        }
        out.push(line.to_string());
    }
    out
}

struct Row {
    indent: String,
    /// Cells terminated by `\v`, then the rest of the line.
    cells: Vec<String>,
}

fn align(lines: &[String]) -> Vec<String> {
    let mut rows: Vec<Row> = lines
        .iter()
        .map(|l| {
            let body = l.trim_start_matches('\t');
            Row {
                indent: l[..l.len() - body.len()].to_string(),
                cells: body.split('\u{b}').map(str::to_string).collect(),
            }
        })
        .collect();
    align_column(&mut rows, 0);
    rows.into_iter()
        .map(|r| {
            let mut s = r.indent;
            s.push_str(&r.cells.concat());
            s.trim_end().to_string()
        })
        .collect()
}

/// Pads cell `col` of each run of consecutive rows (same indentation) that have it
/// terminated, then recurses into the next column within the run.
fn align_column(rows: &mut [Row], col: usize) {
    let mut i = 0;
    while i < rows.len() {
        if rows[i].cells.len() <= col + 1 {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < rows.len() && rows[j].cells.len() > col + 1 && rows[j].indent == rows[i].indent {
            j += 1;
        }
        let width = rows[i..j]
            .iter()
            .map(|r| r.cells[col].chars().count())
            .max()
            .unwrap_or(0);
        for r in &mut rows[i..j] {
            let n = r.cells[col].chars().count();
            r.cells[col].push_str(&" ".repeat(width - n + 1));
        }
        align_column(&mut rows[i..j], col + 1);
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_struct_fields_like_gofmt() {
        let src = "type T struct {\n\n\tID\u{b}uuid.UUID\u{b}`json:\"id\"`\n\tFullName\u{b}string\u{b}`json:\"full_name\"`\n\n}\n";
        assert_eq!(
            go(src),
            "type T struct {\n\tID       uuid.UUID `json:\"id\"`\n\tFullName string    `json:\"full_name\"`\n}\n"
        );
    }

    #[test]
    fn collapses_blank_runs() {
        assert_eq!(go("a\n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
