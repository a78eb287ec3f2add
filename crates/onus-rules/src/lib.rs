//! The onus rules engine.
//!
//! One rule per file under `rules/<group>/`, in the style of Ruff and Clippy: the
//! doc comment *is* the documentation (`onus explain CODE`, SARIF help), the
//! metadata names the code, duty, severity and the kinds the rule applies to,
//! and `check` returns an [`Outcome`]. [`registry()`] lists every rule;
//! [`audit()`] turns an inventory into the duty ledger.

mod evaluate;
mod net;
mod registry;
mod rule;
mod rules;
#[cfg(test)]
pub mod testing;

pub use evaluate::{Auditor, audit, finding_order, ledger_for};
pub use registry::{find, registry};
pub use rule::{ClassificationPolicy, Context, Outcome, Rule, RuleMeta, doc_sections};
