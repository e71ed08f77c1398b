//! `customs check NAME... --ecosystem E`: vet package names before adding them.
//!
//! Each name is compared with the ecosystem's popular names (typosquats) and looked up in the
//! advisory database (packages known to be malicious). Meant to sit in front of an install:
//! `customs check loadsh --ecosystem npm && npm install loadsh`.
//!
//! A name that resembles a popular one is weighed with what its registry says of it, as `scan`
//! weighs locked packages: a package first published days ago with one or two versions is more
//! suspicious, one with years of releases or a maintainer shared with the imitated package less
//! so. `--offline` answers from the registry cache; `--no-registry` judges the names alone.
//!
//! Exit status: 0 when no name is suspicious; 1 when one imitates a popular name or has a
//! malicious-package advisory; 2 when the check could not run (no popular-name list for the
//! ecosystem, an invalid name, an unreadable database).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use customs_advisory::{AdvisoryKind, Store, StoreError};
use customs_core::{Ecosystem, PackageName};
use customs_registry::{PackageFacts, RegistryConfig};
use customs_typosquat::{Detector, MAX_SIGNAL_RAISE, Options, Signals, Suspicion};
use serde::Serialize;

use crate::commands::db::DbArgs;

/// Exit status when a name is suspicious.
const EXIT_SUSPICIOUS: u8 = 1;

/// The version of `check --format json`; fields are only ever added.
const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Package names, as you would install them (`lodash`, `@types/node`, `requests`, `serde`).
    #[arg(value_name = "NAME", required = true)]
    names: Vec<String>,
    /// The registry the names are on: npm, pypi or crates.
    #[arg(long, short, value_name = "ECOSYSTEM", value_parser = parse_ecosystem)]
    ecosystem: Ecosystem,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = CheckFormat::Table)]
    format: CheckFormat,
    #[command(flatten)]
    db: DbArgs,
    /// Never use the network: what the registry says comes from the registry cache only.
    #[arg(long)]
    offline: bool,
    /// Judge the names alone, without asking the registry about them.
    #[arg(long)]
    no_registry: bool,
    /// The registry cache [default: `registry.sqlite` beside the advisory database]
    #[arg(long, value_name = "PATH", env = "CUSTOMS_REGISTRY_CACHE")]
    registry_cache: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    Table,
    Json,
}

fn parse_ecosystem(text: &str) -> Result<Ecosystem, String> {
    text.parse::<Ecosystem>().map_err(|error| error.to_string())
}

/// What was found about one name.
#[derive(Debug, Serialize)]
struct Verdict {
    name: String,
    /// `malicious`, `typosquat`, `popular` or `ok`.
    verdict: &'static str,
    /// The name's rank in the popular list, when listed.
    popular_rank: Option<u32>,
    typosquat: Option<Suspicion>,
    /// Malicious-package advisories on the name (any version).
    malicious: Vec<String>,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    ecosystem: Ecosystem,
    names: &'a [Verdict],
}

pub(crate) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let ecosystem = args.ecosystem;
    for name in &args.names {
        PackageName::new(ecosystem, name)
            .with_context(|| format!("`{}` is not a package name", name.escape_debug()))?;
    }
    let db = args.db.path()?;
    let Some(corpus) = crate::popular::load(&db, ecosystem)? else {
        bail!(
            "no list of popular {ecosystem} names in `{}`: run `customs db update --popular-source URL|DIR` first",
            crate::popular::directory(&db).display()
        );
    };
    // Suspicions the registry's signals may still raise to the threshold are kept until they
    // are weighed.
    let threshold = Options::default().min_score;
    let detector = Detector::new(
        [corpus],
        Options {
            min_score: threshold - MAX_SIGNAL_RAISE,
            ..Options::default()
        },
    );
    let store = match Store::open(&db) {
        Ok(store) => Some(store),
        Err(StoreError::Missing { .. }) => {
            eprintln!(
                "customs: warning: no advisory database at `{}`: names were not checked against known malicious packages (run `customs db update`)",
                db.display()
            );
            None
        }
        Err(error) => return Err(error.into()),
    };
    let suspicions: Vec<Option<Suspicion>> = args
        .names
        .iter()
        .map(|name| detector.check(ecosystem, name, None))
        .collect();
    let registry = if args.no_registry {
        None
    } else {
        Some(crate::commands::db::registry_config(
            Path::new("."),
            &db,
            args.registry_cache.as_deref(),
            args.offline,
        ))
    };
    let weighed = weigh(registry.as_ref(), ecosystem, &args.names, suspicions);
    let mut verdicts = Vec::new();
    for (name, typosquat) in args.names.iter().zip(weighed) {
        let typosquat = typosquat.filter(|suspicion| suspicion.score >= threshold);
        verdicts.push(verdict(
            &detector,
            store.as_ref(),
            ecosystem,
            name,
            typosquat,
        )?);
    }
    crate::output::write(None, |out| match args.format {
        CheckFormat::Table => {
            let width = verdicts
                .iter()
                .map(|v| printable(&v.name).chars().count())
                .max()
                .unwrap_or(0);
            for verdict in &verdicts {
                let detail = match verdict.verdict {
                    "malicious" => format!("known malicious ({})", verdict.malicious.join(", ")),
                    "typosquat" => verdict
                        .typosquat
                        .as_ref()
                        .map(|s| {
                            format!(
                                "may imitate `{}` (score {:.2}): {}",
                                s.target, s.score, s.reason
                            )
                        })
                        .unwrap_or_default(),
                    "popular" => format!(
                        "{ecosystem} rank {}",
                        verdict.popular_rank.unwrap_or_default()
                    ),
                    _ => "no resemblance to a popular name, no advisory".to_owned(),
                };
                writeln!(
                    out,
                    "{:width$}  {:9}  {}",
                    printable(&verdict.name),
                    verdict.verdict,
                    printable(&detail)
                )?;
            }
            Ok(())
        }
        CheckFormat::Json => {
            let document = Document {
                schema_version: SCHEMA_VERSION,
                ecosystem,
                names: &verdicts,
            };
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)
        }
    })?;
    let suspicious = verdicts
        .iter()
        .any(|v| matches!(v.verdict, "malicious" | "typosquat"));
    Ok(ExitCode::from(if suspicious { EXIT_SUSPICIOUS } else { 0 }))
}

