//! Lexical paths as lockfiles and reports write them: `/`-separated, relative to a directory.

/// `path` normalised: `.` and empty parts dropped, `..` taking back a component where there is
/// one (kept at the front of a relative path that climbs out, dropped at the root of an absolute
/// one), `\` read as `/`. The empty path is `.`. Purely lexical: nothing is read from disk.
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `base/path`, normalised as [`normalize_path`] does; an absolute `path` ignores `base`, and an
/// empty `base` is the current directory.
pub fn join_path(base: &str, path: &str) -> String {
    if path.starts_with('/') || base.is_empty() {
        return normalize_path(path);
    }
    normalize_path(&format!("{base}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_folds_dots() {
        assert_eq!(join_path(".", "crates/a"), "crates/a");
        assert_eq!(join_path("", "crates/a"), "crates/a");
        assert_eq!(join_path("crates/a", "../b"), "crates/b");
        assert_eq!(join_path(".", "../outside"), "../outside");
        assert_eq!(join_path("a", "../../outside"), "../outside");
        assert_eq!(join_path("a", "./"), "a");
        assert_eq!(join_path("a", ".."), ".");
        assert_eq!(join_path("web/../web", "."), "web");
        assert_eq!(join_path("a", "/abs/../x"), "/x");
        assert_eq!(normalize_path("/../x"), "/x");
        assert_eq!(normalize_path("a\\b\\..\\c"), "a/c");
        assert_eq!(normalize_path(""), ".");
    }
}
