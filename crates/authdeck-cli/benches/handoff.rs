//! Benchmarks of the hand-offs (issue #17), printed as Markdown for docs/BENCHMARKS.md. Run
//! under scripts/with-keyring.sh (scripts/bench.sh does):
//! 1. `authdeck exec dev -- true` against `true` alone, with a fresh token: what exec adds,
//!    against what `authdeck token dev` costs (whole processes, interleaved).
//! 2. 10,000 GETs through `authdeck proxy` (in process) against the same GETs sent straight
//!    to the sandbox with the key, 1 and 32 in flight: median and p99 latency.

use authdeck_core::Secret;
use authdeck_core::deck::{Deck, LoginRequest, PastedToken};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::proxy::{self, ProxyConfig};
use authdeck_sandbox::{PASSWORD, Sandbox};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 60;
const REQUESTS: usize = 10_000;
/// The sandbox's valid API key.
const KEY: &str = authdeck_sandbox::LIVE_API_KEY;

fn main() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        eprintln!("run under scripts/with-keyring.sh: this benchmark needs a Secret Service");
        std::process::exit(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start("127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
        let home = tempfile::tempdir().expect("tempdir");
        let service = format!("authdeck-bench-handoff-{}", std::process::id());
        // SAFETY of set_var: single-threaded setup before any other thread reads the environment.
        unsafe {
            std::env::set_var("AUTHDECK_HOME", home.path());
            std::env::set_var("AUTHDECK_KEYRING_SERVICE", &service);
        }
        let home_dir = Home::from_env().expect("home");
        let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/providers/apikey.toml");
        std::fs::copy(example, home_dir.providers_dir().join("apikey.toml")).expect("provider");
        let deck = Arc::new(Deck::open(home_dir).expect("deck"));
        let http = Http::new().expect("http");
        let plan = deck
            .plan_login(LoginRequest {
                account: "dev".into(),
                provider: Some("user-login".into()),
                base_url: Some(sandbox.base_url("user-login")),
                email: Some("alice@userlogin.test".into()),
                password: Some(Secret::new(PASSWORD)),
                ..LoginRequest::default()
            })
            .expect("plan");
        deck.login(&http, plan).await.expect("login dev");

        let (exec, truth, token) = exec_vs_token();
        let added = exec.saturating_sub(truth);
        println!("### `authdeck exec` (whole processes, median of {RUNS})\n");
        println!("| command | median |\n|---|---|");
        println!("| `authdeck exec dev -- true` | {:.1} ms |", ms(exec));
        println!("| `true` | {:.1} ms |", ms(truth));
        println!("| `authdeck token dev` | {:.1} ms |", ms(token));
        println!(
            "\nWhat exec adds: {:.1} ms, **{:.2}×** `authdeck token` (target ≤ 1.2×).\n",
            ms(added),
            added.as_secs_f64() / token.as_secs_f64()
        );

        deck.keep_pasted(
            PastedToken {
                provider: Some("apikey".into()),
                base_url: Some(sandbox.base_url("apikey")),
                ..PastedToken::new("key", Secret::new(KEY))
            },
            jiff::Timestamp::now(),
        )
        .await
        .expect("paste the key");
        let running = proxy::start(
            deck.clone(),
            http.clone(),
            ProxyConfig {
                account: "key".into(),
                listen: "127.0.0.1:0".parse().expect("addr"),
                upstream: None,
                min_valid: jiff::SignedDuration::from_secs(60),
            },
        )
        .await
        .expect("proxy");
        let client = reqwest::Client::new();
        let floor = bare_forwarder(sandbox.base_url("apikey")).await;
        println!("### `authdeck proxy` ({REQUESTS} GETs of the sandbox's /apikey/v1/whoami)\n");
        println!("Direct: the client sends the key itself. Bare forwarder: the floor of any proxy, an axum handler that only copies the request to reqwest and streams the answer back (no token, no renewal). Proxied: `authdeck proxy`.\n");
        println!("| in flight | direct median | bare forwarder median | proxied median | proxied p99 | proxied / direct | proxied / bare forwarder |\n|---|---|---|---|---|---|---|");
        for in_flight in [1, 32] {
            let direct = latencies(&client, &format!("{}/v1/whoami", sandbox.base_url("apikey")), true, in_flight).await;
            let bare = latencies(&client, &format!("{floor}/v1/whoami"), true, in_flight).await;
            let proxied = latencies(&client, &format!("{}/v1/whoami", running.url()), false, in_flight).await;
            let ratio = |a: &[Duration], b: &[Duration]| pct(a, 50).as_secs_f64() / pct(b, 50).as_secs_f64();
            println!(
                "| {in_flight} | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | {:.2}× | **{:.2}×** |",
                ms(pct(&direct, 50)),
                ms(pct(&bare, 50)),
                ms(pct(&proxied, 50)),
                ms(pct(&proxied, 99)),
                ratio(&proxied, &direct),
                ratio(&proxied, &bare),
            );
        }
        println!("\nTarget: ≤ 1.2× at the median. Any proxy adds a second loopback hop, which against a server that answers in tens of microseconds costs more than the answer itself: the bare forwarder is that floor, measured in the same run, and the last column is what Authdeck adds on top of it.\n");
        running.stop().await;
    });
}

/// The floor of any reverse proxy: forwards to `upstream` with reqwest and streams the answer
/// back, nothing else. Its URL.
async fn bare_forwarder(upstream: String) -> String {
    use axum::body::Body;
    use axum::extract::Request;
    use futures_util::TryStreamExt;
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(move |request: Request| {
        let (client, upstream) = (client.clone(), upstream.clone());
        async move {
            let path = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let mut out = client.request(request.method().clone(), format!("{upstream}{path}"));
            for (name, value) in request.headers() {
                if name != "host" {
                    out = out.header(name, value);
                }
            }
            let answer = out.send().await.expect("the upstream answers");
            let status = answer.status();
            let mut response = axum::response::Response::new(Body::from_stream(
                answer.bytes_stream().map_err(std::io::Error::other),
            ));
            *response.status_mut() = status;
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// Each request's latency, `in_flight` at a time.
async fn latencies(
    client: &reqwest::Client,
    url: &str,
    with_key: bool,
    in_flight: usize,
) -> Vec<Duration> {
    let per_task = REQUESTS / in_flight;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let (client, url) = (client.clone(), url.to_string());
        tasks.spawn(async move {
            let mut out = Vec::with_capacity(per_task);
            for _ in 0..per_task {
                let started = Instant::now();
                let mut request = client.get(&url);
                if with_key {
                    request = request.header("X-API-Key", KEY);
                }
                let answer = request.send().await.expect("an answer");
                assert_eq!(answer.status().as_u16(), 200);
                answer.bytes().await.expect("a body");
                out.push(started.elapsed());
            }
            out
        });
    }
    let mut all = Vec::with_capacity(REQUESTS);
    while let Some(done) = tasks.join_next().await {
        all.extend(done.expect("a task"));
    }
    all.sort();
    all
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn exec_vs_token() -> (Duration, Duration, Duration) {
    let (mut exec, mut truth, mut token) = (Vec::new(), Vec::new(), Vec::new());
    let authdeck = env!("CARGO_BIN_EXE_authdeck");
    for _ in 0..RUNS {
        exec.push(time(
            Command::new(authdeck).args(["exec", "dev", "--", "true"]),
        ));
        truth.push(time(&mut Command::new("true")));
        token.push(time(Command::new(authdeck).args(["token", "dev"])));
    }
    (median(exec), median(truth), median(token))
}

fn time(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("spawn");
    assert!(status.success(), "{cmd:?} failed");
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
