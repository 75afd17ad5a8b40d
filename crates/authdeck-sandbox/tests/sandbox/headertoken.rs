use crate::{Answer, TestResult, lifetime, post, sandbox, send, verify};
use jiff::Timestamp;
use serde_json::{Value, json};

fn url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/v3/auth/tokens", sandbox.base_url("headertoken"))
}

/// Keystone's password-method body.
fn credentials(name: &str, password: &str) -> Value {
    json!({ "auth": { "identity": { "methods": ["password"], "password": {
        "user": { "name": name, "password": password }
    } } } })
}

async fn check(
    sandbox: &authdeck_sandbox::Sandbox,
    header: &str,
    value: &str,
) -> Result<Answer, Box<dyn std::error::Error>> {
    send(
        reqwest::Client::new()
            .get(url(sandbox))
            .header(header, value),
    )
    .await
}

fn unauthorized() -> Value {
    json!({ "error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    } })
}

/// `expires_at` with exactly six fraction digits and a Z, parsed.
fn microsecond_time(body: &Value, pointer: &str) -> Result<Timestamp, Box<dyn std::error::Error>> {
    let text = crate::text(body, pointer)?;
    let (_, fraction) = text.rsplit_once('.').ok_or("no fraction")?;
    assert_eq!(fraction.len(), 7, "six digits and Z: {text}");
    assert!(fraction.ends_with('Z'), "{text}");
    Ok(text.parse()?)
}

#[tokio::test]
async fn headertoken_login_puts_the_token_in_x_subject_token() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = post(
        &url(&sandbox),
        &credentials("alice@headertoken.test", authdeck_sandbox::PASSWORD),
    )
    .await?;
    assert_eq!(
        answer.status, 201,
        "Keystone answers 201 Created: {}",
        answer.text
    );
    let token = answer
        .header("x-subject-token")
        .ok_or("no X-Subject-Token")?
        .to_string();
    assert!(token.len() >= 32, "{token}");
    assert!(answer.header("authorization").is_none());
    let body = answer.json()?;
    assert_eq!(body["token"]["user"]["name"], "alice@headertoken.test");
    assert!(
        !answer.text.contains(&token),
        "the token is not in the body"
    );
    let expires = microsecond_time(&body, "/token/expires_at")?;
    let issued = microsecond_time(&body, "/token/issued_at")?;
    assert_eq!(expires.as_second() - issued.as_second(), 3600, "one hour");

    let valid = check(&sandbox, "x-auth-token", &token).await?;
    assert_eq!(valid.status, 200, "{}", valid.text);
    assert_eq!(
        valid.json()?["token"]["expires_at"],
        body["token"]["expires_at"]
    );
    check(&sandbox, "x-auth-token", "made-up")
        .await?
        .assert_json(401, &unauthorized())?;
    send(reqwest::Client::new().get(url(&sandbox)))
        .await?
        .assert_json(401, &unauthorized())?;
    Ok(())
}

#[tokio::test]
async fn headertoken_bearer_user_gets_a_jwt_in_the_authorization_header() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = post(
        &url(&sandbox),
        &credentials("bearer+ttl90@headertoken.test", authdeck_sandbox::PASSWORD),
    )
    .await?;
    assert_eq!(answer.status, 201, "{}", answer.text);
    assert!(
        answer.header("x-subject-token").is_none(),
        "bearer@ has no X-Subject-Token"
    );
    let jwt = answer
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or("no Authorization: Bearer")?
        .to_string();
    let claims = verify("headertoken", &jwt)?;
    assert_eq!(lifetime(&claims)?, 90, "the ttl tag holds here too");
    let body = answer.json()?;
    assert_eq!(
        microsecond_time(&body, "/token/expires_at")?.as_second(),
        claims["exp"].as_i64().ok_or("exp")?,
        "expires_at is the JWT's exp"
    );
    assert_eq!(check(&sandbox, "x-auth-token", &jwt).await?.status, 200);
    assert_eq!(
        check(&sandbox, "authorization", &format!("Bearer {jwt}"))
            .await?
            .status,
        200
    );
    Ok(())
}

#[tokio::test]
async fn headertoken_refusals() -> TestResult {
    let sandbox = sandbox().await?;
    let url = url(&sandbox);
    for body in [
        credentials("alice@headertoken.test", "wrong"),
        credentials("nobody@headertoken.test", authdeck_sandbox::PASSWORD),
    ] {
        let answer = post(&url, &body).await?;
        answer.assert_json(401, &unauthorized())?;
        assert!(answer.header("x-subject-token").is_none());
    }
    post(&url, &json!({ "email": "alice@headertoken.test" }))
        .await?
        .assert_json(
            400,
            &json!({ "error": {
            "code": 400,
            "title": "Bad Request",
            "message": "auth.identity.password.user.name and .password are required.",
        } }),
        )?;
    Ok(())
}

#[tokio::test]
async fn headertoken_token_expires_with_its_ttl() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = post(
        &url(&sandbox),
        &credentials("alice+ttl1@headertoken.test", authdeck_sandbox::PASSWORD),
    )
    .await?;
    let token = answer
        .header("x-subject-token")
        .ok_or("no token")?
        .to_string();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    check(&sandbox, "x-auth-token", &token)
        .await?
        .assert_json(401, &unauthorized())
}
