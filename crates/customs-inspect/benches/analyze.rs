//! Analysis speed: `cargo bench -p customs-inspect --bench analyze`.
//!
//! About 120 MB of generated packages (npm tarballs' contents, wheels, crates) of
//! source-like JavaScript (readable and minified), Python and Rust: requires and imports
//! between files, string literals, comments, URLs, the odd `child_process` or `eval`. Each
//! package is analysed whole (manifest, entry points, reachability, the YARA rules, the Rust
//! analysers, scoring) on one thread; speed is MB/s of unpacked file content (1 MB = 10^6
//! bytes). The goal is 100 MB/s per core. Each run analyses every package; the median and the
//! fastest run are printed, and `--check` exits 1 when the fastest is below the goal: on a
//! shared machine, other work only ever adds time, so the fastest run is the closest to what
//! one core does (the median is printed to show the spread).
//!
//! The baseline in the same run is the floor of any analysis that reads every byte once:
//! `memchr` counting newlines over the same files.

#![expect(
    clippy::print_stdout,
    clippy::unwrap_used,
    reason = "a benchmark program: printing is its output, a panic its failure report"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use customs_core::Ecosystem;
use customs_inspect::{Analyzer, Archive, ArchiveKind, File, Level};

const TARGET_BYTES: usize = 120_000_000;
const RUNS: usize = 5;
const GOAL_MB_PER_SECOND: f64 = 100.0;

/// A deterministic generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "value", "options", "config", "buffer", "stream", "request", "response", "error", "result",
    "index", "length", "data", "node", "parent", "child", "token", "cache", "handler", "event",
    "target", "source", "path", "name", "item", "list", "map", "key", "entry", "state", "context",
];
const VERBS: &[&str] = &[
    "get",
    "set",
    "parse",
    "format",
    "read",
    "write",
    "create",
    "update",
    "remove",
    "find",
    "load",
    "save",
    "resolve",
    "normalize",
    "validate",
    "render",
    "emit",
    "handle",
    "merge",
];
const WORDS: &[&str] = &[
    "the", "a", "value", "is", "returned", "when", "not", "found", "for", "each", "item", "in",
    "list", "with", "default", "options", "see", "docs", "this", "function", "may", "throw",
];
const MODULES_JS: &[&str] = &[
    "fs", "path", "util", "events", "stream", "url", "os", "assert",
];
const MODULES_PY: &[&str] = &[
    "os",
    "sys",
    "json",
    "re",
    "typing",
    "logging",
    "pathlib",
    "dataclasses",
    "functools",
];

fn identifier(rng: &mut XorShift) -> String {
    let verb = rng.pick(VERBS);
    let noun = rng.pick(NOUNS);
    let mut chars = noun.chars();
    let first = chars.next().unwrap().to_ascii_uppercase();
    format!("{verb}{first}{}", chars.as_str())
}

