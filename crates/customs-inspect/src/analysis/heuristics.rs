//! The Rust analysers: what regular expressions cannot measure. Each is one linear pass (or
//! less) over a file's bytes.
//!
//! - encoded blobs: runs of 256+ base64 or hex characters, their entropy, and what they
//!   decode to (known media formats are left alone; executables are a threat);
//! - encoded API names: short hex/base64 literals decoding to names such as `child_process`;
//! - char-code arrays: `String.fromCharCode(104, 116, ...)`, `bytes([...])`, `chr()` chains;
//! - `_0x` identifiers (javascript-obfuscator);
//! - minified code (reported only where it runs at install, build or start-up);
//! - raw IP URLs (public IPv4 hosts only);
//! - native executables by magic bytes, and binaries named as scripts.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use crate::analysis::decode::{
    API_NAMES, Decoded, base64_decode, decode_literal, hex_decode, is_text, literals,
};
use crate::analysis::text::{entropy, escape};

/// A finding of a Rust analyser, before it is turned into a hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub rule_id: &'static str,
    pub offset: usize,
    /// `None`: the excerpt is the line at `offset`.
    pub excerpt: Option<String>,
    /// A finding about a binary file as a whole (line 0).
    pub whole_file: bool,
}

impl Finding {
    fn at(rule_id: &'static str, offset: usize, excerpt: Option<String>) -> Self {
        Finding {
            rule_id,
            offset,
            excerpt,
            whole_file: false,
        }
    }
}

/// A blob this long (in characters) is worth reporting: base64 in code...
pub(crate) const MIN_BLOB_CHARS: usize = 256;
/// ...hex in code (crypto test vectors and keys are a few hundred digits)...
const MIN_HEX_BLOB_CHARS: usize = 1024;
/// ...and in data files (test vectors, fixtures), where only a payload is this long: base64...
const MIN_DATA_BLOB_CHARS: usize = 4096;
/// ...and hex (crypto test vectors run to thousands of digits).
const MIN_DATA_HEX_BLOB_CHARS: usize = 32_768;
/// Base64 of random bytes has about 6 bits of entropy per character; long identifiers,
/// paths and repeated padding far less.
const MIN_BLOB_ENTROPY: f64 = 4.5;

/// What kind of executable `bytes` start with.
pub(crate) fn executable_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x7f, b'E', b'L', b'F', ..] => Some("ELF"),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => Some("Mach-O"),
        // A fat Mach-O shares Java's class-file magic; its next word counts architectures
        // (a handful), where a class file has its version (45 and up).
        [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, count, ..] if *count > 0 && *count < 20 => Some("Mach-O"),
        [b'M', b'Z', ..] => {
            let offset = bytes
                .get(0x3c..0x40)
                .and_then(|field| <[u8; 4]>::try_from(field).ok())
                .map(u32::from_le_bytes)
                .and_then(|offset| usize::try_from(offset).ok())?;
            let end = offset.checked_add(4)?;
            (bytes.get(offset..end) == Some(b"PE\0\0".as_slice())).then_some("PE")
        }
        _ => None,
    }
}

/// Media formats that packages embed as base64 (fonts, images, WebAssembly), which are
/// not worth a hit.
fn is_media(bytes: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x89PNG",
        b"\xff\xd8\xff",
        b"GIF8",
        b"wOFF",
        b"wOF2",
        b"\0\x01\0\0",
        b"OTTO",
        b"\0asm",
        b"%PDF",
        b"RIFF",
        b"\0\0\x01\0",
        b"BM",
        b"<svg",
        b"<?xml",
        b"ID3",
        b"OggS",
        b"fLaC",
    ];
    MAGICS.iter().any(|magic| bytes.starts_with(magic))
}

/// What the scanner of one text file found, and the decoded text for the rules.
#[derive(Debug, Default)]
pub(crate) struct TextFindings {
    pub findings: Vec<Finding>,
    pub decoded: Decoded,
}

/// Byte classes for the blob scanner.
const BASE64_CLASS: u8 = 1;
const HEX_CLASS: u8 = 2;

