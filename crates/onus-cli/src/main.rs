//! The `onus` binary.

fn main() -> std::process::ExitCode {
    onus_cli::main()
}
