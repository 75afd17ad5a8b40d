//! `authdeck tag`: file accounts under an environment tag (prod, staging), by which
//! `accounts --tag` filters and the app groups.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::Error;
use authdeck_core::accounts;
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use jiff::Timestamp;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck tag prod alice bob        # alice and bob are now tagged prod
  authdeck tag --clear bob           # bob has no tag
  authdeck accounts --tag prod       # the prod accounts

A tag is 1 to 32 letters, digits, spaces and - _ . / : . Every account is checked before any
changes: an unknown name changes nothing. Sessions and secrets are not touched.")]
pub struct Args {
    /// The tag, then the accounts to give it (with --clear: only the accounts).
    #[arg(required = true, value_name = "TAG ACCOUNT",
          add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    words: Vec<String>,
    /// Drop the tag of the accounts named.
    #[arg(long)]
    clear: bool,
    /// Print the accounts and their tags as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let (tag, names) = match args.clear {
        true => (None, args.words.as_slice()),
        false => match args.words.split_first() {
            Some((tag, names)) if !names.is_empty() => (Some(tag.as_str()), names),
            _ => {
                return Err(Error::Invalid(
                    "name a tag and at least one account: `authdeck tag prod alice` (or \
                     `authdeck tag --clear alice` to drop a tag)"
                        .into(),
                ));
            }
        },
    };
    let deck = Deck::open(Home::from_env()?)?;
    let names = deck.tag_accounts(names, tag, Timestamp::now())?;
    // As core keeps it: trimmed, spaces folded.
    let tag = tag.and_then(accounts::tag_given);
    if args.json {
        let rows: Vec<_> = names
            .iter()
            .map(|name| serde_json::json!({ "account": name, "tag": tag }))
            .collect();
        return print_json(&rows);
    }
    let list = names.join(", ");
    match &tag {
        Some(tag) => print(&format!("Tagged {tag}: {list}.\n")),
        None => print(&format!("No tag now: {list}.\n")),
    }
}
