//! Authdeck's core: everything the CLI and the desktop app share. No Tauri here.

pub mod error;
pub mod jwt;
pub mod outcome;
pub mod secret;

pub use error::{Error, Result};
pub use outcome::{Attempt, Failure, Kind, Session};
pub use secret::Secret;
