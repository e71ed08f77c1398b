// Capabilities: what code can do. None of them is malice alone; the scoring combines them
// (see the crate docs). Globals set per file by the analyser: `file_name`, `file_extension`
// (lowercase, "" when none or for text that is not a file, such as an npm script) and
// `ecosystem` ("npm", "PyPI", "crates.io").

rule process_spawn {
    meta:
        id = "process-spawn"
        description = "spawns processes (child_process, subprocess, os.system, std::process::Command)"
        category = "capability"
        severity = "low"
        signal = "process"
    strings:
        $js1 = /['"](node:)?child_process['"]/
        $js3 = /\b(execSync|spawnSync|execFileSync)\s*\(/
        $py1 = /\bsubprocess\.(Popen|run|call|check_call|check_output|getoutput)\s*\(/
        $py2 = /\bos\.(system|popen|execv|execvp|execl|spawnv|spawnl)\w*\s*\(/
        $rs1 = /\bCommand::new\s*\(/
        $ps1 = "Start-Process" nocase
        $bat = /\bstart\s+\/B\b/ nocase
    condition:
        any of them
}

rule network_access {
    meta:
        id = "network-access"
        description = "makes network requests or opens sockets"
        category = "capability"
        severity = "low"
        signal = "network"
    strings:
        $py1 = /\brequests\.(get|post|put|patch|request|Session)\s*\(/
        $py2 = /\bimport\s+urllib\.request\b|\bfrom\s+urllib\.request\s+import\b|\burllib\.request\.(urlopen|urlretrieve|Request)\s*\(|\burlopen\s*\(|\burlretrieve\s*\(/
        $py3 = /\bhttp\.client\.HTTPS?Connection\b|\bhttpx\.(get|post|Client|AsyncClient)\b/
        $py4 = /\bsocket\.socket\s*\(|\bsocket\.create_connection\s*\(/
        $rs1 = /\breqwest::|\bureq::(get|post|agent)|\bTcpStream::connect\b|\bhyper::Client\b/
        $sh1 = /(^|[\s;&|('"`])(curl|wget)\s+[^\n]{0,200}https?:\/\//
        $ps1 = /\b(Invoke-WebRequest|Invoke-RestMethod|Net\.WebClient)\b/ nocase
        // Module names as literal strings: a regular expression starting at `require(`
        // would be verified at every require of ordinary code.
        $js1 = "require('http')"
        $js2 = "require(\"http\")"
        $js3 = "require('https')"
        $js4 = "require(\"https\")"
        $js5 = "'node:http'"
        $js6 = "'node:https'"
        $js7 = "\"node:http\""
        $js8 = "\"node:https\""
        $js9 = "require('net')"
        $js10 = "require(\"net\")"
        $js11 = "'node:net'"
        $js12 = "require('dgram')"
        $js13 = "from 'https'"
        $js14 = "from \"https\""
        $js15 = "from 'http'"
        $js16 = "from \"http\""
        $js17 = /['"](axios|node-fetch|undici|superagent)['"]/
        $js18 = /(^|[^\w.$])fetch\s*\(\s*[`'"a-zA-Z_]/
        $js19 = /\bnew\s+XMLHttpRequest\b/
        $js20 = /\bnavigator\.sendBeacon\s*\(/
    condition:
        any of ($py*, $rs*, $sh*, $ps*) or (file_extension != "py" and any of ($js*))
}

rule file_download {
    meta:
        id = "file-download"
        description = "downloads content to a file (curl -o, wget, urlretrieve, a response piped into a file)"
        category = "capability"
        severity = "medium"
        signal = "download"
    strings:
        $sh1 = /\bcurl\s[^\n]{0,200}\s(-o|-O|--output)\s/
        $sh2 = /\bcurl\s[^\n]{0,200}>\s*[\w\/.$~%-]/
        $sh3 = /\bwget\s[^\n]{0,200}(https?|ftp):\/\//
        $ps1 = /\.DownloadFile\s*\(|Invoke-WebRequest[^\n]{0,200}-OutFile|\bcertutil(\.exe)?\s+-urlcache|\bbitsadmin(\.exe)?\s+\/transfer/ nocase
        $py1 = /\burlretrieve\s*\(/
        $py2 = /\brequests\.get\s*\([^\n]{0,300}\)\.content\b/
        $py3 = /\.iter_content\s*\(/
        $js_get = /\b(https?\.get|fetch|axios\.get|got)\s*\(/
        $js_write = /\.pipe\s*\(\s*(fs\.)?createWriteStream\s*\(|\bwriteFileSync\s*\([^\n]{0,200}(arrayBuffer|\.data\b|Buffer\.from\(await)/
        $rs_get = /\breqwest::(blocking::)?get\s*\(|\bureq::get\s*\(/
        $rs_write = /\bFile::create\s*\(|\bfs::write\s*\(|\bcopy_to\s*\(|\bio::copy\s*\(/
    condition:
        any of ($sh*, $ps*, $py*) or ($js_get and $js_write) or ($rs_get and $rs_write)
}

rule make_executable {
    meta:
        id = "make-executable"
        description = "marks a file executable (chmod +x, 0o755, set_permissions)"
        category = "capability"
        severity = "low"
        signal = "make-executable"
    strings:
        $sh = /\bchmod\s+(\+x|[0-7]?7[0-7][0-7]|u\+x|a\+x)\s/
        $js = /\bchmod(Sync)?\s*\([^\n)]{1,200}(0o?7[0-7][0-7]|['"]7[0-7][0-7]['"])/
        $py = /\bos\.chmod\s*\([^\n)]{1,200}(0o7[0-7][0-7]|S_IEXEC|S_IXUSR|S_IRWXU|0x1ed|\b493\b)/
        $rs = /\b(from_mode|set_mode)\s*\(\s*0o7[0-7][0-7]/
    condition:
        any of them
}

rule temp_staging {
    meta:
        id = "temp-staging"
        description = "works in the temporary directory (/tmp, %TEMP%, os.tmpdir(), env::temp_dir())"
        category = "capability"
        severity = "low"
        signal = "temp-staging"
    strings:
        $a = /['"`]\/tmp\/[\w.-]/
        $b = /\bos\.tmpdir\s*\(\s*\)/
        $c = /%TEMP%|%TMP%|\$env:TEMP|AppData\\\\Local\\\\Temp/ nocase
        $d = /\benv::temp_dir\s*\(\s*\)/
        $e = /\btempfile\.(gettempdir|mkdtemp|mkstemp|NamedTemporaryFile)\s*\(/
    condition:
        any of them
}

rule env_harvest {
    meta:
        id = "env-harvest"
        description = "reads the whole environment at once (JSON.stringify(process.env), os.environ.items(), env::vars())"
        category = "capability"
        severity = "medium"
        signal = "env-harvest"
    strings:
        $js1 = /JSON\.stringify\s*\(\s*process\.env\s*[,)]/
        $js2 = /Object\.(entries|keys|values)\s*\(\s*process\.env\s*\)/
        $js3 = /for\s*\(\s*(const|let|var)\s+\w+\s+in\s+process\.env\s*\)/
        $py1 = /\bjson\.dumps\s*\(\s*(dict\s*\(\s*)?(os\.)?environ\b/
        // `dict(os.environ)` alone is how a copy of the environment is handed to a
        // subprocess; it counts when it becomes a request's body or parameters, or a value
        // in a dict literal (`{"env": dict(os.environ)}`).
        $py2 = /\bstr\s*\(\s*os\.environ\s*\)|\b(json|data|params|body|payload|content)\s*=\s*dict\s*\(\s*os\.environ\s*\)|['"]\s*:\s*dict\s*\(\s*os\.environ\s*\)/
        $py3 = /\benviron\.(items|values)\s*\(\s*\)/
        $rs1 = /\benv::vars(_os)?\s*\(\s*\)/
        $sh1 = /\b(env|printenv)\s*\|\s*(base64|curl|wget|nc|gzip|openssl|xxd)\b/
        $sh2 = "$(env)"
        $sh3 = "$(printenv)"
        $sh4 = "`printenv`"
    condition:
        any of them
}

rule env_secrets {
    meta:
        id = "env-secrets"
        description = "reads the secrets of two or more services from the environment (npm, GitHub, AWS, cloud, registries)"
        category = "capability"
        severity = "medium"
        signal = "env-secret"
    strings:
        $npm = /\b(NPM_TOKEN|NODE_AUTH_TOKEN|npm_config__authToken)\b/
        $github = /\b(GITHUB_TOKEN|GH_TOKEN|GITHUB_PAT)\b/
        $aws = /\b(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)\b/
        $gcp = /\b(GOOGLE_APPLICATION_CREDENTIALS|GCP_SERVICE_ACCOUNT_KEY)\b/
        $azure = /\b(AZURE_CLIENT_SECRET|AZURE_STORAGE_KEY)\b/
        $pypi = /\b(PYPI_TOKEN|PYPI_API_TOKEN|TWINE_PASSWORD)\b/
        $cargo = /\bCARGO_REGISTRY_TOKEN\b/
        $gitlab = /\b(GITLAB_TOKEN|CI_JOB_TOKEN|GITLAB_PRIVATE_TOKEN)\b/
        $docker = /\b(DOCKER_PASSWORD|DOCKERHUB_TOKEN)\b/
        $chat = /\b(SLACK_TOKEN|SLACK_BOT_TOKEN|DISCORD_TOKEN|TELEGRAM_BOT_TOKEN)\b/
    condition:
        2 of them
}

rule ci_environment_check {
    meta:
        id = "ci-environment-check"
        description = "checks whether it runs on CI (GITLAB_CI, GITHUB_ACTIONS, CI, JENKINS_URL...)"
        category = "capability"
        severity = "low"
        signal = "ci-check"
    strings:
        $a = /\b(GITLAB_CI|GITHUB_ACTIONS|JENKINS_URL|BUILDKITE|CIRCLECI|TRAVIS|TF_BUILD|TEAMCITY_VERSION)\b/
        $b = /process\.env\.CI\b|process\.env\[['"]CI['"]\]/
        $c = /environ(\.get)?\s*[(\[]\s*['"]CI['"]/
        $d = /env::var(_os)?\s*\(\s*"CI"\s*\)/
    condition:
        any of them
}

rule dynamic_code {
    meta:
        id = "dynamic-code"
        description = "runs code built at run time (eval, Function, vm, module._compile, exec, compile, marshal, pickle)"
        category = "capability"
        severity = "low"
        signal = "dynamic-code"
    strings:
        $js1 = /(^|[^\w.$])eval\s*\(/
        $js2 = /\bnew\s+Function\s*\(|(^|[^\w.$])Function\s*\(\s*['"`]/
        $js3 = /\bvm\.(runInNewContext|runInThisContext|runInContext|compileFunction|Script)\b/
        $js4 = /\bmodule\.constructor\b|\._compile\s*\(/
        $py1 = /(^|[^\w.])(exec|eval)\s*\(/
        $py2 = /(^|[^\w.])compile\s*\([^\n]{0,200}['"](exec|eval)['"]/
        $py3 = /\bmarshal\.loads\s*\(|\bpickle\.loads?\s*\(|\bdill\.loads?\s*\(/
    condition:
        (file_extension != "py" and any of ($js*)) or
        ((file_extension == "py" or file_extension == "pth" or file_extension == "") and any of ($py*))
}

rule decode_data {
    meta:
        id = "decode-data"
        description = "decodes or decrypts data (base64, hex, atob, createDecipher, zlib, AES)"
        category = "capability"
        severity = "low"
        signal = "decode"
    strings:
        $js1 = /Buffer\.from\s*\([^\n)]{1,300},\s*['"](base64|hex)['"]\s*\)/
        $js2 = /(^|[^\w.$])atob\s*\(/
        $js3 = /\bcreateDecipher(iv)?\b/
        $js4 = /\b(inflateSync|gunzipSync|brotliDecompressSync)\s*\(/
        $py1 = /\b(b64decode|b32decode|b85decode|a85decode|urlsafe_b64decode|decodebytes)\s*\(/
        $py2 = /\bbytes\.fromhex\s*\(|\bcodecs\.decode\s*\(|\bzlib\.decompress\s*\(|\blzma\.decompress\s*\(/
        $py3 = /\bFernet\s*\(|\bAES\.new\s*\(/
        $rs1 = /\bbase64::decode\s*\(|\b(STANDARD|URL_SAFE)(_NO_PAD)?\.decode\s*\(|\bhex::decode\s*\(/
    condition:
        any of them
}
