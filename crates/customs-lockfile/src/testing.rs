//! Test helpers shared by the parser modules.

use crate::Parsed;

/// Like [`crate::summary::render`], but with each package's dependency ids spelled out, for
/// unit tests that pin the graph.
pub(crate) fn summary(parsed: &Parsed) -> String {
    let mut out = format!("format: {}\n", parsed.format);
    let mut packages: Vec<_> = parsed.packages.iter().collect();
    packages.sort_by_key(|p| p.purl());
    for p in packages {
        out.push_str(&format!(
            "{}{} direct={} source={} lines={:?} sha256={} deps={:?}\n",
            p.purl(),
            p.scope
                .map(|s| format!(" scope={}", s.as_str()))
                .unwrap_or_default(),
            p.direct,
            p.source.kind(),
            p.locations.iter().map(|l| l.line).collect::<Vec<_>>(),
            p.integrity.iter().next().map_or("-", |i| &i.digest[..8]),
            p.dependencies
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>(),
        ));
    }
    for e in &parsed.errors {
        out.push_str(&format!("error: {:?} {}\n", e.line, e.full_message()));
    }
    for w in &parsed.warnings {
        out.push_str(&format!("warning: {:?} {}\n", w.line, w.full_message()));
    }
    out
}
