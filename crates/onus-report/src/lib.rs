//! onus output formats.
//!
//! One module per format. Every renderer is a pure function of an
//! [`onus_model::AuditReport`] (or of catalog and rule data); [`Format`] names
//! each report format and renders it into any writer. Where the bytes go (a
//! terminal, a pipe, a file replaced atomically) is the caller's business: this
//! crate never touches the file system.
//!
//! Every data-derived string passes through [`escape`] for its medium: no
//! terminal escape, spreadsheet formula or Markdown markup comes from data.

pub mod compliance;
pub mod csv;
pub mod escape;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod matrix;
pub mod ocsf;
pub mod sarif;
pub mod style;
pub mod table;

use std::io::Write;

use onus_model::{AuditReport, TrendPoint};

pub use style::Style;

/// The stable identity of a finding across runs: a hash of (resource, rule, duty).
pub fn finding_key(resource: &str, rule: &str, duty: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{resource}\u{0}{rule}\u{0}{duty}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A report format of `onus audit` and `onus report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// A readable table (the default on a terminal).
    Table,
    /// The JSON report, `onus.report/v1` (the default on a pipe or file).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML (one test case per customer duty of each resource).
    Junit,
    /// OCSF Compliance Finding events (JSON array).
    Ocsf,
    /// Markdown (pull-request comment, job summary).
    Markdown,
    /// CSV (one row per resource and duty).
    Csv,
    /// A self-contained HTML page.
    Html,
    /// CSV of the compliance view (one row per control and resource).
    ComplianceCsv,
}

/// What a renderer needs besides the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Colour for the table (only ever on a terminal).
    pub style: Style,
    /// The trend of stored runs, for the HTML report.
    pub trend: &'a [TrendPoint],
    /// The width the table's prose wraps to (the terminal's, else 100).
    pub width: usize,
}

impl Format {
    /// Every format, in the order of `--help`.
    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Ocsf,
        Format::Markdown,
        Format::Csv,
        Format::Html,
        Format::ComplianceCsv,
    ];

    /// The name on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Ocsf => "ocsf",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::ComplianceCsv => "compliance-csv",
        }
    }

    /// Other accepted names.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Format::Markdown => &["md"],
            _ => &[],
        }
    }

    /// One line of help.
    pub const fn help(self) -> &'static str {
        match self {
            Format::Table => "A readable table (the default on a terminal)",
            Format::Json => "The JSON report, onus.report/v1 (the default on a pipe or file)",
            Format::Sarif => "SARIF 2.1.0 (GitHub code scanning)",
            Format::Junit => "JUnit XML (one test case per customer duty of each resource)",
            Format::Ocsf => "OCSF Compliance Finding events (JSON array)",
            Format::Markdown => "Markdown (pull-request comment, job summary)",
            Format::Csv => "CSV (one row per resource and duty)",
            Format::Html => "A self-contained HTML page",
            Format::ComplianceCsv => {
                "CSV of the compliance view: one row per control and resource (needs --framework)"
            }
        }
    }

    /// A format by name or alias.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name || f.aliases().contains(&name))
    }

    /// The file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit.xml",
            Format::Ocsf => "ocsf.json",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::ComplianceCsv => "compliance.csv",
        }
    }

    /// The file name under `--output DIR`: `onus.<extension>`.
    pub fn file_name(self) -> String {
        format!("onus.{}", self.extension())
    }

    /// The format a file name implies, by its extension (`.xml` is JUnit); JSON
    /// for anything else.
    pub fn for_file_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        let ext = |e: &str| lower.ends_with(&format!(".{e}"));
        if ext("ocsf.json") {
            Format::Ocsf
        } else if ext("txt") {
            Format::Table
        } else if ext("sarif") {
            Format::Sarif
        } else if ext("xml") {
            Format::Junit
        } else if ext("md") || ext("markdown") {
            Format::Markdown
        } else if ext("compliance.csv") {
            Format::ComplianceCsv
        } else if ext("csv") {
            Format::Csv
        } else if ext("html") || ext("htm") {
            Format::Html
        } else {
            Format::Json
        }
    }

    /// Render `report` in this format into `out`.
    pub fn render(
        self,
        report: &AuditReport,
        options: &RenderOptions<'_>,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let text = match self {
            Format::Table => table::render(report, options.style, options.width),
            Format::Json => json::render(report),
            Format::Sarif => sarif::render(report),
            Format::Junit => junit::render(report),
            Format::Ocsf => ocsf::render(report),
            Format::Markdown => markdown::render(report),
            Format::Csv => csv::render(report),
            Format::Html => html::render_with_trend(report, options.trend),
            Format::ComplianceCsv => compliance::csv(report),
        };
        out.write_all(text.as_bytes())
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_extensions_and_file_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
            assert_eq!(Format::for_file_name(&f.file_name()), f, "{f}");
        }
        assert_eq!(Format::from_name("md"), Some(Format::Markdown));
        assert_eq!(Format::from_name("yaml"), None);
        assert_eq!(Format::for_file_name("report.XML"), Format::Junit);
        assert_eq!(Format::for_file_name("report"), Format::Json);
    }
}
