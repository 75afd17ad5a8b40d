//! The HTTP policy every request to a login API follows.
//!
//! rustls; a connect and a total timeout; a response body cap enforced while reading; no redirect
//! followed (a credential POST must never be replayed to another origin); plain `http://` only to
//! loopback unless the account allows it. Proxies come from the usual environment variables.

use crate::error::{Error, Result};
use crate::outcome::{Failure, Kind};
use jiff::Timestamp;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use url::Url;
use zeroize::Zeroizing;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_BODY: usize = 1024 * 1024;

/// What a request may do.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The whole exchange, from connecting to the last byte of the body.
    pub timeout: Duration,
    pub allow_insecure_http: bool,
    pub max_body: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: DEFAULT_TIMEOUT,
            allow_insecure_http: false,
            max_body: MAX_BODY,
        }
    }
}

/// A request about to be sent. The body may hold a password: it is zeroized when dropped.
pub struct Outgoing {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
}

/// A request body and its media type. Zeroized on drop: it may hold a password.
pub struct Body {
    pub content_type: &'static str,
    pub bytes: Zeroizing<Vec<u8>>,
}

impl Body {
    pub fn json(bytes: Zeroizing<Vec<u8>>) -> Body {
        Body {
            content_type: "application/json",
            bytes,
        }
    }
}

/// An answer read within the policy.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub retry_after_secs: Option<u64>,
    /// The server's `Date`, when it sent a readable one.
    pub date: Option<Timestamp>,
    /// Every header as sent, names in lower case, in order (`set-cookie` may repeat). Values
    /// that are not visible ASCII are left out.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (any case), in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One client per process, so connections are reused. It is built on the first request:
/// building it reads every system root certificate (over 100 files, ~5 ms), which
/// `authdeck token` on a fresh session never needs.
#[derive(Clone, Default)]
pub struct Http {
    client: Arc<OnceLock<reqwest::Client>>,
    /// Endpoints already joined and checked, for [`Http::endpoint`].
    endpoints: Arc<Mutex<Vec<Endpoint>>>,
}

/// A joined and checked endpoint URL, with what it was made from.
struct Endpoint {
    base_url: String,
    path: String,
    allow_insecure_http: bool,
    url: Url,
}

/// How many endpoints an [`Http`] remembers; past that it starts over.
const ENDPOINTS_KEPT: usize = 64;

impl Http {
    pub fn new() -> Result<Http> {
        Ok(Http::default())
    }

    /// [`endpoint`], remembered: the app and every renewal ask for the same few endpoints
    /// again and again, and parsing one is about a fifth of a login's own work on loopback.
    /// Errors: those of [`endpoint`] (never remembered).
    pub fn endpoint(&self, base_url: &str, path: &str, allow_insecure_http: bool) -> Result<Url> {
        let same = |e: &&Endpoint| {
            e.allow_insecure_http == allow_insecure_http && e.path == path && e.base_url == base_url
        };
        if let Ok(known) = self.endpoints.lock()
            && let Some(known) = known.iter().find(same)
        {
            return Ok(known.url.clone());
        }
        let url = endpoint(base_url, path, allow_insecure_http)?;
        if let Ok(mut known) = self.endpoints.lock() {
            if known.len() >= ENDPOINTS_KEPT {
                known.clear();
            }
            known.push(Endpoint {
                base_url: base_url.to_owned(),
                path: path.to_owned(),
                allow_insecure_http,
                url: url.clone(),
            });
        }
        Ok(url)
    }

