//! The token endpoint (RFC 6749 §3.2) and what reads or ends tokens: revocation (RFC 7009),
//! introspection (RFC 7662) and UserInfo (OpenID Connect Core §5.3).
//!
//! Access tokens are ES256 JWTs (RFC 9068 shape, `typ: at+jwt`) carrying a `jti` and the id of
//! their grant, so revocation and introspection need no table of access tokens.

use super::book::{Grant, Refused};
use super::{
    ACCESS_TOKEN_SECS, Client, ClientForm, Issuer, RESOURCE, USER_EMAIL, USER_NAME, USER_SUB,
    no_store, oauth_error,
};
use crate::api::Shared;
use crate::credentials::Fields;
use crate::grants::opaque;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::sync::Arc;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    sub: String,
    aud: String,
    client_id: String,
    scope: String,
    iat: i64,
    exp: i64,
    jti: String,
    /// The grant it came from; none for client credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gid: Option<String>,
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    ClientForm { client, form }: ClientForm,
) -> Response {
    let response = answer(&shared, client, &form, Timestamp::now());
    tracing::info!(
        api = "oidc",
        grant_type = form.text("grant_type").unwrap_or("none"),
        status = response.status().as_u16(),
        "token"
    );
    response
}

fn answer(shared: &Shared, client: Client, form: &Fields, now: Timestamp) -> Response {
    let issuer = &shared.oidc;
    let book = &issuer.book;
    let grant_type = form.text("grant_type").unwrap_or_default();
    let allowed = match client {
        Client::Demo => grant_type != "client_credentials",
        Client::Service => grant_type == "client_credentials",
    };
    let known = matches!(
        grant_type,
        "authorization_code" | "refresh_token" | "client_credentials" | "password" | DEVICE_GRANT
    );
    if !known {
        return bad(
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token, client_credentials, password or the device code grant",
        );
    }
    if !allowed {
        return bad(
            "unauthorized_client",
            match client {
                Client::Demo => {
                    "authdeck-demo may not use client credentials: it has no secret; use authdeck-demo-service"
                }
                Client::Service => {
                    "authdeck-demo-service may only use the client credentials grant"
                }
            },
        );
    }
    let outcome = match grant_type {
        "authorization_code" => {
            let (Some(code), Some(redirect_uri), Some(verifier)) = (
                form.text("code"),
                form.text("redirect_uri"),
                form.text("code_verifier"),
            ) else {
                return bad(
                    "invalid_request",
                    "send code, redirect_uri and code_verifier",
                );
            };
            shared.counters.login();
            book.redeem_code(code, client.id(), redirect_uri, &s256(verifier), now)
        }
        "refresh_token" => {
            let Some(refresh) = form.text("refresh_token") else {
                return bad("invalid_request", "send refresh_token");
            };
            shared.counters.refresh();
            let grant = book.redeem_refresh(refresh, client.id(), now);
            if grant.is_err() {
                shared.counters.refresh_rejection();
            }
            // A narrower scope may be asked for (RFC 6749 §6), never a wider one.
            match (grant, form.text("scope")) {
                (Ok(mut grant), Some(scope)) => {
                    let asked: Vec<&str> = scope.split_whitespace().collect();
                    if !asked
                        .iter()
                        .all(|s| grant.scope.split(' ').any(|g| g == *s))
                    {
                        return bad("invalid_scope", "a refresh may not widen the scope");
                    }
                    grant.scope = asked.join(" ");
                    Ok(grant)
                }
                (grant, _) => grant,
            }
        }
        DEVICE_GRANT => {
            let Some(device_code) = form.text("device_code") else {
                return bad("invalid_request", "send device_code");
            };
            book.poll_device(device_code, client.id(), now)
        }
        "password" => {
            shared.counters.login();
            let Some(scope) = client.scope(form.text("scope")) else {
                return bad(
                    "invalid_scope",
                    "the scopes offered are openid, profile, email and offline_access",
                );
            };
            if form.text("username") != Some(USER_EMAIL)
                || form.text("password") != Some(crate::PASSWORD)
            {
                return bad("invalid_grant", "wrong username or password");
            }
            Ok(Grant {
                id: opaque("g_", 12),
                client_id: client.id().to_string(),
                scope,
                nonce: None,
                auth_time: now.as_second(),
            })
        }
        _ => {
            shared.counters.login();
            let Some(scope) = client.scope(form.text("scope")) else {
                return bad(
                    "invalid_scope",
                    "the service client's scopes are api:read and api:write",
                );
            };
            return match access_token(issuer, client.id(), client.id(), &scope, None, now) {
                Ok(access) => no_store(
                    StatusCode::OK,
                    json!({
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": ACCESS_TOKEN_SECS,
                        "scope": scope,
                    }),
                ),
                Err(e) => server_error(&e),
            };
        }
    };
    match outcome {
        Ok(grant) => tokens(issuer, &grant, grant_type == "authorization_code", now),
        Err(refused) => refusal(refused),
    }
}

