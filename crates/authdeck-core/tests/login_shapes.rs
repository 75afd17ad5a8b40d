//! Every login shape a provider file can describe, against the sandbox's API for it, with the
//! example provider files from `examples/providers/` as a user would install them: a cookie
//! session, a token in a response header, a form body with fixed headers and a scheme word in
//! the token field, a second factor with a TOTP secret; and the odd answers real servers give.
//! Each session is then used the way Authdeck hands it out, against the API's own "who am I"
//! route: the hand-out is right when the server accepts it. Real SQLite, real loopback HTTP,
//! keyring-core's in-memory store.

use authdeck_core::copy::{self, Format};
use authdeck_core::deck::{Deck, LoginReport, LoginRequest, Outcome, PastedToken};
use authdeck_core::exchange::CodeSource;
use authdeck_core::history::{Action, Event, Exchange, Filter};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::vault::Vault;
use authdeck_core::{Kind, Secret};
use authdeck_sandbox::{PASSWORD, Sandbox, TOTP_SECRET};
use jiff::{SignedDuration, Timestamp};
use std::path::Path;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

const SERVICE: &str = "authdeck-test-shapes";

struct World {
    tmp: tempfile::TempDir,
    deck: Deck,
    http: Http,
    sandbox: Sandbox,
    vault: Vault,
}

async fn world() -> Fallible<World> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/providers");
    std::fs::create_dir_all(home.providers_dir())?;
    for entry in std::fs::read_dir(examples)? {
        let path = entry?.path();
        std::fs::copy(
            &path,
            home.providers_dir().join(path.file_name().ok_or("a name")?),
        )?;
    }
    let store = keyring_core::mock::Store::new()?;
    let vault = Vault::with_store(store.clone(), SERVICE, None);
    let deck = Deck::open_with_vault(home, Vault::with_store(store, SERVICE, None))?;
    Ok(World {
        tmp,
        deck,
        http: Http::new()?,
        sandbox: Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
        vault,
    })
}

impl World {
    /// A login of `email` at the sandbox's `api` with the sandbox password.
    fn request(&self, account: &str, api: &str, email: &str) -> LoginRequest {
        LoginRequest {
            account: account.into(),
            provider: Some(api.into()),
            base_url: Some(self.sandbox.base_url(api)),
            email: Some(email.into()),
            password: Some(Secret::new(PASSWORD)),
            ..LoginRequest::default()
        }
    }

    async fn login(&self, account: &str, api: &str, email: &str) -> Fallible<LoginReport> {
        self.login_with(self.request(account, api, email)).await
    }

    async fn login_with(&self, req: LoginRequest) -> Fallible<LoginReport> {
        let plan = self.deck.plan_login(req)?;
        Ok(self.deck.login(&self.http, plan).await?)
    }

    /// The account's token as `authdeck token --format header` prints it: "Name: value".
    async fn header(&self, account: &str) -> Fallible<(String, String)> {
        let out = self
            .deck
            .token(&self.http, account, SignedDuration::ZERO, &Timestamp::now)
            .await?;
        let shown = self.deck.presentation(&out)?;
        let line = copy::render(Format::Header, account, &out.token, None, &shown);
        let (name, value) = line.split_once(": ").ok_or("a header line")?;
        Ok((name.to_string(), value.to_string()))
    }

    /// GETs `path` of `api` with the header; the status.
    async fn who_am_i(&self, api: &str, path: &str, header: &(String, String)) -> Fallible<u16> {
        let url = format!("{}{path}", self.sandbox.base_url(api));
        let answer = reqwest::Client::new()
            .get(url)
            .header(&header.0, &header.1)
            .send()
            .await?;
        Ok(answer.status().as_u16())
    }

    /// Every file of the data dir (the SQLite file, its WAL, settings, locks), as text.
    fn data_dir_text(&self) -> Fallible<String> {
        let mut text = String::new();
        let mut dirs = vec![self.tmp.path().join("home")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_none_or(|e| e != "toml") {
                    text.push_str(&String::from_utf8_lossy(&std::fs::read(&path)?));
                }
            }
        }
        Ok(text)
    }

    fn stored_token(&self, account: &str) -> Fallible<String> {
        let doc = self.vault.load(account)?.ok_or("a keyring entry")?;
        Ok(doc.token.ok_or("a token")?.expose().to_string())
    }
}

