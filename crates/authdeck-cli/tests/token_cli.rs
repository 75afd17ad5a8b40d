//! `authdeck token` and `authdeck refresh` against the sandbox, with the real keyring.
//! Run under scripts/with-keyring.sh (make test does).

mod support;

use authdeck_sandbox::{PASSWORD, Stats};
use std::process::{Output, Stdio};
use std::time::Duration;
use support::{World, stderr};

async fn env() -> World {
    support::require_keyring();
    World::start().await.unwrap()
}

impl World {
    fn run(&self, args: &[&str]) -> Output {
        self.authdeck(args).stdin(Stdio::null()).output().unwrap()
    }

    fn login(&self, account: &str, api: &str, email: &str, extra: &[&str]) {
        let mut args = support::login_args(&self.sandbox, account, api, email);
        args.extend(extra.iter().map(|a| a.to_string()));
        let out = support::run_with_stdin(&mut self.authdeck(&args), PASSWORD).unwrap();
        assert!(
            out.status.success(),
            "login {account} failed: {}",
            stderr(&out)
        );
    }

    fn stats(&self) -> Stats {
        self.sandbox.stats()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim_end().to_string()
}

async fn wait_past(secs: u64) {
    tokio::time::sleep(Duration::from_millis(secs * 1000 + 300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_token_is_printed_without_any_request() {
    let e = env().await;
    e.login("dev", "user-login", "alice@userlogin.test", &[]);
    let before = e.stats();
    let out = e.run(&["token", "dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split('.').count(),
        3,
        "a raw JWT and nothing else on stdout"
    );
    assert_eq!(e.stats(), before, "a fresh token needs no request");
    assert!(
        stderr(&out).is_empty(),
        "no warnings for a fresh token: {}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_user_login_session_is_renewed_through_user_refresh() {
    let e = env().await;
    e.login("dev", "user-login", "alice+ttl2@userlogin.test", &[]);
    let first = stdout(&e.run(&["token", "dev", "--min-valid", "0"]));
    wait_past(2).await;
    let before = e.stats();
    let out = e.run(&["token", "dev", "--min-valid", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = e.stats();
    assert_eq!(
        after.refreshes - before.refreshes,
        1,
        "exactly one refresh request"
    );
    assert_eq!(
        after.logins, before.logins,
        "no re-login when the refresh token works"
    );
    assert_ne!(stdout(&out), first, "a new token");
    let history = stdout(&e.run(&["history", "dev", "--json"]));
    assert!(
        history.contains("\"refresh\""),
        "the refresh is in the history: {history}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_refresh_an_expired_session_is_renewed_by_relogin_with_the_remembered_password() {
    let e = env().await;
    e.login(
        "mm",
        "meetmates",
        "alice+ttl2@adgitmdelhi.ac.in",
        &["--remember-password"],
    );
    wait_past(2).await;
    let before = e.stats();
    let out = e.run(&["token", "mm", "--min-valid", "1", "--format", "header"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Authorization: Bearer ey"),
        "{}",
        stdout(&out)
    );
    assert_eq!(e.stats().logins - before.logins, 1, "one re-login");
    let history = stdout(&e.run(&["history", "mm", "--json"]));
    assert!(
        history.contains("\"relogin\""),
        "the re-login is in the history: {history}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_without_password_fails_clearly() {
    let e = env().await;
    e.login("me", "meetra", "alice+ttl1@meetra.test", &[]);
    wait_past(1).await;
    let before = e.stats();
    let out = e.run(&["token", "me"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).is_empty(),
        "nothing on stdout when there is no token"
    );
    let err = stderr(&out);
    assert!(
        err.contains("expired") && err.contains("authdeck login me"),
        "{err}"
    );
    assert_eq!(e.stats(), before, "nothing to send without a password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_token_processes_cause_exactly_one_refresh() {
    let e = env().await;
    e.login("dev", "user-login", "alice+ttl2@userlogin.test", &[]);
    wait_past(2).await;
    let before = e.stats();
    // Hold the account's lock while the 20 start, so they all find the same expired session
    // and queue on the lock, as they would behind a slow refresh.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(e.home.path().join("locks").join("dev.lock"))
        .unwrap();
    lock.lock().unwrap();
    let children: Vec<_> = (0..20)
        .map(|_| {
            e.authdeck(&["token", "dev"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    lock.unlock().unwrap();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outputs {
        assert!(o.status.success(), "{}", stderr(o));
    }
    let tokens: std::collections::BTreeSet<String> = outputs.iter().map(stdout).collect();
    assert_eq!(tokens.len(), 1, "all 20 print the same token: {tokens:?}");
    assert_eq!(
        e.stats().refreshes - before.refreshes,
        1,
        "exactly one refresh reached the server"
    );
    assert_eq!(e.stats().refresh_rejections, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_refresh_token_survives_a_crash_after_the_refresh() {
    let e = env().await;
    e.login("dev", "user-login", "alice@userlogin.test", &[]);
    // Refresh, and kill the process as soon as it reports success: the rotated refresh token
    // must already be in the keyring, since the old one is revoked.
    let mut child = e
        .authdeck(&["refresh", "dev", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("\"ok\":true"), "{line}");
    let out = e.run(&["refresh", "dev", "--json"]);
    assert!(
        out.status.success(),
        "the next refresh uses the rotated token: {}",
        stderr(&out)
    );
    assert_eq!(
        e.stats().refresh_rejections,
        0,
        "no revoked refresh token was ever sent"
    );
    assert_eq!(e.stats().refreshes, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_format_prints_only_the_requested_output() {
    let e = env().await;
    e.login("dev", "sealmetrics", "alice@sealmetrics.test", &[]);
    let raw = stdout(&e.run(&["token", "dev", "--format", "raw"]));
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "header"])),
        format!("Authorization: Bearer {raw}")
    );
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "curl"])),
        format!("-H 'Authorization: Bearer {raw}'")
    );
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "env"])),
        format!("export AUTHDECK_TOKEN='{raw}'")
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&e.run(&["token", "dev", "--format", "json"]))).unwrap();
    assert_eq!(json["account"], "dev");
    assert_eq!(json["token"], raw.as_str());
    assert_eq!(json["token_type"], "Bearer");
    assert!(
        json["expires_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z')),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_of_unknown_expiry_comes_with_a_warning_on_stderr() {
    let e = env().await;
    e.login("nx", "meetra", "noexp@meetra.test", &[]);
    let out = e.run(&["token", "nx"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("unknown"), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).split('.').count(),
        3,
        "the token still goes to stdout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_account_is_a_usage_error() {
    let e = env().await;
    let out = e.run(&["token", "ghost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("authdeck accounts"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accounts_own_variable_name_is_kept_and_used_by_env_dotenv_and_exec() {
    let e = env().await;
    e.login(
        "dev",
        "sealmetrics",
        "alice@sealmetrics.test",
        &["--env-var", "SEAL_TOKEN", "--timeout", "7"],
    );
    let raw = stdout(&e.run(&["token", "dev"]));
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "env"])),
        format!("export SEAL_TOKEN='{raw}'")
    );
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "dotenv"])),
        format!("SEAL_TOKEN={raw}")
    );
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&e.run(&["accounts", "--json"]))).unwrap();
    assert_eq!(listed[0]["env_var"], "SEAL_TOKEN", "{listed}");
    assert_eq!(listed[0]["timeout_secs"], 7, "{listed}");
    let exec = e.run(&[
        "exec",
        "dev",
        "--",
        "sh",
        "-c",
        "printf '%s|%s' \"$SEAL_TOKEN\" \"$AUTHDECK_TOKEN\"",
    ]);
    assert!(exec.status.success(), "{}", stderr(&exec));
    assert_eq!(stdout(&exec), format!("{raw}|{raw}"));

    e.login(
        "ops",
        "user-login",
        "alice@userlogin.test",
        &["--env-var", "SEAL_TOKEN"],
    );
    let both = e.run(&["exec", "dev", "ops", "--", "true"]);
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert!(
        stderr(&both).contains("both put their token in SEAL_TOKEN"),
        "one variable never silently holds one of two tokens: {}",
        stderr(&both)
    );
    for taken in ["BASH_ENV", "http_proxy", "AUTHDECK_HEADER"] {
        let out = support::run_with_stdin(
            &mut e.authdeck(&["login", "ops", "--password-stdin", "--env-var", taken]),
            PASSWORD,
        )
        .unwrap();
        assert_eq!(out.status.code(), Some(2), "{taken}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is taken"),
            "{taken}: {}",
            stderr(&out)
        );
    }

    let bad = support::run_with_stdin(
        &mut e.authdeck(&["login", "dev", "--password-stdin", "--env-var", "1X"]),
        PASSWORD,
    )
    .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("not a variable name"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "dotenv"])),
        format!("SEAL_TOKEN={raw}"),
        "a refused name changes nothing"
    );

    e.login(
        "dev",
        "sealmetrics",
        "alice@sealmetrics.test",
        &["--env-var", ""],
    );
    let raw = stdout(&e.run(&["token", "dev"]));
    assert_eq!(
        stdout(&e.run(&["token", "dev", "--format", "dotenv"])),
        format!("AUTHDECK_TOKEN={raw}"),
        "an empty name goes back to the default"
    );
}
