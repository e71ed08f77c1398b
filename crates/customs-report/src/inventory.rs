//! `customs inventory` output: a JSON document for machines and tables for people.
//!
//! The JSON document is a contract: later checks and users rely on its shape. Fields are only
//! ever added; a change to existing fields bumps [`SCHEMA_VERSION`].

use customs_core::SortedSet;
use std::io::{self, Write};

use comfy_table::{Cell, ContentArrangement, LineStyle, Table, TableStyle};
use customs_core::{
    Ecosystem, FileError, Integrity, Inventory, Location, LockfileReport, Package, PackageId,
    Scope, Source,
};
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

/// Columns separated by space, one rule under the header: readable, and easy to grep.
pub(crate) const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    lockfiles: Vec<LockfileEntry<'a>>,
    packages: Vec<PackageEntry<'a>>,
    errors: &'a [FileError],
    warnings: &'a [FileError],
}

/// One file read, as both JSON documents (inventory and scan) list it.
#[derive(Serialize)]
pub(crate) struct LockfileEntry<'a> {
    path: &'a str,
    format: &'a str,
    ecosystem: Ecosystem,
    packages: usize,
}

impl<'a> LockfileEntry<'a> {
    pub(crate) fn all(inventory: &'a Inventory) -> Vec<Self> {
        inventory
            .lockfiles
            .iter()
            .map(|lockfile| LockfileEntry {
                path: &lockfile.path,
                format: &lockfile.format,
                ecosystem: lockfile.ecosystem,
                packages: lockfile.packages.len(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct PackageEntry<'a> {
    /// What other packages' `dependencies` refer to: the purl, prefixed with `local:` for the
    /// project's own packages.
    id: PackageId,
    ecosystem: Ecosystem,
    name: &'a str,
    /// The name as the lockfile wrote it, where it differs from the canonical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    version: Option<&'a str>,
    purl: String,
    source: &'a Source,
    scope: Option<Scope>,
    direct: bool,
    local: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    install_script: bool,
    lockfile: &'a str,
    #[serde(skip_serializing_if = "SortedSet::is_empty")]
    integrity: &'a SortedSet<Integrity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    artifact_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<&'a str>,
    #[serde(skip_serializing_if = "SortedSet::is_empty")]
    aliases: &'a SortedSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requirement: Option<&'a str>,
    dependencies: &'a SortedSet<PackageId>,
    locations: &'a SortedSet<Location>,
}

impl<'a> PackageEntry<'a> {
    fn new(lockfile: &'a LockfileReport, package: &'a Package) -> Self {
        Self {
            id: package.id(),
            ecosystem: package.ecosystem,
            name: package.name.as_str(),
            display_name: (package.name.display() != package.name.as_str())
                .then(|| package.name.display()),
            version: package.version.as_ref().map(|v| v.as_str()),
            purl: package.purl(),
            source: &package.source,
            scope: package.scope,
            direct: package.direct,
            local: package.is_local(),
            install_script: package.install_script,
            lockfile: &lockfile.path,
            integrity: &package.integrity,
            artifact_url: package.artifact_url.as_deref(),
            license: package.license.as_deref(),
            aliases: &package.aliases,
            requirement: package.requirement.as_deref(),
            dependencies: &package.dependencies,
            locations: &package.locations,
        }
    }
}

/// Writes the inventory as the versioned JSON document.
pub fn write_json<W: Write + ?Sized>(inventory: &Inventory, out: &mut W) -> io::Result<()> {
    let document = Document {
        schema_version: SCHEMA_VERSION,
        lockfiles: LockfileEntry::all(inventory),
        packages: inventory
            .packages()
            .map(|(lockfile, package)| PackageEntry::new(lockfile, package))
            .collect(),
        errors: &inventory.errors,
        warnings: &inventory.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes one table per lockfile, then a summary and every error and warning.
pub fn write_table<W: Write + ?Sized>(inventory: &Inventory, out: &mut W) -> io::Result<()> {
    for lockfile in &inventory.lockfiles {
        // An SBOM gives one report per ecosystem under the same path: say which this is.
        let shared = inventory
            .lockfiles
            .iter()
            .filter(|l| l.path == lockfile.path)
            .count()
            > 1;
        let ecosystem = if shared {
            format!("{}, ", lockfile.ecosystem)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{} ({}, {ecosystem}{} packages)",
            lockfile.path,
            lockfile.format,
            lockfile.packages.len()
        )?;
        if lockfile.packages.is_empty() {
            writeln!(out)?;
            continue;
        }
        let mut table = Table::new();
        table
            .load_style(STYLE)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(["package", "version", "scope", "direct", "source", "line"]);
        for package in &lockfile.packages {
            table.add_row([
                Cell::new(package.name.display()),
                Cell::new(package.version.as_ref().map_or("-", |v| v.as_str())),
                Cell::new(package.scope.map_or("?", Scope::as_str)),
                Cell::new(if package.direct { "yes" } else { "" }),
                Cell::new(source_label(&package.source)),
                Cell::new(
                    package
                        .locations
                        .iter()
                        .find(|l| l.path == lockfile.path)
                        .or_else(|| package.locations.first())
                        .map_or(String::new(), |l| l.line.to_string()),
                ),
            ]);
        }
        for line in table.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        writeln!(out)?;
    }
    let total: usize = inventory.lockfiles.iter().map(|l| l.packages.len()).sum();
    writeln!(
        out,
        "{} file{} read, {total} package{}, {} error{}, {} warning{}",
        inventory.files(),
        plural(inventory.files()),
        plural(total),
        inventory.errors.len(),
        plural(inventory.errors.len()),
        inventory.warnings.len(),
        plural(inventory.warnings.len()),
    )?;
    for error in &inventory.errors {
        writeln!(out, "error: {error}")?;
    }
    for warning in &inventory.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

fn source_label(source: &Source) -> String {
    match source {
        Source::Registry { url } => {
            if Ecosystem::ALL.iter().any(|e| e.default_registry() == url) {
                "registry".to_owned()
            } else {
                format!("registry {url}")
            }
        }
        Source::Git { url, commit, .. } => match commit {
            Some(commit) => format!("git {url}#{}", commit.get(..12).unwrap_or(commit)),
            None => format!("git {url}"),
        },
        Source::Url { url } => format!("url {url}"),
        Source::Path { path } => format!("path {path}").trim_end().to_owned(),
        Source::Workspace { path } => format!("workspace {path}").trim_end().to_owned(),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use customs_core::{PackageName, Version};

    fn sample() -> Inventory {
        let eco = Ecosystem::Npm;
        let mut lodash = Package::new(
            eco,
            PackageName::new(eco, "lodash").unwrap(),
            Some(Version::new(eco, "4.17.21")),
            Source::registry(eco),
        );
        lodash.scope = Some(Scope::Prod);
        lodash.direct = true;
        lodash.locations.insert(Location {
            path: "package-lock.json".into(),
            line: 12,
        });
        let mut app = Package::new(
            eco,
            PackageName::new(eco, "app").unwrap(),
            Some(Version::new(eco, "1.0.0")),
            Source::Workspace { path: ".".into() },
        );
        app.dependencies.insert(lodash.id());
        app.locations.insert(Location {
            path: "package-lock.json".into(),
            line: 5,
        });
        Inventory {
            lockfiles: vec![LockfileReport {
                path: "package-lock.json".into(),
                format: "package-lock.json v3".into(),
                ecosystem: eco,
                packages: vec![app, lodash],
            }],
            errors: vec![FileError {
                path: "sub/yarn.lock".into(),
                line: Some(3),
                message: "invalid yarn.lock".into(),
            }],
            warnings: Vec::new(),
        }
    }

    #[test]
    fn json_contract() {
        let mut out = Vec::new();
        write_json(&sample(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn table() {
        let mut out = Vec::new();
        write_table(&sample(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
