//! The demo issuer's signing key: one fixed ES256 (P-256) key, published at `/oidc/jwks`.
//!
//! Fixed, so ID tokens issued before a sandbox restart still verify after it. Not a secret: the
//! sandbox is a demo, and this key signs nothing but demo tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::pkcs8::DecodePrivateKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEkofRs27s00XNiN+
/VGY4CEyhLrp1zq9P2Z2jONVTnqhRANCAATtBQvRjgdi8xP8s0O3GDe+xkAmVOB0
e0KaGHrxTcyauKdRyJ5VfGWVfLr2E5uFm5lcxQcdH5gwSWqRZAlCa4/Z
-----END PRIVATE KEY-----
";

/// The key id in every token header and in the JWKS.
pub(crate) const KID: &str = "sandbox-oidc-es256";

/// The key, its public half, and the public half as a JWK (RFC 7517).
pub(crate) struct Signing {
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
}

impl std::fmt::Debug for Signing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signing").field("kid", &KID).finish()
    }
}

impl Signing {
    /// Loads the fixed key. Errors: only if the embedded PEM were broken (a test covers it).
    pub(crate) fn new() -> Result<Signing, String> {
        let secret = p256::SecretKey::from_pkcs8_pem(KEY_PEM)
            .map_err(|e| format!("the demo issuer's key does not load: {e}"))?;
        let point = secret.public_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err("the demo issuer's public key has no coordinates".into());
        };
        let (x, y) = (URL_SAFE_NO_PAD.encode(x), URL_SAFE_NO_PAD.encode(y));
        let encoding = EncodingKey::from_ec_pem(KEY_PEM.as_bytes())
            .map_err(|e| format!("the demo issuer's key does not load: {e}"))?;
        let decoding = DecodingKey::from_ec_components(&x, &y)
            .map_err(|e| format!("the demo issuer's public key does not load: {e}"))?;
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "x": x, "y": y,
            "kid": KID, "alg": "ES256", "use": "sig",
        });
        Ok(Signing {
            encoding,
            decoding,
            jwk,
        })
    }

    /// The JWKS document (RFC 7517 §5) of the public key.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// Signs `claims` as an ES256 JWT with media type `typ` ("JWT", or "at+jwt" for access
    /// tokens, RFC 9068 §2.1).
    pub(crate) fn sign(&self, typ: &str, claims: &impl Serialize) -> Result<String, String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(KID.into());
        header.typ = Some(typ.into());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| format!("signing failed: {e}"))
    }

    /// The claims of a token this issuer signed; `None` for anything else. `exp` is not
    /// checked here: callers compare it with the `now` they were given.
    pub(crate) fn verify<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_against_the_published_jwk() {
        let signing = Signing::new().expect("the embedded key loads");
        let token = signing
            .sign("JWT", &json!({ "sub": "demo-alice" }))
            .expect("signs");
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(signing.jwks()["keys"][0].clone()).expect("a JWK");
        let key = DecodingKey::from_jwk(&jwk).expect("a key from the JWK");
        let mut validation = Validation::new(Algorithm::ES256);
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<Value>(&token, &key, &validation)
            .expect("the JWKS key verifies what the issuer signs");
        assert_eq!(claims.claims["sub"], "demo-alice");
        assert_eq!(claims.header.kid.as_deref(), Some(KID));
    }

    #[test]
    fn a_token_with_a_changed_payload_does_not_verify() {
        let signing = Signing::new().expect("the embedded key loads");
        let token = signing
            .sign("JWT", &json!({ "sub": "demo-alice" }))
            .expect("signs");
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"mallory"}"#);
        parts[1] = &forged;
        assert!(signing.verify::<Value>(&parts.join(".")).is_none());
        assert!(signing.verify::<Value>(&token).is_some());
    }
}
