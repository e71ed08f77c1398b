//! An index for "which targets are within a few edits of this string" that is cheap to build:
//! the partition scheme of PassJoin (Li, Deng, Wang, Feng: "PassJoin: A Partition-based Method
//! for Similarity Joins", VLDB 2012).
//!
//! Each target of length `n` is cut into `tolerance(n) + 1` segments. If a query is within
//! `tolerance(n)` (Levenshtein) edits, at least one segment survives untouched, and it sits in
//! the query within a few positions of where it sits in the target. So the index holds one
//! entry per segment (3 or 4 per target, against ~50 deletion variants per target for a
//! SymSpell-style index), and a query looks up, for each plausible target length and
//! segment, only the substrings at those positions; every hit is then verified.
//!
//! The tolerance follows the detector's: a short target is searched for one edit, a long one
//! for two. Fewer, longer segments for short targets are what keeps the candidates few: a
//! six-letter target cut in four has one-letter segments, which half the queries contain.

use std::hash::BuildHasher;

use crate::forms::HashIndex;

/// The largest Levenshtein distance the index finds, for targets of [`TWO_EDITS_FROM`] letters
/// or more: two edits, one of them an adjacent swap (which Levenshtein counts as two).
pub(crate) const MAX_DISTANCE: usize = 3;
/// Shorter targets are found within one edit, a swap included (Levenshtein 2).
pub(crate) const TWO_EDITS_FROM: usize = 8;
/// Targets shorter than this are never matched by distance (see `Options`).
pub(crate) const MIN_LENGTH: usize = 4;
/// Longer strings are not indexed (no real name is this long once separators are gone).
const MAX_LENGTH: usize = 255;

/// The Levenshtein distance within which the index finds a target of this length.
pub(crate) fn tolerance(length: usize) -> usize {
    if length >= TWO_EDITS_FROM {
        MAX_DISTANCE
    } else {
        2
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SegmentIndex {
    hasher: foldhash::fast::RandomState,
    segments: HashIndex,
}

/// Start and length of segment `index` of a string of length `length`, cut into
/// `tolerance(length) + 1`. Earlier segments are the shorter ones, as in the paper.
fn segment(length: usize, index: usize) -> (usize, usize) {
    let segments = tolerance(length) + 1;
    let short = length / segments;
    let long_count = length % segments;
    let short_count = segments - long_count;
    if index < short_count {
        (index * short, short)
    } else {
        (
            short_count * short + (index - short_count) * (short + 1),
            short + 1,
        )
    }
}

fn segment_hash(
    hasher: &foldhash::fast::RandomState,
    length: usize,
    index: usize,
    bytes: &[u8],
) -> u64 {
    hasher.hash_one((length, index, bytes))
}

impl SegmentIndex {
    /// Indexes `strings[id]` under its id.
    pub(crate) fn build<'a>(
        hasher: &foldhash::fast::RandomState,
        strings: impl Iterator<Item = (u32, &'a [u8])>,
    ) -> Self {
        let mut entries = Vec::new();
        for (id, bytes) in strings {
            let length = bytes.len();
            if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
                continue;
            }
            for index in 0..=tolerance(length) {
                let (start, size) = segment(length, index);
                entries.push((
                    segment_hash(hasher, length, index, &bytes[start..start + size]),
                    id,
                ));
            }
        }
        SegmentIndex {
            hasher: hasher.clone(),
            segments: HashIndex::new(hasher.clone(), entries),
        }
    }

    /// Calls `found` with the id of every indexed string that may be within `max_distance`
    /// (at most [`MAX_DISTANCE`]) of `query`, possibly more than once, possibly for strings that
    /// are not: callers verify.
    pub(crate) fn candidates(&self, query: &[u8], max_distance: usize, mut found: impl FnMut(u32)) {
        let max_distance = max_distance.min(MAX_DISTANCE);
        let query_length = query.len();
        let shortest = query_length.saturating_sub(max_distance).max(MIN_LENGTH);
        let longest = (query_length + max_distance).min(MAX_LENGTH);
        for length in shortest..=longest {
            // Signed difference of lengths: query minus target.
            let delta = query_length as isize - length as isize;
            // PassJoin's multi-match-aware window, widened to the tolerance the segments of
            // this length are cut for, whatever the query's.
            let tau = tolerance(length) as isize;
            for index in 0..=tolerance(length) {
                let (start, size) = segment(length, index);
                let start = start as isize;
                let index_signed = index as isize;
                let low = (start - index_signed).max(start + delta - (tau - index_signed));
                let high = (start + index_signed).min(start + delta + (tau - index_signed));
                for position in low.max(0)..=high {
                    let position = position as usize;
                    let Some(bytes) = query.get(position..position + size) else {
                        continue;
                    };
                    let hash = segment_hash(&self.hasher, length, index, bytes);
                    for id in self.segments.get_hash(hash) {
                        found(id);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn levenshtein(a: &[u8], b: &[u8]) -> usize {
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut current = vec![i + 1; b.len() + 1];
            for (j, y) in b.iter().enumerate() {
                current[j + 1] = (previous[j + 1] + 1)
                    .min(current[j] + 1)
                    .min(previous[j] + usize::from(x != y));
            }
            previous = current;
        }
        previous[b.len()]
    }

    #[test]
    fn segments_cover_the_string() {
        for length in MIN_LENGTH..40 {
            let mut next = 0;
            for index in 0..=tolerance(length) {
                let (start, size) = segment(length, index);
                assert_eq!(start, next);
                assert!(size >= 1);
                next = start + size;
            }
            assert_eq!(next, length);
        }
    }

    proptest! {
        // The index never misses a string within its tolerance: compared with brute force on
        // small alphabets, where near matches are common.
        #[test]
        fn finds_everything_within_the_distance(
            targets in proptest::collection::vec("[abc]{4,12}", 1..30),
            query in "[abc]{2,14}",
        ) {
            let hasher = foldhash::fast::RandomState::default();
            let index = SegmentIndex::build(
                &hasher,
                targets.iter().enumerate().map(|(id, t)| (id as u32, t.as_bytes())),
            );
            let mut found = vec![false; targets.len()];
            index.candidates(query.as_bytes(), MAX_DISTANCE, |id| found[id as usize] = true);
            for (id, target) in targets.iter().enumerate() {
                if levenshtein(query.as_bytes(), target.as_bytes()) <= tolerance(target.len()) {
                    prop_assert!(found[id], "missed {target} for {query}");
                }
            }
        }
    }
}
