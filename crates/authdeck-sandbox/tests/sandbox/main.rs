//! The sandbox over real HTTP on loopback: every API's answers, tokens, rotation and counters.

mod apikey;
mod cookiejar;
mod formlogin;
mod headertoken;
mod meetmates;
mod meetra;
mod odd_answers;
mod oidc;
mod sealmetrics;
mod server;
mod talkstack;
mod twofactor;
mod user_login;

use authdeck_sandbox::{PASSWORD, Sandbox, jwt_secret};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::header::HeaderMap;
use serde_json::{Map, Value, json};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A sandbox on a free loopback port.
pub async fn sandbox() -> Result<Sandbox, Box<dyn std::error::Error>> {
    Ok(Sandbox::start("127.0.0.1:0".parse()?).await?)
}

/// What the server answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Result<Value, Box<dyn std::error::Error>> {
        serde_json::from_str(&self.text)
            .map_err(|e| format!("body is not JSON ({e}): {}", self.text).into())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, `Content-Type: application/json` and the exact body.
    pub fn assert_json(&self, status: u16, body: &Value) -> TestResult {
        assert_eq!(self.status, status, "wrong status; body: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "every JSON answer says so"
        );
        assert_eq!(&self.json()?, body, "wrong body");
        Ok(())
    }

    /// Asserts a 429 with `Retry-After: 2` and the API's error body.
    pub fn assert_rate_limited(&self, body: &Value) -> TestResult {
        self.assert_json(429, body)?;
        assert_eq!(
            self.header("retry-after"),
            Some("2"),
            "slowpoke must say when to retry"
        );
        Ok(())
    }
}

/// POSTs a raw body (with a JSON content type) to `url`.
pub async fn post_raw(url: &str, body: &str) -> Result<Answer, Box<dyn std::error::Error>> {
    send(
        reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

/// Sends any request and keeps the whole answer.
pub async fn send(request: reqwest::RequestBuilder) -> Result<Answer, Box<dyn std::error::Error>> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    Ok(Answer {
        status,
        headers,
        text,
    })
}

/// POSTs JSON to `url`.
pub async fn post(url: &str, body: &Value) -> Result<Answer, Box<dyn std::error::Error>> {
    post_raw(url, &body.to_string()).await
}

/// POSTs `{"email", "password"}` to `url`.
pub async fn login(
    url: &str,
    email: &str,
    password: &str,
) -> Result<Answer, Box<dyn std::error::Error>> {
    post(url, &json!({ "email": email, "password": password })).await
}

/// POSTs `{"email", PASSWORD}` to `url`.
pub async fn login_ok(url: &str, email: &str) -> Result<Answer, Box<dyn std::error::Error>> {
    login(url, email, PASSWORD).await
}

/// Verifies `token`'s HS256 signature with `api`'s secret and its issuer; returns the claims.
/// Expiry is checked by the tests themselves (some tokens have none).
pub fn verify(api: &str, token: &str) -> Result<Map<String, Value>, Box<dyn std::error::Error>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.set_issuer(&[format!("authdeck-sandbox/{api}")]);
    let key = DecodingKey::from_secret(jwt_secret(api).as_bytes());
    let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)?;
    Ok(data.claims)
}

/// `exp - iat` of verified claims, in seconds.
pub fn lifetime(claims: &Map<String, Value>) -> Result<i64, Box<dyn std::error::Error>> {
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or("no iat claim")?;
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or("no exp claim")?;
    Ok(exp - iat)
}

/// A string field of a JSON body.
pub fn text<'a>(body: &'a Value, pointer: &str) -> Result<&'a str, Box<dyn std::error::Error>> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no string at {pointer} in {body}").into())
}
