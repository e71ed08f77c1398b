use super::*;
use crate::summary::render;
use crate::testing::summary;
use insta::assert_snapshot;

const SHA512: &str = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==";

fn run(text: &str) -> Parsed {
    parse(Input {
        path: "bun.lock",
        text,
    })
    .unwrap()
}

fn error(path: &str, text: &str) -> ParseError {
    parse(Input { path, text }).unwrap_err()
}

fn workspace_lockfile() -> String {
    format!(
        r#"{{
  "lockfileVersion": 1,
  // comments are allowed, as are trailing commas
  "workspaces": {{
    "": {{
      "name": "mono",
      "dependencies": {{
        "a": "^1.0.0",
        "old": "npm:real@^2",
        "gh": "github:u/gh",
        "tb": "https://example.com/tb.tgz",
        "loc": "file:./vendor/loc",
        "lnk": "link:lnk",
        "@s/member": "workspace:*",
      }},
      "devDependencies": {{
        "d": "^1.0.0",
      }},
      "optionalDependencies": {{
        "o": "^1.0.0",
        "missing-opt": "*",
      }},
    }},
    "packages/member": {{
      "name": "@s/member",
      "version": "0.1.0",
      "dependencies": {{
        "a": "^2.0.0",
      }},
    }},
  }},
  "packages": {{
    "@s/member": ["@s/member@workspace:packages/member"],

    "@s/member/a": ["a@2.0.0", "", {{}}, "{SHA512}"],

    "a": ["a@1.0.0", "", {{ "dependencies": {{ "b": "^1" }}, "optionalDependencies": {{ "c": "^1" }} }}, "{SHA512}"],

    "b": ["b@1.0.0", "https://npm.example.com/b/-/b-1.0.0.tgz", {{}}, "{SHA512}"],

    "c": ["c@1.0.0", "", {{}}, "{SHA512}"],

    "d": ["d@1.0.0", "", {{ "dependencies": {{ "b": "^2" }}, "peerDependencies": {{ "p": "*", "q": "*" }}, "optionalPeers": ["q"] }}, "{SHA512}"],

    "d/b": ["b@2.0.0", "", {{}}, "{SHA512}"],

    "p": ["p@1.0.0", "https://registry.npmjs.org/", {{}}, "{SHA512}"],

    "old": ["real@2.0.0", "", {{}}, "{SHA512}"],

    "gh": ["gh@github:u/gh#abcdef1", {{ "dependencies": {{ "b": "^1" }} }}, "u-gh-abcdef1"],

    "tb": ["tb@https://example.com/tb.tgz", {{}}],

    "loc": ["loc@file:vendor/loc", {{ "dependencies": {{ "ghost": "*" }} }}],

    "lnk": ["lnk@link:lnk", {{}}],

    "o": ["o@1.0.0", "", {{ "os": "darwin" }}, "{SHA512}"],

    "x": ["x@./local/x-1.0.0.tgz", {{}}],

    "mono": ["mono@root:", {{}}],
  }},
}}
"#
    )
}

