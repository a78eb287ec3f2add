//! The onus audit engine, as a library: what `onus audit`, `onus report` and
//! any other front end (a service, a scheduled worker) run.
//!
//! - [`stream`]: an inventory file read resource by resource, mapped by the
//!   catalog, evaluated by the rules on worker threads, and handed in order to
//!   a [`stream::Sink`] (the JSON spool that streams the report, or
//!   [`stream::Collect`] for the formats rendered in memory).
//! - [`baseline`]: a baseline's findings marked, so only new gaps fail a check.
//! - [`waivers`]: findings accepted until a date.
//!
//! It does no argument parsing and prints nothing: the CLI is flags, wiring and
//! the one writer.

pub mod baseline;
pub mod stream;
pub mod waivers;
