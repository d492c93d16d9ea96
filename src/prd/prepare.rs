//! Line-level repairs made before the Markdown parser sees the text, so that it reads what
//! the author meant where CommonMark (and pulldown-cmark) reads something else:
//!
//! - `#标题` (no space after the hashes, common in Chinese documents) is a heading (W221);
//! - `---` right under a paragraph of several lines, or of one sentence, is a thematic break,
//!   not a setext underline that would turn the paragraph into a heading and move what
//!   follows into a section of its own;
//! - `---` + a text line is a YAML block only on the document's first line (the parser would
//!   drop everything up to the next `---`);
//! - a code line ending in the fence (`` );``` ``) closes the code block, which CommonMark would
//!   keep open, hiding the next block (often the next `CREATE TABLE`);
//! - a table ends where its rows end (a line without `|` or a new header right under it), and
//!   a table right under a list item is a table;
//! - `•` / `●` bullets are list items;
//! - in a PRD without any heading, numbered outline lines (`4.1 送货记录`) are headings (W225).
//!
//! Repairs only insert text (a space, a newline); [`Prepared::source_offset`] maps offsets
//! in the repaired text back to the original, so positions stay those of the file.

use crate::diag::{Diagnostic, Text};

pub(crate) struct Prepared {
    pub text: String,
    /// Insertions in `text`, in order: (offset in `text` where the inserted bytes start,
    /// total bytes inserted up to and including this one).
    inserts: Vec<(usize, usize)>,
    /// The first `#标题` read as a heading and how many there were.
    hash_titles: Option<Guess>,
    /// The first plain-text line read as a section title and how many there were.
    outline_titles: Option<Guess>,
}

/// A kind of repair that guesses: where it was first made, on what, and how often.
struct Guess {
    line: u32,
    text: String,
    count: usize,
}

impl Guess {
    fn note(slot: &mut Option<Guess>, line: u32, text: &str) {
        match slot {
            Some(g) => g.count += 1,
            None => {
                *slot = Some(Guess {
                    line,
                    text: text.trim().to_string(),
                    count: 1,
                })
            }
        }
    }
}

impl Prepared {
    /// The offset in the original text of `offset` in the repaired text; an inserted byte
    /// maps to the place it was inserted at.
    pub fn source_offset(&self, offset: usize) -> usize {
        // Insertions starting at or before `offset`.
        let n = self.inserts.partition_point(|&(at, _)| at <= offset);
        if n == 0 {
            return offset;
        }
        let (at, total) = self.inserts[n - 1];
        let before = if n >= 2 { self.inserts[n - 2].1 } else { 0 };
        let len = total - before;
        if offset < at + len {
            at - before
        } else {
            offset - total
        }
    }

    /// W221 for `#标题` lines and W225 for plain-text titles read as headings (one warning
    /// each, at the first).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if let Some(g) = &self.hash_titles {
            out.push(
                Diagnostic::warning(
                    "W221",
                    g.line,
                    1,
                    Text::new(
                        format!("`{}` has no space after `#`; read as a heading ({} such line(s))", g.text, g.count),
                        format!("`{}` 的 `#` 后没有空格，已按标题读取（共 {} 行）", g.text, g.count),
                    ),
                )
                .with_help(Text::new(
                    "put a space after the hashes (`# Title`) so every Markdown tool sees a heading",
                    "在 `#` 后加一个空格（`# 标题`），所有 Markdown 工具才会把它当作标题",
                )),
            );
        }
        if let Some(g) = &self.outline_titles {
            out.push(
                Diagnostic::warning(
                    "W225",
                    g.line,
                    1,
                    Text::new(
                        format!("the PRD has no Markdown headings; `{}` and other numbered lines were read as section titles ({} line(s))", g.text, g.count),
                        format!("PRD 没有 Markdown 标题；`{}` 等编号行已按章节标题读取（共 {} 行）", g.text, g.count),
                    ),
                )
                .with_help(Text::new(
                    "mark section titles as Markdown headings (`## 4.1 Orders`)",
                    "用 Markdown 标题标出章节（`## 4.1 订单`）",
                )),
            );
        }
        out
    }
}

