//! The kernel token cache (issue 18) through the built `authdeck`: a fresh token is answered
//! with the Secret Service daemon stopped; logout, remove, an edit and a renewal drop the cached
//! copy at once; the copy's kernel timeout is no longer than its token's life, and only a
//! possessor of the user keyring may read it.
//!
//! The cache's entry is looked at from outside, with `keyctl` and `/proc/keys`. Each test runs
//! in a private keyring session of its own (a fresh D-Bus session, gnome-keyring and session
//! keyring, through scripts/with-keyring.sh): one of them kills its keyring daemon.

mod support;

use authdeck_sandbox::PASSWORD;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::{World, secret_service_pid, stderr};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PRIVATE: &str = "AUTHDECK_PRIVATE_KEYRING";

/// True inside this test's own keyring session; otherwise runs `test` of this binary again in a
/// new one, asserts that it passed there, and returns false.
fn in_private_keyring_session(test: &str) -> bool {
    if std::env::var_os(PRIVATE).is_some() {
        return true;
    }
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-keyring.sh");
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let status = Command::new(script)
        .arg(exe)
        .args([test, "--exact", "--nocapture", "--include-ignored"])
        .env_remove("AUTHDECK_IN_KEYRING_SESSION")
        .env_remove("AUTHDECK_IN_KEYCTL_SESSION")
        .env(PRIVATE, "1")
        .status()
        .expect("scripts/with-keyring.sh runs (dbus-run-session, gnome-keyring, keyctl)");
    assert!(
        status.success(),
        "{test} failed in its own keyring session (output above)"
    );
    false
}

impl World {
    fn run(&self, args: &[&str]) -> Output {
        self.authdeck(args)
            .stdin(Stdio::null())
            .output()
            .expect("authdeck runs")
    }

    fn login(&self, account: &str, email: &str) {
        let args = support::login_args(&self.sandbox, account, "user-login", email);
        let out = support::run_with_stdin(&mut self.authdeck(&args), PASSWORD).expect("runs");
        assert!(out.status.success(), "login {account}: {}", stderr(&out));
    }

