//! The loopback redirect of a native app (RFC 8252 §7.3): a listener on 127.0.0.1 that takes
//! one authorization response, within a time limit, and then closes.

use crate::outcome::{Failure, Kind};
use crate::secret::Secret;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// How long the browser has to come back, unless the caller says otherwise: long enough to
/// type a password and approve a second factor.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// What the authorization server sent back through the browser (RFC 6749 §4.1.2, RFC 9207).
#[derive(Debug, Default)]
pub struct Callback {
    pub code: Option<Secret>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

impl Callback {
    /// The authorization response's parameters from the redirect's query (untrusted: anyone
    /// on the machine can send one); unknown parameters are ignored, the first of a repeated
    /// one is kept.
    pub fn from_query(query: &str) -> Callback {
        let mut callback = Callback::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "state" => &mut callback.state,
                "iss" => &mut callback.iss,
                "error" => &mut callback.error,
                "error_description" => &mut callback.error_description,
                "code" if callback.code.is_none() => {
                    callback.code = Some(Secret::new(value.as_ref()));
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        callback
    }
}

/// A listener waiting for one redirect.
pub struct Listener {
    port: u16,
    path: String,
    received: oneshot::Receiver<Callback>,
    server: tokio::task::JoinHandle<()>,
}

type Slot = Arc<Mutex<Option<oneshot::Sender<Callback>>>>;

impl Listener {
    /// Listens on 127.0.0.1:`port` (0: any free port) for a GET of `path`. Errors: a failure
    /// naming the port when it cannot be bound (in use, or not allowed).
    pub async fn bind(port: u16, path: &str) -> Result<Listener, Failure> {
        let socket = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| {
                Failure::new(
                    Kind::NetworkError,
                    format!(
                        "could not listen on 127.0.0.1:{port} for the browser's redirect ({e}): \
                         close what uses the port, or set oauth.redirect_port to another one"
                    ),
                )
            })?;
        let port = socket.local_addr().map(|a| a.port()).unwrap_or(port);
        let (sender, received) = oneshot::channel();
        let slot: Slot = Arc::new(Mutex::new(Some(sender)));
        let router = axum::Router::new()
            .route(path, axum::routing::get(redirected))
            .with_state(slot);
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(socket, router).await {
                tracing::warn!("the redirect listener stopped: {e}");
            }
        });
        Ok(Listener {
            port,
            path: path.to_string(),
            received,
            server,
        })
    }

    /// The `redirect_uri` to register and send: `http://127.0.0.1:PORT/PATH`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// The first redirect to arrive, or a failure after `limit`. The listener closes either
    /// way: a second redirect finds nobody.
    pub async fn wait(mut self, limit: Duration) -> Result<Callback, Failure> {
        let outcome = tokio::time::timeout(limit, &mut self.received).await;
        self.server.abort();
        match outcome {
            Ok(Ok(callback)) => Ok(callback),
            Ok(Err(_)) => Err(Failure::new(
                Kind::NetworkError,
                "the redirect listener stopped before the browser came back",
            )),
            Err(_) => Err(Failure::new(
                Kind::ExpiredToken,
                format!(
                    "the browser did not come back within {} s. If the server's page showed \
                     an error instead of a sign-in (an unknown client id, a redirect URI it does \
                     not allow), fix that first: the client id is set with --client-id, or in \
                     the account's OAuth settings. Otherwise sign in again, and finish in the \
                     browser before the time is up",
                    limit.as_secs()
                ),
            )),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The one redirect: its query goes to the waiting sign-in; the browser gets a page that
/// says to close the tab and carries nothing of what came.
async fn redirected(State(slot): State<Slot>, RawQuery(query): RawQuery) -> Html<&'static str> {
    let sender = slot.lock().ok().and_then(|mut s| s.take());
    let Some(sender) = sender else {
        return Html(PAGE_USED);
    };
    let callback = Callback::from_query(&query.unwrap_or_default());
    let page = match callback.error.is_some() {
        true => PAGE_REFUSED,
        false => PAGE_DONE,
    };
    // The sign-in may have given up meanwhile; the page is the same.
    let _ = sender.send(callback);
    Html(page)
}

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>Authdeck</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Back to Authdeck</h1>\
<p>Authdeck has the server's answer and finishes the sign-in; it shows whether it worked. \
You can close this tab.</p></body>";

const PAGE_REFUSED: &str = "<!doctype html><meta charset=utf-8><title>Authdeck</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Not signed in</h1>\
<p>The sign-in was not completed. Authdeck shows why. You can close this tab.</p></body>";

const PAGE_USED: &str = "<!doctype html><meta charset=utf-8><title>Authdeck</title>\
<body style=\"font:16px system-ui;margin:3em\"><h1>Already used</h1>\
<p>This sign-in link was already used. Start the sign-in again in Authdeck.</p></body>";
