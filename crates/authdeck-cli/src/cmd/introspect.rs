//! `authdeck introspect`: what an OAuth account's server says about its current token.

use super::CmdResult;
use super::accounts::{print, print_json};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck introspect corp
  authdeck introspect corp --json | jq .active
  authdeck introspect corp --userinfo      # who the token belongs to (OpenID Connect UserInfo)

Asks the server's introspection endpoint (RFC 7662) about the stored access token, as it is:
nothing is renewed. `active: false` means the server no longer accepts it (revoked, expired).
Exit status: 0 answered (active or not), 1 the server could not be asked, 2 bad usage.")]
pub struct Args {
    /// The OAuth account (see `authdeck accounts`).
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Ask the UserInfo endpoint (OpenID Connect Core §5.3) instead: the user's claims.
    #[arg(long)]
    userinfo: bool,
    /// Print the server's answer as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    if args.userinfo {
        let claims = deck.userinfo(&Http::new()?, &args.account).await?;
        if args.json {
            return print_json(&claims);
        }
        let mut text = format!("{}: the UserInfo endpoint says\n", args.account);
        for (name, value) in claims.as_object().into_iter().flatten() {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            text.push_str(&format!("  {name:<20}{shown}\n"));
        }
        return print(&text);
    }
    let answer = deck.introspect(&Http::new()?, &args.account).await?;
    if args.json {
        return print_json(&serde_json::to_value(&answer).unwrap_or_default());
    }
    let mut text = format!(
        "{}: the server says the token is {}.\n",
        args.account,
        if answer.active {
            "active"
        } else {
            "NOT active (revoked, expired, or unknown to it)"
        }
    );
    let now = jiff::Timestamp::now();
    let time = |t: i64| match jiff::Timestamp::from_second(t) {
        Ok(at) => format!(
            "{} ({})",
            crate::show::local_time(at),
            authdeck_core::words::relative_to(at, now)
        ),
        Err(_) => t.to_string(),
    };
    let rows: [(&str, Option<String>); 10] = [
        ("subject", answer.sub.clone()),
        ("user", answer.username.clone()),
        ("client", answer.client_id.clone()),
        ("scope", answer.scope.clone()),
        ("type", answer.token_type.clone()),
        ("audience", answer.aud.as_ref().map(|a| a.join(", "))),
        ("issuer", answer.iss.clone()),
        ("issued", answer.iat.map(time)),
        ("expires", answer.exp.map(time)),
        ("not before", answer.nbf.map(time)),
    ];
    for (label, value) in rows {
        if let Some(value) = value {
            text.push_str(&format!("  {label:<11}{value}\n"));
        }
    }
    print(&text)
}
