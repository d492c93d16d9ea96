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

static NUMBERING: LazyLock<DigitRegex> = LazyLock::new(|| {
    DigitRegex::new(
        r"^(?:第[一二三四五六七八九十百零\d]+[章节部分篇条]\s*|[一二三四五六七八九十]+[,.]\s*|\([一二三四五六七八九十\d]+\)\s*|[A-Za-z]?\d+(?:\.\d+)*[.),]?\s*)",
    )
});

static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:mandatory|optional|include if[^)]*|如果[^)]*|必填|可选|必需)\)\s*$")
        .expect("suffix regex")
});

/// A regex whose pattern uses `\d`, compiled for the text it is run on. Unicode `\d` (the
/// decimal digits of every script) is ~70 ranges and costs far more to compile than `[0-9]`
/// (`[^\d\n]{0,40}` forty times over), while folded text practically never holds a decimal
/// digit outside ASCII. So the pattern is compiled with `[0-9]` in place of `\d` for text
/// without such a digit, where both match the same, and as written only for text with one.
pub struct DigitRegex {
    pattern: String,
    ascii: OnceLock<Regex>,
    unicode: OnceLock<Regex>,
}

impl DigitRegex {
    pub fn new(pattern: &str) -> Self {
        DigitRegex {
            pattern: pattern.to_string(),
            ascii: OnceLock::new(),
            unicode: OnceLock::new(),
        }
    }

    /// The compiled regex to run on `text`.
    pub fn get(&self, text: &str) -> &Regex {
        // `is_numeric` (Nd, Nl, No) covers every character `\d` (Nd) matches.
        let other_digits =
            !text.is_ascii() && text.chars().any(|c| !c.is_ascii() && c.is_numeric());
        if other_digits {
            self.unicode.get_or_init(|| compile(&self.pattern))
        } else {
            self.ascii
                .get_or_init(|| compile(&ascii_digits(&self.pattern)))
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

    pub fn replace<'h>(&self, text: &'h str, rep: &str) -> Cow<'h, str> {
        self.get(text).replace(text, rep)
    }
}

fn compile(pattern: &str) -> Regex {
    // The patterns are constants; a bad one is a bug caught by the tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("regex {pattern}: {e}"))
}

/// `pattern` with every `\d` written `[0-9]` (a class nested in a class is valid:
/// `[^\d\n]` → `[^[0-9]\n]`).
fn ascii_digits(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some(n) => {
                out.push(c);
                out.push(n);
            }
            None => out.push(c),
        }
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
    fn digit_regex() {
        assert_eq!(
            ascii_digits(r"[^\d\n]{0,4}\\d\.\d+"),
            r"[^[0-9]\n]{0,4}\\d\.[0-9]+"
        );
        let r = DigitRegex::new(r"^[^\d\n]*(\d+)$");
        // Arabic-Indic digits are `\d` too.
        for (text, want) in [
            ("abc 42", Some("42")),
            ("用户 ٤٢", Some("٤٢")),
            ("a\n1", None),
        ] {
            let got = r.captures(text).map(|c| c[1].to_string());
            assert_eq!(got.as_deref(), want, "{text}");
        }
    }
}
