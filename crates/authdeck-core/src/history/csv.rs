//! History as CSV, for spreadsheets and bug reports (the app's "Export CSV"). Tokens appear
//! only as fingerprints, as they are stored.

use crate::history::{self, Event, Filter};
use crate::{Error, Result};
use rusqlite::Connection;
use std::io::Write;

pub const HEADER: &str = "id,at,account,provider,action,ok,http_status,kind,error_code,message,latency_ms,token_fingerprint,expires_at,note,suite_run";

/// The events as RFC 4180 CSV with a header row.
pub fn events(events: &[Event]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for e in events {
        out.push_str(&row(e));
    }
    out
}

/// Every event matching `filter` (all of them: page and limit are ignored) as CSV into `out`,
/// one row at a time, newest first. Returns how many rows were written.
pub fn write(conn: &Connection, filter: &Filter, out: &mut dyn Write) -> Result<u64> {
    let io = |e: std::io::Error| Error::Io(format!("the CSV could not be written: {e}"));
    out.write_all(HEADER.as_bytes()).map_err(io)?;
    out.write_all(b"\r\n").map_err(io)?;
    history::for_each(conn, filter, |e| {
        out.write_all(row(e).as_bytes()).map_err(io)
    })
}

/// One event as a CSV line, line break included.
fn row(e: &Event) -> String {
    let cells = [
        e.id.to_string(),
        e.at.to_string(),
        e.account.clone(),
        e.provider.clone(),
        e.action.as_str().to_string(),
        e.ok.to_string(),
        opt(e.http_status),
        e.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        e.error_code.clone().unwrap_or_default(),
        e.message.clone().unwrap_or_default(),
        opt(e.latency_ms),
        e.token_fingerprint.clone().unwrap_or_default(),
        opt(e.expires_at),
        e.note.clone().unwrap_or_default(),
        e.suite_run.clone().unwrap_or_default(),
    ];
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Quotes a cell that holds a comma, quote or line break; a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so a spreadsheet does not run a server's message as a formula.
fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Action;
    use crate::outcome::Kind;
    use jiff::Timestamp;

    fn failed_login() -> Event {
        Event {
            id: 7,
            at: Timestamp::UNIX_EPOCH,
            account: "alice".into(),
            provider: "user-login".into(),
            action: Action::Login,
            ok: false,
            http_status: Some(401),
            kind: Some(Kind::InvalidPassword),
            error_code: Some("INVALID_PASSWORD".into()),
            message: Some("Wrong \"password\", try again".into()),
            latency_ms: Some(12),
            token_fingerprint: None,
            expires_at: None,
            note: None,
            suite_run: None,
            has_exchange: false,
        }
    }

    #[test]
    fn a_failed_login_becomes_one_row_with_its_kind_status_and_quoted_message() {
        let csv = events(&[failed_login()]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "7,1970-01-01T00:00:00Z,alice,user-login,login,false,401,invalid_password,INVALID_PASSWORD,\"Wrong \"\"password\"\", try again\",12,,,,"
        );
        assert_eq!(lines.len(), 3, "header, one row, and the final line break");
    }

    #[test]
    fn a_message_that_looks_like_a_formula_is_not_run_by_spreadsheets() {
        let mut e = failed_login();
        e.message = Some("=HYPERLINK(\"http://x\")".into());
        let csv = events(&[e]);
        assert!(
            csv.contains("\"'=HYPERLINK("),
            "formula must be neutralized: {csv}"
        );
    }

    #[test]
    fn a_suite_check_carries_its_run_id_in_the_last_column() {
        let mut e = failed_login();
        e.action = Action::Check;
        e.suite_run = Some("run-20261122-1".into());
        let csv = events(&[e]);
        let row = csv.split("\r\n").nth(1).unwrap_or_default();
        assert!(row.ends_with(",run-20261122-1"), "{row}");
        assert!(row.contains(",check,"), "{row}");
    }
}
