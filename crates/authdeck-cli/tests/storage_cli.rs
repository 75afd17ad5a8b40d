//! The storage commands, run as the built `authdeck` binary against a temporary AUTHDECK_HOME.
//! Accounts and events are set up through authdeck-core (as a login would leave them); the
//! commands that touch secrets run against a real gnome-keyring (`scripts/with-keyring.sh`).

mod support;

use authdeck_core::accounts::{self, AccountConfig, SessionState};
use authdeck_core::deck::Deck;
use authdeck_core::history::{Action, NewEvent};
use authdeck_core::home::Home;
use authdeck_core::vault::{Vault, VaultDoc};
use authdeck_core::{Failure, Kind, Secret, db};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Fixture {
    tmp: tempfile::TempDir,
    home: PathBuf,
    service: String,
}

impl Fixture {
    fn new(test: &str) -> Result<Fixture, Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let home = tmp.path().join("home");
        std::fs::create_dir_all(tmp.path().join("runtime"))?;
        Ok(Fixture {
            home,
            service: format!("authdeck-cli-test-{}-{test}", std::process::id()),
            tmp,
        })
    }

    fn deck(&self) -> Result<Deck, authdeck_core::Error> {
        Deck::open(Home::at(&self.home)?)
    }

    /// Runs the binary with no way to reach any keyring unless `keyring` is true (then the
    /// current D-Bus session, i.e. the test's gnome-keyring, is used).
    fn run(&self, args: &[&str], keyring: bool) -> std::io::Result<Output> {
        let mut cmd = support::authdeck(&self.home, &self.service);
        if !keyring {
            cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
                .env("XDG_RUNTIME_DIR", self.tmp.path().join("runtime"));
        }
        cmd.args(args).output()
    }

    /// Runs and requires success; returns stdout.
    fn ok(&self, args: &[&str], keyring: bool) -> Result<String, Box<dyn std::error::Error>> {
        let out = self.run(args, keyring)?;
        if !out.status.success() {
            return Err(format!(
                "authdeck {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        Ok(String::from_utf8(out.stdout)?)
    }

    fn json(&self, args: &[&str], keyring: bool) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(serde_json::from_str(&self.ok(args, keyring)?)?)
    }

    /// An account signed in now with a token valid for `expires_in` seconds.
    fn signed_in(&self, name: &str, expires_in: i64, now: Timestamp) -> TestResult {
        let deck = self.deck()?;
        deck.save_account(&config(name), now)?;
        let conn = db::open(&Home::at(&self.home)?.db_path())?;
        let session = SessionState {
            signed_in: true,
            issued_at: Some(now),
            expires_at: Some(now + SignedDuration::from_secs(expires_in)),
            token_fingerprint: Some("0123456789ab".into()),
            has_refresh_token: true,
            password_remembered: true,
            clock_skew_secs: None,
            secrets_origin: None,
        };
        accounts::set_session(&conn, name, &session, now)?;
        accounts::set_last_login(&conn, name, now)?;
        Ok(())
    }
}

fn config(name: &str) -> AccountConfig {
    AccountConfig {
        name: name.to_string(),
        provider: "user-login".to_string(),
        base_url: "http://127.0.0.1:8787/user-login".to_string(),
        email: format!("{name}@userlogin.test"),
        overrides: serde_json::Map::new(),
        allow_insecure_http: false,
        timeout_secs: None,
        env_var: None,
        tag: None,
    }
}

fn status_of(list: &Value, name: &str) -> Option<String> {
    list.as_array()?
        .iter()
        .find(|a| a["name"] == name)
        .and_then(|a| a["status"].as_str())
        .map(String::from)
}

#[test]
fn accounts_lists_status_as_table_and_json_without_any_keyring() -> TestResult {
    let f = Fixture::new("accounts")?;
    let empty = f.run(&["accounts"], false)?;
    assert!(empty.status.success());
    assert!(
        String::from_utf8_lossy(&empty.stderr).contains("No accounts yet"),
        "an empty list says how to start"
    );

    let now = Timestamp::now();
    f.signed_in("prod-alice", 3600, now)?;
    f.signed_in("short", 3600, now - SignedDuration::from_secs(3700))?;
    f.deck()?.save_account(&config("fresh"), now)?;

    let table = f.ok(&["accounts"], false)?;
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME"), "a header row: {table}");
    assert!(lines[0].contains("STATUS") && lines[0].contains("KEPT"));
    let status_col = lines[0].find("STATUS").ok_or("STATUS column")?;
    for line in &lines[1..] {
        let status = line
            .get(status_col..)
            .and_then(|rest| rest.split_whitespace().next());
        assert!(
            matches!(status, Some("valid" | "expired" | "signed_out")),
            "every row's status starts under STATUS: {table}"
        );
    }
    let alice = lines
        .iter()
        .find(|l| l.starts_with("prod-alice"))
        .ok_or("alice row")?;
    assert_eq!(&alice[status_col..status_col + 5], "valid", "{table}");
    assert!(
        alice.ends_with("password") && (alice.contains("in 59 min") || alice.contains("in 1 h")),
        "expiry is shown relative to now: {alice}"
    );
    assert!(
        alice.contains(" s ago"),
        "last login was seconds ago: {alice}"
    );

    let list = f.json(&["accounts", "--json"], false)?;
    assert_eq!(status_of(&list, "prod-alice").as_deref(), Some("valid"));
    assert_eq!(status_of(&list, "short").as_deref(), Some("expired"));
    assert_eq!(status_of(&list, "fresh").as_deref(), Some("signed_out"));
    assert_eq!(list[0]["name"], "fresh", "sorted by name");
    Ok(())
}

#[test]
fn history_filters_by_account_kind_and_time_newest_first() -> TestResult {
    let f = Fixture::new("history")?;
    let deck = f.deck()?;
    let now = Timestamp::now();
    let ago = |mins: i64| now - SignedDuration::from_mins(mins);
    let failure = Failure {
        kind: Kind::InvalidPassword,
        http_status: Some(401),
        error_code: Some("INVALID_PASSWORD".into()),
        message: Some("Invalid password".into()),
        retry_after_secs: None,
    };
    deck.record(&NewEvent::new(
        ago(180),
        "alice",
        "user-login",
        Action::Login,
        true,
    ))?;
    deck.record(&NewEvent::failed(
        ago(60),
        "alice",
        "user-login",
        Action::Login,
        &failure,
    ))?;
    deck.record(&NewEvent::new(
        ago(10),
        "bob",
        "meetra",
        Action::Refresh,
        true,
    ))?;

    let all = f.json(&["history", "--json"], false)?;
    let accounts: Vec<&str> = all
        .as_array()
        .ok_or("an array")?
        .iter()
        .filter_map(|e| e["account"].as_str())
        .collect();
    assert_eq!(accounts, vec!["bob", "alice", "alice"], "newest first");

    let recent = f.json(&["history", "--since", "2h", "--json"], false)?;
    assert_eq!(
        recent.as_array().map(Vec::len),
        Some(2),
        "--since drops the 3 h old event"
    );

    let wrong = f.json(
        &["history", "alice", "--kind", "invalid_password", "--json"],
        false,
    )?;
    assert_eq!(wrong.as_array().map(Vec::len), Some(1));
    assert_eq!(wrong[0]["http_status"], 401);
    assert_eq!(wrong[0]["error_code"], "INVALID_PASSWORD");

    let latest = f.json(&["history", "--limit", "1", "--json"], false)?;
    assert_eq!(latest[0]["account"], "bob");

    let table = f.ok(&["history", "alice"], false)?;
    assert!(table.starts_with("ID"), "{table}");
    assert!(
        table.contains("invalid_password") && table.contains("\"Invalid password\""),
        "the server's answer is shown: {table}"
    );
    Ok(())
}

#[test]
fn bad_input_exits_2_with_a_message() -> TestResult {
    let f = Fixture::new("bad-input")?;
    for (args, expected) in [
        (&["history", "--since", "2x"][..], "not a duration"),
        (&["history", "--kind", "nope"][..], "invalid_password"),
        (&["logout", "nobody"][..], "no account named \"nobody\""),
        (&["remove", "bad name"][..], "not a valid account name"),
        (&["forget-password", "nobody"][..], "authdeck accounts"),
    ] {
        let out = f.run(args, false)?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "authdeck {args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "authdeck {args:?} explains: {stderr}"
        );
    }
    Ok(())
}

