//! Renders results. Every reporter is a pure function from results to an [`std::io::Write`]:
//! only the binary decides where bytes go.

pub mod diff;
pub mod inspect;
pub mod inventory;
pub mod sbom;
pub mod scan;
