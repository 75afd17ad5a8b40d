//! Keys that would make a forged token look valid, or that are weak, and token shapes a verifier
//! must not misjudge: each input here was accepted or misreported before (issue 20's trial).

use authdeck_core::jwt::{self, KeyError, SignatureCheck, VerifyKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/jwt/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("test key {path}: {e}"))
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rs256(kid: Option<&str>) -> Result<String, Box<dyn std::error::Error>> {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    let key = EncodingKey::from_rsa_pem(&key_file("rsa.key.pem"))?;
    Ok(jsonwebtoken::encode(&header, &json!({"sub": "x"}), &key)?)
}

fn hs256(secret: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "x"}),
        &EncodingKey::from_secret(secret),
    )?)
}

fn check(token: &str, key: &VerifyKey) -> Result<SignatureCheck, Box<dyn std::error::Error>> {
    Ok(jwt::verify(&jwt::decode(token)?, key))
}

fn warnings(key: &VerifyKey) -> String {
    key.keys()
        .iter()
        .filter_map(|k| k.warning())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn a_small_order_ed25519_key_is_refused_so_its_forged_signature_never_verifies() -> TestResult {
    // The identity point: with it, R = identity and S = 0 "verifies" any message under the
    // lenient check, so anyone can make a token it accepts.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64(identity)});
    let err = VerifyKey::from_file_bytes(jwk.to_string().as_bytes())
        .expect_err("a small-order key must be refused");
    assert!(err.to_string().contains("small order"), "{err}");
    // In a JWKS it is skipped with the reason, and a set of only that key verifies nothing.
    let err = VerifyKey::jwks_json(&json!({ "keys": [jwk] })).expect_err("no usable key");
    assert!(err.to_string().contains("small order"), "{err}");
    Ok(())
}

#[test]
fn a_shared_secret_published_in_a_jwks_url_is_skipped_with_the_reason() -> TestResult {
    let secret = b"a-secret-that-is-thirty-two-byte";
    let oct = json!({"kty": "oct", "kid": "hs", "k": b64(secret)});
    let err = VerifyKey::jwks_published(&json!({ "keys": [oct] }))
        .expect_err("an oct key from a URL is not a key");
    assert!(err.to_string().contains("published at a URL"), "{err}");
    // With a public key beside it, the set keeps the public key and says what it skipped.
    let pem = String::from_utf8(key_file("rsa.pub.pem"))?;
    let rsa = VerifyKey::from_file_bytes(pem.as_bytes())?;
    assert_eq!(rsa.keys().len(), 1);
    let token = hs256(secret)?;
    let set = VerifyKey::jwks_published(&json!({ "keys": [oct, rsa_jwk()?] }))?;
    assert_eq!(set.keys().len(), 1, "only the RSA key is kept");
    assert!(
        warnings(&set).contains("published at a URL"),
        "{}",
        warnings(&set)
    );
    assert!(
        !check(&token, &set)?.is_valid(),
        "a token made with the published secret does not verify"
    );
    // The same JWKS from a file the user holds is theirs to trust.
    let own = VerifyKey::jwks_json(&json!({ "keys": [oct] }))?;
    assert_eq!(check(&token, &own)?, SignatureCheck::Valid);
    Ok(())
}

fn rsa_jwk() -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;
    let key = rsa::RsaPublicKey::from_public_key_pem(&String::from_utf8(key_file("rsa.pub.pem"))?)?;
    Ok(
        json!({"kty": "RSA", "kid": "rsa", "n": b64(key.n().to_bytes_be()), "e": b64(key.e().to_bytes_be())}),
    )
}