#[test]
fn logout_without_a_keyring_service_fails_clearly_and_changes_nothing() -> TestResult {
    let f = Fixture::new("no-keyring")?;
    f.signed_in("alice", 3600, Timestamp::now())?;
    let out = f.run(&["logout", "alice"], false)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no keyring service is running"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let list = f.json(&["accounts", "--json"], false)?;
    assert_eq!(
        status_of(&list, "alice").as_deref(),
        Some("valid"),
        "still signed in"
    );
    let events = f.json(&["history", "alice", "--json"], false)?;
    assert_eq!(events[0]["action"], "logout");
    assert_eq!(
        events[0]["ok"], false,
        "the failed logout is in the history"
    );
    Ok(())
}

#[test]
fn logout_forget_password_and_remove_with_a_real_keyring() -> TestResult {
    if !support::in_keyring_session("logout_forget_password_and_remove_with_a_real_keyring") {
        return Ok(());
    }
    let f = Fixture::new("keyring")?;
    f.signed_in("alice", 3600, Timestamp::now())?;
    let vault = Vault::open_with_service(&f.service)?;
    vault.save(
        "alice",
        &VaultDoc {
            token: Some(Secret::new("tok-alice")),
            refresh_token: Some(Secret::new("ref-alice")),
            password: Some(Secret::new("pw-alice")),
            ..VaultDoc::default()
        },
    )?;
    let lookup = || -> Result<Output, std::io::Error> {
        Command::new("secret-tool")
            .args(["lookup", "service", &f.service, "username", "alice"])
            .output()
    };

    let said = f.ok(&["logout", "alice"], true)?;
    assert!(
        said.contains("Signed out of alice") && said.contains("remembered password"),
        "{said}"
    );
    let entry = String::from_utf8(lookup()?.stdout)?;
    assert_eq!(
        entry, r#"{"password":"pw-alice"}"#,
        "only the password is left"
    );
    let list = f.json(&["accounts", "--json"], true)?;
    assert_eq!(status_of(&list, "alice").as_deref(), Some("signed_out"));

    let said = f.json(&["forget-password", "alice", "--json"], true)?;
    assert_eq!(said["password_remembered"], false);
    assert!(
        !lookup()?.status.success(),
        "nothing is left in the keyring"
    );

    vault.save(
        "alice",
        &VaultDoc {
            token: Some(Secret::new("tok-again")),
            ..VaultDoc::default()
        },
    )?;
    let said = f.ok(&["remove", "alice"], true)?;
    assert!(said.contains("Removed alice"), "{said}");
    assert!(!lookup()?.status.success(), "remove deleted the secrets");
    assert_eq!(
        f.json(&["accounts", "--json"], true)?,
        serde_json::json!([])
    );
    let actions: Vec<String> = f
        .json(&["history", "alice", "--json"], true)?
        .as_array()
        .ok_or("an array")?
        .iter()
        .filter_map(|e| e["action"].as_str().map(String::from))
        .collect();
    assert_eq!(
        actions,
        vec!["remove", "forget_password", "logout"],
        "history stays"
    );
    Ok(())
}

