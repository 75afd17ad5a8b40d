//! OAuth 2.0 / OpenID Connect accounts against a real certified provider (npm
//! `oidc-provider`, started per test on 127.0.0.1:0) with a stand-in browser that submits its
//! forms and delivers the redirect to Authdeck's real loopback listener. Real SQLite, real
//! loopback HTTP, keyring-core's in-memory store.

#[path = "support/oidc.rs"]
mod oidc;

use authdeck_core::deck::{Deck, LoginReport, LoginRequest, Outcome};
use authdeck_core::history::{Action, Filter};
use authdeck_core::home::Home;
use authdeck_core::http::{Http, Policy};
use authdeck_core::oauth::transport::Transport;
use authdeck_core::oauth::{self, Registration};
use authdeck_core::provider::ClientAuth;
use authdeck_core::vault::Vault;
use authdeck_core::{Kind, Secret};
use jiff::Timestamp;
use oidc::{Issuer, StandInBrowser};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

const SERVICE: &str = "authdeck-test-oauth";
const LIMIT: Duration = Duration::from_secs(20);

struct World {
    _tmp: tempfile::TempDir,
    deck: Deck,
    http: Http,
    vault: Vault,
    issuer: Issuer,
}

fn world(server_args: &[&str]) -> Fallible<World> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let store = keyring_core::mock::Store::new()?;
    let vault = Vault::with_store(store.clone(), SERVICE, None);
    let deck = Deck::open_with_vault(home, Vault::with_store(store, SERVICE, None))?;
    Ok(World {
        _tmp: tmp,
        deck,
        http: Http::new()?,
        vault,
        issuer: Issuer::start(server_args),
    })
}

impl World {
    /// A sign-in of a new `oidc` account with `client_id`, `set` overrides and a secret.
    fn request(&self, account: &str, client_id: &str, set: &[(&str, &str)]) -> LoginRequest {
        let mut overrides = serde_json::Map::new();
        for (path, value) in set {
            let patch =
                authdeck_core::provider::override_from_assignment(&format!("{path}={value}"))
                    .expect("an assignment");
            let mut merged = serde_json::Value::Object(overrides);
            authdeck_core::provider::merge(&mut merged, &patch);
            overrides = merged.as_object().cloned().unwrap_or_default();
        }
        LoginRequest {
            account: account.into(),
            provider: Some("oidc".into()),
            base_url: Some(self.issuer.issuer.clone()),
            client_id: Some(client_id.into()),
            overrides: Some(overrides),
            ..LoginRequest::default()
        }
    }

    /// A client credentials sign-in of `bot` with the service client and its secret.
    fn service_request(&self, set: &[(&str, &str)]) -> LoginRequest {
        let mut all = vec![("oauth.grant", "client_credentials")];
        all.extend_from_slice(set);
        LoginRequest {
            client_secret: Some(Secret::new("service-secret-9e2b1c")),
            ..self.request("bot", "authdeck-service", &all)
        }
    }

    async fn sign_in(&self, req: LoginRequest, browser: &StandInBrowser) -> Fallible<LoginReport> {
        let plan = self.deck.plan_login(req)?;
        Ok(self
            .deck
            .sign_in(&self.http, plan, browser, LIMIT, &Timestamp::now)
            .await?)
    }

    fn transport(&self) -> Transport {
        Transport::new(self.http.clone(), Policy::default())
    }
}

fn failure(report: &LoginReport) -> &authdeck_core::Failure {
    match &report.outcome {
        Outcome::Failed(f) => f,
        Outcome::Ok(_) => panic!("{} signed in, and was expected to fail", report.account),
    }
}

fn ok(report: &LoginReport) -> &authdeck_core::deck::SessionFacts {
    match &report.outcome {
        Outcome::Ok(facts) => facts,
        Outcome::Failed(f) => panic!("{} failed: {}", report.account, f.summary()),
    }
}

