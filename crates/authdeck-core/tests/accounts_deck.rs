//! The storage operations of `Deck` over a real SQLite file and keyring-core's in-memory store.

use authdeck_core::accounts::{self, AccountConfig, SessionState, Status};
use authdeck_core::deck::{Deck, Export};
use authdeck_core::history::{Action, Filter};
use authdeck_core::home::Home;
use authdeck_core::vault::{Vault, VaultDoc};
use authdeck_core::{Error, Secret, db};
use jiff::{SignedDuration, Timestamp};
use keyring_core::CredentialStore;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SERVICE: &str = "authdeck-test-deck";

struct Fixture {
    _tmp: tempfile::TempDir,
    home: Home,
    store: Arc<CredentialStore>,
    deck: Deck,
}

fn fixture() -> Result<Fixture, Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
    let deck = Deck::open_with_vault(
        home.clone(),
        Vault::with_store(store.clone(), SERVICE, None),
    )?;
    Ok(Fixture {
        _tmp: tmp,
        home,
        store,
        deck,
    })
}

impl Fixture {
    fn vault(&self) -> Vault {
        Vault::with_store(self.store.clone(), SERVICE, None)
    }

    /// An account signed in with a token that expires in `expires_in`.
    fn signed_in(&self, name: &str, now: Timestamp, expires_in: Option<i64>) -> TestResult {
        self.deck.save_account(&config(name), now)?;
        let conn = db::open(&self.home.db_path())?;
        let session = SessionState {
            signed_in: true,
            issued_at: Some(now),
            expires_at: expires_in.map(|s| now + SignedDuration::from_secs(s)),
            token_fingerprint: Some("0123456789ab".into()),
            has_refresh_token: true,
            password_remembered: true,
            clock_skew_secs: None,
            secrets_origin: Some("http://127.0.0.1:8787".into()),
        };
        accounts::set_session(&conn, name, &session, now)?;
        self.vault().save(
            name,
            &VaultDoc {
                scheme: None,
                totp_secret: None,
                id_token: None,
                client_secret: None,
                token: Some(Secret::new(format!("token-of-{name}"))),
                refresh_token: Some(Secret::new(format!("refresh-of-{name}"))),
                password: Some(Secret::new(format!("password-of-{name}"))),
            },
        )?;
        Ok(())
    }
}

fn config(name: &str) -> AccountConfig {
    AccountConfig {
        name: name.to_string(),
        provider: "user-login".to_string(),
        base_url: "http://127.0.0.1:8787/user-login".to_string(),
        email: format!("{name}@example.test"),
        overrides: serde_json::Map::new(),
        allow_insecure_http: false,
        timeout_secs: None,
        env_var: None,
        tag: None,
    }
}

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[test]
fn accounts_are_listed_by_name_with_their_status() -> TestResult {
    let f = fixture()?;
    f.signed_in("valid", now(), Some(3600))?;
    f.signed_in("expiring", now(), Some(3600))?;
    f.signed_in("unknown", now(), None)?;
    f.deck.save_account(&config("new"), now())?;
    let conn = db::open(&f.home.db_path())?;
    let mut session = f.deck.account("expiring")?.session;
    // An hour-long token with a minute left: inside the 5-minute margin.
    session.issued_at = Some(now() - SignedDuration::from_secs(3540));
    session.expires_at = Some(now() + SignedDuration::from_secs(60));
    accounts::set_session(&conn, "expiring", &session, now())?;

    let listed: Vec<(String, Status)> = f
        .deck
        .accounts(now())?
        .into_iter()
        .map(|s| (s.account.config.name, s.status))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("expiring".into(), Status::Expiring),
            ("new".into(), Status::SignedOut),
            ("unknown".into(), Status::UnknownExpiry),
            ("valid".into(), Status::Valid),
        ]
    );
    let later = now() + SignedDuration::from_secs(7200);
    let valid = f
        .deck
        .accounts(later)?
        .into_iter()
        .find(|s| s.account.config.name == "valid");
    assert_eq!(
        valid.map(|s| s.status),
        Some(Status::Expired),
        "time passes the expiry"
    );
    Ok(())
}

#[test]
fn account_json_is_flat_and_has_no_secret() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let json = serde_json::to_value(&f.deck.accounts(now())?)?;
    let first = &json[0];
    assert_eq!(first["name"], "alice");
    assert_eq!(first["status"], "valid");
    assert_eq!(first["password_remembered"], true);
    let text = json.to_string();
    assert!(!text.contains("token-of-alice") && !text.contains("password-of-alice"));
    Ok(())
}

#[test]
fn logout_drops_tokens_keeps_the_password_and_records_it() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.logout("alice", now())?;

    let doc = f.vault().load("alice")?.ok_or("the password entry stays")?;
    assert!(
        doc.token.is_none() && doc.refresh_token.is_none(),
        "tokens are gone"
    );
    assert_eq!(doc.password, Some(Secret::new("password-of-alice")));

    let account = f.deck.account("alice")?;
    assert!(!account.session.signed_in);
    assert!(account.session.password_remembered);
    assert_eq!(account.session.token_fingerprint, None);
    assert_eq!(accounts::status(&account, now(), None), Status::SignedOut);

    let events = f.deck.history(&Filter::default())?;
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].action, events[0].ok), (Action::Logout, true));
    Ok(())
}

