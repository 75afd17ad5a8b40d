//! The app's background refresher (core `refresher::run`, in this process) and several
//! `authdeck token` processes renew the same accounts at once, through refresh-token rotation
//! (User Login revokes a refresh token the moment it is used).
//!
//! The CLI loops run back to back, unpaced: the keyring daemon must survive them (gnome-keyring
//! 42 aborts under fast client churn; a fresh token comes from the kernel token cache).
//!
//! Everybody renews when less than 1 s is left of a 4 s token. Exactly one refresh per expiry
//! means: no refresh ever renews a token that still had more than that 1 s left (a second
//! refresh of the same token would). Nobody gets a revoked token: the sandbox never saw a
//! revoked refresh token, and no process fell back to a re-login or failed.
//!
//! Needs a real keyring: it re-runs itself under scripts/with-keyring.sh when not in one.

mod support;

use authdeck_core::deck::Deck;
use authdeck_core::history::{Action, Filter};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::refresher::{self, Config, Event};
use authdeck_core::vault::Vault;
use authdeck_sandbox::PASSWORD;
use jiff::SignedDuration;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::{World, in_keyring_session};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ACCOUNTS: [&str; 3] = ["ana", "ben", "cy"];
const TTL_SECS: i64 = 4;
const MIN_VALID_SECS: i64 = 1;
const CLI_WORKERS: usize = 3;
const RUN_FOR: Duration = Duration::from_secs(13);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_refresher_and_cli_processes_refresh_once_per_expiry_and_never_use_a_revoked_token()
-> TestResult {
    if !in_keyring_session(
        "the_app_refresher_and_cli_processes_refresh_once_per_expiry_and_never_use_a_revoked_token",
    ) {
        return Ok(());
    }
    let World {
        sandbox,
        home,
        service,
    } = World::start().await?;
    for name in ACCOUNTS {
        let email = format!("alice+ttl{TTL_SECS}@userlogin.test");
        let args = support::login_args(&sandbox, name, "user-login", &email);
        let mut login = support::authdeck(home.path(), &service);
        let out = support::run_with_stdin(login.args(&args), PASSWORD)?;
        assert!(
            out.status.success(),
            "login {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let start_stats = sandbox.stats();
    let daemon = support::secret_service_pid().ok_or("a Secret Service daemon runs")?;

    // The app: its refresher renews each account when 1 s is left.
    let deck = Arc::new(Deck::open_with_vault(
        Home::at(home.path())?,
        Vault::open_with_service(service.clone())?,
    )?);
    let (events_tx, mut events_rx) = tokio::sync::mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let config = Config {
        margin_fraction: 0.25,
        min_margin: SignedDuration::from_secs(MIN_VALID_SECS),
        max_margin: SignedDuration::from_secs(MIN_VALID_SECS),
        ..Config::default()
    };
    let refresher = tokio::spawn(refresher::run(
        deck.clone(),
        Http::new()?,
        config,
        events_tx,
        Arc::new(tokio::sync::Notify::new()),
        stop_rx,
    ));

    // The CLI: processes asking for each account's token in a loop, from several threads.
    let stop = Arc::new(AtomicBool::new(false));
    let runs = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..CLI_WORKERS)
        .map(|worker| {
            let (home, service, stop, runs) = (
                home.path().to_path_buf(),
                service.clone(),
                stop.clone(),
                runs.clone(),
            );
            std::thread::spawn(move || -> Result<(), String> {
                let mut turn = worker;
                while !stop.load(Ordering::SeqCst) {
                    let name = ACCOUNTS[turn % ACCOUNTS.len()];
                    turn += 1;
                    let min_valid = MIN_VALID_SECS.to_string();
                    let out = support::authdeck(&home, &service)
                        .args(["token", name, "--min-valid", &min_valid])
                        .stdin(Stdio::null())
                        .output()
                        .map_err(|e| e.to_string())?;
                    if !out.status.success() {
                        return Err(format!(
                            "`authdeck token {name}` failed: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                    // No pause: back to back, as a script that asks before every request.
                    runs.fetch_add(1, Ordering::SeqCst);
                }
                Ok(())
            })
        })
        .collect();

    let started = Instant::now();
    while started.elapsed() < RUN_FOR {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().map_err(|_| "a CLI worker panicked")??;
    }
    let _ = stop_tx.send(true);
    refresher.await?;
    let mut app_events = Vec::new();
    while let Ok(event) = events_rx.try_recv() {
        app_events.push(event);
    }

    assert_eq!(
        support::secret_service_pid(),
        Some(daemon),
        "gnome-keyring-daemon survived the unpaced callers: the same process ran throughout"
    );
    let stats = sandbox.stats();
    assert_eq!(
        stats.refresh_rejections, 0,
        "nobody sent a revoked refresh token"
    );
    assert_eq!(
        stats.logins, start_stats.logins,
        "no re-login covered up a refused refresh (no password is remembered)"
    );
    let failures: Vec<_> = app_events
        .iter()
        .filter(|e| !matches!(e, Event::Renewed { .. }))
        .collect();
    assert!(
        failures.is_empty(),
        "the refresher never failed: {failures:?}"
    );

    let mut refreshes = 0;
    for name in ACCOUNTS {
        let mut events = deck.history(&Filter {
            account: Some(name.to_string()),
            ..Filter::default()
        })?;
        events.sort_by_key(|e| e.id);
        let mut previous_expiry = None;
        let mut count = 0;
        for event in &events {
            match event.action {
                Action::Login => previous_expiry = event.expires_at,
                Action::Refresh => {
                    assert!(event.ok, "{name}: a refresh failed: {event:?}");
                    let expiring = previous_expiry.ok_or("a refresh follows a login")?;
                    // The server's expiry is whole seconds: allow one more second.
                    let earliest = expiring - SignedDuration::from_secs(MIN_VALID_SECS + 1);
                    assert!(
                        event.at >= earliest,
                        "{name}: refreshed at {} a token valid until {expiring}: a second refresh \
                         of one expiry",
                        event.at
                    );
                    previous_expiry = event.expires_at;
                    count += 1;
                }
                other => panic!("{name}: unexpected {other:?} event"),
            }
        }
        assert!(
            count >= 2,
            "{name}: rotated at least twice in {RUN_FOR:?} (got {count})"
        );
        refreshes += count;
    }
    assert_eq!(
        stats.refreshes - start_stats.refreshes,
        refreshes as u64,
        "every refresh the server saw is in the history"
    );
    let by_app = app_events
        .iter()
        .filter(|e| matches!(e, Event::Renewed { .. }))
        .count();
    println!(
        "FIGURES concurrency_refresh: {} accounts, {RUN_FOR:?}, {} `authdeck token` processes \
         from {CLI_WORKERS} threads plus the app's refresher ({by_app} renewals reported); \
         refreshes: {refreshes} (one per expiry), refresh rejections: {}, re-logins: 0, \
         gnome-keyring-daemon pid {daemon} throughout",
        ACCOUNTS.len(),
        runs.load(Ordering::SeqCst),
        stats.refresh_rejections
    );
    Ok(())
}
