#![no_main]
use customs_lockfile::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = Format::sniff(text);
});
