//! Raw HTML blocks written inside Markdown (`<h4>User Attributes</h4><ul><li><b>Name</b> -
//! …</li></ul>`): read as the Markdown they stand for — `<h1>`–`<h6>` open sections, `<ul>` /
//! `<ol>` are lists (`<b>` kept as `**`), `<dl>` term/definition pairs are `term: definition`
//! list items, `<table>` is a table, other text is paragraph lines. Positions are kept.

use super::{html_tables, normalize_title, Block, Document, Item, Line, LineIndex, Pos, Section};

/// Appends the blocks and sections of one HTML block (`text` starts at byte `base` of `src`).
pub(super) fn read(doc: &mut Document, text: &str, base: usize, idx: &LineIndex) {
    let mut r = Reader {
        doc,
        idx,
        base,
        items: Vec::new(),
        para: Vec::new(),
        lists: Vec::new(),
    };
    r.run(text);
    r.flush();
}

struct Reader<'a> {
    doc: &'a mut Document,
    idx: &'a LineIndex<'a>,
    base: usize,
    items: Vec<Item>,
    para: Vec<Line>,
    /// Open `<ul>` / `<ol>` / `<dl>` elements: ordered?
    lists: Vec<bool>,
}

/// One HTML tag: its lower-case name, whether it closes, and its byte range.
struct Tag {
    name: String,
    closing: bool,
    end: usize,
}

fn tag_at(lower: &str, at: usize) -> Option<Tag> {
    let rest = lower.get(at..)?;
    let gt = rest.find('>')?;
    let inner = &rest[1..gt];
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() {
        return None;
    }
    Some(Tag {
        name,
        closing,
        end: at + gt + 1,
    })
}

