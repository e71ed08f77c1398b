//! Every finding code customs reports, in one place. Codes are stable: renaming one breaks the
//! configurations and suppressions of users, so codes are only ever added. `docs/codes.md` is
//! generated from this table and a test keeps the two equal.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::Level;

macro_rules! codes {
    ($($variant:ident => $name:literal, $level:ident, $summary:literal, $explanation:literal;)*) => {
        /// A stable, kebab-case finding code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One sentence saying what the code means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// Why the finding matters and what to do about it (`customs explain CODE`).
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => $explanation,)*
                }
            }

            /// The level a finding gets unless the policy says otherwise.
            pub fn default_level(self) -> Level {
                match self {
                    $(Code::$variant => Level::$level,)*
                }
            }
        }
    };
}

codes! {
    Vulnerability => "vulnerability", Warn,
        "The locked version is affected by a published vulnerability (OSV). Fails the run when its severity is in `fail-on` (by default: critical and high).",
        "Upgrade to the version shown as `fixed in` (the smallest one that fixes every advisory on the package). When the vulnerable code cannot be reached in your use, accept it with an `[[ignore]]` entry that gives the reason and an `expires` date. `fail-on` decides which severities fail the run.";
    Malicious => "malicious", Deny,
        "The locked version was published with malicious code (an OSV `MAL-` record, or a crate removed from crates.io for malicious code). Treat every machine that installed it as compromised.",
        "Remove the package, and treat every machine and CI runner that installed it as compromised: rotate the credentials they held (registry tokens, cloud keys, SSH keys, CI secrets) and look for persistence. Malicious packages always fail the run, in `scan` and in `diff`, whether or not the change added them.";
    Unmaintained => "unmaintained", Warn,
        "The package is no longer maintained (RustSec informational advisory).",
        "Nobody fixes its bugs or vulnerabilities any more. Plan a move to the alternative the advisory suggests. Add `unmaintained` to `fail-on` to make these fail the run.";
    Unsound => "unsound", Warn,
        "The package has an unsound API that can cause undefined behaviour (RustSec informational advisory).",
        "Safe code can trigger undefined behaviour through this API. Upgrade, or check that you do not use the affected functions. Add `unsound` to `fail-on` to make these fail the run.";
    Notice => "notice", Warn,
        "An informational advisory about the package that is neither a vulnerability nor malicious.",
        "Read the advisory: it may announce a change of maintainers, a rename or a known problem. Add `notice` to `fail-on` to make these fail the run.";
    Unpinned => "unpinned", Warn,
        "The input does not pin an exact version, so version-specific advisories could not be checked (only advisories that affect every version were).",
        "A requirement such as `requests>=2` can install any matching version, including one published after this scan. Pin exact versions with a lockfile (`uv lock`, `poetry lock`, `pip-compile --generate-hashes`) and scan that.";
    AdvisoriesMissing => "advisories-missing", Deny,
        "The advisory database holds no data for an ecosystem the project uses, so its packages were not checked.",
        "Run `customs db update` (or `--source DIR` for a local mirror of OSV's exports). The run errs (exit status 2) rather than report a clean result for packages it could not check.";
    AdvisoriesStale => "advisories-stale", Warn,
        "The advisory database is older than the configured maximum age; newer advisories are not known to this scan.",
        "Run `customs db update`. OSV gains hundreds of malicious-package records a week. The maximum age is `[advisories] max-age` in customs.toml (default 7 days).";
    IgnoreExpired => "ignore-expired", Warn,
        "An `[[ignore]]` entry in customs.toml has passed its `expires` date and no longer applies.",
        "Look at the finding again: upgrade, or renew the entry with a new `expires` date and a reason that still holds.";
    IgnoreUnused => "ignore-unused", Warn,
        "An `[[ignore]]` entry in customs.toml matched no finding: remove it, or correct its id or package.",
        "The package was upgraded or removed, or the entry names the wrong id or package. Stale ignores hide future findings with the same id: delete the entry.";
    Cooldown => "cooldown", Warn,
        "The locked version was published more recently than the policy's minimum release age.",
        "Most malicious releases of real packages are found and removed within days. Wait until the version is older than `[cooldown] minimum-release-age`, or lock the previous version. A version that fixes a known vulnerability of the package is exempt; `[cooldown] exclude` exempts names you trust (your own scope).";
    Yanked => "yanked", Warn,
        "The locked version was yanked from its registry (PyPI, crates.io).",
        "Maintainers yank releases that are broken or insecure. Move to a version that is not yanked; the registry's yank reason, when given, says why.";
    Deprecated => "deprecated", Warn,
        "The locked version is deprecated on npm.",
        "Read the deprecation message: it usually names the replacement or the version to move to.";
    RemovedFromRegistry => "removed-from-registry", Deny,
        "The locked version (or the whole package) is no longer on its registry, or was replaced by npm's security placeholder.",
        "Registries remove malicious packages and unpublish versions; npm replaces malware with a `0.0.1-security` placeholder. Find out why it was removed before installing it again from any cache or mirror, and treat machines that installed a removed malicious version as compromised.";
    InstallScript => "install-script", Warn,
        "The package runs code at install time (npm preinstall, install or postinstall scripts, or a native build).",
        "Install scripts run with the permissions of whoever runs the install, before any of the code is used. Check that the package needs them; install with `--ignore-scripts` where it does not, or allow it by name in your package manager's configuration.";
    InstallScriptAdded => "install-script-added", Deny,
        "The locked version has install scripts that the version before it did not have.",
        "A new install script in a patch or minor release is how many compromised packages run their payload (Shai-Hulud, 2025). Read the script before upgrading; lock the previous version until you have.";
    PublisherChanged => "publisher-changed", Warn,
        "The locked version was published by a different npm account than the version before it.",
        "A new publisher can be a new maintainer or a stolen account. Check the package's repository and changelog for the change of hands before trusting the release.";
    ProvenanceLost => "provenance-lost", Warn,
        "The version before the locked one was published with a provenance attestation, the locked one without.",
        "Provenance ties a release to the CI build that made it. A release without it, after releases with it, may have been published from a stolen token on somebody's machine. Check the release before trusting it.";
    LicenseDenied => "license-denied", Deny,
        "The package's declared licence is denied by the policy, or not allowed by its allow list.",
        "Replace the package, or get legal approval and accept it with `[licenses]` (`allow` or an exception). The licence is the package's own SPDX expression as its lockfile or registry declares it.";
    LicenseUnknown => "license-unknown", Warn,
        "The package declares no licence that customs can read while the policy restricts licences.",
        "Without a licence there is no permission to use the code. Check the package's repository; accept it with `[licenses] exceptions` once its terms are known.";
    SourceNotAllowed => "source-not-allowed", Deny,
        "The package comes from a registry, git host or kind of source (git, URL, path) that the policy does not allow.",
        "Dependencies from unknown registries, arbitrary URLs or git repositories bypass the checks registries make and can change under the same name. Use the approved registry, or add the source to `[sources]`.";
    Banned => "banned", Deny,
        "The package (or this version of it) is banned by the policy.",
        "The `[[bans]]` entry in customs.toml gives the reason. Remove the package or move to a version outside the banned range.";
    MissingIntegrity => "missing-integrity", Warn,
        "The lockfile records no integrity hash for a package downloaded from a registry or URL.",
        "Without a hash the package manager cannot tell if the artifact it downloads is the one that was locked. Regenerate the lockfile with a package manager version that records hashes (`pip-compile --generate-hashes`, `uv lock`, npm 7 or later).";
    RegistryUnchecked => "registry-unchecked", Warn,
        "Registry checks (publish time, yanked, removed, install scripts, publisher, provenance) could not be made for some packages.",
        "The registry did not answer, answered with an error, or the run was offline without a cached answer. The finding lists the packages and why; rerun online, or with a warm cache, to check them.";
    Typosquat => "typosquat", Warn,
        "The package's name imitates a popular package's name (a typo, a look-alike character, a changed separator, scope or affix, reordered words), the way typosquatting attacks name their packages.",
        "Check that this is the package you meant: compare its name with the popular one the finding names, and look at who publishes it, since when, and how many people use it. A typosquat usually runs its payload at install, so if it was installed, treat the machine as compromised. When the package is what you want, accept it with an `[[ignore]]` entry (`id = \"typosquat\"`, `package = \"NAME\"`) and the reason.";
    MaliciousCode => "malicious-code", Deny,
        "The package's own files do what malware does where it runs on its own: a threat (credential or wallet theft, exfiltration, a miner, a reverse shell, persistence, self-propagation) reachable from code that runs at install or import, or capabilities that chain into an attack.",
        "Do not install it. Read the hits the finding lists (rule, file, line, excerpt) to confirm; if it was installed anywhere, treat those machines and CI runners as compromised and rotate the credentials they held. Report the package to its registry. A false alarm can be accepted with an `[[ignore]]` entry (`id = \"malicious-code\"`, `package = \"NAME@VERSION\"`) and the reason.";
    SuspiciousCode => "suspicious-code", Warn,
        "The package's files combine capabilities that malware uses (spawning processes, network access, dynamic code, encoded blobs) in a way that falls short of an attack chain.",
        "Read the hits the finding lists to see what the code does and whether the package needs it. Many legitimate packages build native code or call their own services; a package that has no reason to should be looked at before it is trusted.";
    SuspiciousChange => "suspicious-change", Warn,
        "Compared with the version before it, the locked version adds what hijacked releases add: an install script, new code files run at install, build or start-up, new hosts its networking code names or new kinds of obfuscation in code that runs (both not counted in a new major version), or new dependencies in a patch release.",
        "Compare the two versions (the finding lists each change with its file, line and excerpt; `scan --deep` finds them) and check the release against its maintainers' announcements. A hijacked maintainer account typically publishes one such patch release; pin the version before it until the change is explained, or accept it with an `[[ignore]]` entry (`id = \"suspicious-change\"`, `package = \"NAME@VERSION\"`) and the reason.";
    IntegrityMismatch => "integrity-mismatch", Deny,
        "The artifact the registry serves for the locked version does not match the digest the lockfile (or the registry's own metadata) records for it.",
        "Something between the registry and you, or the registry itself, serves other bytes than those locked. Do not install from this source until it is explained; regenerate the lockfile only once you trust the new artifact.";
    InspectUnchecked => "inspect-unchecked", Warn,
        "Some packages' artifacts could not be inspected (not downloadable, offline without a cached copy, an archive that could not be read), so their code was not checked.",
        "The finding says which packages and why. Rerun online, or with the artifact cache that holds them; an archive that cannot be read is itself worth a look.";
    TyposquatUnchecked => "typosquat-unchecked", Warn,
        "No list of popular package names is available for an ecosystem the project uses, so its names were not checked for typosquats.",
        "`customs db update` fetches the popular-name lists with the advisories (`--popular-source URL|DIR` for a mirror). Until a list is there, names of that ecosystem are not compared with popular ones.";
}