/// What the previous lines were, as far as the repairs need to know.
#[derive(Default)]
struct State {
    /// Open code fence: its character and length.
    fence: Option<(char, usize)>,
    /// Lines of the paragraph just before (0: not in a paragraph).
    para_lines: usize,
    /// The paragraph has a line that reads like a sentence, not a title.
    para_sentence: bool,
    /// Inside a list, a table or a quote: a `---` after it is never a setext underline.
    in_container: bool,
    /// Inside a pipe table (after its header and delimiter rows).
    table: bool,
}

pub(crate) fn prepare(src: &str) -> Prepared {
    let mut out = Prepared {
        text: String::with_capacity(src.len() + 16),
        inserts: Vec::new(),
        hash_titles: None,
        outline_titles: None,
    };
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let meta_end = front_matter_end(&lines);
    let outline = outline_levels(&lines);
    let mut st = State::default();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        // YAML front matter is not Markdown: left as it is.
        if meta_end.is_some_and(|end| i <= end) {
            out.text.push_str(line);
            continue;
        }
        // A table ends where its rows end: GFM keeps a line without `|` (a bold title, a
        // note), and a second table glued below, as rows of the first; and a table right
        // under a list item is read as the item's text. A blank line before it separates.
        let next = lines.get(i + 1).map(|l| l.trim_end_matches(['\n', '\r']));
        let starts_table = body.contains('|') && next.is_some_and(is_delimiter_row);
        let prev_text = i > 0 && !lines[i - 1].trim().is_empty();
        let leaves_table = st.table && !body.contains('|');
        if st.fence.is_none()
            && !body.trim().is_empty()
            && prev_text
            && (starts_table || leaves_table)
        {
            out.insert("\n");
            st = State::default();
        }
        let fix = match outline.get(i).copied().flatten() {
            Some(level) => {
                // The document title (level 1) is not one of the numbered lines.
                if level > 1 {
                    Guess::note(&mut out.outline_titles, i as u32 + 1, body);
                }
                st = State::default();
                Repair::InsertAt(0, HASHES[usize::from(level.clamp(1, 6)) - 1])
            }
            None => repair(body, &mut st),
        };
        let mut inserts: Vec<(usize, &'static str)> = match fix {
            Repair::None => vec![],
            Repair::InsertAt(at, s) => vec![(at, s)],
            Repair::HashTitle(at) => {
                Guess::note(&mut out.hash_titles, i as u32 + 1, body);
                vec![(at, " ")]
            }
        };
        // `a|b` inside a code span splits a table cell (GFM splits before reading spans):
        // escaped, the cell keeps it.
        if st.fence.is_none() && (st.table || starts_table) {
            inserts.extend(pipes_in_code_spans(body).into_iter().map(|at| (at, "\\")));
            inserts.sort_by_key(|&(at, _)| at);
        }
        let mut done = 0;
        for (at, s) in inserts {
            out.text.push_str(&body[done..at]);
            out.insert(s);
            done = at;
        }
        out.text.push_str(&body[done..]);
        out.text.push_str(ending);
        if st.fence.is_none() && starts_table {
            st.table = true;
        }
        // The parser takes `---` + a text line as the start of a YAML block anywhere, up
        // to the next `---`, dropping all between: a blank line after it prevents that.
        let next_is_text = lines.get(i + 1).is_some_and(|l| !l.trim().is_empty());
        if st.fence.is_none() && body.trim_end() == "---" && next_is_text {
            out.insert("\n");
        }
    }
    out
}

/// Bullet characters written instead of a Markdown list marker.
pub(crate) const BULLETS: &[char] = &['•', '●', '○', '◦', '▪', '■', '◆', '◇', '▸', '▶', '►', '・'];

const HASHES: [&str; 6] = ["# ", "## ", "### ", "#### ", "##### ", "###### "];

