//! Every preset against the sandbox over real loopback HTTP: each documented outcome comes back
//! with the exact kind, status, provider code, message and expiry. Nothing is stored here.

use authdeck_core::exchange::{self, Credentials, Target};
use authdeck_core::http::{Http, Policy};
use authdeck_core::provider::Catalog;
use authdeck_core::{Failure, Kind, Secret, Session};
use authdeck_sandbox::{PASSWORD, Sandbox};
use jiff::Timestamp;
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn start_sandbox() -> std::io::Result<Sandbox> {
    Sandbox::start(([127, 0, 0, 1], 0).into()).await
}

fn target(base_url: String, api: &str) -> Result<Target, Box<dyn std::error::Error>> {
    let provider = Catalog::presets().get(api)?.clone();
    Ok(Target {
        provider,
        base_url,
        policy: Policy::default(),
    })
}

async fn log_in(
    http: &Http,
    target: &Target,
    email: &str,
    password: &str,
) -> Result<Result<Session, Failure>, Box<dyn std::error::Error>> {
    let creds = Credentials {
        email: email.into(),
        password: Secret::new(password),
        code: Default::default(),
    };
    Ok(exchange::login(http, target, &creds).await?.result)
}

/// What a login must produce.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A token whose JWT lives `lifetime` seconds (`None`: no `exp` at all).
    Success {
        lifetime: Option<i64>,
        refresh_token: bool,
    },
    Failure {
        status: u16,
        kind: Kind,
        code: Option<&'static str>,
        message: Option<&'static str>,
        retry_after: Option<u64>,
    },
}

struct Case {
    api: &'static str,
    email: &'static str,
    password: &'static str,
    expect: Expect,
}

const fn ok(api: &'static str, email: &'static str, lifetime: Option<i64>, refresh: bool) -> Case {
    Case {
        api,
        email,
        password: PASSWORD,
        expect: Expect::Success {
            lifetime,
            refresh_token: refresh,
        },
    }
}

#[allow(clippy::too_many_arguments)]
const fn fail(
    api: &'static str,
    email: &'static str,
    password: &'static str,
    status: u16,
    kind: Kind,
    code: Option<&'static str>,
    message: Option<&'static str>,
    retry_after: Option<u64>,
) -> Case {
    Case {
        api,
        email,
        password,
        expect: Expect::Failure {
            status,
            kind,
            code,
            message,
            retry_after,
        },
    }
}

const HOUR: i64 = 3600;
const WRONG: &str = "wrong-password";
const MEETMATES_DOMAIN_ONLY: &str =
    "Login is only allowed with an @adgitmdelhi.ac.in email or a valid user ID.";

