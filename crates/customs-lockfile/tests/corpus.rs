//! The corpus check: every file in `../shared/data/lockfiles/MANIFEST.csv` is parsed with the
//! format its manifest row names and compared with a reviewed expectation in `tests/corpus/`
//! (package sets checked by hand or against the upstream project's own expected results, named
//! in the row's `expected_source`). Negative fixtures must fail with a clear error or yield
//! nothing. Prints per-format totals.
//!
//! The shared data lives beside the repository and is never copied into it. When it is absent
//! the check says so loudly and passes, unless `CUSTOMS_REQUIRE_SHARED_DATA=1` (CI sets it).
//! `CUSTOMS_UPDATE_CORPUS=1` rewrites the expectations; review the diff before committing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use customs_lockfile::{Format, Input, summary};

/// The prefixes of the MANIFEST's `format` labels each format reads. An exhaustive match: a new
/// format does not compile here until its labels are named.
fn corpus_labels(format: Format) -> &'static [&'static str] {
    match format {
        Format::CargoLock => &["Cargo.lock"],
        Format::UvLock => &["uv.lock"],
        Format::PyLock => &["pylock.toml"],
        Format::PoetryLock => &["poetry.lock"],
        Format::PdmLock => &["pdm.lock"],
        Format::YarnLock => &["yarn"],
        Format::Requirements => &["requirements.txt"],
        Format::PipfileLock => &["Pipfile.lock"],
        Format::PnpmLock => &["pnpm"],
        Format::PackageLock => &["package-lock", "npm-shrinkwrap"],
        Format::BunLock => &["bun.lock"],
        // The corpus holds lockfiles only; SBOMs are checked against syft by
        // bench/sbom_syft_agreement.py.
        Format::CycloneDxJson | Format::CycloneDxXml | Format::SpdxJson => &[],
    }
}

/// The format a MANIFEST row names, and whether the row is a negative case.
fn format_of(label: &str) -> Option<(Format, bool)> {
    let (label, negative) = match label.strip_prefix("negative-case(") {
        Some(rest) => (rest, true),
        None => (label, false),
    };
    let format = Format::ALL.iter().copied().find(|format| {
        corpus_labels(*format)
            .iter()
            .any(|prefix| label.starts_with(prefix))
    })?;
    Some((format, negative))
}

/// Splits one CSV line, honouring double quotes (the `format` column holds commas).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// Synthetic fixtures whose content is, by construction, another format's: this "poetry.lock"
/// starts with uv's top-level `version = 1`, which no poetry release writes. Named explicitly,
/// these are still parsed with the format the manifest gives.
const AMBIGUOUS_CONTENT: &[&str] =
    &["pypi/osv-scalibr__poetrylock/names-outside-package-block.lock"];

#[derive(Default)]
struct Totals {
    files: usize,
    parsed: usize,
    rejected: usize,
    packages: usize,
}

#[test]
fn corpus() {
    let Some(dir) = customs_testdata::shared_data("corpus check").map(|d| d.join("lockfiles"))
    else {
        return;
    };
    let manifest = fs::read_to_string(dir.join("MANIFEST.csv")).unwrap();
    let expected_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let update = std::env::var_os("CUSTOMS_UPDATE_CORPUS").is_some();
    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut unsupported = Vec::new();

    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields = csv_fields(line);
        let (path, label) = (&fields[0], &fields[1]);
        let Some((format, negative)) = format_of(label) else {
            unsupported.push(format!("{path} ({label})"));
            continue;
        };
        let bytes = fs::read(dir.join(path)).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        // Nothing in `{}`, `null` or a comment-only file says which format it is.
        let has_content = !matches!(text.trim(), "{}" | "null" | "[]")
            && text
                .lines()
                .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
        if !negative
            && has_content
            && !AMBIGUOUS_CONTENT.contains(&path.as_str())
            // Requirements files have no header to sniff; discovery accepts an explicitly named
            // `.txt` file as one when it parses cleanly (see customs-discover).
            && format != Format::Requirements
            && Format::sniff(&text) != Some(format)
        {
            failures.push(format!(
                "{path}: content sniffing says {:?}, the manifest says {format:?}",
                Format::sniff(&text)
            ));
        }
        let result = format.parse(Input { path, text: &text });
        let total = totals.entry(format.name().to_owned()).or_default();
        total.files += 1;
        let rendered = match &result {
            Ok(parsed) => {
                total.parsed += 1;
                total.packages += parsed.packages.len();
                summary::render(parsed)
            }
            Err(error) => {
                total.rejected += 1;
                format!("{}\n", summary::error_line(error))
            }
        };
        if negative && matches!(&result, Ok(parsed) if !parsed.packages.is_empty()) {
            failures.push(format!("{path}: negative case yielded packages"));
        }
        let expected_path = expected_dir.join(format!("{}.txt", path.replace('/', "__")));
        if update {
            fs::create_dir_all(&expected_dir).unwrap();
            fs::write(&expected_path, &rendered).unwrap();
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == rendered => {}
            Ok(expected) => failures.push(format!(
                "{path}: differs from {}\n{}",
                expected_path.display(),
                first_difference(&expected, &rendered)
            )),
            Err(_) => failures.push(format!(
                "{path}: no reviewed expectation at {}",
                expected_path.display()
            )),
        }
    }

    println!(
        "{:<24} {:>6} {:>7} {:>9} {:>9}",
        "format", "files", "parsed", "rejected", "packages"
    );
    for (format, t) in &totals {
        println!(
            "{format:<24} {:>6} {:>7} {:>9} {:>9}",
            t.files, t.parsed, t.rejected, t.packages
        );
    }
    if !unsupported.is_empty() {
        println!(
            "not yet supported ({}): {}",
            unsupported.len(),
            unsupported.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} corpus files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("  line {}:\n  - {e}\n  + {a}", i + 1);
        }
    }
    format!(
        "  line counts differ: expected {}, got {}",
        expected.lines().count(),
        actual.lines().count()
    )
}
