//! `authdeck accounts`: every account with its session status.

use super::CmdResult;
use authdeck_core::Error;
use authdeck_core::accounts;
use authdeck_core::deck::{AccountSummary, Deck};
use authdeck_core::home::Home;
use jiff::Timestamp;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(after_help = "Examples:
  authdeck accounts
  authdeck accounts --json | jq -r '.[] | select(.status == \"expired\") | .name'
  authdeck accounts --tag prod     # the accounts tagged prod (`authdeck tag`)

Status is one of: valid, expiring (inside the refresh margin), expired, unknown_expiry (signed in,
but nobody said when the token expires), signed_out. Under --json, kept_secret is what an account keeps to sign in again by itself:
password, client_secret or null. Needs no keyring access.")]
pub struct Args {
    /// Print JSON (an array of accounts) instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
    /// Only the accounts with this environment tag (letter case aside); `--tag ''`: those
    /// without one.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
}

/// One account under `--json`: the summary, and what it keeps to sign in again by itself.
#[derive(serde::Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    summary: &'a AccountSummary,
    kept_secret: Option<&'static str>,
}

pub fn run(args: Args) -> CmdResult {
    let deck = Deck::open(Home::from_env()?)?;
    let now = Timestamp::now();
    let accounts = match &args.tag {
        Some(tag) => deck.accounts_tagged(tag, now)?,
        None => deck.accounts(now)?,
    };
    if let Some(tag) = &args.tag
        && accounts.is_empty()
        && !args.json
    {
        let which = match accounts::tag_given(tag) {
            Some(tag) => format!("tagged {:?}", tag.to_lowercase()),
            None => "without a tag".to_string(),
        };
        eprintln!("No accounts {which}. `authdeck tag TAG ACCOUNT...` tags accounts.");
        return Ok(ExitCode::SUCCESS);
    }
    let kept = deck.kept_secrets(accounts.iter().map(|a| &a.account));
    if args.json {
        // `kept_secret` says what `password_remembered` (true for both) keeps.
        let rows: Vec<JsonRow> = accounts
            .iter()
            .zip(&kept)
            .map(|(summary, kept_secret)| JsonRow {
                summary,
                kept_secret: *kept_secret,
            })
            .collect();
        return print_json(&rows);
    }
    if accounts.is_empty() {
        eprintln!(
            "No accounts yet. Add one with `authdeck login NAME --provider PRESET --email EMAIL`."
        );
        return Ok(ExitCode::SUCCESS);
    }
    // The TAG column only once some account has a tag.
    let tagged = accounts.iter().any(|a| a.account.config.tag.is_some());
    let rows: Vec<Vec<String>> = accounts
        .iter()
        .zip(&kept)
        .map(|(a, kept)| {
            let kept = match kept {
                Some("client_secret") => "client secret",
                Some(other) => other,
                None => "-",
            };
            let mut cells = row(a, kept, now);
            if tagged {
                let tag = a.account.config.tag.clone().unwrap_or_else(|| "-".into());
                cells.insert(1, tag);
            }
            cells
        })
        .collect();
    let mut headers = vec![
        "NAME",
        "PROVIDER",
        "BASE URL",
        "EMAIL",
        "STATUS",
        "EXPIRES",
        "LAST LOGIN",
        "KEPT",
    ];
    if tagged {
        headers.insert(1, "TAG");
    }
    let mut text = table(&headers, &rows);
    for summary in &accounts {
        text.push_str(&skew_note(summary).unwrap_or_default());
    }
    print(&text)
}

/// A line for an account whose server clock is off by more than a few seconds: its expiry is
/// judged on the server's clock, which the user should know when times look odd.
fn skew_note(summary: &AccountSummary) -> Option<String> {
    let skew = accounts::notable_skew(summary.account.session.clock_skew_secs)?;
    let side = if skew > 0 { "ahead of" } else { "behind" };
    Some(format!(
        "Clock skew: the server of {} is {} {side} this machine; its expiry is judged on the server's clock.\n",
        summary.account.config.name,
        authdeck_core::words::duration_words(skew.unsigned_abs()),
    ))
}

fn row(summary: &AccountSummary, kept: &str, now: Timestamp) -> Vec<String> {
    let account = &summary.account;
    let session = &account.session;
    let expires = match session.expires_at {
        Some(at) if session.signed_in => authdeck_core::words::relative_to(at, now),
        _ => "-".to_string(),
    };
    // Always in the past: a login in this very second reads "0 s ago", not "in 0 s".
    let last_login = account.last_login_at.map_or_else(
        || "never".to_string(),
        |at| {
            let secs = (now.as_second() - at.as_second()).max(0).unsigned_abs();
            format!("{} ago", authdeck_core::words::duration_words(secs))
        },
    );
    vec![
        account.config.name.clone(),
        account.config.provider.clone(),
        account.config.base_url.clone(),
        account.config.email.clone(),
        summary.status.to_string(),
        expires,
        last_login,
        kept.to_string(),
    ]
}

/// Columns padded to their widest cell; the last column is not padded.
pub(super) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push('\n');
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out.push('\n');
    out
}

/// Writes to stdout; a closed pipe (`authdeck history | head`) is not an error.
pub(super) fn print(text: &str) -> CmdResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Error::Io(format!("cannot write to stdout: {e}"))),
    }
}

/// Pretty JSON on stdout, one trailing newline.
pub(super) fn print_json(value: &impl serde::Serialize) -> CmdResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Io(format!("cannot write JSON: {e}")))?;
    print(&format!("{text}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_every_column_but_the_last() {
        let rows = vec![
            vec!["alice".to_string(), "valid".to_string(), "x".to_string()],
            vec![
                "b".to_string(),
                "signed_out".to_string(),
                "longer".to_string(),
            ],
        ];
        let text = table(&["NAME", "STATUS", "NOTE"], &rows);
        assert_eq!(
            text,
            "NAME   STATUS      NOTE\nalice  valid       x\nb      signed_out  longer\n"
        );
    }
}

#[cfg(test)]
mod skew_tests {
    use super::*;
    use authdeck_core::accounts::{Account, AccountConfig, SessionState, Status};

    fn summary(skew: Option<i64>) -> AccountSummary {
        AccountSummary {
            account: Account {
                config: AccountConfig {
                    name: "tk".into(),
                    provider: "talkstack".into(),
                    base_url: "https://api.talkstackai.com".into(),
                    email: "a@b.c".into(),
                    overrides: Default::default(),
                    allow_insecure_http: false,
                    timeout_secs: None,
                    env_var: None,
                    tag: None,
                },
                created_at: Timestamp::UNIX_EPOCH,
                updated_at: Timestamp::UNIX_EPOCH,
                last_login_at: None,
                session: SessionState {
                    clock_skew_secs: skew,
                    ..SessionState::default()
                },
                pinned: false,
            },
            status: Status::Valid,
        }
    }

    #[test]
    fn a_server_clock_an_hour_ahead_is_shown_and_small_jitter_is_not() {
        let note = skew_note(&summary(Some(3600))).expect("an hour is worth a note");
        assert!(
            note.contains("tk") && note.contains("1 h") && note.contains("ahead of"),
            "{note}"
        );
        assert!(skew_note(&summary(Some(-90))).unwrap().contains("behind"));
        assert_eq!(skew_note(&summary(Some(3))), None);
        assert_eq!(skew_note(&summary(None)), None);
    }
}
