//! The `oauth2` / `openidconnect` crates' HTTP client, over core's own [`Http`]: the same
//! policy as every login (a total timeout, the size cap, no redirect followed, https except to
//! loopback) holds for discovery, token, revocation and introspection requests.

use crate::http::{Answer, Body, Http, Outgoing, Policy};
use crate::outcome::{Failure, RawRequest};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use zeroize::Zeroizing;

/// An HTTP client for the OAuth crates (their `AsyncHttpClient`). It keeps the last answer,
/// because the crates keep only what they parse: QA wants the status and the raw body.
#[derive(Clone)]
pub struct Transport {
    pub http: Http,
    pub policy: Policy,
    last: Arc<Mutex<Option<Answer>>>,
    /// The last request sent, as it may be shown (history's "Request and response").
    last_request: Arc<Mutex<Option<RawRequest>>>,
    /// `(https, http)`: a request for the first goes to the second. See [`Transport::plain`].
    downgrade: Option<(url::Url, url::Url)>,
}

impl Transport {
    pub fn new(http: Http, policy: Policy) -> Transport {
        Transport {
            http,
            policy,
            last: Arc::default(),
            last_request: Arc::default(),
            downgrade: None,
        }
    }

    /// The `oauth2` crate refuses a revocation endpoint that is not https (RFC 7009 §2), even
    /// on loopback, where the policy allows plain http for local issuers. For such a `url`,
    /// returns the https form to give the crate and a transport that sends it to `url`
    /// itself; any other URL is returned as it is.
    pub fn plain(&self, url: url::Url) -> (url::Url, Transport) {
        let mut https = url.clone();
        if url.scheme() != "http" || https.set_scheme("https").is_err() {
            return (url, self.clone());
        }
        let transport = Transport {
            downgrade: Some((https.clone(), url)),
            ..self.clone()
        };
        (https, transport)
    }

    /// The last answer received, taken (so the next request's is not confused with it).
    pub fn take_last(&self) -> Option<Answer> {
        self.last.lock().ok().and_then(|mut last| last.take())
    }

    /// The last request sent, as it may be shown, taken.
    pub fn take_last_request(&self) -> Option<RawRequest> {
        self.last_request
            .lock()
            .ok()
            .and_then(|mut last| last.take())
    }
}

/// A request that could not be sent or answered within the policy; the failure says why in
/// the user's words.
#[derive(Debug)]
pub struct TransportError(pub Failure);

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.summary())
    }
}

impl std::error::Error for TransportError {}

impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let mut out = outgoing(request, &self.policy).map_err(TransportError)?;
            if let Some((from, to)) = &self.downgrade
                && out.url == *from
            {
                out.url = to.clone();
                crate::http::check_scheme(&out.url, self.policy.allow_insecure_http).map_err(
                    |e| TransportError(Failure::new(crate::Kind::BadRequest, e.to_string())),
                )?;
            }
            if let Ok(mut last) = self.last_request.lock() {
                *last = Some(shown(&out));
            }
            let answer = self
                .http
                .send(out, &self.policy)
                .await
                .map_err(TransportError)?;
            if let Ok(mut last) = self.last.lock() {
                *last = Some(answer.clone());
            }
            let mut response = http::Response::builder().status(answer.status);
            for (name, value) in &answer.headers {
                response = response.header(name.as_str(), value.as_str());
            }
            response.body(answer.body).map_err(|e| {
                TransportError(Failure::new(
                    crate::Kind::ProtocolError,
                    format!("the server's answer could not be read: {e}"),
                ))
            })
        })
    }
}

/// Names of form fields that carry a grant's secrets without saying so (RFC 6749 §4.1.3,
/// RFC 7636 §4.5, RFC 8628 §3.4, RFC 7521 §4.1).
const GRANT_SECRETS: [&str; 4] = ["code", "code_verifier", "device_code", "assertion"];

/// A request as it may be shown: secret-named and grant-secret form fields, `Authorization`
/// (client_secret_basic) and JWT-shaped values hidden. The caller also cuts what it knows it
/// sent ([`super::Trace`]).
fn shown(out: &Outgoing) -> RawRequest {
    use crate::redact::{self, REDACTED};
    let bytes: &[u8] = out.body.as_ref().map(|b| &b.bytes[..]).unwrap_or_default();
    let content_type = out.body.as_ref().map(|b| b.content_type.to_string());
    let body = match content_type.as_deref() {
        Some("application/x-www-form-urlencoded") => url::form_urlencoded::parse(bytes)
            .map(|(name, value)| {
                let hidden = redact::names_secret(&name) || GRANT_SECRETS.contains(&&*name);
                let value = if hidden {
                    REDACTED.to_string()
                } else {
                    value.into_owned()
                };
                let encode = |t: &str| {
                    url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
                };
                match hidden {
                    true => format!("{}={value}", encode(&name)),
                    false => format!("{}={}", encode(&name), encode(&value)),
                }
            })
            .collect::<Vec<_>>()
            .join("&"),
        _ => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(json) => redact::json_text(&json, &[], redact::as_is, true, 2 * bytes.len()),
            Err(_) => {
                let text = String::from_utf8_lossy(bytes);
                redact::jwts_in(&text).unwrap_or_else(|| text.into_owned())
            }
        },
    };
    RawRequest {
        method: out.method.to_string(),
        url: crate::http::shown_url(&out.url),
        headers: out
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), redact::header(name, value)))
            .collect(),
        content_type,
        body,
    }
}

/// The crates' request as ours, after the scheme check (https, or http to loopback unless
/// the account allows it).
fn outgoing(request: oauth2::HttpRequest, policy: &Policy) -> Result<Outgoing, Failure> {
    let (parts, body) = request.into_parts();
    let url = url::Url::parse(&parts.uri.to_string()).map_err(|e| {
        Failure::new(
            crate::Kind::ProtocolError,
            format!("the endpoint {} is not a URL: {e}", parts.uri),
        )
    })?;
    crate::http::check_scheme(&url, policy.allow_insecure_http)
        .map_err(|e| Failure::new(crate::Kind::BadRequest, e.to_string()))?;
    let mut content_type = None;
    let mut headers = Vec::new();
    for (name, value) in &parts.headers {
        let Ok(value) = value.to_str() else { continue };
        if name == http::header::CONTENT_TYPE {
            content_type = Some(value.to_string());
        } else {
            headers.push((name.as_str().to_string(), value.to_string()));
        }
    }
    let body = (!body.is_empty()).then(|| Body {
        content_type: match content_type.as_deref() {
            Some(t) if t.starts_with("application/json") => "application/json",
            _ => "application/x-www-form-urlencoded",
        },
        // The body holds the code verifier, a refresh token or a client secret.
        bytes: Zeroizing::new(body),
    });
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
        .unwrap_or(reqwest::Method::POST);
    Ok(Outgoing {
        method,
        url,
        headers,
        body,
    })
}
