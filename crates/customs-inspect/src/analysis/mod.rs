//! Static malicious-code analysis of an opened archive (see the crate docs).

mod comments;
mod decode;
mod diff;
mod error;
mod heuristics;
mod package;
mod profile;
mod reach;
mod rules;
mod score;
mod script;
mod text;
mod verdict;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use customs_core::Ecosystem;

pub use diff::{Bump, CHANGE_RULES, Change, bump, compare};
pub use error::InspectError;
pub use rules::{Category, RuleInfo, RuleOrigin, Severity, Signal};
pub use text::MAX_EXCERPT_CHARS;
pub use verdict::{Endpoint, EntryKind, Hit, Level, Profile, Unasked, Verdict};

use crate::Archive;
use heuristics::Finding;
use rules::{CompiledRules, GLOBAL_ECOSYSTEM, GLOBAL_FILE_EXTENSION, GLOBAL_FILE_NAME};
use text::{Lines, excerpt, extension, file_name, is_binary};

/// The version of the analysis: of the rules, the analysers and the scoring. It changes
/// whenever the same artifact could get a different verdict; callers cache verdicts by the
/// artifact's hash and this (and [`Analyzer::user_rules_digest`] when they add rules).
pub const ANALYSIS_VERSION: u32 = 8;

/// What one analysis may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisLimits {
    /// Bytes of a text file given to the rules and analysers; the rest is not read (and the
    /// verdict says so). Default 16 MiB.
    pub max_text_bytes: usize,
    /// Bytes of a native executable given to the rules (its strings: miner pools, URLs).
    /// Other binary files (images, archives, fonts) are only checked for their kind.
    /// Default 4 MiB.
    pub max_executable_scan_bytes: usize,
    /// Hits kept per package; past it the verdict says how many were dropped. Default 2,000.
    pub max_hits: usize,
    /// Time the rules may take over one file; a file that takes longer is reported.
    /// Default 10 s.
    pub scan_timeout: Duration,
}

impl Default for AnalysisLimits {
    fn default() -> Self {
        AnalysisLimits {
            max_text_bytes: 16 * 1024 * 1024,
            max_executable_scan_bytes: 4 * 1024 * 1024,
            max_hits: 2_000,
            scan_timeout: Duration::from_secs(10),
        }
    }
}

/// Extensions of code (besides JavaScript's): the Rust analysers hold data files (test
/// vectors, fixtures, tables) to a higher bar.
const CODE_EXTENSIONS: &[&str] = &[
    "py", "pth", "rs", "sh", "bash", "bat", "cmd", "ps1", "pl", "rb",
];

/// Extensions of YARA rule files: detection signatures name the very things they detect,
/// so they are not matched against the rules (a security tool's package would accuse itself).
const SIGNATURE_EXTENSIONS: &[&str] = &["yar", "yara"];

/// The analyser: compiled rules, shareable between threads (one analysis per thread at a
/// time each makes its own scanner).
#[derive(Clone, Debug)]
pub struct Analyzer {
    rules: Arc<CompiledRules>,
    limits: AnalysisLimits,
}

impl Analyzer {
    /// The bundled rules (compiled once per process), plus the user's rule files and
    /// directories (their `*.yar` and `*.yara` files), compiled together.
    ///
    /// # Errors
    ///
    /// [`InspectError`] when a rule file cannot be read or does not compile (naming the file
    /// and line), when a rule's `meta` lacks or misstates `id`, `description`, `category`,
    /// `severity` (or a known `signal`), or when two rules share an id.
    pub fn new(extra_rules: &[PathBuf]) -> Result<Analyzer, InspectError> {
        let rules = if extra_rules.is_empty() {
            rules::bundled()?
        } else {
            Arc::new(rules::with_user_rules(extra_rules, None)?)
        };
        Ok(Analyzer {
            rules,
            limits: AnalysisLimits::default(),
        })
    }

