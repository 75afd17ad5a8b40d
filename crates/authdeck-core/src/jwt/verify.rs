//! Signature verification against the token's original signing input bytes.
//!
//! Only the signature is judged here; whether the token is expired is [`super::inspect`]'s job,
//! so "signature valid, expired" is a possible and useful answer.

use super::alg::Algorithm;
use super::decode::Decoded;
use super::key::{Key, Material, VerifyKey};
use super::object::JsonObject;
use p256::ecdsa::signature::Verifier as _;
use serde::Serialize;

/// The verdict on a token's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureCheck {
    /// A key made for this algorithm verified the signature.
    Valid,
    /// The signature does not match, or the token cannot be verified as it stands.
    Invalid { reason: String },
    /// `alg: none`: there is nothing to verify, and such a token proves nothing.
    Unsigned,
    /// The key given cannot verify this token (wrong type for the `alg`, no matching `kid`).
    KeyMismatch { reason: String },
}

impl SignatureCheck {
    pub fn is_valid(&self) -> bool {
        matches!(self, SignatureCheck::Valid)
    }

    /// One line for humans.
    pub fn describe(&self) -> String {
        match self {
            SignatureCheck::Valid => "valid".into(),
            SignatureCheck::Invalid { reason } => format!("invalid: {reason}"),
            SignatureCheck::Unsigned => "unsigned (alg none): it proves nothing".into(),
            SignatureCheck::KeyMismatch { reason } => format!("not verified: {reason}"),
        }
    }

    /// [`SignatureCheck::describe`], naming the key of a set that verified the token (as
    /// [`verify_naming`] gives it).
    pub fn describe_by(&self, verified_by: Option<&str>) -> String {
        match verified_by {
            Some(by) => format!("{} ({by} of the set)", self.describe()),
            None => self.describe(),
        }
    }
}

/// Verifies a decoded token with a key or a key set.
///
/// With a set, the token's `kid` picks the candidates (else every key is one); candidates
/// whose type does not fit the `alg` are never tried, so an RSA public key can never be
/// misused as an HMAC secret.
pub fn verify(decoded: &Decoded, key: &VerifyKey) -> SignatureCheck {
    verify_naming(decoded, key).0
}

/// [`verify`], and for a valid token out of a key set the key that verified it: `kid "X"`, or
/// `key #N` (1-based, in the set's order) for a key without a `kid`.
pub fn verify_naming(decoded: &Decoded, key: &VerifyKey) -> (SignatureCheck, Option<String>) {
    let named = |index: usize, k: &Key| match (key, k.kid()) {
        (VerifyKey::One(_), _) => None,
        (VerifyKey::Set(_), Some(kid)) => Some(format!("kid \"{kid}\"")),
        (VerifyKey::Set(_), None) => Some(format!("key #{}", index + 1)),
    };
    match checked(decoded, key) {
        Ok(index) => (SignatureCheck::Valid, named(index, &key.keys()[index])),
        Err(check) => (check, None),
    }
}

/// What is worth saying about the keys beside the verdict: each key's own warning, and an
/// HMAC secret shorter than the token's algorithm asks (RFC 7518 §3.2: 48 bytes for HS384,
/// 64 for HS512; under 32 bytes is said for every HMAC key).
pub fn key_warnings(decoded: &Decoded, key: &VerifyKey) -> Vec<String> {
    let mut said: Vec<String> = key
        .keys()
        .iter()
        .filter_map(|k| k.warning().map(str::to_owned))
        .collect();
    let needs = match decoded.alg().as_deref().and_then(Algorithm::parse) {
        Some(Algorithm::HS384) => 48,
        Some(Algorithm::HS512) => 64,
        _ => return said,
    };
    for k in key.keys() {
        if let Material::Hmac(bytes) = &k.material
            && (32..needs).contains(&bytes.len())
        {
            said.push(format!(
                "the shared secret is {} bytes: RFC 7518 §3.2 asks for at least {needs} for {}",
                bytes.len(),
                decoded.alg().as_deref().unwrap_or_default()
            ));
        }
    }
    said
}