fn ok(report: &LoginReport) -> Fallible<&authdeck_core::deck::SessionFacts> {
    match &report.outcome {
        Outcome::Ok(facts) => Ok(facts),
        Outcome::Failed(f) => Err(format!("the login failed: {}", f.summary()).into()),
    }
}

fn failed(report: &LoginReport) -> Fallible<&authdeck_core::Failure> {
    match &report.outcome {
        Outcome::Failed(f) => Ok(f),
        Outcome::Ok(_) => Err("the login should have failed".into()),
    }
}

#[tokio::test]
async fn a_cookie_session_is_kept_and_handed_out_as_a_cookie_header() -> TestResult {
    let w = world().await?;
    let report = w.login("jar", "cookiejar", "alice@cookiejar.test").await?;
    let facts = ok(&report)?;
    let left = facts.expires_at.ok_or("Max-Age gives the expiry")? - Timestamp::now();
    assert!(
        (3500..=3600).contains(&left.get_seconds()),
        "Max-Age=3600 counted from now: {left:?}"
    );
    assert!(
        w.stored_token("jar")?.starts_with("sid="),
        "the cookie is the session"
    );
    let header = w.header("jar").await?;
    assert_eq!(header.0, "Cookie");
    assert_eq!(w.who_am_i("cookiejar", "/me", &header).await?, 200);
    Ok(())
}

#[tokio::test]
async fn a_token_in_a_response_header_is_sent_back_in_the_header_the_api_names() -> TestResult {
    let w = world().await?;
    let report = w
        .login("ks", "headertoken", "alice@headertoken.test")
        .await?;
    let facts = ok(&report)?;
    assert!(facts.expires_at.is_some(), "the expiry comes from the body");
    let header = w.header("ks").await?;
    assert_eq!(header.0, "X-Auth-Token");
    assert!(!header.1.contains(' '), "no scheme word: {}", header.1);
    assert_eq!(
        w.who_am_i("headertoken", "/v3/auth/tokens", &header)
            .await?,
        200
    );
    Ok(())
}

#[tokio::test]
async fn a_token_in_another_header_than_the_spec_says_is_named_in_the_failure() -> TestResult {
    let w = world().await?;
    let report = w
        .login("ks2", "headertoken", "bearer@headertoken.test")
        .await?;
    let f = failed(&report)?;
    assert_eq!(f.kind, Kind::ProtocolError);
    let m = f.message.clone().unwrap_or_default();
    assert!(
        m.contains("header:Authorization") || m.contains("header:authorization"),
        "{m}"
    );
    assert!(!m.contains("eyJ"), "the token itself is not shown: {m}");
    Ok(())
}

#[tokio::test]
async fn a_form_login_with_fixed_headers_hands_out_the_scheme_the_server_gave() -> TestResult {
    let w = world().await?;
    let report = w.login("form", "formlogin", "alice@formlogin.test").await?;
    ok(&report)?;
    assert!(
        !w.stored_token("form")?.starts_with("Token "),
        "the scheme word is kept apart from the token"
    );
    let header = w.header("form").await?;
    assert_eq!(header.0, "Authorization");
    assert!(header.1.starts_with("Token "), "{}", header.1);
    assert!(!header.1.starts_with("Token Token"), "{}", header.1);
    assert_eq!(w.who_am_i("formlogin", "/me", &header).await?, 200);
    Ok(())
}

#[tokio::test]
async fn a_header_override_per_account_reaches_the_server() -> TestResult {
    let w = world().await?;
    let overrides = serde_json::json!({"login": {"headers": {"X-Tenant": ""}}});
    let report = w
        .login_with(LoginRequest {
            overrides: overrides.as_object().cloned(),
            ..w.request("no-tenant", "formlogin", "alice@formlogin.test")
        })
        .await?;
    let f = failed(&report)?;
    assert_eq!(f.error_code.as_deref(), Some("missing_tenant"), "{f:?}");
    assert_eq!(f.kind, Kind::BadRequest);
    Ok(())
}

