//! ID token validation (OpenID Connect Core §3.1.3.7) with tokens crafted to be wrong in one
//! way each: audience, issuer, nonce, expiry, signature, unknown `kid` (and the JWKS read
//! again after a key rotation), `alg: none`, and an HMAC token keyed with the public key.

use authdeck_core::Secret;
use authdeck_core::http::{Http, Policy};
use authdeck_core::oauth::id_token::{self, Refusal};
use authdeck_core::oauth::transport::Transport;
use authdeck_core::oauth::{Endpoints, Registration};
use authdeck_core::provider::ClientAuth;
use base64::Engine;
use jiff::Timestamp;
use openidconnect::core::{CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreTokenResponse};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ISSUER: &str = "https://id.example.test";
const CLIENT: &str = "authdeck";

fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/jwt/keys")
        .join(name)
}

fn jwk(kid: &str) -> Value {
    let pem = std::fs::read_to_string(key_path("rsa.key.pem")).expect("the test key");
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).expect("a PKCS#8 RSA key");
    let b64 =
        |n: &rsa::BigUint| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(n.to_bytes_be());
    json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(key.n()), "e": b64(key.e())})
}

fn jwks(kid: &str) -> CoreJsonWebKeySet {
    serde_json::from_value(json!({"keys": [jwk(kid)]})).expect("a JWKS")
}

fn sign(claims: &Value, kid: &str, key_file: &str) -> String {
    let pem = std::fs::read(key_path(key_file)).expect("the test key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.into());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).expect("an RSA key");
    jsonwebtoken::encode(&header, claims, &key).expect("signed")
}

fn now() -> Timestamp {
    Timestamp::from_second(1_800_000_000).expect("in range")
}

fn claims() -> Value {
    let t = now().as_second();
    json!({"iss": ISSUER, "aud": CLIENT, "sub": "alice", "iat": t - 10, "exp": t + 300, "nonce": "n-1"})
}

fn endpoints(keys: CoreJsonWebKeySet) -> Endpoints {
    Endpoints {
        issuer: ISSUER.into(),
        authorization: None,
        token: None,
        device_authorization: None,
        revocation: None,
        introspection: None,
        userinfo: None,
        jwks_uri: None,
        jwks: keys,
        id_token_algs: vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        iss_parameter_supported: false,
    }
}

fn public_client() -> Registration {
    Registration {
        client_id: CLIENT.into(),
        client_secret: None,
        auth: ClientAuth::None,
    }
}

fn check(token: &str) -> Result<(), Refusal> {
    let nonce = "n-1".to_string();
    id_token::validate(
        &endpoints(jwks("k1")),
        &public_client(),
        token,
        Some(&nonce),
        now(),
    )
}

fn refused_because(token: &str, words: &str) {
    match check(token) {
        Err(Refusal::Invalid(why)) => assert!(why.contains(words), "{why:?} should say {words:?}"),
        other => panic!("expected a refusal saying {words:?}, got {other:?}"),
    }
}

#[test]
fn a_correct_id_token_is_accepted() {
    assert_eq!(check(&sign(&claims(), "k1", "rsa.key.pem")), Ok(()));
}

#[test]
fn an_id_token_for_another_client_is_refused() {
    let mut c = claims();
    c["aud"] = json!("someone-else");
    refused_because(&sign(&c, "k1", "rsa.key.pem"), "not meant for this client");
}

#[test]
fn an_id_token_from_another_issuer_is_refused() {
    let mut c = claims();
    c["iss"] = json!("https://evil.example.test");
    refused_because(&sign(&c, "k1", "rsa.key.pem"), "another issuer");
}

#[test]
fn an_id_token_with_another_sign_ins_nonce_is_refused() {
    let mut c = claims();
    c["nonce"] = json!("n-2");
    refused_because(&sign(&c, "k1", "rsa.key.pem"), "nonce");
}

#[test]
fn an_expired_id_token_is_refused() {
    let mut c = claims();
    c["exp"] = json!(now().as_second() - 60);
    refused_because(&sign(&c, "k1", "rsa.key.pem"), "expired");
}

#[test]
fn an_id_token_signed_by_another_key_is_refused() {
    refused_because(&sign(&claims(), "k1", "rsa_other.key.pem"), "signature");
}

#[test]
fn an_unknown_kid_is_told_apart_so_the_jwks_can_be_read_again() {
    assert_eq!(
        check(&sign(&claims(), "k2", "rsa.key.pem")),
        Err(Refusal::UnknownKey)
    );
}

#[test]
fn an_unsigned_id_token_is_refused() {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let token = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
    assert!(matches!(check(&token), Err(Refusal::Invalid(_))));
}

#[test]
fn an_hmac_token_keyed_with_the_public_key_is_refused() {
    // The classic confusion: HS256 with the RSA public key's PEM as the "secret".
    let public = std::fs::read(key_path("rsa.pub.pem")).expect("the public key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("k1".into());
    let token = jsonwebtoken::encode(
        &header,
        &claims(),
        &jsonwebtoken::EncodingKey::from_secret(&public),
    )
    .expect("signed");
    assert!(matches!(check(&token), Err(Refusal::Invalid(_))));
}

#[tokio::test]
async fn after_a_key_rotation_the_jwks_is_read_again_once() -> TestResult {
    // The issuer now signs with k2; Authdeck still holds the JWKS with k1.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let served = json!({"keys": [jwk("k2")]}).to_string();
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let body = served.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut ends = endpoints(jwks("k1"));
    ends.jwks_uri = Some(format!("http://{addr}/jwks").parse()?);
    let token = sign(&claims(), "k2", "rsa.key.pem");
    let response: CoreTokenResponse = serde_json::from_value(json!({
        "access_token": "opaque", "token_type": "Bearer", "id_token": token
    }))?;
    let transport = Transport::new(Http::new()?, Policy::default());
    let nonce = openidconnect::Nonce::new("n-1".into());
    let kept = id_token::check_response(
        &transport,
        &mut ends,
        &public_client(),
        &response,
        id_token::Answering::SignIn(Some(&nonce)),
        now(),
    )
    .await?;
    assert_eq!(kept.map(|s: Secret| s.expose().to_string()), Some(token));
    // Without a JWKS URL to read again, the same token is refused with the reason.
    let mut stale = endpoints(jwks("k1"));
    let refused = id_token::check_response(
        &transport,
        &mut stale,
        &public_client(),
        &response,
        id_token::Answering::SignIn(Some(&nonce)),
        now(),
    )
    .await;
    let why = refused.err().ok_or("refused")?;
    assert!(why.to_string().contains("no key"), "{why}");
    // On a refresh nothing was being signed in: the words say the session was not renewed.
    let on_refresh = id_token::check_response(
        &transport,
        &mut endpoints(jwks("k1")),
        &public_client(),
        &response,
        id_token::Answering::Refresh,
        now(),
    )
    .await;
    let said = on_refresh.err().ok_or("refused")?.to_string();
    assert!(said.contains("the session was not renewed"), "{said}");
    assert!(!said.contains("sign-in was not kept"), "{said}");
    assert!(said.contains("no key"), "the reason stays: {said}");
    Ok(())
}
