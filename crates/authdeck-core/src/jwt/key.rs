//! Keys that verify signatures: a shared secret, a PEM public key or certificate, a JWK, a JWKS.
//!
//! Keys are parsed once, up front, so verifying many tokens (or a benchmark) does no parsing.

use super::alg::KeyFamily;
use crate::http::{Http, fetch_jwks};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use x509_cert::der::{Decode, Encode};
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 4055): an RSA key meant for PSS; its n and e are an ordinary RSA key's.
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The largest RSA modulus accepted, in bits: big enough for any real key, small enough that a
/// hostile JWKS cannot make verification take seconds.
const MAX_RSA_BITS: usize = 8192;

/// What verifies a token: one key, or a set to choose from by `kid`.
#[derive(Clone)]
pub enum VerifyKey {
    One(Box<Key>),
    Set(Vec<Key>),
}

/// One parsed key, with the `kid` and `alg` a JWK may pin it to.
#[derive(Clone)]
pub struct Key {
    pub(crate) kid: Option<String>,
    pub(crate) alg: Option<String>,
    pub(crate) material: Material,
    /// Something about the key worth saying (an `x5c` that disagrees with `n`/`e`).
    pub(crate) warning: Option<String>,
    /// An id-RSASSA-PSS key (RFC 4055): it verifies PS tokens only, never RS.
    pub(crate) pss_only: bool,
}

#[derive(Clone)]
pub(crate) enum Material {
    Hmac(Zeroizing<Vec<u8>>),
    Rsa(rsa::RsaPublicKey),
    EcP256(p256::ecdsa::VerifyingKey),
    EcP384(p384::ecdsa::VerifyingKey),
    EcP521(p521::ecdsa::VerifyingKey),
    EcK256(k256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a key could not be read. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the secret is empty")]
    EmptySecret,
    #[error("the secret is not base64 or base64url: {0}")]
    SecretNotBase64(String),
    #[error(
        "the shared secret given is {0}: a public key used as an HMAC secret lets anyone who has \
         it forge tokens (algorithm confusion), so it is refused. Give it as a key instead \
         (--key FILE, or the inspector's PEM/JWKS field)"
    )]
    PublicKeyAsSecret(&'static str),
    #[error(
        "the secret given is a JWK or JWKS: its text is not the secret. Give it as a key \
         (--key FILE, or the inspector's key field), which reads the secret from its \"k\""
    )]
    JwkAsSecret,
    #[error(
        "the key file is not a PEM public key, certificate, JWK or JWKS (expected '-----BEGIN ...' or '{{')"
    )]
    UnknownFormat,
    #[error("the PEM is unreadable: {0}")]
    Pem(String),
    #[error(
        "this PEM is a private key ({0}); give the public key instead, e.g. `openssl pkey -in key.pem -pubout`"
    )]
    PrivateKey(String),
    #[error(
        "the PEM block '{0}' holds no public key (expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)"
    )]
    UnexpectedPem(String),
    #[error("the {what} is not valid: {reason}")]
    Invalid { what: &'static str, reason: String },
    #[error("unsupported key: {0}")]
    Unsupported(String),
    #[error("the JSON is not a JWK or JWKS: {0}")]
    NotJwk(String),
    #[error("the JWKS is not JSON: {0}")]
    JwksNotJson(String),
    #[error("the JWKS has no key that can verify signatures{}", skipped_note(.0))]
    NoUsableKey(Vec<String>),
}

impl KeyError {
    /// A well-formed key, or a set of them, that Authdeck cannot verify with (Ed448, a curve
    /// JWS does not name, a JWKS of only such keys): a token can still be decoded beside it,
    /// as unverifiable. Every other error is a mistake in what was given.
    pub fn is_unusable_key(&self) -> bool {
        matches!(self, KeyError::Unsupported(_) | KeyError::NoUsableKey(_))
    }
}

