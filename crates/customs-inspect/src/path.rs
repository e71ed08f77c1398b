//! Entry names: the checks every name passes before it is used, and how a name is shown.

use std::fmt::Write as _;

use crate::{Limits, SkipReason};

/// The longest part of a raw name shown in messages and in [`crate::Skipped`].
const SHOWN_BYTES: usize = 256;

/// `raw` as a normalised relative path (`/`-separated, no empty, `.` or `..` components),
/// which is empty for the archive's own root (`./`), or why it cannot be used.
///
/// The checks, in order: length, UTF-8, control characters (NUL included), an absolute path,
/// a Windows path (a drive letter such as `C:`, or any backslash: Windows reads `\` as a
/// separator, so `a\..\..\x` escapes there and a UNC path `\\host\share` is absolute), a `..`
/// component, depth.
pub(crate) fn normalise(raw: &[u8], limits: &Limits) -> Result<String, SkipReason> {
    if raw.len() > limits.max_path_len {
        return Err(SkipReason::PathTooLong { len: raw.len() });
    }
    let text = std::str::from_utf8(raw).map_err(|_| SkipReason::NotUtf8)?;
    if text.chars().any(char::is_control) {
        return Err(SkipReason::ControlCharacter);
    }
    if text.starts_with('/') {
        return Err(SkipReason::Absolute);
    }
    if text.contains('\\') || has_drive(text) {
        return Err(SkipReason::WindowsPath);
    }
    let mut path = String::with_capacity(text.len());
    let mut depth = 0;
    for component in text.split('/') {
        match component {
            "" | "." => {}
            ".." => return Err(SkipReason::Traversal),
            _ => {
                if depth > 0 {
                    path.push('/');
                }
                path.push_str(component);
                depth += 1;
            }
        }
    }
    if depth > limits.max_depth {
        return Err(SkipReason::TooDeep { depth });
    }
    Ok(path)
}

/// `C:`, `c:x`: a drive-relative or drive-absolute Windows path.
fn has_drive(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 2
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
}

/// `raw` made printable: valid UTF-8 kept (control characters, quotes and backslashes
/// escaped as Rust does), other bytes as `\xNN`; cut with `…` after [`SHOWN_BYTES`] bytes of
/// `raw` or of escaped text, so that every name kept costs a bounded amount of memory.
pub(crate) fn shown(raw: &[u8]) -> String {
    let mut text = String::with_capacity(raw.len().min(SHOWN_BYTES) + 8);
    let head = raw.get(..SHOWN_BYTES).unwrap_or(raw);
    let mut cut = head.len() < raw.len();
    'chunks: for chunk in head.utf8_chunks() {
        for character in chunk.valid().escape_debug() {
            if text.len() >= SHOWN_BYTES {
                cut = true;
                break 'chunks;
            }
            text.push(character);
        }
        for byte in chunk.invalid() {
            if text.len() >= SHOWN_BYTES {
                cut = true;
                break 'chunks;
            }
            let _ = write!(text, "\\x{byte:02x}");
        }
    }
    if cut {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<String, SkipReason> {
        normalise(raw.as_bytes(), &Limits::default())
    }

    #[test]
    fn relative_names_are_normalised() {
        assert_eq!(check("package/index.js"), Ok("package/index.js".into()));
        assert_eq!(
            check("./package//lib/./a.js"),
            Ok("package/lib/a.js".into())
        );
        assert_eq!(check("package/"), Ok("package".into()));
        assert_eq!(check("./"), Ok(String::new()));
        assert_eq!(check("ab:c/d"), Ok("ab:c/d".into()));
        assert_eq!(check("pkg/ünïcode ✓.txt"), Ok("pkg/ünïcode ✓.txt".into()));
    }

    #[test]
    fn escaping_names_are_refused() {
        assert_eq!(check("../x"), Err(SkipReason::Traversal));
        assert_eq!(check("package/../../x"), Err(SkipReason::Traversal));
        assert_eq!(check("a/.."), Err(SkipReason::Traversal));
        assert_eq!(check("/etc/passwd"), Err(SkipReason::Absolute));
        assert_eq!(check("//host/share"), Err(SkipReason::Absolute));
        assert_eq!(check("C:\\Windows\\x"), Err(SkipReason::WindowsPath));
        assert_eq!(check("C:x"), Err(SkipReason::WindowsPath));
        assert_eq!(check("c:/x"), Err(SkipReason::WindowsPath));
        assert_eq!(check("\\\\host\\share\\x"), Err(SkipReason::WindowsPath));
        assert_eq!(check("a\\..\\..\\x"), Err(SkipReason::WindowsPath));
        assert_eq!(check("a\\b"), Err(SkipReason::WindowsPath));
        assert_eq!(check("a\0b"), Err(SkipReason::ControlCharacter));
        assert_eq!(check("a\nb"), Err(SkipReason::ControlCharacter));
        assert_eq!(check("a\u{7f}"), Err(SkipReason::ControlCharacter));
        assert_eq!(check("a\u{85}"), Err(SkipReason::ControlCharacter));
        assert_eq!(
            normalise(b"a\xffb", &Limits::default()),
            Err(SkipReason::NotUtf8)
        );
    }

    #[test]
    fn long_and_deep_names_are_refused() {
        let limits = Limits {
            max_depth: 3,
            max_path_len: 10,
            ..Limits::default()
        };
        assert_eq!(normalise(b"a/b/c", &limits), Ok("a/b/c".into()));
        assert_eq!(normalise(b"./a/b/c/", &limits), Ok("a/b/c".into()));
        assert_eq!(
            normalise(b"a/b/c/d", &limits),
            Err(SkipReason::TooDeep { depth: 4 })
        );
        assert_eq!(
            normalise(b"abcdefghijk", &limits),
            Err(SkipReason::PathTooLong { len: 11 })
        );
    }

    #[test]
    fn names_are_shown_printable_and_short() {
        assert_eq!(shown(b"a/b.js"), "a/b.js");
        assert_eq!(shown(b"a\0b\n\xff\"\\"), "a\\0b\\n\\xff\\\"\\\\");
        assert_eq!(shown("ü".as_bytes()), "ü");
        let long = vec![b'a'; 1000];
        assert_eq!(shown(&long), format!("{}…", "a".repeat(SHOWN_BYTES)));
        // Escapes count too.
        let controls = vec![1u8; 200];
        let shown_controls = shown(&controls);
        assert!(shown_controls.len() <= SHOWN_BYTES + 8, "{shown_controls}");
        assert!(shown_controls.starts_with("\\u{1}\\u{1}") && shown_controls.ends_with('…'));
    }
}
