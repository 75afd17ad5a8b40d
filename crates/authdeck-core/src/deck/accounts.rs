//! The account verbs: list, read, save (create or edit), log out, forget the remembered
//! password, remove. Rows live in [`crate::accounts`], secrets in [`crate::vault`].

use super::Deck;
use crate::accounts::{self, Account, AccountConfig, SessionState, Status};
use crate::history::{self, Action, Event, NewEvent};
use crate::vault::{Stored, VaultDoc};
use crate::{Result, db, lock};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An account with its status at the time of listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSummary {
    #[serde(flatten)]
    pub account: Account,
    pub status: Status,
}

/// A change of where and as whom an account logs in (the app's edit form), saved without
/// logging in. Values are trimmed.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountEdit {
    pub account: String,
    pub provider: String,
    pub base_url: String,
    pub email: String,
    /// Replaces the account's options when given; `None` keeps them.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub options: Option<AccountOptions>,
}

/// What else a user sets for an account, the same choices as `authdeck login`'s `--set`,
/// `--timeout`, `--allow-insecure-http`, `--env-var` and `--tag`. Given whole: each replaces what is
/// stored (an empty `set` clears the overrides, `timeout_secs: None` goes back to 30 s).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountOptions {
    /// Changes to the provider spec for this account, `FIELD=VALUE` each (as `--set`); the
    /// OAuth client id and grant have their own fields and are kept.
    #[serde(default)]
    pub set: Vec<String>,
    /// Plain http:// to a host other than localhost is allowed (passwords travel unencrypted).
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// Give up on a request after this many seconds, 1 to 600; `None`: 30.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// The variable name of the shell and `.env` copy forms; empty or `None`: AUTHDECK_TOKEN.
    #[serde(default)]
    pub env_var: Option<String>,
    /// The environment tag (`prod`, `staging`); empty or `None`: none.
    #[serde(default)]
    pub tag: Option<String>,
}

impl AccountOptions {
    /// The options `config` has now.
    pub fn of(config: &AccountConfig) -> AccountOptions {
        AccountOptions {
            set: crate::provider::assignments(&config.overrides),
            allow_insecure_http: config.allow_insecure_http,
            timeout_secs: config.timeout_secs,
            env_var: config.env_var.clone(),
            tag: config.tag.clone(),
        }
    }

    /// Puts these options into `config`, keeping its OAuth client id and grant. Errors:
    /// Invalid (a `set` line without `=`).
    pub fn apply_to(&self, config: &mut AccountConfig) -> Result<()> {
        let mut overrides = crate::provider::overrides_from_assignments(&self.set)?;
        crate::provider::carry_own_fields(&config.overrides, &mut overrides);
        config.overrides = overrides;
        config.allow_insecure_http = self.allow_insecure_http;
        config.timeout_secs = self.timeout_secs;
        config.env_var = self.env_var.as_deref().and_then(accounts::env_var_given);
        config.tag = self.tag.as_deref().and_then(accounts::tag_given);
        Ok(())
    }
}

impl Deck {
    /// Every account with its status at `now`, by name. Reads SQLite only, never the keyring.
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

