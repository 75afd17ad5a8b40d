//! Authdeck's core: everything the CLI and the desktop app share. No Tauri here.

pub mod accounts;
pub mod db;
pub mod deck;
pub mod error;
pub mod history;
pub mod home;
pub mod jwt;
pub mod outcome;
pub mod secret;
pub mod vault;

pub use error::{Error, Result};
pub use outcome::{Attempt, Failure, Kind, Session};
pub use secret::Secret;
