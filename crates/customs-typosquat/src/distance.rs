//! Edit distance with adjacent transpositions (optimal string alignment), bounded, and the
//! description of a single edit.

/// The optimal-string-alignment distance between `a` and `b`, or `None` when it exceeds `max`.
/// Works on bytes: names are ASCII by the time they are compared (see [`crate::forms`]).
///
/// This runs for every candidate the segment index proposes, so it is cheap: the common
/// prefix and suffix are skipped, only the band of cells within `max` of the diagonal is
/// computed, in rows on the stack, and it stops at the first row with nothing within `max`.
pub(crate) fn osa_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        // What remains of one is all inserted or all left out.
        let distance = a.len().max(b.len());
        return (distance <= max).then_some(distance);
    }
    if b.len() >= ROW {
        return osa_unbanded(a, b, max);
    }
    // Any value above `max` is as good as another: rows hold at most `beyond`.
    let beyond = u16::try_from(max.saturating_add(1)).unwrap_or(u16::MAX);
    let capped = |value: usize| u16::try_from(value).map_or(beyond, |value| value.min(beyond));
    let mut before = [0u16; ROW];
    let mut previous = [0u16; ROW];
    let mut current = [0u16; ROW];
    for (j, cell) in previous.iter_mut().enumerate().take(b.len() + 1) {
        *cell = capped(j);
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(max).max(1);
        let high = (i + max).min(b.len());
        current[0] = capped(i);
        if low > 1 {
            current[low - 1] = beyond;
        }
        let mut row_minimum = if low == 1 { current[0] } else { beyond };
        for j in low..=high {
            let cost = u16::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            let value = value.min(beyond);
            current[j] = value;
            row_minimum = row_minimum.min(value);
        }
        if high < b.len() {
            current[high + 1] = beyond;
        }
        if usize::from(row_minimum) > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = usize::from(previous[b.len()]);
    (distance <= max).then_some(distance)
}

/// Longest string (plus one) the stack rows of [`osa_within`] hold; longer ones, which no
/// real name reaches, take [`osa_unbanded`].
const ROW: usize = 128;

/// The plain dynamic programme, on the heap.
fn osa_unbanded(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_minimum = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(before[j - 2] + 1);
            }
            current[j] = value;
            row_minimum = row_minimum.min(value);
        }
        if row_minimum > max {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= max).then_some(distance)
}

/// What one edit did to the target to give the candidate. Positions index the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Two adjacent bytes swapped, at `at` and `at + 1`.
    Transposition { at: usize },
    /// The target's `from` replaced with `to`.
    Substitution { at: usize, from: u8, to: u8 },
    /// `byte` added before the target's position `at`.
    Insertion { at: usize, byte: u8 },
    /// The target's `byte` at `at` left out.
    Deletion { at: usize, byte: u8 },
}

/// The single edit turning `target` into `candidate`, when they are exactly one edit apart.
/// The length of the longest common subsequence of `a` and `b`: how many of one's letters the
/// other keeps in order. Quadratic; for names only.
pub(crate) fn common_subsequence(a: &[u8], b: &[u8]) -> usize {
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            current[j + 1] = if x == y {
                previous[j] + 1
            } else {
                previous[j + 1].max(current[j])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

pub(crate) fn single_edit(candidate: &[u8], target: &[u8]) -> Option<Edit> {
    let prefix = candidate
        .iter()
        .zip(target)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = candidate[prefix..]
        .iter()
        .rev()
        .zip(target[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let candidate_middle = &candidate[prefix..candidate.len() - suffix];
    let target_middle = &target[prefix..target.len() - suffix];
    match (candidate_middle, target_middle) {
        ([to], [from]) => Some(Edit::Substitution {
            at: prefix,
            from: *from,
            to: *to,
        }),
        ([byte], []) => Some(Edit::Insertion {
            at: prefix,
            byte: *byte,
        }),
        ([], [byte]) => Some(Edit::Deletion {
            at: prefix,
            byte: *byte,
        }),
        ([a, b], [c, d]) if a == d && b == c => Some(Edit::Transposition { at: prefix }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn common_subsequences() {
        assert_eq!(common_subsequence(b"pfstcgss", b"postcss"), 6);
        assert_eq!(common_subsequence(b"exbrqss", b"express"), 5);
        assert_eq!(common_subsequence(b"", b"abc"), 0);
        assert_eq!(common_subsequence(b"abc", b"abc"), 3);
    }

    proptest! {
        // The banded, trimmed version agrees with the plain programme, on small alphabets
        // where near matches (and swaps) are common, and past the stack rows.
        #[test]
        fn banded_distance_matches_the_plain_one(
            a in "[abc]{0,12}",
            b in "[abc]{0,12}",
            max in 0usize..5,
        ) {
            let plain = osa_unbanded(a.as_bytes(), b.as_bytes(), usize::MAX)
                .filter(|distance| *distance <= max);
            prop_assert_eq!(osa_within(a.as_bytes(), b.as_bytes(), max), plain);
        }

        #[test]
        fn long_strings_take_the_plain_programme(tail in "[ab]{0,4}", max in 0usize..4) {
            let middle = "x".repeat(150);
            let a = format!("a{middle}b");
            let b = format!("{tail}b{middle}a");
            let plain = osa_unbanded(a.as_bytes(), b.as_bytes(), usize::MAX)
                .filter(|distance| *distance <= max);
            prop_assert_eq!(osa_within(a.as_bytes(), b.as_bytes(), max), plain);
        }
    }

    #[test]
    fn osa_counts_transpositions_once() {
        assert_eq!(osa_within(b"loadsh", b"lodash", 2), Some(1));
        assert_eq!(osa_within(b"lodash", b"lodash", 0), Some(0));
        assert_eq!(osa_within(b"reqeusts", b"requests", 1), Some(1));
        assert_eq!(osa_within(b"baeutifulsoup", b"beautifulsoup4", 2), Some(2));
        assert_eq!(osa_within(b"axios", b"express", 2), None);
        assert_eq!(osa_within(b"", b"abc", 3), Some(3));
        assert_eq!(osa_within(b"abc", b"", 2), None);
    }

    #[test]
    fn single_edits_are_described() {
        assert_eq!(
            single_edit(b"loadsh", b"lodash"),
            Some(Edit::Transposition { at: 2 })
        );
        assert_eq!(
            single_edit(b"requestss", b"requests"),
            Some(Edit::Insertion { at: 8, byte: b's' })
        );
        assert_eq!(
            single_edit(b"reqests", b"requests"),
            Some(Edit::Deletion { at: 3, byte: b'u' })
        );
        assert_eq!(
            single_edit(b"lodasg", b"lodash"),
            Some(Edit::Substitution {
                at: 5,
                from: b'h',
                to: b'g'
            })
        );
        assert_eq!(single_edit(b"abcd", b"wxyz"), None);
    }
}
