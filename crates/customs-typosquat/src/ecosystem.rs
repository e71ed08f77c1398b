//! One ecosystem's index of popular names, and the search of each technique through it.

use customs_core::Ecosystem;

use crate::affix::{self, Strength};
use crate::confusables;
use crate::corpus::Corpus;
use crate::distance::{self, Edit};
use crate::forms::{self, HashIndex};
use crate::index::{self, SegmentIndex};
use crate::keyboard;
use crate::spelling::Spelling;
use crate::technique::Technique;
use crate::vocabulary::Vocabulary;

/// A protected name's forms; its name and key are the corpus entry's with the same id.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) bare: String,
    pub(crate) skeleton: String,
    /// Which bytes the skeleton has (see [`forms::byte_signature`]).
    signature: u64,
    pub(crate) rank: u32,
    scoped: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct EcosystemIndex {
    pub(crate) ecosystem: Ecosystem,
    corpus: Corpus,
    hasher: foldhash::fast::RandomState,
    /// Every listed name's key, to the entry's position.
    known: HashIndex,
    /// npm scopes of listed names, to the entry's position.
    scopes: HashIndex,
    pub(crate) targets: Vec<Target>,
    by_bare: HashIndex,
    by_skeleton: HashIndex,
    /// Skeletons with runs of a letter written once (see [`forms::collapsed`]).
    by_collapsed: HashIndex,
    by_words: HashIndex,
    segments: SegmentIndex,
    /// Words of the listed names, for telling a name made of words from a garbled one.
    vocabulary: Vocabulary,
    /// Letter sequences of the targets, for telling a garbled name from one spelt like a name.
    spelling: Spelling,
}

/// One way a candidate resembles one target, before scoring.
pub(crate) struct Finding {
    pub(crate) target: u32,
    pub(crate) technique: Technique,
    /// The technique's strength for this pair, before the length and popularity factors.
    pub(crate) base: f32,
    /// Whether short names make this finding less trustworthy (edits), or not (exact forms).
    pub(crate) length_sensitive: bool,
    /// Whether the target appears unaltered in the candidate (separators, look-alikes, added
    /// words, word order or scope aside): a name that is exactly one popular name plus a
    /// generic word is not a slip of another (`cors.js` is `cors`, not `core-js`).
    pub(crate) exact: bool,
    /// The middle of the reason sentence, after "`candidate` ".
    pub(crate) detail: String,
}

/// The forms of the name being checked.
pub(crate) struct Candidate<'a> {
    key: &'a str,
    pub(crate) bare: String,
    pub(crate) skeleton: String,
    collapsed: String,
    words: Option<String>,
    scope: Option<(&'a str, &'a str)>,
}

