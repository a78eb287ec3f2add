//! Compliance frameworks as data, and the compliance view of a report.
//!
//! A framework is a TOML file (`config/frameworks/*.toml` built in, more with
//! `--frameworks DIR`): controls with ids, short titles in onus's words, for
//! the CSA Cloud Controls Matrix the owner per service model, and how each is
//! assessed: the duties and rules whose ledger statuses evidence it, or
//! `manual` (verify by hand, never `addressed`). [`assess`] turns a report's
//! ledger into per-control status with the owner *per resource*, from its
//! service model. This crate reads the ledger only: no cloud, no rule code.

mod assess;
mod framework;

pub use assess::{OwnerChange, assess, assess_framework, control_resource, owner_changes};
pub use framework::{BUILTIN, Control, Domain, Framework, FrameworkError, Frameworks};

#[cfg(test)]
mod tests;