#[test]
fn v1_workspaces_sources_nesting_and_scopes() {
    let parsed = run(&workspace_lockfile());
    assert!(parsed.records_direct && parsed.records_scope);
    assert_snapshot!(summary(&parsed), @r#"
    format: bun.lock v1
    pkg:npm/%40s/member@0.1.0 scope=prod direct=true source=workspace lines=[24] sha256=- deps=["pkg:npm/a@2.0.0"]
    pkg:npm/a@1.0.0 scope=prod direct=true source=registry lines=[37] sha256=bf690311 deps=["pkg:npm/b@1.0.0?repository_url=https:%2F%2Fnpm.example.com", "pkg:npm/c@1.0.0"]
    pkg:npm/a@2.0.0 scope=prod direct=true source=registry lines=[35] sha256=bf690311 deps=[]
    pkg:npm/b@1.0.0?repository_url=https:%2F%2Fnpm.example.com scope=prod direct=false source=registry lines=[39] sha256=bf690311 deps=[]
    pkg:npm/b@2.0.0 scope=dev direct=false source=registry lines=[45] sha256=bf690311 deps=[]
    pkg:npm/c@1.0.0 scope=optional direct=false source=registry lines=[41] sha256=bf690311 deps=[]
    pkg:npm/d@1.0.0 scope=dev direct=true source=registry lines=[43] sha256=bf690311 deps=["pkg:npm/b@2.0.0", "pkg:npm/p@1.0.0"]
    pkg:npm/gh?vcs_url=https:%2F%2Fgithub.com%2Fu%2Fgh%40abcdef1 scope=prod direct=true source=git lines=[51] sha256=- deps=["pkg:npm/b@1.0.0?repository_url=https:%2F%2Fnpm.example.com"]
    pkg:npm/lnk scope=prod direct=true source=path lines=[57] sha256=- deps=[]
    pkg:npm/loc scope=prod direct=true source=path lines=[55] sha256=- deps=[]
    pkg:npm/mono direct=false source=workspace lines=[5] sha256=- deps=["local:pkg:npm/%40s/member@0.1.0#packages/member", "local:pkg:npm/lnk#lnk", "local:pkg:npm/loc#vendor/loc", "pkg:npm/a@1.0.0", "pkg:npm/d@1.0.0", "pkg:npm/gh?vcs_url=https:%2F%2Fgithub.com%2Fu%2Fgh%40abcdef1", "pkg:npm/o@1.0.0", "pkg:npm/real@2.0.0", "pkg:npm/tb?download_url=https:%2F%2Fexample.com%2Ftb.tgz"]
    pkg:npm/o@1.0.0 scope=optional direct=true source=registry lines=[59] sha256=bf690311 deps=[]
    pkg:npm/p@1.0.0 scope=dev direct=false source=registry lines=[47] sha256=bf690311 deps=[]
    pkg:npm/real@2.0.0 scope=prod direct=true source=registry lines=[49] sha256=bf690311 deps=[]
    pkg:npm/tb?download_url=https:%2F%2Fexample.com%2Ftb.tgz scope=prod direct=true source=url lines=[53] sha256=- deps=[]
    pkg:npm/x direct=false source=path lines=[61] sha256=- deps=[]
    warning: Some(55) `loc` depends on `ghost`, which the lockfile does not contain
    "#);
    assert_snapshot!(render(&parsed).lines().find(|l| l.starts_with("real")).unwrap_or_default(), @"real@2.0.0 prod direct aliases=old hashes=sha512 lines=49");
    let member = parsed
        .packages
        .iter()
        .find(|p| p.name.as_str() == "@s/member")
        .unwrap();
    assert_eq!(
        member.source,
        Source::Workspace {
            path: "packages/member".into()
        }
    );
}

#[test]
fn v0_files_from_the_osv_scalibr_shape() {
    let text = r#"{
  "lockfileVersion": 0,
  "workspaces": {
    "": {
      "dependencies": {
        "uWebSocket.js": "uNetworking/uWebSockets.js#v20.51.0",
      },
    },
  },
  "packages": {
    "uWebSocket.js": ["uWebSockets.js@github:uNetworking/uWebSockets.js#6609a88", {}, "uNetworking-uWebSockets.js-6609a88"],
    "bp": ["babel-preset-php@git+ssh://gitlab:kornelski/babel-preset-php#1ae6dc1267500360b411ec711b8aeac8c68b2246", {}, "1ae6dc1267500360b411ec711b8aeac8c68b2246"],
  }
}"#;
    let parsed = run(text);
    assert_snapshot!(summary(&parsed), @r#"
    format: bun.lock v0
    pkg:npm/babel-preset-php?vcs_url=https:%2F%2Fgitlab.com%2Fkornelski%2Fbabel-preset-php%401ae6dc1267500360b411ec711b8aeac8c68b2246 direct=false source=git lines=[12] sha256=- deps=[]
    pkg:npm/uwebsockets.js?vcs_url=https:%2F%2Fgithub.com%2FuNetworking%2FuWebSockets.js%406609a88 scope=prod direct=true source=git lines=[11] sha256=- deps=[]
    "#);
}

#[test]
fn empty_and_packageless_files() {
    assert_snapshot!(render(&run("{}")), @"format: bun.lock (no lockfileVersion)");
    assert_snapshot!(render(&run("{\n  \"lockfileVersion\": 0,\n  \"workspaces\": {\n    \"\": {},\n  },\n}")), @"format: bun.lock v0");
}

#[test]
fn bad_tuples_are_errors_and_the_rest_parses() {
    let text = format!(
        r#"{{
  "lockfileVersion": 1,
  "workspaces": {{ "": {{ "name": "r", "dependencies": {{ "w": "^1" }} }} }},
  "packages": {{
    "bad1": [123, "", {{}}, "{SHA512}"],
    "w": ["w@1.0.0", "", {{}}, "{SHA512}"],
    "bad2": [{{}}, "", {{}}],
    "bad3": "w@1.0.0",
    "bad4": ["noversion", "", {{}}],
    "bad5": ["b@1.0.0", "", {{ "dependencies": 5 }}],
    "bad6": ["b@1.0.0", "", {{}}, "sha512-AAAA"],
  }},
}}"#
    );
    assert_snapshot!(render(&run(&text)), @r#"
    format: bun.lock v1
    r source=workspace lines=3 deps=1
    w@1.0.0 prod direct hashes=sha512 lines=6
    error line 5: invalid package `bad1`: the first element must be a "name@version" string
    error line 7: invalid package `bad2`: the first element must be a "name@version" string
    error line 8: invalid package `bad3`: expected an array
    error line 9: invalid package `bad4`: `noversion` is not of the form name@version
    error line 10: invalid package `bad5`: unreadable dependency information: invalid type: integer `5`, expected a map of dependency names
    error line 11: bad integrity for b: malformed digest in `sha512-AAAA`
    "#);
}

