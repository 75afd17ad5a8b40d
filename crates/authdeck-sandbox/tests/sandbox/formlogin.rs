use crate::{Answer, TestResult, sandbox, send, text};
use authdeck_sandbox::PASSWORD;
use serde_json::{Value, json};

const APP_KEY: &str = "demo-app-key-1234";

fn login_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/login", sandbox.base_url("formlogin"))
}

/// POSTs a form login with the headers given (name, value).
async fn login(
    sandbox: &authdeck_sandbox::Sandbox,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let mut request = reqwest::Client::new()
        .post(login_url(sandbox))
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request).await
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");
const KEY: (&str, &str) = ("x-api-key", APP_KEY);
const TENANT: (&str, &str) = ("x-tenant", "acme");

fn form(username: &str, password: &str) -> String {
    format!(
        "username={}&password={}",
        username.replace('+', "%2B").replace('@', "%40"),
        password
    )
}

async fn me(
    sandbox: &authdeck_sandbox::Sandbox,
    authorization: &str,
) -> Result<Answer, Box<dyn std::error::Error>> {
    send(
        reqwest::Client::new()
            .get(format!("{}/me", sandbox.base_url("formlogin")))
            .header("authorization", authorization),
    )
    .await
}

fn error(code: &str, message: &str) -> Value {
    json!({ "error": code, "message": message })
}

#[tokio::test]
async fn formlogin_answers_a_token_with_the_scheme_word_inside() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login(
        &sandbox,
        &[FORM, KEY, TENANT],
        &form("alice@formlogin.test", PASSWORD),
    )
    .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    assert_eq!(body["expires_in"], 3600);
    let field = text(&body, "/token")?;
    let opaque = field
        .strip_prefix("Token ")
        .ok_or("the field starts with \"Token \"")?;
    assert!(opaque.len() >= 32, "{opaque}");

    me(&sandbox, field).await?.assert_json(
        200,
        &json!({ "username": "alice@formlogin.test", "tenant": "acme" }),
    )?;
    let invalid = error(
        "invalid_token",
        "Send Authorization: Token <token> from a current login.",
    );
    me(&sandbox, &format!("Bearer {opaque}"))
        .await?
        .assert_json(401, &invalid)?;
    me(&sandbox, opaque).await?.assert_json(401, &invalid)?;
    me(&sandbox, "Token made-up")
        .await?
        .assert_json(401, &invalid)?;
    Ok(())
}

#[tokio::test]
async fn formlogin_ttl_tag_sets_expires_in_and_the_token_expires() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login(
        &sandbox,
        &[FORM, KEY, TENANT],
        &form("alice+ttl1@formlogin.test", PASSWORD),
    )
    .await?
    .json()?;
    assert_eq!(body["expires_in"], 1);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(me(&sandbox, text(&body, "/token")?).await?.status, 401);
    Ok(())
}

#[tokio::test]
async fn formlogin_checks_key_tenant_media_type_fields_then_credentials() -> TestResult {
    let sandbox = sandbox().await?;
    let good = form("alice@formlogin.test", PASSWORD);
    let bad_key = error(
        "bad_app_key",
        "The X-Api-Key header is missing or not a known application key.",
    );
    login(&sandbox, &[FORM, TENANT], &good)
        .await?
        .assert_json(403, &bad_key)?;
    login(&sandbox, &[FORM, ("x-api-key", "other"), TENANT], &good)
        .await?
        .assert_json(403, &bad_key)?;
    let no_tenant = error("missing_tenant", "The X-Tenant header is required.");
    login(&sandbox, &[FORM, KEY], &good)
        .await?
        .assert_json(400, &no_tenant)?;
    login(&sandbox, &[FORM, KEY, ("x-tenant", " ")], &good)
        .await?
        .assert_json(400, &no_tenant)?;
    let json_body = json!({ "username": "alice@formlogin.test", "password": PASSWORD }).to_string();
    login(
        &sandbox,
        &[("content-type", "application/json"), KEY, TENANT],
        &json_body,
    )
    .await?
    .assert_json(
        415,
        &error(
            "unsupported_media_type",
            "Send the credentials as application/x-www-form-urlencoded.",
        ),
    )?;
    login(
        &sandbox,
        &[FORM, KEY, TENANT],
        "username=alice%40formlogin.test",
    )
    .await?
    .assert_json(
        400,
        &error("invalid_request", "username and password are required."),
    )?;
    let invalid = error("invalid_grant", "Wrong username or password.");
    login(
        &sandbox,
        &[FORM, KEY, TENANT],
        &form("alice@formlogin.test", "wrong"),
    )
    .await?
    .assert_json(401, &invalid)?;
    login(
        &sandbox,
        &[FORM, KEY, TENANT],
        &form("nobody@formlogin.test", PASSWORD),
    )
    .await?
    .assert_json(401, &invalid)?;
    login(
        &sandbox,
        &[FORM, KEY, TENANT],
        &form("slowpoke@formlogin.test", PASSWORD),
    )
    .await?
    .assert_rate_limited(&error(
        "rate_limited",
        "Too many attempts. Try again later.",
    ))?;
    Ok(())
}
