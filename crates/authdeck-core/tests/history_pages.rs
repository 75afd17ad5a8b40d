//! History beyond one screenful: search by message, pages that reach the oldest event, a count
//! of what matches, and a CSV export of every matching row (issue 14, item 5).

use authdeck_core::deck::Deck;
use authdeck_core::history::{self, Action, EventKey, Filter, NewEvent, Page};
use authdeck_core::home::Home;
use authdeck_core::{Failure, Kind, db};
use jiff::Timestamp;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const EVENTS: i64 = 1_200;

/// A deck with `EVENTS` events, one a second; every third a failure whose message says
/// "Rate limit hit (50%)", the others a plain success.
fn deck_with_events() -> Result<(tempfile::TempDir, Deck), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path())?;
    let conn = db::open(&home.db_path())?;
    db::write(&conn, |tx| {
        for i in 0..EVENTS {
            let at = Timestamp::from_second(1_800_000_000 + i).unwrap_or(Timestamp::UNIX_EPOCH);
            let event = if i % 3 == 0 {
                let failure = Failure {
                    kind: Kind::RateLimited,
                    http_status: Some(429),
                    error_code: None,
                    message: Some(format!("Rate limit hit (50%) #{i}")),
                    retry_after_secs: None,
                };
                NewEvent::failed(at, "alice", "user-login", Action::Login, &failure)
            } else {
                NewEvent::new(at, "alice", "user-login", Action::Refresh, true)
            };
            history::insert(tx, &event)?;
        }
        Ok(())
    })?;
    drop(conn);
    Ok((tmp, Deck::open(home)?))
}

fn page(page: Page, limit: u32) -> Filter {
    Filter {
        page,
        limit: Some(limit),
        ..Filter::default()
    }
}

#[test]
fn message_search_finds_a_piece_of_the_text_in_any_case_and_takes_wildcards_literally() -> TestResult
{
    let (_tmp, deck) = deck_with_events()?;
    let search = |text: &str| Filter {
        message: Some(text.into()),
        ..Filter::default()
    };
    let found = deck.history(&search("RATE LIMIT"))?;
    assert_eq!(found.len(), 400, "every third of 1,200 events says it");
    assert!(
        found.iter().all(|e| e.kind == Some(Kind::RateLimited)),
        "only the failures match"
    );
    assert_eq!(deck.history_count(&search("rate limit"))?, 400);
    assert_eq!(
        deck.history_count(&search("50%"))?,
        400,
        "% is a plain character"
    );
    assert_eq!(
        deck.history_count(&search("5_%"))?,
        0,
        "_ is no wildcard either"
    );
    let one = deck.history(&search("#999"))?;
    assert_eq!(one.len(), 1, "one message ends with #999");
    assert_eq!(
        deck.history_count(&search("   "))?,
        EVENTS as u64,
        "blank: any"
    );
    Ok(())
}

#[test]
fn pages_walk_from_the_newest_to_the_oldest_event_and_back_without_gaps() -> TestResult {
    let (_tmp, deck) = deck_with_events()?;
    assert_eq!(deck.history_count(&page(Page::Newest, 100))?, EVENTS as u64);

    // Down from the newest page, 500 at a time (the old view's cap): every event once.
    let mut seen = Vec::new();
    let mut current = deck.history(&page(Page::Newest, 500))?;
    while let Some(last) = current.last() {
        let key = last.key();
        seen.extend(current.iter().map(|e| e.id));
        current = deck.history(&page(Page::OlderThan { key }, 500))?;
    }
    assert_eq!(seen.len(), EVENTS as usize, "1,200 events, more than 500");
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, no event twice, none left out");

    let oldest = deck.history(&page(Page::Oldest, 100))?;
    assert_eq!(oldest.len(), 100);
    assert_eq!(
        oldest.last().map(|e| e.id),
        seen.last().copied(),
        "the last page ends with the oldest event"
    );
    assert!(
        oldest.windows(2).all(|w| w[0].key() > w[1].key()),
        "the oldest page is shown newest first too"
    );
    let key = oldest.first().map(|e| e.key()).ok_or("empty page")?;
    let above = deck.history(&page(Page::NewerThan { key }, 100))?;
    assert_eq!(
        above.last().map(|e| e.id),
        Some(key.id + 1),
        "the page above starts right after"
    );
    Ok(())
}

#[test]
fn events_of_the_same_millisecond_are_paged_by_id() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let conn = db::open(&tmp.path().join("h.db"))?;
    let at = Timestamp::from_second(1_800_000_000)?;
    for _ in 0..5 {
        history::insert(&conn, &NewEvent::new(at, "a", "p", Action::Login, true))?;
    }
    let first = history::query(&conn, &page(Page::Newest, 2))?;
    let key: EventKey = first[1].key();
    let next = history::query(&conn, &page(Page::OlderThan { key }, 2))?;
    let ids: Vec<i64> = first.iter().chain(&next).map(|e| e.id).collect();
    assert_eq!(ids, vec![5, 4, 3, 2], "ties broken by id, none skipped");
    Ok(())
}

#[test]
fn csv_export_writes_every_matching_row_not_just_a_page() -> TestResult {
    let (tmp, deck) = deck_with_events()?;
    let path = tmp.path().join("out").join("history.csv");
    std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    // The page and limit of the screen are not the export's business.
    let all = Filter {
        limit: Some(100),
        ..Filter::default()
    };
    let rows = deck.export_history_csv(&all, &path)?;
    assert_eq!(rows, EVENTS as u64, "the count it reports");
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + EVENTS as usize, "a header and 1,200 rows");
    assert_eq!(lines[0], history::csv::HEADER);

    let failures = Filter {
        message: Some("rate limit".into()),
        ..Filter::default()
    };
    assert_eq!(deck.export_history_csv(&failures, &path)?, 400);
    let text = std::fs::read_to_string(&path)?;
    assert_eq!(
        text.lines().count(),
        401,
        "the file was replaced, not appended to"
    );
    assert!(text.lines().skip(1).all(|l| l.contains("rate_limited")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "account names and emails are the user's alone");
    }
    Ok(())
}

#[test]
fn csv_export_refuses_a_relative_path_and_a_folder() -> TestResult {
    let (tmp, deck) = deck_with_events()?;
    let err = deck
        .export_history_csv(&Filter::default(), std::path::Path::new("history.csv"))
        .expect_err("a relative path is refused");
    assert!(err.to_string().contains("not a full path"), "{err}");
    let err = deck
        .export_history_csv(&Filter::default(), tmp.path())
        .expect_err("a folder is refused");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    Ok(())
}