const fn classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 256 {
        #[expect(clippy::cast_possible_truncation, reason = "byte < 256")]
        let value = byte as u8;
        if value.is_ascii_alphanumeric() || value == b'+' || value == b'/' || value == b'=' {
            table[byte] = BASE64_CLASS;
        }
        if value.is_ascii_hexdigit() {
            table[byte] |= HEX_CLASS;
        }
        byte += 1;
    }
    table
}

static CLASSES: [u8; 256] = classes();

/// Analyses one text file. `js_like` turns on the JavaScript-only analysers; `code` says the
/// file is code (not data or documentation), where shorter blobs count.
pub(crate) fn analyse_text(data: &[u8], js_like: bool, code: bool) -> TextFindings {
    let mut result = TextFindings::default();
    blobs(data, code, &mut result);
    encoded_literals(data, &mut result);
    char_codes(data, &mut result);
    if js_like {
        obfuscator_identifiers(data, &mut result.findings);
    }
    raw_ip_urls(data, &mut result.findings);
    result
}

fn blobs(data: &[u8], code: bool, result: &mut TextFindings) {
    let mut reported_blob = false;
    let mut reported_executable = false;
    let class = |index: usize| {
        data.get(index)
            .map_or(0, |byte| CLASSES[usize::from(*byte)])
    };
    // Any run of MIN_BLOB_CHARS or more covers one of every MIN_BLOB_CHARS positions, so only
    // those are probed; a probe inside a short word costs the word's length, not a pass over
    // every byte.
    let mut probe = MIN_BLOB_CHARS - 1;
    while probe < data.len() {
        if class(probe) == 0 {
            probe += MIN_BLOB_CHARS;
            continue;
        }
        let mut start = probe;
        while start > 0 && class(start - 1) != 0 {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < data.len() && class(end) != 0 {
            end += 1;
        }
        if end - start >= MIN_BLOB_CHARS {
            let all_hex = data.get(start..end).is_some_and(|run| {
                run.iter()
                    .all(|byte| CLASSES[usize::from(*byte)] & HEX_CLASS != 0)
            });
            let minimum = match (code, all_hex) {
                (false, true) => MIN_DATA_HEX_BLOB_CHARS,
                (false, false) => MIN_DATA_BLOB_CHARS,
                (true, true) => MIN_HEX_BLOB_CHARS,
                (true, false) => MIN_BLOB_CHARS,
            };
            if end - start >= minimum {
                blob(
                    data,
                    start,
                    end,
                    all_hex,
                    result,
                    &mut reported_blob,
                    &mut reported_executable,
                );
            }
        }
        // The next probe lies past this run (a run is looked at once).
        probe = (end + MIN_BLOB_CHARS).max(probe + MIN_BLOB_CHARS);
    }
}

fn blob(
    data: &[u8],
    start: usize,
    end: usize,
    all_hex: bool,
    result: &mut TextFindings,
    reported_blob: &mut bool,
    reported_executable: &mut bool,
) {
    let Some(run) = data.get(start..end) else {
        return;
    };
    // Paths and long words are made of base64 letters too: a blob has digits, both cases (or
    // is hex) and the entropy of random data.
    let has = |test: fn(&u8) -> bool| run.iter().any(test);
    let kind = if all_hex {
        // Random hex has both digits and letters; a long decimal number has no letters.
        if run.iter().collect::<BTreeSet<_>>().len() < 10 || !has(u8::is_ascii_alphabetic) {
            return;
        }
        "hex"
    } else {
        if !(has(u8::is_ascii_digit) && has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase))
            || entropy(run.get(..4096).unwrap_or(run)) < MIN_BLOB_ENTROPY
        {
            return;
        }
        "base64"
    };
    // A data: URI (`data:font/woff2;base64,...`) says what it holds.
    let before = data
        .get(start.saturating_sub(64)..start)
        .unwrap_or_default();
    let data_uri = memchr::memmem::find(before, b";base64,").is_some();
    let head_chars = run.get(..(run.len().min(4096) / 4 * 4)).unwrap_or_default();
    let head = if all_hex {
        hex_decode(run.get(..(run.len().min(4096) / 2 * 2)).unwrap_or_default())
    } else {
        base64_decode(head_chars, 4)
    };
    let head = head.unwrap_or_default();
    if let Some(executable) = executable_kind(&head) {
        if !*reported_executable {
            *reported_executable = true;
            result.findings.push(Finding::at(
                "embedded-executable",
                start,
                Some(format!(
                    "{} characters of {kind} decoding to a{} {executable} executable",
                    run.len(),
                    if executable == "ELF" { "n" } else { "" }
                )),
            ));
        }
        return;
    }
    if data_uri || is_media(&head) {
        return;
    }
    let text_prefix = head.get(..head.len().min(1024)).unwrap_or_default();
    let decodes_to_text = is_text(text_prefix);
    if decodes_to_text {
        let full = if all_hex {
            hex_decode(run.get(..run.len() / 2 * 2).unwrap_or_default())
        } else {
            base64_decode(run, 4)
        };
        if let Some(full) = full {
            let _ = result.decoded.push(&full, start);
        }
    }
    if !*reported_blob {
        *reported_blob = true;
        let preview = if decodes_to_text {
            format!("decodes to: {}", escape(text_prefix, 100))
        } else {
            escape(run.get(..60).unwrap_or(run), 64)
        };
        result.findings.push(Finding::at(
            "encoded-blob",
            start,
            Some(format!("{} characters of {kind}, {preview}", run.len())),
        ));
    }
}