impl Reader<'_> {
    fn pos(&self, offset: usize) -> Pos {
        self.idx.pos(self.base + offset)
    }

    fn run(&mut self, text: &str) {
        let lower = text.to_ascii_lowercase();
        let mut at = 0;
        while at < text.len() {
            let Some(lt) = lower[at..].find('<').map(|p| at + p) else {
                self.text_run(text, at, text.len());
                break;
            };
            // Comments (`<!-- ACTION REQUIRED … -->`), scripts and styles are not text.
            if let Some(end) = skipped(&lower, lt) {
                self.text_run(text, at, lt);
                at = end;
                continue;
            }
            let Some(tag) = tag_at(&lower, lt) else {
                // `a < b` or `List<T>`: text.
                let next = lower[lt + 1..].find('<').map_or(text.len(), |p| lt + 1 + p);
                self.text_run(text, at, next);
                at = next;
                continue;
            };
            match (tag.name.as_str(), tag.closing) {
                ("table", false) => {
                    self.text_run(text, at, lt);
                    self.flush();
                    let end = lower[lt..]
                        .find("</table")
                        .and_then(|e| lower[lt + e..].find('>').map(|g| lt + e + g + 1))
                        .unwrap_or(text.len());
                    for t in html_tables(&text[lt..end], self.base + lt, self.idx) {
                        super::push_block(self.doc, Block::Table(t));
                    }
                    at = end;
                }
                (h, false) if is_heading(h) => {
                    self.text_run(text, at, lt);
                    self.flush();
                    let close = format!("</{h}");
                    let end = lower[tag.end..]
                        .find(&close)
                        .map_or(text.len(), |e| tag.end + e);
                    let title = plain(&text[tag.end..end]);
                    let level = h[1..].parse().unwrap_or(1);
                    self.heading(level, &title, lt);
                    at = lower[end..].find('>').map_or(text.len(), |g| end + g + 1);
                }
                ("li" | "dt", false) => {
                    self.text_run(text, at, lt);
                    at = self.item(text, &lower, &tag);
                }
                ("ul" | "ol" | "dl", false) => {
                    self.text_run(text, at, lt);
                    self.flush_para();
                    self.lists.push(tag.name == "ol");
                    at = tag.end;
                }
                ("ul" | "ol" | "dl", true) => {
                    self.text_run(text, at, lt);
                    self.lists.pop();
                    if self.lists.is_empty() {
                        self.flush();
                    }
                    at = tag.end;
                }
                ("p" | "div" | "br" | "section" | "article", _) => {
                    self.text_run(text, at, lt);
                    self.flush_para();
                    at = tag.end;
                }
                _ => {
                    // Inline tags (`<b>`, `<span>`) belong to the text around them.
                    if is_inline(&tag.name) {
                        let end = self.inline_end(&lower, tag.end);
                        self.text_run(text, at, end);
                        at = end;
                    } else {
                        self.text_run(text, at, lt);
                        at = tag.end;
                    }
                }
            }
        }
    }

    /// Where a run of text with inline markup ends: the next block-level tag.
    fn inline_end(&self, lower: &str, from: usize) -> usize {
        let mut at = from;
        while let Some(p) = lower[at..].find('<') {
            let lt = at + p;
            match tag_at(lower, lt) {
                Some(t) if !is_inline(&t.name) => return lt,
                Some(t) => at = t.end,
                None => at = lt + 1,
            }
        }
        lower.len()
    }

    /// A `<li>` (or `<dt>` + `<dd>`) item; returns where reading goes on.
    fn item(&mut self, text: &str, lower: &str, tag: &Tag) -> usize {
        self.flush_para();
        let find_end = |from: usize, stops: &[&str]| {
            stops
                .iter()
                .filter_map(|s| lower[from..].find(s).map(|p| from + p))
                .min()
                .unwrap_or(text.len())
        };
        let stops: &[&str] = if tag.name == "dt" {
            &["</dt", "<dd", "<dt", "</dl"]
        } else {
            &[
                "</li", "<li", "<ul", "<ol", "</ul", "</ol", "<h1", "<h2", "<h3", "<h4", "<h5",
                "<h6", "<table", "<p>",
            ]
        };
        let end = find_end(tag.end, stops);
        let mut raw = markdown(&text[tag.end..end]);
        let mut next = end;
        if tag.name == "dt" {
            // The definition follows: `<dd>string, required</dd>`.
            let after = if lower[end..].starts_with("</dt>") {
                end + 5
            } else {
                end
            };
            let open = after + (lower[after..].len() - lower[after..].trim_start().len());
            if lower[open..].starts_with("<dd") {
                let start = lower[open..].find('>').map_or(open, |g| open + g + 1);
                let close = find_end(start, &["</dd", "<dt", "<dd", "</dl"]);
                raw = format!("{}: {}", raw.trim(), markdown(&text[start..close]).trim());
                next = close;
            } else {
                next = after;
            }
        }
        let raw = raw.trim().to_string();
        if !raw.is_empty() {
            let lead = text[tag.end..]
                .find(|c: char| !c.is_whitespace())
                .map_or(tag.end, |p| tag.end + p);
            let plain_text = super::plain_inline(&raw);
            self.items.push(Item {
                text: plain_text,
                raw,
                pos: self.pos(lead),
                depth: self.lists.len().saturating_sub(1).min(u8::MAX as usize) as u8,
                ordered: self.lists.last().copied().unwrap_or(false),
                struck: false,
            });
        }
        // Skip the closing tag so it is not read as text.
        for close in ["</li>", "</dd>"] {
            if lower[next..].starts_with(close) {
                next += close.len();
            }
        }
        next.max(tag.end)
    }

    /// Text between tags: paragraph lines (Markdown inside HTML stays as written).
    fn text_run(&mut self, text: &str, from: usize, to: usize) {
        let Some(chunk) = text.get(from..to) else {
            return;
        };
        let mut off = from;
        for l in chunk.split_inclusive('\n') {
            let raw = markdown(l);
            let raw = raw.trim();
            if !raw.is_empty() {
                let lead = l.find(|c: char| !c.is_whitespace()).unwrap_or(0);
                self.para.push(Line {
                    text: super::plain_inline(raw),
                    raw: raw.to_string(),
                    pos: self.pos(off + lead),
                    struck: false,
                });
            }
            off += l.len();
        }
    }

    fn heading(&mut self, level: u8, title: &str, at: usize) {
        let parent = self.doc.sections.iter().rposition(|s| s.level < level);
        self.doc.sections.push(Section {
            level,
            raw_title: title.to_string(),
            title: normalize_title(title),
            pos: self.pos(at),
            struck: false,
            parent,
            blocks: vec![],
        });
    }

    fn flush_para(&mut self) {
        if !self.para.is_empty() {
            let lines = std::mem::take(&mut self.para);
            super::push_block(self.doc, Block::Paragraph(lines));
        }
    }

    fn flush(&mut self) {
        self.flush_para();
        if !self.items.is_empty() {
            let items = std::mem::take(&mut self.items);
            super::push_block(self.doc, Block::List(items));
        }
    }
}