fn skipped_note(skipped: &[String]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!(" (skipped: {})", skipped.join("; "))
    }
}

impl From<KeyError> for crate::Error {
    fn from(e: KeyError) -> Self {
        crate::Error::Invalid(e.to_string())
    }
}

/// What the user gave to verify signatures with, as the CLI's flags and the app's inspector
/// take it. No `Debug`: a secret is in here as given.
#[derive(Clone, Copy)]
pub enum KeySource<'a> {
    /// A shared secret as text: its UTF-8 bytes are the HMAC key.
    Secret(&'a str),
    /// A shared secret as base64url or base64.
    SecretBase64(&'a str),
    /// A key file's bytes, or pasted key text: PEM, JWK, JWKS or DER
    /// ([`VerifyKey::from_file_bytes`]).
    File(&'a [u8]),
    /// A JWKS document's text.
    Jwks(&'a str),
    /// A JWKS URL (https, or http to loopback), fetched when loaded.
    JwksUrl(&'a str),
}

/// Why [`VerifyKey::load`] failed: the JWKS URL could not be fetched (the HTTP error as it
/// is), or what was given is not a usable key (each front end says which input it was).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Fetch(#[from] crate::Error),
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl VerifyKey {
    /// The key `source` gives; a JWKS URL is fetched with `http`.
    pub async fn load(http: &Http, source: KeySource<'_>) -> Result<VerifyKey, LoadError> {
        Ok(match source {
            KeySource::Secret(text) => VerifyKey::secret(text)?,
            KeySource::SecretBase64(text) => VerifyKey::secret_base64(text)?,
            KeySource::File(bytes) => VerifyKey::from_file_bytes(bytes)?,
            KeySource::Jwks(text) => {
                let value: Value =
                    serde_json::from_str(text).map_err(|e| KeyError::JwksNotJson(e.to_string()))?;
                VerifyKey::jwks_json(&value)?
            }
            KeySource::JwksUrl(url) => VerifyKey::jwks_published(&fetch_jwks(http, url).await?)?,
        })
    }

    /// A shared secret given as text: its UTF-8 bytes are the HMAC key.
    pub fn secret(text: &str) -> Result<VerifyKey, KeyError> {
        if text.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        refuse_key_material(text.as_bytes())?;
        Ok(VerifyKey::One(Box::new(Key::hmac(
            text.as_bytes().to_vec(),
        ))))
    }

    /// A shared secret given as base64url (or standard base64), padded or not.
    pub fn secret_base64(text: &str) -> Result<VerifyKey, KeyError> {
        // Long secrets are often pasted wrapped at 64 or 76 columns.
        let compact: String = text.split_ascii_whitespace().collect();
        let bytes = decode_base64_any(&compact).map_err(KeyError::SecretNotBase64)?;
        if bytes.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        refuse_key_material(&bytes)?;
        Ok(VerifyKey::One(Box::new(Key::hmac(bytes.to_vec()))))
    }

    /// A key file: PEM (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, X.509 `CERTIFICATE`, several
    /// blocks become a set), a JWK or a JWKS (JSON), or a DER public key or certificate.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<VerifyKey, KeyError> {
        let text = std::str::from_utf8(bytes).ok().map(str::trim_start);
        match text {
            Some(t) if t.starts_with('{') => {
                let value: Value = serde_json::from_str(t)
                    .map_err(|e| KeyError::NotJwk(format!("not JSON: {e}")))?;
                if value.get("keys").is_some() {
                    VerifyKey::jwks_json(&value)
                } else {
                    Ok(VerifyKey::One(Box::new(Key::from_jwk(&value)?)))
                }
            }
            Some(t) if t.contains("-----BEGIN ") => from_pem(t),
            _ => from_der(bytes).map(|key| VerifyKey::One(Box::new(key))),
        }
    }

    /// A JWKS document (`{"keys": [...]}`), e.g. fetched from an issuer's `jwks_uri`.
    /// Keys that cannot verify signatures (`use: enc`, unknown `kty`) are skipped; it is an
    /// error only when none is left.
    pub fn jwks_json(value: &Value) -> Result<VerifyKey, KeyError> {
        let Some(keys) = value.get("keys").and_then(Value::as_array) else {
            return Err(KeyError::NotJwk("a JWKS needs a \"keys\" array".into()));
        };
        let mut usable = Vec::new();
        let mut skipped = Vec::new();
        for (i, jwk) in keys.iter().enumerate() {
            let name = jwk
                .get("kid")
                .and_then(Value::as_str)
                .map_or_else(|| format!("key #{}", i + 1), |kid| format!("kid {kid}"));
            if jwk.get("use").and_then(Value::as_str) == Some("enc") {
                skipped.push(format!("{name}: for encryption"));
                continue;
            }
            match Key::from_jwk(jwk) {
                Ok(key) => usable.push(key),
                Err(e) => skipped.push(format!("{name}: {e}")),
            }
        }
        if usable.is_empty() {
            return Err(KeyError::NoUsableKey(skipped));
        }
        // Keys dropped for a fault (not those meant for encryption) are said beside the
        // verdict, or a token naming one would read as if its kid were unknown.
        let faulty: Vec<&String> = skipped
            .iter()
            .filter(|s| !s.ends_with(": for encryption"))
            .collect();
        if !faulty.is_empty() {
            let note = format!(
                "skipped {}",
                faulty
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let first = &mut usable[0];
            first.warning = Some(match first.warning.take() {
                Some(w) => format!("{w}; {note}"),
                None => note,
            });
        }
        Ok(VerifyKey::Set(usable))
    }

    /// A JWKS fetched from a URL: as [`VerifyKey::jwks_json`], but shared secrets (`oct`) are
    /// skipped, since a secret anyone can download verifies tokens anyone can make.
    pub fn jwks_published(value: &Value) -> Result<VerifyKey, KeyError> {
        let Some(keys) = value.get("keys").and_then(Value::as_array) else {
            return Err(KeyError::NotJwk("a JWKS needs a \"keys\" array".into()));
        };
        let (public, secret): (Vec<Value>, Vec<Value>) = keys
            .iter()
            .cloned()
            .partition(|jwk| jwk.get("kty").and_then(Value::as_str) != Some("oct"));
        let skipped: Vec<String> = secret
            .iter()
            .map(|jwk| {
                let name = jwk
                    .get("kid")
                    .and_then(Value::as_str)
                    .map_or_else(|| "a key".to_owned(), |kid| format!("kid {kid}"));
                format!(
                    "{name}: a shared secret (oct) published at a URL is no secret: anyone \
                     who fetched it can sign tokens"
                )
            })
            .collect();
        match VerifyKey::jwks_json(&serde_json::json!({ "keys": public })) {
            Err(KeyError::NoUsableKey(mut more)) => {
                more.extend(skipped);
                Err(KeyError::NoUsableKey(more))
            }
            Ok(VerifyKey::Set(mut usable)) if !skipped.is_empty() => {
                let note = format!("skipped {}", skipped.join("; "));
                if let Some(first) = usable.first_mut() {
                    first.warning = Some(match first.warning.take() {
                        Some(w) => format!("{w}; {note}"),
                        None => note,
                    });
                }
                Ok(VerifyKey::Set(usable))
            }
            other => other,
        }
    }

    /// The keys to try, in order.
    pub fn keys(&self) -> &[Key] {
        match self {
            VerifyKey::One(key) => std::slice::from_ref(&**key),
            VerifyKey::Set(keys) => keys,
        }
    }
}

impl Key {
    fn hmac(bytes: Vec<u8>) -> Key {
        Key::public(Material::Hmac(Zeroizing::new(bytes)))
    }

    fn public(material: Material) -> Key {
        Key {
            kid: None,
            alg: None,
            warning: weakness(&material),
            material,
            pss_only: false,
        }
    }

    /// Something about the key worth a second look, if anything.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `alg` a JWK pinned this key to, if any.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// An id-RSASSA-PSS key: PS algorithms only.
    pub fn pss_only(&self) -> bool {
        self.pss_only
    }

    pub fn family(&self) -> KeyFamily {
        match &self.material {
            Material::Hmac(_) => KeyFamily::Hmac,
            Material::Rsa(_) => KeyFamily::Rsa,
            Material::EcP256(_) => KeyFamily::EcP256,
            Material::EcP384(_) => KeyFamily::EcP384,
            Material::EcP521(_) => KeyFamily::EcP521,
            Material::EcK256(_) => KeyFamily::EcSecp256k1,
            Material::Ed25519(_) => KeyFamily::Ed25519,
        }
    }

    /// Reads one JWK (RFC 7517): `oct`, `RSA`, `EC` (P-256/384/521) or `OKP` (Ed25519).
    /// A public JWK is enough; private members are ignored.
    pub fn from_jwk(value: &Value) -> Result<Key, KeyError> {
        let jwk = Jwk::deserialize(value).map_err(|e| KeyError::NotJwk(e.to_string()))?;
        let mut warning = None;
        let material = match jwk.kty.as_str() {
            "oct" => {
                let k = Zeroizing::new(b64url(jwk.member("k")?, "JWK member k")?);
                // A PEM or a public key wrapped in `k` is the same confusion as --secret PEM.
                refuse_key_material(&k)?;
                Material::Hmac(k)
            }
            "RSA" => match (&jwk.n, &jwk.e) {
                (Some(n), Some(e)) => {
                    let key =
                        rsa_from_parts(&b64url(n, "JWK member n")?, &b64url(e, "JWK member e")?)?;
                    // RFC 7517 §4.7: the certificate's key must be the JWK's own.
                    if jwk.x5c.is_some() {
                        let agrees =
                            matches!(jwk.key_from_x5c(), Ok(Material::Rsa(cert)) if cert == key);
                        if !agrees {
                            warning = Some(format!(
                                "the JWK{}'s x5c certificate does not hold the key its n and e give \
                                 (RFC 7517 §4.7): n and e were used; ask the issuer which is right",
                                jwk.kid
                                    .as_deref()
                                    .map(|k| format!(" \"{k}\""))
                                    .unwrap_or_default()
                            ));
                        }
                    }
                    Material::Rsa(key)
                }
                _ => jwk.key_from_x5c()?,
            },
            "EC" => {
                let crv = jwk.member("crv")?;
                let x = b64url(jwk.member("x")?, "JWK member x")?;
                let y = b64url(jwk.member("y")?, "JWK member y")?;
                ec_from_coordinates(crv, &x, &y)?
            }
            "OKP" => match jwk.member("crv")? {
                "Ed25519" => ed25519_from_bytes(&b64url(jwk.member("x")?, "JWK member x")?)?,
                other => {
                    return Err(KeyError::Unsupported(format!(
                        "OKP curve {other} (only Ed25519 signs JWS here)"
                    )));
                }
            },
            other => return Err(KeyError::Unsupported(format!("JWK kty \"{other}\""))),
        };
        let warning = [warning, jwk.purpose_warning(), weakness(&material)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        Ok(Key {
            kid: jwk.kid,
            alg: jwk.alg,
            material,
            warning: (!warning.is_empty()).then(|| warning.join("; ")),
            pss_only: false,
        })
    }
}

/// Redacted: a key's bytes are never shown, only what kind of key it is.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("family", &self.family())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyKey::One(key) => f.debug_tuple("One").field(key).finish(),
            VerifyKey::Set(keys) => f.debug_tuple("Set").field(keys).finish(),
        }
    }
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
    k: Option<String>,
    x5c: Option<Vec<String>>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    /// Present only in a private JWK (RSA, EC, OKP); never read, only noticed.
    d: Option<serde::de::IgnoredAny>,
}

impl Jwk {
    fn member(&self, name: &'static str) -> Result<&str, KeyError> {
        let value = match name {
            "crv" => &self.crv,
            "x" => &self.x,
            "y" => &self.y,
            "k" => &self.k,
            _ => &None,
        };
        value.as_deref().ok_or_else(|| KeyError::Invalid {
            what: "JWK",
            reason: format!("a {} key needs the member \"{name}\"", self.kty),
        })
    }

    /// What the JWK says about its own purpose that does not fit verifying (RFC 7517 §4.2,
    /// §4.3), or a private key shared where a public one would do.
    fn purpose_warning(&self) -> Option<String> {
        let mut said = Vec::new();
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            said.push(format!(
                "the JWK is marked \"use\": \"{}\", not for signatures",
                self.use_.as_deref().unwrap_or_default()
            ));
        }
        if let Some(ops) = &self.key_ops
            && !ops.iter().any(|op| op == "verify")
        {
            said.push("the JWK's \"key_ops\" do not include \"verify\"".to_owned());
        }
        if self.d.is_some() {
            said.push(
                "the JWK holds a private key (member \"d\"): only its public part was used; \
                 share the public JWK instead and keep this one secret"
                    .to_owned(),
            );
        }
        (!said.is_empty()).then(|| said.join("; "))
    }

    /// An RSA JWK that carries only a certificate chain: the first certificate is the key's.
    fn key_from_x5c(&self) -> Result<Material, KeyError> {
        let Some(first) = self.x5c.as_ref().and_then(|chain| chain.first()) else {
            return Err(KeyError::Invalid {
                what: "JWK",
                reason: "an RSA key needs \"n\" and \"e\" (or \"x5c\")".into(),
            });
        };
        let der = decode_base64_any(first).map_err(|reason| KeyError::Invalid {
            what: "JWK member x5c",
            reason,
        })?;
        Ok(certificate(&der)?.material)
    }
}

/// Refuses key material offered as a shared secret: a PEM block (public or private), or
/// anything that reads as an asymmetric key (DER SPKI or certificate, an RSA/EC/OKP JWK or a
/// JWKS of them). PyJWT refuses the same since its issue #105.
fn refuse_key_material(bytes: &[u8]) -> Result<(), KeyError> {
    if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return Err(KeyError::PublicKeyAsSecret("a PEM block"));
    }
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let public = |v: &Value| {
            matches!(
                v.get("kty").and_then(Value::as_str),
                Some("RSA" | "EC" | "OKP")
            )
        };
        let in_set = value
            .get("keys")
            .and_then(Value::as_array)
            .is_some_and(|keys| keys.iter().any(public));
        if public(&value) || in_set {
            return Err(KeyError::PublicKeyAsSecret("a JWK of a public key"));
        }
        if value.get("kty").is_some() || value.get("keys").is_some() {
            return Err(KeyError::JwkAsSecret);
        }
    }
    let asymmetric = |key: &Key| !matches!(key.material, Material::Hmac(_));
    // The body of a PEM pasted without its BEGIN/END lines: base64 of a DER key.
    if let Ok(text) = std::str::from_utf8(bytes) {
        let compact: String = text.split_ascii_whitespace().collect();
        if compact.len() >= 40
            && let Ok(der) = STANDARD_NO_PAD.decode(compact.trim_end_matches('='))
            && from_der(&der).is_ok()
        {
            return Err(KeyError::PublicKeyAsSecret(
                "the base64 body of a public key (a PEM without its BEGIN/END lines)",
            ));
        }
    }
    // A DER key written as hex (`openssl ... | xxd -p`).
    if bytes.len() >= 64 && bytes.len().is_multiple_of(2) && bytes.iter().all(u8::is_ascii_hexdigit)
    {
        let der: Vec<u8> = bytes
            .chunks(2)
            .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
            .collect();
        if from_der(&der).is_ok() {
            return Err(KeyError::PublicKeyAsSecret("a public key written as hex"));
        }
    }
    match VerifyKey::from_file_bytes(bytes) {
        Ok(VerifyKey::One(key)) if asymmetric(&key) => {
            Err(KeyError::PublicKeyAsSecret("a public key"))
        }
        Ok(VerifyKey::Set(keys)) if keys.iter().any(asymmetric) => {
            Err(KeyError::PublicKeyAsSecret("a set of public keys (JWKS)"))
        }
        _ => Ok(()),
    }
}