    fn client(&self) -> std::result::Result<&reqwest::Client, Failure> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let built = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(concat!("authdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure {
                kind: Kind::NetworkError,
                http_status: None,
                error_code: None,
                message: Some(format!("could not set up the HTTP client: {e}")),
                retry_after_secs: None,
            })?;
        // Two first requests at once may both build one; the first stored is kept.
        Ok(self.client.get_or_init(|| built))
    }

    /// Sends the request and reads the answer within the policy. A refused redirect, an
    /// oversized body, a timeout or a broken connection come back as a `Failure`.
    pub async fn send(
        &self,
        out: Outgoing,
        policy: &Policy,
    ) -> std::result::Result<Answer, Failure> {
        let started = Instant::now();
        let method = out.method.clone();
        let shown_url = shown_url(&out.url);
        let mut request = self
            .client()?
            .request(out.method, out.url)
            .timeout(policy.timeout);
        for (name, value) in &out.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &out.body {
            // A provider's own Content-Type (`--set login.headers.Content-Type=...`) wins over
            // the body format's: one header, not two.
            let own = out
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
            if !own {
                request = request.header(reqwest::header::CONTENT_TYPE, body.content_type);
            }
            request = request.body(body.bytes.to_vec());
        }
        let response = request
            .send()
            .await
            .map_err(|e| transport_failure(&e, &shown_url, policy))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name: reqwest::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let location = header(reqwest::header::LOCATION);
        let date = header(reqwest::header::DATE).and_then(|v| http_date(&v));
        // An HTTP-date in Retry-After is on the server's clock: count from its Date.
        let retry_after_secs = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| retry_after(&v, date.unwrap_or_else(Timestamp::now)));
        let all_headers = headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        tracing::info!(
            %method, url = %shown_url, status, latency_ms = started.elapsed().as_millis() as u64,
            "answer"
        );
        if (300..400).contains(&status) {
            let to = location.as_deref().unwrap_or("(no Location header)");
            return Err(Failure {
                kind: Kind::ProtocolError,
                http_status: Some(status),
                error_code: None,
                message: Some(format!(
                    "the server redirected to {to}; Authdeck does not follow redirects of a credential request, so nothing was sent there. If that is the real address, use it as the base URL."
                )),
                retry_after_secs: None,
            });
        }
        if response
            .content_length()
            .is_some_and(|length| length > policy.max_body as u64)
        {
            return Err(too_big(status, policy.max_body));
        }
        let mut response = response;
        // Room for the length the server gave (at most the cap, checked above): one copy of
        // each chunk, none of the body as it grows.
        let length = response.content_length().unwrap_or(0);
        let mut body =
            Vec::with_capacity(usize::try_from(length).unwrap_or(0).min(policy.max_body));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > policy.max_body {
                        return Err(too_big(status, policy.max_body));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let mut failure = transport_failure(&e, &shown_url, policy);
                    failure.http_status = Some(status);
                    return Err(failure);
                }
            }
        }
        Ok(Answer {
            status,
            content_type,
            location,
            retry_after_secs,
            date,
            headers: all_headers,
            body,
        })
    }
}

/// How long a JWKS fetch may take, from connecting to the last byte.
pub const JWKS_TIMEOUT: Duration = Duration::from_secs(10);

impl Http {
    /// GETs a JSON document within `policy` (no redirects, the body cap, the timeout). A
    /// status other than 200 or a body that is not JSON is an error naming the URL.
    pub async fn get_json(&self, url: &Url, policy: &Policy) -> Result<serde_json::Value> {
        let failed = |what: String| Error::Io(format!("could not fetch {url}: {what}"));
        let out = Outgoing {
            method: reqwest::Method::GET,
            url: url.clone(),
            headers: vec![("accept".into(), "application/json".into())],
            body: None,
        };
        let answer = self.send(out, policy).await.map_err(|f| match f.http_status {
            Some(status) if (300..400).contains(&status) => failed(format!(
                "it redirects (HTTP {status}) and Authdeck follows no redirects; give the final URL"
            )),
            _ => failed(f.message.unwrap_or_else(|| f.kind.describe().to_string())),
        })?;
        if answer.status != 200 {
            return Err(failed(format!(
                "the server answered HTTP {}: {}",
                answer.status,
                excerpt(&answer.body, answer.content_type.as_deref())
            )));
        }
        serde_json::from_slice(&answer.body)
            .map_err(|e| failed(format!("the answer is not JSON ({e})")))
    }
}

