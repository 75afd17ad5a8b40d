//! `Deck`: the open Authdeck home (database, and the keyring when needed) and every verb the
//! CLI and the app share. One file per verb group:
//!
//! | file | verbs |
//! |---|---|
//! | `mod.rs` | open a home, reach its database, keyring and history |
//! | `accounts.rs` | list, read, save (edit), log out, forget a password, remove |
//! | `login.rs` | plan a login, log in, keep what came back |
//! | `oauth.rs` | sign an OAuth 2.0 / OpenID Connect account in, renew it, revoke, introspect |
//! | `token.rs` | hand out a valid token, refresh now, refresh many, peek at the stored token |
//! | `probe.rs` | "Try it": one GET with the account's token to a path of its API |
//! | `export.rs` | export and import accounts and provider files |
//! | `dotenv.rs` | import accounts from a developer's `.env` file (pasted tokens) |
//! | `environment.rs` | an environment for API clients: fresh tokens, headers, base URLs |
//! | `suites.rs` | save a QA suite with its typed passwords moved into the keyring |
//!
//! The keyring is opened on first use, so commands that need no secret (`accounts`,
//! `history`, `export`) work without one. Methods that are not `async` block (SQLite,
//! keyring): async callers run them in `tokio::task::spawn_blocking`. Changes to an account's
//! secrets take its cross-process lock ([`crate::lock`]), so they never interleave with a
//! refresh of the same account.

mod accounts;
mod dotenv;
mod environment;
mod export;
mod handoff;
mod login;
mod oauth;
mod probe;
mod suites;
mod token;

pub use accounts::{AccountEdit, AccountOptions, AccountSummary};
pub use dotenv::DotenvPick;
pub use export::{EXPORT_FORMAT_VERSION, Export, ImportReport, ProviderFile, Tally};
pub use handoff::Handoff;
pub use login::{LoginPlan, LoginReport, LoginRequest, Outcome, PastedToken, SessionFacts};
pub use probe::Probe;
pub use token::{Clock, TokenOut};

use crate::history::{self, Event, Filter, NewEvent};
use crate::home::Home;
use crate::vault::Vault;
use crate::{Error, Result, db};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The open home: database connection and (lazily) the keyring.
#[derive(Debug)]
pub struct Deck {
    home: Home,
    db: Mutex<Connection>,
    vault: OnceLock<Vault>,
}

impl Deck {
    /// Opens (creating and migrating if needed) the database in `home`. The keyring is not
    /// touched until a secret is needed.
    pub fn open(home: Home) -> Result<Deck> {
        let conn = db::open(&home.db_path())?;
        Ok(Deck {
            home,
            db: Mutex::new(conn),
            vault: OnceLock::new(),
        })
    }

    /// Like [`Deck::open`], with a given vault (tests, or a store other than the platform's).
    pub fn open_with_vault(home: Home, vault: Vault) -> Result<Deck> {
        let deck = Deck::open(home)?;
        let _ = deck.vault.set(vault);
        Ok(deck)
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// The database connection. One at a time: SQLite connections are not shared across threads.
    pub(crate) fn db(&self) -> Result<MutexGuard<'_, Connection>> {
        self.db.lock().map_err(|_| {
            Error::Storage("the database connection is unusable after an earlier crash".into())
        })
    }

    /// The keyring, opened on first use.
    pub(crate) fn vault(&self) -> Result<&Vault> {
        if let Some(vault) = self.vault.get() {
            return Ok(vault);
        }
        let vault = Vault::open()?;
        Ok(self.vault.get_or_init(|| vault))
    }

    /// History events matching `filter`, newest first.
    pub fn history(&self, filter: &Filter) -> Result<Vec<Event>> {
        history::query(&*self.db()?, filter)
    }

    /// History event `id`; `None` when there is none. Errors: Storage.
    pub fn event(&self, id: i64) -> Result<Option<Event>> {
        history::get(&*self.db()?, id)
    }

    /// The request and answer kept for history event `id` (secrets hidden); `None` when it sent
    /// nothing or is older than the newest [`history::exchanges::KEPT`]. Errors: Storage.
    pub fn exchange(&self, id: i64) -> Result<Option<history::Exchange>> {
        history::exchanges::get(&*self.db()?, id)
    }

    /// How many history events match `filter` (its page and limit aside).
    pub fn history_count(&self, filter: &Filter) -> Result<u64> {
        history::count(&*self.db()?, filter)
    }

    /// Writes every event matching `filter` as CSV to `path` (mode 0600, whole or not at all:
    /// through a temporary file beside it), streamed row by row. Returns how many were written.
    /// It reads through a connection of its own, so a long export never holds up logins and
    /// renewals. Errors: Invalid when `path` is not a full path or is a folder or a device, Io
    /// when it cannot be written.
    pub fn export_history_csv(&self, filter: &Filter, path: &Path) -> Result<u64> {
        if !path.is_absolute() {
            return Err(Error::Invalid(format!(
                "{} is not a full path: choose a folder and a file name to save the CSV as",
                path.display()
            )));
        }
        let conn = db::open(&self.home.db_path())?;
        let mut rows = 0;
        crate::environment::write_private_with(path, |out| {
            rows = history::csv::write(&conn, filter, out)?;
            Ok(())
        })?;
        Ok(rows)
    }

    /// Records an event in the history.
    pub fn record(&self, event: &NewEvent) -> Result<i64> {
        history::insert(&*self.db()?, event)
    }
}
