//! [`SortedSet`]: the ordered set a package's digests, locations, aliases and dependencies live
//! in.
//!
//! Almost every such set holds one to a handful of elements, and a `BTreeSet` allocates a whole
//! eleven-slot node for the first one: on a lockfile of a thousand packages those nodes were a
//! third of the memory a scan touched, and touching fresh memory (page faults) was the largest
//! single cost of a scan. A sorted vector costs exactly its elements. Inserting into a sorted
//! vector moves the elements after the insertion point, so a set that grows past [`SMALL`]
//! elements (hostile input can put a package at a million locations) becomes a `BTreeSet` and
//! keeps its logarithmic bounds. Both forms iterate in order and compare, hash and serialize as
//! the same sequence, so the choice never shows.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, btree_set};
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Elements a set keeps in its sorted vector before it moves them into a B-tree.
pub const SMALL: usize = 32;

/// An ordered set of unique elements: a sorted vector while small, a B-tree once large. See
/// the [module documentation](self).
#[derive(Clone)]
pub struct SortedSet<T>(Repr<T>);

#[derive(Clone)]
enum Repr<T> {
    Small(Vec<T>),
    Large(BTreeSet<T>),
}

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        Self(Repr::Small(Vec::new()))
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Small(items) => items.len(),
            Repr::Large(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements in ascending order.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter(match &self.0 {
            Repr::Small(items) => IterRepr::Small(items.iter()),
            Repr::Large(items) => IterRepr::Large(items.iter()),
        })
    }

    pub fn first(&self) -> Option<&T> {
        self.iter().next()
    }

    pub fn last(&self) -> Option<&T> {
        self.iter().next_back()
    }

    pub fn clear(&mut self) {
        self.0 = Repr::Small(Vec::new());
    }
}

impl<T: Ord> SortedSet<T> {
    /// Adds `value`; false when an equal element was already there (the set keeps the old one).
    pub fn insert(&mut self, value: T) -> bool {
        match &mut self.0 {
            Repr::Small(items) => {
                // Parsers mostly add in order: check the end before searching.
                let at = match items.last().map(|last| last.cmp(&value)) {
                    None | Some(Ordering::Less) => items.len(),
                    Some(Ordering::Equal) => return false,
                    Some(Ordering::Greater) => match items.binary_search(&value) {
                        Ok(_) => return false,
                        Err(at) => at,
                    },
                };
                if items.len() < SMALL {
                    if items.len() == items.capacity() {
                        // Grow 1, 2, 4, ... rather than from four: most sets hold one element.
                        items.reserve_exact(items.len().max(1));
                    }
                    items.insert(at, value);
                } else {
                    let mut large: BTreeSet<T> = std::mem::take(items).into_iter().collect();
                    large.insert(value);
                    self.0 = Repr::Large(large);
                }
                true
            }
            Repr::Large(items) => items.insert(value),
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match &self.0 {
            Repr::Small(items) => items
                .binary_search_by(|item| item.borrow().cmp(value))
                .is_ok(),
            Repr::Large(items) => items.contains(value),
        }
    }

    /// Removes `value`; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match &mut self.0 {
            Repr::Small(items) => match items.binary_search_by(|item| item.borrow().cmp(value)) {
                Ok(at) => {
                    items.remove(at);
                    true
                }
                Err(_) => false,
            },
            Repr::Large(items) => items.remove(value),
        }
    }

    /// Keeps the elements for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        match &mut self.0 {
            Repr::Small(items) => items.retain(keep),
            Repr::Large(items) => items.retain(keep),
        }
    }

    /// A set of the elements of `items`, sorted and deduplicated in one pass (the first of
    /// equal elements is kept).
    fn from_vec(mut items: Vec<T>) -> Self {
        items.sort();
        items.dedup();
        if items.len() <= SMALL {
            Self(Repr::Small(items))
        } else {
            Self(Repr::Large(items.into_iter().collect()))
        }
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        match &mut self.0 {
            Repr::Small(items) if items.is_empty() => {
                // Collecting a vector's own iterator reuses its buffer.
                *self = Self::from_vec(iter.into_iter().collect());
            }
            Repr::Small(items) => {
                // One sort of the union instead of a shifting insert per element. Equal
                // elements keep their order (the sort is stable), so the set's own win.
                let before = items.len();
                items.extend(iter);
                if items.len() != before {
                    let all = std::mem::take(items);
                    *self = Self::from_vec(all);
                }
            }
            Repr::Large(items) => items.extend(iter),
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Self::from_vec(iter.into_iter().collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: Ord> From<BTreeSet<T>> for SortedSet<T> {
    fn from(items: BTreeSet<T>) -> Self {
        if items.len() <= SMALL {
            Self(Repr::Small(items.into_iter().collect()))
        } else {
            Self(Repr::Large(items))
        }
    }
}

impl<T: PartialEq> PartialEq for SortedSet<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for SortedSet<T> {}

impl<T: PartialOrd> PartialOrd for SortedSet<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.iter().partial_cmp(other.iter())
    }
}

impl<T: Ord> Ord for SortedSet<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl<T: Hash> Hash for SortedSet<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for item in self {
            item.hash(state);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Self::from_vec)
    }
}

