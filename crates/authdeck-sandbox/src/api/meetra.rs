//! Meetra: POST /api-login → 200 {"token"} or 400 {"message": "Invalid email or password"}.

use super::{Shared, lifetime};
use crate::credentials::Fields;
use crate::reply;
use crate::token;
use crate::users::{self, Behavior, Login};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

const API: &str = "meetra";
/// Not documented; one hour like most login APIs.
const LIFETIME_SECS: i64 = 3600;

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer(&Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

fn answer(fields: &Fields, now: Timestamp) -> Response {
    let (Some(email), Some(password)) = (fields.text("email"), fields.text("password")) else {
        return invalid();
    };
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login) else {
        return invalid();
    };
    match user.behavior {
        Behavior::ServerError => return server_error(),
        Behavior::RateLimited => {
            return reply::too_many_requests(json!({ "message": "Too many requests" }));
        }
        _ => {}
    }
    if password != crate::PASSWORD {
        return invalid();
    }
    // noexp stays without expiry even with a ttl tag: it exists to show a token that never expires.
    let lifetime = match user.behavior {
        Behavior::SuccessNoExp => None,
        _ => Some(lifetime(LIFETIME_SECS, login.ttl)),
    };
    match token::issue(API, user, now, lifetime) {
        Ok(issued) => {
            // bearer@: the scheme word inside the field, as some servers send it.
            let token = match user.behavior {
                Behavior::BearerInField => format!("Bearer {}", issued.token),
                _ => issued.token,
            };
            reply::json(StatusCode::OK, json!({ "token": token }))
        }
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            server_error()
        }
    }
}

/// The documented (and only) refusal, for every kind of bad login.
fn invalid() -> Response {
    reply::json(
        StatusCode::BAD_REQUEST,
        json!({ "message": "Invalid email or password" }),
    )
}

/// Meetra's failures are not documented; a proxy's HTML error page is what such servers send.
fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>"),
    )
        .into_response()
}