#[tokio::test]
async fn a_second_factor_without_a_code_fails_saying_how_to_give_one() -> TestResult {
    let w = world().await?;
    let report = w.login("tf", "twofactor", "alice@twofactor.test").await?;
    let f = failed(&report)?;
    assert_eq!(f.kind, Kind::Rejected);
    let m = f.message.clone().unwrap_or_default();
    assert!(m.contains("one-time code") && m.contains("TOTP"), "{m}");
    Ok(())
}

#[tokio::test]
async fn a_wrong_one_time_code_is_refused_as_the_server_says() -> TestResult {
    let w = world().await?;
    let report = w
        .login_with(LoginRequest {
            code: CodeSource::Given(Secret::new("000000")),
            ..w.request("tf", "twofactor", "alice@twofactor.test")
        })
        .await?;
    let f = failed(&report)?;
    // 000000 is right once in a million steps; the server's code says which it was.
    assert_eq!(f.error_code.as_deref(), Some("invalid_otp"), "{f:?}");
    assert_eq!(
        f.kind,
        Kind::Rejected,
        "a wrong code is not a wrong password"
    );
    Ok(())
}

#[tokio::test]
async fn a_kept_totp_secret_logs_in_and_renews_with_no_one_typing() -> TestResult {
    let w = world().await?;
    // No refresh flow for this account: renewing must log in again, second factor included.
    let overrides = serde_json::json!({"refresh": null});
    let report = w
        .login_with(LoginRequest {
            remember_password: true,
            totp_secret: Some(Secret::new(TOTP_SECRET)),
            overrides: overrides.as_object().cloned(),
            ..w.request("tf", "twofactor", "alice@twofactor.test")
        })
        .await?;
    ok(&report)?;
    let doc = w.vault.load("tf")?.ok_or("a keyring entry")?;
    assert_eq!(
        doc.totp_secret.as_ref().map(Secret::expose),
        Some(TOTP_SECRET),
        "the TOTP secret is kept in the keyring"
    );
    let renewed = w.deck.refresh(&w.http, "tf").await?;
    ok(&renewed)?;
    let events = w.deck.history(&Filter::default())?;
    assert!(
        events.iter().any(|e| e.action == Action::Relogin && e.ok),
        "renewed by logging in again, code computed: {events:?}"
    );
    let header = w.header("tf").await?;
    assert_eq!(w.who_am_i("twofactor", "/me", &header).await?, 200);
    assert!(
        !w.data_dir_text()?.contains(TOTP_SECRET),
        "the TOTP secret is nowhere in the data dir"
    );
    Ok(())
}

#[tokio::test]
async fn a_totp_secret_that_is_not_base32_is_refused_before_anything_is_sent() -> TestResult {
    let w = world().await?;
    let plan = w.deck.plan_login(LoginRequest {
        account: "tf".into(),
        provider: Some("twofactor".into()),
        base_url: Some(w.sandbox.base_url("twofactor")),
        email: Some("alice@twofactor.test".into()),
        totp_secret: Some(Secret::new("not base32!")),
        ..LoginRequest::default()
    });
    let e = plan.err().ok_or("refused")?.to_string();
    assert!(e.contains("base32"), "{e}");
    assert!(
        w.deck.accounts(Timestamp::now())?.is_empty(),
        "nothing kept"
    );
    Ok(())
}

#[tokio::test]
async fn a_200_with_an_error_code_is_the_refusal_the_provider_names() -> TestResult {
    let w = world().await?;
    let report = w
        .login_with(LoginRequest {
            account: "soft".into(),
            provider: Some("user-login".into()),
            base_url: Some(w.sandbox.base_url("user-login")),
            email: Some("soft@userlogin.test".into()),
            password: Some(Secret::new("wrong-password")),
            ..LoginRequest::default()
        })
        .await?;
    let f = failed(&report)?;
    assert_eq!(
        (f.kind, f.http_status, f.message.as_deref()),
        (Kind::InvalidPassword, Some(200), Some("Invalid password."))
    );
    Ok(())
}

