//! The direct purl writer agrees with `packageurl` wherever it answers.

use customs_core::{Ecosystem, Package, PackageName, Source, Version};
use proptest::prelude::*;

fn package(
    ecosystem: Ecosystem,
    name: &str,
    version: Option<&str>,
    source: Source,
) -> Option<Package> {
    Some(Package::new(
        ecosystem,
        PackageName::new(ecosystem, name).ok()?,
        version.map(|v| Version::new(ecosystem, v)),
        source,
    ))
}

/// Names and versions drawn from characters that are plain, need encoding, or fold case.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9._~-]{1,12}",
        "[a-zA-Z0-9._-]{1,12}",
        "[a-zA-Z0-9._~+@%#?é -]{1,12}",
    ]
}

fn ecosystem() -> impl Strategy<Value = Ecosystem> {
    prop_oneof![
        Just(Ecosystem::Npm),
        Just(Ecosystem::PyPI),
        Just(Ecosystem::CratesIo)
    ]
}

proptest! {
    #[test]
    fn plain_purls_equal_packageurls(
        ecosystem in ecosystem(),
        scope in prop::option::of(text()),
        name in text(),
        version in prop::option::of(text()),
        local in any::<bool>(),
    ) {
        let name = match scope {
            Some(scope) => format!("@{scope}/{name}"),
            None => name,
        };
        let source = if local { Source::Workspace { path: "p".into() } } else { Source::registry(ecosystem) };
        if let Some(package) = package(ecosystem, &name, version.as_deref(), source) {
            let purl = package.purl();
            prop_assert_eq!(&purl, &package.purl_through_packageurl(), "{}", name);
        }
    }
}
