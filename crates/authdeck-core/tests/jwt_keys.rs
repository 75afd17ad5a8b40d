//! Keys are read from every format the issue lists, chosen by `kid` in a set, and bad key input
//! gets an error that says what to do, without ever showing key material.

use authdeck_core::http::Http;
use authdeck_core::jwt::{self, KeyError, KeySource, LoadError, SignatureCheck, VerifyKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/jwt/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("test key {path}: {e}"))
}

fn rsa_jwk(file: &str, kid: &str) -> serde_json::Value {
    use base64::Engine as _;
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;
    let pem = String::from_utf8(key_file(file)).expect("PEM is text");
    let key = rsa::RsaPublicKey::from_public_key_pem(&pem).expect("RSA SPKI");
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    json!({"kty": "RSA", "kid": kid, "n": b64.encode(key.n().to_bytes_be()), "e": b64.encode(key.e().to_bytes_be())})
}

fn rs256(kid: Option<&str>) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    let key = EncodingKey::from_rsa_pem(&key_file("rsa.key.pem")).expect("test key");
    jsonwebtoken::encode(&header, &json!({"sub": "x"}), &key).expect("signs")
}

fn check(token: &str, key: &VerifyKey) -> SignatureCheck {
    jwt::verify(&jwt::decode(token).expect("decodes"), key)
}

#[test]
fn jwks_picks_the_key_named_by_kid() -> TestResult {
    let jwks = VerifyKey::jwks_json(&json!({"keys": [
        rsa_jwk("rsa_other.pub.pem", "old"),
        rsa_jwk("rsa.pub.pem", "current"),
    ]}))?;
    assert_eq!(check(&rs256(Some("current")), &jwks), SignatureCheck::Valid);
    assert!(
        matches!(
            check(&rs256(Some("old")), &jwks),
            SignatureCheck::Invalid { .. }
        ),
        "the kid selects the old key, which did not sign it"
    );
    Ok(())
}

#[test]
fn jwks_without_a_token_kid_tries_every_candidate() -> TestResult {
    let jwks = VerifyKey::jwks_json(&json!({"keys": [
        rsa_jwk("rsa_other.pub.pem", "a"),
        rsa_jwk("rsa.pub.pem", "b"),
    ]}))?;
    assert_eq!(check(&rs256(None), &jwks), SignatureCheck::Valid);
    Ok(())
}

