//! `authdeck import`: accounts and custom providers from an export file.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::Error;
use authdeck_core::deck::{Deck, Export, Tally};
use authdeck_core::home::Home;
use jiff::Timestamp;
use std::io::Read;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck import accounts.json
  authdeck export | ssh laptop authdeck import -

New accounts and provider files are added, different ones replaced, identical ones skipped.
Sessions and secrets already here are kept. A file with any invalid entry changes nothing.")]
pub struct Args {
    /// An export file, or `-` for stdin.
    file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let (export, source) = if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::Io(format!("cannot read the export from stdin: {e}")))?;
        (Export::from_json(&text, "stdin")?, "stdin".to_string())
    } else {
        (
            Export::read_file(&args.file)?,
            args.file.display().to_string(),
        )
    };
    let deck = Deck::open(Home::from_env()?)?;
    // A refused account is named with the file it came from.
    let report = deck
        .import(&export, Timestamp::now())
        .map_err(|e| match e {
            Error::Invalid(m) => Error::Invalid(format!("{source}: {m}")),
            Error::Conflict(m) => Error::Conflict(format!("{source}: {m}")),
            other => other,
        })?;
    if args.json {
        return print_json(&report);
    }
    let mut text = format!(
        "Imported from {source}:\n  accounts:  {}\n  providers: {}\n",
        summary(&report.accounts),
        summary(&report.providers)
    );
    if !report.secrets_dropped.is_empty() {
        text.push_str(&format!(
            "  signed out: {} (the server, user or provider changed: the tokens kept for the \
             old one were dropped, and a remembered password too where the server changed; log \
             in again)\n",
            report.secrets_dropped.join(", ")
        ));
    }
    print(&text)
}

fn summary(tally: &Tally) -> String {
    let part = |label: &str, names: &[String]| {
        if names.is_empty() {
            format!("0 {label}")
        } else {
            format!("{} {label} ({})", names.len(), names.join(", "))
        }
    };
    [
        part("added", &tally.added),
        part("changed", &tally.changed),
        part("skipped", &tally.skipped),
    ]
    .join(", ")
}
