//! One module per subcommand: each turns parsed flags into work and an exit code.

pub(crate) mod check;
pub(crate) mod db;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod inspect;
pub(crate) mod inventory;
pub(crate) mod sbom;
pub(crate) mod scan;
