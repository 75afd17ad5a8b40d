//! Cookiejar: POST /session sets `sid` and `csrf` cookies (no token in the body); GET /me reads
//! the `sid` cookie. Sids live in [`crate::sessions::Sessions`] until they expire.

use super::{Shared, after, lifetime};
use crate::credentials::Fields;
use crate::reply;
use crate::sessions::Session;
use crate::users::{self, Behavior, Login};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

const API: &str = "cookiejar";
/// The session cookie's `Max-Age` unless a `+ttlN` tag says otherwise.
const LIFETIME_SECS: i64 = 3600;

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer_login(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

pub(super) async fn me(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let session =
        cookie(&headers, "sid").and_then(|sid| shared.sessions.get(API, &sid, Timestamp::now()));
    match session.and_then(|s| users::by_email(API, s.email)) {
        Some(user) => reply::json(
            StatusCode::OK,
            json!({ "id": user.id, "email": user.email }),
        ),
        None => reply::json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "not_signed_in" }),
        ),
    }
}

fn answer_login(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let (Some(email), Some(password)) = (fields.text("email"), fields.text("password")) else {
        // Not in the contract: our choice for a request without credentials.
        return reply::json(
            StatusCode::BAD_REQUEST,
            json!({ "error": "invalid_request", "message": "email and password are required." }),
        );
    };
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return invalid();
    };
    if user.behavior == Behavior::RateLimited {
        return reply::too_many_requests(
            json!({ "error": "rate_limited", "message": "Too many attempts. Try again later." }),
        );
    }
    if password != crate::PASSWORD {
        return invalid();
    }
    let max_age = lifetime(LIFETIME_SECS, login.ttl);
    let session = Session {
        email: user.email,
        ttl: login.ttl,
        expires: after(now, max_age),
        tenant: None,
    };
    let sid = shared.sessions.open(API, "", 24, session);
    let csrf = crate::grants::opaque("", 16);
    let mut response = reply::json(
        StatusCode::OK,
        json!({ "user": { "id": user.id, "email": user.email, "name": user.name } }),
    );
    let cookies = [
        format!("sid={sid}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax"),
        format!("csrf={csrf}; Path=/"),
    ];
    for text in cookies {
        // Hex and ASCII attributes: always a valid header value.
        if let Ok(value) = HeaderValue::try_from(text) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The value of cookie `name` in any `Cookie` header of the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// Wrong password and unknown user alike.
fn invalid() -> Response {
    reply::json(
        StatusCode::UNAUTHORIZED,
        json!({ "error": "invalid_login", "message": "Wrong email or password." }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sid_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; sid=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("csrf=x"));
        assert_eq!(cookie(&headers, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "csrf").as_deref(), Some("x"));
        assert_eq!(cookie(&headers, "other"), None);
    }
}
