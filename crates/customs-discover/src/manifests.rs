//! Completes a parsed lockfile from the manifests beside it: the root manifest and, for
//! workspaces, each member's. Only what the lockfile itself does not record is filled in:
//! - local packages whose path the lockfile omits become workspace members (with their
//!   directory) or path dependencies (with the path a manifest gives);
//! - direct dependencies, when the format does not mark them;
//! - dev / optional scopes of direct dependencies, when the format does not record scopes.

use std::collections::HashMap;
use std::path::Path;

use customs_core::{Ecosystem, FileError, LockfileReport, PackageId, PackageName, Scope, Source};
use customs_lockfile::manifest::{Manifest, ManifestKind};
use customs_lockfile::{Input, Parsed};
use globset::{Glob, GlobSetBuilder};

use crate::Options;
use crate::source::Files;

/// Workspaces larger than this are cut short rather than walked without end.
const MAX_MEMBERS: usize = 10_000;

pub(crate) fn apply(
    files: &dyn Files,
    report: &mut LockfileReport,
    parsed: &Parsed,
    directory: &Path,
    display: &str,
    options: &Options,
) -> Vec<FileError> {
    let kind = ManifestKind::for_ecosystem(report.ecosystem);
    let display_dir = display
        .rsplit_once('/')
        .map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let mut errors = Vec::new();
    let mut read = |relative: &str| -> Option<Manifest> {
        let path = directory.join(relative).join(kind.file_name());
        if !files.is_file(&path) {
            return None;
        }
        let shown = if relative == "." {
            format!("{display_dir}{}", kind.file_name())
        } else {
            format!("{display_dir}{relative}/{}", kind.file_name())
        };
        let parsed = files
            .read_text(&path, options.max_file_size)
            .and_then(|text| {
                kind.parse(Input {
                    path: &shown,
                    text: &text,
                })
                .map_err(|e| e.full_message())
            });
        match parsed {
            Ok(manifest) => Some(manifest),
            Err(message) => {
                errors.push(FileError {
                    path: shown,
                    line: None,
                    message,
                });
                None
            }
        }
    };
    let Some(root) = read(".") else {
        return errors;
    };
    let mut manifests = vec![(".".to_owned(), root)];
    let mut members = expand_members(files, directory, &manifests[0].1.workspace_members, kind);
    // Workspaces the lockfile itself records (pnpm's importers, npm's and bun's workspace
    // entries) have manifests too, even when the root manifest lists no globs.
    for package in &report.packages {
        if let Source::Workspace { path } = &package.source
            && let Some(path) = inside(path)
            && members.len() < MAX_MEMBERS
        {
            members.push(path.to_owned());
        }
    }
    members.sort();
    members.dedup();
    for member in members {
        if member != "."
            && let Some(manifest) = read(&member)
        {
            manifests.push((member, manifest));
        }
    }
    complete(report, parsed, &manifests);
    errors
}

/// A lockfile-recorded path, normalised, if it stays inside the lockfile's directory (`.` is
/// the directory itself): a hostile lockfile must not make customs read manifests elsewhere.
fn inside(path: &str) -> Option<&str> {
    let path = path.trim_start_matches("./").trim_end_matches('/');
    let escapes = path.starts_with('/')
        || path.contains('\\')
        || path
            .split('/')
            .any(|part| part == ".." || part.contains(':'));
    (!path.is_empty() && !escapes).then_some(path)
}

/// The directories (relative to `directory`) that match a workspace's member globs and hold a
/// manifest. Negated globs (`!packages/legacy`) exclude.
fn expand_members(
    files: &dyn Files,
    directory: &Path,
    patterns: &[String],
    kind: ManifestKind,
) -> Vec<String> {
    let mut include = GlobSetBuilder::new();
    let mut exclude = GlobSetBuilder::new();
    let mut any = false;
    for pattern in patterns {
        let (set, pattern) = match pattern.strip_prefix('!') {
            Some(negated) => (&mut exclude, negated),
            None => (&mut include, pattern.as_str()),
        };
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        if let Ok(glob) = Glob::new(pattern) {
            set.add(glob);
            any = true;
        }
    }
    let (Ok(include), Ok(exclude)) = (include.build(), exclude.build()) else {
        return Vec::new();
    };
    if !any {
        return Vec::new();
    }
    let mut members = Vec::new();
    for relative in files.directories(directory) {
        if members.len() >= MAX_MEMBERS {
            break;
        }
        if !include.is_match(&relative) || exclude.is_match(&relative) {
            continue;
        }
        if files.is_file(&directory.join(&relative).join(kind.file_name())) {
            members.push(relative);
        }
    }
    members.sort();
    members
}

