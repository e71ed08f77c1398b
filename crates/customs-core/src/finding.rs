//! Findings: what checks report, each under a stable code (see [`Code`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Ecosystem, Location};

/// How severe a finding is. Declared from most to least severe, so sorting ascending puts the
/// worst first. `Unknown` means no source gave a severity: it is never shown as low.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    /// Scored, at 0.0 (CVSS "None").
    None,
    Unknown,
}

impl Severity {
    /// The CVSS v3/v4 qualitative rating of a base score.
    pub fn from_score(score: f64) -> Self {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }

    /// A severity word as databases write it (`HIGH`, `Moderate`, `critical`, …).
    pub fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" | "important" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            "none" | "informational" => Some(Severity::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::None => "none",
            Severity::Unknown => "unknown",
        }
    }

    pub const ALL: [Severity; 6] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
        Severity::Unknown,
    ];
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the policy makes of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Fails the run (exit status 1).
    Deny,
    /// Reported; does not fail the run.
    Warn,
    /// Accepted (by policy or an ignore entry); reported only where output asks for everything.
    Allow,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
            Level::Allow => "allow",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The package a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub purl: String,
    /// The lockfile the package was found in (relative to the scanned root).
    pub lockfile: String,
}

/// The advisory a finding comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingAdvisory {
    pub id: String,
    /// Other ids of the same issue (CVE, GHSA, PYSEC, …): reported once, under `id`.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// The smallest version that fixes this advisory, if one exists.
    pub fixed_in: Option<String>,
    pub url: Option<String>,
    /// The CVSS vector the severity was computed from, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

/// One result of a check.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub code: crate::Code,
    pub severity: Severity,
    pub level: Level,
    /// One line a person can act on.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<FindingPackage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advisory: Option<FindingAdvisory>,
    /// The smallest version that fixes every advisory matched on the package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_fixed_in: Option<String>,
    pub locations: Vec<Location>,
    /// How the package is reached: from a direct dependency down to the package, as
    /// `name@version` steps. Empty when it is itself direct or the graph is unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependency_path: Vec<String>,
    /// Why the finding is accepted, when an ignore entry matched it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// For `typosquat`: the popular package the name imitates, and how.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typosquat: Option<FindingTyposquat>,
    /// For `malicious-code` and `suspicious-code`: the artifact inspected and what in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection: Option<FindingInspection>,
}

/// The artifact a code finding is about, and the rule hits that decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingInspection {
    /// The artifact's file name (`left-pad-1.3.0.tgz`).
    pub artifact: String,
    pub sha256: String,
    /// Why the verdict is what it is, one line per scoring rule that fired.
    pub reasons: Vec<String>,
    /// The rule hits, the ones that decided the verdict first.
    pub hits: Vec<FindingHit>,
}

/// One rule matching one file of an artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingHit {
    pub rule: String,
    /// `capability`, `threat`, `obfuscation` or `entrypoint`.
    pub category: String,
    /// The file's path inside the artifact.
    pub file: String,
    pub line: u32,
    pub excerpt: String,
    /// How the file comes to run (`install`, `build`, `startup`, `import`, `command`), when an
    /// entry point reaches it.
    pub reachable_from: Option<String>,
}

/// The popular package a `typosquat` finding's name imitates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingTyposquat {
    /// The imitated name, as its popular list writes it.
    pub imitates: String,
    /// Its rank in the ecosystem's popular list (1 is the most popular).
    pub rank: u32,
    /// How the name imitates it (a stable kebab-case word: `transposition`, `homoglyph`, …).
    pub technique: String,
    /// How likely an imitation, 0 to 1 (two decimals).
    pub score: f64,
}

impl Finding {
    /// A finding under `code` at its default level, of unknown severity, about no package: the
    /// other fields are set with struct update syntax where they apply.
    pub fn new(code: crate::Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Unknown,
            level: code.default_level(),
            message: message.into(),
            package: None,
            advisory: None,
            package_fixed_in: None,
            locations: Vec::new(),
            dependency_path: Vec::new(),
            ignored: None,
            typosquat: None,
            inspection: None,
        }
    }
}
