//! Text normalization shared by every extractor: full-width folding and heading cleanup.

use regex::{CaptureMatches, Captures, Match, Regex};
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

/// Full-width ASCII and CJK punctuation → ASCII (`（用户）：` → `(用户):`), ideographic
/// space → space. Other characters are kept.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            '、' => ',',
            '。' => '.',
            '“' | '”' | '「' | '」' => '"',
            '‘' | '’' => '\'',
            _ => c,
        })
        .collect()
}

static NUMBERING: LazyLock<NarrowRegex> = LazyLock::new(|| {
    NarrowRegex::digits(
        r"^(?:第[一二三四五六七八九十百零\d]+[章节部分篇条]\s*|[一二三四五六七八九十]+[,.]\s*|\([一二三四五六七八九十\d]+\)\s*|[A-Za-z]?\d+(?:\.\d+)*[.),]?\s*)",
    )
});

static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:mandatory|optional|include if[^)]*|如果[^)]*|必填|可选|必需)\)\s*$")
        .expect("suffix regex")
});

/// A regex compiled for the text it is run on: as written, or, where that matches the same,
/// with narrow ASCII classes in place of Unicode ones, which cost far less to compile.
///
/// - [`NarrowRegex::digits`]: Unicode `\d` (the decimal digits of every script) is ~70
///   ranges (`[^\d\n]{0,40}` forty times over); folded text practically never holds a
///   decimal digit outside ASCII, so `\d` is compiled as `[0-9]` for text without one.
/// - [`NarrowRegex::ascii`]: `\p{L}`, `\p{N}` and `\d` are compiled as `[A-Za-z]`, `[0-9]`
///   and `[0-9]` for ASCII text. Only for patterns without `(?i)`.
pub struct NarrowRegex {
    pattern: String,
    /// Whether letters (`\p{L}`, `\p{N}`) are narrowed too, for ASCII text only.
    letters: bool,
    narrow: OnceLock<Regex>,
    unicode: OnceLock<Regex>,
}

impl NarrowRegex {
    pub fn digits(pattern: &str) -> Self {
        Self::new(pattern, false)
    }

    pub fn ascii(pattern: &str) -> Self {
        Self::new(pattern, true)
    }

    fn new(pattern: &str, letters: bool) -> Self {
        NarrowRegex {
            pattern: pattern.to_string(),
            letters,
            narrow: OnceLock::new(),
            unicode: OnceLock::new(),
        }
    }

    /// The compiled regex to run on `text`.
    pub fn get(&self, text: &str) -> &Regex {
        let wide = if self.letters {
            !text.is_ascii()
        } else {
            // `is_numeric` (Nd, Nl, No) covers every character `\d` (Nd) matches.
            !text.is_ascii() && text.chars().any(|c| !c.is_ascii() && c.is_numeric())
        };
        if wide {
            self.unicode.get_or_init(|| compile(&self.pattern))
        } else {
            self.narrow
                .get_or_init(|| compile(&narrow(&self.pattern, self.letters)))
        }
    }

    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.get(text).captures(text)
    }

    pub fn captures_iter<'r, 'h>(&'r self, text: &'h str) -> CaptureMatches<'r, 'h> {
        self.get(text).captures_iter(text)
    }

    pub fn find<'h>(&self, text: &'h str) -> Option<Match<'h>> {
        self.get(text).find(text)
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.get(text).is_match(text)
    }

    pub fn replace<'h>(&self, text: &'h str, rep: &str) -> Cow<'h, str> {
        self.get(text).replace(text, rep)
    }
}

fn compile(pattern: &str) -> Regex {
    // The patterns are constants; a bad one is a bug caught by the tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("regex {pattern}: {e}"))
}

