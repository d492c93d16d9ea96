//! Whitespace layout of rendered text, so that templates can use readable control blocks and
//! still emit gofmt-clean Go: trailing spaces dropped, runs of blank lines collapsed, no blank
//! line just inside braces, and elastic-tabstop alignment of `\v`-separated cells (the same
//! column rule gofmt applies through text/tabwriter). Not a formatter: templates still write
//! gofmt's spacing and line breaks themselves.

/// Lays out a Go file.
pub fn go(text: &str) -> String {
    let lines = tidy_lines(text, true);
    if text.contains(CELL) {
        aligned(&lines)
    } else {
        finish(&lines)
    }
}

/// Lays out any other text file (YAML, Markdown, SQL…): trailing spaces and blank runs only.
pub fn plain(text: &str) -> String {
    finish(&tidy_lines(text, false))
}

/// The cell separator templates put between aligned columns.
const CELL: char = '\u{b}';

fn finish(lines: &[&str]) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    end_with_one_newline(&mut out);
    out
}

fn end_with_one_newline(out: &mut String) {
    while out.ends_with('\n') {
        out.pop();
    }
    out.push('\n');
}

fn opens(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('{') || t.ends_with('(')
}

fn closes(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('}') || t.starts_with(')')
}

/// Lines without trailing blanks; blank runs become one empty line (none just inside braces
/// for Go, none at the start).
fn tidy_lines(text: &str, braces: bool) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
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
                out.push("");
            }
            blank_pending = false;
        }
        out.push(line);
    }
    out
}

/// One line: its text, and for a line with cells, its indentation, cells and padding.
struct Row<'a> {
    line: &'a str,
    indent: &'a str,
    /// Cells terminated by `\v`, then the rest of the line; empty for a line without cells.
    cells: Vec<&'a str>,
    /// Spaces after each cell.
    pads: Vec<usize>,
}

fn aligned(lines: &[&str]) -> String {
    let mut rows: Vec<Row> = lines
        .iter()
        .map(|&line| {
            if !line.contains(CELL) {
                return Row {
                    line,
                    indent: "",
                    cells: Vec::new(),
                    pads: Vec::new(),
                };
            }
            let body = line.trim_start_matches('\t');
            let cells: Vec<&str> = body.split(CELL).collect();
            Row {
                line,
                indent: &line[..line.len() - body.len()],
                pads: vec![0; cells.len()],
                cells,
            }
        })
        .collect();
    align_column(&mut rows, 0);
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 8).sum());
    for r in &rows {
        if r.cells.is_empty() {
            out.push_str(r.line);
        } else {
            let start = out.len();
            out.push_str(r.indent);
            for (c, pad) in r.cells.iter().zip(&r.pads) {
                out.push_str(c);
                out.extend(std::iter::repeat_n(' ', *pad));
            }
            let kept = out[start..].trim_end().len();
            out.truncate(start + kept);
        }
        out.push('\n');
    }
    end_with_one_newline(&mut out);
    out
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
            r.pads[col] = width - r.cells[col].chars().count() + 1;
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
