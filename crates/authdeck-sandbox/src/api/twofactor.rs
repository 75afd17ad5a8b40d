//! Twofactor: POST /login checks the password and, for a user with 2FA, answers an `mfa_token`
//! (five minutes) instead of a session; POST /login/verify trades it and a TOTP code (RFC 6238:
//! SHA-1, 6 digits, 30 s, ±1 step) for a JWT and a refresh token; POST /refresh rotates those.

use super::{Shared, after, lifetime};
use crate::credentials::Fields;
use crate::grants::Grant;
use crate::reply;
use crate::sessions::Session;
use crate::token;
use crate::users::{self, Behavior, Login, User};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;
use totp_rs::{Builder, Secret, Totp};

const API: &str = "twofactor";
/// Where pending second-factor logins are kept, apart from anything else of this API.
const PENDING: &str = "twofactor/mfa";
/// Our choice: one hour unless a `+ttlN` tag says otherwise.
const LIFETIME_SECS: i64 = 3600;
/// How long an `mfa_token` waits for its code.
const MFA_TOKEN_SECS: i64 = 300;

pub(super) async fn login(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.login();
    let response = answer_login(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "login");
    response
}

pub(super) async fn verify(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let response = answer_verify(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "verify");
    response
}

pub(super) async fn refresh(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.counters.refresh();
    let response = answer_refresh(&shared, &Fields::parse(&body), Timestamp::now());
    tracing::info!(api = API, status = response.status().as_u16(), "refresh");
    response
}

pub(super) async fn me(headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match bearer.map(|jwt| token::verify(API, jwt, Timestamp::now())) {
        Some(Ok(claims)) => reply::json(
            StatusCode::OK,
            json!({ "id": claims.sub, "email": claims.email }),
        ),
        _ => reply::json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "invalid_token", "message": "The access token is missing, wrong or expired." }),
        ),
    }
}

fn answer_login(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let (Some(email), Some(password)) = (fields.text("email"), fields.text("password")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "email and password are required.",
        );
    };
    let login = Login::parse(&email.to_lowercase());
    let Some(user) = users::find(API, &login).filter(|_| password == crate::PASSWORD) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_login",
            "Wrong email or password.",
        );
    };
    if user.behavior != Behavior::TwoFactor {
        return session(shared, user, login.ttl, now);
    }
    let pending = Session {
        email: user.email,
        ttl: login.ttl,
        expires: after(now, MFA_TOKEN_SECS),
        tenant: None,
    };
    let mfa_token = shared.sessions.open(PENDING, "mfa_", 20, pending);
    reply::json(
        StatusCode::OK,
        json!({ "mfa_required": true, "mfa_token": mfa_token }),
    )
}

/// The mfa_token is checked first; a wrong code leaves it usable, a right one uses it up.
fn answer_verify(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let mfa_token = fields.text("mfa_token").unwrap_or_default();
    let pending = shared.sessions.get(PENDING, mfa_token, now);
    let Some((pending, user)) = pending.and_then(|p| users::by_email(API, p.email).map(|u| (p, u)))
    else {
        return error(
            StatusCode::UNAUTHORIZED,
            "mfa_token_invalid",
            "The sign-in attempt is unknown or expired. Log in again.",
        );
    };
    let totp = match totp() {
        Ok(totp) => totp,
        Err(message) => {
            tracing::error!(api = API, %message, "cannot build the TOTP");
            return server_error();
        }
    };
    let code = fields.text("code").unwrap_or_default();
    let step = u64::try_from(now.as_second()).unwrap_or(0);
    if totp.check(code, step).is_none() {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_otp",
            "The code is wrong or expired.",
        );
    }
    shared.sessions.remove(PENDING, mfa_token);
    session(shared, user, pending.ttl, now)
}

fn answer_refresh(shared: &Shared, fields: &Fields, now: Timestamp) -> Response {
    let grant = fields
        .text("refresh_token")
        .and_then(|token| shared.grants.redeem(API, token));
    let Some(user) = grant.and_then(|g| users::by_email(API, g.email)) else {
        shared.counters.refresh_rejection();
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_refresh_token",
            "The refresh token is unknown or was already used.",
        );
    };
    session(shared, user, grant.and_then(|g| g.ttl), now)
}

/// The session: a JWT, a one-use refresh token that remembers the ttl, and `exp` in seconds.
fn session(shared: &Shared, user: &'static User, ttl: Option<u32>, now: Timestamp) -> Response {
    let issued = match token::issue(API, user, now, Some(lifetime(LIFETIME_SECS, ttl))) {
        Ok(issued) => issued,
        Err(error) => {
            tracing::error!(api = API, %error, "cannot sign a token");
            return server_error();
        }
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
            "access_token": issued.token,
            "refresh_token": refresh_token,
            "expires_at": issued.exp,
        }),
    )
}

/// alice@twofactor.test's authenticator: [`crate::TOTP_SECRET`], SHA-1, 6 digits, 30 s, ±1 step.
fn totp() -> Result<Totp, String> {
    let secret = Secret::try_from_base32(crate::TOTP_SECRET).map_err(|e| e.to_string())?;
    Builder::new()
        .with_secret(secret)
        .with_skew(1)
        .build()
        .map_err(|e| e.to_string())
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    reply::json(status, json!({ "error": code, "message": message }))
}

fn server_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "Something went wrong.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_secret_builds_an_rfc_6238_totp() -> Result<(), String> {
        let totp = totp()?;
        let code = totp.generate(1_000_000_000).to_string();
        assert_eq!(code.len(), 6, "six digits");
        assert!(totp.check(&code, 1_000_000_030).is_some(), "one step later");
        assert!(
            totp.check(&code, 1_000_000_090).is_none(),
            "three steps later"
        );
        Ok(())
    }
}
