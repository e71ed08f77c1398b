//! Typosquat evidence to findings: one `typosquat` finding per flagged package, and one
//! `typosquat-unchecked` per ecosystem without a popular-name list.

use customs_core::{Code, Finding, FindingTyposquat, Inventory, Severity};

use crate::evaluate::{about, label};

pub(crate) fn findings(
    inventory: &Inventory,
    evidence: &customs_typosquat::Evidence,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for flag in &evidence.flags {
        let Some(lockfile) = inventory.lockfiles.get(flag.lockfile) else {
            continue;
        };
        let Some(package) = lockfile.packages.get(flag.package) else {
            continue;
        };
        let suspicion = &flag.suspicion;
        let score = f64::from((suspicion.score * 100.0).round()) / 100.0;
        let message = format!(
            "{} may be a typosquat of `{}` (score {score:.2}): {}",
            label(package),
            suspicion.target,
            suspicion.reason
        );
        findings.push(Finding {
            // A likely imitation of a very popular name is what an attack looks like; a weak
            // resemblance is worth a look, not an alarm.
            severity: if score >= 0.8 {
                Severity::High
            } else {
                Severity::Medium
            },
            typosquat: Some(FindingTyposquat {
                imitates: suspicion.target.clone(),
                rank: suspicion.target_rank,
                technique: suspicion.technique.code().to_owned(),
                score,
            }),
            ..about(Code::Typosquat, lockfile, package, message)
        });
    }
    for ecosystem in &evidence.unchecked {
        findings.push(Finding::new(
            Code::TyposquatUnchecked,
            format!(
                "no list of popular {ecosystem} names is available, so {ecosystem} package names were not checked for typosquats: run `customs db update`"
            ),
        ));
    }
    findings
}
