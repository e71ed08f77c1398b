//! The rules: YARA rules (bundled, and the user's) compiled by yara-x, and the rules the Rust
//! analysers apply, all described by the same [`RuleInfo`].

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::analysis::error::InspectError;

/// What a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Something code can do (spawn processes, use the network, decode data): not malice alone.
    Capability,
    /// Something malicious packages do and others almost never do.
    Threat,
    /// Code made hard to read.
    Obfuscation,
    /// Code that runs without being imported (install scripts, build scripts, start-up hooks).
    Entrypoint,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Capability,
        Category::Threat,
        Category::Obfuscation,
        Category::Entrypoint,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Capability => "capability",
            Category::Threat => "threat",
            Category::Obfuscation => "obfuscation",
            Category::Entrypoint => "entrypoint",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How much one hit weighs (see the scoring table in the crate docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// What a hit means to the correlation: rules that find the same kind of thing share a signal,
/// and the scoring table combines signals, not rule ids. A user's rule may leave it out; it
/// then counts by its category and severity alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signal {
    // Capabilities.
    Process,
    Network,
    Download,
    MakeExecutable,
    TempStaging,
    EnvHarvest,
    EnvSecret,
    CiCheck,
    DynamicCode,
    Decode,
    Recon,
    Native,
    CredentialPath,
    // Threats.
    ExfilEndpoint,
    PasteSite,
    RawIpUrl,
    CredentialHarvest,
    WalletTarget,
    WalletKeyScan,
    BrowserProfile,
    Miner,
    ReverseShell,
    Persistence,
    Propagation,
    SecretScanner,
    BrowserHook,
    DecodeExec,
    RemoteExec,
    Lolbin,
    DisguisedBinary,
    EmbeddedExecutable,
    // Obfuscation.
    Obfuscated,
    EncodedBlob,
    CharCodes,
    Minified,
    // Entry points.
    Entry,
    ManifestUnreadable,
}

impl Signal {
    pub const ALL: [Signal; 37] = [
        Signal::Process,
        Signal::Network,
        Signal::Download,
        Signal::MakeExecutable,
        Signal::TempStaging,
        Signal::EnvHarvest,
        Signal::EnvSecret,
        Signal::CiCheck,
        Signal::DynamicCode,
        Signal::Decode,
        Signal::Recon,
        Signal::Native,
        Signal::CredentialPath,
        Signal::ExfilEndpoint,
        Signal::PasteSite,
        Signal::RawIpUrl,
        Signal::CredentialHarvest,
        Signal::WalletTarget,
        Signal::WalletKeyScan,
        Signal::BrowserProfile,
        Signal::Miner,
        Signal::ReverseShell,
        Signal::Persistence,
        Signal::Propagation,
        Signal::SecretScanner,
        Signal::BrowserHook,
        Signal::DecodeExec,
        Signal::RemoteExec,
        Signal::Lolbin,
        Signal::DisguisedBinary,
        Signal::EmbeddedExecutable,
        Signal::Obfuscated,
        Signal::EncodedBlob,
        Signal::CharCodes,
        Signal::Minified,
        Signal::Entry,
        Signal::ManifestUnreadable,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Process => "process",
            Signal::Network => "network",
            Signal::Download => "download",
            Signal::MakeExecutable => "make-executable",
            Signal::TempStaging => "temp-staging",
            Signal::EnvHarvest => "env-harvest",
            Signal::EnvSecret => "env-secret",
            Signal::CiCheck => "ci-check",
            Signal::DynamicCode => "dynamic-code",
            Signal::Decode => "decode",
            Signal::Recon => "recon",
            Signal::Native => "native",
            Signal::CredentialPath => "credential-path",
            Signal::ExfilEndpoint => "exfil-endpoint",
            Signal::PasteSite => "paste-site",
            Signal::RawIpUrl => "raw-ip-url",
            Signal::CredentialHarvest => "credential-harvest",
            Signal::WalletTarget => "wallet-target",
            Signal::WalletKeyScan => "wallet-key-scan",
            Signal::BrowserProfile => "browser-profile",
            Signal::Miner => "miner",
            Signal::ReverseShell => "reverse-shell",
            Signal::Persistence => "persistence",
            Signal::Propagation => "propagation",
            Signal::SecretScanner => "secret-scanner",
            Signal::BrowserHook => "browser-hook",
            Signal::DecodeExec => "decode-exec",
            Signal::RemoteExec => "remote-exec",
            Signal::Lolbin => "lolbin",
            Signal::DisguisedBinary => "disguised-binary",
            Signal::EmbeddedExecutable => "embedded-executable",
            Signal::Obfuscated => "obfuscated",
            Signal::EncodedBlob => "encoded-blob",
            Signal::CharCodes => "char-codes",
            Signal::Minified => "minified",
            Signal::Entry => "entry",
            Signal::ManifestUnreadable => "manifest-unreadable",
        }
    }

    fn parse(text: &str) -> Option<Signal> {
        Signal::ALL
            .into_iter()
            .find(|signal| signal.as_str() == text)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Where a rule comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleOrigin {
    /// A YARA rule bundled with customs (`rules/*.yar`).
    Bundled,
    /// A Rust analyser of this crate.
    Builtin,
    /// A YARA rule of the user's, from this file.
    User(PathBuf),
}

/// A rule's description: the `meta` of a YARA rule, or a Rust analyser's entry in
/// [`BUILTIN_RULES`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable, kebab-case, unique across every rule.
    pub id: String,
    pub description: String,
    pub category: Category,
    pub severity: Severity,
    pub signal: Option<Signal>,
    pub origin: RuleOrigin,
}

