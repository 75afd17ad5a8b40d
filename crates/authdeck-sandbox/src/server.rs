//! The running sandbox: a tokio task serving the router on a loopback port.

use crate::api::{self, Shared};
use crate::stats::Stats;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long `shutdown` lets requests in flight finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox server. Dropping it stops it too (without waiting).
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `addr` (`127.0.0.1:0` picks a free port) and serves the five APIs on it.
    pub async fn start(addr: SocketAddr) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Shared::new(&format!("http://{addr}")).map_err(std::io::Error::other)?;
        let shared = Arc::new(shared);
        let app = api::router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                // A dropped sender means the Sandbox is gone: stop as well.
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::error!(%error, "sandbox server failed");
            }
            tracing::info!(%addr, "sandbox stopped");
        });
        tracing::info!(%addr, "sandbox listening");
        Ok(Sandbox {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address actually bound (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's root URL, e.g. "http://127.0.0.1:8787".
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of one API, by preset id: "http://127.0.0.1:8787/meetra".
    pub fn base_url(&self, api: &str) -> String {
        format!("{}/{api}", self.url())
    }

    /// The OpenID Connect demo issuer: "http://127.0.0.1:8787/oidc" (docs/api/oidc-demo.md).
    pub fn issuer(&self) -> String {
        format!("{}/oidc", self.url())
    }

    /// The request counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.counters.snapshot()
    }

    /// Stops accepting connections and waits for requests in flight (a few seconds at most).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
