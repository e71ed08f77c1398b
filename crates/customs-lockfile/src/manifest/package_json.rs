//! `package.json`: `dependencies`, `devDependencies`, `optionalDependencies`,
//! `peerDependencies`, and `workspaces` (an array, or yarn's `{ "packages": [...] }`).

use std::collections::BTreeMap;

use customs_core::Scope;
use serde::Deserialize;

use super::{DeclaredDependency, Manifest};
use crate::{Input, ParseError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageJson {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, serde_json::Value>,
    workspaces: Option<Workspaces>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Workspaces {
    List(Vec<String>),
    Object {
        #[serde(default)]
        packages: Vec<String>,
    },
}

pub(super) fn parse(input: Input<'_>) -> Result<Manifest, ParseError> {
    let manifest: PackageJson = serde_json::from_str(input.text)
        .map_err(|error| ParseError::json("package.json", error))?;
    let mut dependencies = Vec::new();
    // Optional dependencies are also listed in `dependencies` by some tools; the narrower
    // declaration is added last so that, for a name in both, the widest scope still wins when
    // the caller folds them.
    for (table, scope) in [
        (&manifest.dependencies, Scope::Prod),
        (&manifest.peer_dependencies, Scope::Prod),
        (&manifest.optional_dependencies, Scope::Optional),
        (&manifest.dev_dependencies, Scope::Dev),
    ] {
        for (name, requirement) in table {
            let requirement = requirement.as_str().unwrap_or_default().to_owned();
            let path = ["file:", "link:", "portal:"]
                .iter()
                .find_map(|prefix| requirement.strip_prefix(prefix))
                .map(str::to_owned);
            dependencies.push(DeclaredDependency {
                name: name.clone(),
                requirement,
                scope,
                path,
            });
        }
    }
    let workspace_members = match manifest.workspaces {
        Some(Workspaces::List(members)) | Some(Workspaces::Object { packages: members }) => members,
        None => Vec::new(),
    };
    Ok(Manifest {
        name: manifest.name,
        version: manifest.version,
        dependencies,
        workspace_members,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_dependency_table_and_workspaces() {
        let text = r#"{
            "name": "app", "version": "1.0.0",
            "dependencies": {"react": "^18.0.0", "local": "file:../local"},
            "devDependencies": {"jest": "29"},
            "optionalDependencies": {"fsevents": "*"},
            "peerDependencies": {"typescript": ">=5"},
            "workspaces": {"packages": ["packages/*"]}
        }"#;
        let manifest = parse(Input {
            path: "package.json",
            text,
        })
        .unwrap();
        assert_eq!(manifest.name.as_deref(), Some("app"));
        let found: Vec<_> = manifest
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.scope, d.path.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                ("local", Scope::Prod, Some("../local")),
                ("react", Scope::Prod, None),
                ("typescript", Scope::Prod, None),
                ("fsevents", Scope::Optional, None),
                ("jest", Scope::Dev, None),
            ]
        );
        assert_eq!(manifest.workspace_members, ["packages/*"]);
    }

    #[test]
    fn malformed_manifest_names_the_line() {
        let error = parse(Input {
            path: "package.json",
            text: "{\n\"name\": }",
        })
        .unwrap_err();
        assert_eq!(error.line, Some(2));
    }
}