    /// [`Analyzer::new`], keeping the compiled rules in `cache` (a directory of the user's):
    /// a later process reads them back in a tenth of the time compiling takes. The file is
    /// named by a digest of the analysis version, the yara-x version and every rule source, so
    /// a change to any of them compiles anew.
    ///
    /// # Errors
    ///
    /// As [`Analyzer::new`]; a cache that cannot be read or written is not an error.
    pub fn with_rule_cache(
        extra_rules: &[PathBuf],
        cache: &std::path::Path,
    ) -> Result<Analyzer, InspectError> {
        Ok(Analyzer {
            rules: Arc::new(rules::with_user_rules(extra_rules, Some(cache))?),
            limits: AnalysisLimits::default(),
        })
    }

    #[must_use]
    pub fn with_limits(mut self, limits: AnalysisLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Every rule: the Rust analysers' first, then the YARA rules in compilation order.
    #[must_use]
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules.infos
    }

    /// A digest of the user's rule files, `None` without any: part of a verdict cache key.
    #[must_use]
    pub fn user_rules_digest(&self) -> Option<&str> {
        self.rules.user_digest.as_deref()
    }

    /// The verdict on `archive`, a package of `ecosystem`. Never fails: what cannot be read
    /// is a hit (an unreadable manifest) or a reason (a file cut at the size limit, a scan
    /// that timed out).
    #[must_use]
    pub fn analyze(&self, archive: &Archive, ecosystem: Ecosystem) -> Verdict {
        let files = package::file_map(archive);
        let model = package::model(archive, ecosystem);
        let reach = reach::walk(archive, &files, &model);
        let mut scan = Scan::new(self, ecosystem);

        for entry_hit in &model.hits {
            scan.push_builtin(
                entry_hit.rule_id,
                &entry_hit.file,
                entry_hit.line,
                entry_hit.excerpt.clone(),
                entry_hit.kind,
            );
        }
        for script in &model.scripts {
            scan.script(script);
        }
        for file in &archive.files {
            let reachable = reach.files.get(file.path.as_str()).copied();
            scan.file(&file.path, &file.data, reachable);
        }
        for skipped in &archive.skipped {
            scan.notes.push(format!(
                "not analysed: `{}`, skipped by the archive reader ({})",
                skipped.path,
                skipped.reason.code()
            ));
        }
        let mut unasked: Vec<Unasked> = model
            .scripts
            .iter()
            .filter(|script| script.kind.runs_unasked() && script.registry_install)
            .map(|script| Unasked {
                file: script.file.clone(),
                script: Some(format!("{}: {}", script.name, script.text)),
                kind: script.kind,
                line: script.line,
            })
            .collect();
        unasked.extend(
            reach
                .files
                .iter()
                .filter(|(path, kind)| kind.runs_unasked() && profile::runs_as_code(path))
                .map(|(path, kind)| Unasked {
                    file: path.clone(),
                    script: None,
                    kind: *kind,
                    line: 0,
                }),
        );
        unasked.sort();
        unasked.truncate(Profile::MAX_ITEMS);
        let (manifest, dependencies) =
            profile::dependencies(archive, &files, ecosystem, model.declared);
        scan.finish(unasked, manifest, dependencies)
    }

    /// The hits of one file's text on its own, without a package around it: no entry points,
    /// so `reachable_from` is `None` (except that minified code is not reported). For rule
    /// tests and for explaining a verdict.
    #[must_use]
    pub fn scan_file(&self, path: &str, data: &[u8], ecosystem: Ecosystem) -> Vec<Hit> {
        let mut scan = Scan::new(self, ecosystem);
        scan.file(path, data, None);
        let mut hits = scan.hits;
        hits.sort();
        hits
    }
}

/// One analysis in progress.
struct Scan<'a> {
    analyzer: &'a Analyzer,
    scanner: yara_x::Scanner<'a>,
    ecosystem: &'static str,
    hits: Vec<Hit>,
    dropped: usize,
    notes: Vec<String>,
    /// Hosts named by networking code and install scripts, in the order found.
    endpoints: Vec<Endpoint>,
    /// Rule index by id, for the Rust analysers' findings.
    builtin: BTreeMap<&'a str, &'a RuleInfo>,
}

