//! The app and the CLI write the same history at once: no event may be lost.

use authdeck_core::db;
use authdeck_core::history::{self, Action, Filter, NewEvent};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PER_WRITER: usize = 200;

fn write_events(db_path: &Path, writer: &str) -> Result<(), authdeck_core::Error> {
    let conn = db::open(db_path)?;
    for i in 0..PER_WRITER {
        let event = NewEvent {
            note: Some(format!("{writer} #{i}")),
            ..NewEvent::new(
                Timestamp::now(),
                writer,
                "user-login",
                Action::Refresh,
                true,
            )
        };
        history::insert(&conn, &event)?;
    }
    Ok(())
}

fn wait_for(path: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        if Instant::now() > deadline {
            return Err(format!("{} never appeared", path.display()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

fn assert_all_events_kept(db_path: &Path, writers: &[&str]) -> TestResult {
    let conn = db::open(db_path)?;
    let events = history::query(&conn, &Filter::default())?;
    assert_eq!(
        events.len(),
        PER_WRITER * writers.len(),
        "no event was lost"
    );
    for writer in writers {
        let filter = Filter {
            account: Some(writer.to_string()),
            ..Filter::default()
        };
        let mut notes: Vec<String> = history::query(&conn, &filter)?
            .into_iter()
            .filter_map(|e| e.note)
            .collect();
        notes.sort();
        notes.dedup();
        assert_eq!(
            notes.len(),
            PER_WRITER,
            "every event of {writer} is there once"
        );
    }
    Ok(())
}

#[test]
fn two_processes_writing_at_once_lose_no_event() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let db_path = tmp.path().join("authdeck.db");
    let go = tmp.path().join("go");
    let writers = ["process-a", "process-b"];
    let mut children = Vec::new();
    for writer in writers {
        let child = Command::new(std::env::current_exe()?)
            .args([
                "child_history_writer",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env("AUTHDECK_TEST_DB", &db_path)
            .env("AUTHDECK_TEST_GO", &go)
            .env("AUTHDECK_TEST_WRITER", writer)
            .env(
                "AUTHDECK_TEST_READY",
                tmp.path().join(format!("{writer}.ready")),
            )
            .spawn()?;
        children.push(child);
    }
    for writer in writers {
        wait_for(&tmp.path().join(format!("{writer}.ready")))?;
    }
    // Both have opened (and raced to create and migrate) the database: now write together.
    std::fs::write(&go, "")?;
    for mut child in children {
        assert!(
            child.wait()?.success(),
            "a writer process failed (output above)"
        );
    }
    assert_all_events_kept(&db_path, &writers)
}

#[test]
#[ignore = "run by two_processes_writing_at_once_lose_no_event"]
fn child_history_writer() -> TestResult {
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .ok_or(name.to_string())
    };
    let db_path = var("AUTHDECK_TEST_DB")?;
    let writer = std::env::var("AUTHDECK_TEST_WRITER")?;
    drop(db::open(&db_path)?);
    std::fs::write(var("AUTHDECK_TEST_READY")?, "")?;
    wait_for(&var("AUTHDECK_TEST_GO")?)?;
    write_events(&db_path, &writer)?;
    Ok(())
}

#[test]
fn two_threads_with_their_own_connections_lose_no_event() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let db_path = tmp.path().join("authdeck.db");
    let writers = ["thread-a", "thread-b"];
    let barrier = std::sync::Barrier::new(writers.len());
    std::thread::scope(|scope| -> TestResult {
        let handles: Vec<_> = writers
            .iter()
            .map(|writer| {
                let (db_path, barrier) = (&db_path, &barrier);
                scope.spawn(move || {
                    barrier.wait();
                    write_events(db_path, writer)
                })
            })
            .collect();
        for handle in handles {
            handle.join().map_err(|_| "a writer thread panicked")??;
        }
        Ok(())
    })?;
    assert_all_events_kept(&db_path, &writers)
}
