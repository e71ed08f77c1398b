//! `pyproject.toml`: PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735
//! `[dependency-groups]`, and the tool tables that predate them: poetry
//! (`[tool.poetry.dependencies]`, `dev-dependencies`, `group.<name>.dependencies`), pdm
//! (`[tool.pdm.dev-dependencies]`) and uv (`[tool.uv] dev-dependencies`, `workspace.members`).

use std::collections::BTreeMap;
use std::str::FromStr;

use customs_core::Scope;
use serde::Deserialize;

use super::{DeclaredDependency, Manifest};
use crate::{Input, ParseError};

#[derive(Deserialize)]
struct PyProject {
    project: Option<Project>,
    #[serde(default, rename = "dependency-groups")]
    dependency_groups: BTreeMap<String, Vec<toml::Value>>,
    #[serde(default)]
    tool: Tool,
}

#[derive(Deserialize)]
struct Project {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
struct Tool {
    poetry: Option<Poetry>,
    pdm: Option<Pdm>,
    uv: Option<Uv>,
}

#[derive(Deserialize)]
struct Poetry {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    group: BTreeMap<String, PoetryGroup>,
}

#[derive(Deserialize)]
struct PoetryGroup {
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct Pdm {
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct Uv {
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: Vec<String>,
    workspace: Option<UvWorkspace>,
}

#[derive(Deserialize)]
struct UvWorkspace {
    #[serde(default)]
    members: Vec<String>,
}

pub(super) fn parse(input: Input<'_>) -> Result<Manifest, ParseError> {
    let pyproject: PyProject = toml::from_str(input.text)
        .map_err(|error| ParseError::toml("pyproject.toml", input.text, error))?;
    let mut dependencies = Vec::new();
    let mut add_pep508 = |requirement: &str, scope: Scope| {
        if let Some(dependency) = pep508(requirement, scope) {
            dependencies.push(dependency);
        }
    };
    let (mut name, mut version) = (None, None);
    if let Some(project) = &pyproject.project {
        name.clone_from(&project.name);
        version.clone_from(&project.version);
        for requirement in &project.dependencies {
            add_pep508(requirement, Scope::Prod);
        }
        for requirement in project.optional_dependencies.values().flatten() {
            add_pep508(requirement, Scope::Optional);
        }
    }
    // Group entries may also be `{ include-group = "…" }`; the included group's own entries
    // are listed under it anyway.
    for requirement in pyproject.dependency_groups.values().flatten() {
        if let Some(requirement) = requirement.as_str() {
            add_pep508(requirement, Scope::Dev);
        }
    }
    if let Some(pdm) = &pyproject.tool.pdm {
        for requirement in pdm.dev_dependencies.values().flatten() {
            add_pep508(requirement, Scope::Dev);
        }
    }
    let mut workspace_members = Vec::new();
    if let Some(uv) = &pyproject.tool.uv {
        for requirement in &uv.dev_dependencies {
            add_pep508(requirement, Scope::Dev);
        }
        if let Some(workspace) = &uv.workspace {
            workspace_members.clone_from(&workspace.members);
        }
    }
    if let Some(poetry) = &pyproject.tool.poetry {
        if name.is_none() {
            name.clone_from(&poetry.name);
            version.clone_from(&poetry.version);
        }
        let groups = poetry.group.iter().map(|(group, table)| {
            let scope = if group == "main" {
                Scope::Prod
            } else {
                Scope::Dev
            };
            (&table.dependencies, scope)
        });
        for (table, scope) in [
            (&poetry.dependencies, Scope::Prod),
            (&poetry.dev_dependencies, Scope::Dev),
        ]
        .into_iter()
        .chain(groups)
        {
            for (dependency, spec) in table {
                // `python` constrains the interpreter, not a package.
                if dependency.eq_ignore_ascii_case("python") {
                    continue;
                }
                dependencies.push(poetry_dependency(dependency, spec, scope));
            }
        }
    }
    Ok(Manifest {
        name,
        version,
        dependencies,
        workspace_members,
    })
}

fn pep508(requirement: &str, scope: Scope) -> Option<DeclaredDependency> {
    let parsed = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement).ok()?;
    let path = match &parsed.version_or_url {
        Some(pep508_rs::VersionOrUrl::Url(url)) if url.scheme() == "file" => Some(url.to_string()),
        _ => None,
    };
    Some(DeclaredDependency {
        name: parsed.name.to_string(),
        requirement: requirement.to_owned(),
        scope,
        path,
    })
}

fn poetry_dependency(name: &str, spec: &toml::Value, scope: Scope) -> DeclaredDependency {
    let table = spec.as_table();
    let optional = table
        .and_then(|t| t.get("optional"))
        .and_then(toml::Value::as_bool)
        .unwrap_or(false);
    let requirement = match spec {
        toml::Value::String(requirement) => requirement.clone(),
        _ => table
            .and_then(|t| t.get("version").or_else(|| t.get("git")))
            .and_then(toml::Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    };
    DeclaredDependency {
        name: name.to_owned(),
        requirement,
        scope: if optional && scope == Scope::Prod {
            Scope::Optional
        } else {
            scope
        },
        path: table
            .and_then(|t| t.get("path"))
            .and_then(toml::Value::as_str)
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(text: &str) -> Vec<(String, Scope)> {
        parse(Input {
            path: "pyproject.toml",
            text,
        })
        .unwrap()
        .dependencies
        .into_iter()
        .map(|d| (d.name, d.scope))
        .collect()
    }

    #[test]
    fn pep621_optional_and_dependency_groups() {
        let found = declared(
            r#"
[project]
name = "app"
dependencies = ["Requests[socks]>=2; python_version > '3.8'", "not a valid requirement!!"]
[project.optional-dependencies]
fast = ["orjson"]
[dependency-groups]
test = ["pytest>=8", { include-group = "lint" }]
lint = ["ruff"]
[tool.uv]
dev-dependencies = ["mypy"]
[tool.uv.workspace]
members = ["packages/*"]
"#,
        );
        assert_eq!(
            found,
            [
                ("requests".to_owned(), Scope::Prod),
                ("orjson".to_owned(), Scope::Optional),
                ("ruff".to_owned(), Scope::Dev),
                ("pytest".to_owned(), Scope::Dev),
                ("mypy".to_owned(), Scope::Dev),
            ]
        );
    }

    #[test]
    fn poetry_tables_and_groups() {
        let found = declared(
            r#"
[tool.poetry]
name = "app"
version = "0.1.0"
[tool.poetry.dependencies]
python = "^3.9"
django = "^4"
extra-thing = { version = "1", optional = true }
[tool.poetry.dev-dependencies]
black = "*"
[tool.poetry.group.test.dependencies]
pytest = "^8"
"#,
        );
        assert_eq!(
            found,
            [
                ("django".to_owned(), Scope::Prod),
                ("extra-thing".to_owned(), Scope::Optional),
                ("black".to_owned(), Scope::Dev),
                ("pytest".to_owned(), Scope::Dev),
            ]
        );
    }
}
