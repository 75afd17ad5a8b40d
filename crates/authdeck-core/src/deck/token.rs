//! Tokens: hand out the stored token while it is fresh enough, else renew it (refresh token,
//! then the remembered password) under the account's cross-process lock; refresh now; refresh
//! many; peek at the stored token or password without renewing anything.

use super::Deck;
use super::login::{LoginReport, Outcome};
use crate::accounts::Account;
use crate::copy::Presentation;
use crate::exchange::{self, CodeSource, Credentials, Target};
use crate::history::Action;
use crate::http::Http;
use crate::secret::Secret;
use crate::vault::VaultDoc;
use crate::{Error, Result, lock};
use jiff::{SignedDuration, Timestamp};

/// A token to hand out, and what it took to get it.
#[derive(Debug)]
pub struct TokenOut {
    pub account: String,
    /// The token alone, without a scheme word.
    pub token: Secret,
    /// The scheme word the server wrote before the token, if it did.
    pub scheme: Option<String>,
    /// On the local clock; `None` when nobody said.
    pub expires_at: Option<Timestamp>,
    /// Said on stderr / in the UI: an unknown expiry, a token shorter-lived than asked.
    pub warning: Option<String>,
    /// The refresh or re-login this call made, if any.
    pub renewed: Option<LoginReport>,
}

/// How long before an expiry nothing can renew (a pasted key, a session without a refresh
/// token or a remembered password) `token` starts to warn: the last quarter of the token's
/// lifetime, at most a week (a year-long key warns a week ahead, an hour-long token 15 min).
pub fn unrenewable_warning(session: &crate::accounts::SessionState) -> SignedDuration {
    const WEEK: SignedDuration = SignedDuration::from_hours(7 * 24);
    crate::accounts::lifetime(session).map_or(WEEK, |l| (l / 4).min(WEEK))
}

/// Reads the clock; passed in so tests and benchmarks control time.
pub type Clock<'a> = &'a (dyn Fn() -> Timestamp + Send + Sync);

impl Deck {
    /// A token valid for at least `min_valid` (when its expiry is known), renewing first when
    /// needed. Any number of processes may ask at once: one renews, the others wait for the
    /// lock and then find the fresh token.
    pub async fn token(
        &self,
        http: &Http,
        name: &str,
        min_valid: SignedDuration,
        clock: Clock<'_>,
    ) -> Result<TokenOut> {
        let account = self.account(name)?;
        if let Some(out) = self.fresh_token(&account, min_valid, clock())? {
            return Ok(out);
        }
        let seen = account.session.token_fingerprint.clone();
        let _lock = lock::acquire_async(&self.home.locks_dir(), name).await?;
        let account = self.account(name)?;
        if let Some(out) = self.fresh_token(&account, min_valid, clock())? {
            return Ok(out);
        }
        // Someone renewed it while we waited: take theirs, even when it is shorter-lived than
        // asked, rather than renewing again (a token that lives less than `min_valid` would
        // otherwise cause one renewal per waiting process).
        let renewed_by_other = account.session.token_fingerprint != seen;
        let report = if renewed_by_other {
            None
        } else {
            Some(self.renew(http, &account).await?)
        };
        let account = self.account(name)?;
        let now = clock();
        let found = self.fresh_token(&account, SignedDuration::ZERO, now)?;
        let mut out = found.ok_or_else(|| not_found_after_renewal(&account, now))?;
        warn_if_short(&mut out, min_valid, now);
        out.renewed = report;
        Ok(out)
    }

    /// Renews the session now, whatever its expiry (`authdeck refresh`).
    pub async fn refresh(&self, http: &Http, name: &str) -> Result<LoginReport> {
        let _lock = lock::acquire_async(&self.home.locks_dir(), name).await?;
        let account = self.account(name)?;
        if !account.session.signed_in && !account.session.password_remembered {
            return Err(signed_out(name));
        }
        self.renew(http, &account).await
    }

    /// Renews many accounts, at most `concurrency` at once (the tray's "Refresh all").
    pub async fn refresh_many(
        self: &std::sync::Arc<Self>,
        http: &Http,
        names: Vec<String>,
        concurrency: usize,
    ) -> Vec<(String, Result<LoginReport>)> {
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for name in names {
            let (deck, http, permits) = (self.clone(), http.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let result = deck.refresh(&http, &name).await;
                (name, result)
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(pair) => results.push(pair),
                Err(e) => tracing::error!("a refresh task failed: {e}"),
            }
        }
        results
    }

