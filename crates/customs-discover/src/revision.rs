//! Lockfiles as they were at a git revision, for comparing a change with its base.
//!
//! [`scan_revision`] gives the [`Inventory`] that [`crate::scan`] of the same paths would have
//! given with the revision checked out: the same files chosen (by name, outside
//! `node_modules`, `target` and the other skipped directories, not ignored by the revision's
//! `.gitignore` files), the same paths shown (so a lockfile pairs with itself across
//! revisions), the same manifests completing each lockfile, read from the revision too, and the
//! same size cap. A path absent at the revision is not an error: it held nothing then.
//!
//! Quirks: `.git/info/exclude` (local to one clone, not part of any revision) is not read, nor
//! are `.gitignore` files above the repository; files whose paths are not UTF-8 are skipped;
//! symbolic links and submodules are not followed. See [`crate::git`] for how git itself is
//! run on a repository that may be hostile.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use customs_core::Inventory;
use customs_lockfile::Format;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::git::{self, Blob, Blobs, join, parent, tree_path};
use crate::source::{Files, MAX_MEMBER_DEPTH};
use crate::walk::{SKIPPED_DIRECTORIES, parent_directory};
use crate::{Candidate, Options};

/// The default of [`Options::max_revision_files`]: more files than any repository customs
/// should read in one revision (the Linux kernel has about 90,000).
pub(crate) const MAX_REVISION_FILES: usize = 2_000_000;

