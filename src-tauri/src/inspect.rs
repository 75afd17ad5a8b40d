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

/// The token of an account's session, or the pasted text.
pub fn token_of(state: &AppState, source: TokenSource) -> Result<Secret> {
    match source {
        TokenSource::Text { token } => Ok(Secret::new(token.trim())),
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
    let check = jwt::verify(&decoded, &key);
    Ok(VerifyResult {
        valid: check.is_valid(),
        message: format!("Signature {}", check.describe()),
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
