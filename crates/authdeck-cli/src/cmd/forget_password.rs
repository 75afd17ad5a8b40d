//! `authdeck forget-password`: drop the remembered password (and TOTP secret), or a client
//! credentials account's client secret.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use jiff::Timestamp;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck forget-password prod-alice

The current session stays; once it can no longer be refreshed, log in again with the password
(or, for a client credentials account, the client secret: --client-secret-stdin).")]
pub struct Args {
    /// The account whose password to forget.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let forgotten = deck.forget_password(&args.account, Timestamp::now())?;
    if args.json {
        return print_json(&serde_json::json!({
            "account": args.account,
            "password_remembered": false,
            "forgotten": forgotten,
        }));
    }
    if forgotten.is_empty() {
        return print(&format!(
            "{} keeps no password or client secret: nothing to forget.\n",
            args.account
        ));
    }
    print(&format!(
        "Forgot the {} of {}; the keyring no longer holds {}.\n",
        forgotten.join(" and the "),
        args.account,
        if forgotten.len() == 1 { "it" } else { "them" }
    ))
}