impl<'a> Scan<'a> {
    fn new(analyzer: &'a Analyzer, ecosystem: Ecosystem) -> Self {
        let mut scanner = yara_x::Scanner::new(&analyzer.rules.yara);
        scanner.set_timeout(analyzer.limits.scan_timeout);
        // Each rule needs its first match (a few count up to 25); more only costs time.
        scanner.max_matches_per_pattern(64);
        let builtin = analyzer
            .rules
            .infos
            .iter()
            .filter(|info| info.origin == RuleOrigin::Builtin)
            .map(|info| (info.id.as_str(), info))
            .collect();
        Scan {
            analyzer,
            scanner,
            ecosystem: ecosystem.osv_name(),
            hits: Vec::new(),
            dropped: 0,
            notes: Vec::new(),
            endpoints: Vec::new(),
            builtin,
        }
    }

    fn push(&mut self, hit: Hit) {
        if self.hits.len() >= self.analyzer.limits.max_hits {
            self.dropped += 1;
        } else {
            self.hits.push(hit);
        }
    }

    fn push_builtin(
        &mut self,
        rule_id: &str,
        file: &str,
        line: u32,
        excerpt: String,
        reachable_from: Option<EntryKind>,
    ) {
        let Some(info) = self.builtin.get(rule_id).copied() else {
            return;
        };
        self.push(Hit {
            file: file.to_owned(),
            line,
            rule_id: info.id.clone(),
            category: info.category,
            severity: info.severity,
            signal: info.signal,
            description: info.description.clone(),
            excerpt: text::escape(excerpt.as_bytes(), MAX_EXCERPT_CHARS),
            reachable_from,
        });
    }

    /// An npm script's command line, scanned as a file of unknown type; hits point at its
    /// line of package.json.
    fn script(&mut self, script: &package::Script) {
        let data = script.text.as_bytes();
        let matches = self.yara(data, "package.json", "", &script.file);
        for (rule, offset) in matches {
            let excerpt = excerpt(data, offset);
            self.push_rule(rule, &script.file, script.line, excerpt, Some(script.kind));
        }
        for (host, offset) in profile::url_hosts(data) {
            self.endpoint(host, &script.file, script.line, excerpt(data, offset));
        }
        let findings = heuristics::analyse_text(data, true, true).findings;
        for finding in findings {
            let excerpt = finding
                .excerpt
                .unwrap_or_else(|| excerpt(data, finding.offset));
            self.push_builtin(
                finding.rule_id,
                &script.file,
                script.line,
                excerpt,
                Some(script.kind),
            );
        }
    }

    fn push_rule(
        &mut self,
        rule: usize,
        file: &str,
        line: u32,
        excerpt: String,
        reachable_from: Option<EntryKind>,
    ) {
        let Some(info) = self.analyzer.rules.infos.get(rule) else {
            return;
        };
        let hit = Hit {
            file: file.to_owned(),
            line,
            rule_id: info.id.clone(),
            category: info.category,
            severity: info.severity,
            signal: info.signal,
            description: info.description.clone(),
            excerpt,
            reachable_from,
        };
        self.push(hit);
    }

    /// The YARA rules over `data`: for each matching rule, its index in the rule infos and the
    /// offset of its first match.
    fn yara(
        &mut self,
        data: &[u8],
        name: &str,
        extension: &str,
        shown: &str,
    ) -> Vec<(usize, usize)> {
        let globals = [
            (GLOBAL_FILE_NAME, name),
            (GLOBAL_FILE_EXTENSION, extension),
            (GLOBAL_ECOSYSTEM, self.ecosystem),
        ];
        for (global, value) in globals {
            if let Err(error) = self.scanner.set_global(global, value) {
                self.notes
                    .push(format!("the rules could not be given `{global}`: {error}"));
                return Vec::new();
            }
        }
        let results = match self.scanner.scan(data) {
            Ok(results) => results,
            Err(error) => {
                self.notes
                    .push(format!("not analysed by the rules: `{shown}`: {error}"));
                return Vec::new();
            }
        };
        let mut found = Vec::new();
        for rule in results.matching_rules() {
            let Some(index) = self
                .analyzer
                .rules
                .index(rule.namespace(), rule.identifier())
            else {
                continue;
            };
            // The first pattern declared that matched says best what the rule is about (later
            // ones are often context: a token, a `replace`). A pattern may begin with the
            // character before what it looks for (`(^|[^\w])`): the hit's line is that of the
            // first character that is not white space.
            let offset = rule
                .patterns()
                .find_map(|pattern| {
                    pattern
                        .matches()
                        .map(|found| {
                            let leading = found
                                .data()
                                .iter()
                                .take_while(|byte| byte.is_ascii_whitespace())
                                .count();
                            found.range().start + leading
                        })
                        .min()
                })
                .unwrap_or(0);
            found.push((index, offset));
        }
        found
    }

