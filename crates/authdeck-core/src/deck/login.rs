//! Logging an account in, one way through: [`Deck::plan_login`] decides once (the account as
//! it will be stored, its provider with overrides, whether a password is remembered) before
//! anything is asked for or sent; [`Deck::login`] sends the plan's request
//! ([`crate::exchange`]) and keeps what came back: the keyring gets the secrets, SQLite the
//! account, the non-secret session facts and a history event.

use super::Deck;
use crate::accounts::{self, Account, AccountConfig, SessionState};
use crate::exchange::{self, CodeSource, Credentials, Target};
use crate::history::{self, Action, NewEvent};
use crate::http::{Http, Policy};
use crate::outcome::{Attempt, Failure, Session};
use crate::provider::{Catalog, Grant, Provider};
use crate::secret::{Secret, fingerprint};
use crate::vault::VaultDoc;
use crate::{Error, Result, db, lock};
use jiff::Timestamp;
use serde::Serialize;
use std::time::Duration;

/// What the user asked for. Fields left `None` keep what the stored account has.
#[derive(Debug, Default)]
pub struct LoginRequest {
    pub account: String,
    pub provider: Option<String>,
    pub base_url: Option<String>,
    pub email: Option<String>,
    /// `None`: use the remembered password.
    pub password: Option<Secret>,
    pub remember_password: bool,
    /// Per-account provider spec changes, merged over what is stored.
    pub overrides: Option<serde_json::Map<String, serde_json::Value>>,
    pub allow_insecure_http: Option<bool>,
    /// The request time limit, kept for the account (its later logins and renewals).
    pub timeout: Option<Duration>,
    /// The variable name the token is copied under, kept for the account; empty to go back
    /// to `AUTHDECK_TOKEN`.
    pub env_var: Option<String>,
    /// The environment tag, kept for the account; empty to drop it.
    pub tag: Option<String>,
    /// Provider changes to drop (`success.expires_format`), before `overrides` apply.
    pub unset: Vec<String>,
    /// The app's form: all the account's options at once, replacing the stored ones (and
    /// `overrides`, `allow_insecure_http`, `timeout`, `env_var`, `tag` above).
    pub options: Option<super::accounts::AccountOptions>,
    /// A one-time code typed now, or how to ask for one, for a server that asks.
    pub code: CodeSource,
    /// A TOTP secret (RFC 6238) to keep in the keyring, so codes are computed from now on.
    pub totp_secret: Option<Secret>,
    /// OAuth: the client id registered at the server (kept as the account's
    /// `oauth.client_id`).
    pub client_id: Option<String>,
    /// OAuth: the client secret, kept in the keyring.
    pub client_secret: Option<Secret>,
    /// OAuth: the grant this account signs in with (kept as its `oauth.grant`).
    pub grant: Option<crate::provider::Grant>,
    /// A new account whose first login is refused (or fails to reach its server) is not
    /// stored; only the attempt goes into the history. The app's Add account asks for this
    /// and lets the user keep the account afterwards; the CLI keeps it (QA reads it in
    /// `accounts`).
    pub forget_if_refused: bool,
}

/// How a login went, for the CLI's output and the app. No secrets in here.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoginReport {
    pub account: String,
    pub provider: String,
    pub email: String,
    pub base_url: String,
    pub latency_ms: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "ok_tag")]
pub enum Outcome {
    #[serde(rename = "ok")]
    Ok(SessionFacts),
    #[serde(rename = "failed")]
    Failed(Failure),
}

/// The non-secret facts of a new session.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionFacts {
    pub http_status: u16,
    /// On the local clock (corrected for the server's clock skew).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_at: Option<Timestamp>,
    pub refreshable: bool,
    /// The token's claims as it writes them, when it is a JWT.
    #[cfg_attr(feature = "ts", ts(type = "JsonValue | null"))]
    pub claims: Option<Box<serde_json::value::RawValue>>,
    pub token_fingerprint: String,
    pub clock_skew_secs: Option<i64>,
    pub notes: Vec<String>,
}

/// A login decided before anything is asked for, sent or stored: the account row and the
/// provider catalog are read once, the login URL is checked. The CLI asks it whether to
/// prompt for a password; [`Deck::login`] consumes it.
#[derive(Debug)]
pub struct LoginPlan {
    config: AccountConfig,
    provider: Provider,
    /// The account as stored before this login; `None` for a new account.
    existing: Option<Account>,
    password: Option<Secret>,
    remember_password: bool,
    timeout: Duration,
    code: CodeSource,
    totp_secret: Option<Secret>,
    client_secret: Option<Secret>,
    forget_if_refused: bool,
}