#[tokio::test]
async fn bearer_inside_the_token_field_is_not_doubled() -> TestResult {
    let w = world().await?;
    ok(&w.login("b", "meetra", "bearer@meetra.test").await?)?;
    assert!(
        w.stored_token("b")?.starts_with("eyJ"),
        "the token alone is kept"
    );
    let header = w.header("b").await?;
    assert!(header.1.starts_with("Bearer eyJ"), "{}", header.1);
    let facts_claims = w.deck.account("b")?.session.expires_at;
    assert!(facts_claims.is_some(), "the JWT behind the word is read");
    Ok(())
}

#[tokio::test]
async fn an_exp_in_milliseconds_is_read_as_such_with_a_note() -> TestResult {
    let w = world().await?;
    let report = w.login("ms", "meetra", "msexp@meetra.test").await?;
    let facts = ok(&report)?;
    let left = facts.expires_at.ok_or("an expiry")? - Timestamp::now();
    assert!(
        left.get_seconds() > 0 && left.get_seconds() <= 3600,
        "an hour, not year 58,000: {left:?}"
    );
    assert!(
        facts.notes.iter().any(|n| n.contains("millisecond")),
        "{:?}",
        facts.notes
    );
    Ok(())
}

#[tokio::test]
async fn secrets_at_paths_no_spec_names_are_kept_nowhere() -> TestResult {
    let w = world().await?;
    // A wrong token path: the login fails, and what is kept of the answer must still hide the
    // real token and the debug secrets.
    let overrides = serde_json::json!({"success": {"token": "/data/token"}});
    let report = w
        .login_with(LoginRequest {
            overrides: overrides.as_object().cloned(),
            ..w.request("dbg", "sealmetrics", "debug@sealmetrics.test")
        })
        .await?;
    let f = failed(&report)?;
    let events = w.deck.history(&Filter::default())?;
    let kept = format!("{f:?} {events:?}");
    assert!(kept.contains("<redacted>"), "{kept}");
    let jwt = regex::Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+")?;
    let secret_hex = regex::Regex::new(r"[0-9a-f]{32,}")?;
    for (what, text) in [
        ("the failure and history", kept),
        ("the data dir", w.data_dir_text()?),
    ] {
        assert!(!jwt.is_match(&text), "a JWT in {what}");
        assert!(!secret_hex.is_match(&text), "a debug secret in {what}");
    }
    Ok(())
}

/// The sandbox's valid API key.
const LIVE_KEY: &str = authdeck_sandbox::LIVE_API_KEY;

impl World {
    async fn paste(
        &self,
        account: &str,
        token: &str,
        expires_at: Option<Timestamp>,
        overrides: serde_json::Value,
    ) -> Fallible<LoginReport> {
        Ok(self
            .deck
            .keep_pasted(
                PastedToken {
                    provider: Some("apikey".into()),
                    base_url: Some(self.sandbox.base_url("apikey")),
                    expires_at,
                    overrides: overrides.as_object().cloned(),
                    ..PastedToken::new(account, Secret::new(token))
                },
                Timestamp::now(),
            )
            .await?)
    }
}

#[tokio::test]
async fn a_pasted_api_key_is_handed_out_in_the_header_the_provider_names() -> TestResult {
    let w = world().await?;
    let report = w
        .paste("key", LIVE_KEY, None, serde_json::json!({}))
        .await?;
    ok(&report)?;
    let header = w.header("key").await?;
    assert_eq!(header, ("X-API-Key".to_string(), LIVE_KEY.to_string()));
    assert_eq!(w.who_am_i("apikey", "/v1/whoami", &header).await?, 200);
    let events = w.deck.history(&Filter::default())?;
    assert_eq!(events.len(), 1, "the paste is in the history");
    assert_eq!(events[0].http_status, None, "nothing was sent");
    assert!(
        !format!("{events:?}").contains(LIVE_KEY),
        "the key is not in the history"
    );
    Ok(())
}

