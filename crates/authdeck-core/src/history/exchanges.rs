//! The `exchanges` table: the request and the answer of a login, refresh or sign-in, secrets
//! hidden, beside its event (the history's "Request and response"). Apart from `events`, so
//! lists and counts over a million events read no bodies; only the newest [`KEPT`] are kept.

use crate::outcome::{RawAnswer, RawRequest};
use crate::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Creates `exchanges`, one row per event that sent a request.
pub(crate) const MIGRATION_1: &str = "
CREATE TABLE exchanges (
    event_id INTEGER PRIMARY KEY REFERENCES events (id),
    request  TEXT,
    answer   TEXT
) STRICT;
";

/// How many exchanges are kept: the newest. Each holds up to 16 KiB of answer; 10,000 bound
/// the table near 100 MiB at worst (a typical answer is under 1 KiB).
pub const KEPT: i64 = 10_000;

/// What was sent and what came back, both with their secrets hidden (see [`RawRequest`],
/// [`RawAnswer`]). Either may be missing: a request that got no answer (the server was down).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exchange {
    pub request: Option<RawRequest>,
    pub answer: Option<RawAnswer>,
}

impl Exchange {
    /// The exchange of an attempt; `None` when nothing was sent (a pasted token).
    pub fn of(request: Option<RawRequest>, answer: Option<RawAnswer>) -> Option<Exchange> {
        (request.is_some() || answer.is_some()).then_some(Exchange { request, answer })
    }
}

/// Keeps `exchange` for the event `event_id`, and now and then drops those older than the
/// newest [`KEPT`]. Errors: Storage.
pub(crate) fn insert(conn: &Connection, event_id: i64, exchange: &Exchange) -> Result<()> {
    conn.prepare_cached("INSERT INTO exchanges (event_id, request, answer) VALUES (?1, ?2, ?3)")?
        .execute(params![
            event_id,
            column(&exchange.request)?,
            column(&exchange.answer)?
        ])?;
    // Every hundredth event: the cost of the trim is spread, and the table never holds more
    // than KEPT + 100 rows.
    if event_id % 100 == 0 {
        conn.prepare_cached("DELETE FROM exchanges WHERE event_id <= ?1")?
            .execute([event_id - KEPT])?;
    }
    Ok(())
}

/// The exchange kept for event `event_id`; `None` when it sent nothing or is older than the
/// newest [`KEPT`]. Errors: Storage (a damaged row).
pub fn get(conn: &Connection, event_id: i64) -> Result<Option<Exchange>> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT request, answer FROM exchanges WHERE event_id = ?1")?
        .query_row([event_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((request, answer)) = row else {
        return Ok(None);
    };
    let damaged = |e: serde_json::Error| {
        Error::Storage(format!(
            "history event {event_id}: its stored request or answer is damaged ({e})"
        ))
    };
    Ok(Some(Exchange {
        request: request
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(damaged)?,
        answer: answer
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(damaged)?,
    }))
}

/// An optional part as a JSON column.
fn column<T: Serialize>(part: &Option<T>) -> Result<Option<String>> {
    part.as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::Storage(format!("a request or answer could not be kept: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{self, Action, NewEvent};
    use jiff::Timestamp;

    fn answer(status: u16) -> Exchange {
        Exchange {
            request: None,
            answer: Some(RawAnswer {
                http_status: status,
                content_type: None,
                body: "{}".into(),
                truncated: false,
                headers: vec![],
            }),
        }
    }

    #[test]
    fn only_the_newest_exchanges_are_kept_and_each_event_says_whether_it_has_one() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let mut conn = crate::db::open(&tmp.path().join("h.db"))?;
        let tx = conn.transaction()?;
        let total = KEPT + 250;
        for i in 1..=total {
            let event = NewEvent {
                exchange: Some(answer(200 + (i % 300) as u16)),
                ..NewEvent::new(Timestamp::UNIX_EPOCH, "a", "p", Action::Login, true)
            };
            history::insert(&tx, &event)?;
        }
        let logout = NewEvent::new(Timestamp::UNIX_EPOCH, "a", "p", Action::Logout, true);
        let without = history::insert(&tx, &logout)?;
        tx.commit()?;
        let kept: i64 = conn.query_row("SELECT count(*) FROM exchanges", [], |r| r.get(0))?;
        assert!(
            (KEPT..=KEPT + 100).contains(&kept),
            "{kept} kept, the newest {KEPT} and at most 100 more"
        );
        assert_eq!(get(&conn, 1)?, None, "the oldest is gone");
        assert_eq!(get(&conn, total)?, Some(answer(200 + (total % 300) as u16)));
        let has = |id| history::get(&conn, id).map(|e| e.map(|e| e.has_exchange));
        assert_eq!(has(total)?, Some(true));
        assert_eq!(has(without)?, Some(false), "a logout sent nothing");
        assert_eq!(has(1)?, Some(false), "the oldest's was dropped");
        Ok(())
    }

    #[test]
    fn a_damaged_row_is_a_storage_error_naming_the_event() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let conn = crate::db::open(&tmp.path().join("h.db"))?;
        let id = history::insert(
            &conn,
            &NewEvent::new(Timestamp::UNIX_EPOCH, "a", "p", Action::Login, true),
        )?;
        conn.execute(
            "INSERT INTO exchanges (event_id, request, answer) VALUES (?1, 'not json', NULL)",
            [id],
        )?;
        let err = get(&conn, id).expect_err("damaged");
        assert!(
            matches!(&err, Error::Storage(m) if m.contains(&format!("event {id}"))),
            "{err:?}"
        );
        Ok(())
    }
}