fn encoded_literals(data: &[u8], result: &mut TextFindings) {
    let mut names: Vec<(usize, String, String)> = Vec::new();
    let mut distinct = BTreeSet::new();
    for literal in literals(data) {
        // Blobs are the blob scanner's.
        if literal.text.len() >= MIN_BLOB_CHARS {
            continue;
        }
        let Some(decoded) = decode_literal(literal.text) else {
            continue;
        };
        let Ok(decoded_text) = std::str::from_utf8(&decoded) else {
            continue;
        };
        if API_NAMES.contains(&decoded_text) {
            distinct.insert(decoded_text.to_owned());
            if names.len() < 8 {
                names.push((
                    literal.offset,
                    String::from_utf8_lossy(literal.text).into_owned(),
                    decoded_text.to_owned(),
                ));
            }
        }
        if !result.decoded.push(&decoded, literal.offset) {
            break;
        }
    }
    if distinct.len() >= 2
        && let Some((offset, _, _)) = names.first()
    {
        let shown: Vec<String> = names
            .iter()
            .map(|(_, encoded, decoded)| {
                let encoded = if encoded.len() > 24 {
                    format!("{}…", encoded.get(..24).unwrap_or_default())
                } else {
                    encoded.clone()
                };
                format!("{encoded} → {decoded}")
            })
            .collect();
        result.findings.push(Finding::at(
            "encoded-api-names",
            *offset,
            Some(escape(shown.join(", ").as_bytes(), 160)),
        ));
    }
}

/// At least this many codes make an array worth decoding.
const MIN_CHAR_CODES: usize = 16;

/// Lists of numbers that decode to text: after `fromCharCode(`, `bytes([`, `[`, or a chain of
/// `chr(N)`.
fn char_codes(data: &[u8], result: &mut TextFindings) {
    let mut reported = false;
    let mut position = 0usize;
    while let Some(relative) = data
        .get(position..)
        .and_then(|rest| memchr::memchr2(b'[', b'(', rest))
    {
        let open = position + relative;
        position = open + 1;
        let Some((codes, end)) = number_list(data, open + 1) else {
            continue;
        };
        position = end;
        if codes.len() < MIN_CHAR_CODES {
            continue;
        }
        let bytes: Vec<u8> = codes
            .iter()
            .filter_map(|code| u8::try_from(*code).ok())
            .collect();
        if bytes.len() != codes.len() || !is_text(&bytes) || !looks_like_words(&bytes) {
            continue;
        }
        let _ = result.decoded.push(&bytes, open);
        if !reported {
            reported = true;
            result.findings.push(Finding::at(
                "char-code-array",
                open,
                Some(format!(
                    "{} codes decoding to: {}",
                    codes.len(),
                    escape(&bytes, 120)
                )),
            ));
        }
    }
    chr_chains(data, result, reported);
}