    fn file(&mut self, path: &str, data: &[u8], reachable: Option<EntryKind>) {
        let extension = extension(path);
        let name = file_name(path);
        if is_binary(data) {
            let findings = heuristics::analyse_binary(data, &extension);
            let executable = findings
                .iter()
                .any(|finding| finding.rule_id == "native-executable");
            for finding in findings {
                let excerpt = finding.excerpt.unwrap_or_default();
                self.push_builtin(finding.rule_id, path, 0, excerpt, reachable);
            }
            if executable {
                let prefix = data
                    .get(..self.analyzer.limits.max_executable_scan_bytes)
                    .unwrap_or(data);
                for (rule, offset) in self.yara(prefix, name, &extension, path) {
                    let excerpt = text::escape(
                        prefix
                            .get(offset..offset.saturating_add(80))
                            .unwrap_or_default(),
                        MAX_EXCERPT_CHARS,
                    );
                    self.push_rule(rule, path, 0, excerpt, reachable);
                }
            }
            return;
        }
        if SIGNATURE_EXTENSIONS.contains(&extension.as_str()) {
            return;
        }
        let limit = self.analyzer.limits.max_text_bytes;
        if data.len() > limit {
            self.notes.push(format!(
                "`{path}` analysed in part: its first {limit} of {} bytes",
                data.len()
            ));
        }
        let data = data.get(..limit).unwrap_or(data);
        let matches = self.yara(data, name, &extension, path);
        let js_like = matches!(
            extension.as_str(),
            "js" | "cjs" | "mjs" | "ts" | "jsx" | "tsx" | ""
        );
        let code = js_like || CODE_EXTENSIONS.contains(&extension.as_str());
        let text_findings = heuristics::analyse_text(data, js_like, code);
        let mut findings: Vec<Finding> = text_findings.findings;
        if js_like && reachable.is_some_and(EntryKind::runs_unasked) {
            findings.extend(heuristics::minified(data));
        }
        let lines = (!matches.is_empty() || !findings.is_empty()).then(|| Lines::new(data));
        let line = |offset: usize| lines.as_ref().map_or(1, |lines| lines.line(offset));
        let findings_ids: Vec<&'static str> =
            findings.iter().map(|finding| finding.rule_id).collect();
        // Where reachable networking code connects: what a new release must not quietly add.
        let networked = reachable.is_some()
            && code
            && (matches.iter().any(|(rule, _)| self.is_network_rule(*rule))
                || findings_ids.contains(&"raw-ip-url"));
        let mut seen: Vec<usize> = Vec::new();
        // A rule matching a comment or a docstring describes code, it does not run: such a hit
        // is kept, but as reached from nowhere.
        let documentation = std::cell::OnceCell::new();
        let language = comments::Language::of_extension(&extension);
        let reach_at = |offset: usize| {
            let documented = language.is_some_and(|language| {
                documentation
                    .get_or_init(|| comments::Documentation::of(data, language))
                    .contains(offset)
            });
            if documented { None } else { reachable }
        };
        for (rule, offset) in matches {
            seen.push(rule);
            self.push_rule(
                rule,
                path,
                line(offset),
                excerpt(data, offset),
                reach_at(offset),
            );
        }
        for finding in findings {
            let excerpt = finding
                .excerpt
                .map(|shown| text::escape(shown.as_bytes(), MAX_EXCERPT_CHARS))
                .unwrap_or_else(|| excerpt(data, finding.offset));
            self.push_builtin(
                finding.rule_id,
                path,
                line(finding.offset),
                excerpt,
                reachable,
            );
        }
        // Decoded text: the rules (and the raw-IP analyser) see what hex, base64 and char
        // codes hide. A rule already matching the file in the clear is not reported again.
        if networked {
            for (host, offset) in profile::url_hosts(data) {
                self.endpoint(host, path, line(offset), excerpt(data, offset));
            }
        }
        let decoded = text_findings.decoded;
        if networked {
            for (host, offset) in profile::url_hosts(&decoded.text) {
                let shown = format!("decoded: {}", excerpt(&decoded.text, offset));
                let origin = decoded.origin(offset);
                self.endpoint(host, path, line(origin), shown);
            }
        }
        let raw_ip_in_clear = findings_ids.contains(&"raw-ip-url");
        if !raw_ip_in_clear && let Some(offset) = heuristics::first_raw_ip_url(&decoded.text) {
            let shown = format!("decoded: {}", excerpt(&decoded.text, offset));
            let origin = decoded.origin(offset);
            self.push_builtin("raw-ip-url", path, line(origin), shown, reachable);
        }
        if !decoded.is_empty() {
            for (rule, offset) in self.yara(&decoded.text, name, &extension, path) {
                if seen.contains(&rule) {
                    continue;
                }
                seen.push(rule);
                let origin = decoded.origin(offset);
                let shown = format!("decoded: {}", excerpt(&decoded.text, offset));
                let shown = text::escape(shown.as_bytes(), MAX_EXCERPT_CHARS);
                self.push_rule(rule, path, line(origin), shown, reach_at(origin));
            }
        }
    }

