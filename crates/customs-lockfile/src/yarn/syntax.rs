//! The line grammar both yarn dialects share: top-level entry headers ending in `:`, indented
//! `key value` (classic) or `key: value` (berry) fields, and one level of nested blocks.
//!
//! Both dialects are written by yarn's own serializers, which emit a fixed, narrow shape: two
//! spaces per level, one key per line, strings double-quoted JSON-style when they need quoting.
//! Reading that shape line by line gives each entry's line number for free.

use std::borrow::Cow;

use crate::ParseError;

/// Which serializer wrote the file: they differ in how a line separates its key from its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    /// yarn 1: `version "1.0.0"`, `dependencies:` then `name "range"`.
    Classic,
    /// yarn 2 and later (YAML): `version: 1.0.0`, `dependencies:` then `name: range`.
    Berry,
}

/// One meaningful line: blank lines and comments are skipped.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line<'a> {
    pub(super) number: u32,
    pub(super) indent: usize,
    /// The content after the indentation, without the line ending or trailing blanks.
    pub(super) text: &'a str,
}

/// The file's meaningful lines, with 1-based numbers; CRLF and a leading BOM are accepted.
pub(super) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n').enumerate().filter_map(|(index, raw)| {
        let trimmed = raw.trim_end();
        let content = trimmed.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            return None;
        }
        Some(Line {
            number: u32::try_from(index + 1).unwrap_or(u32::MAX),
            indent: trimmed.len() - content.len(),
            text: content,
        })
    })
}

/// Splits an entry header (without its trailing `:`) into its descriptors:
/// classic `"a@^1", a@^2` (each quoted on its own), berry `"a@npm:^1, a@npm:^2"` (one quoted
/// list, which yarn itself splits on commas).
pub(super) fn key_list<'a>(
    header: &'a str,
    dialect: Dialect,
    line: u32,
) -> Result<Vec<Cow<'a, str>>, ParseError> {
    let mut keys = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let (token, after) = if rest.starts_with('"') || rest.starts_with('\'') {
            let (token, after) = quoted(rest, line)?;
            let after = after.trim_start();
            if !after.is_empty() && !after.starts_with(',') {
                return Err(ParseError::at(
                    line,
                    "expected `,` or `:` after a quoted key in an entry header",
                ));
            }
            (token, after)
        } else {
            match rest.split_once(',') {
                Some((token, after)) => (Cow::Borrowed(token.trim()), after),
                None => (Cow::Borrowed(rest), ""),
            }
        };
        match (dialect, token) {
            (Dialect::Berry, Cow::Borrowed(token)) => {
                keys.extend(token.split(',').map(|k| Cow::Borrowed(k.trim())));
            }
            (Dialect::Berry, Cow::Owned(token)) if token.contains(',') => {
                keys.extend(token.split(',').map(|k| Cow::Owned(k.trim().to_owned())));
            }
            (_, token) => keys.push(token),
        }
        rest = after.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    keys.retain(|key| !key.is_empty());
    if keys.is_empty() {
        return Err(ParseError::at(line, "entry header names no package"));
    }
    Ok(keys)
}

/// A field line: its key, and its value unless the line opens a nested block (`key:`).
pub(super) fn field<'a>(
    text: &'a str,
    dialect: Dialect,
    line: u32,
) -> Result<(Cow<'a, str>, Option<Cow<'a, str>>), ParseError> {
    let (key, rest) = if text.starts_with('"') || text.starts_with('\'') {
        quoted(text, line)?
    } else {
        let end = match dialect {
            // yarn classic's tokenizer ends a bare word at a space or a colon.
            Dialect::Classic => text.find([' ', ':']),
            // YAML: a plain key ends at `: ` or at a colon closing the line.
            Dialect::Berry => text
                .find(": ")
                .or_else(|| text.ends_with(':').then(|| text.len() - 1)),
        };
        let end = end.unwrap_or(text.len());
        (
            Cow::Borrowed(text.get(..end).unwrap_or(text)),
            text.get(end..).unwrap_or(""),
        )
    };
    let rest = rest.trim_start();
    let rest = match (dialect, rest.strip_prefix(':')) {
        (_, Some(after)) => after.trim_start(),
        (Dialect::Classic, None) => rest,
        (Dialect::Berry, None) if rest.is_empty() => {
            return Err(ParseError::at(
                line,
                format!("expected `key: value`, found `{}`", excerpt(text)),
            ));
        }
        (Dialect::Berry, None) => {
            return Err(ParseError::at(
                line,
                format!("expected `:` after key `{}`", excerpt(&key)),
            ));
        }
    };
    if rest.is_empty() {
        return Ok((key, None));
    }
    Ok((key, Some(scalar(rest, line)?)))
}

