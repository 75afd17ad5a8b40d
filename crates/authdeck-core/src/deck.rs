//! `Deck`: the open Authdeck home (database, and the keyring when needed), and the storage
//! operations the CLI and the app share.
//!
//! The keyring is opened on first use, so commands that need no secret (`accounts`,
//! `history`, `export`) work without one. Every method blocks (SQLite, keyring): async callers
//! run them in `tokio::task::spawn_blocking`. Login and refresh live in other files as further
//! `impl Deck` blocks. Changes to an account's secrets take its cross-process lock, so they
//! never interleave with a refresh of the same account.

mod export;

pub use export::{EXPORT_FORMAT_VERSION, Export, ImportReport, ProviderFile, Tally};

use crate::accounts::{self, Account, AccountConfig, SessionState, Status};
use crate::history::{self, Action, Event, Filter, NewEvent};
use crate::home::Home;
use crate::vault::{Stored, Vault, VaultDoc};
use crate::{Error, Result, db, lock};
use jiff::Timestamp;
use rusqlite::Connection;
use serde::Serialize;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The open home: database connection and (lazily) the keyring.
#[derive(Debug)]
pub struct Deck {
    pub(crate) home: Home,
    pub(crate) db: Mutex<Connection>,
    pub(crate) vault: OnceLock<Vault>,
}

/// An account with its status at the time of listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSummary {
    #[serde(flatten)]
    pub account: Account,
    pub status: Status,
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

    /// Every account with its status at `now`, by name.
    pub fn accounts(&self, now: Timestamp) -> Result<Vec<AccountSummary>> {
        let accounts = accounts::list(&*self.db()?)?;
        Ok(accounts
            .into_iter()
            .map(|account| AccountSummary {
                status: accounts::status(&account, now, None),
                account,
            })
            .collect())
    }

    /// One account, or a NotFound error that says how to list them.
    pub fn account(&self, name: &str) -> Result<Account> {
        accounts::validate_name(name)?;
        accounts::get(&*self.db()?, name)?.ok_or_else(|| accounts::not_found(name))
    }

    /// Creates the account or replaces its configuration (its session and secrets are kept).
    pub fn save_account(&self, config: &AccountConfig, now: Timestamp) -> Result<Account> {
        let conn = self.db()?;
        db::write(&conn, |tx| accounts::upsert(tx, config, now))
    }

    /// History events matching `filter`, newest first.
    pub fn history(&self, filter: &Filter) -> Result<Vec<Event>> {
        history::query(&*self.db()?, filter)
    }

    /// Records an event in the history.
    pub fn record(&self, event: &NewEvent) -> Result<i64> {
        history::insert(&*self.db()?, event)
    }

    /// Signs the account out: its tokens leave the keyring (a remembered password stays), the
    /// account shows as signed out, and the history says so. An unreadable keyring entry is
    /// deleted whole, since nothing in it can be used.
    pub fn logout(&self, name: &str, now: Timestamp) -> Result<()> {
        let account = self.account(name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        let cleared = self.vault().and_then(|vault| match vault.read(name)? {
            Stored::Missing => Ok((false, None)),
            Stored::Doc(doc) => {
                let kept = VaultDoc {
                    password: doc.password,
                    ..VaultDoc::default()
                };
                vault.save(name, &kept)?;
                Ok((kept.password.is_some(), None))
            }
            Stored::Garbled => {
                vault.delete(name)?;
                Ok((
                    false,
                    Some("the unreadable keyring entry was deleted, with any remembered password"),
                ))
            }
        });
        let (password_kept, note) =
            self.or_record_failure(&account, Action::Logout, now, cleared)?;
        let session = SessionState {
            password_remembered: password_kept,
            ..SessionState::default()
        };
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &session, now)?;
            let event = NewEvent {
                note: note.map(String::from),
                ..event(&account, Action::Logout, now, true)
            };
            history::insert(tx, &event)
        })?;
        Ok(())
    }

    /// Forgets the remembered password; the session (if any) stays.
    pub fn forget_password(&self, name: &str, now: Timestamp) -> Result<()> {
        let account = self.account(name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        let forgotten = self.vault().and_then(|vault| match vault.load(name)? {
            Some(doc) if doc.password.is_some() => vault.save(
                name,
                &VaultDoc {
                    password: None,
                    ..doc
                },
            ),
            _ => Ok(()),
        });
        self.or_record_failure(&account, Action::ForgetPassword, now, forgotten)?;
        let session = SessionState {
            password_remembered: false,
            ..account.session.clone()
        };
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &session, now)?;
            history::insert(tx, &event(&account, Action::ForgetPassword, now, true))
        })?;
        Ok(())
    }

    /// Removes the account and every secret of it. Its history stays, with a `remove` event.
    /// When the keyring cannot be reached the account is kept, so nothing is left orphaned there.
    pub fn remove(&self, name: &str, now: Timestamp) -> Result<()> {
        let account = self.account(name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        let deleted = self.vault().and_then(|vault| vault.delete(name));
        self.or_record_failure(&account, Action::Remove, now, deleted)?;
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::delete(tx, name)?;
            history::insert(tx, &event(&account, Action::Remove, now, true))
        })?;
        Ok(())
    }

    /// Passes `result` through; a failure is first written to the history, so the user can see
    /// later that (and why) a logout or removal did not happen.
    fn or_record_failure<T>(
        &self,
        account: &Account,
        action: Action,
        now: Timestamp,
        result: Result<T>,
    ) -> Result<T> {
        if let Err(e) = &result {
            let failed = NewEvent {
                note: Some(e.to_string()),
                ..event(account, action, now, false)
            };
            if let Err(record_error) = self.record(&failed) {
                tracing::warn!(
                    "could not record the failed {action} in the history: {record_error}"
                );
            }
        }
        result
    }
}

fn event(account: &Account, action: Action, now: Timestamp, ok: bool) -> NewEvent {
    NewEvent::new(
        now,
        account.config.name.clone(),
        account.config.provider.clone(),
        action,
        ok,
    )
}
