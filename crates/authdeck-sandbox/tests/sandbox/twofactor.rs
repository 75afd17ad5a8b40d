use crate::{TestResult, lifetime, login, login_ok, post, sandbox, send, text, verify};
use authdeck_sandbox::{TOTP_SECRET, TOTP_URI};
use jiff::Timestamp;
use serde_json::{Value, json};
use totp_rs::{Builder, Secret, Totp};

fn url(sandbox: &authdeck_sandbox::Sandbox, path: &str) -> String {
    format!("{}{path}", sandbox.base_url("twofactor"))
}

/// An authenticator app holding the documented secret.
fn authenticator() -> Result<Totp, Box<dyn std::error::Error>> {
    let secret = Secret::try_from_base32(TOTP_SECRET).map_err(|e| e.to_string())?;
    Ok(Builder::new().with_secret(secret).build()?)
}

/// The code `steps` steps of 30 s away from now.
fn code(steps: i64) -> Result<String, Box<dyn std::error::Error>> {
    let at = Timestamp::now().as_second() + steps * 30;
    Ok(authenticator()?.generate(u64::try_from(at)?).to_string())
}

/// Checks the session shape and returns (claims, refresh token).
fn check_session(
    body: &Value,
) -> Result<(serde_json::Map<String, Value>, String), Box<dyn std::error::Error>> {
    let claims = verify("twofactor", text(body, "/access_token")?)?;
    assert_eq!(
        body["expires_at"], claims["exp"],
        "expires_at is exp in unix seconds: {body}"
    );
    Ok((claims, text(body, "/refresh_token")?.to_string()))
}

async fn mfa_token(
    sandbox: &authdeck_sandbox::Sandbox,
    email: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let answer = login_ok(&url(sandbox, "/login"), email).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    assert_eq!(body["mfa_required"], true);
    assert!(
        body.get("access_token").is_none(),
        "no access token before the code: {body}"
    );
    Ok(text(&body, "/mfa_token")?.to_string())
}

fn invalid_otp() -> Value {
    json!({ "error": "invalid_otp", "message": "The code is wrong or expired." })
}

fn mfa_token_invalid() -> Value {
    json!({ "error": "mfa_token_invalid", "message": "The sign-in attempt is unknown or expired. Log in again." })
}

#[test]
fn twofactor_uri_carries_the_secret_and_the_rfc_6238_parameters() {
    assert!(TOTP_URI.starts_with("otpauth://totp/"));
    for part in [
        &format!("secret={TOTP_SECRET}"),
        "algorithm=SHA1",
        "digits=6",
        "period=30",
    ] {
        assert!(TOTP_URI.contains(part), "{TOTP_URI} lacks {part}");
    }
}

#[tokio::test]
async fn twofactor_password_then_code_gives_a_session() -> TestResult {
    let sandbox = sandbox().await?;
    let mfa = mfa_token(&sandbox, "alice@twofactor.test").await?;
    let answer = post(
        &url(&sandbox, "/login/verify"),
        &json!({ "mfa_token": mfa, "code": code(0)? }),
    )
    .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let (claims, _) = check_session(&answer.json()?)?;
    assert_eq!(lifetime(&claims)?, 3600);
    assert_eq!(claims["email"], "alice@twofactor.test");
    post(
        &url(&sandbox, "/login/verify"),
        &json!({ "mfa_token": mfa, "code": code(0)? }),
    )
    .await?
    .assert_json(401, &mfa_token_invalid())?;
    Ok(())
}

