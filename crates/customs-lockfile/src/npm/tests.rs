use super::*;
use crate::summary::render;
use crate::testing::summary;
use insta::assert_snapshot;

const SHA1: &str = "sha1-tSQ9jz7BqjXxNkYFvA0QNuMKtp8=";
const SHA512: &str = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==";

fn run_at(path: &str, text: &str) -> Parsed {
    parse(Input { path, text }).unwrap()
}

fn run(text: &str) -> Parsed {
    run_at("package-lock.json", text)
}

fn error(text: &str) -> ParseError {
    parse(Input {
        path: "package-lock.json",
        text,
    })
    .unwrap_err()
}

#[test]
fn v3_workspaces_links_and_nested_resolution() {
    let text = format!(
        r#"{{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {{
    "": {{
      "name": "app",
      "version": "1.0.0",
      "workspaces": ["packages/*"],
      "dependencies": {{ "a": "^1.0.0", "@s/util": "*" }},
      "devDependencies": {{ "d": "^1.0.0" }},
      "optionalDependencies": {{ "gone": "^1.0.0" }}
    }},
    "node_modules/@s/util": {{
      "resolved": "packages/util",
      "link": true
    }},
    "node_modules/a": {{
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
      "integrity": "{SHA512}",
      "dependencies": {{ "b": "^2.0.0" }}
    }},
    "node_modules/a/node_modules/b": {{
      "version": "2.0.0",
      "resolved": "https://registry.npmjs.org/b/-/b-2.0.0.tgz",
      "integrity": "{SHA1}"
    }},
    "node_modules/b": {{
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/b/-/b-1.0.0.tgz",
      "dev": true
    }},
    "node_modules/d": {{
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/d/-/d-1.0.0.tgz",
      "dev": true,
      "dependencies": {{ "b": "^1.0.0" }}
    }},
    "packages/util": {{
      "name": "@s/util",
      "version": "0.1.0",
      "dependencies": {{ "b": "^3.0.0", "a": "^1.0.0" }}
    }},
    "packages/util/node_modules/b": {{
      "version": "3.0.0",
      "resolved": "https://registry.npmjs.org/b/-/b-3.0.0.tgz"
    }}
  }}
}}
"#
    );
    let parsed = run(&text);
    assert!(parsed.records_direct && parsed.records_scope);
    assert_snapshot!(summary(&parsed), @r#"
    format: package-lock.json v3
    pkg:npm/%40s/util@0.1.0 scope=prod direct=true source=workspace lines=[41] sha256=- deps=["pkg:npm/a@1.0.0", "pkg:npm/b@3.0.0"]
    pkg:npm/a@1.0.0 scope=prod direct=true source=registry lines=[19] sha256=bf690311 deps=["pkg:npm/b@2.0.0"]
    pkg:npm/app@1.0.0 direct=false source=workspace lines=[7] sha256=- deps=["local:pkg:npm/%40s/util@0.1.0#packages/util", "pkg:npm/a@1.0.0", "pkg:npm/d@1.0.0"]
    pkg:npm/b@1.0.0 scope=dev direct=false source=registry lines=[30] sha256=- deps=[]
    pkg:npm/b@2.0.0 scope=prod direct=false source=registry lines=[25] sha256=b5243d8f deps=[]
    pkg:npm/b@3.0.0 scope=prod direct=true source=registry lines=[46] sha256=- deps=[]
    pkg:npm/d@1.0.0 scope=dev direct=true source=registry lines=[35] sha256=- deps=["pkg:npm/b@1.0.0"]
    "#);
    let util = parsed
        .packages
        .iter()
        .find(|p| p.name.as_str() == "@s/util")
        .unwrap();
    assert_eq!(
        util.source,
        Source::Workspace {
            path: "packages/util".into()
        }
    );
    let a = parsed
        .packages
        .iter()
        .find(|p| p.name.as_str() == "a")
        .unwrap();
    assert_eq!(
        a.artifact_url.as_deref(),
        Some("https://registry.npmjs.org/a/-/a-1.0.0.tgz")
    );
}

