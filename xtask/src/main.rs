//! Repository automation for the workspace.
//!
//! `cargo xtask codegen` regenerates the model crate's wire types from `openapi/contacts.yaml`
//! (and the generator's compiled golden outputs from the fixture specs). See `docs/codegen.md`.
#![forbid(unsafe_code)]

mod cli;
mod codegen;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
