//! The `waveplan` command: headless import, planning and export, a thin
//! front end of the project session (`waveplan_app::Session`): each
//! subcommand reads its arguments, calls the session and prints.
//!
//! Exit codes, decided here and nowhere else: 0 success, 1 the input or the
//! project was refused (an error message says why), 2 bad command-line usage
//! (clap's own), 101 an internal error (a bug: the message says so, without a
//! backtrace).

mod args;
mod commands;
mod cutover;
mod export;
mod history;
mod infrastructure;
mod planner;
mod report;
mod scenario;
mod schedule_report;
mod settings;

use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // Output piped into `head` and closed early is not an error.
        if message.contains("Broken pipe") {
            std::process::exit(0);
        }
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("waveplan: internal error{place}: {message} (this is a bug; please report it)");
        std::process::exit(101);
    }));
    match commands::run(args::parse()) {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("waveplan: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// Whether the error is only that the reader of our output went away.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
}
