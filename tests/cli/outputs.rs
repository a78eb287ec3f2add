//! Special output targets.
