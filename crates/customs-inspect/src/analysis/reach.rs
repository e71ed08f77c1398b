//! Reachability: which files an entry point leads to, by a bounded static walk of references.
//!
//! A file is reachable from an entry point if it is one, or if a reachable file refers to it:
//!
//! - any file: a string literal naming a file of the package, relative to the file or to the
//!   package root (`require('./x')`, `import ... from '../y'`, `exec("bash preinstall.sh")`,
//!   `path.join(__dirname, 'z.js')`, `include_str!("p")`, `open('x')`), or a hex or base64
//!   literal decoding to such a path; `./`-relative names are resolved as Node does
//!   (`.js`, `.cjs`, `.mjs`, `.json`, `/index.js`...);
//! - Python (`.py`, `.pth`): `import a.b`, `from a.b import c`, `from . import d`, `from ..e
//!   import f`, against the top of the archive and `src/` (importing `a.b` runs
//!   `a/__init__.py` too);
//! - Rust: `mod name;` (`name.rs`, `name/mod.rs`);
//! - shell and batch files (and npm scripts): the commands of each line (`node x.js`,
//!   `sh y.sh`, `python -m z`).
//!
//! Only code is walked on: a file that is not code (a C source a build compiles, data the
//! code reads) is reachable, but what it names is not reached through it.
//!
//! Nothing is executed or evaluated: a reference built at run time (`require(name)`) is not
//! seen. Each file is read once (at most [`MAX_REFERENCE_BYTES`] of it) and gives at most
//! [`MAX_REFERENCES`] references, so the walk is linear in the package's size whatever its
//! import graph (cycles included).

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::Archive;
use crate::analysis::decode::{decode_literal, literals};
use crate::analysis::package::{Model, Target};
use crate::analysis::script::{Invocation, invocations};
use crate::analysis::text::{extension, file_name, parent};
use crate::analysis::verdict::EntryKind;

/// Bytes of a file read for references.
pub(crate) const MAX_REFERENCE_BYTES: usize = 8 * 1024 * 1024;
/// References taken from one file.
pub(crate) const MAX_REFERENCES: usize = 4096;

/// The most severe entry kind reaching each file (by path) and each npm script (by index).
#[derive(Debug, Default)]
pub(crate) struct Reach {
    pub files: HashMap<String, EntryKind>,
}

pub(crate) fn walk(archive: &Archive, files: &HashMap<&str, usize>, model: &Model) -> Reach {
    let resolver = Resolver {
        files,
        python_roots: &model.python_roots,
    };
    let mut reach = Reach::default();
    // Entry kinds from the most severe: a file is reported with the first that reaches it,
    // and a file already reached is not walked again.
    let mut by_kind: BTreeMap<EntryKind, Vec<&Target>> = BTreeMap::new();
    for entry in &model.entries {
        by_kind.entry(entry.kind).or_default().push(&entry.target);
    }
    for (kind, targets) in by_kind {
        let mut queue: VecDeque<String> = VecDeque::new();
        for target in targets {
            let mut found = Vec::new();
            match target {
                Target::File(path) => {
                    let path = path.trim_start_matches("./");
                    if let Some(path) = resolver.relative("", path, true) {
                        found.push(path);
                    }
                }
                Target::Module(module) => resolver.module(module, &[], &mut found),
                Target::Script(index) => {
                    if let Some(script) = model.scripts.get(*index) {
                        resolver.command_line(&script.text, "", &mut found);
                    }
                }
            }
            for path in found {
                if !reach.files.contains_key(&path) {
                    reach.files.insert(path.clone(), kind);
                    queue.push_back(path);
                }
            }
        }
        // Documentation included in code (`#![doc = include_str!("../README.md")]`) never runs.
        queue.retain(|path| !is_documentation(path));
        reach.files.retain(|path, _| !is_documentation(path));
        while let Some(path) = queue.pop_front() {
            // A file that is not code (C sources a build compiles, data, text read by the
            // code) is reached, but what it names does not run because it does: Cython's C
            // output names every module of its package.
            if !crate::analysis::profile::runs_as_code(&path) {
                continue;
            }
            let Some(file) = files
                .get(path.as_str())
                .and_then(|index| archive.files.get(*index))
            else {
                continue;
            };
            let data = file.data.get(..MAX_REFERENCE_BYTES).unwrap_or(&file.data);
            for next in resolver.references(&path, data) {
                if !reach.files.contains_key(&next) && !is_documentation(&next) {
                    reach.files.insert(next.clone(), kind);
                    queue.push_back(next);
                }
            }
        }
    }
    reach
}