/// Something about a key that makes it weak, in words (RFC 7518 §3.2 for HMAC, §3.3 for RSA).
fn weakness(material: &Material) -> Option<String> {
    use rsa::traits::PublicKeyParts as _;
    match material {
        Material::Hmac(bytes) if bytes.len() < 32 => Some(format!(
            "the shared secret is {} byte{}: RFC 7518 §3.2 asks for at least the hash's size \
             (32 bytes for HS256, 48 for HS384, 64 for HS512); a short secret can be guessed \
             from one token",
            bytes.len(),
            if bytes.len() == 1 { "" } else { "s" }
        )),
        Material::Rsa(key) if key.n().bits() < 2048 => Some(format!(
            "the RSA key is {} bits: RFC 7518 §3.3 requires 2048 or more, and smaller keys can \
             be factored",
            key.n().bits()
        )),
        _ => None,
    }
}

fn b64url(text: &str, what: &'static str) -> Result<Vec<u8>, KeyError> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| KeyError::Invalid {
            what,
            reason: format!("not base64url ({})", describe_without_content(e)),
        })
}

/// Base64 in either alphabet, with or without padding: people paste secrets from many tools.
fn decode_base64_any(text: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let unpadded = text.trim_end_matches('=');
    let engine = if unpadded.contains(['+', '/']) {
        &STANDARD_NO_PAD
    } else {
        &URL_SAFE_NO_PAD
    };
    engine
        .decode(unpadded)
        .map(Zeroizing::new)
        .map_err(describe_without_content)
}

