//! The `backend-pro` command: a thin shell over the library. Only this layer reads files,
//! writes to the terminal and sets the exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // `backend-pro plan | head`: a closed stdout ends the program quietly, as SIGPIPE would,
    // instead of a panic message (Rust ignores SIGPIPE, so println! panics on EPIPE).
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    // Ctrl-C or SIGTERM while `new` stages a project: remove the staging directory, then exit
    // as the signal would have (128 + its number).
    let _ = ctrlc::set_handler(|| backend_pro::write::remove_staging_and_exit(130));
    cli::main()
}
