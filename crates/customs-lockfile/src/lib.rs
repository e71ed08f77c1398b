//! Parsers for the lockfiles (and the manifests beside them) of npm, PyPI and crates.io, and for
//! the CycloneDX and SPDX SBOMs other tools write about them.
//!
//! Every parser is a pure function from text to [`Parsed`]: no I/O, no panics on any input, and
//! a [`ParseError`] naming the line for anything it cannot read. Each format also has a cheap
//! "is this mine?" test by file name ([`Format::from_file_name`]) and by content
//! ([`Format::sniff`]) for files with unusual names.
//!
//! Parsers build their result through [`Builder`], which gives one entry per distinct package
//! (merging the locations of every sighting) and turns dependency edges into [`PackageId`]s.
//!
//! [`PackageId`]: customs_core::PackageId

mod builder;
mod bun;
mod cargo;
mod error;
mod format;
mod lines;
pub mod manifest;
mod npm;
mod pdm;
mod pipfile;
mod pnpm;
mod poetry;
mod pylock;
mod requirements;
mod sbom;
pub mod summary;
#[cfg(test)]
mod testing;
mod uv;
mod yarn;

pub use builder::Builder;
pub use error::ParseError;
pub use format::Format;
pub use lines::LineIndex;
pub use sbom::{MAX_COMPONENTS, MAX_EDGES, MAX_NESTING};

use customs_core::{Ecosystem, Package};

/// Caps that keep hostile input bounded. Files larger than [`MAX_FILE_SIZE`] are refused before
/// they are read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The text of one file, and the path its locations are reported under (relative to the
/// scanned root, `/`-separated).
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// What a parser found in one file.
#[derive(Debug)]
pub struct Parsed {
    /// The format and version recognised, e.g. `package-lock.json v3`.
    pub format: String,
    /// The packages' ecosystem. An SBOM may list packages of several (each [`Package`] names
    /// its own); this is then the most common one, and callers split by package.
    pub ecosystem: Ecosystem,
    pub packages: Vec<Package>,
    /// Parts of the file that could not be read while the rest could (a bad requirement line).
    /// Each is reported; none loses the packages that did parse.
    pub errors: Vec<ParseError>,
    /// Oddities that do not stop a package from being reported (a dependency the lockfile names
    /// but does not contain). Reported, but they do not fail the run.
    pub warnings: Vec<ParseError>,
    /// Other files this one pulls in (`-r` / `-c` in requirements files), for the caller to read.
    pub includes: Vec<Include>,
    /// Whether the format records which packages are direct dependencies. Where it does not, a
    /// manifest beside the file fills that in.
    pub records_direct: bool,
    /// Whether the format records dev / optional scopes.
    pub records_scope: bool,
}

impl Parsed {
    pub fn new(format: impl Into<String>, ecosystem: Ecosystem, packages: Vec<Package>) -> Self {
        Self {
            format: format.into(),
            ecosystem,
            packages,
            errors: Vec::new(),
            warnings: Vec::new(),
            includes: Vec::new(),
            records_direct: false,
            records_scope: false,
        }
    }
}

/// A file referenced from another (`-r other.txt`, `-c constraints.txt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    /// As written, relative to the including file's directory.
    pub path: String,
    pub line: u32,
    /// A constraints file (`-c`): it pins versions of packages required elsewhere, but adds none.
    pub constraint: bool,
}