/// Says where base64 went wrong without quoting the offending character: it may be a secret's.
fn describe_without_content(e: base64::DecodeError) -> String {
    match e {
        base64::DecodeError::InvalidByte(offset, _) => {
            format!("invalid character at position {}", offset + 1)
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} characters is not a valid length")
        }
        base64::DecodeError::InvalidLastSymbol(offset, _) => format!(
            "the last character (position {}) has bits set that encode nothing",
            offset + 1
        ),
        base64::DecodeError::InvalidPadding => "the '=' padding is wrong".into(),
    }
}

fn rsa_from_parts(n: &[u8], e: &[u8]) -> Result<rsa::RsaPublicKey, KeyError> {
    rsa::RsaPublicKey::new_with_max_size(
        rsa::BigUint::from_bytes_be(n),
        rsa::BigUint::from_bytes_be(e),
        MAX_RSA_BITS,
    )
    .map_err(|e| KeyError::Invalid {
        what: "RSA key",
        reason: e.to_string(),
    })
}

fn ec_from_coordinates(crv: &str, x: &[u8], y: &[u8]) -> Result<Material, KeyError> {
    let size = match crv {
        "P-256" => 32,
        "P-384" => 48,
        "P-521" => 66,
        "secp256k1" => 32,
        other => {
            return Err(KeyError::Unsupported(format!(
                "EC curve {other} (JWS uses P-256, P-384, P-521 and secp256k1)"
            )));
        }
    };
    if x.len() != size || y.len() != size {
        return Err(KeyError::Invalid {
            what: "EC key",
            reason: format!(
                "{crv} coordinates are {size} bytes each, got x {} and y {}",
                x.len(),
                y.len()
            ),
        });
    }
    let mut sec1 = Vec::with_capacity(1 + 2 * size);
    sec1.push(0x04);
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    ec_from_sec1(crv, &sec1)
}

