//! Analyses package artifacts on disk and prints each verdict:
//! `cargo run --release -p customs-inspect --example analyze -- <npm|pypi|crates> FILE...`.
//!
//! The kind of archive is read from the bytes; `--quiet` prints one line per artifact (level
//! and path), the reasons and hits only for those that are not clean.

#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example program: printing is its output"
)]

use std::process::ExitCode;

use customs_core::Ecosystem;
use customs_inspect::{Analyzer, ArchiveKind, Level, Limits, read_archive};

fn main() -> ExitCode {
    let mut arguments: Vec<String> = std::env::args().skip(1).collect();
    let quiet = arguments.iter().any(|argument| argument == "--quiet");
    arguments.retain(|argument| argument != "--quiet");
    let Some((ecosystem, paths)) = arguments.split_first() else {
        eprintln!("usage: analyze [--quiet] <npm|pypi|crates> FILE...");
        return ExitCode::FAILURE;
    };
    let ecosystem = match ecosystem.as_str() {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "crates" => Ecosystem::CratesIo,
        other => {
            eprintln!("unknown ecosystem `{other}`");
            return ExitCode::FAILURE;
        }
    };
    let analyzer = match Analyzer::new(&[]) {
        Ok(analyzer) => analyzer,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut counts = [0usize; 3];
    for path in paths {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let Some(kind) = ArchiveKind::detect(&bytes) else {
            eprintln!("{path}: not an archive");
            continue;
        };
        let archive = match read_archive(&bytes, kind, &Limits::default()) {
            Ok(archive) => archive,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let verdict = analyzer.analyze(&archive, ecosystem);
        counts[match verdict.level {
            Level::Clean => 0,
            Level::Suspicious => 1,
            Level::Malicious => 2,
        }] += 1;
        println!("{:<10} {path}", verdict.level.as_str());
        if quiet && verdict.level == Level::Clean {
            continue;
        }
        for reason in &verdict.reasons {
            println!("    {reason}");
        }
        for hit in verdict
            .hits
            .iter()
            .filter(|hit| !quiet || hit.reachable_from.is_some())
        {
            let entry = hit.reachable_from.map_or("-", |kind| kind.as_str());
            println!(
                "    {}:{} {} [{entry}] {}",
                hit.file, hit.line, hit.rule_id, hit.excerpt
            );
        }
    }
    println!(
        "{} clean, {} suspicious, {} malicious",
        counts[0], counts[1], counts[2]
    );
    ExitCode::SUCCESS
}
