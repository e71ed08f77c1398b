//! Inspection evidence to findings: `malicious-code` and `suspicious-code` per package (with the
//! artifact and the hits that decided it), `integrity-mismatch` per artifact that is not what
//! was locked, `suspicious-change` per package whose locked release adds what deserves a look
//! to the previous release (the changes as its hits), and one `inspect-unchecked` per reason
//! packages could not be inspected.

use std::collections::BTreeMap;

use customs_core::{
    Code, Finding, FindingHit, FindingInspection, Inventory, LockfileReport, Package, Severity,
};
use customs_inspect::{ArtifactVerdict, Hit, Level, PackageChanges};

use crate::evaluate::{about, examples, label};

/// Hits a finding carries: the ones that decided the verdict come first, and a person confirms
/// a verdict from a handful of them.
const MAX_HITS: usize = 20;

pub(crate) fn findings(
    inventory: &Inventory,
    evidence: &customs_inspect::Evidence,
) -> Vec<Finding> {
    let package = |lockfile: usize, package: usize| {
        let report = inventory.lockfiles.get(lockfile)?;
        Some((report, report.packages.get(package)?))
    };
    let mut findings = Vec::new();
    for item in &evidence.packages {
        let Some((lockfile, package)) = package(item.lockfile, item.package) else {
            continue;
        };
        let Some(worst) = item.worst() else {
            continue;
        };
        if let Some(finding) = code_finding(lockfile, package, worst) {
            findings.push(finding);
        }
    }
    for mismatch in &evidence.mismatches {
        let Some((lockfile, package)) = package(mismatch.lockfile, mismatch.package) else {
            continue;
        };
        findings.push(Finding {
            severity: Severity::Critical,
            ..about(
                Code::IntegrityMismatch,
                lockfile,
                package,
                format!(
                    "{} from {} is not the locked artifact: expected {}, got {}",
                    label(package),
                    mismatch.url,
                    mismatch.expected,
                    mismatch.actual
                ),
            )
        });
    }
    for item in &evidence.changes {
        let Some((lockfile, package)) = package(item.lockfile, item.package) else {
            continue;
        };
        if let Some(finding) = change_finding(lockfile, package, item) {
            findings.push(finding);
        }
    }
    let mut by_reason: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for item in &evidence.unchecked {
        if let Some((_, package)) = package(item.lockfile, item.package) {
            by_reason
                .entry(item.reason.as_str())
                .or_default()
                .push(label(package));
        }
    }
    for (reason, names) in by_reason {
        let (count, shown) = examples(names);
        findings.push(Finding::new(
            Code::InspectUnchecked,
            format!(
                "the artifacts of {count} package{} could not be inspected: {reason} ({shown})",
                if count == 1 { "" } else { "s" }
            ),
        ));
    }
    findings
}

/// The finding of one package's worst verdict, if it is not clean.
fn code_finding(
    lockfile: &LockfileReport,
    package: &Package,
    artifact: &ArtifactVerdict,
) -> Option<Finding> {
    let verdict = &artifact.verdict;
    let (code, severity, what) = match verdict.level {
        Level::Clean => return None,
        Level::Suspicious => (
            Code::SuspiciousCode,
            Severity::Medium,
            "has suspicious code",
        ),
        Level::Malicious => (
            Code::MaliciousCode,
            Severity::Critical,
            "has malicious code",
        ),
    };
    let mut message = format!("{} {what} ({})", label(package), artifact.file_name);
    if let Some(reason) = verdict.reasons.first() {
        message.push_str(": ");
        message.push_str(reason);
    }
    let mut hits: Vec<&Hit> = verdict.hits.iter().collect();
    // Hits in code that runs on its own first, then by category (threats before capabilities),
    // then as the verdict lists them.
    hits.sort_by_key(|hit| {
        (
            hit.reachable_from.is_none_or(|entry| !entry.runs_unasked()),
            hit.reachable_from.is_none(),
            std::cmp::Reverse(hit.severity),
        )
    });
    Some(Finding {
        severity,
        inspection: Some(FindingInspection {
            artifact: artifact.file_name.clone(),
            sha256: artifact.sha256.clone(),
            reasons: verdict.reasons.clone(),
            hits: hits
                .into_iter()
                .take(MAX_HITS)
                .map(|hit| FindingHit {
                    rule: hit.rule_id.clone(),
                    category: hit.category.as_str().to_owned(),
                    file: hit.file.clone(),
                    line: hit.line,
                    excerpt: hit.excerpt.clone(),
                    reachable_from: hit.reachable_from.map(|entry| entry.as_str().to_owned()),
                })
                .collect(),
        }),
        ..about(code, lockfile, package, message)
    })
}

/// What a locked release adds to the previous one, as a `suspicious-change` finding whose hits
/// are the changes (category `change`).
fn change_finding(
    lockfile: &LockfileReport,
    package: &Package,
    item: &PackageChanges,
) -> Option<Finding> {
    if item.changes.is_empty() {
        return None;
    }
    let mut kinds: Vec<&str> = item
        .changes
        .iter()
        .map(|change| change.rule_id.as_str())
        .collect();
    kinds.dedup();
    let message = format!(
        "{} adds to {}: {}",
        label(package),
        item.previous_version,
        kinds
            .iter()
            .map(|kind| {
                let count = item
                    .changes
                    .iter()
                    .filter(|change| change.rule_id == *kind)
                    .count();
                let what = match *kind {
                    "new-install-script" => "a new install script",
                    "new-unasked-file" => "a new file that runs unasked",
                    "new-endpoint" => "a new host its code contacts",
                    "new-obfuscation" => "new obfuscated code",
                    "new-dependency-in-patch" => "a new dependency in a patch release",
                    other => other,
                };
                if count == 1 {
                    what.to_owned()
                } else {
                    format!("{what} ({count})")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    Some(Finding {
        severity: Severity::Medium,
        inspection: Some(FindingInspection {
            artifact: item.artifact.clone(),
            sha256: item.sha256.clone(),
            reasons: vec![format!(
                "compared with {} ({})",
                item.previous_version, item.previous_artifact
            )],
            hits: item
                .changes
                .iter()
                .take(MAX_HITS)
                .map(|change| FindingHit {
                    rule: change.rule_id.clone(),
                    category: "change".to_owned(),
                    file: change.file.clone(),
                    line: change.line,
                    excerpt: change.excerpt.clone(),
                    reachable_from: None,
                })
                .collect(),
        }),
        ..about(Code::SuspiciousChange, lockfile, package, message)
    })
}