/// What an OAuth sign-in takes from its plan: the account, its provider, the stored account,
/// a password (password grant), whether to remember it, a client secret given now, the
/// request timeout, and whether a new account is forgotten when its sign-in is refused.
pub(super) type OAuthParts = (
    AccountConfig,
    Provider,
    Option<Account>,
    Option<Secret>,
    bool,
    Option<Secret>,
    Duration,
    bool,
);

impl LoginPlan {
    /// The account signs in through an OAuth 2.0 / OpenID Connect server: use
    /// [`Deck::sign_in`], not [`Deck::login`].
    pub fn is_oauth(&self) -> bool {
        self.provider.oauth.is_some()
    }

    /// The OAuth grant this sign-in runs, for an OAuth account.
    pub fn grant(&self) -> Option<crate::provider::Grant> {
        self.provider.oauth.as_ref().map(|o| o.grant)
    }

    pub(super) fn into_oauth_parts(self) -> OAuthParts {
        (
            self.config,
            self.provider,
            self.existing,
            self.password,
            self.remember_password,
            self.client_secret,
            self.timeout,
            self.forget_if_refused,
        )
    }

    /// No account of this name is stored yet.
    pub fn is_new(&self) -> bool {
        self.existing.is_none()
    }

    /// The account as this login will store it.
    pub fn config(&self) -> &AccountConfig {
        &self.config
    }

    /// The login will use the password remembered in the keyring: none was given, the stored
    /// account has one, and it was given for the server this login goes to.
    pub fn uses_remembered_password(&self) -> bool {
        self.password.is_none()
            && self.moved().is_none()
            && self
                .existing
                .as_ref()
                .is_some_and(|a| a.session.password_remembered)
    }

    /// `Some((from, to))` when this login moves an account that holds secrets to another
    /// origin: nothing kept for `from` is sent to `to`, and a successful login drops it.
    pub fn moved(&self) -> Option<(String, String)> {
        let from = self.existing.as_ref()?.secrets_given_for()?;
        let to = self.config.origin().ok()?;
        (from != to).then_some((from, to))
    }

    /// No password yet: none was given and none is remembered. Give one with
    /// [`LoginPlan::set_password`], or [`Deck::login`] refuses.
    pub fn needs_password(&self) -> bool {
        let asks = match &self.provider.oauth {
            Some(oauth) => oauth.grant == crate::provider::Grant::Password,
            None => true,
        };
        asks && self.password.is_none() && !self.uses_remembered_password()
    }

    /// The password to send (it wins over a remembered one).
    pub fn set_password(&mut self, password: Secret) {
        self.password = Some(password);
    }

    /// The provider has a second factor: the server may ask for a one-time code.
    pub fn has_second_factor(&self) -> bool {
        self.provider.second_factor.is_some()
    }
}

impl Deck {
    /// The providers: presets and the files in this home's providers folder.
    pub fn catalog(&self) -> Catalog {
        Catalog::load(&self.home.providers_dir())
    }

    /// The account's provider with its overrides applied. Errors: NotFound (no such
    /// provider), Invalid (an override that does not fit the spec).
    pub fn provider_of(&self, config: &AccountConfig) -> Result<Provider> {
        provider_with_overrides(&self.catalog(), config)
    }

