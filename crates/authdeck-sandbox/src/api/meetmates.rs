//! MeetMates: POST /api/auth/login → 200 {"token"} (claims id, iat, exp = 7 days), errors
//! {"msg"}, 500 {"error"}. Only 500 is documented; every other status here is our choice.

use super::{Shared, lifetime};
use crate::credentials::Fields;
use crate::reply;
use crate::token;
use crate::users::{self, Behavior, Login};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

const API: &str = "meetmates";
/// The doc: "JWT authentication token valid for 7 days".
const LIFETIME_SECS: i64 = 7 * 24 * 3600;
/// The only email domain MeetMates accepts.
const DOMAIN: &str = "adgitmdelhi.ac.in";
/// The doc's 403-style refusal, word for word.
const DOMAIN_ONLY: &str =
    "Login is only allowed with an @adgitmdelhi.ac.in email or a valid user ID.";

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer(&Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

fn answer(fields: &Fields, now: Timestamp) -> Response {
    // The doc: "The email is normalized (trimmed and converted to lowercase) before lookup".
    let email = fields
        .text("email")
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    let (Some(email), Some(password)) = (email, fields.text("password")) else {
        return msg(StatusCode::BAD_REQUEST, "Email and password are required");
    };
    let login = Login::parse(&email);
    if login.domain().is_some_and(|domain| domain != DOMAIN) {
        return msg(StatusCode::FORBIDDEN, DOMAIN_ONLY);
    }
    let Some(user) = users::find(API, &login) else {
        // An unknown email of the right domain is "Invalid credentials" (no user enumeration);
        // an unknown user ID is not "a valid user ID", so it gets the domain refusal.
        return match login.domain() {
            Some(_) => invalid(),
            None => msg(StatusCode::FORBIDDEN, DOMAIN_ONLY),
        };
    };
    match user.behavior {
        Behavior::ServerError => return server_error(),
        Behavior::RateLimited => {
            return reply::too_many_requests(json!({ "msg": "Too many requests" }));
        }
        Behavior::GoogleOnly => {
            return msg(
                StatusCode::BAD_REQUEST,
                "This account uses Google sign-in and has no password. Sign in with Google.",
            );
        }
        _ => {}
    }
    if password != crate::PASSWORD {
        return invalid();
    }
    match token::issue(API, user, now, Some(lifetime(LIFETIME_SECS, login.ttl))) {
        Ok(issued) => reply::json(StatusCode::OK, json!({ "token": issued.token })),
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            server_error()
        }
    }
}

fn msg(status: StatusCode, text: &str) -> Response {
    reply::json(status, json!({ "msg": text }))
}

/// The doc: wrong email and wrong password get the same message.
fn invalid() -> Response {
    msg(StatusCode::BAD_REQUEST, "Invalid credentials")
}

/// The documented 500 shape: {"error"}.
fn server_error() -> Response {
    reply::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "Internal server error" }),
    )
}
