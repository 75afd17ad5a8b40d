//! Every algorithm round-trips: a token signed with a checked-in test key (by jsonwebtoken, an
//! independent signer, or by the p521 crate for ES512) verifies with the public key, and does
//! not verify with another key of the same type or a key of the wrong type.

use authdeck_core::jwt::{self, SignatureCheck, VerifyKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/jwt/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("test key {path}: {e}"))
}

fn public(name: &str) -> VerifyKey {
    VerifyKey::from_file_bytes(&key_file(name))
        .unwrap_or_else(|e| panic!("{name} is a readable public key: {e}"))
}

fn claims() -> serde_json::Value {
    serde_json::json!({"sub": "user-42", "iss": "https://auth.example.test", "exp": 4_102_444_800_u64})
}

/// Signs with jsonwebtoken, whose encoder is independent of Authdeck's verifier.
fn sign(alg: Algorithm, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&Header::new(alg), &claims(), key).expect("jsonwebtoken signs")
}

/// ES512 is not in jsonwebtoken 11: sign with the p521 crate directly.
fn sign_es512(private_pem: &str) -> String {
    use p521::ecdsa::signature::Signer as _;
    use p521::pkcs8::DecodePrivateKey as _;
    let secret = p521::SecretKey::from_pkcs8_pem(private_pem).expect("P-521 PKCS#8 key");
    let signing = p521::ecdsa::SigningKey::from_bytes(&secret.to_bytes()).expect("signing key");
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"ES512","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
    let input = format!("{header}.{payload}");
    let signature: p521::ecdsa::Signature = signing.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

fn check(token: &str, key: &VerifyKey) -> SignatureCheck {
    jwt::verify(&jwt::decode(token).expect("signed token decodes"), key)
}

fn assert_round_trip(alg: &str, token: &str, right: &VerifyKey, wrong: &VerifyKey) {
    assert_eq!(
        jwt::decode(token)
            .ok()
            .and_then(|d| d.alg().map(|a| a.into_owned())),
        Some(alg.to_owned())
    );
    assert_eq!(
        check(token, right),
        SignatureCheck::Valid,
        "{alg}: the signer's public key verifies"
    );
    assert!(
        matches!(check(token, wrong), SignatureCheck::Invalid { .. }),
        "{alg}: another key of the same type must not verify"
    );
}

#[test]
fn hmac_algorithms_round_trip_and_the_wrong_secret_fails() -> TestResult {
    let secret = "correct horse battery staple, 32+ bytes long";
    let key = EncodingKey::from_secret(secret.as_bytes());
    let right = VerifyKey::secret(secret)?;
    let wrong = VerifyKey::secret("another secret")?;
    for (alg, name) in [
        (Algorithm::HS256, "HS256"),
        (Algorithm::HS384, "HS384"),
        (Algorithm::HS512, "HS512"),
    ] {
        assert_round_trip(name, &sign(alg, &key), &right, &wrong);
    }
    Ok(())
}

#[test]
fn a_base64_secret_verifies_what_its_decoded_bytes_signed() -> TestResult {
    let raw = [0x8b_u8, 0x00, 0xff, 0x10, 0x42, 0xfe, 0xc0, 0x01];
    let token = sign(Algorithm::HS256, &EncodingKey::from_secret(&raw));
    let url = URL_SAFE_NO_PAD.encode(raw);
    let standard = base64::engine::general_purpose::STANDARD.encode(raw);
    assert_eq!(
        check(&token, &VerifyKey::secret_base64(&url)?),
        SignatureCheck::Valid
    );
    assert_eq!(
        check(&token, &VerifyKey::secret_base64(&standard)?),
        SignatureCheck::Valid
    );
    Ok(())
}

#[test]
fn rsa_algorithms_round_trip_with_spki_pkcs1_and_certificate_keys() -> TestResult {
    let key = EncodingKey::from_rsa_pem(&key_file("rsa.key.pem"))?;
    let wrong = public("rsa_other.pub.pem");
    let formats = [
        public("rsa.pub.pem"),
        public("rsa.pkcs1.pub.pem"),
        public("rsa.cert.pem"),
        public("rsa.cert.der"),
        public("rsa.pub.der"),
    ];
    for (alg, name) in [
        (Algorithm::RS256, "RS256"),
        (Algorithm::RS384, "RS384"),
        (Algorithm::RS512, "RS512"),
        (Algorithm::PS256, "PS256"),
        (Algorithm::PS384, "PS384"),
        (Algorithm::PS512, "PS512"),
    ] {
        let token = sign(alg, &key);
        for right in &formats {
            assert_round_trip(name, &token, right, &wrong);
        }
    }
    Ok(())
}

#[test]
fn a_pkcs1_private_key_signs_what_the_public_key_verifies() -> TestResult {
    let key = EncodingKey::from_rsa_pem(&key_file("rsa.pkcs1.key.pem"))?;
    let token = sign(Algorithm::RS256, &key);
    assert_eq!(check(&token, &public("rsa.pub.pem")), SignatureCheck::Valid);
    Ok(())
}

#[test]
fn ecdsa_algorithms_round_trip_and_the_wrong_key_fails() -> TestResult {
    let es256 = sign(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(&key_file("ec256.key.pem"))?,
    );
    assert_round_trip(
        "ES256",
        &es256,
        &public("ec256.pub.pem"),
        &public("ec256_other.pub.pem"),
    );
    assert_round_trip(
        "ES256",
        &es256,
        &public("ec256.cert.pem"),
        &public("ec256_other.pub.pem"),
    );

    let es384 = sign(
        Algorithm::ES384,
        &EncodingKey::from_ec_pem(&key_file("ec384.key.pem"))?,
    );
    assert_round_trip(
        "ES384",
        &es384,
        &public("ec384.pub.pem"),
        &public("ec384_other.pub.pem"),
    );

    let es512 = sign_es512(std::str::from_utf8(&key_file("ec521.key.pem"))?);
    assert_round_trip(
        "ES512",
        &es512,
        &public("ec521.pub.pem"),
        &public("ec521_other.pub.pem"),
    );
    Ok(())
}

#[test]
fn eddsa_round_trips_and_the_wrong_key_fails() -> TestResult {
    let token = sign(
        Algorithm::EdDSA,
        &EncodingKey::from_ed_pem(&key_file("ed25519.key.pem"))?,
    );
    assert_round_trip(
        "EdDSA",
        &token,
        &public("ed25519.pub.pem"),
        &public("ed25519_other.pub.pem"),
    );
    Ok(())
}

#[test]
fn a_key_of_the_wrong_type_is_a_mismatch_not_a_verdict() -> TestResult {
    let rs256 = sign(
        Algorithm::RS256,
        &EncodingKey::from_rsa_pem(&key_file("rsa.key.pem"))?,
    );
    let es256 = sign(
        Algorithm::ES256,
        &EncodingKey::from_ec_pem(&key_file("ec256.key.pem"))?,
    );
    let cases = [
        (&rs256, public("ec256.pub.pem")),
        (&rs256, VerifyKey::secret("a secret")?),
        (&es256, public("rsa.pub.pem")),
        (&es256, public("ec384.pub.pem")),
        (&es256, public("ed25519.pub.pem")),
    ];
    for (token, key) in &cases {
        assert!(
            matches!(check(token, key), SignatureCheck::KeyMismatch { .. }),
            "a key that cannot make this algorithm's signatures is reported as a mismatch"
        );
    }
    Ok(())
}

#[test]
fn an_hs256_token_signed_with_the_rsa_public_key_text_is_not_accepted() -> TestResult {
    // The classic algorithm-confusion attack: the public key's PEM bytes used as an HMAC secret.
    let pem = key_file("rsa.pub.pem");
    let forged = sign(Algorithm::HS256, &EncodingKey::from_secret(&pem));
    let verdict = check(&forged, &VerifyKey::from_file_bytes(&pem)?);
    assert!(
        matches!(verdict, SignatureCheck::KeyMismatch { .. }),
        "an RSA key file must never act as an HMAC secret, got {verdict:?}"
    );
    Ok(())
}