/// Every documented outcome of every API, with what the engine must report for it.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Kind::*;
    vec![
        // meetra: one JWT, expiry from its exp (sandbox: 1 h); every refusal is 400.
        ok("meetra", "alice@meetra.test", Some(HOUR), false),
        ok("meetra", "alice+ttl5@meetra.test", Some(5), false),
        ok("meetra", "noexp@meetra.test", None, false),
        fail("meetra", "boom@meetra.test", PASSWORD, 500, ServerError, None,
            Some("HTML page \"500 Internal Server Error\": Internal Server Error"), None),
        fail("meetra", "slowpoke@meetra.test", PASSWORD, 429, RateLimited, None,
            Some("Too many requests"), Some(2)),
        fail("meetra", "nobody@meetra.test", PASSWORD, 400, InvalidCredentials, None,
            Some("Invalid email or password"), None),
        fail("meetra", "alice@meetra.test", WRONG, 400, InvalidCredentials, None,
            Some("Invalid email or password"), None),
        // user-login: access + refresh tokens, expiresAt integer, 401 {error_code}.
        ok("user-login", "alice@userlogin.test", Some(HOUR), true),
        ok("user-login", "alice+ttl7@userlogin.test", Some(7), true),
        ok("user-login", "ms@userlogin.test", Some(HOUR), true),
        fail("user-login", "inactive@userlogin.test", PASSWORD, 401, AccountInactive,
            Some("USER_INACTIVE"), None, None),
        fail("user-login", "nopass@userlogin.test", PASSWORD, 401, NoPasswordSet,
            Some("NO_PASSWORD_SET"), None, None),
        fail("user-login", "boom@userlogin.test", PASSWORD, 500, ServerError,
            Some("INTERNAL_ERROR"), Some("Internal server error"), None),
        fail("user-login", "slowpoke@userlogin.test", PASSWORD, 429, RateLimited,
            Some("RATE_LIMITED"), Some("Too many requests"), Some(2)),
        fail("user-login", "nobody@userlogin.test", PASSWORD, 401, UserNotFound,
            Some("USER_NOT_FOUND"), None, None),
        fail("user-login", "alice@userlogin.test", WRONG, 401, InvalidPassword,
            Some("INVALID_PASSWORD"), None, None),
        fail("user-login", "alice@userlogin.test", "", 400, BadRequest,
            Some("VALIDATION_ERROR"), Some("email and password are required"), None),
        // talkstack: 2 h token, refresh token, ISO expiry, loginStatus enum.
        ok("talkstack", "alice@talkstack.test", Some(2 * HOUR), true),
        ok("talkstack", "alice+ttl9@talkstack.test", Some(9), true),
        fail("talkstack", "unverified@talkstack.test", PASSWORD, 403, AccountNotVerified,
            Some("ACCOUNT_NOT_VERIFIED"), Some("Account not verified. Please verify your email."), None),
        fail("talkstack", "boom@talkstack.test", PASSWORD, 500, ServerError,
            Some("LOGIN_FAILED"), Some("Login failed."), None),
        fail("talkstack", "slowpoke@talkstack.test", PASSWORD, 429, RateLimited,
            Some("LOGIN_FAILED"), Some("Too many requests."), Some(2)),
        fail("talkstack", "nobody@talkstack.test", PASSWORD, 404, UserNotFound,
            Some("USER_NOT_FOUND"), Some("User not found."), None),
        fail("talkstack", "alice@talkstack.test", WRONG, 401, InvalidPassword,
            Some("INVALID_PASSWORD"), Some("Invalid password."), None),
        fail("talkstack", "alice", PASSWORD, 400, BadRequest,
            Some("INVALID_EMAIL"), Some("Invalid email."), None),
        fail("talkstack", "alice@talkstack.test", "", 400, BadRequest,
            Some("CREDENTIALS_MISSING"), Some("Email and password are required."), None),
        // meetmates: 7-day JWT, {msg} errors, 500 {error}.
        ok("meetmates", "alice@adgitmdelhi.ac.in", Some(7 * 24 * HOUR), false),
        ok("meetmates", "alice01", Some(7 * 24 * HOUR), false),
        ok("meetmates", "alice+ttl3@adgitmdelhi.ac.in", Some(3), false),
        fail("meetmates", "google@adgitmdelhi.ac.in", PASSWORD, 400, NoPasswordSet, None,
            Some("This account uses Google sign-in and has no password. Sign in with Google."), None),
        fail("meetmates", "boom@adgitmdelhi.ac.in", PASSWORD, 500, ServerError, None,
            Some("Internal server error"), None),
        fail("meetmates", "slowpoke@adgitmdelhi.ac.in", PASSWORD, 429, RateLimited, None,
            Some("Too many requests"), Some(2)),
        fail("meetmates", "nobody@adgitmdelhi.ac.in", PASSWORD, 400, InvalidCredentials, None,
            Some("Invalid credentials"), None),
        fail("meetmates", "bob@gmail.com", PASSWORD, 403, Rejected, None,
            Some(MEETMATES_DOMAIN_ONLY), None),
        fail("meetmates", "alice@adgitmdelhi.ac.in", WRONG, 400, InvalidCredentials, None,
            Some("Invalid credentials"), None),
        fail("meetmates", "alice@adgitmdelhi.ac.in", "", 400, BadRequest, None,
            Some("Email and password are required"), None),
        // sealmetrics: access_token with an ISO expiry in microseconds, 401 {status,message}.
        ok("sealmetrics", "alice@sealmetrics.test", Some(24 * HOUR), false),
        ok("sealmetrics", "alice+ttl4@sealmetrics.test", Some(4), false),
        fail("sealmetrics", "boom@sealmetrics.test", PASSWORD, 500, ServerError, None,
            Some("Server Error"), None),
        fail("sealmetrics", "slowpoke@sealmetrics.test", PASSWORD, 429, RateLimited, None,
            Some("Too Many Attempts."), Some(2)),
        fail("sealmetrics", "nobody@sealmetrics.test", PASSWORD, 401, InvalidCredentials, None,
            Some("Invalid credentials"), None),
        fail("sealmetrics", "alice@sealmetrics.test", WRONG, 401, InvalidCredentials, None,
            Some("Invalid credentials"), None),
        fail("sealmetrics", "alice@sealmetrics.test", "", 422, BadRequest, None,
            Some("The password field is required."), None),
    ]
}

