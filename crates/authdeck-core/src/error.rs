//! Errors that cross to the CLI and the app as `{code, message}`.
//!
//! A login that the server refuses is not an error: it is a [`crate::outcome::Failure`].
//! These are the things that stop us from even asking, or from keeping the answer.

use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user gave us is wrong; the message says what and how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// A provider file or preset could not be read.
    #[error("{0}")]
    Provider(String),
    /// No such account, provider or entry.
    #[error("{0}")]
    NotFound(String),
    /// The OS keyring refused or is missing; the message says what to do.
    #[error("{0}")]
    Keyring(String),
    /// The SQLite history or accounts store failed.
    #[error("{0}")]
    Storage(String),
    /// The session cannot be renewed without the user.
    #[error("{0}")]
    SessionExpired(String),
    /// A login or refresh the server refused, when the caller needed a session.
    #[error("{}", .0.summary())]
    Refused(crate::outcome::Failure),
    #[error("{0}")]
    Io(String),
    /// Another Authdeck (the app, a CLI process) changed the account while this action waited
    /// for it: nothing was done, and running it again is the fix.
    #[error("{0}")]
    Conflict(String),
    /// A token that is not a readable JWT (the inspector, `authdeck decode`).
    #[error("{0}")]
    MalformedToken(String),
    /// An encrypted token (JWE): its claims need the recipient's key, which we never have.
    /// Its own code, because "malformed" would send the user looking for a typo.
    #[error("{message}")]
    EncryptedToken {
        message: String,
        /// The protected header, when it could be read: all that can be shown.
        header: Option<Map<String, Value>>,
    },
}

impl Error {
    /// A stable code the UI and scripts can match on.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::Provider(_) => ErrorCode::Provider,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Keyring(_) => ErrorCode::Keyring,
            Error::Storage(_) => ErrorCode::Storage,
            Error::SessionExpired(_) => ErrorCode::SessionExpired,
            Error::Refused(_) => ErrorCode::Refused,
            Error::Io(_) => ErrorCode::Io,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::MalformedToken(_) => ErrorCode::MalformedToken,
            Error::EncryptedToken { .. } => ErrorCode::EncryptedToken,
        }
    }
}

/// The stable code of an [`Error`], which the UI's words and scripts match on. Exported to
/// TypeScript, so the UI's table of words is checked against every code by the compiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    Provider,
    NotFound,
    Keyring,
    Storage,
    SessionExpired,
    Refused,
    Io,
    Conflict,
    MalformedToken,
    EncryptedToken,
    /// Never sent by Authdeck: the UI's code for anything thrown that is not an error payload.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::InvalidInput,
        ErrorCode::Provider,
        ErrorCode::NotFound,
        ErrorCode::Keyring,
        ErrorCode::Storage,
        ErrorCode::SessionExpired,
        ErrorCode::Refused,
        ErrorCode::Io,
        ErrorCode::Conflict,
        ErrorCode::MalformedToken,
        ErrorCode::EncryptedToken,
        ErrorCode::Internal,
    ];

    /// The code as it appears on the wire (`invalid_input`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Provider => "provider",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Keyring => "keyring",
            ErrorCode::Storage => "storage",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Refused => "refused",
            ErrorCode::Io => "io",
            ErrorCode::Conflict => "conflict",
            ErrorCode::MalformedToken => "malformed_token",
            ErrorCode::EncryptedToken => "encrypted_token",
            ErrorCode::Internal => "internal",
        }
    }
}

/// The shape errors take across the Tauri boundary and in `--json` output:
/// `{code, message}`, plus `header` for `encrypted_token` when the JWE's header was readable.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    /// The protected header of an encrypted token (code `encrypted_token`); absent otherwise,
    /// so every other error keeps the two-field shape.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "{ [key in string]: JsonValue }"))]
    pub header: Option<Map<String, Value>>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload {
            code: e.code(),
            message: e.to_string(),
            header: match e {
                Error::EncryptedToken { header, .. } => header.clone(),
                _ => None,
            },
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(format!("Authdeck's database failed: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_to_its_wire_name() -> Result<(), serde_json::Error> {
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_string(&code)?,
                format!("\"{}\"", code.as_str()),
                "{code:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn a_payload_is_code_and_message() -> Result<(), serde_json::Error> {
        let e = Error::MalformedToken("expected 3 parts, found 2".into());
        let json = serde_json::to_value(ErrorPayload::from(&e))?;
        assert_eq!(
            json,
            serde_json::json!({"code": "malformed_token", "message": "expected 3 parts, found 2"})
        );
        Ok(())
    }

    #[test]
    fn an_encrypted_token_payload_carries_its_header() -> Result<(), serde_json::Error> {
        let header = serde_json::json!({"alg": "dir", "enc": "A128GCM"});
        let e = Error::EncryptedToken {
            message: "encrypted".into(),
            header: header.as_object().cloned(),
        };
        let json = serde_json::to_value(ErrorPayload::from(&e))?;
        assert_eq!(
            json,
            serde_json::json!({"code": "encrypted_token", "message": "encrypted", "header": header})
        );
        Ok(())
    }

    #[test]
    fn a_sqlite_failure_does_not_blame_the_history() {
        let e = Error::from(rusqlite::Error::InvalidQuery);
        assert!(!e.to_string().contains("history"), "{e}");
        assert_eq!(e.code(), ErrorCode::Storage);
    }
}
