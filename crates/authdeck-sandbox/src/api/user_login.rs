//! User Login: POST /user/login and POST /user/refresh, with refresh-token rotation.

use super::{Shared, lifetime};
use crate::credentials::Fields;
use crate::grants::{Grant, opaque};
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

const API: &str = "user-login";
/// The doc: "Access tokens expire after 1 hour".
const LIFETIME_SECS: i64 = 3600;

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
        // Not documented: our choice of status and code for a request without credentials.
        return reply::json(
            StatusCode::BAD_REQUEST,
            json!({
                "success": false,
                "error_code": "VALIDATION_ERROR",
                "message": "email and password are required",
            }),
        );
    };
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return refused("USER_NOT_FOUND");
    };
    match user.behavior {
        Behavior::ServerError => return server_error(),
        Behavior::RateLimited => {
            return reply::too_many_requests(json!({
                "success": false,
                "error_code": "RATE_LIMITED",
                "message": "Too many requests",
            }));
        }
        Behavior::NoPassword => return refused("NO_PASSWORD_SET"),
        _ => {}
    }
    if password != crate::PASSWORD {
        if user.behavior == Behavior::SoftFail {
            // soft@: a server that reports the failure in the body of a 200.
            return reply::json(
                StatusCode::OK,
                json!({
                    "success": false,
                    "error_code": "INVALID_PASSWORD",
                    "message": "Invalid password.",
                }),
            );
        }
        return refused("INVALID_PASSWORD");
    }
    if user.behavior == Behavior::Inactive {
        return refused("USER_INACTIVE");
    }
    session(shared, user, login.ttl, now)
}

fn answer_refresh(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let grant = fields
        .text("refreshToken")
        .and_then(|token| shared.grants.redeem(API, token));
    let Some(user) = grant.and_then(|g| users::by_email(API, g.email)) else {
        shared.counters.refresh_rejection();
        return refused("INVALID_REFRESH_TOKEN");
    };
    session(shared, user, grant.and_then(|g| g.ttl), now)
}

/// A successful answer: a new access token and a new refresh token that remembers the ttl.
fn session(shared: &Shared, user: &'static User, ttl: Option<u32>, now: Timestamp) -> Response {
    let issued = match token::issue(API, user, now, Some(lifetime(LIFETIME_SECS, ttl))) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            return server_error();
        }
    };
    let Some(exp) = issued.exp else {
        return server_error();
    };
    // The doc says "integer" without a unit: alice gets seconds, ms@ gets milliseconds.
    let expires_at = match user.behavior {
        Behavior::SuccessMillis => exp.saturating_mul(1000),
        _ => exp,
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
            "success": true,
            "accessToken": issued.token,
            "refreshToken": refresh_token,
            "tokenId": opaque("tok_", 8),
            "expiresAt": expires_at,
            "user": {
                "id": user.id,
                "email": user.email,
                "name": user.name,
                "orgId": "org_sandbox",
            },
        }),
    )
}

/// The documented 401 {success:false, error_code}.
fn refused(code: &str) -> Response {
    reply::json(
        StatusCode::UNAUTHORIZED,
        json!({ "success": false, "error_code": code }),
    )
}

fn server_error() -> Response {
    reply::json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({
            "success": false,
            "error_code": "INTERNAL_ERROR",
            "message": "Internal server error",
        }),
    )
}
