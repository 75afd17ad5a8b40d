//! `authdeck login` as a user runs it: the built binary against an in-process sandbox, with a
//! temporary AUTHDECK_HOME and a keyring service of its own per test. These tests need a real
//! keyring: `make test` runs them under scripts/with-keyring.sh.

mod support;

use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use serde_json::Value;
use std::process::{Output, Stdio};
use tempfile::TempDir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A sandbox on its own runtime, a home folder and a keyring service, for one test.
struct World {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    home: TempDir,
    service: String,
}

impl World {
    fn new() -> Result<World, Box<dyn std::error::Error>> {
        support::require_keyring();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let support::World {
            sandbox,
            home,
            service,
        } = runtime.block_on(support::World::start())?;
        Ok(World {
            runtime,
            sandbox,
            home,
            service,
        })
    }

    /// Runs `authdeck ARGS`, with `stdin` piped in (or a closed, non-terminal stdin).
    fn run<S: AsRef<std::ffi::OsStr>>(
        &self,
        args: &[S],
        stdin: Option<&str>,
    ) -> Result<Run, Box<dyn std::error::Error>> {
        let mut cmd = support::authdeck(self.home.path(), &self.service);
        cmd.args(args);
        let output = match stdin {
            Some(text) => support::run_with_stdin(&mut cmd, text)?,
            None => cmd.stdin(Stdio::null()).output()?,
        };
        Ok(Run::from(output))
    }

