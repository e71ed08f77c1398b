//! SBOM writers on hand-written inventories: whole documents snapshotted in every format, and
//! the mapping's corners (scopes, every hash algorithm, licences, sources, npm scopes, aliases,
//! unions, the graph and its root, vulnerabilities, hostile text, reproducibility).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

use customs_core::SortedSet;

use customs_core::{
    Code, Ecosystem, Finding, FindingAdvisory, FindingPackage, HashAlgorithm, Integrity, Inventory,
    Level, Location, LockfileReport, Package, PackageName, Scope, Severity, Source, Version,
};
use customs_report::sbom::{
    CycloneDxVersion, SbomOptions, write_cyclonedx_json, write_cyclonedx_xml, write_spdx_json,
};
use serde_json::Value;

fn options() -> SbomOptions {
    SbomOptions {
        timestamp: jiff::Timestamp::from_second(1_700_000_000).unwrap(),
        tool_version: "0.1.0".to_owned(),
        project_name: "shop".to_owned(),
    }
}

fn package(ecosystem: Ecosystem, name: &str, version: Option<&str>, source: Source) -> Package {
    Package::new(
        ecosystem,
        PackageName::new(ecosystem, name).unwrap(),
        version.map(|v| Version::new(ecosystem, v)),
        source,
    )
}

fn npm(name: &str, version: &str) -> Package {
    package(
        Ecosystem::Npm,
        name,
        Some(version),
        Source::registry(Ecosystem::Npm),
    )
}

fn at(mut package: Package, path: &str, line: u32) -> Package {
    package.locations.insert(Location {
        path: path.to_owned(),
        line,
    });
    package
}

fn lockfile(path: &str, ecosystem: Ecosystem, packages: Vec<Package>) -> LockfileReport {
    let mut report = LockfileReport {
        path: path.to_owned(),
        format: "test".to_owned(),
        ecosystem,
        packages,
    };
    report.sort();
    report
}

fn sri(text: &str) -> SortedSet<Integrity> {
    Integrity::from_sri(text).unwrap().into_iter().collect()
}

/// One npm project with a root package: every scope, licence kind and source kind, a scoped
/// name, an alias, an unpinned package and a dependency graph.
fn npm_project() -> Inventory {
    let file = "package-lock.json";
    let mut babel = at(npm("@babel/core", "7.24.0"), file, 10);
    babel.scope = Some(Scope::Prod);
    babel.direct = true;
    babel.license = Some("MIT".to_owned());
    babel.artifact_url =
        Some("https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz".to_owned());
    babel.integrity = sri(
        "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOSkOzEzOtkMN+9xTYKKn2Q1TNQ==",
    );
    let mut lodash = at(npm("lodash", "4.17.21"), file, 20);
    lodash.scope = Some(Scope::Prod);
    lodash.license = Some("mit/Apache-2.0".to_owned());
    lodash.aliases.insert("lodash-latest".to_owned());
    lodash.integrity = sri("sha1-2jmouXVaDmtE1QLWbqa2EgLLvVg=");
    babel.dependencies.insert(lodash.id());
    let mut jest = at(npm("jest", "29.7.0"), file, 30);
    jest.scope = Some(Scope::Dev);
    jest.direct = true;
    jest.license = Some("SEE LICENSE IN LICENSE.md".to_owned());
    let mut fsevents = at(npm("fsevents", "2.3.3"), file, 40);
    fsevents.scope = Some(Scope::Optional);
    fsevents.direct = true;
    fsevents.license = Some("GPL-2.0+ WITH Classpath-exception-2.0".to_owned());
    let mut helper = at(
        package(
            Ecosystem::Npm,
            "helper",
            Some("0.1.0"),
            Source::Path {
                path: "../shared libs/helper".to_owned(),
            },
        ),
        file,
        50,
    );
    helper.direct = true;
    helper.scope = Some(Scope::Prod);
    let mut forked = at(
        package(
            Ecosystem::Npm,
            "left-pad",
            Some("1.3.0"),
            Source::Git {
                url: "https://github.com/example/left-pad.git".to_owned(),
                commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
                reference: Some("v1.3.0".to_owned()),
            },
        ),
        file,
        60,
    );
    forked.scope = Some(Scope::Prod);
    let mut tarball = at(
        package(
            Ecosystem::Npm,
            "tarball-dep",
            Some("2.0.0"),
            Source::Url {
                url: "https://example.com/tarball-dep-2.0.0.tgz".to_owned(),
            },
        ),
        file,
        70,
    );
    tarball.artifact_url = Some("https://example.com/tarball-dep-2.0.0.tgz".to_owned());
    let mut unpinned = at(npm("floating", "0.0.0"), file, 80);
    unpinned.version = None;
    unpinned.requirement = Some("^1.2".to_owned());
    let mut root = at(
        package(
            Ecosystem::Npm,
            "shop",
            Some("1.0.0"),
            Source::Workspace {
                path: String::new(),
            },
        ),
        file,
        3,
    );
    for dependency in [&babel, &jest, &fsevents, &helper] {
        root.dependencies.insert(dependency.id());
    }
    // A workspace member (also local), which is not the root.
    let mut member = at(
        package(
            Ecosystem::Npm,
            "@shop/ui",
            Some("1.0.0"),
            Source::Workspace {
                path: "packages/ui".to_owned(),
            },
        ),
        file,
        90,
    );
    member.direct = true;
    member.dependencies.insert(forked.id());
    let packages = vec![
        root, babel, lodash, jest, fsevents, helper, forked, tarball, unpinned, member,
    ];
    Inventory {
        lockfiles: vec![lockfile(file, Ecosystem::Npm, packages)],
        ..Inventory::default()
    }
}

