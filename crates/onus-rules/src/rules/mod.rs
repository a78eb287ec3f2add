//! One file per rule, grouped by concern.

pub(crate) mod backup;
pub(crate) mod classification;
pub(crate) mod detection;
pub(crate) mod encryption;
pub(crate) mod identity;
pub(crate) mod logging;
pub(crate) mod network;
pub(crate) mod patching;
pub(crate) mod public;
pub(crate) mod runtime;
pub(crate) mod transport;