    /// How `out`'s token is presented to its API (header, scheme, query parameter), per its
    /// provider and the scheme its server gave. Reads the provider only: call it for the forms
    /// that need it, not on `authdeck token`'s raw path. Errors: NotFound (no such account or
    /// provider), Invalid (overrides that no longer fit).
    pub fn presentation(&self, out: &TokenOut) -> Result<Presentation> {
        let account = self.account(&out.account)?;
        let provider = self.provider_of(&account.config)?;
        Ok(Presentation {
            url: Some(account.config.base_url),
            variable: account.config.env_var,
            ..Presentation::of(&provider, out.scheme.as_deref())
        })
    }

    /// The token in the keyring for `name` as it is, even an expired one: no renewal, no
    /// network, no history event (the app's inspector and Reveal). `None` when the account is
    /// signed out, even if the keyring still holds an old token. Errors: NotFound (no such
    /// account), Keyring.
    pub fn stored_token(&self, name: &str) -> Result<Option<Secret>> {
        let account = self.account(name)?;
        if !account.session.signed_in {
            return Ok(None);
        }
        Ok(self.vault()?.load(name)?.and_then(|doc| doc.token))
    }

    /// The password remembered for a stored account, if any, to be sent to `url` (a QA case
    /// that borrows it). Reads the keyring only when `url` has the origin the password was
    /// given for. Errors: NotFound (no such account), Invalid (another origin: nothing is read
    /// or sent), Keyring.
    pub fn remembered_password(&self, name: &str, url: &str) -> Result<Option<Secret>> {
        let account = self.account(name)?;
        let Some(given_for) = account.secrets_given_for() else {
            return Ok(None);
        };
        let wanted = crate::http::origin(url)?;
        if given_for != wanted {
            return Err(Error::Invalid(format!(
                "the password of {name} was given for {given_for} and is not sent to {wanted}: \
                 log this case in at {given_for}, or give its password with password_env"
            )));
        }
        Ok(self.vault()?.load(name)?.and_then(|doc| doc.password))
    }

    /// The stored token when it is valid for `min_valid` (or its expiry is unknown).
    fn fresh_token(
        &self,
        account: &Account,
        min_valid: SignedDuration,
        now: Timestamp,
    ) -> Result<Option<TokenOut>> {
        let name = &account.config.name;
        if !account.session.signed_in {
            return Err(signed_out(name));
        }
        let renewable = account.session.has_refresh_token || account.session.password_remembered;
        let warning = match account.session.expires_at {
            // Nothing can renew it: say so while there is time to get a new one.
            Some(t)
                if !renewable && t.duration_since(now) < unrenewable_warning(&account.session) =>
            {
                if t.duration_since(now) < min_valid {
                    return Ok(None);
                }
                Some(format!(
                    "{name}'s token expires {} and cannot be renewed by Authdeck: get a new one \
                     before then",
                    crate::words::relative_to(t, now)
                ))
            }
            Some(t) if t.duration_since(now) >= min_valid => None,
            Some(_) => return Ok(None),
            None => Some(format!(
                "the expiry of {name}'s token is unknown: it may no longer be valid"
            )),
        };
        let Some((token, scheme)) = self.session_token(account, now)? else {
            // Deleted from the keyring behind our back: renewing is the only way on.
            return Ok(None);
        };
        Ok(Some(TokenOut {
            account: name.clone(),
            token,
            scheme,
            expires_at: account.session.expires_at,
            warning,
            renewed: None,
        }))
    }

    /// The session's token and scheme word: from the kernel token cache when it holds this
    /// session's token (no Secret Service call), else from the keyring, and then kept in the
    /// cache until the token expires. `None` when the keyring holds no token.
    ///
    /// Only a token whose fingerprint is the session's is cached or handed out, so a stale
    /// entry is never used. An entry put just as another process logged out or removed the
    /// account is dropped again: the accounts table is read once more after the put, and those
    /// writers drop the entry again after their own write (whoever comes last drops it).
    fn session_token(
        &self,
        account: &Account,
        now: Timestamp,
    ) -> Result<Option<(Secret, Option<String>)>> {
        let name = &account.config.name;
        let vault = self.vault()?;
        let Some(fingerprint) = account.session.token_fingerprint.as_deref() else {
            return Ok(vault
                .load(name)?
                .and_then(|doc| Some((doc.token?, doc.scheme))));
        };
        if let Some(hit) = vault.cached_token(name, fingerprint) {
            return Ok(Some(hit));
        }
        let Some((token, scheme)) = vault
            .load(name)?
            .and_then(|doc| Some((doc.token?, doc.scheme)))
        else {
            return Ok(None);
        };
        // A token of unknown expiry is not cached: its entry could outlive it.
        if let Some(expires_at) = account.session.expires_at
            && crate::secret::fingerprint(&token) == fingerprint
        {
            let cache = vault.token_cache();
            cache.put(name, &token, scheme.as_deref(), expires_at, now);
            let still = self.account(name).ok().is_some_and(|a| {
                a.session.signed_in && a.session.token_fingerprint.as_deref() == Some(fingerprint)
            });
            if !still {
                cache.forget(name);
            }
        }
        Ok(Some((token, scheme)))
    }

