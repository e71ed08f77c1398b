//! `customs inspect TARGET...`: open package artifacts and look for malicious code, statically.
//!
//! A target is a package on its registry (`npm:left-pad@1.3.0`, `pypi:six@1.16.0`,
//! `crates:itoa@1.0.0`, or a purl), downloaded and checked against the registry's digest; a
//! local artifact (`.tgz`, `.whl`, `.tar.gz`, `.zip`, `.crate`), its kind told by its bytes; or
//! an unpacked directory, read without following links. A registry release is compared with
//! the release published before it, as `scan --deep` compares locked ones.
//!
//! Exit status: 0 when nothing is malicious; 1 when an artifact is malicious or not what its
//! registry's digest says; 2 when a target could not be inspected.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use customs_core::{Ecosystem, Inventory, LockfileReport, Package, PackageName, Source, Version};
use customs_inspect::{Analyzer, Verdict};
use customs_registry::RegistryConfig;
use customs_registry::artifacts::{ArtifactOptions, ArtifactOutcome, Verification};
use customs_report::inspect::{InspectedArtifact, InspectedTarget, ReleaseComparison};

use crate::commands::db::DbArgs;
use crate::inspections::VerdictCache;

#[derive(Debug, clap::Args)]
pub(crate) struct InspectArgs {
    /// What to inspect: `npm:NAME@VERSION`, `pypi:NAME@VERSION`, `crates:NAME@VERSION`, a purl
    /// (`pkg:npm/left-pad@1.3.0`), an artifact file, or an unpacked package directory.
    #[arg(value_name = "TARGET", required = true)]
    targets: Vec<String>,
    /// The ecosystem of local files and directories [default: told by their manifest]
    #[arg(long, short, value_name = "ECOSYSTEM", value_parser = parse_ecosystem)]
    ecosystem: Option<Ecosystem>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = InspectFormat::Table)]
    format: InspectFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// YARA rule files or directories to use besides the bundled rules.
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Never use the network: packages come from the artifact cache only.
    #[arg(long)]
    offline: bool,
    #[command(flatten)]
    db: DbArgs,
    /// The registry cache; the artifact cache is `artifacts/` beside it [default:
    /// `registry.sqlite` beside the advisory database]
    #[arg(long, value_name = "PATH", env = "CUSTOMS_REGISTRY_CACHE")]
    registry_cache: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectFormat {
    Table,
    Json,
    Sarif,
}

fn parse_ecosystem(text: &str) -> Result<Ecosystem, String> {
    text.parse::<Ecosystem>().map_err(|error| error.to_string())
}

/// What a command-line target names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Package {
        ecosystem: Ecosystem,
        name: String,
        version: String,
    },
    Path(PathBuf),
}

/// `ECOSYSTEM:NAME@VERSION`, a purl, else a path (which must exist).
fn parse_target(text: &str) -> Result<Target, String> {
    if let Some(rest) = text.strip_prefix("pkg:") {
        let purl: packageurl::PackageUrl = text
            .parse()
            .map_err(|error| format!("`{text}` is not a valid purl: {error}"))?;
        let ecosystem = match purl.ty() {
            "npm" => Ecosystem::Npm,
            "pypi" => Ecosystem::PyPI,
            "cargo" => Ecosystem::CratesIo,
            other => {
                return Err(format!(
                    "purls of type `{other}` are not supported ({rest})"
                ));
            }
        };
        let name = match purl.namespace() {
            Some(namespace) => format!("{namespace}/{}", purl.name()),
            None => purl.name().to_owned(),
        };
        let version = purl
            .version()
            .ok_or_else(|| format!("`{text}` names no version"))?
            .to_owned();
        return Ok(Target::Package {
            ecosystem,
            name,
            version,
        });
    }
    if let Some((prefix, rest)) = text.split_once(':')
        && let Ok(ecosystem) = prefix.parse::<Ecosystem>()
        && !Path::new(text).exists()
    {
        // The version follows the last `@`, after any npm scope's.
        let (name, version) = rest
            .rsplit_once('@')
            .filter(|(name, version)| !name.is_empty() && !version.is_empty())
            .ok_or_else(|| format!("`{text}` names no version: write `{prefix}:NAME@VERSION`"))?;
        return Ok(Target::Package {
            ecosystem,
            name: name.to_owned(),
            version: version.to_owned(),
        });
    }
    let path = PathBuf::from(text);
    if path.exists() {
        Ok(Target::Path(path))
    } else {
        Err(format!(
            "`{text}` is neither an existing file or directory nor a package (`npm:NAME@VERSION`, a purl)"
        ))
    }
}

