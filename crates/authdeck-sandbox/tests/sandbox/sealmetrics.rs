use crate::{TestResult, lifetime, login, login_ok, post, post_raw, sandbox, text, verify};
use jiff::Timestamp;
use serde_json::json;

fn url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/api/auth/login", sandbox.base_url("sealmetrics"))
}

#[tokio::test]
async fn sealmetrics_login_returns_a_bearer_token_with_microsecond_expiry() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox), "alice@sealmetrics.test").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    assert_eq!(body["token_type"], "Bearer");
    let claims = verify("sealmetrics", text(&body, "/access_token")?)?;
    assert_eq!(lifetime(&claims)?, 24 * 3600);
    let exp = claims["exp"].as_i64().ok_or("exp")?;
    let expected = format!(
        "{}.000000Z",
        Timestamp::from_second(exp)?.strftime("%Y-%m-%dT%H:%M:%S")
    );
    assert_eq!(
        text(&body, "/expires_at")?,
        expected,
        "expires_at is exp with 6 fraction digits"
    );
    Ok(())
}

#[tokio::test]
async fn sealmetrics_ttl_tag() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&url(&sandbox), "alice+ttl60@sealmetrics.test")
        .await?
        .json()?;
    assert_eq!(
        lifetime(&verify("sealmetrics", text(&body, "/access_token")?)?)?,
        60
    );
    Ok(())
}

#[tokio::test]
async fn sealmetrics_errors() -> TestResult {
    let sandbox = sandbox().await?;
    let url = url(&sandbox);
    let invalid = json!({ "status": "error", "message": "Invalid credentials" });
    login(&url, "alice@sealmetrics.test", "wrong")
        .await?
        .assert_json(401, &invalid)?;
    login_ok(&url, "nobody@sealmetrics.test")
        .await?
        .assert_json(401, &invalid)?;
    post(&url, &json!({ "password": "x" })).await?.assert_json(
        422,
        &json!({
            "status": "error",
            "message": "The email field is required.",
            "errors": { "email": ["The email field is required."] },
        }),
    )?;
    post(&url, &json!({ "email": "alice@sealmetrics.test" }))
        .await?
        .assert_json(
            422,
            &json!({
                "status": "error",
                "message": "The password field is required.",
                "errors": { "password": ["The password field is required."] },
            }),
        )?;
    post_raw(&url, "nope").await?.assert_json(
        422,
        &json!({
            "status": "error",
            "message": "The email field is required. (and 1 more error)",
            "errors": {
                "email": ["The email field is required."],
                "password": ["The password field is required."],
            },
        }),
    )?;
    login_ok(&url, "boom@sealmetrics.test").await?.assert_json(
        500,
        &json!({ "status": "error", "message": "Server Error" }),
    )?;
    login_ok(&url, "slowpoke@sealmetrics.test")
        .await?
        .assert_rate_limited(&json!({ "status": "error", "message": "Too Many Attempts." }))?;
    Ok(())
}