    /// Refresh token first; when there is none or it is refused, the remembered password.
    /// Every attempt lands in the history. Call with the account's lock held.
    async fn renew(&self, http: &Http, account: &Account) -> Result<LoginReport> {
        let name = &account.config.name;
        if let Some((given_for, now_at)) = account.secrets_moved() {
            return Err(Error::SessionExpired(format!(
                "the session of {name} cannot be renewed: its secrets were given for {given_for}, \
                 and it now points at {now_at}, where nothing of them is sent. Run `authdeck \
                 login {name}` with the password for {now_at}"
            )));
        }
        let provider = self.provider_of(&account.config)?;
        let doc = self.vault()?.load(name)?.unwrap_or_default();
        if let Some(spec) = &provider.oauth {
            return self
                .renew_oauth(http, account, &provider, spec, doc, &Timestamp::now)
                .await;
        }
        let target = Target {
            base_url: account.config.base_url.clone(),
            policy: account.config.policy(),
            provider: provider.clone(),
        };
        let mut refused = None;
        if let Some(refresh_token) = doc.refresh_token.clone()
            && let Some(attempt) = exchange::refresh(http, &target, &refresh_token).await?
        {
            let report = self.keep(
                &account.config,
                &provider,
                Action::Refresh,
                attempt,
                None,
                Some(doc.clone()),
            )?;
            match report.outcome {
                Outcome::Ok(_) => return Ok(report),
                Outcome::Failed(f) if f.kind.is_transient() => return Err(Error::Refused(f)),
                Outcome::Failed(f) => refused = Some(f),
            }
        }
        if !provider.has_login() && refused.is_none() {
            return Err(Error::SessionExpired(format!(
                "the key of {name} was pasted, and Authdeck cannot renew a pasted key: paste a \
                 new one with `authdeck login {name} --token-stdin`"
            )));
        }
        let Some(password) = doc.password.clone() else {
            let why = match refused {
                Some(f) => format!("its refresh token was refused ({})", f.summary()),
                None if doc.token.is_none() && account.session.signed_in => {
                    "the keyring no longer holds its token (removed outside Authdeck?)".into()
                }
                None => "it has no refresh token and no remembered password".into(),
            };
            let state = match account.session.expires_at {
                Some(t) if t > Timestamp::now() => "cannot be renewed",
                _ => "expired and cannot be renewed",
            };
            return Err(Error::SessionExpired(format!(
                "the session of {name} {state}: {why}. Run `authdeck login {name}` (add --remember-password to renew by itself next time; a pasted token is never renewed: paste a new one with --token-stdin)"
            )));
        };
        let creds = Credentials {
            email: account.config.email.clone(),
            password: password.clone(),
            code: doc
                .totp_secret
                .clone()
                .map_or(CodeSource::None, CodeSource::Totp),
        };
        let attempt = exchange::login(http, &target, &creds).await?;
        let previous = VaultDoc {
            refresh_token: None,
            ..doc
        };
        let report = self.keep(
            &account.config,
            &provider,
            Action::Relogin,
            attempt,
            Some(password),
            Some(previous),
        )?;
        match report.outcome {
            Outcome::Ok(_) => Ok(report),
            Outcome::Failed(f) => Err(Error::Refused(f)),
        }
    }
}

fn warn_if_short(out: &mut TokenOut, min_valid: SignedDuration, now: Timestamp) {
    if let Some(expires) = out.expires_at {
        let left = expires.duration_since(now);
        if left < min_valid && out.warning.is_none() {
            out.warning = Some(format!(
                "the new token of {} is valid for only {} s, less than the {} s asked",
                out.account,
                left.as_secs(),
                min_valid.as_secs()
            ));
        }
    }
}