fn render(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    write(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn cyclonedx_json(
    inventory: &Inventory,
    findings: Option<&[Finding]>,
    version: CycloneDxVersion,
) -> String {
    render(|out| write_cyclonedx_json(inventory, findings, version, &options(), out))
}

fn cyclonedx_xml(
    inventory: &Inventory,
    findings: Option<&[Finding]>,
    version: CycloneDxVersion,
) -> String {
    render(|out| write_cyclonedx_xml(inventory, findings, version, &options(), out))
}

fn spdx(inventory: &Inventory) -> String {
    render(|out| write_spdx_json(inventory, &options(), out))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn npm_project_in_every_format() {
    let inventory = npm_project();
    insta::assert_snapshot!(
        "npm_project_cyclonedx_json",
        cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6)
    );
    insta::assert_snapshot!(
        "npm_project_cyclonedx_xml",
        cyclonedx_xml(&inventory, None, CycloneDxVersion::V1_6)
    );
    insta::assert_snapshot!("npm_project_spdx", spdx(&inventory));
}

#[test]
fn the_root_package_is_the_metadata_component_and_not_repeated() {
    let document = json(&cyclonedx_json(
        &npm_project(),
        None,
        CycloneDxVersion::V1_6,
    ));
    let root = &document["metadata"]["component"];
    assert_eq!(root["bom-ref"], "local:pkg:npm/shop@1.0.0");
    assert_eq!(root["type"], "application");
    assert_eq!(root["purl"], "pkg:npm/shop@1.0.0");
    let refs: Vec<&str> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert!(!refs.contains(&"local:pkg:npm/shop@1.0.0"));
    let mut sorted = refs.clone();
    sorted.sort_unstable();
    assert_eq!(refs, sorted, "components are sorted by bom-ref");
    // The root lists its own dependencies only; the workspace member's direct packages hang
    // below the member, and `customs:direct` marks them.
    let dependencies = document["dependencies"].as_array().unwrap();
    let root_entry = dependencies
        .iter()
        .find(|d| d["ref"] == "local:pkg:npm/shop@1.0.0")
        .unwrap();
    assert_eq!(
        root_entry["dependsOn"],
        serde_json::json!([
            "local:pkg:npm/helper@0.1.0#../shared libs/helper",
            "pkg:npm/%40babel/core@7.24.0",
            "pkg:npm/fsevents@2.3.3",
            "pkg:npm/jest@29.7.0",
        ])
    );
    assert_eq!(
        dependencies.len(),
        10,
        "one entry per package, root included"
    );
}

#[test]
fn scopes_map_to_required_optional_excluded_or_nothing() {
    let document = json(&cyclonedx_json(
        &npm_project(),
        None,
        CycloneDxVersion::V1_6,
    ));
    let scope = |name: &str| {
        document["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["scope"].clone())
            .unwrap()
    };
    assert_eq!(scope("lodash"), "required");
    assert_eq!(scope("fsevents"), "optional");
    assert_eq!(scope("jest"), "excluded");
    assert_eq!(scope("tarball-dep"), Value::Null, "unknown scope: no field");
}

#[test]
fn every_hash_algorithm_once_per_digest() {
    let hex = |n: usize, c: char| c.to_string().repeat(n * 2);
    let mut digests = SortedSet::new();
    for (algorithm, fill) in [
        (HashAlgorithm::Md5, 'a'),
        (HashAlgorithm::Sha1, 'b'),
        (HashAlgorithm::Sha256, 'c'),
        (HashAlgorithm::Sha384, 'd'),
        (HashAlgorithm::Sha512, 'e'),
        (HashAlgorithm::Blake2b256, 'f'),
    ] {
        digests.insert(Integrity::from_hex(algorithm, &hex(algorithm.digest_len(), fill)).unwrap());
    }
    // The same digest for two files (a wheel and its copy) is one hash.
    let sha256 = hex(32, '1');
    digests.insert(
        Integrity::from_hex(HashAlgorithm::Sha256, &sha256)
            .unwrap()
            .with_file("a-1.0-py3-none-any.whl"),
    );
    digests.insert(
        Integrity::from_hex(HashAlgorithm::Sha256, &sha256)
            .unwrap()
            .with_file("a-1.0.tar.gz"),
    );
    let mut pypi = at(
        package(
            Ecosystem::PyPI,
            "Requests_Toolbelt",
            Some("1.0.0"),
            Source::registry(Ecosystem::PyPI),
        ),
        "requirements.txt",
        1,
    );
    pypi.integrity = digests;
    pypi.direct = true;
    let inventory = Inventory {
        lockfiles: vec![lockfile("requirements.txt", Ecosystem::PyPI, vec![pypi])],
        ..Inventory::default()
    };
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    let component = &document["components"][0];
    assert_eq!(component["name"], "requests-toolbelt", "the canonical name");
    let algorithms: Vec<&str> = component["hashes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["alg"].as_str().unwrap())
        .collect();
    assert_eq!(
        algorithms,
        [
            "MD5",
            "SHA-1",
            "SHA-256",
            "SHA-256",
            "SHA-384",
            "SHA-512",
            "BLAKE2b-256"
        ]
    );
    let document = json(&spdx(&inventory));
    let algorithms: Vec<&str> = document["packages"][1]["checksums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["algorithm"].as_str().unwrap())
        .collect();
    assert_eq!(
        algorithms,
        [
            "MD5",
            "SHA1",
            "SHA256",
            "SHA256",
            "SHA384",
            "SHA512",
            "BLAKE2b-256"
        ]
    );
}

#[test]
fn licences_valid_lax_free_text_references_and_none() {
    let mut packages = Vec::new();
    for (i, license) in [
        Some("MIT"),
        Some("Apache-2.0 OR MIT"),
        Some("(MIT or Apache-2.0)"),
        Some("GPL-3.0+"),
        Some("LicenseRef-Proprietary"),
        Some("DocumentRef-other:LicenseRef-X"),
        Some("Custom: see https://example.com/licence"),
        Some("   "),
        None,
    ]
    .into_iter()
    .enumerate()
    {
        let mut p = at(
            npm(&format!("p{i}"), "1.0.0"),
            "package-lock.json",
            1 + i as u32,
        );
        p.license = license.map(str::to_owned);
        packages.push(p);
    }
    let inventory = Inventory {
        lockfiles: vec![lockfile("package-lock.json", Ecosystem::Npm, packages)],
        ..Inventory::default()
    };
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    let licenses: Vec<String> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["licenses"].to_string())
        .collect();
    insta::assert_snapshot!(licenses.join("\n"), @r#"
    [{"expression":"MIT"}]
    [{"expression":"Apache-2.0 OR MIT"}]
    [{"expression":"(MIT OR Apache-2.0)"}]
    [{"expression":"GPL-3.0-or-later"}]
    [{"expression":"LicenseRef-Proprietary"}]
    [{"expression":"DocumentRef-other:LicenseRef-X"}]
    [{"license":{"name":"Custom: see https://example.com/licence"}}]
    null
    null
    "#);
    let document = json(&spdx(&inventory));
    let declared: Vec<String> = document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|p| {
            format!(
                "{} | {}",
                p["licenseDeclared"].as_str().unwrap(),
                p["licenseComments"].as_str().unwrap_or("-")
            )
        })
        .collect();
    insta::assert_snapshot!(declared.join("\n"), @r"
    MIT | -
    Apache-2.0 OR MIT | -
    (MIT OR Apache-2.0) | -
    GPL-3.0-or-later | -
    LicenseRef-Proprietary | -
    NOASSERTION | The package declares the licence `DocumentRef-other:LicenseRef-X`.
    NOASSERTION | The package declares the licence `Custom: see https://example.com/licence`.
    NOASSERTION | -
    NOASSERTION | -
    ");
    assert_eq!(
        document["hasExtractedLicensingInfos"],
        serde_json::json!([{
            "licenseId": "LicenseRef-Proprietary",
            "extractedText": "A package declares LicenseRef-Proprietary; the lockfile does not record the licence's text.",
            "name": "Proprietary",
        }])
    );
}

/// Two npm lockfiles share lodash; a Cargo.lock sits beside them.
fn union() -> Inventory {
    let mut a_lodash = at(npm("lodash", "4.17.21"), "web/package-lock.json", 12);
    a_lodash.direct = true;
    a_lodash.scope = Some(Scope::Dev);
    let mut a_react = at(npm("react", "18.2.0"), "web/package-lock.json", 20);
    a_react.direct = true;
    a_react.scope = Some(Scope::Prod);
    a_react.dependencies.insert(a_lodash.id());
    let mut b_lodash = at(npm("lodash", "4.17.21"), "admin/package-lock.json", 7);
    b_lodash.scope = Some(Scope::Prod);
    b_lodash.integrity = sri("sha1-2jmouXVaDmtE1QLWbqa2EgLLvVg=");
    let mut serde = at(
        package(
            Ecosystem::CratesIo,
            "serde",
            Some("1.0.200"),
            Source::registry(Ecosystem::CratesIo),
        ),
        "Cargo.lock",
        5,
    );
    serde.direct = true;
    Inventory {
        lockfiles: vec![
            lockfile("Cargo.lock", Ecosystem::CratesIo, vec![serde]),
            lockfile("admin/package-lock.json", Ecosystem::Npm, vec![b_lodash]),
            lockfile(
                "web/package-lock.json",
                Ecosystem::Npm,
                vec![a_lodash, a_react],
            ),
        ],
        ..Inventory::default()
    }
}

#[test]
fn several_lockfiles_give_one_sbom_with_each_package_once() {
    let inventory = union();
    let text = cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6);
    let document = json(&text);
    let components = document["components"].as_array().unwrap();
    assert_eq!(components.len(), 3);
    let lodash = components.iter().find(|c| c["name"] == "lodash").unwrap();
    // Merged: locations of both files, the wider scope, direct from one of them, the hash.
    assert_eq!(lodash["scope"], "required");
    assert_eq!(
        lodash["properties"],
        serde_json::json!([
            {"name": "customs:direct", "value": "true"},
            {"name": "customs:location", "value": "admin/package-lock.json:7"},
            {"name": "customs:location", "value": "web/package-lock.json:12"},
        ])
    );
    assert_eq!(lodash["hashes"][0]["alg"], "SHA-1");
    // No single root package: the root is the project, depending on every direct package.
    assert_eq!(
        document["metadata"]["component"],
        serde_json::json!({"type": "application", "bom-ref": "root", "name": "shop"})
    );
    assert_eq!(
        document["dependencies"],
        serde_json::json!([
            {"ref": "pkg:cargo/serde@1.0.200"},
            {"ref": "pkg:npm/lodash@4.17.21"},
            {"ref": "pkg:npm/react@18.2.0", "dependsOn": ["pkg:npm/lodash@4.17.21"]},
            {"ref": "root", "dependsOn": [
                "pkg:cargo/serde@1.0.200", "pkg:npm/lodash@4.17.21", "pkg:npm/react@18.2.0"
            ]},
        ])
    );
    let document = json(&spdx(&inventory));
    assert_eq!(document["packages"][0]["SPDXID"], "SPDXRef-Root");
    assert_eq!(document["packages"].as_array().unwrap().len(), 4);
    let relationships: Vec<String> = document["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["spdxElementId"].as_str().unwrap(),
                r["relationshipType"].as_str().unwrap(),
                r["relatedSpdxElement"].as_str().unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!(relationships.join("\n"), @r"
    SPDXRef-DOCUMENT DESCRIBES SPDXRef-Root
    SPDXRef-Package-react-18.2.0-dba92fba DEPENDS_ON SPDXRef-Package-lodash-4.17.21-ef1bdbd9
    SPDXRef-Root DEPENDS_ON SPDXRef-Package-lodash-4.17.21-ef1bdbd9
    SPDXRef-Root DEPENDS_ON SPDXRef-Package-react-18.2.0-dba92fba
    SPDXRef-Root DEPENDS_ON SPDXRef-Package-serde-1.0.200-2e00541e
    ");
}

#[test]
fn spec_version_1_5_changes_only_the_version_and_namespace() {
    let inventory = npm_project();
    let v16 = cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6);
    let v15 = cyclonedx_json(&inventory, None, CycloneDxVersion::V1_5);
    let (a, b) = (json(&v16), json(&v15));
    assert_eq!(b["specVersion"], "1.5");
    assert_eq!(
        b["$schema"],
        "http://cyclonedx.org/schema/bom-1.5.schema.json"
    );
    assert_ne!(a["serialNumber"], b["serialNumber"]);
    for key in ["metadata", "components", "dependencies"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    let xml = cyclonedx_xml(&inventory, None, CycloneDxVersion::V1_5);
    assert!(
        xml.contains(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:"#)
    );
}

fn finding(
    code: Code,
    severity: Severity,
    package: &Package,
    advisory: FindingAdvisory,
    ignored: Option<&str>,
) -> Finding {
    Finding {
        severity,
        level: if ignored.is_some() {
            Level::Allow
        } else {
            Level::Deny
        },
        package: Some(FindingPackage {
            ecosystem: package.ecosystem,
            name: package.name.as_str().to_owned(),
            version: package.version.as_ref().map(|v| v.as_str().to_owned()),
            purl: package.purl(),
            lockfile: "package-lock.json".to_owned(),
        }),
        advisory: Some(advisory),
        locations: package.locations.iter().cloned().collect(),
        ignored: ignored.map(str::to_owned),
        ..Finding::new(code, "message")
    }
}

fn findings() -> Vec<Finding> {
    let lodash = at(npm("lodash", "4.17.21"), "package-lock.json", 20);
    let babel = at(npm("@babel/core", "7.24.0"), "package-lock.json", 10);
    let jest = at(npm("jest", "29.7.0"), "package-lock.json", 30);
    let fsevents = at(npm("fsevents", "2.3.3"), "package-lock.json", 40);
    let prototype_pollution = FindingAdvisory {
        id: "GHSA-jf85-cpcp-j695".to_owned(),
        aliases: vec![
            "CVE-2019-10744".to_owned(),
            "SNYK-JS-LODASH-450202".to_owned(),
        ],
        summary: Some("Prototype Pollution in lodash".to_owned()),
        fixed_in: Some("4.17.22".to_owned()),
        url: Some("https://github.com/advisories/GHSA-jf85-cpcp-j695".to_owned()),
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H".to_owned()),
        score: Some("9.1".to_owned()),
    };
    let babel_advisory = FindingAdvisory {
        fixed_in: Some("7.26.0".to_owned()),
        ..prototype_pollution.clone()
    };
    let malicious = FindingAdvisory {
        id: "MAL-2025-1".to_owned(),
        aliases: Vec::new(),
        summary: Some("Malicious code in jest (npm)".to_owned()),
        fixed_in: None,
        url: None,
        cvss: None,
        score: None,
    };
    let v4 = FindingAdvisory {
        id: "GHSA-xxxx-yyyy-zzzz".to_owned(),
        aliases: Vec::new(),
        summary: None,
        fixed_in: None,
        url: Some("not a url".to_owned()),
        cvss: Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".to_owned()),
        score: Some("9.3".to_owned()),
    };
    vec![
        finding(
            Code::Vulnerability,
            Severity::Critical,
            &lodash,
            prototype_pollution.clone(),
            None,
        ),
        finding(
            Code::Vulnerability,
            Severity::Critical,
            &babel,
            babel_advisory,
            None,
        ),
        // The same advisory accepted on one package: a separate entry with the reason.
        finding(
            Code::Vulnerability,
            Severity::Critical,
            &fsevents,
            prototype_pollution,
            Some("only used at build time"),
        ),
        finding(Code::Malicious, Severity::Critical, &jest, malicious, None),
        finding(Code::Vulnerability, Severity::Critical, &fsevents, v4, None),
        // Findings about no package are not vulnerabilities.
        Finding::new(Code::AdvisoriesStale, "the advisory database is 9 days old"),
    ]
}

#[test]
fn vulnerabilities_section_in_json_and_xml() {
    let inventory = npm_project();
    let findings = findings();
    let document = json(&cyclonedx_json(
        &inventory,
        Some(&findings),
        CycloneDxVersion::V1_6,
    ));
    insta::assert_snapshot!(
        "vulnerabilities_json",
        serde_json::to_string_pretty(&document["vulnerabilities"]).unwrap()
    );
    let xml = cyclonedx_xml(&inventory, Some(&findings), CycloneDxVersion::V1_6);
    let start = xml.find("  <vulnerabilities>").unwrap();
    insta::assert_snapshot!("vulnerabilities_xml", &xml[start..]);
    // No findings: no section at all.
    let document = json(&cyclonedx_json(
        &inventory,
        Some(&[]),
        CycloneDxVersion::V1_6,
    ));
    assert!(document.get("vulnerabilities").is_none());
}

#[test]
fn output_is_reproducible_and_the_serial_follows_the_content() {
    let inventory = npm_project();
    for write in [
        |i: &Inventory, o: &SbomOptions, out: &mut Vec<u8>| {
            write_cyclonedx_json(i, None, CycloneDxVersion::V1_6, o, out)
        },
        |i: &Inventory, o: &SbomOptions, out: &mut Vec<u8>| {
            write_cyclonedx_xml(i, None, CycloneDxVersion::V1_6, o, out)
        },
        |i: &Inventory, o: &SbomOptions, out: &mut Vec<u8>| write_spdx_json(i, o, out),
    ] {
        let run = |options: &SbomOptions| {
            let mut out = Vec::new();
            write(&inventory, options, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let first = run(&options());
        assert_eq!(first, run(&options()), "byte-identical");
        let later = SbomOptions {
            timestamp: jiff::Timestamp::from_second(1_700_000_001).unwrap(),
            ..options()
        };
        let serial = |text: &str| {
            let at = text
                .find("urn:uuid:")
                .or_else(|| text.find("/spdxdocs/shop-").map(|i| i + 6))
                .unwrap()
                + 9;
            text[at..at + 36].to_owned()
        };
        let (a, b) = (serial(&first), serial(&run(&later)));
        assert_ne!(a, b, "another time is another document");
        assert_eq!(&a[14..15], "5", "a version 5 UUID: {a}");
        assert!(
            matches!(&a[19..20], "8" | "9" | "a" | "b"),
            "RFC 4122 variant: {a}"
        );
        assert!(!a.starts_with("00000000"), "the placeholder was replaced");
    }
}

#[test]
fn hostile_text_stays_well_formed() {
    let mut weird = at(npm("weird", "1.0.0"), "dir\u{1}/package-lock.json", 1);
    weird.license = Some("MIT\u{0}<script>&\"".to_owned());
    weird.requirement = Some("]]><!--\u{7}".to_owned());
    weird.artifact_url = Some("https://example.com/a b.tgz".to_owned());
    let long_version = "1.".repeat(600) + "0";
    let long = at(npm("long", &long_version), "package-lock.json", 2);
    let inventory = Inventory {
        lockfiles: vec![lockfile(
            "package-lock.json",
            Ecosystem::Npm,
            vec![weird, long],
        )],
        ..Inventory::default()
    };
    let xml = cyclonedx_xml(&inventory, None, CycloneDxVersion::V1_6);
    // Parses as XML, with the forbidden characters replaced.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut texts = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Text(text) => texts.push(text.xml10_content().into_owned()),
            _ => {}
        }
    }
    let all = texts.join("|");
    assert!(all.contains("MIT\u{FFFD}"), "{all}");
    assert!(!xml.contains('\u{0}') && !xml.contains('\u{1}') && !xml.contains('\u{7}'));
    // The URL with a space is not written as a reference.
    assert!(!xml.contains("a b.tgz"));
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    assert!(
        document["components"][1]
            .get("externalReferences")
            .is_none()
    );
    // A version longer than CycloneDX allows stays in the purl only.
    assert_eq!(document["components"][0]["name"], "long");
    assert!(document["components"][0].get("version").is_none());
    assert!(
        document["components"][0]["purl"]
            .as_str()
            .unwrap()
            .ends_with(".0")
    );
}

#[test]
fn spdx_download_locations_and_local_sources() {
    let mut local_registry = at(npm("private", "1.0.0"), "package-lock.json", 1);
    local_registry.artifact_url =
        Some("http://localhost:4873/private/-/private-1.0.0.tgz".to_owned());
    let scp_git = at(
        package(
            Ecosystem::Npm,
            "scp",
            Some("1.0.0"),
            Source::Git {
                url: "git@github.com:o/scp.git".to_owned(),
                commit: None,
                reference: None,
            },
        ),
        "package-lock.json",
        2,
    );
    let ssh_git = at(
        package(
            Ecosystem::Npm,
            "ssh",
            Some("1.0.0"),
            Source::Git {
                url: "git+ssh://git@github.com/o/ssh.git".to_owned(),
                commit: Some("abc".to_owned()),
                reference: None,
            },
        ),
        "package-lock.json",
        3,
    );
    let inventory = Inventory {
        lockfiles: vec![lockfile(
            "package-lock.json",
            Ecosystem::Npm,
            vec![local_registry, scp_git, ssh_git],
        )],
        ..Inventory::default()
    };
    let document = json(&spdx(&inventory));
    let locations: Vec<&str> = document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|p| p["downloadLocation"].as_str().unwrap())
        .collect();
    assert_eq!(
        locations,
        [
            "NOASSERTION",
            "NOASSERTION",
            "git+ssh://git@github.com/o/ssh.git@abc"
        ]
    );
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    let references: Vec<String> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["externalReferences"].to_string())
        .collect();
    assert_eq!(
        references,
        [
            r#"[{"type":"distribution","url":"http://localhost:4873/private/-/private-1.0.0.tgz"}]"#,
            "null",
            r#"[{"type":"vcs","url":"git+ssh://git@github.com/o/ssh.git"}]"#,
        ]
    );
}

#[test]
fn an_empty_inventory_is_a_valid_document_with_only_the_root() {
    let inventory = Inventory::default();
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    assert!(document.get("components").is_none());
    assert_eq!(
        document["dependencies"],
        serde_json::json!([{"ref": "root"}])
    );
    let document = json(&spdx(&inventory));
    assert_eq!(document["packages"].as_array().unwrap().len(), 1);
    assert_eq!(document["relationships"].as_array().unwrap().len(), 1);
}

#[test]
fn local_packages_of_several_lockfiles_are_told_apart_by_directory() {
    // Two projects whose roots are both app@1.0.0 at `.`, each with a workspace member.
    let project = |directory: &str| {
        let lockfile_path = format!("{directory}/package-lock.json");
        let workspace = |name: &str, path: &str| {
            at(
                package(
                    Ecosystem::Npm,
                    name,
                    Some("1.0.0"),
                    Source::Workspace {
                        path: path.to_owned(),
                    },
                ),
                &lockfile_path,
                3,
            )
        };
        let member = workspace("lib", "packages/lib");
        let mut root = workspace("app", ".");
        root.dependencies.insert(member.id());
        let mut shared = at(npm("left-pad", "1.3.0"), &lockfile_path, 9);
        shared.direct = true;
        lockfile(&lockfile_path, Ecosystem::Npm, vec![root, member, shared])
    };
    let inventory = Inventory {
        lockfiles: vec![project("admin"), project("web/../web")],
        ..Inventory::default()
    };
    let document = json(&cyclonedx_json(&inventory, None, CycloneDxVersion::V1_6));
    let references: Vec<&str> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        references,
        [
            "local:pkg:npm/app@1.0.0#admin",
            "local:pkg:npm/app@1.0.0#web",
            "local:pkg:npm/lib@1.0.0#admin/packages/lib",
            "local:pkg:npm/lib@1.0.0#web/packages/lib",
            "pkg:npm/left-pad@1.3.0",
        ]
    );
    // The edges follow the renamed ids.
    let depends_on = |reference: &str| -> Vec<String> {
        document["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["ref"] == reference)
            .unwrap()["dependsOn"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        depends_on("local:pkg:npm/app@1.0.0#web"),
        ["local:pkg:npm/lib@1.0.0#web/packages/lib"]
    );
    let text = spdx(&inventory);
    assert!(
        text.contains("\"referenceLocator\": \"workspace:admin/packages/lib\""),
        "{text}"
    );
}
