//! `pspkit`: see the crate's documentation (`pspkit --help`).

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(pspkit_cli::run(std::env::args_os()))
}
