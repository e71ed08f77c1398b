//! The policy: `customs.toml`, and what turns evidence into findings.
//!
//! The configuration is deserialized into private wire structs with spans, then validated into
//! [`Policy`]; every error names the file, the line and the key. Evaluation gives each finding
//! its level (deny / warn / allow), applies `[[ignore]]` entries (a reason is required; an
//! expired entry stops applying), and reports ignores that expired or matched nothing.

mod config;
mod evaluate;
mod house;
mod inspection;
mod registry;
mod rules;
mod typosquat;

pub use config::{
    ConfigError, DEFAULT_MAX_ADVISORY_AGE, FailOn, Ignore, PackageSelector, Policy, find_config,
};
pub use evaluate::{Context, Evidence, evaluate};
pub use rules::{Ban, Cooldown, LicenseVerdict, Licenses, NamePattern, Sources, VersionRange};

/// The commented starting configuration `customs init` writes.
pub const STARTER: &str = include_str!("starter.toml");

/// The configuration file customs looks for.
pub const CONFIG_FILE: &str = "customs.toml";