#[test]
fn a_second_logout_finds_nothing_to_do_and_records_nothing() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    assert!(f.deck.logout("alice", now())?, "the first signs out");
    assert!(
        !f.deck.logout("alice", now())?,
        "the second has nothing to do"
    );
    let events = f.deck.history(&Filter::default())?;
    assert_eq!(events.len(), 1, "one logout in the history: {events:?}");
    let doc = f.vault().load("alice")?.ok_or("the password entry stays")?;
    assert_eq!(doc.password, Some(Secret::new("password-of-alice")));
    assert!(f.deck.account("alice")?.session.password_remembered);
    Ok(())
}

#[test]
fn logout_of_an_unreadable_entry_deletes_it() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.store
        .build(SERVICE, "alice", None)?
        .set_secret(b"\xff not our json")?;
    let err = f.vault().load("alice").expect_err("garbled");
    assert!(err.to_string().contains("authdeck logout alice"), "{err}");

    f.deck.logout("alice", now())?;
    assert_eq!(f.vault().load("alice")?, None, "the garbled entry is gone");
    assert!(!f.deck.account("alice")?.session.password_remembered);
    let events = f.deck.history(&Filter::default())?;
    assert!(
        events[0]
            .note
            .as_deref()
            .unwrap_or("")
            .contains("unreadable"),
        "the history says why the password went too: {:?}",
        events[0].note
    );
    Ok(())
}

#[test]
fn forget_password_keeps_the_session() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.forget_password("alice", now())?;
    let doc = f.vault().load("alice")?.ok_or("the session stays")?;
    assert_eq!(doc.password, None);
    assert_eq!(doc.token, Some(Secret::new("token-of-alice")));
    let account = f.deck.account("alice")?;
    assert!(account.session.signed_in && !account.session.password_remembered);
    let events = f.deck.history(&Filter::default())?;
    assert_eq!(events[0].action, Action::ForgetPassword);
    Ok(())
}

#[test]
fn remove_deletes_account_and_secrets_but_keeps_history() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.logout("alice", now())?;
    f.deck.remove("alice", now())?;

    assert_eq!(f.vault().load("alice")?, None, "no secret is left");
    let err = f.deck.account("alice").expect_err("the account is gone");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(
        err.to_string().contains("authdeck accounts"),
        "says how to list: {err}"
    );
    let actions: Vec<Action> = f
        .deck
        .history(&Filter::default())?
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        vec![Action::Remove, Action::Logout],
        "history stays, newest first"
    );
    Ok(())
}

#[test]
fn remove_with_a_locked_keyring_keeps_the_account_and_says_why() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let entry = f.store.build(SERVICE, "alice", None)?;
    let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().ok_or("a mock entry")?;
    mock.set_error(keyring_core::Error::NoStorageAccess(Box::new(
        std::io::Error::other("locked for the test"),
    )));

    let err = f
        .deck
        .remove("alice", now())
        .expect_err("the keyring refused");
    assert!(matches!(err, Error::Keyring(_)), "{err:?}");
    assert!(err.to_string().contains("the keyring is locked"), "{err}");
    assert!(
        f.deck.account("alice").is_ok(),
        "the account stays, to retry later"
    );
    assert!(
        f.vault().load("alice")?.is_some(),
        "the secrets are still there"
    );
    let events = f.deck.history(&Filter::default())?;
    assert_eq!((events[0].action, events[0].ok), (Action::Remove, false));
    assert!(events[0].note.as_deref().unwrap_or("").contains("locked"));
    Ok(())
}

#[test]
fn unknown_or_invalid_account_names_are_clear_errors() -> TestResult {
    let f = fixture()?;
    let err = f.deck.logout("nobody", now()).expect_err("no such account");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let err = f.deck.remove("bad name", now()).expect_err("invalid name");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    Ok(())
}

/// A provider file as a user writes one.
const ACME: &str = "id = \"acme\"\nname = \"Acme\"\n[login]\npath = \"/login\"\n\
    body = { e = \"{email}\", p = \"{password}\" }\n[success]\ntoken = \"/token\"\n";