#[test]
fn v2_sources_aliases_and_flags() {
    let text = format!(
        r#"{{
  "lockfileVersion": 2,
  "requires": true,
  "packages": {{
    "": {{
      "dependencies": {{ "cjs": "npm:string-width@^4", "g": "github:u/g", "t": "https://example.com/t.tgz", "v": "file:vendor/v-1.0.0.tgz", "m": "^1", "l": "file:libs/l" }},
      "peerDependencies": {{ "p": "*" }},
      "peerDependenciesMeta": {{ "p": {{ "optional": true }} }}
    }},
    "node_modules/cjs": {{
      "name": "string-width",
      "version": "4.2.3",
      "resolved": "https://registry.yarnpkg.com/string-width/-/string-width-4.2.3.tgz",
      "integrity": "{SHA512}"
    }},
    "node_modules/g": {{
      "version": "2.0.0",
      "resolved": "git+ssh://git@github.com/u/g.git#0123456789abcdef0123456789abcdef01234567",
      "optional": true
    }},
    "node_modules/t": {{
      "version": "1.0.0",
      "resolved": "https://example.com/t.tgz",
      "devOptional": true
    }},
    "node_modules/v": {{
      "version": "1.0.0",
      "resolved": "file:vendor/v-1.0.0.tgz",
      "peer": true
    }},
    "node_modules/m": {{
      "version": "1.0.0",
      "resolved": "https://token:secret@npm.example.com/repo/m/-/m-1.0.0.tgz",
      "inBundle": true
    }},
    "node_modules/l": {{
      "resolved": "libs/l",
      "link": true
    }},
    "libs/l": {{
      "version": "0.0.1"
    }}
  }}
}}
"#
    );
    let parsed = run(&text);
    assert_snapshot!(summary(&parsed), @r#"
    format: package-lock.json v2
    pkg:npm/g@2.0.0?vcs_url=https:%2F%2Fgithub.com%2Fu%2Fg%400123456789abcdef0123456789abcdef01234567 scope=optional direct=true source=git lines=[16] sha256=- deps=[]
    pkg:npm/l@0.0.1 scope=prod direct=true source=path lines=[40] sha256=- deps=[]
    pkg:npm/m@1.0.0?repository_url=https:%2F%2Fnpm.example.com%2Frepo scope=prod direct=true source=registry lines=[31] sha256=- deps=[]
    pkg:npm/string-width@4.2.3 scope=prod direct=true source=registry lines=[10] sha256=bf690311 deps=[]
    pkg:npm/t@1.0.0?download_url=https:%2F%2Fexample.com%2Ft.tgz scope=dev direct=true source=url lines=[21] sha256=- deps=[]
    pkg:npm/v@1.0.0 scope=prod direct=true source=path lines=[26] sha256=- deps=[]
    "#);
    assert_snapshot!(render(&parsed), @r"
    format: package-lock.json v2
    g@2.0.0 source=git optional direct lines=16
    l@0.0.1 source=path prod direct lines=40
    m@1.0.0 source=mirror prod direct lines=31
    string-width@4.2.3 prod direct aliases=cjs hashes=sha512 lines=10
    t@1.0.0 source=url dev direct lines=21
    v@1.0.0 source=path prod direct lines=26
    ");
    let m = parsed
        .packages
        .iter()
        .find(|p| p.name.as_str() == "m")
        .unwrap();
    assert_eq!(
        m.artifact_url.as_deref(),
        Some("https://npm.example.com/repo/m/-/m-1.0.0.tgz"),
        "credentials are dropped"
    );
}

#[test]
fn v1_nested_tree_aliases_git_and_files() {
    let text = format!(
        r#"{{
  "name": "old-app",
  "version": "0.1.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {{
    "a": {{
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
      "integrity": "{SHA512}",
      "requires": {{ "b": "^2.0.0", "ghost": "*" }},
      "dependencies": {{
        "b": {{
          "version": "2.0.0",
          "resolved": "https://registry.npmjs.org/b/-/b-2.0.0.tgz",
          "bundled": true
        }}
      }}
    }},
    "b": {{
      "version": "1.0.0",
      "dev": true,
      "optional": true
    }},
    "old": {{
      "version": "npm:@s/new@3.0.0",
      "resolved": "https://registry.npmjs.org/@s/new/-/new-3.0.0.tgz",
      "requires": {{ "b": "^1.0.0" }}
    }},
    "g": {{
      "version": "github:u/g#0123456789abcdef0123456789abcdef01234567",
      "from": "github:u/g",
      "optional": true
    }},
    "local": {{
      "version": "file:libs/local",
      "requires": {{ "ghost": "*" }}
    }}
  }}
}}
"#
    );
    let parsed = run(&text);
    assert!(!parsed.records_direct && parsed.records_scope);
    assert_snapshot!(summary(&parsed), @r#"
    format: package-lock.json v1
    pkg:npm/%40s/new@3.0.0 scope=prod direct=false source=registry lines=[25] sha256=- deps=["pkg:npm/b@1.0.0"]
    pkg:npm/a@1.0.0 scope=prod direct=false source=registry lines=[7] sha256=bf690311 deps=["pkg:npm/b@2.0.0"]
    pkg:npm/b@1.0.0 scope=dev direct=false source=registry lines=[20] sha256=- deps=[]
    pkg:npm/b@2.0.0 scope=prod direct=false source=registry lines=[13] sha256=- deps=[]
    pkg:npm/g?vcs_url=https:%2F%2Fgithub.com%2Fu%2Fg%400123456789abcdef0123456789abcdef01234567 scope=optional direct=false source=git lines=[30] sha256=- deps=[]
    pkg:npm/local scope=prod direct=false source=path lines=[35] sha256=- deps=[]
    pkg:npm/old-app@0.1.0 direct=false source=workspace lines=[2] sha256=- deps=[]
    warning: Some(7) `node_modules/a` and 1 other packages depend on `ghost`, which the lockfile does not contain
    "#);
    let aliased = parsed
        .packages
        .iter()
        .find(|p| p.name.as_str() == "@s/new")
        .unwrap();
    assert!(aliased.aliases.contains("old"));
}

