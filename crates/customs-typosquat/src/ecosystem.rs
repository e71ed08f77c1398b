//! One ecosystem's index of popular names, and the search of each technique through it.

mod affixes;
mod edits;

use customs_core::Ecosystem;

use crate::corpus::Corpus;
use crate::forms::{self, HashIndex};
use crate::index::SegmentIndex;
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

/// Names this long (once separators are gone) or shorter accept only a swap or a doubled
/// letter; shorter ones no edit at all.
const SHORT: usize = 4;

/// How popular a name must be for a variant that makes sense on its own (its words split apart
/// or reordered, its number changed or dropped) to be an imitation of it.
const TOP_RANK: u32 = 100;

/// Shortest collapsed skeleton compared: below this, a doubled letter is the name itself
/// (`ssdp` beside `sdp`).
const MIN_COLLAPSED: usize = 4;

fn word_count(name: &str) -> usize {
    name.split(forms::is_separator)
        .filter(|word| !word.is_empty())
        .count()
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
