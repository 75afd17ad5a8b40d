//! Access tokens: real HS256 JWTs, signed with a per-API secret that tests can verify with.

use crate::users::{Behavior, User};
use jiff::Timestamp;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The HS256 secret the sandbox signs `api`'s tokens with, e.g. "sandbox-meetra-secret".
pub fn jwt_secret(api: &str) -> String {
    format!("sandbox-{api}-secret")
}

/// The claims of a sandbox token. MeetMates names the subject `id` (a MongoDB ObjectId), the
/// others use `sub`.
#[derive(Debug, Serialize)]
struct Claims<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    email: &'a str,
    name: &'a str,
    iat: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    iss: String,
}

/// A signed token and the times it carries.
#[derive(Debug)]
pub(crate) struct Issued {
    pub token: String,
    /// `exp` in unix seconds; `None` for a token without expiry.
    pub exp: Option<i64>,
}

/// Signs a token for `user` issued at `now`, living `lifetime_secs` (no `exp` when `None`).
pub(crate) fn issue(
    api: &str,
    user: &User,
    now: Timestamp,
    lifetime_secs: Option<i64>,
) -> Result<Issued, jsonwebtoken::errors::Error> {
    let iat = now.as_second();
    let exp = lifetime_secs.map(|secs| iat.saturating_add(secs));
    // msexp@meetra.test: a server that wrote `exp` in milliseconds by mistake.
    let exp_claim = match user.behavior {
        Behavior::ExpMillis => exp.map(|secs| secs.saturating_mul(1000)),
        _ => exp,
    };
    let (sub, id) = if api == "meetmates" {
        (None, Some(user.id))
    } else {
        (Some(user.id), None)
    };
    let claims = Claims {
        sub,
        id,
        email: user.email,
        name: user.name,
        iat,
        exp: exp_claim,
        iss: format!("authdeck-sandbox/{api}"),
    };
    let key = EncodingKey::from_secret(jwt_secret(api).as_bytes());
    let token = jsonwebtoken::encode(&Header::default(), &claims, &key)?;
    Ok(Issued { token, exp })
}

/// The claims a sandbox checks when a token comes back.
#[derive(Debug, Deserialize)]
pub(crate) struct Presented {
    pub sub: Option<String>,
    pub email: String,
    pub exp: Option<i64>,
}

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a JWT of `api`: bad signature, wrong issuer, not a JWT at all.
    Invalid,
    /// A genuine token whose `exp` has passed at `now`.
    Expired,
}

/// Checks `token`'s signature and issuer for `api`, and its `exp` (if any) against `now`.
pub(crate) fn verify(api: &str, token: &str, now: Timestamp) -> Result<Presented, Refusal> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    // Expiry is checked below against the `now` we are given, not the clock.
    validation.validate_exp = false;
    validation.set_issuer(&[format!("authdeck-sandbox/{api}")]);
    let key = DecodingKey::from_secret(jwt_secret(api).as_bytes());
    let claims = jsonwebtoken::decode::<Presented>(token, &key, &validation)
        .map_err(|_| Refusal::Invalid)?
        .claims;
    match claims.exp {
        Some(exp) if exp <= now.as_second() => Err(Refusal::Expired),
        _ => Ok(claims),
    }
}