#[test]
fn export_then_import_adds_then_skips_then_changes() -> TestResult {
    let source = fixture()?;
    source.signed_in("alice", now(), Some(3600))?;
    let mut bob = config("bob");
    bob.overrides.insert(
        "success".into(),
        serde_json::json!({"expires_format": "unix_ms"}),
    );
    source.deck.save_account(&bob, now())?;
    std::fs::write(source.home.providers_dir().join("acme.toml"), ACME)?;
    std::fs::write(
        source.home.providers_dir().join("notes.txt"),
        "not a provider",
    )?;

    let exported = source.deck.export(now())?;
    let text = exported.to_json()?;
    for secret in ["token-of-alice", "refresh-of-alice", "password-of-alice"] {
        assert!(!text.contains(secret), "the export holds no secret");
    }
    assert!(!text.contains("signed_in"), "nor session state");
    let parsed = Export::from_json(&text, "export.json")?;
    assert_eq!(parsed, exported, "the export round-trips through JSON");
    assert_eq!(
        parsed.providers.len(),
        1,
        "only .toml provider files are exported"
    );

    let target = fixture()?;
    let report = target.deck.import(&parsed, now())?;
    assert_eq!(report.accounts.added, vec!["alice", "bob"]);
    assert_eq!(report.providers.added, vec!["acme.toml"]);
    assert_eq!(
        target.deck.account("bob")?.config,
        bob,
        "overrides came along"
    );
    assert_eq!(
        std::fs::read_to_string(target.home.providers_dir().join("acme.toml"))?,
        ACME
    );

    let again = target.deck.import(&parsed, now())?;
    assert_eq!(again.accounts.skipped, vec!["alice", "bob"]);
    assert_eq!(again.providers.skipped, vec!["acme.toml"]);
    assert!(again.accounts.added.is_empty() && again.accounts.changed.is_empty());

    let mut edited = parsed.clone();
    edited.accounts[1].email = "bob@new.test".into();
    edited.providers[0].content = format!("{ACME}# v2\n");
    let changed = target.deck.import(&edited, now())?;
    assert_eq!(changed.accounts.changed, vec!["bob"]);
    assert_eq!(changed.accounts.skipped, vec!["alice"]);
    assert_eq!(changed.providers.changed, vec!["acme.toml"]);
    assert_eq!(target.deck.account("bob")?.config.email, "bob@new.test");
    Ok(())
}

#[test]
fn import_with_one_bad_account_changes_nothing() -> TestResult {
    let f = fixture()?;
    let text = serde_json::json!({
        "authdeck_export": 1,
        "exported_at": "2026-11-22T00:00:00Z",
        "accounts": [
            config("good"),
            {"name": "bad name!", "provider": "p", "base_url": "http://x", "email": "e"}
        ],
        "providers": [{"file": "../escape.toml", "content": "x"}]
    })
    .to_string();
    let err = Export::from_json(&text, "bad.json").expect_err("invalid import");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert!(
        err.to_string().contains("bad.json"),
        "names the file: {err}"
    );
    assert!(f.deck.accounts(now())?.is_empty(), "nothing was imported");
    Ok(())
}

#[test]
fn logout_waits_for_a_refresh_holding_the_account_lock() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let held = authdeck_core::lock::acquire(&f.home.locks_dir(), "alice")?;
    std::thread::scope(|scope| -> TestResult {
        let logout = scope.spawn(|| f.deck.logout("alice", now()));
        // Whatever the timing, a logout that honours the lock cannot have finished yet.
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(
            !logout.is_finished(),
            "logout went ahead while the lock was held"
        );
        assert!(f.vault().load("alice")?.and_then(|d| d.token).is_some());
        drop(held);
        logout.join().map_err(|_| "the logout thread panicked")??;
        Ok(())
    })?;
    assert!(
        !f.deck.account("alice")?.session.signed_in,
        "logout ran once the lock was free"
    );
    Ok(())
}

#[test]
fn editing_the_server_user_or_provider_drops_the_old_token_and_keeps_the_password() -> TestResult {
    use authdeck_core::deck::AccountEdit;
    type Edit = fn(&mut AccountEdit);
    let edits: [(&str, Edit); 3] = [
        ("base_url path", |e| {
            e.base_url = "http://127.0.0.1:8787/other-prefix".into()
        }),
        ("email", |e| e.email = "someone-else@example.test".into()),
        ("provider", |e| e.provider = "meetra".into()),
    ];
    for (field, change) in edits {
        let f = fixture()?;
        f.signed_in("dev", now(), Some(3600))?;
        let after = f.deck.edit_account(&edit_of(&f, "dev", change)?, now())?;
        assert!(
            !after.session.signed_in,
            "{field}: the edit signs the account out"
        );
        assert_eq!(
            after.session.token_fingerprint, None,
            "{field}: no fingerprint of the old token stays"
        );
        assert!(
            f.deck.stored_token("dev")?.is_none(),
            "{field}: the inspector and Reveal get no token"
        );
        let doc = f.vault().load("dev")?.ok_or("the password entry stays")?;
        assert!(
            doc.token.is_none() && doc.refresh_token.is_none(),
            "{field}: the old server's tokens left the keyring"
        );
        assert_eq!(
            doc.password.as_ref().map(|p| p.expose().to_string()),
            Some("password-of-dev".to_string()),
            "{field}: the password, given for this server, stays"
        );
        assert!(after.session.password_remembered, "{field}: and says so");
        assert_eq!(
            after.session.secrets_origin.as_deref(),
            Some("http://127.0.0.1:8787"),
            "{field}: still bound to its origin"
        );
    }
    Ok(())
}

/// An edit of `name` as the app's form sends it, changed by `change`.
fn edit_of(
    f: &Fixture,
    name: &str,
    change: fn(&mut authdeck_core::deck::AccountEdit),
) -> Result<authdeck_core::deck::AccountEdit, Box<dyn std::error::Error>> {
    let config = f.deck.account(name)?.config;
    let mut edit = authdeck_core::deck::AccountEdit {
        account: name.into(),
        provider: config.provider,
        base_url: config.base_url,
        email: config.email,
        options: None,
    };
    change(&mut edit);
    Ok(edit)
}

