//! Logging an account in and keeping what came back: the keyring gets the secrets, SQLite the
//! account, the non-secret session facts and a history event.

use crate::accounts::{self, Account, AccountConfig, SessionState};
use crate::deck::Deck;
use crate::history::{self, Action, NewEvent};
use crate::http::{Http, Policy};
use crate::login::{self, Credentials, Target};
use crate::outcome::{Attempt, Failure, Session};
use crate::provider::{Catalog, Provider};
use crate::secret::{Secret, fingerprint};
use crate::vault::VaultDoc;
use crate::{Error, Result, db};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::time::Duration;

/// Skew below this is ordinary network delay and clock jitter, not worth correcting for.
const SKEW_TOLERANCE_SECS: i64 = 5;

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
    pub timeout: Option<Duration>,
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
    pub claims: Option<serde_json::Value>,
    pub token_fingerprint: String,
    pub clock_skew_secs: Option<i64>,
    pub notes: Vec<String>,
}

impl Deck {
    /// The providers: presets and the files in this home's providers folder.
    pub fn catalog(&self) -> Catalog {
        Catalog::load(&self.home.providers_dir())
    }

    /// The account's provider with its overrides applied.
    pub fn provider_of(&self, config: &AccountConfig) -> Result<Provider> {
        let catalog = self.catalog();
        let provider = catalog.get(&config.provider)?;
        provider.with_overrides(&serde_json::Value::Object(config.overrides.clone()))
    }

    /// Logs in (a new account, or a stored one again) and stores the session.
    ///
    /// `Ok` with a failed outcome when the server refused: that is an answer, recorded in the
    /// history. `Err` when we could not ask (bad input, no password) or could not keep the
    /// session (keyring trouble; the history then says the session was not stored).
    /// The account config a login request would use, checked: call it before asking for a
    /// password, so a typo is reported first.
    pub fn login_config(&self, req: &LoginRequest) -> Result<AccountConfig> {
        let existing = accounts::get(&*self.db()?, &req.account)?;
        let config = merged_config(existing.as_ref(), req, &self.catalog())?;
        let provider = self.provider_of(&config)?;
        crate::http::endpoint(
            &config.base_url,
            &provider.login.path,
            config.allow_insecure_http,
        )?;
        Ok(config)
    }

    pub async fn login(&self, http: &Http, req: LoginRequest) -> Result<LoginReport> {
        let existing = accounts::get(&*self.db()?, &req.account)?;
        let config = merged_config(existing.as_ref(), &req, &self.catalog())?;
        let provider = self.provider_of(&config)?;
        let stored_doc = match existing.as_ref() {
            Some(a) if a.session.signed_in || a.session.password_remembered => {
                self.vault()?.load(&config.name)?
            }
            _ => None,
        };
        let password = match (
            &req.password,
            stored_doc.as_ref().and_then(|d| d.password.clone()),
        ) {
            (Some(p), _) => p.clone(),
            (None, Some(remembered)) => remembered,
            (None, None) => {
                return Err(Error::Invalid(format!(
                    "no password for {}: give it with --password-stdin or at the prompt (add --remember-password to keep it in the keyring)",
                    config.name
                )));
            }
        };
        let remember = req.remember_password
            || existing
                .as_ref()
                .is_some_and(|a| a.session.password_remembered);
        let target = Target {
            base_url: config.base_url.clone(),
            policy: Policy {
                timeout: req.timeout.unwrap_or(crate::http::DEFAULT_TIMEOUT),
                allow_insecure_http: config.allow_insecure_http,
                ..Policy::default()
            },
            provider,
        };
        // Check the URL before anything is written, so a typo leaves no trace.
        crate::http::endpoint(
            &target.base_url,
            &target.provider.login.path,
            config.allow_insecure_http,
        )?;
        let now = Timestamp::now();
        let account = {
            let conn = self.db()?;
            db::write(&conn, |tx| accounts::upsert(tx, &config, now))?
        };
        let creds = Credentials {
            email: config.email.clone(),
            password: password.clone(),
        };
        let attempt = login::login(http, &target, &creds).await?;
        let remembered = remember.then_some(password);
        self.keep(
            &account,
            &target.provider,
            Action::Login,
            attempt,
            remembered,
            stored_doc,
        )
    }