    /// `authdeck login ACCOUNT --provider API --base-url (sandbox) --email EMAIL --password-stdin EXTRA`.
    fn login(
        &self,
        account: &str,
        api: &str,
        email: &str,
        password: &str,
        extra: &[&str],
    ) -> Result<Run, Box<dyn std::error::Error>> {
        let mut args = support::login_args(&self.sandbox, account, api, email);
        args.extend(extra.iter().map(|a| a.to_string()));
        self.run(&args, Some(&format!("{password}\n")))
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // Leave nothing in the test keyring.
        if let Ok(vault) = Vault::open_with_service(self.service.clone()) {
            for account in ["dev", "ts", "quiet", "secret-check", "prod-dev"] {
                let _ = vault.delete(account);
            }
        }
        let _ = &self.runtime;
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    fn json(&self) -> Result<Value, Box<dyn std::error::Error>> {
        serde_json::from_str(self.stdout.trim()).map_err(|e| {
            format!(
                "stdout is not one JSON object ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
            .into()
        })
    }

    fn shown(&self) -> String {
        format!(
            "exit {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[test]
fn json_success_has_exactly_the_documented_keys_and_exits_0() -> TestResult {
    let world = World::new()?;
    let run = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--json"],
    )?;
    assert_eq!(run.code, Some(0), "{}", run.shown());
    let json = run.json()?;
    assert_eq!(
        keys(&json),
        [
            "account",
            "claims",
            "expires_at",
            "http_status",
            "latency_ms",
            "notes",
            "ok",
            "provider",
            "refreshable"
        ],
        "{json}"
    );
    assert_eq!(json["ok"], true);
    assert_eq!(
        (json["account"].as_str(), json["provider"].as_str()),
        (Some("dev"), Some("user-login"))
    );
    assert_eq!(json["http_status"], 200);
    assert_eq!(json["refreshable"], true);
    assert_eq!(json["claims"]["email"], "alice@userlogin.test");
    let expires: jiff::Timestamp = json["expires_at"]
        .as_str()
        .ok_or("expires_at is a string")?
        .parse()?;
    let exp = json["claims"]["exp"].as_i64().ok_or("exp claim")?;
    assert!(
        (expires.as_second() - exp).abs() <= 5,
        "expires_at {expires} vs exp {exp} (skew-corrected at most)"
    );
    assert!(json["latency_ms"].is_u64(), "{json}");
    assert_eq!(json["notes"], serde_json::json!([]));
    Ok(())
}

#[test]
fn json_failure_has_exactly_the_documented_keys_and_exits_1() -> TestResult {
    let world = World::new()?;
    let run = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        "wrong-password",
        &["--json"],
    )?;
    assert_eq!(
        run.code,
        Some(1),
        "a refused login exits 1: {}",
        run.shown()
    );
    let json = run.json()?;
    assert_eq!(
        keys(&json),
        [
            "account",
            "error_code",
            "http_status",
            "kind",
            "latency_ms",
            "message",
            "ok",
            "provider",
            "retry_after_secs"
        ],
        "{json}"
    );
    assert_eq!(json["ok"], false);
    assert_eq!(json["kind"], "invalid_password");
    assert_eq!(json["http_status"], 401);
    assert_eq!(json["error_code"], "INVALID_PASSWORD");
    assert_eq!(json["message"], Value::Null);
    assert_eq!(json["retry_after_secs"], Value::Null);
    Ok(())
}

#[test]
fn json_rate_limit_carries_retry_after() -> TestResult {
    let world = World::new()?;
    let run = world.login(
        "ts",
        "talkstack",
        "slowpoke@talkstack.test",
        PASSWORD,
        &["--json"],
    )?;
    assert_eq!(run.code, Some(1), "{}", run.shown());
    let json = run.json()?;
    assert_eq!(
        (json["kind"].as_str(), json["retry_after_secs"].as_u64()),
        (Some("rate_limited"), Some(2)),
        "{json}"
    );
    assert_eq!(json["message"], "Too many requests.");
    Ok(())
}

#[test]
fn a_new_account_without_provider_is_a_usage_error() -> TestResult {
    let world = World::new()?;
    let base_url = world.sandbox.base_url("meetra");
    let run = world.run(
        &[
            "login",
            "dev",
            "--base-url",
            &base_url,
            "--email",
            "alice@meetra.test",
            "--password-stdin",
        ],
        Some("s3cret-pass\n"),
    )?;
    assert_eq!(run.code, Some(2), "{}", run.shown());
    assert!(
        run.stderr.contains("--provider"),
        "the error must say what to add: {}",
        run.shown()
    );
    assert_eq!(world.sandbox.stats().logins, 0, "nothing may be sent");
    Ok(())
}

#[test]
fn an_unknown_flag_is_a_usage_error() -> TestResult {
    let world = World::new()?;
    let run = world.run(
        &["login", "dev", "--provider", "meetra", "--pasword-stdin"],
        None,
    )?;
    assert_eq!(run.code, Some(2), "{}", run.shown());
    assert!(run.stderr.contains("--pasword-stdin"), "{}", run.shown());
    Ok(())
}

#[test]
fn plain_http_to_another_host_is_a_usage_error_before_asking_for_a_password() -> TestResult {
    let world = World::new()?;
    let run = world.run(
        &[
            "login",
            "dev",
            "--provider",
            "meetra",
            "--base-url",
            "http://api.example.com",
            "--email",
            "a@b.c",
        ],
        None,
    )?;
    assert_eq!(run.code, Some(2), "{}", run.shown());
    assert!(
        run.stderr.contains("--allow-insecure-http"),
        "{}",
        run.shown()
    );
    assert!(
        !run.stderr.contains("no password"),
        "the URL is checked first: {}",
        run.shown()
    );
    Ok(())
}

#[test]
fn no_password_on_a_non_terminal_stdin_is_a_usage_error() -> TestResult {
    let world = World::new()?;
    let base_url = world.sandbox.base_url("meetra");
    let run = world.run(
        &[
            "login",
            "dev",
            "--provider",
            "meetra",
            "--base-url",
            &base_url,
            "--email",
            "alice@meetra.test",
        ],
        None,
    )?;
    assert_eq!(run.code, Some(2), "{}", run.shown());
    assert!(
        run.stderr.contains("--password-stdin"),
        "the error must say how to give it: {}",
        run.shown()
    );
    assert_eq!(world.sandbox.stats().logins, 0);
    Ok(())
}

#[test]
fn password_stdin_logs_in_with_the_piped_password() -> TestResult {
    let world = World::new()?;
    let run = world.login("dev", "meetra", "alice@meetra.test", PASSWORD, &[])?;
    assert_eq!(run.code, Some(0), "{}", run.shown());
    assert!(run.stdout.contains("Logged in dev"), "{}", run.shown());
    let wrong = world.login("dev", "meetra", "alice@meetra.test", "s3cret-pass-not", &[])?;
    assert_eq!(
        wrong.code,
        Some(1),
        "only the piped password is used: {}",
        wrong.shown()
    );
    assert_eq!(world.sandbox.stats().logins, 2);
    Ok(())
}

#[test]
fn timeout_2_against_a_silent_server_fails_as_a_network_error() -> TestResult {
    let world = World::new()?;
    let listener = world
        .runtime
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))?;
    let addr = listener.local_addr()?;
    world.runtime.spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let base_url = format!("http://{addr}");
    let run = world.run(
        &[
            "login",
            "quiet",
            "--provider",
            "meetra",
            "--base-url",
            &base_url,
            "--email",
            "a@b.c",
            "--password-stdin",
            "--timeout",
            "2",
            "--json",
        ],
        Some("pw\n"),
    )?;
    assert_eq!(run.code, Some(1), "{}", run.shown());
    let json = run.json()?;
    assert_eq!(json["kind"], "network_error", "{json}");
    assert_eq!(json["http_status"], Value::Null);
    let message = json["message"].as_str().unwrap_or_default();
    assert!(message.contains("within 2 s"), "{message}");
    Ok(())
}

#[test]
fn password_and_tokens_appear_nowhere_in_the_output_at_vv() -> TestResult {
    let world = World::new()?;
    let human = world.login(
        "secret-check",
        "talkstack",
        "alice@talkstack.test",
        PASSWORD,
        &["-vv"],
    )?;
    assert_eq!(human.code, Some(0), "{}", human.shown());
    let json = world.login(
        "secret-check",
        "talkstack",
        "alice@talkstack.test",
        PASSWORD,
        &["-vv", "--json"],
    )?;
    assert_eq!(json.code, Some(0), "{}", json.shown());
    assert!(
        human.stderr.contains("DEBUG") || json.stderr.contains("DEBUG"),
        "-vv must log at debug: {}",
        human.shown()
    );
    let doc = Vault::open_with_service(world.service.clone())?
        .load("secret-check")?
        .ok_or("the session is in the keyring")?;
    let token = doc.token.ok_or("token stored")?;
    let refresh = doc.refresh_token.ok_or("refresh token stored")?;
    for run in [&human, &json] {
        for (name, secret) in [
            ("password", PASSWORD),
            ("token", token.expose()),
            ("refresh token", refresh.expose()),
        ] {
            assert!(!run.stdout.contains(secret), "the {name} leaked to stdout");
            assert!(!run.stderr.contains(secret), "the {name} leaked to stderr");
        }
        // Neither a piece of the JWT (its signature) may show.
        let signature = token.expose().rsplit('.').next().unwrap_or_default();
        assert!(
            !run.stderr.contains(signature) && !run.stdout.contains(signature),
            "a token piece leaked"
        );
    }
    Ok(())
}

#[test]
fn a_failed_login_at_another_server_leaves_the_account_as_it_was() -> TestResult {
    let world = World::new()?;
    let first = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--remember-password"],
    )?;
    assert_eq!(first.code, Some(0), "{}", first.shown());
    // A typo in the new base URL: nothing listens on the discard port.
    let moved = world.run(
        &[
            "login",
            "dev",
            "--base-url",
            "http://127.0.0.1:9/user-login",
            "--password-stdin",
            "--timeout",
            "5",
        ],
        Some(&format!("{PASSWORD}\n")),
    )?;
    assert_eq!(moved.code, Some(1), "the login fails: {}", moved.shown());
    let accounts = world.run(&["accounts", "--json"], None)?.json()?;
    assert_eq!(
        accounts[0]["base_url"],
        world.sandbox.base_url("user-login"),
        "the account still points at its server"
    );
    assert_eq!(
        accounts[0]["password_remembered"], true,
        "and keeps its password"
    );
    let token = world.run(&["token", "dev"], None)?;
    assert_eq!(
        token.code,
        Some(0),
        "its session still works: {}",
        token.shown()
    );
    Ok(())
}

