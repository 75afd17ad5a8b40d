//! `authdeck check` killed with SIGKILL at random points of 1,000 history writes, 10 rounds.
//!
//! Each case of the suite is one login against the sandbox and one history event, and the CLI
//! prints a case's row only after its event is written. So every printed row is an event the
//! CLI reported as written: after each kill, `PRAGMA integrity_check` must say ok and every
//! printed case must be in the history.

mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{Dice, World};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ROUNDS: usize = 10;
const CASES: usize = 1_000;

/// A suite of `CASES` refused logins (one event each), case names tagged with the round.
fn write_suite(path: &Path, base_url: &str, round: usize) -> std::io::Result<()> {
    let mut text = format!(
        "name = \"crash round {round}\"\n\n[defaults]\nprovider = \"meetra\"\n\
         base_url = \"{base_url}\"\npassword = \"wrong-password\"\n"
    );
    for case in 0..CASES {
        text.push_str(&format!(
            "\n[[case]]\nname = \"r{round:02} c{case:04}\"\nemail = \"alice@meetra.test\"\nok = false\n"
        ));
    }
    std::fs::write(path, text)
}

/// The case names of round `round` the history holds, from the events' notes.
fn recorded(db: &Path, round: usize) -> Result<BTreeSet<String>, rusqlite::Error> {
    let conn = rusqlite::Connection::open(db)?;
    let mut stmt =
        conn.prepare("SELECT note FROM events WHERE action = 'check' AND note LIKE ?1")?;
    let pattern = format!("%case \"r{round:02} c%");
    let notes = stmt.query_map([pattern], |r| r.get::<_, String>(0))?;
    let mut names = BTreeSet::new();
    for note in notes {
        let note = note?;
        if let Some(start) = note.find(&format!("r{round:02} c")) {
            names.insert(note[start..start + 9].to_string());
        }
    }
    Ok(names)
}

fn integrity(db: &Path) -> Result<String, rusqlite::Error> {
    let conn = rusqlite::Connection::open(db)?;
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_history_writes_keeps_the_database_intact_and_every_reported_event()
-> TestResult {
    let world = World::start().await?;
    let home = &world.home;
    let db = home.path().join("authdeck.db");
    let base_url = world.sandbox.base_url("meetra");
    let mut dice = Dice::from_clock();
    println!("seed {}", dice.0);

    // Kill points spread over a whole run; the first round measures how long one takes when
    // left alone, the others are killed anywhere in it.
    let mut full: Option<Duration> = None;
    let (mut reported_total, mut lost_total, mut unreported_total) = (0, 0, 0);
    let mut killed_rounds = 0;
    for round in 0..=ROUNDS {
        let suite = home.path().join(format!("round{round}.toml"));
        write_suite(&suite, &base_url, round)?;
        let mut child = world
            .authdeck(&["check"])
            .arg(&suite)
            .args(["--concurrency", "4"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("stdout")?;
        let tag = format!("r{round:02} c");
        let reader = std::thread::spawn(move || {
            let mut rows = BTreeSet::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(start) = line.find(&tag) {
                    rows.insert(line[start..start + 9].to_string());
                }
            }
            rows
        });
        let started = Instant::now();
        let killed = match full {
            None => {
                child.wait()?;
                full = Some(started.elapsed());
                println!("one run of {CASES} cases takes {:?}", started.elapsed());
                false
            }
            Some(full) => {
                let delay = Duration::from_micros(dice.below(full.as_micros() as u64));
                tokio::time::sleep(delay).await;
                let finished = child.try_wait()?.is_some();
                let _ = child.kill(); // SIGKILL on unix
                child.wait()?;
                !finished
            }
        };
        let reported = reader.join().map_err(|_| "the reader thread panicked")?;

        assert_eq!(integrity(&db)?, "ok", "round {round}: integrity_check");
        let in_history = recorded(&db, round)?;
        let lost: Vec<_> = reported.difference(&in_history).collect();
        assert!(
            lost.is_empty(),
            "round {round}: cases reported as written are missing from the history: {lost:?}"
        );
        if killed {
            killed_rounds += 1;
        } else if round == 0 {
            assert_eq!(reported.len(), CASES, "an unkilled run reports every case");
        }
        if round > 0 {
            reported_total += reported.len();
            lost_total += lost.len();
            unreported_total += in_history.len() - reported.len();
        }
        // The CLI still opens the file and reads the history after the kill.
        let out = world
            .authdeck(&["history", "--limit", "1", "--json"])
            .output()?;
        assert!(
            out.status.success(),
            "round {round}: history after the kill: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    println!(
        "FIGURES crash_history: {ROUNDS} rounds of up to {CASES} history writes, {killed_rounds} \
         killed mid-run; events reported written: {reported_total}; lost: {lost_total}; written \
         but killed before being reported: {unreported_total}; integrity_check ok: {ROUNDS}/{ROUNDS}"
    );
    Ok(())
}
