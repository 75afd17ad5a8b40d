//! `authdeck remove`: delete an account and every secret of it; its history stays.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use jiff::Timestamp;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck remove old-staging
  authdeck history old-staging     # the history stays readable

Tokens and the remembered password are deleted from the keyring first; when the keyring cannot
be reached, nothing is removed (so no secret is left behind without its account).")]
pub struct Args {
    /// The account to remove.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    deck.remove(&args.account, Timestamp::now())?;
    if args.json {
        return print_json(&serde_json::json!({ "account": args.account, "removed": true }));
    }
    print(&format!(
        "Removed {} and its secrets; its history stays (`authdeck history {}`).\n",
        args.account, args.account
    ))
}