#[test]
fn a_refused_login_as_another_user_changes_nothing_and_a_successful_one_replaces_the_session()
-> TestResult {
    let world = World::new()?;
    let first = world.login("dev", "user-login", "alice@userlogin.test", PASSWORD, &[])?;
    assert_eq!(first.code, Some(0), "{}", first.shown());
    let fingerprint = |w: &World| -> Result<Value, Box<dyn std::error::Error>> {
        let list = w.run(&["accounts", "--json"], None)?.json()?;
        Ok(list[0]["token_fingerprint"].clone())
    };
    let before = fingerprint(&world)?;
    let login_as = |email: &str| {
        world.run(
            &["login", "dev", "--email", email, "--password-stdin"],
            Some(&format!("{PASSWORD}\n")),
        )
    };
    let refused = login_as("inactive@userlogin.test")?;
    assert_eq!(refused.code, Some(1), "{}", refused.shown());
    let list = world.run(&["accounts", "--json"], None)?.json()?;
    assert_eq!(list[0]["email"], "alice@userlogin.test", "the email stays");
    assert_eq!(fingerprint(&world)?, before, "and so does the session");
    let other = login_as("alice+ttl2@userlogin.test")?;
    assert_eq!(other.code, Some(0), "{}", other.shown());
    let list = world.run(&["accounts", "--json"], None)?.json()?;
    assert_eq!(list[0]["email"], "alice+ttl2@userlogin.test");
    assert_ne!(
        fingerprint(&world)?,
        before,
        "a new session replaced the old one"
    );
    Ok(())
}

