use std::fmt;

use customs_core::Ecosystem;

use crate::{Input, ParseError, Parsed, cargo, pnpm};

/// A lockfile format customs reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    CargoLock,
    PnpmLock,
}

impl Format {
    pub const ALL: &[Format] = &[Format::CargoLock, Format::PnpmLock];

    /// The format's conventional file name (or pattern).
    pub fn name(self) -> &'static str {
        match self {
            Format::CargoLock => "Cargo.lock",
            Format::PnpmLock => "pnpm-lock.yaml",
        }
    }

    /// The prefixes of `format` labels in the shared corpus's MANIFEST.csv this format reads.
    #[doc(hidden)]
    pub fn corpus_labels(self) -> &'static [&'static str] {
        match self {
            Format::CargoLock => &["Cargo.lock"],
            Format::PnpmLock => &["pnpm"],
        }
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Format::CargoLock => Ecosystem::CratesIo,
            Format::PnpmLock => Ecosystem::Npm,
        }
    }

    /// The format a file of this name holds, judged by name alone (the test a directory walk
    /// uses, so it must be cheap).
    pub fn from_file_name(file_name: &str) -> Option<Format> {
        match file_name {
            "Cargo.lock" => Some(Format::CargoLock),
            "pnpm-lock.yaml" => Some(Format::PnpmLock),
            _ => None,
        }
    }

    /// The format of a file whose name says nothing, judged from the start of its content.
    pub fn sniff(text: &str) -> Option<Format> {
        let head = head(text);
        if cargo::sniff(head) {
            return Some(Format::CargoLock);
        }
        if pnpm::sniff(head) {
            return Some(Format::PnpmLock);
        }
        None
    }

    pub fn parse(self, input: Input<'_>) -> Result<Parsed, ParseError> {
        match self {
            Format::CargoLock => cargo::parse(input),
            Format::PnpmLock => pnpm::parse(input),
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
