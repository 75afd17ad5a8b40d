//! OAuth 2.0 (RFC 6749) and OpenID Connect sign-in, through the `oauth2` and `openidconnect`
//! crates over core's own HTTP layer ([`transport`]).
//!
//! One file per grant or endpoint: [`authorization_code`] (with PKCE, RFC 7636, and the
//! loopback redirect of RFC 8252, [`loopback`]), [`device_authorization`] (RFC 8628),
//! [`token_request`] (client credentials, password, refresh), [`revocation`] (RFC 7009),
//! [`introspection`] (RFC 7662), [`userinfo`], [`id_token`] (OpenID Connect Core §3.1.3.7), [`discovery`].
//! Every answer ends as the same [`Attempt`] as a login, so the history, the refresher and
//! QA treat OAuth accounts like the others.

pub mod authorization_code;
pub mod device_authorization;
pub mod discovery;
pub mod id_token;
pub mod introspection;
pub mod loopback;
pub mod revocation;
pub mod token_request;
pub mod transport;
pub mod userinfo;

use crate::http::Answer;
use crate::outcome::{Attempt, Failure, Kind, Session};
use crate::provider::ClientAuth;
use crate::secret::Secret;
use jiff::Timestamp;
use oauth2::{AuthType, ClientId, ClientSecret, RequestTokenError, TokenResponse};
use openidconnect::core::{CoreClient, CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{ErrorResponse, IssuerUrl};
use transport::TransportError;
use url::Url;

/// An authorization server's endpoints, discovered or given ([`discovery::endpoints`]).
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The issuer identifier, without a trailing slash.
    pub issuer: String,
    pub authorization: Option<Url>,
    pub token: Option<Url>,
    pub device_authorization: Option<Url>,
    pub revocation: Option<Url>,
    pub introspection: Option<Url>,
    pub userinfo: Option<Url>,
    pub jwks_uri: Option<Url>,
    /// The keys ID tokens are signed with.
    pub jwks: CoreJsonWebKeySet,
    /// `id_token_signing_alg_values_supported`: the only algorithms an ID token may use.
    pub id_token_algs: Vec<CoreJwsSigningAlgorithm>,
    /// The server sends `iss` in the authorization response (RFC 9207).
    pub iss_parameter_supported: bool,
}

impl Endpoints {
    /// The endpoint, or a failure naming what is missing and where to give it.
    pub fn need(&self, url: &Option<Url>, name: &str) -> Result<Url, Failure> {
        url.clone().ok_or_else(|| {
            Failure::new(
                Kind::ProtocolError,
                format!(
                    "the authorization server {} has no {name}: give `oauth.{name}` in the \
                     provider file (or --set oauth.{name}=URL)",
                    self.issuer
                ),
            )
        })
    }
}

/// The client Authdeck is registered as at the server (RFC 6749 §2).
#[derive(Debug, Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub auth: ClientAuth,
}

/// How the user takes part in a sign-in: a browser for the authorization code grant, a screen
/// for the device code (RFC 6749 calls it the user-agent). The CLI prints or opens; the app
/// shows a panel and uses the opener plugin; tests drive a stand-in browser.
pub trait UserAgent: Send + Sync {
    /// Opens the authorization URL. Errors: why it could not be opened (the caller has
    /// already shown the URL, so the user can open it by hand).
    fn open(&self, url: &str) -> Result<(), String>;
    /// Shows the user code and where to enter it (RFC 8628 §3.3).
    fn show_device_code(&self, code: &DeviceCode);
}

/// What the user needs to approve a device sign-in (RFC 8628 §3.2). The user code is meant
/// to be read and typed, so it is not treated as a secret.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceCode {
    pub user_code: String,
    pub verification_uri: String,
    /// The URL with the code in it, to click or scan, when the server gives one.
    pub verification_uri_complete: Option<String>,
    /// Seconds the code stays valid.
    pub expires_in_secs: u64,
    /// Seconds between polls.
    pub interval_secs: u64,
}

