//! A loopback reverse proxy in front of an account's API: every request goes on with a fresh
//! token, in the header (or query parameter) the API wants, so a tool that cannot renew
//! tokens (a browser extension, a load test, an old script) never sees one expire.
//!
//! Loopback only. Any `Authorization` (and the API's own token header) the client sent is
//! replaced. Bodies and answers stream through untouched; a request body of known length up to
//! [`RETRY_BODY_LIMIT`] is held, so that on a 401 the proxy renews the session once and sends
//! the request again. When the session cannot be renewed, the proxy answers 502 with a JSON
//! error naming the account, and serves again as soon as the account is renewed.

use crate::deck::{Deck, Handoff};
use crate::http::Http;
use crate::{Error, Result};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use jiff::{SignedDuration, Timestamp};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{Mutex, oneshot};
use tokio::task::JoinHandle;
use url::Url;

/// Request bodies up to this size (with a `Content-Length`) are held for one retry after a 401.
pub const RETRY_BODY_LIMIT: usize = 1024 * 1024;

/// What to proxy.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    pub account: String,
    /// Must be a loopback address (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Where requests go; the account's base URL when `None`.
    pub upstream: Option<String>,
    /// A token is renewed before it has less than this left.
    pub min_valid: SignedDuration,
}

/// A running proxy. Dropping it stops it.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    upstream: Url,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

struct Inner {
    deck: Arc<Deck>,
    http: Http,
    account: String,
    /// When the account was made: the same name later may be another account.
    created_at: Timestamp,
    upstream: Url,
    min_valid: SignedDuration,
    client: reqwest::Client,
    /// The session in use, and when it was last checked against the account; one renewal at
    /// a time within the proxy (the account's lock does it across processes).
    /// (session, last checked, fetched).
    current: Mutex<Option<(Handoff, std::time::Instant, std::time::Instant)>>,
}

/// How often the session in use is checked against the account (a logout, an edit, a renewal
/// by another process): a logout stops the proxy's use of the token within this time.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Starts a proxy for `config.account`. Errors: Invalid (a listen address that is not
/// loopback, an upstream that is not an http(s) URL, plain http to a host other than loopback
/// unless the account allows it), NotFound (no such account), Io (the port is taken).
pub async fn start(deck: Arc<Deck>, http: Http, config: ProxyConfig) -> Result<Proxy> {
    if !config.listen.ip().is_loopback() {
        return Err(Error::Invalid(format!(
            "the proxy listens on loopback only (127.0.0.1 or [::1]), not {}: any process \
             that reaches its port gets the account's token",
            config.listen.ip()
        )));
    }
    let account = deck.account(&config.account)?;
    let upstream_text = config
        .upstream
        .clone()
        .unwrap_or_else(|| account.config.base_url.clone());
    let upstream = Url::parse(&upstream_text)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "the upstream {upstream_text:?} is not an http:// or https:// URL"
            ))
        })?;
    crate::http::check_scheme(&upstream, account.config.allow_insecure_http)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            Error::Io(match e.kind() {
                std::io::ErrorKind::AddrInUse => format!(
                    "{} is already in use: choose another port with --listen 127.0.0.1:PORT",
                    config.listen
                ),
                _ => format!("could not listen on {}: {e}", config.listen),
            })
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Io(format!("could not read the proxy's address: {e}")))?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(crate::http::CONNECT_TIMEOUT)
        .build()
        .map_err(|e| Error::Io(format!("could not set up the proxy's HTTP client: {e}")))?;
    let inner = Arc::new(Inner {
        deck,
        http,
        created_at: account.created_at,
        account: config.account,
        upstream: upstream.clone(),
        min_valid: config.min_valid,
        client,
        current: Mutex::new(None),
    });
    let app = axum::Router::new().fallback(forward).with_state(inner);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(error) = served.await {
            tracing::error!(%error, "the proxy stopped");
        }
    });
    Ok(Proxy {
        addr,
        upstream,
        stop: Some(stop),
        task: Some(task),
    })
}