/// For a plain-text PRD (no Markdown or HTML heading anywhere), the heading level of each
/// line that is an outline title: `4.1 送货记录` (3), `4. 表单结构` when `4.x` titles follow
/// (2), `一、项目背景` (2), `（一）范围` (3), and a short first line before them (the title, 1).
fn outline_levels(lines: &[&str]) -> Vec<Option<u8>> {
    let mut levels = vec![None; lines.len()];
    let code = code_lines(lines);
    let has_heading = lines.iter().zip(&code).filter(|(_, c)| !**c).any(|(l, _)| {
        let t = l.trim_start();
        let h = t.trim_start_matches('#');
        (h.len() < t.len() && (h.starts_with([' ', '\t', '\r', '\n']) || h.is_empty()))
            || is_hash_title(l.trim_end())
            || t.get(..3)
                .is_some_and(|p| p.eq_ignore_ascii_case("<h1") || p.eq_ignore_ascii_case("<h2"))
            || t.trim_end().chars().all(|c| c == '=') && !t.trim().is_empty()
    });
    if has_heading {
        return levels;
    }
    let numbered: Vec<Option<(Vec<u32>, bool)>> = lines
        .iter()
        .zip(&code)
        .map(|(l, c)| {
            if *c {
                None
            } else {
                outline_number(l.trim_end())
            }
        })
        .collect();
    // `4.` alone is also how lists are written: a title when `4.1` titles follow, or when it
    // continues the sequence of titles (`1.` `2.` before `3.` with `3.1`; `6.` after `5.`).
    let mut last_child: std::collections::HashMap<u32, usize> = Default::default();
    for (j, x) in numbered.iter().enumerate() {
        if let Some((m, false)) = x {
            if m.len() == 2 {
                last_child.insert(m[0], j);
            }
        }
    }
    let confirmed = |i: usize, n: u32| last_child.get(&n).is_some_and(|&j| j > i);
    // Whether a confirmed `n.` title is at or after each line.
    let mut confirmed_from = vec![false; lines.len() + 1];
    for i in (0..lines.len()).rev() {
        let here = matches!(&numbered[i], Some((n, false)) if n.len() == 1 && confirmed(i, n[0]));
        confirmed_from[i] = here || confirmed_from[i + 1];
    }
    let mut last_top = 0u32;
    for i in 0..lines.len() {
        if code[i] {
            continue;
        }
        levels[i] = match &numbered[i] {
            Some((n, false)) if n.len() == 1 => {
                let title = confirmed(i, n[0])
                    || (n[0] == last_top + 1 && (last_top > 0 || confirmed_from[i]));
                if title {
                    last_top = n[0];
                }
                title.then_some(2)
            }
            Some((n, _)) => Some(n.len() as u8 + 1),
            None => None,
        };
    }
    // The document's own title: a short first line above the first outline title.
    if let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) {
        let t = lines[first].trim();
        let before_outline = levels[first + 1..].iter().any(Option::is_some);
        if levels[first].is_none()
            && before_outline
            && t.chars().count() <= 40
            && !reads_like_sentence(t)
        {
            levels[first] = Some(1);
        }
    }
    levels
}

/// Which lines are in a fenced code block (fences included), by the rules [`repair`] uses.
fn code_lines(lines: &[&str]) -> Vec<bool> {
    let mut fence: Option<(char, usize)> = None;
    lines
        .iter()
        .map(|l| {
            let line = l.trim_end_matches(['\n', '\r']);
            let t = line.trim_start();
            match fence {
                Some((ch, len)) => {
                    let closes =
                        fence_run(t, ch) >= len && t.trim_start_matches(ch).trim().is_empty();
                    if closes || trailing_fence(line, ch, len).is_some() {
                        fence = None;
                    }
                    true
                }
                None => {
                    fence = opening_fence(t);
                    fence.is_some()
                }
            }
        })
        .collect()
}