#[tokio::test]
async fn a_pasted_key_can_go_in_a_query_parameter_instead() -> TestResult {
    let w = world().await?;
    let overrides = serde_json::json!({"handout": {"query": "api_key"}});
    ok(&w.paste("q", LIVE_KEY, None, overrides).await?)?;
    let out = w
        .deck
        .token(&w.http, "q", SignedDuration::ZERO, &Timestamp::now)
        .await?;
    let shown = w.deck.presentation(&out)?;
    let query = copy::render(Format::Header, "q", &out.token, None, &shown);
    assert_eq!(&*query, &format!("api_key={LIVE_KEY}"));
    let url = format!("{}/v1/whoami?{}", w.sandbox.base_url("apikey"), &*query);
    assert_eq!(reqwest::get(url).await?.status().as_u16(), 200);
    // Try it sends it there too, and shows it hidden as a placeholder that reads as one.
    let probe = w
        .deck
        .probe(&w.http, "q", "/v1/whoami?verbose=1", &Timestamp::now)
        .await?;
    assert_eq!(probe.answer.ok_or("an answer")?.http_status, 200);
    assert_eq!(
        probe.request.url,
        format!(
            "{}/v1/whoami?verbose=1&api_key=<redacted>",
            w.sandbox.base_url("apikey")
        )
    );
    assert!(probe.request.headers.is_empty());
    Ok(())
}

#[tokio::test]
async fn try_it_to_a_server_that_is_down_says_so_without_the_key_it_put_in_the_query() -> TestResult
{
    let w = world().await?;
    // An account of the apikey API at a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let pasted = PastedToken {
        provider: Some("apikey".into()),
        base_url: Some(format!("http://{closed}/apikey")),
        overrides: serde_json::json!({"handout": {"query": "api_key"}})
            .as_object()
            .cloned(),
        ..PastedToken::new("q", Secret::new(LIVE_KEY))
    };
    ok(&w.deck.keep_pasted(pasted, Timestamp::now()).await?)?;
    let probe = w
        .deck
        .probe(&w.http, "q", "/v1/whoami", &Timestamp::now)
        .await?;
    let failure = probe.failure.ok_or("no answer came")?;
    let said = failure.message.unwrap_or_default();
    assert!(said.contains("api_key=<redacted>"), "{said}");
    assert!(
        !said.contains(LIVE_KEY),
        "the key is not in the message: {said}"
    );
    Ok(())
}

#[tokio::test]
async fn a_pasted_personal_access_token_keeps_its_jwt_expiry_and_its_scheme() -> TestResult {
    let w = world().await?;
    let url = format!("{}/_sandbox/pat?ttl=600", w.sandbox.base_url("apikey"));
    let pat: serde_json::Value = reqwest::get(url).await?.json().await?;
    let pat = pat["token"].as_str().ok_or("a token")?.to_string();
    // Pasted as a whole header line, as people copy it out of a request.
    let overrides = serde_json::json!({"handout": {"header": "Authorization"}});
    let report = w
        .paste(
            "pat",
            &format!("Authorization: Bearer {pat}"),
            None,
            overrides,
        )
        .await?;
    let facts = ok(&report)?;
    let left = facts.expires_at.ok_or("the JWT's exp")? - Timestamp::now();
    assert!((500..=600).contains(&left.get_seconds()), "{left:?}");
    assert_eq!(w.stored_token("pat")?, pat, "the token alone is kept");
    let header = w.header("pat").await?;
    assert_eq!(header.1, format!("Bearer {pat}"));
    assert_eq!(w.who_am_i("apikey", "/v1/whoami", &header).await?, 200);
    Ok(())
}

#[tokio::test]
async fn a_pasted_key_near_its_expiry_warns_and_an_expired_one_asks_for_a_new_one() -> TestResult {
    let w = world().await?;
    let soon = Timestamp::now() + SignedDuration::from_hours(48);
    ok(&w
        .paste("soon", LIVE_KEY, Some(soon), serde_json::json!({}))
        .await?)?;
    let out = w
        .deck
        .token(
            &w.http,
            "soon",
            SignedDuration::from_secs(60),
            &Timestamp::now,
        )
        .await?;
    let warning = out.warning.ok_or("a warning two days ahead")?;
    assert!(warning.contains("cannot be renewed"), "{warning}");

    // Three days on, the same key has expired.
    let later = || Timestamp::now() + SignedDuration::from_hours(72);
    let e = w
        .deck
        .token(&w.http, "soon", SignedDuration::from_secs(60), &later)
        .await
        .err()
        .ok_or("an expired pasted key is not handed out")?
        .to_string();
    assert!(e.contains("paste a new one"), "{e}");
    Ok(())
}

