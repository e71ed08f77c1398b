//! How well the detector does on real data, per ecosystem:
//!
//! - **recall** on `tests/data/typosquats.csv`: real malicious names that imitate a top-5,000
//!   name, labelled by hand by the procedure in `tests/data/README.md`. A hit is a flag that
//!   names the labelled target.
//! - **false positives, unknown names**: the popular names ranked 3,001 to 15,000, checked
//!   against a detector that knows only the top 3,000, so it cannot know they are listed and
//!   must judge them by their names alone. This stands for the legitimate packages a scan meets
//!   that are not in the popular list.
//! - **false positives, listed names**: the same names checked against a detector built from
//!   the whole list with the top 3,000 as targets and only those established
//!   (`Options::established_rank`), so the listed names are scored with their popularity gap
//!   to the target rather than exempted.
//!
//! Figures are printed at the default threshold and for a range of thresholds. Run with
//! `--nocapture` to see them, the misses and the flagged legitimate names (the first 30; all
//! with `TYPOSQUAT_SHOW_ALL=1`).

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test helpers: a panic is the failure report, the printed table is the point"
)]

use std::collections::BTreeMap;
use std::path::Path;

use customs_core::{Ecosystem, PackageName};
use customs_typosquat::{Corpus, Detector, Options, Suspicion};

const TARGETS: usize = 5_000;
const FALSE_POSITIVE_TARGETS: usize = 3_000;
const LEGITIMATE: std::ops::RangeInclusive<u32> = 3_001..=15_000;
const SHOWN: usize = 30;
const THRESHOLDS: [f32; 8] = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8];

/// The goals set for the detector.
const GOAL_RECALL: f64 = 0.90;
const GOAL_FALSE_POSITIVE_RATE: f64 = 0.005;

/// What the default options achieve today, as bounds that fail the test on a regression:
/// (recall at least, unknown-name FP rate at most, listed-name FP rate at most).
///
/// The goals are not all met. With the popularity gap (listed names) the false-positive goal
/// is met everywhere; judged by their names alone (unknown names) no ecosystem reaches both
/// 90% recall and 0.5% false positives at any threshold (see the sweep this test prints).
///
/// Measured with this harness and not kept, so that nobody need try them again (figures at
/// the default threshold, unknown names):
/// - scoring single-edit slips lower when they write no letter sequence the listed names lack
///   (`fastai`, `jsonpath`): PyPI lost 22 squats for 17 fewer false positives;
/// - one edit to targets of four letters or fewer (`wev3`, `cffy`): 34 npm, 70 PyPI and 153
///   crates.io legitimate names against 5, 18 and 1 labelled squats;
/// - a slip plus a generic word (`requestss2`): 20, 21 and 12 legitimate names against 22, 36
///   and 1 squats, most of them already found another way;
/// - the weak packaging words (`-utils`, `-next`, `-core`) scored as strong ones: 52 legitimate
///   npm names (0.43%) are a top-3,000 name plus one of them.
///
/// In the 0.4 to 0.5 band the squats and the legitimate names overlap technique by technique;
/// what separates them is the registry's evidence (age, versions, maintainers), which
/// [`customs_typosquat::Signals`] weighs in a scan and this offline harness does not have.
fn floors(ecosystem: Ecosystem) -> (f64, f64, f64) {
    match ecosystem {
        Ecosystem::Npm => (0.71, 0.0075, GOAL_FALSE_POSITIVE_RATE),
        Ecosystem::PyPI => (0.865, 0.008, GOAL_FALSE_POSITIVE_RATE),
        Ecosystem::CratesIo => (0.77, 0.008, GOAL_FALSE_POSITIVE_RATE),
    }
}

fn popular(data: &Path, ecosystem: Ecosystem) -> Corpus {
    let file = match ecosystem {
        Ecosystem::Npm => "npm.csv",
        Ecosystem::PyPI => "pypi.csv",
        Ecosystem::CratesIo => "crates.csv",
    };
    let text = std::fs::read_to_string(data.join("popular").join(file)).unwrap();
    Corpus::parse_csv(ecosystem, &text).unwrap()
}

struct Labelled {
    name: String,
    target: String,
    source: String,
}

