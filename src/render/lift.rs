//! Long template text, lifted out of Tera's parser.
//!
//! Tera's parser (pest) reads plain text one character at a time, trying the three tag
//! openers at each: about half the time it spends on our templates goes to their text, which
//! it only copies. Before a shipped template is parsed, [`lift`] moves each long run of text
//! into a table and puts a call to the function [`TEXT_FN`] in its place (a function, not a
//! variable, because macros see no context); [`Texts`] is that function. The output is the
//! same byte for byte: whitespace control (`{%-`, `-%}`) only trims the text next to the tag,
//! so the characters a trim could reach stay in the template around the call.
//!
//! Only shipped templates are lifted (their output is snapshot-tested); a project's own
//! templates are parsed as written, so Tera's errors point at the lines their authors wrote.

use std::collections::HashMap;
use std::sync::Arc;

/// The function a lifted run calls: `{{ __bp_text(n=12) }}`.
pub const TEXT_FN: &str = "__bp_text";

/// Shorter runs stay: the call costs about as much to parse as this much text.
const MIN_RUN: usize = 64;

/// The table of lifted runs, as the Tera function [`TEXT_FN`].
#[derive(Clone, Default)]
pub struct Texts(Arc<Vec<String>>);

impl Texts {
    pub fn new(runs: Vec<String>) -> Texts {
        Texts(Arc::new(runs))
    }
}

impl tera::Function for Texts {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        args.get("n")
            .and_then(tera::Value::as_u64)
            .and_then(|n| self.0.get(usize::try_from(n).ok()?))
            .map(|s| tera::Value::String(s.clone()))
            .ok_or_else(|| tera::Error::msg(format!("{TEXT_FN}: no such text")))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `src` with its long text runs appended to `runs` and replaced by calls, or `None` when
/// the template is one this does not rewrite: `{% extends %}`, `{% block %}` and a `for`
/// with an `else`, where Tera trims whitespace away from the tag that asks for it, or tags
/// that do not close (Tera reports those).
pub fn lift(src: &str, runs: &mut Vec<String>) -> Option<String> {
    let mark = runs.len();
    let out = lift_runs(src, runs);
    if out.is_none() {
        runs.truncate(mark);
    }
    out
}

fn lift_runs(src: &str, runs: &mut Vec<String>) -> Option<String> {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() / 3);
    // Block tags open and not yet closed, to find a `for` … `else`.
    let mut open: Vec<&str> = Vec::new();
    // Whether the tag before the current text trims it (`-%}`).
    let mut trim_next = false;
    let mut pos = 0;
    loop {
        let Some(start) = next_opener(b, pos) else {
            push_text(&mut out, runs, &src[pos..], trim_next, false);
            return Some(out);
        };
        let trims_before = b.get(start + 2) == Some(&b'-');
        push_text(&mut out, runs, &src[pos..start], trim_next, trims_before);
        let end = tag_end(b, start)?;
        let tag = &src[start..end];
        trim_next = b[end - 3] == b'-';
        if b[start + 1] == b'%' {
            match keyword(tag) {
                "extends" | "block" => return None,
                "raw" => {
                    // Raw text is copied as it is, up to its end tag.
                    let close_end = endraw(src, end)?;
                    out.push_str(&src[start..close_end]);
                    trim_next = b[close_end - 3] == b'-';
                    pos = close_end;
                    continue;
                }
                kw @ ("for" | "if" | "macro" | "filter") => open.push(kw),
                "endfor" | "endif" | "endmacro" | "endfilter" => {
                    open.pop();
                }
                "else" if open.last() == Some(&"for") => return None,
                _ => {}
            }
        } else if b[start + 1] == b'{' && tag.contains("super()") {
            return None;
        }
        out.push_str(tag);
        pos = end;
    }
}

/// Writes a text run: as it is when short, else as a call, keeping in the template the
/// whitespace a neighbouring tag trims and the character that stops the trim.
fn push_text(
    out: &mut String,
    runs: &mut Vec<String>,
    text: &str,
    trim_start: bool,
    trim_end: bool,
) {
    let mut head = 0;
    let mut tail = text.len();
    if trim_start {
        let ws = text.len() - text.trim_start().len();
        head = ws + text[ws..].chars().next().map_or(0, char::len_utf8);
    }
    if trim_end {
        let kept = text.trim_end().len();
        tail = text[..kept].char_indices().last().map_or(0, |(i, _)| i);
    }
    if head >= tail || tail - head < MIN_RUN {
        out.push_str(text);
        return;
    }
    out.push_str(&text[..head]);
    out.push_str("{{ ");
    out.push_str(TEXT_FN);
    out.push_str("(n=");
    out.push_str(&runs.len().to_string());
    out.push_str(") }}");
    runs.push(text[head..tail].to_string());
    out.push_str(&text[tail..]);
}

