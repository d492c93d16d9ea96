//! Input decoding: the bytes of a PRD file → text. Real PRDs arrive as UTF-8 with or without
//! a BOM, UTF-16 from Windows editors, GBK from older Chinese tools, or UTF-8 with a stray
//! Windows-1252 byte pasted in. Everything readable is read; what had to be guessed is a
//! located warning. Binary data is left for [`crate::analyze`] to refuse (E100).

use crate::diag::{Diagnostic, Text};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;

/// Decodes a PRD file. The text has no BOM; line endings are kept as written (see
/// [`normalize`]). Never fails: undecodable bytes become U+FFFD, which E100 reports.
pub fn decode(bytes: &[u8]) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_1252(rest, &mut diags)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(UTF_16BE, rest)
    } else if let Some(enc) = bomless_utf16(bytes) {
        diags.push(guessed_encoding("W223", "UTF-16", enc.name()));
        utf16(enc, bytes)
    } else if std::str::from_utf8(bytes).is_err() && !is_binary(bytes) && looks_gbk(bytes) {
        diags.push(guessed_encoding("W222", "GBK", "GB18030"));
        GB18030.decode_without_bom_handling(bytes).0.into_owned()
    } else {
        utf8_or_1252(bytes, &mut diags)
    };
    (text, diags)
}

/// Text with `\r\n` and lone `\r` line endings turned into `\n` (one line ending stays one,
/// so line numbers do not move) and a leading BOM removed.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Files concatenated into one PRD keep their BOMs mid-text, where one hides a heading.
    if !text.contains(['\r', '\u{feff}']) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\u{feff}', ""),
    )
}

fn utf16(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// UTF-8, with each byte that is not part of a valid sequence read as Windows-1252 (`0x92` →
/// `’`): one stray byte in a UTF-8 file and a whole 1252 file both come out readable. W220
/// at the first such byte. Binary data is decoded lossily instead, for E100 to report.
fn utf8_or_1252(bytes: &[u8], diags: &mut Vec<Diagnostic>) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    if is_binary(bytes) {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut first: Option<(usize, u8)> = None;
    let mut count = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // `good` is valid by construction; the fallback is never taken.
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len()).max(1);
                for &b in &bad[..n] {
                    first.get_or_insert((out.len(), b));
                    count += 1;
                    out.push_str(&WINDOWS_1252.decode_without_bom_handling(&[b]).0);
                }
                rest = &bad[n..];
            }
        }
    }
    if let Some((offset, byte)) = first {
        diags.push(read_as_1252(&out, offset, byte, count));
    }
    out
}

fn read_as_1252(text: &str, offset: usize, byte: u8, count: usize) -> Diagnostic {
    let (line, col) = line_col(text, offset);
    let ch: String = text[offset..].chars().take(1).collect();
    Diagnostic::warning(
        "W220",
        line,
        col,
        Text::new(
            format!("byte 0x{byte:02X} is not UTF-8; read as Windows-1252 `{ch}` ({count} such byte(s) in the file)"),
            format!("字节 0x{byte:02X} 不是 UTF-8，按 Windows-1252 读作 `{ch}`（文件中共 {count} 个这样的字节）"),
        ),
    )
    .with_help(Text::new(
        "save the PRD as UTF-8 (most editors: Save with Encoding → UTF-8)",
        "请将 PRD 另存为 UTF-8 编码（多数编辑器：另存为 → 编码选 UTF-8）",
    ))
}

fn guessed_encoding(code: &str, what: &str, name: &str) -> Diagnostic {
    Diagnostic::warning(
        code,
        1,
        1,
        Text::new(
            format!("the PRD is not UTF-8; it was read as {what} ({name}) — check that the text below reads right"),
            format!("PRD 不是 UTF-8 编码，已按 {what}（{name}）读取，请确认内容显示正确"),
        ),
    )
    .with_help(Text::new(
        "save the PRD as UTF-8 (most editors: Save with Encoding → UTF-8)",
        "请将 PRD 另存为 UTF-8 编码（多数编辑器：另存为 → 编码选 UTF-8）",
    ))
}

/// 1-based line and column (in characters) of a byte offset; `\r\n`, `\r` and `\n` each end
/// a line, as [`normalize`] counts them.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset).unwrap_or(text);
    let mut line = 1u32;
    let mut col = 1u32;
    let mut prev_cr = false;
    for c in before.chars() {
        match c {
            '\n' if prev_cr => {}
            '\n' | '\r' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
        prev_cr = c == '\r';
    }
    (line, col)
}

/// NUL bytes or many control bytes: not text in any 8-bit encoding.
fn is_binary(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    bytes.contains(&0) || controls * 100 > bytes.len()
}

