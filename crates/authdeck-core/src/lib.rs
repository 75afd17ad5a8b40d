//! Authdeck's core: everything the CLI and the desktop app share. No Tauri here.
//!
//! Start at [`deck::Deck`]: every verb the front ends call (accounts, login, token and
//! refresh, export) is a method of it, one file per verb group under `deck/`. The HTTP side of
//! a login or refresh is [`exchange`]; secrets are kept by [`vault`], everything else by the
//! SQLite tables [`accounts`] and [`history`]. `docs/ARCHITECTURE.md` has the whole map.

pub mod accounts;
pub mod copy;
pub mod db;
pub mod deck;
pub mod environment;
pub mod error;
pub mod exchange;
pub mod expiry;
pub mod history;
pub mod home;
pub mod http;
pub mod hygiene;
pub mod jwt;
pub mod lock;
pub mod oauth;
pub mod outcome;
pub mod pointer;
pub mod problem;
pub mod provider;
pub mod proxy;
pub mod redact;
pub mod refresher;
pub mod secret;
pub mod suite;
pub mod template;
pub mod time_zone;
pub mod token_cache;
pub mod totp;
pub mod vault;
pub mod words;

pub use error::{Error, Result};
pub use outcome::{Attempt, Failure, Kind, Session};
pub use secret::Secret;
