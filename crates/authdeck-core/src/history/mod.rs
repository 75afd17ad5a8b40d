//! The `events` table: every login, refresh, re-login, logout and failure, kept as a row.
//!
//! QA reads the server's raw answer here (status, code, message), so a failed attempt is stored,
//! not thrown away. Never a secret: `message` is the server's error message, tokens appear only
//! as a fingerprint.

pub mod csv;
pub mod exchanges;

pub use exchanges::Exchange;

use crate::outcome::{Failure, Kind};
use crate::{Error, Result};
use jiff::Timestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, Row, params, params_from_iter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Creates `events` with indexes for "latest N of one account", "filter by kind" and "latest N
/// overall". Rows are ordered by `at` then `id` (the rowid, implicitly last in each index).
pub(crate) const MIGRATION_1: &str = "
CREATE TABLE events (
    id                INTEGER PRIMARY KEY,
    at                INTEGER NOT NULL,
    account           TEXT NOT NULL,
    provider          TEXT NOT NULL,
    action            TEXT NOT NULL,
    ok                INTEGER NOT NULL,
    http_status       INTEGER,
    kind              TEXT,
    error_code        TEXT,
    message           TEXT,
    latency_ms        INTEGER,
    token_fingerprint TEXT,
    expires_at        INTEGER,
    note              TEXT,
    suite_run         TEXT
) STRICT;
CREATE INDEX events_by_account ON events (account, at);
CREATE INDEX events_by_kind ON events (kind, at) WHERE kind IS NOT NULL;
CREATE INDEX events_by_time ON events (at);
";

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Login,
    Refresh,
    /// A login with the remembered password because the session could not be refreshed.
    Relogin,
    Logout,
    Remove,
    ForgetPassword,
    /// A QA check: a login made to see how the server answers, not to keep a session.
    Check,
    /// The account took a new name; its note says the old one.
    Rename,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Login,
        Action::Refresh,
        Action::Relogin,
        Action::Logout,
        Action::Remove,
        Action::ForgetPassword,
        Action::Check,
        Action::Rename,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::Refresh => "refresh",
            Action::Relogin => "relogin",
            Action::Logout => "logout",
            Action::Remove => "remove",
            Action::ForgetPassword => "forget_password",
            Action::Check => "check",
            Action::Rename => "rename",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event to record. Build it with [`NewEvent::new`] and set what applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    pub at: Timestamp,
    pub account: String,
    pub provider: String,
    pub action: Action,
    pub ok: bool,
    pub http_status: Option<u16>,
    pub kind: Option<Kind>,
    /// The provider's own error code, verbatim.
    pub error_code: Option<String>,
    /// The server's error message, verbatim. Never a secret, never our own request.
    pub message: Option<String>,
    pub latency_ms: Option<u64>,
    pub token_fingerprint: Option<String>,
    pub expires_at: Option<Timestamp>,
    /// Our own remark, e.g. "session not stored: keyring locked".
    pub note: Option<String>,
    /// Groups the events of one QA suite run.
    pub suite_run: Option<String>,
    /// What was sent and answered, kept beside the event ([`exchanges`]).
    #[serde(skip)]
    pub exchange: Option<Exchange>,
}

impl NewEvent {
    pub fn new(
        at: Timestamp,
        account: impl Into<String>,
        provider: impl Into<String>,
        action: Action,
        ok: bool,
    ) -> NewEvent {
        NewEvent {
            at,
            account: account.into(),
            provider: provider.into(),
            action,
            ok,
            http_status: None,
            kind: None,
            error_code: None,
            message: None,
            latency_ms: None,
            token_fingerprint: None,
            expires_at: None,
            note: None,
            suite_run: None,
            exchange: None,
        }
    }

    /// A failed attempt, with the server's answer copied from `failure`.
    pub fn failed(
        at: Timestamp,
        account: impl Into<String>,
        provider: impl Into<String>,
        action: Action,
        failure: &Failure,
    ) -> NewEvent {
        NewEvent {
            http_status: failure.http_status,
            kind: Some(failure.kind),
            error_code: failure.error_code.clone(),
            message: failure.message.clone(),
            ..NewEvent::new(at, account, provider, action, false)
        }
    }
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Event {
    pub id: i64,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: Timestamp,
    pub account: String,
    pub provider: String,
    pub action: Action,
    pub ok: bool,
    pub http_status: Option<u16>,
    pub kind: Option<Kind>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub latency_ms: Option<u64>,
    pub token_fingerprint: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_at: Option<Timestamp>,
    pub note: Option<String>,
    pub suite_run: Option<String>,
    /// Its request and answer are kept ([`exchanges::get`]).
    pub has_exchange: bool,
}

/// Which events to read. Every field narrows the result; all `None` means "everything".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub account: Option<String>,
    pub action: Option<Action>,
    pub kind: Option<Kind>,
    pub ok: Option<bool>,
    /// Only events at or after this time.
    pub since: Option<Timestamp>,
    /// Only events whose server message contains this text, ASCII letters in any case (`%` and `_` are
    /// plain characters). Empty or blank means no condition.
    pub message: Option<String>,
    /// Which page of the matching events: the newest, the ones just older or just newer than
    /// an event already shown, or the oldest. Pages are found by position, not by counting
    /// rows to skip, so the last page of a million events costs what the first one does.
    pub page: Page,
    /// At most this many, newest first.
    pub limit: Option<u32>,
}

