use crate::{TestResult, lifetime, login, login_ok, post, post_raw, sandbox, text, verify};
use serde_json::{Value, json};

fn url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/api/auth/login", sandbox.base_url("meetmates"))
}

fn msg(text: &str) -> Value {
    json!({ "msg": text })
}

#[tokio::test]
async fn meetmates_login_returns_a_seven_day_token_with_an_object_id() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&url(&sandbox), "alice@adgitmdelhi.ac.in").await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let body = answer.json()?;
    let claims = verify("meetmates", text(&body, "/token")?)?;
    assert_eq!(
        lifetime(&claims)?,
        7 * 24 * 3600,
        "the doc: valid for 7 days"
    );
    let id = claims["id"].as_str().ok_or("the doc's claim is id")?;
    assert!(
        id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "id is a MongoDB ObjectId: {id}"
    );
    Ok(())
}

#[tokio::test]
async fn meetmates_normalizes_the_email_and_accepts_the_user_id() -> TestResult {
    let sandbox = sandbox().await?;
    let url = url(&sandbox);
    let by_email = login_ok(&url, "  Alice@ADGITMDELHI.ac.in ").await?;
    assert_eq!(
        by_email.status, 200,
        "trimmed and lowercased: {}",
        by_email.text
    );
    let by_id = login_ok(&url, "alice01").await?;
    assert_eq!(
        by_id.status, 200,
        "the user ID logs in as alice: {}",
        by_id.text
    );
    let claims = verify("meetmates", text(&by_id.json()?, "/token")?)?;
    assert_eq!(claims["email"], "alice@adgitmdelhi.ac.in");
    let tagged = login_ok(&url, "alice+ttl5@adgitmdelhi.ac.in")
        .await?
        .json()?;
    assert_eq!(
        lifetime(&verify("meetmates", text(&tagged, "/token")?)?)?,
        5
    );
    Ok(())
}

#[tokio::test]
async fn meetmates_error_messages() -> TestResult {
    let sandbox = sandbox().await?;
    let url = url(&sandbox);
    login(&url, "alice@adgitmdelhi.ac.in", "wrong")
        .await?
        .assert_json(400, &msg("Invalid credentials"))?;
    login_ok(&url, "nobody@adgitmdelhi.ac.in")
        .await?
        .assert_json(400, &msg("Invalid credentials"))?;
    login_ok(&url, "bob@gmail.com").await?.assert_json(
        403,
        &msg("Login is only allowed with an @adgitmdelhi.ac.in email or a valid user ID."),
    )?;
    login_ok(&url, "google@adgitmdelhi.ac.in")
        .await?
        .assert_json(
            400,
            &msg("This account uses Google sign-in and has no password. Sign in with Google."),
        )?;
    let missing = msg("Email and password are required");
    post(&url, &json!({ "password": "x" }))
        .await?
        .assert_json(400, &missing)?;
    login_ok(&url, "   ").await?.assert_json(400, &missing)?;
    post_raw(&url, "<xml/>").await?.assert_json(400, &missing)?;
    login_ok(&url, "boom@adgitmdelhi.ac.in")
        .await?
        .assert_json(500, &json!({ "error": "Internal server error" }))?;
    login_ok(&url, "slowpoke@adgitmdelhi.ac.in")
        .await?
        .assert_rate_limited(&msg("Too many requests"))?;
    Ok(())
}