#[test]
fn moving_an_account_to_another_origin_drops_every_secret_it_had() -> TestResult {
    for other in [
        "http://127.0.0.1:9999/user-login",
        "https://127.0.0.1:8787/user-login",
    ] {
        let f = fixture()?;
        f.signed_in("dev", now(), Some(3600))?;
        let edit = edit_of(&f, "dev", |e| e.base_url = String::new())?;
        let edit = authdeck_core::deck::AccountEdit {
            base_url: other.into(),
            ..edit
        };
        let after = f.deck.edit_account(&edit, now())?;
        assert!(
            f.vault().load("dev")?.is_none(),
            "{other}: no secret is left"
        );
        assert!(
            !after.session.signed_in && !after.session.password_remembered,
            "{other}: signed out, no password remembered"
        );
        assert_eq!(after.session.secrets_origin, None, "{other}: nothing bound");
    }
    Ok(())
}

#[test]
fn editing_only_other_fields_keeps_the_session() -> TestResult {
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    let mut config = f.deck.account("dev")?.config;
    config.overrides.insert(
        "success".into(),
        serde_json::json!({"expires_format": "unix_ms"}),
    );
    let after = f.deck.save_account(&config, now())?;
    assert!(
        after.session.signed_in,
        "an override edit keeps the session"
    );
    let token = f.deck.stored_token("dev")?.ok_or("the token stays")?;
    assert_eq!(token.expose(), "token-of-dev");
    Ok(())
}

#[test]
fn a_signed_out_account_shows_no_token_even_if_the_keyring_still_has_one() -> TestResult {
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    // Signed out in SQLite alone, as an older Authdeck left an edited account.
    let conn = db::open(&f.home.db_path())?;
    accounts::set_session(&conn, "dev", &SessionState::default(), now())?;
    assert!(f.vault().load("dev")?.and_then(|d| d.token).is_some());
    assert!(f.deck.stored_token("dev")?.is_none());
    Ok(())
}

#[test]
fn an_import_that_moves_an_account_to_another_server_drops_its_secrets() -> TestResult {
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    f.signed_in("stay", now(), Some(3600))?;
    let mut export = f.deck.export(now())?;
    for config in &mut export.accounts {
        if config.name == "dev" {
            config.base_url = "http://127.0.0.1:9999/elsewhere".into();
        }
    }
    let report = f.deck.import(&export, now())?;
    assert_eq!(report.accounts.changed, vec!["dev".to_string()]);
    assert_eq!(
        report.secrets_dropped,
        vec!["dev".to_string()],
        "the import says so"
    );
    assert!(
        !f.deck.account("dev")?.session.signed_in,
        "dev is signed out"
    );
    assert!(
        f.vault().load("dev")?.is_none(),
        "none of dev's secrets is left"
    );
    assert!(
        f.deck.stored_token("stay")?.is_some(),
        "an account the import did not move keeps its session"
    );
    Ok(())
}

#[test]
fn the_app_forms_options_replace_the_stored_ones_and_keep_the_session() -> TestResult {
    use authdeck_core::deck::AccountOptions;
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    let options = AccountOptions {
        set: vec!["success.expires_format=unix_ms".into()],
        allow_insecure_http: true,
        timeout_secs: Some(9),
        env_var: Some(" DEV_TOKEN ".into()),
        tag: Some(" qa ".into()),
    };
    let edit = authdeck_core::deck::AccountEdit {
        options: Some(options.clone()),
        ..edit_of(&f, "dev", |_| {})?
    };
    let after = f.deck.edit_account(&edit, now())?;
    assert_eq!(after.config.timeout_secs, Some(9));
    assert_eq!(
        after.config.env_var.as_deref(),
        Some("DEV_TOKEN"),
        "trimmed"
    );
    assert!(after.config.allow_insecure_http);
    assert_eq!(after.config.tag.as_deref(), Some("qa"), "the tag, trimmed");
    assert_eq!(after.config.policy().timeout.as_secs(), 9);
    assert_eq!(
        AccountOptions::of(&after.config).set,
        vec!["success.expires_format=unix_ms".to_string()]
    );
    assert!(after.session.signed_in, "options alone do not sign out");

    // Given whole: an empty form clears them again.
    let cleared = authdeck_core::deck::AccountEdit {
        options: Some(AccountOptions::default()),
        ..edit_of(&f, "dev", |_| {})?
    };
    let after = f.deck.edit_account(&cleared, now())?;
    assert!(after.config.overrides.is_empty());
    assert_eq!(after.config.timeout_secs, None);
    assert_eq!(after.config.env_var, None);
    assert_eq!(after.config.policy().timeout.as_secs(), 30);
    Ok(())
}

