//! A login round trip against the sandbox on a warm connection: through the engine
//! (`exchange::login` with one reused `Http`) and the same request by a bare `reqwest::Client`.
//! The engine's overhead (building the request, policy checks, reading the answer into an
//! outcome, decoding the JWT) should stay within 10% of the bare round trip.
//!
//! `cargo bench -p authdeck-core --bench login`; after criterion's figures it prints the
//! medians of an interleaved run, the overhead, and how much of it is the HTTP layer.

// The allocator the `authdeck` CLI ships with, so the figures are its own. The app keeps
// glibc's malloc for its memory footprint; docs/BENCHMARKS.md notes what that costs here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use authdeck_core::Secret;
use authdeck_core::exchange::{self, Credentials, Target};
use authdeck_core::http::{Body, Http, Outgoing, Policy};
use authdeck_core::provider::Catalog;
use authdeck_sandbox::{PASSWORD, Sandbox};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use zeroize::Zeroizing;

const API: &str = "meetra";
const EMAIL: &str = "alice@meetra.test";

struct Bench {
    runtime: Runtime,
    _sandbox: Sandbox,
    http: Http,
    target: Target,
    creds: Credentials,
    bare: reqwest::Client,
    url: String,
    body: Vec<u8>,
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
        let provider = Catalog::presets()
            .get(API)
            .expect("the meetra preset")
            .clone();
        let url = format!(
            "{}{}",
            sandbox.base_url(API),
            provider.login.as_ref().expect("a login").path
        );
        let target = Target {
            provider,
            base_url: sandbox.base_url(API),
            policy: Policy::default(),
        };
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        let body = serde_json::to_vec(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
            .expect("json");
        let bench = Bench {
            runtime,
            _sandbox: sandbox,
            http: Http::new().expect("the engine's client"),
            target,
            creds: Credentials {
                email: EMAIL.into(),
                password: Secret::new(PASSWORD),
                code: Default::default(),
            },
            bare,
            url,
            body,
        };
        // Warm both connections (and check both really log in).
        for _ in 0..10 {
            bench.engine();
            bench.reqwest();
        }
        bench
    }

    fn engine(&self) {
        let attempt = self
            .runtime
            .block_on(exchange::login(&self.http, &self.target, &self.creds))
            .expect("the request can be sent");
        assert!(attempt.result.is_ok(), "the engine's login must succeed");
        black_box(attempt);
    }

    /// The engine's HTTP layer alone (timeouts, size cap, redirect refusal): no template,
    /// no reading of the answer. Splits the overhead in two.
    fn http_only(&self) {
        let out = Outgoing {
            method: reqwest::Method::POST,
            url: reqwest::Url::parse(&self.url).expect("the sandbox URL parses"),
            headers: Vec::new(),
            body: Some(Body::json(Zeroizing::new(self.body.clone()))),
        };
        let answer = self
            .runtime
            .block_on(self.http.send(out, &self.target.policy))
            .expect("the sandbox answers");
        black_box(answer);
    }

    fn reqwest(&self) {
        let bytes = self.runtime.block_on(async {
            let response = self
                .bare
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(self.body.clone())
                .send()
                .await
                .expect("the bare request is answered");
            assert_eq!(response.status(), 200, "the bare login must succeed");
            response.bytes().await.expect("the body is read")
        });
        black_box(bytes);
    }
}

fn login_round_trip(c: &mut Criterion) {
    let bench = Bench::new();
    let mut group = c.benchmark_group("login round trip (meetra, warm connection)");
    group.bench_function("engine: exchange::login", |b| b.iter(|| bench.engine()));
    group.bench_function("bare reqwest::Client", |b| b.iter(|| bench.reqwest()));
    group.finish();
    summary(&bench);
}

/// Both round trips interleaved in one run (so drift hits both alike), and the overhead.
fn summary(bench: &Bench) {
    const ROUNDS: usize = 2000;
    let mut engine = Vec::with_capacity(ROUNDS);
    let mut bare = Vec::with_capacity(ROUNDS);
    let mut http = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        bench.engine();
        engine.push(started.elapsed());
        let started = Instant::now();
        bench.reqwest();
        bare.push(started.elapsed());
        let started = Instant::now();
        bench.http_only();
        http.push(started.elapsed());
    }
    let engine = median(&mut engine);
    let bare = median(&mut bare);
    let http = median(&mut http);
    let overhead = (engine.as_secs_f64() / bare.as_secs_f64() - 1.0) * 100.0;
    println!(
        "\nlogin round trip, median of {ROUNDS} interleaved: engine {:.1} µs, bare reqwest {:.1} µs, engine overhead {overhead:+.1}% (budget +10%)",
        engine.as_secs_f64() * 1e6,
        bare.as_secs_f64() * 1e6,
    );
    println!(
        "of which the HTTP layer alone (Http::send): {:.1} µs, {:+.1}% over bare reqwest",
        http.as_secs_f64() * 1e6,
        (http.as_secs_f64() / bare.as_secs_f64() - 1.0) * 100.0
    );
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

criterion_group!(benches, login_round_trip);
criterion_main!(benches);
