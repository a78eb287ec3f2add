//! Hostile data through every format.