/// Each suspicion weighed with what the registry says of the name and of the package it
/// imitates (its age, its number of versions, whether they share a maintainer), as `scan` weighs
/// locked packages; the name alone where the registry is not asked or does not answer. The
/// registry is asked only about the names that resemble a popular one.
fn weigh(
    registry: Option<&RegistryConfig>,
    ecosystem: Ecosystem,
    names: &[String],
    suspicions: Vec<Option<Suspicion>>,
) -> Vec<Option<Suspicion>> {
    let Some(config) = registry else {
        return suspicions;
    };
    let mut asked: Vec<(Ecosystem, &str)> = Vec::new();
    for (name, suspicion) in names.iter().zip(&suspicions) {
        if let Some(suspicion) = suspicion {
            asked.push((ecosystem, name.as_str()));
            asked.push((ecosystem, suspicion.target.as_str()));
        }
    }
    if asked.is_empty() {
        return suspicions;
    }
    let facts = match customs_registry::package_facts(config, &asked) {
        Ok(facts) => facts,
        Err(error) => {
            eprintln!(
                "customs: warning: the registry could not be asked about the names ({error:#}): they were judged by their names alone"
            );
            return suspicions;
        }
    };
    let mut facts = facts.into_iter();
    let now = jiff::Timestamp::now();
    suspicions
        .into_iter()
        .map(|suspicion| {
            let suspicion = suspicion?;
            let (own, target) = (facts.next().flatten(), facts.next().flatten());
            Some(match own {
                Some(own) => suspicion.with_signals(&signals(&own, target.as_ref(), now)),
                None => suspicion,
            })
        })
        .collect()
}

/// The detector's signals from what the registry says of a name and of its target.
fn signals(own: &PackageFacts, target: Option<&PackageFacts>, now: jiff::Timestamp) -> Signals {
    let shares_maintainer = match (
        &own.maintainers,
        target.and_then(|t| t.maintainers.as_ref()),
    ) {
        (Some(own), Some(target)) => Some(customs_registry::share_an_account(own, target)),
        _ => None,
    };
    Signals {
        shares_maintainer,
        age_days: own
            .first_published
            .map(|first| crate::popular::age_days(first, now)),
        version_count: own.version_count,
    }
}

fn verdict(
    detector: &Detector,
    store: Option<&Store>,
    ecosystem: Ecosystem,
    name: &str,
    typosquat: Option<Suspicion>,
) -> anyhow::Result<Verdict> {
    let popular_rank = detector.popular_rank(ecosystem, name);
    let mut malicious = Vec::new();
    if let Some(store) = store {
        let key = PackageName::new(ecosystem, name)?.match_key(ecosystem);
        for advisory in store
            .lookup(ecosystem, &key)
            .context("cannot read the advisory database")?
        {
            if advisory.kind == AdvisoryKind::Malicious {
                malicious.push(advisory.id);
            }
        }
    }
    let verdict = if !malicious.is_empty() {
        "malicious"
    } else if typosquat.is_some() {
        "typosquat"
    } else if popular_rank.is_some() {
        "popular"
    } else {
        "ok"
    };
    Ok(Verdict {
        name: name.to_owned(),
        verdict,
        popular_rank,
        typosquat,
        malicious,
    })
}

/// A name as typed may hold anything a terminal would act on: control characters are escaped.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