impl Proxy {
    /// Where it listens (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn upstream(&self) -> &Url {
        &self.upstream
    }

    /// Stops taking requests and lets those in flight finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Inner {
    /// The account this proxy was started for: under its name, and the very one (a rename
    /// and a new account of the old name must not get another account's token sent here).
    /// Errors: NotFound, Conflict (the name now belongs to another account).
    fn same_account(&self) -> Result<crate::accounts::Account> {
        let account = self.deck.account(&self.account).map_err(|e| match e {
            Error::NotFound(_) => Error::NotFound(format!(
                "{} was renamed or removed since this proxy started: start a proxy for its new \
                 name",
                self.account
            )),
            e => e,
        })?;
        if account.created_at != self.created_at {
            return Err(Error::Conflict(format!(
                "{} is another account than the one this proxy was started for (it was renamed \
                 or removed, and the name reused): start the proxy again",
                self.account
            )));
        }
        Ok(account)
    }

    /// The header name and value to send, renewing first when the token is about to expire
    /// (or, with `force`, after the upstream refused it).
    async fn credential(
        &self,
        force: bool,
    ) -> Result<(Option<HeaderName>, Zeroizing, Option<String>)> {
        let mut current = self.current.lock().await;
        // Signed out, edited or renewed elsewhere: what is held is no longer the session.
        if let Some((h, checked, _)) = current.as_mut()
            && checked.elapsed() >= RECHECK
        {
            let account = self.same_account()?;
            let same = account.session.signed_in
                && account.session.token_fingerprint.as_deref()
                    == Some(crate::secret::fingerprint(&h.token).as_str());
            if same {
                *checked = std::time::Instant::now();
            } else {
                *current = None;
            }
        }
        // A token that lives less than `min_valid` from the start is used until half of what
        // it had is gone, rather than renewed on every request.
        let fresh = current.as_ref().is_some_and(|(h, _, fetched)| {
            h.expires_at.is_none_or(|t| {
                let left = t.duration_since(Timestamp::now());
                let had = left + SignedDuration::try_from(fetched.elapsed()).unwrap_or_default();
                left >= self.min_valid.min(had / 2)
            })
        });
        if force {
            self.deck
                .refresh(&self.http, &self.account)
                .await
                .map_err(|e| match e {
                    // A refusal says more when it names the account.
                    Error::Refused(f) => Error::SessionExpired(format!(
                        "{} was refused by its server on renewal: {}",
                        self.account,
                        f.summary()
                    )),
                    e => e,
                })?;
        }
        if force || !fresh {
            *current = None;
            self.same_account()?;
            let handoff = self
                .deck
                .handoff(&self.http, &self.account, self.min_valid, &Timestamp::now)
                .await?;
            if let Some(warning) = &handoff.warning {
                tracing::warn!(account = %self.account, "{warning}");
            }
            let now = std::time::Instant::now();
            *current = Some((handoff, now, now));
        }
        let (h, _, _) = current
            .as_ref()
            .ok_or_else(|| Error::SessionExpired(format!("{} has no session", self.account)))?;
        let query = h.presentation.query.clone().map(|name| {
            let value: String =
                url::form_urlencoded::byte_serialize(h.token.expose().as_bytes()).collect();
            format!("{name}={value}")
        });
        let name = match query {
            Some(_) => None,
            None => HeaderName::from_bytes(h.presentation.header.as_bytes()).ok(),
        };
        Ok((
            name,
            zeroize::Zeroizing::new(h.presentation.value(&h.token).to_string()),
            query,
        ))
    }

    /// The upstream URL of a request: the upstream's path prefix, then the request's path and
    /// query, then the token's query parameter when the API takes it there.
    fn target(&self, path_and_query: &str, query: Option<&str>) -> Result<Url> {
        let base = self.upstream.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{path_and_query}"))
            .map_err(|e| Error::Invalid(format!("a request path could not be joined: {e}")))?;
        // `..` (even as %2e%2e) is resolved while parsing: what is left must stay under the
        // upstream's path, or a gateway's other services would get this account's token.
        let prefix = self.upstream.path().trim_end_matches('/');
        let inside = url.origin() == self.upstream.origin()
            && (url.path() == prefix
                || url.path().starts_with(&format!("{prefix}/"))
                || prefix.is_empty());
        if !inside {
            return Err(Error::Invalid(format!(
                "the request's path leaves the upstream {}: refused",
                self.upstream
            )));
        }
        if let Some(q) = query {
            let joined = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{q}"),
                _ => q.to_string(),
            };
            url.set_query(Some(&joined));
        }
        Ok(url)
    }
}