/// The index of the key that verified the token, or the verdict why none did.
fn checked(decoded: &Decoded, key: &VerifyKey) -> Result<usize, SignatureCheck> {
    let Some(alg_text) = decoded.alg() else {
        let reason = match decoded.header().get("alg") {
            Some(raw) => format!("the header's \"alg\" is {raw}, not a string"),
            None => "the header has no \"alg\"".into(),
        };
        return Err(SignatureCheck::Invalid { reason });
    };
    let Some(alg) = Algorithm::parse(&alg_text) else {
        return Err(SignatureCheck::Invalid {
            reason: format!("\"{alg_text}\" is not a JWS signature algorithm Authdeck verifies"),
        });
    };
    if alg == Algorithm::None {
        return Err(SignatureCheck::Unsigned);
    }
    if let Some(reason) = critical_problem(decoded.header()) {
        return Err(SignatureCheck::Invalid { reason });
    }
    // RFC 7797 §6: "b64" must be listed in "crit"; without it, verifiers that do not know the
    // extension would read the payload differently from those that do.
    if decoded.header().get("b64").is_some() {
        return Err(SignatureCheck::Invalid {
            reason: "the header has \"b64\" without listing it in \"crit\" (RFC 7797 §6): \
                     readers disagree on what was signed, so the token is rejected"
                .into(),
        });
    }
    if let Some(raw) = decoded.header().get("kid")
        && decoded.kid().is_none()
    {
        let mut raw: String = raw.chars().take(40).collect();
        if raw.len() >= 40 {
            raw.push('…');
        }
        return Err(SignatureCheck::Invalid {
            reason: format!(
                "the header's \"kid\" is {raw}, not a string (RFC 7515 §4.1.4): the token is \
                 rejected rather than matched to a key by guesswork"
            ),
        });
    }

    // RFC 7515 Appendix F: an empty payload segment means the content travels separately;
    // what was signed is not in the token, so no key can check it here.
    if decoded.payload_segment().is_empty() {
        return Err(SignatureCheck::KeyMismatch {
            reason: "the payload is detached (RFC 7515 Appendix F): the signature covers \
                     content that is not in the token, so it cannot be checked from the token \
                     alone"
                .into(),
        });
    }
    // RFC 7515 §2: base64url here is without '='. Padding makes a second spelling of the same
    // signature, which a check that compares tokens would not expect.
    if decoded.signature_segment().ends_with('=') {
        return Err(SignatureCheck::Invalid {
            reason: "the signature segment ends in '=' padding, which a JWS never has \
                     (RFC 7515 §2): the token was altered or made by a signer that does not \
                     follow the standard"
                .into(),
        });
    }

    let keys = key.keys();
    let by_kid: Vec<(usize, &Key)> = match (decoded.kid(), key) {
        (Some(kid), VerifyKey::Set(_)) => {
            let mut found: Vec<(usize, &Key)> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.kid() == Some(kid.as_ref()))
                .collect();
            // Keys without a kid (PEM blocks, a bare JWK) are not another key's: when no key
            // is named by the token's kid, they are the candidates.
            if found.is_empty() {
                found = keys
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| k.kid().is_none())
                    .collect();
            }
            if found.is_empty() {
                return Err(SignatureCheck::KeyMismatch {
                    reason: format!("no key with kid \"{kid}\" in the set ({})", kids(keys)),
                });
            }
            found
        }
        _ => keys.iter().enumerate().collect(),
    };
    let fitting: Vec<(usize, &Key)> = by_kid
        .iter()
        .copied()
        .filter(|(_, k)| {
            k.family() == alg.family()
                && k.alg().is_none_or(|a| a == alg.as_str())
                && (!k.pss_only() || alg.as_str().starts_with("PS"))
        })
        .collect();
    if fitting.is_empty() {
        return Err(SignatureCheck::KeyMismatch {
            reason: mismatch_reason(alg, &by_kid.iter().map(|(_, k)| *k).collect::<Vec<_>>()),
        });
    }

    let signature = decoded.signature();
    let input = decoded.signing_input();
    let mut last_problem = None;
    for (index, key) in &fitting {
        match check(alg, &key.material, input, signature) {
            Ok(()) => return Ok(*index),
            Err(problem) => last_problem = Some(problem),
        }
    }
    let reason = match (last_problem, fitting.len()) {
        (Some(Problem::Shape(reason)), _) => reason,
        (_, 1) => "the signature does not match the key".into(),
        (_, n) => format!("the signature matches none of the {n} candidate keys"),
    };
    Err(SignatureCheck::Invalid { reason })
}

