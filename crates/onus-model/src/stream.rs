//! Reading an inventory resource by resource.
//!
//! A million resources is the design point of the offline audit; holding them
//! all (with their `raw` payloads) takes gigabytes. [`StreamedInventory`] reads
//! an inventory in two passes over a seekable input:
//!
//! 1. a structural scan of the whole document (strings, brackets, commas; no
//!    values built) that parses every top-level member except `resources`, so
//!    the collection failures, which explain unknown outcomes, are known before
//!    the first resource is evaluated, wherever they are in the file;
//! 2. [`StreamedInventory::for_each_resource`]: each element of `resources` is
//!    cut out of a buffered window and parsed on its own into a [`Resource`].
//!
//! Memory is the window, one resource, and the set of ids seen (duplicates are
//! refused), not the inventory. Every check of [`Inventory::from_json_str`]
//! applies; a document it refuses is refused here too. The messages are
//! that function's: on any error the caller re-reads the input the classic way
//! to name the place (see [`StreamError`]), which costs nothing on valid input.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};

use crate::inventory::{CollectorInfo, Gap, INVENTORY_SCHEMA, Inventory, InventoryError};
use crate::resource::Resource;

/// Why a streamed read stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError<E> {
    /// The input is not a valid inventory. The message is this reader's; the
    /// classic reader ([`Inventory::from_json_str`]) names the place precisely.
    #[error("{0}")]
    Invalid(String),
    /// The input could not be read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The caller's function failed on a resource.
    #[error("{0}")]
    Consumer(E),
}

/// The size of one read from the input.
const CHUNK: usize = 1 << 20;

/// A window over the input: bytes from a mark (the start of the value being
/// cut out) to what has been read.
struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: u64,
    pos: usize,
    mark: Option<usize>,
    eof: bool,
}

impl<R: Read> Scanner<R> {
    fn new(reader: R, base: u64) -> Scanner<R> {
        Scanner {
            reader,
            buf: Vec::with_capacity(CHUNK),
            base,
            pos: 0,
            mark: None,
            eof: false,
        }
    }

