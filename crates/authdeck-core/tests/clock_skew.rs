//! A server whose clock is an hour ahead: expiry decisions use the server's time.
//! Needs the keyring (run under scripts/with-keyring.sh; make test does).

use authdeck_core::Secret;
use authdeck_core::deck::Deck;
use authdeck_core::deck::{LoginRequest, Outcome};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::post;
use jiff::{SignedDuration, Timestamp};

const AHEAD: i64 = 3600;
const LIFETIME: i64 = 7200;

/// A SealMetrics-shaped server whose clock runs an hour fast.
async fn fast_clock_server() -> String {
    async fn login() -> impl IntoResponse {
        let server_now = Timestamp::now() + SignedDuration::from_secs(AHEAD);
        let expires = server_now + SignedDuration::from_secs(LIFETIME);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&server_now)
            .unwrap();
        (
            [
                (header::DATE, date),
                (header::CONTENT_TYPE, "application/json".into()),
            ],
            format!(
                r#"{{"access_token":"opaque-token","token_type":"Bearer","expires_at":"{expires}"}}"#
            ),
        )
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            Router::new().route("/api/auth/login", post(login)),
        )
        .await
        .unwrap();
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_is_judged_on_the_servers_clock_and_the_skew_is_kept() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a Secret Service: run under scripts/with-keyring.sh"
    );
    let base = fast_clock_server().await;
    let home = tempfile::tempdir().unwrap();
    let service = format!("authdeck-test-skew-{}", std::process::id());
    // SAFETY: set before the vault is opened; this test binary has no other threads reading it.
    unsafe { std::env::set_var("AUTHDECK_KEYRING_SERVICE", &service) };
    let deck = Deck::open(Home::at(home.path()).unwrap()).unwrap();
    let plan = deck
        .plan_login(LoginRequest {
            account: "skewed".into(),
            provider: Some("sealmetrics".into()),
            base_url: Some(base),
            email: Some("a@b.test".into()),
            password: Some(Secret::new("pw")),
            ..LoginRequest::default()
        })
        .unwrap();
    let report = deck.login(&Http::new().unwrap(), plan).await.unwrap();
    let Outcome::Ok(facts) = report.outcome else {
        panic!("login failed: {report:?}")
    };
    let skew = facts
        .clock_skew_secs
        .expect("the Date header gives the skew");
    assert!(
        (skew - AHEAD).abs() <= 2,
        "skew {skew} should be about {AHEAD}"
    );
    // On the server's clock the token lives two hours. Taken at face value on our clock it would
    // seem to live three; corrected, two.
    let left = facts
        .expires_at
        .unwrap()
        .duration_since(Timestamp::now())
        .as_secs();
    assert!(
        (LIFETIME - 5..=LIFETIME).contains(&left),
        "expires in {left} s on our clock, expected about {LIFETIME}"
    );
    let account = deck.account("skewed").unwrap();
    assert_eq!(
        account.session.clock_skew_secs,
        Some(skew),
        "the skew is stored for `accounts` to show"
    );
    deck.remove("skewed", Timestamp::now()).unwrap();
}