#[test]
fn public_key_material_is_refused_as_a_secret_in_every_wrapping() -> TestResult {
    let pem = String::from_utf8(key_file("rsa.pub.pem"))?;
    // An oct JWK whose k is the PEM.
    let oct = json!({"kty": "oct", "k": b64(pem.as_bytes())});
    let err = VerifyKey::from_file_bytes(oct.to_string().as_bytes())
        .expect_err("a PEM inside k is a public key used as a secret");
    assert!(matches!(err, KeyError::PublicKeyAsSecret(_)), "{err}");
    // The PEM's base64 body without its BEGIN/END lines, as --secret text.
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let err = VerifyKey::secret(&body).expect_err("the body of a public key is refused");
    assert!(err.to_string().contains("without its BEGIN/END"), "{err}");
    // The same body with its line breaks.
    let wrapped: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(matches!(
        VerifyKey::secret(&wrapped),
        Err(KeyError::PublicKeyAsSecret(_))
    ));
    Ok(())
}

#[test]
fn a_base64_secret_wrapped_over_lines_is_read_whole() -> TestResult {
    let secret: Vec<u8> = (0u8..64).collect();
    let token = hs256(&secret)?;
    let encoded = STANDARD.encode(&secret);
    let wrapped = format!("{}\n{}\n", &encoded[..40], &encoded[40..]);
    let key = VerifyKey::secret_base64(&wrapped)?;
    assert_eq!(check(&token, &key)?, SignatureCheck::Valid);
    Ok(())
}

#[test]
fn weak_keys_verify_but_carry_a_warning_that_says_why() -> TestResult {
    let short = VerifyKey::secret("hunter2")?;
    assert!(
        warnings(&short).contains("7 bytes") && warnings(&short).contains("RFC 7518 §3.2"),
        "{}",
        warnings(&short)
    );
    assert_eq!(check(&hs256(b"hunter2")?, &short)?, SignatureCheck::Valid);
    let long = VerifyKey::secret("a-secret-that-is-thirty-two-byte")?;
    assert_eq!(warnings(&long), "", "a 32-byte secret is not weak");

    // A 1024-bit RSA key (built from parts: only the size matters here).
    let n = rsa::BigUint::from_bytes_be(&[0xC5; 128]);
    let jwk = json!({"kty": "RSA", "n": b64(n.to_bytes_be()), "e": "AQAB"});
    let small = VerifyKey::from_file_bytes(jwk.to_string().as_bytes())?;
    assert!(
        warnings(&small).contains("1024 bits"),
        "{}",
        warnings(&small)
    );
    assert_eq!(
        warnings(&VerifyKey::from_file_bytes(&key_file("rsa.pub.pem"))?),
        "",
        "a 2048-bit key is not weak"
    );
    Ok(())
}

#[test]
fn a_jwk_meant_for_encryption_or_holding_a_private_key_is_used_with_a_warning() -> TestResult {
    let mut jwk = rsa_jwk()?;
    jwk["use"] = json!("enc");
    let key = VerifyKey::from_file_bytes(jwk.to_string().as_bytes())?;
    assert!(
        warnings(&key).contains("\"use\": \"enc\""),
        "{}",
        warnings(&key)
    );
    let mut jwk = rsa_jwk()?;
    jwk["key_ops"] = json!(["encrypt"]);
    jwk["d"] = json!("c2VjcmV0LWV4cG9uZW50");
    let key = VerifyKey::from_file_bytes(jwk.to_string().as_bytes())?;
    let said = warnings(&key);
    assert!(
        said.contains("key_ops") && said.contains("private key"),
        "{said}"
    );
    assert!(
        !said.contains("c2VjcmV0"),
        "the private member is never quoted: {said}"
    );
    assert_eq!(check(&rs256(None)?, &key)?, SignatureCheck::Valid);
    Ok(())
}

#[test]
fn an_rsa_key_of_8192_bits_is_read_from_pkcs1_and_spki_pem() -> TestResult {
    use rsa::pkcs1::EncodeRsaPublicKey as _;
    use rsa::pkcs8::EncodePublicKey as _;
    let mut n = vec![0xF1u8; 1024];
    n[1023] |= 1;
    let key = rsa::RsaPublicKey::new_with_max_size(
        rsa::BigUint::from_bytes_be(&n),
        rsa::BigUint::from(65537u32),
        8192,
    )?;
    let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)?;
    let spki = key.to_public_key_pem(rsa::pkcs8::LineEnding::LF)?;
    for pem in [pkcs1.as_str(), spki.as_str()] {
        let read = VerifyKey::from_file_bytes(pem.as_bytes())?;
        assert_eq!(read.keys().len(), 1);
    }
    // One bit past the limit is refused as too large, not misread.
    let mut over = vec![0x01u8];
    over.extend(vec![0xF1u8; 1024]);
    let jwk = json!({"kty": "RSA", "n": b64(&over), "e": "AQAB"});
    assert!(VerifyKey::from_file_bytes(jwk.to_string().as_bytes()).is_err());
    Ok(())
}

