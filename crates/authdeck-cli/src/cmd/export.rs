//! Placeholder until this command is written; it says so instead of pretending.

use super::CmdResult;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> CmdResult {
    Err(authdeck_core::Error::Invalid(
        "this command is not available yet".into(),
    ))
}
