//! The authorization code grant (RFC 6749 §4.1) with PKCE S256 (RFC 7636), in the system
//! browser with a loopback redirect (RFC 8252): `state` checked, the `iss` of RFC 9207
//! checked against mix-up, and for OpenID Connect the ID token's `nonce`.

use super::loopback::Listener;
use super::transport::Transport;
use super::{Endpoints, Registration, Trace, UserAgent, id_token, session, token_failure};
use crate::deck::Clock;
use crate::outcome::{Attempt, Failure, Kind};
use crate::provider::OAuthSpec;
use oauth2::{
    AuthUrl, AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope, TokenUrl,
};
use openidconnect::Nonce;
use openidconnect::core::CoreAuthenticationFlow;
use std::time::{Duration, Instant};

/// Signs in through the browser: opens the authorization URL with `agent`, waits at most
/// `limit` for the redirect, checks it, and exchanges the code. Never errs: every way it can
/// end (denied, wrong state, timed out, a refused code, a bad ID token) is an attempt for the
/// history, and nothing is exchanged unless the redirect is this sign-in's.
pub async fn sign_in(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    agent: &dyn UserAgent,
    limit: Duration,
    now: Clock<'_>,
) -> Attempt {
    let started = Instant::now();
    let mut trace = Trace::default();
    let result = run(
        transport, endpoints, reg, spec, agent, limit, now, &mut trace,
    )
    .await;
    trace.attempt(result, started)
}

#[allow(clippy::too_many_arguments)]
async fn run(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    agent: &dyn UserAgent,
    limit: Duration,
    now: Clock<'_>,
    trace: &mut Trace,
) -> Result<crate::outcome::Session, Failure> {
    let auth_url = endpoints.need(&endpoints.authorization, "authorization_endpoint")?;
    let token_url = endpoints.need(&endpoints.token, "token_endpoint")?;
    let listener = Listener::bind(spec.redirect_port, &spec.redirect_path).await?;
    let redirect = RedirectUrl::new(listener.redirect_uri()).map_err(|e| {
        Failure::new(
            Kind::BadRequest,
            format!("the redirect path is not part of a URL ({e})"),
        )
    })?;
    let client = super::client(endpoints, reg)?
        .set_auth_uri(AuthUrl::from_url(auth_url))
        .set_token_uri(TokenUrl::from_url(token_url))
        .set_redirect_uri(redirect);
    let openid = spec.is_openid();
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in &spec.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    for (name, value) in extra_params(spec) {
        request = request.add_extra_param(name, value);
    }
    let (url, state, nonce) = request.url();
    // A nonce belongs to OpenID Connect (it binds the ID token); a plain OAuth server may refuse
    // one without the `openid` scope, as oidc-provider does.
    let url = match openid {
        true => url,
        false => without_param(url, "nonce"),
    };
    if let Err(why) = agent.open(url.as_str()) {
        tracing::warn!("the browser could not be opened: {why}");
    }
    let callback = listener.wait(limit).await?;
    // RFC 6749 §4.1.2.1: the server's refusal, in its words. It is checked after `state`
    // only in what it proves: an error carries no code to misuse.
    if let Some(error) = callback.error {
        return Err(Failure {
            error_code: Some(error.clone()),
            message: callback.error_description,
            ..Failure::new(super::kind_of(&error, None), "")
        });
    }
    if callback.state.as_deref() != Some(state.secret().as_str()) {
        return Err(Failure::new(
            Kind::ProtocolError,
            "the browser came back with another sign-in's state (RFC 6749 §10.12): nothing was \
             exchanged. Sign in again",
        ));
    }
    match (&callback.iss, endpoints.iss_parameter_supported) {
        (Some(iss), _) if iss.trim_end_matches('/') != endpoints.issuer => {
            return Err(Failure::new(
                Kind::ProtocolError,
                format!(
                    "the answer came from the issuer {iss}, not {} (a mix-up, RFC 9207): nothing \
                     was exchanged",
                    endpoints.issuer
                ),
            ));
        }
        (None, true) => {
            return Err(Failure::new(
                Kind::ProtocolError,
                "the server promises `iss` in its answer (RFC 9207) and sent none: nothing was \
                 exchanged",
            ));
        }
        _ => {}
    }
    let Some(code) = callback.code else {
        return Err(Failure::new(
            Kind::ProtocolError,
            "the browser came back without a code or an error",
        ));
    };
    trace.sent.push(code.expose().to_string());
    trace.sent.push(verifier.secret().clone());
    let response = client
        .exchange_code(AuthorizationCode::new(code.expose().to_string()))
        .set_pkce_verifier(verifier)
        .request_async(transport)
        .await;
    trace.take_from(transport);
    let answer = trace.answer.as_ref();
    let response = response.map_err(|e| token_failure(e, answer, "the token request"))?;
    let id_token = match openid {
        true => Some(
            id_token::check_response(
                transport,
                endpoints,
                reg,
                &response,
                id_token::Answering::SignIn(Some(&nonce)),
                now(),
            )
            .await?
            .ok_or_else(|| {
                Failure::new(
                    Kind::ProtocolError,
                    "the server gave no ID token although `openid` was asked for",
                )
            })?,
        ),
        false => None,
    };
    Ok(session(&response, id_token, now(), trace.answer.as_ref()))
}

/// The authorization request's extra parameters: the provider's, `audience`, `resource`.
pub(crate) fn extra_params(spec: &OAuthSpec) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = spec
        .extra_params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(audience) = &spec.audience {
        params.push(("audience".into(), audience.clone()));
    }
    if let Some(resource) = &spec.resource {
        params.push(("resource".into(), resource.clone()));
    }
    params
}

/// `url` without the query parameter `name`.
fn without_param(mut url: url::Url, name: &str) -> url::Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept);
    url
}