impl Code {
    /// Whether the finding says a check could not run: then a run errs (exit status 2) rather
    /// than passing or failing on what it did not look at.
    pub fn means_check_not_run(self) -> bool {
        matches!(self, Code::AdvisoriesMissing)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown finding code `{0}`")]
pub struct UnknownCode(pub String);

/// `docs/codes.md`: the reference of every code, generated from [`Code::ALL`].
pub fn codes_markdown() -> String {
    let mut out = String::from(
        "# Finding codes\n\n\
         Generated from `crates/customs-core/src/code.rs` (a test keeps this file equal to it).\n\
         Codes are stable: they are only ever added, never renamed.\n\n\
         | code | default level | meaning |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.default_level(),
            code.summary()
        ));
    }
    out.push_str(
        "\nA code's level can be changed in customs.toml (`[levels]`); `customs explain CODE` \
         prints its section below.\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## `{}`\n\n{}\n\n{}\n",
            code.as_str(),
            code.summary(),
            code.explanation()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    && !name.starts_with('-')
                    && !name.ends_with('-'),
                "{name} is not kebab-case"
            );
            assert_eq!(name.parse::<Code>().unwrap(), *code);
            assert!(
                code.summary().ends_with('.') && code.explanation().ends_with('.'),
                "{name}: summary and explanation are sentences"
            );
        }
    }

    #[test]
    fn documentation_is_generated_from_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/codes.md");
        let expected = codes_markdown();
        if std::env::var_os("CUSTOMS_UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "docs/codes.md is stale: rerun with CUSTOMS_UPDATE_DOCS=1"
        );
    }
}
