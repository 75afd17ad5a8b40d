//! `authdeck rename`: give an account a new name; its secrets and history follow.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use jiff::Timestamp;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck rename alice prod-alice
  authdeck history prod-alice     # the history moved with it, with a rename event

The keyring entry moves to the new name and the old name keeps nothing. Scripts, templates and
QA suites that name the old account need the new name. AUTHDECK_TOKEN_<NAME> in `exec` follows
the name, unless the account has its own variable (--env-var).")]
pub struct Args {
    /// The account to rename.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Its new name: 1 to 64 letters, digits and . _ @ -
    new_name: String,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    deck.rename(&args.account, &args.new_name, Timestamp::now())?;
    if args.json {
        return print_json(
            &serde_json::json!({ "account": args.new_name, "renamed_from": args.account }),
        );
    }
    if args.account == args.new_name {
        return print(&format!(
            "{} has that name already; nothing changed.\n",
            args.account
        ));
    }
    print(&format!("Renamed {} to {}.\n", args.account, args.new_name))
}
