//! Findings from the house rules that the inventory alone decides: bans, sources, integrity and
//! declared licences. Registry evidence (publish times, scripts, publishers) adds its own.

use customs_core::{Code, Finding, Inventory, Package, Source};

use crate::evaluate::{about, label};
use crate::{LicenseVerdict, Policy};

/// Whether a lockfile should have recorded a digest for the package: it was downloaded (from a
/// registry or a URL). Git sources are pinned by their commit, local ones are not downloaded.
fn downloaded(package: &Package) -> bool {
    matches!(package.source, Source::Registry { .. } | Source::Url { .. })
}

pub(crate) fn findings(inventory: &Inventory, policy: &Policy) -> Vec<Finding> {
    let mut findings = Vec::new();
    for lockfile in &inventory.lockfiles {
        let mut without_integrity = Vec::new();
        let mut downloads = 0usize;
        for package in &lockfile.packages {
            if package.is_local() && !matches!(package.source, Source::Path { .. }) {
                continue;
            }
            for ban in policy.bans.iter().filter(|ban| ban.applies(package)) {
                let versions = ban
                    .versions
                    .as_ref()
                    .map(|range| format!(" (versions {})", range.as_str()))
                    .unwrap_or_default();
                findings.push(about(
                    Code::Banned,
                    lockfile,
                    package,
                    format!(
                        "{} is banned by `{}`{versions}: {}",
                        label(package),
                        ban.package.as_str(),
                        ban.reason
                    ),
                ));
            }
            if let Some(refusal) = policy.sources.refusal(package) {
                findings.push(about(
                    Code::SourceNotAllowed,
                    lockfile,
                    package,
                    format!("{}: {refusal}", label(package)),
                ));
            }
            if package.is_local() {
                continue;
            }
            // An SBOM describes packages and installs nothing: its lack of digests is no risk.
            if downloaded(package) && !lockfile.is_sbom() {
                downloads += 1;
                if package.integrity.is_empty() {
                    without_integrity.push(package);
                }
            }
            if policy.licenses.restricts()
                && !policy.licenses.excepts(package)
                && let Some(declared) = &package.license
            {
                match policy.licenses.judge(declared) {
                    LicenseVerdict::Accepted => {}
                    LicenseVerdict::Denied => findings.push(about(
                        Code::LicenseDenied,
                        lockfile,
                        package,
                        format!(
                            "{} is licensed `{declared}`, which the policy does not accept",
                            label(package)
                        ),
                    )),
                    LicenseVerdict::Unreadable => findings.push(about(
                        Code::LicenseUnknown,
                        lockfile,
                        package,
                        format!(
                            "{} declares `{declared}`, which is not an SPDX licence expression",
                            label(package)
                        ),
                    )),
                }
            }
        }
        // A format or tool that records no digests at all is one finding about the file, not
        // one per package; a digest missing from a file that has the others is about that entry.
        match without_integrity.len() {
            0 => {}
            count if count == downloads => findings.push(Finding {
                locations: vec![customs_core::Location {
                    path: lockfile.path.clone(),
                    line: 1,
                }],
                ..Finding::new(
                    Code::MissingIntegrity,
                    format!(
                        "{} records no integrity hash for any of its {count} downloaded packages",
                        lockfile.path
                    ),
                )
            }),
            _ => {
                for package in without_integrity {
                    findings.push(about(
                        Code::MissingIntegrity,
                        lockfile,
                        package,
                        format!(
                            "{} has no integrity hash in {}",
                            label(package),
                            lockfile.path
                        ),
                    ));
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use customs_advisory::CheckResult;
    use customs_core::{
        Ecosystem, HashAlgorithm, Integrity, Level, Location, LockfileReport, PackageName, Version,
    };

    use crate::{Context, evaluate};

    use super::*;

    fn package(name: &str, version: &str, source: Source, line: u32) -> Package {
        let eco = Ecosystem::Npm;
        let mut package = Package::new(
            eco,
            PackageName::new(eco, name).unwrap(),
            Some(Version::new(eco, version)),
            source,
        );
        package.locations.insert(Location {
            path: "package-lock.json".into(),
            line,
        });
        package
            .integrity
            .insert(Integrity::from_hex(HashAlgorithm::Sha256, &"ab".repeat(32)).unwrap());
        package
    }

    fn run(policy: &str, packages: Vec<Package>) -> String {
        let inventory = Inventory {
            lockfiles: vec![LockfileReport {
                path: "package-lock.json".into(),
                format: "package-lock.json v3".into(),
                ecosystem: Ecosystem::Npm,
                packages,
            }],
            ..Inventory::default()
        };
        let policy = Policy::parse(policy, "customs.toml").unwrap();
        let context = Context::at("2026-11-25T12:00:00Z".parse().unwrap(), None);
        let evidence = crate::Evidence {
            advisories: &CheckResult::default(),
            registry: None,
            fixes: &std::collections::HashSet::new(),
            paths: None,
            typosquats: None,
            inspections: None,
        };
        evaluate(&inventory, &evidence, &policy, &context)
            .iter()
            .map(|f| {
                let at: Vec<String> = f
                    .locations
                    .iter()
                    .map(|l| format!("{}:{}", l.path, l.line))
                    .collect();
                format!("{} {} {} [{}]", f.level, f.code, f.message, at.join(", "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn registry() -> Source {
        Source::registry(Ecosystem::Npm)
    }

    #[test]
    fn bans_sources_integrity_and_licences() {
        let mut gpl = package("gpl-lib", "1.0.0", registry(), 10);
        gpl.license = Some("GPL-3.0-only".into());
        let mut odd = package("odd-lib", "1.0.0", registry(), 20);
        odd.license = Some("SEE LICENSE IN LICENSE.md".into());
        let mut mit = package("mit-lib", "1.0.0", registry(), 30);
        mit.license = Some("MIT".into());
        let mut bare = package("bare", "2.0.0", registry(), 40);
        bare.integrity.clear();
        let tarball = package(
            "tarball",
            "1.0.0",
            Source::Url {
                url: "https://x.example/t.tgz".into(),
            },
            50,
        );
        let git = package(
            "forked",
            "1.0.0",
            Source::Git {
                url: "https://gitlab.example/a/b.git".into(),
                commit: None,
                reference: None,
            },
            60,
        );
        let stream = package("event-stream", "3.3.6", registry(), 70);
        let mut native = package("native", "1.0.0", registry(), 80);
        native.install_script = true;
        let findings = run(
            r#"
[licenses]
allow = ["MIT", "Apache-2.0"]
[sources]
git-hosts = ["github.com"]
url = false
[[bans]]
package = "event-stream"
versions = ">=3.3.6, <3.3.7"
reason = "flatmap-stream backdoor"
"#,
            vec![gpl, odd, mit, bare, tarball, git, stream, native],
        );
        insta::assert_snapshot!(findings, @r"
        deny license-denied gpl-lib@1.0.0 is licensed `GPL-3.0-only`, which the policy does not accept [package-lock.json:10]
        deny source-not-allowed forked@1.0.0: git host gitlab.example is not in `[sources] git-hosts` [package-lock.json:60]
        deny source-not-allowed tarball@1.0.0: URL dependencies are not allowed (`[sources] url = false`) [package-lock.json:50]
        deny banned event-stream@3.3.6 is banned by `event-stream` (versions >=3.3.6, <3.3.7): flatmap-stream backdoor [package-lock.json:70]
        warn install-script native@1.0.0 runs code at install time (package-lock.json records an install script) [package-lock.json:80]
        warn license-unknown odd-lib@1.0.0 declares `SEE LICENSE IN LICENSE.md`, which is not an SPDX licence expression [package-lock.json:20]
        warn missing-integrity bare@2.0.0 has no integrity hash in package-lock.json [package-lock.json:40]
        ");
    }

    #[test]
    fn levels_and_ignores_apply_to_house_rule_findings() {
        let mut bare = package("bare", "2.0.0", registry(), 40);
        bare.integrity.clear();
        let mut other = package("other", "1.0.0", registry(), 50);
        other.integrity.clear();
        let kept = package("kept", "1.0.0", registry(), 60);
        let findings = run(
            r#"
[levels]
missing-integrity = "deny"
[[ignore]]
id = "missing-integrity"
package = "other"
reason = "vendored, checked by hand"
"#,
            vec![bare, other, kept],
        );
        insta::assert_snapshot!(findings, @r"
        deny missing-integrity bare@2.0.0 has no integrity hash in package-lock.json [package-lock.json:40]
        allow missing-integrity other@1.0.0 has no integrity hash in package-lock.json [package-lock.json:50]
        ");
        // Every download without a digest: one finding about the file.
        let mut a = package("a", "1.0.0", registry(), 1);
        a.integrity.clear();
        let mut b = package("b", "1.0.0", registry(), 2);
        b.integrity.clear();
        assert_eq!(
            run("", vec![a, b]),
            "warn missing-integrity package-lock.json records no integrity hash for any of its 2 downloaded packages [package-lock.json:1]"
        );
        assert_eq!(Level::Deny.as_str(), "deny");
    }
}
