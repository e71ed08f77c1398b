//! String literals, and what hex, base64 and char-code data decodes to.
//!
//! Malware hides names (`child_process`, `_compile`, `npm_package_description`), paths
//! (`./test/data`) and whole programs in encoded strings. What decodes to text is collected
//! into a [`Decoded`] buffer that the YARA rules scan like a file, each piece remembering
//! where in the file it came from, so that a hit in decoded text points at the encoded line.

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

/// Literals longer than this are not read as literals (blobs are found by the blob scanner).
pub(crate) const MAX_LITERAL_BYTES: usize = 4096;
/// Literals read per file, at most.
const MAX_LITERALS: usize = 200_000;
/// Decoded text kept per file, at most.
pub(crate) const MAX_DECODED_BYTES: usize = 1024 * 1024;

/// A string literal: its content's offset in the file and the content (escapes not applied).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Literal<'a> {
    pub offset: usize,
    pub text: &'a [u8],
}

/// The quoted strings of code (`'...'`, `"..."`, `` `...` ``), in order: a quote starts a
/// literal, which ends at the same unescaped quote on the same line (backquotes may span
/// lines). Comments are not told apart: a quote in a comment may pair oddly, which only
/// costs a few wrong literals.
pub(crate) fn literals(data: &[u8]) -> Vec<Literal<'_>> {
    let mut found = Vec::new();
    let mut position = 0usize;
    while found.len() < MAX_LITERALS {
        let Some(start) = data
            .get(position..)
            .and_then(|rest| memchr::memchr3(b'\'', b'"', b'`', rest))
            .map(|relative| position + relative)
        else {
            break;
        };
        let Some(&quote) = data.get(start) else {
            break;
        };
        let content = start + 1;
        // The closing quote is looked for past the length kept: a long literal skipped whole
        // keeps its closing quote from opening a literal of its own. Each search ends at the
        // next same quote or the end of the line (of the file, for a backquote), so the scan
        // stays linear.
        let rest = data.get(content..).unwrap_or_default();
        let mut end = None;
        let mut index = 0usize;
        while let Some(&byte) = rest.get(index) {
            if byte == b'\\' {
                index += 2;
                continue;
            }
            if byte == quote {
                end = Some(index);
                break;
            }
            if byte == b'\n' && quote != b'`' {
                break;
            }
            index += 1;
        }
        match end {
            Some(length) => {
                if length <= MAX_LITERAL_BYTES {
                    found.push(Literal {
                        offset: content,
                        text: rest.get(..length).unwrap_or_default(),
                    });
                }
                position = content + length + 1;
            }
            // No closing quote on the line: an apostrophe in a comment; go on after it.
            None => position = content,
        }
    }
    found
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const BASE64: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const BASE64_URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

pub(crate) fn is_hex(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(u8::is_ascii_hexdigit)
}

pub(crate) fn hex_decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !is_hex(text) {
        return None;
    }
    let value = |byte: u8| match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    };
    text.chunks_exact(2)
        .map(|pair| match pair {
            [high, low] => Some(value(*high)? << 4 | value(*low)?),
            _ => None,
        })
        .collect()
}

pub(crate) fn is_base64_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'-' | b'_' | b'=')
}

/// Base64 (standard or URL-safe, padding optional) of at least `min` characters.
pub(crate) fn base64_decode(text: &[u8], min: usize) -> Option<Vec<u8>> {
    let trimmed_len = text
        .iter()
        .rposition(|byte| *byte != b'=')
        .map_or(0, |last| last + 1);
    if text.len() < min || !text.iter().all(|byte| is_base64_byte(*byte)) {
        return None;
    }
    // Unpadded text whose length is not a multiple of 4 is rarely base64: words and
    // identifiers are made of the same letters.
    if !text.len().is_multiple_of(4) && trimmed_len == text.len() {
        return None;
    }
    general_purpose::STANDARD
        .decode(text)
        .or_else(|_| BASE64.decode(text))
        .or_else(|_| BASE64_URL.decode(text))
        .ok()
}

