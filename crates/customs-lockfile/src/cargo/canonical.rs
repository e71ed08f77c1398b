//! The shape Cargo writes a Cargo.lock in, read line by line.
//!
//! Cargo's writer is deterministic: comment lines, `version = N`, `[[package]]` / `[root]` /
//! `[metadata]` / `[[patch.unused]]` headers at the start of a line, `key = "value"` lines with
//! basic strings that need no escapes, and `dependencies = [` arrays with one `"value",` per
//! line, closed by `]` alone. Anything else (a comment after a value, an escape, an inline
//! table, a duplicate key, a missing field) makes [`read`] return `None`, and the caller reads
//! the file with the general TOML parser, which reports errors properly. So this reader never
//! decides what a file means when it is unsure; it only reads faster what it recognises.

use std::borrow::Cow;

use super::{Document, LockedPackage};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Top,
    Root,
    Package,
    Metadata,
    /// `[[patch.unused]]`: unused patches are not part of the graph.
    Skipped,
}

/// A TOML basic string that needs no escape processing: `"…"` with no `"`, `\`, or ASCII
/// control character (tab included, conservatively) inside. Checked byte by byte: the other
/// characters TOML forbids are all ASCII.
fn plain_string(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    every(inner, |b| {
        (b != b'"') & (b != b'\\') & (b >= 0x20) & (b != 0x7f)
    })
    .then_some(inner)
}

/// Whether every byte of `text` is `allowed`. A fold without early exit, which the compiler
/// vectorizes: a short-circuiting `all` goes byte by byte, and was a sixth of parsing a large
/// lockfile. Lines are short, so reading a bad one to its end costs nothing.
#[inline]
fn every(text: &str, allowed: impl Fn(u8) -> bool) -> bool {
    text.bytes().fold(true, |ok, b| ok & allowed(b))
}

/// `key = value`, split at the first `=`, which Cargo always surrounds with single spaces.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let equals = memchr::memchr(b'=', line.as_bytes())?;
    let key = line.get(..equals)?.strip_suffix(' ')?;
    let value = line.get(equals + 1..)?.strip_prefix(' ')?;
    Some((key, value))
}

/// Sets a field once: a duplicate key is TOML's error to report, not this reader's.
fn set<'a>(field: &mut Option<Cow<'a, str>>, value: &'a str) -> Option<()> {
    if field.is_some() {
        return None;
    }
    *field = Some(Cow::Borrowed(value));
    Some(())
}

#[derive(Default)]
struct Fields<'a> {
    name: Option<Cow<'a, str>>,
    version: Option<Cow<'a, str>>,
    source: Option<Cow<'a, str>>,
    checksum: Option<Cow<'a, str>>,
    dependencies: Option<Vec<Cow<'a, str>>>,
    line: u32,
}

impl<'a> Fields<'a> {
    fn finish(self) -> Option<(LockedPackage<'a>, u32)> {
        Some((
            LockedPackage {
                name: self.name?,
                version: self.version?,
                source: self.source,
                checksum: self.checksum,
                dependencies: self.dependencies.unwrap_or_default(),
            },
            self.line,
        ))
    }
}

/// The lines of `text`, split at `\n` with memchr: `str::lines` searches character by character,
/// which was a tenth of a large scan. A `\r` stays at the end of its line, where it fails every
/// match below and sends a CRLF file to the TOML reader.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => {
                let line = rest.get(..end)?;
                rest = rest.get(end + 1..)?;
                Some(line)
            }
            None => Some(std::mem::take(&mut rest)),
        }
    })
}

/// Reads `text` if it is exactly in Cargo's own shape; `None` otherwise.
pub(super) fn read(text: &str) -> Option<Document<'_>> {
    let expected = memchr::memmem::find_iter(text.as_bytes(), b"[[package]]").count();
    let mut document = Document {
        packages: Vec::with_capacity(expected + 1),
        ..Document::default()
    };
    let mut current: Option<Fields> = None;
    let mut section = Section::Top;
    let mut lines = lines(text).zip(1u32..);
    while let Some((line, number)) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            // TOML forbids control characters other than tab in comments too.
            if !every(line, |b| ((b >= 0x20) | (b == b'\t')) & (b != 0x7f)) {
                return None;
            }
            continue;
        }
        if line.starts_with('[') {
            if let Some(fields) = current.take() {
                document.packages.push(fields.finish()?);
            }
            section = match line {
                "[[package]]" => Section::Package,
                // v1's root package, which the TOML reader also puts first: only before any
                // package here, so pushing it in order keeps it first.
                "[root]" if document.packages.is_empty() => Section::Root,
                "[metadata]" => Section::Metadata,
                "[[patch.unused]]" => Section::Skipped,
                _ => return None,
            };
            if matches!(section, Section::Package | Section::Root) {
                current = Some(Fields {
                    line: number,
                    ..Fields::default()
                });
            }
            continue;
        }
        let (key, value) = key_value(line)?;
        match section {
            Section::Top => {
                if key != "version" || document.version.is_some() {
                    return None;
                }
                if !value.bytes().all(|b| b.is_ascii_digit()) || value.is_empty() || value.len() > 9
                {
                    return None;
                }
                document.version = Some((value.parse().ok()?, number));
            }
            Section::Metadata => {
                let key = plain_string(key)?;
                let value = plain_string(value)?;
                document
                    .metadata
                    .push((Cow::Borrowed(key), Cow::Borrowed(value)));
            }
            Section::Package | Section::Root | Section::Skipped => {
                if !every(key, |b| b.is_ascii_lowercase() | (b == b'_') | (b == b'-')) {
                    return None;
                }
                let array = if value == "[" {
                    let mut items = Vec::new();
                    loop {
                        let (item, _) = lines.next()?;
                        if item == "]" {
                            break;
                        }
                        let item = item.strip_prefix(' ')?;
                        let item = item.strip_suffix(',').unwrap_or(item);
                        items.push(Cow::Borrowed(plain_string(item)?));
                    }
                    Some(items)
                } else if value == "[]" {
                    Some(Vec::new())
                } else {
                    None
                };
                if section == Section::Skipped {
                    if array.is_none() {
                        plain_string(value)?;
                    }
                    continue;
                }
                let fields = current.as_mut()?;
                match (key, array) {
                    ("dependencies", Some(items)) => {
                        if fields.dependencies.is_some() {
                            return None;
                        }
                        fields.dependencies = Some(items);
                    }
                    (_, Some(_)) => return None,
                    ("name", None) => set(&mut fields.name, plain_string(value)?)?,
                    ("version", None) => set(&mut fields.version, plain_string(value)?)?,
                    ("source", None) => set(&mut fields.source, plain_string(value)?)?,
                    ("checksum", None) => set(&mut fields.checksum, plain_string(value)?)?,
                    // Keys Cargo once wrote and no longer uses (`replace`): strings, ignored
                    // as the TOML reader ignores them.
                    (_, None) => {
                        plain_string(value)?;
                    }
                }
            }
        }
    }
    if let Some(fields) = current.take() {
        document.packages.push(fields.finish()?);
    }
    Some(document)
}