#[test]
fn export_then_import_moves_accounts_and_providers_but_no_secret() -> TestResult {
    let source = Fixture::new("export")?;
    source.signed_in("alice", 3600, Timestamp::now())?;
    let providers = Home::at(&source.home)?.providers_dir();
    std::fs::write(
        providers.join("acme.toml"),
        "id = \"acme\"\nname = \"Acme\"\n[login]\npath = \"/login\"\n\
         body = { e = \"{email}\", p = \"{password}\" }\n[success]\ntoken = \"/token\"\n",
    )?;

    let stdout = source.json(&["export"], false)?;
    assert_eq!(stdout["accounts"][0]["name"], "alice");
    assert_eq!(stdout["providers"][0]["file"], "acme.toml");
    assert!(
        stdout["accounts"][0].get("token_fingerprint").is_none(),
        "no session state"
    );

    let file = source.tmp.path().join("out.json");
    let file_arg = file.to_str().ok_or("utf-8 path")?;
    let out = source.run(&["export", file_arg], false)?;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 account(s) and 1 provider file(s)"));

    let target = Fixture::new("import")?;
    let report = target.ok(&["import", file_arg], false)?;
    assert!(report.contains("accounts:  1 added (alice)"), "{report}");
    assert!(
        report.contains("providers: 1 added (acme.toml)"),
        "{report}"
    );
    let again = target.json(&["import", file_arg, "--json"], false)?;
    assert_eq!(again["accounts"]["skipped"], serde_json::json!(["alice"]));
    let list = target.json(&["accounts", "--json"], false)?;
    assert_eq!(
        status_of(&list, "alice").as_deref(),
        Some("signed_out"),
        "log in again there"
    );

    // An account whose name only letter case sets apart from one here: refused, naming the file.
    let text = std::fs::read_to_string(&file)?.replace("\"alice\"", "\"ALICE\"");
    std::fs::write(&file, text)?;
    let out = target.run(&["import", file_arg], false)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(file_arg) && stderr.contains("only in letter case"),
        "{stderr}"
    );

    std::fs::write(&file, "{\"hello\": 1}")?;
    let out = target.run(&["import", file_arg], false)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not an Authdeck export") && stderr.contains(file_arg),
        "{stderr}"
    );
    Ok(())
}
