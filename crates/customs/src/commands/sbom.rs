//! `customs sbom`: a software bill of materials (CycloneDX or SPDX) of every package the
//! lockfiles under the given paths pin, optionally with the advisories that affect them.
//!
//! Exit status: 0 when the document was written from every file; 2 when some input could not be
//! read (the document is still written, without it), when the advisory check could not run for
//! an ecosystem, or on a usage error. Findings do not change the status: an SBOM describes, it
//! does not gate (`customs scan` does).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use customs_report::sbom::{CycloneDxVersion, SPDX_VERSION, SbomOptions};

use crate::EXIT_INPUT_ERROR;
use crate::commands::scan::{AdvisoryArgs, AdvisoryCheck};

#[derive(Debug, clap::Args)]
pub(crate) struct SbomArgs {
    /// Directories to walk or files to read (default: the current directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SbomFormat::CyclonedxJson)]
    format: SbomFormat,
    /// The format's specification version: 1.6 or 1.5 for CycloneDX, 2.3 for SPDX [default:
    /// the newest]
    #[arg(long, value_name = "VERSION")]
    spec_version: Option<String>,
    /// Write the document to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The document's creation time: RFC 3339 (`2026-01-31T12:00:00Z`) or seconds since the
    /// Unix epoch [default: SOURCE_DATE_EPOCH when set, else now]
    #[arg(long, value_name = "TIME")]
    timestamp: Option<String>,
    /// Add the advisories that affect the packages, as `customs scan` finds them (CycloneDX
    /// only; the remaining flags apply to it).
    #[arg(long)]
    with_vulnerabilities: bool,
    #[command(flatten)]
    advisories: AdvisoryArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SbomFormat {
    CyclonedxJson,
    CyclonedxXml,
    SpdxJson,
}

/// The CycloneDX version to write, or `None` for SPDX; a version the format does not have is a
/// usage error.
fn spec_version(
    format: SbomFormat,
    asked: Option<&str>,
) -> anyhow::Result<Option<CycloneDxVersion>> {
    match (format, asked) {
        (SbomFormat::SpdxJson, None) => Ok(None),
        (SbomFormat::SpdxJson, Some(version)) if version == SPDX_VERSION => Ok(None),
        (SbomFormat::SpdxJson, Some(version)) => {
            bail!("--spec-version {version}: spdx-json is written in SPDX {SPDX_VERSION} only")
        }
        (_, None) => Ok(Some(CycloneDxVersion::default())),
        (_, Some(version)) => CycloneDxVersion::from_name(version)
            .map(Some)
            .with_context(|| {
                format!("--spec-version {version}: CycloneDX is written in version 1.6 or 1.5")
            }),
    }
}

pub(crate) fn run(args: SbomArgs) -> anyhow::Result<ExitCode> {
    // Every usage error before any work.
    let version = spec_version(args.format, args.spec_version.as_deref())?;
    if args.with_vulnerabilities && args.format == SbomFormat::SpdxJson {
        bail!(
            "--with-vulnerabilities needs a CycloneDX format: SPDX 2.3 has no place for \
             vulnerabilities (use --format cyclonedx-json or cyclonedx-xml)"
        );
    }
    let timestamp = document_time(
        args.timestamp.as_deref(),
        std::env::var_os("SOURCE_DATE_EPOCH"),
    )?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let advisories = if args.with_vulnerabilities {
        Some(AdvisoryCheck::prepare(args.advisories, &paths, None)?)
    } else {
        None
    };

    let inventory = customs_discover::scan(&paths, &customs_discover::Options::default());
    let findings = match &advisories {
        Some(check) => Some(check.evaluate(&inventory, SystemTime::now(), None)?.1),
        None => None,
    };
    let options = SbomOptions {
        timestamp,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        project_name: project_name(&paths),
    };
    let findings_slice = findings.as_deref();
    crate::output::write(args.output.as_ref(), |out| match (args.format, version) {
        (SbomFormat::CyclonedxXml, Some(version)) => customs_report::sbom::write_cyclonedx_xml(
            &inventory,
            findings_slice,
            version,
            &options,
            out,
        ),
        (SbomFormat::CyclonedxJson, Some(version)) => customs_report::sbom::write_cyclonedx_json(
            &inventory,
            findings_slice,
            version,
            &options,
            out,
        ),
        _ => customs_report::sbom::write_spdx_json(&inventory, &options, out),
    })?;

    for error in &inventory.errors {
        eprintln!("customs: error: {error}");
    }
    let mut code = if inventory.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT_ERROR)
    };
    for finding in findings
        .iter()
        .flatten()
        .filter(|f| f.code.means_check_not_run())
    {
        eprintln!("customs: error: {}", finding.message);
        code = ExitCode::from(EXIT_INPUT_ERROR);
    }
    crate::exit_without_freeing((inventory, findings, advisories));
    Ok(code)
}