#[tokio::test]
async fn pasted_text_that_is_not_one_token_is_refused_and_nothing_is_kept() -> TestResult {
    let w = world().await?;
    for bad in ["", "two words here", "line\nbreak"] {
        let e = w
            .paste("bad", bad, None, serde_json::json!({}))
            .await
            .err()
            .ok_or("refused")?
            .to_string();
        assert!(e.contains("paste"), "{bad:?}: {e}");
    }
    assert!(
        w.deck.accounts(Timestamp::now())?.is_empty(),
        "nothing kept"
    );
    assert!(w.vault.load("bad")?.is_none());
    Ok(())
}

#[tokio::test]
async fn a_provider_without_a_login_says_to_paste_a_key() -> TestResult {
    let w = world().await?;
    let e = w
        .deck
        .plan_login(LoginRequest {
            account: "k".into(),
            provider: Some("apikey".into()),
            base_url: Some(w.sandbox.base_url("apikey")),
            email: Some("a@b.c".into()),
            ..LoginRequest::default()
        })
        .err()
        .ok_or("refused")?
        .to_string();
    assert!(e.contains("--token-stdin"), "{e}");
    Ok(())
}

#[tokio::test]
async fn a_pasted_jwt_keeps_its_own_exp_when_the_date_given_is_later() -> TestResult {
    let w = world().await?;
    let url = format!("{}/_sandbox/pat?ttl=600", w.sandbox.base_url("apikey"));
    let pat: serde_json::Value = reqwest::get(url).await?.json().await?;
    let pat = pat["token"].as_str().ok_or("a token")?.to_string();
    let later = Timestamp::now() + SignedDuration::from_hours(24 * 365);
    let report = w
        .paste("pat", &pat, Some(later), serde_json::json!({}))
        .await?;
    let facts = ok(&report)?;
    let left = facts.expires_at.ok_or("an expiry")? - Timestamp::now();
    assert!(
        left.get_seconds() <= 600,
        "the token's own exp wins: {left:?}"
    );
    assert!(
        facts.notes.iter().any(|n| n.contains("own exp")),
        "{:?}",
        facts.notes
    );
    Ok(())
}

#[tokio::test]
async fn an_expired_or_odd_paste_is_refused_and_nothing_is_kept() -> TestResult {
    let w = world().await?;
    let past = Timestamp::now() - SignedDuration::from_hours(1);
    let e = w
        .paste("old", LIVE_KEY, Some(past), serde_json::json!({}))
        .await
        .err()
        .ok_or("an expired key is refused")?
        .to_string();
    assert!(
        e.contains("expired") && e.contains("nothing was kept"),
        "{e}"
    );
    for odd in ["abc def-SECRET", "ключ-123"] {
        let e = w
            .paste("odd", odd, None, serde_json::json!({}))
            .await
            .err()
            .ok_or("refused")?
            .to_string();
        assert!(
            !e.contains("SECRET") && !e.contains("ключ"),
            "not repeated: {e}"
        );
    }
    assert!(
        w.deck.accounts(Timestamp::now())?.is_empty(),
        "nothing kept"
    );
    Ok(())
}

