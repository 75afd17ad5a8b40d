//! `http::fetch_jwks` over real loopback HTTP: the JWKS comes back as JSON; redirects, errors,
//! non-JSON answers and plain http to another host are refused with words a user can act on.

use authdeck_core::Error;
use authdeck_core::http::{Http, fetch_jwks};
use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn serve() -> Result<String, Box<dyn std::error::Error>> {
    let app = Router::new()
        .route(
            "/jwks.json",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"keys":[]}"#,
                )
            }),
        )
        .route(
            "/moved",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/jwks.json")], "") }),
        )
        .route(
            "/broken",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "oops") }),
        )
        .route("/html", get(|| async { "<html>not json</html>" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

#[tokio::test]
async fn a_jwks_on_loopback_is_fetched_as_json() -> TestResult {
    let base = serve().await?;
    let jwks = fetch_jwks(&Http::new()?, &format!("{base}/jwks.json")).await?;
    assert_eq!(jwks["keys"], serde_json::json!([]));
    Ok(())
}

#[tokio::test]
async fn redirects_errors_and_non_json_answers_are_refused_with_the_reason() -> TestResult {
    let base = serve().await?;
    let http = Http::new()?;
    for (path, words) in [
        ("/moved", "redirects (HTTP 302)"),
        ("/broken", "HTTP 500"),
        ("/html", "not JSON"),
    ] {
        let err = fetch_jwks(&http, &format!("{base}{path}"))
            .await
            .err()
            .ok_or(format!("{path} must fail"))?;
        assert!(err.to_string().contains(words), "{path}: {err}");
        assert!(err.to_string().contains(path), "names the URL: {err}");
    }
    Ok(())
}

#[tokio::test]
async fn plain_http_to_another_host_is_refused_before_any_request() -> TestResult {
    let err = fetch_jwks(&Http::new()?, "http://issuer.example.com/jwks.json")
        .await
        .err()
        .ok_or("plain http must be refused")?;
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("https://"), "{err}");
    Ok(())
}
