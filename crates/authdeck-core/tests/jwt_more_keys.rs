//! Keys and algorithms users bring beyond RFC 7518's: ES256K (secp256k1, RFC 8812), the
//! fully-specified Ed25519 and Ed448 names (RFC 9864), and an RSA key published as
//! id-RSASSA-PSS (RFC 4055), which OpenSSL writes for `genpkey -algorithm RSA-PSS`.

use authdeck_core::jwt::{self, SignatureCheck, VerifyKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/jwt")
        .join(name)
}

fn check(token: &str, key: &VerifyKey) -> Result<SignatureCheck, Box<dyn std::error::Error>> {
    Ok(jwt::verify(&jwt::decode(token)?, key))
}

/// An ES256K token signed with a fixed secp256k1 key, and that key's public half as a JWK.
fn es256k()
-> Result<(String, serde_json::Value, k256::ecdsa::VerifyingKey), Box<dyn std::error::Error>> {
    use k256::ecdsa::signature::Signer;
    let signing = k256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into())?;
    let input = format!("{}.{}", b64(r#"{"alg":"ES256K"}"#), b64(r#"{"sub":"k1"}"#));
    let signature: k256::ecdsa::Signature = signing.sign(input.as_bytes());
    let token = format!("{input}.{}", b64(signature.to_bytes()));
    let point = signing.verifying_key().to_encoded_point(false);
    let jwk = serde_json::json!({
        "kty": "EC", "crv": "secp256k1",
        "x": b64(point.x().ok_or("x")?), "y": b64(point.y().ok_or("y")?),
    });
    Ok((token, jwk, *signing.verifying_key()))
}

/// r and s of a token's ES256K signature.
fn signature_parts(
    token: &str,
) -> Result<(k256::NonZeroScalar, k256::NonZeroScalar), Box<dyn std::error::Error>> {
    let sig = URL_SAFE_NO_PAD.decode(token.rsplit_once('.').ok_or("a token")?.1)?;
    let sig = k256::ecdsa::Signature::from_slice(&sig)?;
    let (r, s) = sig.split_scalars();
    Ok((r, s))
}

#[test]
fn es256k_verifies_with_a_secp256k1_jwk_and_pem_and_an_altered_token_fails() -> TestResult {
    use k256::pkcs8::EncodePublicKey;
    let (token, jwk, verifying) = es256k()?;
    let from_jwk = VerifyKey::jwks_json(&serde_json::json!({ "keys": [jwk] }))?;
    assert!(
        check(&token, &from_jwk)?.is_valid(),
        "{:?}",
        check(&token, &from_jwk)?
    );
    let pem = verifying.to_public_key_pem(k256::pkcs8::LineEnding::LF)?;
    let from_pem = VerifyKey::from_file_bytes(pem.as_bytes())?;
    assert!(check(&token, &from_pem)?.is_valid());
    // The same signature with S replaced by n - S (as signers that do not normalise write it)
    // is just as valid in JWS.
    let (r, s) = signature_parts(&token)?;
    let high_s = k256::ecdsa::Signature::from_scalars(r, -s)?;
    let input = token.rsplit_once('.').ok_or("a token")?.0;
    let other_form = format!("{input}.{}", b64(high_s.to_bytes()));
    assert!(
        check(&other_form, &from_pem)?.is_valid(),
        "a high-S signature is valid too"
    );
    let altered = token.replacen(&b64(r#"{"sub":"k1"}"#), &b64(r#"{"sub":"k2"}"#), 1);
    assert!(matches!(
        check(&altered, &from_pem)?,
        SignatureCheck::Invalid { .. }
    ));
    let inspection = jwt::inspect(
        &jwt::decode(&token)?,
        jiff::Timestamp::now(),
        &jiff::tz::TimeZone::UTC,
    );
    assert!(
        inspection.notes.iter().all(|n| n.code != "unknown_alg"),
        "ES256K is a JWS algorithm: {:?}",
        inspection.notes
    );
    Ok(())
}

#[test]
fn the_ed25519_name_verifies_like_eddsa_and_ed448_is_decoded_but_unverifiable() -> TestResult {
    use ed25519_dalek::Signer;
    let signing = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let jwk = serde_json::json!({
        "kty": "OKP", "crv": "Ed25519", "x": b64(signing.verifying_key().to_bytes()),
    });
    let key = VerifyKey::jwks_json(&serde_json::json!({ "keys": [jwk] }))?;
    let input = format!("{}.{}", b64(r#"{"alg":"Ed25519"}"#), b64(r#"{"sub":"ed"}"#));
    let token = format!("{input}.{}", b64(signing.sign(input.as_bytes()).to_bytes()));
    assert!(
        check(&token, &key)?.is_valid(),
        "{:?}",
        check(&token, &key)?
    );

    let ed448 = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"Ed448"}"#),
        b64(r#"{"sub":"x"}"#),
        b64([1u8; 114])
    );
    let decoded = jwt::decode(&ed448)?;
    assert_eq!(decoded.alg().as_deref(), Some("Ed448"), "it still decodes");
    assert!(
        matches!(
            jwt::verify(&decoded, &key),
            SignatureCheck::KeyMismatch { .. }
        ),
        "an Ed448 token cannot be checked with an Ed25519 key: unverifiable, not invalid"
    );
    Ok(())
}

#[test]
fn an_rsa_pss_spki_key_verifies_its_ps256_token() -> TestResult {
    let key = VerifyKey::from_file_bytes(&std::fs::read(data("rsa-pss-public.pem"))?)?;
    let token = std::fs::read_to_string(data("rsa-pss-ps256.jwt"))?;
    let token = token.trim();
    assert!(check(token, &key)?.is_valid(), "{:?}", check(token, &key)?);
    let last = if token.ends_with('A') { 'B' } else { 'A' };
    let altered = format!("{}{last}", &token[..token.len() - 1]);
    assert!(!check(&altered, &key)?.is_valid());
    Ok(())
}
