//! PRD Markdown → a flat list of sections, each holding its blocks (paragraph lines, list
//! items, tables, code blocks) with 1-based source positions. No domain meaning here: this
//! stage only answers "what is written where".

mod decode;
mod html;
mod prepare;
mod text;

pub use decode::{decode, normalize};
pub use text::{fold, normalize_title, plain_inline, NarrowRegex};

use crate::diag::Diagnostic;
use prepare::Prepared;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Section 0 is the preamble before the first heading (level 0, empty title).
    pub sections: Vec<Section>,
    /// What the structure layer had to guess: `#标题` read as a heading (W221), numbered
    /// lines of a heading-less PRD read as section titles (W225).
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// 1–6 for headings, 0 for the preamble.
    pub level: u8,
    /// The heading's plain text, as written (inline markup removed).
    pub raw_title: String,
    /// `raw_title` normalized for matching: numbering, emoji and `*(…)*` suffixes dropped,
    /// full-width punctuation folded, whitespace collapsed (see [`normalize_title`]).
    pub title: String,
    pub pos: Pos,
    /// The whole heading is struck out (`~~…~~`).
    pub struck: bool,
    /// Index of the enclosing section (the nearest earlier heading of a lower level).
    pub parent: Option<usize>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// One entry per source line of the paragraph.
    Paragraph(Vec<Line>),
    /// Items in order, nested items flattened with their depth.
    List(Vec<Item>),
    Table(Table),
    Code(Code),
}

#[derive(Debug, Clone)]
pub struct Line {
    /// Plain text (inline markup removed).
    pub text: String,
    /// The Markdown source of the line, markup kept (`**FR-001**: …`).
    pub raw: String,
    pub pos: Pos,
    pub struck: bool,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub text: String,
    /// Source of the item's own text, markup kept, list marker removed.
    pub raw: String,
    pub pos: Pos,
    /// 0 for a top-level item.
    pub depth: u8,
    pub ordered: bool,
    pub struck: bool,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub pos: Pos,
    /// Every cell's text is struck out.
    pub struck: bool,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Code {
    /// Info string's first word, lower-cased (`sql`, `mermaid`, `typescript`), may be empty.
    pub lang: String,
    pub lines: Vec<Line>,
    pub pos: Pos,
}

impl Document {
    /// Titles of `idx` and its ancestors, innermost first.
    pub fn ancestry(&self, idx: usize) -> Vec<&Section> {
        let mut out = Vec::new();
        let mut cur = Some(idx);
        while let Some(i) = cur {
            match self.sections.get(i) {
                Some(s) => {
                    out.push(s);
                    cur = s.parent;
                }
                None => break,
            }
        }
        out
    }
}

/// Byte offset in the text the parser reads → line/column in the source: repairs
/// ([`prepare`]) inserted text, which is mapped back.
struct LineIndex<'a> {
    /// The source, line endings normalized.
    src: &'a str,
    /// Byte offsets where the source's lines start.
    starts: Vec<usize>,
    prepared: &'a Prepared,
}

impl<'a> LineIndex<'a> {
    fn new(src: &'a str, prepared: &'a Prepared) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            src,
            starts,
            prepared,
        }
    }

    /// Position of `offset` (in the parsed text) in the source.
    fn pos(&self, offset: usize) -> Pos {
        let offset = self.prepared.source_offset(offset).min(self.src.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts[line];
        let col = self
            .src
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Pos {
            line: line as u32 + 1,
            col: col as u32 + 1,
        }
    }

    /// The whole parsed line containing `offset`, without its newline.
    fn line_text(&self, offset: usize) -> &'a str {
        let text: &'a str = &self.prepared.text;
        let offset = offset.min(text.len());
        let start = text
            .get(..offset)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(offset..)
            .and_then(|s| s.find('\n'))
            .map_or(text.len(), |i| offset + i);
        text.get(start..end).unwrap_or("").trim_end_matches('\r')
    }
}

/// Inline text being collected, with how much of it was struck out.
#[derive(Default)]
struct Inline {
    text: String,
    start: Option<usize>,
    struck_chars: usize,
    plain_chars: usize,
}