#[tokio::test]
async fn pkce_sign_in_keeps_the_tokens_and_a_validated_id_token() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_LOGIN", "alice")]);
    let report = w
        .sign_in(w.request("corp", "authdeck-pkce", &[]), &browser)
        .await?;
    let facts = ok(&report);
    assert!(facts.refreshable, "a refresh token came with the sign-in");
    let doc = w.vault.load("corp")?.ok_or("secrets kept")?;
    assert!(doc.token.is_some() && doc.refresh_token.is_some());
    let id_token = doc.id_token.ok_or("the ID token is kept")?;
    let claims = authdeck_core::jwt::claims(id_token.expose()).ok_or("a JWT")?;
    assert_eq!(claims["sub"], "alice", "the ID token is alice's");
    assert_eq!(claims["aud"], "authdeck-pkce", "and meant for this client");
    let account = w.deck.account("corp")?;
    assert!(account.session.signed_in && account.session.expires_at.is_some());
    let user = w.deck.userinfo(&w.http, "corp").await?;
    assert_eq!(
        user["sub"], "alice",
        "UserInfo agrees with the ID token: {user}"
    );
    let events = w.deck.history(&Filter::default())?;
    assert_eq!(events.len(), 1, "one login event");
    assert!(events[0].ok && events[0].action == Action::Login);
    // The token request is kept with the code and its verifier hidden, the answer without a token.
    let exchange = w
        .deck
        .exchange(events[0].id)?
        .ok_or("the token request is kept")?;
    let request = exchange.request.ok_or("the request")?;
    assert!(request.url.ends_with("/token"), "{}", request.url);
    for field in [
        "code=<redacted>",
        "code_verifier=<redacted>",
        "grant_type=authorization_code",
    ] {
        assert!(request.body.contains(field), "{field} in {}", request.body);
    }
    let answer = exchange.answer.ok_or("the answer")?;
    let token = doc.token.as_ref().ok_or("a token")?;
    assert!(!answer.body.contains(token.expose()), "{}", answer.body);
    assert!(!answer.body.contains(id_token.expose()), "{}", answer.body);
    Ok(())
}

#[tokio::test]
async fn a_redirect_with_another_state_is_refused_and_nothing_is_exchanged() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_STATE", "tamper")]);
    let report = w
        .sign_in(w.request("corp", "authdeck-pkce", &[]), &browser)
        .await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::ProtocolError);
    assert!(
        f.message.as_deref().unwrap_or("").contains("state"),
        "{f:?}"
    );
    assert!(w.vault.load("corp")?.is_none_or(|d| d.token.is_none()));
    Ok(())
}

#[tokio::test]
async fn denied_consent_is_access_denied_in_the_servers_words() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_CONSENT", "deny")]);
    let report = w
        .sign_in(w.request("corp", "authdeck-pkce", &[]), &browser)
        .await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::AccessDenied, "{f:?}");
    assert_eq!(f.error_code.as_deref(), Some("access_denied"));
    let events = w.deck.history(&Filter::default())?;
    assert_eq!(
        events[0].kind,
        Some(Kind::AccessDenied),
        "kept in the history"
    );
    Ok(())
}

#[tokio::test]
async fn a_redirect_after_the_time_limit_finds_nobody_listening() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_DELAY_MS", "2500")]);
    let plan = w.deck.plan_login(w.request("corp", "authdeck-pkce", &[]))?;
    let report = w
        .deck
        .sign_in(
            &w.http,
            plan,
            &browser,
            Duration::from_secs(1),
            &Timestamp::now,
        )
        .await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::ExpiredToken, "{f:?}");
    // The late redirect must not reach a listener (the port is closed).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(w.vault.load("corp")?.is_none_or(|d| d.token.is_none()));
    Ok(())
}

#[tokio::test]
async fn the_device_grant_shows_a_code_and_polls_until_approved() -> TestResult {
    let w = world(&[])?;
    // Approved 2.5 s later: the polls before that are answered authorization_pending.
    let browser =
        StandInBrowser::new(&[("OIDC_TEST_LOGIN", "dora"), ("OIDC_TEST_DELAY_MS", "2500")]);
    let report = w
        .sign_in(
            w.request("tv", "authdeck-device", &[("oauth.grant", "device_code")]),
            &browser,
        )
        .await?;
    ok(&report);
    let shown = browser.shown.lock().map_err(|_| "poisoned")?.clone();
    let shown = shown.ok_or("a device code was shown")?;
    assert!(!shown.user_code.is_empty() && shown.verification_uri.starts_with("http"));
    let id_token = w.vault.load("tv")?.and_then(|d| d.id_token).ok_or("id")?;
    let claims = authdeck_core::jwt::claims(id_token.expose()).ok_or("a JWT")?;
    assert_eq!(claims["sub"], "dora");
    Ok(())
}

#[tokio::test]
async fn a_slow_down_answer_makes_the_device_polls_wait_longer_and_go_on() -> TestResult {
    let w = world(&["--slow-down-once"])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_DELAY_MS", "1500")]);
    let report = w
        .sign_in(
            w.request("tv", "authdeck-device", &[("oauth.grant", "device_code")]),
            &browser,
        )
        .await?;
    ok(&report);
    Ok(())
}

#[tokio::test]
async fn a_device_code_nobody_approves_expires() -> TestResult {
    let w = world(&["--device-ttl", "3"])?;
    let mut browser = StandInBrowser::new(&[]);
    browser.approve_device = false;
    let report = w
        .sign_in(
            w.request("tv", "authdeck-device", &[("oauth.grant", "device_code")]),
            &browser,
        )
        .await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::ExpiredToken, "{f:?}");
    Ok(())
}

