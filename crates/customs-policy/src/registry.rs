//! Registry evidence to findings: cooldown, yanked, deprecated, removed, install scripts,
//! publisher and provenance changes, registry-declared licences, and what could not be checked.

use std::collections::{BTreeMap, HashSet};

use customs_core::{Code, Finding, Inventory, LockfileReport, Package};
use customs_registry::{PackageEvidence, Removed};

use crate::evaluate::{about, examples, label};
use crate::{Context, LicenseVerdict, Policy};

/// `3 hours`, `2 days`: how long ago, in the largest whole unit.
fn age(seconds: i64) -> String {
    let (count, unit) = match seconds.max(0) {
        s if s >= 86_400 => (s / 86_400, "day"),
        s if s >= 3_600 => (s / 3_600, "hour"),
        s => (s / 60, "minute"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// Findings about install scripts: from the registry's evidence where there is some, else from
/// the lockfile's own mark. One finding per package either way.
pub(crate) fn install_scripts(
    inventory: &Inventory,
    evidence: Option<&customs_registry::Evidence>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (lockfile_index, lockfile) in inventory.lockfiles.iter().enumerate() {
        for (package_index, package) in lockfile.packages.iter().enumerate() {
            if package.is_local() {
                continue;
            }
            let scripts = evidence
                .and_then(|e| e.package(lockfile_index, package_index))
                .map(|e| e.install_scripts.as_slice())
                .unwrap_or_default();
            let message = if !scripts.is_empty() {
                format!(
                    "{} runs code at install time ({})",
                    label(package),
                    scripts.join(", ")
                )
            } else if package.install_script {
                format!(
                    "{} runs code at install time ({} records an install script)",
                    label(package),
                    lockfile.path
                )
            } else {
                continue;
            };
            findings.push(about(Code::InstallScript, lockfile, package, message));
        }
    }
    findings
}

pub(crate) fn findings(
    inventory: &Inventory,
    evidence: &customs_registry::Evidence,
    fixes: &HashSet<(usize, usize)>,
    policy: &Policy,
    context: &Context,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut licences_unknown = 0usize;
    for item in &evidence.packages {
        let Some(lockfile) = inventory.lockfiles.get(item.lockfile) else {
            continue;
        };
        let Some(package) = lockfile.packages.get(item.package) else {
            continue;
        };
        let fixes_a_vulnerability = fixes.contains(&(item.lockfile, item.package));
        findings.extend(package_findings(
            lockfile,
            package,
            item,
            fixes_a_vulnerability,
            policy,
            context,
        ));
        if policy.licenses.restricts()
            && package.license.is_none()
            && !policy.licenses.excepts(package)
            && item.removed.is_none()
        {
            match &item.license {
                Some(declared) => match policy.licenses.judge(declared) {
                    LicenseVerdict::Accepted => {}
                    LicenseVerdict::Denied => findings.push(about(
                        Code::LicenseDenied,
                        lockfile,
                        package,
                        format!(
                            "{} is licensed `{declared}` (registry), which the policy does not accept",
                            label(package)
                        ),
                    )),
                    LicenseVerdict::Unreadable => findings.push(about(
                        Code::LicenseUnknown,
                        lockfile,
                        package,
                        format!(
                            "{} declares `{declared}` (registry), which is not an SPDX licence expression",
                            label(package)
                        ),
                    )),
                },
                None if item.license_known => findings.push(about(
                    Code::LicenseUnknown,
                    lockfile,
                    package,
                    format!("{} declares no licence on its registry", label(package)),
                )),
                None => licences_unknown += 1,
            }
        }
    }
    findings.extend(unchecked(inventory, evidence, licences_unknown));
    findings
}

fn package_findings(
    lockfile: &LockfileReport,
    package: &Package,
    item: &PackageEvidence,
    fixes_a_vulnerability: bool,
    policy: &Policy,
    context: &Context,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let name = label(package);
    if let Some(removed) = item.removed {
        let message = match removed {
            Removed::PackageNotFound => format!("{} is not on its registry any more", package.name),
            Removed::VersionNotFound => {
                format!("{name} is not on its registry any more (unpublished)")
            }
            Removed::SecurityPlaceholder => format!(
                "{} was replaced on npm by its security placeholder: npm removed it for malicious code",
                package.name
            ),
        };
        findings.push(about(Code::RemovedFromRegistry, lockfile, package, message));
        return findings;
    }
    if let (Some(minimum), Some(published)) = (policy.cooldown.minimum_release_age, item.published)
    {
        let seconds = context.now.as_second() - published.as_second();
        let minimum_seconds = i64::try_from(minimum.as_secs()).unwrap_or(i64::MAX);
        if seconds < minimum_seconds && !policy.cooldown.excludes(package) && !fixes_a_vulnerability
        {
            findings.push(about(
                Code::Cooldown,
                lockfile,
                package,
                format!(
                    "{name} was published {} ago ({published}), within the minimum release age of {}",
                    age(seconds),
                    age(minimum_seconds)
                ),
            ));
        }
    }
    if let Some(yanked) = &item.yanked {
        let reason = yanked
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        findings.push(about(
            Code::Yanked,
            lockfile,
            package,
            format!("{name} is yanked{reason}"),
        ));
    }
    if let Some(message) = &item.deprecated {
        findings.push(about(
            Code::Deprecated,
            lockfile,
            package,
            format!("{name} is deprecated: {message}"),
        ));
    }
    let previous = item
        .previous_version
        .as_deref()
        .map(|v| format!("{}@{v}", package.name))
        .unwrap_or_else(|| "the previous version".to_owned());
    if item.install_scripts_added {
        findings.push(about(
            Code::InstallScriptAdded,
            lockfile,
            package,
            format!(
                "{name} runs install scripts ({}) that {previous} did not",
                item.install_scripts.join(", ")
            ),
        ));
    }
    if let (Some(now), Some(before)) = (&item.publisher, &item.previous_publisher)
        && now != before
    {
        findings.push(about(
            Code::PublisherChanged,
            lockfile,
            package,
            format!("{name} was published by `{now}`, {previous} by `{before}`"),
        ));
    }
    if item.previous_provenance == Some(true) && item.provenance == Some(false) {
        findings.push(about(
            Code::ProvenanceLost,
            lockfile,
            package,
            format!("{name} has no provenance attestation; {previous} had one"),
        ));
    }
    findings
}

/// A reason with each URL cut to its origin (`https://registry.npmjs.org/left-pad` to
/// `https://registry.npmjs.org`), so the same failure on many packages is one group.
fn reason_kind(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let host_end = after
            .find(|c: char| c == '/' || c.is_whitespace() || c == ')' || c == ',')
            .unwrap_or(after.len());
        out.push_str(&after[..host_end]);
        let path = &after[host_end..];
        // A path ends at whitespace, `)`, `,` or a `:` that ends a clause (`GET URL: …`).
        let path_end = if path.starts_with('/') {
            let bytes = path.as_bytes();
            (0..bytes.len())
                .find(|&i| match bytes[i] {
                    b' ' | b'\t' | b')' | b',' => true,
                    b':' => bytes
                        .get(i + 1)
                        .is_none_or(|next| next.is_ascii_whitespace()),
                    _ => false,
                })
                .unwrap_or(path.len())
        } else {
            0
        };
        rest = &path[path_end..];
    }
    out.push_str(rest);
    out
}

/// One finding per reason a registry check could not be made, naming a few of the packages.
fn unchecked(
    inventory: &Inventory,
    evidence: &customs_registry::Evidence,
    licences_unknown: usize,
) -> Vec<Finding> {
    let mut by_reason: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &evidence.unchecked {
        let Some(package) = inventory
            .lockfiles
            .get(item.lockfile)
            .and_then(|l| l.packages.get(item.package))
        else {
            continue;
        };
        by_reason
            .entry(reason_kind(&item.reason))
            .or_default()
            .push(label(package));
    }
    let mut findings: Vec<Finding> = by_reason
        .into_iter()
        .map(|(reason, names)| {
            let (count, shown) = examples(names);
            Finding::new(
                Code::RegistryUnchecked,
                format!(
                    "registry checks could not be made for {count} package{}: {reason} ({shown})",
                    if count == 1 { "" } else { "s" }
                ),
            )
        })
        .collect();
    if licences_unknown > 0 {
        findings.push(Finding::new(
            Code::RegistryUnchecked,
            format!(
                "the licences of {licences_unknown} package{} could not be checked against `[licenses]`: their registry does not publish them (the crates.io index has no licences) and their lockfile does not record them",
                if licences_unknown == 1 { "" } else { "s" }
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use customs_advisory::CheckResult;
    use customs_core::{Ecosystem, Location, PackageName, Source, Version};
    use customs_registry::{Evidence, Unchecked, Yanked};

    use crate::{Context, evaluate};

    use super::*;

    fn package(ecosystem: Ecosystem, name: &str, version: &str, line: u32) -> Package {
        let mut package = Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, version)),
            Source::registry(ecosystem),
        );
        package.locations.insert(Location {
            path: "lock".into(),
            line,
        });
        package.integrity.insert(
            customs_core::Integrity::from_hex(
                customs_core::HashAlgorithm::Sha256,
                &"ab".repeat(32),
            )
            .unwrap(),
        );
        package
    }

    fn run(policy: &str, packages: Vec<Package>, evidence: &Evidence, fixes: &[usize]) -> String {
        let inventory = Inventory {
            lockfiles: vec![LockfileReport {
                path: "lock".into(),
                format: "test".into(),
                ecosystem: Ecosystem::Npm,
                packages,
            }],
            ..Inventory::default()
        };
        let policy = Policy::parse(policy, "customs.toml").unwrap();
        let context = Context::at("2026-11-25T12:00:00Z".parse().unwrap(), None);
        let fixes: HashSet<(usize, usize)> = fixes.iter().map(|&p| (0, p)).collect();
        let evidence = crate::Evidence {
            advisories: &CheckResult::default(),
            registry: Some(evidence),
            fixes: &fixes,
            paths: None,
            typosquats: None,
            inspections: None,
        };
        evaluate(&inventory, &evidence, &policy, &context)
            .iter()
            .map(|f| format!("{} {} {}", f.level, f.code, f.message))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn at(package: usize) -> PackageEvidence {
        PackageEvidence {
            lockfile: 0,
            package,
            published: Some("2025-01-01T00:00:00Z".parse().unwrap()),
            license_known: true,
            license: Some("MIT".into()),
            ..PackageEvidence::default()
        }
    }

    #[test]
    fn every_kind_of_registry_evidence_becomes_its_finding() {
        let npm =
            |name: &str, version: &str, line: u32| package(Ecosystem::Npm, name, version, line);
        let packages = vec![
            npm("fresh", "2.0.0", 1),
            npm("fresh-fix", "1.0.1", 2),
            npm("@acme/own", "1.0.0", 3),
            package(Ecosystem::PyPI, "yanked-lib", "1.0", 4),
            npm("old-lib", "1.0.0", 5),
            npm("gone", "1.0.0", 6),
            npm("placeholder", "1.0.0", 7),
            npm("worm", "1.0.1", 8),
            npm("taken-over", "3.0.0", 9),
            npm("no-provenance", "1.2.0", 10),
        ];
        let fresh = |package: usize| PackageEvidence {
            published: Some("2026-11-25T09:00:00Z".parse().unwrap()),
            ..at(package)
        };
        let evidence = Evidence {
            packages: vec![
                fresh(0),
                fresh(1),
                fresh(2),
                PackageEvidence {
                    yanked: Some(Yanked {
                        reason: Some("broken wheel".into()),
                    }),
                    ..at(3)
                },
                PackageEvidence {
                    deprecated: Some("use new-lib".into()),
                    ..at(4)
                },
                PackageEvidence {
                    removed: Some(Removed::VersionNotFound),
                    ..at(5)
                },
                PackageEvidence {
                    removed: Some(Removed::SecurityPlaceholder),
                    ..at(6)
                },
                PackageEvidence {
                    install_scripts: vec!["postinstall".into()],
                    install_scripts_added: true,
                    previous_version: Some("1.0.0".into()),
                    ..at(7)
                },
                PackageEvidence {
                    publisher: Some("mallory".into()),
                    previous_publisher: Some("alice".into()),
                    previous_version: Some("2.9.0".into()),
                    ..at(8)
                },
                PackageEvidence {
                    provenance: Some(false),
                    previous_provenance: Some(true),
                    previous_version: Some("1.1.0".into()),
                    ..at(9)
                },
            ],
            ..Evidence::default()
        };
        let policy = "[cooldown]\nminimum-release-age = \"7d\"\nexclude = [\"npm:@acme/*\"]\n";
        insta::assert_snapshot!(run(policy, packages, &evidence, &[1]), @r"
        deny removed-from-registry gone@1.0.0 is not on its registry any more (unpublished)
        deny removed-from-registry placeholder was replaced on npm by its security placeholder: npm removed it for malicious code
        deny install-script-added worm@1.0.1 runs install scripts (postinstall) that worm@1.0.0 did not
        warn cooldown fresh@2.0.0 was published 3 hours ago (2026-11-25T09:00:00Z), within the minimum release age of 7 days
        warn yanked yanked-lib@1.0 is yanked: broken wheel
        warn deprecated old-lib@1.0.0 is deprecated: use new-lib
        warn install-script worm@1.0.1 runs code at install time (postinstall)
        warn publisher-changed taken-over@3.0.0 was published by `mallory`, taken-over@2.9.0 by `alice`
        warn provenance-lost no-provenance@1.2.0 has no provenance attestation; no-provenance@1.1.0 had one
        ");
    }

    #[test]
    fn failures_group_by_registry_not_by_url() {
        assert_eq!(
            reason_kind("offline, not in the registry cache (http://127.0.0.1:4000/left-pad)"),
            "offline, not in the registry cache (http://127.0.0.1:4000)"
        );
        assert_eq!(
            reason_kind("GET https://pypi.org/pypi/django/json: HTTP 503, 3 retries"),
            "GET https://pypi.org: HTTP 503, 3 retries"
        );
        assert_eq!(
            reason_kind("no exact version is locked"),
            "no exact version is locked"
        );
    }

    #[test]
    fn registry_licences_and_unchecked_packages() {
        let packages = vec![
            package(Ecosystem::Npm, "gpl", "1.0.0", 1),
            package(Ecosystem::Npm, "none", "1.0.0", 2),
            package(Ecosystem::CratesIo, "serde", "1.0.0", 3),
            package(Ecosystem::Npm, "a", "1.0.0", 4),
            package(Ecosystem::Npm, "b", "1.0.0", 5),
        ];
        let evidence = Evidence {
            packages: vec![
                PackageEvidence {
                    license: Some("GPL-3.0-only".into()),
                    ..at(0)
                },
                PackageEvidence {
                    license: None,
                    ..at(1)
                },
                PackageEvidence {
                    license: None,
                    license_known: false,
                    ..at(2)
                },
            ],
            unchecked: vec![
                Unchecked {
                    lockfile: 0,
                    package: 3,
                    reason: "offline, not in the registry cache".into(),
                },
                Unchecked {
                    lockfile: 0,
                    package: 4,
                    reason: "offline, not in the registry cache".into(),
                },
            ],
            ..Evidence::default()
        };
        insta::assert_snapshot!(run("[licenses]\nallow = [\"MIT\"]\n", packages, &evidence, &[]), @r"
        deny license-denied gpl@1.0.0 is licensed `GPL-3.0-only` (registry), which the policy does not accept
        warn license-unknown none@1.0.0 declares no licence on its registry
        warn registry-unchecked registry checks could not be made for 2 packages: offline, not in the registry cache (a@1.0.0, b@1.0.0)
        warn registry-unchecked the licences of 1 package could not be checked against `[licenses]`: their registry does not publish them (the crates.io index has no licences) and their lockfile does not record them
        ");
    }
}