#[test]
fn packages_map_is_preferred_and_v1_tree_read_when_alone() {
    let both = r#"{
  "lockfileVersion": 2,
  "packages": { "node_modules/a": { "version": "2.0.0" } },
  "dependencies": { "a": { "version": "1.0.0" } }
}"#;
    assert_snapshot!(render(&run(both)), @r"
    format: package-lock.json v2
    a@2.0.0 prod lines=3
    ");
    // Declared version 2, but only the v1 tree (osv-scalibr's commits.v1.json).
    let only_tree = r#"{
  "lockfileVersion": 2,
  "dependencies": { "a": { "version": "1.0.0", "dev": true } }
}"#;
    assert_snapshot!(render(&run(only_tree)), @r"
    format: package-lock.json v2
    a@1.0.0 dev lines=3
    ");
}

#[test]
fn shrinkwrap_label_and_pre_npm5_shrinkwrap() {
    let text = r#"{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}"#;
    assert_eq!(
        run_at("sub/npm-shrinkwrap.json", text).format,
        "npm-shrinkwrap.json v3"
    );
    let old = r#"{
  "name": "x",
  "version": "1.0.0",
  "dependencies": {
    "a": { "version": "1.0.0", "from": "a@^1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz" }
  }
}"#;
    assert_snapshot!(render(&run_at("npm-shrinkwrap.json", old)), @r"
    format: npm-shrinkwrap.json (no lockfileVersion)
    a@1.0.0 prod lines=5
    x@1.0.0 source=workspace lines=2
    ");
}

