//! Text normalization shared by every extractor: full-width folding and heading cleanup.

use regex::Regex;
use std::sync::LazyLock;

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

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:第[一二三四五六七八九十百零\d]+[章节部分篇条]\s*|[一二三四五六七八九十]+[,.]\s*|\([一二三四五六七八九十\d]+\)\s*|[A-Za-z]?\d+(?:\.\d+)*[.),]?\s*)",
    )
    .expect("numbering regex")
});

static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:mandatory|optional|include if[^)]*|如果[^)]*|必填|可选|必需)\)\s*$")
        .expect("suffix regex")
});

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
}