/// A Rust analyser's rule, as a constant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Builtin {
    pub id: &'static str,
    pub description: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub signal: Signal,
}

impl Builtin {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: self.id.to_owned(),
            description: self.description.to_owned(),
            category: self.category,
            severity: self.severity,
            signal: Some(self.signal),
            origin: RuleOrigin::Builtin,
        }
    }
}

/// The rules of the Rust analysers (what YARA cannot see: manifests and entry points,
/// entropy, decoded data, executables).
pub(crate) const BUILTIN_RULES: &[Builtin] = &[
    Builtin {
        id: "npm-install-script",
        description: "an npm lifecycle script that runs at install (preinstall, install, postinstall, prepare)",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "python-setup-script",
        description: "setup.py, which pip runs to build or install an sdist",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "python-in-tree-build-backend",
        description: "a PEP 517 build backend shipped inside the sdist (backend-path), which pip runs to build it",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "python-startup-hook",
        description: "a .pth file with an `import` line, which Python executes at every interpreter start",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "cargo-build-script",
        description: "a build script (build.rs), which cargo compiles and runs at build time",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "cargo-proc-macro",
        description: "a procedural macro crate, whose code runs inside the compiler at build time",
        category: Category::Entrypoint,
        severity: Severity::Low,
        signal: Signal::Entry,
    },
    Builtin {
        id: "manifest-unreadable",
        description: "the package manifest could not be read (malformed or over the size limit), so its entry points are unknown",
        category: Category::Entrypoint,
        severity: Severity::Medium,
        signal: Signal::ManifestUnreadable,
    },
    Builtin {
        id: "encoded-blob",
        description: "a long base64 (256+ characters) or hex (1,024+) string in code, or a longer one (4,096+ base64, 32,768+ hex) in a data file, that does not decode to a known media format",
        category: Category::Obfuscation,
        severity: Severity::Medium,
        signal: Signal::EncodedBlob,
    },
    Builtin {
        id: "embedded-executable",
        description: "a base64 or hex string that decodes to a native executable (ELF, PE, Mach-O)",
        category: Category::Threat,
        severity: Severity::High,
        signal: Signal::EmbeddedExecutable,
    },
    Builtin {
        id: "encoded-api-names",
        description: "two or more hex or base64 string literals that decode to names of modules or functions that run code, decrypt or read the environment",
        category: Category::Obfuscation,
        severity: Severity::Medium,
        signal: Signal::Obfuscated,
    },
    Builtin {
        id: "char-code-array",
        description: "a list of character codes (String.fromCharCode, bytes([...]), chr() chains) that decodes to code, a command or a URL",
        category: Category::Obfuscation,
        severity: Severity::Medium,
        signal: Signal::CharCodes,
    },
    Builtin {
        id: "obfuscator-identifiers",
        description: "ten or more distinct `_0x`-style identifiers, the output of javascript-obfuscator and its kin",
        category: Category::Obfuscation,
        severity: Severity::Medium,
        signal: Signal::Obfuscated,
    },
    Builtin {
        id: "minified-code",
        description: "minified code (very long lines) in a file that runs at install, build or start-up",
        category: Category::Obfuscation,
        severity: Severity::Low,
        signal: Signal::Minified,
    },
    Builtin {
        id: "raw-ip-url",
        description: "a URL whose host is a public IPv4 address rather than a name (counts as an exfiltration destination and a dropper's source in the chains)",
        category: Category::Threat,
        severity: Severity::Medium,
        signal: Signal::RawIpUrl,
    },
    Builtin {
        id: "native-executable",
        description: "a native executable or library (ELF, PE, Mach-O)",
        category: Category::Capability,
        severity: Severity::Low,
        signal: Signal::Native,
    },
    Builtin {
        id: "executable-named-as-script",
        description: "a native executable whose name says it is a script or text (.js, .py, .sh, .json...)",
        category: Category::Threat,
        severity: Severity::High,
        signal: Signal::DisguisedBinary,
    },
    Builtin {
        id: "binary-named-as-script",
        description: "binary data (NUL bytes) in a file whose name says it is a script",
        category: Category::Obfuscation,
        severity: Severity::Medium,
        signal: Signal::Obfuscated,
    },
];