/// The next `{{`, `{%` or `{#` at or after `from`.
fn next_opener(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(off) = b.get(i..)?.iter().position(|&c| c == b'{') {
        let at = i + off;
        if matches!(b.get(at + 1), Some(b'{' | b'%' | b'#')) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The end (exclusive) of the tag opening at `start`: `#}` for a comment; `}}` or `%}`
/// outside string literals for the others (Tera's strings have no escapes).
fn tag_end(b: &[u8], start: usize) -> Option<usize> {
    let closer = match b[start + 1] {
        b'#' => {
            let from = start + 2;
            let off = b.get(from..)?.windows(2).position(|w| w == b"#}")?;
            return Some(from + off + 2);
        }
        b'{' => b'}',
        _ => b'%',
    };
    let mut i = start + 2;
    while i + 1 < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                let off = b[i + 1..].iter().position(|&c| c == q)?;
                i += off + 2;
            }
            c if c == closer && b[i + 1] == b'}' => return Some(i + 2),
            _ => i += 1,
        }
    }
    None
}

/// The first word of a `{% … %}` tag.
fn keyword(tag: &str) -> &str {
    let inner = tag[2..tag.len() - 2].trim_start_matches('-').trim_start();
    inner
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("")
}

/// The end of the `{% endraw %}` that closes a raw block whose text starts at `from`.
fn endraw(src: &str, from: usize) -> Option<usize> {
    let b = src.as_bytes();
    let mut i = from;
    loop {
        let at = i + src.get(i..)?.find("{%")?;
        let end = tag_end(b, at)?;
        if keyword(&src[at..end]) == "endraw" {
            return Some(end);
        }
        i = at + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, ctx: &tera::Context) -> String {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![]);
        t.add_raw_template("t", src).expect("parses");
        t.render("t", ctx).expect("renders")
    }

    fn lifted(src: &str, ctx: &tera::Context) -> (String, usize) {
        let mut runs = Vec::new();
        let out = lift(src, &mut runs).expect("lifts");
        let n = runs.len();
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![]);
        t.register_function(TEXT_FN, Texts::new(runs));
        t.add_raw_template("t", &out).expect("lifted parses");
        (t.render("t", ctx).expect("lifted renders"), n)
    }

    fn same(src: &str) -> usize {
        let mut ctx = tera::Context::new();
        ctx.insert("xs", &vec![1, 2, 3]);
        ctx.insert("on", &true);
        ctx.insert("name", "Order");
        let (out, n) = lifted(src, &ctx);
        assert_eq!(out, render(src, &ctx), "{src}");
        n
    }

    const LONG: &str = "func (r *Repo) Get(ctx context.Context, id uuid.UUID) (*Order, error) {\n\treturn nil, nil\n}\n";

    #[test]
    fn long_runs_are_lifted_and_render_the_same() {
        assert_eq!(same(&format!("{LONG}{{{{ name }}}}\n{LONG}")), 2);
        assert_eq!(same("short {{ name }} text"), 0);
    }

    #[test]
    fn whitespace_control_trims_the_same() {
        for src in [
            format!("{{% if on -%}}\n\n  {LONG}  \n{{%- endif %}}\n"),
            format!("{{% for x in xs -%}}\n {LONG} {{{{- x -}}}} {LONG}\n{{%- endfor %}}"),
            format!("{{{{ name -}}}}\n\t{LONG}\n{{#- note -#}}\n{LONG}  {{%- if on %}}y{{% endif -%}}  \n{LONG}"),
            format!("{{% if on %}}{LONG}{{%- elif name %}}{LONG}{{%- else -%}}  {LONG}  {{%- endif -%}}\n"),
            format!("{{% macro m(a) -%}}\n  {LONG}{{{{ a }}}}{LONG}\n{{%- endmacro m %}}{{{{ self::m(a=1) }}}}"),
            format!("  {LONG}é{{%- if on %}}x{{% endif -%}}é{LONG}"),
            format!("{{% raw -%}}  {{{{ not a tag }}}} {LONG} {{%- endraw %}}\n{LONG}"),
            format!("{{{{ \"}}}} %}} {{%\" ~ name }}}}{LONG}{{% set s = '%}}' %}}{{{{ s }}}}{LONG}"),
        ] {
            same(&src);
        }
    }

    #[test]
    fn templates_it_does_not_rewrite() {
        let mut runs = Vec::new();
        assert!(lift(
            &format!("{{% for x in xs %}}{LONG}{{% else %}}none{{% endfor %}}"),
            &mut runs
        )
        .is_none());
        assert!(lift("{% extends \"base\" %}", &mut runs).is_none());
        assert!(lift(&format!("{LONG}{{{{ name "), &mut runs).is_none());
        assert!(runs.is_empty());
    }
}
