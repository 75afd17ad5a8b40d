//! Grants sent straight to the token endpoint, with no user step: refresh (RFC 6749 §6),
//! client credentials (§4.4) and resource owner password credentials (§4.3).

use super::transport::Transport;
use super::{Endpoints, Registration, Trace, id_token, session, token_failure};
use crate::deck::Clock;
use crate::outcome::{Attempt, Failure, Session};
use crate::provider::OAuthSpec;
use crate::secret::Secret;
use oauth2::{RefreshToken, ResourceOwnerPassword, ResourceOwnerUsername, Scope, TokenUrl};
use openidconnect::core::CoreTokenResponse;
use std::time::Instant;

/// The scopes OpenID Connect defines for a signed-in user (OIDC Core §5.4, §11).
const USER_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// Which grant to send.
pub enum GrantRequest<'a> {
    Refresh(&'a Secret),
    ClientCredentials,
    Password {
        username: &'a str,
        password: &'a Secret,
    },
}

/// Sends the grant and reads the answer as an attempt. A rotated refresh token comes back in
/// the session, to be stored before the new access token is used. An ID token in the answer
/// is validated (without a nonce: none was sent).
pub async fn request(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    grant: GrantRequest<'_>,
    now: Clock<'_>,
) -> Attempt {
    let started = Instant::now();
    let mut trace = Trace::default();
    let result = run(transport, endpoints, reg, spec, grant, now, &mut trace).await;
    trace.attempt(result, started)
}

async fn run(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    grant: GrantRequest<'_>,
    now: Clock<'_>,
    trace: &mut Trace,
) -> Result<Session, Failure> {
    let token_url = endpoints.need(&endpoints.token, "token_endpoint")?;
    let client = super::client(endpoints, reg)?.set_token_uri(TokenUrl::from_url(token_url));
    if let Some(secret) = &reg.client_secret {
        trace.sent.push(secret.expose().to_string());
    }
    let scopes = spec.scopes.iter().map(|s| Scope::new(s.clone()));
    let extra = super::authorization_code::extra_params(spec);
    let answering = match grant {
        GrantRequest::Refresh(_) => id_token::Answering::Refresh,
        _ => id_token::Answering::SignIn(None),
    };
    let response: Result<CoreTokenResponse, _> = match grant {
        GrantRequest::Refresh(token) => {
            trace.sent.push(token.expose().to_string());
            let token = RefreshToken::new(token.expose().to_string());
            // No scope: RFC 6749 §6 gives the original grant's when it is left out.
            client
                .exchange_refresh_token(&token)
                .request_async(transport)
                .await
        }
        GrantRequest::ClientCredentials => {
            // OpenID Connect's scopes ask for claims about a user (OIDC Core §5.4), and a client
            // credentials grant has none: a real server refuses them (invalid_scope), so the
            // preset's defaults are not sent here.
            let scopes = scopes.filter(|s| !USER_SCOPES.contains(&s.as_str()));
            let mut request = client.exchange_client_credentials().add_scopes(scopes);
            for (name, value) in &extra {
                request = request.add_extra_param(name.clone(), value.clone());
            }
            request.request_async(transport).await
        }
        GrantRequest::Password { username, password } => {
            trace.sent.push(password.expose().to_string());
            let user = ResourceOwnerUsername::new(username.to_string());
            let pass = ResourceOwnerPassword::new(password.expose().to_string());
            let mut request = client.exchange_password(&user, &pass).add_scopes(scopes);
            for (name, value) in &extra {
                request = request.add_extra_param(name.clone(), value.clone());
            }
            request.request_async(transport).await
        }
    };
    trace.take_from(transport);
    let response =
        response.map_err(|e| token_failure(e, trace.answer.as_ref(), "the token request"))?;
    let id_token =
        id_token::check_response(transport, endpoints, reg, &response, answering, now()).await?;
    Ok(session(&response, id_token, now(), trace.answer.as_ref()))
}