/// The latest time a document may carry: four-digit years only, as both formats write them.
const LAST_SECOND: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// The time the document says it was made: `--timestamp`, else `SOURCE_DATE_EPOCH`
/// (<https://reproducible-builds.org/specs/source-date-epoch/>: an integer number of seconds; a
/// malformed value is an error, not silently ignored), else now. Whole seconds.
fn document_time(
    flag: Option<&str>,
    source_date_epoch: Option<std::ffi::OsString>,
) -> anyhow::Result<jiff::Timestamp> {
    if let Some(text) = flag {
        return parse_time(text).with_context(|| {
            format!(
                "--timestamp `{text}`: expected an RFC 3339 time (2026-01-31T12:00:00Z) or \
                 seconds since the Unix epoch, from 1970 to 9999"
            )
        });
    }
    if let Some(value) = source_date_epoch {
        let text = value.to_string_lossy();
        let seconds = text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| (0..=LAST_SECOND).contains(s))
            .with_context(|| {
                format!(
                    "SOURCE_DATE_EPOCH `{text}`: expected seconds since the Unix epoch, from 1970 \
                     to 9999"
                )
            })?;
        return Ok(jiff::Timestamp::from_second(seconds)?);
    }
    let now = jiff::Timestamp::now();
    Ok(jiff::Timestamp::from_second(now.as_second())?)
}

fn parse_time(text: &str) -> anyhow::Result<jiff::Timestamp> {
    let text = text.trim();
    let seconds = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<i64>()?
    } else {
        text.parse::<jiff::Timestamp>()?.as_second()
    };
    if !(0..=LAST_SECOND).contains(&seconds) {
        bail!("out of range");
    }
    Ok(jiff::Timestamp::from_second(seconds)?)
}

/// The name of the scanned directory (a file's directory), or of the current directory when
/// several paths are scanned: what the root component is called when the project has no root
/// package of its own.
fn project_name(paths: &[PathBuf]) -> String {
    let base: &Path = match paths {
        [one] => one,
        _ => Path::new("."),
    };
    let directory = if base.is_file() {
        base.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    } else {
        base
    };
    std::fs::canonicalize(directory)
        .ok()
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "project".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_from_flags_and_the_environment() {
        let at = |flag: Option<&str>, env: Option<&str>| {
            document_time(flag, env.map(Into::into)).map(|t| t.to_string())
        };
        assert_eq!(
            at(Some("2026-01-31T12:00:00.750+01:00"), None).unwrap(),
            "2026-01-31T11:00:00Z"
        );
        assert_eq!(
            at(Some("86400"), Some("0")).unwrap(),
            "1970-01-02T00:00:00Z"
        );
        assert_eq!(
            at(None, Some("1700000000")).unwrap(),
            "2023-11-14T22:13:20Z"
        );
        assert!(at(Some("yesterday"), None).is_err());
        assert!(
            at(Some("2026-01-31"), None).is_err(),
            "a date without a time"
        );
        assert!(at(Some("99999999999999"), None).is_err(), "past 9999");
        assert!(at(None, Some("-1")).is_err());
        assert!(at(None, Some("soon")).is_err());
    }

    #[test]
    fn spec_versions_per_format() {
        let version = |format, asked| spec_version(format, asked).map_err(|e| e.to_string());
        assert_eq!(
            version(SbomFormat::CyclonedxJson, None),
            Ok(Some(CycloneDxVersion::V1_6))
        );
        assert_eq!(
            version(SbomFormat::CyclonedxXml, Some("1.5")),
            Ok(Some(CycloneDxVersion::V1_5))
        );
        assert_eq!(version(SbomFormat::SpdxJson, Some("2.3")), Ok(None));
        assert!(version(SbomFormat::SpdxJson, Some("1.6")).is_err());
        assert!(version(SbomFormat::CyclonedxJson, Some("1.4")).is_err());
    }
}
