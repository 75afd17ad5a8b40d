//! `authdeck export`: accounts and custom providers as JSON, never a secret.

use super::CmdResult;
use super::accounts::print;
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use jiff::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck export accounts.json
  authdeck export | ssh laptop authdeck import -

Holds each account's provider, base URL, email and overrides, and your provider files. No token,
no password, no session: after an import, log in on the new machine.")]
pub struct Args {
    /// Where to write; stdout when omitted or `-`.
    file: Option<PathBuf>,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let export = deck.export(Timestamp::now())?;
    match args.file.filter(|f| f.as_os_str() != "-") {
        None => print(&format!("{}\n", export.to_json()?)),
        Some(path) => {
            export.write_file(&path)?;
            eprintln!(
                "Exported {} account(s) and {} provider file(s) to {} (no secrets).",
                export.accounts.len(),
                export.providers.len(),
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
