//! The detector's public face: options, signals, suspicions, and the scoring of what
//! [`crate::ecosystem`] finds.

use customs_core::{Ecosystem, PackageName};
use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::ecosystem::{Candidate, EcosystemIndex, Finding};
use crate::technique::Technique;

/// What the detector protects and how sure it must be.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// How many of each ecosystem's most popular names are protected (the targets). Names
    /// further down the list still count as established and are never flagged.
    pub targets: usize,
    /// Suspicions scoring below this are not reported (0 to 1).
    pub min_score: f32,
    /// A name in the popular list at this rank or better is established and never flagged;
    /// `None` (the default) treats every listed name so. With a rank, a listed name below it
    /// is scored with the popularity gap to its target.
    pub established_rank: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            targets: 5_000,
            min_score: 0.5,
            established_rank: None,
        }
    }
}

/// What the registry says of the candidate, when known. Each field is optional: a missing one
/// neither raises nor lowers suspicion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// Whether the candidate and the imitated package share a maintainer or publisher.
    pub shares_maintainer: Option<bool>,
    /// Days since the candidate's first release.
    pub age_days: Option<u32>,
    /// How many versions the candidate has published.
    pub version_count: Option<u32>,
}

/// A name that imitates a popular one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspicion {
    /// The imitated popular name, as the popular list writes it.
    pub target: String,
    pub target_rank: u32,
    pub technique: Technique,
    /// 0 to 1: how likely an imitation, from the technique, the names' lengths, the target's
    /// popularity, the popularity gap and the registry signals.
    pub score: f32,
    /// One sentence for people.
    pub reason: String,
}

/// Checks names against the popular names of each ecosystem.
#[derive(Debug, Clone)]
pub struct Detector {
    options: Options,
    ecosystems: Vec<EcosystemIndex>,
}

