//! Finds the lockfiles (and SBOMs) under the paths a user names, parses them in parallel, and
//! completes each lockfile from the manifests beside it.
//!
//! - Walks respect `.gitignore` (also outside a git checkout) and skip `node_modules`, `target`,
//!   `.venv`, `venv` and `.git`; symbolic links are not followed.
//! - Files are read with a size cap, and a file that cannot be read or parsed becomes a
//!   [`FileError`] while every other file is still reported.
//! - `-r`/`-c` includes of requirements files are followed with cycle protection and may not
//!   leave the scanned root.
//! - An SBOM may list packages of several ecosystems: it gives one report per ecosystem, all
//!   with the SBOM's path, ordered by ecosystem.
//! - [`scan_revision`] reads the same files as they were at a git revision, through the same
//!   code: files are read through a small file-source trait that the disk and a git tree both
//!   implement.

mod git;
mod includes;
mod manifests;
mod read;
mod revision;
mod source;
mod walk;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use customs_core::{Ecosystem, FileError, Inventory, LockfileReport, Package, PackageId};
use customs_lockfile::{Format, Input};
use rayon::prelude::*;

pub use read::read_text;
pub use revision::{RevisionError, resolve_revision, scan_revision};

use source::{Disk, Files};

/// How to scan.
#[derive(Clone, Debug)]
pub struct Options {
    /// Files larger than this are refused before they are read.
    pub max_file_size: u64,
    /// A git revision listing more files than this under the scanned paths is refused
    /// ([`RevisionError::TooManyFiles`]): a bound on memory, not a limit anyone should meet.
    pub max_revision_files: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_file_size: customs_lockfile::MAX_FILE_SIZE,
            max_revision_files: revision::MAX_REVISION_FILES,
        }
    }
}

/// A file to parse, with the root its reported path is relative to.
#[derive(Clone, Debug)]
struct Candidate {
    /// The file, in the terms of the [`Files`] it is read from.
    path: PathBuf,
    /// The scanned root, for includes that must stay inside it.
    root: PathBuf,
    /// The path reports show.
    display: String,
    format: Option<Format>,
}

/// Finds and parses every supported file under `paths` (directories or files).
pub fn scan(paths: &[PathBuf], options: &Options) -> Inventory {
    let mut inventory = Inventory::default();
    let several = paths.len() > 1;
    let mut candidates = Vec::new();
    for path in paths {
        let prefix = if several {
            display_prefix(path)
        } else {
            String::new()
        };
        match walk::candidates(path, &prefix) {
            Ok(found) => candidates.extend(found),
            Err(error) => inventory.errors.push(error),
        }
    }
    parse(&Disk, &candidates, options, &mut inventory);
    inventory
}

/// Parses every candidate from `files` into `inventory`, then sorts it.
fn parse(
    files: &dyn Files,
    candidates: &[Candidate],
    options: &Options,
    inventory: &mut Inventory,
) {
    // A thread pool costs more to start and to hand one file to than that file takes to parse
    // (a large Cargo.lock parses in a few milliseconds), so one file is parsed right here.
    let results: Vec<(Vec<LockfileReport>, Vec<FileError>, Vec<FileError>)> =
        if candidates.len() > 1 {
            candidates
                .par_iter()
                .map(|candidate| process(files, candidate, options))
                .collect()
        } else {
            candidates
                .iter()
                .map(|c| process(files, c, options))
                .collect()
        };
    for (reports, errors, warnings) in results {
        inventory.lockfiles.extend(reports);
        inventory.errors.extend(errors);
        inventory.warnings.extend(warnings);
    }
    inventory.sort();
}

/// How a path the user named prefixes the files found under it when several are scanned.
fn display_prefix(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_end_matches('/');
    if text.is_empty() || text == "." {
        String::new()
    } else {
        format!("{text}/")
    }
}