/// Why a revision could not be read. Files of the revision that cannot be read or parsed are
/// not errors here: they are the [`Inventory`]'s, as for files on disk.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error(
        "`{revision}` is not a revision customs accepts: it is empty, starts with `-`, holds \
         control characters or is longer than 1024 bytes"
    )]
    InvalidRevision { revision: String },
    #[error("cannot run `git`, which reading another revision needs")]
    GitMissing {
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` does not exist")]
    PathMissing { path: String },
    #[error("`{path}` is not inside a git repository, so it has no revision to compare with")]
    NotARepository { path: String },
    #[error(
        "`{path}` is outside the git repository at `{repository}`: every path must be in the \
         same repository"
    )]
    OutsideRepository { path: String, repository: String },
    #[error("unknown revision `{revision}` in the git repository at `{repository}`")]
    UnknownRevision {
        revision: String,
        repository: String,
    },
    #[error(
        "revision `{revision}` is not in this shallow clone: fetch the history it needs \
         (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
    )]
    Shallow { revision: String },
    #[error("`{revision}` holds more than {limit} files under the paths to scan")]
    TooManyFiles { revision: String, limit: usize },
    #[error("`git {command}` failed in `{repository}`: {message}")]
    Git {
        command: String,
        repository: String,
        message: String,
    },
}

/// The commit `revision` names in the git repository holding `paths` (the current directory
/// when there are none). Every path must be in that one repository.
pub fn resolve_revision(paths: &[PathBuf], revision: &str) -> Result<String, RevisionError> {
    let current = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &current } else { paths };
    let repository = Repository::locate(paths)?;
    repository.resolve(revision)
}

/// Finds and parses every supported file under `paths` as they were at `revision` (any name
/// git accepts for a commit: a branch, a tag, `origin/main`, an id). The inventory is the one
/// [`crate::scan`] of the same paths would give with the revision checked out.
pub fn scan_revision(
    paths: &[PathBuf],
    revision: &str,
    options: &Options,
) -> Result<Inventory, RevisionError> {
    validate(revision)?;
    if paths.is_empty() {
        return Ok(Inventory::default());
    }
    let repository = Repository::locate(paths)?;
    let commit = repository.resolve(revision)?;
    let files = repository.list(&commit, revision, options.max_revision_files)?;
    let tree = Tree {
        files,
        blobs: Blobs::start(&repository.top)?,
    };
    let candidates = candidates(&tree, &repository.roots, paths.len() > 1, options);
    let mut inventory = Inventory::default();
    crate::parse(&tree, &candidates, options, &mut inventory);
    Ok(inventory)
}

/// A revision as the user wrote it must name a commit, and never be taken for an option.
fn validate(revision: &str) -> Result<(), RevisionError> {
    if revision.is_empty()
        || revision.starts_with('-')
        || revision.chars().any(char::is_control)
        || revision.len() > 1024
    {
        return Err(RevisionError::InvalidRevision {
            revision: revision
                .chars()
                .take(100)
                .map(|c| if c.is_control() { '?' } else { c })
                .collect(),
        });
    }
    Ok(())
}

/// The repository the paths are in, and each path from its top.
struct Repository {
    top: PathBuf,
    roots: Vec<Root>,
}

/// A path the user named.
struct Root {
    /// As the user wrote it, for display paths when several are scanned.
    given: PathBuf,
    /// From the repository's top, `/`-separated; `""` is the top itself.
    tree: String,
    /// The directory to list: the path itself, or the directory of a file (whose manifests
    /// and includes are beside it). A path the working tree does not have counts as a file.
    listed: String,
}

impl Repository {
    fn locate(paths: &[PathBuf]) -> Result<Self, RevisionError> {
        let mut top: Option<String> = None;
        let mut roots = Vec::new();
        for path in paths {
            let shown = path.to_string_lossy().into_owned();
            let (directory, name) = if path.is_dir() {
                (path.clone(), None)
            } else {
                // A file, or one the working tree no longer has: its directory must exist.
                let directory = parent_directory(path);
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if name.is_none() || !directory.is_dir() {
                    return Err(RevisionError::PathMissing { path: shown });
                }
                (directory, name)
            };
            let mut command = git::command(&directory);
            command.args(["rev-parse", "--show-toplevel", "--show-prefix"]);
            let output = git::run(command)?;
            if !output.success {
                if output.message.contains("not a git repository") {
                    return Err(RevisionError::NotARepository { path: shown });
                }
                return Err(RevisionError::Git {
                    command: "rev-parse --show-toplevel".to_owned(),
                    repository: directory.to_string_lossy().into_owned(),
                    message: output.message,
                });
            }
            let mut lines = output.stdout.lines();
            let this_top = lines.next().unwrap_or_default().to_owned();
            let prefix = lines.next().unwrap_or_default().trim_end_matches('/');
            let (tree, listed) = match name {
                Some(name) => (join(prefix, &name), prefix.to_owned()),
                None => (prefix.to_owned(), prefix.to_owned()),
            };
            match &top {
                Some(first) if *first != this_top => {
                    return Err(RevisionError::OutsideRepository {
                        path: shown,
                        repository: first.clone(),
                    });
                }
                Some(_) => {}
                None => top = Some(this_top),
            }
            roots.push(Root {
                given: path.clone(),
                tree,
                listed,
            });
        }
        Ok(Self {
            top: PathBuf::from(top.unwrap_or_default()),
            roots,
        })
    }

    fn shown(&self) -> String {
        self.top.to_string_lossy().into_owned()
    }

    /// The commit `revision` names.
    fn resolve(&self, revision: &str) -> Result<String, RevisionError> {
        validate(revision)?;
        let mut command = git::command(&self.top);
        command.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]);
        command.arg(format!("{revision}^{{commit}}"));
        let output = git::run(command)?;
        let commit = output.stdout.trim();
        if output.success && !commit.is_empty() && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(commit.to_owned());
        }
        Err(self.missing(revision)?)
    }

    /// Why a revision (or an object it needs) is missing: a shallow clone says so.
    fn missing(&self, revision: &str) -> Result<RevisionError, RevisionError> {
        let mut command = git::command(&self.top);
        command.args(["rev-parse", "--is-shallow-repository"]);
        let shallow = git::run(command)?;
        Ok(if shallow.success && shallow.stdout.trim() == "true" {
            RevisionError::Shallow {
                revision: revision.to_owned(),
            }
        } else {
            RevisionError::UnknownRevision {
                revision: revision.to_owned(),
                repository: self.shown(),
            }
        })
    }

    /// The regular files of `commit` under the roots (and the `.gitignore` files above them),
    /// by path from the top.
    fn list(
        &self,
        commit: &str,
        revision: &str,
        limit: usize,
    ) -> Result<BTreeMap<String, Blob>, RevisionError> {
        let mut command = git::command(&self.top);
        command.args(["ls-tree", "-r", "-z", "-l", "--full-tree", commit]);
        let listed: Vec<&str> = self.roots.iter().map(|r| r.listed.as_str()).collect();
        // The top is listed whole; otherwise each directory, and what could ignore files in it.
        if !listed.iter().any(|directory| directory.is_empty()) {
            let mut pathspecs = BTreeSet::new();
            for directory in listed {
                pathspecs.insert(directory.to_owned());
                let mut above = parent(directory);
                loop {
                    pathspecs.insert(join(above, ".gitignore"));
                    if above.is_empty() {
                        break;
                    }
                    above = parent(above);
                }
            }
            command.arg("--");
            command.args(pathspecs);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|source| RevisionError::GitMissing { source })?;
        let mut files = BTreeMap::new();
        let mut too_many = false;
        let mut read_error = None;
        if let Some(stdout) = child.stdout.take() {
            let mut reader = BufReader::new(stdout);
            let mut record = Vec::new();
            loop {
                record.clear();
                match reader.read_until(b'\0', &mut record) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(error) => {
                        read_error = Some(error);
                        break;
                    }
                }
                if record.last() == Some(&b'\0') {
                    record.pop();
                }
                if let Some((path, blob)) = git::parse_tree_entry(&record) {
                    if files.len() >= limit {
                        too_many = true;
                        break;
                    }
                    files.insert(path, blob);
                }
            }
        }
        if too_many || read_error.is_some() {
            let _ = child.kill();
        }
        let mut stderr = Vec::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.by_ref().take(64 * 1024).read_to_end(&mut stderr);
        }
        let status = child.wait();
        if too_many {
            return Err(RevisionError::TooManyFiles {
                revision: revision.to_owned(),
                limit,
            });
        }
        if let Some(error) = read_error {
            return Err(RevisionError::Git {
                command: "ls-tree".to_owned(),
                repository: self.shown(),
                message: format!(
                    "cannot read its output: {}",
                    error.to_string().to_lowercase()
                ),
            });
        }
        if !status.is_ok_and(|s| s.success()) {
            return Err(match self.missing(revision)? {
                shallow @ RevisionError::Shallow { .. } => shallow,
                _ => RevisionError::Git {
                    command: "ls-tree".to_owned(),
                    repository: self.shown(),
                    message: git::first_line(&stderr),
                },
            });
        }
        Ok(files)
    }
}

/// The files of a revision, read through one `git cat-file --batch`.
struct Tree {
    files: BTreeMap<String, Blob>,
    blobs: Blobs,
}

impl Tree {
    /// The files under `directory` (`""`: every file), with their paths relative to it.
    fn under<'a>(&'a self, directory: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let prefix = if directory.is_empty() {
            String::new()
        } else {
            format!("{directory}/")
        };
        let length = prefix.len();
        self.files
            .range(prefix.clone()..)
            .take_while(move |(path, _)| path.starts_with(&prefix))
            .filter_map(move |(path, _)| Some((path.as_str(), path.get(length..)?)))
    }

    fn is_directory(&self, path: &str) -> bool {
        path.is_empty() || self.under(path).next().is_some()
    }
}

impl Files for Tree {
    fn read_text(&self, path: &Path, max_size: u64) -> Result<String, String> {
        let blob = tree_path(path)
            .and_then(|path| self.files.get(&path))
            .ok_or_else(|| "cannot open: no such file in the revision".to_owned())?;
        if let Some(size) = blob.size
            && size > max_size
        {
            return Err(format!(
                "file is {size} bytes, over the {max_size}-byte limit for a lockfile"
            ));
        }
        crate::read::decode_text(self.blobs.read(&blob.id, max_size)?)
    }

    fn is_file(&self, path: &Path) -> bool {
        tree_path(path).is_some_and(|path| self.files.contains_key(&path))
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf, String> {
        let path = tree_path(path).ok_or_else(|| "the path leaves the repository".to_owned())?;
        if self.files.contains_key(&path) || self.is_directory(&path) {
            Ok(PathBuf::from(path))
        } else {
            Err("no such file or directory in the revision".to_owned())
        }
    }

    fn directories(&self, directory: &Path) -> Vec<String> {
        let Some(directory) = tree_path(directory) else {
            return Vec::new();
        };
        let mut directories = BTreeSet::new();
        for (_, relative) in self.under(&directory) {
            let mut parts: Vec<&str> = relative.split('/').collect();
            parts.pop();
            for depth in 1..=parts.len().min(MAX_MEMBER_DEPTH) {
                let Some(path) = parts.get(..depth) else {
                    break;
                };
                if path.last().is_some_and(|p| SKIPPED_DIRECTORIES.contains(p)) {
                    break;
                }
                directories.insert(path.join("/"));
            }
        }
        directories.into_iter().collect()
    }
}

/// The files to parse under each root, as [`crate::walk::candidates`] chooses them on disk.
fn candidates(tree: &Tree, roots: &[Root], several: bool, options: &Options) -> Vec<Candidate> {
    let mut ignores = Ignores {
        tree,
        max_size: options.max_file_size,
        by_directory: HashMap::new(),
    };
    let mut found = Vec::new();
    for root in roots {
        let prefix = if several {
            crate::display_prefix(&root.given)
        } else {
            String::new()
        };
        if !root.tree.is_empty() && tree.files.contains_key(&root.tree) {
            let name = root.tree.rsplit('/').next().unwrap_or_default();
            found.push(Candidate {
                path: PathBuf::from(&root.tree),
                root: PathBuf::from(parent(&root.tree)),
                display: if several {
                    root.given.to_string_lossy().into_owned()
                } else {
                    name.to_owned()
                },
                // A file named explicitly is parsed even with an unusual name: by content.
                format: Format::from_file_name(name),
            });
            continue;
        }
        for (path, relative) in tree.under(&root.tree) {
            let mut parts: Vec<&str> = relative.split('/').collect();
            let Some(name) = parts.pop() else {
                continue;
            };
            if parts.iter().any(|part| SKIPPED_DIRECTORIES.contains(part)) {
                continue;
            }
            let Some(format) = Format::from_file_name(name) else {
                continue;
            };
            if ignores.excludes(&root.tree, &parts, name) {
                continue;
            }
            found.push(Candidate {
                path: PathBuf::from(path),
                root: PathBuf::from(&root.tree),
                display: format!("{prefix}{relative}"),
                format: Some(format),
            });
        }
    }
    found
}

/// The revision's `.gitignore` files, each read once when a file below it is first asked about.
struct Ignores<'a> {
    tree: &'a Tree,
    max_size: u64,
    by_directory: HashMap<String, Option<Gitignore>>,
}

impl Ignores<'_> {
    /// Whether the walk from `root` would not reach `root/directories.../name`: a directory on
    /// the way, or the file itself, is ignored (git cannot take back a file whose directory it
    /// ignores).
    fn excludes(&mut self, root: &str, directories: &[&str], name: &str) -> bool {
        let mut path = root.to_owned();
        for directory in directories {
            path = join(&path, directory);
            if self.ignored(&path, true) {
                return true;
            }
        }
        self.ignored(&join(&path, name), false)
    }

    /// Whether `path` is ignored: the `.gitignore` nearest to it that has a say decides.
    fn ignored(&mut self, path: &str, is_directory: bool) -> bool {
        let mut directory = parent(path);
        loop {
            let relative = if directory.is_empty() {
                path
            } else {
                path.get(directory.len() + 1..).unwrap_or(path)
            };
            if let Some(matcher) = self.matcher(directory) {
                match matcher.matched(relative, is_directory) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if directory.is_empty() {
                return false;
            }
            directory = parent(directory);
        }
    }

    fn matcher(&mut self, directory: &str) -> Option<&Gitignore> {
        if !self.by_directory.contains_key(directory) {
            let path = join(directory, ".gitignore");
            let matcher = self
                .tree
                .read_text(Path::new(&path), self.max_size)
                .ok()
                .and_then(|text| {
                    let mut builder = GitignoreBuilder::new(".");
                    for line in text.lines() {
                        // A pattern git would not understand either is skipped, as git does.
                        let _ = builder.add_line(None, line);
                    }
                    builder.build().ok()
                });
            self.by_directory.insert(directory.to_owned(), matcher);
        }
        self.by_directory.get(directory).and_then(Option::as_ref)
    }
}