/// Where a page of events starts. Rows are ordered by time, then id; a page is always returned
/// newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Page {
    /// The newest matching events.
    #[default]
    Newest,
    /// The events just older than this one (the next page down).
    OlderThan { key: EventKey },
    /// The events just newer than this one (the page above).
    NewerThan { key: EventKey },
    /// The oldest matching events (the last page).
    Oldest,
}

/// An event's place in the order: its time in milliseconds and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EventKey {
    /// Unix milliseconds, as stored.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at_ms: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
}

impl Event {
    /// This event's place in the order, for [`Page::OlderThan`] and [`Page::NewerThan`].
    pub fn key(&self) -> EventKey {
        EventKey {
            at_ms: self.at.as_millisecond(),
            id: self.id,
        }
    }
}

/// Records an event and returns its id.
pub fn insert(conn: &Connection, event: &NewEvent) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (at, account, provider, action, ok, http_status, kind, error_code,
             message, latency_ms, token_fingerprint, expires_at, note, suite_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        event.at.as_millisecond(),
        event.account,
        event.provider,
        event.action.as_str(),
        event.ok,
        event.http_status,
        event.kind.map(Kind::as_str),
        event.error_code,
        event.message,
        event
            .latency_ms
            .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
        event.token_fingerprint,
        event.expires_at.map(|t| t.as_millisecond()),
        event.note,
        event.suite_run,
    ])?;
    let id = conn.last_insert_rowid();
    if let Some(exchange) = &event.exchange {
        exchanges::insert(conn, id, exchange)?;
    }
    Ok(id)
}

/// The events matching `filter`, newest first: the page `filter.page` names, at most
/// `filter.limit` of them.
pub fn query(conn: &Connection, filter: &Filter) -> Result<Vec<Event>> {
    let (mut conditions, mut values) = conditions(filter);
    let ascending = match filter.page {
        Page::Newest => false,
        Page::Oldest => true,
        Page::OlderThan { key } => {
            conditions.push("(at, id) < (?, ?)");
            values.extend([Value::Integer(key.at_ms), Value::Integer(key.id)]);
            false
        }
        Page::NewerThan { key } => {
            conditions.push("(at, id) > (?, ?)");
            values.extend([Value::Integer(key.at_ms), Value::Integer(key.id)]);
            true
        }
    };
    let mut sql = format!("SELECT {COLUMNS} FROM events{}", where_clause(&conditions));
    // A page above or the oldest page is read upwards from its edge, then turned round.
    sql.push_str(if ascending {
        " ORDER BY at ASC, id ASC"
    } else {
        " ORDER BY at DESC, id DESC"
    });
    if let Some(limit) = filter.limit {
        sql.push_str(" LIMIT ?");
        values.push(Value::Integer(i64::from(limit)));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(values), read_row)?;
    let mut events = Vec::new();
    for row in rows {
        events.push(row??);
    }
    if ascending {
        events.reverse();
    }
    Ok(events)
}

/// Moves every event of account `from` to the name `to` (a rename: the history follows the
/// account). Returns how many moved. Errors: Storage.
pub fn rename_account(conn: &Connection, from: &str, to: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE events SET account = ?2 WHERE account = ?1",
        params![from, to],
    )?)
}

/// The event `id`; `None` when there is none. Errors: Storage.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Event>> {
    let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => Ok(Some(read_row(row)??)),
        None => Ok(None),
    }
}