/// What is wrong with `got` for `case`, if anything. `before`/`after` bracket the request.
fn check(
    case: &Case,
    got: &Result<Session, Failure>,
    before: Timestamp,
    after: Timestamp,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut want = |what: &str, ok: bool, detail: String| {
        if !ok {
            problems.push(format!(
                "{} {} ({}): {what}: {detail}",
                case.api, case.email, case.password
            ));
        }
    };
    match (case.expect, got) {
        (
            Expect::Success {
                lifetime,
                refresh_token,
            },
            Ok(s),
        ) => {
            want(
                "http_status",
                s.http_status == 200,
                format!("{}", s.http_status),
            );
            want(
                "refresh token present as documented",
                s.refresh_token.is_some() == refresh_token,
                format!("got {}", s.refresh_token.is_some()),
            );
            let claims = s.claims.as_deref().map(authdeck_core::jwt::claims_value);
            let Some(claims) = claims.as_ref() else {
                want(
                    "claims",
                    false,
                    "the sandbox issues JWTs but no claims were read".into(),
                );
                return problems;
            };
            let iat = claims
                .get("iat")
                .and_then(Value::as_i64)
                .unwrap_or_default();
            let exp = claims.get("exp").and_then(Value::as_i64);
            want(
                "iat is the time of the request",
                iat >= before.as_second() - 1 && iat <= after.as_second() + 1,
                format!("iat {iat}, request between {before} and {after}"),
            );
            want(
                "JWT lifetime",
                exp.map(|e| e - iat) == lifetime,
                format!("exp {exp:?} iat {iat}"),
            );
            let expires = s.expires_at.map(|t| (t.as_second(), t.subsec_nanosecond()));
            want(
                "expires_at equals the JWT exp exactly",
                expires == exp.map(|e| (e, 0)),
                format!("expires_at {:?}, exp {exp:?}", s.expires_at),
            );
            want("no notes", s.notes.is_empty(), format!("{:?}", s.notes));
        }
        (
            Expect::Failure {
                status,
                kind,
                code,
                message,
                retry_after,
            },
            Err(f),
        ) => {
            want(
                "kind",
                f.kind == kind,
                format!("got {}, want {kind}", f.kind),
            );
            want(
                "http_status",
                f.http_status == Some(status),
                format!("{:?}", f.http_status),
            );
            want(
                "error_code",
                f.error_code.as_deref() == code,
                format!("{:?}", f.error_code),
            );
            want(
                "message",
                f.message.as_deref() == message,
                format!("{:?}", f.message),
            );
            want(
                "retry_after_secs",
                f.retry_after_secs == retry_after,
                format!("{:?}", f.retry_after_secs),
            );
        }
        (Expect::Success { .. }, Err(f)) => want(
            "outcome",
            false,
            format!("want success, got {}", f.summary()),
        ),
        (Expect::Failure { kind, .. }, Ok(_)) => {
            want("outcome", false, format!("want {kind}, got success"))
        }
    }
    problems
}

#[tokio::test]
async fn every_preset_reports_every_documented_outcome_exactly() -> TestResult {
    let sandbox = start_sandbox().await?;
    let http = Http::new()?;
    let mut problems = Vec::new();
    for case in cases() {
        let target = target(sandbox.base_url(case.api), case.api)?;
        let before = Timestamp::now();
        let got = log_in(&http, &target, case.email, case.password).await?;
        let after = Timestamp::now();
        problems.extend(check(&case, &got, before, after));
    }
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
    Ok(())
}

#[test]
fn every_sandbox_user_has_a_case_with_the_outcome_the_sandbox_lists() {
    let cases = cases();
    for user in authdeck_sandbox::users() {
        let case = cases
            .iter()
            .find(|c| c.api == user.api && c.email == user.email && c.password == PASSWORD);
        let listed = match case.map(|c| c.expect) {
            Some(Expect::Success { .. }) => "success",
            Some(Expect::Failure { kind, .. }) => kind.as_str(),
            None => panic!(
                "sandbox user {} of {} has no case here: add one",
                user.email, user.api
            ),
        };
        assert_eq!(
            listed, user.outcome,
            "{} {}: the sandbox banner says {}",
            user.api, user.email, user.outcome
        );
    }
}

