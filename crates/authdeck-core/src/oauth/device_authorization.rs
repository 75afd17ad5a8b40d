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
    trace.take_from(transport);
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
    // The crate polls on through failed requests (RFC 8628 §3.5 backs off on a timeout), so a
    // server that went away would keep the user waiting until the code expires, unsaid.
    let polling = Polling::new(transport.clone());
    let response: Result<CoreTokenResponse, _> = tokio::select! {
        response = client
            .exchange_device_access_token(&details)
            .request_async(&polling, sleep, None) => response,
        failure = polling.gave_up() => return Err(failure),
    };
    trace.take_from(transport);
    let response = response.map_err(|e| {
        let mut failure = token_failure(e, trace.answer.as_ref(), "the device sign-in");
        if failure.kind == Kind::ExpiredToken && failure.message.is_none() {
            failure.message = Some("the code expired before it was approved: sign in again".into());
        }
        failure
    })?;
    let id_token = id_token::check_response(
        transport,
        endpoints,
        reg,
        &response,
        id_token::Answering::SignIn(None),
        now(),
    )
    .await?;
    Ok(session(&response, id_token, now(), trace.answer.as_ref()))
}

/// Polls in a row that may fail to reach the server before the sign-in gives up: with the
/// crate's back-off (doubling, at most 10 s) that is about half a minute of silence.
pub const MAX_MISSED_POLLS: u32 = 3;

/// The transport for the polls, counting the requests in a row that got no answer.
struct Polling {
    transport: Transport,
    missed: std::sync::Mutex<(u32, Option<Failure>)>,
    enough: tokio::sync::Notify,
}

impl Polling {
    fn new(transport: Transport) -> Polling {
        Polling {
            transport,
            missed: std::sync::Mutex::new((0, None)),
            enough: tokio::sync::Notify::new(),
        }
    }

    /// Resolves once [`MAX_MISSED_POLLS`] polls in a row failed, with why the last one did.
    async fn gave_up(&self) -> Failure {
        self.enough.notified().await;
        let last = self.missed.lock().ok().and_then(|mut m| m.1.take());
        let why = last.map_or_else(|| "no answer".to_string(), |f| f.summary());
        Failure::new(
            Kind::NetworkError,
            format!(
                "the server stopped answering while the code waited for approval \
                 ({MAX_MISSED_POLLS} polls in a row failed; the last: {why}): check that it is \
                 up, then sign in again"
            ),
        )
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for Polling {
    type Error = super::transport::TransportError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, Self::Error>> + Send + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let result = self.transport.call(request).await;
            if let Ok(mut missed) = self.missed.lock() {
                match &result {
                    Ok(_) => *missed = (0, None),
                    Err(e) => {
                        *missed = (missed.0 + 1, Some(e.0.clone()));
                        if missed.0 >= MAX_MISSED_POLLS {
                            self.enough.notify_one();
                        }
                    }
                }
            }
            result
        })
    }
}