fn ec_from_sec1(crv: &str, sec1: &[u8]) -> Result<Material, KeyError> {
    let material = match crv {
        "P-256" => p256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map(Material::EcP256),
        "P-384" => p384::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map(Material::EcP384),
        "secp256k1" => k256::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map(Material::EcK256),
        _ => p521::ecdsa::VerifyingKey::from_sec1_bytes(sec1).map(Material::EcP521),
    };
    material.map_err(|_| KeyError::Invalid {
        what: "EC key",
        reason: format!("not a point on {crv}"),
    })
}

fn ed25519_from_bytes(bytes: &[u8]) -> Result<Material, KeyError> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::Invalid {
        what: "Ed25519 key",
        reason: format!("expected 32 bytes, got {}", bytes.len()),
    })?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|e| KeyError::Invalid {
        what: "Ed25519 key",
        reason: e.to_string(),
    })?;
    // A point of small order verifies signatures nobody made (forgeries need no private key).
    if key.is_weak() {
        return Err(KeyError::Invalid {
            what: "Ed25519 key",
            reason: "it is a point of small order, which accepts forged signatures".into(),
        });
    }
    Ok(Material::Ed25519(key))
}

/// Every public key or certificate block in a PEM text; one block is one key, more are a set.
fn from_pem(text: &str) -> Result<VerifyKey, KeyError> {
    let blocks = pem::parse_many(text).map_err(|e| KeyError::Pem(e.to_string()))?;
    let mut keys = Vec::new();
    for block in &blocks {
        let key = match block.tag() {
            "PUBLIC KEY" => spki(block.contents())?,
            "RSA PUBLIC KEY" => Key::public(Material::Rsa(pkcs1(block.contents())?)),
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                certificate(block.contents())?
            }
            tag if tag.contains("PRIVATE KEY") => return Err(KeyError::PrivateKey(tag.into())),
            // Parameters blocks ("EC PARAMETERS") travel with keys; they are not keys themselves.
            tag if tag.ends_with("PARAMETERS") => continue,
            tag => return Err(KeyError::UnexpectedPem(tag.into())),
        };
        keys.push(key);
    }
    match keys.len() {
        0 => Err(KeyError::Pem("no PEM block found".into())),
        1 => Ok(VerifyKey::One(Box::new(keys.remove(0)))),
        _ => Ok(VerifyKey::Set(keys)),
    }
}