    /// `authdeck token ACCOUNT --min-valid 10` (the default 60 s would renew a 50 s token).
    fn token(&self, account: &str) -> String {
        let out = self.run(&["token", account, "--min-valid", "10"]);
        assert!(out.status.success(), "token {account}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// The cache's kernel key for `account`, as `/proc/keys` shows it, if there is one.
    fn cached(&self, account: &str) -> Option<KernelKey> {
        let description = format!("authdeck:{}:{account}", self.service);
        let found = Command::new("keyctl")
            .args(["search", "@u", "user", &description])
            .output()
            .expect("keyctl runs");
        if !found.status.success() {
            return None;
        }
        let id: u32 = String::from_utf8_lossy(&found.stdout).trim().parse().ok()?;
        let keys = std::fs::read_to_string("/proc/keys").expect("/proc/keys is readable");
        let line = keys
            .lines()
            .find(|l| l.starts_with(&format!("{id:08x} ")))?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        Some(KernelKey {
            id,
            timeout: fields[3].to_string(),
            perms: fields[4].to_string(),
        })
    }
}

/// A key as `/proc/keys` lists it.
#[derive(Debug)]
struct KernelKey {
    id: u32,
    /// `perm` (no timeout), or what is left: `59s`, `12m`, `3h` (rounded down).
    timeout: String,
    /// Possessor, user, group, other: two hex digits each.
    perms: String,
}

impl KernelKey {
    /// The most seconds the kernel may keep the key; `None` when it has no timeout.
    fn seconds_left_at_most(&self) -> Option<u64> {
        let (number, unit) = self.timeout.split_at(self.timeout.len() - 1);
        let n: u64 = number.parse().ok()?;
        let unit_secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 604_800,
            _ => return None,
        };
        Some((n + 1) * unit_secs - 1)
    }
}

/// Kills the Secret Service daemon and waits until D-Bus has seen it go.
fn stop_secret_service() -> Result<u32, Box<dyn std::error::Error>> {
    let pid = secret_service_pid().ok_or("a Secret Service daemon runs")?;
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()?;
    assert!(killed.success(), "kill {pid}");
    let started = Instant::now();
    while secret_service_pid().is_some() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the killed daemon still owns org.freedesktop.secrets"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(pid)
}

/// The sandbox's JWTs carry whole seconds and no nonce: two issued within one second are the
/// same string. Waiting for the next second tells a new token from an old one.
fn next_second() {
    let now = jiff::Timestamp::now();
    let next = jiff::Timestamp::from_second(now.as_second() + 1).expect("in range");
    std::thread::sleep(next.duration_since(now).unsigned_abs() + Duration::from_millis(20));
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_token_is_answered_from_the_kernel_keyring_with_the_secret_service_stopped()
-> TestResult {
    if !in_private_keyring_session(
        "a_fresh_token_is_answered_from_the_kernel_keyring_with_the_secret_service_stopped",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice+ttl50@userlogin.test");
    assert!(
        w.cached("dev").is_none(),
        "a login caches nothing: the first `token` does"
    );
    let token = w.token("dev");
    let key = w
        .cached("dev")
        .ok_or("the first `token` kept a copy in @u")?;

    // No longer than the token: the kernel drops the copy when the token expires.
    let out = w.run(&["token", "dev", "--min-valid", "10", "--format", "json"]);
    let expires_at: jiff::Timestamp = json(&out)["expires_at"]
        .as_str()
        .ok_or("token --format json has expires_at")?
        .parse()?;
    let life_left = expires_at
        .duration_since(jiff::Timestamp::now())
        .as_secs_f64();
    let kept_for = key.seconds_left_at_most().ok_or(format!(
        "the cached copy has a kernel timeout: /proc/keys says {:?}",
        key.timeout
    ))?;
    assert!(
        (kept_for as f64) <= life_left.ceil() + 1.0,
        "the copy may live {kept_for} s, its token {life_left:.1} s ({key:?})"
    );
    // Possessor: view, read, write, search, setattr; the uid, group and others: nothing.
    assert_eq!(key.perms, "2f000000", "{key:?}");
    // The same uid outside a session that reaches @u is not a possessor: it cannot read it.
    let outsider = Command::new("keyctl")
        .args(["session", "-", "keyctl", "print", &key.id.to_string()])
        .output()?;
    assert!(
        !outsider.status.success() && !String::from_utf8_lossy(&outsider.stdout).contains(&token),
        "a process whose session keyring does not reach @u read the token: {}",
        stderr(&outsider)
    );

    let daemon = stop_secret_service()?;
    for _ in 0..3 {
        assert_eq!(
            w.token("dev"),
            token,
            "answered from the kernel keyring with the keyring daemon {daemon} stopped"
        );
    }
    assert_eq!(
        secret_service_pid(),
        None,
        "no Secret Service call was made: D-Bus would have started a new daemon for it"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_remove_an_edit_and_a_renewal_drop_the_cached_token_at_once() -> TestResult {
    if !in_private_keyring_session(
        "logout_remove_an_edit_and_a_renewal_drop_the_cached_token_at_once",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice@userlogin.test");
    let first = w.token("dev");
    assert!(w.cached("dev").is_some(), "cached by `token`");

    let out = w.run(&["logout", "dev"]);
    assert!(out.status.success(), "logout: {}", stderr(&out));
    assert!(w.cached("dev").is_none(), "logout dropped the cached copy");
    let out = w.run(&["token", "dev"]);
    assert!(
        !out.status.success() && out.stdout.is_empty(),
        "no token after logout"
    );
    assert!(stderr(&out).contains("signed out"), "{}", stderr(&out));

    next_second();
    w.login("dev", "alice@userlogin.test");
    let second = w.token("dev");
    assert_ne!(second, first, "a new session's token");
    assert!(w.cached("dev").is_some());
    next_second();
    let out = w.run(&["refresh", "dev"]);
    assert!(out.status.success(), "refresh: {}", stderr(&out));
    assert!(w.cached("dev").is_none(), "a renewal dropped the old copy");
    let renewed = w.token("dev");
    assert_ne!(renewed, second, "the renewed token, not the cached one");

    // An edit: the same account logs in as another user.
    assert!(w.cached("dev").is_some());
    w.login("dev", "alice+ttl600@userlogin.test");
    assert!(w.cached("dev").is_none(), "the edit dropped the old copy");
    let edited = w.token("dev");
    assert_ne!(edited, renewed, "the other user's token");

    let out = w.run(&["remove", "dev"]);
    assert!(out.status.success(), "remove: {}", stderr(&out));
    assert!(w.cached("dev").is_none(), "remove dropped the cached copy");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_cache_off_token_reads_the_keyring_and_keeps_nothing_in_the_kernel() -> TestResult
{
    if !in_private_keyring_session(
        "with_the_cache_off_token_reads_the_keyring_and_keeps_nothing_in_the_kernel",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice@userlogin.test");
    let out = w
        .authdeck(&["token", "dev"])
        .env("AUTHDECK_TOKEN_CACHE", "off")
        .stdin(Stdio::null())
        .output()?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!out.stdout.is_empty(), "a token from the Secret Service");
    assert!(w.cached("dev").is_none(), "nothing in the kernel keyring");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_nothing_renews_warns_at_every_call_with_its_copy_cached() -> TestResult {
    if !in_private_keyring_session("a_key_nothing_renews_warns_at_every_call_with_its_copy_cached")
    {
        return Ok(());
    }
    let w = World::start().await?;
    // A pasted key that expires in three days: nothing renews it, and `token` warns in the
    // week before its end.
    let expires = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(72)).to_string();
    let base = w.sandbox.base_url("user-login");
    let args = [
        "login",
        "key",
        "--provider",
        "user-login",
        "--base-url",
        &base,
        "--token-stdin",
        "--expires-at",
        &expires,
    ];
    let out = support::run_with_stdin(&mut w.authdeck(&args), "ak_live_pasted_key_1234\n")?;
    assert!(out.status.success(), "login: {}", stderr(&out));
    for call in [
        "the first, from the keyring",
        "the next, with a cached copy",
    ] {
        let out = w.run(&["token", "key"]);
        assert!(out.status.success(), "token: {}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim_end(),
            "ak_live_pasted_key_1234"
        );
        assert!(
            stderr(&out).contains("cannot be renewed"),
            "{call} warns: {:?}",
            stderr(&out)
        );
        assert!(w.cached("key").is_some(), "kept in the kernel keyring");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_left_by_a_logout_from_a_process_without_the_cache_is_never_handed_out() -> TestResult
{
    if !in_private_keyring_session(
        "a_copy_left_by_a_logout_from_a_process_without_the_cache_is_never_handed_out",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice+ttl600@userlogin.test");
    w.token("dev");
    assert!(w.cached("dev").is_some(), "cached by `token`");
    // A logout from a process that cannot reach the kernel keyring: with the cache off here.
    let out = w
        .authdeck(&["logout", "dev"])
        .env("AUTHDECK_TOKEN_CACHE", "off")
        .stdin(Stdio::null())
        .output()?;
    assert!(out.status.success(), "logout: {}", stderr(&out));
    assert!(w.cached("dev").is_some(), "left in the kernel keyring");
    let out = w.run(&["token", "dev"]);
    assert!(
        !out.status.success() && out.stdout.is_empty(),
        "a signed-out account's token was handed out: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr(&out).contains("signed out"), "{}", stderr(&out));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_a_newer_authdeck_is_refused_even_with_a_cached_copy() -> TestResult {
    if !in_private_keyring_session(
        "a_database_of_a_newer_authdeck_is_refused_even_with_a_cached_copy",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    w.login("dev", "alice+ttl600@userlogin.test");
    w.token("dev");
    let db = w.home.path().join("authdeck.db");
    let conn = rusqlite::Connection::open(&db)?;
    conn.execute_batch("PRAGMA user_version = 1000;")?;
    drop(conn);
    let out = w.run(&["token", "dev"]);
    assert!(!out.status.success(), "answered over a newer database");
    assert!(stderr(&out).contains("newer Authdeck"), "{}", stderr(&out));
    Ok(())
}
