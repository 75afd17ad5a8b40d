//! The one value every login or refresh ends as.

use crate::secret::Secret;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What kind of failure an answer was. QA reads the raw parts; the UI and scripts act on this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    InvalidCredentials,
    UserNotFound,
    InvalidPassword,
    AccountInactive,
    AccountNotVerified,
    NoPasswordSet,
    BadRequest,
    RateLimited,
    ServerError,
    NetworkError,
    ProtocolError,
    Rejected,
    /// OAuth (RFC 6749 §5.2): the client id or secret was not accepted.
    InvalidClient,
    /// OAuth: the code, refresh token or password grant was refused (expired, revoked, used).
    InvalidGrant,
    InvalidScope,
    /// OAuth: the user (or the server's policy) said no (RFC 6749 §4.1.2.1, RFC 8628 §3.5).
    AccessDenied,
    UnauthorizedClient,
    /// RFC 8628 §3.5: the device code expired before the user approved it; also a browser
    /// sign-in whose redirect did not come back in time.
    ExpiredToken,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::InvalidCredentials,
        Kind::UserNotFound,
        Kind::InvalidPassword,
        Kind::AccountInactive,
        Kind::AccountNotVerified,
        Kind::NoPasswordSet,
        Kind::BadRequest,
        Kind::RateLimited,
        Kind::ServerError,
        Kind::NetworkError,
        Kind::ProtocolError,
        Kind::Rejected,
        Kind::InvalidClient,
        Kind::InvalidGrant,
        Kind::InvalidScope,
        Kind::AccessDenied,
        Kind::UnauthorizedClient,
        Kind::ExpiredToken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvalidCredentials => "invalid_credentials",
            Kind::UserNotFound => "user_not_found",
            Kind::InvalidPassword => "invalid_password",
            Kind::AccountInactive => "account_inactive",
            Kind::AccountNotVerified => "account_not_verified",
            Kind::NoPasswordSet => "no_password_set",
            Kind::BadRequest => "bad_request",
            Kind::RateLimited => "rate_limited",
            Kind::ServerError => "server_error",
            Kind::NetworkError => "network_error",
            Kind::ProtocolError => "protocol_error",
            Kind::Rejected => "rejected",
            Kind::InvalidClient => "invalid_client",
            Kind::InvalidGrant => "invalid_grant",
            Kind::InvalidScope => "invalid_scope",
            Kind::AccessDenied => "access_denied",
            Kind::UnauthorizedClient => "unauthorized_client",
            Kind::ExpiredToken => "expired_token",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// Answers that say the credentials themselves are wrong: retrying cannot help, so the
    /// refresher stops instead of hammering the server.
    pub fn is_credential_problem(self) -> bool {
        matches!(
            self,
            Kind::InvalidCredentials
                | Kind::UserNotFound
                | Kind::InvalidPassword
                | Kind::AccountInactive
                | Kind::AccountNotVerified
                | Kind::NoPasswordSet
                | Kind::Rejected
                | Kind::InvalidClient
                | Kind::InvalidGrant
                | Kind::InvalidScope
                | Kind::AccessDenied
                | Kind::UnauthorizedClient
                | Kind::ExpiredToken
        )
    }

    /// Answers worth trying again later with backoff.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Kind::NetworkError | Kind::ServerError | Kind::RateLimited
        )
    }

    /// Plain words for the UI and the CLI's human output.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::InvalidCredentials => "the email or password is wrong",
            Kind::UserNotFound => "no user with that email",
            Kind::InvalidPassword => "the password is wrong",
            Kind::AccountInactive => "the account is inactive",
            Kind::AccountNotVerified => "the account is not verified yet",
            Kind::NoPasswordSet => "the account has no password (it signs in another way)",
            Kind::BadRequest => "the server rejected the request as malformed",
            Kind::RateLimited => "too many attempts: the server asks to slow down",
            Kind::ServerError => "the server failed",
            Kind::NetworkError => "the server could not be reached",
            Kind::ProtocolError => "the server's answer was not what the provider spec describes",
            Kind::Rejected => "the server refused the request",
            Kind::InvalidClient => "the client id or secret was not accepted",
            Kind::InvalidGrant => "the grant was refused (expired, revoked or already used)",
            Kind::InvalidScope => "a scope asked for is not allowed",
            Kind::AccessDenied => "access was denied",
            Kind::UnauthorizedClient => "this client may not use this grant",
            Kind::ExpiredToken => "the sign-in expired before it was approved",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful login or refresh.