#[test]
fn options_the_provider_cannot_take_are_refused_and_nothing_is_written() -> TestResult {
    use authdeck_core::deck::AccountOptions;
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    let before = f.deck.account("dev")?;
    for (options, says) in [
        (
            AccountOptions {
                set: vec!["success.expires_format=fortnights".into()],
                ..AccountOptions::default()
            },
            "expires_format",
        ),
        (
            AccountOptions {
                set: vec!["success.expires_format".into()],
                ..AccountOptions::default()
            },
            "FIELD=VALUE",
        ),
        (
            AccountOptions {
                timeout_secs: Some(0),
                ..AccountOptions::default()
            },
            "1 to 600 seconds",
        ),
        (
            AccountOptions {
                env_var: Some("PATH".into()),
                ..AccountOptions::default()
            },
            "is taken",
        ),
    ] {
        let edit = authdeck_core::deck::AccountEdit {
            options: Some(options),
            ..edit_of(&f, "dev", |_| {})?
        };
        match f.deck.edit_account(&edit, now()) {
            Err(Error::Invalid(message)) => assert!(message.contains(says), "{message}"),
            other => panic!("expected Invalid saying {says}, got {other:?}"),
        }
        assert_eq!(f.deck.account("dev")?, before, "nothing changed");
    }
    Ok(())
}

#[test]
fn an_export_carries_the_options_and_an_older_export_without_them_still_imports() -> TestResult {
    let f = fixture()?;
    let mut config = config("dev");
    config.timeout_secs = Some(12);
    config.env_var = Some("DEV_TOKEN".into());
    config.tag = Some("staging".into());
    f.deck.save_account(&config, now())?;
    let text = f.deck.export(now())?.to_json()?;
    let g = fixture()?;
    g.deck.import(&Export::from_json(&text, "test")?, now())?;
    assert_eq!(g.deck.account("dev")?.config, config);

    let mut old: serde_json::Value = serde_json::from_str(&text)?;
    for account in old["accounts"].as_array_mut().into_iter().flatten() {
        let fields = account.as_object_mut().ok_or("an account is an object")?;
        fields.remove("timeout_secs");
        fields.remove("env_var");
        fields.remove("tag");
    }
    let old = old.to_string();
    assert!(
        !old.contains("timeout_secs") && !old.contains("env_var"),
        "{old}"
    );
    let h = fixture()?;
    h.deck.import(&Export::from_json(&old, "old")?, now())?;
    assert_eq!(h.deck.account("dev")?.config.timeout_secs, None);
    // Over an account that has them, an older file leaves them as they are.
    let report = f.deck.import(&Export::from_json(&old, "old")?, now())?;
    assert_eq!(
        report.accounts.skipped,
        vec!["dev".to_string()],
        "{report:?}"
    );
    assert_eq!(f.deck.account("dev")?.config, config, "nothing was reset");
    Ok(())
}

#[test]
fn a_new_account_whose_name_differs_from_another_only_in_letter_case_is_refused() -> TestResult {
    let f = fixture()?;
    f.deck.save_account(&config("dev"), now())?;
    let mut export: serde_json::Value = serde_json::from_str(&f.deck.export(now())?.to_json()?)?;
    export["accounts"][0]["name"] = "DEV".into();
    let err = f
        .deck
        .import(&Export::from_json(&export.to_string(), "file")?, now())
        .expect_err("a case twin");
    assert!(err.to_string().contains("only in letter case"), "{err}");
    assert!(f.deck.account("DEV").is_err(), "nothing imported");
    Ok(())
}

