use crate::{TestResult, lifetime, login, login_ok, post, post_raw, sandbox, text, verify};
use jiff::Timestamp;
use serde_json::{Value, json};

fn login_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/auth/login", sandbox.base_url("talkstack"))
}

fn refresh_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/auth/refresh", sandbox.base_url("talkstack"))
}

fn error(message: &str, login_status: u8) -> Value {
    json!({ "message": message, "status": "error", "loginStatus": login_status })
}

/// Checks the documented success body; returns the token's lifetime and the refresh token.
fn check_session(body: &Value) -> Result<(i64, String), Box<dyn std::error::Error>> {
    assert_eq!(body["message"], "successfully logged in.", "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["loginStatus"], 7, "SUCCESS is 7");
    for field in ["email", "name", "created_at", "updated_at"] {
        assert!(body["user"][field].is_string(), "user.{field}: {body}");
    }
    assert!(body["user"]["active_project"].is_null() && body["user"]["company_name"].is_null());
    let claims = verify("talkstack", text(body, "/token")?)?;
    let exp = claims["exp"].as_i64().ok_or("exp")?;
    let expiration = text(body, "/expirationTime")?;
    let expected = format!(
        "{}.000Z",
        Timestamp::from_second(exp)?.strftime("%Y-%m-%dT%H:%M:%S")
    );
    assert_eq!(
        expiration, expected,
        "expirationTime is exp, ISO 8601 with milliseconds"
    );
    Ok((lifetime(&claims)?, text(body, "/refreshToken")?.to_string()))
}

#[tokio::test]
async fn talkstack_login_returns_a_two_hour_token_and_iso_expiration() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&login_url(&sandbox), "alice@talkstack.test").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let (lifetime, refresh) = check_session(&answer.json()?)?;
    assert_eq!(lifetime, 2 * 3600, "the doc: valid for 2 hours");
    assert!(!refresh.is_empty());
    Ok(())
}

#[tokio::test]
async fn talkstack_errors_carry_the_login_status_enum() -> TestResult {
    let sandbox = sandbox().await?;
    let url = login_url(&sandbox);
    let missing = error("Email and password are required.", 0);
    post(&url, &json!({ "email": "alice@talkstack.test" }))
        .await?
        .assert_json(400, &missing)?;
    post_raw(&url, "{").await?.assert_json(400, &missing)?;
    login_ok(&url, "alice.talkstack.test")
        .await?
        .assert_json(400, &error("Invalid email.", 9))?;
    login(&url, "alice@talkstack.test", "wrong")
        .await?
        .assert_json(401, &error("Invalid password.", 4))?;
    login_ok(&url, "nobody@talkstack.test")
        .await?
        .assert_json(404, &error("User not found.", 3))?;
    login_ok(&url, "unverified@talkstack.test")
        .await?
        .assert_json(
            403,
            &error("Account not verified. Please verify your email.", 2),
        )?;
    login_ok(&url, "boom@talkstack.test")
        .await?
        .assert_json(500, &error("Login failed.", 8))?;
    login_ok(&url, "slowpoke@talkstack.test")
        .await?
        .assert_rate_limited(&error("Too many requests.", 8))?;
    Ok(())
}

#[tokio::test]
async fn talkstack_refresh_rotates_and_keeps_the_ttl() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&login_url(&sandbox), "alice+ttl3@talkstack.test")
        .await?
        .json()?;
    let (first_lifetime, first) = check_session(&body)?;
    assert_eq!(first_lifetime, 3);

    let answer = post(&refresh_url(&sandbox), &json!({ "refreshToken": first })).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let (lifetime, second) = check_session(&answer.json()?)?;
    assert_eq!(lifetime, 3, "refreshed tokens keep the login's ttl");
    assert_ne!(first, second, "refresh must rotate the refresh token");

    let rejected = json!({ "message": "Invalid refresh token", "status": "error" });
    post(&refresh_url(&sandbox), &json!({ "refreshToken": first }))
        .await?
        .assert_json(401, &rejected)?;
    post(&refresh_url(&sandbox), &json!({}))
        .await?
        .assert_json(401, &rejected)?;
    let stats = sandbox.stats();
    assert_eq!((stats.refreshes, stats.refresh_rejections), (3, 2));
    Ok(())
}
