use std::fmt;

use customs_core::Ecosystem;

use crate::{Input, ParseError, Parsed, bun, cargo, npm};

/// A lockfile format customs reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    CargoLock,
    /// `package-lock.json` and `npm-shrinkwrap.json`.
    PackageLock,
    BunLock,
}

impl Format {
    pub const ALL: &[Format] = &[Format::CargoLock, Format::PackageLock, Format::BunLock];

    /// The format's conventional file name (or pattern).
    pub fn name(self) -> &'static str {
        match self {
            Format::CargoLock => "Cargo.lock",
            Format::PackageLock => "package-lock.json",
            Format::BunLock => "bun.lock",
        }
    }

    /// The prefixes of `format` labels in the shared corpus's MANIFEST.csv this format reads.
    #[doc(hidden)]
    pub fn corpus_labels(self) -> &'static [&'static str] {
        match self {
            Format::CargoLock => &["Cargo.lock"],
            Format::PackageLock => &["package-lock", "npm-shrinkwrap"],
            Format::BunLock => &["bun.lock"],
        }
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Format::CargoLock => Ecosystem::CratesIo,
            Format::PackageLock | Format::BunLock => Ecosystem::Npm,
        }
    }

    /// The format a file of this name holds, judged by name alone (the test a directory walk
    /// uses, so it must be cheap).
    pub fn from_file_name(file_name: &str) -> Option<Format> {
        match file_name {
            "Cargo.lock" => Some(Format::CargoLock),
            "package-lock.json" | "npm-shrinkwrap.json" => Some(Format::PackageLock),
            // bun.lockb is named so that its parse explains how to get a readable bun.lock.
            "bun.lock" | "bun.lockb" => Some(Format::BunLock),
            _ => None,
        }
    }

    /// The format of a file whose name says nothing, judged from the start of its content.
    pub fn sniff(text: &str) -> Option<Format> {
        let head = head(text);
        if cargo::sniff(head) {
            return Some(Format::CargoLock);
        }
        if bun::sniff(head) {
            return Some(Format::BunLock);
        }
        if npm::sniff(head) {
            return Some(Format::PackageLock);
        }
        None
    }

    pub fn parse(self, input: Input<'_>) -> Result<Parsed, ParseError> {
        match self {
            Format::CargoLock => cargo::parse(input),
            Format::PackageLock => npm::parse(input),
            Format::BunLock => bun::parse(input),
        }
    }
}

/// The first few kilobytes of a text, cut at a character boundary: enough for any sniff.
fn head(text: &str) -> &str {
    let mut end = text.len().min(8192);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
