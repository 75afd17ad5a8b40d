//! `authdeck history`: logins, refreshes, logouts and failures, newest first.

use super::CmdResult;
use super::accounts::{print, print_json, table};
use crate::show;
use authdeck_core::Kind;
use authdeck_core::deck::Deck;
use authdeck_core::history::{Action, Event, Filter};
use authdeck_core::home::Home;
use jiff::{SignedDuration, Timestamp};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck history                         # the latest 50 events of every account
  authdeck history prod-alice --limit 10
  authdeck history --kind invalid_password --since 2h
  authdeck history --failed --since 3d --json | jq '.[].message'
  authdeck history --message \"rate limit\" --limit 0   # every event whose message says so
  authdeck history --show 42               # event 42's request and answer, secrets hidden

Kinds: invalid_credentials, user_not_found, invalid_password, account_inactive,
account_not_verified, no_password_set, bad_request, rate_limited, server_error, network_error,
protocol_error, rejected; for OAuth accounts invalid_client, invalid_grant, invalid_scope,
access_denied, unauthorized_client, expired_token. Needs no keyring access.")]
pub struct Args {
    /// Only this account's events.
    #[arg(add = clap_complete::ArgValueCandidates::new(crate::complete::accounts))]
    account: Option<String>,
    /// At most this many events (0: all).
    #[arg(long, short = 'n', default_value_t = 50)]
    limit: u32,
    /// Only failures of this kind.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// Only this action: login, refresh, relogin, logout, remove, forget_password, check, rename.
    #[arg(long, value_parser = parse_action)]
    action: Option<Action>,
    /// Only failed attempts.
    #[arg(long)]
    failed: bool,
    /// Only events newer than this, e.g. 90s, 30m, 2h, 3d, 1w.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    since: Option<SignedDuration>,
    /// Only events whose server message contains this text (ASCII letters in any case).
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// Show one event with the request sent and the answer received (secrets hidden), by its
    /// ID (the first column). The newest 10,000 are kept.
    #[arg(long, value_name = "ID", allow_negative_numbers = true, conflicts_with_all = ["account", "kind", "action", "failed", "since", "message"])]
    show: Option<i64>,
    /// Print JSON (an array of events; with --show, the event, request and answer) instead of
    /// a table.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    if let Some(id) = args.show {
        return show_exchange(&deck, id, args.json);
    }
    let now = Timestamp::now();
    if let Some(account) = &args.account {
        // An unknown name is most likely a typo; the history of a removed account stays
        // readable, so only the name's shape is checked.
        authdeck_core::accounts::validate_name(account)?;
    }
    let filter = Filter {
        account: args.account.clone(),
        action: args.action,
        kind: args.kind,
        ok: args.failed.then_some(false),
        since: args.since.and_then(|d| now.checked_sub(d).ok()),
        message: args.message.clone(),
        limit: (args.limit > 0).then_some(args.limit),
        ..Filter::default()
    };
    let events = deck.history(&filter)?;
    if args.json {
        return print_json(&events);
    }
    if events.is_empty() {
        eprintln!("No events match.");
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = events.iter().map(row).collect();
    print(&table(
        &[
            "ID", "TIME", "ACCOUNT", "ACTION", "RESULT", "HTTP", "MS", "DETAILS",
        ],
        &rows,
    ))
}

fn row(event: &Event) -> Vec<String> {
    let result = match (event.ok, event.kind) {
        (true, _) => "ok".to_string(),
        (false, Some(kind)) => kind.to_string(),
        (false, None) => "failed".to_string(),
    };
    let mut details = Vec::new();
    if let Some(code) = &event.error_code {
        details.push(code.clone());
    }
    if let Some(message) = &event.message {
        details.push(format!("\"{message}\""));
    }
    if let Some(note) = &event.note {
        details.push(note.clone());
    }
    vec![
        event.id.to_string(),
        show::local_time(event.at),
        event.account.clone(),
        event.action.to_string(),
        result,
        event
            .http_status
            .map_or_else(|| "-".into(), |s| s.to_string()),
        event
            .latency_ms
            .map_or_else(|| "-".into(), |ms| ms.to_string()),
        details.join(" · "),
    ]
}

