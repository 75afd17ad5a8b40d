//! JWT inspector speed: decode + inspect of a typical access token, and HS256 / RS256
//! verification side by side with jsonwebtoken's own `decode` of the same token.
//!
//! Run: `cargo bench -p authdeck-core --bench jwt`

// The allocator the `authdeck` CLI ships with, so the figures are its own. The app keeps
// glibc's malloc for its memory footprint; docs/BENCHMARKS.md notes what that costs here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use authdeck_core::jwt::{self, VerifyKey};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};
use std::hint::black_box;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/jwt/keys");

/// A typical access token: OIDC-style registered claims plus email, name, scope and roles.
fn claims(now: i64) -> Value {
    json!({
        "iss": "https://auth.example.com/realms/main",
        "sub": "5f1c9a7e-2b4d-4c1a-9f1e-0d3b2a6c7e8f",
        "aud": "api",
        "exp": now + 3600,
        "iat": now,
        "nbf": now,
        "jti": "a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6",
        "email": "alice@example.com",
        "email_verified": true,
        "name": "Alice Example",
        "scope": "openid profile email read:users",
        "roles": ["admin", "qa"],
        "azp": "authdeck-web"
    })
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{KEYS}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn validation(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.set_audience(&["api"]);
    v
}

fn bench(c: &mut Criterion) {
    let now = jiff::Timestamp::now();
    let claims = claims(now.as_second());
    let tz = jiff::tz::TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("valid POSIX TZ");

    let secret = "a-benchmark-secret-of-reasonable-length";
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signs HS256");
    let rsa_private = EncodingKey::from_rsa_pem(&read("rsa.key.pem")).expect("RSA key");
    let rs256 = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &rsa_private)
        .expect("signs RS256");

    c.bench_function("decode+inspect access token", |b| {
        b.iter(|| {
            let decoded = jwt::decode(black_box(&hs256)).expect("decodes");
            black_box(jwt::inspect(&decoded, now, &tz))
        })
    });
    // The parts, to see where the time goes.
    let decoded_once = jwt::decode(&hs256).expect("decodes");
    c.bench_function("inspect only", |b| {
        b.iter(|| black_box(jwt::inspect(black_box(&decoded_once), now, &tz)))
    });
    c.bench_function("reference: serde_json parse of the claims alone", |b| {
        let text = claims.to_string();
        b.iter(|| black_box(serde_json::from_str::<Value>(black_box(&text)).expect("json")))
    });
    c.bench_function("decode only", |b| {
        b.iter(|| black_box(jwt::decode(black_box(&hs256)).expect("decodes")))
    });

    let ours_hs = VerifyKey::secret(secret).expect("secret");
    let theirs_hs = DecodingKey::from_secret(secret.as_bytes());
    let hs_validation = validation(Algorithm::HS256);
    let mut group = c.benchmark_group("HS256");
    group.bench_function("authdeck decode+verify", |b| {
        b.iter(|| {
            let decoded = jwt::decode(black_box(&hs256)).expect("decodes");
            black_box(jwt::verify(&decoded, &ours_hs))
        })
    });
    group.bench_function("jsonwebtoken decode", |b| {
        b.iter(|| {
            black_box(
                jsonwebtoken::decode::<Value>(black_box(&hs256), &theirs_hs, &hs_validation)
                    .expect("valid"),
            )
        })
    });
    group.finish();

    let ours_rs = VerifyKey::from_file_bytes(&read("rsa.pub.pem")).expect("RSA public key");
    let theirs_rs = DecodingKey::from_rsa_pem(&read("rsa.pub.pem")).expect("RSA public key");
    let rs_validation = validation(Algorithm::RS256);
    let mut group = c.benchmark_group("RS256");
    group.bench_function("authdeck decode+verify", |b| {
        b.iter(|| {
            let decoded = jwt::decode(black_box(&rs256)).expect("decodes");
            black_box(jwt::verify(&decoded, &ours_rs))
        })
    });
    group.bench_function("jsonwebtoken decode", |b| {
        b.iter(|| {
            black_box(
                jsonwebtoken::decode::<Value>(black_box(&rs256), &theirs_rs, &rs_validation)
                    .expect("valid"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
