//! A release against the one before it: what a hijacked maintainer account adds to a package
//! (a new install script, new files run at install, new hosts contacted, new obfuscated code,
//! new dependencies in a patch release) before any advisory names it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::analysis::rules::Category;
use crate::analysis::verdict::{EntryKind, Verdict};

/// One way a release differs from the previous one that deserves a look.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// What changed: one of [`CHANGE_RULES`]' ids.
    pub rule_id: String,
    /// The file of the locked release where the change shows.
    pub file: String,
    /// 1-based; 0 when the change is about the file as a whole.
    pub line: u32,
    /// What was added: the script, the file and how it runs, the URL, the obfuscated code,
    /// the dependency.
    pub excerpt: String,
}

/// The kinds of [`Change`], with what each means.
pub const CHANGE_RULES: &[(&str, &str)] = &[
    (
        "new-install-script",
        "an npm install script (preinstall, install, postinstall, or one they run: not prepare, which a registry install does not run) that the previous version did not have, or whose command changed",
    ),
    (
        "new-unasked-file",
        "a code file that runs at install, build or interpreter start (reached from an install script, setup.py, build.rs, a .pth file) and did not in the previous version",
    ),
    (
        "new-endpoint",
        "a host that networking code (or an install script) names and the previous version's code did not (not counted in a new major version)",
    ),
    (
        "new-obfuscation",
        "obfuscated code or an encoded blob in a file that runs, where the previous version had none of that kind (not counted in a new major version)",
    ),
    (
        "new-dependency-in-patch",
        "a dependency added in a patch release (same major and minor version), which is where a hijacked release hides a malicious package",
    ),
];

/// What `locked` adds to `previous` (the verdicts on the same kind of artifact of two releases
/// of one package), sorted. What counts depends on the [`Bump`] between them: new install
/// scripts and new files run unasked always; new hosts and new kinds of obfuscation unless it
/// is a new major version (which may rewrite anything); new dependencies in a patch release.
#[must_use]
pub fn compare(previous: &Verdict, locked: &Verdict, bump: Bump) -> Vec<Change> {
    let mut changes = Vec::new();
    let before = &previous.profile;
    let after = &locked.profile;

    let scripts: BTreeSet<&str> = before
        .unasked
        .iter()
        .filter_map(|item| item.script.as_deref())
        .collect();
    let files: BTreeSet<&str> = before
        .unasked
        .iter()
        .filter(|item| item.script.is_none())
        .map(|item| item.file.as_str())
        .collect();
    for item in &after.unasked {
        match &item.script {
            Some(script) if !scripts.contains(script.as_str()) => changes.push(Change {
                rule_id: "new-install-script".to_owned(),
                file: item.file.clone(),
                line: item.line,
                excerpt: script.clone(),
            }),
            None if !files.contains(item.file.as_str()) => changes.push(Change {
                rule_id: "new-unasked-file".to_owned(),
                file: item.file.clone(),
                line: item.line,
                excerpt: format!("runs at {}", when(item.kind)),
            }),
            _ => {}
        }
    }

    if bump == Bump::Major {
        changes.sort();
        return changes;
    }
    let hosts: BTreeSet<&str> = before
        .endpoints
        .iter()
        .map(|endpoint| endpoint.host.as_str())
        .collect();
    for endpoint in &after.endpoints {
        if !hosts.contains(endpoint.host.as_str()) {
            changes.push(Change {
                rule_id: "new-endpoint".to_owned(),
                file: endpoint.file.clone(),
                line: endpoint.line,
                excerpt: endpoint.excerpt.clone(),
            });
        }
    }

    // Obfuscation by rule: bundlers rename their output files from release to release, so a
    // kind of obfuscation the previous version already shipped in running code is not news.
    let obfuscation = |verdict: &'_ Verdict| -> BTreeSet<String> {
        verdict
            .hits
            .iter()
            .filter(|hit| hit.category == Category::Obfuscation && hit.reachable_from.is_some())
            .map(|hit| hit.rule_id.clone())
            .collect()
    };
    let known = obfuscation(previous);
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    for hit in &locked.hits {
        if hit.category == Category::Obfuscation
            && hit.reachable_from.is_some()
            && !known.contains(&hit.rule_id)
            && reported.insert(hit.rule_id.as_str())
        {
            changes.push(Change {
                rule_id: "new-obfuscation".to_owned(),
                file: hit.file.clone(),
                line: hit.line,
                excerpt: format!("{}: {}", hit.rule_id, hit.excerpt),
            });
        }
    }

    if bump == Bump::Patch {
        let declared: BTreeSet<&str> = before.dependencies.iter().map(String::as_str).collect();
        for name in &after.dependencies {
            if !declared.contains(name.as_str()) {
                changes.push(Change {
                    rule_id: "new-dependency-in-patch".to_owned(),
                    file: after.manifest.clone(),
                    line: 0,
                    excerpt: name.clone(),
                });
            }
        }
    }
    changes.sort();
    changes
}