/// The elements of a [`SortedSet`] in ascending order.
#[derive(Clone, Debug)]
pub struct Iter<'a, T>(IterRepr<'a, T>);

#[derive(Clone, Debug)]
enum IterRepr<'a, T> {
    Small(std::slice::Iter<'a, T>),
    Large(btree_set::Iter<'a, T>),
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        match &mut self.0 {
            IterRepr::Small(items) => items.next(),
            IterRepr::Large(items) => items.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterRepr::Small(items) => items.size_hint(),
            IterRepr::Large(items) => items.size_hint(),
        }
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Small(items) => items.next_back(),
            IterRepr::Large(items) => items.next_back(),
        }
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

/// The elements of a [`SortedSet`], owned, in ascending order.
#[derive(Debug)]
pub struct IntoIter<T>(IntoIterRepr<T>);

#[derive(Debug)]
enum IntoIterRepr<T> {
    Small(std::vec::IntoIter<T>),
    Large(btree_set::IntoIter<T>),
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match &mut self.0 {
            IntoIterRepr::Small(items) => items.next(),
            IntoIterRepr::Large(items) => items.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IntoIterRepr::Small(items) => items.size_hint(),
            IntoIterRepr::Large(items) => items.size_hint(),
        }
    }
}

impl<T> DoubleEndedIterator for IntoIter<T> {
    fn next_back(&mut self) -> Option<T> {
        match &mut self.0 {
            IntoIterRepr::Small(items) => items.next_back(),
            IntoIterRepr::Large(items) => items.next_back(),
        }
    }
}

impl<T> ExactSizeIterator for IntoIter<T> {}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        IntoIter(match self.0 {
            Repr::Small(items) => IntoIterRepr::Small(items.into_iter()),
            Repr::Large(items) => IntoIterRepr::Large(items.into_iter()),
        })
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn small_sets_stay_vectors_and_large_ones_become_trees() {
        let mut set = SortedSet::new();
        for i in (0..SMALL as u32).rev() {
            assert!(set.insert(i));
        }
        assert!(matches!(set.0, Repr::Small(_)));
        assert!(!set.insert(3));
        assert!(set.insert(SMALL as u32));
        assert!(matches!(set.0, Repr::Large(_)));
        assert_eq!(set.len(), SMALL + 1);
        assert_eq!(set.first(), Some(&0));
        assert_eq!(set.last(), Some(&(SMALL as u32)));
    }

    #[test]
    fn forms_compare_serialize_and_hash_alike() {
        let small: SortedSet<u32> = (0..SMALL as u32).collect();
        let large = SortedSet::from((0..SMALL as u32).chain([99]).collect::<BTreeSet<u32>>());
        let mut shrunk = large.clone();
        assert!(shrunk.remove(&99));
        assert!(matches!(shrunk.0, Repr::Large(_)));
        assert_eq!(small, shrunk);
        assert_eq!(
            serde_json::to_string(&small).ok(),
            serde_json::to_string(&shrunk).ok()
        );
        let hash = |set: &SortedSet<u32>| {
            let mut hasher = std::hash::DefaultHasher::new();
            set.hash(&mut hasher);
            hasher.finish()
        };
        assert_eq!(hash(&small), hash(&shrunk));
        assert!(small < large);
    }

    #[test]
    fn extend_keeps_the_first_of_equal_elements() {
        #[derive(Debug, Clone, Copy)]
        struct Tagged(u32, &'static str);
        impl PartialEq for Tagged {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for Tagged {}
        impl PartialOrd for Tagged {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for Tagged {
            fn cmp(&self, other: &Self) -> Ordering {
                self.0.cmp(&other.0)
            }
        }
        let mut set = SortedSet::from([Tagged(1, "old"), Tagged(2, "old")]);
        set.extend([Tagged(2, "new"), Tagged(0, "new")]);
        let tags: Vec<_> = set.iter().map(|t| (t.0, t.1)).collect();
        assert_eq!(tags, [(0, "new"), (1, "old"), (2, "old")]);
    }

    #[test]
    fn deserializing_sorts_and_deduplicates() {
        let set: SortedSet<u32> = serde_json::from_str("[3, 1, 3, 2]").unwrap_or_default();
        assert_eq!(set.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
    }

    proptest! {
        #[test]
        fn behaves_as_a_btreeset(ops in prop::collection::vec((0u8..4, 0u16..80), 0..300)) {
            let mut ours = SortedSet::new();
            let mut model = BTreeSet::new();
            for (op, value) in ops {
                match op {
                    0 | 1 => prop_assert_eq!(ours.insert(value), model.insert(value)),
                    2 => prop_assert_eq!(ours.remove(&value), model.remove(&value)),
                    _ => {
                        let more = [value, value / 2, value.saturating_add(7)];
                        ours.extend(more);
                        model.extend(more);
                    }
                }
                prop_assert_eq!(ours.len(), model.len());
                prop_assert!(ours.iter().eq(model.iter()));
                prop_assert!(ours.iter().rev().eq(model.iter().rev()));
                prop_assert_eq!(ours.contains(&value), model.contains(&value));
            }
            let owned: Vec<_> = ours.into_iter().collect();
            prop_assert_eq!(owned, model.into_iter().collect::<Vec<_>>());
        }
    }
}
