//! The string literals of an array in a JavaScript module, read without running it.
//!
//! `lib/top.js` of npm-high-impact is generated as `export const top = ['semver', …]`. What is
//! accepted, so that a reformatted file still reads and anything else is refused rather than
//! guessed at:
//! - before the array: identifiers (`export const top`, `module.exports`), `=`, `(`,
//!   whitespace and comments (`//`, `/* */`);
//! - in the array: string literals (`'…'`, `"…"`, and backtick strings without `${}`), commas
//!   (a trailing one allowed), whitespace and comments;
//! - after the closing `]`: anything (it is not read).
//!
//! Escapes are those of ECMAScript strings in strict mode (modules are strict): `\n` and the
//! other single-character escapes, `\xHH`, `\uHHHH` (surrogate pairs joined), `\u{H…}`, line
//! continuations, and `\` before any other character standing for that character. Legacy octal
//! escapes are a syntax error in strict mode and are refused. A literal that is not valid
//! Unicode (a lone surrogate) cannot be a package name: it is returned as `None`.

use std::iter::Peekable;
use std::str::CharIndices;

/// Why the array could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScriptError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// The elements of the first array literal in `source`, in order.
pub(super) fn string_array(source: &str) -> Result<Vec<Option<String>>, ScriptError> {
    let mut lexer = Lexer {
        source,
        chars: source.char_indices().peekable(),
    };
    loop {
        lexer.skip_blanks()?;
        match lexer.peek() {
            Some('[') => {
                lexer.next();
                break;
            }
            Some(c) if c.is_alphanumeric() || matches!(c, '_' | '$' | '.' | '=' | '(') => {
                lexer.next();
            }
            Some(c) => {
                return Err(lexer.error(format!(
                    "unexpected `{}` before the array",
                    c.escape_debug()
                )));
            }
            None => return Err(lexer.error("no array".into())),
        }
    }
    let mut elements = Vec::new();
    loop {
        lexer.skip_blanks()?;
        match lexer.peek() {
            Some(']') => return Ok(elements),
            Some(quote @ ('\'' | '"' | '`')) => {
                lexer.next();
                elements.push(lexer.string(quote)?);
            }
            Some(c) => {
                return Err(lexer.error(format!(
                    "expected a string literal or `]`, found `{}`",
                    c.escape_debug()
                )));
            }
            None => return Err(lexer.error("the array is not closed".into())),
        }
        lexer.skip_blanks()?;
        match lexer.next() {
            Some(',') => {}
            Some(']') => return Ok(elements),
            Some(c) => {
                return Err(
                    lexer.error(format!("expected `,` or `]`, found `{}`", c.escape_debug()))
                );
            }
            None => return Err(lexer.error("the array is not closed".into())),
        }
    }
}

struct Lexer<'a> {
    source: &'a str,
    chars: Peekable<CharIndices<'a>>,
}