#[test]
fn malformed_files_unknown_versions_and_the_binary_lockfile() {
    let e = error("bun.lock", "{\n  \"lockfileVersion\": 2,\n}");
    assert_eq!(e.line, Some(2));
    assert_eq!(
        e.message,
        "unsupported bun.lock lockfileVersion 2 (customs reads versions 0 and 1)"
    );
    let e = error("bun.lock", "this is not json!");
    assert_eq!(
        (e.line, e.message.as_str()),
        (Some(1), "invalid bun.lock: expected a JSON object")
    );
    let e = error(
        "bun.lock",
        "{\n  \"lockfileVersion\": 1,\n  \"packages\": {\n    \"a\": [\"a@1\"\n  }\n}",
    );
    assert_eq!(e.line, Some(5));
    let e = error("x/bun.lockb", "anything");
    assert!(
        e.message.contains("bun install --save-text-lockfile"),
        "{}",
        e.message
    );
    let e = error("renamed", "#!/usr/bin/env bun\nbun-lockfile-format-v0\n");
    assert!(e.message.contains("binary"), "{}", e.message);
}

#[test]
fn jsonc_is_blanked_in_place() {
    let text = "{\"a\": \"x // not a comment, }\", /* block\ncomment */ \"b\": [1, 2,],\n// line\n\"c\": \"\\\",]\",\n}";
    let blanked = blank_jsonc(text).unwrap();
    assert_eq!(blanked.len(), text.len());
    assert_eq!(
        blanked,
        "{\"a\": \"x // not a comment, }\",         \n           \"b\": [1, 2 ],\n       \n\"c\": \"\\\",]\" \n}"
    );
    let value: serde_json::Value = serde_json::from_str(&blanked).unwrap();
    assert_eq!(value["c"], "\",]");
    // An unterminated comment or string must not run past the end.
    assert!(blank_jsonc("{\"a\": 1 /* open").is_ok());
    assert!(blank_jsonc("{\"a\": \"open\\").is_ok());
}

#[test]
fn keys_and_ids() {
    assert_eq!(key_segments("a"), ["a"]);
    assert_eq!(key_segments("a/@s/b/c"), ["a", "@s/b", "c"]);
    assert_eq!(key_segments("@s/a/@t/b"), ["@s/a", "@t/b"]);
    assert_eq!(key_segments("@s"), ["@s"]);
    assert_eq!(split_id("@s/a@1.0.0"), Some(("@s/a", "1.0.0")));
    assert_eq!(split_id("a@github:u/r#x"), Some(("a", "github:u/r#x")));
    assert_eq!(split_id("@s/a"), None);
    assert_eq!(split_id("@"), None);
    assert!(sniff(
        "{\n  \"lockfileVersion\": 1,\n  \"configVersion\": 0,\n  \"workspaces\": {"
    ));
    assert!(!sniff(
        "{\n  \"name\": \"x\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n    \"\": {\n      \"workspaces\": ["
    ));
}

#[test]
fn too_deep_keys_are_errors() {
    let key = vec!["a"; MAX_DEPTH + 1].join("/");
    let text = format!(
        "{{\"lockfileVersion\": 1, \"packages\": {{\"{key}\": [\"a@1.0.0\", \"\", {{}}], \"b\": [\"b@1.0.0\", \"\", {{}}]}}}}"
    );
    let parsed = run(&text);
    assert_eq!(parsed.packages.len(), 2);
    assert_eq!(parsed.errors.len(), 1);
    assert!(
        parsed.errors[0]
            .message
            .contains("nested more than 256 levels deep")
    );
}