/// Fetches an issuer's JWKS (`{"keys": [...]}`) for signature checks: https only (plain http
/// to loopback, for local issuers), no redirects, 10 s, 1 MiB.
pub async fn fetch_jwks(http: &Http, url: &str) -> Result<serde_json::Value> {
    let url = url.trim();
    let mut parsed = Url::parse(url).map_err(|_| {
        Error::Invalid("the JWKS URL is not a URL: give it as https://host/path".into())
    })?;
    // A JWKS is public: credentials in its URL are a mistake, and are never sent or shown.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        return Err(Error::Invalid(format!(
            "the JWKS URL carries a user name or password: a JWKS is public, so none is sent; \
             give it without them ({parsed})"
        )));
    }
    let url = parsed.as_str().to_owned();
    check_scheme(&parsed, false).map_err(|_| {
        Error::Invalid(format!(
            "the JWKS URL {url}: use an https:// URL (plain http is allowed only to localhost)"
        ))
    })?;
    let policy = Policy {
        timeout: JWKS_TIMEOUT,
        ..Policy::default()
    };
    http.get_json(&parsed, &policy).await
}

/// Joins a base URL (which may carry a path prefix) and an endpoint path, and checks the scheme.
pub fn endpoint(base_url: &str, path: &str, allow_insecure_http: bool) -> Result<Url> {
    let base = base_url.trim();
    if base.contains(['?', '#']) {
        return Err(Error::Invalid(format!(
            "the base URL \"{base}\" must not have a query or fragment"
        )));
    }
    let url = Url::parse(&format!("{}{}", base.trim_end_matches('/'), path)).map_err(|e| {
        Error::Invalid(format!(
            "the base URL \"{base}\" is not a valid URL ({e}); give it as https://host[/prefix]"
        ))
    })?;
    check_scheme(&url, allow_insecure_http)?;
    if !written_under(&url, base) {
        under_base(&url, base, path)?;
    }
    Ok(url)
}

/// That `url`, joined from `base` and `path`, keeps the base's origin and path prefix.
/// Errors: Invalid, naming the path that would leave the base.
fn under_base(url: &Url, base: &str, path: &str) -> Result<()> {
    let base_url = http_url(base)?;
    // A path such as "@evil.test/x" or ".evil.test" would move the request to another host.
    if base_url.origin() != url.origin() {
        return Err(Error::Invalid(format!(
            "the path \"{path}\" would take the request away from {base}: an endpoint path must \
             start with '/'"
        )));
    }
    // Nor may "/../other" or "/%2e%2e/other" climb out of the base URL's own path prefix (a
    // gateway's `/talkstack`): the URL parser resolves them before we see the path.
    let prefix = base_url.path().trim_end_matches('/');
    let under = url.path() == prefix
        || url
            .path()
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'));
    if !prefix.is_empty() && !under {
        return Err(Error::Invalid(format!(
            "the path \"{path}\" would leave {base} for {}: `..` cannot climb out of the base \
             URL's path",
            url.path()
        )));
    }
    Ok(())
}