/// The reports of one file: one for a lockfile, one per ecosystem present for an SBOM.
fn process(
    files: &dyn Files,
    candidate: &Candidate,
    options: &Options,
) -> (Vec<LockfileReport>, Vec<FileError>, Vec<FileError>) {
    let error = |line: Option<u32>, message: String| FileError {
        path: candidate.display.clone(),
        line,
        message,
    };
    let text = match files.read_text(&candidate.path, options.max_file_size) {
        Ok(text) => text,
        Err(message) => return (Vec::new(), vec![error(None, message)], Vec::new()),
    };
    let format = match candidate
        .format
        .or_else(|| Format::sniff(&text))
        .or_else(|| requirements_by_content(&candidate.path, &text))
    {
        Some(format) => format,
        None => {
            return (
                Vec::new(),
                vec![error(
                    None,
                    "not a lockfile or SBOM customs can read (by name or content)".to_owned(),
                )],
                Vec::new(),
            );
        }
    };
    let input = Input {
        path: &candidate.display,
        text: &text,
    };
    let mut parsed = match format.parse(input) {
        Ok(parsed) => parsed,
        Err(parse_error) => {
            return (
                Vec::new(),
                vec![error(parse_error.line, parse_error.full_message())],
                Vec::new(),
            );
        }
    };
    let mut errors = to_file_errors(&candidate.display, &parsed.errors);
    let mut warnings = to_file_errors(&candidate.display, &parsed.warnings);
    if !parsed.includes.is_empty() {
        let (more_errors, more_warnings) =
            includes::resolve(files, candidate, format, &mut parsed, options);
        errors.extend(more_errors);
        warnings.extend(more_warnings);
    }
    let packages = std::mem::take(&mut parsed.packages);
    let mut reports = Vec::new();
    if format.is_sbom() {
        // An SBOM's packages are the document's own; no manifest beside it describes them.
        for (ecosystem, packages) in split_by_ecosystem(packages) {
            let mut report = LockfileReport {
                path: candidate.display.clone(),
                format: parsed.format.clone(),
                ecosystem,
                packages,
            };
            report.propagate_scopes();
            report.sort();
            reports.push(report);
        }
        return (reports, errors, warnings);
    }
    let mut report = LockfileReport {
        path: candidate.display.clone(),
        format: parsed.format.clone(),
        ecosystem: parsed.ecosystem,
        packages,
    };
    if let Some(directory) = candidate.path.parent() {
        errors.extend(manifests::apply(
            files,
            &mut report,
            &parsed,
            directory,
            &candidate.display,
            options,
        ));
    }
    report.propagate_scopes();
    report.sort();
    reports.push(report);
    (reports, errors, warnings)
}

/// An SBOM's packages grouped by ecosystem, since a report has one. Edges between ecosystems
/// are dropped: a report's dependencies name packages of the same report.
fn split_by_ecosystem(packages: Vec<Package>) -> BTreeMap<Ecosystem, Vec<Package>> {
    let mut groups: BTreeMap<Ecosystem, Vec<Package>> = BTreeMap::new();
    for package in packages {
        groups.entry(package.ecosystem).or_default().push(package);
    }
    if groups.len() > 1 {
        for packages in groups.values_mut() {
            let ids: HashSet<PackageId> = packages.iter().map(Package::id).collect();
            for package in packages.iter_mut() {
                package.dependencies.retain(|id| ids.contains(id));
            }
        }
    }
    groups
}

/// Requirements files carry no header, so content cannot name them. A `.txt` file the user
/// named explicitly (`requirements/prod.txt`) is read as one when every line parses as pip
/// input and at least one package comes out; anything else stays "not a lockfile".
fn requirements_by_content(path: &Path, text: &str) -> Option<Format> {
    let is_text = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    let parsed = is_text
        .then(|| Format::Requirements.parse(Input { path: "", text }).ok())
        .flatten()?;
    (parsed.errors.is_empty() && !(parsed.packages.is_empty() && parsed.includes.is_empty()))
        .then_some(Format::Requirements)
}

fn to_file_errors(path: &str, errors: &[customs_lockfile::ParseError]) -> Vec<FileError> {
    errors
        .iter()
        .map(|e| FileError {
            path: path.to_owned(),
            line: e.line,
            message: e.full_message(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a panic is the failure report")]

    use super::*;

    #[test]
    fn an_sbom_gives_one_report_per_ecosystem_and_no_manifest_completes_it() {
        let dir = tempfile::tempdir().unwrap();
        // A manifest beside the SBOM would make `left-pad` direct and dev for a lockfile.
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "app", "devDependencies": {"left-pad": "^1"}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("bom.json"),
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"bom-ref": "a", "name": "left-pad", "purl": "pkg:npm/left-pad@1.3.0"},
  {"bom-ref": "b", "name": "requests", "purl": "pkg:pypi/requests@2.31.0"},
  {"bom-ref": "c", "name": "urllib3", "purl": "pkg:pypi/urllib3@2.2.0"}
], "dependencies": [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["c"]}]}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("other.cdx.json"),
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"name": "guava", "purl": "pkg:maven/com.google.guava/guava@33.0.0"}]}"#,
        )
        .unwrap();
        let inventory = scan(&[dir.path().to_path_buf()], &Options::default());
        let reports: Vec<String> = inventory
            .lockfiles
            .iter()
            .map(|l| {
                let packages: Vec<String> = l
                    .packages
                    .iter()
                    .map(|p| {
                        format!(
                            "{} direct={} scope={:?} deps={}",
                            p.name,
                            p.direct,
                            p.scope,
                            p.dependencies.len()
                        )
                    })
                    .collect();
                format!(
                    "{} {} {}: {}",
                    l.path,
                    l.format,
                    l.ecosystem,
                    packages.join(", ")
                )
            })
            .collect();
        assert_eq!(
            reports,
            [
                "bom.json CycloneDX 1.6 JSON npm: left-pad direct=false scope=None deps=0",
                "bom.json CycloneDX 1.6 JSON PyPI: requests direct=false scope=None deps=1, \
                 urllib3 direct=false scope=None deps=0",
            ]
        );
        assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
        let warnings: Vec<String> = inventory.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "other.cdx.json: no npm, PyPI or crates.io package in this SBOM; nothing to check",
                "other.cdx.json: skipped 1 component not from npm, PyPI or crates.io (1 maven)",
            ]
        );
    }
}
