//! Token revocation (RFC 7009): logout tells the server to forget the refresh token, then the
//! access token.

use super::transport::Transport;
use super::{Endpoints, Registration, token_failure};
use crate::outcome::Failure;
use crate::secret::Secret;
use oauth2::{AccessToken, RefreshToken, RevocationUrl, StandardRevocableToken};

/// Which token to revoke (the `token_type_hint`, RFC 7009 §2.1).
pub enum Revocable<'a> {
    Refresh(&'a Secret),
    Access(&'a Secret),
}

/// Asks the server to revoke the token. `Ok` when it confirmed (HTTP 200, §2.2: also for a
/// token it no longer knew). Errors: a failure with the server's words, or no revocation
/// endpoint.
pub async fn revoke(
    transport: &Transport,
    endpoints: &Endpoints,
    reg: &Registration,
    token: Revocable<'_>,
) -> Result<(), Failure> {
    let url = endpoints.need(&endpoints.revocation, "revocation_endpoint")?;
    // Checked like every URL (https, or http to loopback), then past the crate's https rule.
    let (url, transport) = transport.plain(url);
    let transport = &transport;
    let client = super::client(endpoints, reg)?.set_revocation_url(RevocationUrl::from_url(url));
    let token = match token {
        Revocable::Refresh(t) => {
            StandardRevocableToken::RefreshToken(RefreshToken::new(t.expose().to_string()))
        }
        Revocable::Access(t) => {
            StandardRevocableToken::AccessToken(AccessToken::new(t.expose().to_string()))
        }
    };
    let result = client.revoke_token(token).map_err(|e| {
        Failure::new(
            crate::Kind::ProtocolError,
            format!("could not build the revocation request: {e}"),
        )
    })?;
    let outcome = result.request_async(transport).await;
    let answer = transport.take_last();
    outcome.map_err(|e| token_failure(e, answer.as_ref(), "the revocation request"))
}