/// `4.1 送货记录` → ([4, 1], false), `一、背景` → ([1], true), `（二）范围` → ([1, 2], true): a
/// short numbered line that reads like a title, not a sentence.
fn outline_number(line: &str) -> Option<(Vec<u32>, bool)> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let (nums, rest, chinese) = if let Some(r) = line.strip_prefix('第') {
        // `第一章 总则` (level 2), `第二节 范围` (level 3).
        let end = r.find(['章', '节', '部', '篇'])?;
        let n = chinese_number(&r[..end]).or_else(|| r[..end].parse().ok())?;
        let unit = r[end..].chars().next()?;
        let rest = r[end..].trim_start_matches(['章', '节', '部', '分', '篇']);
        (if unit == '节' { vec![1, n] } else { vec![n] }, rest, true)
    } else if let Some(r) = line.strip_prefix(['（', '(']) {
        let end = r.find(['）', ')'])?;
        (
            vec![1, chinese_number(&r[..end])?],
            &r[end + r[end..].chars().next()?.len_utf8()..],
            true,
        )
    } else if let Some((n, r)) = line.split_once('、') {
        (vec![chinese_number(n)?], r, true)
    } else {
        let digits: &str = &line[..line
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(line.len())];
        let nums: Vec<u32> = digits
            .split('.')
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        // `4.` or `4.1`, section numbers below 100: not `2024 年度计划`.
        if (nums.len() == 1 && !digits.ends_with('.')) || nums.iter().any(|&n| n >= 100) {
            return None;
        }
        (nums, &line[digits.len()..], false)
    };
    let title = rest.trim();
    let ok = !nums.is_empty()
        && nums.len() <= 4
        && !title.is_empty()
        && title.chars().count() <= 24
        && !reads_like_sentence(title)
        && !title.contains(['，', '。', '；', ',', ';', '|', '`'])
        && (chinese
            || rest.starts_with([' ', '\u{3000}'])
            || title.chars().next().is_some_and(is_han));
    ok.then_some((nums, chinese))
}

/// `一` … `九十九`; `None` for anything else.
fn chinese_number(s: &str) -> Option<u32> {
    const DIGITS: &str = "零一二三四五六七八九";
    let digit = |c: char| DIGITS.chars().position(|d| d == c).map(|p| p as u32);
    let cs: Vec<char> = s.trim().chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// The line closing a YAML front matter block that opens the document (`---`, `key: value`
/// lines, `---` or `...`); `None` when the document does not start with one.
fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first()?.trim_end() != "---" {
        return None;
    }
    for (i, line) in lines.iter().enumerate().skip(1) {
        let t = line.trim_end();
        if i > 1 && matches!(t, "---" | "...") {
            return Some(i);
        }
        let yaml_like = line.starts_with([' ', '\t', '-'])
            || t.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty() && !k.contains(' ') || k.starts_with(['"', '\''])
            });
        if !yaml_like {
            return None;
        }
    }
    None
}

impl Prepared {
    fn insert(&mut self, s: &str) {
        let total = self.inserts.last().map_or(0, |&(_, t)| t) + s.len();
        self.inserts.push((self.text.len(), total));
        self.text.push_str(s);
    }
}