type Zeroizing = zeroize::Zeroizing<String>;

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn end_to_end(headers: &HeaderMap, also_drop: Option<&HeaderName>) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        let hop = HOP_BY_HOP.contains(&name.as_str())
            || name == header::HOST
            || name == header::AUTHORIZATION
            || also_drop.is_some_and(|d| d == name);
        if !hop {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

async fn forward(State(inner): State<Arc<Inner>>, request: Request) -> Response {
    match proxied(&inner, request).await {
        Ok(response) => response,
        // The client's request itself is wrong (a path leaving the upstream): 400.
        Err(e @ Error::Invalid(_)) => json_error(StatusCode::BAD_REQUEST, &inner.account, &e),
        Err(e) => json_error(StatusCode::BAD_GATEWAY, &inner.account, &e),
    }
}

async fn proxied(inner: &Inner, request: Request) -> Result<Response> {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let length = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // No body (neither a length nor chunks: RFC 9112 §6.3), or one of known, small length, is
    // held for one retry; anything else streams through.
    let chunked = parts.headers.contains_key(header::TRANSFER_ENCODING);
    let mut held = None;
    let mut streamed = Some(body);
    if length.is_none() && !chunked {
        streamed = None;
        held = Some(axum::body::Bytes::new());
    } else if length.is_some_and(|l| l <= RETRY_BODY_LIMIT)
        && let Some(body) = streamed.take()
    {
        let bytes = axum::body::to_bytes(body, RETRY_BODY_LIMIT)
            .await
            .map_err(|e| Error::Io(format!("the client's request body broke off: {e}")))?;
        held = Some(bytes);
    }
    let mut force = false;
    loop {
        let (name, value, query) = inner.credential(force).await?;
        let url = inner.target(&path, query.as_deref())?;
        let mut headers = end_to_end(&parts.headers, name.as_ref());
        if let Some(name) = &name {
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                Error::Invalid("the token cannot be sent in a header (not printable ASCII)".into())
            })?;
            value.set_sensitive(true);
            headers.insert(name.clone(), value);
        }
        let mut upstream = inner
            .client
            .request(parts.method.clone(), url.clone())
            .headers(headers);
        upstream = match (&held, streamed.take()) {
            (Some(bytes), _) if bytes.is_empty() && length.is_none() => upstream,
            (Some(bytes), _) => upstream.body(bytes.clone()),
            (None, Some(body)) => {
                upstream.body(reqwest::Body::wrap_stream(body.into_data_stream()))
            }
            (None, None) => upstream,
        };
        let answer = upstream.send().await.map_err(|e| {
            Error::Io(format!(
                "the upstream {} did not answer: {}",
                inner.upstream,
                root_cause(&e)
            ))
        })?;
        // One renewal and one retry, when the body can be sent again.
        if answer.status().as_u16() == 401 && !force && held.is_some() {
            tracing::info!(account = %inner.account, "upstream answered 401: renewing once and retrying");
            force = true;
            continue;
        }
        return Ok(relay(answer));
    }
}

/// The upstream's answer as it came: status, end-to-end headers, the body streamed.
fn relay(answer: reqwest::Response) -> Response {
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = end_to_end(answer.headers(), None);
    let body = Body::from_stream(answer.bytes_stream().map_err(std::io::Error::other));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// `{"error": {"code", "message", "account"}}` with `status`: 502 when the proxy could not send
/// the request on (no session, a renewal refused, the upstream unreachable), 400 when the
/// request itself is refused.
fn json_error(status: StatusCode, account: &str, e: &Error) -> Response {
    let payload = crate::error::ErrorPayload::from(e);
    let body = serde_json::json!({
        "error": {
            "code": payload.code,
            "message": payload.message,
            "account": account,
        }
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
