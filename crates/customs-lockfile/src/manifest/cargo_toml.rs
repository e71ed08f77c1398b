//! `Cargo.toml`: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their
//! `[target.'cfg(…)'.*]` forms, renamed dependencies (`alias = { package = "real" }`), and
//! `[workspace] members`. Build dependencies run at build time, so they count as production.

use std::collections::BTreeMap;

use customs_core::Scope;
use serde::Deserialize;

use super::{DeclaredDependency, Manifest};
use crate::{Input, ParseError};

type Table = BTreeMap<String, Dependency>;

#[derive(Deserialize)]
struct CargoToml {
    package: Option<PackageSection>,
    #[serde(default)]
    dependencies: Table,
    #[serde(default, rename = "dev-dependencies", alias = "dev_dependencies")]
    dev_dependencies: Table,
    #[serde(default, rename = "build-dependencies", alias = "build_dependencies")]
    build_dependencies: Table,
    #[serde(default)]
    target: BTreeMap<String, TargetSection>,
    workspace: Option<WorkspaceSection>,
}

#[derive(Deserialize)]
struct PackageSection {
    name: Option<String>,
    version: Option<toml::Value>,
}

#[derive(Deserialize)]
struct TargetSection {
    #[serde(default)]
    dependencies: Table,
    #[serde(default, rename = "dev-dependencies", alias = "dev_dependencies")]
    dev_dependencies: Table,
    #[serde(default, rename = "build-dependencies", alias = "build_dependencies")]
    build_dependencies: Table,
}

#[derive(Deserialize)]
struct WorkspaceSection {
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Dependency {
    Version(String),
    Detailed(Detailed),
}

#[derive(Deserialize)]
struct Detailed {
    version: Option<String>,
    package: Option<String>,
    path: Option<String>,
    git: Option<String>,
    #[serde(default)]
    optional: bool,
}

pub(super) fn parse(input: Input<'_>) -> Result<Manifest, ParseError> {
    let manifest: CargoToml = toml::from_str(input.text)
        .map_err(|error| ParseError::toml("Cargo.toml", input.text, error))?;
    let mut tables = vec![
        (&manifest.dependencies, Scope::Prod),
        (&manifest.build_dependencies, Scope::Prod),
        (&manifest.dev_dependencies, Scope::Dev),
    ];
    for target in manifest.target.values() {
        tables.push((&target.dependencies, Scope::Prod));
        tables.push((&target.build_dependencies, Scope::Prod));
        tables.push((&target.dev_dependencies, Scope::Dev));
    }
    let mut dependencies = Vec::new();
    for (table, scope) in tables {
        for (key, dependency) in table {
            dependencies.push(match dependency {
                Dependency::Version(requirement) => DeclaredDependency {
                    name: key.clone(),
                    requirement: requirement.clone(),
                    scope,
                    path: None,
                },
                Dependency::Detailed(detailed) => DeclaredDependency {
                    name: detailed.package.clone().unwrap_or_else(|| key.clone()),
                    requirement: detailed
                        .version
                        .clone()
                        .or_else(|| detailed.git.clone())
                        .unwrap_or_default(),
                    scope: if detailed.optional && scope == Scope::Prod {
                        Scope::Optional
                    } else {
                        scope
                    },
                    path: detailed.path.clone(),
                },
            });
        }
    }
    let (name, version) = match manifest.package {
        Some(package) => (
            package.name,
            // `version.workspace = true` inherits; only a literal version is the crate's own.
            package.version.and_then(|v| v.as_str().map(str::to_owned)),
        ),
        None => (None, None),
    };
    Ok(Manifest {
        name,
        version,
        dependencies,
        workspace_members: manifest.workspace.map(|w| w.members).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kinds_renames_targets_and_members() {
        let text = r#"
[package]
name = "app"
version.workspace = true

[workspace]
members = ["crates/*"]

[dependencies]
serde = { version = "1", features = ["derive"] }
json = { package = "serde_json", version = "1" }
fancy = { version = "0.1", optional = true }
inner = { path = "crates/inner" }
common = { workspace = true }

[build-dependencies]
cc = "1"

[dev-dependencies]
insta = "1"

[target.'cfg(windows)'.dependencies]
winapi = "0.3"
"#;
        let manifest = parse(Input {
            path: "Cargo.toml",
            text,
        })
        .unwrap();
        assert_eq!(manifest.name.as_deref(), Some("app"));
        assert_eq!(manifest.version, None);
        assert_eq!(manifest.workspace_members, ["crates/*"]);
        let found: Vec<_> = manifest
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.scope, d.path.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("common", Scope::Prod, None),
                ("fancy", Scope::Optional, None),
                ("inner", Scope::Prod, Some("crates/inner")),
                ("serde_json", Scope::Prod, None),
                ("serde", Scope::Prod, None),
                ("cc", Scope::Prod, None),
                ("insta", Scope::Dev, None),
                ("winapi", Scope::Prod, None),
            ]
        );
    }

    #[test]
    fn malformed_manifest_names_the_line() {
        let error = parse(Input {
            path: "Cargo.toml",
            text: "[package]\nname = \n",
        })
        .unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
