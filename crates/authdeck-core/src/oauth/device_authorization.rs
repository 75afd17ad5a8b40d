//! The device authorization grant (RFC 8628): ask for a user code, show it, and poll the
//! token endpoint at the server's `interval`, through `authorization_pending` and `slow_down`
//! (5 s more each time, §3.5) until the user approves, denies, or the code expires.

use super::transport::Transport;
use super::{
    DeviceCode, Endpoints, Registration, Trace, UserAgent, id_token, session, token_failure,
};
use crate::deck::Clock;
use crate::outcome::{Attempt, Failure, Kind, Session};
use crate::provider::OAuthSpec;
use oauth2::{DeviceAuthorizationUrl, Scope, TokenUrl};
use openidconnect::core::{CoreDeviceAuthorizationResponse, CoreTokenResponse};
use std::time::{Duration, Instant};

/// Runs the grant: the code goes to `agent` to be shown, then the token endpoint is polled
/// until an answer other than "pending" comes (or the code's lifetime ends). `sleep` waits
/// between polls (tokio's sleep; tests pass a short one).
pub async fn sign_in<S, F>(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    agent: &dyn UserAgent,
    sleep: S,
    now: Clock<'_>,
) -> Attempt
where
    S: Fn(Duration) -> F,
    F: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    let mut trace = Trace::default();
    let result = run(
        transport, endpoints, reg, spec, agent, sleep, now, &mut trace,
    )
    .await;
    trace.attempt(result, started)
}

#[allow(clippy::too_many_arguments)]
async fn run<S, F>(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    spec: &OAuthSpec,
    agent: &dyn UserAgent,
    sleep: S,
    now: Clock<'_>,
    trace: &mut Trace,
) -> Result<Session, Failure>
where
    S: Fn(Duration) -> F,
    F: std::future::Future<Output = ()>,
{
    let device_url = endpoints.need(
        &endpoints.device_authorization,
        "device_authorization_endpoint",
    )?;
    let token_url = endpoints.need(&endpoints.token, "token_endpoint")?;
    let client = super::client(endpoints, reg)?
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(device_url))
        .set_token_uri(TokenUrl::from_url(token_url));
    if let Some(secret) = &reg.client_secret {
        trace.sent.push(secret.expose().to_string());
    }
    let mut request = client
        .exchange_device_code()
        .add_scopes(spec.scopes.iter().map(|s| Scope::new(s.clone())));
    for (name, value) in super::authorization_code::extra_params(spec) {
        request = request.add_extra_param(name, value);
    }
    let details: Result<CoreDeviceAuthorizationResponse, _> =
        request.request_async(transport).await;
    trace.answer = transport.take_last();
    let details = details
        .map_err(|e| token_failure(e, trace.answer.as_ref(), "the device authorization request"))?;
    trace.sent.push(details.device_code().secret().clone());
    agent.show_device_code(&DeviceCode {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        verification_uri_complete: details
            .verification_uri_complete()
            .map(|u| u.secret().clone()),
        expires_in_secs: details.expires_in().as_secs(),
        interval_secs: details.interval().as_secs(),
    });
    let response: Result<CoreTokenResponse, _> = client
        .exchange_device_access_token(&details)
        .request_async(transport, sleep, None)
        .await;
    trace.answer = transport.take_last();
    let response = response.map_err(|e| {
        let mut failure = token_failure(e, trace.answer.as_ref(), "the device sign-in");
        if failure.kind == Kind::ExpiredToken && failure.message.is_none() {
            failure.message = Some("the code expired before it was approved: sign in again".into());
        }
        failure
    })?;
    let id_token =
        id_token::check_response(transport, endpoints, reg, &response, None, now()).await?;
    Ok(session(&response, id_token, now(), trace.answer.as_ref()))
}
