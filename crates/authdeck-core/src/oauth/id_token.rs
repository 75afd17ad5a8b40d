//! ID token validation on receipt (OpenID Connect Core §3.1.3.7), by the `openidconnect`
//! crate: the signature against the issuer's JWKS (read again once for an unknown `kid`, after
//! a key rotation), `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, and the algorithm pinned to
//! what the provider advertises (never `none`; HMAC only with the client's own secret, so a
//! public key is never taken for an HMAC secret).

use super::transport::Transport;
use super::{Endpoints, Registration, discovery};
use crate::outcome::{Failure, Kind};
use crate::secret::Secret;
use jiff::Timestamp;
use oauth2::ClientSecret;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenVerifier, CoreJwsSigningAlgorithm, CoreTokenResponse,
};
use openidconnect::{
    ClaimsVerificationError, ClientId, IssuerUrl, Nonce, SignatureVerificationError,
};
use std::str::FromStr;

/// What a token response answered: a sign-in (with the `nonce` it sent, when it sent one) or
/// a refresh, whose ID token has no `nonce` to check (OpenID Connect Core §12.2). A refused ID
/// token's message says which was not done.
#[derive(Debug, Clone, Copy)]
pub enum Answering<'a> {
    SignIn(Option<&'a Nonce>),
    Refresh,
}

/// The ID token of a token response, validated, or `None` when the response has none. An
/// unknown `kid` reads the JWKS again once. Errors: a failure saying why the token was refused
/// and that the sign-in was not kept (the session was not renewed, on a refresh).
pub async fn check_response(
    transport: &Transport,
    endpoints: &mut Endpoints,
    reg: &Registration,
    response: &CoreTokenResponse,
    answering: Answering<'_>,
    now: Timestamp,
) -> Result<Option<Secret>, Failure> {
    let nonce = match answering {
        Answering::SignIn(nonce) => nonce,
        Answering::Refresh => None,
    };
    use oauth2::TokenResponse as _;
    let Some(token) = openidconnect::TokenResponse::id_token(response) else {
        return Ok(None);
    };
    let _ = response.access_token();
    let text = token.to_string();
    let mut checked = validate(endpoints, reg, &text, nonce.map(Nonce::secret), now);
    if let (Err(Refusal::UnknownKey), Some(uri)) = (&checked, endpoints.jwks_uri.clone()) {
        endpoints.jwks = discovery::fetch_jwks(transport, &uri).await?;
        checked = validate(endpoints, reg, &text, nonce.map(Nonce::secret), now);
    }
    let not_done = match answering {
        Answering::SignIn(_) => "so the sign-in was not kept",
        Answering::Refresh => "so the session was not renewed (if this repeats, sign in again)",
    };
    checked.map_err(|refusal| {
        Failure::new(
            Kind::ProtocolError,
            format!(
                "the ID token was refused, {not_done}: {refusal}. Check the issuer URL and the \
                 client id; if the server is right, tell its administrator"
            ),
        )
    })?;
    Ok(Some(Secret::new(text)))
}

/// Why an ID token was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No key in the JWKS has its `kid` (the server may have rotated its keys).
    UnknownKey,
    /// Anything else, in words.
    Invalid(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::UnknownKey => f.write_str("no key of the issuer matches its signature"),
            Refusal::Invalid(why) => f.write_str(why),
        }
    }
}

/// Validates the ID token `text` for `reg` against `endpoints` (its issuer, JWKS and
/// advertised algorithms) at time `now`; `nonce` is the one sent, when one was.
pub fn validate(
    endpoints: &Endpoints,
    reg: &Registration,
    text: &str,
    nonce: Option<&String>,
    now: Timestamp,
) -> Result<(), Refusal> {
    let token = CoreIdToken::from_str(text)
        .map_err(|e| Refusal::Invalid(format!("it is not a signed JWT ({e})")))?;
    let issuer = IssuerUrl::new(endpoints.issuer.clone())
        .map_err(|e| Refusal::Invalid(format!("the issuer is not a URL ({e})")))?;
    let algs: Vec<CoreJwsSigningAlgorithm> = match endpoints
        .id_token_algs
        .iter()
        .filter(|a| **a != CoreJwsSigningAlgorithm::None)
        .cloned()
        .collect::<Vec<_>>()
    {
        // OpenID Connect Discovery §3: RS256 when the provider says nothing.
        algs if algs.is_empty() => vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        algs => algs,
    };
    let at =
        chrono::DateTime::from_timestamp(now.as_second(), now.subsec_nanosecond().max(0) as u32)
            .unwrap_or_default();
    let client_id = ClientId::new(reg.client_id.clone());
    let jwks = endpoints.jwks.clone();
    let verifier = match &reg.client_secret {
        // HS256 ID tokens are keyed with the client's own secret (OpenID Connect Core §10.1).
        Some(secret) => CoreIdTokenVerifier::new_confidential_client(
            client_id,
            ClientSecret::new(secret.expose().to_string()),
            issuer,
            jwks,
        ),
        None => CoreIdTokenVerifier::new_public_client(client_id, issuer, jwks),
    };
    let verifier = verifier.set_allowed_algs(algs).set_time_fn(move || at);
    let result = match nonce {
        Some(sent) => token
            .claims(&verifier, &Nonce::new(sent.clone()))
            .map(|_| ()),
        None => token
            .claims(&verifier, |_: Option<&Nonce>| Ok(()))
            .map(|_| ()),
    };
    result.map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => Refusal::UnknownKey,
        ClaimsVerificationError::InvalidAudience(why) => {
            Refusal::Invalid(format!("it is not meant for this client ({why})"))
        }
        ClaimsVerificationError::InvalidIssuer(why) => {
            Refusal::Invalid(format!("it comes from another issuer ({why})"))
        }
        ClaimsVerificationError::InvalidNonce(why) => {
            Refusal::Invalid(format!("its nonce is not this sign-in's ({why})"))
        }
        ClaimsVerificationError::Expired(why) => {
            Refusal::Invalid(format!("it has expired ({why})"))
        }
        ClaimsVerificationError::SignatureVerification(why) => {
            Refusal::Invalid(format!("its signature does not verify ({why})"))
        }
        other => Refusal::Invalid(other.to_string()),
    })
}