#[test]
fn a_token_kid_finds_its_key_among_pem_blocks_that_have_no_kid() -> TestResult {
    let mut chain = key_file("ec256.cert.pem");
    chain.extend(key_file("rsa.cert.pem"));
    let set = VerifyKey::from_file_bytes(&chain)?;
    assert_eq!(
        check(&rs256(Some("2024-signing"))?, &set)?,
        SignatureCheck::Valid
    );
    // A set whose keys all have other kids still says the kid is unknown.
    let named = VerifyKey::jwks_json(&json!({ "keys": [rsa_jwk()?] }))?;
    assert!(matches!(
        check(&rs256(Some("2024-signing"))?, &named)?,
        SignatureCheck::KeyMismatch { .. }
    ));
    Ok(())
}

#[test]
fn a_padded_signature_is_invalid_and_says_why() -> TestResult {
    let secret = b"a-secret-that-is-thirty-two-byte";
    let token = hs256(secret)?;
    let key = VerifyKey::secret(std::str::from_utf8(secret)?)?;
    assert_eq!(check(&token, &key)?, SignatureCheck::Valid);
    let padded = format!("{token}=");
    match check(&padded, &key)? {
        SignatureCheck::Invalid { reason } => assert!(reason.contains("padding"), "{reason}"),
        other => panic!("a padded signature must be invalid, got {other:?}"),
    }
    Ok(())
}

#[test]
fn a_detached_payload_is_unverifiable_and_named_not_a_mismatch() -> TestResult {
    let secret = b"a-secret-that-is-thirty-two-byte";
    let token = hs256(secret)?;
    let mut parts = token.split('.');
    let (header, _, signature) = (parts.next(), parts.next(), parts.next());
    let detached = format!(
        "{}..{}",
        header.ok_or("header")?,
        signature.ok_or("signature")?
    );
    let key = VerifyKey::secret(std::str::from_utf8(secret)?)?;
    match check(&detached, &key)? {
        SignatureCheck::KeyMismatch { reason } => assert!(reason.contains("detached"), "{reason}"),
        other => panic!("a detached payload cannot be checked, got {other:?}"),
    }
    let inspection = inspect(&detached)?;
    assert!(
        inspection
            .notes
            .iter()
            .any(|n| n.code == "detached_payload"),
        "{:?}",
        inspection.notes
    );
    Ok(())
}