/// The token answer of a user's grant (RFC 6749 §5.1): access, refresh and, with `openid`,
/// an ID token. The nonce goes only into the ID token of the code exchange (OpenID Connect
/// Core §12.2).
fn tokens(issuer: &Issuer, grant: &Grant, first: bool, now: Timestamp) -> Response {
    let access = match access_token(
        issuer,
        USER_SUB,
        &grant.client_id,
        &grant.scope,
        Some(&grant.id),
        now,
    ) {
        Ok(access) => access,
        Err(e) => return server_error(&e),
    };
    let refresh = issuer.book.issue_refresh(grant, now);
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECS,
        "refresh_token": refresh,
        "scope": grant.scope,
    });
    let scopes: Vec<&str> = grant.scope.split(' ').collect();
    if scopes.contains(&"openid") {
        let mut claims = json!({
            "iss": issuer.url, "sub": USER_SUB, "aud": grant.client_id, "azp": grant.client_id,
            "iat": now.as_second(), "exp": now.as_second() + ACCESS_TOKEN_SECS,
            "auth_time": grant.auth_time,
        });
        if first && let Some(nonce) = &grant.nonce {
            claims["nonce"] = json!(nonce);
        }
        if scopes.contains(&"email") {
            claims["email"] = json!(USER_EMAIL);
            claims["email_verified"] = json!(true);
        }
        if scopes.contains(&"profile") {
            claims["name"] = json!(USER_NAME);
        }
        match issuer.signing.sign("JWT", &claims) {
            Ok(id_token) => body["id_token"] = json!(id_token),
            Err(e) => return server_error(&e),
        }
    }
    no_store(StatusCode::OK, body)
}

fn access_token(
    issuer: &Issuer,
    sub: &str,
    client_id: &str,
    scope: &str,
    gid: Option<&str>,
    now: Timestamp,
) -> Result<String, String> {
    let claims = AccessClaims {
        iss: issuer.url.clone(),
        sub: sub.to_string(),
        aud: RESOURCE.to_string(),
        client_id: client_id.to_string(),
        scope: scope.to_string(),
        iat: now.as_second(),
        exp: now.as_second() + ACCESS_TOKEN_SECS,
        jti: opaque("at_", 12),
        gid: gid.map(str::to_string),
    };
    issuer.signing.sign("at+jwt", &claims)
}

/// A live access token's claims: signed here, not expired at `now`, not revoked.
fn live_access(issuer: &Issuer, token: &str, now: Timestamp) -> Option<AccessClaims> {
    let claims: AccessClaims = issuer.signing.verify(token)?;
    let live = claims.iss == issuer.url
        && claims.exp > now.as_second()
        && !issuer.book.is_revoked(&claims.jti, claims.gid.as_deref());
    live.then_some(claims)
}