/// The end of a comment, `<script>` or `<style>` element starting at `lt`.
fn skipped(lower: &str, lt: usize) -> Option<usize> {
    let rest = lower.get(lt..)?;
    let close = if rest.starts_with("<!--") {
        "-->"
    } else if rest.starts_with("<script") {
        "</script>"
    } else if rest.starts_with("<style") {
        "</style>"
    } else {
        return None;
    };
    Some(
        rest.find(close)
            .map_or(lower.len(), |e| lt + e + close.len()),
    )
}

fn is_heading(name: &str) -> bool {
    name.len() == 2
        && name.starts_with('h')
        && name[1..].parse::<u8>().is_ok_and(|n| (1..=6).contains(&n))
}

fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "b" | "strong"
            | "i"
            | "em"
            | "code"
            | "span"
            | "a"
            | "u"
            | "small"
            | "sup"
            | "sub"
            | "mark"
            | "font"
            | "kbd"
            | "abbr"
            | "del"
            | "s"
            | "ins"
            | "img"
    )
}

/// An HTML fragment as Markdown inline text: `<b>`/`<strong>` → `**`, `<code>` → backticks,
/// other tags dropped, entities decoded.
fn markdown(raw: &str) -> String {
    let mut out = String::new();
    let lower = raw.to_ascii_lowercase();
    let mut at = 0;
    while at < raw.len() {
        let Some(p) = lower[at..].find('<') else {
            out.push_str(&raw[at..]);
            break;
        };
        let lt = at + p;
        out.push_str(&raw[at..lt]);
        if let Some(end) = skipped(&lower, lt) {
            at = end;
            continue;
        }
        match tag_at(&lower, lt) {
            Some(t) => {
                match t.name.as_str() {
                    "b" | "strong" => out.push_str("**"),
                    "code" => out.push('`'),
                    "br" => out.push(' '),
                    _ => {}
                }
                at = t.end;
            }
            None => {
                out.push('<');
                at = lt + 1;
            }
        }
    }
    decode(&out)
}

/// Plain text of a fragment (a heading's title).
fn plain(raw: &str) -> String {
    super::plain_inline(&markdown(raw))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&mdash;", "—")
        .replace("&ndash;", "–")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use crate::prd::{parse, Block};

    #[test]
    fn headings_lists_and_definitions() {
        let doc = parse(
            "# Shop\n\n<!-- ACTION REQUIRED: fill in -->\n<h3>Parcel Attributes</h3>\n<ul>\n  <li><b>Weight</b> - grams</li>\n  <li>Label &amp; code</li>\n</ul>\n<p>Some words.</p>\n<dl><dt>size</dt><dd>int, required</dd></dl>\n",
        );
        let s = doc.sections.last().expect("section");
        assert_eq!(s.title, "Parcel Attributes");
        assert_eq!(s.level, 3);
        assert_eq!(s.pos.line, 4);
        assert!(doc.sections[1].blocks.is_empty(), "a comment is not text");
        let Some(Block::List(items)) = s.blocks.first() else {
            panic!("list first: {:?}", s.blocks);
        };
        assert_eq!(items[0].raw, "**Weight** - grams");
        assert_eq!(items[0].pos.line, 6);
        assert_eq!(items[1].text, "Label & code");
        assert!(matches!(s.blocks.get(1), Some(Block::Paragraph(_))));
        let Some(Block::List(dl)) = s.blocks.get(2) else {
            panic!("dl: {:?}", s.blocks);
        };
        assert_eq!(dl[0].raw, "size: int, required");
    }
}