#[tokio::test]
async fn a_denied_device_code_is_access_denied() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_CONSENT", "deny")]);
    let report = w
        .sign_in(
            w.request("tv", "authdeck-device", &[("oauth.grant", "device_code")]),
            &browser,
        )
        .await?;
    assert_eq!(failure(&report).kind, Kind::AccessDenied);
    Ok(())
}

#[tokio::test]
async fn client_credentials_renew_by_running_the_grant_again() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    let req = w.service_request(&[("oauth.scopes", "[\"api:read\"]")]);
    let first = w.sign_in(req, &browser).await?;
    ok(&first);
    let before = w
        .vault
        .load("bot")?
        .and_then(|d| d.token)
        .ok_or("a token")?;
    let renewed = w.deck.refresh(&w.http, "bot").await?;
    ok(&renewed);
    let after = w
        .vault
        .load("bot")?
        .and_then(|d| d.token)
        .ok_or("a token")?;
    assert_ne!(before.expose(), after.expose(), "a new token");
    let events = w.deck.history(&Filter::default())?;
    assert_eq!(events[0].action, Action::Relogin, "the grant ran again");
    assert!(
        w.deck.account("bot")?.session.password_remembered,
        "it can sign in again by itself"
    );
    Ok(())
}

#[tokio::test]
async fn a_rotated_refresh_token_is_kept_and_a_replayed_old_one_is_refused() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    ok(&w
        .sign_in(w.request("corp", "authdeck-pkce", &[]), &browser)
        .await?);
    let first = w
        .vault
        .load("corp")?
        .and_then(|d| d.refresh_token)
        .ok_or("rt")?;
    ok(&w.deck.refresh(&w.http, "corp").await?);
    let second = w
        .vault
        .load("corp")?
        .and_then(|d| d.refresh_token)
        .ok_or("rt")?;
    assert_ne!(
        first.expose(),
        second.expose(),
        "the server rotated it, and it is kept"
    );
    // The old one, replayed, is refused by the server (and that is invalid_grant).
    let spec = w
        .deck
        .provider_of(&w.deck.account("corp")?.config)?
        .oauth
        .ok_or("oauth")?;
    let transport = w.transport();
    let mut endpoints = oauth::discovery::endpoints(&transport, &w.issuer.issuer, &spec).await?;
    let reg = Registration {
        client_id: "authdeck-pkce".into(),
        client_secret: None,
        auth: ClientAuth::None,
    };
    let replay = oauth::token_request::request(
        &transport,
        &mut endpoints,
        &reg,
        &spec,
        oauth::token_request::GrantRequest::Refresh(&first),
        &Timestamp::now,
    )
    .await;
    let f = replay.result.err().ok_or("the replay must fail")?;
    assert_eq!(f.kind, Kind::InvalidGrant, "{f:?}");
    // A replay makes the server revoke the whole grant (RFC 9700 §4.14.2), the kept token
    // with it: the account now says plainly to sign in again.
    let err = w
        .deck
        .refresh(&w.http, "corp")
        .await
        .err()
        .ok_or("refused")?;
    assert!(err.to_string().contains("authdeck login corp"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_refused_refresh_token_says_to_sign_in_again() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    ok(&w
        .sign_in(w.request("corp", "authdeck-pkce", &[]), &browser)
        .await?);
    let doc = w.vault.load("corp")?.ok_or("doc")?;
    w.vault.save(
        "corp",
        &authdeck_core::vault::VaultDoc {
            refresh_token: Some(Secret::new("not-a-refresh-token-the-server-knows")),
            ..doc
        },
    )?;
    let err = w.deck.refresh(&w.http, "corp").await.err().ok_or("fails")?;
    let said = err.to_string();
    assert!(said.contains("authdeck login corp"), "{said}");
    assert!(said.contains("invalid_grant"), "{said}");
    // The dead refresh token is gone: the account no longer offers it, and asking again
    // does not send it again (no second refused event).
    assert!(!w.deck.account("corp")?.session.has_refresh_token);
    assert!(
        w.vault
            .load("corp")?
            .and_then(|d| d.refresh_token)
            .is_none()
    );
    let events = w.deck.history(&Filter::default())?.len();
    let again = w.deck.refresh(&w.http, "corp").await.err().ok_or("fails")?;
    assert!(again.to_string().contains("authdeck login corp"), "{again}");
    assert_eq!(
        w.deck.history(&Filter::default())?.len(),
        events,
        "nothing was sent"
    );
    Ok(())
}

#[tokio::test]
async fn logout_revokes_and_introspection_then_says_inactive() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    let req = LoginRequest {
        client_secret: Some(Secret::new("basic-secret-4f9c2e")),
        ..w.request("corp", "authdeck-basic", &[])
    };
    ok(&w.sign_in(req, &browser).await?);
    let seen = w.deck.introspect(&w.http, "corp").await?;
    assert!(seen.active, "a fresh token is active: {seen:?}");
    assert_eq!(seen.client_id.as_deref(), Some("authdeck-basic"));
    let token = w.vault.load("corp")?.and_then(|d| d.token).ok_or("token")?;
    let said = w.deck.revoke(&w.http, "corp").await?.ok_or("a note")?;
    assert!(
        said.contains("refresh token revoked") && said.contains("access token revoked"),
        "{said}"
    );
    w.deck.logout_noting("corp", Timestamp::now(), Some(said))?;
    let events = w.deck.history(&Filter::default())?;
    assert!(
        events[0]
            .note
            .as_deref()
            .unwrap_or("")
            .contains("confirmed"),
        "the history says the server confirmed: {:?}",
        events[0].note
    );
    // Ask the server about the old token directly: it is no longer active.
    let spec = w
        .deck
        .provider_of(&w.deck.account("corp")?.config)?
        .oauth
        .ok_or("oauth")?;
    let transport = w.transport();
    let endpoints = oauth::discovery::endpoints(&transport, &w.issuer.issuer, &spec).await?;
    let reg = Registration {
        client_id: "authdeck-basic".into(),
        client_secret: Some(Secret::new("basic-secret-4f9c2e")),
        auth: ClientAuth::ClientSecretBasic,
    };
    let after = oauth::introspection::introspect(&transport, &endpoints, &reg, &token).await?;
    assert!(!after.active, "revoked: {after:?}");
    Ok(())
}