fn kids(keys: &[Key]) -> String {
    let kids: Vec<&str> = keys.iter().filter_map(Key::kid).collect();
    if kids.is_empty() {
        "its keys have no kid".into()
    } else {
        format!("kids: {}", kids.join(", "))
    }
}

fn mismatch_reason(alg: Algorithm, keys: &[&Key]) -> String {
    if let [key] = keys {
        if key.family() == alg.family() {
            let pinned = key.alg().unwrap_or_default();
            return format!("the token says {alg} but the key is for {pinned} only");
        }
        return format!(
            "the token says {alg}, which needs {}; the key is {} (for {})",
            alg.family().describe(),
            key.family().describe(),
            key.family().algorithms()
        );
    }
    format!(
        "the token says {alg}, which needs {}; none of the {} keys is one",
        alg.family().describe(),
        keys.len()
    )
}

enum Problem {
    /// The signature cannot be right for this algorithm whatever the key (e.g. wrong length).
    Shape(String),
    /// A well-formed signature that this key did not make.
    Mismatch,
}

fn check(alg: Algorithm, key: &Material, input: &[u8], sig: &[u8]) -> Result<(), Problem> {
    use sha2::{Sha256, Sha384, Sha512};
    match (alg, key) {
        (Algorithm::HS256, Material::Hmac(secret)) => {
            hmac::<hmac::Hmac<Sha256>>(secret, input, sig)
        }
        (Algorithm::HS384, Material::Hmac(secret)) => {
            hmac::<hmac::Hmac<Sha384>>(secret, input, sig)
        }
        (Algorithm::HS512, Material::Hmac(secret)) => {
            hmac::<hmac::Hmac<Sha512>>(secret, input, sig)
        }
        (Algorithm::RS256, Material::Rsa(k)) => pkcs1v15::<Sha256>(k, input, sig),
        (Algorithm::RS384, Material::Rsa(k)) => pkcs1v15::<Sha384>(k, input, sig),
        (Algorithm::RS512, Material::Rsa(k)) => pkcs1v15::<Sha512>(k, input, sig),
        (Algorithm::PS256, Material::Rsa(k)) => pss::<Sha256>(k, input, sig),
        (Algorithm::PS384, Material::Rsa(k)) => pss::<Sha384>(k, input, sig),
        (Algorithm::PS512, Material::Rsa(k)) => pss::<Sha512>(k, input, sig),
        (Algorithm::ES256, Material::EcP256(k)) => {
            let sig = ecdsa_signature::<p256::ecdsa::Signature>(alg, sig, 64)?;
            k.verify(input, &sig).map_err(|_| Problem::Mismatch)
        }
        (Algorithm::ES384, Material::EcP384(k)) => {
            let sig = ecdsa_signature::<p384::ecdsa::Signature>(alg, sig, 96)?;
            k.verify(input, &sig).map_err(|_| Problem::Mismatch)
        }
        (Algorithm::ES512, Material::EcP521(k)) => {
            let sig = ecdsa_signature::<p521::ecdsa::Signature>(alg, sig, 132)?;
            k.verify(input, &sig).map_err(|_| Problem::Mismatch)
        }
        (Algorithm::ES256K, Material::EcK256(k)) => {
            let sig = ecdsa_signature::<k256::ecdsa::Signature>(alg, sig, 64)?;
            // k256 verifies low-S only (Bitcoin's rule); JWS (RFC 8812) allows either S, and
            // many signers do not normalise, so a high S is normalised first.
            let sig = sig.normalize_s().unwrap_or(sig);
            k.verify(input, &sig).map_err(|_| Problem::Mismatch)
        }
        (Algorithm::EdDSA | Algorithm::Ed25519, Material::Ed25519(k)) => {
            let sig = ed25519_dalek::Signature::from_slice(sig).map_err(|_| {
                Problem::Shape(format!(
                    "an EdDSA signature is 64 bytes, this one is {}",
                    sig.len()
                ))
            })?;
            // Strict (RFC 8032 §5.1.7 with canonical R and no small-order key): a plain
            // verify accepts signatures that a weak key or a non-canonical R lets anyone make.
            k.verify_strict(input, &sig).map_err(|_| Problem::Mismatch)
        }
        // `verify` only pairs an algorithm with a key of its family.
        _ => Err(Problem::Shape(format!(
            "{alg} cannot be checked with this key"
        ))),
    }
}

