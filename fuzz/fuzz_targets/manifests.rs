#![no_main]
use customs_lockfile::Input;
use customs_lockfile::manifest::ManifestKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for kind in [ManifestKind::PackageJson, ManifestKind::PyProject, ManifestKind::CargoToml] {
        let _ = kind.parse(Input { path: "fuzz", text });
    }
});