impl Lexer<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn next(&mut self) -> Option<char> {
        self.chars.next().map(|(_, c)| c)
    }

    /// An error at the current position.
    fn error(&mut self, message: String) -> ScriptError {
        let offset = self
            .chars
            .peek()
            .map_or(self.source.len(), |&(offset, _)| offset);
        let line = self.source.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ScriptError { line, message }
    }

    /// Skips whitespace (line terminators included) and comments.
    fn skip_blanks(&mut self) -> Result<(), ScriptError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() || c == '\u{feff}' => {
                    self.next();
                }
                Some('/') => {
                    let mut ahead = self.chars.clone();
                    ahead.next();
                    match ahead.next().map(|(_, c)| c) {
                        Some('/') => {
                            while self.peek().is_some_and(|c| !is_line_terminator(c)) {
                                self.next();
                            }
                        }
                        Some('*') => {
                            self.next();
                            self.next();
                            let mut star = false;
                            loop {
                                match self.next() {
                                    Some('/') if star => break,
                                    Some(c) => star = c == '*',
                                    None => {
                                        return Err(self.error("a comment is not closed".into()));
                                    }
                                }
                            }
                        }
                        _ => return Ok(()),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// The rest of a string literal opened by `quote`.
    fn string(&mut self, quote: char) -> Result<Option<String>, ScriptError> {
        let mut text = String::new();
        let mut valid = true;
        loop {
            let Some(c) = self.next() else {
                return Err(self.error("a string is not closed".into()));
            };
            match c {
                c if c == quote => return Ok(valid.then_some(text)),
                '\n' | '\r' if quote != '`' => {
                    return Err(self.error("a line break in a string".into()));
                }
                '$' if quote == '`' && self.peek() == Some('{') => {
                    return Err(self.error("a template substitution".into()));
                }
                '\\' => match self.escape()? {
                    Escaped::Char(c) => text.push(c),
                    Escaped::Nothing => {}
                    Escaped::Invalid => valid = false,
                },
                c => text.push(c),
            }
        }
    }

    /// The escape after a backslash.
    fn escape(&mut self) -> Result<Escaped, ScriptError> {
        let Some(c) = self.next() else {
            return Err(self.error("a string is not closed".into()));
        };
        let escaped = match c {
            'n' => '\n',
            'r' => {
                // `\` then CR LF is one line continuation.
                if self.peek() == Some('\n') {
                    self.next();
                }
                return Ok(Escaped::Nothing);
            }
            't' => '\t',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => '\0',
            '0'..='9' => return Err(self.error("an octal escape (not allowed in a module)".into())),
            'x' => {
                let value = self.hex_digits(2)?;
                return Ok(char::from_u32(value).map_or(Escaped::Invalid, Escaped::Char));
            }
            'u' => return self.unicode_escape(),
            c if is_line_terminator(c) => return Ok(Escaped::Nothing),
            c => c,
        };
        Ok(Escaped::Char(escaped))
    }

    /// `\u` escapes: `{H…}` or four digits, a high surrogate joined with a following `\uDC00`…
    fn unicode_escape(&mut self) -> Result<Escaped, ScriptError> {
        let unit = self.code_point()?;
        if !(0xD800..0xDC00).contains(&unit) {
            return Ok(char::from_u32(unit).map_or(Escaped::Invalid, Escaped::Char));
        }
        let mut ahead = self.chars.clone();
        let low = match (ahead.next(), ahead.next()) {
            (Some((_, '\\')), Some((_, 'u'))) => {
                let mut probe = Lexer {
                    source: self.source,
                    chars: ahead,
                };
                match probe.code_point() {
                    Ok(low) if (0xDC00..0xE000).contains(&low) => Some((low, probe.chars)),
                    _ => None,
                }
            }
            _ => None,
        };
        match low {
            Some((low, rest)) => {
                self.chars = rest;
                let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                Ok(char::from_u32(value).map_or(Escaped::Invalid, Escaped::Char))
            }
            None => Ok(Escaped::Invalid),
        }
    }

    /// The code point after `\u`.
    fn code_point(&mut self) -> Result<u32, ScriptError> {
        if self.peek() != Some('{') {
            return self.hex_digits(4);
        }
        self.next();
        let mut value: u32 = 0;
        let mut digits = 0;
        loop {
            match self.next() {
                Some('}') if digits > 0 => return Ok(value),
                Some(c) if c.is_ascii_hexdigit() => {
                    value = value * 16 + c.to_digit(16).unwrap_or(0);
                    digits += 1;
                    if value > 0x10FFFF {
                        return Err(self.error("a code point above U+10FFFF".into()));
                    }
                }
                _ => return Err(self.error("a malformed `\\u{…}` escape".into())),
            }
        }
    }

    fn hex_digits(&mut self, count: usize) -> Result<u32, ScriptError> {
        let mut value = 0;
        for _ in 0..count {
            match self.next().and_then(|c| c.to_digit(16)) {
                Some(digit) => value = value * 16 + digit,
                None => return Err(self.error("a malformed hexadecimal escape".into())),
            }
        }
        Ok(value)
    }
}

enum Escaped {
    Char(char),
    /// A line continuation.
    Nothing,
    /// Not a Unicode scalar value (a lone surrogate).
    Invalid,
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(source: &str) -> Vec<Option<String>> {
        string_array(source).unwrap_or_else(|error| panic!("{source:?}: {error}"))
    }

    #[test]
    fn the_generated_shape() {
        assert_eq!(
            strings("export const top = [\n  'semver',\n  'minimatch',\n  '@babel/core'\n]\n"),
            [Some("semver"), Some("minimatch"), Some("@babel/core")].map(|s| s.map(str::to_owned))
        );
    }

    #[test]
    fn quotes_escapes_comments_and_trailing_commas() {
        let source = r#"/** @type {Array<string>} */
// a [bracket] in a comment
export const top = ([ // the list
  "double", 'single', `back`, /* inline, 'x' */
  'it\'s', "say \"hi\"", 'back\\slash', 'tab\there', '\x41\u0042\u{43}',
  '\uD83D\uDE00', 'line\
continued', '\/',
]) ; export const other = [1]
"#;
        assert_eq!(
            strings(source),
            [
                "double",
                "single",
                "back",
                "it's",
                "say \"hi\"",
                "back\\slash",
                "tab\there",
                "ABC",
                "😀",
                "linecontinued",
                "/"
            ]
            .map(|s| Some(s.to_owned()))
        );
        assert_eq!(strings("[]"), Vec::<Option<String>>::new());
    }

    #[test]
    fn lone_surrogates_are_not_names() {
        assert_eq!(
            strings(r"['\uD800', 'ok', '\uDC00x']"),
            [None, Some("ok".to_owned()), None]
        );
    }

    #[test]
    fn malformed_sources_name_the_line() {
        for (source, line) in [
            ("", 1),
            ("export const top = 'x'", 1),
            ("x = [\n'a',\n'b'", 3),
            ("x = [\n'a'\n'b']", 3),
            ("x = ['a', b]", 1),
            ("x = ['a',, 'b']", 1),
            ("x = ['unterminated]", 1),
            ("x = ['line\nbreak']", 2),
            ("x = [`${x}`]", 1),
            ("x = ['\\01']", 1),
            ("x = ['\\u{110000}']", 1),
            ("x = ['\\xZZ']", 1),
            ("/* open [", 1),
            ("x = [require('x')]", 1),
        ] {
            let error = string_array(source).err();
            assert_eq!(
                error.as_ref().map(|e| e.line),
                Some(line),
                "{source:?}: {error:?}"
            );
        }
    }
}
