//! The OpenID Connect demo issuer over HTTP: discovery, the code grant with PKCE and its
//! consent page, refresh rotation, the device grant, client credentials, revocation,
//! introspection and UserInfo.

use super::{Answer, TestResult, sandbox, send, text};
use authdeck_sandbox::Sandbox;
use authdeck_sandbox::oidc_demo::{
    CLIENT_ID, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, USER_EMAIL,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

type Error = Box<dyn std::error::Error>;

const VERIFIER: &str = "a-code-verifier-of-at-least-forty-three-characters-0123456789";
const REDIRECT: &str = "http://127.0.0.1:45678/callback";

fn browser() -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

fn query(location: &str) -> Result<Map<String, Value>, Error> {
    let url = url::Url::parse(location)?;
    Ok(url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect())
}

/// GET /authorize with these parameters (the usual ones unless overridden).
async fn authorize(sandbox: &Sandbox, overrides: &[(&str, &str)]) -> Result<Answer, Error> {
    let challenge = challenge();
    let mut params: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email profile offline_access"),
        ("state", "st-123"),
        ("nonce", "n-456"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    for (name, value) in overrides {
        params.retain(|(n, _)| n != name);
        if !value.is_empty() {
            params.push((name, value));
        }
    }
    let url = format!("{}/authorize", sandbox.issuer());
    send(browser()?.get(url).query(&params)).await
}

/// Approves a fresh authorization request; returns the redirect's query.
async fn approved_redirect(sandbox: &Sandbox) -> Result<Map<String, Value>, Error> {
    let start = authorize(sandbox, &[]).await?;
    assert_eq!(
        start.status, 303,
        "authorize sends the browser to the consent page"
    );
    let page = start.header("location").ok_or("no Location")?.to_string();
    let shown = send(browser()?.get(&page)).await?;
    assert!(shown.text.contains("Approve") && shown.text.contains(USER_EMAIL));
    let approve = send(browser()?.post(&page).form(&[("prompt", "consent")])).await?;
    assert_eq!(approve.status, 303);
    let back = approve.header("location").ok_or("no Location")?;
    assert!(back.starts_with(REDIRECT), "back to the client: {back}");
    query(back)
}

/// The verification page's anti-forgery field, which its forms send back.
fn xsrf_of(page: &Answer) -> Result<&str, Error> {
    Ok(page
        .text
        .split("name=\"xsrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no xsrf field")?)
}

async fn token(sandbox: &Sandbox, form: &[(&str, &str)]) -> Result<Answer, Error> {
    let url = format!("{}/token", sandbox.issuer());
    send(browser()?.post(url).form(form)).await
}

/// Signs in with the code grant and returns the token answer.
async fn signed_in(sandbox: &Sandbox) -> Result<Value, Error> {
    let back = approved_redirect(sandbox).await?;
    let code = back["code"].as_str().ok_or("no code")?;
    let answer = token(
        sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    answer.json()
}

/// Verifies `jwt` with the issuer's published JWKS; returns its claims.
async fn verified(sandbox: &Sandbox, jwt: &str) -> Result<Map<String, Value>, Error> {
    let jwks = send(browser()?.get(format!("{}/jwks", sandbox.issuer())))
        .await?
        .json()?;
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks["keys"][0].clone())?;
    let mut validation = Validation::new(Algorithm::ES256);
    validation.required_spec_claims.clear();
    validation.validate_aud = false;
    let data = jsonwebtoken::decode::<Map<String, Value>>(
        jwt,
        &DecodingKey::from_jwk(&jwk)?,
        &validation,
    )?;
    Ok(data.claims)
}

fn oauth_error(answer: &Answer, status: u16, error: &str) -> TestResult {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.json()?["error"], error, "{}", answer.text);
    Ok(())
}

#[tokio::test]
async fn discovery_names_the_issuer_its_endpoints_and_es256() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/.well-known/openid-configuration", sandbox.issuer());
    let doc = send(browser()?.get(url)).await?.json()?;
    assert_eq!(
        doc["issuer"],
        sandbox.issuer(),
        "the issuer matches where it was found"
    );
    for endpoint in [
        "authorization_endpoint",
        "token_endpoint",
        "device_authorization_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
    ] {
        assert!(
            text(&doc, &format!("/{endpoint}"))?.starts_with(&sandbox.issuer()),
            "{endpoint} lives under the issuer"
        );
    }
    assert_eq!(doc["id_token_signing_alg_values_supported"][0], "ES256");
    assert_eq!(doc["code_challenge_methods_supported"][0], "S256");
    Ok(())
}