impl Inline {
    fn push(&mut self, s: &str, offset: usize, struck: bool) {
        if self.start.is_none() && !s.trim().is_empty() {
            self.start = Some(offset);
        }
        let n = s.chars().filter(|c| !c.is_whitespace()).count();
        if struck {
            self.struck_chars += n;
        } else {
            self.plain_chars += n;
        }
        self.text.push_str(s);
    }

    fn is_struck(&self) -> bool {
        self.struck_chars > 0 && self.plain_chars == 0
    }

    fn take(&mut self) -> Inline {
        std::mem::take(self)
    }
}

enum Ctx {
    Heading(u8),
    Paragraph,
    Item {
        depth: u8,
        ordered: bool,
    },
    Cell,
    /// `lines`: each code line's text and the offset it starts at; the last may be open.
    Code {
        lang: String,
        start: usize,
        lines: Vec<(String, usize)>,
        open: bool,
    },
}

/// Parses PRD Markdown. Never fails: anything unrecognised is simply not a block.
pub fn parse(src: &str) -> Document {
    let normalized = normalize(src);
    let prepared = prepare::prepare(&normalized);
    let idx = LineIndex::new(&normalized, &prepared);
    // From here on `src` is the repaired text the Markdown parser reads.
    let src: &str = &prepared.text;
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut doc = Document {
        sections: vec![Section {
            level: 0,
            raw_title: String::new(),
            title: String::new(),
            pos: Pos { line: 1, col: 1 },
            struck: false,
            parent: None,
            blocks: vec![],
        }],
        diagnostics: prepared.diagnostics(),
    };
    let mut ctx: Vec<Ctx> = Vec::new();
    let mut inline = Inline::default();
    let mut strike = 0usize;
    let mut list_stack: Vec<bool> = Vec::new(); // ordered?
                                                // A heading inside a list item (`- …` then an indented `  #### 数据字典`) starts a section;
                                                // the items after it belong to that section, counted from the heading's list depth.
    let mut depth_base: u8 = 0;
    let mut para_lines: Vec<Line> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut table: Option<Table> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut row_struck = true;
    let mut row_start = 0usize;
    let mut in_metadata = false;
    // An HTML block being collected: (text, byte offset of its first line).
    let mut html: Option<(String, usize)> = None;

    // Closes the current list item's own text (before nested content or at its end).
    fn flush_item(inline: &mut Inline, items: &mut Vec<Item>, ctx: &[Ctx], idx: &LineIndex) {
        let Some(Ctx::Item { depth, ordered }) =
            ctx.iter().rev().find(|c| matches!(c, Ctx::Item { .. }))
        else {
            return;
        };
        let got = inline.take();
        // `•` bullets became list items ([`prepare`]): the bullet itself is not text.
        let text = got
            .text
            .trim()
            .trim_start_matches(prepare::BULLETS)
            .trim()
            .to_string();
        if text.is_empty() {
            return;
        }
        let start = got.start.unwrap_or(0);
        let line = idx.line_text(start);
        let raw = strip_list_marker(line)
            .trim_start_matches(prepare::BULLETS)
            .trim_start()
            .to_string();
        items.push(Item {
            struck: got.is_struck(),
            text,
            raw,
            pos: idx.pos(start),
            depth: *depth,
            ordered: *ordered,
        });
    }

    fn flush_para_line(inline: &mut Inline, lines: &mut Vec<Line>, idx: &LineIndex) {
        let got = inline.take();
        let text = got.text.trim().to_string();
        if text.is_empty() {
            return;
        }
        let start = got.start.unwrap_or(0);
        lines.push(Line {
            struck: got.is_struck(),
            text,
            raw: idx.line_text(start).trim().to_string(),
            pos: idx.pos(start),
        });
    }

    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        let in_item = ctx.iter().any(|c| matches!(c, Ctx::Item { .. }));
        match event {
            Event::Start(Tag::MetadataBlock(_)) => in_metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_metadata = false,
            _ if in_metadata => {}
            Event::Start(Tag::Heading { level, .. }) => {
                if in_item {
                    flush_item(&mut inline, &mut items, &ctx, &idx);
                    if !items.is_empty() {
                        push_block(&mut doc, Block::List(std::mem::take(&mut items)));
                    }
                    depth_base = list_stack.len().min(u8::MAX as usize) as u8;
                }
                ctx.push(Ctx::Heading(heading_level(level)));
                inline = Inline {
                    start: Some(range.start),
                    ..Inline::default()
                };
            }
            Event::End(TagEnd::Heading(_)) => {
                let level = match ctx.pop() {
                    Some(Ctx::Heading(l)) => l,
                    _ => 1,
                };
                let got = inline.take();
                let raw_title = got.text.trim().to_string();
                let parent = doc.sections.iter().rposition(|s| s.level < level);
                doc.sections.push(Section {
                    level,
                    title: normalize_title(&raw_title),
                    struck: got.is_struck(),
                    raw_title,
                    pos: idx.pos(range.start),
                    parent,
                    blocks: vec![],
                });
            }
            Event::Start(Tag::Paragraph) => {
                if !in_item {
                    ctx.push(Ctx::Paragraph);
                    para_lines.clear();
                } else if !inline.text.trim().is_empty() {
                    inline.push("\n", range.start, false);
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if matches!(ctx.last(), Some(Ctx::Paragraph)) {
                    ctx.pop();
                    flush_para_line(&mut inline, &mut para_lines, &idx);
                    if !para_lines.is_empty() {
                        push_block(&mut doc, Block::Paragraph(std::mem::take(&mut para_lines)));
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if matches!(ctx.last(), Some(Ctx::Paragraph)) {
                    flush_para_line(&mut inline, &mut para_lines, &idx);
                } else {
                    inline.push(" ", range.start, false);
                }
            }
            Event::Start(Tag::List(first)) => {
                if in_item {
                    flush_item(&mut inline, &mut items, &ctx, &idx);
                }
                list_stack.push(first.is_some());
            }
            Event::End(TagEnd::List(_)) => {
                list_stack.pop();
                if list_stack.is_empty() {
                    depth_base = 0;
                    if !items.is_empty() {
                        push_block(&mut doc, Block::List(std::mem::take(&mut items)));
                    }
                }
            }
            Event::Start(Tag::Item) => {
                let depth = list_stack.len().saturating_sub(1).min(u8::MAX as usize) as u8;
                let depth = depth.saturating_sub(depth_base);
                let ordered = list_stack.last().copied().unwrap_or(false);
                ctx.push(Ctx::Item { depth, ordered });
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut inline, &mut items, &ctx, &idx);
                ctx.pop();
            }
            Event::Start(Tag::Table(_)) => {
                table = Some(Table {
                    header: vec![],
                    rows: vec![],
                    pos: idx.pos(range.start),
                });
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    push_block(&mut doc, Block::Table(t));
                }
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                row.clear();
                row_struck = true;
                row_start = range.start;
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    let cells = std::mem::take(&mut row);
                    let any_text = cells.iter().any(|c| !c.text.is_empty());
                    t.rows.push(Row {
                        struck: row_struck && any_text,
                        cells,
                        pos: idx.pos(row_start),
                    });
                }
            }
            Event::Start(Tag::TableCell) => {
                ctx.push(Ctx::Cell);
                inline = Inline::default();
            }
            Event::End(TagEnd::TableCell) => {
                ctx.pop();
                let got = inline.take();
                let text = got.text.trim().to_string();
                if !text.is_empty() && !got.is_struck() {
                    row_struck = false;
                }
                // Position of the cell's text, not of the pipe before it.
                let start = got.start.unwrap_or(range.start);
                row.push(Cell {
                    text,
                    pos: idx.pos(start),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                ctx.push(Ctx::Code {
                    lang,
                    start: range.start,
                    lines: Vec::new(),
                    open: false,
                });
                inline = Inline::default();
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(Ctx::Code {
                    lang, start, lines, ..
                }) = ctx.pop()
                {
                    // Each line where its text is in the source (repairs can move a fence's
                    // code onto a line of its own; list items indent it).
                    let lines = lines
                        .into_iter()
                        .map(|(text, at)| {
                            let text = text.trim_end_matches(['\n', '\r']).to_string();
                            Line {
                                raw: text.clone(),
                                text,
                                pos: idx.pos(at),
                                struck: false,
                            }
                        })
                        .collect();
                    let pos = idx.pos(start);
                    push_block(&mut doc, Block::Code(Code { lang, lines, pos }));
                }
            }
            Event::Start(Tag::Strikethrough) => strike += 1,
            Event::End(TagEnd::Strikethrough) => strike = strike.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if let Some(Ctx::Code { lines, open, .. }) = ctx.last_mut() {
                    push_code(lines, open, &t, range.start);
                } else {
                    inline.push(&t, range.start, strike > 0);
                }
            }
            Event::Start(Tag::HtmlBlock) => html = Some((String::new(), range.start)),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((text, start)) = html.take() {
                    html::read(&mut doc, &text, start, &idx);
                }
            }
            Event::Html(t) if html.is_some() => {
                if let Some((text, start)) = html.as_mut() {
                    if text.is_empty() {
                        *start = range.start;
                    }
                    text.push_str(&t);
                }
            }
            Event::InlineHtml(t) | Event::Html(t) => {
                // `<br>` inside table cells separates values; other HTML tags are ignored, but
                // `array<int>` / `List<Tag>` are type text, not HTML.
                let tag = t.trim();
                if tag.eq_ignore_ascii_case("<br>")
                    || tag.eq_ignore_ascii_case("<br/>")
                    || tag.eq_ignore_ascii_case("<br />")
                {
                    inline.push(" ", range.start, false);
                } else if event_kind_inline(&t) && !is_html_tag(tag) {
                    inline.push(tag, range.start, strike > 0);
                }
            }
            Event::TaskListMarker(_) => {}
            _ => {}
        }
    }
    doc
}

