//! The `oauth2` / `openidconnect` crates' HTTP client, over core's own [`Http`]: the same
//! policy as every login (a total timeout, the size cap, no redirect followed, https except to
//! loopback) holds for discovery, token, revocation and introspection requests.

use crate::http::{Answer, Body, Http, Outgoing, Policy};
use crate::outcome::Failure;
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
    /// `(https, http)`: a request for the first goes to the second. See [`Transport::plain`].
    downgrade: Option<(url::Url, url::Url)>,
}

impl Transport {
    pub fn new(http: Http, policy: Policy) -> Transport {
        Transport {
            http,
            policy,
            last: Arc::default(),
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