    /// What each account keeps to sign in again by itself: `"password"`, `"client_secret"`
    /// (a client credentials account keeps its client secret where others keep a password),
    /// or `None`. Reads the provider catalog once; never the keyring.
    pub fn kept_secrets<'a>(
        &self,
        accounts: impl IntoIterator<Item = &'a Account>,
    ) -> Vec<Option<&'static str>> {
        let catalog = self.catalog();
        accounts
            .into_iter()
            .map(|account| {
                if !account.session.password_remembered {
                    return None;
                }
                let client_credentials = |p: &Provider| {
                    p.oauth
                        .as_ref()
                        .is_some_and(|o| o.grant == Grant::ClientCredentials)
                };
                // Overrides are applied only where there are some: applying them means a copy
                // of the provider, which a list of a thousand accounts should not pay for.
                let by_client = if account.config.overrides.is_empty() {
                    catalog
                        .get(&account.config.provider)
                        .is_ok_and(client_credentials)
                } else {
                    provider_with_overrides(&catalog, &account.config)
                        .is_ok_and(|p| client_credentials(&p))
                };
                Some(if by_client {
                    "client_secret"
                } else {
                    "password"
                })
            })
            .collect()
    }

    /// Plans a login: the stored account (if any) updated by `req`, checked, with its
    /// provider. Reads SQLite and the providers, never the keyring or the network, so a typo
    /// is reported before the user is asked for a password. Errors: Invalid (a bad name, URL,
    /// override or a new account without provider or email), NotFound (no such provider).
    pub fn plan_login(&self, req: LoginRequest) -> Result<LoginPlan> {
        accounts::validate_name(&req.account)?;
        if let Some(secret) = &req.totp_secret {
            crate::totp::check(secret)?;
        }
        let existing = accounts::get(&*self.db()?, &req.account)?;
        if existing.is_none() {
            accounts::check_new_name(&*self.db()?, &req.account)?;
        }
        let catalog = self.catalog();
        let config = merged_config(existing.as_ref(), &req, &catalog)?;
        let provider = provider_with_overrides(&catalog, &config)?;
        if let Some(oauth) = &provider.oauth {
            crate::http::endpoint(&config.base_url, "/", config.allow_insecure_http)?;
            if oauth
                .client_id
                .as_deref()
                .is_none_or(|id| id.trim().is_empty())
            {
                return Err(Error::Invalid(format!(
                    "{} has no OAuth client id: give --client-id (the id registered for \
                     Authdeck at the server)",
                    config.name
                )));
            }
            if req.totp_secret.is_some() {
                return Err(Error::Invalid(format!(
                    "the {} provider signs in through its OAuth server, which asks for any \
                     second factor itself: leave out the TOTP secret",
                    provider.id
                )));
            }
            return Ok(LoginPlan {
                timeout: config.policy().timeout,
                config,
                provider,
                existing,
                password: req.password,
                remember_password: req.remember_password,
                code: req.code,
                totp_secret: None,
                client_secret: req.client_secret,
                forget_if_refused: req.forget_if_refused,
            });
        }
        if req.client_id.is_some() || req.client_secret.is_some() {
            return Err(Error::Invalid(format!(
                "the {} provider is not an OAuth server: a client id or secret would never be \
                 used, leave them out",
                provider.id
            )));
        }
        let Some(login) = &provider.login else {
            return Err(exchange::no_login(&provider));
        };
        if req.totp_secret.is_some() && provider.second_factor.is_none() {
            return Err(Error::Invalid(format!(
                "the {} provider has no second factor, so a TOTP secret would never be used: \
                 leave it out (or add a [second_factor] to the provider file)",
                provider.id
            )));
        }
        // Check the URL before anything is written, so a typo leaves no trace.
        crate::http::endpoint(&config.base_url, &login.path, config.allow_insecure_http)?;
        Ok(LoginPlan {
            timeout: config.policy().timeout,
            config,
            provider,
            existing,
            password: req.password,
            remember_password: req.remember_password,
            code: req.code,
            totp_secret: req.totp_secret,
            client_secret: None,
            forget_if_refused: req.forget_if_refused,
        })
    }

    /// Logs in as planned and stores the session, holding the account's lock so no refresh
    /// of it runs meanwhile.
    ///
    /// `Ok` with a failed outcome when the server refused: that is an answer, recorded in the
    /// history. `Err` when we could not ask (no password: Invalid) or could not keep the
    /// session (Keyring, Storage; the history then says the session was not stored).
    pub async fn login(&self, http: &Http, mut plan: LoginPlan) -> Result<LoginReport> {
        let name = plan.config.name.clone();
        let _lock = lock::acquire_async(&self.home.locks_dir(), &name).await?;
        // The plan was made before the lock (and maybe a password prompt): if another process
        // changed the account meanwhile, what it decided may no longer hold.
        if plan.is_oauth() {
            return Err(Error::Invalid(format!(
                "{name} signs in through its OAuth server: sign it in with Deck::sign_in"
            )));
        }
        let current = accounts::get(&*self.db()?, &name)?;
        plan.existing = settled(self, current, plan.existing.take(), &plan.config, "login")?;
        // Secrets kept for another origin are never read for this login, let alone sent.
        let moved = plan.moved();
        let keeps_secrets = plan
            .existing
            .as_ref()
            .is_some_and(|a| a.secrets_given_for().is_some());
        let stored_doc = match moved {
            None if keeps_secrets => self.vault()?.load(&name)?,
            _ => None,
        };
        // A password is kept when asked now or when the account already keeps one (a new
        // password given now replaces the old); never the old one beside a new.
        let remember = plan.remember_password
            || plan
                .existing
                .as_ref()
                .is_some_and(|a| a.session.password_remembered);
        let remembered = stored_doc.as_ref().and_then(|d| d.password.clone());
        let Some(password) = plan.password.or(remembered) else {
            return Err(Error::Invalid(match moved {
                Some((from, to)) => format!(
                    "{name} moves from {from} to {to}: the password kept for {from} is not sent \
                     there. Give the password for {to}"
                ),
                None => format!(
                    "no password for {name}: give it with --password-stdin or at the prompt (add --remember-password to keep it in the keyring)"
                ),
            }));
        };

        // A new account is stored once its first login ended: always when it succeeded, and
        // after a refusal unless the request says to forget it (then only the history has
        // the attempt). An existing one changes only when the login succeeds, so a typo in a
        // new base URL or email, or a refused password, leaves it (and its secrets) as it was.
        let now = Timestamp::now();
        let target = Target {
            base_url: plan.config.base_url.clone(),
            policy: Policy {
                timeout: plan.timeout,
                allow_insecure_http: plan.config.allow_insecure_http,
                ..Policy::default()
            },
            provider: plan.provider,
        };
        // A code typed now wins (the user chose it); then a TOTP secret given now, then the
        // kept one; then asking, where someone can answer.
        let totp_secret = plan
            .totp_secret
            .clone()
            .or_else(|| stored_doc.as_ref().and_then(|d| d.totp_secret.clone()));
        let code = match (plan.code, totp_secret) {
            (CodeSource::Given(code), _) => CodeSource::Given(code),
            (_, Some(secret)) => CodeSource::Totp(secret),
            (other, None) => other,
        };
        let creds = Credentials {
            email: plan.config.email.clone(),
            password: password.clone(),
            code,
        };
        let attempt = exchange::login(http, &target, &creds).await?;
        if plan.existing.is_none() && (attempt.result.is_ok() || !plan.forget_if_refused) {
            self.save_account_locked(&plan.config, now)?;
        }
        let previous = if attempt.result.is_ok() && plan.existing.is_some() {
            // Saving signs the account out when its server, user or provider changed (and
            // drops what no longer fits): then nothing of the old session (its refresh token)
            // may pass into the new one.
            let account = self.save_account_locked(&plan.config, now)?;
            stored_doc.map(|doc| match account.session.signed_in {
                true => doc,
                false => VaultDoc {
                    password: doc.password,
                    totp_secret: doc.totp_secret,
                    client_secret: doc.client_secret,
                    ..VaultDoc::default()
                },
            })
        } else {
            stored_doc
        };
        // A TOTP secret given now is kept only when the login succeeds with it.
        let previous = match plan.totp_secret {
            Some(secret) => Some(VaultDoc {
                totp_secret: Some(secret),
                ..previous.unwrap_or_default()
            }),
            None => previous,
        };
        self.keep(
            &plan.config,
            &target.provider,
            Action::Login,
            attempt,
            remember.then_some(password),
            previous,
        )
    }

    /// Stores a successful attempt's secrets and facts, or records the failure. `previous` is
    /// what the keyring held, so a refresh token the server did not rotate is kept.
    pub(crate) fn keep(
        &self,
        config: &AccountConfig,
        provider: &Provider,
        action: Action,
        attempt: Attempt,
        password: Option<Secret>,
        previous: Option<VaultDoc>,
    ) -> Result<LoginReport> {
        let at = Timestamp::now();
        let name = &config.name;
        let report = |outcome| LoginReport {
            account: name.clone(),
            provider: config.provider.clone(),
            email: config.email.clone(),
            base_url: config.base_url.clone(),
            latency_ms: attempt.latency_ms,
            outcome,
        };
        let exchange = history::Exchange::of(attempt.request.clone(), attempt.raw.clone());
        let session = match attempt.result.clone() {
            Err(failure) => {
                let event = NewEvent {
                    latency_ms: Some(attempt.latency_ms),
                    exchange,
                    ..NewEvent::failed(at, name, &config.provider, action, &failure)
                };
                self.record(&event)?;
                return Ok(report(Outcome::Failed(failure)));
            }
            Ok(session) => session,
        };
        let facts = facts(&session, provider, config, at);
        let refresh_token = session
            .refresh_token
            .clone()
            .or_else(|| previous.as_ref().and_then(|d| d.refresh_token.clone()));
        // A refresh answer need not repeat the ID token (OpenID Connect Core §12.2).
        let id_token = session
            .id_token
            .clone()
            .or_else(|| previous.as_ref().and_then(|d| d.id_token.clone()));
        let (kept_password, totp_secret, client_secret) = match previous {
            Some(d) => (d.password, d.totp_secret, d.client_secret),
            None => (None, None, None),
        };
        let doc = VaultDoc {
            token: Some(session.token.clone()),
            scheme: session.scheme.clone(),
            refresh_token,
            password: password.or(kept_password),
            totp_secret,
            id_token,
            client_secret,
        };
        let mut event = NewEvent {
            // 0: no HTTP exchange took place (a pasted token).
            http_status: (session.http_status != 0).then_some(session.http_status),
            latency_ms: Some(attempt.latency_ms),
            token_fingerprint: Some(facts.token_fingerprint.clone()),
            expires_at: facts.expires_at,
            note: (!facts.notes.is_empty()).then(|| facts.notes.join("; ")),
            exchange,
            ..NewEvent::new(at, name, &config.provider, action, true)
        };
        if let Err(e) = self.vault().and_then(|v| v.save(name, &doc)) {
            event.note = Some(format!("session not stored: {e}"));
            self.record(&event)?;
            return Err(e);
        }
        let state = SessionState {
            signed_in: true,
            // A pasted token was issued whenever its issuer says (a JWT's iat), not when it
            // was pasted: its lifetime decides how early `token` warns.
            issued_at: match session.http_status {
                0 => session
                    .claims
                    .as_deref()
                    .and_then(|c| crate::jwt::time_claim_in(c, "iat").time()),
                _ => Some(at),
            },
            expires_at: facts.expires_at,
            token_fingerprint: Some(facts.token_fingerprint.clone()),
            has_refresh_token: doc.refresh_token.is_some(),
            // A client credentials account signs in again with its kept client secret, as
            // other accounts do with a remembered password.
            password_remembered: doc.password.is_some()
                || (doc.client_secret.is_some()
                    && provider
                        .oauth
                        .as_ref()
                        .is_some_and(|o| o.grant == crate::provider::Grant::ClientCredentials)),
            clock_skew_secs: facts.clock_skew_secs,
            secrets_origin: config.origin().ok(),
        };
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &state, at)?;
            if action == Action::Login {
                accounts::set_last_login(tx, name, at)?;
            }
            history::insert(tx, &event)
        })?;
        // A reader may have cached the old token between the keyring's write and this one.
        self.forget_cached_token(name);
        Ok(report(Outcome::Ok(facts)))
    }
}

