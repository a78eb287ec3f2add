//! Strict JSON: one check that no object in a document repeats a key.
//!
//! serde_json keeps the last of two equal keys, so `{"tags": {"env": "prod",
//! "env": "dev"}}` would silently show one value and hide the other, and a
//! duplicated field of a hostile payload could shadow what a person reads in the
//! file. Every JSON input of onus (inventory, report, baseline, asset list) is
//! checked with [`check_duplicate_keys`] and refused, located, when a key repeats.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A repeated key: where, and which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} column {column}: at {path}: duplicate key '{key}'")]
pub struct DuplicateKey {
    /// 1-based line of the repeated key.
    pub line: usize,
    /// 1-based column just past the repeated key.
    pub column: usize,
    /// JSON path of the object holding it (`resources[3].tags`).
    pub path: String,
    /// The key.
    pub key: String,
}

/// One step of a JSON path, linked to its parent (no allocation per node).
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a Step<'a>, &'a str),
    Index(&'a Step<'a>, usize),
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Root => f.write_str("(document)"),
            Step::Key(Step::Root, k) => f.write_str(k),
            Step::Key(parent, k) => write!(f, "{parent}.{k}"),
            Step::Index(Step::Root, i) => write!(f, "[{i}]"),
            Step::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

const MARK: &str = "\u{0}onus-duplicate\u{0}";

struct Node<'a>(&'a Step<'a>);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let step = Step::Index(self.0, i);
            if seq.next_element_seed(Node(&step))?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Objects are small: a list beats hashing, and keys without escapes are
        // borrowed from the input, not copied.
        let mut seen: Vec<Cow<'de, str>> = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format!("{MARK}{}{MARK}{key}", self.0)));
            }
            let step = Step::Key(self.0, &key);
            map.next_value_seed(Node(&step))?;
            seen.push(key);
        }
        Ok(())
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Check that no object in the JSON document `text` repeats a key. Malformed JSON
/// is not this check's business (the real parse reports it) and passes.
pub fn check_duplicate_keys(text: &str) -> Result<(), DuplicateKey> {
    let mut de = serde_json::Deserializer::from_str(text);
    // Deep documents are fine here: the real parse applies serde_json's limit.
    match Node(&Step::Root).deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(e) => {
            let message = e.to_string();
            let mut parts = message.split(MARK);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(_), Some(path), Some(rest)) => {
                    // serde_json appends " at line L column C" to custom messages.
                    let key = rest.rfind(" at line ").map_or(rest, |i| &rest[..i]);
                    Err(DuplicateKey {
                        line: e.line(),
                        column: e.column(),
                        path: path.to_owned(),
                        key: key.to_owned(),
                    })
                }
                _ => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_found_with_their_path_and_line() {
        let text = "{\n \"resources\": [\n  {\"id\": \"a\", \"tags\": {\"env\": \"prod\",\n   \"env\": \"dev\"}}\n ]\n}";
        let err = check_duplicate_keys(text).unwrap_err();
        assert_eq!(err.path, "resources[0].tags");
        assert_eq!(err.key, "env");
        assert_eq!(err.line, 4);
        assert!(err.to_string().contains("duplicate key 'env'"));
        let top = check_duplicate_keys("{\"a\": 1, \"a\": 2}").unwrap_err();
        assert_eq!(top.path, "(document)");
    }

    #[test]
    fn distinct_keys_and_malformed_json_pass() {
        assert!(check_duplicate_keys("{\"a\": {\"a\": [1, {\"a\": 2}]}, \"b\": null}").is_ok());
        assert!(check_duplicate_keys("[{\"x\": 1}, {\"x\": 2}]").is_ok());
        assert!(check_duplicate_keys("{\"a\": ").is_ok());
        // Escaped spellings of one key are the same key.
        assert!(check_duplicate_keys("{\"a\": 1, \"\\u0061\": 2}").is_err());
    }
}