pub(crate) fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let targets: Vec<(String, Result<Target, String>)> = args
        .targets
        .iter()
        .map(|text| (text.clone(), parse_target(text)))
        .collect();
    let db = args.db.path();
    let analyzer = crate::inspections::analyzer(&args.rules, db.as_deref().ok())?;
    let needs_registry = targets
        .iter()
        .any(|(_, target)| matches!(target, Ok(Target::Package { .. })));
    let registry = if needs_registry {
        Some(crate::commands::db::registry_config(
            Path::new("."),
            &db?,
            args.registry_cache.as_deref(),
            args.offline,
        ))
    } else {
        None
    };
    let options = ArtifactOptions::default();
    let cache = registry
        .as_ref()
        .and_then(|config| VerdictCache::open(&options.cache_dir_for(config), &analyzer));
    let mut report = Vec::new();
    for (text, target) in targets {
        let inspected = match target {
            Err(error) => InspectedTarget {
                target: text,
                ecosystem: None,
                artifacts: Vec::new(),
                error: Some(error),
                comparison: None,
            },
            Ok(Target::Package {
                ecosystem,
                name,
                version,
            }) => match &registry {
                Some(config) => package(
                    &analyzer,
                    cache.as_ref(),
                    config,
                    &options,
                    text,
                    ecosystem,
                    &name,
                    &version,
                )?,
                None => bail!("no registry configuration for `{text}`"),
            },
            Ok(Target::Path(path)) => local(&analyzer, text, &path, args.ecosystem),
        };
        report.push(inspected);
    }
    crate::output::write(args.output.as_ref(), |out| match args.format {
        InspectFormat::Table => customs_report::inspect::write_table(&report, out),
        InspectFormat::Json => customs_report::inspect::write_json(&report, out),
        InspectFormat::Sarif => customs_report::inspect::write_sarif(&report, out),
    })?;
    if args.output.is_some() || args.format != InspectFormat::Table {
        for target in &report {
            if let Some(error) = &target.error {
                eprintln!("customs: error: {}: {error}", target.target);
            }
        }
    }
    Ok(ExitCode::from(customs_report::inspect::exit_code(&report)))
}

#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one run, passed down once"
)]
fn package(
    analyzer: &Analyzer,
    cache: Option<&VerdictCache>,
    config: &RegistryConfig,
    options: &ArtifactOptions,
    text: String,
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
) -> anyhow::Result<InspectedTarget> {
    let outcome = customs_registry::artifacts::fetch_package_artifacts(
        ecosystem, name, version, config, options,
    )
    .context("cannot fetch the artifacts")?;
    let mut target = InspectedTarget {
        target: text,
        ecosystem: Some(ecosystem),
        artifacts: Vec::new(),
        error: None,
        comparison: None,
    };
    match outcome {
        ArtifactOutcome::Fetched(artifacts) => {
            let list: Vec<_> = artifacts.iter().map(|a| (a, ecosystem)).collect();
            let verdicts = crate::inspections::verdicts(analyzer, cache, &list);
            let mut opened: Vec<(&str, Verdict)> = Vec::new();
            for (artifact, verdict) in artifacts.iter().zip(verdicts) {
                match verdict {
                    Ok(verdict) => {
                        target.artifacts.push(inspected(
                            artifact.file_name.clone(),
                            Some(artifact.sha256.clone()),
                            verification(artifact.verified_by),
                            &verdict,
                        ));
                        opened.push((artifact.file_name.as_str(), verdict));
                    }
                    Err(error) => {
                        target.error =
                            Some(format!("{} cannot be opened: {error}", artifact.file_name));
                    }
                }
            }
            if target.error.is_none() {
                let release = Release {
                    ecosystem,
                    name,
                    version,
                };
                target.comparison = Some(compare_with_previous(
                    &release, &opened, analyzer, cache, config, options,
                ));
            }
        }
        ArtifactOutcome::IntegrityMismatch {
            url,
            expected,
            actual,
        } => target.artifacts.push(InspectedArtifact {
            file_name: url.rsplit('/').next().unwrap_or(&url).to_owned(),
            sha256: None,
            verified_by: format!("expected {expected}, got {actual}"),
            verdict: "integrity-mismatch".to_owned(),
            reasons: vec![format!("{url} does not match the registry's digest")],
            hits: Vec::new(),
        }),
        ArtifactOutcome::Unavailable { reason } => target.error = Some(reason),
    }
    Ok(target)
}

