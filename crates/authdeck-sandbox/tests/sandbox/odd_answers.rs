use crate::{TestResult, lifetime, login, login_ok, sandbox, text, verify};
use serde_json::json;

#[tokio::test]
async fn user_login_soft_user_fails_with_a_200() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/user/login", sandbox.base_url("user-login"));
    login(&url, "soft@userlogin.test", "wrong").await?.assert_json(
        200,
        &json!({ "success": false, "error_code": "INVALID_PASSWORD", "message": "Invalid password." }),
    )?;
    let body = login_ok(&url, "soft@userlogin.test").await?.json()?;
    assert_eq!(
        body["success"], true,
        "the right password works normally: {body}"
    );
    verify("user-login", text(&body, "/accessToken")?)?;
    Ok(())
}

#[tokio::test]
async fn meetra_bearer_user_has_the_scheme_word_in_the_token_field() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/api-login", sandbox.base_url("meetra"));
    let body = login_ok(&url, "bearer@meetra.test").await?.json()?;
    let field = text(&body, "/token")?;
    let jwt = field
        .strip_prefix("Bearer ")
        .ok_or("the field starts with \"Bearer \"")?;
    assert_eq!(lifetime(&verify("meetra", jwt)?)?, 3600);
    Ok(())
}

#[tokio::test]
async fn meetra_msexp_user_has_exp_in_milliseconds() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/api-login", sandbox.base_url("meetra"));
    let body = login_ok(&url, "msexp+ttl60@meetra.test").await?.json()?;
    let claims = verify("meetra", text(&body, "/token")?)?;
    let iat = claims["iat"].as_i64().ok_or("iat")?;
    let exp = claims["exp"].as_i64().ok_or("exp")?;
    assert_eq!(
        exp,
        (iat + 60) * 1000,
        "exp is in milliseconds, iat in seconds"
    );
    Ok(())
}

#[tokio::test]
async fn sealmetrics_debug_user_carries_secrets_at_unnamed_paths() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/api/auth/login", sandbox.base_url("sealmetrics"));
    let body = login_ok(&url, "debug@sealmetrics.test").await?.json()?;
    let token = text(&body, "/access_token")?;
    verify("sealmetrics", token)?;
    assert!(body["expires_at"].is_string());
    let secret = text(&body, "/debug/session_secret")?;
    let key = text(&body, "/debug/api_key")?;
    let echo = text(&body, "/debug/echo")?;
    assert!(secret.len() >= 32 && key.len() >= 32, "{body}");
    assert_ne!(echo, token, "the echo is another JWT, not the access token");
    verify("sealmetrics", echo)?;
    let again = login_ok(&url, "debug@sealmetrics.test").await?.json()?;
    assert_ne!(
        again["debug"]["session_secret"], body["debug"]["session_secret"],
        "random each time"
    );
    Ok(())
}
