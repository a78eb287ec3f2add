//! The `onus` binary.

/// mimalloc: the audit allocates and frees small strings per resource and duty.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    onus_cli::main()
}
