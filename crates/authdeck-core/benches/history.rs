//! History at scale: insert rate, the two common queries, and bytes per event on disk.
//!
//! `cargo bench -p authdeck-core --bench history` (a plain main, no harness). Set
//! `AUTHDECK_BENCH_EVENTS` for another size (default 1,000,000). Targets: latest 50 of one
//! account ≤ 1 ms, filter by kind over all accounts ≤ 20 ms.

use authdeck_core::history::{self, Action, Filter, NewEvent, Page};
use authdeck_core::{Failure, Kind, db};
use jiff::{SignedDuration, Timestamp};
use std::time::{Duration, Instant};

const ACCOUNTS: usize = 100;
const BATCH: usize = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: usize = std::env::var("AUTHDECK_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("authdeck.db");
    let conn = db::open(&path)?;
    let start = Timestamp::from_second(1_800_000_000)?;

    // Bulk: batches in one transaction each, as an import or a QA suite would write.
    let began = Instant::now();
    let mut written = 0;
    while written < total {
        let batch = BATCH.min(total - written);
        db::write(&conn, |tx| {
            for i in written..written + batch {
                history::insert(tx, &event(i, start))?;
            }
            Ok(())
        })?;
        written += batch;
    }
    let bulk = began.elapsed();

    // One by one, each its own transaction: how the app and CLI write.
    let single_count = 2_000;
    let began = Instant::now();
    for i in total..total + single_count {
        history::insert(&conn, &event(i, start))?;
    }
    let single = began.elapsed();

    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
    let bytes = std::fs::metadata(&path)?.len();
    let events = total + single_count;

    println!("history benchmark, {events} events, {ACCOUNTS} accounts");
    println!(
        "insert, batches of {BATCH}:       {:>10.0} events/s ({:.1} s)",
        total as f64 / bulk.as_secs_f64(),
        bulk.as_secs_f64()
    );
    println!(
        "insert, one transaction each: {:>10.0} events/s",
        single_count as f64 / single.as_secs_f64()
    );
    println!(
        "on disk:                      {:>10.1} bytes/event ({:.1} MB)",
        bytes as f64 / events as f64,
        bytes as f64 / 1e6
    );

    let mut n = 0;
    report(
        "latest 50 of one account",
        2_000,
        || {
            n += 1;
            Filter {
                account: Some(format!("account-{:03}", n % ACCOUNTS)),
                limit: Some(50),
                ..Filter::default()
            }
        },
        &conn,
    )?;
    let mut n = 0;
    report(
        "latest 50 of one kind, all accounts",
        1_000,
        || {
            n += 1;
            Filter {
                kind: Some(Kind::ALL[n % Kind::ALL.len()]),
                limit: Some(50),
                ..Filter::default()
            }
        },
        &conn,
    )?;
    report(
        "latest 1000 of one kind",
        200,
        || Filter {
            kind: Some(Kind::ServerError),
            limit: Some(1000),
            ..Filter::default()
        },
        &conn,
    )?;
    report(
        "latest 50 failures of one account in the last day",
        1_000,
        || Filter {
            account: Some("account-003".into()),
            ok: Some(false),
            since: Some(start + SignedDuration::from_secs(total as i64 - 86_400)),
            limit: Some(50),
            ..Filter::default()
        },
        &conn,
    )?;
    report(
        "latest 50 overall",
        2_000,
        || Filter {
            limit: Some(50),
            ..Filter::default()
        },
        &conn,
    )?;
    // The app's History view: a page of 100 and how many match, over every event.
    report(
        "history view: newest 100 of all events",
        1_000,
        || Filter {
            limit: Some(100),
            ..Filter::default()
        },
        &conn,
    )?;
    report(
        "history view: oldest 100 (its last page)",
        200,
        || Filter {
            page: Page::Oldest,
            limit: Some(100),
            ..Filter::default()
        },
        &conn,
    )?;
    report_count(
        "history view: how many events match, no filter",
        20,
        &Filter::default(),
        &conn,
    )?;
    let search = Filter {
        message: Some("PASSWORD is".into()),
        limit: Some(100),
        ..Filter::default()
    };
    report(
        "history view: newest 100 whose message has a text",
        200,
        || search.clone(),
        &conn,
    )?;
    report_count(
        "history view: how many have that text (every message read)",
        5,
        &search,
        &conn,
    )?;
    report(
        "every event of one kind (no limit)",
        5,
        || Filter {
            kind: Some(Kind::AccountInactive),
            ..Filter::default()
        },
        &conn,
    )?;
    Ok(())
}

fn report_count(
    name: &str,
    runs: usize,
    filter: &Filter,
    conn: &rusqlite::Connection,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut n = 0;
    for _ in 0..runs {
        let began = Instant::now();
        n = history::count(conn, filter)?;
        times.push(began.elapsed());
    }
    times.sort();
    println!(
        "{name:<52} median {:>8.3} ms ({n} events)",
        times[times.len() / 2].as_secs_f64() * 1e3
    );
    Ok(())
}

/// One event per second; every tenth fails with one of the kinds, the rest succeed.
fn event(i: usize, start: Timestamp) -> NewEvent {
    let at = start + SignedDuration::from_secs(i as i64);
    let account = format!("account-{:03}", i % ACCOUNTS);
    if i % 10 == 3 {
        let kind = Kind::ALL[(i / 10) % Kind::ALL.len()];
        let failure = Failure {
            kind,
            http_status: Some(401),
            error_code: Some("INVALID_PASSWORD".into()),
            message: Some("The password is incorrect".into()),
            retry_after_secs: None,
        };
        NewEvent {
            latency_ms: Some(120),
            ..NewEvent::failed(at, account, "user-login", Action::Login, &failure)
        }
    } else {
        NewEvent {
            http_status: Some(200),
            latency_ms: Some(85),
            token_fingerprint: Some(format!("{:012x}", i * 2_654_435_761 % (1 << 48))),
            expires_at: Some(at + SignedDuration::from_secs(3600)),
            ..NewEvent::new(at, account, "user-login", Action::Refresh, true)
        }
    }
}

fn report(
    name: &str,
    runs: usize,
    mut filter: impl FnMut() -> Filter,
    conn: &rusqlite::Connection,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let filter = filter();
        let began = Instant::now();
        rows = history::query(conn, &filter)?.len();
        times.push(began.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    println!(
        "{name:<52} median {:>8.3} ms, p99 {:>8.3} ms ({rows} rows)",
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
    Ok(())
}
