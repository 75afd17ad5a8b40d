//! Errors cross to the webview as `{code, message}`, the same payload the CLI prints.

use authdeck_core::error::ErrorPayload;
use serde::Serialize;

/// A command's error: core's error, serialized as its [`ErrorPayload`].
#[derive(Debug)]
pub struct CmdError(pub authdeck_core::Error);

impl Serialize for CmdError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ErrorPayload::from(&self.0).serialize(s)
    }
}

impl<E: Into<authdeck_core::Error>> From<E> for CmdError {
    fn from(e: E) -> Self {
        CmdError(e.into())
    }
}

pub type CmdResult<T> = Result<T, CmdError>;
