//! Where a source file is documentation rather than code: comments, and Python docstrings. A
//! rule matching there (a webhook URL in a docstring's example, a reverse shell quoted in a
//! comment) describes code; it is not code that runs.
//!
//! A small lexer per language, linear in the file: strings are skipped so that `#` or `//`
//! inside them is not a comment. A Python triple-quoted string is a docstring when it stands
//! as a statement of its own (at the start of the file, or after a line that ends a
//! statement or opens a block), not when it is a value (`x = """..."""`, `exec("""...""")`).

/// Languages whose comments are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Language {
    Python,
    /// JavaScript and TypeScript: `//`, `/* */`, strings in `'`, `"` and `` ` ``.
    JavaScript,
}

impl Language {
    pub(crate) fn of_extension(extension: &str) -> Option<Language> {
        match extension {
            "py" | "pyw" => Some(Language::Python),
            "js" | "cjs" | "mjs" | "jsx" | "ts" | "cts" | "mts" | "tsx" => {
                Some(Language::JavaScript)
            }
            _ => None,
        }
    }
}

/// Sorted, disjoint byte ranges of documentation.
#[derive(Debug, Default)]
pub(crate) struct Documentation {
    ranges: Vec<(usize, usize)>,
}

impl Documentation {
    pub(crate) fn of(data: &[u8], language: Language) -> Documentation {
        let ranges = match language {
            Language::Python => python(data),
            Language::JavaScript => javascript(data),
        };
        Documentation { ranges }
    }

    /// Whether the byte at `offset` is in a comment or docstring.
    pub(crate) fn contains(&self, offset: usize) -> bool {
        let index = self.ranges.partition_point(|(start, _)| *start <= offset);
        index > 0
            && self
                .ranges
                .get(index - 1)
                .is_some_and(|(_, end)| offset < *end)
    }
}

fn python(data: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut at = 0usize;
    // The last byte of code seen that was not white space: decides whether a string begins a
    // statement.
    let mut last_code: Option<u8> = None;
    while let Some(rest) = data.get(at..) {
        // Only `#` and quotes start something; what lies between is code.
        let Some(skip) = memchr::memchr3(b'#', b'\'', b'"', rest) else {
            break;
        };
        if let Some(byte) = rest
            .get(..skip)
            .and_then(|code| code.iter().rev().find(|byte| !byte.is_ascii_whitespace()))
        {
            last_code = Some(*byte);
        }
        at += skip;
        let Some(&byte) = data.get(at) else {
            break;
        };
        if byte == b'#' {
            let end = line_end(data, at);
            ranges.push((at, end));
            at = end;
            continue;
        }
        let triple = data
            .get(at..at + 3)
            .is_some_and(|three| three.iter().all(|b| *b == byte));
        let end = if triple {
            find_triple(data, at + 3, byte)
        } else {
            string_end(data, at + 1, byte, true)
        };
        if triple && starts_statement(data, at, last_code) {
            ranges.push((at, end));
        }
        last_code = Some(byte);
        at = end;
    }
    ranges
}

/// Whether a string at `at` stands as a statement of its own, given `last_code`, the last byte
/// of code before it: at the start of the file, after a `:`, or first on its line after a line
/// that does not continue.
fn starts_statement(data: &[u8], at: usize, last_code: Option<u8>) -> bool {
    match last_code {
        None => true,
        Some(previous) => previous == b':' || (ended_statement(data, at) && !opens(previous)),
    }
}

/// Whether only white space separates `at` from the previous line break (the string starts
/// its line).
fn ended_statement(data: &[u8], at: usize) -> bool {
    data.get(..at)
        .unwrap_or_default()
        .iter()
        .rev()
        .take_while(|byte| **byte != b'\n')
        .all(u8::is_ascii_whitespace)
}

/// Bytes after which a line continues the statement (an open bracket, an operator, a comma).
fn opens(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b'[' | b'{' | b',' | b'=' | b'+' | b'-' | b'*' | b'/' | b'%' | b'\\' | b'|' | b'&'
    )
}

fn javascript(data: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut at = 0usize;
    while let Some(rest) = data.get(at..) {
        // The next quote, and a slash before it: the only bytes that start something.
        let quote = memchr::memchr3(b'\'', b'"', b'`', rest).unwrap_or(rest.len());
        let next = memchr::memchr(b'/', rest.get(..quote).unwrap_or_default()).unwrap_or(quote);
        at += next;
        let Some(&byte) = data.get(at) else {
            break;
        };
        if let Some(end) = comment_end(data, at) {
            ranges.push((at, end));
            at = end;
            continue;
        }
        match byte {
            b'\'' | b'"' => at = string_end(data, at + 1, byte, true),
            b'`' => at = string_end(data, at + 1, byte, false),
            _ => at += 1,
        }
    }
    ranges
}

/// Where a JavaScript comment starting at `at` (`//` to the end of the line, `/* */`) ends;
/// `None` when none starts there.
fn comment_end(data: &[u8], at: usize) -> Option<usize> {
    match data.get(at..at + 2)? {
        b"//" => Some(line_end(data, at)),
        b"/*" => Some(
            memchr::memmem::find(data.get(at + 2..).unwrap_or_default(), b"*/")
                .map_or(data.len(), |position| at + 2 + position + 2),
        ),
        _ => None,
    }
}

fn line_end(data: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', data.get(at..).unwrap_or_default()).map_or(data.len(), |n| at + n)
}