/// A listener on 127.0.0.1 that counts the connections it accepts and answers none.
fn counting_listener()
-> Result<(String, std::sync::Arc<std::sync::atomic::AtomicUsize>), Box<dyn std::error::Error>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    Ok((url, count))
}

#[test]
fn moving_an_account_to_another_server_asks_for_its_password_and_sends_the_old_one_nowhere()
-> TestResult {
    let world = World::new()?;
    let first = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--remember-password"],
    )?;
    assert_eq!(first.code, Some(0), "{}", first.shown());
    let (other, connections) = counting_listener()?;
    let moved = world.run(
        &["login", "dev", "--base-url", &format!("{other}/user-login")],
        None,
    )?;
    assert_eq!(moved.code, Some(2), "a usage error: {}", moved.shown());
    assert!(
        moved.stderr.contains(&world.sandbox.url()) && moved.stderr.contains(&other),
        "the message names both servers: {}",
        moved.shown()
    );
    assert!(
        moved.stderr.contains("--password-stdin"),
        "and says what to do"
    );
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing was sent to the new server"
    );
    Ok(())
}

#[test]
fn a_refused_renewal_under_refresh_json_is_the_login_shaped_result() -> TestResult {
    let world = World::new()?;
    let first = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--remember-password"],
    )?;
    assert_eq!(first.code, Some(0), "{}", first.shown());
    // The server will refuse both ways to renew: a refresh token it never issued, then a
    // remembered password that is wrong.
    let vault = Vault::open_with_service(world.service.clone())?;
    let mut doc = vault.load("dev")?.ok_or("dev's entry")?;
    doc.refresh_token = Some(authdeck_core::Secret::new("not-a-refresh-token"));
    doc.password = Some(authdeck_core::Secret::new("s3cret-pass-not"));
    vault.save("dev", &doc)?;
    let run = world.run(&["refresh", "dev", "--json"], None)?;
    assert_eq!(run.code, Some(1), "{}", run.shown());
    let json = run.json()?;
    assert_eq!(json["ok"], false, "{}", run.shown());
    assert_eq!(json["account"], "dev");
    assert!(json["kind"].is_string(), "a failure kind: {json}");
    assert!(json.get("error").is_none(), "not an error object: {json}");
    Ok(())
}

