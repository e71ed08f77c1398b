#![no_main]
use customs_lockfile::{Format, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = Format::SpdxJson.parse(Input { path: "fuzz", text });
});
