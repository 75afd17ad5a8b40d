//! The kernel token cache (`token_cache.rs`) in the real Linux user keyring, alone and in front
//! of keyring-core's in-memory store: what it keeps, for how long, for whom, and that a deck
//! hands out a cached token only for the session it belongs to and drops it on every write.
//!
//! Needs keyutils (any Linux kernel; not blocked by a seccomp filter) and a session whose
//! keyring reaches `@u`, as a login session's does (scripts/with-keyring.sh gives one).
#![cfg(target_os = "linux")]

use authdeck_core::accounts::{self, AccountConfig, SessionState};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::secret::fingerprint;
use authdeck_core::token_cache::TokenCache;
use authdeck_core::vault::{Vault, VaultDoc};
use authdeck_core::{Secret, db};
use jiff::{SignedDuration, Timestamp};
use keyring_core::CredentialStore;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A service of this test's own, so parallel tests and runs never share a kernel key.
fn service(test: &str) -> String {
    format!("authdeck-test-{}-{test}", std::process::id())
}

fn kernel_cache(service: &str) -> Result<TokenCache, String> {
    let cache = TokenCache::for_service(service);
    if cache.is_on() {
        Ok(cache)
    } else {
        Err("no kernel keyring here (keyutils blocked?): this test needs one".into())
    }
}

/// `/proc/keys`' timeout and permission columns of the key described `description`.
fn proc_keys_entry(description: &str) -> Option<(String, String)> {
    let keys = std::fs::read_to_string("/proc/keys").ok()?;
    keys.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let described = fields.get(8)?.trim_end_matches(':') == description;
        let valid = !fields.get(1)?.contains('i');
        (described && valid).then(|| (fields[3].to_string(), fields[4].to_string()))
    })
}

#[test]
fn a_cached_token_lives_in_the_user_keyring_no_longer_than_its_token_and_for_its_possessor_only()
-> TestResult {
    let service = service("lives");
    let cache = kernel_cache(&service)?;
    let now = Timestamp::now();
    let token = Secret::new("header.payload.signature");
    cache.put(
        "dev",
        &token,
        Some("Token"),
        now + SignedDuration::from_secs(42),
        now,
    );

    let hit = cache.get("dev").ok_or("kept")?;
    assert_eq!(hit.token, token);
    assert_eq!(hit.scheme.as_deref(), Some("Token"));
    let (timeout, perms) =
        proc_keys_entry(&cache.description("dev")).ok_or("listed in /proc/keys")?;
    let secs: u64 = timeout
        .strip_suffix('s')
        .ok_or(format!("a timeout in seconds, not {timeout:?}"))?
        .parse()?;
    assert!(secs <= 42, "the key may outlive its token: {secs} s > 42 s");
    assert_eq!(
        perms, "2f000000",
        "possessor: view, read, write, search, setattr; nothing for the uid, group or others"
    );

    cache.forget("dev");
    assert!(cache.get("dev").is_none(), "forgotten at once");
    Ok(())
}

#[test]
fn a_token_with_less_than_a_second_left_is_not_cached() -> TestResult {
    let service = service("short");
    let cache = kernel_cache(&service)?;
    let now = Timestamp::from_second(1_800_000_000)?;
    let token = Secret::new("t");
    cache.put(
        "dev",
        &token,
        None,
        now + SignedDuration::from_millis(999),
        now,
    );
    assert!(cache.get("dev").is_none(), "under a second: not kept");
    cache.put("dev", &token, None, now - SignedDuration::from_secs(5), now);
    assert!(cache.get("dev").is_none(), "expired: not kept");
    Ok(())
}

struct Fixture {
    _tmp: tempfile::TempDir,
    home: Home,
    store: Arc<CredentialStore>,
    service: String,
    deck: Deck,
}

impl Fixture {
    fn new(test: &str) -> Result<Fixture, Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let home = Home::at(tmp.path().join("home"))?;
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
        let service = service(test);
        let vault = Vault::with_store(store.clone(), service.as_str(), None)
            .with_token_cache(kernel_cache(&service)?);
        let deck = Deck::open_with_vault(home.clone(), vault)?;
        Ok(Fixture {
            _tmp: tmp,
            home,
            store,
            service,
            deck,
        })
    }

    /// The in-memory store alone, without the cache.
    fn store_only(&self) -> Vault {
        Vault::with_store(self.store.clone(), self.service.as_str(), None)
    }

    fn cache(&self) -> TokenCache {
        TokenCache::for_service(&self.service)
    }

    /// `name` signed in with `token`, valid for an hour, with a remembered password.
    fn signed_in(&self, name: &str, token: &str, now: Timestamp) -> TestResult {
        self.deck.save_account(&config(name), now)?;
        let session = SessionState {
            signed_in: true,
            issued_at: Some(now),
            expires_at: Some(now + SignedDuration::from_secs(3600)),
            token_fingerprint: Some(fingerprint(&Secret::new(token))),
            has_refresh_token: true,
            password_remembered: true,
            clock_skew_secs: None,
            secrets_origin: Some("http://127.0.0.1:9".into()),
        };
        accounts::set_session(&db::open(&self.home.db_path())?, name, &session, now)?;
        self.store_only().save(
            name,
            &VaultDoc {
                token: Some(Secret::new(token)),
                refresh_token: Some(Secret::new("refresh")),
                password: Some(Secret::new("password")),
                ..VaultDoc::default()
            },
        )?;
        Ok(())
    }

    async fn token(&self, name: &str) -> authdeck_core::Result<String> {
        let out = self
            .deck
            .token(
                &Http::new()?,
                name,
                SignedDuration::from_secs(60),
                &Timestamp::now,
            )
            .await?;
        Ok(out.token.expose().to_string())
    }
}

