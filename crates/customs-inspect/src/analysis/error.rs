//! Why an [`crate::Analyzer`] could not be made.

use std::io;
use std::path::PathBuf;

/// An analyser could not be built from its rules. Analysing an archive never fails: what
/// cannot be analysed is a hit or a reason in the verdict.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("failed to read the rule file `{path}`")]
    RuleRead {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the rule file `{path}` is larger than {limit} bytes")]
    RuleTooLarge { path: PathBuf, limit: u64 },
    #[error("the rule file `{path}` does not compile, line {line}: {message}")]
    RuleCompile {
        path: PathBuf,
        /// 1-based.
        line: usize,
        message: String,
    },
    #[error("rule `{rule}` of `{path}`: {problem}")]
    RuleMeta {
        path: String,
        rule: String,
        problem: String,
    },
    #[error("the rule id `{id}` is used twice: in {first} and in {second}")]
    DuplicateRuleId {
        id: String,
        first: String,
        second: String,
    },
    /// The bundled rules do not compile: a bug of this crate, which its tests catch.
    #[error("the bundled rules do not compile: {0}")]
    Bundled(String),
}
