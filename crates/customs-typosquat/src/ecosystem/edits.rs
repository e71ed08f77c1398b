//! Slips of the fingers: targets within an edit or two, found through the segment index and
//! told apart from names of their own.

use super::{Candidate, EcosystemIndex, Finding, SHORT, TOP_RANK, word_count};
use crate::affix;
use crate::confusables;
use crate::distance::{self, Edit};
use crate::forms;
use crate::index;
use crate::keyboard;
use crate::technique::Technique;

/// How many edits a target of this length (its skeleton) tolerates. Short names have too many
/// legitimate neighbours for edits to mean anything.
fn allowed_edits(length: usize) -> usize {
    match length {
        0..SHORT => 0,
        _ if length < index::TWO_EDITS_FROM => 1,
        _ => 2,
    }
}

/// Shortest target (its skeleton) that a garbled name is matched with at two edits, where a
/// slip is matched at one: two changes to a shorter name leave too little of it.
const GARBLED_FROM: usize = 5;

/// How many letter sequences no listed name is spelt with make two edits a garble (`pfstcgss`
/// for `postcss`, `mbjthods` for `methods`) rather than another name (`treeverse`).
const GARBLED_TRIGRAMS: usize = 2;

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

/// Whether the two names differ by one whole word (`pytest-cpp` and `pytest-cov`,
/// `serde_any` and `serde-aux`) rather than by a slip inside a word. `is_word` tells whether a
/// (lowercase) word is one the listed names use.
fn replaces_a_word(candidate: &str, target: &str, is_word: impl Fn(&str) -> bool) -> bool {
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
        // Short words are codes (`kms`/`dms`, `cu11`/`cu12`): each is its own package. Two
        // letters swapped into no word a listed name uses (`veu-router`, `socket.oi`,
        // `vinyl-sf`) are a slip; into one (`sentry-dns` beside `sentry-dsn`), another code.
        let swapped = matches!(
            distance::single_edit(a.as_bytes(), b.as_bytes()),
            Some(Edit::Transposition { .. })
        );
        return !swapped || is_word(a);
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
    /// Within a few edits of a target, by the segment index; described on the bare forms.
    pub(super) fn find_edits(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
        let query = candidate.skeleton.as_bytes();
        // The most any target may tolerate for this candidate (see `allowed` below).
        let widest = if query.len() >= 6 {
            allowed_edits(usize::MAX)
        } else if query.len() >= GARBLED_FROM {
            2
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
        // Folding a pair that reads as one letter (`rn` as `m`) shortens a name, and puts a
        // slip that touches the pair one edit further away on the skeletons (`seabonr` is two
        // edits from `seaborn`'s `seabom`, one from `seaborn`): such slips are measured on the
        // bare forms too.
        let candidate_folded = candidate.bare.len() != candidate.skeleton.len();
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
            // Two edits to a name too short for two slips are a garble, when they write what
            // no listed name is spelt with (checked below, once the distance is known).
            let garble = if shorter >= GARBLED_FROM { 2 } else { allowed };
            let widest = allowed.max(garble);
            // Most of what the segment index proposes is rejected by the signatures, without
            // the distance.
            let on_skeletons = forms::signatures_within(signature, target.signature, widest)
                .then(|| distance::osa_within(query, target.skeleton.as_bytes(), widest))
                .flatten();
            let folded = candidate_folded || target.bare.len() != target.skeleton.len();
            let on_bare = if folded && on_skeletons.is_none_or(|distance| distance > allowed) {
                distance::osa_within(candidate.bare.as_bytes(), target.bare.as_bytes(), allowed)
            } else {
                None
            };
            let Some(distance) = on_skeletons.into_iter().chain(on_bare).min() else {
                continue;
            };
            if distance > allowed && !self.garbles(candidate, id) {
                continue;
            }
            if distance == 0
                || replaces_a_word(candidate.key, self.key(id), |word| {
                    self.vocabulary.contains(word)
                })
            {
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
            let singular = target.bare.strip_suffix('s') == Some(candidate.bare.as_str());
            let truncates = finding.technique == Technique::Omission
                && target.bare.starts_with(candidate.bare.as_str())
                && !singular;
            if extends && finding.technique != Technique::Repetition && !truncates {
                // One letter added at an end or the first one dropped (`parquet2`,
                // `sqlglotc`, `jsmin` beside `rjsmin`): a variant as often as a slip. (A
                // doubled letter, `requestss`, stays a slip; so does the last letter cut
                // off, `tslib` as `tsli`, which spells no other name.)
                finding.base *= 0.75;
                if singular || adds_a_letter_word(candidate.key, self.key(id)) {
                    // The singular of a plural name (`callsite`, `delegate`) or a one-letter
                    // word added (`abort-controller-x`, a fork's mark): another name chosen,
                    // not a slip.
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

    /// Whether `candidate`, two edits from target `id`, garbles it: it keeps the target's
    /// first letter and all its letters but one, in order, and changes more than its last
    /// three (`openmm` beside `openai` is another name), and the edits write letter
    /// sequences no listed name is spelt with, in a name no listed words explain.
    fn garbles(&self, candidate: &Candidate<'_>, id: u32) -> bool {
        let target = &self.targets[id as usize].bare;
        let (a, b) = (candidate.bare.as_bytes(), target.as_bytes());
        let common_prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        a.first() == b.first()
            && common_prefix + 3 < a.len().max(b.len())
            && distance::common_subsequence(a, b) + 1 >= b.len()
            && self.spelling.novel(candidate.key, self.key(id)) >= GARBLED_TRIGRAMS
            && !self.vocabulary.explains(candidate.key)
    }

    /// The finding for target `id`, `distance` edits away: the fewer of the skeletons' and the
    /// bare forms' (see `find_edits`). A look-alike is what the skeletons bring closer.
    fn describe_edit(&self, candidate: &Candidate<'_>, id: u32, distance: usize) -> Finding {
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
        if target.scoped != candidate.scope.is_some() && distance <= 1 {
            return finding(
                Technique::Scope,
                0.6,
                format!("imitates the scoped name `{}`", self.name(id)),
            );
        }

        let bare_distance = distance::osa_within(candidate_bare, target_bare, 4);
        if bare_distance != Some(1) {
            let folded_a_look_alike = bare_distance.is_none_or(|bare| bare > distance);
            if folded_a_look_alike
                && distance == 1
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
