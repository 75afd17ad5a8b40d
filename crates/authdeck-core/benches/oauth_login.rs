//! An authorization code + PKCE sign-in against the sandbox's OpenID Connect demo issuer,
//! through Authdeck (`oauth::discovery::endpoints` then `oauth::authorization_code::sign_in`)
//! and as the same flow driven by bare `openidconnect`/`oauth2` calls over a bare
//! `reqwest::Client`. Both make the same six requests: discovery, JWKS, the authorization
//! request, the consent, the redirect to a loopback listener, the code exchange; both check
//! `state` and validate the ID token. The difference is Authdeck's own overhead (the transport's
//! policy, the one-use listener, RFC 9207 `iss`, the trace kept for the history), budget 1.10×.
//!
//! `cargo bench -p authdeck-core --bench oauth_login`; after criterion's figures it prints the
//! medians of an interleaved run and the ratio.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use authdeck_core::http::{Http, Policy};
use authdeck_core::oauth::transport::Transport;
use authdeck_core::oauth::{DeviceCode, Registration, UserAgent, authorization_code, discovery};
use authdeck_core::provider::{Catalog, ClientAuth, OAuthSpec};
use authdeck_sandbox::Sandbox;
use authdeck_sandbox::oidc_demo::CLIENT_ID;
use criterion::{Criterion, criterion_group, criterion_main};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

struct Bench {
    runtime: Runtime,
    _sandbox: Sandbox,
    issuer: String,
    transport: Transport,
    spec: OAuthSpec,
    reg: Registration,
    bare: Bare,
}

/// The stand-in browser both flows use: the authorization URL, the consent form's Approve,
/// then the redirect delivered to the loopback listener.
async fn approve(client: reqwest::Client, authorize: String) {
    let go = |response: reqwest::Response| {
        response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .expect("a redirect")
    };
    let consent = go(client.get(&authorize).send().await.expect("authorize"));
    let back = go(client
        .post(&consent)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("prompt=consent")
        .send()
        .await
        .expect("consent"));
    let delivered = client
        .get(&back)
        .send()
        .await
        .expect("the listener takes the redirect");
    black_box(delivered.status());
}

struct Browser {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

impl UserAgent for Browser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.runtime
            .spawn(approve(self.client.clone(), url.to_string()));
        Ok(())
    }

    fn show_device_code(&self, _code: &DeviceCode) {}
}

/// `oauth2`'s HTTP client trait over a bare `reqwest::Client`.
#[derive(Clone)]
struct Bare(reqwest::Client);

#[derive(Debug)]
struct BareError(String);
impl std::fmt::Display for BareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BareError {}

impl<'c> oauth2::AsyncHttpClient<'c> for Bare {
    type Error = BareError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, BareError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                .map_err(|e| BareError(e.to_string()))?;
            let mut out = oauth2::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                out = out.header(name, value);
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| BareError(e.to_string()))?;
            out.body(bytes.to_vec())
                .map_err(|e| BareError(e.to_string()))
        })
    }
}

impl Bench {
    fn new() -> Bench {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let sandbox = runtime
            .block_on(Sandbox::start(([127, 0, 0, 1], 0).into()))
            .expect("the sandbox starts");
        let spec = Catalog::presets()
            .get("oidc")
            .ok()
            .and_then(|p| p.oauth.clone())
            .expect("the oidc preset");
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        let bench = Bench {
            issuer: sandbox.issuer(),
            runtime,
            _sandbox: sandbox,
            transport: Transport::new(Http::new().expect("the engine's client"), Policy::default()),
            spec,
            reg: Registration {
                client_id: CLIENT_ID.into(),
                client_secret: None,
                auth: ClientAuth::None,
            },
            bare: Bare(bare),
        };
        for _ in 0..10 {
            bench.authdeck();
            bench.bare();
        }
        bench
    }

    fn authdeck(&self) {
        let attempt = self.runtime.block_on(async {
            let mut endpoints = discovery::endpoints(&self.transport, &self.issuer, &self.spec)
                .await
                .expect("discovery");
            let browser = Browser {
                client: self.bare.0.clone(),
                runtime: tokio::runtime::Handle::current(),
            };
            authorization_code::sign_in(
                &self.transport,
                &mut endpoints,
                &self.reg,
                &self.spec,
                &browser,
                Duration::from_secs(10),
                &jiff::Timestamp::now,
            )
            .await
        });
        assert!(
            attempt.result.is_ok(),
            "Authdeck's sign-in must succeed: {:?}",
            attempt.result.err()
        );
        black_box(attempt);
    }