/// The account as a login should see it once the lock is held: the plan's view when nobody
/// changed it meanwhile, or the account another Authdeck has just created with the very same
/// settings (two first sign-ins at once: the later one signs in again over it). Any other
/// change is a Conflict, and the history records the attempt that did not run, so a user who
/// looks there sees both.
pub(super) fn settled(
    deck: &Deck,
    current: Option<Account>,
    planned: Option<Account>,
    config: &AccountConfig,
    what: &str,
) -> Result<Option<Account>> {
    if unchanged(current.as_ref(), planned.as_ref()) {
        return Ok(planned);
    }
    if let (Some(now), None) = (&current, &planned)
        && now.config == *config
    {
        return Ok(current);
    }
    let message = format!(
        "{} was changed by another Authdeck while this {what} was being prepared or waited \
         its turn: nothing was sent; look at `authdeck accounts`, then run it again",
        config.name
    );
    let mut event = NewEvent::new(
        Timestamp::now(),
        config.name.as_str(),
        config.provider.as_str(),
        Action::Login,
        false,
    );
    event.note = Some(format!(
        "not attempted: the account was changed by another Authdeck while this {what} waited"
    ));
    // The conflict is the answer; a history that cannot be written must not hide it.
    let _ = deck.record(&event);
    Err(Error::Conflict(message))
}

