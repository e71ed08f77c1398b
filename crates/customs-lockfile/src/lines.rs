/// Maps byte offsets in a text to 1-based line numbers.
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        }
    }

    /// The line holding byte `offset` (offsets past the end give the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let line = self.newlines.partition_point(|&newline| newline < offset) + 1;
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The line where `slice` starts, if `slice` borrows from this text (as serde_json's
    /// borrowed `RawValue` and string slices do). Line numbers cost nothing extra this way.
    pub fn line_of(&self, slice: &str) -> Option<u32> {
        let start = self.text.as_ptr() as usize;
        let at = slice.as_ptr() as usize;
        (at >= start && at <= start + self.text.len()).then(|| self.line(at - start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        let text = "a\nbc\n\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(1), 1); // the newline belongs to its line
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
        assert_eq!(index.line_of(&text[3..]), Some(2));
        let elsewhere = String::from("elsewhere");
        assert_eq!(index.line_of(&elsewhere), None);
    }
}
