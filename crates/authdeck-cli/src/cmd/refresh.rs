//! `authdeck refresh`: renew a session now.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::deck::Deck;
use authdeck_core::deck::{LoginReport, Outcome};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck refresh dev          # refresh token, or re-login with the remembered password
  authdeck refresh dev --json

Exit status: 0 renewed, 1 the server refused or the session cannot be renewed, 2 bad usage.")]
pub struct Args {
    /// The account's name (see `authdeck accounts`).
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: String,
    /// Print one JSON object: the shape of `login --json`, also when the server refuses the
    /// renewal (`latency_ms` is then 0 and the history has the attempt's). When the session
    /// cannot be renewed without you (no refresh token, or a refused one and nothing else to
    /// sign in with), the error shape: {"error": {"code": "session_expired", "message"}}.
    #[arg(long)]
    pub(crate) json: bool,
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let http = Http::new()?;
    let report = match deck.refresh(&http, &args.account).await {
        Ok(report) => report,
        // The server refused the renewal: under --json that is a login result, in the shape
        // `login --json` gives a refused login (the human line comes from the error).
        Err(Error::Refused(failure)) if args.json => {
            let config = deck.account(&args.account)?.config;
            let report = LoginReport {
                account: config.name,
                provider: config.provider,
                email: config.email,
                base_url: config.base_url,
                latency_ms: 0,
                outcome: Outcome::Failed(failure),
            };
            println!("{}", super::login::json(&report));
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e),
    };
    if args.json {
        println!("{}", super::login::json(&report));
    } else if let Outcome::Ok(s) = &report.outcome {
        let when = s.expires_at.map_or("at an unknown time".into(), |t| {
            format!(
                "{} ({})",
                crate::show::local_time(t),
                authdeck_core::words::relative_to(t, jiff::Timestamp::now())
            )
        });
        println!(
            "Renewed {} in {} ms; the token expires {when}.",
            report.account, report.latency_ms
        );
    }
    Ok(match report.outcome {
        Outcome::Ok(_) => ExitCode::SUCCESS,
        Outcome::Failed(_) => ExitCode::FAILURE,
    })
}
