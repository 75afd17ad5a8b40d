//! Hostile servers started inside the test: raw TCP, so they can misbehave in ways a framework
//! would not allow (no answer, a slow drip, a reset mid-body, garbage instead of HTTP).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A listener on 127.0.0.1 running one handler per connection; stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections it accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves every connection with `handler`.
pub async fn serve<F, Fut>(handler: F) -> std::io::Result<Server>
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    let handler = Arc::new(handler);
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let handler = Arc::clone(&handler);
            tokio::spawn(async move { handler(stream).await });
        }
    });
    Ok(Server {
        addr,
        connections,
        task,
    })
}

/// Answers every request with this status, headers and body (`Content-Length` added, then the
/// connection is closed).
pub async fn canned(
    status: u16,
    headers: &[(&str, &str)],
    body: impl Into<Vec<u8>>,
) -> std::io::Result<Server> {
    let head = response_head(status, headers, Some(0));
    let body: Vec<u8> = body.into();
    let head = head.replace(
        "Content-Length: 0",
        &format!("Content-Length: {}", body.len()),
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    let bytes = Arc::new(bytes);
    serve(move |mut stream| {
        let bytes = Arc::clone(&bytes);
        async move {
            if read_request(&mut stream).await.is_ok() {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            }
        }
    })
    .await
}

/// A JSON answer.
pub async fn json(status: u16, body: &str) -> std::io::Result<Server> {
    canned(status, &[("Content-Type", "application/json")], body).await
}

/// The status line and headers, with `Content-Length` when given and `Connection: close`.
pub fn response_head(status: u16, headers: &[(&str, &str)], length: Option<usize>) -> String {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        306 => "Switch Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// Reads one request (head and `Content-Length` body) and returns it.
pub async fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return Ok(data);
            }
        }
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