fn labelled() -> BTreeMap<Ecosystem, Vec<Labelled>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/typosquats.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ecosystem,name,target,source"));
    let mut by_ecosystem: BTreeMap<Ecosystem, Vec<Labelled>> = BTreeMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let [ecosystem, name, target, source] = fields[..] else {
            panic!("bad line {line:?}");
        };
        by_ecosystem
            .entry(ecosystem.parse().unwrap())
            .or_default()
            .push(Labelled {
                name: name.into(),
                target: target.into(),
                source: source.into(),
            });
    }
    by_ecosystem
}

fn key(ecosystem: Ecosystem, name: &str) -> String {
    PackageName::new(ecosystem, name)
        .unwrap()
        .match_key(ecosystem)
}

fn show_all() -> bool {
    std::env::var_os("TYPOSQUAT_SHOW_ALL").is_some()
}

/// Every suspicion, whatever its score: thresholds are applied afterwards.
fn unfiltered(options: Options) -> Options {
    Options {
        min_score: 0.0,
        ..options
    }
}

struct Measured {
    /// Score of the flag naming the labelled target, per labelled name (None: no such flag).
    squat_scores: Vec<Option<f32>>,
    unknown: Vec<(String, u32, Suspicion)>,
    listed: Vec<(String, u32, Suspicion)>,
    legitimate: usize,
}

fn rate(count: usize, total: usize) -> f64 {
    count as f64 / total as f64
}

fn measure(ecosystem: Ecosystem, corpus: &Corpus, squats: &[Labelled]) -> Measured {
    let default = Options::default().min_score;
    let detector = Detector::new(
        [corpus.clone()],
        unfiltered(Options {
            targets: TARGETS,
            ..Options::default()
        }),
    );
    let mut squat_scores = Vec::new();
    let mut misses = Vec::new();
    let mut by_technique: BTreeMap<&str, usize> = BTreeMap::new();
    for squat in squats {
        let rank = detector
            .popular_rank(ecosystem, &squat.target)
            .unwrap_or_else(|| panic!("{} is not listed", squat.target));
        assert!(rank as usize <= TARGETS, "{} ranks {rank}", squat.target);
        assert!(
            !detector.is_popular(ecosystem, &squat.name),
            "{} is itself listed",
            squat.name
        );
        let suspicion = detector.check(ecosystem, &squat.name, None);
        let on_target = suspicion
            .as_ref()
            .filter(|found| key(ecosystem, &found.target) == key(ecosystem, &squat.target));
        squat_scores.push(on_target.map(|found| found.score));
        match (&suspicion, on_target) {
            (Some(found), Some(_)) if found.score >= default => {
                *by_technique.entry(found.technique.code()).or_default() += 1;
                if show_all() {
                    println!(
                        "HIT {ecosystem} {} {} [{}, {:.2}] {}",
                        squat.name, found.target_rank, found.technique, found.score, found.reason
                    );
                }
            }
            (Some(found), Some(_)) => misses.push(format!(
                "{} -> {} ({}): scored {:.2} [{}]",
                squat.name, squat.target, squat.source, found.score, found.technique
            )),
            (Some(found), None) => misses.push(format!(
                "{} -> {} ({}): resembles {} instead",
                squat.name, squat.target, squat.source, found.target
            )),
            (None, _) => misses.push(format!(
                "{} -> {} ({}): no resemblance found",
                squat.name, squat.target, squat.source
            )),
        }
    }
    println!(
        "\n{ecosystem}: labelled squats found at the default threshold, by technique: {by_technique:?}"
    );
    println!("  missed ({}):", misses.len());
    for miss in &misses {
        println!("    {miss}");
    }

    let legitimate: Vec<_> = corpus
        .entries()
        .iter()
        .filter(|entry| LEGITIMATE.contains(&entry.rank))
        .collect();
    let check_all = |detector: &Detector| -> Vec<(String, u32, Suspicion)> {
        legitimate
            .iter()
            .filter_map(|entry| {
                let found = detector.check(ecosystem, &entry.name, None)?;
                Some((entry.name.clone(), entry.rank, found))
            })
            .collect()
    };
    let judged_by_name = Detector::new(
        [corpus.truncated(FALSE_POSITIVE_TARGETS)],
        unfiltered(Options {
            targets: FALSE_POSITIVE_TARGETS,
            ..Options::default()
        }),
    );
    let unknown = check_all(&judged_by_name);
    // The names after the range (npm and crates.io; PyPI's list ends at 15,000), which no rule
    // was tuned on: a check that the range's rate is not an artefact of tuning.
    let tail: Vec<_> = corpus
        .entries()
        .iter()
        .filter(|entry| entry.rank > *LEGITIMATE.end())
        .collect();
    if !tail.is_empty() {
        let flagged = tail
            .iter()
            .filter(|entry| {
                judged_by_name
                    .check(ecosystem, &entry.name, None)
                    .is_some_and(|found| found.score >= default)
            })
            .count();
        println!(
            "  names ranked after {} flagged (unknown): {flagged} of {} ({:.2}%)",
            LEGITIMATE.end(),
            tail.len(),
            rate(flagged, tail.len()) * 100.0
        );
    }
    let listed = check_all(&Detector::new(
        [corpus.clone()],
        unfiltered(Options {
            targets: FALSE_POSITIVE_TARGETS,
            established_rank: Some(FALSE_POSITIVE_TARGETS as u32),
            ..Options::default()
        }),
    ));
    for (label, flagged) in [("unknown", &unknown), ("listed", &listed)] {
        let above: Vec<_> = flagged
            .iter()
            .filter(|(_, _, found)| found.score >= default)
            .collect();
        println!(
            "  legitimate names flagged ({label}): {} of {}",
            above.len(),
            legitimate.len()
        );
        let shown = if show_all() { usize::MAX } else { SHOWN };
        for (name, rank, found) in above.iter().take(shown) {
            println!(
                "    {name} (rank {rank}): {} [{}, {:.2}] FP-{label} {ecosystem} {}",
                found.reason, found.technique, found.score, found.target_rank
            );
        }
    }
    Measured {
        squat_scores,
        unknown,
        listed,
        legitimate: legitimate.len(),
    }
}