/// The offset after the closing `quote` of a string whose body starts at `at`; a one-line
/// string also ends at the end of its line.
fn string_end(data: &[u8], mut at: usize, quote: u8, one_line: bool) -> usize {
    while let Some(rest) = data.get(at..) {
        let found = if one_line {
            memchr::memchr3(b'\\', quote, b'\n', rest)
        } else {
            memchr::memchr2(b'\\', quote, rest)
        };
        let Some(skip) = found else {
            break;
        };
        at += skip;
        match data.get(at) {
            Some(b'\\') => at += 2,
            Some(b'\n') if one_line => return at,
            _ => return at + 1,
        }
    }
    data.len()
}

fn find_triple(data: &[u8], mut at: usize, quote: u8) -> usize {
    while let Some(rest) = data.get(at..) {
        let Some(skip) = memchr::memchr2(b'\\', quote, rest) else {
            break;
        };
        at += skip;
        if data.get(at) == Some(&b'\\') {
            at += 2;
        } else if data
            .get(at..at + 3)
            .is_some_and(|three| three.iter().all(|b| *b == quote))
        {
            return at + 3;
        } else {
            at += 1;
        }
    }
    data.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented(text: &str, language: Language, needle: &str) -> bool {
        let documentation = Documentation::of(text.as_bytes(), language);
        documentation.contains(text.find(needle).unwrap_or(usize::MAX))
    }

    #[test]
    fn python_comments_and_docstrings() {
        let text = r#""""Module docstring: webhook.site/a"""
import os  # see hooks.slack.com/b
URL = "https://c.example/#not-a-comment"
BODY = """payload.site/d"""
exec("""
e.site/e""")

def get_webhook():
    """Returns
        url="https://webhook.site/f"
    """
    return '''g.site/g'''
"#;
        for (needle, expected) in [
            ("webhook.site/a", true),
            ("hooks.slack.com/b", true),
            ("c.example/#not", false),
            ("payload.site/d", false),
            ("e.site/e", false),
            ("webhook.site/f", true),
            ("g.site/g", false),
            ("import os", false),
        ] {
            assert_eq!(
                documented(text, Language::Python, needle),
                expected,
                "{needle}"
            );
        }
    }

    #[test]
    fn javascript_comments() {
        let text = "// https://webhook.site/a\nconst u = 'https://b.site/x'; /* c.site */\nconst t = `// d.site ${x}`;\nfetch(u) // e.site\n";
        for (needle, expected) in [
            ("webhook.site/a", true),
            ("b.site", false),
            ("c.site", true),
            ("d.site", false),
            ("e.site", true),
            ("fetch", false),
        ] {
            assert_eq!(
                documented(text, Language::JavaScript, needle),
                expected,
                "{needle}"
            );
        }
    }

    /// The lexers as plain byte loops, the way they were first written: the fast versions
    /// above skip between special bytes with memchr and must find the same ranges.
    mod reference {
        use super::super::{comment_end, line_end, starts_statement};

        pub(super) fn python(data: &[u8]) -> Vec<(usize, usize)> {
            let mut ranges = Vec::new();
            let mut at = 0usize;
            let mut last_code: Option<u8> = None;
            while let Some(&byte) = data.get(at) {
                match byte {
                    b'#' => {
                        let end = line_end(data, at);
                        ranges.push((at, end));
                        at = end;
                    }
                    b'\'' | b'"' => {
                        let triple = data
                            .get(at..at + 3)
                            .is_some_and(|three| three.iter().all(|b| *b == byte));
                        let end = if triple {
                            find_triple(data, at + 3, byte)
                        } else {
                            string_end(data, at + 1, byte, true)
                        };
                        if triple && starts_statement(data, at, last_code) {
                            ranges.push((at, end));
                        }
                        last_code = Some(byte);
                        at = end;
                    }
                    byte if byte.is_ascii_whitespace() => at += 1,
                    _ => {
                        last_code = Some(byte);
                        at += 1;
                    }
                }
            }
            ranges
        }

        pub(super) fn javascript(data: &[u8]) -> Vec<(usize, usize)> {
            let mut ranges = Vec::new();
            let mut at = 0usize;
            while let Some(&byte) = data.get(at) {
                if let Some(end) = comment_end(data, at) {
                    ranges.push((at, end));
                    at = end;
                    continue;
                }
                match byte {
                    b'\'' | b'"' => at = string_end(data, at + 1, byte, true),
                    b'`' => at = string_end(data, at + 1, byte, false),
                    _ => at += 1,
                }
            }
            ranges
        }

        fn string_end(data: &[u8], mut at: usize, quote: u8, one_line: bool) -> usize {
            while let Some(&byte) = data.get(at) {
                match byte {
                    b'\\' => at += 2,
                    b'\n' if one_line => return at,
                    byte if byte == quote => return at + 1,
                    _ => at += 1,
                }
            }
            data.len()
        }

        fn find_triple(data: &[u8], mut at: usize, quote: u8) -> usize {
            while let Some(&byte) = data.get(at) {
                if byte == b'\\' {
                    at += 2;
                } else if byte == quote
                    && data
                        .get(at..at + 3)
                        .is_some_and(|three| three.iter().all(|b| *b == quote))
                {
                    return at + 3;
                } else {
                    at += 1;
                }
            }
            data.len()
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_lexers_find_what_the_byte_loops_find(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab #:=(/*\\'\"`\n\t".to_vec()),
                0..200,
            )
        ) {
            proptest::prop_assert_eq!(python(&text), reference::python(&text));
            proptest::prop_assert_eq!(javascript(&text), reference::javascript(&text));
        }
    }
}