    fn bare(&self) {
        let token = self.runtime.block_on(async {
            let http = &self.bare;
            let issuer = IssuerUrl::new(self.issuer.clone()).expect("an issuer URL");
            let metadata = CoreProviderMetadata::discover_async(issuer, http)
                .await
                .expect("discovery");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a loopback port");
            let port = listener.local_addr().expect("an address").port();
            let client =
                CoreClient::from_provider_metadata(metadata, ClientId::new(CLIENT_ID.into()), None)
                    .set_redirect_uri(
                        RedirectUrl::new(format!("http://127.0.0.1:{port}/callback"))
                            .expect("a URL"),
                    );
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            let mut request = client.authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            );
            for scope in &self.spec.scopes {
                request = request.add_scope(Scope::new(scope.clone()));
            }
            let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
            tokio::spawn(approve(self.bare.0.clone(), url.to_string()));
            // The loopback redirect, read by hand: one request line, then a short answer.
            let (mut socket, _) = listener.accept().await.expect("the redirect arrives");
            let mut head = Vec::new();
            let mut buf = [0u8; 2048];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.expect("the request is read");
                assert!(n > 0, "the browser closed early");
                head.extend_from_slice(&buf[..n]);
            }
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await
                .expect("answered");
            let line = String::from_utf8_lossy(&head);
            let target = line.split(' ').nth(1).expect("a request target");
            let query = url::Url::parse(&format!("http://127.0.0.1{target}")).expect("a URL");
            let param = |name: &str| {
                query
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            assert_eq!(
                param("state").as_deref(),
                Some(state.secret().as_str()),
                "state"
            );
            let code = param("code").expect("a code");
            let token = client
                .exchange_code(AuthorizationCode::new(code))
                .expect("a token endpoint")
                .set_pkce_verifier(verifier)
                .request_async(http)
                .await
                .expect("the code is exchanged");
            let id_token = token.id_token().expect("an ID token");
            let claims = id_token
                .claims(&client.id_token_verifier(), &nonce)
                .expect("the ID token is valid");
            black_box(claims.subject().as_str().len());
            token.access_token().secret().len()
        });
        black_box(token);
    }
}

fn oauth_login(c: &mut Criterion) {
    let bench = Bench::new();
    let mut group = c.benchmark_group("authorization code + PKCE sign-in (sandbox issuer)");
    group.sample_size(50);
    group.bench_function("Authdeck: discovery + authorization_code::sign_in", |b| {
        b.iter(|| bench.authdeck())
    });
    group.bench_function("bare openidconnect/oauth2 + reqwest", |b| {
        b.iter(|| bench.bare())
    });
    group.finish();
    summary(&bench);
}

/// Both flows interleaved in one run (so drift hits both alike), each first in every other
/// round (so what one leaves behind, such as a closing connection or listener, does not always
/// fall on the other), and the ratio.
fn summary(bench: &Bench) {
    const ROUNDS: usize = 300;
    let mut ours = Vec::with_capacity(ROUNDS);
    let mut bare = Vec::with_capacity(ROUNDS);
    let timed = |run: &dyn Fn(), into: &mut Vec<Duration>| {
        let started = Instant::now();
        run();
        into.push(started.elapsed());
    };
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            timed(&|| bench.authdeck(), &mut ours);
            timed(&|| bench.bare(), &mut bare);
        } else {
            timed(&|| bench.bare(), &mut bare);
            timed(&|| bench.authdeck(), &mut ours);
        }
    }
    let ours = median(&mut ours);
    let bare = median(&mut bare);
    println!(
        "\nauthorization code + PKCE sign-in, median of {ROUNDS} interleaved: Authdeck {:.0} µs, bare oauth2 {:.0} µs, ratio {:.2}× (budget 1.10×)",
        ours.as_secs_f64() * 1e6,
        bare.as_secs_f64() * 1e6,
        ours.as_secs_f64() / bare.as_secs_f64(),
    );
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

criterion_group!(benches, oauth_login);
criterion_main!(benches);