#[test]
fn claims_that_cannot_be_read_exactly_or_at_all_get_a_note() -> TestResult {
    let header = b64(r#"{"alg":"HS256"}"#);
    let big = format!(
        "{header}.{}.c2ln",
        b64(r#"{"sub":"x","id":123456789012345678901234}"#)
    );
    let inspection = inspect(&big)?;
    let note = inspection
        .notes
        .iter()
        .find(|n| n.code == "big_number")
        .ok_or("a big integer is noted")?;
    assert!(note.message.starts_with("id is"), "{}", note.message);

    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let nested = format!("{header}.{}.c2ln", b64(&deep));
    let inspection = inspect(&nested)?;
    let note = inspection
        .notes
        .iter()
        .find(|n| n.code == "deep_claim")
        .ok_or("a claim too deep for --json says so")?;
    assert!(note.message.starts_with("a is nested"), "{}", note.message);

    // A payload that looks like claims but is not JSON (a lone surrogate) says why it is text.
    let broken = format!("{header}.{}.c2ln", b64(r#"{"sub":"\ud800"#));
    let inspection = inspect(&broken)?;
    assert!(
        inspection
            .notes
            .iter()
            .any(|n| n.code == "payload_not_json"),
        "{:?}",
        inspection.notes
    );
    Ok(())
}

fn inspect(token: &str) -> Result<jwt::Inspection, Box<dyn std::error::Error>> {
    Ok(jwt::inspect(
        &jwt::decode(token)?,
        jiff::Timestamp::now(),
        &jiff::tz::TimeZone::UTC,
    ))
}

/// An HS256 token over `header` and the payload segment exactly as given.
fn hs256_raw(header: &serde_json::Value, payload_segment: &str, secret: &[u8]) -> String {
    use hmac::Mac as _;
    let input = format!("{}.{payload_segment}", b64(header.to_string()));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(mac.finalize().into_bytes()))
}

#[test]
fn an_unencoded_payload_is_never_read_as_claims_and_never_valid() -> TestResult {
    let secret = b"a-secret-that-is-thirty-two-byte";
    let key = VerifyKey::secret(std::str::from_utf8(secret)?)?;
    let claims_b64 = b64(r#"{"sub":"admin","role":"admin"}"#);
    for header in [
        json!({"alg": "HS256", "b64": false}),
        json!({"alg": "HS256", "b64": false, "crit": ["b64"]}),
    ] {
        let token = hs256_raw(&header, &claims_b64, secret);
        let seen = inspect(&token)?;
        assert!(
            seen.claims.is_none(),
            "{header}: no claims beside b64 false"
        );
        assert_eq!(seen.payload_text.as_deref(), Some(claims_b64.as_str()));
        assert!(seen.notes.iter().any(|n| n.code == "unencoded_payload"));
        assert!(
            matches!(check(&token, &key)?, SignatureCheck::Invalid { .. }),
            "{header}: rejected"
        );
    }
    // A genuine RFC 7797 token: its payload is literal JSON text, which is read, not refused.
    let literal = hs256_raw(
        &json!({"alg": "HS256", "b64": false, "crit": ["b64"]}),
        r#"{"sub":"admin"}"#,
        secret,
    );
    assert_eq!(
        inspect(&literal)?.payload_text.as_deref(),
        Some(r#"{"sub":"admin"}"#)
    );
    Ok(())
}

#[test]
fn a_kid_that_is_not_a_string_is_rejected_not_matched() -> TestResult {
    let secret = b"a-secret-that-is-thirty-two-byte";
    let token = hs256_raw(
        &json!({"alg": "HS256", "kid": 1}),
        &b64(r#"{"sub":"x"}"#),
        secret,
    );
    let set =
        VerifyKey::jwks_json(&json!({"keys": [{"kty": "oct", "kid": "a", "k": b64(secret)}]}))?;
    match check(&token, &set)? {
        SignatureCheck::Invalid { reason } => assert!(reason.contains("not a string"), "{reason}"),
        other => panic!("a numeric kid must not verify: {other:?}"),
    }
    Ok(())
}

/// The SPKI of rsa.pub.pem's key, labelled id-RSASSA-PSS, with `params` (DER) if any.
fn pss_spki(params: Option<Vec<u8>>) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    use rsa::pkcs1::EncodeRsaPublicKey as _;
    use rsa::pkcs8::DecodePublicKey as _;
    use x509_cert::der::{Decode as _, Encode as _};
    use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
    let key = rsa::RsaPublicKey::from_public_key_pem(&String::from_utf8(key_file("rsa.pub.pem"))?)?;
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10"),
            parameters: match params {
                Some(der) => Some(x509_cert::der::Any::from_der(&der)?),
                None => None,
            },
        },
        subject_public_key: x509_cert::der::asn1::BitString::from_bytes(
            key.to_pkcs1_der()?.as_bytes(),
        )?,
    };
    Ok(spki.to_der()?)
}

fn signed(alg: Algorithm) -> Result<String, Box<dyn std::error::Error>> {
    let key = EncodingKey::from_rsa_pem(&key_file("rsa.key.pem"))?;
    Ok(jsonwebtoken::encode(
        &Header::new(alg),
        &json!({"sub": "x"}),
        &key,
    )?)
}

#[test]
fn an_rsa_pss_key_verifies_only_the_pss_algorithm_its_parameters_allow() -> TestResult {
    use x509_cert::der::Encode as _;
    let open = VerifyKey::from_file_bytes(&pss_spki(None)?)?;
    assert_eq!(
        check(&signed(Algorithm::PS256)?, &open)?,
        SignatureCheck::Valid
    );
    assert!(
        matches!(
            check(&signed(Algorithm::RS256)?, &open)?,
            SignatureCheck::KeyMismatch { .. }
        ),
        "a PSS key never verifies PKCS#1 v1.5"
    );
    let sha512 = rsa::pkcs1::RsaPssParams::new::<sha2::Sha512>(64).to_der()?;
    let pinned = VerifyKey::from_file_bytes(&pss_spki(Some(sha512))?)?;
    assert_eq!(
        check(&signed(Algorithm::PS512)?, &pinned)?,
        SignatureCheck::Valid
    );
    assert!(matches!(
        check(&signed(Algorithm::PS256)?, &pinned)?,
        SignatureCheck::KeyMismatch { .. }
    ));
    Ok(())
}

#[test]
fn a_jwk_or_a_hex_key_offered_as_a_secret_is_refused_with_what_to_do() -> TestResult {
    let jwk = json!({"kty": "oct", "k": b64(b"a-secret-that-is-thirty-two-byte")}).to_string();
    let err = VerifyKey::secret(&jwk).expect_err("the JWK's text is not its secret");
    assert!(err.to_string().contains("--key"), "{err}");
    let der = pem_der("rsa.pub.pem")?;
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    assert!(matches!(
        VerifyKey::secret(&hex),
        Err(KeyError::PublicKeyAsSecret(_))
    ));
    Ok(())
}

fn pem_der(name: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let pem = String::from_utf8(key_file(name))?;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    Ok(STANDARD.decode(body)?)
}

#[test]
fn a_jwks_key_dropped_for_a_fault_is_named_beside_the_verdict() -> TestResult {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let set = VerifyKey::jwks_json(&json!({"keys": [
        {"kty": "OKP", "crv": "Ed25519", "kid": "bad", "x": b64(identity)},
        rsa_jwk()?,
    ]}))?;
    let said = warnings(&set);
    assert!(
        said.contains("kid bad") && said.contains("small order"),
        "{said}"
    );
    Ok(())
}

#[test]
fn an_hmac_secret_shorter_than_the_algorithm_asks_is_warned_per_algorithm() -> TestResult {
    let secret = "a-secret-that-is-thirty-two-byte";
    let key = VerifyKey::secret(secret)?;
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &json!({"sub": "x"}),
        &EncodingKey::from_secret(secret.as_bytes()),
    )?;
    let said = jwt::key_warnings(&jwt::decode(&hs512)?, &key);
    assert!(said.iter().any(|w| w.contains("64 for HS512")), "{said:?}");
    assert!(
        jwt::key_warnings(&jwt::decode(&hs256(secret.as_bytes())?)?, &key).is_empty(),
        "32 bytes are enough for HS256"
    );
    Ok(())
}

#[test]
fn pasted_forms_of_a_token_are_read_or_named() -> TestResult {
    let token = hs256(b"a-secret-that-is-thirty-two-byte")?;
    // DPoP (RFC 9449) carries a JWT as Bearer does.
    assert!(jwt::decode(&format!("DPoP {token}")).is_ok());
    // Text pasted with the token is not silently glued on.
    let joined = inspect(&format!("{token}\nhello"))?;
    assert!(joined.notes.iter().any(|n| n.code == "whitespace_removed"));
    // The JSON serialization is named, not "expected 3 parts".
    let json_form = json!({"protected": "eyJ", "payload": "e30", "signature": "AA"}).to_string();
    assert!(matches!(
        jwt::decode(&json_form),
        Err(jwt::Malformed::JsonSerialization)
    ));
    Ok(())
}
