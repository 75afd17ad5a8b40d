use crate::{TestResult, lifetime, login, login_ok, post, post_raw, sandbox, text, verify};
use serde_json::json;

fn url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/api-login", sandbox.base_url("meetra"))
}

#[tokio::test]
async fn meetra_login_returns_a_one_hour_jwt_signed_with_its_secret() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox), "alice@meetra.test").await?;
    assert_eq!(answer.status, 200, "alice logs in: {}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body = answer.json()?;
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(1),
        "the doc's body is just {{\"token\"}}: {body}"
    );
    let claims = verify("meetra", text(&body, "/token")?)?;
    assert_eq!(lifetime(&claims)?, 3600);
    assert_eq!(claims["email"], "alice@meetra.test");
    assert!(claims.contains_key("sub") && claims.contains_key("name"));
    Ok(())
}

#[tokio::test]
async fn meetra_email_is_case_insensitive() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox), "Alice@Meetra.TEST").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    Ok(())
}

#[tokio::test]
async fn meetra_noexp_token_has_no_exp_claim() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&url(&sandbox), "noexp@meetra.test")
        .await?
        .json()?;
    let claims = verify("meetra", text(&body, "/token")?)?;
    assert!(
        !claims.contains_key("exp"),
        "noexp must not expire: {claims:?}"
    );
    for claim in ["sub", "name", "iat"] {
        assert!(claims.contains_key(claim), "the doc's example has {claim}");
    }
    Ok(())
}

#[tokio::test]
async fn meetra_ttl_tag_sets_the_lifetime_and_is_stripped() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(&url(&sandbox), "alice+ttl5@meetra.test")
        .await?
        .json()?;
    let claims = verify("meetra", text(&body, "/token")?)?;
    assert_eq!(lifetime(&claims)?, 5);
    assert_eq!(
        claims["email"], "alice@meetra.test",
        "the tag is not part of the user"
    );
    Ok(())
}

#[tokio::test]
async fn meetra_refuses_every_bad_login_with_the_documented_400() -> TestResult {
    let sandbox = sandbox().await?;
    let url = url(&sandbox);
    let refusal = json!({ "message": "Invalid email or password" });
    login(&url, "alice@meetra.test", "wrong")
        .await?
        .assert_json(400, &refusal)?;
    login_ok(&url, "nobody@meetra.test")
        .await?
        .assert_json(400, &refusal)?;
    post(&url, &json!({ "email": "alice@meetra.test" }))
        .await?
        .assert_json(400, &refusal)?;
    login(&url, "", "s3cret-pass")
        .await?
        .assert_json(400, &refusal)?;
    post_raw(&url, "email=alice")
        .await?
        .assert_json(400, &refusal)?;
    Ok(())
}

#[tokio::test]
async fn meetra_boom_is_an_html_500() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox), "boom@meetra.test").await?;
    assert_eq!(answer.status, 500);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "meetra's server error is an HTML page: {:?}",
        answer.header("content-type")
    );
    assert!(answer.text.starts_with("<html>") && answer.text.contains("Internal Server Error"));
    Ok(())
}

#[tokio::test]
async fn meetra_slowpoke_is_rate_limited() -> TestResult {
    let sandbox = sandbox().await?;
    login_ok(&url(&sandbox), "slowpoke@meetra.test")
        .await?
        .assert_rate_limited(&json!({ "message": "Too many requests" }))
}