#[test]
fn a_tag_files_the_account_and_keeps_its_session_and_a_bad_tag_changes_nothing() -> TestResult {
    let f = fixture()?;
    f.signed_in("dev", now(), Some(3600))?;
    let before = f.deck.account("dev")?;
    let tagged = f.deck.set_tag("dev", Some("  eu   prod "), now())?;
    assert_eq!(
        tagged.config.tag.as_deref(),
        Some("eu prod"),
        "trimmed, spaces folded"
    );
    assert_eq!(tagged.session, before.session, "a tag signs nobody out");
    assert!(f.vault().load("dev")?.is_some(), "the secrets stay");

    match f.deck.set_tag("dev", Some("prod<script>"), now()) {
        Err(Error::Invalid(message)) => assert!(message.contains("is not a tag"), "{message}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(
        f.deck.account("dev")?.config.tag.as_deref(),
        Some("eu prod")
    );
    assert!(matches!(
        f.deck.set_tag("nobody", Some("prod"), now()),
        Err(Error::NotFound(_))
    ));

    let cleared = f.deck.set_tag("dev", Some(" "), now())?;
    assert_eq!(cleared.config.tag, None, "blank drops the tag");
    Ok(())
}

#[test]
fn an_import_whose_account_could_never_log_in_is_refused_whole() -> TestResult {
    let f = fixture()?;
    f.deck.save_account(&config("dev"), now())?;
    let good = f.deck.export(now())?.to_json()?;
    let g = fixture()?;
    for (change, says) in [
        (
            serde_json::json!({"provider": "nope"}),
            "neither here nor in the file",
        ),
        (
            serde_json::json!({"overrides": {"nosuch": 1}}),
            "account dev",
        ),
        (
            serde_json::json!({"overrides": {"success": {"expires_format": "fortnights"}}}),
            "success.expires_format",
        ),
        (
            serde_json::json!({"overrides": {"base_url": "http://evil.example"}}),
            "cannot be changed per account",
        ),
    ] {
        let mut doc: serde_json::Value = serde_json::from_str(&good)?;
        let mut account = doc["accounts"][0].clone();
        for (key, value) in change.as_object().ok_or("an object")? {
            account[key] = value.clone();
        }
        let mut fresh = doc["accounts"][0].clone();
        fresh["name"] = "fresh".into();
        doc["accounts"] = serde_json::json!([fresh, account]);
        let export = Export::from_json(&doc.to_string(), "test")?;
        match g.deck.import(&export, now()) {
            Err(Error::Invalid(message)) => assert!(message.contains(says), "{message}"),
            other => panic!("expected Invalid saying {says}, got {other:?}"),
        }
        assert!(
            g.deck.accounts(now())?.is_empty(),
            "nothing was written, not even the good account"
        );
    }
    Ok(())
}

#[test]
fn the_forms_options_keep_an_oauth_accounts_client_id_and_grant() -> TestResult {
    use authdeck_core::deck::AccountOptions;
    let mut oauth = config("corp");
    oauth.overrides = serde_json::from_value(serde_json::json!({
        "oauth": {"client_id": "authdeck", "grant": "device_code", "scopes": ["openid"]}
    }))?;
    let options = AccountOptions::of(&oauth);
    assert_eq!(
        options.set,
        vec!["oauth.scopes=[\"openid\"]".to_string()],
        "the form shows only what has no field of its own"
    );
    let edited = AccountOptions {
        set: vec!["success.expires_format=unix_ms".into()],
        ..options
    };
    edited.apply_to(&mut oauth)?;
    assert_eq!(
        serde_json::Value::Object(oauth.overrides),
        serde_json::json!({
            "success": {"expires_format": "unix_ms"},
            "oauth": {"client_id": "authdeck", "grant": "device_code"}
        }),
        "the client id and grant stay; the scopes line the user removed is gone"
    );
    Ok(())
}

#[test]
fn rename_moves_the_settings_secrets_and_history_and_leaves_the_old_name_empty() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.logout("alice", now())?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.rename("alice", "prod-alice", now())?;

    let renamed = f.deck.account("prod-alice")?;
    assert_eq!(renamed.config.base_url, config("alice").base_url);
    assert!(renamed.session.signed_in, "the session stays signed in");
    let doc = f.vault().load("prod-alice")?.ok_or("the secrets moved")?;
    assert_eq!(doc.token.ok_or("a token")?.expose(), "token-of-alice");
    assert_eq!(
        doc.password.ok_or("a password")?.expose(),
        "password-of-alice"
    );
    assert_eq!(
        f.vault().load("alice")?,
        None,
        "the old name keeps no secret"
    );
    assert!(matches!(f.deck.account("alice"), Err(Error::NotFound(_))));

    let history = f.deck.history(&Filter {
        account: Some("prod-alice".into()),
        ..Filter::default()
    })?;
    let actions: Vec<Action> = history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![Action::Rename, Action::Logout],
        "the history followed"
    );
    assert_eq!(history[0].note.as_deref(), Some("renamed from alice"));
    let old = f.deck.history(&Filter {
        account: Some("alice".into()),
        ..Filter::default()
    })?;
    assert!(
        old.is_empty(),
        "nothing is left under the old name: {old:?}"
    );
    Ok(())
}

#[test]
fn rename_to_a_taken_or_invalid_name_changes_nothing() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.signed_in("bob", now(), Some(3600))?;
    let err = f.deck.rename("alice", "bob", now()).expect_err("taken");
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("choose another name"), "{err}");
    let err = f.deck.rename("alice", "a b", now()).expect_err("invalid");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    // A name only letter case apart from another's would share its entry in the Windows and
    // macOS stores; a leading - reads as an option; dots alone read as folders.
    let err = f
        .deck
        .rename("alice", "ALICE", now())
        .expect_err("itself in capitals");
    assert!(
        err.to_string().contains("rename through another name"),
        "{err}"
    );
    let err = f.deck.rename("alice", "BOB", now()).expect_err("case twin");
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("only in letter case"), "{err}");
    for bad in ["-dash", ".", "..", "@_"] {
        let err = f.deck.rename("alice", bad, now()).expect_err(bad);
        assert!(matches!(err, Error::Invalid(_)), "{bad}: {err:?}");
    }
    let err = f
        .deck
        .rename("nobody", "carol", now())
        .expect_err("unknown");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    for name in ["alice", "bob"] {
        let doc = f.vault().load(name)?.ok_or("still there")?;
        assert_eq!(
            doc.token.ok_or("a token")?.expose(),
            format!("token-of-{name}")
        );
    }
    assert!(
        f.deck.history(&Filter::default())?.is_empty(),
        "nothing recorded"
    );
    Ok(())
}

#[test]
fn rename_with_a_keyring_that_refuses_the_new_entry_changes_nothing() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let entry = f.store.build(SERVICE, "carol", None)?;
    let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().ok_or("a mock entry")?;
    mock.set_error(keyring_core::Error::NoStorageAccess(Box::new(
        std::io::Error::other("locked for the test"),
    )));
    let err = f
        .deck
        .rename("alice", "carol", now())
        .expect_err("the keyring refused");
    assert!(matches!(err, Error::Keyring(_)), "{err:?}");
    assert!(
        f.deck.account("alice").is_ok(),
        "the account keeps its name"
    );
    assert!(matches!(f.deck.account("carol"), Err(Error::NotFound(_))));
    let doc = f.vault().load("alice")?.ok_or("the secrets stay")?;
    assert_eq!(doc.token.ok_or("a token")?.expose(), "token-of-alice");
    Ok(())
}