/// POST /revoke (RFC 7009 §2): a refresh token ends its grant and every access token of it;
/// an access token ends alone. Unknown tokens are answered 200 as well (§2.2).
pub(super) async fn revoke(
    State(shared): State<Arc<Shared>>,
    ClientForm { client, form }: ClientForm,
) -> Response {
    let Some(token) = form.text("token") else {
        return bad("invalid_request", "send the token to revoke");
    };
    let issuer = &shared.oidc;
    let revoked = issuer.book.revoke_refresh(token, client.id())
        || match issuer.signing.verify::<AccessClaims>(token) {
            Some(claims) if claims.client_id == client.id() => {
                issuer.book.revoke_access(&claims.jti);
                true
            }
            _ => false,
        };
    tracing::info!(api = "oidc", revoked, "revocation");
    no_store(StatusCode::OK, json!({}))
}

/// POST /introspect (RFC 7662 §2): what this issuer knows of a token, told only to the
/// client it was issued to (anyone else hears `active: false`).
pub(super) async fn introspect(
    State(shared): State<Arc<Shared>>,
    ClientForm { client, form }: ClientForm,
) -> Response {
    let Some(token) = form.text("token") else {
        return bad("invalid_request", "send the token to introspect");
    };
    let issuer = &shared.oidc;
    let now = Timestamp::now();
    let inactive = || no_store(StatusCode::OK, json!({ "active": false }));
    if let Some(claims) = live_access(issuer, token, now) {
        if claims.client_id != client.id() {
            return inactive();
        }
        let username = (claims.sub == USER_SUB).then_some(USER_EMAIL);
        return no_store(
            StatusCode::OK,
            json!({
                "active": true, "token_type": "Bearer", "scope": claims.scope,
                "client_id": claims.client_id, "sub": claims.sub, "username": username,
                "aud": claims.aud, "iss": claims.iss, "iat": claims.iat, "exp": claims.exp,
                "jti": claims.jti,
            }),
        );
    }
    match issuer.book.refresh_token(token, now) {
        Some(view) if view.grant.client_id == client.id() => no_store(
            StatusCode::OK,
            json!({
                "active": true, "token_type": "refresh_token", "scope": view.grant.scope,
                "client_id": view.grant.client_id, "sub": USER_SUB, "username": USER_EMAIL,
                "iss": issuer.url, "exp": view.expires.as_second(),
            }),
        ),
        _ => inactive(),
    }
}

/// GET or POST /userinfo (OpenID Connect Core §5.3) with `Authorization: Bearer`.
pub(super) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let claims = token.and_then(|t| live_access(&shared.oidc, t, Timestamp::now()));
    let Some(claims) = claims.filter(|c| c.scope.split(' ').any(|s| s == "openid")) else {
        // RFC 6750 §3.1.
        let mut response = oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "send Authorization: Bearer with a current access token of an openid sign-in",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        return response;
    };
    let scopes: Vec<&str> = claims.scope.split(' ').collect();
    let mut body = json!({ "sub": claims.sub });
    if scopes.contains(&"email") {
        body["email"] = json!(USER_EMAIL);
        body["email_verified"] = json!(true);
    }
    if scopes.contains(&"profile") {
        body["name"] = json!(USER_NAME);
    }
    no_store(StatusCode::OK, body)
}

/// BASE64URL(SHA-256(verifier)): the S256 code challenge (RFC 7636 §4.2).
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn bad(error: &str, description: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error, description)
}

fn refusal(refused: Refused) -> Response {
    match refused {
        Refused::InvalidGrant(why) => bad("invalid_grant", why),
        Refused::AuthorizationPending => bad(
            "authorization_pending",
            "the user has not answered on the verification page yet",
        ),
        Refused::SlowDown => bad(
            "slow_down",
            "polled sooner than the interval: wait 5 s more between polls",
        ),
        Refused::AccessDenied => bad("access_denied", "the user denied the device"),
        Refused::ExpiredToken => bad(
            "expired_token",
            "the device code expired: start the device sign-in again",
        ),
    }
}

fn server_error(why: &str) -> Response {
    tracing::error!(api = "oidc", %why, "token not issued");
    no_store(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "server_error", "error_description": "the demo issuer could not sign a token" }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_is_rfc_7636s_example() {
        // RFC 7636 Appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