fn config(name: &str) -> AccountConfig {
    AccountConfig {
        name: name.to_string(),
        provider: "user-login".to_string(),
        // Nothing listens here: a renewal would fail instead of going unnoticed.
        base_url: "http://127.0.0.1:9/user-login".to_string(),
        email: "alice@userlogin.test".to_string(),
        overrides: Default::default(),
        allow_insecure_http: false,
        timeout_secs: None,
        env_var: None,
        tag: None,
    }
}

#[tokio::test]
async fn a_fresh_token_read_once_from_the_store_is_then_answered_from_the_cache_alone() -> TestResult
{
    let f = Fixture::new("answered")?;
    f.signed_in("dev", "token-one", Timestamp::now())?;
    assert_eq!(f.token("dev").await?, "token-one", "read from the store");
    // The store loses its entry behind our back: the cache still answers, so it was not read.
    f.store_only().save("dev", &VaultDoc::default())?;
    assert!(f.store_only().load("dev")?.is_none());
    f.cache()
        .get("dev")
        .ok_or("the store-only vault's save does not reach the cache")?;
    assert_eq!(
        f.token("dev").await?,
        "token-one",
        "from the kernel keyring"
    );
    f.cache().forget("dev");
    Ok(())
}

#[tokio::test]
async fn a_cached_token_of_another_session_is_never_handed_out() -> TestResult {
    let f = Fixture::new("other-session")?;
    let now = Timestamp::now();
    f.signed_in("dev", "token-new", now)?;
    // A copy left from an older session (a writer that missed it, another program).
    f.cache().put(
        "dev",
        &Secret::new("token-old"),
        None,
        now + SignedDuration::from_secs(600),
        now,
    );
    assert_eq!(
        f.token("dev").await?,
        "token-new",
        "the session's own token, from the store"
    );
    let cached = f.cache().get("dev").ok_or("refilled")?;
    assert_eq!(
        cached.token.expose(),
        "token-new",
        "the stale copy was replaced"
    );
    f.cache().forget("dev");
    Ok(())
}

#[tokio::test]
async fn logout_remove_and_every_vault_write_drop_the_cached_token() -> TestResult {
    let f = Fixture::new("writes")?;
    let now = Timestamp::now();
    f.signed_in("dev", "token-one", now)?;
    f.token("dev").await?;
    assert!(f.cache().get("dev").is_some(), "cached by token");
    f.deck.logout("dev", now)?;
    assert!(f.cache().get("dev").is_none(), "logout dropped it");

    f.signed_in("dev", "token-two", now)?;
    f.token("dev").await?;
    f.deck.forget_password("dev", now)?;
    assert!(
        f.cache().get("dev").is_none(),
        "a keyring write (forget-password) dropped it"
    );

    f.token("dev").await?;
    let mut moved = config("dev");
    moved.base_url = "http://127.0.0.2:9/user-login".into();
    f.deck.save_account(&moved, now)?;
    assert!(
        f.cache().get("dev").is_none(),
        "an edit that moved the account dropped it"
    );

    f.deck.save_account(&config("dev"), now)?;
    f.signed_in("dev", "token-three", now)?;
    f.token("dev").await?;
    f.deck.remove("dev", now)?;
    assert!(f.cache().get("dev").is_none(), "remove dropped it");
    Ok(())
}

#[test]
fn a_scheme_word_with_a_line_break_is_not_cached() -> TestResult {
    let service = service("scheme-break");
    let cache = kernel_cache(&service)?;
    let now = Timestamp::now();
    let token = Secret::new("tok");
    let expires_at = now + SignedDuration::from_secs(60);
    cache.put("dev", &token, Some("Mac\nX-Injected"), expires_at, now);
    assert!(
        cache.get("dev").is_none(),
        "a scheme word with a line break"
    );
    cache.put("dev", &token, Some("Mac"), expires_at, now);
    assert!(cache.get("dev").is_some(), "a plain scheme word");
    cache.forget("dev");
    Ok(())
}

#[test]
fn a_token_longer_than_the_first_read_comes_back_whole() -> TestResult {
    let service = service("long-token");
    let cache = kernel_cache(&service)?;
    let now = Timestamp::now();
    let expires_at = now + SignedDuration::from_secs(60);
    for len in [4090, 4095, 4096, 4097, 9000] {
        let token = Secret::new("t".repeat(len));
        cache.put("dev", &token, Some("Bearer"), expires_at, now);
        let hit = cache
            .get("dev")
            .ok_or(format!("a {len}-byte token is kept"))?;
        assert_eq!(hit.token, token, "a {len}-byte token");
        assert_eq!(hit.scheme.as_deref(), Some("Bearer"));
    }
    cache.forget("dev");
    Ok(())
}
