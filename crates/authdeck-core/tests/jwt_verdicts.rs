//! Verdicts careful JWT verifiers get right, each from a public bug report against some JWT
//! library. RFC 7515 §4.1.11: a JWS whose protected header lists in `crit` an extension the
//! verifier does not process must be rejected, however good its signature (each token here is
//! signed correctly with HS256, by hand, so only `crit` can make it fail). And a public key
//! offered as an HMAC secret is refused (algorithm confusion, PyJWT #105).

use authdeck_core::jwt::{self, SignatureCheck, VerifyKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SECRET: &str = "a-shared-secret-of-32-bytes-long!";

/// A compact HS256 token with this header and payload text, correctly signed.
fn signed(header: &str, payload: &str) -> Result<String, Box<dyn std::error::Error>> {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes())?;
    mac.update(input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{input}.{signature}"))
}

fn verdict(token: &str) -> Result<SignatureCheck, Box<dyn std::error::Error>> {
    let decoded = jwt::decode(token)?;
    Ok(jwt::verify(&decoded, &VerifyKey::secret(SECRET)?))
}

#[test]
fn a_correctly_signed_token_without_crit_is_valid() -> TestResult {
    let token = signed(r#"{"alg":"HS256","typ":"JWT"}"#, r#"{"sub":"alice"}"#)?;
    assert_eq!(verdict(&token)?, SignatureCheck::Valid, "the control case");
    Ok(())
}

#[test]
fn every_crit_authdeck_does_not_process_rejects_a_correct_signature() -> TestResult {
    let cases = [
        (
            r#"{"alg":"HS256","crit":["x-custom"],"x-custom":1}"#,
            "x-custom",
        ),
        (r#"{"alg":"HS256","crit":["kid"],"kid":"k1"}"#, "registered"),
        (r#"{"alg":"HS256","crit":["x-absent"]}"#, "does not have"),
        (r#"{"alg":"HS256","crit":[]}"#, "non-empty list"),
        (
            r#"{"alg":"HS256","crit":"x-custom","x-custom":1}"#,
            "non-empty list",
        ),
        (r#"{"alg":"HS256","crit":[1]}"#, "non-empty list"),
    ];
    for (header, why) in cases {
        let token = signed(header, r#"{"sub":"admin"}"#)?;
        match verdict(&token)? {
            SignatureCheck::Invalid { reason } => {
                assert!(reason.contains(why), "{header}: {reason}");
                assert!(
                    reason.contains("RFC 7515"),
                    "{header}: says which rule: {reason}"
                );
            }
            other => panic!("{header} must be rejected, got {other:?}"),
        }
    }
    Ok(())
}

#[test]
fn an_unencoded_b64_payload_is_rejected_not_decoded_into_valid_claims() -> TestResult {
    // RFC 7797: the payload segment is the literal text, and the signature covers it as is.
    let header = r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#;
    let literal = "$.02";
    let input = format!("{}.{literal}", URL_SAFE_NO_PAD.encode(header));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes())?;
    mac.update(input.as_bytes());
    let token = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    let looks_like_claims = signed(header, r#"{"sub":"admin","role":"admin"}"#)?;
    let mut checked = 0;
    for token in [token, looks_like_claims] {
        // The literal payload may not even decode as a JWT; when it does, it is never valid.
        if let Ok(decoded) = jwt::decode(&token) {
            checked += 1;
            let check = jwt::verify(&decoded, &VerifyKey::secret(SECRET)?);
            assert!(!check.is_valid(), "never valid: {check:?}");
            assert!(
                check.describe().contains("RFC 7797"),
                "{}",
                check.describe()
            );
        }
    }
    assert!(checked >= 1, "the claims-shaped one decodes and is judged");
    Ok(())
}

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/jwt/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("test key {path}: {e}"))
}

#[test]
fn a_public_key_offered_as_an_hmac_secret_is_refused_and_says_why() -> TestResult {
    use base64::engine::general_purpose::STANDARD;
    let pem = String::from_utf8(key_file("rsa.pub.pem"))?;
    let der = key_file("rsa.cert.der");
    let jwk = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRjmyjvBXiEyzTLhROKXvgh8CQPQBeZLX4xjJhI"}"#;
    let offered = [
        ("a PEM public key as text", VerifyKey::secret(&pem)),
        (
            "the same PEM as base64",
            VerifyKey::secret_base64(&STANDARD.encode(&pem)),
        ),
        (
            "a DER certificate as base64",
            VerifyKey::secret_base64(&STANDARD.encode(&der)),
        ),
        ("an EC JWK as text", VerifyKey::secret(jwk)),
    ];
    for (what, result) in offered {
        let err = result.err().ok_or(what)?;
        assert!(
            err.to_string().contains("algorithm confusion"),
            "{what}: {err}"
        );
    }
    assert!(
        VerifyKey::secret("an ordinary shared secret").is_ok(),
        "a plain secret stays fine"
    );
    Ok(())
}