#[derive(Debug, Clone)]
pub struct Session {
    /// The token alone: a scheme word the server put in front of it is in `scheme`.
    pub token: Secret,
    /// The scheme the server wrote before the token (`Bearer`, `Token`), to hand it out with.
    pub scheme: Option<String>,
    pub refresh_token: Option<Secret>,
    /// An OpenID Connect ID token, already validated (OpenID Connect Core §3.1.3.7).
    pub id_token: Option<Secret>,
    /// When the access token expires, on the local clock (a time the server wrote by its own
    /// clock is moved by the skew its `Date` shows); `None` when neither the answer nor the
    /// token says.
    pub expires_at: Option<Timestamp>,
    /// The token's JWT claims when it is a JWT, else `None`: the JSON object as the token
    /// writes it ([`crate::jwt::claims_text`]).
    pub claims: Option<Box<serde_json::value::RawValue>>,
    pub http_status: u16,
    /// Server time minus local time in seconds, from the `Date` header, when it could be read.
    pub clock_skew_secs: Option<i64>,
    /// Things worth telling the user that did not stop the login (an unreadable expiry field).
    pub notes: Vec<String>,
}

/// A refused or failed login or refresh, with the server's own words kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Failure {
    pub kind: Kind,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    pub message: Option<String>,
    /// Seconds the server asked us to wait (`Retry-After`), when it said.
    pub retry_after_secs: Option<u64>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            http_status: None,
            error_code: None,
            message: Some(message.into()),
            retry_after_secs: None,
        }
    }

    /// One line for humans: kind, status, code, message.
    pub fn summary(&self) -> String {
        let mut parts = vec![self.kind.describe().to_string()];
        if let Some(status) = self.http_status {
            parts.push(format!("HTTP {status}"));
        }
        if let Some(code) = &self.error_code {
            parts.push(format!("code {code}"));
        }
        if let Some(message) = &self.message {
            parts.push(format!("\"{message}\""));
        }
        parts.join(", ")
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

impl std::error::Error for Failure {}

/// How a login or refresh ended, and how long it took.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub result: Result<Session, Failure>,
    pub latency_ms: u64,
    /// What the server sent, for QA's "show me the raw answer"; `None` when nothing came back.
    pub raw: Option<RawAnswer>,
    /// What we sent, secrets hidden; `None` when no request was made (a pasted token).
    pub request: Option<RawRequest>,
}

/// The request of a login or refresh as it may be shown (the history's "Request and
/// response"): every value we filled in from a secret (password, refresh token, one-time
/// code, client secret) reads `<redacted>`, the user's email stays, and headers are hidden as
/// in a [`RawAnswer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RawRequest {
    pub method: String,
    pub url: String,
    /// Names as the provider spells them; a value shown only when plain (`Accept`,
    /// `Content-Type`) or as a credential header's scheme, any other `<redacted>`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub body: String,
}

/// A server's answer as it came, cut to a readable size, with every secret in it replaced by
/// `<redacted>`: the token and refresh token of a success, anything we sent, and whatever
/// looks like a secret by key name or shape ([`crate::redact`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RawAnswer {
    pub http_status: u16,
    pub content_type: Option<String>,
    pub body: String,
    /// The body was longer than what `body` shows.
    pub truncated: bool,
    /// The answer's headers (names in lower case), secrets hidden: cookies keep their names
    /// and attributes, `Authorization` its scheme.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}