/// The bundled YARA rules, one source per file, embedded at compile time.
pub(crate) const BUNDLED_SOURCES: &[(&str, &str)] = &[
    (
        "rules/capabilities.yar",
        include_str!("../../rules/capabilities.yar"),
    ),
    ("rules/threats.yar", include_str!("../../rules/threats.yar")),
    (
        "rules/obfuscation.yar",
        include_str!("../../rules/obfuscation.yar"),
    ),
    (
        "rules/entrypoints.yar",
        include_str!("../../rules/entrypoints.yar"),
    ),
];

/// The globals every rule may read, set per scanned text.
pub(crate) const GLOBAL_FILE_NAME: &str = "file_name";
pub(crate) const GLOBAL_FILE_EXTENSION: &str = "file_extension";
pub(crate) const GLOBAL_ECOSYSTEM: &str = "ecosystem";

/// YARA rules compiled, with each rule's description by its position in [`yara_x::Rules`].
pub(crate) struct CompiledRules {
    pub yara: yara_x::Rules,
    /// Keyed by (namespace, identifier).
    by_name: HashMap<(String, String), usize>,
    pub infos: Vec<RuleInfo>,
    /// Identifies the user's rule sources, for cache keys.
    pub user_digest: Option<String>,
}

impl fmt::Debug for CompiledRules {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("CompiledRules")
            .field("rules", &self.infos.len())
            .field("user_digest", &self.user_digest)
            .finish_non_exhaustive()
    }
}

impl CompiledRules {
    /// The index in [`CompiledRules::infos`] of a YARA rule.
    pub fn index(&self, namespace: &str, identifier: &str) -> Option<usize> {
        self.by_name
            .get(&(namespace.to_owned(), identifier.to_owned()))
            .copied()
    }
}

/// One YARA source: where it comes from (a path, shown in errors) and its text.
pub(crate) struct Source {
    pub origin: RuleOrigin,
    pub shown: String,
    pub text: String,
}

