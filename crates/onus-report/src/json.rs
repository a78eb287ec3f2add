//! The JSON report (`onus.report/v1`).
//!
//! [`render`] writes a report held in memory. A streamed audit writes the same
//! bytes piece by piece: [`Skeleton`] is the report without its resources and
//! findings, [`element`] one resource or finding, indented as it sits in the
//! report, and [`Skeleton::write`] puts them together.

use std::io::{self, Write};

use onus_model::AuditReport;
use serde::Serialize;

/// The report as pretty-printed JSON, with a trailing newline.
pub fn render(report: &AuditReport) -> String {
    // Plain data with string keys: serialisation cannot fail.
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// serde_json's pretty layout (two spaces), starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut n = self.depth * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Append one element of the report's `resources` or `findings` array to
/// `out`, laid out as [`render`] lays it out there (without the separator).
pub fn element(value: &impl Serialize, out: &mut Vec<u8>) {
    element_at(value, 2, out);
}

/// Append `value` pretty-printed as it is laid out `depth` levels into a
/// pretty-printed document (the first line not indented).
pub fn element_at(value: &impl Serialize, depth: usize, out: &mut Vec<u8>) {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Nested {
            depth,
            has_value: false,
        },
    );
    // Plain data with string keys: serialisation cannot fail.
    let _ = value.serialize(&mut ser);
}

/// Write the separator before element `index` of an array whose elements sit
/// `depth` levels in (`,` after the first, a line break, the indentation).
pub fn separator_at(out: &mut (impl Write + ?Sized), index: usize, depth: usize) -> io::Result<()> {
    out.write_all(if index == 0 { b"\n" } else { b",\n" })?;
    Nested {
        depth,
        has_value: false,
    }
    .indent(out)
}

/// Write the end of an array of `count` elements `depth` levels in.
pub fn close_at(out: &mut (impl Write + ?Sized), count: usize, depth: usize) -> io::Result<()> {
    if count > 0 {
        out.write_all(b"\n")?;
        Nested {
            depth: depth - 1,
            has_value: false,
        }
        .indent(out)?;
    }
    out.write_all(b"]")
}

/// The separator before element `index` of the report's `resources` or
/// `findings` (two levels in).
pub fn separator(index: usize) -> &'static [u8] {
    if index == 0 { b"\n    " } else { b",\n    " }
}

/// Split a pretty-printed document around its empty array member `key` whose
/// elements would sit `depth` levels in: the text up to and including `[`, and
/// the text after `]`. A raw line break cannot be inside a JSON string, so a
/// line with the member's indentation and name is the document's own member,
/// whatever the data holds.
pub fn around_array<'t>(text: &'t str, key: &str, depth: usize) -> Option<(&'t str, &'t str)> {
    let mark = format!("\n{}\"{key}\": []", "  ".repeat(depth.saturating_sub(1)));
    let open = text.find(&mark)? + mark.len() - 1;
    Some((&text[..open], &text[open + 1..]))
}

/// The JSON report around its resources and findings.
#[derive(Debug)]
pub struct Skeleton {
    before_resources: String,
    between: String,
    after_findings: String,
}

impl Skeleton {
    /// The layout of `head` (a report whose `resources` and `findings` are
    /// empty: they are written separately).
    pub fn new(head: &AuditReport) -> Skeleton {
        let text = render(head);
        let (before, rest) = around_array(&text, "resources", 2).unwrap_or((&text, ""));
        let (between, after) = around_array(rest, "findings", 2).unwrap_or((rest, ""));
        Skeleton {
            before_resources: before.to_owned(),
            between: between.to_owned(),
            after_findings: after.to_owned(),
        }
    }

    /// Write the report: `resources` and `findings` each write the elements of
    /// their array, separators included, and say how many they wrote.
    pub fn write(
        &self,
        out: &mut dyn Write,
        resources: impl FnOnce(&mut dyn Write) -> io::Result<usize>,
        findings: impl FnOnce(&mut dyn Write) -> io::Result<usize>,
    ) -> io::Result<()> {
        out.write_all(self.before_resources.as_bytes())?;
        let n = resources(out)?;
        close_at(out, n, 2)?;
        out.write_all(self.between.as_bytes())?;
        let n = findings(out)?;
        close_at(out, n, 2)?;
        out.write_all(self.after_findings.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_report() -> AuditReport {
        let text = include_str!("../../../examples/demo/inventory.json");
        let inventory = onus_model::Inventory::from_json_str(text, "demo").unwrap();
        let catalog = onus_catalog::Catalog::builtin().unwrap();
        let classify = |kind: &str| {
            catalog
                .classify(kind)
                .unwrap_or_else(|| onus_catalog::Catalog::unclassified(kind))
        };
        let at = inventory.collected_at.unwrap();
        let run = onus_model::RunInfo {
            onus_version: "test".into(),
            generated_at: at,
            reference_time: at,
            inventory: Some("demo \"quoted\"\n".into()),
            collected_at: Some(at),
            catalog: onus_model::CatalogInfo {
                source: "built-in".into(),
                sha256: String::new(),
            },
            rules: 0,
        };
        onus_rules::audit(&inventory, &classify, &onus_rules::Context::new(at), run)
    }

    fn encode<T: Serialize>(items: &[T]) -> Vec<Vec<u8>> {
        items
            .iter()
            .map(|x| {
                let mut b = Vec::new();
                element(x, &mut b);
                b
            })
            .collect()
    }

    fn array(items: Vec<Vec<u8>>) -> impl FnOnce(&mut dyn Write) -> io::Result<usize> {
        move |w: &mut dyn Write| {
            for (i, item) in items.iter().enumerate() {
                w.write_all(separator(i))?;
                w.write_all(item)?;
            }
            Ok(items.len())
        }
    }

    #[test]
    fn pieces_make_the_rendered_report() {
        let report = demo_report();
        assert!(!report.resources.is_empty() && !report.findings.is_empty());
        let mut head = report.clone();
        head.resources.clear();
        head.findings.clear();
        let skeleton = Skeleton::new(&head);
        let mut out = Vec::new();
        skeleton
            .write(
                &mut out,
                array(encode(&report.resources)),
                array(encode(&report.findings)),
            )
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&report));
        // Empty arrays too.
        let mut out = Vec::new();
        skeleton
            .write(&mut out, array(vec![]), array(vec![]))
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&head));
    }
}
