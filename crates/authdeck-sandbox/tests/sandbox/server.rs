use crate::{TestResult, login_ok, post, sandbox, text, verify};
use authdeck_sandbox::{
    APIS, EXTRA_APIS, PASSWORD, Stats, TOTP_SECRET, TOTP_URI, api_keys, banner, extra_users, users,
};
use serde_json::json;

fn login_path(api: &str) -> Result<&'static str, String> {
    match api {
        "meetra" => Ok("/api-login"),
        "user-login" => Ok("/user/login"),
        "talkstack" => Ok("/auth/login"),
        "meetmates" | "sealmetrics" => Ok("/api/auth/login"),
        other => Err(format!("unknown api {other}")),
    }
}

#[tokio::test]
async fn base_urls_are_the_server_url_plus_the_preset_id() -> TestResult {
    let sandbox = sandbox().await?;
    let port = sandbox.addr().port();
    assert_ne!(port, 0, "the real port is reported, not 0");
    assert_eq!(sandbox.url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        sandbox.base_url("meetra"),
        format!("http://127.0.0.1:{port}/meetra")
    );
    Ok(())
}

#[tokio::test]
async fn every_listed_user_gets_its_listed_outcome() -> TestResult {
    let sandbox = sandbox().await?;
    for user in users() {
        let url = format!("{}{}", sandbox.base_url(user.api), login_path(user.api)?);
        let answer = login_ok(&url, user.email).await?;
        let succeeded = answer.status == 200;
        assert_eq!(
            succeeded,
            user.outcome == "success",
            "{} on {} is listed as {} but got {} {}",
            user.email,
            user.api,
            user.outcome,
            answer.status,
            answer.text
        );
        match user.outcome {
            "rate_limited" => assert_eq!(answer.status, 429, "{}", user.email),
            "server_error" => assert_eq!(answer.status, 500, "{}", user.email),
            _ => {}
        }
    }
    Ok(())
}

#[tokio::test]
async fn answers_carry_a_date_header() -> TestResult {
    let sandbox = sandbox().await?;
    let url = format!("{}/api-login", sandbox.base_url("meetra"));
    for email in ["alice@meetra.test", "nobody@meetra.test"] {
        let answer = login_ok(&url, email).await?;
        let date = answer.header("date").ok_or("no Date header")?;
        assert!(date.ends_with(" GMT"), "Date is an HTTP date: {date}");
    }
    Ok(())
}

#[tokio::test]
async fn each_api_signs_with_its_own_secret() -> TestResult {
    let sandbox = sandbox().await?;
    let body = login_ok(
        &format!("{}/api-login", sandbox.base_url("meetra")),
        "alice@meetra.test",
    )
    .await?
    .json()?;
    let token = text(&body, "/token")?;
    assert!(verify("meetra", token).is_ok());
    assert!(
        verify("sealmetrics", token).is_err(),
        "a meetra token must not verify with sealmetrics' secret"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() -> TestResult {
    let sandbox = sandbox().await?;
    let answer = post(&format!("{}/nowhere", sandbox.url()), &json!({})).await?;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let response = reqwest::get(format!("{}/api-login", sandbox.base_url("meetra"))).await?;
    assert_eq!(response.status().as_u16(), 405, "login is POST only");
    Ok(())
}

#[tokio::test]
async fn stats_count_logins_across_apis_and_reset() -> TestResult {
    let sandbox = sandbox().await?;
    for api in APIS {
        let url = format!("{}{}", sandbox.base_url(api), login_path(api)?);
        login_ok(&url, "nobody@nowhere.test").await?;
    }
    let expected = Stats {
        logins: 5,
        refreshes: 0,
        refresh_rejections: 0,
    };
    assert_eq!(
        sandbox.stats(),
        expected,
        "one login request per API, refused or not"
    );

    let over_http: Stats = reqwest::get(format!("{}/_sandbox/stats", sandbox.url()))
        .await?
        .json()
        .await?;
    assert_eq!(
        over_http, expected,
        "GET /_sandbox/stats shows the same counters"
    );

    let reset = post(&format!("{}/_sandbox/reset", sandbox.url()), &json!({})).await?;
    assert_eq!(reset.status, 200);
    assert_eq!(
        sandbox.stats(),
        Stats::default(),
        "reset zeroes every counter"
    );
    Ok(())
}

#[tokio::test]
async fn shutdown_stops_serving() -> TestResult {
    let sandbox = sandbox().await?;
    let addr = sandbox.addr();
    let url = format!("{}/api-login", sandbox.base_url("meetra"));
    assert_eq!(login_ok(&url, "alice@meetra.test").await?.status, 200);
    sandbox.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
    Ok(())
}

#[tokio::test]
async fn banner_lists_urls_users_and_the_password() -> TestResult {
    let sandbox = sandbox().await?;
    let text = banner(&sandbox);
    for api in APIS {
        assert!(
            text.contains(&sandbox.base_url(api)),
            "banner lacks {api}'s base URL"
        );
    }
    for user in users() {
        assert!(text.contains(user.email), "banner lacks {}", user.email);
    }
    assert!(text.contains(PASSWORD), "banner gives the password");
    assert!(text.contains("+ttl"), "banner explains the ttl tag");
    Ok(())
}

#[tokio::test]
async fn banner_lists_the_extra_shapes_keys_and_totp_secret() -> TestResult {
    let sandbox = sandbox().await?;
    let text = banner(&sandbox);
    for api in EXTRA_APIS {
        assert!(
            text.contains(&sandbox.base_url(api)),
            "banner lacks {api}'s base URL"
        );
    }
    for user in extra_users() {
        assert!(text.contains(user.email), "banner lacks {}", user.email);
    }
    for key in api_keys() {
        assert!(text.contains(key.key), "banner lacks {}", key.key_id);
    }
    assert!(text.contains(TOTP_SECRET) && text.contains(TOTP_URI));
    assert!(
        text.contains("/apikey/_sandbox/pat"),
        "banner says where the PAT is"
    );
    assert!(
        text.contains("demo-app-key-1234"),
        "banner gives formlogin's app key"
    );
    Ok(())
}

#[test]
fn users_lists_only_the_documented_apis_and_extra_users_the_rest() {
    assert!(
        users().iter().all(|u| APIS.contains(&u.api)),
        "users() feeds the demo accounts and preset tests: documented APIs only"
    );
    let odd = [
        "soft@userlogin.test",
        "bearer@meetra.test",
        "msexp@meetra.test",
        "debug@sealmetrics.test",
    ];
    for email in odd {
        assert!(
            !users().iter().any(|u| u.email == email),
            "{email} is an extra"
        );
        assert!(
            extra_users().iter().any(|u| u.email == email),
            "{email} is listed"
        );
    }
    for api in EXTRA_APIS.into_iter().filter(|api| *api != "apikey") {
        assert!(
            extra_users()
                .iter()
                .any(|u| u.api == api && u.outcome == "success"),
            "{api} has a user that logs in"
        );
    }
}