fn pick(variable: &str, account: &str) -> authdeck_core::deck::DotenvPick {
    authdeck_core::deck::DotenvPick {
        variable: variable.into(),
        account: account.into(),
        provider: "meetra".into(),
        base_url: "https://api.example.com".into(),
        tag: None,
    }
}

#[tokio::test]
async fn a_dotenv_file_becomes_accounts_holding_its_tokens_and_a_bad_pick_changes_nothing()
-> TestResult {
    let f = fixture()?;
    f.signed_in("taken", now(), Some(3600))?;
    let file = f._tmp.path().join("project.env");
    std::fs::write(
        &file,
        "STRIPE_API_KEY=sk_test_abcdef123\nGITHUB_TOKEN='ghp_0123456789'\nDEBUG=1\n",
    )?;
    let offered = f.deck.dotenv_offer(&file)?;
    assert_eq!(offered.variables.len(), 3);

    // One pick whose name is taken: nothing is imported.
    let err = f
        .deck
        .import_dotenv(
            &file,
            &[
                pick("STRIPE_API_KEY", "stripe"),
                pick("GITHUB_TOKEN", "taken"),
            ],
            now(),
        )
        .await
        .expect_err("a taken name");
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(f.deck.account("stripe").is_err(), "nothing was imported");

    let reports = f
        .deck
        .import_dotenv(
            &file,
            &[
                pick("STRIPE_API_KEY", "stripe"),
                authdeck_core::deck::DotenvPick {
                    tag: Some(" dev ".into()),
                    ..pick("GITHUB_TOKEN", "github")
                },
            ],
            now(),
        )
        .await?;
    assert_eq!(reports.len(), 2);
    let stripe = f.vault().load("stripe")?.ok_or("stripe's entry")?;
    assert_eq!(stripe.token.ok_or("a token")?.expose(), "sk_test_abcdef123");
    let github = f.deck.account("github")?;
    assert!(github.session.signed_in);
    assert_eq!(github.config.base_url, "https://api.example.com");
    assert_eq!(
        github.config.tag.as_deref(),
        Some("dev"),
        "the import's tag"
    );
    assert_eq!(
        github.config.env_var.as_deref(),
        Some("GITHUB_TOKEN"),
        "the project's variable name is the account's"
    );
    let db = std::fs::read(f.home.db_path())?;
    let db = String::from_utf8_lossy(&db);
    assert!(!db.contains("sk_test_abcdef123") && !db.contains("ghp_0123456789"));

    let err = f
        .deck
        .import_dotenv(
            &file,
            &[authdeck_core::deck::DotenvPick {
                tag: Some("a;b".into()),
                ..pick("DEBUG", "debug")
            }],
            now(),
        )
        .await
        .expect_err("a bad tag");
    assert!(err.to_string().contains("is not a tag"), "{err}");
    assert!(f.deck.account("debug").is_err(), "nothing was imported");

    let err = f
        .deck
        .import_dotenv(&file, &[pick("NOT_THERE", "x")], now())
        .await
        .expect_err("a variable not in the file");
    assert!(
        err.to_string().contains("NOT_THERE is no longer in"),
        "{err}"
    );
    Ok(())
}

#[test]
fn data_version_moves_when_another_process_writes_and_not_for_its_own_writes() -> TestResult {
    let f = fixture()?;
    let cli = Deck::open_with_vault(f.home.clone(), f.vault())?;
    let start = f.deck.data_version()?;
    f.deck.save_account(&config("own"), now())?;
    assert_eq!(f.deck.data_version()?, start, "its own write");
    cli.save_account(&config("from-cli"), now())?;
    let moved = f.deck.data_version()?;
    assert_ne!(moved, start, "another connection's write");
    assert_eq!(
        f.deck.data_version()?,
        moved,
        "and steady until the next one"
    );
    Ok(())
}

#[test]
fn a_pin_belongs_to_the_account_it_follows_a_rename_and_goes_with_a_removal() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    f.deck.save_account(&config("bob"), now())?;
    assert!(f.deck.set_pinned("alice", true)?.pinned);
    assert!(!f.deck.account("bob")?.pinned, "only the one pinned");
    // A change of the account's settings keeps its pin.
    let mut edited = f.deck.account("alice")?.config;
    edited.tag = Some("prod".into());
    assert!(f.deck.save_account(&edited, now())?.pinned);

    f.deck.rename("alice", "carol", now())?;
    assert!(
        f.deck.account("carol")?.pinned,
        "the pin followed the rename"
    );
    f.deck.save_account(&config("alice"), now())?;
    assert!(
        !f.deck.account("alice")?.pinned,
        "a new account under the old name is not pinned"
    );

    f.deck.remove("carol", now())?;
    f.deck.save_account(&config("carol"), now())?;
    assert!(
        !f.deck.account("carol")?.pinned,
        "the pin went with the removal"
    );
    assert!(matches!(
        f.deck.set_pinned("nobody", true),
        Err(Error::NotFound(_))
    ));
    Ok(())
}

