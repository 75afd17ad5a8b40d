//! The OpenID Connect demo issuer, mounted at `/oidc`: enough of OAuth 2.0 and OpenID
//! Connect for a newcomer to see Authdeck's OAuth accounts work on `make run`, with no
//! identity provider of their own. A demo, not what the tests trust: those run against npm
//! `oidc-provider` (tests/oidc). Described in `docs/api/oidc-demo.md`.
//!
//! - Discovery (OpenID Connect Discovery 1.0) and a JWKS with one ES256 key ([`signing`]).
//! - The authorization code grant with PKCE S256 required (RFC 7636), any loopback redirect
//!   port (RFC 8252 §7.3), `iss` in the redirect (RFC 9207), a consent page with Approve and
//!   Deny ([`authorize`]).
//! - The device authorization grant (RFC 8628) with its verification page ([`device`]).
//! - The token endpoint: code, refresh (rotating; a replay revokes the grant), device code,
//!   client credentials and password grants; revocation (RFC 7009), introspection
//!   (RFC 7662) and UserInfo ([`token`]).

mod authorize;
mod book;
mod device;
mod pages;
mod signing;
mod token;

use crate::api::Shared;
use crate::credentials::{Fields, form_decode};
use crate::reply;
use axum::Router;
use axum::extract::{FromRequest, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use book::Book;
use serde_json::{Value, json};
use signing::Signing;
use std::sync::Arc;

/// The public client of the authorization code and device grants (no secret, PKCE).
pub const CLIENT_ID: &str = "authdeck-demo";
/// The confidential client of the client credentials grant.
pub const SERVICE_CLIENT_ID: &str = "authdeck-demo-service";
/// [`SERVICE_CLIENT_ID`]'s secret. Not a secret: the sandbox is a demo.
pub const SERVICE_CLIENT_SECRET: &str = "demo-service-secret";
/// The one user of the demo issuer: who every approved sign-in is.
pub const USER_EMAIL: &str = "alice@oidc.test";
const USER_SUB: &str = "demo-alice";
const USER_NAME: &str = "Alice Example";

/// Lifetime of access and ID tokens, in seconds: short, so renewals show in a demo.
pub const ACCESS_TOKEN_SECS: i64 = 300;
/// The scopes a user can grant, and those of the service client.
const USER_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
const SERVICE_SCOPES: [&str; 2] = ["api:read", "api:write"];
/// The `aud` of access tokens (RFC 9068 §2.2): the sandbox's APIs.
const RESOURCE: &str = "authdeck-sandbox";

/// The demo issuer: its URL, key and memory.
#[derive(Debug)]
pub(crate) struct Issuer {
    url: String,
    signing: Signing,
    book: Book,
    /// Put in the verification page's form and checked on submit, so another site cannot
    /// approve a device by posting to it.
    xsrf: String,
}

impl Issuer {
    /// The issuer at `url` (`http://127.0.0.1:PORT/oidc`). Errors: the key does not load.
    pub(crate) fn new(url: String) -> Result<Issuer, String> {
        Ok(Issuer {
            url,
            signing: Signing::new()?,
            book: Book::default(),
            xsrf: crate::grants::opaque("x", 16),
        })
    }

    fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

/// The issuer's routes, under `/oidc`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/oidc/.well-known/openid-configuration", get(discovery))
        .route("/oidc/jwks", get(jwks))
        .route("/oidc/authorize", get(authorize::start))
        .route(
            "/oidc/interaction/{id}",
            get(authorize::show).post(authorize::approve),
        )
        .route("/oidc/interaction/{id}/abort", get(authorize::deny))
        .route("/oidc/device_authorization", post(device::start))
        .route("/oidc/device", get(device::show).post(device::answer))
        .route("/oidc/token", post(token::token))
        .route("/oidc/revoke", post(token::revoke))
        .route("/oidc/introspect", post(token::introspect))
        .route("/oidc/userinfo", get(token::userinfo).post(token::userinfo))
}

/// OpenID Connect Discovery 1.0 §3.
async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    let issuer = &shared.oidc;
    reply::json(
        StatusCode::OK,
        json!({
            "issuer": issuer.url,
            "authorization_endpoint": issuer.endpoint("/authorize"),
            "token_endpoint": issuer.endpoint("/token"),
            "device_authorization_endpoint": issuer.endpoint("/device_authorization"),
            "revocation_endpoint": issuer.endpoint("/revoke"),
            "introspection_endpoint": issuer.endpoint("/introspect"),
            "userinfo_endpoint": issuer.endpoint("/userinfo"),
            "jwks_uri": issuer.endpoint("/jwks"),
            "scopes_supported": USER_SCOPES.iter().chain(SERVICE_SCOPES.iter()).collect::<Vec<_>>(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": [
                "authorization_code", "refresh_token", "client_credentials", "password",
                "urn:ietf:params:oauth:grant-type:device_code"
            ],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "email", "email_verified", "name"],
            "authorization_response_iss_parameter_supported": true,
        }),
    )
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    reply::json(StatusCode::OK, shared.oidc.signing.jwks())
}

