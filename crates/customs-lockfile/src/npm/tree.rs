//! Install locations as a tree, for the Node-style lookup npm and bun do: a dependency of the
//! package at some location is the one installed under that location, else under its parent,
//! and so on up to the root.
//!
//! Keys are split once into their package names, and each location gets a number, so a lookup
//! costs one hash of the dependency's name per level, however long the keys are.

use std::collections::HashMap;

/// The root location (the project's own `node_modules`, or bun's hoisted keys).
pub(crate) const ROOT: usize = 0;

/// Deepest nesting accepted; deeper entries are reported and skipped.
pub(crate) const MAX_DEPTH: usize = 256;

#[derive(Debug)]
pub(crate) struct Tree<'k> {
    /// (where it is looked up from, name) -> location.
    children: HashMap<(usize, &'k str), usize>,
    /// Where the lookup goes next from each location.
    parent: Vec<usize>,
    depth: Vec<usize>,
    /// The entry installed at each location (`None` for a location only implied by a deeper
    /// key).
    node: Vec<Option<usize>>,
}

impl<'k> Tree<'k> {
    pub(crate) fn new() -> Self {
        Self {
            children: HashMap::new(),
            parent: vec![ROOT],
            depth: vec![0],
            node: vec![None],
        }
    }

    /// A separate namespace whose children are never found by [`Tree::resolve`] (npm's folders,
    /// which are reached only through links).
    pub(crate) fn namespace(&mut self) -> usize {
        self.push(ROOT, 0)
    }

    fn push(&mut self, parent: usize, depth: usize) -> usize {
        self.parent.push(parent);
        self.depth.push(depth);
        self.node.push(None);
        self.node.len() - 1
    }

    /// The location `name` has under `under`, created if new; lookups from it continue at
    /// `parent`. `None` when that would be deeper than [`MAX_DEPTH`].
    pub(crate) fn child(&mut self, under: usize, name: &'k str, parent: usize) -> Option<usize> {
        if let Some(&existing) = self.children.get(&(under, name)) {
            return Some(existing);
        }
        let depth = self.depth.get(under).copied().unwrap_or(0) + 1;
        if depth > MAX_DEPTH {
            return None;
        }
        let location = self.push(parent, depth);
        self.children.insert((under, name), location);
        Some(location)
    }

    /// Records the entry at a location; the first one wins.
    pub(crate) fn set_node(&mut self, location: usize, node: usize) {
        if let Some(slot @ None) = self.node.get_mut(location) {
            *slot = Some(node);
        }
    }

    /// The entry `name` resolves to from `from`: installed under `from`, else under each
    /// location the lookup goes to next, up to the root.
    pub(crate) fn resolve(&self, from: usize, name: &str) -> Option<usize> {
        let mut at = from;
        // Every step goes to a shallower location, so this ends; the bound is a safeguard.
        for _ in 0..=MAX_DEPTH + 1 {
            if let Some(node) = self
                .children
                .get(&(at, name))
                .and_then(|&child| self.node.get(child).copied().flatten())
            {
                return Some(node);
            }
            if at == ROOT {
                return None;
            }
            at = self.parent.get(at).copied().unwrap_or(ROOT);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_installed_copy_wins() {
        let mut tree = Tree::new();
        let a = tree.child(ROOT, "a", ROOT).unwrap();
        let b_root = tree.child(ROOT, "b", ROOT).unwrap();
        let b_in_a = tree.child(a, "b", a).unwrap();
        let c_in_b = tree.child(b_in_a, "c", b_in_a).unwrap();
        tree.set_node(a, 10);
        tree.set_node(b_root, 11);
        tree.set_node(b_in_a, 12);
        // c's location exists but holds no entry: lookups of `c` find nothing.
        assert_eq!(tree.resolve(c_in_b, "b"), Some(12));
        assert_eq!(tree.resolve(ROOT, "b"), Some(11));
        assert_eq!(tree.resolve(a, "a"), Some(10));
        assert_eq!(tree.resolve(c_in_b, "c"), None);
        let folders = tree.namespace();
        let folder = tree.child(folders, "a", ROOT).unwrap();
        assert_ne!(folder, a);
        assert_eq!(tree.resolve(folder, "b"), Some(11));
    }

    #[test]
    fn depth_is_bounded() {
        let mut tree = Tree::new();
        let mut at = ROOT;
        for _ in 0..MAX_DEPTH {
            at = tree.child(at, "x", at).unwrap();
        }
        assert_eq!(tree.child(at, "x", at), None);
    }
}