    /// A number that changes whenever another process (the CLI, another app window) has
    /// written to the database since the last call on this deck; writes through this deck do
    /// not change it. The app polls it to follow the CLI. Errors: Storage.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .db()?
            .pragma_query_value(None, "data_version", |row| row.get(0))?)
    }

    /// One account, or a NotFound error that says how to list them.
    pub fn account(&self, name: &str) -> Result<Account> {
        accounts::validate_name(name)?;
        accounts::get(&*self.db()?, name)?.ok_or_else(|| accounts::not_found(name))
    }

    /// Each account's newest history event, for the accounts whose newest event is a failure
    /// (the account list's "last error"), by account name. One query, whatever the count.
    pub fn last_failures(&self) -> Result<HashMap<String, Event>> {
        history::last_failures(&*self.db()?)
    }

    /// Creates the account or changes its configuration. A change of provider, base URL or
    /// email signs the account out ([`accounts::upsert`]), and its tokens leave the keyring
    /// too, so the old server's token is never handed out or shown for the new one. A move to
    /// another origin drops the remembered password as well: it was given for the old server
    /// ([`Deck::drop_stale_secrets`]). Takes the account's lock: a refresh running at the same
    /// time finishes first. Errors: Invalid (a bad config), Storage, Keyring.
    pub fn save_account(&self, config: &AccountConfig, now: Timestamp) -> Result<Account> {
        accounts::validate_name(&config.name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), &config.name)?;
        self.save_account_locked(config, now)
    }

    /// Applies `edit` to the stored account (its overrides and other choices stay) through
    /// [`Deck::save_account`]: a new provider, base URL or email signs it out and drops its
    /// tokens. Errors: NotFound (no such account), Invalid, Storage, Keyring.
    pub fn edit_account(&self, edit: &AccountEdit, now: Timestamp) -> Result<Account> {
        let mut config = self.account(&edit.account)?.config;
        config.provider = edit.provider.trim().to_string();
        config.base_url = edit.base_url.trim().to_string();
        config.email = edit.email.trim().to_string();
        if let Some(options) = &edit.options {
            options.apply_to(&mut config)?;
        }
        // The overrides must still fit the provider (a new provider, a mistyped field).
        self.provider_of(&config)?;
        self.save_account(&config, now)
    }

    /// Files the account under `tag` (`prod`, `staging`; empty or `None` drops its tag). Its
    /// session and secrets stay. Errors: NotFound (no such account), Invalid (not a tag, see
    /// [`accounts::tag_problem`]), Storage.
    pub fn set_tag(&self, account: &str, tag: Option<&str>, now: Timestamp) -> Result<Account> {
        accounts::validate_name(account)?;
        let _lock = lock::acquire(&self.home.locks_dir(), account)?;
        let mut config = self.account(account)?.config;
        config.tag = tag.and_then(accounts::tag_given);
        self.save_account_locked(&config, now)
    }

    /// Files every one of `names` under `tag` (`None`: drops their tags), each name once;
    /// every name is checked before any changes, so a typo changes nothing. Returns the
    /// names, each once, in order. Errors: Invalid (`tag` empty or not a tag, see
    /// [`accounts::tag_problem`]), NotFound, Storage.
    pub fn tag_accounts(
        &self,
        names: &[String],
        tag: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<String>> {
        let tag = match tag {
            None => None,
            Some(typed) => Some(accounts::tag_checked(typed)?.ok_or_else(|| {
                crate::Error::Invalid(
                    "the tag is empty: give one such as prod, or drop the tag (`authdeck tag \
                     --clear ACCOUNT`)"
                        .into(),
                )
            })?),
        };
        let mut seen = std::collections::HashSet::new();
        let names: Vec<String> = names
            .iter()
            .filter(|n| seen.insert(n.as_str()))
            .cloned()
            .collect();
        for name in &names {
            self.account(name)?;
        }
        for name in &names {
            self.set_tag(name, tag.as_deref(), now)?;
        }
        Ok(names)
    }

    /// The accounts tagged `tag`, letter case aside, at `now`; `''` (blank): those without a
    /// tag. Errors: Invalid (what no account could be tagged, such as `a;b`), Storage.
    pub fn accounts_tagged(&self, tag: &str, now: Timestamp) -> Result<Vec<AccountSummary>> {
        let wanted = accounts::tag_checked(tag)?.map(|t| t.to_lowercase());
        let mut all = self.accounts(now)?;
        all.retain(|a| a.account.config.tag.as_ref().map(|t| t.to_lowercase()) == wanted);
        Ok(all)
    }

    /// Pins the account on top of the app's list, or unpins it; the pin follows a rename and
    /// goes with a removal. Errors: Invalid (not an account name), NotFound, Storage.
    pub fn set_pinned(&self, account: &str, pinned: bool) -> Result<Account> {
        accounts::validate_name(account)?;
        let conn = self.db()?;
        accounts::set_pinned(&conn, account, pinned)?;
        accounts::get(&conn, account)?.ok_or_else(|| accounts::not_found(account))
    }

    /// Stores a new account as `edit` describes, signed out, without logging in: what the
    /// app's Add account keeps when the user chooses to keep an account whose first login was
    /// refused. The name must be free. Errors: Invalid (a bad name or URL, a name taken, an
    /// OAuth provider without a client id), NotFound (no such provider), Storage.
    pub fn add_account(&self, edit: &AccountEdit, now: Timestamp) -> Result<Account> {
        let plan = self.plan_login(super::LoginRequest {
            account: edit.account.trim().to_string(),
            provider: Some(edit.provider.trim().to_string()),
            base_url: Some(edit.base_url.trim().to_string()),
            email: Some(edit.email.trim().to_string()),
            options: edit.options.clone(),
            ..super::LoginRequest::default()
        })?;
        if !plan.is_new() {
            return Err(crate::Error::Invalid(format!(
                "an account named {} exists already: choose another name, or edit that account",
                edit.account.trim()
            )));
        }
        self.save_account(plan.config(), now)
    }

    /// [`Deck::save_account`] for a caller that already holds the account's lock.
    pub(super) fn save_account_locked(
        &self,
        config: &AccountConfig,
        now: Timestamp,
    ) -> Result<Account> {
        let (before, after) = {
            let conn = self.db()?;
            db::write(&conn, |tx| {
                let before = accounts::get(tx, &config.name)?;
                if let Some(before) = &before {
                    accounts::bind_secrets_origin(tx, before)?;
                }
                Ok((before, accounts::upsert(tx, config, now)?))
            })?
        };
        match before {
            Some(before) if self.drop_stale_secrets(&before, &after, now)? => {
                self.account(&config.name)
            }
            _ => Ok(after),
        }
    }

    /// After an edit turned `before` into `after` (already written), drops the secrets it made
    /// stale: every one of them when the account moved to another origin (the tokens and the
    /// password were given for the old server); its tokens when the edit signed it out (another
    /// user or provider at the same server). Returns whether anything was dropped. Call with
    /// the account's lock held.
    pub(super) fn drop_stale_secrets(
        &self,
        before: &Account,
        after: &Account,
        now: Timestamp,
    ) -> Result<bool> {
        let had_secrets = before.session.signed_in || before.session.password_remembered;
        if had_secrets && before.config.origin().ok() != after.config.origin().ok() {
            self.vault()?.delete(&after.config.name)?;
            let conn = self.db()?;
            let cleared = SessionState::default();
            db::write(&conn, |tx| {
                accounts::set_session(tx, &after.config.name, &cleared, now)
            })?;
            self.forget_cached_token(&after.config.name);
            return Ok(true);
        }
        if before.session.signed_in && !after.session.signed_in {
            self.drop_tokens(after, now)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Takes the tokens of an account that was just signed out by an edit out of the keyring
    /// (its remembered password stays) and clears the session facts that described them.
    /// Call with the account's lock held.
    pub(super) fn drop_tokens(&self, account: &Account, now: Timestamp) -> Result<()> {
        let name = &account.config.name;
        let cleared = self.clear_tokens(name)?;
        let session = tokens_dropped(&account.session, &cleared);
        let conn = self.db()?;
        db::write(&conn, |tx| accounts::set_session(tx, name, &session, now))?;
        self.forget_cached_token(name);
        Ok(())
    }

    /// Drops the account's cached token again after its session's rows changed (a sign-out, a
    /// new session, a rename): a copy a reader kept between the keyring write and the accounts
    /// table's (see `Deck::session_token`) would never be handed out, its fingerprint no
    /// longer the session's, but need not stay in kernel memory until it expires either.
    pub(super) fn forget_cached_token(&self, name: &str) {
        if let Ok(vault) = self.vault() {
            vault.token_cache().forget(name);
        }
    }

    /// Takes the account's tokens out of the keyring and keeps a remembered password. Returns
    /// what was done. Call with the account's lock held.
    fn clear_tokens(&self, name: &str) -> Result<Cleared> {
        let vault = self.vault()?;
        // First, so a sign-out takes the token out of the cache even when the keyring fails.
        vault.token_cache().forget(name);
        match vault.read(name)? {
            Stored::Missing => Ok(Cleared::default()),
            Stored::Doc(doc) if doc.token.is_none() && doc.refresh_token.is_none() => Ok(Cleared {
                password_kept: doc.password.is_some(),
                client_secret_kept: doc.client_secret.is_some(),
                ..Cleared::default()
            }),
            Stored::Doc(doc) => {
                let kept = VaultDoc {
                    password: doc.password,
                    totp_secret: doc.totp_secret,
                    client_secret: doc.client_secret,
                    ..VaultDoc::default()
                };
                vault.save(name, &kept)?;
                Ok(Cleared {
                    password_kept: kept.password.is_some(),
                    client_secret_kept: kept.client_secret.is_some(),
                    tokens_dropped: true,
                    note: None,
                })
            }
            Stored::Garbled => {
                vault.delete(name)?;
                Ok(Cleared {
                    password_kept: false,
                    client_secret_kept: false,
                    tokens_dropped: true,
                    note: Some(
                        "the unreadable keyring entry was deleted, with any remembered password",
                    ),
                })
            }
        }
    }

    /// Signs the account out: its tokens leave the keyring (a remembered password and TOTP
    /// secret stay), the account shows as signed out, and the history says so. Returns
    /// `false`, and records nothing, when it was signed out already. Errors: NotFound,
    /// Keyring, Storage.
    pub fn logout(&self, name: &str, now: Timestamp) -> Result<bool> {
        self.logout_noting(name, now, None)
    }

    /// [`Deck::logout`], with a note for its history event (what [`Deck::revoke`] says the
    /// server confirmed).
    pub fn logout_noting(&self, name: &str, now: Timestamp, said: Option<String>) -> Result<bool> {
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        // Read under the lock: a logout that waited for another finds nothing left to do.
        let account = self.account(name)?;
        let cleared = self.clear_tokens(name);
        let cleared = self.or_record_failure(&account, Action::Logout, now, cleared)?;
        if !account.session.signed_in && !cleared.tokens_dropped {
            self.forget_cached_token(name);
            return Ok(false);
        }
        let note = cleared.note;
        let session = tokens_dropped(&account.session, &cleared);
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &session, now)?;
            let note = [note.map(String::from), said.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>();
            let event = NewEvent {
                note: (!note.is_empty()).then(|| note.join("; ")),
                ..event(&account, Action::Logout, now, true)
            };
            history::insert(tx, &event)
        })?;
        self.forget_cached_token(name);
        Ok(true)
    }

    /// Forgets what signs the account in again by itself: the remembered password and TOTP
    /// secret, and a client credentials account's client secret; the session (if any) stays.
    /// Returns what was forgotten ("password", "TOTP secret", "client secret"), empty when
    /// nothing was kept (then nothing is recorded). Errors: NotFound, Keyring, Storage.
    pub fn forget_password(&self, name: &str, now: Timestamp) -> Result<Vec<&'static str>> {
        // A name that is not there fails here, before a lock file is made for it.
        self.account(name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        // Read again under the lock: a rename or removal it waited for may have taken it away.
        let account = self.account(name)?;
        let mut forgotten = Vec::new();
        let saved = self.vault().and_then(|vault| match vault.load(name)? {
            Some(doc) => {
                for (kept, what) in [
                    (doc.password.is_some(), "password"),
                    (doc.totp_secret.is_some(), "TOTP secret"),
                    (doc.client_secret.is_some(), "client secret"),
                ] {
                    if kept {
                        forgotten.push(what);
                    }
                }
                match forgotten.is_empty() {
                    true => Ok(()),
                    false => vault.save(
                        name,
                        &VaultDoc {
                            password: None,
                            totp_secret: None,
                            client_secret: None,
                            ..doc
                        },
                    ),
                }
            }
            None => Ok(()),
        });
        self.or_record_failure(&account, Action::ForgetPassword, now, saved)?;
        if forgotten.is_empty() && !account.session.password_remembered {
            return Ok(forgotten);
        }
        let session = SessionState {
            password_remembered: false,
            ..account.session.clone()
        };
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &session, now)?;
            let mut event = event(&account, Action::ForgetPassword, now, true);
            event.note = (!forgotten.is_empty())
                .then(|| format!("forgot the {}", forgotten.join(" and the ")));
            history::insert(tx, &event)
        })?;
        Ok(forgotten)
    }

    /// Removes the account and every secret of it. Its history stays, with a `remove` event.
    /// When the keyring cannot be reached the account is kept, so nothing is left orphaned there.
    pub fn remove(&self, name: &str, now: Timestamp) -> Result<()> {
        // A name that is not there fails here, before a lock file is made for it.
        self.account(name)?;
        let _lock = lock::acquire(&self.home.locks_dir(), name)?;
        // Read again under the lock: a rename or removal it waited for may have taken it away,
        // and a removal of nothing must not be recorded as one.
        let account = self.account(name)?;
        let deleted = self.vault().and_then(|vault| vault.delete(name));
        self.or_record_failure(&account, Action::Remove, now, deleted)?;
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::delete(tx, name)?;
            history::insert(tx, &event(&account, Action::Remove, now, true))
        })?;
        self.forget_cached_token(name);
        Ok(())
    }

    /// Gives account `from` the name `to`. Its settings, its keyring entry (moved to the new
    /// name's) and its history follow; the history records a `rename`. The old name is free
    /// afterwards and keeps no secret. Errors: NotFound, Conflict (the name is taken),
    /// Invalid (not a valid name; the old keyring entry is unreadable), Keyring and Storage
    /// (then nothing changed).
    pub fn rename(&self, from: &str, to: &str, now: Timestamp) -> Result<()> {
        accounts::validate_name(to)?;
        let account = self.account(from)?;
        if from == to {
            return Ok(());
        }
        if from.eq_ignore_ascii_case(to) {
            return Err(crate::Error::Conflict(format!(
                "{from:?} to {to:?} changes only the letter case, which keyrings on Windows and \
                 macOS take for the same entry: rename through another name ({from} → \
                 {from}-tmp → {to})"
            )));
        }
        accounts::check_new_name(&*self.db()?, to)?;
        // Both names' locks, always in the same order, so two renames never wait on each other.
        let locks = self.home.locks_dir();
        let (first, second) = if from < to { (from, to) } else { (to, from) };
        let _first = lock::acquire(&locks, first)?;
        let _second = lock::acquire(&locks, second)?;
        if accounts::get(&*self.db()?, to)?.is_some() {
            return Err(crate::Error::Conflict(format!(
                "an account named {to:?} exists already: choose another name, or remove that one first"
            )));
        }
        // The secrets move first and the old entry goes before the rows change: a failure
        // on the way puts them back, so neither name is left holding secrets it should not.
        let vault = self.vault()?;
        vault.token_cache().forget(from);
        let doc = match vault.read(from)? {
            Stored::Doc(doc) => Some(doc),
            Stored::Missing => None,
            Stored::Garbled => {
                return Err(crate::Error::Invalid(format!(
                    "the keyring entry of {from:?} is unreadable, so it cannot move to the new \
                     name: `authdeck logout {from}` (Log out in the app) deletes it, then rename"
                )));
            }
        };
        if let Some(doc) = &doc {
            vault.save(to, doc)?;
            if let Err(e) = vault.delete(from) {
                let _ = vault.delete(to);
                return Err(e);
            }
        }
        let renamed = db::write(&*self.db()?, |tx| {
            accounts::rename(tx, from, to, now)?;
            history::rename_account(tx, from, to)?;
            let event = NewEvent {
                note: Some(format!("renamed from {from}")),
                ..NewEvent::new(now, to, &account.config.provider, Action::Rename, true)
            };
            history::insert(tx, &event)
        });
        // A reader may have cached the old name's token between the keyring's move and the
        // rows'; the old name has no session now.
        self.forget_cached_token(from);
        if let (Err(_), Some(doc)) = (&renamed, &doc) {
            if let Err(e) = vault.save(from, doc) {
                tracing::warn!("the rename failed and its secrets could not be put back: {e}");
            } else {
                let _ = vault.delete(to);
            }
        }
        renamed.map(drop)
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

/// What taking the tokens out of the keyring did.
#[derive(Default)]
struct Cleared {
    /// A remembered password stays.
    password_kept: bool,
    /// An OAuth client secret stays (a client credentials account signs in again with it).
    client_secret_kept: bool,
    /// There were tokens (or an unreadable entry) to take out.
    tokens_dropped: bool,
    /// Said in the history: an unreadable entry had to be deleted whole.
    note: Option<&'static str>,
}

/// The session facts once the tokens are gone: signed out, and a kept password or client
/// secret still bound to the origin it was given for. A client credentials account, which
/// counted its client secret as what signs it in again, still does.
fn tokens_dropped(session: &SessionState, cleared: &Cleared) -> SessionState {
    let by_itself =
        cleared.password_kept || (cleared.client_secret_kept && session.password_remembered);
    let secrets_kept = cleared.password_kept || cleared.client_secret_kept;
    SessionState {
        password_remembered: by_itself,
        secrets_origin: session.secrets_origin.clone().filter(|_| secrets_kept),
        ..SessionState::default()
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