/// Text a person could read: UTF-8 without control characters other than whitespace, and at
/// least one letter.
pub(crate) fn is_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.chars().any(char::is_alphabetic)
        && text
            .chars()
            .all(|character| !character.is_control() || matches!(character, '\n' | '\r' | '\t'))
}

/// A short literal decoded: hex of at least 4 digits or base64 of at least 8 characters
/// that decodes to text.
pub(crate) fn decode_literal(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() >= 4 && is_hex(text) {
        return hex_decode(text).filter(|decoded| decoded.len() >= 2 && is_text(decoded));
    }
    // Base64 of text almost always mixes cases; lowercase words and identifiers (the bulk of
    // string literals) are not worth decoding.
    let mixed = text.iter().any(u8::is_ascii_uppercase) && text.iter().any(u8::is_ascii_lowercase);
    if !mixed {
        return None;
    }
    base64_decode(text, 8).filter(|decoded| decoded.len() >= 3 && is_text(decoded))
}

/// Names that code hides in encoded strings so that a reader (or a grep) does not see it
/// run code, spawn processes, decrypt, use the network or read the environment.
pub(crate) const API_NAMES: &[&str] = &[
    "child_process",
    "exec",
    "execSync",
    "spawn",
    "spawnSync",
    "eval",
    "Function",
    "_compile",
    "constructor",
    "createDecipher",
    "createDecipheriv",
    "require",
    "process",
    "env",
    "npm_package_description",
    "http",
    "https",
    "net",
    "request",
    "writeFileSync",
    "readFileSync",
    "subprocess",
    "system",
    "popen",
    "b64decode",
    "marshal",
    "urlopen",
    "socket",
    "os",
    "fetch",
];

/// Text decoded from a file, with where each piece came from.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub text: Vec<u8>,
    /// (offset in `text`, offset in the file), by offset in `text`.
    pieces: Vec<(usize, usize)>,
}

impl Decoded {
    /// Adds `decoded`, found at `offset` of the file; false once the buffer is full.
    pub fn push(&mut self, decoded: &[u8], offset: usize) -> bool {
        if self.text.len() + decoded.len() + 1 > MAX_DECODED_BYTES {
            return false;
        }
        self.pieces.push((self.text.len(), offset));
        self.text.extend_from_slice(decoded);
        self.text.push(b'\n');
        true
    }

    /// The file offset of the piece holding `offset` of the decoded text.
    pub fn origin(&self, offset: usize) -> usize {
        let index = self.pieces.partition_point(|(start, _)| *start <= offset);
        index
            .checked_sub(1)
            .and_then(|index| self.pieces.get(index))
            .map_or(0, |(_, origin)| *origin)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_of_code() {
        let code = br#"var a = require("./x"), b = 'it\'s', c = `multi
line`; // don't"#;
        let texts: Vec<&[u8]> = literals(code).iter().map(|literal| literal.text).collect();
        assert_eq!(
            texts,
            [
                b"./x".as_slice(),
                br"it\'s".as_slice(),
                b"multi\nline".as_slice()
            ]
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(
            decode_literal(b"2e2f746573742f64617461").as_deref(),
            Some(b"./test/data".as_slice())
        );
        assert_eq!(
            decode_literal(b"Y2hpbGRfcHJvY2Vzcw==").as_deref(),
            Some(b"child_process".as_slice())
        );
        assert_eq!(decode_literal(b"deadbeef"), None);
        assert_eq!(decode_literal(b"function"), None);
        assert_eq!(decode_literal(b"constructor"), None);
    }

    #[test]
    fn decoded_pieces_map_back() {
        let mut decoded = Decoded::default();
        assert!(decoded.push(b"abc", 100));
        assert!(decoded.push(b"de", 200));
        assert_eq!(decoded.origin(0), 100);
        assert_eq!(decoded.origin(3), 100);
        assert_eq!(decoded.origin(4), 200);
    }
}
