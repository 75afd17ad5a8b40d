//! "Try it": one GET with the account's fresh token to a path of its API, to see that the
//! token works (a single request, not an API client). Nothing of it is stored.

use super::{Clock, Deck};
use crate::http::{self, Outgoing};
use crate::outcome::{Failure, RawAnswer, RawRequest};
use crate::redact::REDACTED;
use crate::secret::Secret;
use crate::{Error, Result};
use jiff::SignedDuration;
use serde::Serialize;
use std::time::Instant;

/// What a probe sent and what came back, secrets hidden.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Probe {
    /// The GET as sent, the token shown as `<redacted>`.
    pub request: RawRequest,
    /// The server's answer; `None` when none came (then `failure` says why).
    pub answer: Option<RawAnswer>,
    /// Why no answer came: the server could not be reached, timed out, or sent too much.
    pub failure: Option<Failure>,
    /// From sending the request to the whole answer, in ms.
    pub latency_ms: u64,
    /// The probe first renewed the session (its token was too close to expiry).
    pub renewed: bool,
}

impl Deck {
    /// Sends `GET {base URL}{path}` with the account's token, presented as its provider says
    /// (header and scheme, or query parameter), renewing the session first when it has expired.
    /// The answer is hidden by shape like a login's, and the token cut out of it. Errors:
    /// Invalid (a path that does not start with `/` or leaves the API's origin; plain http
    /// where the account does not allow it), NotFound, and whatever getting a token can fail
    /// with (signed out, renewal refused: see [`Deck::token`]).
    pub async fn probe(
        &self,
        http: &crate::http::Http,
        name: &str,
        path: &str,
        clock: Clock<'_>,
    ) -> Result<Probe> {
        let path = path.trim();
        if !path.starts_with('/') {
            return Err(Error::Invalid(format!(
                "the path {path:?} must start with '/': it is added to the account's base URL, \
                 as in /me or /v1/users?limit=1"
            )));
        }
        let account = self.account(name)?;
        let policy = account.config.policy();
        let mut url = http::endpoint(&account.config.base_url, path, policy.allow_insecure_http)?;
        let out = self.token(http, name, SignedDuration::ZERO, clock).await?;
        let shown = self.presentation(&out)?;
        let token = out.token.expose();
        // The request as shown: the token as a placeholder that reads as one (written out, not
        // encoded as %3Credacted%3E).
        let placeholder = Secret::new(REDACTED);
        let mut headers = Vec::new();
        let mut shown_headers = Vec::new();
        let shown_url = match &shown.query {
            Some(param) => {
                let name: String = url::form_urlencoded::byte_serialize(param.as_bytes()).collect();
                let joint = if url.query().is_some() { '&' } else { '?' };
                let written = format!("{url}{joint}{name}={REDACTED}");
                url.query_pairs_mut().append_pair(param, token);
                written
            }
            None => {
                headers.push((shown.header.clone(), shown.value(&out.token).to_string()));
                shown_headers.push((shown.header.clone(), shown.value(&placeholder).to_string()));
                url.to_string()
            }
        };
        let request = RawRequest {
            method: "GET".into(),
            url: shown_url,
            headers: shown_headers,
            content_type: None,
            body: String::new(),
        };
        let started = Instant::now();
        let sent = http
            .send(
                Outgoing {
                    method: reqwest::Method::GET,
                    url,
                    headers,
                    body: None,
                },
                &policy,
            )
            .await;
        let latency_ms = started.elapsed().as_millis() as u64;
        let (answer, failure) = match sent {
            Ok(answer) => (
                Some(crate::exchange::shown_answer(answer, &[token], &[])),
                None,
            ),
            Err(failure) => (None, Some(failure)),
        };
        Ok(Probe {
            request,
            answer,
            failure,
            latency_ms,
            renewed: out.renewed.is_some(),
        })
    }
}