#[tokio::test]
async fn logging_out_keeps_the_totp_secret_beside_the_password() -> TestResult {
    let w = world().await?;
    let first = w
        .login_with(LoginRequest {
            remember_password: true,
            totp_secret: Some(Secret::new(TOTP_SECRET)),
            ..w.request("tf", "twofactor", "alice@twofactor.test")
        })
        .await?;
    ok(&first)?;
    w.deck.logout("tf", Timestamp::now())?;
    let again = w
        .login_with(LoginRequest {
            account: "tf".into(),
            ..LoginRequest::default()
        })
        .await?;
    ok(&again).map_err(|e| format!("signed in again with the kept secrets: {e}"))?;
    w.deck.forget_password("tf", Timestamp::now())?;
    let doc = w.vault.load("tf")?.ok_or("an entry")?;
    assert!(
        doc.password.is_none() && doc.totp_secret.is_none(),
        "forget-password forgets both"
    );
    Ok(())
}

#[tokio::test]
async fn a_totp_secret_for_a_provider_without_a_second_factor_is_refused() -> TestResult {
    let w = world().await?;
    let e = w
        .deck
        .plan_login(LoginRequest {
            account: "jar".into(),
            provider: Some("cookiejar".into()),
            base_url: Some(w.sandbox.base_url("cookiejar")),
            email: Some("alice@cookiejar.test".into()),
            totp_secret: Some(Secret::new(TOTP_SECRET)),
            ..LoginRequest::default()
        })
        .err()
        .ok_or("refused")?
        .to_string();
    assert!(e.contains("no second factor"), "{e}");
    Ok(())
}

/// The newest history event of `account` and the request and answer kept with it.
fn last_exchange(w: &World, account: &str) -> Fallible<(Event, Exchange)> {
    let filter = Filter {
        account: Some(account.into()),
        limit: Some(1),
        ..Default::default()
    };
    let event = w.deck.history(&filter)?.pop().ok_or("an event")?;
    assert!(event.has_exchange, "the event says its exchange is kept");
    let exchange = w.deck.exchange(event.id)?.ok_or("a kept exchange")?;
    Ok((event, exchange))
}