enum Repair {
    None,
    /// Insert the text at this byte offset of the line.
    InsertAt(usize, &'static str),
    /// `#标题`: a space after the hashes (at this offset), noted for W221.
    HashTitle(usize),
}

/// Decides the repair for one line and updates the state.
fn repair(line: &str, st: &mut State) -> Repair {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if let Some((ch, len)) = st.fence {
        if fence_run(trimmed, ch) >= len && trimmed.trim_start_matches(ch).trim().is_empty() {
            st.fence = None;
            return Repair::None;
        }
        // `);```` : the code ends on this line.
        if let Some(at) = trailing_fence(line, ch, len) {
            st.fence = None;
            return Repair::InsertAt(at, "\n");
        }
        return Repair::None;
    }
    if trimmed.is_empty() {
        *st = State::default();
        return Repair::None;
    }
    if let Some(fence) = opening_fence(trimmed) {
        *st = State {
            fence: Some(fence),
            ..State::default()
        };
        // "```sql CREATE TABLE users (": the code starts on the fence line.
        return match code_after_info(trimmed, fence) {
            Some(at) => Repair::InsertAt(indent + at, "\n"),
            None => Repair::None,
        };
    }
    if indent <= 3 && is_dash_line(trimmed) {
        let sentence = st.para_lines >= 2 || st.para_sentence;
        let after_para = st.para_lines > 0 && !st.in_container;
        *st = State::default();
        // A blank line before it makes `---` a thematic break.
        return if after_para && sentence {
            Repair::InsertAt(0, "\n")
        } else {
            Repair::None
        };
    }
    if indent == 0 && is_hash_title(line) {
        *st = State::default();
        let hashes = line.len() - line.trim_start_matches('#').len();
        return Repair::HashTitle(hashes);
    }
    if indent <= 3 && (trimmed.starts_with('#') || trimmed.starts_with('<')) {
        *st = State::default();
        return Repair::None;
    }
    // `•` / `●` / `▪` bullets (pasted from Word or web pages) are list items: the marker
    // the parser knows goes before them, and [`crate::prd`] drops the bullet from the text.
    if indent <= 3 && trimmed.starts_with(BULLETS) {
        st.in_container = true;
        return Repair::InsertAt(indent, "- ");
    }
    if is_container_line(trimmed) {
        st.in_container = true;
    }
    if !st.in_container {
        st.para_lines += 1;
        st.para_sentence |= reads_like_sentence(trimmed);
    } else {
        st.para_lines = st.para_lines.max(1);
    }
    Repair::None
}

/// How many `ch` the text starts with.
fn fence_run(s: &str, ch: char) -> usize {
    s.chars().take_while(|&c| c == ch).count()
}

/// "```sql" / "~~~" → the fence; a backtick fence's info string has no backtick (so
/// "``` a```" is inline code, not a fence).
fn opening_fence(trimmed: &str) -> Option<(char, usize)> {
    let ch = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = fence_run(trimmed, ch);
    let info = &trimmed[len..];
    (len >= 3 && !(ch == '`' && info.contains('`'))).then_some((ch, len))
}

/// Where code starts in an opening fence's info string (`sql CREATE TABLE …`): after the
/// language word, when the rest begins with a declaration keyword.
fn code_after_info(trimmed: &str, (_, len): (char, usize)) -> Option<usize> {
    const KEYWORDS: &[&str] = &[
        "create",
        "alter",
        "insert",
        "drop",
        "interface",
        "export",
        "model",
        "enum",
        "class",
    ];
    let info = &trimmed[len..];
    let lang_start = info.len() - info.trim_start().len();
    let lang_len = info[lang_start..].find(char::is_whitespace)?;
    let rest_at = lang_start + lang_len;
    let rest = info[rest_at..].trim_start();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let after = rest[word.len()..].chars().next();
    let code = KEYWORDS.contains(&word.to_ascii_lowercase().as_str())
        && after.is_some_and(char::is_whitespace);
    code.then(|| len + info.len() - rest.len())
}

/// The offset of a closing fence run at the end of a code line that has code before it
/// (two spaces, then `` );``` ``: 4).
fn trailing_fence(line: &str, ch: char, len: usize) -> Option<usize> {
    let end = line.trim_end();
    let code = end.trim_end_matches(ch);
    let run = end.len() - code.len();
    // A line with the fence inside too ("use ```x```") is shown code, not the end.
    let fence: String = std::iter::repeat_n(ch, 3).collect();
    (run >= len && !code.trim().is_empty() && !code.contains(&fence)).then_some(code.len())
}

/// Offsets of the unescaped `|` inside code spans of a table row (`` `a|b` ``).
fn pipes_in_code_spans(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        let open_end = i + run;
        // The closing run of the same length, if any: the span between.
        let close = (open_end..bytes.len()).find(|&j| {
            bytes[j] == b'`'
                && (j == 0 || bytes[j - 1] != b'`')
                && bytes[j..].iter().take_while(|&&b| b == b'`').count() == run
        });
        let Some(close) = close else {
            break;
        };
        out.extend((open_end..close).filter(|&j| bytes[j] == b'|' && bytes[j - 1] != b'\\'));
        i = close + run;
    }
    out
}

/// A table's delimiter row: `|---|:--:|`, `--- | ---` (with at least one `|`).
fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('|')
        && t.contains('-')
        && t.chars().all(|c| matches!(c, '|' | ':' | '-' | ' ' | '\t'))
}

/// `---` (only dashes, at least three): a setext underline or a thematic break.
fn is_dash_line(trimmed: &str) -> bool {
    let t = trimmed.trim_end();
    t.len() >= 3 && t.chars().all(|c| c == '-')
}