/// A client of the `openidconnect` crate with no endpoint set yet: each grant sets the ones
/// it needs, and sends the spec's scopes itself (the crate's own `openid` is turned off, so
/// `openid` goes out once, and only when the spec asks for it). Errors: a failure when the
/// issuer is not a URL.
pub(crate) fn client(endpoints: &Endpoints, reg: &Registration) -> Result<CoreClient, Failure> {
    let issuer = IssuerUrl::new(endpoints.issuer.clone()).map_err(|e| {
        Failure::new(
            Kind::BadRequest,
            format!("the issuer \"{}\" is not a URL ({e})", endpoints.issuer),
        )
    })?;
    let mut client = CoreClient::new(
        ClientId::new(reg.client_id.clone()),
        issuer,
        endpoints.jwks.clone(),
    )
    .disable_openid_scope()
    .set_auth_type(match reg.auth {
        ClientAuth::ClientSecretBasic => AuthType::BasicAuth,
        ClientAuth::ClientSecretPost | ClientAuth::None => AuthType::RequestBody,
    });
    if let (Some(secret), false) = (&reg.client_secret, reg.auth == ClientAuth::None) {
        client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
    }
    Ok(client)
}

/// A token endpoint's success (RFC 6749 §5.1) as a session: the access token, its type as
/// the scheme when it is not `Bearer`, the refresh token, and the expiry from `expires_in`
/// (else the access token's JWT `exp`). The ID token, when there is one, is validated by the
/// caller ([`id_token::validate`]) and given here.
pub fn session<R, T>(
    response: &R,
    id_token: Option<Secret>,
    now: Timestamp,
    answer: Option<&Answer>,
) -> Session
where
    R: TokenResponse<TokenType = T>,
    T: oauth2::TokenType,
{
    let token = Secret::new(response.access_token().secret());
    let token_type = serde_json::to_value(response.token_type()).unwrap_or_default();
    let mut notes = Vec::new();
    // RFC 6749 §7.1: a type such as `bearer`, `mac` or `DPoP`, written before the token in a
    // header. Anything else (a line break would add a header of its own) is not used.
    let scheme = match token_type.as_str() {
        Some(t) if t.eq_ignore_ascii_case("bearer") => None,
        Some(t)
            if !t.is_empty()
                && t.len() <= 32
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Some(t.to_string())
        }
        Some(_) => {
            notes.push(
                "the server's token_type is not a word that can stand before a token in a \
                 header: Bearer is used instead"
                    .to_string(),
            );
            None
        }
        None => None,
    };
    let claims = crate::jwt::claims_text(token.expose());
    let expires_at = match response.expires_in() {
        Some(lifetime) => jiff::SignedDuration::try_from(lifetime)
            .ok()
            .and_then(|d| now.checked_add(d).ok()),
        None => {
            let exp = claims
                .as_deref()
                .and_then(|c| crate::jwt::time_claim_in(c, "exp").time());
            if exp.is_none() {
                notes.push("the server did not say when the access token expires".to_string());
            }
            exp
        }
    };
    Session {
        token,
        scheme,
        refresh_token: response.refresh_token().map(|r| Secret::new(r.secret())),
        id_token,
        expires_at,
        claims,
        http_status: answer.map_or(200, |a| a.status),
        clock_skew_secs: None,
        notes,
    }
}

/// An OAuth error answer (RFC 6749 §5.2, RFC 8628 §3.5) or a failed request as a failure:
/// the server's `error` and `error_description` verbatim, and a kind. `what` names the step
/// for messages of our own ("the token request").
pub fn token_failure<T>(
    error: RequestTokenError<TransportError, T>,
    answer: Option<&Answer>,
    what: &str,
) -> Failure
where
    T: ErrorResponse + 'static,
{
    let status = answer.map(|a| a.status);
    match error {
        RequestTokenError::ServerResponse(response) => {
            let value = serde_json::to_value(&response).unwrap_or_default();
            let code = value
                .get("error")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let description = value
                .get("error_description")
                .and_then(|v| v.as_str())
                .map(str::to_string);
            Failure {
                kind: kind_of(&code, status),
                http_status: status,
                error_code: (!code.is_empty()).then_some(code),
                message: description,
                retry_after_secs: answer.and_then(|a| a.retry_after_secs),
            }
        }
        RequestTokenError::Request(TransportError(failure)) => failure_from(failure, what),
        RequestTokenError::Parse(e, _) => Failure {
            http_status: status,
            ..match status {
                Some(s) if s >= 500 => Failure::new(
                    Kind::ServerError,
                    format!("{what} failed: the server answered HTTP {s}"),
                ),
                _ => Failure::new(
                    Kind::ProtocolError,
                    format!("{what}: the answer is not an OAuth token response ({e})"),
                ),
            }
        },
        RequestTokenError::Other(why) => Failure {
            http_status: status,
            ..Failure::new(
                match status {
                    Some(s) if s >= 500 => Kind::ServerError,
                    Some(429) => Kind::RateLimited,
                    _ => Kind::ProtocolError,
                },
                format!("{what} failed: {why}"),
            )
        },
    }
}

