//! The detector: an index over each ecosystem's most popular names, and the scoring of a
//! candidate name against it.

use customs_core::{Ecosystem, PackageName};
use serde::Serialize;

use crate::affix::{self, Strength};
use crate::confusables;
use crate::corpus::Corpus;
use crate::distance::{self, Edit};
use crate::forms::{self, HashIndex};
use crate::index::SegmentIndex;
use crate::keyboard;
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone)]
/// A protected name's forms; its name and key are the corpus entry's with the same id.
struct Target {
    bare: String,
    skeleton: String,
    rank: u32,
    scoped: bool,
}

#[derive(Debug, Clone)]
struct EcosystemIndex {
    ecosystem: Ecosystem,
    corpus: Corpus,
    hasher: foldhash::fast::RandomState,
    /// Every listed name's key, to the entry's position.
    known: HashIndex,
    /// npm scopes of listed names, to the entry's position.
    scopes: HashIndex,
    targets: Vec<Target>,
    by_bare: HashIndex,
    by_skeleton: HashIndex,
    by_words: HashIndex,
    segments: SegmentIndex,
    /// Words of the listed names, for telling a name made of words from a garbled one.
    vocabulary: Vocabulary,
}

/// One way a candidate resembles one target, before scoring.
struct Finding {
    target: u32,
    technique: Technique,
    /// The technique's strength for this pair, before the length and popularity factors.
    base: f32,
    /// Whether short names make this finding less trustworthy (edits), or not (exact forms).
    length_sensitive: bool,
    /// The middle of the reason sentence, after "`candidate` ".
    detail: String,
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

        let mut best: Option<(f32, &Finding)> = None;
        for finding in &findings {
            let target = &index.targets[finding.target as usize];
            if index.key(finding.target) == key {
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
                    score > best_score
                        || (score == best_score && finding.target < best_finding.target)
                }
            };
            if better {
                best = Some((score, finding));
            }
        }
        let (score, finding) = best?;
        if score < self.options.min_score {
            return None;
        }
        let target = &index.targets[finding.target as usize];
        Some(Suspicion {
            target: index.name(finding.target).to_owned(),
            target_rank: target.rank,
            technique: finding.technique,
            score: (score * 100.0).round() / 100.0,
            reason: format!(
                "`{}` {} ({} rank {})",
                package.display(),
                finding.detail,
                ecosystem,
                target.rank
            ),
        })
    }
}

/// The forms of the name being checked.
struct Candidate<'a> {
    key: &'a str,
    bare: String,
    skeleton: String,
    words: Option<String>,
    scope: Option<(&'a str, &'a str)>,
}

impl<'a> Candidate<'a> {
    fn new(ecosystem: Ecosystem, key: &'a str, display: &str) -> Self {
        let scope = match ecosystem {
            Ecosystem::Npm => forms::split_scope(key),
            Ecosystem::PyPI | Ecosystem::CratesIo => None,
        };
        Candidate {
            key,
            bare: forms::bare(key),
            skeleton: forms::skeleton(display),
            words: forms::sorted_words(key),
            scope,
        }
    }
}

/// How many edits a target of this length (its skeleton) tolerates. Short names have too many
/// legitimate neighbours for edits to mean anything.
fn allowed_edits(length: usize) -> usize {
    match length {
        0..SHORT => 0,
        SHORT..=7 => 1,
        _ => 2,
    }
}

/// Names this long (once separators are gone) or shorter accept only a swap or a doubled
/// letter; shorter ones no edit at all.
const SHORT: usize = 4;

/// Whether one bare name is the other with letters added at its start or end.
fn extends(candidate: &str, target: &str) -> bool {
    candidate.starts_with(target)
        || candidate.ends_with(target)
        || target.starts_with(candidate)
        || target.ends_with(candidate)
}

fn word_count(name: &str) -> usize {
    name.split(forms::is_separator)
        .filter(|word| !word.is_empty())
        .count()
}

