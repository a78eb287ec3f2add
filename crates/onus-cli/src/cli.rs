//! The command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  no gap under the --fail-on policy
  1  gaps found under the policy
  2  invalid input or usage (the message names the input and the location)
  3  audit incomplete: some scope could not be collected (policy 'incomplete')";

/// Audit cloud estates against the shared responsibility model.
#[derive(Debug, Parser)]
#[command(name = "onus", version, about = "Audit AWS and Azure estates against the cloud shared responsibility model", after_help = EXIT_CODES)]
pub struct Cli {
    /// When to colour terminal output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit an inventory: classify every resource, check every customer duty, report the duty ledger.
    #[command(after_help = EXIT_CODES)]
    Audit(AuditArgs),
    /// List the rules: code, duty, severity, title.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Print the responsibility matrix, or one kind's duties with --kind.
    Matrix(MatrixArgs),
    /// Print the JSON Schema of the inventory or report format.
    Schema(SchemaArgs),
}

/// An output format of `onus audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable table (the default on a terminal).
    Table,
    /// The JSON report, `onus.report/v1` (the default on a pipe or file).
    Json,
}

impl Format {
    /// The file name used under `--output DIR`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Table => "onus.txt",
            Format::Json => "onus.json",
        }
    }
}

/// A condition that makes `onus audit` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any customer duty is unaddressed.
    Unaddressed,
    /// Exit 1 when any customer duty is unknown.
    Unknown,
    /// Exit 3 when the inventory records collection gaps.
    Incomplete,
    /// Always exit 0 (after valid input).
    Never,
}

/// Arguments of `onus audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The inventory to audit (`onus.inventory/v1` JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub inventory: PathBuf,

    /// A catalog file merged over the built-in catalog (reclassify kinds, shift duties).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    /// Output formats, comma-separated. Default: table on a terminal, json otherwise.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "F,...")]
    pub format: Vec<Format>,

    /// Write to PATH instead of standard output: a file for one format, a directory
    /// (one `onus.<ext>` per format) for several.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// What makes the audit fail, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "POLICY", default_values_t = [FailOn::Unaddressed, FailOn::Incomplete])]
    pub fail_on: Vec<FailOn>,

    /// Audit resources of kinds the catalog does not know as `unclassified` (every
    /// duty the customer's) instead of refusing the inventory.
    #[arg(long)]
    pub allow_unclassified: bool,

    /// Require customer-managed keys for encryption at rest (rule ENC004).
    #[arg(long)]
    pub require_customer_managed_keys: bool,

    /// Access keys older than this many days are a gap (rule IAM004).
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub max_access_key_age: i64,
}

/// Arguments of `onus rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// A format for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A readable table.
    Table,
    /// JSON.
    Json,
    /// Markdown documentation (every rule with its full documentation).
    Markdown,
}

/// Arguments of `onus explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule code, e.g. NET001.
    pub code: String,
}

/// Arguments of `onus matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Show one kind's duties, owners and the reasons for provider shifts.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// A catalog file merged over the built-in catalog.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// Which schema `onus schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The inventory format, onus.inventory/v1.
    Inventory,
    /// The JSON report format, onus.report/v1.
    Report,
}

/// Arguments of `onus schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    pub which: SchemaKind,
}
