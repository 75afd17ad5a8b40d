//! `authdeck refresh` and `authdeck token` killed with SIGKILL at random points of a
//! refresh-token rotation (User Login rotates, and revokes the old refresh token at once).
//!
//! The window no client can close: when the kill lands after the server rotated but before the
//! keyring write, the new refresh token is gone and the old one is revoked. This test measures
//! how often that happens, proves the rotated token is never lost outside it, and that with a
//! remembered password the session always recovers by itself (a re-login).
//!
//! Needs a real keyring: it re-runs itself under scripts/with-keyring.sh when not in one.

mod support;

use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Stats};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{Dice, World, in_keyring_session};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ROUNDS_PER_COMMAND: usize = 10;

impl World {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.authdeck(args);
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> std::io::Result<Output> {
        self.cmd(args).output()
    }

    fn login(&self, account: &str, email: &str) -> TestResult {
        let mut args = support::login_args(&self.sandbox, account, "user-login", email);
        args.push("--remember-password".into());
        let out = support::run_with_stdin(&mut self.authdeck(&args), PASSWORD)?;
        assert!(
            out.status.success(),
            "login {account}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(())
    }

    fn stored_refresh_token(&self, account: &str) -> Result<Option<String>, authdeck_core::Error> {
        let doc = Vault::open_with_service(self.service.clone())?.load(account)?;
        Ok(doc
            .and_then(|d| d.refresh_token)
            .map(|t| t.expose().to_string()))
    }

    fn integrity(&self) -> Result<String, rusqlite::Error> {
        let conn = rusqlite::Connection::open(self.home.path().join("authdeck.db"))?;
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
    }
}

#[derive(Debug, Default)]
struct Tally {
    rounds: usize,
    killed_before_the_request: usize,
    rotated_token_kept: usize,
    window_hit: usize,
    finished_before_the_kill: usize,
    recovered_by_relogin: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_refresh_token_rotation_never_loses_a_session_with_a_remembered_password()
-> TestResult {
    if !in_keyring_session(
        "sigkill_during_refresh_token_rotation_never_loses_a_session_with_a_remembered_password",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice@userlogin.test")?;

    // How long one whole refresh takes here, to spread the kills over all of it.
    let started = Instant::now();
    let out = w.run(&["refresh", "dev"])?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = started.elapsed();
    let mut dice = Dice::from_clock();
    println!("seed {}, one refresh takes {full:?}", dice.0);

    let mut tally = Tally::default();
    for round in 0..ROUNDS_PER_COMMAND * 2 {
        let args: &[&str] = if round % 2 == 0 {
            &["refresh", "dev"]
        } else {
            // Asks for more than any token lives, so it always renews.
            &["token", "dev", "--min-valid", "86400"]
        };
        let before_token = w.stored_refresh_token("dev")?.ok_or("a refresh token")?;
        let before: Stats = w.sandbox.stats();
        let delay = Duration::from_micros(dice.below(full.as_micros() as u64 * 13 / 10));

        let mut child = w.cmd(args).spawn()?;
        tokio::time::sleep(delay).await;
        let finished = child.try_wait()?.is_some();
        let _ = child.kill(); // SIGKILL on unix
        child.wait()?;
        // The server may still be answering the killed request; let it finish.
        tokio::time::sleep(Duration::from_millis(50)).await;

        let after: Stats = w.sandbox.stats();
        let rotated = after.refreshes > before.refreshes;
        let now_token = w
            .stored_refresh_token("dev")?
            .ok_or("a refresh token stays")?;
        assert_eq!(
            after.refresh_rejections, before.refresh_rejections,
            "round {round}: the killed process sent a revoked refresh token"
        );
        assert_eq!(
            w.integrity()?,
            "ok",
            "round {round}: the database is intact"
        );

        let window = rotated && now_token == before_token;
        tally.rounds += 1;
        if finished {
            tally.finished_before_the_kill += 1;
        } else if !rotated {
            tally.killed_before_the_request += 1;
        } else if window {
            tally.window_hit += 1;
        } else {
            tally.rotated_token_kept += 1;
        }

        // The next refresh must work whatever happened: with the rotated token when it was
        // kept, by re-login with the remembered password when the kill hit the window.
        let probe_before = w.sandbox.stats();
        let probe = w.run(&["refresh", "dev", "--json"])?;
        assert!(
            probe.status.success(),
            "round {round} ({args:?} killed after {delay:?}): the session must recover: {}",
            String::from_utf8_lossy(&probe.stderr)
        );
        let probe_after = w.sandbox.stats();
        let rejected = probe_after.refresh_rejections - probe_before.refresh_rejections;
        if window {
            assert_eq!(rejected, 1, "round {round}: the lost token is refused once");
            assert_eq!(
                probe_after.logins - probe_before.logins,
                1,
                "round {round}: then one re-login with the remembered password"
            );
            tally.recovered_by_relogin += 1;
        } else {
            assert_eq!(
                rejected, 0,
                "round {round} ({args:?} killed after {delay:?}): outside the window the \
                 keyring holds the server's current refresh token"
            );
        }
    }

    println!(
        "FIGURES crash_refresh: {} rounds ({} refresh, {} token); killed before the request: {}; \
         killed after the rotation with the new refresh token kept: {}; finished before the \
         kill: {}; kill inside the rotation window (token lost): {}, each recovered by re-login \
         with the remembered password: {}; sessions left unusable: 0; integrity_check ok: {}/{}",
        tally.rounds,
        ROUNDS_PER_COMMAND,
        ROUNDS_PER_COMMAND,
        tally.killed_before_the_request,
        tally.rotated_token_kept,
        tally.finished_before_the_kill,
        tally.window_hit,
        tally.recovered_by_relogin,
        tally.rounds,
        tally.rounds
    );
    Ok(())
}
