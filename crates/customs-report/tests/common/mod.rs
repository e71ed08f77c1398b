//! Helpers shared by the report tests.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a different part of it"
)]

/// What of the Markdown can still be syntax: the text outside code spans (whose content is
/// shown literally) with backslash-escaped characters (shown literally too) removed. Per
/// CommonMark, scanning left to right: outside a span, `\\` escapes the punctuation after it; a
/// run of backticks opens a span that the next run of the same length closes.
pub fn live_syntax(markdown: &str) -> String {
    let mut out = String::new();
    let mut chars = markdown.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '\\' if chars
                .peek()
                .is_some_and(|(_, next)| next.is_ascii_punctuation()) =>
            {
                chars.next();
            }
            '`' => {
                let mut fence = 1;
                while chars.next_if(|(_, next)| *next == '`').is_some() {
                    fence += 1;
                }
                let after = start + fence;
                match closing_fence(&markdown[after..], fence) {
                    Some(end) => while chars.next_if(|(at, _)| *at < after + end).is_some() {},
                    None => out.push_str(&"`".repeat(fence)),
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Where the run of exactly `fence` backticks that closes a code span ends, if there is one.
fn closing_fence(text: &str, fence: usize) -> Option<usize> {
    let mut search = 0;
    while let Some(found) = text[search..].find('`') {
        let at = search + found;
        let run = text[at..].len() - text[at..].trim_start_matches('`').len();
        if run == fence {
            return Some(at + run);
        }
        search = at + run;
    }
    None
}