impl<'a> Candidate<'a> {
    pub(crate) fn new(ecosystem: Ecosystem, key: &'a str, display: &str) -> Self {
        let scope = match ecosystem {
            Ecosystem::Npm => forms::split_scope(key),
            Ecosystem::PyPI | Ecosystem::CratesIo => None,
        };
        let skeleton = forms::skeleton(display);
        Candidate {
            key,
            bare: forms::bare(key),
            collapsed: forms::collapsed(&skeleton),
            skeleton,
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
        _ if length < index::TWO_EDITS_FROM => 1,
        _ => 2,
    }
}

/// Names this long (once separators are gone) or shorter accept only a swap or a doubled
/// letter; shorter ones no edit at all.
const SHORT: usize = 4;

/// How popular a name must be for a variant that makes sense on its own (its words split apart
/// or reordered, its number changed or dropped) to be an imitation of it.
const TOP_RANK: u32 = 100;

/// Shortest collapsed skeleton compared: below this, a doubled letter is the name itself
/// (`ssdp` beside `sdp`).
const MIN_COLLAPSED: usize = 4;

/// Whether one bare name is the other with letters added at its start or end.
fn extends(candidate: &str, target: &str) -> bool {
    candidate.starts_with(target)
        || candidate.ends_with(target)
        || target.starts_with(candidate)
        || target.ends_with(candidate)
}

/// Whether the names differ only within their first three letters.
fn differs_only_in_front(candidate: &str, target: &str) -> bool {
    let common_suffix = candidate
        .bytes()
        .rev()
        .zip(target.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    common_suffix + 3 >= candidate.len().max(target.len())
}

/// Whether a one-letter replacement or insertion happened at the very start.
fn replaces_first_letter(candidate: &str, target: &str, technique: Technique) -> bool {
    matches!(
        technique,
        Technique::Substitution
            | Technique::KeyboardSubstitution
            | Technique::BitFlip
            | Technique::Insertion
    ) && candidate.bytes().next() != target.bytes().next()
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

/// Whether the one edit from `target` to `candidate` changes, drops or swaps digits only.
fn renumbers(candidate: &str, target: &str) -> bool {
    let digit = |byte: &u8| byte.is_ascii_digit();
    let (candidate, target) = (candidate.as_bytes(), target.as_bytes());
    match distance::single_edit(candidate, target) {
        Some(Edit::Substitution { from, to, .. }) => digit(&from) && digit(&to),
        Some(Edit::Deletion { byte, .. }) => digit(&byte),
        Some(Edit::Transposition { at }) => target[at..=at + 1].iter().all(digit),
        _ => false,
    }
}

/// Whether the candidate is the target with a word of one letter added (`stable-hash-x`).
fn adds_a_letter_word(candidate: &str, target: &str) -> bool {
    let last_word = |name: &str| name.rsplit(forms::is_separator).next().unwrap_or("").len();
    word_count(candidate) == word_count(target) + 1
        && (last_word(candidate) == 1
            || candidate
                .split(forms::is_separator)
                .next()
                .is_some_and(|first| first.len() == 1))
}

/// Whether the names have the same words but one, of at most seven letters (`futures-ticker`
/// and `futures-timer`).
fn changes_one_short_word(candidate: &str, target: &str) -> bool {
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
    matches!(
        (differing.next(), differing.next()),
        (Some((a, b)), None) if a.len().max(b.len()) <= 7
    )
}

impl EcosystemIndex {
    pub(crate) fn build(corpus: Corpus, target_count: usize) -> Self {
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
            .map(|entry| {
                let skeleton = forms::skeleton(&entry.name);
                Target {
                    bare: forms::bare(&entry.key),
                    signature: forms::byte_signature(skeleton.as_bytes()),
                    skeleton,
                    rank: entry.rank,
                    scoped: forms::split_scope(&entry.key).is_some(),
                }
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
        let mut collapsed = String::new();
        let by_collapsed = HashIndex::new(
            hasher.clone(),
            ids()
                .zip(&targets)
                .map(|(id, target)| {
                    forms::collapse_into(&target.skeleton, &mut collapsed);
                    (HashIndex::hash(&hasher, &collapsed), id)
                })
                .collect(),
        );
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
        let spelling = Spelling::build(entries.iter().take(targets.len()).map(|e| e.key.as_str()));
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
            by_collapsed,
            by_words,
            segments,
            vocabulary,
            spelling,
        }
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        self.corpus
            .entries()
            .get(id as usize)
            .map_or("", |entry| entry.name.as_str())
    }

    pub(crate) fn key(&self, id: u32) -> &str {
        self.corpus
            .entries()
            .get(id as usize)
            .map_or("", |entry| entry.key.as_str())
    }

    pub(crate) fn rank_of(&self, key: &str) -> Option<u32> {
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
    pub(crate) fn find(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        if let Some((scope, _)) = candidate.scope
            && self.scope_is_known(scope)
        {
            // Only a scope's owner publishes under it: a scope that popular packages use
            // belongs to an established publisher, whatever the name after it.
            return;
        }
        self.find_exact_forms(candidate, findings);
        self.find_repeated_letters(candidate, findings);
        self.find_plural(candidate, findings);
        self.find_edits(candidate, findings);
        self.find_word_order(candidate, findings);
        let before = findings.len();
        self.find_affixes(candidate, findings);
        if candidate.scope.is_some() {
            // Under a scope of its own (`@panva/asn1.js`, `@react-router/node`): a publisher's
            // own build, like a popular name republished under an unknown scope.
            for finding in &mut findings[before..] {
                finding.base *= 0.75;
            }
        }
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
                // Separators put into a popular name split it into words anyone may use
                // (`date-format`, `random-bytes`): an imitation only of the very top names
                // (`bit-flags`). Separators taken out (`crossenv`, `lazystatic`) are a slip.
                let splits = word_count(candidate.key) > word_count(self.key(id));
                let base = if splits && target.rank > TOP_RANK {
                    0.45
                } else {
                    0.75
                };
                (
                    Technique::Separator,
                    format!("is `{}` with its separators changed", self.name(id)),
                    base,
                )
            };
            findings.push(Finding {
                target: id,
                technique,
                base,
                length_sensitive: false,
                exact: true,
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
                exact: true,
                detail: format!("looks like `{}` (look-alike characters)", self.name(id)),
            });
        }
    }

    /// Letters doubled, repeated or written once where the target doubles them (`colorsss`,
    /// `mongose`), however many: the same skeleton once runs are collapsed.
    fn find_repeated_letters(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        if candidate.collapsed.len() < MIN_COLLAPSED {
            return;
        }
        for id in self.by_collapsed.get(&candidate.collapsed) {
            let target = &self.targets[id as usize];
            if target.skeleton == candidate.skeleton
                || target.scoped != candidate.scope.is_some()
                || forms::collapsed(&target.skeleton) != candidate.collapsed
            {
                // Same skeleton: find_exact_forms reports it. Scoped on one side only: a
                // double letter made by dropping the scope (`@esbuild/linux-x64`) is not a
                // slip, and find_edits weighs the scope.
                continue;
            }
            let (technique, base, detail) =
                match candidate.skeleton.len().cmp(&target.skeleton.len()) {
                    std::cmp::Ordering::Greater => (
                        Technique::Repetition,
                        0.85,
                        format!("repeats letters of `{}`", self.name(id)),
                    ),
                    std::cmp::Ordering::Less => (
                        Technique::Omission,
                        0.8,
                        format!("writes a doubled letter of `{}` once", self.name(id)),
                    ),
                    std::cmp::Ordering::Equal => (
                        Technique::Repetition,
                        0.7,
                        format!("doubles another letter than `{}` does", self.name(id)),
                    ),
                };
            findings.push(Finding {
                target: id,
                technique,
                base,
                length_sensitive: true,
                exact: true,
                detail,
            });
        }
    }

    /// The popular name made plural (`tracings`, `sklearns`): a name that reads as the target,
    /// so neither its length nor its being made of words makes it less suspicious.
    fn find_plural(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let Some(singular) = candidate.bare.strip_suffix('s') else {
            return;
        };
        if singular.len() < SHORT || singular.ends_with('s') {
            // `ss` is a doubled letter (find_repeated_letters).
            return;
        }
        for id in self.by_bare.get(singular) {
            let target = &self.targets[id as usize];
            if target.bare != singular
                || target.scoped != candidate.scope.is_some()
                || word_count(candidate.key) != word_count(self.key(id))
            {
                // Words split or joined as well (`bloom-filters`, `colornames`): a name of
                // its own made of the same words.
                continue;
            }
            findings.push(Finding {
                target: id,
                technique: Technique::Insertion,
                base: 0.75,
                length_sensitive: true,
                exact: true,
                detail: format!("is the plural of `{}`", self.name(id)),
            });
        }
    }

    /// Within a few edits of a target, by the segment index; described on the bare forms.
    fn find_edits(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let query = candidate.skeleton.as_bytes();
        // The most any target may tolerate for this candidate (see `allowed` below).
        let widest = if query.len() >= 6 {
            allowed_edits(usize::MAX)
        } else {
            allowed_edits(query.len())
        };
        if widest == 0 {
            return;
        }
        let mut seen: Vec<u32> = Vec::new();
        self.segments.candidates(query, widest, |id| seen.push(id));
        seen.sort_unstable();
        seen.dedup();
        let signature = forms::byte_signature(query);
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
            if !forms::signatures_within(signature, target.signature, allowed) {
                // Most of what the segment index proposes; rejected without the distance.
                continue;
            }
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
                && (lengthens
                    || word_count(candidate.key) != word_count(self.key(id))
                    || differs_only_in_front(&candidate.bare, &target.bare))
            {
                // Two letters added at one end (`debounce-fn`, `ts-invariant`) or a word
                // added or dropped is a companion package's name, not a slip (two letters
                // cut off the end, `reques`, are a slip); so is another prefix on the same
                // word (`dmpython` and `dnspython`, `srptools` and `uritools`).
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
            if finding.technique == Technique::TwoEdits
                && self.spelling.novel(candidate.key, self.key(id)) == 0
            {
                if changes_one_short_word(candidate.key, self.key(id)) {
                    // Another word spelt like a name in place of one of the target's
                    // (`futures-ticker`, `node-watch`): a name of its own, where a garbled
                    // word (`lru-cahle`) is a slip.
                    continue;
                }
                // Two changes that write only what names are spelt with (`treeverse` for
                // `traverse`) are more often a choice than a slip.
                finding.base *= 0.9;
            }
            if target.rank > TOP_RANK && renumbers(&candidate.bare, &target.bare) {
                // Another member of a numbered family (`murmur2` beside `murmur3`, `pkcs7`
                // beside `pkcs8`) or the name before it was numbered (`progressbar`).
                finding.base *= 0.6;
            }
            if replaces_first_letter(&candidate.bare, &target.bare, finding.technique) {
                // Readers check a name's first letter; a different one (`dython` for
                // `cython`) is more often a different name than a slip.
                finding.base *= 0.7;
            }
            if extends && finding.technique != Technique::Repetition {
                // One letter added or dropped at an end (`parquet2`, `sqlglotc`): a variant
                // as often as a slip. (A doubled letter, `requestss`, stays a slip.)
                finding.base *= 0.75;
                if adds_a_letter_word(candidate.key, self.key(id))
                    || target.bare.strip_suffix('s') == Some(candidate.bare.as_str())
                {
                    // A one-letter word added (`abort-controller-x`, a fork's mark) or the
                    // singular of a plural name (`callsite`, `delegate`): another name
                    // chosen, not a slip.
                    finding.base *= 0.8;
                }
            }
            // A letter left out of a five-letter name (`husy`, `cick`) leaves four letters that
            // spell nothing, unlike the words a four-letter package is named for (`path`,
            // `args`, `byte`).
            let garbled_omission = finding.technique == Technique::Omission
                && query.len() == SHORT
                && !self.vocabulary.contains(&candidate.bare);
            if shorter <= SHORT
                && !garbled_omission
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
            exact: false,
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
                // Reordered words make another sensible name (`parse-path`, `buffer-json`):
                // an imitation only of the very top names (`if-cfg`).
                base: if target.rank > TOP_RANK { 0.45 } else { 0.6 },
                length_sensitive: false,
                exact: true,
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
                    .map(|word| self.affix_strength(word))
                    .try_fold(Strength::Strong, |weakest, strength| {
                        Some(weakest.min(strength?))
                    })
                else {
                    continue;
                };
                let remainder = &key[words[leading].0..words[count - trailing - 1].1];
                // Meaningless letters with a misspelt name are too loose a match.
                let misspelt = removed.iter().all(|word| affix::strength(word).is_some());
                self.push_affix(
                    remainder,
                    &removed.join("`, `"),
                    strength,
                    misspelt,
                    findings,
                );
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
                let strength = self.affix_strength(glued).unwrap_or(Strength::Weak);
                self.push_affix(rest, glued, strength, true, findings);
            }
        }
        if let Some(stem) = affix::strip_glued_version(bare) {
            // `pypdf2`, `cbor2`: a number glued on is as often a package's own name.
            self.push_affix(stem, &bare[stem.len()..], Strength::Weak, false, findings);
        }
        if let Some(stem) = affix::strip_dotted_version(key) {
            self.push_affix(stem, &key[stem.len()..], Strength::Strong, true, findings);
        }
        // Other generic words glued at the end (`requestspro`, `httpxhelp`), after a name long
        // enough not to be a coincidence: weak, as glued words also end real words.
        for (word, _) in affix::WORDS {
            if let Some(rest) = bare.strip_suffix(word)
                && rest.len() >= 5
                && !affix::GLUED.contains(word)
            {
                self.push_affix(rest, word, Strength::Weak, false, findings);
            }
        }
        // Meaningless letters glued on (`jqueryxxx`, `fstreamlalala`).
        if let Some(start) = affix::filler_tail(key)
            && !key[..start].ends_with(forms::is_separator)
        {
            self.push_affix(
                &key[..start],
                &key[start..],
                Strength::Strong,
                false,
                findings,
            );
        }
    }

    /// How strongly an added word marks a variant: a generic word, or meaningless letters.
    fn affix_strength(&self, word: &str) -> Option<Strength> {
        let strength = affix::strength(word).or_else(|| {
            (affix::is_filler(word) && !self.vocabulary.contains(word)).then_some(Strength::Strong)
        })?;
        Some(if affix::is_own_language(self.ecosystem, word) {
            strength.min(Strength::Own)
        } else {
            strength
        })
    }

    fn push_affix(
        &self,
        remainder: &str,
        added: &str,
        strength: Strength,
        misspelt: bool,
        findings: &mut Vec<Finding>,
    ) {
        let base = match strength {
            Strength::Strong => 0.6,
            Strength::Own => 0.55,
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
                exact: true,
                detail: format!("is `{}` with `{added}` added", self.name(id)),
            });
        }
        // A typo inside the remainder as well (`requestss-v2`): one edit, long names, strong
        // words only.
        let remainder_skeleton = forms::skeleton(remainder);
        if misspelt && strength >= Strength::Own && remainder_skeleton.len() >= 6 {
            let mut seen: Vec<u32> = Vec::new();
            self.segments
                .candidates(remainder_skeleton.as_bytes(), 1, |id| seen.push(id));
            seen.sort_unstable();
            seen.dedup();
            let signature = forms::byte_signature(remainder_skeleton.as_bytes());
            for id in seen {
                let target = &self.targets[id as usize];
                if target.skeleton.len() < 6 {
                    continue;
                }
                let one_edit = forms::signatures_within(signature, target.signature, 1)
                    && distance::osa_within(
                        remainder_skeleton.as_bytes(),
                        target.skeleton.as_bytes(),
                        1,
                    ) == Some(1);
                // Only the slips that keep every letter (`requestss-v2`, `reqeusts-v2`): a
                // letter replaced or dropped is as often another word (`murmurhash-js`
                // beside `imurmurhash`, `glob-to-regex.js` beside `glob-to-regexp`).
                let keeps_letters = || {
                    forms::collapsed(&remainder_skeleton) == forms::collapsed(&target.skeleton)
                        || matches!(
                            distance::single_edit(
                                remainder_skeleton.as_bytes(),
                                target.skeleton.as_bytes()
                            ),
                            Some(Edit::Transposition { .. })
                        )
                };
                if one_edit && keeps_letters() {
                    findings.push(Finding {
                        target: id,
                        technique: Technique::Affix,
                        base: base - 0.1,
                        length_sensitive: false,
                        exact: false,
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
                exact: true,
                detail: format!(
                    "republishes `{}` under the unknown scope `@{scope}`",
                    self.name(id)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_short_word_changed() {
        assert!(changes_one_short_word("futures-ticker", "futures-timer"));
        assert!(changes_one_short_word("node-watch", "node-fetch"));
        assert!(!changes_one_short_word("futures-ticker", "futures"));
        assert!(!changes_one_short_word(
            "webpack-bundle-analyzr",
            "webpack-bundle-analyzer"
        ));
        assert!(!changes_one_short_word("tokio", "tokyo"));
    }
}
