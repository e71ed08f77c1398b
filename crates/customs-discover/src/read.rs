use std::fs::File;
use std::io::Read as _;
use std::path::Path;

/// Reads a file as UTF-8 text, refusing files over `max_size` bytes before reading them and
/// dropping a leading byte-order mark. Errors are messages for a [`customs_core::FileError`].
pub fn read_text(path: &Path, max_size: u64) -> Result<String, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {}", lowercase_io(&e)))?;
    let length = file
        .metadata()
        .map_err(|e| format!("cannot read metadata: {}", lowercase_io(&e)))?
        .len();
    if length > max_size {
        return Err(format!(
            "file is {length} bytes, over the {max_size}-byte limit for a lockfile"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    // The length can change between the check and the read; the take() keeps the cap.
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {}", lowercase_io(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(format!(
            "file grew over the {max_size}-byte limit while being read"
        ));
    }
    decode_text(bytes)
}

/// A file's bytes as UTF-8 text without a leading byte-order mark, wherever they were read from.
pub(crate) fn decode_text(bytes: Vec<u8>) -> Result<String, String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("not valid UTF-8 text (line {line})")
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(stripped) => stripped.to_owned(),
        None => text,
    })
}

fn lowercase_io(error: &std::io::Error) -> String {
    let message = error.to_string();
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_size_strips_bom_and_rejects_binary() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, "x".repeat(100)).unwrap();
        assert!(
            read_text(&big, 99)
                .unwrap_err()
                .contains("over the 99-byte limit")
        );
        assert_eq!(read_text(&big, 100).unwrap().len(), 100);

        let bom = dir.path().join("bom");
        std::fs::write(&bom, "\u{feff}{}").unwrap();
        assert_eq!(read_text(&bom, 100).unwrap(), "{}");

        let binary = dir.path().join("binary");
        std::fs::write(&binary, b"ok\n\xff\xfe").unwrap();
        assert_eq!(
            read_text(&binary, 100).unwrap_err(),
            "not valid UTF-8 text (line 2)"
        );

        assert!(
            read_text(&dir.path().join("missing"), 100)
                .unwrap_err()
                .starts_with("cannot open: no such file")
        );
    }
}