/// The bundled rules, compiled once per process.
pub(crate) fn bundled() -> Result<Arc<CompiledRules>, InspectError> {
    static BUNDLED: OnceLock<Result<Arc<CompiledRules>, String>> = OnceLock::new();
    BUNDLED
        .get_or_init(|| {
            compile(Vec::new(), None)
                .map(Arc::new)
                .map_err(|error| error.to_string())
        })
        .clone()
        .map_err(InspectError::Bundled)
}

/// The bundled rules and the user's rule files (files, or directories whose `*.yar` and
/// `*.yara` files are read in name order), compiled together.
pub(crate) fn with_user_rules(
    paths: &[PathBuf],
    cache: Option<&Path>,
) -> Result<CompiledRules, InspectError> {
    compile(user_sources(paths)?, cache)
}

/// The user's rule files (files, or directories whose `*.yar` and `*.yara` files are read in
/// name order).
fn user_sources(paths: &[PathBuf]) -> Result<Vec<Source>, InspectError> {
    let mut sources = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|source| InspectError::RuleRead {
            path: path.clone(),
            source,
        })?;
        if metadata.is_dir() {
            let mut files = Vec::new();
            let entries = std::fs::read_dir(path).map_err(|source| InspectError::RuleRead {
                path: path.clone(),
                source,
            })?;
            for entry in entries {
                let entry = entry.map_err(|source| InspectError::RuleRead {
                    path: path.clone(),
                    source,
                })?;
                let file = entry.path();
                let is_rule = file
                    .extension()
                    .and_then(|extension| extension.to_str())
                    .is_some_and(|extension| matches!(extension, "yar" | "yara"));
                if is_rule && file.is_file() {
                    files.push(file);
                }
            }
            files.sort();
            for file in files {
                sources.push(read_source(&file)?);
            }
        } else {
            sources.push(read_source(path)?);
        }
    }
    Ok(sources)
}

/// A user's rule file is small text; a cap keeps a wrong path (a disk image) from being read
/// whole.
const MAX_RULE_FILE_BYTES: u64 = 16 * 1024 * 1024;