impl Detector {
    /// Builds the index, one thread per ecosystem. Cost: linear in the corpora (about 10 ms
    /// for the three public lists on two cores); see the `speed` benchmark.
    pub fn new(corpora: impl IntoIterator<Item = Corpus>, options: Options) -> Self {
        // A later corpus for an ecosystem replaces an earlier one.
        let mut latest: Vec<Corpus> = Vec::new();
        for corpus in corpora {
            latest.retain(|earlier| earlier.ecosystem() != corpus.ecosystem());
            latest.push(corpus);
        }
        // One thread per ecosystem: the indexes are independent, and this runs at the start
        // of every scan.
        let targets = options.targets;
        let mut ecosystems: Vec<EcosystemIndex> = std::thread::scope(|scope| {
            let builds: Vec<_> = latest
                .into_iter()
                .map(|corpus| scope.spawn(move || EcosystemIndex::build(corpus, targets)))
                .collect();
            builds
                .into_iter()
                // A panic while building is a bug: pass it on rather than lose an ecosystem.
                .map(|build| {
                    build
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        ecosystems.sort_by_key(|index| index.ecosystem);
        Detector {
            options,
            ecosystems,
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    fn index(&self, ecosystem: Ecosystem) -> Option<&EcosystemIndex> {
        self.ecosystems
            .iter()
            .find(|index| index.ecosystem == ecosystem)
    }

    /// The name's rank in the popular list, when listed.
    pub fn popular_rank(&self, ecosystem: Ecosystem, name: &str) -> Option<u32> {
        let index = self.index(ecosystem)?;
        let key = PackageName::new(ecosystem, name).ok()?.match_key(ecosystem);
        index.rank_of(&key)
    }

    /// Whether the name is listed as popular (and so never flagged by default).
    pub fn is_popular(&self, ecosystem: Ecosystem, name: &str) -> bool {
        self.popular_rank(ecosystem, name).is_some()
    }

    /// Whether the detector has a popular list for the ecosystem (without one, every check
    /// answers `None`, which callers should report as "not checked").
    pub fn covers(&self, ecosystem: Ecosystem) -> bool {
        self.index(ecosystem).is_some()
    }

    /// Whether `name` imitates a popular name of its ecosystem.
    pub fn check(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        signals: Option<&Signals>,
    ) -> Option<Suspicion> {
        let index = self.index(ecosystem)?;
        let package = PackageName::new(ecosystem, name).ok()?;
        let key = package.match_key(ecosystem);
        let listed_rank = index.rank_of(&key);
        if let Some(rank) = listed_rank {
            match self.options.established_rank {
                None => return None,
                Some(established) if rank <= established => return None,
                Some(_) => {}
            }
        }
        let candidate = Candidate::new(ecosystem, &key, package.display());

        let mut findings = Vec::new();
        index.find(&candidate, &mut findings);

        // A name that is exactly a popular name, only reworded, is that name's imitation
        // whatever else it is a slip away from (`cors.js` is `cors` plus `js`, not `core-js`
        // misspelt).
        let any_exact = findings.iter().any(|finding| {
            finding.exact && finding.base >= STRONG_EXACT && index.key(finding.target) != key
        });
        let mut best: Option<(f32, &Finding)> = None;
        for finding in &findings {
            let target = &index.targets[finding.target as usize];
            if index.key(finding.target) == key || (any_exact && !finding.exact) {
                continue;
            }
            let mut score = finding.base;
            if finding.length_sensitive {
                score *= length_factor(target.skeleton.len().min(candidate.skeleton.len()));
            }
            score *= rank_factor(ecosystem, target.rank);
            if let Some(rank) = listed_rank {
                score *= gap_factor(rank, target.rank);
            }
            if let Some(signals) = signals {
                score = apply_signals(score, signals);
            }
            let score = score.clamp(0.0, 1.0);
            let better = match best {
                None => true,
                Some((best_score, best_finding)) => {
                    // On a tie, the target that explains more of the name (`node-cron` rather
                    // than `cron` in `node-cron-master`), then the more popular.
                    let length =
                        |finding: &Finding| index.targets[finding.target as usize].bare.len();
                    score > best_score
                        || (score == best_score
                            && (length(finding), std::cmp::Reverse(finding.target))
                                > (length(best_finding), std::cmp::Reverse(best_finding.target)))
                }
            };
            if better {
                best = Some((score, finding));
            }
        }
        let (score, finding) = best?;
        // Reported to two decimals, and compared with the threshold as reported.
        let score = (score * 100.0).round() / 100.0;
        if score < self.options.min_score {
            return None;
        }
        let target = &index.targets[finding.target as usize];
        let name = index.name(finding.target);
        let shares_maintainer = signals.and_then(|signals| signals.shares_maintainer);
        Some(Suspicion {
            target: name.to_owned(),
            target_rank: target.rank,
            technique: finding.technique,
            score,
            reason: format!(
                "`{}` {} ({} rank {}){}",
                package.display(),
                finding.detail,
                ecosystem,
                target.rank,
                maintainer_clause(name, shares_maintainer)
            ),
        })
    }
}

/// An exact finding this strong (a strong affix, a separator, a look-alike) sets aside the
/// slips towards other targets; a weak one (`base46` is also `base` plus a number) does not.
const STRONG_EXACT: f32 = 0.55;

/// One edit in a short name is weaker evidence than in a long one.
fn length_factor(length: usize) -> f32 {
    match length {
        0..=4 => 0.7,
        5 => 0.8,
        6 => 0.88,
        7 => 0.94,
        _ => 1.0,
    }
}

/// Attackers imitate the most popular names; a near match to a name further down the list is
/// more often a coincidence. How far "the most popular" reaches depends on the list: npm's
/// (npm-high-impact) puts the roughly 3,000 packages with a million weekly downloads or more
/// first, so its whole top 3,000 is equally attractive; PyPI's and crates.io's are ranked by
/// downloads all the way down, and the top hundred or so draw most of the attacks (and a
/// legitimate near-namesake is as likely beside the thousandth name as beside the tenth).
fn rank_factor(ecosystem: Ecosystem, rank: u32) -> f32 {
    let (flat_until, at_5000) = match ecosystem {
        Ecosystem::Npm => (3_000.0f32, 0.9f32),
        Ecosystem::PyPI | Ecosystem::CratesIo => (100.0, 0.75),
    };
    let position = ((rank.max(1) as f32 / flat_until).log10() / (5_000.0 / flat_until).log10())
        .clamp(0.0, 1.0);
    1.0 - (1.0 - at_5000) * position
}

/// A listed candidate far less popular than its target may still be a squat; one nearly as
/// popular is not (two orders of magnitude of rank for full suspicion).
fn gap_factor(candidate_rank: u32, target_rank: u32) -> f32 {
    let ratio = candidate_rank as f32 / target_rank.max(1) as f32;
    (ratio.log10() / 2.0).clamp(0.0, 1.0)
}

/// The most [`Signals`] can add to a score: a name scoring this much below the threshold on its
/// name alone may still reach it when the registry says it is young and has few versions.
pub const MAX_SIGNAL_RAISE: f32 = 0.2;

impl Suspicion {
    /// The suspicion once what the registry says of the candidate is weighed in: a shared
    /// maintainer or a long history lowers the score, a very young package with few versions
    /// raises it (by at most [`MAX_SIGNAL_RAISE`]). The caller compares the result with its
    /// threshold: a suspicion found with a threshold lowered by [`MAX_SIGNAL_RAISE`] and then
    /// weighed here is what [`Detector::check`] with the signals answers.
    pub fn with_signals(&self, signals: &Signals) -> Suspicion {
        let score = apply_signals(self.score, signals).clamp(0.0, 1.0);
        Suspicion {
            score: (score * 100.0).round() / 100.0,
            reason: format!(
                "{}{}",
                self.reason,
                maintainer_clause(&self.target, signals.shares_maintainer)
            ),
            ..self.clone()
        }
    }
}

/// What the reason adds when the registry said whether the candidate shares a maintainer with
/// its target: the one signal a reader can check for themselves, and the one that can turn a
/// strong resemblance into no finding at all.
fn maintainer_clause(target: &str, shares_maintainer: Option<bool>) -> String {
    match shares_maintainer {
        Some(true) => {
            format!(
                ", but it shares a maintainer with `{target}` on the registry, which lowers the score"
            )
        }
        Some(false) => format!(", and it shares no maintainer with `{target}` on the registry"),
        None => String::new(),
    }
}

fn apply_signals(mut score: f32, signals: &Signals) -> f32 {
    if signals.shares_maintainer == Some(true) {
        // The target's own maintainers publishing a variant is a companion package.
        score *= 0.3;
    }
    match signals.age_days {
        Some(days) if days < 7 => score += 0.15,
        Some(days) if days < 30 => score += 0.1,
        Some(days) if days > 730 => score *= 0.8,
        _ => {}
    }
    match signals.version_count {
        Some(count) if count <= 2 => score += 0.05,
        Some(count) if count > 20 => score *= 0.85,
        _ => {}
    }
    score
}
