//! `customs scan`: inventory, then known vulnerabilities and malicious packages, under the
//! project's policy.
//!
//! Exit status: 0 when nothing fails the policy; 1 when a finding does; 2 when some input could
//! not be read or a check could not run (an unreadable lockfile, an ecosystem without advisory
//! data, no database and no way to get one). A check that did not run never yields a clean
//! result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use clap::ValueEnum;
use customs_advisory::{
    AdvisoryKind, CheckResult, DEFAULT_SOURCE, Matcher, Status, Store, StoreError,
};
use customs_core::{Code, Ecosystem, Finding, Inventory, Level};
use customs_policy::{Context, FailOn, Policy};
use customs_registry::RegistryConfig;
use customs_report::scan::{DatabaseInfo, EcosystemSummary, ScanOutcome, ScanSummary};

use crate::commands::db::{
    DbArgs, PopularArgs, PopularSource, update_database, update_popular_lists,
};

#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    /// Directories to walk or files to read (default: the current directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ScanFormat::Table)]
    format: ScanFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    advisories: AdvisoryArgs,
    #[command(flatten)]
    registry: RegistryArgs,
    #[command(flatten)]
    fail_on: FailOnArgs,
}

/// The registry checks of a run that gates (`scan`, `diff`).
#[derive(Debug, clap::Args)]
pub(crate) struct RegistryArgs {
    /// Skip the registry checks (publish time, yanked, deprecated, removed, install scripts,
    /// publisher, provenance, registry licences). With --offline they use the registry cache
    /// only and report what they could not check.
    #[arg(long)]
    pub(crate) no_registry: bool,
    /// The registry cache [default: `registry.sqlite` beside the advisory database]
    #[arg(long, value_name = "PATH", env = "CUSTOMS_REGISTRY_CACHE")]
    pub(crate) registry_cache: Option<PathBuf>,
    /// Inspect every registry package's artifact: download it (or take it from the artifact
    /// cache), check it against the lockfile's digest, open it and look for malicious code.
    #[arg(long)]
    pub(crate) deep: bool,
    /// YARA rule files or directories to inspect artifacts with, besides the bundled rules
    /// (and customs.toml's `[inspect] rules`); with --deep.
    #[arg(long = "rules", value_name = "PATH")]
    pub(crate) rules: Vec<PathBuf>,
}

/// What fails a run that gates (`scan`, `diff`).
#[derive(Debug, clap::Args)]
pub(crate) struct FailOnArgs {
    /// What fails the run, comma-separated: malicious, critical, high, medium, low, unknown,
    /// unmaintained, unsound, notice, any, none [default: customs.toml's `fail-on`, else
    /// malicious,critical,high]
    #[arg(long, value_name = "LEVELS", value_delimiter = ',')]
    pub(crate) fail_on: Option<Vec<String>>,
}

/// Where advisories come from and the policy they are judged by: the flags of every command
/// that checks packages against advisories (`scan`, and `sbom --with-vulnerabilities`).
#[derive(Debug, clap::Args)]
pub(crate) struct AdvisoryArgs {
    /// Never use the network: without an advisory database, stop and say how to get one.
    #[arg(long)]
    offline: bool,
    #[command(flatten)]
    db: DbArgs,
    /// Where to import advisories from when there is no database yet (as `db update --source`).
    #[arg(long, value_name = "URL|DIR", env = "CUSTOMS_OSV_SOURCE", default_value = DEFAULT_SOURCE)]
    source: String,
    #[command(flatten)]
    popular: PopularArgs,
    /// The policy file [default: customs.toml in the scanned directory or above it]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// The outputs of a run that checks packages (`scan`, `diff`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    Table,
    Json,
    Sarif,
    Markdown,
}