#[test]
fn tagging_checks_every_name_first_and_the_tagged_are_found_letter_case_aside() -> TestResult {
    let f = fixture()?;
    for name in ["a", "b", "c"] {
        f.deck.save_account(&config(name), now())?;
    }
    let names = |list: Vec<authdeck_core::deck::AccountSummary>| -> Vec<String> {
        list.into_iter().map(|s| s.account.config.name).collect()
    };
    let typo = f
        .deck
        .tag_accounts(&["a".into(), "nobody".into()], Some("prod"), now());
    assert!(matches!(typo, Err(Error::NotFound(_))), "{typo:?}");
    assert_eq!(
        f.deck.account("a")?.config.tag,
        None,
        "a typo changes nothing"
    );

    let done = f
        .deck
        .tag_accounts(&["b".into(), "a".into(), "b".into()], Some(" Prod "), now())?;
    assert_eq!(done, vec!["b", "a"], "each name once, in order");
    assert_eq!(
        names(f.deck.accounts_tagged("PROD", now())?),
        vec!["a", "b"]
    );
    assert_eq!(
        names(f.deck.accounts_tagged("", now())?),
        vec!["c"],
        "'' is the untagged"
    );
    assert!(matches!(
        f.deck.accounts_tagged("a;b", now()),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        f.deck.tag_accounts(&["c".into()], Some("  "), now()),
        Err(Error::Invalid(_))
    ));
    f.deck.tag_accounts(&["a".into()], None, now())?;
    assert_eq!(names(f.deck.accounts_tagged("prod", now())?), vec!["b"]);
    Ok(())
}

/// Holds `name`'s lock while `meanwhile` runs, with `waiting` started first in another thread:
/// `waiting` reads the account, then waits for the lock, as an operation does that comes while
/// another (a rename, a removal) holds it. Returns what `waiting` returned.
fn while_locked<T: Send>(
    f: &Fixture,
    name: &str,
    waiting: impl FnOnce() -> authdeck_core::Result<T> + Send,
    meanwhile: impl FnOnce() -> TestResult,
) -> Result<authdeck_core::Result<T>, Box<dyn std::error::Error>> {
    let held = authdeck_core::lock::acquire(&f.home.locks_dir(), name)?;
    std::thread::scope(|s| {
        let waiting = s.spawn(waiting);
        // Time for the other thread to read the account and reach the lock. Were it slower,
        // it would find the account gone at its first read and the test would pass anyway:
        // the delay can hide the bug, never invent one.
        std::thread::sleep(std::time::Duration::from_millis(500));
        meanwhile()?;
        drop(held);
        Ok(waiting
            .join()
            .expect("the waiting operation does not panic"))
    })
}

/// Deletes `name`'s row as another process holding its lock would (a rename, a removal).
fn drop_row(f: &Fixture, name: &str) -> TestResult {
    accounts::delete(&db::open(&f.home.db_path())?, name)?;
    Ok(())
}

#[test]
fn a_removal_that_waited_for_the_lock_of_an_account_gone_meanwhile_records_no_removal() -> TestResult
{
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let result = while_locked(
        &f,
        "alice",
        || f.deck.remove("alice", now()),
        // What a rename to "bob" holding the lock does to the rows.
        || drop_row(&f, "alice"),
    )?;
    let err = result.expect_err("there was nothing left to remove");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let removals = f
        .deck
        .history(&Filter::default())?
        .into_iter()
        .filter(|e| e.action == Action::Remove)
        .count();
    assert_eq!(
        removals, 0,
        "no removal is recorded for an account that was not there"
    );
    assert!(
        f.vault().load("alice")?.is_some(),
        "the keyring entry it found gone is not touched"
    );
    Ok(())
}

#[test]
fn forgetting_a_password_that_waited_for_the_lock_of_an_account_gone_meanwhile_says_it_is_gone()
-> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let result = while_locked(
        &f,
        "alice",
        || f.deck.forget_password("alice", now()),
        || drop_row(&f, "alice"),
    )?;
    let err = result.expect_err("there was no account left");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    let doc = f.vault().load("alice")?.expect("the entry stays as it was");
    assert!(doc.password.is_some(), "its password was not touched");
    Ok(())
}

#[test]
fn a_rename_that_waited_for_the_lock_of_an_account_gone_meanwhile_makes_no_account() -> TestResult {
    let f = fixture()?;
    f.signed_in("alice", now(), Some(3600))?;
    let result = while_locked(
        &f,
        "alice",
        || f.deck.rename("alice", "bob", now()),
        || drop_row(&f, "alice"),
    )?;
    let err = result.expect_err("there was no account left to rename");
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(
        matches!(f.deck.account("bob"), Err(Error::NotFound(_))),
        "no account appeared under the new name"
    );
    assert_eq!(
        f.vault().load("bob")?,
        None,
        "no secret moved to the new name"
    );
    Ok(())
}