/// The kind of an OAuth `error` code (RFC 6749 §4.1.2.1, §5.2; RFC 8628 §3.5).
pub fn kind_of(code: &str, status: Option<u16>) -> Kind {
    match code {
        "invalid_client" => Kind::InvalidClient,
        "invalid_grant" => Kind::InvalidGrant,
        "invalid_scope" => Kind::InvalidScope,
        "access_denied" => Kind::AccessDenied,
        "unauthorized_client" => Kind::UnauthorizedClient,
        "expired_token" => Kind::ExpiredToken,
        "invalid_request" | "unsupported_grant_type" | "unsupported_response_type" => {
            Kind::BadRequest
        }
        "server_error" => Kind::ServerError,
        "temporarily_unavailable" | "slow_down" => Kind::RateLimited,
        _ => match status {
            Some(429) => Kind::RateLimited,
            Some(s) if s >= 500 => Kind::ServerError,
            _ => Kind::Rejected,
        },
    }
}

/// A transport failure with the step named when its message does not say much.
pub(crate) fn failure_from(mut failure: Failure, what: &str) -> Failure {
    let said = failure.message.take().unwrap_or_default();
    failure.message = Some(match said.is_empty() {
        true => format!("{what}: {}", failure.kind.describe()),
        false => format!("{what}: {said}"),
    });
    failure
}

/// What a grant sent and received, to keep a redacted raw answer of it.
#[derive(Default)]
pub(crate) struct Trace {
    /// Secrets sent (a code, a verifier, a refresh token): cut out of what is kept.
    pub sent: Vec<String>,
    /// The token endpoint's answer.
    pub answer: Option<Answer>,
    /// The token request, as it may be shown.
    pub request: Option<crate::outcome::RawRequest>,
}

impl Trace {
    /// Keeps the transport's last exchange (the token request and its answer).
    pub fn take_from(&mut self, transport: &transport::Transport) {
        self.answer = transport.take_last();
        self.request = transport.take_last_request();
    }

    /// The attempt, with the raw answer kept redacted (what was sent cut out, JWT-shaped and
    /// secret-named values hidden).
    pub fn attempt(self, result: Result<Session, Failure>, started: std::time::Instant) -> Attempt {
        let vars: Vec<(&str, &str)> = self.sent.iter().map(|s| ("{secret}", s.as_str())).collect();
        let raw = self
            .answer
            .map(|a| crate::exchange::raw_answer(a, &result, &vars, &[]));
        let request = self.request.map(|mut request| {
            let sent: Vec<&str> = self.sent.iter().map(String::as_str).collect();
            let cuts = crate::redact::Cuts::new(&sent);
            for text in [&mut request.url, &mut request.body] {
                cuts.apply(text);
            }
            request
        });
        Attempt {
            result,
            latency_ms: started.elapsed().as_millis() as u64,
            raw,
            request,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2::basic::{BasicTokenResponse, BasicTokenType};
    use oauth2::{AccessToken, EmptyExtraTokenFields};

    fn answered(token_type: BasicTokenType) -> Session {
        let response = BasicTokenResponse::new(
            AccessToken::new("tok".into()),
            token_type,
            EmptyExtraTokenFields {},
        );
        let now = Timestamp::from_second(1_800_000_000).expect("in range");
        session(&response, None, now, None)
    }

    #[test]
    fn a_token_type_is_the_scheme_word_only_when_it_can_stand_in_a_header() {
        assert_eq!(answered(BasicTokenType::Bearer).scheme, None);
        assert_eq!(answered(BasicTokenType::Mac).scheme.as_deref(), Some("mac"));
        let dpop = answered(BasicTokenType::Extension("DPoP".into()));
        assert_eq!(dpop.scheme.as_deref(), Some("DPoP"));
        for bad in ["Mac\nX-Injected: 1", "two words", "", "Mac\r"] {
            let s = answered(BasicTokenType::Extension(bad.into()));
            assert_eq!(s.scheme, None, "{bad:?} is not used");
            assert!(
                s.notes.iter().any(|n| n.contains("token_type")),
                "{bad:?}: said in the notes: {:?}",
                s.notes
            );
        }
    }
}