/// Why a renewal that went through left no usable token: the new one is already expired (the
/// server's clock), or the keyring no longer holds the entry (its daemon stopped, or another
/// program deleted it while we renewed).
fn not_found_after_renewal(account: &Account, now: Timestamp) -> Error {
    let name = &account.config.name;
    match account.session.expires_at {
        // `fresh_token` takes a token expiring exactly now as fresh and reads the keyring for
        // it: at `now` itself a missing token is the keyring's doing, not the clock's.
        Some(t) if t < now => Error::SessionExpired(format!(
            "{name} was renewed but its new token is already expired ({}): its expiry may be \
             read with the wrong format (the provider's success.expires_* fields{}), or the \
             server's clock is wrong; then run `authdeck login {name}`",
            t.strftime("%Y-%m-%d %H:%M:%S UTC"),
            match account.config.overrides.contains_key("success") {
                true => ", which this account changes: `authdeck accounts --json` shows how",
                false => "",
            }
        )),
        _ => Error::Keyring(format!(
            "{name} was renewed, but the keyring lost its entry meanwhile (the keyring daemon may \
             have stopped, or another program deleted it): check that the keyring runs, then run \
             `authdeck login {name}`"
        )),
    }
}

fn signed_out(name: &str) -> Error {
    Error::SessionExpired(format!("{name} is signed out: run `authdeck login {name}`"))
}

#[cfg(test)]
mod tests {
    use crate::accounts::AccountConfig;
    use crate::deck::Deck;
    use crate::history::Filter;
    use crate::home::Home;
    use crate::vault::{Vault, VaultDoc};
    use crate::{Error, Secret};
    use jiff::Timestamp;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn deck(
        dir: &std::path::Path,
    ) -> std::result::Result<(Deck, Vault), Box<dyn std::error::Error>> {
        let store = keyring_core::mock::Store::new()?;
        let home = Home::at(dir.join("home"))?;
        let deck =
            Deck::open_with_vault(home, Vault::with_store(store.clone(), "peek-test", None))?;
        Ok((deck, Vault::with_store(store, "peek-test", None)))
    }

    fn config(name: &str) -> AccountConfig {
        AccountConfig {
            name: name.into(),
            provider: "user-login".into(),
            // Nothing listens here: a renewal attempt would fail instead of going unnoticed.
            base_url: "http://127.0.0.1:9/user-login".into(),
            email: "a@b.c".into(),
            overrides: Default::default(),
            allow_insecure_http: false,
            timeout_secs: None,
            env_var: None,
            tag: None,
        }
    }

    #[test]
    fn the_stored_token_is_returned_as_is_without_renewing_or_recording() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (deck, vault) = deck(tmp.path())?;
        deck.save_account(&config("alice"), Timestamp::now())?;
        let signed_in = crate::accounts::SessionState {
            signed_in: true,
            ..Default::default()
        };
        crate::accounts::set_session(&*deck.db()?, "alice", &signed_in, Timestamp::now())?;
        vault.save(
            "alice",
            &VaultDoc {
                token: Some(Secret::new("stored.jwt.token")),
                refresh_token: Some(Secret::new("refresh")),
                password: None,
                ..VaultDoc::default()
            },
        )?;
        let token = deck.stored_token("alice")?.ok_or("a stored token")?;
        assert_eq!(token.expose(), "stored.jwt.token");
        assert!(
            deck.history(&Filter::default())?.is_empty(),
            "peeking records no event"
        );
        Ok(())
    }

    #[test]
    fn a_signed_out_account_has_no_token_and_an_unknown_one_is_not_found() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let (deck, _vault) = deck(tmp.path())?;
        deck.save_account(&config("bob"), Timestamp::now())?;
        assert!(deck.stored_token("bob")?.is_none(), "nothing stored");
        assert!(
            matches!(deck.stored_token("nobody"), Err(Error::NotFound(_))),
            "an unknown account is NotFound"
        );
        Ok(())
    }

    #[test]
    fn a_token_lost_from_the_keyring_after_a_renewal_is_not_blamed_on_the_clock() {
        let now = Timestamp::from_second(1_800_000_000).expect("in range");
        let mut account = crate::accounts::Account {
            config: config("dev"),
            created_at: now,
            updated_at: now,
            last_login_at: None,
            session: crate::accounts::SessionState {
                signed_in: true,
                expires_at: Some(now + jiff::SignedDuration::from_secs(3600)),
                ..Default::default()
            },
            pinned: false,
        };
        let lost = super::not_found_after_renewal(&account, now);
        assert!(matches!(lost, Error::Keyring(_)), "{lost:?}");
        assert!(lost.to_string().contains("keyring lost"), "{lost}");
        account.session.expires_at = Some(now);
        let at_expiry = super::not_found_after_renewal(&account, now);
        assert!(
            at_expiry.to_string().contains("keyring lost"),
            "a token expiring this instant was looked for in the keyring: {at_expiry}"
        );
        account.session.expires_at = Some(now - jiff::SignedDuration::from_secs(1));
        let expired = super::not_found_after_renewal(&account, now);
        assert!(expired.to_string().contains("server's clock"), "{expired}");
    }
}