/// Nobody changed the account since a plan read it. (A renewal meanwhile is fine: only
/// where it logs in and what it keeps matter.)
pub(super) fn unchanged(current: Option<&Account>, planned: Option<&Account>) -> bool {
    match (current, planned) {
        (Some(now), Some(then)) => {
            now.config == then.config
                && now.session.secrets_origin == then.session.secrets_origin
                && now.session.password_remembered == then.session.password_remembered
        }
        (None, None) => true,
        _ => false,
    }
}

/// A key or token the user pastes instead of logging in: an API key, a personal access token,
/// a token copied from a browser.
#[derive(Debug)]
pub struct PastedToken {
    pub account: String,
    /// Needed for a new account, like a login's.
    pub provider: Option<String>,
    pub base_url: Option<String>,
    /// Whose token it is, for the account list; may stay empty.
    pub email: Option<String>,
    /// As pasted: a scheme word (`Bearer abc`) or a whole `Authorization:` line is taken apart.
    pub token: Secret,
    /// When it expires, when the user knows; else the JWT's `exp`, else unknown.
    pub expires_at: Option<Timestamp>,
    pub overrides: Option<serde_json::Map<String, serde_json::Value>>,
    pub allow_insecure_http: Option<bool>,
    /// As [`LoginRequest::env_var`].
    pub env_var: Option<String>,
    /// As [`LoginRequest::tag`].
    pub tag: Option<String>,
    /// As [`LoginRequest::unset`].
    pub unset: Vec<String>,
    /// As [`LoginRequest::options`].
    pub options: Option<super::accounts::AccountOptions>,
}

