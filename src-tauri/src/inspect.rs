//! The token inspector's work: decode and explain a token, verify it with a key the user gave.

use crate::dto::{KeyInput, TokenSource, VerifyResult};
use crate::state::AppState;
use authdeck_core::http::Http;
use authdeck_core::jwt::{self, Inspection, KeySource, LoadError, VerifyKey};
use authdeck_core::secret::Secret;
use authdeck_core::{Error, Result};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The token explained as of now, with local times in the system's time zone.
pub fn inspection(text: &str) -> Result<Inspection> {
    let decoded = jwt::decode(text)?;
    Ok(jwt::inspect(
        &decoded,
        Timestamp::now(),
        &TimeZone::system(),
    ))
}

/// Pasted text as a token: trimmed, and refused whole when it is over
/// [`jwt::MAX_TOKEN_BYTES`] (as `authdeck decode` refuses it), never cut. Errors: Invalid.
pub fn pasted(text: &str) -> Result<&str> {
    let token = text.trim();
    if token.len() > jwt::MAX_TOKEN_BYTES {
        return Err(Error::Invalid(format!(
            "the pasted text is {} bytes, more than the {} bytes (1 MiB) the inspector reads: \
             is it really one token?",
            token.len(),
            jwt::MAX_TOKEN_BYTES
        )));
    }
    Ok(token)
}

/// The token of an account's session, or the pasted text.
pub fn token_of(state: &AppState, source: TokenSource) -> Result<Secret> {
    match source {
        TokenSource::Text { token } => Ok(Secret::new(pasted(&token)?)),
        TokenSource::Account { account } => stored_token(state, &account),
    }
}

/// The account's token as stored: inspecting a session never renews it (an expired token is
/// shown as expired).
pub fn stored_token(state: &AppState, account: &str) -> Result<Secret> {
    state.deck.stored_token(account)?.ok_or_else(|| {
        Error::SessionExpired(format!(
            "account {account} is signed out: log in to inspect its token"
        ))
    })
}

pub async fn verify(http: &Http, text: &str, key: KeyInput) -> Result<VerifyResult> {
    let decoded = jwt::decode(text)?;
    let key = verify_key(http, key).await?;
    let (check, by) = jwt::verify_naming(&decoded, &key);
    let mut message = format!("Signature {}", check.describe_by(by.as_deref()));
    for warning in jwt::key_warnings(&decoded, &key) {
        message.push_str(&format!(". Note: {warning}"));
    }
    Ok(VerifyResult {
        valid: check.is_valid(),
        message,
    })
}

async fn verify_key(http: &Http, key: KeyInput) -> Result<VerifyKey> {
    let source = match &key {
        KeyInput::Secret(text) => KeySource::Secret(text),
        KeyInput::Pem(text) => KeySource::File(text.trim().as_bytes()),
        KeyInput::Jwks(text) => KeySource::Jwks(text),
        KeyInput::JwksUrl(url) => KeySource::JwksUrl(url),
    };
    VerifyKey::load(http, source).await.map_err(|e| match e {
        LoadError::Key(e) => Error::Invalid(format!("the key cannot be used: {e}")),
        LoadError::Fetch(e) => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_over_one_mib_is_refused_whole_with_the_limit_named() {
        let big = format!(
            "{}.{}.sig",
            "a".repeat(16),
            "b".repeat(jwt::MAX_TOKEN_BYTES)
        );
        let e = pasted(&big).expect_err("over the limit").to_string();
        assert!(
            e.contains("1 MiB") && e.contains(&big.len().to_string()),
            "{e}"
        );
        let fits = format!("  {}  ", "c".repeat(jwt::MAX_TOKEN_BYTES));
        assert_eq!(pasted(&fits).map(str::len).ok(), Some(jwt::MAX_TOKEN_BYTES));
    }
}