fn sentence(rng: &mut XorShift, words: usize) -> String {
    (0..words)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn javascript(rng: &mut XorShift, size: usize, siblings: &[String]) -> Vec<u8> {
    let mut out = String::with_capacity(size + 256);
    out.push_str("'use strict';\n\n");
    for module in MODULES_JS.iter().take(1 + rng.below(4)) {
        out.push_str(&format!("const {module} = require('{module}');\n"));
    }
    for sibling in siblings.iter().take(3) {
        out.push_str(&format!(
            "const {} = require('./{sibling}');\n",
            identifier(rng)
        ));
    }
    out.push('\n');
    while out.len() < size {
        let name = identifier(rng);
        let noun = rng.pick(NOUNS);
        match rng.below(12) {
            0 => out.push_str(&format!("/**\n * {}.\n * @param {{{noun}}} {noun}\n */\n", sentence(rng, 10))),
            1 => out.push_str(&format!(
                "async function {name}({noun}) {{\n  const response = await fetch('https://api.example.com/v1/{noun}/' + {noun}.id);\n  return response.json();\n}}\n\n"
            )),
            2 => out.push_str(&format!(
                "if (process.env.NODE_ENV !== 'production') {{\n  console.warn(`{}: ${{{noun}}}`);\n}}\n",
                sentence(rng, 6)
            )),
            3 => out.push_str(&format!(
                "const {name}Pattern = /^[a-z0-9-]+\\.{noun}$/i;\n"
            )),
            4 => out.push_str(&format!(
                "module.exports.{name} = function {name}({noun}, options = {{}}) {{\n  if (!{noun}) throw new TypeError('{} {noun}');\n  return Object.assign({{}}, options, {{ {noun} }});\n}};\n\n",
                sentence(rng, 4)
            )),
            5 => out.push_str(&format!(
                "class {}{} {{\n  constructor({noun}) {{\n    this.{noun} = {noun};\n    this.count = {};\n  }}\n  {name}() {{\n    return this.{noun}.map((item) => item.{}).filter(Boolean);\n  }}\n}}\n\n",
                noun.to_ascii_uppercase(),
                rng.below(1000),
                rng.below(100),
                rng.pick(NOUNS)
            )),
            6 => out.push_str(&format!(
                "const {name}Table = [{}];\n",
                (0..16).map(|_| rng.below(256).to_string()).collect::<Vec<_>>().join(", ")
            )),
            7 => out.push_str(&format!(
                "  {noun}.on('{}', (event) => {{ {name}(event.{}, {}); }});\n",
                rng.pick(NOUNS),
                rng.pick(NOUNS),
                rng.below(10)
            )),
            8 => out.push_str(&format!(
                "const {name}Key = '{}';\n",
                (0..(8 + rng.below(40))).map(|_| char::from(b'a' + rng.below(26) as u8)).collect::<String>()
            )),
            _ => out.push_str(&format!(
                "  for (let i = 0; i < {noun}.length; i += 1) {{\n    if ({noun}[i] === {}) return i; // {}\n  }}\n",
                rng.below(100),
                sentence(rng, 5)
            )),
        }
    }
    out.into_bytes()
}

fn minified(rng: &mut XorShift, size: usize) -> Vec<u8> {
    let mut out = String::with_capacity(size + 256);
    out.push_str("!function(e,t){\"object\"==typeof exports?module.exports=t():e.Lib=t()}(this,function(){\"use strict\";");
    while out.len() < size {
        let a = char::from(b'a' + rng.below(26) as u8);
        let b = char::from(b'a' + rng.below(26) as u8);
        out.push_str(&format!(
            "function {a}{b}{}(t,e){{var n=t.{}(e),r=\"{}\";return n&&n.length>{}?n.slice(0,{}).concat(r):[]}}",
            rng.below(1000),
            rng.pick(VERBS),
            rng.pick(NOUNS),
            rng.below(64),
            rng.below(8)
        ));
        if rng.below(40) == 0 {
            out.push('\n');
        }
    }
    out.push_str("return{}});\n");
    out.into_bytes()
}

fn python(rng: &mut XorShift, size: usize, package: &str, siblings: &[String]) -> Vec<u8> {
    let mut out = String::with_capacity(size + 256);
    out.push_str(&format!("\"\"\"{}.\"\"\"\n\n", sentence(rng, 8)));
    for module in MODULES_PY.iter().take(2 + rng.below(5)) {
        out.push_str(&format!("import {module}\n"));
    }
    for sibling in siblings.iter().take(3) {
        out.push_str(&format!(
            "from {package}.{sibling} import {}\n",
            identifier(rng)
        ));
    }
    out.push('\n');
    while out.len() < size {
        let name = identifier(rng);
        let noun = rng.pick(NOUNS);
        match rng.below(6) {
            0 => out.push_str(&format!(
                "\n\nclass {}{}:\n    \"\"\"{}.\"\"\"\n\n    def __init__(self, {noun}=None):\n        self.{noun} = {noun}\n        self._cache = {{}}\n",
                noun.to_ascii_uppercase(),
                rng.below(1000),
                sentence(rng, 9)
            )),
            1 => out.push_str(&format!(
                "\n    def {name}(self, {noun}, *, strict=False):\n        if {noun} is None:\n            raise ValueError(\"{} {noun}\")\n        return [item for item in {noun} if item.{}]\n",
                sentence(rng, 4),
                rng.pick(NOUNS)
            )),
            2 => out.push_str(&format!(
                "\n\ndef {name}(path, encoding=\"utf-8\"):\n    with open(path, encoding=encoding) as handle:\n        return json.loads(handle.read())\n"
            )),
            3 => out.push_str(&format!(
                "    logger.debug(\"{}: %s\", {noun})  # {}\n",
                sentence(rng, 5),
                sentence(rng, 4)
            )),
            4 => out.push_str(&format!(
                "{}_PATTERN = re.compile(r\"^[a-z_][a-z0-9_]{{0,{}}}$\")\n",
                noun.to_ascii_uppercase(),
                rng.below(64)
            )),
            _ => out.push_str(&format!(
                "        value = os.environ.get(\"{}_{}\", \"{}\")\n",
                package.to_ascii_uppercase(),
                noun.to_ascii_uppercase(),
                rng.pick(WORDS)
            )),
        }
    }
    out.into_bytes()
}

fn rust(rng: &mut XorShift, size: usize, modules: &[String]) -> Vec<u8> {
    let mut out = String::with_capacity(size + 256);
    out.push_str(&format!("//! {}.\n\n", sentence(rng, 8)));
    for module in modules {
        out.push_str(&format!("pub mod {module};\n"));
    }
    out.push_str("use std::collections::HashMap;\nuse std::fmt;\n\n");
    while out.len() < size {
        let name = identifier(rng).to_ascii_lowercase();
        let noun = rng.pick(NOUNS);
        match rng.below(5) {
            0 => out.push_str(&format!(
                "/// {}.\npub fn {name}({noun}: &str) -> Result<String, Error> {{\n    if {noun}.is_empty() {{\n        return Err(Error::Empty);\n    }}\n    Ok(format!(\"{{}}-{}\", {noun}))\n}}\n\n",
                sentence(rng, 8),
                rng.below(1000)
            )),
            1 => out.push_str(&format!(
                "#[derive(Clone, Debug, PartialEq, Eq)]\npub struct {}{} {{\n    pub {noun}: String,\n    pub count: usize,\n    entries: HashMap<String, u32>,\n}}\n\n",
                noun.to_ascii_uppercase(),
                rng.below(1000)
            )),
            2 => out.push_str(&format!(
                "impl fmt::Display for Error{} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        write!(f, \"{}\")\n    }}\n}}\n\n",
                rng.below(1000),
                sentence(rng, 5)
            )),
            3 => out.push_str(&format!(
                "    let {noun} = {noun}.iter().map(|item| item.{}()).collect::<Vec<_>>(); // {}\n",
                rng.pick(VERBS),
                sentence(rng, 5)
            )),
            _ => out.push_str(&format!(
                "const {}_LIMIT: usize = {};\n",
                noun.to_ascii_uppercase(),
                rng.below(1 << 20)
            )),
        }
    }
    out.into_bytes()
}

fn file(path: String, data: Vec<u8>, index: usize) -> File {
    File {
        path,
        index,
        data,
        executable: false,
    }
}

fn archive(files: Vec<File>) -> Archive {
    Archive {
        kind: ArchiveKind::TarGz,
        entries: files.len(),
        unpacked_bytes: files.iter().map(File::size).sum(),
        files,
        skipped: Vec::new(),
        package_root: None,
        duplicates: Vec::new(),
    }
}

/// 80% of files up to 8 KiB, 18% up to 64 KiB, 2% up to 1 MiB.
fn file_size(rng: &mut XorShift) -> usize {
    match rng.below(100) {
        0..=79 => 300 + rng.below(8 << 10),
        80..=97 => (8 << 10) + rng.below(56 << 10),
        _ => (64 << 10) + rng.below(960 << 10),
    }
}

fn npm_package(rng: &mut XorShift, number: usize, budget: usize) -> Archive {
    let mut files = vec![file(
        "package.json".to_owned(),
        format!(
            r#"{{"name":"pkg-{number}","version":"1.0.{number}","main":"lib/index.js","scripts":{{"test":"node test.js","build":"tsc"}},"dependencies":{{"lodash":"^4.17.21"}}}}"#
        )
        .into_bytes(),
        0,
    )];
    let names: Vec<String> = (0..40).map(|index| format!("file{index}")).collect();
    let mut total = 0;
    let mut index = 0;
    while total < budget {
        let size = file_size(rng);
        let (path, data) = if index == 0 {
            (
                "lib/index.js".to_owned(),
                javascript(rng, size, &names[1..4]),
            )
        } else if rng.below(10) == 0 {
            (format!("dist/bundle{index}.min.js"), minified(rng, size))
        } else {
            let siblings: Vec<String> = (0..3)
                .map(|_| names[rng.below(names.len())].clone())
                .collect();
            (
                format!("lib/{}.js", names[index % names.len()]),
                javascript(rng, size, &siblings),
            )
        };
        total += data.len();
        files.push(file(path, data, files.len()));
        index += 1;
    }
    archive(files)
}

fn python_package(rng: &mut XorShift, number: usize, budget: usize) -> Archive {
    let package = format!("pkg{number}");
    let mut files = vec![
        file(
            format!("{package}-1.0.dist-info/WHEEL"),
            b"Wheel-Version: 1.0\n".to_vec(),
            0,
        ),
        file(
            format!("{package}-1.0.dist-info/METADATA"),
            format!("Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n").into_bytes(),
            1,
        ),
    ];
    let names: Vec<String> = (0..30).map(|index| format!("module{index}")).collect();
    let mut total = 0;
    let mut index = 0;
    while total < budget {
        let size = file_size(rng);
        let siblings: Vec<String> = (0..3)
            .map(|_| names[rng.below(names.len())].clone())
            .collect();
        let path = if index == 0 {
            format!("{package}/__init__.py")
        } else {
            format!("{package}/{}.py", names[index % names.len()])
        };
        let data = python(rng, size, &package, &siblings);
        total += data.len();
        files.push(file(path, data, files.len()));
        index += 1;
    }
    archive(files)
}

fn crate_package(rng: &mut XorShift, number: usize, budget: usize) -> Archive {
    let mut files = vec![file(
        "Cargo.toml".to_owned(),
        format!("[package]\nname = \"crate{number}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n")
            .into_bytes(),
        0,
    )];
    let names: Vec<String> = (0..30).map(|index| format!("module{index}")).collect();
    let mut total = 0;
    let mut index = 0;
    while total < budget {
        let size = file_size(rng);
        let (path, data) = if index == 0 {
            ("src/lib.rs".to_owned(), rust(rng, size, &names))
        } else {
            (
                format!("src/{}.rs", names[index % names.len()]),
                rust(rng, size, &[]),
            )
        };
        total += data.len();
        files.push(file(path, data, files.len()));
        index += 1;
    }
    archive(files)
}

fn packages() -> Vec<(Archive, Ecosystem)> {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut packages = Vec::new();
    let mut total = 0usize;
    let mut number = 0;
    while total < TARGET_BYTES {
        // Package sizes from 50 KB to 2 MB.
        let budget = 50_000 + rng.below(2_000_000);
        let (archive, ecosystem) = match number % 5 {
            0..=2 => (npm_package(&mut rng, number, budget), Ecosystem::Npm),
            3 => (python_package(&mut rng, number, budget), Ecosystem::PyPI),
            _ => (crate_package(&mut rng, number, budget), Ecosystem::CratesIo),
        };
        total += content(&archive);
        packages.push((archive, ecosystem));
        number += 1;
    }
    packages
}

fn content(archive: &Archive) -> usize {
    archive.files.iter().map(|file| file.data.len()).sum()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let check = std::env::args().any(|argument| argument == "--check");
    let started = Instant::now();
    let analyzer = Analyzer::new(&[]).unwrap();
    println!(
        "bundled rules compiled in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let packages = packages();
    let bytes: usize = packages.iter().map(|(archive, _)| content(archive)).sum();
    let files: usize = packages
        .iter()
        .map(|(archive, _)| archive.files.len())
        .sum();
    println!(
        "{} packages, {files} files, {:.1} MB of content",
        packages.len(),
        bytes as f64 / 1e6
    );

    let baseline = median(
        (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let lines: usize = packages
                    .iter()
                    .flat_map(|(archive, _)| &archive.files)
                    .map(|file| memchr::memchr_iter(b'\n', &file.data).count())
                    .sum();
                black_box(lines);
                started.elapsed()
            })
            .collect(),
    );

    let mut levels = [0usize; 3];
    let mut slowest = (Duration::ZERO, 0usize);
    let times: Vec<Duration> = (0..RUNS)
        .map(|run| {
            let started = Instant::now();
            for (index, (archive, ecosystem)) in packages.iter().enumerate() {
                let package_started = Instant::now();
                let verdict = black_box(analyzer.analyze(archive, *ecosystem));
                let elapsed = package_started.elapsed();
                if run == 0 {
                    levels[match verdict.level {
                        Level::Clean => 0,
                        Level::Suspicious => 1,
                        Level::Malicious => 2,
                    }] += 1;
                    if elapsed > slowest.0 {
                        slowest = (elapsed, index);
                    }
                }
            }
            started.elapsed()
        })
        .collect();
    let fastest = times.iter().copied().min().unwrap_or_default();
    let typical = median(times);
    let mb_per_second = |elapsed: Duration| bytes as f64 / 1e6 / elapsed.as_secs_f64();
    let speed = mb_per_second(fastest);
    println!("(one thread, {RUNS} runs)");
    for (label, elapsed) in [("fastest run", fastest), ("median run ", typical)] {
        println!(
            "analyze, {label}:   {:>8.0} ms {:>8.1} MB/s  ({:.1}x the time of the baseline)",
            elapsed.as_secs_f64() * 1e3,
            mb_per_second(elapsed),
            elapsed.as_secs_f64() / baseline.as_secs_f64()
        );
    }
    println!(
        "baseline (memchr lines), median: {:>7.0} ms {:>8.1} MB/s",
        baseline.as_secs_f64() * 1e3,
        mb_per_second(baseline)
    );
    let (slowest_time, slowest_index) = slowest;
    println!(
        "slowest package: #{slowest_index} ({:.1} MB) in {:.1} ms",
        content(&packages[slowest_index].0) as f64 / 1e6,
        slowest_time.as_secs_f64() * 1e3
    );
    println!(
        "verdicts of the generated packages: {} clean, {} suspicious, {} malicious",
        levels[0], levels[1], levels[2]
    );
    if check && speed < GOAL_MB_PER_SECOND {
        println!("below the goal of {GOAL_MB_PER_SECOND} MB/s");
        std::process::exit(1);
    }
}