impl PastedToken {
    /// `token` for `account`, everything else left to what is stored (or the defaults): fill
    /// the rest with struct update syntax.
    pub fn new(account: impl Into<String>, token: Secret) -> PastedToken {
        PastedToken {
            account: account.into(),
            provider: None,
            base_url: None,
            email: None,
            token,
            expires_at: None,
            overrides: None,
            allow_insecure_http: None,
            env_var: None,
            tag: None,
            unset: Vec::new(),
            options: None,
        }
    }
}

impl Deck {
    /// Keeps a pasted token as the account's session (keyring; SQLite gets the account, the
    /// session facts and a history event). It replaces the session (and its refresh token);
    /// a password or TOTP secret kept for the same server stays. A pasted token is not
    /// renewed: when it expires, the user pastes a new one (`authdeck token` warns a week
    /// ahead). Errors: Invalid (a bad name or URL, an empty token or one with spaces inside,
    /// plain http to a host other than loopback), NotFound (no such provider), Keyring,
    /// Storage.
    pub async fn keep_pasted(&self, pasted: PastedToken, now: Timestamp) -> Result<LoginReport> {
        accounts::validate_name(&pasted.account)?;
        let (scheme, token) = pasted_token(&pasted.token)?;
        let _lock = lock::acquire_async(&self.home.locks_dir(), &pasted.account).await?;
        let existing = accounts::get(&*self.db()?, &pasted.account)?;
        if existing.is_none() {
            accounts::check_new_name(&*self.db()?, &pasted.account)?;
        }
        let catalog = self.catalog();
        let req = LoginRequest {
            account: pasted.account.clone(),
            provider: pasted.provider,
            base_url: pasted.base_url,
            // A new account may be nameless: a key belongs to no email.
            email: pasted
                .email
                .or_else(|| existing.is_none().then(String::new)),
            overrides: pasted.overrides,
            allow_insecure_http: pasted.allow_insecure_http,
            env_var: pasted.env_var,
            tag: pasted.tag,
            unset: pasted.unset,
            options: pasted.options,
            ..LoginRequest::default()
        };
        let config = merged_config(existing.as_ref(), &req, &catalog)?;
        let provider = provider_with_overrides(&catalog, &config)?;
        // The token will be sent there: the same rule as a login's (https, or loopback).
        crate::http::endpoint(&config.base_url, "/", config.allow_insecure_http)?;
        let same_origin = existing
            .as_ref()
            .and_then(Account::secrets_given_for)
            .is_some_and(|given_for| config.origin().is_ok_and(|o| o == given_for));
        let previous = match same_origin {
            true => self.vault()?.load(&config.name)?.map(|doc| VaultDoc {
                password: doc.password,
                totp_secret: doc.totp_secret,
                ..VaultDoc::default()
            }),
            false => None,
        };
        let claims = crate::jwt::claims_text(token.expose());
        let exp = claims
            .as_deref()
            .map_or(crate::jwt::ClaimTime::Absent, |c| {
                crate::jwt::time_claim_in(c, "exp")
            });
        let mut notes =
            vec!["pasted: not renewed by Authdeck; paste a new one when it expires".to_string()];
        if let Some(remark) = exp.remark() {
            notes.push(format!("the token's exp: {remark}"));
        }
        // Whichever ends first: a date the user gives cannot outlive the token's own exp.
        let expires_at = match (pasted.expires_at, exp.time()) {
            (Some(given), Some(own)) if own < given => {
                notes.push(format!(
                    "the token's own exp ({own}) comes before the date given ({given}): it is used"
                ));
                Some(own)
            }
            (given, own) => given.or(own),
        };
        if let Some(at) = expires_at
            && at <= now
        {
            return Err(Error::Invalid(format!(
                "this token expired at {at}: paste a current one (nothing was kept)"
            )));
        }
        self.save_account_locked(&config, now)?;
        let session = Session {
            token,
            scheme,
            refresh_token: None,
            id_token: None,
            expires_at,
            claims,
            http_status: 0,
            clock_skew_secs: None,
            notes,
        };
        let attempt = Attempt {
            result: Ok(session),
            latency_ms: 0,
            raw: None,
            request: None,
        };
        self.keep(
            &config,
            &provider,
            Action::Login,
            attempt,
            None,
            Some(previous.unwrap_or_default()),
        )
    }
}

