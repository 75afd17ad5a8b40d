use crate::{Answer, TestResult, login, login_ok, post, sandbox, send};
use serde_json::json;

fn session_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/session", sandbox.base_url("cookiejar"))
}

/// GET /cookiejar/me with that Cookie header (none when `None`).
async fn me(
    sandbox: &authdeck_sandbox::Sandbox,
    cookie: Option<&str>,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let mut request = reqwest::Client::new().get(format!("{}/me", sandbox.base_url("cookiejar")));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    send(request).await
}

/// The `Set-Cookie` headers of an answer.
fn set_cookies(answer: &Answer) -> Vec<String> {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

/// The value of cookie `name` among the `Set-Cookie` lines.
fn cookie_value(lines: &[String], name: &str) -> Result<String, Box<dyn std::error::Error>> {
    lines
        .iter()
        .find_map(|line| line.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| format!("no {name} cookie in {lines:?}").into())
}

#[tokio::test]
async fn cookiejar_login_sets_sid_and_csrf_cookies_and_no_token_in_the_body() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&session_url(&sandbox), "alice@cookiejar.test").await?;
    answer.assert_json(
        200,
        &json!({ "user": { "id": "cj_alice", "email": "alice@cookiejar.test", "name": "Alice Cookiejar" } }),
    )?;
    let lines = set_cookies(&answer);
    assert_eq!(lines.len(), 2, "two cookies: {lines:?}");
    let sid = cookie_value(&lines, "sid")?;
    assert!(sid.len() >= 32, "the sid is 32+ characters: {sid}");
    assert_eq!(
        lines[0],
        format!("sid={sid}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax"),
        "the sid cookie's attributes are the contract's"
    );
    let csrf = cookie_value(&lines, "csrf")?;
    assert_eq!(lines[1], format!("csrf={csrf}; Path=/"));
    assert!(!csrf.is_empty() && csrf != sid);
    Ok(())
}

#[tokio::test]
async fn cookiejar_me_answers_for_a_valid_sid_only() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&session_url(&sandbox), "alice@cookiejar.test").await?;
    let sid = cookie_value(&set_cookies(&answer), "sid")?;
    me(&sandbox, Some(&format!("theme=dark; sid={sid}")))
        .await?
        .assert_json(
            200,
            &json!({ "id": "cj_alice", "email": "alice@cookiejar.test" }),
        )?;
    let refused = json!({ "error": "not_signed_in" });
    me(&sandbox, None).await?.assert_json(401, &refused)?;
    me(&sandbox, Some("sid=made-up"))
        .await?
        .assert_json(401, &refused)?;
    me(&sandbox, Some(&format!("csrf={sid}")))
        .await?
        .assert_json(401, &refused)?;
    Ok(())
}

#[tokio::test]
async fn cookiejar_ttl_tag_sets_max_age_and_the_sid_expires() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = login_ok(&session_url(&sandbox), "alice+ttl1@cookiejar.test").await?;
    let lines = set_cookies(&answer);
    assert!(lines[0].contains("; Max-Age=1;"), "{lines:?}");
    let sid = cookie_value(&lines, "sid")?;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    me(&sandbox, Some(&format!("sid={sid}")))
        .await?
        .assert_json(401, &json!({ "error": "not_signed_in" }))?;
    Ok(())
}

#[tokio::test]
async fn cookiejar_refusals() -> TestResult {
    let sandbox = sandbox().await?;
    let url = session_url(&sandbox);
    let invalid = json!({ "error": "invalid_login", "message": "Wrong email or password." });
    let wrong = login(&url, "alice@cookiejar.test", "wrong").await?;
    wrong.assert_json(401, &invalid)?;
    assert!(set_cookies(&wrong).is_empty(), "no cookie on a refusal");
    login_ok(&url, "nobody@cookiejar.test")
        .await?
        .assert_json(401, &invalid)?;
    post(&url, &json!({ "email": "alice@cookiejar.test" }))
        .await?
        .assert_json(
            400,
            &json!({ "error": "invalid_request", "message": "email and password are required." }),
        )?;
    login_ok(&url, "slowpoke@cookiejar.test")
        .await?
        .assert_rate_limited(
            &json!({ "error": "rate_limited", "message": "Too many attempts. Try again later." }),
        )?;
    assert_eq!(sandbox.stats().logins, 4, "every POST /session is a login");
    Ok(())
}