#[test]
fn broken_links_and_missing_dependencies_are_warnings() {
    let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "root", "dependencies": { "a": "*", "gone": "*" } },
    "node_modules/a": { "version": "1.0.0", "dependencies": { "gone": "*" }, "optionalDependencies": { "maybe": "*" }, "peerDependencies": { "peer": "*" } },
    "node_modules/w": { "resolved": "", "link": true },
    "node_modules/x": { "resolved": "nowhere", "link": true }
  }
}"#;
    assert_snapshot!(render(&run(text)), @r"
    format: package-lock.json v3
    a@1.0.0 prod direct lines=5
    root source=workspace lines=4 deps=1
    warning line 4: the root project and 1 other packages depend on `gone`, which the lockfile does not contain
    warning line 6: `node_modules/w` is a link without a target
    warning line 7: `node_modules/x` links to `nowhere`, which the lockfile does not contain
    ");
}

#[test]
fn workspace_globs() {
    let patterns = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(is_workspace("packages/a", &patterns(&["packages/*"])));
    assert!(is_workspace("packages/a", &patterns(&["./packages/*/"])));
    assert!(!is_workspace("packages/a/b", &patterns(&["packages/*"])));
    assert!(is_workspace("packages/a/b", &patterns(&["packages/**"])));
    assert!(is_workspace("docs", &patterns(&["docs", "x"])));
    assert!(is_workspace("libs/ui-kit", &patterns(&["libs/ui-*"])));
    assert!(!is_workspace(
        "packages/private",
        &patterns(&["packages/*", "!packages/private"])
    ));
    assert!(!is_workspace("vendor/x", &patterns(&["packages/*"])));
    assert!(!is_workspace("packages/a", &[]));
}

#[test]
fn bad_entries_are_errors_and_the_rest_parses() {
    let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/a": { "version": "1.0.0", "integrity": "sha512-AAAA" },
    "node_modules/b": {
      "version": 2
    },
    "node_modules/bad name": { "version": "1.0.0" },
    "node_modules/c": { "version": "1.0.0" }
  }
}"#;
    assert_snapshot!(render(&run(text)), @r"
    format: package-lock.json v3
    a@1.0.0 prod lines=4
    c@1.0.0 prod lines=9
    error line 6: invalid entry `node_modules/b`: invalid type: integer `2`, expected a string
    error line 4: bad integrity for a: malformed digest in `sha512-AAAA`
    error line 8: invalid package name: package name `bad name` contains whitespace or control characters
    ");
}