/// A registered client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    /// [`CLIENT_ID`]: public, code (PKCE), device, refresh and password grants.
    Demo,
    /// [`SERVICE_CLIENT_ID`]: confidential, client credentials only.
    Service,
}

impl Client {
    pub(crate) fn by_id(id: &str) -> Option<Client> {
        match id {
            CLIENT_ID => Some(Client::Demo),
            SERVICE_CLIENT_ID => Some(Client::Service),
            _ => None,
        }
    }

    pub(crate) fn id(self) -> &'static str {
        match self {
            Client::Demo => CLIENT_ID,
            Client::Service => SERVICE_CLIENT_ID,
        }
    }

    /// The scope granted for a requested one (space-separated). The demo client is strict:
    /// `None` when it names a scope the issuer does not offer (`invalid_scope`). The service
    /// client gets the part of it that it may have (RFC 6749 §3.3 lets a server narrow the
    /// scope), so a client credentials sign-in that asks for `openid` still works. No scope
    /// asks for the client's default.
    pub(crate) fn scope(self, requested: Option<&str>) -> Option<String> {
        let words: Vec<&str> = requested.unwrap_or_default().split_whitespace().collect();
        let granted: Vec<&str> = match self {
            Client::Demo if words.iter().any(|w| !USER_SCOPES.contains(w)) => return None,
            Client::Demo => words,
            Client::Service => words
                .into_iter()
                .filter(|w| SERVICE_SCOPES.contains(w))
                .collect(),
        };
        Some(match (self, granted.is_empty()) {
            (Client::Demo, true) => "openid".to_string(),
            (Client::Service, true) => "api:read".to_string(),
            (_, false) => granted.join(" "),
        })
    }
}

/// Client authentication at the token, revocation and introspection endpoints (RFC 6749
/// §2.3.1): HTTP Basic or `client_id`/`client_secret` in the form; the public client sends
/// its `client_id` alone. Errors: the `invalid_client` answer (401).
pub(crate) fn authenticate(headers: &HeaderMap, form: &Fields) -> Result<Client, BadClient> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    let by_basic = basic.is_some();
    let (id, secret) = match basic {
        Some(encoded) => {
            let decoded = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
                return Err(BadClient::new(
                    "the Basic authorization header is not base64 of id:secret",
                    true,
                ));
            };
            // RFC 6749 §2.3.1: both are form-encoded before they are joined.
            (
                Some(form_decode(id.as_bytes())),
                Some(form_decode(secret.as_bytes())),
            )
        }
        None => (
            form.text("client_id").map(str::to_string),
            form.text("client_secret").map(str::to_string),
        ),
    };
    let Some(id) = id else {
        return Err(BadClient::new(
            "no client_id: send it in the form or in HTTP Basic",
            by_basic,
        ));
    };
    let Some(client) = Client::by_id(&id) else {
        return Err(BadClient::new("unknown client", by_basic));
    };
    match (client, secret.as_deref()) {
        (Client::Demo, None) => Ok(client),
        (Client::Demo, Some(_)) => Err(BadClient::new(
            "authdeck-demo is a public client: send no secret",
            by_basic,
        )),
        (Client::Service, Some(SERVICE_CLIENT_SECRET)) => Ok(client),
        (Client::Service, _) => Err(BadClient::new("wrong or missing client secret", by_basic)),
    }
}

/// A form body sent by an authenticated client: what the token, device authorization,
/// revocation and introspection endpoints take. Rejected with `invalid_client` (401).
pub(crate) struct ClientForm {
    pub client: Client,
    pub form: Fields,
}

impl<S: Send + Sync> FromRequest<S> for ClientForm {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let body = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = Fields::parse_form(&body);
        let client = authenticate(&headers, &form).map_err(IntoResponse::into_response)?;
        Ok(ClientForm { client, form })
    }
}

/// A client that failed authentication: why, and whether it tried HTTP Basic.
#[derive(Debug)]
pub(crate) struct BadClient {
    description: &'static str,
    by_basic: bool,
}

impl BadClient {
    fn new(description: &'static str, by_basic: bool) -> BadClient {
        BadClient {
            description,
            by_basic,
        }
    }
}

impl IntoResponse for BadClient {
    fn into_response(self) -> Response {
        invalid_client(self.description, self.by_basic)
    }
}

/// RFC 6749 §5.2's `invalid_client`: 401, with a Basic challenge when Basic was tried.
fn invalid_client(description: &str, by_basic: bool) -> Response {
    let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    if by_basic {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"authdeck-sandbox\""),
        );
    }
    response
}

/// An RFC 6749 §5.2 error body, not cached.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    no_store(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

/// A JSON answer with `Cache-Control: no-store` (RFC 6749 §5.1: answers carrying tokens).
pub(crate) fn no_store(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        axum::Json(body),
    )
        .into_response()
}
