//! onus output formats.
//!
//! One module per format. Every renderer is a pure function of an
//! [`onus_model::AuditReport`] (or of catalog and rule data) to text; writing it
//! anywhere is the caller's business.

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod ocsf;
pub mod sarif;
pub mod style;
pub mod table;

pub use style::Style;

/// The stable identity of a finding across runs: a hash of (resource, rule, duty).
pub fn finding_key(resource: &str, rule: &str, duty: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{resource}\u{0}{rule}\u{0}{duty}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}
