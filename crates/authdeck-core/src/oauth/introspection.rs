//! Token introspection (RFC 7662): what the server says about the current token.

use super::transport::Transport;
use super::{Endpoints, Registration, token_failure};
use crate::outcome::Failure;
use crate::secret::Secret;
use oauth2::{AccessToken, IntrospectionUrl, TokenIntrospectionResponse};
use serde::Serialize;

/// The server's answer (RFC 7662 §2.2). Times are unix seconds as the server wrote them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Introspection {
    pub active: bool,
    pub scope: Option<String>,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub token_type: Option<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub sub: Option<String>,
    pub aud: Option<Vec<String>>,
    pub iss: Option<String>,
    pub jti: Option<String>,
}

/// Asks the server about `token`. Errors: a failure with the server's words, or no
/// introspection endpoint.
pub async fn introspect(
    transport: &Transport,
    endpoints: &Endpoints,
    reg: &Registration,
    token: &Secret,
) -> Result<Introspection, Failure> {
    let url = endpoints.need(&endpoints.introspection, "introspection_endpoint")?;
    let client =
        super::client(endpoints, reg)?.set_introspection_url(IntrospectionUrl::from_url(url));
    let token = AccessToken::new(token.expose().to_string());
    let outcome = client.introspect(&token).request_async(transport).await;
    let answer = transport.take_last();
    let response =
        outcome.map_err(|e| token_failure(e, answer.as_ref(), "the introspection request"))?;
    let seconds = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.timestamp());
    Ok(Introspection {
        active: response.active(),
        scope: response.scopes().map(|s| {
            s.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        client_id: response.client_id().map(|c| c.to_string()),
        username: response.username().map(str::to_string),
        token_type: response
            .token_type()
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|v| v.as_str().map(str::to_string)),
        exp: seconds(response.exp()),
        iat: seconds(response.iat()),
        nbf: seconds(response.nbf()),
        sub: response.sub().map(str::to_string),
        aud: response.aud().cloned(),
        iss: response.iss().map(str::to_string),
        jti: response.jti().map(str::to_string),
    })
}
