//! Manifests beside lockfiles (`package.json`, `pyproject.toml`, `Cargo.toml`).
//!
//! Some lockfiles do not record which packages the project asks for directly, or which are only
//! for development (yarn classic, poetry, Cargo.lock's scopes). The manifest does: these parsers
//! read what it declares, and the caller marks the matching locked packages.

mod cargo_toml;
mod package_json;
mod pyproject;

use customs_core::{Ecosystem, Scope};

use crate::{Input, ParseError};

/// What a manifest declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The project's own name and version, where declared.
    pub name: Option<String>,
    pub version: Option<String>,
    pub dependencies: Vec<DeclaredDependency>,
    /// Workspace member paths or globs, relative to the manifest's directory.
    pub workspace_members: Vec<String>,
}

/// One dependency a manifest declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredDependency {
    /// The registry name (for a renamed Cargo dependency, the `package` it renames).
    pub name: String,
    /// The requirement as written (`^1.2`, `>=2,<3`, `workspace:*`).
    pub requirement: String,
    pub scope: Scope,
    /// A local path the dependency points at (`path = "…"`, `file:…`, `link:…`).
    pub path: Option<String>,
}

/// The manifest formats customs reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ManifestKind {
    PackageJson,
    PyProject,
    CargoToml,
}

impl ManifestKind {
    pub fn from_file_name(file_name: &str) -> Option<Self> {
        match file_name {
            "package.json" => Some(Self::PackageJson),
            "pyproject.toml" => Some(Self::PyProject),
            "Cargo.toml" => Some(Self::CargoToml),
            _ => None,
        }
    }

    /// The manifest that belongs beside lockfiles of `ecosystem`.
    pub fn for_ecosystem(ecosystem: Ecosystem) -> Self {
        match ecosystem {
            Ecosystem::Npm => Self::PackageJson,
            Ecosystem::PyPI => Self::PyProject,
            Ecosystem::CratesIo => Self::CargoToml,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Self::PackageJson => "package.json",
            Self::PyProject => "pyproject.toml",
            Self::CargoToml => "Cargo.toml",
        }
    }

    pub fn parse(self, input: Input<'_>) -> Result<Manifest, ParseError> {
        match self {
            Self::PackageJson => package_json::parse(input),
            Self::PyProject => pyproject::parse(input),
            Self::CargoToml => cargo_toml::parse(input),
        }
    }
}