#[test]
fn device_flag_on_a_password_provider_is_refused_in_plain_words() -> TestResult {
    let world = World::new()?;
    let base_url = world.sandbox.base_url("user-login");
    let run = world.run(
        &[
            "login",
            "dev",
            "--provider",
            "user-login",
            "--base-url",
            &base_url,
            "--email",
            "alice@userlogin.test",
            "--device",
        ],
        None,
    )?;
    assert_eq!(run.code, Some(2), "{}", run.shown());
    assert!(
        run.stderr.contains("are for OAuth accounts") && run.stderr.contains("password"),
        "it says why, not an override error: {}",
        run.shown()
    );
    assert_eq!(world.sandbox.stats().logins, 0, "nothing may be sent");
    Ok(())
}

#[test]
fn a_token_that_arrives_expired_names_the_override_that_misread_its_expiry() -> TestResult {
    let w = World::new()?;
    let run = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--set", "success.expires_format=unix_ms", "--json"],
    )?;
    let json = run.json()?;
    let notes = json["notes"].to_string();
    assert!(notes.contains("already past"), "{json}");
    assert!(
        notes.contains("success.expires_format=unix_ms"),
        "the note names the account's own change: {json}"
    );
    let fixed = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--set", "success.expires_format=unix_seconds", "--json"],
    )?;
    assert!(
        !fixed.json()?["notes"].to_string().contains("already past"),
        "{}",
        fixed.stdout
    );
    Ok(())
}

#[test]
fn allow_insecure_http_is_kept_and_taken_back_with_false() -> TestResult {
    let w = World::new()?;
    let allowed = |w: &World| -> Result<Value, Box<dyn std::error::Error>> {
        let listed = w.run(&["accounts", "--json"], None)?.json()?;
        Ok(listed[0]["allow_insecure_http"].clone())
    };
    let on = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--allow-insecure-http"],
    )?;
    assert_eq!(on.code, Some(0), "{}", on.stderr);
    assert_eq!(allowed(&w)?, true);
    let kept = w.login("dev", "user-login", "alice@userlogin.test", PASSWORD, &[])?;
    assert_eq!(kept.code, Some(0), "{}", kept.stderr);
    assert_eq!(
        allowed(&w)?,
        true,
        "a later login without the flag keeps it"
    );
    let off = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--allow-insecure-http=false"],
    )?;
    assert_eq!(off.code, Some(0), "{}", off.stderr);
    assert_eq!(allowed(&w)?, false);
    Ok(())
}

#[test]
fn unset_takes_a_kept_provider_change_back_and_names_the_ones_there_when_wrong() -> TestResult {
    let w = World::new()?;
    let set = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--set", "success.expires_format=unix_ms"],
    )?;
    assert_eq!(set.code, Some(0), "{}", set.stderr);
    let wrong = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--unset", "success.token"],
    )?;
    assert_eq!(wrong.code, Some(2), "{}", wrong.stderr);
    assert!(
        wrong
            .stderr
            .contains("it changes: success.expires_format=unix_ms"),
        "{}",
        wrong.stderr
    );
    let unset = w.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &["--unset", "success.expires_format", "--json"],
    )?;
    assert_eq!(unset.code, Some(0), "{}", unset.stderr);
    assert!(!unset.json()?["notes"].to_string().contains("already past"));
    let listed = w.run(&["accounts", "--json"], None)?.json()?;
    assert_eq!(listed[0]["overrides"], serde_json::json!({}), "{listed}");
    Ok(())
}

