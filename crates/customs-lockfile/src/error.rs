use std::error::Error as StdError;

/// Why a file could not be parsed, with the 1-based line where that is known.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub line: Option<u32>,
    pub message: String,
    #[source]
    pub source: Option<Box<dyn StdError + Send + Sync>>,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            line: None,
            message: message.into(),
            source: None,
        }
    }

    pub fn at(line: u32, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            message: message.into(),
            source: None,
        }
    }

    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn with_line(mut self, line: Option<u32>) -> Self {
        if self.line.is_none() {
            self.line = line;
        }
        self
    }

    /// The message followed by each cause, as one line for reports.
    pub fn full_message(&self) -> String {
        let mut message = self.message.clone();
        let mut cause = self.source.as_deref().map(|e| e as &dyn StdError);
        while let Some(error) = cause {
            message.push_str(": ");
            message.push_str(&error.to_string());
            cause = error.source();
        }
        message
    }

    /// Wraps a JSON syntax or shape error, keeping serde_json's line.
    pub(crate) fn json(what: &str, error: serde_json::Error) -> Self {
        let line = u32::try_from(error.line()).ok().filter(|&l| l > 0);
        Self::new(format!("invalid {what}"))
            .with_source(error)
            .with_line(line)
    }

    /// Wraps a TOML syntax or shape error, converting its byte span to a line. toml's own
    /// `Display` draws a multi-line snippet; reports want its one-line message.
    pub(crate) fn toml(what: &str, text: &str, error: toml::de::Error) -> Self {
        let line = error
            .span()
            .map(|span| crate::lines::LineIndex::new(text).line(span.start));
        Self::new(format!("invalid {what}"))
            .with_source(Syntax(error.message().trim().to_owned()))
            .with_line(line)
    }
}

/// A parser library's one-line description of a syntax error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Syntax(pub(crate) String);