/// UTF-16 without a BOM: at least a third of the bytes are NUL, nearly all on one side of the
/// 2-byte units (ASCII text in UTF-16 is `x\0` / `\0x`).
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let units = bytes.len() / 2;
    if odd * 3 >= units && even * 20 <= odd {
        Some(UTF_16LE)
    } else if even * 3 >= units && odd * 20 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Chinese text in GBK: the non-ASCII bytes come in pairs from the GB2312 block (both bytes
/// 0xA1–0xFE), which Windows-1252 text (an accented letter between ASCII ones) never shows.
fn looks_gbk(bytes: &[u8]) -> bool {
    let (mut pairs, mut high) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0xA1..=0xFE).contains(&b) && (0xA1..=0xFE).contains(&t) => {
                pairs += 1;
                high += 2;
                i += 2;
            }
            // GBK's extension area (lead 0x81–0xFE, trail 0x40–0xFE): counted, not proof.
            Some(&t) if b != 0xFF && (0x40..=0xFE).contains(&t) && t != 0x7F => {
                high += 2;
                i += 2;
            }
            _ => {
                high += 1;
                i += 1;
            }
        }
    }
    pairs >= 4 && pairs * 2 * 10 >= high * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, d) = decode("# 用户\n".as_bytes());
        assert_eq!((t.as_str(), d.len()), ("# 用户\n", 0));
        let (t, d) = decode(b"\xEF\xBB\xBF# User\n");
        assert_eq!((t.as_str(), d.len()), ("# User\n", 0));
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "# 用户 (User)\n".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&le), ("# 用户 (User)\n".to_string(), vec![]));
        assert_eq!(decode(&be), ("# 用户 (User)\n".to_string(), vec![]));
        let (t, d) = decode(&le[2..]);
        assert_eq!((t.as_str(), codes(&d)), ("# 用户 (User)\n", vec!["W223"]));
    }

    #[test]
    fn stray_1252_byte_in_utf8_is_located() {
        let (t, d) = decode(b"# \xE7\x94\xA8\r\nIt\x92s here\r\n");
        assert_eq!(t, "# 用\r\nIt’s here\r\n");
        assert_eq!(codes(&d), vec!["W220"]);
        assert_eq!((d[0].line, d[0].col), (2, 3));
        assert!(d[0].message.en.contains("0x92"), "{}", d[0].message.en);
    }

    #[test]
    fn whole_1252_file() {
        let (t, d) = decode(b"# Caf\xE9\n\nna\xEFve r\xE9sum\xE9\n");
        assert_eq!(t, "# Café\n\nnaïve résumé\n");
        assert_eq!(codes(&d), vec!["W220"]);
        assert_eq!((d[0].line, d[0].col), (1, 6));
        assert!(d[0].message.en.contains("4 such"), "{}", d[0].message.en);
    }

    #[test]
    fn gbk_chinese() {
        let (bytes, _, _) = GB18030.encode("# 用户表\n\n| 字段 | 类型 |\n");
        let (t, d) = decode(&bytes);
        assert_eq!(t, "# 用户表\n\n| 字段 | 类型 |\n");
        assert_eq!(codes(&d), vec!["W222"]);
    }

    #[test]
    fn binary_is_left_for_e100() {
        let (t, d) = decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8");
        assert!(d.is_empty());
        assert!(t.contains('\u{fffd}') || t.contains('\0'));
    }

    #[test]
    fn normalize_line_endings() {
        assert_eq!(normalize("\u{feff}a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(normalize("# A\n\u{feff}# B\n"), "# A\n# B\n");
        assert!(matches!(normalize("a\nb"), Cow::Borrowed(_)));
    }

    /// Random bytes (BOMs, NULs, invalid UTF-8, GBK pairs): decoding and analysis never panic.
    #[test]
    fn arbitrary_bytes_never_panic() {
        let pieces: [&[u8]; 12] = [
            b"\xFF\xFE",
            b"\xFE\xFF",
            b"\xEF\xBB\xBF",
            b"\0",
            b"\x92",
            b"\xC3",
            b"\xD3\xC3",
            b"# T\n",
            b"| a |\n|---|\n",
            b"\r\n",
            b"\r",
            "用户".as_bytes(),
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..1500 {
            let mut bytes = Vec::new();
            for _ in 0..(seed % 30) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = crate::analyze_bytes(&bytes, &crate::AnalyzeOptions::default());
        }
    }

    /// A diagnostic points at the same line and column whatever the line endings, BOM or
    /// encoding of the file.
    #[test]
    fn positions_do_not_drift() {
        let src = "# Shop (shop)\n\n## Data Model\n\n### Order\n\n| Field | Type |\n|---|---|\n| code | string |\n| paid_at |  |\n";
        let at = |bytes: &[u8]| {
            let a = crate::analyze_bytes(bytes, &crate::AnalyzeOptions::default());
            a.diagnostics
                .iter()
                .find(|d| d.code == "W201")
                .map(|d| (d.line, d.col))
        };
        let want = at(src.as_bytes());
        assert_eq!(want, Some((10, 3)));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(src.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            src.replace('\n', "\r\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        for bytes in [
            src.replace('\n', "\r\n").into_bytes(),
            src.replace('\n', "\r").into_bytes(),
            bom,
            utf16,
        ] {
            assert_eq!(at(&bytes), want, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }
}