#[test]
fn history_show_prints_what_was_sent_and_what_the_server_answered_with_secrets_hidden() -> TestResult
{
    let world = World::new()?;
    let wrong = "not-the-pass-9";
    let run = world.login("dev", "user-login", "alice@userlogin.test", wrong, &[])?;
    assert_eq!(run.code, Some(1), "{}", run.shown());
    let list = world.run(&["history", "dev", "--json"], None)?.json()?;
    let id = list[0]["id"].as_i64().ok_or("an id")?;
    assert_eq!(list[0]["has_exchange"], true);

    let shown = world.run(&["history", "--show", &id.to_string()], None)?;
    assert_eq!(shown.code, Some(0), "{}", shown.shown());
    let out = &shown.stdout;
    for part in [
        "Request\nPOST http://",
        "/user/login",
        "\"email\": \"alice@userlogin.test\"",
        "\"password\": \"<redacted>\"",
        "Answer\nHTTP 401",
        "INVALID_PASSWORD",
    ] {
        assert!(out.contains(part), "{part:?} in:\n{out}");
    }
    assert!(
        !out.contains(wrong),
        "the typed password is not shown:\n{out}"
    );

    let json = world
        .run(&["history", "--show", &id.to_string(), "--json"], None)?
        .json()?;
    assert_eq!(json["event"]["id"], id);
    assert_eq!(json["answer"]["http_status"], 401);
    assert_eq!(json["request"]["method"], "POST");

    // A negative ID is a value, not an option: the same words as any unknown ID.
    let negative = world.run(&["history", "--show", "-1"], None)?;
    assert_eq!(negative.code, Some(2), "{}", negative.shown());
    assert!(
        negative.stderr.contains("no history event -1"),
        "{}",
        negative.shown()
    );
    let missing = world.run(&["history", "--show", "999999"], None)?;
    assert_eq!(
        missing.code,
        Some(2),
        "an unknown ID is bad input: {}",
        missing.shown()
    );
    assert!(
        missing.stderr.contains("no history event 999999"),
        "{}",
        missing.shown()
    );
    Ok(())
}

#[test]
fn rename_moves_the_account_its_secrets_and_history_to_the_new_name() -> TestResult {
    let world = World::new()?;
    let run = world.login("dev", "user-login", "alice@userlogin.test", PASSWORD, &[])?;
    assert_eq!(run.code, Some(0), "{}", run.shown());
    let before = world.run(&["token", "dev"], None)?;
    let renamed = world.run(&["rename", "dev", "prod-dev"], None)?;
    assert_eq!(renamed.code, Some(0), "{}", renamed.shown());
    assert_eq!(renamed.stdout, "Renamed dev to prod-dev.\n");

    let after = world.run(&["token", "prod-dev"], None)?;
    assert_eq!(after.code, Some(0), "{}", after.shown());
    assert_eq!(
        after.stdout, before.stdout,
        "the same session, under the new name"
    );
    let old = world.run(&["token", "dev"], None)?;
    assert_ne!(old.code, Some(0), "the old name is gone: {}", old.shown());
    let vault = Vault::open_with_service(world.service.clone())?;
    assert!(vault.load("dev")?.is_none(), "the old name keeps no secret");

    let history = world
        .run(&["history", "prod-dev", "--json"], None)?
        .json()?;
    let actions: Vec<&str> = history
        .as_array()
        .ok_or("an array")?
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, vec!["rename", "login"], "the history followed");

    let taken = world.login("dev", "user-login", "alice@userlogin.test", PASSWORD, &[])?;
    assert_eq!(taken.code, Some(0), "{}", taken.shown());
    let clash = world.run(&["rename", "dev", "prod-dev"], None)?;
    assert_ne!(clash.code, Some(0), "{}", clash.shown());
    assert!(clash.stderr.contains("exists already"), "{}", clash.shown());
    Ok(())
}

