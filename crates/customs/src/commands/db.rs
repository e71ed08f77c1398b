//! `customs db update` and `customs db status`: the advisory database.

use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};
use clap::{Subcommand, ValueEnum};
use comfy_table::{Cell, CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};
use customs_advisory::{
    Counts, DEFAULT_SOURCE, EcosystemStatus, FetchOutcome, Progress, ProgressEvent, Source,
    SourceState, Status, Store, UpdateOptions, UpdateReport,
};
use customs_core::Ecosystem;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::popular::{ListInfo, ListUpdate};

use crate::EXIT_INPUT_ERROR;

/// Exit status of `db status` when the data is too old or incomplete.
const EXIT_STALE: u8 = 1;

/// The version of `db status --format json`; fields are only ever added.
const STATUS_SCHEMA_VERSION: u32 = 1;

/// Columns separated by space, one rule under the header (the inventory table's style).
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Import OSV's advisories for npm, PyPI and crates.io into the advisory database.
    ///
    /// Reads `<source>/<ecosystem>/all.zip` for npm, PyPI and crates.io, builds a new database
    /// beside the old one and swaps it in: a failed update leaves the previous database as it
    /// was. Unchanged exports are not downloaded again (ETag / Last-Modified), and when nothing
    /// changed the database is kept.
    ///
    /// Exit status: 0 when the database is current; 2 when the update failed (the previous
    /// database is unchanged), or when the source had no advisories for an ecosystem (the
    /// database is updated and records that ecosystem as missing).
    Update(UpdateArgs),
    /// Show what the advisory database holds and how old it is.
    ///
    /// Exit status: 0 when the database is current; 1 when it is older than --max-age or lacks
    /// an ecosystem's advisories (a warning says which); 2 when it cannot be read.
    Status(StatusArgs),
}

/// `--db`, shared by every command that reads the advisory database (flatten it).
#[derive(Debug, clap::Args)]
pub(crate) struct DbArgs {
    /// The advisory database file [default: `customs/advisories.sqlite` in the user's cache
    /// directory]
    #[arg(long, value_name = "PATH", env = "CUSTOMS_DB")]
    pub(crate) db: Option<PathBuf>,
}

/// The registries configured for `root` (its `.npmrc`, `pip.conf` and Cargo configuration, and
/// the user's), with the registry cache `cache` or by default `registry.sqlite` beside the
/// advisory database `db`; `offline` answers from that cache only.
pub(crate) fn registry_config(
    root: &Path,
    db: &Path,
    cache: Option<&Path>,
    offline: bool,
) -> customs_registry::RegistryConfig {
    let cache = cache.map_or_else(|| db.with_file_name("registry.sqlite"), Path::to_path_buf);
    let mut config = customs_registry::RegistryConfig::discover(root, cache);
    config.offline = offline;
    config
}

impl DbArgs {
    /// The database path: `--db`, `CUSTOMS_DB`, or the default in the user's cache directory.
    pub(crate) fn path(self) -> anyhow::Result<PathBuf> {
        match self.db {
            Some(path) => Ok(path),
            None => customs_advisory::default_db_path().context(
                "no user cache directory to keep the advisory database in: pass --db PATH or set CUSTOMS_DB",
            ),
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Where OSV's exports are: an https:// (or http://) base URL, a file:// URL, or a
    /// directory, each holding `<ecosystem>/all.zip`
    #[arg(long, value_name = "URL|DIR", env = "CUSTOMS_OSV_SOURCE", default_value = DEFAULT_SOURCE)]
    source: String,
    #[command(flatten)]
    popular: PopularArgs,
}

/// Where the popular-name lists of the typosquat checks come from (flatten it).
#[derive(Debug, clap::Args)]
pub(crate) struct PopularArgs {
    /// Where the popular-name lists are: `upstream` (their public origins: npm-high-impact
    /// through the npm registry, the top-pypi-packages dataset, the crates.io API), or an
    /// https:// (or http://) base URL, a file:// URL, or a directory holding `npm.csv`,
    /// `pypi.csv` and `crates.csv` (`name,rank` or `name,downloads`) [default: the advisory
    /// source when it is a mirror, else upstream]
    #[arg(long, value_name = "upstream|URL|DIR", env = "CUSTOMS_POPULAR_SOURCE")]
    pub(crate) popular_source: Option<String>,
}

impl PopularArgs {
    /// The lists' source: `--popular-source`, else the advisory source when it is not OSV's
    /// own bucket (a mirror holds the lists beside the exports), else the public origins.
    pub(crate) fn source<'a>(&'a self, advisory_source: &'a str) -> PopularSource<'a> {
        match self.popular_source.as_deref() {
            Some("upstream") => PopularSource::Upstream { given: true },
            Some(source) => PopularSource::Given(source),
            None if advisory_source.trim_end_matches('/') != DEFAULT_SOURCE => {
                PopularSource::Mirror(advisory_source)
            }
            None => PopularSource::Upstream { given: false },
        }
    }
}

/// Where the popular-name lists come from in one run.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PopularSource<'a> {
    /// `--popular-source`: it must hold at least one list.
    Given(&'a str),
    /// The advisory mirror, which may or may not hold lists.
    Mirror(&'a str),
    /// The lists' public origins (refreshed weekly); `given` when asked for by name, and then
    /// one of them at least must answer.
    Upstream { given: bool },
}

#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = StatusFormat::Table)]
    format: StatusFormat,
    /// Warn, and exit 1, when the source was last checked longer ago than this (`12h`, `7d`,
    /// `2w`).
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = humantime::parse_duration)]
    max_age: Duration,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum StatusFormat {
    Table,
    Json,
}

pub(crate) fn run(command: DbCommand) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Update(args) => update(args),
        DbCommand::Status(args) => status(args),
    }
}

