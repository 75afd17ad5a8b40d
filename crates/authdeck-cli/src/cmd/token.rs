//! `authdeck token`: print a valid token for scripts, renewing it first when needed.

use super::CmdResult;
use authdeck_core::copy::{self, Format};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use jiff::{SignedDuration, Timestamp};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  curl -H \"$(authdeck token dev --format header)\" https://api.example.com/me
  authdeck token dev --format curl    # -H 'Authorization: Bearer ...', to paste into a curl command
  eval \"$(authdeck token dev --format env)\"      # sets AUTHDECK_TOKEN
  authdeck token dev --min-valid 3600              # good for at least an hour
  authdeck token corp --id-token                   # an OpenID Connect account's ID token

Only the token goes to stdout; warnings go to stderr. Exit status: 0 printed, 1 the session could
not be renewed (the message says what to do), 2 bad usage or unknown account.")]
pub struct Args {
    /// The account's name (see `authdeck accounts`).
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// The token must stay valid at least this many seconds; renewed first otherwise.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    min_valid: u32,
    /// raw: the token; header: `Authorization: Bearer …`; curl: `-H '…'`; curl-command: `curl
    /// -H '…' 'BASE_URL/'`; env: `export AUTHDECK_TOKEN='…'`; dotenv: `AUTHDECK_TOKEN=…` (a
    /// .env line); json: {account, token, token_type, expires_at}.
    #[arg(long, value_enum, default_value_t = FormatArg::Raw)]
    format: FormatArg,
    /// Print the session's OpenID Connect ID token instead of its access token (renewing the
    /// session first when needed, as for the access token), in any --format.
    #[arg(long)]
    id_token: bool,
}

impl Args {
    /// `--format json`: a failure is printed as JSON on stdout too.
    pub(crate) fn json(&self) -> bool {
        matches!(self.format, FormatArg::Json)
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Raw,
    Header,
    Curl,
    CurlCommand,
    Env,
    Dotenv,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Raw => Format::Raw,
            FormatArg::Header => Format::Header,
            FormatArg::Curl => Format::Curl,
            FormatArg::CurlCommand => Format::CurlCommand,
            FormatArg::Env => Format::Env,
            FormatArg::Dotenv => Format::Dotenv,
            FormatArg::Json => Format::Json,
        }
    }
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let http = Http::new()?;
    let min_valid = SignedDuration::from_secs(i64::from(args.min_valid));
    let out = deck
        .token(&http, &args.account, min_valid, &Timestamp::now)
        .await?;
    if let Some(warning) = &out.warning {
        eprintln!("warning: {warning}");
    }
    let format = Format::from(args.format);
    let presented = match format {
        Format::Raw => copy::Presentation::default(),
        // The account's variable name: SQLite only, no provider read.
        Format::Env | Format::Dotenv => copy::Presentation {
            variable: deck.account(&out.account)?.config.env_var,
            ..copy::Presentation::default()
        },
        _ => deck.presentation(&out)?,
    };
    if args.id_token {
        let Some(id_token) = deck.stored_id_token(&args.account)? else {
            return Err(authdeck_core::Error::NotFound(format!(
                "{} has no ID token: only an OpenID Connect sign-in (scope openid) gives one",
                args.account
            )));
        };
        // The ID token's own expiry, which need not be the access token's.
        let expires_at = authdeck_core::jwt::claims(id_token.expose())
            .and_then(|c| authdeck_core::jwt::time_claim(&c, "exp").time());
        let text = copy::render(format, &out.account, &id_token, expires_at, &presented);
        return write_out(&text);
    }
    let text = copy::render(format, &out.account, &out.token, out.expires_at, &presented);
    write_out(&text)
}

fn write_out(text: &str) -> CmdResult {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|_| stdout.flush())
        .map_err(|e| authdeck_core::Error::Io(format!("could not write the token: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
