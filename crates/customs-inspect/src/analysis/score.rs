//! Correlation: hits → a level, with the reasons. The table is in the crate docs; the codes
//! (`M1`..., `S1`...) name its rows in [`crate::Verdict::reasons`].

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::rules::{Category, Severity, Signal};
use crate::analysis::verdict::{Hit, Level};

/// Sources of secrets that a library has no business sending anywhere.
const STEALER_SOURCES: &[Signal] = &[
    Signal::EnvHarvest,
    Signal::CredentialHarvest,
    Signal::WalletTarget,
    Signal::WalletKeyScan,
    Signal::BrowserProfile,
];
/// Sources of secrets that SDKs and tools read for their own use.
const CREDENTIAL_SOURCES: &[Signal] = &[Signal::CredentialPath, Signal::EnvSecret];
/// Ways to send data out.
const SENDS: &[Signal] = &[
    Signal::Network,
    Signal::Download,
    Signal::ExfilEndpoint,
    Signal::PasteSite,
    Signal::RawIpUrl,
];
/// Destinations no legitimate package sends secrets to.
const SUSPICIOUS_DESTINATIONS: &[Signal] =
    &[Signal::ExfilEndpoint, Signal::PasteSite, Signal::RawIpUrl];
const EXECUTES: &[Signal] = &[Signal::Process, Signal::MakeExecutable];
/// What turns a download-and-run into a dropper.
const DROPPER_MARKS: &[Signal] = &[
    Signal::TempStaging,
    Signal::CiCheck,
    Signal::RawIpUrl,
    Signal::Obfuscated,
    Signal::EncodedBlob,
    Signal::CharCodes,
];
const OBFUSCATION: &[Signal] = &[
    Signal::Obfuscated,
    Signal::EncodedBlob,
    Signal::CharCodes,
    Signal::DecodeExec,
];

/// A scoring row that fired, with the hits behind it.
struct Fired<'a> {
    code: &'static str,
    level: Level,
    summary: &'static str,
    hits: Vec<&'a Hit>,
}

/// The signals of the reachable hits of one file.
struct FileSignals<'a> {
    hits: Vec<&'a Hit>,
    runs_unasked: bool,
}

impl<'a> FileSignals<'a> {
    fn with(&self, signals: &[Signal]) -> Vec<&'a Hit> {
        self.hits
            .iter()
            .filter(|hit| hit.signal.is_some_and(|signal| signals.contains(&signal)))
            .copied()
            .collect()
    }

    fn high_threats(&self) -> Vec<&'a Hit> {
        self.hits
            .iter()
            .filter(|hit| hit.category == Category::Threat && hit.severity >= Severity::High)
            .copied()
            .collect()
    }
}