#[tokio::test]
async fn a_wrong_client_secret_is_invalid_client() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    let req = LoginRequest {
        client_secret: Some(Secret::new("not-the-secret")),
        ..w.request(
            "bot",
            "authdeck-service",
            &[
                ("oauth.grant", "client_credentials"),
                ("oauth.scopes", "[\"api:read\"]"),
            ],
        )
    };
    let report = w.sign_in(req, &browser).await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::InvalidClient, "{f:?}");
    Ok(())
}

#[tokio::test]
async fn an_issuer_other_than_the_one_asked_for_is_refused() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    // The same server under another name: its discovery document names 127.0.0.1.
    let mut req = w.request("corp", "authdeck-pkce", &[]);
    req.base_url = Some(format!("http://localhost:{}", w.issuer.port));
    let report = w.sign_in(req, &browser).await?;
    let f = failure(&report);
    assert_eq!(f.kind, Kind::ProtocolError);
    assert!(
        f.message.as_deref().unwrap_or("").contains("issuer"),
        "{f:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_plain_oauth_request_without_openid_carries_no_nonce() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[("OIDC_TEST_LOGIN", "alice")]);
    // oidc-provider refuses a nonce without the openid scope (invalid_request, "openid scope
    // must be requested when using the nonce parameter"). Without a nonce it gets as far as
    // its own policy: this configuration grants nothing without a scope (access_denied).
    let report = w
        .sign_in(
            w.request("plain", "authdeck-pkce", &[("oauth.scopes", "[]")]),
            &browser,
        )
        .await?;
    let refused = failure(&report);
    assert!(
        !refused.summary().contains("nonce"),
        "the request carried a nonce: {}",
        refused.summary()
    );
    assert_eq!(refused.error_code.as_deref(), Some("access_denied"));
    Ok(())
}

#[tokio::test]
async fn client_credentials_with_the_presets_user_scopes_still_sign_in() -> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    // The oidc preset's default scopes (openid profile email offline_access) are about a
    // user; a client credentials grant has none, and a real server refuses them.
    let req = w.service_request(&[]);
    ok(&w.sign_in(req, &browser).await?);
    Ok(())
}

#[tokio::test]
async fn a_client_credentials_account_keeps_its_secret_through_logout_and_forgets_it_on_request()
-> TestResult {
    let w = world(&[])?;
    let browser = StandInBrowser::new(&[]);
    let req = w.service_request(&[("oauth.scopes", "[\"api:read\"]")]);
    ok(&w.sign_in(req, &browser).await?);
    w.deck.logout("bot", Timestamp::now())?;
    assert!(
        w.deck.account("bot")?.session.password_remembered,
        "after logout it still signs in again by itself"
    );
    let again = w.request("bot", "authdeck-service", &[]);
    ok(&w.sign_in(again, &browser).await?);

    let forgotten = w.deck.forget_password("bot", Timestamp::now())?;
    assert_eq!(forgotten, vec!["client secret"]);
    assert!(
        w.vault.load("bot")?.and_then(|d| d.client_secret).is_none(),
        "the keyring no longer holds it"
    );
    assert!(!w.deck.account("bot")?.session.password_remembered);
    assert!(
        w.deck.forget_password("bot", Timestamp::now())?.is_empty(),
        "nothing left to forget"
    );
    Ok(())
}