/// Whether the two names differ by one whole word (`pytest-cpp` and `pytest-cov`,
/// `serde_any` and `serde-aux`) rather than by a slip inside a word.
fn replaces_a_word(candidate: &str, target: &str) -> bool {
    let words = |name: &str| -> Vec<String> {
        name.split(forms::is_separator)
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (candidate, target) = (words(candidate), words(target));
    if candidate.len() != target.len() || candidate.len() < 2 {
        return false;
    }
    let mut differing = candidate.iter().zip(&target).filter(|(a, b)| a != b);
    let (Some((a, b)), None) = (differing.next(), differing.next()) else {
        return false;
    };
    if affix::strength(b).is_some() {
        // A mangled generic word (`discord-p` for `discord-py`) is the imitation itself.
        return false;
    }
    let longer = a.len().max(b.len());
    if longer <= 3 {
        // Short words are codes (`kms`/`dms`, `cu11`/`cu12`): each is its own package.
        return true;
    }
    match distance::osa_within(a.as_bytes(), b.as_bytes(), longer) {
        Some(distance) => distance >= 2 && distance * 2 >= longer,
        None => true,
    }
}

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
/// downloads all the way down, and the top few hundred draw most of the attacks.
fn rank_factor(ecosystem: Ecosystem, rank: u32) -> f32 {
    let (flat_until, at_5000) = match ecosystem {
        Ecosystem::Npm => (3_000.0f32, 0.9f32),
        Ecosystem::PyPI | Ecosystem::CratesIo => (300.0, 0.7),
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

impl EcosystemIndex {
    fn build(corpus: Corpus, target_count: usize) -> Self {
        let ecosystem = corpus.ecosystem();
        let hasher = foldhash::fast::RandomState::default();
        let entries = corpus.entries();

        let mut known = Vec::with_capacity(entries.len());
        let mut scopes = Vec::new();
        for (position, entry) in entries.iter().enumerate() {
            let id = u32::try_from(position).unwrap_or(u32::MAX);
            known.push((HashIndex::hash(&hasher, &entry.key), id));
            if let Some((scope, _)) = forms::split_scope(&entry.key) {
                scopes.push((HashIndex::hash(&hasher, scope), id));
            }
        }

        let targets: Vec<Target> = entries
            .iter()
            .take(target_count)
            .map(|entry| Target {
                bare: forms::bare(&entry.key),
                skeleton: forms::skeleton(&entry.name),
                rank: entry.rank,
                scoped: forms::split_scope(&entry.key).is_some(),
            })
            .collect();
        let ids = || (0..targets.len()).map(|id| u32::try_from(id).unwrap_or(u32::MAX));
        let by = |form: &dyn Fn(&Target) -> Option<&str>| {
            let entries = ids()
                .zip(&targets)
                .filter_map(|(id, target)| Some((HashIndex::hash(&hasher, form(target)?), id)))
                .collect();
            HashIndex::new(hasher.clone(), entries)
        };
        let by_bare = by(&|target| Some(&target.bare));
        let by_skeleton = by(&|target| Some(&target.skeleton));
        let by_words = HashIndex::new(
            hasher.clone(),
            ids()
                .zip(entries)
                .filter_map(|(id, entry)| {
                    Some((forms::sorted_words_hash(&hasher, &entry.key)?, id))
                })
                .collect(),
        );
        let vocabulary = Vocabulary::build(&hasher, entries.iter().map(|entry| entry.key.as_str()));
        let segments = SegmentIndex::build(
            &hasher,
            ids()
                .zip(&targets)
                .map(|(id, target)| (id, target.skeleton.as_bytes())),
        );
        EcosystemIndex {
            ecosystem,
            known: HashIndex::new(hasher.clone(), known),
            scopes: HashIndex::new(hasher.clone(), scopes),
            hasher,
            corpus,
            targets,
            by_bare,
            by_skeleton,
            by_words,
            segments,
            vocabulary,
        }
    }

    fn name(&self, id: u32) -> &str {
        self.corpus
            .entries()
            .get(id as usize)
            .map_or("", |entry| entry.name.as_str())
    }

    fn key(&self, id: u32) -> &str {
        self.corpus
            .entries()
            .get(id as usize)
            .map_or("", |entry| entry.key.as_str())
    }

    fn rank_of(&self, key: &str) -> Option<u32> {
        let entries = self.corpus.entries();
        self.known
            .get(key)
            .filter_map(|id| entries.get(id as usize))
            .find(|entry| entry.key == key)
            .map(|entry| entry.rank)
    }

    fn scope_is_known(&self, scope: &str) -> bool {
        let entries = self.corpus.entries();
        self.scopes.get(scope).any(|id| {
            entries
                .get(id as usize)
                .and_then(|entry| forms::split_scope(&entry.key))
                .is_some_and(|(listed, _)| listed == scope)
        })
    }

    /// Every resemblance of `candidate` to a target, through each technique's index.
    fn find(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        if let Some((scope, _)) = candidate.scope
            && self.scope_is_known(scope)
        {
            // Only a scope's owner publishes under it: a scope that popular packages use
            // belongs to an established publisher, whatever the name after it.
            return;
        }
        self.find_exact_forms(candidate, findings);
        self.find_edits(candidate, findings);
        self.find_word_order(candidate, findings);
        self.find_affixes(candidate, findings);
        self.find_unknown_scope(candidate, findings);
    }

    /// Same bare form (separators or scope punctuation changed), or same skeleton (look-alikes).
    fn find_exact_forms(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        for id in self.by_bare.get(&candidate.bare) {
            let target = &self.targets[id as usize];
            if target.bare != candidate.bare || self.key(id) == candidate.key {
                continue;
            }
            let (technique, detail, base) = if target.scoped != candidate.scope.is_some() {
                // `babel-core` beside `@babel/core`: where unscoped names starting with the
                // same word are common, the unscoped form is that family's older convention.
                let convention = candidate.scope.is_none()
                    && self.vocabulary.leads_unscoped_names(candidate.key);
                (
                    Technique::Scope,
                    format!("writes the scoped name `{}` another way", self.name(id)),
                    if convention { 0.4 } else { 0.65 },
                )
            } else {
                (
                    Technique::Separator,
                    format!("is `{}` with its separators changed", self.name(id)),
                    0.75,
                )
            };
            findings.push(Finding {
                target: id,
                technique,
                base,
                length_sensitive: false,
                detail,
            });
        }
        for id in self.by_skeleton.get(&candidate.skeleton) {
            let target = &self.targets[id as usize];
            if target.skeleton != candidate.skeleton || target.bare == candidate.bare {
                continue;
            }
            findings.push(Finding {
                target: id,
                technique: Technique::Homoglyph,
                base: 0.95,
                length_sensitive: false,
                detail: format!("looks like `{}` (look-alike characters)", self.name(id)),
            });
        }
    }

    /// Within a few edits of a target, by the segment index; described on the bare forms.
    fn find_edits(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let query = candidate.skeleton.as_bytes();
        let widest = allowed_edits(query.len());
        if widest == 0 {
            return;
        }
        let mut seen: Vec<u32> = Vec::new();
        self.segments.candidates(query, widest, |id| seen.push(id));
        seen.sort_unstable();
        seen.dedup();
        for id in seen {
            let target = &self.targets[id as usize];
            let shorter = query.len().min(target.skeleton.len());
            // The target's length sets the tolerance (`reqest` is two edits from `requests`),
            // unless the candidate is itself too short to carry that many edits.
            let allowed = if query.len() >= 6 {
                allowed_edits(target.skeleton.len())
            } else {
                allowed_edits(shorter)
            };
            let Some(distance) = distance::osa_within(query, target.skeleton.as_bytes(), allowed)
            else {
                continue;
            };
            if distance == 0 || replaces_a_word(candidate.key, self.key(id)) {
                // Same skeleton (find_exact_forms reported it), or a different word in the
                // same place (`pytest-cpp` and `pytest-cov`): a different package.
                continue;
            }
            let mut finding = self.describe_edit(candidate, id, distance);
            let extends = extends(&candidate.bare, &target.bare);
            let lengthens = extends && candidate.bare.len() > target.bare.len();
            if finding.technique == Technique::TwoEdits
                && (lengthens || word_count(candidate.key) != word_count(self.key(id)))
            {
                // Two letters added at one end (`debounce-fn`, `ts-invariant`) or a word
                // added or dropped is a companion package's name, not a slip. (Two letters
                // cut off the end, `reques`, are a slip.)
                continue;
            }
            if !matches!(
                finding.technique,
                Technique::Transposition | Technique::Repetition | Technique::Homoglyph
            ) && self.vocabulary.explains(candidate.key)
            {
                // Made of words other listed names use (`tilejson` beside `tinyjson`): a
                // name chosen for its meaning; a slip of the fingers rarely spells words.
                finding.base *= 0.7;
            }
            if extends {
                // One letter added or dropped at an end (`parquet2`, `sqlglotc`): a variant
                // as often as a slip.
                finding.base *= 0.75;
            }
            if shorter <= SHORT
                && !matches!(
                    finding.technique,
                    Technique::Transposition | Technique::Repetition
                )
            {
                // In a four-letter name only the slips a fast typist makes are evidence.
                continue;
            }
            findings.push(finding);
        }
    }

    fn describe_edit(
        &self,
        candidate: &Candidate<'_>,
        id: u32,
        skeleton_distance: usize,
    ) -> Finding {
        let target = &self.targets[id as usize];
        let finding = |technique, base, detail: String| Finding {
            target: id,
            technique,
            base,
            length_sensitive: true,
            detail,
        };
        let candidate_bare = candidate.bare.as_bytes();
        let target_bare = target.bare.as_bytes();

        // A changed scope with the same package name: `@type/node` for `@types/node`.
        if let (Some((scope, base)), Some((target_scope, target_base))) =
            (candidate.scope, forms::split_scope(self.key(id)))
            && base == target_base
            && scope != target_scope
        {
            return finding(
                Technique::Scope,
                0.85,
                format!(
                    "puts `{}` under the look-alike scope `@{scope}`",
                    self.name(id)
                ),
            );
        }
        if target.scoped != candidate.scope.is_some() && skeleton_distance <= 1 {
            return finding(
                Technique::Scope,
                0.6,
                format!("imitates the scoped name `{}`", self.name(id)),
            );
        }

        let bare_distance = distance::osa_within(candidate_bare, target_bare, 4);
        if bare_distance != Some(1) {
            let folded_a_look_alike = bare_distance.is_none_or(|bare| bare > skeleton_distance);
            if folded_a_look_alike
                && skeleton_distance == 1
                && candidate_bare.len().min(target_bare.len()) >= 6
            {
                return finding(
                    Technique::Homoglyph,
                    0.9,
                    format!("looks like `{}` (look-alike characters)", self.name(id)),
                );
            }
            return finding(
                Technique::TwoEdits,
                0.6,
                format!("is two edits away from `{}`", self.name(id)),
            );
        }
        let shown = |byte: u8| char::from(byte).escape_default().to_string();
        match distance::single_edit(candidate_bare, target_bare) {
            Some(Edit::Transposition { .. }) => finding(
                Technique::Transposition,
                0.9,
                format!("swaps two adjacent letters of `{}`", self.name(id)),
            ),
            Some(Edit::Substitution { from, to, .. }) => {
                if confusables::same_prototype(char::from(from), char::from(to)) {
                    finding(
                        Technique::Homoglyph,
                        0.95,
                        format!(
                            "writes `{}` with the look-alike `{}` for `{}`",
                            self.name(id),
                            shown(to),
                            shown(from)
                        ),
                    )
                } else if keyboard::are_neighbours(from, to) {
                    finding(
                        Technique::KeyboardSubstitution,
                        0.75,
                        format!(
                            "types the neighbouring key `{}` for `{}` in `{}`",
                            shown(to),
                            shown(from),
                            self.name(id)
                        ),
                    )
                } else if (from ^ to).count_ones() == 1 {
                    finding(
                        Technique::BitFlip,
                        0.6,
                        format!(
                            "is `{}` with one bit flipped (`{}` for `{}`)",
                            self.name(id),
                            shown(to),
                            shown(from)
                        ),
                    )
                } else {
                    finding(
                        Technique::Substitution,
                        0.6,
                        format!(
                            "replaces `{}` with `{}` in `{}`",
                            shown(from),
                            shown(to),
                            self.name(id)
                        ),
                    )
                }
            }
            Some(Edit::Insertion { at, byte }) => {
                let repeated = (at > 0 && target_bare.get(at - 1) == Some(&byte))
                    || target_bare.get(at) == Some(&byte);
                if repeated {
                    finding(
                        Technique::Repetition,
                        0.85,
                        format!("repeats the `{}` of `{}`", shown(byte), self.name(id)),
                    )
                } else {
                    finding(
                        Technique::Insertion,
                        0.7,
                        format!("inserts `{}` into `{}`", shown(byte), self.name(id)),
                    )
                }
            }
            Some(Edit::Deletion { byte, .. }) => finding(
                Technique::Omission,
                0.8,
                format!("leaves out the `{}` of `{}`", shown(byte), self.name(id)),
            ),
            None => finding(
                Technique::TwoEdits,
                0.6,
                format!("is two edits away from `{}`", self.name(id)),
            ),
        }
    }

    fn find_word_order(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let Some(words) = candidate.words.as_deref() else {
            return;
        };
        let Some(hash) = forms::sorted_words_hash(&self.hasher, candidate.key) else {
            return;
        };
        for id in self.by_words.get_hash(hash) {
            let target = &self.targets[id as usize];
            if target.bare == candidate.bare
                || forms::sorted_words(self.key(id)).as_deref() != Some(words)
            {
                continue;
            }
            findings.push(Finding {
                target: id,
                technique: Technique::WordOrder,
                base: 0.6,
                length_sensitive: false,
                detail: format!("reorders the words of `{}`", self.name(id)),
            });
        }
    }

    /// A target plus generic words (`-py`, `.js`, `-v4`), as separate words or glued on.
    fn find_affixes(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let key = candidate.scope.map_or(candidate.key, |(_, base)| base);
        // Word boundaries: (start, end) of each word in `key`.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (position, c) in key.char_indices() {
            if forms::is_separator(c) {
                if let Some(begin) = start.take() {
                    words.push((begin, position));
                }
            } else if start.is_none() {
                start = Some(position);
            }
        }
        if let Some(begin) = start {
            words.push((begin, key.len()));
        }

        let word = |index: usize| {
            let (begin, end) = words[index];
            key[begin..end].to_ascii_lowercase()
        };
        let count = words.len();
        for leading in 0..=count.saturating_sub(1).min(2) {
            for trailing in 0..=(count - leading).saturating_sub(1).min(2) {
                if leading + trailing == 0 {
                    continue;
                }
                let removed: Vec<String> = (0..leading)
                    .chain(count - trailing..count)
                    .map(word)
                    .collect();
                let Some(strength) = removed
                    .iter()
                    .map(|word| affix::strength(word))
                    .try_fold(Strength::Strong, |weakest, strength| {
                        Some(weakest.min(strength?))
                    })
                else {
                    continue;
                };
                let remainder = &key[words[leading].0..words[count - trailing - 1].1];
                self.push_affix(remainder, &removed.join("`, `"), strength, findings);
            }
        }

        // Glued on without a separator.
        let bare = &candidate.bare;
        for glued in affix::GLUED {
            if let Some(rest) = bare
                .strip_prefix(glued)
                .or_else(|| bare.strip_suffix(glued))
                && rest.len() >= 4
            {
                let strength = affix::strength(glued).unwrap_or(Strength::Weak);
                self.push_affix(rest, glued, strength, findings);
            }
        }
        if let Some(stem) = affix::strip_glued_version(bare) {
            // `pypdf2`, `cbor2`: a number glued on is as often a package's own name.
            self.push_affix(stem, &bare[stem.len()..], Strength::Weak, findings);
        }
    }

    fn push_affix(
        &self,
        remainder: &str,
        added: &str,
        strength: Strength,
        findings: &mut Vec<Finding>,
    ) {
        let base = match strength {
            Strength::Strong => 0.6,
            Strength::Weak => 0.4,
        };
        let remainder_bare = forms::bare(remainder);
        for id in self.by_bare.get(&remainder_bare) {
            let target = &self.targets[id as usize];
            if target.bare != remainder_bare {
                continue;
            }
            findings.push(Finding {
                target: id,
                technique: Technique::Affix,
                base,
                length_sensitive: false,
                detail: format!("is `{}` with `{added}` added", self.name(id)),
            });
        }
        // A typo inside the remainder as well (`requestss-v2`): one edit, long names, strong
        // words only.
        let remainder_skeleton = forms::skeleton(remainder);
        if strength == Strength::Strong && remainder_skeleton.len() >= 6 {
            let mut seen: Vec<u32> = Vec::new();
            self.segments
                .candidates(remainder_skeleton.as_bytes(), 1, |id| seen.push(id));
            seen.sort_unstable();
            seen.dedup();
            for id in seen {
                let target = &self.targets[id as usize];
                if target.skeleton.len() < 6 {
                    continue;
                }
                if distance::osa_within(
                    remainder_skeleton.as_bytes(),
                    target.skeleton.as_bytes(),
                    1,
                ) == Some(1)
                {
                    findings.push(Finding {
                        target: id,
                        technique: Technique::Affix,
                        base: base - 0.1,
                        length_sensitive: false,
                        detail: format!("is a misspelt `{}` with `{added}` added", self.name(id)),
                    });
                }
            }
        }
    }

    /// npm: a popular unscoped name under a scope that no popular package uses
    /// (`@evil/lodash`). Weak alone: private scopes legitimately republish names.
    fn find_unknown_scope(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let Some((scope, base)) = candidate.scope else {
            return;
        };
        if self.scope_is_known(scope) {
            return;
        }
        let base_bare = forms::bare(base);
        for id in self.by_bare.get(&base_bare) {
            let target = &self.targets[id as usize];
            if target.scoped || target.bare != base_bare {
                continue;
            }
            findings.push(Finding {
                target: id,
                technique: Technique::Scope,
                base: 0.45,
                length_sensitive: false,
                detail: format!(
                    "republishes `{}` under the unknown scope `@{scope}`",
                    self.name(id)
                ),
            });
        }
    }
}

/// The words (three letters or more) of every listed name, as hashes: enough to ask whether a
/// name splits into known words, at the cost of one sorted vector.
#[derive(Debug, Clone)]
struct Vocabulary {
    hasher: foldhash::fast::RandomState,
    words: Vec<u64>,
    /// First words of unscoped names with more words after them, one hash per name.
    leading: Vec<u64>,
}

impl Vocabulary {
    const MIN_WORD: usize = 3;
    /// Longest word tried when splitting a name; longer runs are not split.
    const MAX_WORD: usize = 24;

    fn build<'a>(
        hasher: &foldhash::fast::RandomState,
        names: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut words: Vec<u64> = Vec::new();
        let mut leading: Vec<u64> = Vec::new();
        for name in names {
            if !name.starts_with('@')
                && let Some((first, _)) = name.split_once(forms::is_separator)
            {
                leading.push(HashIndex::hash_lowercase(hasher, first));
            }
            for word in name.split(forms::is_separator) {
                if (Self::MIN_WORD..=Self::MAX_WORD).contains(&word.len())
                    && !word.bytes().all(|b| b.is_ascii_digit())
                {
                    words.push(HashIndex::hash_lowercase(hasher, word));
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        leading.sort_unstable();
        Vocabulary {
            hasher: hasher.clone(),
            words,
            leading,
        }
    }

    /// Whether at least three listed unscoped names start with `name`'s first word.
    fn leads_unscoped_names(&self, name: &str) -> bool {
        let Some((first, _)) = name.split_once(forms::is_separator) else {
            return false;
        };
        let hash = HashIndex::hash_lowercase(&self.hasher, first);
        let start = self.leading.partition_point(|listed| *listed < hash);
        self.leading[start..]
            .iter()
            .take_while(|listed| **listed == hash)
            .count()
            >= 3
    }

    fn contains(&self, word: &str) -> bool {
        self.words
            .binary_search(&HashIndex::hash(&self.hasher, word))
            .is_ok()
    }

    /// Whether every word of `name` is a known word, or known words and digits run together.
    fn explains(&self, name: &str) -> bool {
        name.split(forms::is_separator)
            .filter(|word| !word.is_empty())
            .all(|word| self.splits(&word.to_ascii_lowercase()))
    }

    fn splits(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        if !word.is_ascii() || bytes.len() > 64 {
            return false;
        }
        // reachable[i]: word[..i] splits into known words and digit runs.
        let mut reachable = [false; 65];
        reachable[0] = true;
        for end in 1..=bytes.len() {
            let earliest = end.saturating_sub(Self::MAX_WORD);
            reachable[end] = (earliest..end).any(|start| {
                reachable[start] && {
                    let piece = &word[start..end];
                    piece.bytes().all(|b| b.is_ascii_digit())
                        || (piece.len() >= Self::MIN_WORD && self.contains(piece))
                }
            });
        }
        reachable[bytes.len()]
    }
}
