//! Errors that cross to the CLI and the app as `{code, message}`.
//!
//! A login that the server refuses is not an error: it is a [`crate::outcome::Failure`].
//! These are the things that stop us from even asking, or from keeping the answer.

use serde::Serialize;

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
}

impl Error {
    /// A stable code the UI and scripts can match on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::Provider(_) => "provider",
            Error::NotFound(_) => "not_found",
            Error::Keyring(_) => "keyring",
            Error::Storage(_) => "storage",
            Error::SessionExpired(_) => "session_expired",
            Error::Refused(_) => "refused",
            Error::Io(_) => "io",
        }
    }
}

/// The shape errors take across the Tauri boundary and in `--json` output.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub code: &'static str,
    pub message: String,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Storage(format!("the history database failed: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
