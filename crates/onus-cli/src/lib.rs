//! The onus command line: argument parsing, configuration, wiring, exit codes.
//!
//! Exit codes (documented in `--help` and the README):
//! - 0: no gap under the chosen `--fail-on` policy;
//! - 1: gaps found under the policy;
//! - 2: invalid input or usage (the message names the input and the location),
//!   or an output that could not be written;
//! - 3: the audit is incomplete (some scope could not be collected) and the
//!   policy includes `incomplete`, with no gap that would give 1.

mod audit;
mod cli;
mod collect;
mod history;
mod info;
mod plan;
mod policy;

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
    init_tracing(cli.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("onus: error: {err:#}");
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
fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "error",
        1 => "info,onus_aws=debug,onus_cli=debug,aws_config=warn,aws_smithy_runtime=warn",
        _ => "debug,hyper=info,h2=info,rustls=info,hyper_util=info",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    let style = onus_report::Style {
        color: cli.color.enabled(std::io::stdout().is_terminal()),
    };
    match cli.command {
        cli::Command::Audit(args) => audit::run(args, style),
        cli::Command::Collect(args) => collect::run(args),
        cli::Command::Rules(args) => info::rules(&args, style),
        cli::Command::Explain(args) => info::explain(&args),
        cli::Command::Matrix(args) => info::matrix(&args, style),
        cli::Command::Schema(args) => info::schema(&args),
        cli::Command::Baseline(args) => policy::write_baseline(&args.from, &args.out),
        cli::Command::Plan(args) => plan::run(&args),
        cli::Command::History(args) => history::history(&args),
        cli::Command::Diff(args) => history::diff(&args),
        cli::Command::Report(args) => history::report(&args, style),
        cli::Command::Prune(args) => history::prune(&args),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_kind_a_rule_names_is_in_the_catalog() {
        let catalog = onus_catalog::Catalog::builtin().expect("built-in catalog");
        for rule in onus_rules::registry() {
            for kind in rule.meta().kinds {
                assert!(
                    catalog.kind(kind).is_some(),
                    "{} names {kind}, which the catalog does not classify",
                    rule.meta().code
                );
            }
        }
    }

    #[test]
    fn every_rule_can_speak_somewhere() {
        // A rule whose duty is the provider's or not applicable on every kind it
        // names would never reach the ledger.
        let catalog = onus_catalog::Catalog::builtin().expect("built-in catalog");
        for rule in onus_rules::registry() {
            let meta = rule.meta();
            let reaches = meta.kinds.iter().any(|k| {
                catalog.classify(k).is_some_and(|c| {
                    let a = &c.duties[&meta.duty];
                    a.owner.is_customers() && a.not_applicable.is_none()
                })
            });
            assert!(
                reaches,
                "{}: its duty is never the customer's on {:?}",
                meta.code, meta.kinds
            );
        }
    }
}