    /// Read more; false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let keep = self.mark.unwrap_or(self.pos);
        if keep > 0 {
            self.buf.drain(..keep);
            self.base += keep as u64;
            self.pos -= keep;
            if let Some(m) = &mut self.mark {
                *m = 0;
            }
        }
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = loop {
            match self.reader.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
            }
        };
        self.buf.truncate(len + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        while self.pos >= self.buf.len() {
            if !self.fill()? {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn skip_ws<E>(&mut self) -> Result<Option<u8>, StreamError<E>> {
        while let Some(b) = self.peek()? {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Ok(Some(b));
            }
            self.pos += 1;
        }
        Ok(None)
    }

    fn expect<E>(&mut self, want: u8) -> Result<(), StreamError<E>> {
        match self.skip_ws()? {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            other => Err(StreamError::Invalid(format!(
                "expected '{}' at byte {}, found {}",
                want as char,
                self.offset(),
                other.map_or("the end of the input".to_owned(), |b| format!(
                    "'{}'",
                    b.escape_ascii()
                ))
            ))),
        }
    }

    /// Move past one JSON value (structure only: a malformed value inside is
    /// found when it is parsed).
    fn skip_value<E>(&mut self) -> Result<(), StreamError<E>> {
        let Some(first) = self.skip_ws()? else {
            return Err(StreamError::Invalid(
                "the input ends where a value was expected".to_owned(),
            ));
        };
        match first {
            b'"' => {
                self.pos += 1;
                self.skip_string_rest()
            }
            b'{' | b'[' => {
                self.pos += 1;
                let mut depth = 1usize;
                loop {
                    if self.pos >= self.buf.len() && !self.fill()? {
                        return Err(StreamError::Invalid(
                            "the input ends inside an object or array".to_owned(),
                        ));
                    }
                    let chunk = &self.buf[self.pos..];
                    let mut advanced = chunk.len();
                    let mut in_string = false;
                    for (i, &b) in chunk.iter().enumerate() {
                        match b {
                            b'"' => {
                                advanced = i + 1;
                                in_string = true;
                                break;
                            }
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' => {
                                depth -= 1;
                                if depth == 0 {
                                    advanced = i + 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    self.pos += advanced;
                    if in_string {
                        self.skip_string_rest()?;
                    } else if depth == 0 {
                        return Ok(());
                    }
                }
            }
            _ => {
                // A number, true, false or null: up to the next delimiter.
                loop {
                    match self.peek()? {
                        Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') | None => {
                            return Ok(());
                        }
                        Some(_) => self.pos += 1,
                    }
                }
            }
        }
    }

    /// Move past the rest of a string whose opening quote was consumed.
    fn skip_string_rest<E>(&mut self) -> Result<(), StreamError<E>> {
        loop {
            if self.pos >= self.buf.len() && !self.fill()? {
                return Err(StreamError::Invalid(
                    "the input ends inside a string".to_owned(),
                ));
            }
            let chunk = &self.buf[self.pos..];
            match memchr::memchr2(b'"', b'\\', chunk) {
                None => self.pos += chunk.len(),
                Some(i) if chunk[i] == b'"' => {
                    self.pos += i + 1;
                    return Ok(());
                }
                Some(i) => {
                    // An escape: skip the backslash and the byte it escapes.
                    self.pos += i + 1;
                    if self.peek()?.is_none() {
                        return Err(StreamError::Invalid(
                            "the input ends inside a string".to_owned(),
                        ));
                    }
                    self.pos += 1;
                }
            }
        }
    }

    /// Cut out the next value: its bytes.
    fn value<E>(&mut self) -> Result<&[u8], StreamError<E>> {
        self.skip_ws()?;
        self.mark = Some(self.pos);
        let result = self.skip_value();
        let start = self.mark.take().unwrap_or(self.pos);
        result?;
        Ok(&self.buf[start..self.pos])
    }
}

/// An inventory whose resources are read one at a time.
#[derive(Debug)]
pub struct StreamedInventory<R> {
    /// Everything but the resources (`resources` is empty).
    pub head: Inventory,
    input: R,
    /// Offset of the `resources` array, when the document has one.
    resources_at: Option<u64>,
}

impl<R: Read + Seek> StreamedInventory<R> {
    /// Scan `input` once: check its structure, read every top-level member but
    /// the resources, and note where they are.
    pub fn open<E>(mut input: R) -> Result<StreamedInventory<R>, StreamError<E>> {
        let start = input.stream_position()?;
        let mut s = Scanner::new(&mut input, start);
        s.expect(b'{')?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut resources_at = None;
        let mut head = Inventory::default();
        let mut has_schema = false;
        let invalid = |m: String| StreamError::Invalid(m);
        if s.skip_ws()? == Some(b'}') {
            s.pos += 1;
        } else {
            loop {
                let key = s.value()?;
                let key: String = serde_json::from_slice(key)
                    .map_err(|e| invalid(format!("a member name: {e}")))?;
                if !seen.insert(key.clone()) {
                    return Err(invalid(format!("duplicate key '{key}'")));
                }
                s.expect(b':')?;
                if key == "resources" {
                    s.skip_ws()?;
                    resources_at = Some(s.offset());
                    s.skip_value()?;
                } else {
                    let bytes = s.value()?;
                    let field = |e: serde_json::Error| invalid(format!("at {key}: {e}"));
                    crate::json::check_duplicate_keys(
                        std::str::from_utf8(bytes).map_err(|e| invalid(e.to_string()))?,
                    )
                    .map_err(|d| invalid(format!("at {key}: duplicate key '{}'", d.key)))?;
                    match key.as_str() {
                        "schema" => {
                            head.schema = serde_json::from_slice(bytes).map_err(field)?;
                            has_schema = true;
                        }
                        "collected_at" => {
                            head.collected_at = serde_json::from_slice(bytes).map_err(field)?;
                        }
                        "collector" => {
                            head.collector = serde_json::from_slice::<Option<CollectorInfo>>(bytes)
                                .map_err(field)?;
                        }
                        "gaps" => {
                            head.gaps = serde_json::from_slice::<Vec<Gap>>(bytes).map_err(field)?;
                        }
                        "sources" => {
                            head.sources = serde_json::from_slice(bytes).map_err(field)?;
                        }
                        other => return Err(invalid(format!("unknown field '{other}'"))),
                    }
                }
                match s.skip_ws()? {
                    Some(b',') => s.pos += 1,
                    Some(b'}') => {
                        s.pos += 1;
                        break;
                    }
                    _ => return Err(invalid("expected ',' or '}' after a member".to_owned())),
                }
            }
        }
        if s.skip_ws()?.is_some() {
            return Err(invalid("trailing characters after the document".to_owned()));
        }
        drop(s);
        if !has_schema {
            return Err(invalid("missing field 'schema'".to_owned()));
        }
        if head.schema != INVENTORY_SCHEMA {
            return Err(invalid(format!(
                "unsupported inventory schema '{}'",
                head.schema
            )));
        }
        head.validate_head("")
            .map_err(|e: InventoryError| invalid(e.to_string()))?;
        Ok(StreamedInventory {
            head,
            input,
            resources_at,
        })
    }

    /// The latest time a resource may carry (for [`parse_resource`]).
    pub fn latest_observation(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.head.latest_observation()
    }

    /// Hand the bytes of every element of `resources`, in order, to `each`
    /// (structure only: [`parse_resource`] parses and checks one). Stops at the
    /// first structural error or failed call; the number of elements.
    pub fn for_each_element<E>(
        &mut self,
        mut each: impl FnMut(usize, &[u8]) -> Result<(), E>,
    ) -> Result<usize, StreamError<E>> {
        let Some(at) = self.resources_at else {
            return Ok(0);
        };
        self.input.seek(SeekFrom::Start(at))?;
        let mut s = Scanner::new(&mut self.input, at);
        s.expect(b'[')?;
        if s.skip_ws()? == Some(b']') {
            return Ok(0);
        }
        let mut i = 0;
        loop {
            let bytes = s.value()?;
            each(i, bytes).map_err(StreamError::Consumer)?;
            i += 1;
            match s.skip_ws()? {
                Some(b',') => s.pos += 1,
                Some(b']') => return Ok(i),
                _ => {
                    return Err(StreamError::Invalid(
                        "expected ',' or ']' after a resource".to_owned(),
                    ));
                }
            }
        }
    }

    /// Parse and check every resource in order, handing each (with its index)
    /// to `each`. Stops at the first invalid resource or failed call.
    pub fn for_each_resource<E>(
        &mut self,
        mut each: impl FnMut(usize, Resource) -> Result<(), E>,
    ) -> Result<usize, StreamError<E>> {
        let latest = self.latest_observation();
        let mut ids: HashSet<Box<str>> = HashSet::new();
        self.for_each_element(|i, bytes| {
            let resource = parse_resource(i, bytes, latest).map_err(StreamError::Invalid)?;
            if !ids.insert(resource.id.as_str().into()) {
                return Err(StreamError::Invalid(format!(
                    "resources[{i}].id: duplicate resource id '{}'",
                    resource.id
                )));
            }
            each(i, resource).map_err(StreamError::Consumer)
        })
        .map_err(|e| match e {
            StreamError::Consumer(inner) => inner,
            StreamError::Invalid(m) => StreamError::Invalid(m),
            StreamError::Io(e) => StreamError::Io(e),
        })
    }
}

/// Parse and check `resources[i]` from its bytes: the JSON, no repeated key,
/// and every check of the classic reader but duplicate ids (the caller sees
/// every id). `latest` is [`StreamedInventory::latest_observation`].
pub fn parse_resource(
    i: usize,
    bytes: &[u8],
    latest: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Resource, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("resources[{i}]: {e}"))?;
    let resource: Resource =
        serde_json::from_str(text).map_err(|e| format!("resources[{i}]: {e}"))?;
    crate::json::check_duplicate_keys(text)
        .map_err(|d| format!("resources[{i}]: duplicate key '{}'", d.key))?;
    crate::inventory::validate_resource(i, &resource, latest, "").map_err(|e| e.to_string())?;
    Ok(resource)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn resources(text: &str) -> Result<(Inventory, Vec<Resource>), String> {
        let mut s = StreamedInventory::open::<String>(Cursor::new(text.as_bytes()))
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        s.for_each_resource::<String>(|_, r| {
            out.push(r);
            Ok(())
        })
        .map_err(|e| e.to_string())?;
        Ok((s.head, out))
    }

    const DOC: &str = r#" {
  "resources": [
    {"id": "a \"quoted\" ] } [ {", "provider": "aws", "account": "1", "kind": "aws.s3.bucket",
     "raw": {"x": [1, {"y": "\\"}], "z": "]]]"}},
    {"id": "b", "provider": "aws", "account": "1", "kind": "aws.s3.bucket"}
  ],
  "collected_at": "2026-11-20T06:00:00Z",
  "gaps": [{"provider": "aws", "service": "s3", "operation": "GetBucketPolicy", "cause": "access-denied", "error": "denied"}],
  "schema": "onus.inventory/v1"
}
"#;

    #[test]
    fn reads_what_the_classic_reader_reads_wherever_the_members_are() {
        let classic = Inventory::from_json_str(DOC, "doc").unwrap();
        let (head, got) = resources(DOC).unwrap();
        assert_eq!(got, classic.resources);
        assert_eq!(
            head.gaps, classic.gaps,
            "gaps after the resources are read first"
        );
        assert_eq!(head.collected_at, classic.collected_at);
        // Small windows: values cut across reads.
        for cut in [1, 7, 64] {
            let text = DOC.replace("\"b\"", &format!("\"{}\"", "b".repeat(cut * 1000)));
            let (_, got) = resources(&text).unwrap();
            assert_eq!(got, Inventory::from_json_str(&text, "t").unwrap().resources);
        }
    }

    #[test]
    fn refuses_what_the_classic_reader_refuses() {
        let bad = [
            DOC.replacen("\"b\"", "\"a \\\"quoted\\\" ] } [ {\"", 1),
            DOC.replacen(
                "\"kind\": \"aws.s3.bucket\"}",
                "\"kind\": \"aws.s3.bucket\", \"kind\": \"x.y\"}",
                1,
            ),
            DOC.replace(
                "\"schema\": \"onus.inventory/v1\"",
                "\"schema\": \"other/v9\"",
            ),
            DOC.replace(
                "\"schema\": \"onus.inventory/v1\"",
                "\"schema\": \"onus.inventory/v1\", \"extra\": 1",
            ),
            DOC.replace("}\n", "}\n}"),
            DOC[..DOC.len() - 40].to_owned(),
            DOC.replacen("},\n    {", "}\n    {", 1),
            DOC.replace("\"aws.s3.bucket\"}", "\"AWS S3\"}"),
            DOC.replace("\"access-denied\"", "\"no-such-cause\""),
            DOC.replace("  \"collected_at\"", "  \"gaps\": [],\n  \"collected_at\""),
            String::new(),
        ];
        for text in bad {
            assert!(
                Inventory::from_json_str(&text, "t").is_err(),
                "classic accepts {text}"
            );
            assert!(resources(&text).is_err(), "streamed accepts {text}");
        }
    }

    mod agrees {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

            /// A damaged document: the streamed reader never panics, refuses
            /// whatever the whole-file reader refuses, and reads the same
            /// resources from whatever both accept.
            #[test]
            fn mutated_documents_are_read_alike(cut in 0usize..2000, pos in 0usize..2000, byte in any::<u8>()) {
                let mut bytes = DOC.as_bytes().to_vec();
                let p = pos % bytes.len();
                bytes[p] = byte;
                bytes.truncate(cut.max(1).min(bytes.len()));
                let text = String::from_utf8_lossy(&bytes);
                let classic = Inventory::from_json_str(&text, "p.json");
                let streamed = resources(&text);
                match (classic, streamed) {
                    (Ok(c), Ok((head, got))) => {
                        prop_assert_eq!(got, c.resources);
                        prop_assert_eq!(head.gaps, c.gaps);
                    }
                    (Err(_), Err(_)) => {}
                    (c, s) => prop_assert!(false, "classic {:?} but streamed {:?} for {}", c.map(|_| ()), s.map(|_| ()), text),
                }
            }
        }
    }

    #[test]
    fn a_document_without_resources_has_none() {
        let (head, got) = resources(r#"{"schema": "onus.inventory/v1"}"#).unwrap();
        assert!(got.is_empty() && head.gaps.is_empty());
        let (_, got) = resources(r#"{"schema": "onus.inventory/v1", "resources": [ ]}"#).unwrap();
        assert!(got.is_empty());
    }
}