#[test]
fn tags_file_accounts_by_environment_and_accounts_filters_by_them() -> TestResult {
    let world = World::new()?;
    let staging = ["--tag", "staging"];
    let run = world.login(
        "dev",
        "user-login",
        "alice@userlogin.test",
        PASSWORD,
        &staging,
    )?;
    assert_eq!(run.code, Some(0), "{}", run.shown());
    let run = world.login("ts", "talkstack", "alice@talkstack.test", PASSWORD, &[])?;
    assert_eq!(run.code, Some(0), "{}", run.shown());

    let tagged = world.run(&["tag", "Prod", "ts"], None)?;
    assert_eq!(tagged.code, Some(0), "{}", tagged.shown());
    assert_eq!(tagged.stdout, "Tagged Prod: ts.\n");
    // A tag changes no session: the token is still there.
    let token = world.run(&["token", "ts"], None)?;
    assert_eq!(
        token.code,
        Some(0),
        "tagging kept the session: {}",
        token.shown()
    );

    let table = world.run(&["accounts"], None)?;
    let header = table.stdout.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("NAME  TAG "),
        "a TAG column: {}",
        table.stdout
    );
    let prod = world
        .run(&["accounts", "--tag", "prod", "--json"], None)?
        .json()?;
    let names: Vec<&str> = prod
        .as_array()
        .ok_or("an array")?
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, vec!["ts"], "--tag matches letter case aside");
    assert_eq!(prod[0]["tag"], "Prod", "the tag as typed");
    // One environment per tag.
    let env = world.run(&["export-env", "--format", "dotenv", "--tag", "PROD"], None)?;
    assert_eq!(env.code, Some(0), "{}", env.shown());
    assert!(env.stdout.contains("TS_TOKEN="), "{}", env.stdout);
    assert!(
        !env.stdout.contains("DEV_TOKEN="),
        "only the tagged account: {}",
        env.stdout
    );
    let none = world.run(&["export-env", "--format", "dotenv", "--tag", "qa"], None)?;
    assert_eq!(none.code, Some(2), "no account tagged qa: {}", none.shown());
    let postman = world.run(
        &["export-env", "--format", "postman", "--tag", "prod"],
        None,
    )?;
    let postman: Value = serde_json::from_str(&postman.stdout)?;
    assert_eq!(postman["name"], "Authdeck: prod", "named after the tag");
    let untagged = world.run(&["export-env", "--format", "dotenv", "--tag", ""], None)?;
    assert!(
        untagged.stderr.contains("every account has a tag"),
        "{}",
        untagged.shown()
    );
    let invalid = world.run(&["accounts", "--tag", "a;b"], None)?;
    assert_eq!(invalid.code, Some(2), "not a tag: {}", invalid.shown());

    // An unknown account among the names changes none of them.
    let typo = world.run(&["tag", "qa", "dev", "nobody"], None)?;
    assert_eq!(typo.code, Some(2), "{}", typo.shown());
    assert!(typo.stderr.contains("nobody"), "{}", typo.shown());
    let dev = world
        .run(&["accounts", "--tag", "staging", "--json"], None)?
        .json()?;
    assert_eq!(dev[0]["name"], "dev", "dev kept its tag: {dev}");

    let bad = world.run(&["tag", "pro;d", "dev"], None)?;
    assert_eq!(bad.code, Some(2), "{}", bad.shown());
    assert!(bad.stderr.contains("is not a tag"), "{}", bad.shown());

    let cleared = world.run(&["tag", "--clear", "dev", "ts", "dev"], None)?;
    assert_eq!(cleared.code, Some(0), "{}", cleared.shown());
    assert_eq!(cleared.stdout, "No tag now: dev, ts.\n", "each name once");
    let untagged = world.run(&["export-env", "--format", "dotenv", "--tag", ""], None)?;
    assert!(
        untagged.stdout.contains("DEV_TOKEN="),
        "{}",
        untagged.shown()
    );
    let table = world.run(&["accounts"], None)?;
    assert!(
        !table.stdout.contains("TAG"),
        "no column once no account has a tag: {}",
        table.stdout
    );
    let none = world
        .run(&["accounts", "--tag", "", "--json"], None)?
        .json()?;
    assert_eq!(
        none.as_array().map(Vec::len),
        Some(2),
        "--tag '' lists the untagged"
    );
    Ok(())
}
