//! A compact, deterministic text rendering of a parse result: one line per package. Tests
//! snapshot it, and the corpus check compares it with reviewed expectations, so every field a
//! parser fills is visible in review.

use std::fmt::Write as _;

use customs_core::Package;

use crate::{ParseError, Parsed};

/// `name@version` then the fields that differ from the common case, one package per line, sorted.
/// Where the packages are of several ecosystems (an SBOM), each line starts with its ecosystem.
pub fn render(parsed: &Parsed) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "format: {}", parsed.format);
    let mixed = parsed
        .packages
        .iter()
        .any(|p| p.ecosystem != parsed.ecosystem);
    let mut lines: Vec<String> = parsed
        .packages
        .iter()
        .map(|p| {
            if mixed {
                format!("{} {}", p.ecosystem, package_line(p))
            } else {
                package_line(p)
            }
        })
        .collect();
    lines.sort();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    for include in &parsed.includes {
        let kind = if include.constraint { "-c" } else { "-r" };
        let _ = writeln!(
            out,
            "include {kind} {} (line {})",
            include.path, include.line
        );
    }
    for error in &parsed.errors {
        let _ = writeln!(out, "{}", error_line(error));
    }
    for warning in &parsed.warnings {
        let line = error_line(warning);
        // `error line 3: …` / `error: …` become `warning line 3: …` / `warning: …`.
        let _ = writeln!(
            out,
            "warning{}",
            line.strip_prefix("error").unwrap_or(&line)
        );
    }
    out
}

pub fn error_line(error: &ParseError) -> String {
    match error.line {
        Some(line) => format!("error line {line}: {}", error.full_message()),
        None => format!("error: {}", error.full_message()),
    }
}

fn package_line(package: &Package) -> String {
    let mut line = package.name.display().to_owned();
    if let Some(version) = &package.version {
        let _ = write!(line, "@{version}");
    }
    if package.name.display() != package.name.as_str() {
        let _ = write!(line, " name={}", package.name);
    }
    if !package.source.is_registry() {
        let _ = write!(line, " source={}", package.source.kind());
    } else if package.purl().contains("repository_url") {
        let _ = write!(line, " source=mirror");
    }
    if let Some(scope) = package.scope {
        let _ = write!(line, " {}", scope.as_str());
    }
    if package.direct {
        line.push_str(" direct");
    }
    if !package.aliases.is_empty() {
        let aliases: Vec<&str> = package.aliases.iter().map(String::as_str).collect();
        let _ = write!(line, " aliases={}", aliases.join(","));
    }
    if let Some(requirement) = &package.requirement {
        let _ = write!(line, " requirement={requirement}");
    }
    if !package.integrity.is_empty() {
        let algorithms: Vec<&str> = package
            .integrity
            .iter()
            .map(|i| i.algorithm.as_str())
            .collect();
        let mut algorithms = algorithms;
        algorithms.dedup();
        let _ = write!(line, " hashes={}", algorithms.join(","));
    }
    let lines: Vec<String> = package
        .locations
        .iter()
        .map(|l| l.line.to_string())
        .collect();
    let _ = write!(line, " lines={}", lines.join(","));
    if !package.dependencies.is_empty() {
        let _ = write!(line, " deps={}", package.dependencies.len());
    }
    line
}
