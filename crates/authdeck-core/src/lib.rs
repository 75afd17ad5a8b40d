//! Authdeck's core: everything the CLI and the desktop app share. No Tauri here.

pub mod accounts;
pub mod copy;
pub mod db;
pub mod deck;
pub mod error;
pub mod expiry;
pub mod history;
pub mod history_csv;
pub mod home;
pub mod http;
pub mod hygiene;
pub mod jwt;
pub mod lock;
pub mod login;
pub mod outcome;
pub mod peek;
pub mod provider;
pub mod refresh;
pub mod refresher;
pub mod secret;
pub mod session;
pub mod suite;
pub mod vault;

pub use error::{Error, Result};
pub use outcome::{Attempt, Failure, Kind, Session};
pub use secret::Secret;