/// Updates the database at `db` from `source` (as `--source` takes it) with progress bars on a
/// terminal, and prints the report's warnings. For `db update`, and for `scan` when there is no
/// database yet.
pub(crate) fn update_database(db: &Path, source: &str) -> anyhow::Result<UpdateReport> {
    let source = Source::parse(source)?;
    let options = UpdateOptions::new(db.to_owned(), source);
    let mut progress = Bars::new();
    let result = customs_advisory::update(&options, &mut progress);
    progress.clear();
    let report = result.with_context(|| {
        if db.exists() {
            format!(
                "the advisory database was not updated; `{}` is unchanged",
                db.display()
            )
        } else {
            "the advisory database was not created".to_owned()
        }
    })?;
    for warning in report.warnings() {
        eprintln!("customs: warning: {warning}");
    }
    Ok(report)
}

fn update(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let db = args.db.path()?;
    let started = Instant::now();
    let report = update_database(&db, &args.source)?;
    let elapsed = started.elapsed();
    crate::output::write(None, |out| write_update_report(&report, elapsed, out))?;
    if let Some(outcomes) = update_popular_lists(&db, args.popular.source(&args.source))? {
        crate::output::write(None, |out| write_popular_report(&db, &outcomes, out))?;
    }
    Ok(if report.missing().next().is_some() {
        ExitCode::from(EXIT_INPUT_ERROR)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refreshes the popular-name lists beside the database at `db` from `source`, warning (on
/// standard error) of lists the source lacks: the outcome per list, or `None` when no list was
/// updated (and the warning says which ecosystems lack one).
pub(crate) fn update_popular_lists(
    db: &Path,
    source: PopularSource<'_>,
) -> anyhow::Result<Option<Vec<(Ecosystem, ListUpdate)>>> {
    let (outcomes, shown, given) = match source {
        PopularSource::Given(source) => (crate::popular::update(db, source), source, true),
        PopularSource::Mirror(source) => (crate::popular::update(db, source), source, false),
        PopularSource::Upstream { given } => {
            let registry = registry_config(Path::new("."), db, None, false);
            (
                crate::popular::update_upstream(db, registry.npm.as_str()),
                "their public origins",
                given,
            )
        }
    };
    let outcomes = outcomes
        .context("the popular-name lists were not updated; the previous ones are unchanged")?;
    for (ecosystem, outcome) in &outcomes {
        if let ListUpdate::Missing { reason } = outcome {
            eprintln!(
                "customs: warning: no popular {ecosystem} names ({reason}): typosquat checks of {ecosystem} packages use the previous list, if any"
            );
        }
    }
    if !outcomes
        .iter()
        .any(|(_, outcome)| !matches!(outcome, ListUpdate::Missing { .. }))
    {
        if given {
            bail!(
                "{shown} gave none of the popular-name lists ({}): nothing was updated",
                crate::popular::FILES
                    .iter()
                    .map(|(_, file)| format!("`{file}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        warn_missing_lists(db);
        return Ok(None);
    }
    Ok(Some(outcomes))
}

fn write_popular_report(
    db: &Path,
    outcomes: &[(Ecosystem, ListUpdate)],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "The popular-name lists in `{}`:",
        crate::popular::directory(db).display()
    )?;
    for (ecosystem, outcome) in outcomes {
        match outcome {
            ListUpdate::Updated { names } => writeln!(
                out,
                "  {:9}  {} names",
                ecosystem.osv_name(),
                thousands(*names as u64)
            )?,
            ListUpdate::Missing { .. } => writeln!(
                out,
                "  {:9}  not available: the previous list is kept",
                ecosystem.osv_name()
            )?,
            ListUpdate::Fresh => writeln!(
                out,
                "  {:9}  fetched within the last {} days: kept",
                ecosystem.osv_name(),
                crate::popular::UPSTREAM_REFRESH.as_secs() / 86_400
            )?,
        }
    }
    Ok(())
}

/// Says which ecosystems have no popular-name list, so no typosquat checks.
fn warn_missing_lists(db: &Path) {
    let missing: Vec<&str> = crate::popular::status(db)
        .into_iter()
        .filter(|(_, info)| info.is_none())
        .map(|(ecosystem, _)| ecosystem.osv_name())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "customs: warning: no popular-name list for {}: typosquat checks of those packages cannot run until `customs db update --popular-source URL|DIR` fetches them",
            missing.join(", ")
        );
    }
}

fn write_update_report(
    report: &UpdateReport,
    elapsed: Duration,
    out: &mut dyn Write,
) -> io::Result<()> {
    if report.up_to_date {
        writeln!(
            out,
            "The advisory database `{}` is up to date with {} ({} advisories).",
            report.db.display(),
            report.source,
            thousands(report.advisories)
        )?;
    } else {
        writeln!(
            out,
            "Updated the advisory database `{}` from {} in {:.1} s: {} advisories.",
            report.db.display(),
            report.source,
            elapsed.as_secs_f64(),
            thousands(report.advisories)
        )?;
    }
    let width = Ecosystem::ALL
        .iter()
        .map(|e| e.osv_name().len())
        .max()
        .unwrap_or(0);
    for ecosystem in &report.ecosystems {
        let fetched = match &ecosystem.outcome {
            FetchOutcome::Downloaded { bytes } => format!("downloaded {}", megabytes(*bytes)),
            FetchOutcome::NotModified => "not modified".to_owned(),
            FetchOutcome::Read { bytes } if ecosystem.changed => {
                format!("read {}", megabytes(*bytes))
            }
            FetchOutcome::Read { .. } => "unchanged".to_owned(),
            FetchOutcome::Missing { .. } => "missing at the source".to_owned(),
        };
        writeln!(
            out,
            "  {:width$}  {}  ({fetched})",
            ecosystem.ecosystem.osv_name(),
            summary(&ecosystem.counts)
        )?;
    }
    Ok(())
}

fn summary(counts: &Counts) -> String {
    let mut parts: Vec<String> = [
        (counts.vulnerabilities, "vulnerability", "vulnerabilities"),
        (counts.malicious, "malicious", "malicious"),
        (counts.unmaintained, "unmaintained", "unmaintained"),
        (counts.unsound, "unsound", "unsound"),
        (counts.notice, "notice", "notices"),
    ]
    .into_iter()
    .filter(|(count, _, _)| *count > 0)
    .map(|(count, one, many)| {
        format!(
            "{} {}",
            thousands(count),
            if count == 1 { one } else { many }
        )
    })
    .collect();
    if parts.is_empty() {
        parts.push("no advisories".to_owned());
    }
    if counts.withdrawn > 0 {
        parts.push(format!("{} withdrawn skipped", thousands(counts.withdrawn)));
    }
    parts.join(", ")
}

fn status(args: StatusArgs) -> anyhow::Result<ExitCode> {
    let db = args.db.path()?;
    let status = Store::open(&db)?.status()?;
    let now = SystemTime::now();
    let stale = status.is_older_than(args.max_age, now);
    let missing: Vec<&EcosystemStatus> = status
        .ecosystems
        .iter()
        .filter(|e| e.state == SourceState::Missing)
        .collect();
    let lists = crate::popular::status(&db);
    crate::output::write(None, |out| match args.format {
        StatusFormat::Table => write_status_table(&status, &lists, now, out),
        StatusFormat::Json => write_status_json(&status, &lists, now, args.max_age, stale, out),
    })?;
    if stale {
        eprintln!(
            "customs: warning: the advisory database was last updated {} ago, more than {}: run `customs db update`",
            age(status.age(now)),
            humantime::format_duration(args.max_age)
        );
    }
    for ecosystem in &missing {
        eprintln!(
            "customs: warning: the advisory database has no {} advisories ({}): {} packages cannot be checked",
            ecosystem.ecosystem,
            ecosystem.note.as_deref().unwrap_or("missing at the source"),
            ecosystem.ecosystem
        );
    }
    Ok(if stale || !missing.is_empty() {
        ExitCode::from(EXIT_STALE)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_status_table(
    status: &Status,
    lists: &[(Ecosystem, Option<ListInfo>)],
    now: SystemTime,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "database  {}", status.path.display())?;
    writeln!(out, "source    {}", status.source)?;
    writeln!(
        out,
        "updated   {} ({} ago)",
        humantime::format_rfc3339_seconds(status.updated),
        age(now.duration_since(status.updated).unwrap_or_default())
    )?;
    writeln!(
        out,
        "checked   {} ({} ago)",
        humantime::format_rfc3339_seconds(status.checked),
        age(status.age(now))
    )?;
    writeln!(out)?;
    let mut table = Table::new();
    table
        .load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "ecosystem",
            "state",
            "vulnerabilities",
            "malicious",
            "unmaintained",
            "unsound",
            "notice",
            "withdrawn",
            "fetched",
        ]);
    for ecosystem in &status.ecosystems {
        let counts = &ecosystem.counts;
        let number = |count: u64| Cell::new(thousands(count)).set_alignment(CellAlignment::Right);
        table.add_row([
            Cell::new(ecosystem.ecosystem.osv_name()),
            Cell::new(ecosystem.state.as_str()),
            number(counts.vulnerabilities),
            number(counts.malicious),
            number(counts.unmaintained),
            number(counts.unsound),
            number(counts.notice),
            number(counts.withdrawn),
            Cell::new(format!(
                "{} ago",
                age(now.duration_since(ecosystem.fetched).unwrap_or_default())
            )),
        ]);
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    writeln!(out, "popular-name lists (typosquat checks)")?;
    for (ecosystem, info) in lists {
        match info {
            Some(info) => {
                let fetched = humantime::parse_rfc3339(&info.fetched)
                    .map(|t| format!("{} ago", age(now.duration_since(t).unwrap_or_default())))
                    .unwrap_or_else(|_| info.fetched.clone());
                writeln!(
                    out,
                    "  {:9}  {:>7} names  from {}  fetched {fetched}",
                    ecosystem.osv_name(),
                    thousands(info.names as u64),
                    info.source
                )?;
            }
            None => writeln!(
                out,
                "  {:9}  none: `customs db update --popular-source URL|DIR` fetches it",
                ecosystem.osv_name()
            )?,
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct StatusDocument<'a> {
    schema_version: u32,
    path: String,
    database_schema_version: u32,
    importer: &'a str,
    source: &'a str,
    created: String,
    updated: String,
    checked: String,
    age_seconds: u64,
    max_age_seconds: u64,
    stale: bool,
    ecosystems: Vec<EcosystemDocument<'a>>,
    /// The popular-name lists of the typosquat checks; `null` for an ecosystem without one.
    popular_lists: BTreeMap<Ecosystem, Option<&'a ListInfo>>,
}

#[derive(Serialize)]
struct EcosystemDocument<'a> {
    ecosystem: Ecosystem,
    state: SourceState,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    url: &'a str,
    fetched: String,
    content_hash: Option<&'a str>,
    size: Option<u64>,
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    counts: Counts,
}

fn write_status_json(
    status: &Status,
    lists: &[(Ecosystem, Option<ListInfo>)],
    now: SystemTime,
    max_age: Duration,
    stale: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let time = |t| humantime::format_rfc3339_seconds(t).to_string();
    let document = StatusDocument {
        schema_version: STATUS_SCHEMA_VERSION,
        path: status.path.display().to_string(),
        database_schema_version: status.schema_version,
        importer: &status.importer,
        source: &status.source,
        created: time(status.created),
        updated: time(status.updated),
        checked: time(status.checked),
        age_seconds: status.age(now).as_secs(),
        max_age_seconds: max_age.as_secs(),
        stale,
        ecosystems: status
            .ecosystems
            .iter()
            .map(|e| EcosystemDocument {
                ecosystem: e.ecosystem,
                state: e.state,
                note: e.note.as_deref(),
                url: &e.url,
                fetched: time(e.fetched),
                content_hash: e.content_hash.as_deref(),
                size: e.size,
                etag: e.etag.as_deref(),
                last_modified: e.last_modified.as_deref(),
                counts: e.counts,
            })
            .collect(),
        popular_lists: lists
            .iter()
            .map(|(ecosystem, info)| (*ecosystem, info.as_ref()))
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// An age in its largest whole unit: people read "3 days", not seconds.
fn age(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (count, unit) = match seconds {
        0..60 => (seconds, "second"),
        60..3_600 => (seconds / 60, "minute"),
        3_600..172_800 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{} kB", bytes.div_ceil(1_000))
    }
}

/// Progress bars on standard error, drawn only when it is a terminal.
struct Bars {
    multi: MultiProgress,
    bars: Vec<(Ecosystem, ProgressBar)>,
    reading: Option<ProgressBar>,
    writing: Option<ProgressBar>,
}

impl Bars {
    fn new() -> Self {
        let target = if io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: Vec::new(),
            reading: None,
            writing: None,
        }
    }

    fn bar(&mut self, ecosystem: Ecosystem) -> &ProgressBar {
        let index = match self.bars.iter().position(|(e, _)| *e == ecosystem) {
            Some(index) => index,
            None => {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(message_style());
                bar.set_prefix(ecosystem.osv_name());
                self.bars.push((ecosystem, bar));
                self.bars.len() - 1
            }
        };
        &self.bars[index].1
    }

    fn clear(&mut self) {
        for (_, bar) in &self.bars {
            bar.finish_and_clear();
        }
        for bar in self.reading.iter().chain(&self.writing) {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

fn message_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>10} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn download_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{prefix:>10} {bar:30} {decimal_bytes:>9}/{decimal_total_bytes:9} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn count_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>10} {bar:30} {pos:>7}/{len:7} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

impl Progress for Bars {
    fn event(&mut self, event: ProgressEvent) {
        match event {
            ProgressEvent::Fetching { ecosystem, .. } => {
                self.bar(ecosystem).set_message("checking the source");
            }
            ProgressEvent::Downloading {
                ecosystem,
                received,
                total,
            } => {
                let bar = self.bar(ecosystem);
                if bar.position() == 0 {
                    bar.set_style(download_style());
                }
                if let Some(total) = total {
                    bar.set_length(total);
                }
                bar.set_position(received);
                bar.set_message("downloading");
            }
            ProgressEvent::Fetched { ecosystem, outcome } => {
                let message = match outcome {
                    FetchOutcome::Downloaded { bytes } => {
                        format!("downloaded {}", megabytes(bytes))
                    }
                    FetchOutcome::NotModified => "not modified".to_owned(),
                    FetchOutcome::Read { bytes } => format!("read {}", megabytes(bytes)),
                    FetchOutcome::Missing { .. } => "missing at the source".to_owned(),
                };
                let bar = self.bar(ecosystem);
                bar.set_style(message_style());
                bar.finish_with_message(message);
            }
            ProgressEvent::Reading {
                ecosystem,
                done,
                total,
            } => {
                let multi = &self.multi;
                let bar = self.reading.get_or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(total));
                    bar.set_style(count_style());
                    bar.set_prefix("records");
                    bar
                });
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("reading {ecosystem}"));
            }
            ProgressEvent::Writing { advisories } => {
                if let Some(bar) = &self.reading {
                    bar.finish_and_clear();
                }
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_message(format!("writing {} advisories", thousands(advisories)));
                bar.enable_steady_tick(Duration::from_millis(100));
                self.writing = Some(bar);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_counts_and_ages() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(22_304), "22,304");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(age(Duration::from_secs(1)), "1 second");
        assert_eq!(age(Duration::from_secs(7_200)), "2 hours");
        assert_eq!(age(Duration::from_secs(9 * 86_400)), "9 days");
    }
}
