//! The published JWS examples verify with their published keys, and stop verifying when one
//! byte of the signature or of the payload changes.
//!
//! Vectors: RFC 7515 appendix A, RFC 7520 section 4, RFC 8037 appendix A.4; see the `source`
//! field of each file in tests/data/jwt/ for where the values were copied from.

use authdeck_core::jwt::{self, Payload, SignatureCheck, TimeStatus, VerifyKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vectors(file: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let path = format!("{}/tests/data/jwt/{file}", env!("CARGO_MANIFEST_DIR"));
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn vector<'a>(set: &'a Value, name: &str) -> &'a Value {
    set["vectors"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("vector {name} is missing from the data file"))
}

fn token(v: &Value) -> &str {
    v["token"].as_str().expect("every vector has a token")
}

fn jwk_key(v: &Value) -> VerifyKey {
    let bytes = serde_json::to_vec(&v["jwk"]).expect("JSON serializes");
    VerifyKey::from_file_bytes(&bytes).expect("the published JWK parses")
}

fn check(token: &str, key: &VerifyKey) -> SignatureCheck {
    let decoded = jwt::decode(token).expect("the token decodes");
    jwt::verify(&decoded, key)
}

/// The token with one byte of its decoded signature flipped.
fn with_signature_byte_changed(token: &str) -> String {
    let (input, sig) = token.rsplit_once('.').expect("three parts");
    let mut bytes = URL_SAFE_NO_PAD.decode(sig).expect("signature is base64url");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The token with one byte of its decoded payload flipped (re-encoded, so it still decodes).
fn with_payload_byte_changed(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload = URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("payload is base64url");
    // Flip a letter's case: the payload stays the same kind (JSON stays JSON, text stays text).
    let i = payload
        .iter()
        .position(u8::is_ascii_lowercase)
        .expect("the payload has a lowercase letter");
    payload[i] = payload[i].to_ascii_uppercase();
    format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload),
        parts[2]
    )
}

fn assert_verifies_and_tampering_fails(name: &str, token: &str, key: &VerifyKey) {
    assert_eq!(
        check(token, key),
        SignatureCheck::Valid,
        "{name}: the published token must verify with its published key"
    );
    assert!(
        matches!(
            check(&with_signature_byte_changed(token), key),
            SignatureCheck::Invalid { .. }
        ),
        "{name}: one changed signature byte must not verify"
    );
    assert!(
        matches!(
            check(&with_payload_byte_changed(token), key),
            SignatureCheck::Invalid { .. }
        ),
        "{name}: one changed payload byte must not verify"
    );
}

#[test]
fn rfc7515_appendix_a_signed_examples_verify_and_tampered_ones_do_not() -> TestResult {
    let set = vectors("rfc7515.json")?;
    for name in ["A.1", "A.2", "A.3", "A.4"] {
        let v = vector(&set, name);
        assert_verifies_and_tampering_fails(name, token(v), &jwk_key(v));
    }
    Ok(())
}

#[test]
fn rfc7515_payloads_decode_to_the_published_claims_and_text() -> TestResult {
    let set = vectors("rfc7515.json")?;
    let a1 = jwt::decode(token(vector(&set, "A.1")))?;
    let claims = a1.claims().ok_or("A.1 carries JSON claims")?;
    assert_eq!(claims.get_str("iss").as_deref(), Some("joe"));
    assert_eq!(claims.get("http://example.com/is_root"), Some("true"));
    assert_eq!(a1.expires_at().map(|t| t.as_second()), Some(1_300_819_380));
    assert_eq!(
        a1.header().get_str("typ").as_deref(),
        Some("JWT"),
        "A.1's header has a CRLF inside and still parses"
    );

    let a4 = jwt::decode(token(vector(&set, "A.4")))?;
    assert_eq!(a4.payload(), &Payload::Text("Payload".into()));
    Ok(())
}

#[test]
fn rfc7515_a5_unsecured_token_is_reported_unsigned_never_valid() -> TestResult {
    let set = vectors("rfc7515.json")?;
    let a5 = jwt::decode(token(vector(&set, "A.5")))?;
    assert!(a5.signature().is_empty());
    // Whatever key is offered, `none` stays unsigned.
    let hmac = VerifyKey::secret("any secret")?;
    assert_eq!(jwt::verify(&a5, &hmac), SignatureCheck::Unsigned);
    let rsa = jwk_key(vector(&set, "A.2"));
    assert_eq!(jwt::verify(&a5, &rsa), SignatureCheck::Unsigned);
    Ok(())
}

