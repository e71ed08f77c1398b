// Threats: what malicious packages do and legitimate ones almost never do. Severity decides how
// they count (see the crate docs): a `critical` threat reachable from any entry point makes a
// package malicious; a `high` one does when it runs without being imported (install, build,
// start-up) or sits in obfuscated code.

rule exfil_chat_webhook {
    meta:
        id = "exfil-chat-webhook"
        description = "a concrete chat webhook or bot API URL with its secret (Discord, Slack, Telegram): a ready exfiltration channel"
        category = "threat"
        severity = "critical"
        signal = "exfil-endpoint"
    strings:
        $discord = /discord(app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_-]{60,80}/
        $slack = /\bhooks\.slack\.com\/(services|workflows|triggers)\/T[A-Z0-9]{8,12}\/[A-Z0-9]{8,12}\/[A-Za-z0-9]{20,32}/
        // Slack's documented placeholder (T00000000/B00000000/XXXX...), in configuration docs.
        $slack_example = /\bhooks\.slack\.com\/services\/T0{8,12}\/B0{8,12}\/X{20,32}/
        $telegram = /api\.telegram\.org\/bot\d{8,12}:[A-Za-z0-9_-]{30,40}\/?/
    condition:
        $discord or $telegram or #slack > #slack_example
}

rule exfil_oast_host {
    meta:
        id = "exfil-oast-host"
        description = "a request-capture or out-of-band-testing host (webhook.site, pipedream, requestbin, interact.sh, oast.*, Burp Collaborator, dnslog...)"
        category = "threat"
        severity = "critical"
        signal = "exfil-endpoint"
    strings:
        $a = /[\/@.]webhook\.site[\/:'"`\s]/ nocase
        $b = /[\/@.]([a-z0-9-]+\.)?m\.pipedream\.net\b/ nocase
        $c = /\brequestbin\.(net|com)\b|\benvvo0[a-z0-9]{10}\.x\.pipedream\.net\b/ nocase
        $d = /\.(oast\.(pro|live|site|online|fun|me)|oastify\.com|burpcollaborator\.net|interact\.sh|interactsh\.com)\b/ nocase
        $f = /\b(dnslog\.cn|ceye\.io|canarytokens\.com|requestcatcher\.com|beeceptor\.com|hookbin\.com)\b/ nocase
    condition:
        any of them
}

rule exfil_tunnel_host {
    meta:
        id = "exfil-tunnel-host"
        description = "a tunnelling service host (ngrok, trycloudflare, serveo, localtunnel): a throwaway address behind which a collector hides"
        category = "threat"
        severity = "high"
        signal = "exfil-endpoint"
    strings:
        $a = /[\/@.](ngrok\.io|ngrok-free\.app|ngrok\.app|trycloudflare\.com|serveo\.net|loca\.lt|localtunnel\.me)\b/ nocase
    condition:
        $a
}

rule exfil_paste_site {
    meta:
        id = "exfil-paste-site"
        description = "a paste or anonymous file-drop site (pastebin raw, transfer.sh, file.io, 0x0.st...)"
        category = "threat"
        severity = "high"
        signal = "paste-site"
    strings:
        $a = /pastebin\.com\/(raw|api\/api_post\.php)/ nocase
        $b = /\b(transfer\.sh|file\.io|0x0\.st|termbin\.com|paste\.ee|hastebin\.com|rentry\.co|gofile\.io|temp\.sh|anonfiles\.com|bashupload\.com)\// nocase
    condition:
        any of them
}

rule credential_store_read {
    meta:
        id = "credential-store-read"
        description = "names a credential store (~/.ssh keys, ~/.aws/credentials, .npmrc, .pypirc, .netrc, docker, kube, gcloud, azure)"
        category = "capability"
        severity = "medium"
        signal = "credential-path"
    strings:
        $ssh = /\.ssh[\/\\]+(id_(rsa|dsa|ecdsa|ed25519)|authorized_keys|known_hosts)\b|['"`]~?\/?\.ssh['"`\/]/
        $aws = /\.aws[\/\\]+(credentials|config)\b/
        $npm = /['"`\/\\]\.npmrc\b/
        $pypi = /['"`\/\\]\.pypirc\b/
        $netrc = /['"`\/\\]\.(netrc|git-credentials)\b/
        $docker = /\.docker[\/\\]+config\.json/
        $kube = /\.kube[\/\\]+config\b/
        $gcloud = /\.config[\/\\]+gcloud\b|application_default_credentials\.json/
        $azure = /\.azure[\/\\]+(accessTokens\.json|msal_token_cache|azureProfile\.json)/
        $cargo = /\.cargo[\/\\]+credentials(\.toml)?\b/
        $shadow = /\/etc\/shadow\b/
    condition:
        any of them
}

rule credential_store_harvest {
    meta:
        id = "credential-store-harvest"
        description = "names the credential stores of three or more tools in one file, as stealers do"
        category = "threat"
        severity = "high"
        signal = "credential-harvest"
    strings:
        $ssh = /\.ssh[\/\\]+(id_(rsa|dsa|ecdsa|ed25519)|authorized_keys)\b|['"`]~?\/?\.ssh['"`\/]/
        $aws = /\.aws[\/\\]+credentials\b/
        $npm = /['"`\/\\]\.npmrc\b/
        $pypi = /['"`\/\\]\.pypirc\b/
        $netrc = /['"`\/\\]\.(netrc|git-credentials)\b/
        $docker = /\.docker[\/\\]+config\.json/
        $kube = /\.kube[\/\\]+config\b/
        $gcloud = /\.config[\/\\]+gcloud\b|application_default_credentials\.json/
        $azure = /\.azure[\/\\]+(accessTokens\.json|msal_token_cache)/
        $cargo = /\.cargo[\/\\]+credentials(\.toml)?\b/
    condition:
        3 of them
}

rule wallet_target {
    meta:
        id = "wallet-target"
        description = "targets cryptocurrency wallets: wallet files and directories, or the ids of wallet browser extensions"
        category = "threat"
        severity = "high"
        signal = "wallet-target"
    strings:
        $f1 = /\bwallet\.dat\b/
        $f2 = /\b(exodus\.wallet|Electrum[\/\\]+wallets|\.electrum[\/\\]|Ethereum[\/\\]+keystore|atomic[\/\\]+Local Storage|solana[\/\\]+id\.json|\.bitcoin[\/\\])/ nocase
        $metamask = "nkbihfbeogaeaoehlefnkodbefgpgknn"
        $phantom = "bfnaelmomeimhlpmgjnjophhpkkoljpa"
        $coinbase = "hnfanknocfeofbddgcijnmhnfnkdnaad"
        $tronlink = "ibnejdfjmmkpcnlpebklmnkoeoihofec"
        $binance = "fhbohimaelbohpjbbldcngcnapndodjp"
    condition:
        any of them
}

rule wallet_address_swap {
    meta:
        id = "wallet-address-swap"
        description = "matches the addresses of two or more blockchains and replaces text: the shape of a clipboard or transaction hijacker"
        category = "threat"
        severity = "high"
        signal = "wallet-target"
    strings:
        $eth = /0x\[(a-fA-F0-9|0-9a-fA-F|a-f0-9|0-9a-f|A-Fa-f0-9|0-9A-Fa-f)\]\{40\}/
        $btc = /\[(a-km-zA-HJ-NP-Z1-9|a-zA-HJ-NP-Z0-9|a-zA-HJ-NP-Z1-9|ac-hj-np-z02-9)\]\{[1-4][0-9],[2-9][0-9]\}/
        $sol = /\[1-9A-HJ-NP-Za-km-z\]\{3[0-9],4[0-9]\}/
        $trx = /\bT\]?\[(A-Za-z1-9|1-9A-HJ-NP-Za-km-z)\]\{33\}/
        $ltc = /\[LM3\]\[a-km-zA-HJ-NP-Z1-9\]\{2[0-9],3[0-9]\}/
        $replace = /\.replace(All)?\s*\(|['"]replace(All)?['"]/
    condition:
        2 of ($eth, $btc, $sol, $trx, $ltc) and $replace
}

rule wallet_key_scan {
    meta:
        id = "wallet-key-scan"
        description = "searches text for private keys (a Solana 64-byte base58 key, an unanchored 0x-prefixed 64-hex-digit key)"
        category = "threat"
        severity = "high"
        signal = "wallet-key-scan"
    strings:
        $sol = /\[1-9A-HJ-NP-Za-km-z\]\{8[5-8],8[6-9]\}/
        $eth = /[^^\\]0x\[(a-fA-F0-9|0-9a-fA-F|a-f0-9|0-9a-f|A-Fa-f0-9|0-9A-Fa-f)\]\{64\}/
        $words = /private[ _-]?key|secret[ _-]?key|seed[ _-]?phrase|mnemonic/ nocase
    condition:
        $sol or ($eth and $words)
}

rule browser_profile_theft {
    meta:
        id = "browser-profile-theft"
        description = "reads browsers' stored passwords and cookies (Login Data, Cookies, logins.json, key4.db)"
        category = "threat"
        severity = "high"
        signal = "browser-profile"
    strings:
        $chromium = /(Chrome|Chromium|Brave-Browser|Edge|Opera[^\n]{0,20})[\/\\]+(User Data[\/\\]+)?[^\n'"]{0,40}(Login Data|Cookies|Web Data|Local State)/
        $firefox = /\b(logins\.json|key4\.db|cookies\.sqlite|signons\.sqlite)\b/
        $profiles = /Firefox[\/\\]+Profiles/
    condition:
        $chromium or ($firefox and $profiles)
}

rule crypto_miner {
    meta:
        id = "crypto-miner"
        description = "a cryptocurrency miner: xmrig, stratum pool URLs, mining pool hosts or miner flags"
        category = "threat"
        severity = "critical"
        signal = "miner"
    strings:
        // One pattern per scheme: with the alternation, the best atom left is `://`, which every
        // URL of ordinary code would send to verification.
        $a = "stratum+tcp://" nocase
        $a_ssl = "stratum+ssl://" nocase
        $a_tls = "stratum+tls://" nocase
        $b = /\bxmrig\b/ nocase
        $c = /\b(minexmr\.com|supportxmr\.com|nanopool\.org|moneroocean\.stream|hashvault\.pro|2miners\.com|f2pool\.com|c3pool\.com)\b/ nocase
        $d = /--donate-level\b|--rig-id\b|\bcryptonight\b/ nocase
    condition:
        any of them
}

rule reverse_shell {
    meta:
        id = "reverse-shell"
        description = "a reverse shell: /dev/tcp redirection, nc -e, a socket wired to a shell's standard streams"
        category = "threat"
        severity = "critical"
        signal = "reverse-shell"
    strings:
        $sh1 = /\/dev\/(tcp|udp)\/[\w.${}]+\/\d+/
        // netcat and its `-e` on one line: apart, a stray `nc` and fish's `set -e cmd[1]`
        // (in every clap-built binary's completions) would make a reverse shell of any CLI.
        // (A pattern of `nc` alone would be verified at every `function` of ordinary code.)
        $nc_sh = /\b(nc|ncat|netcat)(\.exe)?[ \t][^\n]{0,100}-e\s*\/bin\/(ba)?sh\b/
        // `\s*[ \t]cmd` rather than `\s+cmd`: the atom is then four bytes, ` cmd` or tab-`cmd`.
        $nc_cmd = /\b(nc|ncat|netcat)(\.exe)?[ \t][^\n]{0,100}-e\s*[ \t]cmd(\.exe)?\b/ nocase
        $sh4 = /\bmkfifo\s+\/tmp\/[^\n]{0,120}\b(nc|ncat|openssl)\b/
        // A socket wired to the standard streams: dup2 onto 0, 1 or 2 alone is also how
        // daemons (and comments about them) send stdin to /dev/null.
        $py_dup = /\bos\.dup2\s*\(\s*\w+\.fileno\(\)\s*,\s*[012]\s*\)/
        $py_connect = /\.connect(_ex)?\s*\(|\bcreate_connection\s*\(/
        $py_sh = /\bpty\.spawn\s*\(\s*['"]\/bin\/(ba)?sh|subprocess\.call\s*\(\s*\[\s*['"]\/bin\/(ba)?sh['"]\s*,\s*['"]-i['"]/
        $js_sock = /\bnew\s+net\.Socket\s*\(|\bnet\.connect\s*\(|\bnet\.createConnection\s*\(/
        $js_sh = /spawn\s*\(\s*['"](\/bin\/(ba)?sh|cmd\.exe|powershell(\.exe)?)['"]/
        $js_pipe = /\.pipe\s*\(\s*\w+\.stdin\s*\)/
        $ps = /System\.Net\.Sockets\.TCPClient/ nocase
    condition:
        $sh1 or $sh4 or $nc_sh or $nc_cmd or ($py_dup and $py_connect) or
        $py_sh or ($js_sock and $js_sh and $js_pipe) or $ps
}

rule persistence {
    meta:
        id = "persistence"
        description = "installs itself to run again: cron, systemd units, shell start-up files, launch agents, Windows Run keys or scheduled tasks"
        category = "threat"
        severity = "high"
        signal = "persistence"
    strings:
        $cron1 = /\bcrontab\s+(-l|-)\s*\|?|\| *crontab\s+-/
        $cron2 = /\/etc\/cron\.(d|daily|hourly)\/|\/var\/spool\/cron\b/
        $systemd = /\/etc\/systemd\/system\/[^\n'"]{1,80}\.service|\.config\/systemd\/user\/|systemctl\s+(--user\s+)?enable\b/
        // Anchored on the file names (`>>` alone is every bit shift of ordinary code).
        $rc1 = /\.(bashrc|zshrc|bash_profile)\b/
        $append = />>\s*["']?[~$\w\/{}.]{0,40}\.(bashrc|zshrc|bash_profile)\b|appendFile(Sync)?\s*\([^\n]{0,120}\.(bashrc|zshrc|bash_profile)\b|open\s*\([^\n]{0,120}\.(bashrc|zshrc|bash_profile)['"][^\n]{0,40}['"]a\+?['"]/
        $launch = /Library\/LaunchAgents\/|\blaunchctl\s+load\b/
        $run = /CurrentVersion\\+Run(Once)?\b/ nocase
        // A Run key counts with a write to the registry close by (bindings such as windows-sys
        // declare the key's name and the registry functions far apart).
        $registry_write = /\bRegSetValue(Ex)?[AW]?\b|\breg(\.exe)?\s+add\b|\b(Set|New)-ItemProperty\b|\bSetValueEx\s*\(|\bset_value\s*\(/ nocase
        $task = /\bschtasks(\.exe)?\s+\/create\b/ nocase
    condition:
        any of ($cron*, $systemd, $launch, $task) or ($rc1 and $append) or
        for any i in (1..#run) : (
            for any j in (1..#registry_write) : (
                @registry_write[j] - @run[i] < 1000 and @run[i] - @registry_write[j] < 1000
            )
        )
}

rule npm_self_propagation {
    meta:
        id = "npm-self-propagation"
        description = "publishes to npm with a found token after listing the packages its owner maintains: a worm"
        category = "threat"
        severity = "critical"
        signal = "propagation"
    strings:
        $publish = /npm\s+publish\b|\/-\/(package|v1)\/[^\n]{0,40}publish|\bnpm_publish\b/
        $search = /\/-\/v1\/search\?[^\n'"`]{0,40}maintainer:|text=maintainer:/
        $whoami = /\/-\/whoami\b/
        $repack = /npm\s+pack\b|\.tgz['"`][^\n]{0,200}(tar|gunzip|extract)/
    condition:
        $publish and ($search or ($whoami and $repack))
}

rule ci_workflow_injection {
    meta:
        id = "ci-workflow-injection"
        description = "writes a GitHub Actions workflow through the GitHub API with a token: a worm's foothold in other repositories"
        category = "threat"
        severity = "critical"
        signal = "propagation"
    strings:
        $workflow = /\.github\/workflows\/[\w.-]*\.ya?ml/
        $api = /api\.github\.com/
        $token = /Authorization['"`]?\s*:\s*[`'"](token|Bearer)\s|\b(ghp|gho|ghs)_[A-Za-z0-9]|GITHUB_TOKEN|GH_TOKEN/
    condition:
        $workflow and $api and $token
}

rule secret_scanner {
    meta:
        id = "secret-scanner"
        description = "fetches or runs a secret scanner (trufflehog, gitleaks) to find credentials on the machine"
        category = "threat"
        severity = "high"
        signal = "secret-scanner"
    strings:
        $truffle = /\btrufflehog\b/ nocase
        $gitleaks = /\bgitleaks\b/ nocase
        $run = /\bfilesystem\b|--json\b|--only-verified\b|releases\/download|\bdetect\s+--source/
    condition:
        ($truffle or $gitleaks) and $run
}

rule github_exfil_repo {
    meta:
        id = "github-exfil-repo"
        description = "creates a GitHub repository with a token and uploads encoded content to it: exfiltration through GitHub"
        category = "threat"
        severity = "high"
        signal = "exfil-endpoint"
    strings:
        $create = /api\.github\.com\/user\/repos\b/
        $content = /\/contents\/[^\n'"`]{0,80}|\bbase64\b|toString\(\s*['"]base64['"]\s*\)/
        $token = /GITHUB_TOKEN|GH_TOKEN|Authorization/
    condition:
        $create and $content and $token
}

rule browser_request_hook {
    meta:
        id = "browser-request-hook"
        description = "replaces the browser's fetch, XMLHttpRequest methods or a wallet provider's request in place"
        category = "threat"
        severity = "high"
        signal = "browser-hook"
    strings:
        $xhr = /XMLHttpRequest\.prototype\.(open|send|setRequestHeader)\s*=[^=]/
        $fetch = /\b(window|globalThis|self)\.fetch\s*=[^=]/
        $eth1 = /\bethereum\.(request|send|sendAsync)\s*=[^=]/
        $eth2 = /\bwindow\.ethereum\b/
        $proxy = /new\s+Proxy\s*\(\s*window\.ethereum/
        // The same through computed names (obfuscators move property names to a string array).
        $name_xhr = /['"]XMLHttpRequest['"]/
        $name_fetch = /['"]fetch['"]/
        $name_ethereum = /['"]ethereum['"]/
    condition:
        $xhr or $fetch or $eth1 or $proxy or ($eth2 and #eth2 > 3 and ($xhr or $fetch)) or
        ($name_xhr and $name_fetch and $name_ethereum)
}

rule decode_and_execute {
    meta:
        id = "decode-and-execute"
        description = "runs decoded data as code in one expression (exec(b64decode(...)), eval(atob(...)), Function(Buffer.from(...)))"
        category = "threat"
        severity = "high"
        signal = "decode-exec"
    strings:
        $py = /(^|[^\w.])(exec|eval)\s*\(\s*(base64\.\w*b(64|32|85)decode|b64decode|\w+\.b64decode|__import__\s*\(\s*['"](base64|zlib|marshal|codecs|binascii)['"]\s*\)|zlib\.decompress|marshal\.loads|codecs\.decode|bytes\.fromhex|compile\s*\(\s*(base64|zlib|marshal))/
        $js1 = /(^|[^\w.$])(eval|Function)\s*\(\s*(atob|unescape|decodeURIComponent)\s*\(/
        $js2 = /(^|[^\w.$])(eval|Function)\s*\(\s*Buffer\.from\s*\(/
        $js3 = /new\s+Function\s*\(\s*(atob\s*\(|Buffer\.from\s*\()/
    condition:
        any of them
}

rule remote_script_execution {
    meta:
        id = "remote-script-execution"
        description = "pipes a downloaded script straight into an interpreter (curl | sh, iex (iwr ...), powershell -EncodedCommand)"
        category = "threat"
        severity = "high"
        signal = "remote-exec"
    strings:
        $sh = /\b(curl|wget)\s[^\n|]{0,200}\|\s*(sudo\s+)?(ba|z|da)?sh\b|\b(curl|wget)\s[^\n|]{0,200}\|\s*(python3?|node|perl)\b/
        $ps1 = /\b(iex|Invoke-Expression)\s*\(?\s*(\(\s*)?(iwr|Invoke-WebRequest|New-Object\s+Net\.WebClient|irm|Invoke-RestMethod)/ nocase
        $ps2 = /powershell(\.exe)?\s[^\n]{0,60}-(e|enc|EncodedCommand)\s+[A-Za-z0-9+\/=]{20,}/ nocase
    condition:
        any of them
}

rule windows_lolbin {
    meta:
        id = "windows-lolbin"
        description = "uses Windows binaries that malware favours to load or fetch code (regsvr32, rundll32, mshta, certutil, bitsadmin)"
        category = "threat"
        severity = "high"
        signal = "lolbin"
    strings:
        $a = /\b(regsvr32|rundll32|mshta)(\.exe)?\s+(\/s|-s|[\w\\\/.:-]+\.(dll|hta|sct))/ nocase
        $b = /\bcertutil(\.exe)?\s+-(urlcache|decode)\b/ nocase
        $c = /\bbitsadmin(\.exe)?\s+\/transfer\b/ nocase
    condition:
        any of them
}

rule host_fingerprint {
    meta:
        id = "host-fingerprint"
        description = "collects the host's identity (user name, host name, network interfaces, public IP or country), as dependency-confusion probes and stealers do"
        category = "capability"
        severity = "low"
        signal = "recon"
    strings:
        $js1 = /\bos\.(userInfo|hostname|networkInterfaces)\s*\(\s*\)/
        $py1 = /\b(getpass\.getuser|socket\.gethostname|platform\.node)\s*\(\s*\)/
        $geo = /\b(ipinfo\.io|ip-api\.com|freegeoip\.app|ifconfig\.me|api\.ipify\.org|checkip\.amazonaws\.com)\b/
    condition:
        #js1 >= 2 or #py1 >= 2 or $geo
}