/// A value: quoted (and then nothing may follow it) or bare.
fn scalar(text: &str, line: u32) -> Result<Cow<'_, str>, ParseError> {
    if !(text.starts_with('"') || text.starts_with('\'')) {
        return Ok(Cow::Borrowed(text));
    }
    let (value, rest) = quoted(text, line)?;
    if !rest.trim().is_empty() {
        return Err(ParseError::at(
            line,
            format!("unexpected text after a quoted value: `{}`", excerpt(rest)),
        ));
    }
    Ok(value)
}

/// Reads the quoted string `text` starts with and returns it unescaped with the rest of the line.
/// Double quotes take JSON escapes (both yarn serializers quote with `JSON.stringify`); single
/// quotes are YAML's, where `''` is a quote.
fn quoted(text: &str, line: u32) -> Result<(Cow<'_, str>, &str), ParseError> {
    let unterminated = || ParseError::at(line, "unterminated quoted string");
    if let Some(body) = text.strip_prefix('\'') {
        let mut value = String::new();
        let mut rest = body;
        loop {
            let end = rest.find('\'').ok_or_else(unterminated)?;
            value.push_str(rest.get(..end).unwrap_or(""));
            let after = rest.get(end + 1..).unwrap_or("");
            match after.strip_prefix('\'') {
                Some(more) => {
                    value.push('\'');
                    rest = more;
                }
                None => return Ok((Cow::Owned(value), after)),
            }
        }
    }
    let body = text.strip_prefix('"').ok_or_else(unterminated)?;
    let end = body.find(['"', '\\']).ok_or_else(unterminated)?;
    if body.as_bytes().get(end) == Some(&b'"') {
        return Ok((
            Cow::Borrowed(body.get(..end).unwrap_or("")),
            body.get(end + 1..).unwrap_or(""),
        ));
    }
    let mut value = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(value), body.get(index + 1..).unwrap_or(""))),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('r') => value.push('\r'),
                Some('b') => value.push('\u{8}'),
                Some('f') => value.push('\u{c}'),
                Some('0') => value.push('\0'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                    let decoded = u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or(char::REPLACEMENT_CHARACTER);
                    value.push(decoded);
                }
                // `\"`, `\\`, `\/` and anything unknown stand for the character itself.
                Some(other) => value.push(other),
                None => return Err(unterminated()),
            },
            c => value.push(c),
        }
    }
    Err(unterminated())
}