    /// Stores a successful attempt's secrets and facts, or records the failure. `previous` is
    /// what the keyring held, so a refresh token the server did not rotate is kept.
    pub(crate) fn keep(
        &self,
        account: &Account,
        provider: &Provider,
        action: Action,
        attempt: Attempt,
        password: Option<Secret>,
        previous: Option<VaultDoc>,
    ) -> Result<LoginReport> {
        let at = Timestamp::now();
        let name = &account.config.name;
        let report = |outcome| LoginReport {
            account: name.clone(),
            provider: account.config.provider.clone(),
            email: account.config.email.clone(),
            base_url: account.config.base_url.clone(),
            latency_ms: attempt.latency_ms,
            outcome,
        };
        let session = match attempt.result.clone() {
            Err(failure) => {
                let event = NewEvent {
                    latency_ms: Some(attempt.latency_ms),
                    ..NewEvent::failed(at, name, &account.config.provider, action, &failure)
                };
                self.record(&event)?;
                return Ok(report(Outcome::Failed(failure)));
            }
            Ok(session) => session,
        };
        let facts = facts(&session, provider);
        let refresh_token = session
            .refresh_token
            .clone()
            .or_else(|| previous.as_ref().and_then(|d| d.refresh_token.clone()));
        let doc = VaultDoc {
            token: Some(session.token.clone()),
            refresh_token,
            password: password.or_else(|| previous.and_then(|d| d.password)),
        };
        let mut event = NewEvent {
            http_status: Some(session.http_status),
            latency_ms: Some(attempt.latency_ms),
            token_fingerprint: Some(facts.token_fingerprint.clone()),
            expires_at: facts.expires_at,
            note: (!facts.notes.is_empty()).then(|| facts.notes.join("; ")),
            ..NewEvent::new(at, name, &account.config.provider, action, true)
        };
        if let Err(e) = self.vault().and_then(|v| v.save(name, &doc)) {
            event.note = Some(format!("session not stored: {e}"));
            self.record(&event)?;
            return Err(e);
        }
        let state = SessionState {
            signed_in: true,
            issued_at: Some(at),
            expires_at: facts.expires_at,
            token_fingerprint: Some(facts.token_fingerprint.clone()),
            has_refresh_token: doc.refresh_token.is_some(),
            password_remembered: doc.password.is_some(),
            clock_skew_secs: facts.clock_skew_secs,
        };
        let conn = self.db()?;
        db::write(&conn, |tx| {
            accounts::set_session(tx, name, &state, at)?;
            if action == Action::Login {
                accounts::set_last_login(tx, name, at)?;
            }
            history::insert(tx, &event)
        })?;
        Ok(report(Outcome::Ok(facts)))
    }
}

/// The account as stored, updated by what the request gives.
fn merged_config(
    existing: Option<&Account>,
    req: &LoginRequest,
    catalog: &Catalog,
) -> Result<AccountConfig> {
    let name = req.account.clone();
    accounts::validate_name(&name)?;
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
        (None, None) => {
            return Err(Error::Invalid(format!(
                "{name} is a new account: give --email"
            )));
        }
    };
    let mut overrides = existing
        .map(|a| a.config.overrides.clone())
        .unwrap_or_default();
    if let Some(patch) = &req.overrides {
        let mut merged = serde_json::Value::Object(overrides);
        crate::provider::merge(&mut merged, &serde_json::Value::Object(patch.clone()));
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
    };
    config.validate()?;
    Ok(config)
}

/// The facts worth keeping and showing, with the expiry moved to the local clock when the
/// server's clock is off.
fn facts(session: &Session, provider: &Provider) -> SessionFacts {
    let skew = session
        .clock_skew_secs
        .filter(|s| s.abs() > SKEW_TOLERANCE_SECS);
    let expires_at = match (session.expires_at, skew) {
        (Some(t), Some(s)) => t.checked_sub(SignedDuration::from_secs(s)).ok(),
        (t, _) => t,
    };
    SessionFacts {
        http_status: session.http_status,
        expires_at,
        refreshable: provider.refresh.is_some() && session.refresh_token.is_some(),
        claims: session.claims.clone(),
        token_fingerprint: fingerprint(&session.token),
        clock_skew_secs: session.clock_skew_secs,
        notes: session.notes.clone(),
    }
}
