//! The `backend-pro` command: a thin shell over the library. Only this layer reads files,
//! writes to the terminal and sets the exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