#[test]
fn an_unknown_kid_is_a_key_mismatch_that_lists_the_known_ones() -> TestResult {
    let jwks = VerifyKey::jwks_json(&json!({"keys": [rsa_jwk("rsa.pub.pem", "current")]}))?;
    match check(&rs256(Some("rotated-away")), &jwks) {
        SignatureCheck::KeyMismatch { reason } => {
            assert!(
                reason.contains("rotated-away") && reason.contains("current"),
                "{reason}"
            );
        }
        other => panic!("expected a key mismatch, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_jwk_pinned_to_another_algorithm_does_not_verify() -> TestResult {
    let mut jwk = rsa_jwk("rsa.pub.pem", "k");
    jwk["alg"] = json!("RS384");
    let key = VerifyKey::from_file_bytes(jwk.to_string().as_bytes())?;
    assert!(matches!(
        check(&rs256(Some("k")), &key),
        SignatureCheck::KeyMismatch { .. }
    ));
    Ok(())
}

#[test]
fn jwks_skips_encryption_and_unknown_keys_and_fails_only_when_none_is_left() -> TestResult {
    let mut enc = rsa_jwk("rsa.pub.pem", "enc");
    enc["use"] = json!("enc");
    let x25519 = json!({"kty": "OKP", "crv": "X25519", "x": "AAAA"});
    let mixed = VerifyKey::jwks_json(
        &json!({"keys": [enc.clone(), x25519.clone(), rsa_jwk("rsa.pub.pem", "sig")]}),
    )?;
    assert_eq!(mixed.keys().len(), 1);

    let err = VerifyKey::jwks_json(&json!({"keys": [enc, x25519]}))
        .err()
        .ok_or("a set with no signing key is an error")?;
    assert!(
        matches!(err, KeyError::NoUsableKey(ref skipped) if skipped.len() == 2),
        "{err}"
    );
    assert!(err.to_string().contains("for encryption"), "{err}");
    Ok(())
}

#[test]
fn a_pem_chain_becomes_a_set_that_verifies_each_key_type() -> TestResult {
    let mut chain = key_file("rsa.cert.pem");
    chain.extend(key_file("ec256.cert.pem"));
    let set = VerifyKey::from_file_bytes(&chain)?;
    assert_eq!(set.keys().len(), 2);
    let es256 = jsonwebtoken::encode(
        &Header::new(Algorithm::ES256),
        &json!({"sub": "x"}),
        &EncodingKey::from_ec_pem(&key_file("ec256.key.pem"))?,
    )?;
    assert_eq!(check(&rs256(None), &set), SignatureCheck::Valid);
    assert_eq!(check(&es256, &set), SignatureCheck::Valid);
    Ok(())
}

#[test]
fn a_private_key_file_is_refused_with_the_command_that_extracts_the_public_key() {
    for file in ["rsa.key.pem", "rsa.pkcs1.key.pem", "ec256.key.pem"] {
        let err =
            VerifyKey::from_file_bytes(&key_file(file)).expect_err("private keys are refused");
        assert!(matches!(err, KeyError::PrivateKey(_)), "{file}: {err}");
        assert!(err.to_string().contains("openssl pkey"), "{err}");
    }
}

#[test]
fn unreadable_key_input_says_what_was_expected() {
    let err = VerifyKey::from_file_bytes(b"hello, not a key").expect_err("garbage");
    assert_eq!(err, KeyError::UnknownFormat);
    assert!(
        err.to_string()
            .contains("PEM public key, certificate, JWK or JWKS")
    );

    let err = VerifyKey::from_file_bytes(br#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#)
        .expect_err("short coordinates");
    assert!(err.to_string().contains("32 bytes"), "{err}");

    let err = VerifyKey::from_file_bytes(br#"{"kty":"EC","crv":"P-192","x":"AA","y":"AA"}"#)
        .expect_err("unsupported curve");
    assert!(matches!(err, KeyError::Unsupported(_)), "{err}");
}

#[test]
fn secrets_never_appear_in_debug_output_or_errors() -> TestResult {
    let key = VerifyKey::secret("hunter2-very-secret")?;
    let shown = format!("{key:?}");
    assert!(
        !shown.contains("hunter2"),
        "Debug leaked the secret: {shown}"
    );

    let err = VerifyKey::secret_base64("s3cr3t*with*stars").expect_err("not base64");
    assert!(
        !err.to_string().contains("s3cr3t") && !err.to_string().contains('*'),
        "{err}"
    );

    let jwk = br#"{"kty":"oct","k":"top*secret"}"#;
    let err = VerifyKey::from_file_bytes(jwk).expect_err("bad k");
    assert!(
        !err.to_string().contains("top") && !err.to_string().contains('*'),
        "{err}"
    );
    Ok(())
}

#[test]
fn an_empty_secret_is_refused() {
    assert_eq!(VerifyKey::secret("").err(), Some(KeyError::EmptySecret));
    assert_eq!(
        VerifyKey::secret_base64("").err(),
        Some(KeyError::EmptySecret)
    );
}

#[tokio::test]
async fn every_source_a_front_end_takes_loads_through_one_function() -> TestResult {
    let http = Http::new()?;
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "x"}),
        &EncodingKey::from_secret(b"s3cret"),
    )?;
    let secret = VerifyKey::load(&http, KeySource::Secret("s3cret")).await?;
    assert_eq!(check(&hs, &secret), SignatureCheck::Valid, "text secret");
    // "s3cret" in base64url.
    let b64 = VerifyKey::load(&http, KeySource::SecretBase64("czNjcmV0")).await?;
    assert_eq!(check(&hs, &b64), SignatureCheck::Valid, "base64 secret");

    let rs = rs256(Some("current"));
    let pem = VerifyKey::load(&http, KeySource::File(&key_file("rsa.pub.pem"))).await?;
    assert_eq!(check(&rs, &pem), SignatureCheck::Valid, "PEM file");
    let jwks = json!({"keys": [rsa_jwk("rsa.pub.pem", "current")]}).to_string();
    let set = VerifyKey::load(&http, KeySource::Jwks(&jwks)).await?;
    assert_eq!(check(&rs, &set), SignatureCheck::Valid, "JWKS text");
    Ok(())
}

#[tokio::test]
async fn a_bad_key_and_a_refused_url_fail_differently() -> TestResult {
    let http = Http::new()?;
    let not_json = VerifyKey::load(&http, KeySource::Jwks("keys: []"))
        .await
        .err()
        .ok_or("not JSON must fail")?;
    assert!(
        matches!(&not_json, LoadError::Key(KeyError::JwksNotJson(_))),
        "{not_json:?}"
    );
    assert!(
        not_json.to_string().starts_with("the JWKS is not JSON"),
        "{not_json}"
    );
    let refused = VerifyKey::load(&http, KeySource::JwksUrl("http://issuer.example.com/jwks"))
        .await
        .err()
        .ok_or("plain http must be refused")?;
    assert!(
        matches!(&refused, LoadError::Fetch(_)),
        "a URL problem is the fetch's, not the key's: {refused:?}"
    );
    Ok(())
}
