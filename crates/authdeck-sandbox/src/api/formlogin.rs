//! Formlogin: POST /login takes a urlencoded form plus two fixed headers (`X-Api-Key`,
//! `X-Tenant`) and answers `{"token": "Token <opaque>"}`; GET /me wants `Authorization: Token`.

use super::{Shared, after, lifetime};
use crate::credentials::Fields;
use crate::reply;
use crate::sessions::Session;
use crate::users::{self, Behavior, Login};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

const API: &str = "formlogin";
/// Our choice: one hour unless a `+ttlN` tag says otherwise.
const LIFETIME_SECS: i64 = 3600;
/// The application key every login must carry in `X-Api-Key`.
pub(crate) const APP_KEY: &str = "demo-app-key-1234";
const FORM: &str = "application/x-www-form-urlencoded";

pub(super) async fn login(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.counters.login();
    let response = answer_login(&shared, &headers, &body, Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

pub(super) async fn me(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let token = text(&headers, header::AUTHORIZATION.as_str())
        .and_then(|value| value.strip_prefix("Token "));
    let session = token.and_then(|t| shared.sessions.get(API, t, Timestamp::now()));
    match session {
        Some(session) => reply::json(
            StatusCode::OK,
            json!({ "username": session.email, "tenant": session.tenant }),
        ),
        None => error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "Send Authorization: Token <token> from a current login.",
        ),
    }
}

/// The checks run in this order: app key, tenant, media type, fields, credentials.
fn answer_login(shared: &Shared, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Response {
    if text(headers, "x-api-key") != Some(APP_KEY) {
        return error(
            StatusCode::FORBIDDEN,
            "bad_app_key",
            "The X-Api-Key header is missing or not a known application key.",
        );
    }
    let Some(tenant) = text(headers, "x-tenant").filter(|t| !t.trim().is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "missing_tenant",
            "The X-Tenant header is required.",
        );
    };
    let is_form = text(headers, header::CONTENT_TYPE.as_str())
        .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with(FORM));
    if !is_form {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the credentials as application/x-www-form-urlencoded.",
        );
    }
    let fields = Fields::parse_form(body);
    let (Some(username), Some(password)) = (fields.text("username"), fields.text("password"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "username and password are required.",
        );
    };
    let login = Login::parse(&username.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return invalid_grant();
    };
    if user.behavior == Behavior::RateLimited {
        return reply::too_many_requests(json!({
            "error": "rate_limited",
            "message": "Too many attempts. Try again later.",
        }));
    }
    if password != crate::PASSWORD {
        return invalid_grant();
    }
    let secs = lifetime(LIFETIME_SECS, login.ttl);
    let session = Session {
        email: user.email,
        ttl: login.ttl,
        expires: after(now, secs),
        tenant: Some(tenant.to_string()),
    };
    let token = shared.sessions.open(API, "fl_", 20, session);
    // The scheme word is part of the field on purpose: this server wants it sent back as is.
    reply::json(
        StatusCode::OK,
        json!({ "token": format!("Token {token}"), "expires_in": secs }),
    )
}

fn text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    reply::json(status, json!({ "error": code, "message": message }))
}

/// Unknown user and wrong password alike.
fn invalid_grant() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "invalid_grant",
        "Wrong username or password.",
    )
}