#[test]
fn rfc7515_a1_is_signature_valid_and_expired_since_2011() -> TestResult {
    let set = vectors("rfc7515.json")?;
    let v = vector(&set, "A.1");
    let decoded = jwt::decode(token(v))?;
    assert_eq!(jwt::verify(&decoded, &jwk_key(v)), SignatureCheck::Valid);
    let now: jiff::Timestamp = "2026-11-22T12:00:00Z".parse()?;
    let inspection = jwt::inspect(&decoded, now, &jiff::tz::TimeZone::UTC);
    assert_eq!(inspection.time_status, TimeStatus::Expired);
    assert!(inspection.expired);
    let exp = inspection.expires_at.ok_or("exp is explained")?;
    assert_eq!(exp.utc, "2011-03-22 18:43:00 UTC");
    assert_eq!(exp.relative, "expired 15 years ago");
    Ok(())
}

#[test]
fn rfc7520_section_4_examples_verify_and_tampered_ones_do_not() -> TestResult {
    let set = vectors("rfc7520.json")?;
    let prose = set["payload"].as_str().ok_or("payload text")?;
    for name in ["4.1", "4.2", "4.3", "4.4"] {
        let v = vector(&set, name);
        assert_verifies_and_tampering_fails(name, token(v), &jwk_key(v));
        let decoded = jwt::decode(token(v))?;
        assert_eq!(
            decoded.payload(),
            &Payload::Text(prose.into()),
            "{name}: RFC 7520 signs a paragraph of prose, shown as text"
        );
    }
    Ok(())
}

#[test]
fn rfc7520_examples_verify_through_one_jwks_chosen_by_kid() -> TestResult {
    let set = vectors("rfc7520.json")?;
    // The RSA and the EC key share the kid "bilbo.baggins@hobbiton.example": the algorithm
    // decides between them.
    let keys: Vec<Value> = ["4.1", "4.3", "4.4"]
        .iter()
        .map(|n| vector(&set, n)["jwk"].clone())
        .collect();
    let jwks = VerifyKey::jwks_json(&serde_json::json!({ "keys": keys }))?;
    for name in ["4.1", "4.2", "4.3", "4.4"] {
        assert_eq!(
            check(token(vector(&set, name)), &jwks),
            SignatureCheck::Valid,
            "{name} verifies with the key its kid and alg select"
        );
    }
    Ok(())
}

#[test]
fn rfc7520_4_5_detached_signature_verifies_once_the_payload_is_put_back() -> TestResult {
    let set = vectors("rfc7520.json")?;
    let v = vector(&set, "4.5");
    let key = jwk_key(v);
    let detached = token(v);
    assert!(
        matches!(check(detached, &key), SignatureCheck::KeyMismatch { reason } if reason.contains("detached")),
        "with the payload detached, the token alone cannot be checked (not a forgery)"
    );
    let payload = URL_SAFE_NO_PAD.encode(set["payload"].as_str().ok_or("payload")?);
    let attached = detached.replacen("..", &format!(".{payload}."), 1);
    assert_eq!(check(&attached, &key), SignatureCheck::Valid);
    Ok(())
}

#[test]
fn rfc8037_ed25519_example_verifies_and_tampered_one_does_not() -> TestResult {
    let set = vectors("rfc8037.json")?;
    let v = vector(&set, "A.4");
    assert_verifies_and_tampering_fails("RFC 8037 A.4", token(v), &jwk_key(v));
    Ok(())
}

#[test]
fn a_published_token_does_not_verify_with_another_vectors_key_of_the_same_type() -> TestResult {
    let rfc7515 = vectors("rfc7515.json")?;
    let rfc7520 = vectors("rfc7520.json")?;
    let pairs = [
        (
            token(vector(&rfc7515, "A.2")),
            jwk_key(vector(&rfc7520, "4.1")),
        ),
        (
            token(vector(&rfc7520, "4.1")),
            jwk_key(vector(&rfc7515, "A.2")),
        ),
        (
            token(vector(&rfc7515, "A.4")),
            jwk_key(vector(&rfc7520, "4.3")),
        ),
        (
            token(vector(&rfc7515, "A.1")),
            jwk_key(vector(&rfc7520, "4.4")),
        ),
    ];
    for (token, key) in &pairs {
        assert!(
            matches!(check(token, key), SignatureCheck::Invalid { .. }),
            "a key of the right type but the wrong value must not verify"
        );
    }
    Ok(())
}