#[tokio::test]
async fn an_approved_code_sign_in_gives_tokens_signed_by_the_published_key() -> TestResult {
    let sandbox = sandbox().await?;
    let back = approved_redirect(&sandbox).await?;
    assert_eq!(back["state"], "st-123", "state comes back unchanged");
    assert_eq!(
        back["iss"],
        sandbox.issuer(),
        "RFC 9207: the issuer names itself"
    );
    let code = back["code"].as_str().ok_or("no code")?.to_string();
    let tokens = signed_in(&sandbox).await?;
    let id = verified(&sandbox, text(&tokens, "/id_token")?).await?;
    assert_eq!(id["iss"], sandbox.issuer());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["nonce"], "n-456", "the nonce of the request");
    assert_eq!(id["email"], USER_EMAIL);
    let access = verified(&sandbox, text(&tokens, "/access_token")?).await?;
    assert_eq!(access["client_id"], CLIENT_ID);
    assert!(tokens["refresh_token"].is_string());
    // The code of the first redirect, never redeemed, is refused with a wrong verifier.
    let wrong = token(
        &sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            (
                "code_verifier",
                "not-the-verifier-of-this-code-but-long-enough-1234",
            ),
        ],
    )
    .await?;
    oauth_error(&wrong, 400, "invalid_grant")
}

#[tokio::test]
async fn a_request_with_a_non_loopback_redirect_is_refused_on_a_page_not_redirected() -> TestResult
{
    let sandbox = sandbox().await?;
    for bad in [
        "https://evil.example/cb",
        "http://127.0.0.1.evil.example/cb",
    ] {
        let answer = authorize(&sandbox, &[("redirect_uri", bad)]).await?;
        assert_eq!(answer.status, 400, "{bad}");
        assert!(
            answer.header("location").is_none(),
            "never redirect to {bad}"
        );
        assert!(answer.text.contains("loopback"), "the page says why");
    }
    let unknown = authorize(&sandbox, &[("client_id", "nobody")]).await?;
    assert_eq!(unknown.status, 400);
    assert!(unknown.header("location").is_none());
    Ok(())
}

#[tokio::test]
async fn pkce_is_required_and_errors_come_back_with_state_and_iss() -> TestResult {
    let sandbox = sandbox().await?;
    for (overrides, error) in [
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("scope", "openid admin")], "invalid_scope"),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
    ] {
        let answer = authorize(&sandbox, &overrides).await?;
        assert_eq!(answer.status, 303, "{overrides:?}");
        let back = query(answer.header("location").ok_or("no Location")?)?;
        assert_eq!(back["error"], error, "{overrides:?}");
        assert_eq!(back["state"], "st-123");
        assert_eq!(back["iss"], sandbox.issuer());
    }
    Ok(())
}

#[tokio::test]
async fn deny_sends_access_denied_and_the_request_cannot_be_approved_after() -> TestResult {
    let sandbox = sandbox().await?;
    let start = authorize(&sandbox, &[]).await?;
    let page = start.header("location").ok_or("no Location")?.to_string();
    let denied = send(browser()?.get(format!("{page}/abort"))).await?;
    let back = query(denied.header("location").ok_or("no Location")?)?;
    assert_eq!(back["error"], "access_denied");
    assert!(back.get("code").is_none());
    let late = send(browser()?.post(&page).form(&[("prompt", "consent")])).await?;
    assert_eq!(late.status, 400, "an answered request is over");
    Ok(())
}

#[tokio::test]
async fn values_from_the_request_are_escaped_on_the_consent_page() -> TestResult {
    let sandbox = sandbox().await?;
    let start = authorize(
        &sandbox,
        &[(
            "redirect_uri",
            "http://127.0.0.1:9/cb?x=<script>alert(1)</script>",
        )],
    )
    .await?;
    let page = start.header("location").ok_or("no Location")?;
    let shown = send(browser()?.get(page)).await?;
    assert!(!shown.text.contains("<script>"), "{}", shown.text);
    assert!(shown.text.contains("&lt;script&gt;"));
    Ok(())
}

#[tokio::test]
async fn a_refresh_token_rotates_and_a_replay_revokes_the_grant() -> TestResult {
    let sandbox = sandbox().await?;
    let tokens = signed_in(&sandbox).await?;
    let first = text(&tokens, "/refresh_token")?;
    let refresh = |rt: String| {
        let sandbox = &sandbox;
        async move {
            token(
                sandbox,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT_ID),
                    ("refresh_token", &rt),
                ],
            )
            .await
        }
    };
    let renewed = refresh(first.to_string()).await?.json()?;
    let second = text(&renewed, "/refresh_token")?.to_string();
    assert_ne!(second, first, "the refresh token rotates");
    let id = verified(&sandbox, text(&renewed, "/id_token")?).await?;
    assert!(
        id.get("nonce").is_none(),
        "a refreshed ID token carries no nonce"
    );
    oauth_error(&refresh(first.to_string()).await?, 400, "invalid_grant")?;
    oauth_error(&refresh(second).await?, 400, "invalid_grant")?;
    Ok(())
}