#[test]
fn recall_and_false_positives() {
    let Some(data) = customs_testdata::shared_data("typosquat evaluation") else {
        return;
    };
    let labelled = labelled();
    let default = Options::default().min_score;
    let mut summary = Vec::new();
    let mut sweep = Vec::new();
    let mut regressions = Vec::new();
    for ecosystem in Ecosystem::ALL {
        let corpus = popular(&data, ecosystem);
        let squats = &labelled[&ecosystem];
        let measured = measure(ecosystem, &corpus, squats);
        let at = |threshold: f32| {
            let found = measured
                .squat_scores
                .iter()
                .filter(|score| score.is_some_and(|score| score >= threshold))
                .count();
            let count = |flagged: &[(String, u32, Suspicion)]| {
                flagged
                    .iter()
                    .filter(|(_, _, found)| found.score >= threshold)
                    .count()
            };
            (
                rate(found, squats.len()),
                rate(count(&measured.unknown), measured.legitimate),
                rate(count(&measured.listed), measured.legitimate),
            )
        };
        let (recall, unknown, listed) = at(default);
        let met = |ok: bool| if ok { "yes" } else { "no" };
        summary.push(format!(
            "| {} | {} | {:.1}% | {:.2}% | {:.2}% | {} | {} |",
            ecosystem.osv_name(),
            squats.len(),
            recall * 100.0,
            unknown * 100.0,
            listed * 100.0,
            met(recall >= GOAL_RECALL),
            met(unknown <= GOAL_FALSE_POSITIVE_RATE),
        ));
        for threshold in THRESHOLDS {
            let (recall, unknown, listed) = at(threshold);
            sweep.push(format!(
                "| {} | {threshold:.2} | {:.1}% | {:.2}% | {:.2}% |",
                ecosystem.osv_name(),
                recall * 100.0,
                unknown * 100.0,
                listed * 100.0
            ));
        }
        let (min_recall, max_unknown, max_listed) = floors(ecosystem);
        if recall < min_recall || unknown > max_unknown || listed > max_listed {
            regressions.push(format!(
                "{ecosystem}: recall {:.1}%, FP unknown {:.2}%, FP listed {:.2}%",
                recall * 100.0,
                unknown * 100.0,
                listed * 100.0
            ));
        }
    }
    println!("\nAt the default threshold ({default}):\n");
    println!(
        "| ecosystem | labelled squats | recall | FP, unknown names | FP, listed names | recall goal (90%) | FP goal (0.5%, unknown names) |"
    );
    println!("|---|---:|---:|---:|---:|---|---|");
    for row in &summary {
        println!("{row}");
    }
    println!("\nBy threshold:\n");
    println!("| ecosystem | threshold | recall | FP, unknown names | FP, listed names |");
    println!("|---|---:|---:|---:|---:|");
    for row in &sweep {
        println!("{row}");
    }
    assert!(
        regressions.is_empty(),
        "below the recorded floors: {regressions:?}"
    );
}