pub(crate) fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let advisories =
        AdvisoryCheck::prepare(args.advisories, &paths, args.fail_on.fail_on.as_deref())?;
    let registry = advisories.registry(&args.registry, &paths)?;
    let deep = advisories.deep(&args.registry)?;
    let inventory = customs_discover::scan(&paths, &customs_discover::Options::default());
    let now = SystemTime::now();
    let (checked, findings) = advisories.evaluate_selected(
        &inventory,
        now,
        registry.as_ref(),
        deep.as_ref(),
        |_, _| true,
    )?;
    let summary = advisories.summary(&checked, now, ScanOutcome::of(&findings, &inventory));
    crate::output::write(args.output.as_ref(), |out| match args.format {
        ScanFormat::Table => {
            customs_report::scan::write_table(&findings, &inventory, &summary, out)
        }
        ScanFormat::Json => customs_report::scan::write_json(&findings, &inventory, &summary, out),
        ScanFormat::Sarif => {
            customs_report::scan::write_sarif(&findings, &inventory, &summary, out)
        }
        ScanFormat::Markdown => {
            customs_report::scan::write_markdown(&findings, &inventory, &summary, out)
        }
    })?;
    // The table says all of this itself; other outputs may not reach a person.
    if args.output.is_some() || args.format != ScanFormat::Table {
        let errors = inventory.errors.iter().map(ToString::to_string);
        report_to_stderr(errors, &findings);
    }
    let code = ExitCode::from(summary.outcome.exit_code());
    crate::exit_without_freeing((inventory, findings, checked, advisories));
    Ok(code)
}

/// What a report written elsewhere than the terminal's table leaves a person to know: the
/// files that could not be read, the checks that could not run, and how many findings fail.
pub(crate) fn report_to_stderr<'a>(
    errors: impl Iterator<Item = String>,
    findings: impl IntoIterator<Item = &'a Finding> + Clone,
) {
    for error in errors {
        eprintln!("customs: error: {error}");
    }
    for finding in findings
        .clone()
        .into_iter()
        .filter(|f| f.code == Code::AdvisoriesMissing)
    {
        eprintln!("customs: error: {}", finding.message);
    }
    let denied = findings
        .into_iter()
        .filter(|f| f.level == Level::Deny)
        .count();
    if denied > 0 {
        eprintln!("customs: {denied} finding(s) fail the policy");
    }
}

/// An advisory database opened, and the policy read, before any lockfile is: a wrong flag or
/// policy file stops the run before the work starts.
pub(crate) struct AdvisoryCheck {
    policy: Policy,
    store: Store,
    pub(crate) status: Status,
    offline: bool,
    /// The advisory database file: the registry cache lives beside it by default.
    db: PathBuf,
}

impl AdvisoryCheck {
    /// Reads the policy for `paths` (with `--fail-on` over its `fail-on`) and opens the
    /// database, importing it first unless offline.
    pub(crate) fn prepare(
        args: AdvisoryArgs,
        paths: &[PathBuf],
        fail_on: Option<&[String]>,
    ) -> anyhow::Result<Self> {
        let mut policy = load_policy(args.config.as_deref(), paths)?;
        if let Some(words) = fail_on {
            policy.fail_on = FailOn::parse(words.iter().map(String::as_str))
                .map_err(|message| anyhow::anyhow!("--fail-on: {message}"))?;
        }
        let db = args.db.path()?;
        let popular = args.popular.source(&args.source);
        let store = open_store(&db, args.offline, &args.source, popular)?;
        let status = store
            .status()
            .context("cannot read the advisory database")?;
        Ok(Self {
            policy,
            store,
            status,
            offline: args.offline,
            db,
        })
    }

    /// Where and how the registry checks run, unless `--no-registry`: registries from the
    /// environment and the first scanned path's configuration (`.npmrc`, pip and uv index
    /// variables, Cargo source replacement), the cache beside the advisory database.
    pub(crate) fn registry(
        &self,
        args: &RegistryArgs,
        paths: &[PathBuf],
    ) -> anyhow::Result<Option<RegistryConfig>> {
        if args.no_registry {
            return Ok(None);
        }
        let root = paths
            .first()
            .map_or_else(|| PathBuf::from("."), Clone::clone);
        let root = if root.is_file() {
            root.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            root
        };
        Ok(Some(crate::commands::db::registry_config(
            &root,
            &self.db,
            args.registry_cache.as_deref(),
            self.offline,
        )))
    }