#[tokio::test]
async fn user_login_expiry_in_seconds_and_in_milliseconds_gives_the_same_answer() -> TestResult {
    let sandbox = start_sandbox().await?;
    let http = Http::new()?;
    let target = target(sandbox.base_url("user-login"), "user-login")?;
    let mut lifetimes = Vec::new();
    for email in ["alice@userlogin.test", "ms@userlogin.test"] {
        let session = log_in(&http, &target, email, PASSWORD)
            .await?
            .map_err(|f| format!("{email}: {}", f.summary()))?;
        let claims = session
            .claims
            .as_deref()
            .map(authdeck_core::jwt::claims_value);
        let exp = claims
            .as_ref()
            .and_then(|c| c.get("exp"))
            .and_then(Value::as_i64)
            .ok_or("the access token has an exp claim")?;
        let expires_at = session.expires_at.ok_or("expiresAt was read")?;
        assert_eq!(
            expires_at.as_second(),
            exp,
            "{email}: expiresAt must be read as the JWT's exp"
        );
        assert!(session.notes.is_empty(), "{email}: {:?}", session.notes);
        assert!(session.refresh_token.is_some(), "{email}: refresh token");
        lifetimes.push(expires_at.as_second() - Timestamp::now().as_second());
    }
    for lifetime in lifetimes {
        assert!(
            (3500..=3600).contains(&lifetime),
            "seconds and milliseconds both mean about one hour from now, got {lifetime} s"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() -> TestResult {
    let sandbox = start_sandbox().await?;
    let http = Http::new()?;
    // A trailing slash on the prefix is fine.
    let with_slash = target(format!("{}/", sandbox.base_url("talkstack")), "talkstack")?;
    let session = log_in(&http, &with_slash, "alice@talkstack.test", PASSWORD)
        .await?
        .map_err(|f| f.summary())?;
    assert_eq!(session.http_status, 200);
    // A prefix the sandbox does not serve: its 404 names the path we asked, prefix included.
    let wrong = target(format!("{}/gateway/v2", sandbox.url()), "talkstack")?;
    let failure = log_in(&http, &wrong, "alice@talkstack.test", PASSWORD)
        .await?
        .err()
        .ok_or("an unknown prefix cannot log in")?;
    assert_eq!(failure.http_status, Some(404));
    assert_eq!(
        failure.message.as_deref(),
        Some("The sandbox has no route POST /gateway/v2/auth/login"),
        "the endpoint path must be appended to the prefix, not replace it"
    );
    Ok(())
}

/// Logs in, refreshes once with `exchange::refresh`, and checks the new session and the counters.
/// `revoked` is the kind a reused refresh token must get (`None`: any credential problem).
async fn refresh_once(api: &str, email: &str, lifetime: i64, revoked: Option<Kind>) -> TestResult {
    let sandbox = start_sandbox().await?;
    let http = Http::new()?;
    let target = target(sandbox.base_url(api), api)?;
    let first = log_in(&http, &target, email, PASSWORD)
        .await?
        .map_err(|f| f.summary())?;
    let refresh_token = first
        .refresh_token
        .clone()
        .ok_or("login gave a refresh token")?;
    let attempt = exchange::refresh(&http, &target, &refresh_token)
        .await?
        .ok_or("the preset has a refresh flow")?;
    let second = attempt.result.map_err(|f| f.summary())?;
    let stats = sandbox.stats();
    assert_eq!(
        (stats.logins, stats.refreshes, stats.refresh_rejections),
        (1, 1, 0),
        "{stats:?}"
    );
    let new_refresh = second
        .refresh_token
        .as_ref()
        .ok_or("refresh rotates the refresh token")?;
    assert_ne!(
        new_refresh.expose(),
        refresh_token.expose(),
        "the sandbox rotates refresh tokens"
    );
    let claims =
        authdeck_core::jwt::claims_value(second.claims.as_deref().ok_or("the new token is a JWT")?);
    let iat = claims.get("iat").and_then(Value::as_i64).ok_or("iat")?;
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or("exp")?;
    assert_eq!(
        exp - iat,
        lifetime,
        "a refresh keeps the lifetime the login asked for"
    );
    assert_eq!(second.expires_at.map(|t| t.as_second()), Some(exp));
    // The used refresh token is revoked: a second use is refused as bad credentials.
    let again = exchange::refresh(&http, &target, &refresh_token)
        .await?
        .ok_or("refresh flow")?;
    let failure = again
        .result
        .err()
        .ok_or("a used refresh token must be refused")?;
    assert_eq!(failure.http_status, Some(401), "{}", failure.summary());
    assert!(
        failure.kind.is_credential_problem(),
        "{}",
        failure.summary()
    );
    if let Some(kind) = revoked {
        assert_eq!(failure.kind, kind, "{}", failure.summary());
    }
    assert_eq!(sandbox.stats().refresh_rejections, 1);
    Ok(())
}

#[tokio::test]
async fn user_login_refresh_renews_the_session_with_one_request() -> TestResult {
    refresh_once(
        "user-login",
        "alice+ttl30@userlogin.test",
        30,
        Some(Kind::InvalidCredentials),
    )
    .await
}

#[tokio::test]
async fn talkstack_refresh_renews_the_session_with_one_request() -> TestResult {
    // The preset has no refresh error rules: its login rule reads the 401 as invalid_password.
    refresh_once("talkstack", "alice+ttl40@talkstack.test", 40, None).await
}

#[tokio::test]
async fn presets_without_a_refresh_flow_say_so() -> TestResult {
    let http = Http::new()?;
    for api in ["meetra", "meetmates", "sealmetrics"] {
        let target = target("http://127.0.0.1:9/x".into(), api)?;
        let attempt = exchange::refresh(&http, &target, &Secret::new("rt")).await?;
        assert!(
            attempt.is_none(),
            "{api} documents no refresh: nothing must be sent"
        );
    }
    Ok(())
}
