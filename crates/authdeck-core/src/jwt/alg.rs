//! The JWS algorithms of RFC 7518, plus EdDSA (RFC 8037), ES256K (RFC 8812) and the
//! fully-specified Ed25519 and Ed448 (RFC 9864), and what key each one needs.

use std::fmt;

/// A JWS `alg` value Authdeck can verify, or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    /// ECDSA using secp256k1 and SHA-256 (RFC 8812 §3.2).
    ES256K,
    EdDSA,
    /// EdDSA with Ed25519 only (RFC 9864 §2.2): the same check as `EdDSA` with an Ed25519 key.
    Ed25519,
    /// EdDSA with Ed448 (RFC 9864 §2.2): recognised, but Authdeck has no Ed448 verifier.
    Ed448,
    None,
}

/// The kind of key an algorithm needs; a key of another kind never verifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    Hmac,
    Rsa,
    EcP256,
    EcP384,
    EcP521,
    EcSecp256k1,
    Ed25519,
    Ed448,
    Unsigned,
}

impl Algorithm {
    pub const ALL: [Algorithm; 17] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::ES256K,
        Algorithm::EdDSA,
        Algorithm::Ed25519,
        Algorithm::Ed448,
        Algorithm::None,
    ];

    /// Parses an `alg` value exactly as registered (case-sensitive, like RFC 7515 says).
    pub fn parse(alg: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.as_str() == alg)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::ES256K => "ES256K",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::Ed448 => "Ed448",
            Algorithm::None => "none",
        }
    }

    /// Plain words for the UI, as RFC 7518 names them.
    pub fn describe(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HMAC using SHA-256 (shared secret)",
            Algorithm::HS384 => "HMAC using SHA-384 (shared secret)",
            Algorithm::HS512 => "HMAC using SHA-512 (shared secret)",
            Algorithm::RS256 => "RSASSA-PKCS1-v1_5 using SHA-256",
            Algorithm::RS384 => "RSASSA-PKCS1-v1_5 using SHA-384",
            Algorithm::RS512 => "RSASSA-PKCS1-v1_5 using SHA-512",
            Algorithm::PS256 => "RSASSA-PSS using SHA-256",
            Algorithm::PS384 => "RSASSA-PSS using SHA-384",
            Algorithm::PS512 => "RSASSA-PSS using SHA-512",
            Algorithm::ES256 => "ECDSA using P-256 and SHA-256",
            Algorithm::ES384 => "ECDSA using P-384 and SHA-384",
            Algorithm::ES512 => "ECDSA using P-521 and SHA-512",
            Algorithm::ES256K => "ECDSA using secp256k1 and SHA-256",
            Algorithm::EdDSA => "EdDSA (Ed25519)",
            Algorithm::Ed25519 => "EdDSA using Ed25519",
            Algorithm::Ed448 => "EdDSA using Ed448 (Authdeck cannot verify it)",
            Algorithm::None => "none: unsigned, anyone can forge it",
        }
    }

    pub fn family(self) -> KeyFamily {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => KeyFamily::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => KeyFamily::Rsa,
            Algorithm::ES256 => KeyFamily::EcP256,
            Algorithm::ES384 => KeyFamily::EcP384,
            Algorithm::ES512 => KeyFamily::EcP521,
            Algorithm::ES256K => KeyFamily::EcSecp256k1,
            Algorithm::EdDSA | Algorithm::Ed25519 => KeyFamily::Ed25519,
            Algorithm::Ed448 => KeyFamily::Ed448,
            Algorithm::None => KeyFamily::Unsigned,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl KeyFamily {
    /// What a key of this family is, for messages like "the key is an RSA public key".
    pub fn describe(self) -> &'static str {
        match self {
            KeyFamily::Hmac => "a shared secret (HMAC)",
            KeyFamily::Rsa => "an RSA public key",
            KeyFamily::EcP256 => "an EC P-256 public key",
            KeyFamily::EcP384 => "an EC P-384 public key",
            KeyFamily::EcP521 => "an EC P-521 public key",
            KeyFamily::EcSecp256k1 => "an EC secp256k1 public key",
            KeyFamily::Ed25519 => "an Ed25519 public key",
            KeyFamily::Ed448 => "an Ed448 public key",
            KeyFamily::Unsigned => "no key",
        }
    }

    /// The algorithms a key of this family can verify, for hints in messages.
    pub fn algorithms(self) -> &'static str {
        match self {
            KeyFamily::Hmac => "HS256/HS384/HS512",
            KeyFamily::Rsa => "RS256/RS384/RS512/PS256/PS384/PS512",
            KeyFamily::EcP256 => "ES256",
            KeyFamily::EcP384 => "ES384",
            KeyFamily::EcP521 => "ES512",
            KeyFamily::EcSecp256k1 => "ES256K",
            KeyFamily::Ed25519 => "EdDSA/Ed25519",
            KeyFamily::Ed448 => "Ed448",
            KeyFamily::Unsigned => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_registered_name_and_nothing_else() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::parse(alg.as_str()), Some(alg));
        }
        assert_eq!(
            Algorithm::parse("hs256"),
            None,
            "alg names are case-sensitive"
        );
        assert_eq!(Algorithm::parse("ES256K"), Some(Algorithm::ES256K));
        assert_eq!(Algorithm::parse("es256k"), None);
    }
}