/// List items, table rows and quotes: lines a setext underline cannot turn into a heading.
fn is_container_line(trimmed: &str) -> bool {
    let after_digits = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
    trimmed.starts_with(['|', '>'])
        || (trimmed.len() > 1
            && trimmed.starts_with(['-', '*', '+'])
            && trimmed[1..].starts_with([' ', '\t']))
        || (after_digits.len() < trimmed.len()
            && (after_digits.starts_with(". ") || after_digits.starts_with(") ")))
}

/// A line no one would underline as a title: long, several clauses, or ending like a
/// sentence (`。`, `.`, `:`), or a `label: value` line.
fn reads_like_sentence(trimmed: &str) -> bool {
    let t = trimmed.trim_end();
    t.chars().count() > 40
        || t.ends_with([
            '。', '.', '!', '?', '！', '？', ';', '；', ',', '，', '、', ':', '：',
        ])
        || t.contains(": ")
        || t.contains('：')
}

/// `#用户表`, `##Data Model`: hashes, then a title at once. Not `#123` (an issue), not a
/// `#话题#` tag, not a sentence, not `#include`.
fn is_hash_title(line: &str) -> bool {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return false;
    }
    let rest = line[hashes..].trim_end();
    let Some(first) = rest.chars().next() else {
        return false;
    };
    // A no-break or ideographic space after the hashes is not a space to CommonMark.
    let starts_like_title = is_han(first)
        || matches!(first, '【' | '《' | '（' | '\u{a0}' | '\u{3000}')
        || first.is_ascii_uppercase();
    starts_like_title
        && !rest.contains('#')
        && rest.chars().count() <= 40
        && !rest.ends_with(['。', '！', '？', '，', '.', '!', '?', ','])
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(src: &str) -> String {
        prepare(src).text
    }

    #[test]
    fn hash_titles() {
        assert_eq!(repaired("#课程\n## 字段\n"), "# 课程\n## 字段\n");
        assert_eq!(repaired("##Data Model\n"), "## Data Model\n");
        assert_eq!(repaired("##\u{3000}数据模型\n"), "## \u{3000}数据模型\n");
        for keep in [
            "#123 fixed\n",
            "#话题# 讨论\n",
            "#include <x>\n",
            "#hashtag\n",
            "  #缩进\n",
            "#这是一句很长的话。\n",
            "#######七级\n",
        ] {
            assert_eq!(repaired(keep), keep);
        }
        let p = prepare("intro\n#课程\n#用户\n");
        let d = p.diagnostics();
        assert_eq!((d[0].code.as_str(), d[0].line), ("W221", 2));
        assert!(d[0].message.en.contains("2 such"));
    }

    #[test]
    fn dashes_after_sentences_are_breaks() {
        // Several lines, or one sentence: a thematic break.
        assert_eq!(
            repaired("line one\nline two\n---\n"),
            "line one\nline two\n\n---\n"
        );
        assert_eq!(repaired("这是一段说明。\n---\n"), "这是一段说明。\n\n---\n");
        assert_eq!(
            repaired("**Date**: 2025-01-01\n---\n"),
            "**Date**: 2025-01-01\n\n---\n"
        );
        // After a table: a break, as the parser reads it too.
        assert_eq!(
            repaired("| a |\n|---|\n| b |\n---\n"),
            "| a |\n|---|\n| b |\n\n---\n"
        );
        // A short title: a setext heading as written; lists: left to the parser.
        for keep in ["Orders\n------\n", "- a\n---\n", "x\n\n---\n"] {
            assert_eq!(repaired(keep), keep);
        }
    }

    #[test]
    fn tables_end_where_their_rows_end() {
        // A bold title and a second table glued under a table.
        assert_eq!(
            repaired("| a |\n|---|\n| x |\n**用户表 (User)**\n| b |\n|---|\n| y |\n"),
            "| a |\n|---|\n| x |\n\n**用户表 (User)**\n\n| b |\n|---|\n| y |\n"
        );
        assert_eq!(
            repaired("| a |\n|---|\n| x |\n| b | c |\n|---|---|\n"),
            "| a |\n|---|\n| x |\n\n| b | c |\n|---|---|\n"
        );
        // A table right under a list item.
        assert_eq!(
            repaired("- 字段如下：\n| c |\n|---|\n"),
            "- 字段如下：\n\n| c |\n|---|\n"
        );
        for keep in [
            "| a |\n|---|\n| x |\n\ntext\n",
            "a | b\n--|--\nx | y\n",
            "```\n| a |\n|---|\nx\n```\n",
        ] {
            assert_eq!(repaired(keep), keep);
        }
    }

    #[test]
    fn bullets_are_list_items() {
        assert_eq!(
            repaired("说明：\n•借还登记\n● 逾期提醒\n"),
            "说明：\n- •借还登记\n- ● 逾期提醒\n"
        );
        let doc = crate::prd::parse("说明：\n•借还登记\n  ▪ 扫码\n");
        let Some(crate::prd::Block::List(items)) = doc.sections[0].blocks.get(1) else {
            panic!("list: {:?}", doc.sections[0].blocks)
        };
        assert_eq!(
            (items[0].text.as_str(), items[0].raw.as_str()),
            ("借还登记", "借还登记")
        );
        assert_eq!((items[0].pos.line, items[0].pos.col), (2, 1));
        assert_eq!((items[1].text.as_str(), items[1].depth), ("扫码", 1));
    }

    #[test]
    fn pipes_in_code_spans_of_tables_are_escaped() {
        assert_eq!(
            repaired("| f | t |\n|---|---|\n| status | `a|b` |\n| k | `x\\|y` |\n"),
            "| f | t |\n|---|---|\n| status | `a\\|b` |\n| k | `x\\|y` |\n"
        );
        // Outside tables, and unclosed spans: untouched.
        for keep in ["text `a|b`\n", "| f |\n|---|\n| `a | b |\n"] {
            assert_eq!(repaired(keep), keep);
        }
        let doc = crate::prd::parse("| f | t |\n|---|---|\n| status | `a|b|c` |\n");
        let Some(crate::prd::Block::Table(t)) = doc.sections[0].blocks.first() else {
            panic!("table")
        };
        assert_eq!(t.rows[0].cells[1].text, "a|b|c");
        assert_eq!(t.rows[0].cells[1].pos.col, 12);
    }

    #[test]
    fn yaml_blocks_only_at_the_start() {
        // Front matter is kept; a `---` + text later in the document is not a YAML block.
        let fm = "---\ntitle: Garden\ntags:\n  - a\n---\n# Garden\n";
        assert_eq!(repaired(fm), fm);
        assert_eq!(
            repaired("intro\n\n---\n## A\ntext\n---\n"),
            "intro\n\n---\n\n## A\ntext\n---\n"
        );
        // A document opening with a divider, not YAML.
        assert_eq!(repaired("---\n# Title\n---\n"), "---\n\n# Title\n---\n");
    }

    #[test]
    fn fence_closed_on_code_line() {
        let src =
            "```sql\nCREATE TABLE a (\n  id int\n);```\n\n```sql\nCREATE TABLE b (id int);\n```\n";
        let p = prepare(src);
        assert!(p.text.contains(");\n```\n\n```sql"), "{}", p.text);
        // Code on the opening fence's line moves to a line of its own.
        assert_eq!(
            repaired("```sql CREATE TABLE a (\n  id int\n);\n```\n"),
            "```sql \nCREATE TABLE a (\n  id int\n);\n```\n"
        );
        let doc = crate::prd::parse("x\n\n```sql CREATE TABLE a (\n  id int\n);\n```\n");
        let Some(crate::prd::Block::Code(c)) = doc.sections[0].blocks.get(1) else {
            panic!("code")
        };
        assert_eq!(
            (c.lang.as_str(), c.lines[0].text.as_str()),
            ("sql", "CREATE TABLE a (")
        );
        assert_eq!((c.lines[0].pos.line, c.lines[0].pos.col), (3, 8));
        assert_eq!(c.lines[1].pos.line, 4);
        for keep in [
            "```ts title=\"a.ts\"\nx\n```\n",
            "```js {1,3}\nx\n```\n",
            "```sql\nx\n```\n",
        ] {
            assert_eq!(repaired(keep), keep);
        }
        // Inline code spans and nested longer fences are not touched.
        for keep in ["``` login [x]```\n", "````md\n```sql\nx```\n````\n"] {
            assert_eq!(repaired(keep), keep);
        }
    }

    #[test]
    fn outline_numbers() {
        for (line, want) in [
            ("4.1 送货记录", Some(vec![4, 1])),
            ("一、项目背景", Some(vec![1])),
            ("（二）范围", Some(vec![1, 2])),
            ("第三章 数据", Some(vec![3])),
            ("第2节 字段", Some(vec![1, 2])),
            ("1. 用户可以登录系统，并查看自己的订单。", None),
            ("2024 年度计划", None),
            ("  3.1 缩进", None),
        ] {
            assert_eq!(outline_number(line).map(|(n, _)| n), want, "{line}");
        }
        let src = "图书馆需求\n1. 背景\n说明文字。\n2. 数据\n2.1 图书 (Book)\n| a |\n|---|\n3. 其他\n1. 第一步\n";
        let t = repaired(src);
        assert!(
            t.starts_with("# 图书馆需求\n## 1. 背景\n说明文字。\n## 2. 数据\n### 2.1 图书"),
            "{t}"
        );
        assert!(t.contains("## 3. 其他\n1. 第一步"), "{t}");
        // A document with headings is left alone.
        assert_eq!(
            repaired("# T\n1. 背景\n1.1 范围\n"),
            "# T\n1. 背景\n1.1 范围\n"
        );
    }

    #[test]
    fn offsets_map_back() {
        let p = prepare("#课程\nab\n");
        // "# 课程\nab\n": the inserted space maps to its place, later bytes shift back.
        assert_eq!(p.source_offset(0), 0);
        assert_eq!(p.source_offset(1), 1);
        assert_eq!(p.source_offset(2), 1);
        let ab = p.text.find("ab").unwrap_or(0);
        assert_eq!(p.source_offset(ab), "#课程\n".len());
        let p = prepare("a b c d\ne f\n---\n#用户\n");
        let t = p.text.find("用户").unwrap_or(0);
        assert_eq!(p.source_offset(t), "a b c d\ne f\n---\n#".len());
    }

    /// Random layouts: the parser never panics and every position is one in the source.
    #[test]
    fn positions_stay_in_the_source() {
        let alphabet = [
            "#用户",
            "## ",
            "---\n",
            "***\n",
            "| a | b |\n",
            "|---|---|\n",
            "- x\n",
            "1. 背景\n",
            "4.1 表\n",
            "```sql\n",
            ");```\n",
            "```\n",
            "text\n",
            "长句子，还没有结束。\n",
            "\n",
            "\r\n",
            "\r",
            "\u{feff}",
            "**粗体**\n",
            "第一章 总则\n",
            "一、概述\n",
            "key: v\n",
            "...\n",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            let mut src = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                src.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let norm = crate::prd::normalize(&src);
            let lines: Vec<&str> = norm.split('\n').collect();
            let doc = crate::prd::parse(&src);
            let check = |p: crate::prd::Pos| {
                let line = lines.get(p.line as usize - 1);
                assert!(line.is_some(), "line {} of {src:?}", p.line);
                let len = line.map_or(0, |l| l.chars().count()) as u32;
                assert!(p.col >= 1 && p.col <= len + 1, "col {} of {src:?}", p.col);
            };
            for sec in &doc.sections {
                check(sec.pos);
                for b in &sec.blocks {
                    match b {
                        crate::prd::Block::Paragraph(ls) => ls.iter().for_each(|l| check(l.pos)),
                        crate::prd::Block::List(items) => items.iter().for_each(|i| check(i.pos)),
                        crate::prd::Block::Table(t) => {
                            check(t.pos);
                            t.rows
                                .iter()
                                .flat_map(|r| &r.cells)
                                .for_each(|c| check(c.pos));
                        }
                        crate::prd::Block::Code(c) => {
                            check(c.pos);
                            for l in &c.lines {
                                check(l.pos);
                                let at = lines.get(l.pos.line as usize - 1).copied();
                                let shown = at.unwrap_or("");
                                assert!(
                                    shown.contains(l.text.trim()),
                                    "code {l:?} at {shown:?} in {src:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