fn when(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Install => "install",
        EntryKind::Build => "build",
        EntryKind::Startup => "interpreter start",
        EntryKind::Import => "import",
        EntryKind::Command => "a command",
    }
}

/// How far a release moves from the previous one, by semantic versioning: what a release
/// may change without surprise grows with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Same major and minor (`1.4.2` → `1.4.3`; `0.3.1` → `0.3.2`): fixes only.
    Patch,
    /// A new minor (`1.4.2` → `1.5.0`), or versions that are not read as numbers.
    Minor,
    /// A new major (`1.4.2` → `2.0.0`; `0.3.1` → `0.4.0`, where the minor is the major), or a
    /// move back to an older version.
    Major,
}

/// The [`Bump`] from `previous` to `locked`. Versions are read as their leading numeric
/// release segments (a `v` prefix and a PEP 440 epoch allowed); what cannot be read so is a
/// [`Bump::Minor`].
#[must_use]
pub fn bump(previous: &str, locked: &str) -> Bump {
    fn release(version: &str) -> Option<(String, Vec<u64>)> {
        let version = version.trim().trim_start_matches(['v', 'V']);
        let (epoch, rest) = match version.split_once('!') {
            Some((epoch, rest)) => (epoch.to_owned(), rest),
            None => (String::new(), version),
        };
        let mut numbers = Vec::new();
        for part in rest.split('.') {
            let digits: &str = part
                .find(|c: char| !c.is_ascii_digit())
                .map_or(part, |end| part.get(..end).unwrap_or_default());
            let Ok(number) = digits.parse::<u64>() else {
                break;
            };
            numbers.push(number);
            if digits.len() != part.len() {
                break;
            }
        }
        (!numbers.is_empty()).then_some((epoch, numbers))
    }
    let (Some((epoch_before, mut before)), Some((epoch_after, mut after))) =
        (release(previous), release(locked))
    else {
        return Bump::Minor;
    };
    if epoch_before != epoch_after {
        return Bump::Major;
    }
    before.resize(before.len().max(3), 0);
    after.resize(after.len().max(3), 0);
    if after < before {
        return Bump::Major;
    }
    // Under 1.0.0 the minor number plays the major's part (Cargo and npm caret ranges).
    let major = usize::from(before.first() == Some(&0) && after.first() == Some(&0));
    if before.get(..=major) != after.get(..=major) {
        Bump::Major
    } else if before.get(..2) != after.get(..2) {
        Bump::Minor
    } else {
        Bump::Patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps() {
        for (before, after, expected) in [
            ("1.4.2", "1.4.3", Bump::Patch),
            ("0.3.1", "0.3.2", Bump::Patch),
            ("2.1", "2.1.1", Bump::Patch),
            ("v5.0.0", "v5.0.1", Bump::Patch),
            ("1!2.0.0", "1!2.0.1", Bump::Patch),
            ("4.17.20", "4.17.21-beta.1", Bump::Patch),
            ("1.4.2", "1.5.0", Bump::Minor),
            ("0.0.3", "0.0.4", Bump::Patch),
            ("latest", "next", Bump::Minor),
            ("1.4.2", "2.0.0", Bump::Major),
            ("0.3.1", "0.4.0", Bump::Major),
            ("1!2.0.0", "2.0.1", Bump::Major),
            ("1.4.2", "1.4.1", Bump::Major),
            ("1", "2", Bump::Major),
            ("2024.1", "2024.2", Bump::Minor),
        ] {
            assert_eq!(bump(before, after), expected, "{before} → {after}");
        }
    }
}