/// Adds code text starting at `offset` to the lines of a code block: a piece without a
/// newline stays open and the next piece continues it.
fn push_code(lines: &mut Vec<(String, usize)>, open: &mut bool, text: &str, offset: usize) {
    let mut at = offset;
    for piece in text.split_inclusive('\n') {
        match lines.last_mut() {
            Some((line, _)) if *open => line.push_str(piece),
            _ => lines.push((piece.to_string(), at)),
        }
        *open = !piece.ends_with('\n');
        at += piece.len();
    }
}

/// `<table>` elements of an HTML block → tables (first row is the header), with positions.
fn html_tables(text: &str, base: usize, idx: &LineIndex) -> Vec<Table> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(t0) = lower.get(from..).and_then(|r| r.find("<table")) {
        let t_start = from + t0;
        let t_end = lower
            .get(t_start..)
            .and_then(|r| r.find("</table"))
            .map(|e| t_start + e)
            .unwrap_or(lower.len());
        let mut rows: Vec<Row> = Vec::new();
        let mut r_from = t_start;
        while let Some(r0) = lower.get(r_from..t_end).and_then(|r| r.find("<tr")) {
            let r_start = r_from + r0;
            let r_end = lower
                .get(r_start + 3..t_end)
                .and_then(|r| r.find("<tr"))
                .map(|e| r_start + 3 + e)
                .unwrap_or(t_end);
            let mut cells = Vec::new();
            let mut c_from = r_start;
            loop {
                let next_td = lower.get(c_from..r_end).and_then(|r| r.find("<td"));
                let next_th = lower.get(c_from..r_end).and_then(|r| r.find("<th"));
                let c0 = match (next_td, next_th) {
                    (Some(a), Some(b)) => a.min(b),
                    (Some(a), None) | (None, Some(a)) => a,
                    (None, None) => break,
                };
                let open = c_from + c0;
                let Some(gt) = lower.get(open..r_end).and_then(|r| r.find('>')) else {
                    break;
                };
                let content_start = open + gt + 1;
                let content_end = ["</td", "</th", "<td", "<th"]
                    .iter()
                    .filter_map(|m| lower.get(content_start..r_end).and_then(|r| r.find(m)))
                    .min()
                    .map(|e| content_start + e)
                    .unwrap_or(r_end);
                let raw = text.get(content_start..content_end).unwrap_or("");
                let struck = {
                    let l = raw.to_ascii_lowercase();
                    l.contains("<del")
                        || l.contains("<s>")
                        || l.contains("<strike")
                        || l.contains("~~")
                };
                let lead = raw.len() - raw.trim_start().len();
                cells.push((
                    Cell {
                        text: html_text(raw),
                        pos: idx.pos(base + content_start + lead),
                    },
                    struck,
                ));
                c_from = content_end.max(content_start);
                if c_from >= r_end {
                    break;
                }
            }
            if !cells.is_empty() {
                let any_text = cells.iter().any(|(c, _)| !c.text.is_empty());
                let all_struck = cells.iter().all(|(c, s)| *s || c.text.is_empty());
                rows.push(Row {
                    struck: any_text && all_struck,
                    cells: cells.into_iter().map(|(c, _)| c).collect(),
                    pos: idx.pos(base + r_start),
                });
            }
            r_from = r_end;
        }
        if !rows.is_empty() {
            let header = rows.remove(0).cells;
            out.push(Table {
                header,
                rows,
                pos: idx.pos(base + t_start),
            });
        }
        from = t_end.max(t_start + 6);
    }
    out
}

