//! The loopback proxy against the sandbox and a recording upstream: the client's credentials
//! are replaced by the account's, a 401 renews once and resends the held body, large bodies
//! stream through, a logout turns into 502 naming the account, and a new login serves again.
//! Real SQLite, real loopback HTTP, keyring-core's in-memory store.

use authdeck_core::Secret;
use authdeck_core::deck::{Deck, LoginRequest, Outcome, PastedToken};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::proxy::{self, Proxy, ProxyConfig};
use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::sync::{Arc, Mutex};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// The sandbox's valid API key.
const KEY: &str = authdeck_sandbox::LIVE_API_KEY;

struct World {
    _tmp: tempfile::TempDir,
    deck: Arc<Deck>,
    http: Http,
    sandbox: Sandbox,
}

async fn world() -> Fallible<World> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/providers/apikey.toml");
    std::fs::copy(example, home.providers_dir().join("apikey.toml"))?;
    let store = keyring_core::mock::Store::new()?;
    let deck = Arc::new(Deck::open_with_vault(
        home,
        Vault::with_store(store, "authdeck-test-proxy", None),
    )?);
    Ok(World {
        _tmp: tmp,
        deck,
        http: Http::new()?,
        sandbox: Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
    })
}

impl World {
    async fn login(&self, account: &str) -> TestResult {
        let plan = self.deck.plan_login(LoginRequest {
            account: account.into(),
            provider: Some("user-login".into()),
            base_url: Some(self.sandbox.base_url("user-login")),
            email: Some("alice@userlogin.test".into()),
            password: Some(Secret::new(PASSWORD)),
            ..LoginRequest::default()
        })?;
        let report = self.deck.login(&self.http, plan).await?;
        assert!(matches!(report.outcome, Outcome::Ok(_)), "{report:?}");
        Ok(())
    }

    async fn proxy(&self, account: &str, upstream: Option<String>) -> Fallible<Proxy> {
        Ok(proxy::start(
            self.deck.clone(),
            self.http.clone(),
            ProxyConfig {
                account: account.into(),
                listen: ([127, 0, 0, 1], 0).into(),
                upstream,
                min_valid: SignedDuration::from_secs(60),
            },
        )
        .await?)
    }
}

/// An upstream that refuses its first request with 401 (as if the token had just been revoked)
/// and accepts the others, and records what it was sent: (Authorization, body length) per
/// request. (The sandbox signs the same claims in the same second into the same token, so
/// the renewed token may equal the first: the upstream cannot tell them apart.)
async fn recording_upstream() -> Fallible<(String, Arc<Mutex<Vec<(String, usize)>>>)> {
    let seen: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let record = record.clone();
        async move {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let mut seen = record.lock().expect("the record");
            seen.push((auth, body.len()));
            match seen.len() {
                1 => (StatusCode::UNAUTHORIZED, "expired".to_string()),
                _ => (StatusCode::OK, format!("{}", body.len())),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, seen))
}

#[tokio::test]
async fn the_clients_credentials_are_replaced_by_the_accounts() -> TestResult {
    let w = world().await?;
    w.deck
        .keep_pasted(
            PastedToken {
                provider: Some("apikey".into()),
                base_url: Some(w.sandbox.base_url("apikey")),
                ..PastedToken::new("key", Secret::new(KEY))
            },
            Timestamp::now(),
        )
        .await?;
    let p = w.proxy("key", None).await?;
    let answer = reqwest::Client::new()
        .get(format!("{}/v1/whoami", p.url()))
        .header("Authorization", "Bearer junk")
        .header("X-API-Key", "sbx_live_wrong")
        .send()
        .await?;
    assert_eq!(answer.status().as_u16(), 200, "{}", answer.text().await?);
    Ok(())
}

#[tokio::test]
async fn a_401_renews_once_and_resends_the_held_body() -> TestResult {
    let w = world().await?;
    w.login("dev").await?;
    let (upstream, seen) = recording_upstream().await?;
    let p = w.proxy("dev", Some(upstream)).await?;
    let before = w.sandbox.stats();
    let answer = reqwest::Client::new()
        .post(format!("{}/orders?x=1", p.url()))
        .body("a=1&b=2")
        .send()
        .await?;
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(
        answer.text().await?,
        "7",
        "the body reached the upstream whole"
    );
    assert_eq!(
        w.sandbox.stats().refreshes,
        before.refreshes + 1,
        "renewed once"
    );
    let seen = seen.lock().map_err(|_| "the record")?.clone();
    assert_eq!(seen.len(), 2, "sent, refused, sent again: {seen:?}");
    assert_eq!((seen[0].1, seen[1].1), (7, 7), "the same body both times");
    assert!(seen[1].0.starts_with("Bearer ey"), "{}", seen[1].0);
    Ok(())
}