    fn is_network_rule(&self, rule: usize) -> bool {
        self.analyzer
            .rules
            .infos
            .get(rule)
            .and_then(|info| info.signal)
            .is_some_and(|signal| {
                matches!(
                    signal,
                    Signal::Network
                        | Signal::Download
                        | Signal::ExfilEndpoint
                        | Signal::PasteSite
                        | Signal::RawIpUrl
                        | Signal::RemoteExec
                )
            })
    }

    fn endpoint(&mut self, host: String, file: &str, line: u32, excerpt: String) {
        if self.endpoints.len() < Profile::MAX_ITEMS * 4 {
            self.endpoints.push(Endpoint {
                host,
                file: file.to_owned(),
                line,
                excerpt,
            });
        }
    }

    fn finish(
        mut self,
        unasked: Vec<Unasked>,
        manifest: String,
        dependencies: Vec<String>,
    ) -> Verdict {
        if self.dropped > 0 {
            self.notes.push(format!(
                "{} more hits not kept (limit {})",
                self.dropped, self.analyzer.limits.max_hits
            ));
        }
        // The same rule on the same line may be found twice (an npm script is scanned as
        // code and inside package.json): the copy reached from the most severe entry point
        // is kept.
        let mut hits = self.hits;
        let reach_rank = |hit: &Hit| {
            hit.reachable_from
                .map_or(EntryKind::ALL.len(), |kind| kind as usize)
        };
        hits.sort_by(|first, second| {
            (&first.file, first.line, &first.rule_id, reach_rank(first))
                .cmp(&(
                    &second.file,
                    second.line,
                    &second.rule_id,
                    reach_rank(second),
                ))
                .then_with(|| first.cmp(second))
        });
        hits.dedup_by(|later, earlier| {
            later.file == earlier.file
                && later.rule_id == earlier.rule_id
                && later.line == earlier.line
        });
        let (level, reasons) = score::score(&hits, &self.notes);
        // Each host once, at its first place in file order.
        let mut endpoints = self.endpoints;
        endpoints.sort_by(|first, second| {
            (&first.host, &first.file, first.line).cmp(&(&second.host, &second.file, second.line))
        });
        endpoints.dedup_by(|later, earlier| later.host == earlier.host);
        endpoints.truncate(Profile::MAX_ITEMS);
        Verdict {
            level,
            hits,
            reasons,
            profile: Profile {
                unasked,
                endpoints,
                dependencies,
                manifest,
            },
        }
    }
}
