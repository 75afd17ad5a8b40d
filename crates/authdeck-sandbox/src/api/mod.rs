//! The five documented APIs and the five extra login shapes, each under its own path prefix,
//! plus the sandbox's own `/_sandbox` routes.

mod apikey;
mod cookiejar;
mod formlogin;
mod headertoken;
mod meetmates;
mod meetra;
mod sealmetrics;
mod talkstack;
mod twofactor;
mod user_login;

use crate::grants::Grants;
use crate::oidc::{self, Issuer};
use crate::reply;
use crate::sessions::Sessions;
use crate::stats::Counters;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::sync::Arc;

/// What every handler shares: the counters, the live refresh tokens and opaque sessions, and
/// the OpenID Connect demo issuer.
#[derive(Debug)]
pub(crate) struct Shared {
    pub counters: Counters,
    pub grants: Grants,
    pub sessions: Sessions,
    pub oidc: Issuer,
}

impl Shared {
    /// The state of a sandbox at `origin` ("http://127.0.0.1:PORT"). Errors: the demo
    /// issuer's key does not load.
    pub(crate) fn new(origin: &str) -> Result<Shared, String> {
        Ok(Shared {
            counters: Counters::default(),
            grants: Grants::default(),
            sessions: Sessions::default(),
            oidc: Issuer::new(format!("{origin}/oidc"))?,
        })
    }
}

/// Every route of the sandbox.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    // The documented APIs have no endpoint that takes their token; the sandbox adds one to
    // each, so "Try it" (and a script) can see a token work.
    for api in crate::APIS {
        router = router.route(
            &format!("/{api}/_sandbox/me"),
            get(move |headers: HeaderMap| async move { whoami(api, &headers) }),
        );
    }
    router
        .route("/meetra/api-login", post(meetra::login))
        .route("/user-login/user/login", post(user_login::login))
        .route("/user-login/user/refresh", post(user_login::refresh))
        .route("/talkstack/auth/login", post(talkstack::login))
        .route("/talkstack/auth/refresh", post(talkstack::refresh))
        .route("/meetmates/api/auth/login", post(meetmates::login))
        .route("/sealmetrics/api/auth/login", post(sealmetrics::login))
        .route("/cookiejar/session", post(cookiejar::login))
        .route("/cookiejar/me", get(cookiejar::me))
        .route(
            "/headertoken/v3/auth/tokens",
            post(headertoken::login).get(headertoken::check),
        )
        .route("/formlogin/login", post(formlogin::login))
        .route("/formlogin/me", get(formlogin::me))
        .route("/apikey/v1/whoami", get(apikey::whoami))
        .route("/apikey/_sandbox/pat", get(apikey::pat))
        .route("/twofactor/login", post(twofactor::login))
        .route("/twofactor/login/verify", post(twofactor::verify))
        .route("/twofactor/refresh", post(twofactor::refresh))
        .route("/twofactor/me", get(twofactor::me))
        .merge(oidc::routes())
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/reset", post(reset))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// The moment `secs` seconds after `now` (the far end of time if that overflows).
fn after(now: Timestamp, secs: i64) -> Timestamp {
    now.saturating_add(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MAX)
}

/// The access-token lifetime: the `+ttlN` tag's if there was one, else the API's.
fn lifetime(default_secs: i64, ttl: Option<u32>) -> i64 {
    ttl.map_or(default_secs, i64::from)
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    reply::json(StatusCode::OK, json!(shared.counters.snapshot()))
}

async fn reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.counters.reset();
    reply::json(StatusCode::OK, json!(shared.counters.snapshot()))
}

/// `GET /{api}/_sandbox/me`: who the presented token of `api` belongs to (with or without a
/// `Bearer` word), or 401 when it is missing, not `api`'s, or expired.
fn whoami(api: &str, headers: &HeaderMap) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.strip_prefix("Bearer ").unwrap_or(value).trim());
    match presented.map(|jwt| crate::token::verify(api, jwt, Timestamp::now())) {
        Some(Ok(claims)) => reply::json(
            StatusCode::OK,
            json!({ "api": api, "id": claims.sub, "email": claims.email, "exp": claims.exp }),
        ),
        Some(Err(crate::token::Refusal::Expired)) => reply::json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "token_expired", "message": "The access token has expired." }),
        ),
        _ => reply::json(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "invalid_token", "message": "The access token is missing or wrong." }),
        ),
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    reply::json(
        StatusCode::NOT_FOUND,
        json!({ "message": format!("The sandbox has no route {method} {}", uri.path()) }),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    reply::json(
        StatusCode::METHOD_NOT_ALLOWED,
        json!({ "message": format!("{} does not accept {method}", uri.path()) }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_tag_overrides_the_api_lifetime() {
        assert_eq!(lifetime(3600, None), 3600);
        assert_eq!(lifetime(3600, Some(5)), 5);
    }
}