#[tokio::test]
async fn a_large_body_streams_through_and_is_not_resent() -> TestResult {
    let w = world().await?;
    w.login("dev").await?;
    let (upstream, seen) = recording_upstream().await?;
    let p = w.proxy("dev", Some(upstream)).await?;
    let big = vec![b'x'; 2 * proxy::RETRY_BODY_LIMIT];
    let answer = reqwest::Client::new()
        .post(format!("{}/upload", p.url()))
        .body(big.clone())
        .send()
        .await?;
    // The recording upstream refuses the first request: too big to hold, it is not resent.
    assert_eq!(answer.status().as_u16(), 401);
    let seen = seen.lock().map_err(|_| "the record")?.clone();
    assert_eq!(
        seen,
        vec![(seen[0].0.clone(), big.len())],
        "sent once, whole"
    );
    Ok(())
}

#[tokio::test]
async fn a_signed_out_account_gets_a_502_naming_it_and_a_new_login_serves_again() -> TestResult {
    let w = world().await?;
    w.login("dev").await?;
    let p = w.proxy("dev", Some(w.sandbox.url())).await?;
    let client = reqwest::Client::new();
    let probe = format!("{}/user-login/user/login", p.url());
    // Any answer from the sandbox (here a 400 for an empty login) shows the request went on.
    assert_ne!(client.post(&probe).send().await?.status().as_u16(), 502);
    w.deck.logout("dev", Timestamp::now())?;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let refused = client.post(&probe).send().await?;
    assert_eq!(refused.status().as_u16(), 502);
    let json: serde_json::Value = refused.json().await?;
    assert_eq!(json["error"]["account"], "dev", "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("dev"),
        "{json}"
    );
    w.login("dev").await?;
    assert_ne!(client.post(&probe).send().await?.status().as_u16(), 502);
    Ok(())
}

#[tokio::test]
async fn the_proxy_listens_on_loopback_only() -> TestResult {
    let w = world().await?;
    w.login("dev").await?;
    let e = proxy::start(
        w.deck.clone(),
        w.http.clone(),
        ProxyConfig {
            account: "dev".into(),
            listen: ([0, 0, 0, 0], 0).into(),
            upstream: None,
            min_valid: SignedDuration::from_secs(60),
        },
    )
    .await
    .err()
    .ok_or("refused")?
    .to_string();
    assert!(e.contains("loopback only"), "{e}");
    Ok(())
}

#[tokio::test]
async fn a_path_that_climbs_out_of_the_upstream_is_refused() -> TestResult {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = world().await?;
    w.login("dev").await?;
    let p = w.proxy("dev", None).await?; // upstream: <sandbox>/user-login
    for path in ["/../meetra/api-login", "/a/%2e%2e/%2e%2e/meetra/api-login"] {
        // Raw, so no client library resolves the dots first.
        let mut stream = tokio::net::TcpStream::connect(p.addr()).await?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        assert!(answer.starts_with("HTTP/1.1 400"), "{path}: {answer}");
        assert!(answer.contains("leaves the upstream"), "{path}: {answer}");
    }
    Ok(())
}

#[tokio::test]
async fn a_proxy_stops_sending_tokens_once_its_account_is_renamed_and_the_name_reused() -> TestResult
{
    let w = world().await?;
    w.login("dev").await?;
    let p = w.proxy("dev", None).await?;
    let get = || {
        reqwest::Client::new()
            .get(format!("{}/_sandbox/me", p.url()))
            .send()
    };
    assert_eq!(get().await?.status().as_u16(), 200, "the proxy works");
    w.deck.rename("dev", "old-dev", Timestamp::now())?;
    // Wait past the second within which a proxy trusts the session it holds.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    w.login("dev").await?;
    let answer = get().await?;
    let status = answer.status().as_u16();
    let body = answer.text().await?;
    assert_ne!(status, 200, "another account's token is not sent: {body}");
    assert!(body.contains("start the proxy again"), "{body}");
    Ok(())
}
