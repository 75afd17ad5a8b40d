//! A database Authdeck cannot use safely is refused with a clear error and left exactly as it was.

use authdeck_core::db::{self, SCHEMA_VERSION};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::{Error, history};
use std::path::Path;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn assert_refused_and_untouched(path: &Path, expected: &str) -> TestResult {
    let before = std::fs::read(path)?;
    let err = db::open(path).expect_err("the database must be refused");
    let message = err.to_string();
    assert!(matches!(err, Error::Storage(_)), "a storage error: {err:?}");
    assert!(
        message.contains(expected),
        "the message explains: {message}"
    );
    assert!(
        message.contains(&path.display().to_string()),
        "the message names the file: {message}"
    );
    assert_eq!(std::fs::read(path)?, before, "the file was not changed");
    Ok(())
}

#[test]
fn database_from_a_newer_authdeck_is_refused_and_untouched() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("authdeck.db");
    {
        let conn = db::open(&path)?;
        history::insert(
            &conn,
            &history::NewEvent::new(
                jiff::Timestamp::now(),
                "alice",
                "user-login",
                history::Action::Login,
                true,
            ),
        )?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
    } // closing the last connection checkpoints the WAL into the file

    assert_refused_and_untouched(&path, "made by a newer Authdeck")?;

    // The same through the front door the CLI and the app use.
    let err = Deck::open(Home::at(tmp.path())?).expect_err("Deck::open refuses it too");
    assert!(err.to_string().contains("newer Authdeck"), "{err}");
    Ok(())
}

#[test]
fn file_that_is_not_a_database_is_refused_and_kept() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("authdeck.db");
    std::fs::write(
        &path,
        "these are someone's notes, not a database\n".repeat(200),
    )?;
    assert_refused_and_untouched(&path, "is not an Authdeck database")
}

#[test]
fn database_with_a_damaged_first_page_is_refused_and_kept() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("authdeck.db");
    drop(db::open(&path)?);
    // Keep the 100-byte header (so it still looks like SQLite) and wreck the schema page.
    let mut bytes = std::fs::read(&path)?;
    let end = bytes.len().min(4096);
    for (i, byte) in bytes[100..end].iter_mut().enumerate() {
        *byte = (i * 7 + 13) as u8;
    }
    std::fs::write(&path, &bytes)?;
    assert_refused_and_untouched(&path, "is not an Authdeck database")
}

#[test]
fn empty_file_becomes_a_fresh_database() -> TestResult {
    // An empty file is what a crash right after creation leaves: nothing to lose, so use it.
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("authdeck.db");
    std::fs::write(&path, "")?;
    let conn = db::open(&path)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    assert_eq!(version, SCHEMA_VERSION);
    Ok(())
}