#[tokio::test]
async fn the_history_keeps_a_form_logins_request_with_its_secrets_hidden_and_the_answer_without_the_token()
-> TestResult {
    let w = world().await?;
    ok(&w.login("form", "formlogin", "alice@formlogin.test").await?)?;
    let (_, exchange) = last_exchange(&w, "form")?;
    let request = exchange.request.ok_or("the request")?;
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        format!("{}/login", w.sandbox.base_url("formlogin"))
    );
    assert_eq!(
        request.body, "password=<redacted>&username=alice%40formlogin.test",
        "the form as sent, the password hidden"
    );
    assert!(
        request
            .headers
            .contains(&("X-Api-Key".into(), "<redacted>".into())),
        "a literal key in the provider file is hidden: {:?}",
        request.headers
    );
    assert!(
        request
            .headers
            .contains(&("X-Tenant".into(), "<redacted>".into())),
        "any header a provider file sets is hidden but the plain ones (Accept, Content-Type): \
         a literal key may sit under any name: {:?}",
        request.headers
    );
    let answer = exchange.answer.ok_or("the answer")?;
    assert_eq!(answer.http_status, 200);
    let token = w.stored_token("form")?;
    assert!(!answer.body.contains(&token), "{}", answer.body);
    let data = w.data_dir_text()?;
    for secret in [PASSWORD, token.as_str(), "demo-app-key-1234"] {
        assert!(
            !data.contains(secret),
            "{secret} is nowhere in the data dir"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_refused_json_login_keeps_what_was_sent_and_what_the_server_answered() -> TestResult {
    let w = world().await?;
    let wrong = "wrong-pass-77";
    failed(
        &w.login_with(LoginRequest {
            password: Some(Secret::new(wrong)),
            ..w.request("ul", "user-login", "alice@userlogin.test")
        })
        .await?,
    )?;
    let (event, exchange) = last_exchange(&w, "ul")?;
    assert_eq!(event.http_status, Some(401));
    let request = exchange.request.ok_or("the request")?;
    let body: serde_json::Value = serde_json::from_str(&request.body)?;
    assert_eq!(body["email"], "alice@userlogin.test");
    assert_eq!(body["password"], "<redacted>");
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    let answer = exchange.answer.ok_or("the answer")?;
    assert_eq!(answer.http_status, 401);
    assert!(answer.body.contains("INVALID_PASSWORD"), "{}", answer.body);
    assert!(
        !w.data_dir_text()?.contains(wrong),
        "the typed password is nowhere on disk"
    );
    Ok(())
}

#[tokio::test]
async fn a_refresh_keeps_its_request_with_the_refresh_token_hidden() -> TestResult {
    let w = world().await?;
    ok(&w.login("ul", "user-login", "alice@userlogin.test").await?)?;
    let before = w.vault.load("ul")?.ok_or("an entry")?;
    let refresh_token = before.refresh_token.ok_or("a refresh token")?;
    w.deck.refresh(&w.http, "ul").await?;
    let (event, exchange) = last_exchange(&w, "ul")?;
    assert_eq!(event.action, Action::Refresh);
    let request = exchange.request.ok_or("the request")?;
    assert!(request.url.ends_with("/user/refresh"), "{}", request.url);
    assert!(request.body.contains("<redacted>"), "{}", request.body);
    let data = w.data_dir_text()?;
    assert!(
        !data.contains(refresh_token.expose()),
        "the refresh token is nowhere on disk"
    );
    assert!(!data.contains(&w.stored_token("ul")?), "nor the new token");
    Ok(())
}

#[tokio::test]
async fn try_it_sends_one_get_with_the_token_and_shows_the_answer_with_the_token_hidden()
-> TestResult {
    let w = world().await?;
    ok(&w.login("ul", "user-login", "alice@userlogin.test").await?)?;
    let probe = w
        .deck
        .probe(&w.http, "ul", "/_sandbox/me", &Timestamp::now)
        .await?;
    assert_eq!(
        probe.request.url,
        format!("{}/_sandbox/me", w.sandbox.base_url("user-login"))
    );
    assert_eq!(
        probe.request.headers,
        vec![("Authorization".to_string(), "Bearer <redacted>".to_string())]
    );
    let answer = probe.answer.ok_or("an answer")?;
    assert_eq!(answer.http_status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("alice@userlogin.test"),
        "{}",
        answer.body
    );
    assert!(!probe.renewed);
    let token = w.stored_token("ul")?;
    assert!(!answer.body.contains(&token) && !probe.request.url.contains(&token));
    assert_eq!(
        w.deck.history(&Filter::default())?.len(),
        1,
        "a probe is not history"
    );

    // The scheme the server gave is the one sent back.
    ok(&w.login("form", "formlogin", "alice@formlogin.test").await?)?;
    let probe = w
        .deck
        .probe(&w.http, "form", "/me", &Timestamp::now)
        .await?;
    assert_eq!(probe.request.headers[0].1, "Token <redacted>");
    assert_eq!(probe.answer.ok_or("an answer")?.http_status, 200);
    Ok(())
}

#[tokio::test]
async fn try_it_renews_an_expired_session_first_and_refuses_a_path_off_the_api() -> TestResult {
    let w = world().await?;
    ok(&w
        .login("ul", "user-login", "alice+ttl1@userlogin.test")
        .await?)?;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let probe = w
        .deck
        .probe(&w.http, "ul", "/_sandbox/me", &Timestamp::now)
        .await?;
    assert!(
        probe.renewed,
        "the expired token was renewed before the GET"
    );
    assert_eq!(probe.answer.ok_or("an answer")?.http_status, 200);

    // A path is put after the base URL, so even one that looks like another host stays on it.
    let probe = w
        .deck
        .probe(&w.http, "ul", "//evil.test/steal", &Timestamp::now)
        .await?;
    let base = w.sandbox.base_url("user-login");
    assert!(
        probe.request.url.starts_with(&base),
        "{}",
        probe.request.url
    );
    for path in [
        "_sandbox/me",
        "@evil.test/x",
        ".evil.test/x",
        "/../talkstack/_sandbox/me",
        "/%2e%2e/talkstack/_sandbox/me",
        "/a/../../talkstack",
    ] {
        let err = w
            .deck
            .probe(&w.http, "ul", path, &Timestamp::now)
            .await
            .expect_err(path);
        assert!(
            matches!(err, authdeck_core::Error::Invalid(_)),
            "{path}: {err:?}"
        );
    }
    Ok(())
}