/// Whether `url`, as the parser writes it, starts with `base` (a trailing `/` aside) and then
/// a `/`, the base naming a host of its own: then it has the base's origin and stays under
/// its path prefix, with no need to parse the base (every login and refresh comes here). A
/// base the parser would write otherwise (capitals, a default port, `..`) answers `false`
/// and goes through the full checks, as does one without a host (`https://` alone would
/// take the host from the path).
fn written_under(url: &Url, base: &str) -> bool {
    let base = base.trim_end_matches('/');
    let has_host = base
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    has_host
        && url
            .as_str()
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The origin of `url` as `scheme://host[:port]` (RFC 6454; the default port left out): what
/// a kept secret is bound to. Errors: Invalid (not an http(s) URL with a host).
pub fn origin(url: &str) -> Result<String> {
    Ok(http_url(url)?.origin().ascii_serialization())
}

/// `url` parsed (around spaces trimmed), when it is an http(s) URL with a host. Errors:
/// Invalid, naming `url` as given.
fn http_url(url: &str) -> Result<Url> {
    match Url::parse(url.trim()) {
        Ok(parsed) if parsed.has_host() && matches!(parsed.scheme(), "http" | "https") => {
            Ok(parsed)
        }
        _ => Err(Error::Invalid(format!(
            "\"{url}\" is not an http:// or https:// URL with a host: give it as \
             https://host[/prefix]"
        ))),
    }
}

/// `https` anywhere; plain `http` only to loopback unless explicitly allowed.
pub fn check_scheme(url: &Url, allow_insecure_http: bool) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(Error::Invalid(format!(
            "refusing plain http:// to {}: passwords and tokens would travel unencrypted. Use https://, or allow plain http for the account if you really mean it (`authdeck login ACCOUNT --allow-insecure-http`)",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(Error::Invalid(format!(
            "the URL scheme \"{other}\" is not supported: use https:// (or http:// to localhost)"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn too_big(status: u16, cap: usize) -> Failure {
    Failure {
        kind: Kind::ProtocolError,
        http_status: Some(status),
        error_code: None,
        message: Some(format!(
            "the answer is larger than {} KiB; reading stopped there",
            cap / 1024
        )),
        retry_after_secs: None,
    }
}

/// `url` as logs and messages may show it: a query's values (a key handed out as a query
/// parameter, a signature) and a password read `<redacted>`; names, host and path stay.
pub(crate) fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some(crate::redact::REDACTED));
    }
    if shown.query().is_none() {
        return shown.to_string();
    }
    let names: Vec<String> = url
        .query_pairs()
        .map(|(name, _)| name.into_owned())
        .collect();
    shown.set_query(None);
    let query: Vec<String> = names
        .iter()
        .map(|name| format!("{name}={}", crate::redact::REDACTED))
        .collect();
    format!("{shown}?{}", query.join("&"))
}

fn transport_failure(e: &reqwest::Error, url: &str, policy: &Policy) -> Failure {
    let detail = root_cause(e);
    let message = if e.is_timeout() {
        format!(
            "no complete answer from {url} within {} s: the server is slow or not answering",
            policy.timeout.as_secs_f64()
        )
    } else if e.is_connect() {
        if detail.to_ascii_lowercase().contains("certificate") {
            format!("the TLS certificate of {url} was refused: {detail}")
        } else {
            format!(
                "could not connect to {url}: {detail}. Is the server running and the base URL right?"
            )
        }
    } else if e.is_body() || e.is_decode() {
        format!("the connection broke while reading the answer from {url}: {detail}")
    } else {
        format!("the request to {url} failed: {detail}")
    };
    Failure {
        kind: Kind::NetworkError,
        http_status: None,
        error_code: None,
        message: Some(message),
        retry_after_secs: None,
    }
}

/// The innermost error's words, which say what really happened ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// `Retry-After` as seconds or an HTTP date, counted from `server_now` (the answer's own
/// `Date`: both are on the server's clock).
fn retry_after(value: &str, server_now: Timestamp) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = http_date(value)?;
    let secs = at.duration_since(server_now).as_secs();
    Some(secs.max(0) as u64)
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 section 5.6.7, with the two
/// obsolete forms a recipient must read), or failing that an RFC 2822 date (`+0000` for
/// `GMT`), which some servers send. Every answer's `Date` is read: httpdate reads the fixed
/// form in a tenth of the time of a general date parser.
pub fn http_date(value: &str) -> Option<Timestamp> {
    let value = value.trim();
    match httpdate::parse_http_date(value) {
        Ok(at) => Timestamp::try_from(at).ok(),
        Err(_) => jiff::fmt::rfc2822::parse(value).ok().map(|z| z.timestamp()),
    }
}

/// A short, readable excerpt of a body that is not what we expected: the HTML title and text
/// without tags, whitespace folded, cut at 200 characters. Never the whole thing.
pub fn excerpt(body: &[u8], content_type: Option<&str>) -> String {
    const MAX: usize = 200;
    if body.is_empty() {
        return "(empty body)".into();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
    let is_html =
        content_type.is_some_and(|c| c.contains("html")) || text.trim_start().starts_with('<');
    let mut shown = if is_html {
        let title = between(&text, "<title>", "</title>").map(str::trim);
        let stripped = strip_tags(&text);
        match title {
            Some(t) if !t.is_empty() => format!("HTML page \"{t}\": {stripped}"),
            _ => format!("HTML page: {stripped}"),
        }
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    shown = shown.chars().filter(|c| !c.is_control()).collect();
    if shown.chars().count() > MAX {
        shown = shown.chars().take(MAX).collect::<String>() + "…";
    }
    if body.len() > 1024 {
        shown.push_str(&format!(" ({} bytes in all)", body.len()));
    }
    shown
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find(open)? + open.len();
    let end = lower[start..].find(close)? + start;
    text.get(start..end)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let lower = html.to_ascii_lowercase();
    // Drop <head>, <style> and <script> content: nothing a person wants to read.
    let body_start = lower.find("<body").unwrap_or(0);
    for c in html[body_start..].chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_path_prefix_is_kept() {
        let url = endpoint("https://gw.example.com/talkstack/", "/auth/login", false).unwrap();
        assert_eq!(url.as_str(), "https://gw.example.com/talkstack/auth/login");
    }

    #[test]
    fn a_path_that_would_leave_the_base_urls_origin_is_refused() {
        for path in ["@evil.test/login", ".evil.test/login", ":8443/login"] {
            let err =
                endpoint("https://api.example.com", path, false).expect_err("another host or port");
            assert!(
                err.to_string().contains("must start with '/'"),
                "{path}: {err}"
            );
        }
        assert!(endpoint("https://api.example.com", "//x/login", false).is_ok());
        // A base without a host would take one from the path.
        for (base, path) in [
            ("https://", "/auth/login"),
            ("https:", "evil.test/login"),
            ("https:/", "/evil.test/login"),
            ("http://", "/127.0.0.1/login"),
        ] {
            assert!(
                endpoint(base, path, true).is_err(),
                "{base} + {path} must be refused"
            );
        }
    }

    #[test]
    fn a_url_written_under_its_base_passes_the_full_checks_and_others_go_through_them() {
        let bases = [
            "https://api.example.com",
            "https://api.example.com/",
            "https://gw.example.com/talkstack",
            "https://gw.example.com/talk stack/",
            "https://API.example.com:443/v1",
            "http://127.0.0.1:8787/meetra",
            "http://user@127.0.0.1:8787",
            "https://gw.example.com/a/./b",
            "https://",
            "https:",
            "http://",
            "https:///x",
        ];
        let paths = [
            "/login",
            "/",
            "",
            "//x/login",
            "/../other",
            "/%2e%2e/other",
            "/./login",
            "stack/login",
            "@evil.test/x",
            ".evil.test",
            ":9/x",
            "/login?v=2",
        ];
        let mut fast = 0;
        for base in bases {
            for path in paths {
                let joined = format!("{}{path}", base.trim_end_matches('/'));
                let Ok(url) = Url::parse(&joined) else {
                    continue;
                };
                if written_under(&url, base) {
                    fast += 1;
                    assert!(
                        under_base(&url, base, path).is_ok(),
                        "{base} + {path}: written under the base, yet the full checks refuse it"
                    );
                }
            }
        }
        assert!(fast > 10, "the short way is taken for plain bases ({fast})");
        // A base the parser writes otherwise still goes through the full checks.
        let url = Url::parse("https://api.example.com/v1/login").unwrap();
        assert!(!written_under(&url, "https://API.example.com:443/v1"));
        assert!(under_base(&url, "https://API.example.com:443/v1", "/login").is_ok());
    }

    #[test]
    fn a_remembered_endpoint_is_the_same_url_and_a_refused_one_stays_refused() {
        let http = Http::new().unwrap();
        for _ in 0..2 {
            let url = http.endpoint("https://gw.example.com/talkstack/", "/auth/login", false);
            assert_eq!(
                url.unwrap().as_str(),
                "https://gw.example.com/talkstack/auth/login"
            );
            assert!(
                http.endpoint("https://gw.example.com/talkstack", "/../x", false)
                    .is_err()
            );
            assert!(
                http.endpoint("http://api.example.com", "/l", false)
                    .is_err()
            );
            assert!(http.endpoint("http://api.example.com", "/l", true).is_ok());
        }
        // The same base and path with another scheme rule is another endpoint.
        assert!(
            http.endpoint("http://api.example.com", "/l", false)
                .is_err()
        );
        for i in 0..ENDPOINTS_KEPT + 5 {
            let url = http.endpoint("https://api.example.com", &format!("/{i}"), false);
            assert_eq!(url.unwrap().path(), format!("/{i}"));
        }
        assert!(http.endpoints.lock().unwrap().len() <= ENDPOINTS_KEPT);
    }

    #[test]
    fn the_origin_is_scheme_host_and_a_non_default_port() -> Result<()> {
        assert_eq!(
            origin("https://API.example.com/x/y")?,
            "https://api.example.com"
        );
        assert_eq!(
            origin("https://api.example.com:443/")?,
            "https://api.example.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:8787/user-login")?,
            "http://127.0.0.1:8787"
        );
        assert!(origin("not a url").is_err());
        Ok(())
    }

    #[test]
    fn plain_http_is_refused_except_to_loopback_or_when_allowed() {
        assert!(endpoint("http://127.0.0.1:9/x", "/l", false).is_ok());
        assert!(endpoint("http://localhost:9", "/l", false).is_ok());
        assert!(endpoint("http://[::1]:9", "/l", false).is_ok());
        let err = endpoint("http://api.example.com", "/l", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--allow-insecure-http"), "{err}");
        assert!(endpoint("http://api.example.com", "/l", true).is_ok());
        assert!(endpoint("ftp://api.example.com", "/l", true).is_err());
    }

    #[test]
    fn html_excerpt_is_short_and_readable() {
        let page = format!(
            "<html><head><title>502 Bad Gateway</title><style>x{{}}</style></head><body><h1>Bad Gateway</h1>{}</body></html>",
            "<p>filler</p>".repeat(500)
        );
        let shown = excerpt(page.as_bytes(), Some("text/html"));
        assert!(
            shown.starts_with("HTML page \"502 Bad Gateway\": Bad Gateway"),
            "{shown}"
        );
        assert!(shown.chars().count() < 260, "{shown}");
        assert!(!shown.contains('<'), "{shown}");
    }

    #[test]
    fn retry_after_reads_seconds() {
        let now = Timestamp::now();
        assert_eq!(retry_after("7", now), Some(7));
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_as_a_date_counts_from_the_servers_own_clock() {
        // The server's clock is an hour behind ours: its "in 30 s" is still 30 s.
        let server_now = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:50:07 GMT", server_now),
            Some(30)
        );
    }

    #[test]
    fn http_date_is_read() {
        let t = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.as_second(), 784_111_777);
        for other in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Nov 1994 09:49:37 +0100",
            " Sun, 06 Nov 1994 08:49:37 GMT ",
        ] {
            assert_eq!(http_date(other), Some(t), "{other}");
        }
        assert_eq!(http_date("yesterday"), None);
    }
}
