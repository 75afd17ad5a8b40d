use crate::{TestResult, lifetime, login, login_ok, post, post_raw, sandbox, text, verify};
use serde_json::{Value, json};

fn login_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/user/login", sandbox.base_url("user-login"))
}

fn refresh_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/user/refresh", sandbox.base_url("user-login"))
}

/// What a successful login or refresh gave.
struct Session {
    claims: serde_json::Map<String, Value>,
    expires_at: i64,
    refresh_token: String,
}

/// Checks the documented success shape and returns its parts.
fn check_session(body: &Value) -> Result<Session, Box<dyn std::error::Error>> {
    assert_eq!(body["success"], true, "{body}");
    assert!(body["tokenId"].is_string(), "tokenId is a string: {body}");
    for field in ["id", "email", "name", "orgId"] {
        assert!(
            body["user"][field].is_string(),
            "user.{field} is a string: {body}"
        );
    }
    Ok(Session {
        claims: verify("user-login", text(body, "/accessToken")?)?,
        expires_at: body["expiresAt"]
            .as_i64()
            .ok_or("expiresAt is an integer")?,
        refresh_token: text(body, "/refreshToken")?.to_string(),
    })
}

#[tokio::test]
async fn user_login_returns_tokens_with_expires_at_in_seconds() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&login_url(&sandbox), "alice@userlogin.test").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    let Session {
        claims,
        expires_at,
        refresh_token: refresh,
    } = check_session(&body)?;
    assert_eq!(
        lifetime(&claims)?,
        3600,
        "the doc: access tokens expire after 1 hour"
    );
    assert_eq!(
        Some(expires_at),
        claims["exp"].as_i64(),
        "expiresAt is exp in seconds"
    );
    assert!(!refresh.is_empty());
    assert_eq!(body["user"]["email"], "alice@userlogin.test");
    Ok(())
}

#[tokio::test]
async fn user_login_ms_user_gets_expires_at_in_milliseconds() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&login_url(&sandbox), "ms@userlogin.test")
        .await?
        .json()?;
    let Session {
        claims, expires_at, ..
    } = check_session(&body)?;
    let exp = claims["exp"].as_i64().ok_or("exp")?;
    assert_eq!(expires_at, exp * 1000, "ms@ gets milliseconds");
    Ok(())
}

#[tokio::test]
async fn user_login_error_codes_are_the_documented_ones() -> TestResult {
    let sandbox = sandbox().await?;
    let url = login_url(&sandbox);
    let refused = |code: &str| json!({ "success": false, "error_code": code });
    login_ok(&url, "nobody@userlogin.test")
        .await?
        .assert_json(401, &refused("USER_NOT_FOUND"))?;
    login(&url, "alice@userlogin.test", "wrong")
        .await?
        .assert_json(401, &refused("INVALID_PASSWORD"))?;
    login_ok(&url, "inactive@userlogin.test")
        .await?
        .assert_json(401, &refused("USER_INACTIVE"))?;
    login(&url, "nopass@userlogin.test", "anything")
        .await?
        .assert_json(401, &refused("NO_PASSWORD_SET"))?;
    Ok(())
}

#[tokio::test]
async fn user_login_missing_fields_and_non_json_are_a_validation_error() -> TestResult {
    let sandbox = sandbox().await?;
    let url = login_url(&sandbox);
    let invalid = json!({
        "success": false,
        "error_code": "VALIDATION_ERROR",
        "message": "email and password are required",
    });
    post(&url, &json!({ "email": "alice@userlogin.test" }))
        .await?
        .assert_json(400, &invalid)?;
    login(&url, "alice@userlogin.test", "")
        .await?
        .assert_json(400, &invalid)?;
    post_raw(&url, "not json")
        .await?
        .assert_json(400, &invalid)?;
    Ok(())
}

#[tokio::test]
async fn user_login_boom_and_slowpoke() -> TestResult {
    let sandbox = sandbox().await?;
    let url = login_url(&sandbox);
    login_ok(&url, "boom@userlogin.test").await?.assert_json(
        500,
        &json!({ "success": false, "error_code": "INTERNAL_ERROR", "message": "Internal server error" }),
    )?;
    login_ok(&url, "slowpoke@userlogin.test").await?.assert_rate_limited(
        &json!({ "success": false, "error_code": "RATE_LIMITED", "message": "Too many requests" }),
    )
}

#[tokio::test]
async fn user_login_refresh_rotates_and_revokes_the_old_token() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&login_url(&sandbox), "alice+ttl7@userlogin.test")
        .await?
        .json()?;
    let first = check_session(&body)?.refresh_token;

    let answer = post(&refresh_url(&sandbox), &json!({ "refreshToken": first })).await?;
    assert_eq!(
        answer.status, 200,
        "a fresh refresh token works: {}",
        answer.text
    );
    let Session {
        claims,
        expires_at,
        refresh_token: second,
    } = check_session(&answer.json()?)?;
    assert_ne!(first, second, "refresh must rotate the refresh token");
    assert_eq!(
        lifetime(&claims)?,
        7,
        "the ttl tag of the login survives refresh"
    );
    assert_eq!(Some(expires_at), claims["exp"].as_i64());

    let rejected = json!({ "success": false, "error_code": "INVALID_REFRESH_TOKEN" });
    post(&refresh_url(&sandbox), &json!({ "refreshToken": first }))
        .await?
        .assert_json(401, &rejected)?;
    let answer = post(&refresh_url(&sandbox), &json!({ "refreshToken": second })).await?;
    assert_eq!(
        answer.status, 200,
        "the rotated token still works: {}",
        answer.text
    );

    let stats = sandbox.stats();
    assert_eq!(stats.logins, 1);
    assert_eq!(stats.refreshes, 3, "every refresh request is counted");
    assert_eq!(
        stats.refresh_rejections, 1,
        "only the reused token was rejected"
    );
    Ok(())
}

#[tokio::test]
async fn user_login_refresh_rejects_unknown_and_missing_tokens() -> TestResult {
    let sandbox = sandbox().await?;
    let url = refresh_url(&sandbox);
    let rejected = json!({ "success": false, "error_code": "INVALID_REFRESH_TOKEN" });
    post(&url, &json!({ "refreshToken": "made-up" }))
        .await?
        .assert_json(401, &rejected)?;
    post(&url, &json!({})).await?.assert_json(401, &rejected)?;
    post_raw(&url, "junk").await?.assert_json(401, &rejected)?;
    assert_eq!(sandbox.stats().refresh_rejections, 3);
    Ok(())
}

#[tokio::test]
async fn user_login_refresh_token_of_talkstack_is_not_accepted() -> TestResult {
    let sandbox = sandbox().await?;
    let talkstack = format!("{}/auth/login", sandbox.base_url("talkstack"));
    let body = login_ok(&talkstack, "alice@talkstack.test").await?.json()?;
    let token = text(&body, "/refreshToken")?;
    let answer = post(&refresh_url(&sandbox), &json!({ "refreshToken": token })).await?;
    assert_eq!(
        answer.status, 401,
        "refresh tokens belong to one API: {}",
        answer.text
    );
    Ok(())
}
