use std::fmt;

use customs_core::Ecosystem;

use crate::{
    Input, ParseError, Parsed, bun, cargo, npm, pdm, pipfile, pnpm, poetry, pylock, requirements,
    sbom, uv, yarn,
};

/// A lockfile or SBOM format customs reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    CargoLock,
    UvLock,
    PyLock,
    PoetryLock,
    PdmLock,
    YarnLock,
    Requirements,
    PipfileLock,
    PnpmLock,
    PackageLock,
    BunLock,
    CycloneDxJson,
    CycloneDxXml,
    SpdxJson,
}

impl Format {
    pub const ALL: &[Format] = &[
        Format::CargoLock,
        Format::UvLock,
        Format::PyLock,
        Format::PoetryLock,
        Format::PdmLock,
        Format::YarnLock,
        Format::Requirements,
        Format::PipfileLock,
        Format::PnpmLock,
        Format::PackageLock,
        Format::BunLock,
        Format::CycloneDxJson,
        Format::CycloneDxXml,
        Format::SpdxJson,
    ];

    /// The format's conventional file name (or pattern).
    pub fn name(self) -> &'static str {
        match self {
            Format::CargoLock => "Cargo.lock",
            Format::UvLock => "uv.lock",
            Format::PyLock => "pylock.toml",
            Format::PoetryLock => "poetry.lock",
            Format::PdmLock => "pdm.lock",
            Format::YarnLock => "yarn.lock",
            Format::Requirements => "requirements.txt",
            Format::PipfileLock => "Pipfile.lock",
            Format::PnpmLock => "pnpm-lock.yaml",
            Format::PackageLock => "package-lock.json",
            Format::BunLock => "bun.lock",
            Format::CycloneDxJson => "*.cdx.json",
            Format::CycloneDxXml => "*.cdx.xml",
            Format::SpdxJson => "*.spdx.json",
        }
    }

    /// The ecosystem of the packages a lockfile pins; `None` for SBOMs, which may list packages
    /// of all three.
    pub fn ecosystem(self) -> Option<Ecosystem> {
        match self {
            Format::CargoLock => Some(Ecosystem::CratesIo),
            Format::UvLock | Format::PyLock | Format::PoetryLock | Format::PdmLock => {
                Some(Ecosystem::PyPI)
            }
            Format::YarnLock => Some(Ecosystem::Npm),
            Format::Requirements | Format::PipfileLock => Some(Ecosystem::PyPI),
            Format::PnpmLock => Some(Ecosystem::Npm),
            Format::PackageLock | Format::BunLock => Some(Ecosystem::Npm),
            Format::CycloneDxJson | Format::CycloneDxXml | Format::SpdxJson => None,
        }
    }

    /// An SBOM made by some tool, not a package manager's lockfile: no manifest beside it
    /// completes it.
    pub fn is_sbom(self) -> bool {
        self.ecosystem().is_none()
    }

    /// The format a file of this name holds, judged by name alone (the test a directory walk
    /// uses, so it must be cheap).
    pub fn from_file_name(file_name: &str) -> Option<Format> {
        match file_name {
            "Cargo.lock" => Some(Format::CargoLock),
            "uv.lock" => Some(Format::UvLock),
            "pylock.toml" => Some(Format::PyLock),
            // PEP 751 named lock files: `pylock.<name>.toml`, the name without dots.
            name if name
                .strip_prefix("pylock.")
                .and_then(|rest| rest.strip_suffix(".toml"))
                .is_some_and(|middle| !middle.is_empty() && !middle.contains('.')) =>
            {
                Some(Format::PyLock)
            }
            "poetry.lock" => Some(Format::PoetryLock),
            "pdm.lock" => Some(Format::PdmLock),
            "yarn.lock" => Some(Format::YarnLock),
            "Pipfile.lock" => Some(Format::PipfileLock),
            _ if is_requirements_file_name(file_name) => Some(Format::Requirements),
            "pnpm-lock.yaml" => Some(Format::PnpmLock),
            "package-lock.json" | "npm-shrinkwrap.json" => Some(Format::PackageLock),
            // bun.lockb is named so that its parse explains how to get a readable bun.lock.
            "bun.lock" | "bun.lockb" => Some(Format::BunLock),
            // CycloneDX's recognised file names, and the SPDX convention.
            "bom.json" => Some(Format::CycloneDxJson),
            "bom.xml" => Some(Format::CycloneDxXml),
            _ if has_stem(file_name, ".cdx.json") => Some(Format::CycloneDxJson),
            _ if has_stem(file_name, ".cdx.xml") => Some(Format::CycloneDxXml),
            _ if has_stem(file_name, ".spdx.json") => Some(Format::SpdxJson),
            _ => None,
        }
    }

    /// The format of a file whose name says nothing, judged from the start of its content.
    pub fn sniff(text: &str) -> Option<Format> {
        let head = head(text);
        // SBOMs first: their markers are unambiguous, while a lockfile's sniff may match text an
        // SBOM quotes (a property naming `lockfileVersion`).
        if sbom::sniff_cyclonedx_json(head) {
            return Some(Format::CycloneDxJson);
        }
        if sbom::sniff_cyclonedx_xml(head) {
            return Some(Format::CycloneDxXml);
        }
        if sbom::sniff_spdx_json(head) {
            return Some(Format::SpdxJson);
        }
        if cargo::sniff(head) {
            return Some(Format::CargoLock);
        }
        if uv::sniff(head) {
            return Some(Format::UvLock);
        }
        if pylock::sniff(head) {
            return Some(Format::PyLock);
        }
        if poetry::sniff(head) {
            return Some(Format::PoetryLock);
        }
        if pdm::sniff(head) {
            return Some(Format::PdmLock);
        }
        if yarn::sniff(head) {
            return Some(Format::YarnLock);
        }
        if pipfile::sniff(head) {
            return Some(Format::PipfileLock);
        }
        if requirements::sniff(head) {
            return Some(Format::Requirements);
        }
        if pnpm::sniff(head) {
            return Some(Format::PnpmLock);
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
            Format::UvLock => uv::parse(input),
            Format::PyLock => pylock::parse(input),
            Format::PoetryLock => poetry::parse(input),
            Format::PdmLock => pdm::parse(input),
            Format::YarnLock => yarn::parse(input),
            Format::Requirements => requirements::parse(input),
            Format::PipfileLock => pipfile::parse(input),
            Format::PnpmLock => pnpm::parse(input),
            Format::PackageLock => npm::parse(input),
            Format::BunLock => bun::parse(input),
            Format::CycloneDxJson => sbom::parse_cyclonedx_json(input),
            Format::CycloneDxXml => sbom::parse_cyclonedx_xml(input),
            Format::SpdxJson => sbom::parse_spdx_json(input),
        }
    }
}

/// `requirements*.txt`, `*-requirements.txt`, `*_requirements.txt` (ASCII case-insensitive).
/// Other `.txt` files (`requirements/main.txt`) are requirements files only when the caller
/// says so.
fn is_requirements_file_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".txt") else {
        return false;
    };
    stem.starts_with("requirements")
        || stem.ends_with("-requirements")
        || stem.ends_with("_requirements")
}

/// `<something>.cdx.json` and the like: the suffix after a non-empty stem.
fn has_stem(file_name: &str, suffix: &str) -> bool {
    file_name
        .strip_suffix(suffix)
        .is_some_and(|stem| !stem.is_empty())
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
