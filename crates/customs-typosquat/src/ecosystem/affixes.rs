//! A popular name with generic words added: separated, glued on, versions and meaningless
//! letters (see [`crate::affix`]).

use super::{Candidate, EcosystemIndex, Finding};
use crate::affix::{self, Strength};
use crate::distance::{self, Edit};
use crate::forms;
use crate::technique::Technique;

impl EcosystemIndex {
    /// A target plus generic words (`-py`, `.js`, `-v4`), as separate words or glued on.
    pub(super) fn find_affixes(&self, candidate: &Candidate<'_>, findings: &mut Vec<Finding>) {
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
}