fn read_source(path: &Path) -> Result<Source, InspectError> {
    let metadata = std::fs::metadata(path).map_err(|source| InspectError::RuleRead {
        path: path.to_owned(),
        source,
    })?;
    if metadata.len() > MAX_RULE_FILE_BYTES {
        return Err(InspectError::RuleTooLarge {
            path: path.to_owned(),
            limit: MAX_RULE_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| InspectError::RuleRead {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|error| InspectError::RuleCompile {
        path: path.to_owned(),
        line: line_at(
            &String::from_utf8_lossy(error.as_bytes()),
            error.utf8_error().valid_up_to(),
        ),
        message: "the file is not UTF-8".to_owned(),
    })?;
    Ok(Source {
        origin: RuleOrigin::User(path.to_owned()),
        shown: path.display().to_string(),
        text,
    })
}

/// The 1-based line of byte `offset` of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |head| memchr::memchr_iter(b'\n', head).count())
        + 1
}

/// The compiled rules kept in `cache` (a directory), when its file for exactly these sources
/// reads back; compiling the bundled rules takes about ten times as long as reading them
/// back, and is most of a small `customs inspect`'s cost.
fn cached_rules(cache: Option<&Path>, key: &str) -> Option<yara_x::Rules> {
    let bytes = std::fs::read(cache?.join(format!("rules-{key}.bin"))).ok()?;
    yara_x::Rules::deserialize(&bytes).ok()
}

/// Keeps `rules` in `cache` for [`cached_rules`]; best effort (written aside, then renamed).
fn keep_rules(cache: Option<&Path>, key: &str, rules: &yara_x::Rules) {
    let (Some(cache), Ok(bytes)) = (cache, rules.serialize()) else {
        return;
    };
    if std::fs::create_dir_all(cache).is_err() {
        return;
    }
    let path = cache.join(format!("rules-{key}.bin"));
    let partial = cache.join(format!("rules-{key}.bin.{}", std::process::id()));
    if std::fs::write(&partial, bytes).is_ok() && std::fs::rename(&partial, &path).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

/// What the compiled form of `sources` depends on: the analysis and yara-x versions and every
/// source (FNV-1a twice with different seeds: a cache key within the user's own cache).
fn sources_key(sources: &[Source]) -> String {
    let mut first: u64 = 0xcbf2_9ce4_8422_2325;
    let mut second: u64 = 0x8422_2325_cbf2_9ce4;
    let version = format!("{}/yara-x {YARA_X_VERSION}", crate::ANALYSIS_VERSION);
    let parts = std::iter::once((version.as_str(), ""))
        .chain(sources.iter().map(|s| (s.shown.as_str(), s.text.as_str())));
    for (shown, text) in parts {
        for byte in shown.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            first = (first ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            second = (second ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{first:016x}{second:016x}")
}

/// The yara-x release the workspace pins (`=` in Cargo.toml): its compiled rules are read
/// back by the same release only.
const YARA_X_VERSION: &str = "1.22.1";

fn compile(user: Vec<Source>, cache: Option<&Path>) -> Result<CompiledRules, InspectError> {
    let bundled = BUNDLED_SOURCES.iter().map(|(shown, text)| Source {
        origin: RuleOrigin::Bundled,
        shown: (*shown).to_owned(),
        text: (*text).to_owned(),
    });
    let sources: Vec<Source> = bundled.chain(user).collect();
    let key = sources_key(&sources);
    // Each source is its own namespace, so that two files may name rules alike; ids (in the
    // meta) are what must be unique.
    let namespaces: Vec<(String, &Source)> = sources
        .iter()
        .enumerate()
        .map(|(index, source)| (format!("source{index}"), source))
        .collect();
    let yara = match cached_rules(cache, &key) {
        Some(rules) => rules,
        None => {
            let rules = build(&namespaces)?;
            keep_rules(cache, &key, &rules);
            rules
        }
    };
    describe(yara, &namespaces)
}

fn build(namespaces: &[(String, &Source)]) -> Result<yara_x::Rules, InspectError> {
    let mut compiler = yara_x::Compiler::new();
    let globals = [GLOBAL_FILE_NAME, GLOBAL_FILE_EXTENSION, GLOBAL_ECOSYSTEM];
    for global in globals {
        compiler
            .define_global(global, "")
            .map_err(|error| InspectError::Bundled(error.to_string()))?;
    }
    for (namespace, source) in namespaces {
        compiler.new_namespace(namespace);
        let code = yara_x::SourceCode::from(source.text.as_str()).with_origin(source.shown.clone());
        if let Err(error) = compiler.add_source(code) {
            let offset = error
                .labels()
                .next()
                .map_or(0, |label| label.span().start());
            let mut message = error.title().to_owned();
            if let Some(label) = error.labels().next()
                && !label.text().is_empty()
            {
                message.push_str(": ");
                message.push_str(label.text());
            }
            return Err(match source.origin {
                RuleOrigin::User(ref path) => InspectError::RuleCompile {
                    path: path.clone(),
                    line: line_at(&source.text, offset),
                    message,
                },
                RuleOrigin::Bundled | RuleOrigin::Builtin => InspectError::Bundled(format!(
                    "{}:{}: {message}",
                    source.shown,
                    line_at(&source.text, offset)
                )),
            });
        }
    }
    Ok(compiler.build())
}

/// Each rule's description from its `meta`, checked: ids unique, fields known.
fn describe(
    yara: yara_x::Rules,
    namespaces: &[(String, &Source)],
) -> Result<CompiledRules, InspectError> {
    let mut infos: Vec<RuleInfo> = BUILTIN_RULES.iter().map(Builtin::info).collect();
    let mut by_name = HashMap::new();
    let mut seen: HashMap<String, String> = infos
        .iter()
        .map(|info| (info.id.clone(), "a built-in analyser".to_owned()))
        .collect();
    for rule in yara.iter() {
        let source = namespaces
            .iter()
            .find(|(namespace, _)| namespace == rule.namespace())
            .map(|(_, source)| *source);
        let Some(source) = source else {
            return Err(InspectError::Bundled(format!(
                "rule `{}` in an unknown namespace",
                rule.identifier()
            )));
        };
        let info = rule_info(&rule, source)?;
        if let Some(first) = seen.insert(info.id.clone(), source.shown.clone()) {
            return Err(InspectError::DuplicateRuleId {
                id: info.id,
                first,
                second: source.shown.clone(),
            });
        }
        by_name.insert(
            (rule.namespace().to_owned(), rule.identifier().to_owned()),
            infos.len(),
        );
        infos.push(info);
    }
    let user_digest = user_digest(namespaces);
    Ok(CompiledRules {
        yara,
        by_name,
        infos,
        user_digest,
    })
}

/// A digest of the user's rule sources (path and text), for callers' cache keys: FNV-1a over
/// both, twice with different seeds (a cache key, not a security boundary: the rules are the
/// user's own).
fn user_digest(sources: &[(String, &Source)]) -> Option<String> {
    let user: Vec<&Source> = sources
        .iter()
        .map(|(_, source)| *source)
        .filter(|source| matches!(source.origin, RuleOrigin::User(_)))
        .collect();
    if user.is_empty() {
        return None;
    }
    let mut first: u64 = 0xcbf2_9ce4_8422_2325;
    let mut second: u64 = 0x8422_2325_cbf2_9ce4;
    for source in user {
        for byte in source
            .shown
            .bytes()
            .chain([0])
            .chain(source.text.bytes())
            .chain([0])
        {
            first = (first ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            second = (second ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Some(format!("{first:016x}{second:016x}"))
}

fn rule_info(rule: &yara_x::Rule<'_, '_>, source: &Source) -> Result<RuleInfo, InspectError> {
    let problem = |problem: String| InspectError::RuleMeta {
        path: source.shown.clone(),
        rule: rule.identifier().to_owned(),
        problem,
    };
    let mut id = None;
    let mut description = None;
    let mut category = None;
    let mut severity = None;
    let mut signal = None;
    for (key, value) in rule.metadata() {
        let text = match value {
            yara_x::MetaValue::String(text) => Some(text),
            _ => None,
        };
        let text = || text.ok_or_else(|| problem(format!("`{key}` must be a string")));
        match key {
            "id" => id = Some(text()?.to_owned()),
            "description" => description = Some(text()?.to_owned()),
            "category" => {
                let value = text()?;
                category = Some(
                    Category::ALL
                        .into_iter()
                        .find(|category| category.as_str() == value)
                        .ok_or_else(|| {
                            problem(format!(
                                "`category` is `{value}`, not one of capability, threat, obfuscation, entrypoint"
                            ))
                        })?,
                );
            }
            "severity" => {
                let value = text()?;
                severity = Some(
                    Severity::ALL
                        .into_iter()
                        .find(|severity| severity.as_str() == value)
                        .ok_or_else(|| {
                            problem(format!(
                                "`severity` is `{value}`, not one of low, medium, high, critical"
                            ))
                        })?,
                );
            }
            "signal" => {
                let value = text()?;
                signal = Some(
                    Signal::parse(value)
                        .ok_or_else(|| problem(format!("`signal` `{value}` is not known")))?,
                );
            }
            _ => {}
        }
    }
    let id = id.ok_or_else(|| problem("no `id` in its meta".to_owned()))?;
    if !is_kebab_case(&id) {
        return Err(problem(format!("the id `{id}` is not kebab-case")));
    }
    Ok(RuleInfo {
        id,
        description: description
            .ok_or_else(|| problem("no `description` in its meta".to_owned()))?,
        category: category.ok_or_else(|| problem("no `category` in its meta".to_owned()))?,
        severity: severity.ok_or_else(|| problem("no `severity` in its meta".to_owned()))?,
        signal,
        origin: source.origin.clone(),
    })
}

/// Lowercase ASCII words joined by single hyphens.
pub(crate) fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        })
}