/// DER without PEM armour: a SubjectPublicKeyInfo or a certificate.
fn from_der(bytes: &[u8]) -> Result<Key, KeyError> {
    if let Ok(key) = spki(bytes) {
        return Ok(key);
    }
    if let Ok(key) = certificate(bytes) {
        return Ok(key);
    }
    Err(KeyError::UnknownFormat)
}

fn pkcs1(der: &[u8]) -> Result<rsa::RsaPublicKey, KeyError> {
    // Read n and e and build the key with the JWK path's size limit: the rsa crate's own DER
    // reader stops at 4096 bits, and 8192-bit keys are real.
    let parsed = rsa::pkcs1::RsaPublicKey::from_der(der).map_err(|e| KeyError::Invalid {
        what: "RSA public key",
        reason: e.to_string(),
    })?;
    let n = parsed.modulus.as_bytes();
    if n.len() * 8 > MAX_RSA_BITS + 8 {
        return Err(KeyError::Unsupported(format!(
            "RSA keys over {MAX_RSA_BITS} bits"
        )));
    }
    rsa_from_parts(n, parsed.public_exponent.as_bytes())
}

/// A SubjectPublicKeyInfo (`PUBLIC KEY`): RSA, EC P-256/384/521 or Ed25519.
fn spki(der: &[u8]) -> Result<Key, KeyError> {
    let info = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Invalid {
        what: "public key",
        reason: e.to_string(),
    })?;
    let key_bytes = info.subject_public_key.raw_bytes();
    let oid = info.algorithm.oid;
    let material = if oid == OID_RSA {
        Material::Rsa(pkcs1(key_bytes)?)
    } else if oid == OID_RSA_PSS {
        // RFC 4055 §3.1: such a key signs with PSS only, and its parameters may fix the hash.
        let mut key = Key::public(Material::Rsa(pkcs1(key_bytes)?));
        key.pss_only = true;
        key.alg = pss_algorithm(info.algorithm.parameters.as_ref())?.map(str::to_owned);
        return Ok(key);
    } else if oid == OID_EC {
        let curve = info
            .algorithm
            .parameters_oid()
            .map_err(|e| KeyError::Invalid {
                what: "EC public key",
                reason: format!("no named curve ({e})"),
            })?;
        let crv = match curve {
            c if c == OID_P256 => "P-256",
            c if c == OID_P384 => "P-384",
            c if c == OID_P521 => "P-521",
            c if c == OID_SECP256K1 => "secp256k1",
            c => {
                return Err(KeyError::Unsupported(format!(
                    "EC curve {c} (JWS uses P-256, P-384, P-521 and secp256k1)"
                )));
            }
        };
        ec_from_sec1(crv, key_bytes)?
    } else if oid == OID_ED25519 {
        ed25519_from_bytes(key_bytes)?
    } else if oid == OID_ED448 {
        return Err(KeyError::Unsupported(
            "Ed448 keys (Authdeck has no Ed448 verifier yet)".into(),
        ));
    } else {
        return Err(KeyError::Unsupported(format!("public key algorithm {oid}")));
    };
    Ok(Key::public(material))
}

