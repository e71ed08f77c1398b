use std::path::Path;

use customs_core::FileError;
use customs_lockfile::Format;
use ignore::WalkBuilder;

use crate::Candidate;

/// Directories that hold installed or generated copies of dependencies, never the project's
/// own lockfiles.
pub(crate) const SKIPPED_DIRECTORIES: &[&str] =
    &["node_modules", "target", ".venv", "venv", ".git"];

/// The files under `path` (or `path` itself) that customs should parse.
pub(crate) fn candidates(path: &Path, prefix: &str) -> Result<Vec<Candidate>, FileError> {
    let shown = path.to_string_lossy().into_owned();
    let metadata = std::fs::metadata(path).map_err(|error| FileError {
        path: shown.clone(),
        line: None,
        message: format!("cannot read: {}", error.to_string().to_lowercase()),
    })?;
    if metadata.is_file() {
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = if prefix.is_empty() {
            file_name.clone()
        } else {
            shown
        };
        return Ok(vec![Candidate {
            path: path.to_path_buf(),
            root: parent_directory(path),
            display,
            // A file named explicitly is parsed even with an unusual name: by content.
            format: Format::from_file_name(&file_name),
        }]);
    }
    let mut found = Vec::new();
    let walker = WalkBuilder::new(path)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| SKIPPED_DIRECTORIES.contains(&name)))
        })
        .build();
    for entry in walker {
        let Ok(entry) = entry else {
            // Unreadable directories are skipped, as git itself would.
            continue;
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(format) = entry.file_name().to_str().and_then(Format::from_file_name) else {
            continue;
        };
        let relative = entry.path().strip_prefix(path).unwrap_or(entry.path());
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        found.push(Candidate {
            path: entry.path().to_path_buf(),
            root: path.to_path_buf(),
            display: format!("{prefix}{relative}"),
            format: Some(format),
        });
    }
    Ok(found)
}

/// The directory holding `path`; `.` for a bare file name, whose parent is the empty path.
pub(crate) fn parent_directory(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}