#[tokio::test]
async fn a_device_sign_in_is_pending_slowed_down_then_approved_on_the_page() -> TestResult {
    let sandbox = sandbox().await?;
    let start = send(
        browser()?
            .post(format!("{}/device_authorization", sandbox.issuer()))
            .form(&[("client_id", CLIENT_ID), ("scope", "openid")]),
    )
    .await?
    .json()?;
    let device_code = text(&start, "/device_code")?;
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", CLIENT_ID),
        ("device_code", device_code),
    ];
    oauth_error(&token(&sandbox, &poll).await?, 400, "authorization_pending")?;
    oauth_error(&token(&sandbox, &poll).await?, 400, "slow_down")?;

    let page = send(browser()?.get(text(&start, "/verification_uri_complete")?)).await?;
    let user_code = text(&start, "/user_code")?;
    assert!(
        page.text.contains(user_code),
        "the page shows the code to check"
    );
    let xsrf = xsrf_of(&page)?;
    let device = format!("{}/device", sandbox.issuer());
    let forged = send(
        browser()?
            .post(&device)
            .form(&[("user_code", user_code), ("confirm", "yes")]),
    )
    .await?;
    assert_eq!(
        forged.status, 403,
        "a post without the page's xsrf value is refused"
    );
    let approved = send(browser()?.post(&device).form(&[
        ("xsrf", xsrf),
        ("user_code", user_code),
        ("confirm", "yes"),
    ]))
    .await?;
    assert!(approved.text.contains("Success"), "{}", approved.text);
    Ok(())
}

#[tokio::test]
async fn an_approved_device_gets_its_tokens_once() -> TestResult {
    let sandbox = sandbox().await?;
    let start = send(
        browser()?
            .post(format!("{}/device_authorization", sandbox.issuer()))
            .form(&[("client_id", CLIENT_ID)]),
    )
    .await?
    .json()?;
    let page = send(browser()?.get(text(&start, "/verification_uri")?)).await?;
    let xsrf = xsrf_of(&page)?;
    let typed = text(&start, "/user_code")?.to_lowercase().replace('-', " ");
    let device = format!("{}/device", sandbox.issuer());
    let confirm = send(
        browser()?
            .post(&device)
            .form(&[("xsrf", xsrf), ("user_code", &typed)]),
    )
    .await?;
    assert!(
        confirm.text.contains("Approve"),
        "a typed code leads to the confirmation"
    );
    send(browser()?.post(&device).form(&[
        ("xsrf", xsrf),
        ("user_code", &typed),
        ("confirm", "yes"),
    ]))
    .await?;
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", CLIENT_ID),
        ("device_code", text(&start, "/device_code")?),
    ];
    let tokens = token(&sandbox, &poll).await?;
    assert_eq!(tokens.status, 200, "{}", tokens.text);
    assert!(tokens.json()?["id_token"].is_string());
    oauth_error(&token(&sandbox, &poll).await?, 400, "invalid_grant")
}

#[tokio::test]
async fn client_credentials_are_for_the_service_client_with_its_secret() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/token", sandbox.issuer());
    let ok = send(
        browser()?
            .post(&url)
            .basic_auth(SERVICE_CLIENT_ID, Some(SERVICE_CLIENT_SECRET))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "openid api:read"),
            ]),
    )
    .await?;
    let body = ok.json()?;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(
        body["scope"], "api:read",
        "scopes it may not have are dropped"
    );
    assert!(
        body.get("refresh_token").is_none(),
        "no refresh token: run the grant again"
    );
    let wrong = send(
        browser()?
            .post(&url)
            .basic_auth(SERVICE_CLIENT_ID, Some("wrong"))
            .form(&[("grant_type", "client_credentials")]),
    )
    .await?;
    oauth_error(&wrong, 401, "invalid_client")?;
    assert!(
        wrong
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Basic"))
    );
    let public = token(
        &sandbox,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
        ],
    )
    .await?;
    oauth_error(&public, 400, "unauthorized_client")
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_its_access_token_too() -> TestResult {
    let sandbox = sandbox().await?;
    let tokens = signed_in(&sandbox).await?;
    let access = text(&tokens, "/access_token")?;
    let refresh = text(&tokens, "/refresh_token")?;
    let introspect = || async {
        send(
            browser()?
                .post(format!("{}/introspect", sandbox.issuer()))
                .form(&[("client_id", CLIENT_ID), ("token", access)]),
        )
        .await?
        .json()
    };
    let userinfo = || async {
        send(
            browser()?
                .get(format!("{}/userinfo", sandbox.issuer()))
                .bearer_auth(access),
        )
        .await
    };
    assert_eq!(introspect().await?["active"], true);
    assert_eq!(userinfo().await?.json()?["email"], USER_EMAIL);
    let revoked = send(
        browser()?
            .post(format!("{}/revoke", sandbox.issuer()))
            .form(&[
                ("client_id", CLIENT_ID),
                ("token", refresh),
                ("token_type_hint", "refresh_token"),
            ]),
    )
    .await?;
    assert_eq!(revoked.status, 200);
    assert_eq!(
        introspect().await?["active"],
        false,
        "the grant's access token ended too"
    );
    assert_eq!(userinfo().await?.status, 401);
    Ok(())
}