/// Mostly letters, and naming code, a command or a URL: what char codes hide in malware.
/// Tables of numbers (Unicode data, test vectors) decode to a jumble of letters instead.
fn looks_like_words(bytes: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[
        b"://",
        b"require",
        b"import",
        b"child_process",
        b"exec",
        b"eval",
        b"spawn",
        b"process",
        b"subprocess",
        b"socket",
        b"/bin/",
        b"cmd",
        b"powershell",
        b"http",
        b".exe",
        b"fetch",
        b"Function",
        b"base64",
        b"document",
        b"window",
    ];
    let letters = bytes
        .iter()
        .filter(|byte| byte.is_ascii_alphabetic())
        .count();
    letters * 2 >= bytes.len()
        && WORDS
            .iter()
            .any(|word| memchr::memmem::find(bytes, word).is_some())
}

/// A comma-separated list of integers (decimal or `0x`) starting at `start`, and where it
/// ends; `None` when something else comes first.
fn number_list(data: &[u8], start: usize) -> Option<(Vec<u32>, usize)> {
    let mut codes = Vec::new();
    let mut index = start;
    loop {
        while data.get(index).is_some_and(u8::is_ascii_whitespace) {
            index += 1;
        }
        let digits_start = index;
        let hex = data.get(index..index + 2) == Some(b"0x".as_slice());
        if hex {
            index += 2;
        }
        let number_start = index;
        while data.get(index).is_some_and(|byte| {
            if hex {
                byte.is_ascii_hexdigit()
            } else {
                byte.is_ascii_digit()
            }
        }) {
            index += 1;
        }
        if index == number_start || index - number_start > 6 {
            return (codes.len() >= MIN_CHAR_CODES).then_some((codes, digits_start));
        }
        let digits = std::str::from_utf8(data.get(number_start..index)?).ok()?;
        let value = u32::from_str_radix(digits, if hex { 16 } else { 10 }).ok()?;
        codes.push(value);
        while data.get(index).is_some_and(u8::is_ascii_whitespace) {
            index += 1;
        }
        match data.get(index) {
            Some(b',') => index += 1,
            Some(b']' | b')') => return Some((codes, index + 1)),
            _ => return (codes.len() >= MIN_CHAR_CODES).then_some((codes, index)),
        }
        if codes.len() > 1_000_000 {
            return Some((codes, index));
        }
    }
}

/// `chr(104)+chr(116)+...` (Python) of at least [`MIN_CHAR_CODES`] links.
fn chr_chains(data: &[u8], result: &mut TextFindings, reported: bool) {
    let finder = memchr::memmem::Finder::new(b"chr(");
    let mut reported = reported;
    let mut position = 0usize;
    while let Some(relative) = data.get(position..).and_then(|rest| finder.find(rest)) {
        let start = position + relative;
        let mut index = start;
        let mut bytes = Vec::new();
        while data.get(index..index + 4) == Some(b"chr(".as_slice()) {
            let digits_start = index + 4;
            let mut end = digits_start;
            while data.get(end).is_some_and(u8::is_ascii_digit) && end - digits_start < 4 {
                end += 1;
            }
            if data.get(end) != Some(&b')') {
                break;
            }
            let value = std::str::from_utf8(data.get(digits_start..end).unwrap_or_default())
                .ok()
                .and_then(|digits| digits.parse::<u8>().ok());
            let Some(value) = value else { break };
            bytes.push(value);
            index = end + 1;
            while data
                .get(index)
                .is_some_and(|byte| byte.is_ascii_whitespace() || *byte == b'+' || *byte == b',')
            {
                index += 1;
            }
        }
        position = index.max(start + 4);
        if bytes.len() >= MIN_CHAR_CODES && is_text(&bytes) && looks_like_words(&bytes) {
            let _ = result.decoded.push(&bytes, start);
            if !reported {
                reported = true;
                result.findings.push(Finding::at(
                    "char-code-array",
                    start,
                    Some(format!(
                        "{} chr() calls decoding to: {}",
                        bytes.len(),
                        escape(&bytes, 120)
                    )),
                ));
            }
        }
    }
}

/// javascript-obfuscator names everything `_0x` and 4 to 6 hex digits.
const MIN_OBFUSCATOR_IDENTIFIERS: usize = 10;

