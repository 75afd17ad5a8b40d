use crate::{Answer, TestResult, sandbox, send, text, verify};
use authdeck_sandbox::api_keys;
use serde_json::json;

const LIVE: &str = "sbx_live_4c7e1a9b2d5f8036e1c4a7b0d3f6a9c2";
const FOREVER: &str = "sbx_live_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const EXPIRED: &str = "sbx_live_9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a";
const REVOKED: &str = "sbx_live_5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

fn whoami_url(sandbox: &authdeck_sandbox::Sandbox) -> String {
    format!("{}/v1/whoami", sandbox.base_url("apikey"))
}

async fn whoami(
    sandbox: &authdeck_sandbox::Sandbox,
    header: Option<(&str, &str)>,
    query: &str,
) -> Result<Answer, Box<dyn std::error::Error>> {
    let mut request = reqwest::Client::new().get(format!("{}{query}", whoami_url(sandbox)));
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    send(request).await
}

async fn pat(
    sandbox: &authdeck_sandbox::Sandbox,
    query: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let answer = send(reqwest::Client::new().get(format!(
        "{}/_sandbox/pat{query}",
        sandbox.base_url("apikey")
    )))
    .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()
}

#[tokio::test]
async fn apikey_valid_keys_answer_who_owns_them_by_header_or_query() -> TestResult {
    let sandbox = sandbox().await?;
    let live = json!({ "key_id": "key_live", "owner": "alice@apikey.test", "expires_at": "2099-12-31T23:59:59Z" });
    whoami(&sandbox, Some(("x-api-key", LIVE)), "")
        .await?
        .assert_json(200, &live)?;
    whoami(&sandbox, None, &format!("?api_key={LIVE}"))
        .await?
        .assert_json(200, &live)?;
    whoami(&sandbox, Some(("x-api-key", FOREVER)), "")
        .await?
        .assert_json(
            200,
            &json!({ "key_id": "key_forever", "owner": "alice@apikey.test", "expires_at": null }),
        )?;
    whoami(
        &sandbox,
        Some(("x-api-key", LIVE)),
        &format!("?api_key={REVOKED}"),
    )
    .await?
    .assert_json(200, &live)?;
    Ok(())
}

#[tokio::test]
async fn apikey_expired_revoked_unknown_and_missing_keys_are_refused() -> TestResult {
    let sandbox = sandbox().await?;
    let expired = json!({ "error": "key_expired" });
    let invalid = json!({ "error": "invalid_key" });
    whoami(&sandbox, Some(("x-api-key", EXPIRED)), "")
        .await?
        .assert_json(401, &expired)?;
    whoami(&sandbox, None, &format!("?api_key={EXPIRED}"))
        .await?
        .assert_json(401, &expired)?;
    whoami(&sandbox, Some(("x-api-key", REVOKED)), "")
        .await?
        .assert_json(401, &invalid)?;
    whoami(&sandbox, Some(("x-api-key", "sbx_live_nope")), "")
        .await?
        .assert_json(401, &invalid)?;
    whoami(&sandbox, None, "")
        .await?
        .assert_json(401, &json!({ "error": "missing_key" }))?;
    Ok(())
}

#[tokio::test]
async fn apikey_listing_matches_the_server() -> TestResult {
    let sandbox = sandbox().await?;
    for key in api_keys() {
        let answer = whoami(&sandbox, Some(("x-api-key", key.key)), "").await?;
        let outcome = match answer.status {
            200 => "success".to_string(),
            _ => text(&answer.json()?, "/error")?.to_string(),
        };
        assert_eq!(
            outcome, key.outcome,
            "{} is listed as {}",
            key.key_id, key.outcome
        );
    }
    Ok(())
}

#[tokio::test]
async fn apikey_personal_access_token_is_a_far_jwt_accepted_as_bearer() -> TestResult {
    let sandbox = sandbox().await?;
    let body = pat(&sandbox, "").await?;
    assert_eq!(body["expires_at"], "2100-01-01T00:00:00Z");
    let token = text(&body, "/token")?;
    let claims = verify("apikey", token)?;
    assert_eq!(claims["exp"], 4_102_444_800_i64);
    assert_eq!(
        pat(&sandbox, "").await?["token"],
        body["token"],
        "the standing PAT never changes"
    );
    whoami(&sandbox, Some(("authorization", &format!("Bearer {token}"))), "")
        .await?
        .assert_json(
            200,
            &json!({ "key_id": "pat_alice", "owner": "alice@apikey.test", "expires_at": "2100-01-01T00:00:00Z" }),
        )?;
    Ok(())
}

#[tokio::test]
async fn apikey_expired_or_forged_bearer_tokens_are_refused() -> TestResult {
    let sandbox = sandbox().await?;
    let short = pat(&sandbox, "?ttl=0").await?;
    let token = text(&short, "/token")?;
    whoami(
        &sandbox,
        Some(("authorization", &format!("Bearer {token}"))),
        "",
    )
    .await?
    .assert_json(401, &json!({ "error": "key_expired" }))?;
    let living = pat(&sandbox, "?ttl=60").await?;
    let token = text(&living, "/token")?;
    assert_eq!(
        whoami(
            &sandbox,
            Some(("authorization", &format!("Bearer {token}"))),
            ""
        )
        .await?
        .status,
        200
    );
    let meetra = crate::login_ok(
        &format!("{}/api-login", sandbox.base_url("meetra")),
        "alice@meetra.test",
    )
    .await?
    .json()?;
    let foreign = text(&meetra, "/token")?;
    whoami(
        &sandbox,
        Some(("authorization", &format!("Bearer {foreign}"))),
        "",
    )
    .await?
    .assert_json(401, &json!({ "error": "invalid_key" }))?;
    Ok(())
}