fn hmac<M>(secret: &[u8], input: &[u8], sig: &[u8]) -> Result<(), Problem>
where
    M: hmac::Mac + hmac::digest::KeyInit,
{
    let mut mac = <M as hmac::Mac>::new_from_slice(secret)
        .map_err(|_| Problem::Shape("the secret cannot be an HMAC key".into()))?;
    mac.update(input);
    // Constant-time comparison, so timing tells nothing about the expected signature.
    mac.verify_slice(sig).map_err(|_| Problem::Mismatch)
}

fn pkcs1v15<D>(key: &rsa::RsaPublicKey, input: &[u8], sig: &[u8]) -> Result<(), Problem>
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    rsa_size_check(key, sig)?;
    let hashed = D::digest(input);
    key.verify(rsa::Pkcs1v15Sign::new::<D>(), &hashed, sig)
        .map_err(|_| Problem::Mismatch)
}

fn pss<D>(key: &rsa::RsaPublicKey, input: &[u8], sig: &[u8]) -> Result<(), Problem>
where
    D: 'static + sha2::Digest + sha2::digest::DynDigest + Send + Sync,
{
    rsa_size_check(key, sig)?;
    let hashed = D::digest(input);
    key.verify(rsa::Pss::new::<D>(), &hashed, sig)
        .map_err(|_| Problem::Mismatch)
}

fn rsa_size_check(key: &rsa::RsaPublicKey, sig: &[u8]) -> Result<(), Problem> {
    use rsa::traits::PublicKeyParts as _;
    if sig.len() != key.size() {
        return Err(Problem::Shape(format!(
            "an RSA signature for this {}-bit key is {} bytes, this one is {}",
            key.n().bits(),
            key.size(),
            sig.len()
        )));
    }
    Ok(())
}

/// ECDSA signatures in JWS are raw `r || s`, not DER; a DER one is a common mistake worth naming.
fn ecdsa_signature<S>(alg: Algorithm, sig: &[u8], len: usize) -> Result<S, Problem>
where
    S: for<'a> TryFrom<&'a [u8]>,
{
    if sig.len() != len {
        let hint = if sig.first() == Some(&0x30) {
            " (it looks DER-encoded; JWS uses raw r||s)"
        } else {
            ""
        };
        return Err(Problem::Shape(format!(
            "an {alg} signature is {len} bytes, this one is {}{hint}",
            sig.len()
        )));
    }
    S::try_from(sig).map_err(|_| Problem::Mismatch)
}

/// The header parameters RFC 7515 §4.1 and RFC 7519 §5 register: `crit` may not name them.
const REGISTERED: [&str; 11] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
];

/// Why the header's `crit` makes the token one to reject, if it does (RFC 7515 §4.1.11): it
/// is not a non-empty list of names, it names a registered parameter or one the header lacks,
/// or it names an extension. Authdeck processes no JWS extension (RFC 7797's unencoded `b64`
/// payload included), so any well-formed `crit` rejects the token as well.
fn critical_problem(header: &JsonObject) -> Option<String> {
    let text = header.get("crit")?;
    let malformed = || {
        Some("the header's \"crit\" must be a non-empty list of header names (RFC 7515 §4.1.11): the token is rejected".to_string())
    };
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return malformed();
    };
    if items.is_empty() {
        return malformed();
    }
    let mut names = Vec::with_capacity(items.len());
    for item in &items {
        match item.as_str() {
            Some(name) => names.push(name),
            None => return malformed(),
        }
    }
    for name in &names {
        if REGISTERED.contains(name) {
            return Some(format!(
                "\"crit\" names \"{name}\", a registered header parameter, which it must not (RFC 7515 §4.1.11): the token is rejected"
            ));
        }
        if header.get(name).is_none() {
            return Some(format!(
                "\"crit\" names \"{name}\", which the header does not have (RFC 7515 §4.1.11): the token is rejected"
            ));
        }
    }
    let name = names[0];
    Some(if name == "b64" {
        "the token uses an unencoded payload (\"b64\" in \"crit\", RFC 7797), which Authdeck does not verify: the token is rejected, and its payload is not claims".to_string()
    } else {
        format!(
            "the header marks {} as critical, an extension Authdeck does not process (RFC 7515 §4.1.11): the token is rejected",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}