#[tokio::test]
async fn twofactor_accepts_the_neighbouring_steps_only() -> TestResult {
    let sandbox = sandbox().await?;
    let verify_url = url(&sandbox, "/login/verify");
    // A step boundary between making the code and checking it would shift it by one: start early.
    if Timestamp::now().as_second() % 30 >= 28 {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
    for steps in [-1, 1] {
        let mfa = mfa_token(&sandbox, "alice@twofactor.test").await?;
        let answer = post(
            &verify_url,
            &json!({ "mfa_token": mfa, "code": code(steps)? }),
        )
        .await?;
        assert_eq!(answer.status, 200, "step {steps}: {}", answer.text);
    }
    let mfa = mfa_token(&sandbox, "alice@twofactor.test").await?;
    // Three steps away is outside the window whatever second of the step this runs in.
    post(&verify_url, &json!({ "mfa_token": mfa, "code": code(3)? }))
        .await?
        .assert_json(401, &invalid_otp())?;
    post(&verify_url, &json!({ "mfa_token": mfa, "code": "12345" }))
        .await?
        .assert_json(401, &invalid_otp())?;
    post(&verify_url, &json!({ "mfa_token": mfa }))
        .await?
        .assert_json(401, &invalid_otp())?;
    let answer = post(&verify_url, &json!({ "mfa_token": mfa, "code": code(0)? })).await?;
    assert_eq!(
        answer.status, 200,
        "a wrong code leaves the mfa_token usable: {}",
        answer.text
    );
    Ok(())
}

#[tokio::test]
async fn twofactor_unknown_mfa_token_is_refused() -> TestResult {
    let sandbox = sandbox().await?;
    let verify_url = url(&sandbox, "/login/verify");
    post(
        &verify_url,
        &json!({ "mfa_token": "mfa_made_up", "code": code(0)? }),
    )
    .await?
    .assert_json(401, &mfa_token_invalid())?;
    post(&verify_url, &json!({ "code": code(0)? }))
        .await?
        .assert_json(401, &mfa_token_invalid())?;
    Ok(())
}

#[tokio::test]
async fn twofactor_user_without_2fa_gets_the_session_at_once() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox, "/login"), "plain+ttl30@twofactor.test").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    assert!(body.get("mfa_required").is_none(), "{body}");
    let (claims, _) = check_session(&body)?;
    assert_eq!(lifetime(&claims)?, 30);
    Ok(())
}

#[tokio::test]
async fn twofactor_login_refusals() -> TestResult {
    let sandbox = sandbox().await?;
    let login_url = url(&sandbox, "/login");
    let invalid = json!({ "error": "invalid_login", "message": "Wrong email or password." });
    login(&login_url, "alice@twofactor.test", "wrong")
        .await?
        .assert_json(401, &invalid)?;
    login_ok(&login_url, "nobody@twofactor.test")
        .await?
        .assert_json(401, &invalid)?;
    post(&login_url, &json!({ "email": "alice@twofactor.test" }))
        .await?
        .assert_json(
            400,
            &json!({ "error": "invalid_request", "message": "email and password are required." }),
        )?;
    Ok(())
}

#[tokio::test]
async fn twofactor_refresh_rotates_and_keeps_the_ttl() -> TestResult {
    let sandbox = sandbox().await?;
    let mfa = mfa_token(&sandbox, "alice+ttl45@twofactor.test").await?;
    let body = post(
        &url(&sandbox, "/login/verify"),
        &json!({ "mfa_token": mfa, "code": code(0)? }),
    )
    .await?
    .json()?;
    let (claims, first) = check_session(&body)?;
    assert_eq!(
        lifetime(&claims)?,
        45,
        "the ttl tag survives the second factor"
    );

    let refresh_url = url(&sandbox, "/refresh");
    let answer = post(&refresh_url, &json!({ "refresh_token": first })).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let (claims, second) = check_session(&answer.json()?)?;
    assert_eq!(lifetime(&claims)?, 45, "and the refresh");
    assert_ne!(first, second, "refresh rotates");

    let rejected = json!({ "error": "invalid_refresh_token", "message": "The refresh token is unknown or was already used." });
    post(&refresh_url, &json!({ "refresh_token": first }))
        .await?
        .assert_json(401, &rejected)?;
    post(&refresh_url, &json!({}))
        .await?
        .assert_json(401, &rejected)?;
    let stats = sandbox.stats();
    assert_eq!(
        (stats.logins, stats.refreshes, stats.refresh_rejections),
        (1, 3, 2)
    );
    Ok(())
}

#[tokio::test]
async fn twofactor_me_takes_the_access_token() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&url(&sandbox, "/login"), "plain@twofactor.test")
        .await?
        .json()?;
    let token = text(&body, "/access_token")?;
    let me = |auth: String| {
        send(
            reqwest::Client::new()
                .get(url(&sandbox, "/me"))
                .header("authorization", auth),
        )
    };
    me(format!("Bearer {token}")).await?.assert_json(
        200,
        &json!({ "id": "tf_plain", "email": "plain@twofactor.test" }),
    )?;
    me(format!("Token {token}")).await?.assert_json(
        401,
        &json!({ "error": "invalid_token", "message": "The access token is missing, wrong or expired." }),
    )?;
    Ok(())
}
