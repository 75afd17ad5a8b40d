//! `authdeck logout`: drop an account's tokens; the account and its history stay.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use jiff::Timestamp;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck logout prod-alice
  authdeck logout prod-alice --json

The tokens leave the keyring; a remembered password and TOTP secret stay (`authdeck forget-password` drops them).
An OAuth account's refresh and access tokens are revoked at the server first (RFC 7009) where
it has a revocation endpoint; the history says whether the server confirmed.
Also the fix for an unreadable keyring entry: it is deleted whole.")]
pub struct Args {
    /// The account to sign out.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let revoked = deck.revoke(&Http::new()?, &args.account).await?;
    let signed_out = deck.logout_noting(&args.account, Timestamp::now(), revoked.clone())?;
    let password_kept = deck.account(&args.account)?.session.password_remembered;
    if args.json {
        return print_json(&serde_json::json!({
            "account": args.account,
            "signed_in": false,
            "was_signed_in": signed_out,
            "password_remembered": password_kept,
            "revocation": revoked,
        }));
    }
    if !signed_out {
        return print(&format!(
            "{} was not signed in: nothing to do.\n",
            args.account
        ));
    }
    let kept = if password_kept {
        " (the remembered password, and any TOTP secret, stay: `authdeck forget-password` drops them)"
    } else {
        ""
    };
    let revoked = revoked
        .map(|r| format!("At the server: {r}.\n"))
        .unwrap_or_default();
    print(&format!(
        "Signed out of {}: its tokens are gone from the keyring{kept}.\n{revoked}",
        args.account
    ))
}