/// Scheme words a pasted token may start with (RFC 9110 §11.6.2's registry and the common
/// unregistered ones); any other first word is not taken off.
const PASTED_SCHEMES: [&str; 7] = ["bearer", "token", "jwt", "dpop", "mac", "apikey", "key"];

/// The longest token pasted: far beyond any real key or JWT, well within any keyring.
const MAX_PASTED: usize = 16 * 1024;

/// A pasted token taken apart: an `Authorization:` header name and a scheme word are not the
/// token. Errors: Invalid (empty, too long, not printable ASCII, or spaces or line breaks
/// inside: not one token).
pub(super) fn pasted_token(pasted: &Secret) -> Result<(Option<String>, Secret)> {
    let text = pasted.expose().trim();
    let text = match text.split_once(':') {
        Some((name, rest)) if name.trim().eq_ignore_ascii_case("authorization") => rest.trim(),
        _ => text,
    };
    let (scheme, token) = match exchange::split_scheme(text) {
        (Some(word), token) if PASTED_SCHEMES.contains(&word.to_ascii_lowercase().as_str()) => {
            (Some(word), token)
        }
        _ => (None, text),
    };
    if token.is_empty() {
        return Err(Error::Invalid(
            "the pasted token is empty: paste the key or token itself".into(),
        ));
    }
    if token.len() > MAX_PASTED {
        return Err(Error::Invalid(format!(
            "the pasted text is {} KiB, longer than any key or token ({} KiB at most): paste the \
             token alone",
            token.len() / 1024,
            MAX_PASTED / 1024
        )));
    }
    if token.contains(char::is_whitespace) || token.contains(char::is_control) {
        return Err(Error::Invalid(
            "the pasted text is not one token (it has spaces, line breaks or control characters \
             inside): paste the key or token alone"
                .into(),
        ));
    }
    if !token.is_ascii() {
        return Err(Error::Invalid(
            "the pasted token has characters no header can carry (accents, other alphabets): \
             paste the key exactly as the service gave it"
                .into(),
        ));
    }
    Ok((scheme.map(str::to_string), Secret::new(token)))
}

fn provider_with_overrides(catalog: &Catalog, config: &AccountConfig) -> Result<Provider> {
    catalog
        .get(&config.provider)?
        .with_overrides(&serde_json::Value::Object(config.overrides.clone()))
}

