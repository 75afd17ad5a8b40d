//! `authdeck export-env`: an environment for Postman, Insomnia, Bruno or a dotenv loader with
//! each account's base URL, fresh token, auth header and expiry.

use super::CmdResult;
use authdeck_core::deck::Deck;
use authdeck_core::environment::{self, Format};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use jiff::{SignedDuration, Timestamp};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck export-env --format postman dev -o dev.postman_environment.json   # File > Import
  authdeck export-env --format insomnia dev ci-key -o authdeck.insomnia.json  # Import > From file
  authdeck export-env --format bruno dev -o my-collection/environments/authdeck.bru
  authdeck export-env --format dotenv dev ci-key > .env.local
  authdeck export-env --format postman --tag staging -o staging.postman_environment.json

Variables, per account (its name with every character other than a letter, digit or _ made _,
and a leading digit prefixed with _; upper-cased in dotenv: DEV_TOKEN):
  <account>_base_url     the account's base URL
  <account>_token        the token alone (secret)
  <account>_auth_header  the header the API wants: Authorization, X-API-Key, Cookie
  <account>_auth_value   that header's value: Bearer eyJ..., or the key alone (secret)
  <account>_auth_query   instead of the two above, when the API takes the token as a query parameter
  <account>_expires_at   the token's expiry, RFC 3339 UTC; empty when unknown
With one account, the same variables also without the prefix: base_url, token, auth_header, ...
An account with a variable name of its own (login --env-var, or the one it was imported from a
.env under) has its token under that name too: GITHUB_TOKEN.
In Postman, secret variables are of type secret (masked). Insomnia's format has no secret
variables: the environment is marked private (kept out of sync). A Bruno .bru file cannot hold a
secret's value (Bruno keeps those outside the file), so the tokens are plain vars there.

The file holds live tokens until they expire: -o writes it readable by you alone (0600), whole or
not at all. Export again to refresh it. Exit status: 0 written, 1 an account could not be renewed
or the file not written, 2 bad usage or unknown account; nothing is written on an error.")]
pub struct Args {
    /// The accounts to export (see `authdeck accounts`).
    #[arg(required_unless_present = "tag", value_name = "ACCOUNT")]
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    accounts: Vec<String>,
    /// Which tool reads the environment.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Write to FILE (mode 0600, replaced atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Each token must stay valid at least this many seconds; renewed first otherwise.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    min_valid: u32,
    /// Export the accounts with this environment tag too (letter case aside; see `authdeck
    /// tag`): one environment per tag, named after it ("Authdeck: staging"); '' for the
    /// accounts without a tag.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Postman,
    Insomnia,
    Bruno,
    Dotenv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Postman => Format::Postman,
            FormatArg::Insomnia => Format::Insomnia,
            FormatArg::Bruno => Format::Bruno,
            FormatArg::Dotenv => Format::Dotenv,
        }
    }
}

pub async fn run(mut args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let http = Http::new()?;
    let min_valid = SignedDuration::from_secs(i64::from(args.min_valid));
    let mut title = None;
    if let Some(tag) = &args.tag {
        let wanted = authdeck_core::accounts::tag_checked(tag)?;
        let tagged: Vec<String> = deck
            .accounts_tagged(tag, Timestamp::now())?
            .into_iter()
            .map(|a| a.account.config.name)
            .collect();
        if tagged.is_empty() {
            let which = match &wanted {
                Some(_) => format!("no account is tagged {tag:?}"),
                None => "every account has a tag".to_string(),
            };
            return Err(authdeck_core::Error::NotFound(format!(
                "{which}: `authdeck accounts` shows the tags, `authdeck tag TAG ACCOUNT...` \
                 sets them"
            )));
        }
        // Named after the tag, when the tag's accounts are all it holds.
        if args.accounts.is_empty() {
            title = Some(environment::tag_title(wanted.as_deref()));
        }
        args.accounts.extend(tagged);
    }
    // The same account named twice is exported once.
    let mut seen = std::collections::HashSet::new();
    args.accounts.retain(|a| seen.insert(a.clone()));
    let found = deck
        .environment(&http, &args.accounts, min_valid, &Timestamp::now)
        .await?;
    let mut entries = Vec::with_capacity(found.len());
    for (entry, warning) in found {
        if let Some(warning) = warning {
            eprintln!("warning: {warning}");
        }
        entries.push(entry);
    }
    let title = title.unwrap_or_else(|| environment::title(&entries));
    let text = environment::render_titled(args.format.into(), &title, &entries, Timestamp::now())?;
    match args.output.filter(|f| f.as_os_str() != "-") {
        Some(path) => {
            environment::write_private(&path, &text)?;
            eprintln!(
                "Wrote {} to {} (readable by you alone; it holds live tokens until they expire).",
                title,
                path.display()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| {
                    authdeck_core::Error::Io(format!("could not write the environment: {e}"))
                })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
