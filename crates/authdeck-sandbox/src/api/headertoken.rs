//! Headertoken (shaped like OpenStack Keystone): POST /v3/auth/tokens answers 201 with the token
//! in the `X-Subject-Token` header (or, for bearer@, in `Authorization: Bearer <JWT>`) and its
//! expiry in the body; GET /v3/auth/tokens checks an `X-Auth-Token`.

use super::{Shared, after, lifetime};
use crate::reply;
use crate::sessions::Session;
use crate::token;
use crate::users::{self, Behavior, Login, User};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Value, json};
use std::sync::Arc;

const API: &str = "headertoken";
/// Keystone's default token lifetime: one hour.
const LIFETIME_SECS: i64 = 3600;
/// The header Keystone puts a new token in.
const SUBJECT_TOKEN: &str = "x-subject-token";
/// The header a client presents a token in.
const AUTH_TOKEN: &str = "x-auth-token";

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer_login(&shared, &body, Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

pub(super) async fn check(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let presented = text(&headers, AUTH_TOKEN).or_else(|| {
        text(&headers, header::AUTHORIZATION.as_str())
            .and_then(|value| value.strip_prefix("Bearer "))
    });
    let session = presented.and_then(|t| shared.sessions.get(API, t, Timestamp::now()));
    match session.and_then(|s| users::by_email(API, s.email).map(|u| (u, s.expires))) {
        Some((user, expires)) => reply::json(StatusCode::OK, token_body(user, None, expires)),
        None => unauthorized(),
    }
}

fn answer_login(shared: &Shared, body: &[u8], now: Timestamp) -> Response {
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let field = |name: &str| {
        request
            .pointer(&format!("/auth/identity/password/user/{name}"))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    let (Some(name), Some(password)) = (field("name"), field("password")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "auth.identity.password.user.name and .password are required.",
        );
    };
    let login = Login::parse(&name.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return unauthorized();
    };
    if password != crate::PASSWORD {
        return unauthorized();
    }
    let secs = lifetime(LIFETIME_SECS, login.ttl);
    let expires = after(now, secs);
    let (name, value) = if user.behavior == Behavior::HeaderBearer {
        match token::issue(API, user, now, Some(secs)) {
            Ok(issued) => (header::AUTHORIZATION, format!("Bearer {}", issued.token)),
            Err(error) => {
                tracing::error!(api = API, %error, "cannot sign a token");
                return server_error();
            }
        }
    } else {
        (
            HeaderName::from_static(SUBJECT_TOKEN),
            crate::grants::opaque("gAAAAA", 32),
        )
    };
    let token = value.strip_prefix("Bearer ").unwrap_or(&value).to_string();
    let session = Session {
        email: user.email,
        ttl: login.ttl,
        expires,
        tenant: None,
    };
    shared.sessions.insert(API, token, session);
    let Ok(value) = HeaderValue::try_from(value) else {
        return server_error();
    };
    let mut response = reply::json(StatusCode::CREATED, token_body(user, Some(now), expires));
    response.headers_mut().insert(name, value);
    response
}

/// Keystone's token body: methods, user, and the times with microseconds.
fn token_body(user: &User, issued: Option<Timestamp>, expires: Timestamp) -> Value {
    let mut token = json!({
        "methods": ["password"],
        "user": {
            "id": user.id,
            "name": user.email,
            "domain": { "id": "default", "name": "Default" },
        },
        "expires_at": format!("{expires:.6}"),
    });
    if let (Some(issued), Some(object)) = (issued, token.as_object_mut()) {
        object.insert("issued_at".into(), json!(format!("{issued:.6}")));
    }
    json!({ "token": token })
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Keystone's error body: `{"error": {code, title, message}}`.
fn error(status: StatusCode, title: &str, message: &str) -> Response {
    reply::json(
        status,
        json!({ "error": { "code": status.as_u16(), "title": title, "message": message } }),
    )
}

/// Every refused login and every refused token.
fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "The request you have made requires authentication.",
    )
}

fn server_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        "An unexpected error prevented the server from fulfilling your request.",
    )
}
