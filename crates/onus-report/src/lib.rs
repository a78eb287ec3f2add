//! onus output formats.
//!
//! One module per format. Every renderer is a pure function of an
//! [`onus_model::AuditReport`] (or of catalog and rule data) to text; writing it
//! anywhere is the caller's business.

pub mod json;
pub mod matrix;
pub mod style;
pub mod table;

pub use style::Style;
