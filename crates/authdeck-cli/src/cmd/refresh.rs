//! `authdeck refresh`: renew a session now.

use super::CmdResult;
use authdeck_core::deck::Deck;
use authdeck_core::deck::Outcome;
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
    account: String,
    /// Print one JSON object (the same shape as `login --json`).
    #[arg(long)]
    pub(crate) json: bool,
}

pub async fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let http = Http::new()?;
    let report = deck.refresh(&http, &args.account).await?;
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
