//! Lines, excerpts and the small text tests the analysers share.

/// The longest excerpt, in characters, escapes included.
pub const MAX_EXCERPT_CHARS: usize = 160;

/// Line numbers of byte offsets, from the positions of the newlines (built only for files
/// with hits).
pub(crate) struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(data: &[u8]) -> Self {
        Lines {
            newlines: memchr::memchr_iter(b'\n', data).collect(),
        }
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let before = self.newlines.partition_point(|&newline| newline < offset);
        u32::try_from(before.saturating_add(1)).unwrap_or(u32::MAX)
    }

    /// The 1-based line of byte `offset`, without an index (one lookup).
    pub fn line_once(data: &[u8], offset: usize) -> u32 {
        let head = data.get(..offset.min(data.len())).unwrap_or_default();
        u32::try_from(memchr::memchr_iter(b'\n', head).count().saturating_add(1))
            .unwrap_or(u32::MAX)
    }
}

/// The line around `offset` (a window of it when it is long), trimmed, with control
/// characters and bytes that are not UTF-8 escaped, at most [`MAX_EXCERPT_CHARS`].
pub(crate) fn excerpt(data: &[u8], offset: usize) -> String {
    let offset = offset.min(data.len());
    let head = data.get(..offset).unwrap_or_default();
    let tail = data.get(offset..).unwrap_or_default();
    let line_start = memchr::memrchr(b'\n', head).map_or(0, |newline| newline + 1);
    let line_end = memchr::memchr(b'\n', tail).map_or(data.len(), |newline| offset + newline);
    // Long (minified) lines: start a little before the match so that it shows with some context.
    let start = if line_end - line_start > MAX_EXCERPT_CHARS && offset - line_start > 40 {
        offset - 40
    } else {
        line_start
    };
    let line = data.get(start..line_end).unwrap_or_default();
    let trimmed = trim_ascii(line);
    let mut shown = escape(trimmed, MAX_EXCERPT_CHARS);
    if start > line_start && !shown.is_empty() {
        shown.insert(0, '…');
        if shown.chars().count() > MAX_EXCERPT_CHARS {
            let cut: String = shown.chars().take(MAX_EXCERPT_CHARS - 1).collect();
            shown = cut;
            shown.push('…');
        }
    }
    shown
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// `bytes` as text with control characters (`\n`, `\t`, `\u{1b}`...) and invalid UTF-8
/// (`\xff`) escaped, cut to `max` characters (the last being `…` when cut).
pub(crate) fn escape(bytes: &[u8], max: usize) -> String {
    let mut shown = String::new();
    let mut count = 0usize;
    let mut push = |piece: &str, shown: &mut String| -> bool {
        let chars = piece.chars().count();
        if count + chars > max.saturating_sub(1) {
            return false;
        }
        shown.push_str(piece);
        count += chars;
        true
    };
    let mut complete = true;
    'chunks: for chunk in bytes.utf8_chunks() {
        for character in chunk.valid().chars() {
            let piece = match character {
                '\n' => "\\n".to_owned(),
                '\r' => "\\r".to_owned(),
                '\t' => "\\t".to_owned(),
                character if character.is_control() => {
                    format!("\\u{{{:x}}}", u32::from(character))
                }
                // Bidirectional overrides and zero-width characters could make the excerpt
                // read differently from the code (Trojan Source).
                character if is_invisible(character) => {
                    format!("\\u{{{:x}}}", u32::from(character))
                }
                character => character.to_string(),
            };
            if !push(&piece, &mut shown) {
                complete = false;
                break 'chunks;
            }
        }
        for byte in chunk.invalid() {
            if !push(&format!("\\x{byte:02x}"), &mut shown) {
                complete = false;
                break 'chunks;
            }
        }
    }
    if !complete {
        shown.push('…');
    }
    shown
}

fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
    )
}

/// The file's extension, lowercase, without the dot ("" when none).
pub(crate) fn extension(path: &str) -> String {
    let name = file_name(path);
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => extension.to_ascii_lowercase(),
        _ => String::new(),
    }
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// The directory part of `path` ("" at the top).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Binary, as `git` and `grep` decide it: a NUL byte in the first 8 KiB.
pub(crate) fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, data.get(..8192).unwrap_or(data)).is_some()
}

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for byte in bytes {
        if let Some(count) = counts.get_mut(usize::from(*byte)) {
            *count += 1;
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "lengths are far below 2^52; entropy is an estimate"
    )]
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|count| **count > 0)
        .map(|count| {
            let probability = f64::from(*count) / total;
            -probability * probability.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_escape_controls_and_cut() {
        assert_eq!(
            excerpt(b"a\n  let x = 1;\t\x1b[0m  \nb", 5),
            "let x = 1;\\t\\u{1b}[0m"
        );
        assert_eq!(excerpt(b"\xff\xfeok", 2), "\\xff\\xfeok");
        let long = "x".repeat(1000);
        let shown = excerpt(long.as_bytes(), 500);
        assert_eq!(shown.chars().count(), MAX_EXCERPT_CHARS);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(excerpt("a\u{202e}b".as_bytes(), 0), "a\\u{202e}b");
    }

    #[test]
    fn lines_are_one_based() {
        let data = b"a\nb\nc";
        let lines = Lines::new(data);
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(4), 3);
        assert_eq!(Lines::line_once(data, 4), 3);
    }

    #[test]
    fn extensions_and_parents() {
        assert_eq!(extension("a/b/Setup.PY"), "py");
        assert_eq!(extension("a/.bashrc"), "");
        assert_eq!(extension("Makefile"), "");
        assert_eq!(parent("a/b/c.js"), "a/b");
        assert_eq!(parent("c.js"), "");
    }
}
