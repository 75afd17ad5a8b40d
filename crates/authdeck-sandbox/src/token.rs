//! Access tokens: real HS256 JWTs, signed with a per-API secret that tests can verify with.

use crate::users::User;
use jiff::Timestamp;
use jsonwebtoken::{EncodingKey, Header};
use serde::Serialize;

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
        exp,
        iss: format!("authdeck-sandbox/{api}"),
    };
    let key = EncodingKey::from_secret(jwt_secret(api).as_bytes());
    let token = jsonwebtoken::encode(&Header::default(), &claims, &key)?;
    Ok(Issued { token, exp })
}