/// How many events match `filter`, whatever its page and limit.
pub fn count(conn: &Connection, filter: &Filter) -> Result<u64> {
    let (conditions, values) = conditions(filter);
    let sql = format!("SELECT COUNT(*) FROM events{}", where_clause(&conditions));
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(values), |row| row.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Hands every event matching `filter` to `each`, newest first, one row at a time: nothing but
/// the current row is held, however many match. Page and limit are ignored. Returns how many.
pub fn for_each(
    conn: &Connection,
    filter: &Filter,
    mut each: impl FnMut(&Event) -> Result<()>,
) -> Result<u64> {
    let (conditions, values) = conditions(filter);
    let sql = format!(
        "SELECT {COLUMNS} FROM events{} ORDER BY at DESC, id DESC",
        where_clause(&conditions)
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        each(&read_row(row)??)?;
        n += 1;
    }
    Ok(n)
}

/// The filter's conditions (all but page and limit) and their values.
fn conditions(filter: &Filter) -> (Vec<&'static str>, Vec<Value>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(account) = &filter.account {
        conditions.push("account = ?");
        values.push(Value::Text(account.clone()));
    }
    if let Some(action) = filter.action {
        conditions.push("action = ?");
        values.push(Value::Text(action.as_str().to_string()));
    }
    if let Some(kind) = filter.kind {
        conditions.push("kind = ?");
        values.push(Value::Text(kind.as_str().to_string()));
    }
    if let Some(ok) = filter.ok {
        conditions.push("ok = ?");
        values.push(Value::Integer(i64::from(ok)));
    }
    if let Some(since) = filter.since {
        conditions.push("at >= ?");
        values.push(Value::Integer(since.as_millisecond()));
    }
    if let Some(text) = filter.message.as_deref().map(str::trim)
        && !text.is_empty()
    {
        // instr() on lower-cased text: a plain substring, no LIKE wildcards to escape.
        conditions.push("instr(lower(message), ?) > 0");
        values.push(Value::Text(text.to_ascii_lowercase()));
    }
    (conditions, values)
}

fn where_clause(conditions: &[&str]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

/// The newest event of each account in the `accounts` table, where that event is a failure
/// (the account list's "last error"), by account name. One query: each account's newest row
/// is found through the `events_by_account` index, so the cost follows the number of
/// accounts, not of events.
pub fn last_failures(conn: &Connection) -> Result<HashMap<String, Event>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE ok = 0 AND id IN (
             SELECT (SELECT e.id FROM events e WHERE e.account = a.name
                     ORDER BY e.at DESC, e.id DESC LIMIT 1)
             FROM accounts a)"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], read_row)?;
    let mut failures = HashMap::new();
    for row in rows {
        let event = row??;
        failures.insert(event.account.clone(), event);
    }
    Ok(failures)
}

const COLUMNS: &str = "id, at, account, provider, action, ok, http_status, kind, error_code, \
    message, latency_ms, token_fingerprint, expires_at, note, suite_run, \
    EXISTS (SELECT 1 FROM exchanges x WHERE x.event_id = events.id)";