/// One release of a registry package, as a target names it.
struct Release<'a> {
    ecosystem: Ecosystem,
    name: &'a str,
    version: &'a str,
}

/// Compares a release with the one published before it, as `scan --deep` does for locked
/// packages: the registry says which release came before, its artifacts are fetched (verified,
/// cached) and analysed, and what the release adds is listed. When there is no earlier release,
/// or it cannot be fetched, the comparison says so; it never fails the inspection.
fn compare_with_previous(
    release: &Release<'_>,
    opened: &[(&str, Verdict)],
    analyzer: &Analyzer,
    cache: Option<&VerdictCache>,
    config: &RegistryConfig,
    options: &ArtifactOptions,
) -> ReleaseComparison {
    let unavailable = |reason: String| ReleaseComparison {
        previous_version: None,
        previous_artifact: None,
        changes: Vec::new(),
        note: Some(reason),
    };
    let Ok(name) = PackageName::new(release.ecosystem, release.name) else {
        return unavailable("not a package name the registry knows".to_owned());
    };
    let package = Package::new(
        release.ecosystem,
        name,
        Some(Version::new(release.ecosystem, release.version.trim())),
        Source::registry(release.ecosystem),
    );
    // The registry checks take an inventory: this one holds the release alone.
    let inventory = Inventory {
        lockfiles: vec![LockfileReport {
            path: String::new(),
            format: "inspect target".to_owned(),
            ecosystem: release.ecosystem,
            packages: vec![package.clone()],
        }],
        ..Inventory::default()
    };
    let previous_version = match customs_registry::check(&inventory, config) {
        Ok(evidence) => evidence
            .packages
            .into_iter()
            .find_map(|item| item.previous_version),
        Err(error) => {
            return unavailable(format!(
                "the registry could not say which release came before: {error}"
            ));
        }
    };
    let Some(previous_version) = previous_version else {
        return unavailable("no earlier release to compare with".to_owned());
    };
    let previous = Package {
        version: Some(Version::new(release.ecosystem, &previous_version)),
        ..package
    };
    let found =
        crate::inspections::previous_releases(&[previous], config, options, analyzer, cache);
    let found = found.into_iter().next().unwrap_or_default();
    let locked: Vec<(&str, &Verdict)> = opened
        .iter()
        .map(|(file, verdict)| (*file, verdict))
        .collect();
    let comparison =
        crate::inspections::compare_release(&locked, &found, &previous_version, release.version);
    if !comparison.compared {
        return ReleaseComparison {
            previous_version: Some(previous_version),
            ..unavailable(
                "the previous release could not be fetched and opened, so this one was not compared with it"
                    .to_owned(),
            )
        };
    }
    let shown = comparison
        .shown
        .and_then(|(_, earlier)| found.get(earlier))
        .or(found.first())
        .map(|(artifact, _)| artifact.file_name.clone());
    ReleaseComparison {
        previous_version: Some(previous_version),
        previous_artifact: shown,
        changes: comparison
            .changes
            .into_iter()
            .map(|change| customs_core::FindingHit {
                rule: change.rule_id,
                category: "change".to_owned(),
                file: change.file,
                line: change.line,
                excerpt: change.excerpt,
                reachable_from: None,
            })
            .collect(),
        note: None,
    }
}