/// `pattern` with every `\d` written `[0-9]` and, with `letters`, every `\p{L}` `[A-Za-z]`
/// and `\p{N}` `[0-9]` (a class nested in a class is valid: `[^\d\n]` → `[^[0-9]\n]`).
fn narrow(pattern: &str, letters: bool) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        let (put, len) = match c {
            '\\' if rest[1..].starts_with('d') => ("[0-9]", 2),
            '\\' if letters && rest[1..].starts_with("p{L}") => ("[A-Za-z]", 5),
            '\\' if letters && rest[1..].starts_with("p{N}") => ("[0-9]", 5),
            // Any other escape, kept whole (`\\d` is a backslash and a `d`).
            '\\' => (
                &rest[..1 + rest[1..].chars().next().map_or(0, char::len_utf8)],
                1 + rest[1..].chars().next().map_or(0, char::len_utf8),
            ),
            _ => (&rest[..c.len_utf8()], c.len_utf8()),
        };
        out.push_str(put);
        rest = &rest[len..];
    }
    out
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF | 0xFE0F | 0x200D | 0x20E3)
}

/// Heading text ready for matching: folded, emoji and leading numbering removed, optional
/// `(mandatory)`-style suffix and trailing `:` dropped, whitespace collapsed.
pub fn normalize_title(raw: &str) -> String {
    let folded: String = fold(raw).chars().filter(|c| !is_emoji(*c)).collect();
    let mut t = folded.trim().to_string();
    // `A1.` style numbering only when followed by more text; keep a bare `V2` heading.
    if let Some(m) = NUMBERING.find(&t) {
        if m.end() < t.len() && !m.as_str().is_empty() {
            let starts_alpha = m.as_str().starts_with(|c: char| c.is_ascii_alphabetic());
            if !starts_alpha {
                t = t[m.end()..].to_string();
            }
        }
    }
    t = SUFFIX.replace(&t, "").to_string();
    let t = t.trim().trim_end_matches(':').trim();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes inline Markdown marks (`**`, `__`, `~~`, backticks) from a raw source fragment.
pub fn plain_inline(raw: &str) -> String {
    if !raw.contains(['*', '_', '~', '`']) {
        return raw.to_string();
    }
    raw.replace("**", "")
        .replace("__", "")
        .replace("~~", "")
        .replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        for (raw, want) in [
            ("2.1.1 User", "User"),
            ("一、项目概述", "项目概述"),
            ("（一）用户模块", "用户模块"),
            ("第3章 数据字典", "数据字典"),
            ("📦 Orders", "Orders"),
            (
                "User Scenarios & Testing (mandatory)",
                "User Scenarios & Testing",
            ),
            ("用户（User）：", "用户(User)"),
            ("1. Introduction", "Introduction"),
            (
                "Key Entities (include if feature involves data)",
                "Key Entities",
            ),
            ("2.1用户", "用户"),
            ("User", "User"),
        ] {
            assert_eq!(normalize_title(raw), want, "{raw}");
        }
    }

    #[test]
    fn narrow_regex() {
        assert_eq!(
            narrow(r"[^\d\n]{0,4}\\d\.\d+\p{L}", false),
            r"[^[0-9]\n]{0,4}\\d\.[0-9]+\p{L}"
        );
        assert_eq!(
            narrow(r"[\p{L}\p{N}_]+\p{Han}", true),
            r"[[A-Za-z][0-9]_]+\p{Han}"
        );
        let r = NarrowRegex::digits(r"^[^\d\n]*(\d+)$");
        // Arabic-Indic digits are `\d` too.
        for (text, want) in [
            ("abc 42", Some("42")),
            ("用户 ٤٢", Some("٤٢")),
            ("a\n1", None),
        ] {
            let got = r.captures(text).map(|c| c[1].to_string());
            assert_eq!(got.as_deref(), want, "{text}");
        }
        let r = NarrowRegex::ascii(r"^([\p{L}\p{N}_]+)$");
        for (text, want) in [("draft_2", true), ("待支付", true), ("a-b", false)] {
            assert_eq!(r.is_match(text), want, "{text}");
        }
    }
}