fn read_row(row: &Row<'_>) -> rusqlite::Result<Result<Event>> {
    let id: i64 = row.get(0)?;
    let at: i64 = row.get(1)?;
    let action: String = row.get(4)?;
    let kind: Option<String> = row.get(7)?;
    let latency_ms: Option<i64> = row.get(10)?;
    let expires_at: Option<i64> = row.get(12)?;
    let damaged = move |what: &str| {
        Error::Storage(format!("history event {id}: the stored {what} is damaged"))
    };
    let parsed = (|| {
        let time = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| damaged("time"));
        Ok((
            time(at)?,
            Action::parse(&action).ok_or_else(|| damaged("action"))?,
            kind.map(|k| Kind::parse(&k).ok_or_else(|| damaged("kind")))
                .transpose()?,
            expires_at.map(time).transpose()?,
        ))
    })();
    let (at, action, kind, expires_at) = match parsed {
        Ok(parts) => parts,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(Event {
        id,
        at,
        account: row.get(2)?,
        provider: row.get(3)?,
        action,
        ok: row.get(5)?,
        http_status: row.get(6)?,
        kind,
        error_code: row.get(8)?,
        message: row.get(9)?,
        latency_ms: latency_ms.map(|ms| u64::try_from(ms).unwrap_or(0)),
        token_fingerprint: row.get(11)?,
        expires_at,
        note: row.get(13)?,
        suite_run: row.get(14)?,
        has_exchange: row.get(15)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Result<(tempfile::TempDir, Connection)> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let conn = crate::db::open(&tmp.path().join("h.db"))?;
        Ok((tmp, conn))
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn event_round_trips_every_field() -> Result<()> {
        let (_tmp, conn) = conn()?;
        let failure = Failure {
            kind: Kind::InvalidPassword,
            http_status: Some(401),
            error_code: Some("INVALID_PASSWORD".into()),
            message: Some("Wrong password".into()),
            retry_after_secs: None,
        };
        let new = NewEvent {
            latency_ms: Some(42),
            token_fingerprint: Some("0123456789ab".into()),
            expires_at: Some(at(2000)),
            note: Some("a note".into()),
            suite_run: Some("run-1".into()),
            ..NewEvent::failed(at(1000), "alice", "user-login", Action::Login, &failure)
        };
        let id = insert(&conn, &new)?;
        let found = query(&conn, &Filter::default())?;
        assert_eq!(found.len(), 1);
        let e = &found[0];
        assert_eq!(e.id, id);
        assert_eq!(
            (
                e.at,
                e.account.as_str(),
                e.provider.as_str(),
                e.action,
                e.ok
            ),
            (at(1000), "alice", "user-login", Action::Login, false)
        );
        assert_eq!(
            (e.http_status, e.kind),
            (Some(401), Some(Kind::InvalidPassword))
        );
        assert_eq!(e.error_code.as_deref(), Some("INVALID_PASSWORD"));
        assert_eq!(e.message.as_deref(), Some("Wrong password"));
        assert_eq!(e.latency_ms, Some(42));
        assert_eq!(e.token_fingerprint.as_deref(), Some("0123456789ab"));
        assert_eq!(e.expires_at, Some(at(2000)));
        assert_eq!(e.note.as_deref(), Some("a note"));
        assert_eq!(e.suite_run.as_deref(), Some("run-1"));
        Ok(())
    }

    #[test]
    fn filters_narrow_and_results_are_newest_first() -> Result<()> {
        let (_tmp, conn) = conn()?;
        let server = Failure::new(Kind::ServerError, "boom");
        insert(&conn, &NewEvent::new(at(1), "a", "p", Action::Login, true))?;
        insert(
            &conn,
            &NewEvent::failed(at(2), "a", "p", Action::Refresh, &server),
        )?;
        insert(
            &conn,
            &NewEvent::failed(at(3), "b", "p", Action::Login, &server),
        )?;
        insert(&conn, &NewEvent::new(at(4), "b", "p", Action::Logout, true))?;

        let all = query(&conn, &Filter::default())?;
        let times: Vec<_> = all.iter().map(|e| e.at).collect();
        assert_eq!(times, vec![at(4), at(3), at(2), at(1)], "newest first");

        let of_a = query(
            &conn,
            &Filter {
                account: Some("a".into()),
                ..Filter::default()
            },
        )?;
        assert!(of_a.iter().all(|e| e.account == "a") && of_a.len() == 2);

        let by_kind = Filter {
            kind: Some(Kind::ServerError),
            ..Filter::default()
        };
        assert_eq!(query(&conn, &by_kind)?.len(), 2);

        let logins = Filter {
            action: Some(Action::Login),
            ..Filter::default()
        };
        assert_eq!(query(&conn, &logins)?.len(), 2);

        let failed = Filter {
            ok: Some(false),
            ..Filter::default()
        };
        assert_eq!(query(&conn, &failed)?.len(), 2);

        let recent = Filter {
            since: Some(at(3)),
            ..Filter::default()
        };
        assert_eq!(query(&conn, &recent)?.len(), 2, "since is inclusive");

        let latest = Filter {
            limit: Some(1),
            ..Filter::default()
        };
        let latest = query(&conn, &latest)?;
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].at, at(4));

        let combined = Filter {
            account: Some("b".into()),
            kind: Some(Kind::ServerError),
            ok: Some(false),
            ..Filter::default()
        };
        assert_eq!(query(&conn, &combined)?.len(), 1);
        Ok(())
    }

    #[test]
    fn action_names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("nope"), None);
    }

    #[test]
    fn last_failures_are_the_accounts_whose_newest_event_failed() -> Result<()> {
        let (_tmp, conn) = conn()?;
        for name in ["a", "b", "c"] {
            let config = crate::accounts::AccountConfig {
                name: name.into(),
                provider: "p".into(),
                base_url: "http://127.0.0.1:1".into(),
                email: "e@x.test".into(),
                overrides: Default::default(),
                allow_insecure_http: false,
                timeout_secs: None,
                env_var: None,
                tag: None,
            };
            crate::accounts::upsert(&conn, &config, at(0))?;
        }
        let server = Failure::new(Kind::ServerError, "boom");
        // a: a success, then a failure (its last error); b: the other way round (none).
        insert(&conn, &NewEvent::new(at(1), "a", "p", Action::Login, true))?;
        insert(
            &conn,
            &NewEvent::failed(at(2), "a", "p", Action::Refresh, &server),
        )?;
        insert(
            &conn,
            &NewEvent::failed(at(1), "b", "p", Action::Login, &server),
        )?;
        insert(&conn, &NewEvent::new(at(2), "b", "p", Action::Login, true))?;
        // c has no events; "gone" failed but is no account any more.
        insert(
            &conn,
            &NewEvent::failed(at(3), "gone", "p", Action::Login, &server),
        )?;
        let failures = last_failures(&conn)?;
        let names: Vec<&str> = failures.keys().map(String::as_str).collect();
        assert_eq!(names, vec!["a"], "only a's newest event is a failure");
        assert_eq!(failures["a"].action, Action::Refresh, "the newest failure");
        Ok(())
    }
}
