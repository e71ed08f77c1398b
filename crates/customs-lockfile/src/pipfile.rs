//! `Pipfile.lock` (pipenv), `_meta.pipfile-spec` 6, and the older specs 1 to 5.
//!
//! The file is JSON: `_meta` (`pipfile-spec`, `sources` with `name`, `url`, `verify_ssl`), then
//! `default` (production, [`Scope::Prod`]) and `develop` ([`Scope::Dev`]) maps of package name to
//! `{version: "==1.2.3", hashes: ["sha256:…"], index, markers, extras, git, ref, editable, path,
//! file}`. pipenv 2022.10 added package categories: any other top-level object is a category
//! installed only on request (`pipenv install --categories docs`), read as [`Scope::Optional`].
//! A package in several sections is one package with the widest scope.
//!
//! Spec versions: 6 has been written since pipenv 11 (2018). Specs 1 to 5 have the same shape,
//! so they are read alike, with a warning naming the spec; a lockfile without `pipfile-spec` is
//! read as 6 with a warning; a spec above 6 is an error, since its shape is unknown.
//!
//! Sources: a package with `index` comes from the `_meta.sources` entry of that name, one without
//! from the first source (pipenv's default index); PyPI is the default registry, anything else
//! `Source::Registry` with its URL. `git` + `ref` is a git package (`ref` is the commit pipenv
//! resolved; a ref that is not a full commit hash is kept as the reference); `hg`/`svn`/`bzr`
//! are URL packages; `path` (editable or not) is a path package; `file` is a URL package (or a
//! path package for `file:` URLs). The lockfile lists every installed package flatly and does
//! not record which ones are direct: the Pipfile beside it does.

use std::collections::BTreeMap;

use customs_core::{Ecosystem, Integrity, Scope, Source};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::requirements::registry_source;
use crate::{Builder, Input, LineIndex, ParseError, Parsed};

/// The newest `pipfile-spec` customs reads.
const LATEST_SPEC: u64 = 6;

#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(rename = "pipfile-spec", borrow)]
    spec: Option<&'a RawValue>,
    sources: Option<Vec<SourceEntry>>,
}

#[derive(Deserialize)]
struct SourceEntry {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
    hashes: Option<Vec<String>>,
    index: Option<String>,
    git: Option<String>,
    hg: Option<String>,
    svn: Option<String>,
    bzr: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    path: Option<String>,
    file: Option<String>,
}

