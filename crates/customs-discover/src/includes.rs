//! `-r FILE` and `-c FILE` in requirements files.
//!
//! Included requirements join the including file's packages (reported at their own file and
//! line). Constraint files add no packages: they pin the version of packages that are required
//! without an exact pin. Cycles are reported once and broken; includes that would leave the
//! scanned root are refused, so a hostile repository cannot make customs read, and echo, files
//! outside it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use customs_core::{FileError, Package};
use customs_lockfile::{Format, Include, Input, Parsed};

use crate::source::Files;
use crate::{Candidate, Options, to_file_errors};

const MAX_INCLUDE_DEPTH: usize = 16;

pub(crate) fn resolve(
    files: &dyn Files,
    candidate: &Candidate,
    format: Format,
    parsed: &mut Parsed,
    options: &Options,
) -> (Vec<FileError>, Vec<FileError>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let root = match files.canonicalize(&candidate.root) {
        Ok(root) => root,
        Err(message) => {
            errors.push(FileError {
                path: candidate.display.clone(),
                line: None,
                message: format!(
                    "cannot resolve the directory its includes are relative to: {message}"
                ),
            });
            return (errors, warnings);
        }
    };
    let prefix = display_prefix(files, candidate, &root);
    let mut visited: HashSet<PathBuf> = files.canonicalize(&candidate.path).into_iter().collect();
    let mut constraints: Vec<Package> = Vec::new();
    let mut pending: Vec<(PathBuf, String, Include, usize)> = parsed
        .includes
        .iter()
        .map(|include| {
            (
                candidate.path.clone(),
                candidate.display.clone(),
                include.clone(),
                1,
            )
        })
        .collect();
    pending.reverse();

    while let Some((from, from_display, include, depth)) = pending.pop() {
        let at = |message: String| FileError {
            path: from_display.clone(),
            line: Some(include.line),
            message,
        };
        let target = from
            .parent()
            .unwrap_or_else(|| Path::new(""))
            .join(&include.path);
        let canonical = match files.canonicalize(&target) {
            Ok(canonical) => canonical,
            Err(message) => {
                errors.push(at(format!(
                    "cannot read included file `{}`: {message}",
                    include.path,
                )));
                continue;
            }
        };
        if !canonical.starts_with(&root) {
            errors.push(at(format!(
                "included file `{}` is outside the scanned directory; not read",
                include.path
            )));
            continue;
        }
        if !visited.insert(canonical.clone()) {
            warnings.push(at(format!(
                "`{}` is included more than once (or in a cycle); read once",
                include.path
            )));
            continue;
        }
        if depth > MAX_INCLUDE_DEPTH {
            errors.push(at(format!(
                "includes nest deeper than {MAX_INCLUDE_DEPTH} files at `{}`",
                include.path
            )));
            continue;
        }
        let display = format!("{prefix}{}", relative(&canonical, &root));
        let text = match files.read_text(&canonical, options.max_file_size) {
            Ok(text) => text,
            Err(message) => {
                errors.push(FileError {
                    path: display,
                    line: None,
                    message,
                });
                continue;
            }
        };
        let included = match format.parse(Input {
            path: &display,
            text: &text,
        }) {
            Ok(included) => included,
            Err(error) => {
                errors.push(FileError {
                    path: display,
                    line: error.line,
                    message: error.full_message(),
                });
                continue;
            }
        };
        errors.extend(to_file_errors(&display, &included.errors));
        warnings.extend(to_file_errors(&display, &included.warnings));
        for nested in included.includes.iter().rev() {
            // A file pulled in by a constraints file only constrains too.
            let mut nested = nested.clone();
            nested.constraint |= include.constraint;
            pending.push((canonical.clone(), display.clone(), nested, depth + 1));
        }
        if include.constraint {
            constraints.extend(included.packages);
        } else {
            parsed.packages.extend(included.packages);
        }
    }

    apply_constraints(&mut parsed.packages, &constraints);
    let packages = std::mem::take(&mut parsed.packages);
    parsed.packages = customs_core::merge_duplicates(packages);
    (errors, warnings)
}

/// Pins each unpinned package to the exact version a constraints file gives it.
fn apply_constraints(packages: &mut [Package], constraints: &[Package]) {
    for package in packages.iter_mut().filter(|p| p.version.is_none()) {
        if let Some(pin) = constraints
            .iter()
            .find(|c| c.name == package.name && c.version.is_some())
        {
            package.version.clone_from(&pin.version);
            package.integrity.extend(pin.integrity.iter().cloned());
            package.locations.extend(pin.locations.iter().cloned());
        }
    }
}

/// The part of the candidate's display path that comes before its path within the root.
fn display_prefix(files: &dyn Files, candidate: &Candidate, root: &Path) -> String {
    let own = files
        .canonicalize(&candidate.path)
        .map(|path| relative(&path, root))
        .unwrap_or_default();
    candidate
        .display
        .strip_suffix(own.as_str())
        .unwrap_or_default()
        .to_owned()
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
