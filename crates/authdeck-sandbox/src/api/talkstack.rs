//! TalkStack: POST /auth/login with the `loginStatus` enum, and POST /auth/refresh (not
//! documented: our choice of path and body, answering like login, with rotation).

use super::{Shared, lifetime};
use crate::credentials::Fields;
use crate::grants::Grant;
use crate::reply;
use crate::token;
use crate::users::{self, Behavior, Login, User};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

const API: &str = "talkstack";
/// The doc: "The token is only valid for 2 hours".
const LIFETIME_SECS: i64 = 2 * 3600;

// The doc's LOGIN_STATUS enum (the ones the sandbox answers with).
const CREDENTIALS_MISSING: u8 = 0;
const ACCOUNT_NOT_VERIFIED: u8 = 2;
const USER_NOT_FOUND: u8 = 3;
const INVALID_PASSWORD: u8 = 4;
const SUCCESS: u8 = 7;
const LOGIN_FAILED: u8 = 8;
const INVALID_EMAIL: u8 = 9;

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer_login(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

pub(super) async fn refresh(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.refresh();
    let response = answer_refresh(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "refresh");
    response
}

fn answer_login(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let (Some(email), Some(password)) = (fields.text("email"), fields.text("password")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "Email and password are required.",
            CREDENTIALS_MISSING,
        );
    };
    if !email.contains('@') {
        return error(StatusCode::BAD_REQUEST, "Invalid email.", INVALID_EMAIL);
    }
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return error(StatusCode::NOT_FOUND, "User not found.", USER_NOT_FOUND);
    };
    match user.behavior {
        Behavior::ServerError => return server_error(),
        Behavior::RateLimited => {
            // The enum has no rate-limit status; LOGIN_FAILED is its catch-all.
            return reply::too_many_requests(json!({
                "message": "Too many requests.",
                "status": "error",
                "loginStatus": LOGIN_FAILED,
            }));
        }
        _ => {}
    }
    if password != crate::PASSWORD {
        // The doc says "401 Not Found"; it means 401.
        return error(
            StatusCode::UNAUTHORIZED,
            "Invalid password.",
            INVALID_PASSWORD,
        );
    }
    if user.behavior == Behavior::Unverified {
        // Status not documented: our choice.
        return error(
            StatusCode::FORBIDDEN,
            "Account not verified. Please verify your email.",
            ACCOUNT_NOT_VERIFIED,
        );
    }
    session(shared, user, login.ttl, now)
}

fn answer_refresh(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let grant = fields
        .text("refreshToken")
        .and_then(|token| shared.grants.redeem(API, token));
    let Some(user) = grant.and_then(|g| users::by_email(API, g.email)) else {
        shared.counters.refresh_rejection();
        return reply::json(
            StatusCode::UNAUTHORIZED,
            json!({ "message": "Invalid refresh token", "status": "error" }),
        );
    };
    session(shared, user, grant.and_then(|g| g.ttl), now)
}

/// The documented success body, with a new refresh token that remembers the ttl.
fn session(shared: &Shared, user: &'static User, ttl: Option<u32>, now: Timestamp) -> Response {
    let issued = match token::issue(API, user, now, Some(lifetime(LIFETIME_SECS, ttl))) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            return server_error();
        }
    };
    let Some(expiration) = issued.exp.and_then(|exp| Timestamp::from_second(exp).ok()) else {
        return server_error();
    };
    let refresh_token = shared.grants.grant(
        API,
        Grant {
            email: user.email,
            ttl,
        },
    );
    reply::json(
        StatusCode::OK,
        json!({
            "message": "successfully logged in.",
            "status": "success",
            "token": issued.token,
            "refreshToken": refresh_token,
            // ISO 8601 with milliseconds, like the doc's "2025-03-11T17:49:38.925Z".
            "expirationTime": format!("{expiration:.3}"),
            "user": {
                "email": user.email,
                "name": user.name,
                "active_project": null,
                "created_at": "2025-03-05T11:04:49.875Z",
                "updated_at": "2025-03-05T11:06:02.837Z",
                "company_name": null,
            },
            "loginStatus": SUCCESS,
        }),
    )
}

fn error(status: StatusCode, message: &str, login_status: u8) -> Response {
    reply::json(
        status,
        json!({ "message": message, "status": "error", "loginStatus": login_status }),
    )
}

fn server_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Login failed.",
        LOGIN_FAILED,
    )
}