/// The level and reasons for `hits` (sorted), plus `notes` on what could not be analysed.
pub(crate) fn score<'a>(hits: &'a [Hit], notes: &[String]) -> (Level, Vec<String>) {
    let mut fired: Vec<Fired<'a>> = Vec::new();
    let mut fire = |code, level, summary, hits: Vec<&'a Hit>| {
        if !hits.is_empty() {
            fired.push(Fired {
                code,
                level,
                summary,
                hits,
            });
        }
    };

    let reachable: Vec<&'a Hit> = hits
        .iter()
        .filter(|hit| hit.reachable_from.is_some())
        .collect();
    let mut by_file: BTreeMap<&'a str, FileSignals<'a>> = BTreeMap::new();
    for hit in &reachable {
        let file = by_file.entry(hit.file.as_str()).or_insert(FileSignals {
            hits: Vec::new(),
            runs_unasked: false,
        });
        file.runs_unasked |= hit.reachable_from.is_some_and(|kind| kind.runs_unasked());
        file.hits.push(hit);
    }
    let unasked = |hit: &&Hit| hit.reachable_from.is_some_and(|kind| kind.runs_unasked());
    let threat_at = |minimum: Severity| {
        move |hit: &&Hit| hit.category == Category::Threat && hit.severity >= minimum
    };

    // M1, M2: threats by severity and by how the code comes to run.
    fire(
        "M1",
        Level::Malicious,
        "a critical threat in code an entry point reaches",
        reachable
            .iter()
            .copied()
            .filter(threat_at(Severity::Critical))
            .collect(),
    );
    fire(
        "M2",
        Level::Malicious,
        "a high-severity threat in code that runs at install, build or start-up",
        reachable
            .iter()
            .copied()
            .filter(threat_at(Severity::High))
            .filter(unasked)
            .collect(),
    );

    // M3-M6, M8: chains within one reachable file.
    for file in by_file.values() {
        let stealer = file.with(STEALER_SOURCES);
        let credential = file.with(CREDENTIAL_SOURCES);
        let sends = file.with(SENDS);
        let destinations = file.with(SUSPICIOUS_DESTINATIONS);
        let downloads = file.with(&[Signal::Download]);
        let executes = file.with(EXECUTES);
        let dropper_marks = file.with(DROPPER_MARKS);
        let obfuscation = file.with(OBFUSCATION);
        let high_threats = file.high_threats();
        let both = |first: &[&'a Hit], second: &[&'a Hit]| -> Vec<&'a Hit> {
            if first.is_empty() || second.is_empty() {
                Vec::new()
            } else {
                first.iter().chain(second).copied().collect()
            }
        };
        fire(
            "M3",
            Level::Malicious,
            "a stealer's source (the whole environment, credential stores, wallets, browser profiles) and a way to send it, in one reachable file",
            both(&stealer, &sends),
        );
        if file.runs_unasked {
            fire(
                "M4",
                Level::Malicious,
                "credentials (credential files, other services' tokens) and a way to send them, in code that runs at install, build or start-up",
                both(&credential, &sends),
            );
        } else {
            fire(
                "S3",
                Level::Suspicious,
                "credentials and a way to send them in one file of imported code",
                both(&credential, &sends),
            );
        }
        let sources: Vec<&Hit> = stealer.iter().chain(&credential).copied().collect();
        fire(
            "M5",
            Level::Malicious,
            "secrets and an exfiltration destination (a raw IP, a paste site, a request collector, a webhook) in one reachable file",
            both(&sources, &destinations),
        );
        let download_and_run = both(&downloads, &executes);
        if dropper_marks.is_empty() {
            fire(
                "S4",
                Level::Suspicious,
                "downloads a file and runs or marks it executable",
                download_and_run,
            );
        } else {
            fire(
                "M6",
                Level::Malicious,
                "downloads a file and runs it, staged in a temporary directory, gated on CI, from a raw IP or obfuscated",
                both(&download_and_run, &dropper_marks),
            );
        }
        fire(
            "M8",
            Level::Malicious,
            "a high-severity threat inside obfuscated code",
            both(&high_threats, &obfuscation),
        );
    }

    // M7: decode and run a large encoded payload.
    let runners: Vec<&Hit> = by_file
        .values()
        .flat_map(|file| {
            let dynamic = file.with(&[Signal::DynamicCode]);
            let decode = file.with(&[Signal::Decode]);
            let decode_exec = file.with(&[Signal::DecodeExec]);
            if !decode_exec.is_empty() {
                decode_exec
            } else if !dynamic.is_empty() && !decode.is_empty() {
                dynamic.into_iter().chain(decode).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let payloads: Vec<&Hit> = reachable
        .iter()
        .copied()
        .filter(|hit| hit.signal == Some(Signal::EncodedBlob))
        .collect();
    if !runners.is_empty() && !payloads.is_empty() {
        fire(
            "M7",
            Level::Malicious,
            "decodes data and runs it as code, with an encoded payload in reachable code",
            runners.into_iter().chain(payloads).collect(),
        );
    }

    // S1, S2, S5-S8: weaker signs.
    fire(
        "S1",
        Level::Suspicious,
        "a threat in imported code, or a critical threat in code no entry point reaches",
        hits.iter()
            .filter(|hit| {
                hit.category == Category::Threat
                    && ((hit.reachable_from.is_some() && hit.severity >= Severity::High)
                        || hit.severity >= Severity::Critical)
            })
            .collect(),
    );
    fire(
        "S2",
        Level::Suspicious,
        "obfuscated code that an entry point reaches, or minified code that runs at install, build or start-up",
        reachable
            .iter()
            .copied()
            .filter(|hit| {
                (hit.category == Category::Obfuscation && hit.severity >= Severity::Medium)
                    || (hit.signal == Some(Signal::Minified) && unasked(hit))
            })
            .collect(),
    );
    fire(
        "S5",
        Level::Suspicious,
        "uses the network in code that runs at install, build or start-up",
        reachable
            .iter()
            .copied()
            .filter(|hit| unasked(hit) && hit.signal.is_some_and(|signal| SENDS.contains(&signal)))
            .collect(),
    );
    fire(
        "S6",
        Level::Suspicious,
        "a native executable run at install, build or start-up",
        reachable
            .iter()
            .copied()
            .filter(|hit| hit.signal == Some(Signal::Native) && unasked(hit))
            .collect(),
    );
    fire(
        "S7",
        Level::Suspicious,
        "a manifest that cannot be read, so the entry points are unknown",
        hits.iter()
            .filter(|hit| hit.signal == Some(Signal::ManifestUnreadable))
            .collect(),
    );
    fire(
        "S8",
        Level::Suspicious,
        "a reachable hit of a medium- or higher-severity rule without a signal (a user's rule)",
        reachable
            .iter()
            .copied()
            .filter(|hit| hit.signal.is_none() && hit.severity >= Severity::Medium)
            .collect(),
    );

    let level = fired
        .iter()
        .map(|fired| fired.level)
        .max()
        .unwrap_or(Level::Clean);
    let mut reasons = Vec::new();
    // Malicious rows first, then suspicious ones; each row once, in table order.
    let mut order: Vec<&Fired<'_>> = fired.iter().collect();
    order.sort_by_key(|fired| (std::cmp::Reverse(fired.level), code_rank(fired.code)));
    let mut seen = BTreeSet::new();
    // The rows of the level reached explain it; weaker rows would only repeat their hits.
    for row in order.into_iter().filter(|row| row.level == level) {
        // A row that fired for several files is one reason listing them all.
        if !seen.insert(row.code) {
            continue;
        }
        let mut shown: Vec<String> = fired
            .iter()
            .filter(|other| other.code == row.code)
            .flat_map(|other| other.hits.iter())
            .map(|hit| format!("{} ({}:{})", hit.rule_id, hit.file, hit.line))
            .collect();
        shown.sort();
        shown.dedup();
        let total = shown.len();
        shown.truncate(8);
        let more = if total > shown.len() {
            format!(" and {} more", total - shown.len())
        } else {
            String::new()
        };
        reasons.push(format!(
            "{} {}: {}{more}",
            row.code,
            row.summary,
            shown.join(", ")
        ));
    }
    reasons.extend(notes.iter().cloned());
    (level, reasons)
}

fn code_rank(code: &str) -> u32 {
    code.get(1..)
        .and_then(|number| number.parse().ok())
        .unwrap_or(u32::MAX)
}
