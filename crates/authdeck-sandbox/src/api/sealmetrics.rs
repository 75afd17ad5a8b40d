//! Sealmetrics (a Laravel app): POST /api/auth/login → 200 {access_token, token_type,
//! expires_at} or 401 {status, message}; missing fields get Laravel's 422 validation body.

use super::{Shared, lifetime};
use crate::credentials::Fields;
use crate::grants::opaque;
use crate::reply;
use crate::token;
use crate::users::{self, Behavior, Login};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use std::sync::Arc;

const API: &str = "sealmetrics";
/// Not documented: our choice of 24 hours.
const LIFETIME_SECS: i64 = 24 * 3600;

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer(&Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

fn answer(fields: &Fields, now: Timestamp) -> Response {
    let (Some(email), Some(password)) = (fields.text("email"), fields.text("password")) else {
        return validation_error(fields);
    };
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return invalid();
    };
    match user.behavior {
        Behavior::ServerError => return server_error(),
        Behavior::RateLimited => {
            // Laravel's throttle middleware message.
            return reply::too_many_requests(
                json!({ "status": "error", "message": "Too Many Attempts." }),
            );
        }
        _ => {}
    }
    if password != crate::PASSWORD {
        return invalid();
    }
    let issued = match token::issue(API, user, now, Some(lifetime(LIFETIME_SECS, login.ttl))) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            return server_error();
        }
    };
    let Some(expires_at) = issued.exp.and_then(|exp| Timestamp::from_second(exp).ok()) else {
        return server_error();
    };
    let mut body = json!({
        "access_token": issued.token,
        "token_type": "Bearer",
        // Microseconds, like the doc's "2025-07-09T18:14:44.000000Z".
        "expires_at": format!("{expires_at:.6}"),
    });
    if user.behavior == Behavior::DebugSecrets
        && let Some(object) = body.as_object_mut()
    {
        // debug@: secrets at paths no spec names, for redaction by shape.
        let Ok(echo) = token::issue(API, user, now, Some(60)) else {
            return server_error();
        };
        object.insert(
            "debug".into(),
            json!({
                "session_secret": opaque("", 24),
                "api_key": opaque("sk_", 16),
                "echo": echo.token,
            }),
        );
    }
    reply::json(StatusCode::OK, body)
}

/// Laravel's 422: the first message, "(and N more error(s))", and every field's messages.
fn validation_error(fields: &Fields) -> Response {
    let missing: Vec<&str> = ["email", "password"]
        .into_iter()
        .filter(|name| fields.text(name).is_none())
        .collect();
    let mut errors = Map::new();
    for name in &missing {
        errors.insert(
            (*name).to_string(),
            json!([format!("The {name} field is required.")]),
        );
    }
    let first = missing.first().copied().unwrap_or("email");
    let message = match missing.len() {
        0 | 1 => format!("The {first} field is required."),
        2 => format!("The {first} field is required. (and 1 more error)"),
        n => format!("The {first} field is required. (and {} more errors)", n - 1),
    };
    reply::json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "status": "error", "message": message, "errors": Value::Object(errors) }),
    )
}

/// The documented 401, for unknown emails and wrong passwords alike.
fn invalid() -> Response {
    reply::json(
        StatusCode::UNAUTHORIZED,
        json!({ "status": "error", "message": "Invalid credentials" }),
    )
}

fn server_error() -> Response {
    reply::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "status": "error", "message": "Server Error" }),
    )
}