fn verification(verified: Verification) -> String {
    match verified {
        Verification::LockfileDigest(algorithm) => format!("lockfile {algorithm}"),
        Verification::RegistryDigest(algorithm) => format!("registry {algorithm}"),
        Verification::Unverified => "unverified".to_owned(),
    }
}

fn local(
    analyzer: &Analyzer,
    text: String,
    path: &Path,
    ecosystem: Option<Ecosystem>,
) -> InspectedTarget {
    let mut target = InspectedTarget {
        target: text,
        ecosystem,
        artifacts: Vec::new(),
        error: None,
        comparison: None,
    };
    let opened = if path.is_dir() {
        crate::inspections::read_directory(path)
    } else {
        crate::inspections::read_file(path)
    };
    match opened {
        Ok((archive, sha256)) => {
            let ecosystem = ecosystem.or_else(|| crate::inspections::ecosystem_of(&archive));
            let Some(ecosystem) = ecosystem else {
                target.error = Some(
                    "no package.json, Python metadata or Cargo.toml says what this is: pass --ecosystem"
                        .to_owned(),
                );
                return target;
            };
            target.ecosystem = Some(ecosystem);
            let verdict = analyzer.analyze(&archive, ecosystem);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            target.artifacts.push(inspected(
                name,
                sha256,
                if path.is_dir() {
                    "local directory"
                } else {
                    "local file"
                }
                .to_owned(),
                &verdict,
            ));
        }
        Err(error) => target.error = Some(error),
    }
    target
}

fn inspected(
    file_name: String,
    sha256: Option<String>,
    verified_by: String,
    verdict: &Verdict,
) -> InspectedArtifact {
    InspectedArtifact {
        file_name,
        sha256,
        verified_by,
        verdict: verdict.level.as_str().to_owned(),
        reasons: verdict.reasons.clone(),
        hits: verdict
            .hits
            .iter()
            .map(|hit| customs_core::FindingHit {
                rule: hit.rule_id.clone(),
                category: hit.category.as_str().to_owned(),
                file: hit.file.clone(),
                line: hit.line,
                excerpt: hit.excerpt.clone(),
                reachable_from: hit.reachable_from.map(|entry| entry.as_str().to_owned()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_packages_purls_or_paths() {
        let package = |ecosystem, name: &str, version: &str| {
            Ok(Target::Package {
                ecosystem,
                name: name.to_owned(),
                version: version.to_owned(),
            })
        };
        assert_eq!(
            parse_target("npm:left-pad@1.3.0"),
            package(Ecosystem::Npm, "left-pad", "1.3.0")
        );
        assert_eq!(
            parse_target("npm:@types/node@20.1.0"),
            package(Ecosystem::Npm, "@types/node", "20.1.0")
        );
        assert_eq!(
            parse_target("pypi:six@1.16.0"),
            package(Ecosystem::PyPI, "six", "1.16.0")
        );
        assert_eq!(
            parse_target("crates:itoa@1.0.0"),
            package(Ecosystem::CratesIo, "itoa", "1.0.0")
        );
        assert_eq!(
            parse_target("pkg:npm/%40types/node@20.1.0"),
            package(Ecosystem::Npm, "@types/node", "20.1.0")
        );
        assert_eq!(
            parse_target("pkg:cargo/itoa@1.0.0"),
            package(Ecosystem::CratesIo, "itoa", "1.0.0")
        );
        assert!(parse_target("npm:left-pad").is_err());
        assert!(parse_target("pkg:maven/x/y@1").is_err());
        assert!(parse_target("no/such/file.tgz").is_err());
        assert_eq!(parse_target("."), Ok(Target::Path(PathBuf::from("."))));
    }
}