    /// The analyser of `--deep` (the bundled rules, `--rules` and customs.toml's `[inspect]
    /// rules`, relative to the policy file); `None` without `--deep`.
    pub(crate) fn deep(
        &self,
        args: &RegistryArgs,
    ) -> anyhow::Result<Option<customs_inspect::Analyzer>> {
        if !args.deep {
            if !args.rules.is_empty() {
                bail!("--rules is for artifact inspection: add --deep");
            }
            return Ok(None);
        }
        if args.no_registry {
            bail!(
                "--deep fetches the packages' artifacts from their registries: drop --no-registry \
                 (with --offline it uses the artifact cache only)"
            );
        }
        let base = self
            .policy
            .path
            .as_deref()
            .and_then(|path| Path::new(path).parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut rules = args.rules.clone();
        rules.extend(self.policy.inspect_rules.iter().map(|rule| base.join(rule)));
        crate::inspections::analyzer(&rules, Some(&self.db)).map(Some)
    }

    /// Checks every package of `inventory` (against the registries too, with a `registry`
    /// configuration) and judges what matched under the policy.
    pub(crate) fn evaluate(
        &self,
        inventory: &Inventory,
        now: SystemTime,
        registry: Option<&RegistryConfig>,
    ) -> anyhow::Result<(CheckResult, Vec<Finding>)> {
        self.evaluate_selected(inventory, now, registry, None, |_, _| true)
    }

    /// [`AdvisoryCheck::evaluate`], asking the registries only about the packages `selected`
    /// picks (lockfile and package indices): a gate asks about what a change brings in.
    pub(crate) fn evaluate_selected(
        &self,
        inventory: &Inventory,
        now: SystemTime,
        registry: Option<&RegistryConfig>,
        deep: Option<&customs_inspect::Analyzer>,
        selected: impl Fn(usize, usize) -> bool,
    ) -> anyhow::Result<(CheckResult, Vec<Finding>)> {
        // The dependency paths that findings show need only the inventory: they are worked
        // out on another core while this one reads the advisory database.
        // So do the typosquat checks of the names.
        let db = self.db.as_path();
        let (checked, paths, typosquats) = std::thread::scope(|scope| {
            let paths = scope.spawn(|| {
                inventory
                    .lockfiles
                    .iter()
                    .map(customs_core::LockfileReport::paths_from_direct)
                    .collect::<Vec<_>>()
            });
            let typosquats = scope.spawn(|| crate::popular::NameVerdicts::of(db, inventory));
            let checked = customs_advisory::check(inventory, &self.store);
            (checked, paths.join().ok(), typosquats.join())
        });
        let checked = checked.context("cannot read the advisory database")?;
        let verdicts = typosquats.map_err(|_| anyhow::anyhow!("the typosquat check failed"))?;
        let context = Context::at(
            jiff::Timestamp::try_from(now).unwrap_or_else(|_| jiff::Timestamp::now()),
            Some(self.status.age(now)),
        );
        let registry_config = registry;
        let registry = registry
            .map(|config| customs_registry::check_selected(inventory, config, &selected))
            .transpose()
            .context("cannot run the registry checks")?;
        let fixes = match &registry {
            Some(evidence) => self.fixes(inventory, evidence, &checked, &context)?,
            None => HashSet::new(),
        };
        // Whether a suspected package shares a maintainer with the one it imitates: asked only
        // about the few suspicions, once the checks have filled the cache.
        let maintainers = match (registry_config, &registry) {
            (Some(config), Some(evidence)) => {
                let wanted = verdicts.maintainers_wanted(inventory, evidence, context.now);
                let wanted: Vec<(Ecosystem, &str)> = wanted
                    .iter()
                    .map(|(ecosystem, name)| (*ecosystem, name.as_str()))
                    .collect();
                Some(
                    customs_registry::maintainers(config, &wanted)
                        .context("cannot ask the registries who maintains the imitated packages")?,
                )
            }
            _ => None,
        };
        let typosquats = verdicts.evidence(
            inventory,
            registry.as_ref(),
            maintainers.as_ref(),
            context.now,
        );
        let inspections = match (deep, registry_config) {
            (Some(analyzer), Some(config)) => {
                // Each locked release is compared with the one published before it.
                let previous: HashMap<(usize, usize), String> = registry
                    .iter()
                    .flat_map(|evidence| &evidence.packages)
                    .filter_map(|item| {
                        let version = item.previous_version.clone()?;
                        Some(((item.lockfile, item.package), version))
                    })
                    .collect();
                Some(crate::inspections::inspect_inventory(
                    inventory, config, analyzer, &previous, &selected,
                )?)
            }
            _ => None,
        };
        let evidence = customs_policy::Evidence {
            advisories: &checked,
            registry: registry.as_ref(),
            fixes: &fixes,
            paths: paths.as_deref(),
            typosquats: Some(&typosquats),
            inspections: inspections.as_ref(),
        };
        let findings = customs_policy::evaluate(inventory, &evidence, &self.policy, &context);
        Ok((checked, findings))
    }

    /// The packages whose locked version fixes a vulnerability (or malicious release) of the
    /// version before it, among those inside the cooldown: the policy exempts them, since
    /// waiting would keep a known hole open. Only fresh packages are looked at.
    fn fixes(
        &self,
        inventory: &Inventory,
        evidence: &customs_registry::Evidence,
        checked: &CheckResult,
        context: &Context,
    ) -> anyhow::Result<HashSet<(usize, usize)>> {
        let mut fixes = HashSet::new();
        let Some(minimum) = self.policy.cooldown.minimum_release_age else {
            return Ok(fixes);
        };
        let minimum = i64::try_from(minimum.as_secs()).unwrap_or(i64::MAX);
        for item in &evidence.packages {
            let (Some(published), Some(previous)) = (item.published, &item.previous_version) else {
                continue;
            };
            if context.now.as_second() - published.as_second() >= minimum {
                continue;
            }
            let Some(package) = inventory
                .lockfiles
                .get(item.lockfile)
                .and_then(|l| l.packages.get(item.package))
            else {
                continue;
            };
            let ecosystem = package.ecosystem;
            let key = package.name.match_key(ecosystem);
            let candidates = self
                .store
                .lookup(ecosystem, &key)
                .context("cannot read the advisory database")?;
            let previous = customs_core::Version::new(ecosystem, previous);
            let (before, _) = Matcher::matches(ecosystem, &key, Some(&previous), &candidates);
            let still: HashSet<&str> = checked
                .affected
                .iter()
                .filter(|a| a.lockfile == item.lockfile && a.package == item.package)
                .flat_map(|a| a.issues.iter().map(|issue| issue.advisory.id.as_str()))
                .collect();
            let fixed = before.iter().any(|m| {
                matches!(
                    m.group.kind,
                    AdvisoryKind::Vulnerability | AdvisoryKind::Malicious
                ) && !still.contains(m.group.primary.id.as_str())
            });
            if fixed {
                fixes.insert((item.lockfile, item.package));
            }
        }
        Ok(fixes)
    }

    /// What the reports say of the check beyond its findings: the packages checked, per
    /// ecosystem, and the database they were checked against.
    pub(crate) fn summary(
        &self,
        checked: &CheckResult,
        now: SystemTime,
        outcome: ScanOutcome,
    ) -> ScanSummary {
        let mut ecosystems: BTreeMap<Ecosystem, EcosystemSummary> = BTreeMap::new();
        for (ecosystem, count) in &checked.checked {
            ecosystems.entry(*ecosystem).or_default().packages_checked = *count;
        }
        for (ecosystem, count) in &checked.local {
            ecosystems
                .entry(*ecosystem)
                .or_default()
                .packages_skipped_local = *count;
        }
        let status = &self.status;
        ScanSummary {
            packages_checked: checked.checked.values().sum(),
            packages_skipped_local: checked.local.values().sum(),
            ecosystems,
            database: Some(DatabaseInfo {
                source: status.source.clone(),
                updated_at: humantime::format_rfc3339_seconds(status.updated).to_string(),
                age_days: status.age(now).as_secs() / 86_400,
            }),
            outcome,
        }
    }
}

fn load_policy(explicit: Option<&Path>, paths: &[PathBuf]) -> anyhow::Result<Policy> {
    let found = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => paths.first().and_then(|p| customs_policy::find_config(p)),
    };
    let Some(path) = found else {
        return Ok(Policy::default());
    };
    let shown = path.display().to_string();
    let text = customs_discover::read_text(&path, 1024 * 1024)
        .map_err(|message| anyhow::anyhow!("{shown}: {message}"))?;
    Ok(Policy::parse(&text, &shown)?)
}

/// The advisory database; without one, imports it first unless `offline`.
fn open_store(
    db: &Path,
    offline: bool,
    source: &str,
    popular: PopularSource<'_>,
) -> anyhow::Result<Store> {
    match Store::open(db) {
        Ok(store) => Ok(store),
        Err(StoreError::Missing { .. }) if offline => bail!(
            "no advisory database at `{}`, and --offline forbids downloading one: run \
             `customs db update` first (`--source DIR` imports a local mirror of OSV's exports)",
            db.display()
        ),
        Err(StoreError::Missing { .. }) => {
            eprintln!(
                "customs: no advisory database at `{}` yet: importing it from {source}",
                db.display()
            );
            update_database(db, source).context(
                "cannot scan without advisories: fix the problem above, or import a local \
                 mirror with `customs db update --source DIR`",
            )?;
            // Without the lists the typosquat checks say they could not run; the scan goes on.
            if let Err(error) = update_popular_lists(db, popular) {
                eprintln!("customs: warning: {error:#}");
            }
            Ok(Store::open(db)?)
        }
        Err(error) => Err(error.into()),
    }
}
