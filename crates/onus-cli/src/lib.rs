//! The onus command line: argument parsing, configuration, wiring, exit codes.
//!
//! Exit codes (documented in `--help` and the README):
//! - 0: no gap under the chosen `--fail-on` policy;
//! - 1: gaps found under the policy;
//! - 2: invalid input or usage (the message names the input and the location),
//!   or an output that could not be written;
//! - 3: the audit is incomplete (some scope could not be collected) and the
//!   policy includes `incomplete`, with no gap that would give 1.
//!
//! Every byte a command prints goes through [`output`]: nothing here uses
//! `print!` or `eprint!`, and clippy holds the line.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod audit;
mod baseline_files;
mod cli;
mod collect;
mod history;
mod info;
mod output;
mod plan;
mod setup;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

pub use cli::Cli;

/// Exit code: no gap under the policy.
pub const EXIT_OK: u8 = 0;
/// Exit code: gaps found.
pub const EXIT_GAPS: u8 = 1;
/// Exit code: invalid input or usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the audit is incomplete.
pub const EXIT_INCOMPLETE: u8 = 3;

/// Run the command line and return its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with exit 0, usage errors to stderr with 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            });
        }
    };
    init_tracing(cli.verbose, cli.color);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            output::note(&format!("onus: error: {}", safe(&format!("{err:#}"))));
            if err.downcast_ref::<collect::CollectionFailed>().is_some() {
                ExitCode::from(EXIT_INCOMPLETE)
            } else {
                ExitCode::from(EXIT_USAGE)
            }
        }
    }
}

/// Logs to standard error: nothing by default, onus at debug with -v, the SDKs too with -vv.
/// `RUST_LOG` overrides. Credentials are never logged: onus logs none, and the
/// SDKs redact signing material (a test runs -vv with canary secrets).
/// Colour codes only when standard error is a terminal and colour is wanted; a
/// log written to a file is plain text.
fn init_tracing(verbose: u8, color: cli::ColorChoice) {
    let default = match verbose {
        0 => "error",
        1 => "info,onus_aws=debug,onus_cli=debug,aws_config=warn,aws_smithy_runtime=warn",
        _ => "debug,hyper=info,h2=info,rustls=info,hyper_util=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Every field (an API's error message, a URL, a name) is shown escaped
    // and bounded: API text never reaches the terminal raw, so it can neither
    // clear the screen, plant a hyperlink, set the title nor forge a log line.
    use tracing_subscriber::field::MakeExt as _;
    let fields = tracing_subscriber::fmt::format::debug_fn(|w, field, value| {
        let text = log_text(&format!("{value:?}"));
        if field.name() == "message" {
            write!(w, "{text}")
        } else {
            write!(w, "{}={text}", field.name())
        }
    })
    .delimited(" ");
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .fmt_fields(fields)
        .with_writer(std::io::stderr)
        .with_ansi(color.enabled(std::io::stderr().is_terminal()))
        .with_target(true)
        .try_init();
}

/// A log field's text: on one line, at most about 1 KB, every control and
/// bidi character shown escaped.
fn log_text(text: &str) -> String {
    onus_report::escape::terminal(&onus_model::api_text(text)).into_owned()
}

/// Text for a message on the terminal: data inside it (a kind, a path, an API
/// error) may carry control characters, which are shown escaped, never emitted.
pub(crate) fn safe(text: &str) -> String {
    onus_report::escape::terminal_lines(text)
}

/// Refuse a JSON document in which an object repeats a key, naming where.
pub(crate) fn check_duplicate_keys(text: &str, name: &str) -> anyhow::Result<()> {
    onus_model::json::check_duplicate_keys(text).map_err(|d| {
        anyhow::anyhow!(
            "{name}:{}:{}: at {}: duplicate key '{}' (JSON keeps only one of them, hiding the other)",
            d.line,
            d.column,
            d.path,
            d.key
        )
    })
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let style = onus_report::Style {
        color: cli.color.enabled(std::io::stdout().is_terminal()),
    };
    match cli.command {
        cli::Command::Audit(args) => audit::run(*args, style),
        cli::Command::Collect(args) => collect::run(*args),
        cli::Command::Rules(args) => info::rules(&args, style),
        cli::Command::Explain(args) => info::explain(&args),
        cli::Command::Frameworks(args) => info::frameworks(&args, style),
        cli::Command::Matrix(args) => info::matrix(&args, style),
        cli::Command::Schema(args) => info::schema(&args),
        cli::Command::Baseline(args) => baseline_files::write_baseline(&args.from, &args.out),
        cli::Command::Plan(args) => plan::run(&args, style),
        cli::Command::History(args) => history::history(&args),
        cli::Command::Diff(args) => history::diff(&args),
        cli::Command::Report(args) => history::report(&args, style),
        cli::Command::Prune(args) => history::prune(&args),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "aws")]
    #[test]
    fn every_kind_an_aws_service_yields_is_in_the_catalog() {
        let catalog = onus_catalog::Catalog::builtin().expect("built-in catalog");
        for (service, kinds) in onus_aws::service_kinds() {
            for kind in kinds {
                assert!(
                    catalog.kind(kind).is_some(),
                    "the {service} collector yields {kind}, which has no catalog entry of its own"
                );
            }
        }
    }
}