pub(crate) fn sniff(head: &str) -> bool {
    head.trim_start().starts_with('{') && head.contains("\"pipfile-spec\"")
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let top: BTreeMap<String, &RawValue> = serde_json::from_str(input.text)
        .map_err(|error| ParseError::json("Pipfile.lock", error))?;
    let lines = LineIndex::new(input.text);
    let line_of = |raw: &RawValue| lines.line_of(raw.get()).unwrap_or(1);
    let mut warnings = Vec::new();
    let mut errors = Vec::new();

    let meta: Option<Meta<'_>> = match top.get("_meta") {
        Some(raw) => Some(
            serde_json::from_str(raw.get())
                .map_err(|error| ParseError::json("Pipfile.lock _meta", error))
                .map_err(|error| ParseError {
                    line: Some(line_of(raw)),
                    ..error
                })?,
        ),
        None => None,
    };
    let spec = match meta.as_ref().and_then(|m| m.spec) {
        Some(raw) => {
            let spec = raw.get().parse::<u64>().map_err(|_| {
                ParseError::at(
                    line_of(raw),
                    format!(
                        "invalid Pipfile.lock: _meta.pipfile-spec is `{}`, expected an integer",
                        raw.get()
                    ),
                )
            })?;
            if spec > LATEST_SPEC || spec == 0 {
                return Err(ParseError::at(
                    line_of(raw),
                    format!(
                        "unsupported Pipfile.lock pipfile-spec {spec} (customs reads specs 1 to \
                         {LATEST_SPEC})"
                    ),
                ));
            }
            if spec < LATEST_SPEC {
                warnings.push(ParseError::at(
                    line_of(raw),
                    format!(
                        "pipfile-spec {spec} is older than {LATEST_SPEC}; read as spec \
                         {LATEST_SPEC}, which has the same shape"
                    ),
                ));
            }
            Some(spec)
        }
        None => {
            warnings.push(ParseError::at(
                1,
                format!("no _meta.pipfile-spec; read as spec {LATEST_SPEC}"),
            ));
            None
        }
    };

    // Source name to registry, and the default (first) source.
    let sources: Vec<(Option<&str>, Source)> = meta
        .as_ref()
        .and_then(|m| m.sources.as_ref())
        .map(|sources| {
            sources
                .iter()
                .filter_map(|s| Some((s.name.as_deref(), registry_source(s.url.as_deref()?))))
                .collect()
        })
        .unwrap_or_default();
    let default_source = sources
        .first()
        .map_or_else(|| Source::registry(Ecosystem::PyPI), |(_, s)| s.clone());

    let mut builder = Builder::new(Ecosystem::PyPI, input.path);
    for (section, raw) in &top {
        let scope = match section.as_str() {
            "_meta" => continue,
            "default" => Scope::Prod,
            "develop" => Scope::Dev,
            _ if raw.get().starts_with('{') => Scope::Optional,
            _ => {
                warnings.push(ParseError::at(
                    line_of(raw),
                    format!("unknown top-level key `{section}` ignored"),
                ));
                continue;
            }
        };
        let packages: BTreeMap<String, &RawValue> = match serde_json::from_str(raw.get()) {
            Ok(packages) => packages,
            Err(error) => {
                errors.push(
                    ParseError::at(
                        line_of(raw),
                        format!("invalid Pipfile.lock section `{section}`"),
                    )
                    .with_source(error),
                );
                continue;
            }
        };
        for (name, raw) in packages {
            let line = line_of(raw);
            let entry: Entry = match serde_json::from_str(raw.get()) {
                Ok(entry) => entry,
                Err(error) => {
                    errors.push(
                        ParseError::at(line, format!("invalid Pipfile.lock entry `{name}`"))
                            .with_source(error),
                    );
                    continue;
                }
            };
            let source = match entry_source(&entry) {
                Some(source) => source,
                None => match entry.index.as_deref() {
                    Some(index) => match sources.iter().find(|(n, _)| *n == Some(index)) {
                        Some((_, source)) => source.clone(),
                        None => {
                            warnings.push(ParseError::at(
                                line,
                                format!(
                                    "`{name}` names index `{index}`, which _meta.sources does \
                                     not list; recorded as from the default source"
                                ),
                            ));
                            default_source.clone()
                        }
                    },
                    None => default_source.clone(),
                },
            };
            let (version, requirement) = match entry.version.as_deref().map(str::trim) {
                Some(v) => match v.strip_prefix("===").or_else(|| v.strip_prefix("==")) {
                    Some(exact) if !exact.trim().ends_with(".*") => (Some(exact.trim()), None),
                    _ => (None, Some(v.to_owned())),
                },
                None => (None, None),
            };
            let mut package = match builder.package(&name, version, source, line) {
                Ok(package) => package,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            package.scope = Some(scope);
            package.requirement = requirement.filter(|r| !r.is_empty() && r != "*");
            if let Source::Url { url } = &package.source
                && entry.file.is_some()
            {
                package.artifact_url = Some(url.clone());
            }
            for hash in entry.hashes.iter().flatten() {
                match Integrity::from_prefixed_hex(hash) {
                    Ok(integrity) => {
                        package.integrity.insert(integrity);
                    }
                    Err(error) => errors.push(
                        ParseError::at(line, format!("bad hash for {name}")).with_source(error),
                    ),
                }
            }
            builder.add(package);
        }
    }

    let format = match spec {
        Some(spec) => format!("Pipfile.lock (pipfile-spec {spec})"),
        None => "Pipfile.lock (no pipfile-spec)".to_owned(),
    };
    let mut parsed = Parsed::new(format, Ecosystem::PyPI, builder.finish());
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_scope = true;
    Ok(parsed)
}