/// The PS algorithm an id-RSASSA-PSS key's parameters fix (RFC 4055 §3.1), or `None` when they
/// leave the hash open. JWS fixes the salt at the hash's length (RFC 7518 §3.5), so a key
/// demanding more salt, or a hash JWS does not use, cannot verify any JWS.
fn pss_algorithm(
    params: Option<&x509_cert::der::asn1::AnyRef<'_>>,
) -> Result<Option<&'static str>, KeyError> {
    const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
    const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
    const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
    let Some(params) = params else {
        return Ok(None);
    };
    let der = params.to_der().map_err(|e| KeyError::Invalid {
        what: "RSA-PSS key",
        reason: e.to_string(),
    })?;
    let parsed =
        rsa::pkcs1::RsaPssParams::try_from(der.as_slice()).map_err(|e| KeyError::Invalid {
            what: "RSA-PSS key parameters",
            reason: e.to_string(),
        })?;
    let (alg, hash_len) = match parsed.hash.oid {
        oid if oid == SHA256 => ("PS256", 32),
        oid if oid == SHA384 => ("PS384", 48),
        oid if oid == SHA512 => ("PS512", 64),
        oid => {
            return Err(KeyError::Unsupported(format!(
                "an RSA-PSS key restricted to hash {oid} (JWS uses SHA-256, SHA-384 or SHA-512)"
            )));
        }
    };
    if usize::from(parsed.salt_len) > hash_len {
        return Err(KeyError::Unsupported(format!(
            "an RSA-PSS key that requires a salt of {} bytes ({alg} uses {hash_len})",
            parsed.salt_len
        )));
    }
    Ok(Some(alg))
}

/// An X.509 certificate: its subject public key. The certificate's own validity and chain are
/// not checked; it only carries the key here.
fn certificate(der: &[u8]) -> Result<Key, KeyError> {
    let cert = x509_cert::Certificate::from_der(der).map_err(|e| KeyError::Invalid {
        what: "certificate",
        reason: e.to_string(),
    })?;
    let spki_der = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| KeyError::Invalid {
            what: "certificate",
            reason: e.to_string(),
        })?;
    spki(&spki_der)
}
