//! Apikey: no login. GET /v1/whoami takes a pasted key in `X-API-Key` (or `?api_key=`), or a
//! personal access token (a JWT) in `Authorization: Bearer`; GET /_sandbox/pat hands one out.

use crate::credentials::Fields;
use crate::keys::{self, OWNER};
use crate::reply;
use crate::token::{self, Refusal};
use crate::users;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Value, json};

const API: &str = "apikey";
/// When the standing personal access token was issued: 2026-01-01T00:00:00Z.
const PAT_ISSUED: i64 = 1_767_225_600;
/// When it expires: 2100-01-01T00:00:00Z.
const PAT_EXPIRES: i64 = 4_102_444_800;

pub(super) async fn whoami(headers: HeaderMap, uri: Uri) -> Response {
    let response = answer_whoami(&headers, &uri, Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "whoami");
    response
}

/// The personal access token: the standing one, or with `?ttl=N` one living N seconds from now.
pub(super) async fn pat(uri: Uri) -> Response {
    let query = Fields::parse_form(uri.query().unwrap_or_default().as_bytes());
    let ttl = query.text("ttl").and_then(|t| t.parse::<u32>().ok());
    let now = Timestamp::now();
    let (issued_at, lifetime) = match ttl {
        Some(ttl) => (now, i64::from(ttl)),
        None => match Timestamp::from_second(PAT_ISSUED) {
            Ok(issued) => (issued, PAT_EXPIRES - PAT_ISSUED),
            Err(_) => return server_error(),
        },
    };
    let Some(owner) = users::by_email(API, OWNER) else {
        return server_error();
    };
    let issued = match token::issue(API, owner, issued_at, Some(lifetime)) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            return server_error();
        }
    };
    reply::json(
        StatusCode::OK,
        json!({ "token": issued.token, "expires_at": rfc3339(issued.exp) }),
    )
}

fn answer_whoami(headers: &HeaderMap, uri: &Uri, now: Timestamp) -> Response {
    let header_key = text(headers, "x-api-key").filter(|k| !k.is_empty());
    let query = Fields::parse_form(uri.query().unwrap_or_default().as_bytes());
    if let Some(key) = header_key.or_else(|| query.text("api_key")) {
        return match keys::find(key) {
            Some(found) if found.outcome == "success" => reply::json(
                StatusCode::OK,
                json!({ "key_id": found.key_id, "owner": OWNER, "expires_at": found.expires_at }),
            ),
            Some(found) if found.outcome == "key_expired" => refused("key_expired"),
            _ => refused("invalid_key"),
        };
    }
    let bearer = text(headers, header::AUTHORIZATION.as_str())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(jwt) = bearer else {
        return refused("missing_key");
    };
    match token::verify(API, jwt, now) {
        Ok(claims) => reply::json(
            StatusCode::OK,
            json!({
                "key_id": claims.sub,
                "owner": claims.email,
                "expires_at": rfc3339(claims.exp),
            }),
        ),
        Err(Refusal::Expired) => refused("key_expired"),
        Err(Refusal::Invalid) => refused("invalid_key"),
    }
}

/// Unix seconds as RFC 3339 in UTC (`null` when there is no expiry).
fn rfc3339(secs: Option<i64>) -> Value {
    secs.and_then(|s| Timestamp::from_second(s).ok())
        .map_or(Value::Null, |t| json!(t.to_string()))
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn refused(code: &str) -> Response {
    reply::json(StatusCode::UNAUTHORIZED, json!({ "error": code }))
}

fn server_error() -> Response {
    reply::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "server_error" }),
    )
}