/// `--show ID`: the event's line, then its request and answer as an HTTP client shows them.
fn show_exchange(deck: &Deck, id: i64, json: bool) -> CmdResult {
    let Some(event) = deck.event(id)? else {
        return Err(authdeck_core::Error::NotFound(format!(
            "there is no history event {id}: the ID is the first column of `authdeck history`"
        )));
    };
    let exchange = deck.exchange(id)?;
    if json {
        let (request, answer) = match exchange {
            Some(e) => (e.request, e.answer),
            None => (None, None),
        };
        return print_json(&serde_json::json!({
            "event": event,
            "request": request,
            "answer": answer,
        }));
    }
    let mut out = table(
        &[
            "ID", "TIME", "ACCOUNT", "ACTION", "RESULT", "HTTP", "MS", "DETAILS",
        ],
        &[row(&event)],
    );
    let Some(exchange) = exchange else {
        out.push_str(
            "\nNo request is kept for this event: logins, refreshes and sign-ins keep theirs \
             (the newest 10,000); a pasted token, a logout or a rename keeps none.\n",
        );
        return print(&out);
    };
    if let Some(request) = &exchange.request {
        out.push_str(&format!("\nRequest\n{} {}\n", request.method, request.url));
        if let Some(content_type) = &request.content_type {
            out.push_str(&format!("content-type: {content_type}\n"));
        }
        for (name, value) in &request.headers {
            out.push_str(&format!("{name}: {value}\n"));
        }
        out.push_str(&format!("\n{}\n", request.body));
    }
    match &exchange.answer {
        Some(answer) => {
            out.push_str(&format!("\nAnswer\nHTTP {}\n", answer.http_status));
            for (name, value) in &answer.headers {
                out.push_str(&format!("{name}: {value}\n"));
            }
            let body = serde_json::from_str::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| answer.body.clone());
            out.push_str(&format!("\n{body}\n"));
            if answer.truncated {
                out.push_str("… (the rest of the answer was not kept)\n");
            }
        }
        None => out.push_str("\nNo answer came back.\n"),
    }
    print(&show::escaped(&out, &['\n', '\t']))
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind; use one of: {}", all.join(", "))
    })
}

fn parse_action(text: &str) -> Result<Action, String> {
    Action::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        format!("unknown action; use one of: {}", all.join(", "))
    })
}

/// `90s`, `30m`, `2h`, `3d`, `1w`: a whole number and one unit.
fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    let bad =
        || format!("{text:?} is not a duration; write a number and a unit: 90s, 30m, 2h, 3d, 1w");
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit.trim() {
        "s" | "sec" | "secs" => 1,
        "m" | "min" | "mins" => 60,
        "h" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "week" | "weeks" => 604_800,
        _ => return Err(bad()),
    };
    number
        .checked_mul(unit_secs)
        .map(SignedDuration::from_secs)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_one_number_and_one_unit() {
        assert_eq!(parse_duration("90s"), Ok(SignedDuration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(SignedDuration::from_hours(2)));
        assert_eq!(parse_duration("3d"), Ok(SignedDuration::from_hours(72)));
        assert_eq!(parse_duration("1w"), Ok(SignedDuration::from_hours(168)));
        for bad in ["", "h", "2", "2x", "-2h", "1.5h", "99999999999999999w"] {
            let err = parse_duration(bad).expect_err(bad);
            assert!(err.contains("2h"), "the error shows the format: {err}");
        }
    }

    #[test]
    fn unknown_kind_lists_the_kinds() {
        let err = parse_kind("nope").expect_err("unknown");
        assert!(err.contains("invalid_password"), "{err}");
        assert_eq!(parse_kind("server_error"), Ok(Kind::ServerError));
    }
}