fn key(ecosystem: Ecosystem, name: &str) -> Option<String> {
    PackageName::new(ecosystem, name)
        .ok()
        .map(|name| name.match_key(ecosystem))
}

/// Applies what the manifests declare to the lockfile's packages.
fn complete(report: &mut LockfileReport, parsed: &Parsed, manifests: &[(String, Manifest)]) {
    let ecosystem = report.ecosystem;
    let members: HashMap<String, &str> = manifests
        .iter()
        .filter_map(|(dir, m)| Some((key(ecosystem, m.name.as_deref()?)?, dir.as_str())))
        .collect();
    let mut declared: HashMap<String, Scope> = HashMap::new();
    let mut paths: HashMap<String, String> = HashMap::new();
    for (dir, manifest) in manifests {
        for dependency in &manifest.dependencies {
            let Some(name) = key(ecosystem, &dependency.name) else {
                continue;
            };
            declared
                .entry(name.clone())
                .and_modify(|scope| *scope = scope.widest(dependency.scope))
                .or_insert(dependency.scope);
            if let Some(path) = &dependency.path {
                paths
                    .entry(name)
                    .or_insert_with(|| customs_core::join_path(dir, path));
            }
        }
    }

    // A local package's id includes its path, so refining the path renames it: edges follow.
    let mut renamed: HashMap<PackageId, PackageId> = HashMap::new();
    let names_by_dir: HashMap<&str, &str> = manifests
        .iter()
        .filter_map(|(dir, m)| Some((dir.as_str(), m.name.as_deref()?)))
        .collect();
    for package in &mut report.packages {
        // Lockfiles that record no names for their workspaces (pnpm's importers) name them by
        // path; the manifest in that directory knows the real name.
        if let Source::Workspace { path } = &package.source
            && let Some(dir) = inside(path)
            && package.name.as_str() == dir
            && let Some(real) = names_by_dir.get(dir)
            && let Ok(name) = PackageName::new(ecosystem, real)
        {
            let old = package.id();
            package.name = name;
            renamed.insert(old, package.id());
        }
    }
    for package in &mut report.packages {
        let name = package.name.match_key(ecosystem);
        if let Source::Path { path } | Source::Workspace { path } = &package.source
            && path.is_empty()
        {
            let old = package.id();
            if let Some(dir) = members.get(&name) {
                package.source = Source::Workspace {
                    path: (*dir).to_owned(),
                };
            } else if let Some(path) = paths.get(&name) {
                package.source = Source::Path { path: path.clone() };
            }
            let new = package.id();
            if new != old {
                renamed.insert(old, new);
            }
        }
    }
    if !renamed.is_empty() {
        for package in &mut report.packages {
            package.dependencies = std::mem::take(&mut package.dependencies)
                .into_iter()
                .map(|id| renamed.get(&id).cloned().unwrap_or(id))
                .collect();
        }
    }

    if !parsed.records_direct {
        // Where several versions share a declared name, the direct one is the one a project
        // package depends on, if the lockfile records such edges.
        let local_edges: std::collections::HashSet<String> = report
            .packages
            .iter()
            .filter(|p| p.is_local())
            .flat_map(|p| p.dependencies.iter().map(|d| d.as_str().to_owned()))
            .collect();
        let mut versions: HashMap<String, usize> = HashMap::new();
        for package in report.packages.iter().filter(|p| !p.is_local()) {
            *versions
                .entry(package.name.match_key(ecosystem))
                .or_default() += 1;
        }
        for package in report.packages.iter_mut().filter(|p| !p.is_local()) {
            let name = package.name.match_key(ecosystem);
            if !declared.contains_key(&name) {
                continue;
            }
            let several = versions.get(&name).copied().unwrap_or(0) > 1;
            if !several || local_edges.is_empty() || local_edges.contains(package.id().as_str()) {
                package.direct = true;
            }
        }
    }
    if !parsed.records_scope {
        // Local packages too: a path dependency declared for development passes that scope on
        // to everything only it pulls in.
        for package in report.packages.iter_mut().filter(|p| p.direct) {
            if let Some(&scope) = declared.get(&package.name.match_key(ecosystem)) {
                package.scope = Some(package.scope.map_or(scope, |s| s.widest(scope)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::inside;

    #[test]
    fn lockfile_paths_may_not_leave_the_directory() {
        assert_eq!(inside("./packages/a/"), Some("packages/a"));
        assert_eq!(inside("packages/a"), Some("packages/a"));
        assert_eq!(inside("."), Some("."));
        for hostile in ["../x", "a/../../x", "/etc", "C:/x", "a\\..\\b", ""] {
            assert_eq!(inside(hostile), None, "{hostile}");
        }
    }
}