/// Text of an HTML fragment: tags removed (`<br>` is a space), common entities decoded.
fn html_text(raw: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("~~", "");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn event_kind_inline(t: &str) -> bool {
    !t.contains('\n')
}

/// True for real HTML (`<b>`, `</span>`, `<a href=…>`, `<!-- -->`), false for `<int>`-style
/// type arguments written in the text.
fn is_html_tag(tag: &str) -> bool {
    const TAGS: &[&str] = &[
        "a",
        "abbr",
        "b",
        "big",
        "blockquote",
        "br",
        "center",
        "code",
        "del",
        "details",
        "div",
        "em",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "input",
        "label",
    ];
    if tag.starts_with("<!") || tag.starts_with("<?") {
        return true;
    }
    let name: String = tag
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    TAGS.contains(&name.as_str())
}

fn push_block(doc: &mut Document, block: Block) {
    if let Some(s) = doc.sections.last_mut() {
        s.blocks.push(block);
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `  - [ ] foo` → `foo`; `12. foo` → `foo`.
fn strip_list_marker(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.trim_start_matches(['>', ' ']);
    let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
        match t.get(digits..) {
            Some(r) if digits > 0 && (r.starts_with('.') || r.starts_with(')')) => &r[1..],
            _ => t,
        }
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("[ ]")
        .or_else(|| rest.strip_prefix("[x]"))
        .or_else(|| rest.strip_prefix("[X]"))
        .unwrap_or(rest);
    rest.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_tables_lists_code_with_positions() {
        let src = "# 图书馆\n\n## 2.1 用户 (User)\n\n| 字段 | 类型 |\n|---|---|\n| email | string |\n| ~~old~~ | ~~int~~ |\n\n- **FR-001**: System MUST\n  - nested `x`\n\n```sql\nCREATE TABLE a (\n  id int\n);\n```\n\nline one\nline two\n";
        let doc = parse(src);
        assert_eq!(doc.sections.len(), 3);
        let s = &doc.sections[2];
        assert_eq!(s.raw_title, "2.1 用户 (User)");
        assert_eq!(s.title, "用户 (User)");
        assert_eq!(s.pos, Pos { line: 3, col: 1 });
        assert_eq!(s.parent, Some(1));
        let Block::Table(t) = &s.blocks[0] else {
            panic!("table")
        };
        assert_eq!(t.header[0].text, "字段");
        assert_eq!(t.rows[0].cells[0].pos, Pos { line: 7, col: 3 });
        assert!(!t.rows[0].struck);
        assert!(t.rows[1].struck);
        let Block::List(items) = &s.blocks[1] else {
            panic!("list")
        };
        assert_eq!(items[0].text, "FR-001: System MUST");
        assert_eq!(items[0].raw, "**FR-001**: System MUST");
        assert_eq!(items[1].depth, 1);
        assert_eq!(items[1].pos.line, 11);
        let Block::Code(c) = &s.blocks[2] else {
            panic!("code")
        };
        assert_eq!(c.lang, "sql");
        assert_eq!(c.lines[0].pos.line, 14);
        assert_eq!(c.lines[0].text, "CREATE TABLE a (");
        let Block::Paragraph(p) = &s.blocks[3] else {
            panic!("para")
        };
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].text, "line two");
        assert_eq!(p[1].pos.line, 20);
    }

    #[test]
    fn struck_heading_and_garbage_do_not_panic() {
        let doc = parse("## ~~Old~~\n\x00\u{feff}|||\n|-|\n");
        assert!(doc.sections[1].struck);
        parse("\u{fffd}\u{fffd}\n> - [ ] \n```\nunterminated");
        parse("");
    }
}