fn obfuscator_identifiers(data: &[u8], findings: &mut Vec<Finding>) {
    let finder = memchr::memmem::Finder::new(b"_0x");
    let mut distinct: BTreeSet<&[u8]> = BTreeSet::new();
    let mut first = None;
    for start in finder.find_iter(data) {
        if start > 0
            && data
                .get(start - 1)
                .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_' || *byte == b'$')
        {
            continue;
        }
        let digits_start = start + 3;
        let mut end = digits_start;
        while data.get(end).is_some_and(u8::is_ascii_hexdigit) {
            end += 1;
        }
        let digits = end - digits_start;
        let boundary = data
            .get(end)
            .is_none_or(|byte| !(byte.is_ascii_alphanumeric() || *byte == b'_' || *byte == b'$'));
        if (4..=6).contains(&digits) && boundary {
            first.get_or_insert(start);
            if let Some(identifier) = data.get(start..end) {
                distinct.insert(identifier);
            }
            if distinct.len() >= 1000 {
                break;
            }
        }
    }
    if distinct.len() >= MIN_OBFUSCATOR_IDENTIFIERS
        && let Some(first) = first
    {
        findings.push(Finding::at(
            "obfuscator-identifiers",
            first,
            Some(format!(
                "{} distinct _0x identifiers, such as {}",
                distinct.len(),
                distinct
                    .iter()
                    .take(4)
                    .map(|identifier| String::from_utf8_lossy(identifier).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ));
    }
}

/// Minified: at least 4 KiB whose lines average 500 bytes or more, or a single line of 10 KB
/// holding most of the file.
pub(crate) fn minified(data: &[u8]) -> Option<Finding> {
    if data.len() < 4096 {
        return None;
    }
    let mut lines = 1usize;
    let mut longest = 0usize;
    let mut start = 0usize;
    for newline in memchr::memchr_iter(b'\n', data) {
        longest = longest.max(newline - start);
        start = newline + 1;
        lines += 1;
    }
    longest = longest.max(data.len() - start);
    let average = data.len() / lines;
    if average >= 500 || (longest >= 10_000 && longest * 2 >= data.len()) {
        Some(Finding::at(
            "minified-code",
            0,
            Some(format!(
                "{} bytes in {lines} lines, the longest {longest} bytes",
                data.len()
            )),
        ))
    } else {
        None
    }
}

/// The offset of the first URL to a public IPv4 host in `data`.
pub(crate) fn first_raw_ip_url(data: &[u8]) -> Option<usize> {
    let mut findings = Vec::new();
    raw_ip_urls(data, &mut findings);
    findings.first().map(|finding| finding.offset)
}

fn raw_ip_urls(data: &[u8], findings: &mut Vec<Finding>) {
    let finder = memchr::memmem::Finder::new(b"://");
    for at in finder.find_iter(data) {
        let scheme_start = data
            .get(..at)
            .unwrap_or_default()
            .iter()
            .rposition(|byte| !byte.is_ascii_alphabetic())
            .map_or(0, |position| position + 1);
        let scheme = data.get(scheme_start..at).unwrap_or_default();
        let known = [
            b"http".as_slice(),
            b"https",
            b"ftp",
            b"tcp",
            b"udp",
            b"ws",
            b"wss",
        ]
        .iter()
        .any(|known| scheme.eq_ignore_ascii_case(known));
        if !known {
            continue;
        }
        let host_start = at + 3;
        // Skip user info (`user:pass@`) only when it is short and plain.
        let mut end = host_start;
        while data
            .get(end)
            .is_some_and(|byte| byte.is_ascii_digit() || *byte == b'.')
            && end - host_start < 15
        {
            end += 1;
        }
        let next = data.get(end).copied();
        if next.is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_') {
            // A name that starts with digits (`1e100.net`).
            continue;
        }
        let Some(address) = std::str::from_utf8(data.get(host_start..end).unwrap_or_default())
            .ok()
            .and_then(|host| host.parse::<Ipv4Addr>().ok())
        else {
            continue;
        };
        if is_public(address) {
            findings.push(Finding::at("raw-ip-url", scheme_start, None));
            return;
        }
    }
}

fn is_public(address: Ipv4Addr) -> bool {
    let [first, second, ..] = address.octets();
    !(address.is_private()
        || address.is_loopback()
        || address.is_link_local()
        || address.is_unspecified()
        || address.is_broadcast()
        || address.is_multicast()
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (first == 100 && (64..128).contains(&second))
        || first == 0
        || first >= 240)
}

/// Extensions of files that are run or read as code or text: an executable under one of these
/// names is disguised.
pub(crate) const TEXT_EXTENSIONS: &[&str] = &[
    "js", "cjs", "mjs", "ts", "jsx", "tsx", "py", "pth", "sh", "bash", "bat", "cmd", "ps1", "rs",
    "json", "txt", "md", "toml", "yml", "yaml", "cfg", "ini",
];
/// Extensions of code that an interpreter runs: binary data under one of these names is
/// hidden from readers (text files in UTF-16 aside, which have NUL bytes too).
pub(crate) const SCRIPT_EXTENSIONS: &[&str] = &[
    "js", "cjs", "mjs", "ts", "py", "pth", "sh", "bash", "bat", "cmd", "ps1",
];

/// Findings of a binary file (a NUL byte in its first 8 KiB).
pub(crate) fn analyse_binary(data: &[u8], extension: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let whole = |rule_id: &'static str, excerpt: String| Finding {
        rule_id,
        offset: 0,
        excerpt: Some(excerpt),
        whole_file: true,
    };
    let scripted = SCRIPT_EXTENSIONS.contains(&extension);
    let utf16 = data.starts_with(b"\xff\xfe") || data.starts_with(b"\xfe\xff");
    if let Some(kind) = executable_kind(data) {
        findings.push(whole(
            "native-executable",
            format!("{kind} executable, {} bytes", data.len()),
        ));
        if TEXT_EXTENSIONS.contains(&extension) {
            findings.push(whole(
                "executable-named-as-script",
                format!(
                    "a .{extension} file that is a{} {kind} executable",
                    if kind == "ELF" { "n" } else { "" }
                ),
            ));
        }
    } else if scripted && !utf16 {
        findings.push(whole(
            "binary-named-as-script",
            format!(
                "a .{extension} file holding binary data ({} bytes)",
                data.len()
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|finding| finding.rule_id).collect()
    }

    #[test]
    fn executables_by_magic() {
        assert_eq!(executable_kind(b"\x7fELF\x02\x01"), Some("ELF"));
        assert_eq!(executable_kind(b"\xcf\xfa\xed\xfe"), Some("Mach-O"));
        assert_eq!(
            executable_kind(b"\xca\xfe\xba\xbe\0\0\0\x02"),
            Some("Mach-O")
        );
        assert_eq!(executable_kind(b"\xca\xfe\xba\xbe\0\0\0\x34"), None);
        let mut pe = vec![0u8; 0x80];
        pe[0] = b'M';
        pe[1] = b'Z';
        pe[0x3c] = 0x40;
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        assert_eq!(executable_kind(&pe), Some("PE"));
        assert_eq!(executable_kind(b"MZ short"), None);
    }

    #[test]
    fn public_addresses_only() {
        let found = |text: &str| {
            let mut findings = Vec::new();
            raw_ip_urls(text.as_bytes(), &mut findings);
            !findings.is_empty()
        };
        assert!(found("curl http://203.0.113.7/x"));
        assert!(found("'tcp://45.9.148.3:4444'"));
        assert!(!found("http://127.0.0.1:8080/"));
        assert!(!found("http://192.168.1.1/"));
        assert!(!found("http://169.254.169.254/latest/meta-data"));
        assert!(!found("https://1e100.net/"));
        assert!(!found("http://10.0.0.1"));
    }

    #[test]
    fn minified_by_line_length() {
        let minified_code = "var a=1;".repeat(1000);
        assert!(minified(minified_code.as_bytes()).is_some());
        let readable = "var a = 1;\n".repeat(1000);
        assert!(minified(readable.as_bytes()).is_none());
    }

    #[test]
    fn char_codes_decode_only_to_words() {
        let codes: Vec<String> = "https://exfil.example.invalid/"
            .bytes()
            .map(|byte| byte.to_string())
            .collect();
        let code = format!("String.fromCharCode({})", codes.join(","));
        let found = analyse_text(code.as_bytes(), true, true);
        assert_eq!(ids(&found.findings), ["char-code-array"]);
        let table = format!(
            "[{}]",
            (0..64)
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(
            analyse_text(table.as_bytes(), true, true)
                .findings
                .is_empty()
        );
    }
}