/// At most 60 characters of `text`, for error messages.
pub(super) fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(60) {
        Some((end, _)) => Cow::Owned(format!("{}…", text.get(..end).unwrap_or(""))),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_key_lists() {
        let keys = key_list(
            r#""@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4""#,
            Dialect::Classic,
            1,
        )
        .unwrap();
        assert_eq!(
            keys,
            ["@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4"]
        );
        let keys = key_list(
            r#"minimist@0.0.8, "minimist@ssh://github.com/substack/minimist.git#0.0.8""#,
            Dialect::Classic,
            1,
        )
        .unwrap();
        assert_eq!(
            keys,
            [
                "minimist@0.0.8",
                "minimist@ssh://github.com/substack/minimist.git#0.0.8"
            ]
        );
        let keys = key_list(r#""js-tokens@^3.0.0 || ^4.0.0""#, Dialect::Classic, 1).unwrap();
        assert_eq!(keys, ["js-tokens@^3.0.0 || ^4.0.0"]);
        let keys = key_list(r#""a@\"x\"""#, Dialect::Classic, 1).unwrap();
        assert_eq!(keys, [r#"a@"x""#]);
    }

    #[test]
    fn berry_key_lists() {
        let keys = key_list(
            r#""lodash@npm:^4.17.21, lodash@npm:^4.17.4""#,
            Dialect::Berry,
            1,
        )
        .unwrap();
        assert_eq!(keys, ["lodash@npm:^4.17.21", "lodash@npm:^4.17.4"]);
        let keys = key_list("'it''s@npm:1'", Dialect::Berry, 1).unwrap();
        assert_eq!(keys, ["it's@npm:1"]);
        assert!(key_list(r#""a@1"#, Dialect::Berry, 4).is_err());
        assert!(key_list(r#""a@1" b"#, Dialect::Classic, 4).is_err());
        assert!(key_list(" , ", Dialect::Classic, 4).is_err());
    }

    #[test]
    fn fields_of_both_dialects() {
        let classic = |text| field(text, Dialect::Classic, 1).unwrap();
        assert_eq!(
            classic(r#"version "1.0.0""#),
            ("version".into(), Some("1.0.0".into()))
        );
        assert_eq!(
            classic(r#""version" "1.0.0""#),
            ("version".into(), Some("1.0.0".into()))
        );
        assert_eq!(
            classic("integrity sha1-abc="),
            ("integrity".into(), Some("sha1-abc=".into()))
        );
        assert_eq!(classic("dependencies:"), ("dependencies".into(), None));
        assert_eq!(classic(r#""dependencies":"#), ("dependencies".into(), None));
        assert_eq!(
            classic(r#""@babel/highlight" "^7.10.4""#),
            ("@babel/highlight".into(), Some("^7.10.4".into()))
        );
        let berry = |text| field(text, Dialect::Berry, 1).unwrap();
        assert_eq!(
            berry("version: 1.0.0"),
            ("version".into(), Some("1.0.0".into()))
        );
        assert_eq!(
            berry(r#""version": 1.0.0"#),
            ("version".into(), Some("1.0.0".into()))
        );
        assert_eq!(
            berry(r#"ms: "npm:2.1.2""#),
            ("ms".into(), Some("npm:2.1.2".into()))
        );
        assert_eq!(
            berry(r#"statuses: ">= 1.5.0 < 2""#),
            ("statuses".into(), Some(">= 1.5.0 < 2".into()))
        );
        assert_eq!(berry("dependencies:"), ("dependencies".into(), None));
        assert_eq!(berry("a: 'it''s'"), ("a".into(), Some("it's".into())));
        assert!(field("version 1.0.0", Dialect::Berry, 1).is_err());
        assert!(field(r#"version "1.0.0" x"#, Dialect::Classic, 1).is_err());
        assert!(field(r#"version "1.0.0"#, Dialect::Classic, 1).is_err());
    }

    #[test]
    fn escapes() {
        assert_eq!(
            quoted(r#""a\u0041\\b\"c" rest"#, 1).unwrap(),
            ("aA\\b\"c".into(), " rest")
        );
        assert!(quoted(r#""abc\"#, 1).is_err());
        assert!(quoted(r#""\u12"#, 1).is_err());
    }

    #[test]
    fn lines_skip_comments_blanks_and_crlf() {
        let found: Vec<_> = lines("\u{feff}# c\r\n\r\na:\r\n  version \"1\"\r\n   \n  # x\n")
            .map(|l| (l.number, l.indent, l.text))
            .collect();
        assert_eq!(found, [(3, 0, "a:"), (4, 2, "version \"1\"")]);
    }
}