#[test]
fn malformed_files_and_unknown_versions() {
    let e = error("{\n  \"lockfileVersion\": 4,\n  \"packages\": {}\n}");
    assert_eq!(e.line, Some(2));
    assert_eq!(
        e.message,
        "unsupported package-lock.json lockfileVersion 4 (customs reads versions 1 to 3)"
    );
    let e = error("{\n  \"lockfileVersion\": \"3\"\n}");
    assert!(e.message.contains("lockfileVersion \"3\""), "{}", e.message);
    let e = error("null");
    assert_eq!(
        (e.line, e.message.as_str()),
        (Some(1), "invalid package-lock.json: expected a JSON object")
    );
    let e = error("\n\nthis is not json");
    assert_eq!(e.line, Some(3));
    let e = error("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"a\": {},\n  }\n}");
    assert_eq!(e.line, Some(5));
    assert!(e.full_message().starts_with("invalid package-lock.json: "));
    let e = error("{\"lockfileVersion\": 1, \"dependencies\": {\"a\": {\"version\": 1}}}");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("dependencies"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 5000;
    let mut text = String::from("{\"lockfileVersion\": 1, \"dependencies\": ");
    for _ in 0..depth {
        text.push_str("{\"a\": {\"version\": \"1.0.0\", \"dependencies\": ");
    }
    text.push_str("{}");
    for _ in 0..depth {
        text.push_str("}}");
    }
    text.push('}');
    let e = error(&text);
    assert!(
        e.full_message().contains("recursion"),
        "{}",
        e.full_message()
    );
}

#[test]
fn bom_and_sniffing() {
    let parsed = run("\u{feff}{\"lockfileVersion\": 3, \"packages\": {}}");
    assert_eq!(parsed.format, "package-lock.json v3");
    assert!(sniff(
        "{\n  \"name\": \"x\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,"
    ));
    assert!(!sniff(
        "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {\n    \"\": {"
    ));
    assert!(!sniff("[package]\nname = \"x\""));
}

#[test]
fn install_locations() {
    let mut tree = Tree::new();
    let folders = tree.namespace();
    let nested = install_location(&mut tree, folders, "node_modules/a/node_modules/@s/b").unwrap();
    let a = install_location(&mut tree, folders, "node_modules/a").unwrap();
    let in_folder = install_location(&mut tree, folders, "packages/x/node_modules/y").unwrap();
    let folder = install_location(&mut tree, folders, "packages/x").unwrap();
    let hoisted = install_location(&mut tree, folders, "node_modules/y").unwrap();
    tree.set_node(nested, 1);
    tree.set_node(a, 2);
    tree.set_node(in_folder, 3);
    tree.set_node(hoisted, 4);
    assert_eq!(tree.resolve(nested, "@s/b"), Some(1));
    assert_eq!(tree.resolve(a, "@s/b"), Some(1));
    assert_eq!(tree.resolve(ROOT, "@s/b"), None);
    assert_eq!(tree.resolve(folder, "y"), Some(3));
    assert_eq!(tree.resolve(a, "y"), Some(4));
    // A folder named like a package is not that package.
    assert_eq!(tree.resolve(ROOT, "packages/x"), None);
    assert_eq!(install_name("node_modules/a/node_modules/@s/b"), "@s/b");
    let deep = "node_modules/x/".repeat(MAX_DEPTH + 1);
    assert_eq!(
        install_location(&mut tree, folders, deep.trim_end_matches('/')),
        None
    );
}

#[test]
fn too_deep_keys_are_errors() {
    let key = vec!["node_modules/a"; MAX_DEPTH + 1].join("/");
    let text = format!(
        "{{\"lockfileVersion\": 3, \"packages\": {{\"{key}\": {{\"version\": \"1.0.0\"}}, \"node_modules/b\": {{\"version\": \"1.0.0\"}}}}}}"
    );
    let parsed = run(&text);
    assert_eq!(parsed.packages.len(), 1);
    assert_eq!(parsed.errors.len(), 1);
    assert!(
        parsed.errors[0]
            .message
            .contains("nested more than 256 levels deep")
    );
}

#[test]
fn declared_licences_are_kept_and_objects_ignored() {
    let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/a": { "version": "1.0.0", "license": "MIT" },
    "node_modules/b": { "version": "1.0.0", "license": { "type": "BSD", "url": "x" } },
    "node_modules/c": { "version": "1.0.0", "license": " (MIT OR Apache-2.0) " },
    "node_modules/d": { "version": "1.0.0", "license": "" }
  }
}"#;
    let parsed = run(text);
    let licences: Vec<(&str, Option<&str>)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.license.as_deref()))
        .collect();
    assert_eq!(
        licences,
        [
            ("a", Some("MIT")),
            ("b", None),
            ("c", Some("(MIT OR Apache-2.0)")),
            ("d", None)
        ]
    );
    assert!(parsed.errors.is_empty());
}

#[test]
fn install_scripts_are_recorded() {
    let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/esbuild": { "version": "0.25.0", "hasInstallScript": true },
    "node_modules/a/node_modules/esbuild": { "version": "0.25.0" },
    "node_modules/plain": { "version": "1.0.0", "hasInstallScript": false }
  }
}"#;
    let parsed = run(text);
    let flags: Vec<(&str, bool)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.install_script))
        .collect();
    // The two copies of esbuild are one package, which has the script.
    assert_eq!(flags, [("esbuild", true), ("plain", false)]);
}