/// The source of a VCS, path or file entry; `None` for a registry package.
fn entry_source(entry: &Entry) -> Option<Source> {
    if let Some(git) = &entry.git {
        let url = match git.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("git+") => git.get(4..).unwrap_or(git),
            _ => git,
        };
        let rev = entry.reference.as_deref().filter(|r| !r.is_empty());
        let is_commit = rev.is_some_and(|rev| {
            matches!(rev.len(), 40 | 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
        });
        return Some(Source::Git {
            url: customs_core::redacted_url(url),
            commit: rev.filter(|_| is_commit).map(str::to_owned),
            reference: rev.filter(|_| !is_commit).map(str::to_owned),
        });
    }
    for (vcs, url) in [("hg", &entry.hg), ("svn", &entry.svn), ("bzr", &entry.bzr)] {
        if let Some(url) = url {
            let url = if url.starts_with(&format!("{vcs}+")) {
                url.clone()
            } else {
                format!("{vcs}+{url}")
            };
            let url = match &entry.reference {
                Some(rev) if !rev.is_empty() => format!("{url}@{rev}"),
                _ => url,
            };
            return Some(Source::Url {
                url: customs_core::redacted_url(&url),
            });
        }
    }
    if let Some(path) = &entry.path {
        return Some(Source::Path { path: path.clone() });
    }
    if let Some(file) = &entry.file {
        let is_file_url = file
            .get(..5)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file:"));
        if is_file_url || !file.contains("://") {
            return Some(Source::Path { path: file.clone() });
        }
        return Some(Source::Url {
            url: customs_core::redacted_url(file),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::summary;
    use insta::assert_snapshot;

    fn run(text: &str) -> Result<Parsed, ParseError> {
        parse(Input {
            path: "Pipfile.lock",
            text,
        })
    }

    const H1: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    fn lockfile(spec: &str, body: &str) -> String {
        format!(
            r#"{{
    "_meta": {{
        "hash": {{"sha256": "{H1}"}},
        {spec}
        "requires": {{"python_version": "3.11"}},
        "sources": [
            {{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}},
            {{"name": "private", "url": "https://user:pw@pkgs.example.com/simple/", "verify_ssl": true}}
        ]
    }},
{body}
}}"#
        )
    }

    #[test]
    fn spec_6_sections_sources_and_kinds() {
        let body = format!(
            r#"    "default": {{
        "requests": {{
            "hashes": ["sha256:{H1}"],
            "index": "pypi",
            "markers": "python_version >= '3.7'",
            "version": "==2.31.0"
        }},
        "internal-lib": {{"index": "private", "version": "==1.4.0"}},
        "markupsafe": {{"editable": true, "git": "https://github.com/pallets/markupsafe", "ref": "b36054111bc1e8bbadb5d0d60158feb72926f467"}},
        "tool": {{"git": "git+https://github.com/org/tool.git", "ref": "main"}},
        "local": {{"editable": true, "path": "./libs/local"}},
        "archive": {{"file": "https://example.com/archive-1.0.tar.gz", "version": "==1.0"}},
        "six": {{"version": "==1.16.0"}}
    }},
    "develop": {{
        "pytest": {{"hashes": ["sha256:{H1}"], "version": "==7.4.0", "extras": ["testing"]}},
        "six": {{"version": "==1.16.0"}}
    }},
    "docs": {{
        "sphinx": {{"version": "==7.0.0"}}
    }}"#
        );
        let parsed = run(&lockfile(r#""pipfile-spec": 6,"#, &body)).unwrap();
        assert_snapshot!(summary(&parsed), @r#"
        format: Pipfile.lock (pipfile-spec 6)
        pkg:pypi/archive@1.0?download_url=https:%2F%2Fexample.com%2Farchive-1.0.tar.gz scope=prod direct=false source=url lines=[22] sha256=- deps=[]
        pkg:pypi/internal-lib@1.4.0?repository_url=https:%2F%2Fpkgs.example.com%2Fsimple scope=prod direct=false source=registry lines=[18] sha256=- deps=[]
        pkg:pypi/local scope=prod direct=false source=path lines=[21] sha256=- deps=[]
        pkg:pypi/markupsafe?vcs_url=https:%2F%2Fgithub.com%2Fpallets%2Fmarkupsafe%40b36054111bc1e8bbadb5d0d60158feb72926f467 scope=prod direct=false source=git lines=[19] sha256=- deps=[]
        pkg:pypi/pytest@7.4.0 scope=dev direct=false source=registry lines=[26] sha256=2cf24dba deps=[]
        pkg:pypi/requests@2.31.0 scope=prod direct=false source=registry lines=[12] sha256=2cf24dba deps=[]
        pkg:pypi/six@1.16.0 scope=prod direct=false source=registry lines=[23, 27] sha256=- deps=[]
        pkg:pypi/sphinx@7.0.0 scope=optional direct=false source=registry lines=[30] sha256=- deps=[]
        pkg:pypi/tool?vcs_url=https:%2F%2Fgithub.com%2Forg%2Ftool.git scope=prod direct=false source=git lines=[20] sha256=- deps=[]
        "#);
        let tool = parsed
            .packages
            .iter()
            .find(|p| p.name.as_str() == "tool")
            .unwrap();
        assert_eq!(
            tool.source,
            Source::Git {
                url: "https://github.com/org/tool.git".into(),
                commit: None,
                reference: Some("main".into()),
            }
        );
        assert!(parsed.records_scope);
        assert!(!parsed.records_direct);
    }

    #[test]
    fn first_source_is_the_default_index() {
        let text = r#"{"_meta": {"pipfile-spec": 6, "sources": [{"name": "corp", "url": "https://corp.example.com/simple"}]},
"default": {"a": {"version": "==1.0"}, "b": {"version": "==2.0", "index": "nowhere"}}, "develop": {}}"#;
        assert_snapshot!(summary(&run(text).unwrap()), @r#"
        format: Pipfile.lock (pipfile-spec 6)
        pkg:pypi/a@1.0?repository_url=https:%2F%2Fcorp.example.com%2Fsimple scope=prod direct=false source=registry lines=[2] sha256=- deps=[]
        pkg:pypi/b@2.0?repository_url=https:%2F%2Fcorp.example.com%2Fsimple scope=prod direct=false source=registry lines=[2] sha256=- deps=[]
        warning: Some(2) `b` names index `nowhere`, which _meta.sources does not list; recorded as from the default source
        "#);
    }

    #[test]
    fn older_and_missing_specs_are_read_with_a_warning() {
        let body = r#"    "default": {"six": {"version": "==1.16.0"}}, "develop": {}"#;
        let parsed = run(&lockfile(r#""pipfile-spec": 5,"#, body)).unwrap();
        assert_snapshot!(summary(&parsed), @r"
        format: Pipfile.lock (pipfile-spec 5)
        pkg:pypi/six@1.16.0 scope=prod direct=false source=registry lines=[11] sha256=- deps=[]
        warning: Some(4) pipfile-spec 5 is older than 6; read as spec 6, which has the same shape
        ");
        let parsed = run(r#"{"default": {"six": {"version": "==1.16.0"}}}"#).unwrap();
        assert_snapshot!(summary(&parsed), @r"
        format: Pipfile.lock (no pipfile-spec)
        pkg:pypi/six@1.16.0 scope=prod direct=false source=registry lines=[1] sha256=- deps=[]
        warning: Some(1) no _meta.pipfile-spec; read as spec 6
        ");
    }

    #[test]
    fn newer_spec_is_an_error() {
        let error = run(&lockfile(r#""pipfile-spec": 7,"#, r#""default": {}"#)).unwrap_err();
        assert_eq!(error.line, Some(4));
        assert_eq!(
            error.message,
            "unsupported Pipfile.lock pipfile-spec 7 (customs reads specs 1 to 6)"
        );
        let error = run(&lockfile(r#""pipfile-spec": "6","#, r#""default": {}"#)).unwrap_err();
        assert!(
            error.message.contains("expected an integer"),
            "{}",
            error.message
        );
    }

    #[test]
    fn bad_entries_are_errors_and_the_rest_parses() {
        let text = r#"{
  "_meta": {"pipfile-spec": 6, "sources": []},
  "default": {
    "good": {"version": "==1.0", "hashes": ["sha256:123"]},
    "bad": "==1.0",
    "bad name": {"version": "==1.0"},
    "loose": {"version": "*"}
  },
  "develop": []
}"#;
        assert_snapshot!(summary(&run(text).unwrap()), @r#"
        format: Pipfile.lock (pipfile-spec 6)
        pkg:pypi/good@1.0 scope=prod direct=false source=registry lines=[4] sha256=- deps=[]
        pkg:pypi/loose scope=prod direct=false source=registry lines=[7] sha256=- deps=[]
        error: Some(5) invalid Pipfile.lock entry `bad`: invalid type: string "==1.0", expected struct Entry at line 1 column 7
        error: Some(6) invalid package name: package name `bad name` contains whitespace or control characters
        error: Some(4) bad hash for good: malformed digest in `sha256:123`
        error: Some(9) invalid Pipfile.lock section `develop`: invalid type: sequence, expected a map at line 1 column 0
        "#);
    }

    #[test]
    fn malformed_json_is_an_error_with_its_line() {
        let error = run("{\n  \"_meta\": {\n    \"pipfile-spec\": 6,\n  ,\n}").unwrap_err();
        assert_eq!(error.line, Some(4));
        assert!(error.message.starts_with("invalid Pipfile.lock"));
        let error = run("").unwrap_err();
        assert!(error.message.starts_with("invalid Pipfile.lock"));
        let error = run("[]").unwrap_err();
        assert!(error.message.starts_with("invalid Pipfile.lock"));
    }

    #[test]
    fn sniffs_the_spec_key_and_names_the_file() {
        use crate::Format;
        assert!(sniff("{\n    \"_meta\": {\n        \"pipfile-spec\": 6,"));
        assert!(!sniff("{\"lockfileVersion\": 3}"));
        assert_eq!(
            Format::sniff("{\"_meta\": {\"pipfile-spec\": 6}}"),
            Some(Format::PipfileLock)
        );
        assert_eq!(
            Format::from_file_name("Pipfile.lock"),
            Some(Format::PipfileLock)
        );
        assert_eq!(Format::from_file_name("Pipfile"), None);
        assert_eq!(Format::from_file_name("pipfile.lock"), None);
    }

    #[test]
    fn never_panics_on_odd_entries() {
        for entry in [
            "null",
            "1",
            "{}",
            "{\"version\": null, \"hashes\": null}",
            "{\"version\": \"\"}",
            "{\"version\": \"==\"}",
            "{\"git\": \"\", \"ref\": \"\"}",
            "{\"git\": \"gi\"}",
            "{\"hg\": \"https://x\", \"ref\": \"tip\"}",
            "{\"file\": \"\"}",
            "{\"file\": \"file:\"}",
            "{\"path\": \"\", \"editable\": true}",
            "{\"hashes\": [\"\", \"sha256\", \"é:é\"]}",
            "{\"index\": \"\"}",
        ] {
            let text = format!(
                "{{\"_meta\": {{\"pipfile-spec\": 6, \"sources\": [{{}}, {{\"url\": \"\"}}]}}, \"default\": {{\"x\": {entry}}}}}"
            );
            let _ = run(&text);
        }
    }
}