/// Documentation formats: text that is read, not run.
fn is_documentation(path: &str) -> bool {
    matches!(
        extension(path).as_str(),
        "md" | "markdown" | "rst" | "adoc" | "textile"
    )
}

struct Resolver<'a> {
    files: &'a HashMap<&'a str, usize>,
    python_roots: &'a [String],
}

/// Node's resolution of a relative specifier without an extension, and Python's package.
const PROBES: &[&str] = &[
    "",
    ".js",
    ".cjs",
    ".mjs",
    ".json",
    ".ts",
    ".py",
    ".node",
    "/index.js",
    "/index.cjs",
    "/index.mjs",
    "/index.ts",
    "/__init__.py",
];

impl Resolver<'_> {
    fn exists(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// `spec` joined to `directory`, normalised, and found in the package (with the probes
    /// when `probe`).
    fn relative(&self, directory: &str, spec: &str, probe: bool) -> Option<String> {
        let mut parts: Vec<&str> = if directory.is_empty() {
            Vec::new()
        } else {
            directory.split('/').collect()
        };
        for part in spec.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                part => parts.push(part),
            }
        }
        let mut candidate = parts.join("/");
        if candidate.is_empty() {
            return None;
        }
        if !probe {
            return self.exists(&candidate).then_some(candidate);
        }
        let base = candidate.len();
        for suffix in PROBES {
            candidate.truncate(base);
            candidate.push_str(suffix);
            if self.exists(&candidate) {
                return Some(candidate);
            }
        }
        None
    }

    /// The references of the file at `path`.
    fn references(&self, path: &str, data: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        let extension = extension(path);
        let directory = parent(path);
        // Valid UTF-8 (almost always) is borrowed, not copied.
        let text = match std::str::from_utf8(data) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(data),
        };
        match extension.as_str() {
            "py" | "pth" => self.python(path, &text, &mut found),
            "rs" => self.rust(path, &text, &mut found),
            "sh" | "bash" | "bat" | "cmd" | "ps1" | "" => {
                for line in text.lines().take(100_000) {
                    self.command_line(line, directory, &mut found);
                    if found.len() >= MAX_REFERENCES {
                        break;
                    }
                }
            }
            _ => {}
        }
        self.literals(directory, data, extension == "py", &mut found);
        found.truncate(MAX_REFERENCES);
        found.sort();
        found.dedup();
        found
    }

    fn literals(&self, directory: &str, data: &[u8], python: bool, found: &mut Vec<String>) {
        for literal in literals(data) {
            if found.len() >= MAX_REFERENCES {
                return;
            }
            if literal.text.len() > 512 {
                continue;
            }
            let decoded;
            let text = match std::str::from_utf8(literal.text) {
                Ok(text) => text,
                Err(_) => continue,
            };
            let text = if let Some(bytes) = decode_literal(literal.text) {
                decoded = String::from_utf8_lossy(&bytes).into_owned();
                if decoded.starts_with("./") || decoded.starts_with("../") {
                    decoded.as_str()
                } else {
                    text
                }
            } else {
                text
            };
            // A Python literal names a module only as the argument of `__import__` or
            // `import_module` (elsewhere `"ctx"` is as likely a word as a module).
            let module_call = python && {
                let before = data
                    .get(..literal.offset.saturating_sub(1))
                    .unwrap_or_default();
                let before = before
                    .get(before.len().saturating_sub(32)..)
                    .unwrap_or_default();
                let before = String::from_utf8_lossy(before);
                let before = before.trim_end();
                before.ends_with("__import__(") || before.ends_with("import_module(")
            };
            for token in text.split_whitespace().take(16) {
                self.literal(directory, token, module_call, found);
            }
        }
    }

    fn literal(&self, directory: &str, token: &str, module_call: bool, found: &mut Vec<String>) {
        let token =
            token.trim_matches(|character: char| matches!(character, '(' | ')' | ',' | ';'));
        if token.is_empty() || token.contains("://") || token.starts_with('/') {
            return;
        }
        if token.starts_with("./") || token.starts_with("../") {
            if let Some(path) = self
                .relative(directory, token, true)
                .or_else(|| self.relative("", token, true))
            {
                found.push(path);
            }
            return;
        }
        let named = token.contains('/')
            || file_name(token)
                .rsplit_once('.')
                .is_some_and(|(stem, extension)| !stem.is_empty() && !extension.is_empty());
        if named
            && let Some(path) = self
                .relative(directory, token, false)
                .or_else(|| self.relative("", token, false))
        {
            found.push(path);
            return;
        }
        // `importlib.import_module("pkg.mod")`, `__import__("pkg")`.
        if module_call
            && token
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.')
        {
            self.module(token, &[], found);
        }
    }

    /// One shell or npm command line run from `directory`.
    fn command_line(&self, line: &str, directory: &str, found: &mut Vec<String>) {
        for invocation in invocations(line) {
            match invocation {
                Invocation::File(file) => {
                    let file = file.trim_start_matches("./");
                    if let Some(path) = self
                        .relative(directory, file, true)
                        .or_else(|| self.relative("", file, true))
                    {
                        found.push(path);
                    }
                }
                Invocation::Module(module) => {
                    if module.starts_with('.') {
                        if let Some(path) = self.relative(directory, &module, true) {
                            found.push(path);
                        }
                    } else {
                        self.module(&module, &[], found);
                    }
                }
                Invocation::Inline(code) => {
                    let directory = directory.to_owned();
                    self.literals(&directory, code.as_bytes(), false, found);
                    self.python("", &code, found);
                }
                Invocation::NpmScript(_) | Invocation::Tool(_) => {}
            }
        }
    }

    /// The files that importing the absolute module `name` (and then `names` from it) runs.
    fn module(&self, name: &str, names: &[&str], found: &mut Vec<String>) {
        let parts: Vec<&str> = name.split('.').filter(|part| !part.is_empty()).collect();
        if parts.is_empty() || parts.len() > 32 {
            return;
        }
        for root in self.python_roots {
            self.module_in(root, &parts, names, found);
        }
    }

    /// `parts` as a module under `base`: each package's `__init__.py` on the way, the module
    /// itself, and `names` imported from it that are submodules.
    fn module_in(&self, base: &str, parts: &[&str], names: &[&str], found: &mut Vec<String>) {
        let mut directory = base.to_owned();
        for (index, part) in parts.iter().enumerate() {
            let joined = if directory.is_empty() {
                (*part).to_owned()
            } else {
                format!("{directory}/{part}")
            };
            let init = format!("{joined}/__init__.py");
            if self.exists(&init) {
                found.push(init);
            } else if self.exists(&format!("{joined}.py")) {
                found.push(format!("{joined}.py"));
                // A module, not a package: what follows are attributes.
                if index + 1 < parts.len() {
                    return;
                }
            } else {
                return;
            }
            directory = joined;
        }
        for name in names.iter().take(256) {
            let module = format!("{directory}/{name}.py");
            let package = format!("{directory}/{name}/__init__.py");
            if self.exists(&module) {
                found.push(module);
            } else if self.exists(&package) {
                found.push(package);
            }
        }
    }

    fn python(&self, path: &str, text: &str, found: &mut Vec<String>) {
        let mut lines = text.lines().take(200_000);
        while let Some(line) = lines.next() {
            if found.len() >= MAX_REFERENCES {
                return;
            }
            for statement in line.split(';') {
                let statement = statement.trim();
                if let Some(rest) = statement.strip_prefix("import ") {
                    for module in rest.split(',') {
                        let module = module.split_whitespace().next().unwrap_or_default();
                        self.module(module, &[], found);
                    }
                } else if let Some(rest) = statement.strip_prefix("from ") {
                    let Some((module, imported)) = rest.split_once(" import ") else {
                        continue;
                    };
                    let mut imported = imported.to_owned();
                    // `from x import (a,\n b)`: the names run on to the closing parenthesis.
                    if imported.contains('(') && !imported.contains(')') {
                        for next in lines.by_ref().take(100) {
                            imported.push(' ');
                            imported.push_str(next);
                            if next.contains(')') {
                                break;
                            }
                        }
                    }
                    let names: Vec<&str> = imported
                        .split([',', '(', ')'])
                        .filter_map(|name| name.split_whitespace().next())
                        .filter(|name| *name != "*" && !name.starts_with('#'))
                        .collect();
                    self.import_from(path, module.trim(), &names, found);
                }
            }
        }
    }

    fn import_from(&self, path: &str, module: &str, names: &[&str], found: &mut Vec<String>) {
        let level = module.bytes().take_while(|byte| *byte == b'.').count();
        if level == 0 {
            self.module(module, names, found);
            return;
        }
        // Relative: from the file's package, up `level - 1` packages.
        let mut directory = parent(path).to_owned();
        for _ in 1..level {
            if directory.is_empty() {
                return;
            }
            directory = parent(&directory).to_owned();
        }
        let rest = module.get(level..).unwrap_or_default();
        let parts: Vec<&str> = rest.split('.').filter(|part| !part.is_empty()).collect();
        if parts.is_empty() {
            for name in names.iter().take(256) {
                let prefix = if directory.is_empty() {
                    (*name).to_owned()
                } else {
                    format!("{directory}/{name}")
                };
                for candidate in [format!("{prefix}.py"), format!("{prefix}/__init__.py")] {
                    if self.exists(&candidate) {
                        found.push(candidate);
                    }
                }
            }
        } else {
            self.module_in(&directory, &parts, names, found);
        }
    }

    fn rust(&self, path: &str, text: &str, found: &mut Vec<String>) {
        let name = file_name(path);
        let directory = parent(path);
        // `mod x;` in lib.rs, main.rs, mod.rs or build.rs is beside it; in `a.rs`, under `a/`.
        let module_directory = if matches!(name, "lib.rs" | "main.rs" | "mod.rs" | "build.rs") {
            directory.to_owned()
        } else {
            let stem = name.strip_suffix(".rs").unwrap_or(name);
            if directory.is_empty() {
                stem.to_owned()
            } else {
                format!("{directory}/{stem}")
            }
        };
        let mut test_only = false;
        for line in text.lines().take(200_000) {
            if found.len() >= MAX_REFERENCES {
                return;
            }
            let mut line = line.trim();
            // `#[cfg(test)] mod tests;` is compiled for the crate's own tests only.
            let after_test_attribute = std::mem::replace(&mut test_only, line == "#[cfg(test)]");
            if after_test_attribute && line.is_empty() {
                test_only = true;
                continue;
            }
            for prefix in ["pub(crate) ", "pub(super) ", "pub(self) ", "pub "] {
                if let Some(rest) = line.strip_prefix(prefix) {
                    line = rest;
                }
            }
            let Some(module) = line
                .strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'))
            else {
                continue;
            };
            if after_test_attribute {
                continue;
            }
            let module = module.trim();
            for candidate in [format!("{module}.rs"), format!("{module}/mod.rs")] {
                if let Some(path) = self.relative(&module_directory, &candidate, false) {
                    found.push(path);
                    break;
                }
            }
        }
    }
}