/// The account as stored, updated by what the request gives.
fn merged_config(
    existing: Option<&Account>,
    req: &LoginRequest,
    catalog: &Catalog,
) -> Result<AccountConfig> {
    let name = req.account.clone();
    let provider_id = match (&req.provider, existing) {
        (Some(p), _) => p.clone(),
        (None, Some(a)) => a.config.provider.clone(),
        (None, None) => {
            return Err(Error::Invalid(format!(
                "{name} is a new account: give --provider (see `authdeck providers`), --email and, if the provider has no documented one, --base-url"
            )));
        }
    };
    let provider = catalog.get(&provider_id)?;
    let base_url = match (&req.base_url, existing) {
        (Some(url), _) => url.clone(),
        (None, Some(a)) if a.config.provider == provider_id => a.config.base_url.clone(),
        _ => provider.base_url.clone().ok_or_else(|| {
            Error::Invalid(format!(
                "the {} API documents no base URL: give --base-url (e.g. https://api.example.com)",
                provider.id
            ))
        })?,
    };
    let email = match (&req.email, existing) {
        (Some(e), _) => e.trim().to_string(),
        (None, Some(a)) => a.config.email.clone(),
        // An OAuth user is whoever signs in at the server; the grant may need no one at all.
        (None, None)
            if provider
                .oauth
                .as_ref()
                .is_some_and(|o| o.grant != crate::provider::Grant::Password) =>
        {
            String::new()
        }
        (None, None) => {
            return Err(Error::Invalid(format!(
                "{name} is a new account: give --email"
            )));
        }
    };
    let mut overrides = existing
        .map(|a| a.config.overrides.clone())
        .unwrap_or_default();
    for field in &req.unset {
        crate::provider::remove_override(&mut overrides, field)?;
    }
    let client_id = req
        .client_id
        .as_ref()
        .map(|id| serde_json::json!({ "oauth": { "client_id": id.trim() } }));
    let grant = req
        .grant
        .map(|g| serde_json::json!({ "oauth": { "grant": g.as_str() } }));
    for patch in req
        .overrides
        .iter()
        .map(|p| serde_json::Value::Object(p.clone()))
        .chain(client_id)
        .chain(grant)
    {
        let mut merged = serde_json::Value::Object(overrides);
        crate::provider::merge(&mut merged, &patch);
        overrides = match merged {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
    }
    let config = AccountConfig {
        name,
        provider: provider_id,
        base_url,
        email,
        overrides,
        allow_insecure_http: req
            .allow_insecure_http
            .or(existing.map(|a| a.config.allow_insecure_http))
            .unwrap_or(false),
        timeout_secs: req
            .timeout
            .map(|t| t.as_secs())
            .or(existing.and_then(|a| a.config.timeout_secs)),
        env_var: match &req.env_var {
            Some(typed) => accounts::env_var_given(typed),
            None => existing.and_then(|a| a.config.env_var.clone()),
        },
        tag: match &req.tag {
            Some(typed) => accounts::tag_given(typed),
            None => existing.and_then(|a| a.config.tag.clone()),
        },
    };
    let mut config = config;
    if let Some(options) = &req.options {
        options.apply_to(&mut config)?;
    }
    config.validate()?;
    Ok(config)
}

/// The facts worth keeping and showing. The session's expiry is already on the local clock.
/// `refreshable` means a refresh token renews it; a client credentials account renews by
/// running its grant again, which a note says.
fn facts(
    session: &Session,
    provider: &Provider,
    config: &AccountConfig,
    now: Timestamp,
) -> SessionFacts {
    let mut notes = session.notes.clone();
    // A token that arrives expired is almost always an expiry misread (a format or unit the
    // server does not use), not a server that hands out dead tokens.
    if let Some(expires) = session.expires_at.filter(|e| *e < now) {
        let overridden = crate::provider::assignments(&config.overrides)
            .into_iter()
            .filter(|line| line.starts_with("success."))
            .collect::<Vec<_>>();
        let check = match overridden.is_empty() {
            true => "the provider's success.expires_* fields".to_string(),
            false => format!(
                "this account's provider changes ({})",
                overridden.join(", ")
            ),
        };
        notes.push(format!(
            "The token's expiry reads as {} (already past): the server's answer is probably read \
             with the wrong format or unit. Check {check}, or the server's clock.",
            expires.strftime("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    let by_grant = provider
        .oauth
        .as_ref()
        .is_some_and(|o| o.grant == crate::provider::Grant::ClientCredentials);
    if by_grant && session.refresh_token.is_none() {
        notes.push(
            "Renews by running the client credentials grant again before it expires: no refresh \
             token is needed."
                .into(),
        );
    }
    SessionFacts {
        http_status: session.http_status,
        expires_at: session.expires_at,
        refreshable: session.refresh_token.is_some()
            && (provider.oauth.is_some() || provider.refresh.is_some()),
        claims: session.claims.clone(),
        token_fingerprint: fingerprint(&session.token),
        clock_skew_secs: session.clock_skew_secs,
        notes,
    }
}
