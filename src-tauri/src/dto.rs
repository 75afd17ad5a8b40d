//! What the app's commands take and return, beyond core's own DTOs. The TypeScript twins in
//! `ui/src/lib/bindings.ts` are generated from these (see `bindings.rs`).

use authdeck_core::accounts::{self, Status};
use authdeck_core::deck::AccountSummary;
use authdeck_core::history::{Action, Event, Page};
use authdeck_core::outcome::{Failure, Kind};
use authdeck_core::problem::Problem;
use authdeck_core::provider::{Catalog, Provider, Source, source_text};
use authdeck_core::{Error, Result};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An account as the list shows it: configuration, the non-secret session facts and a status
/// computed with the user's refresh margin.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountView {
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    pub base_url: String,
    pub email: String,
    /// An OAuth account's client id (shown where a login shows its email).
    pub client_id: Option<String>,
    /// Signs in through an OAuth 2.0 / OpenID Connect server (its provider has `[oauth]`).
    pub oauth: bool,
    /// An OAuth account's grant (its own, or else its provider's).
    pub oauth_grant: Option<authdeck_core::provider::Grant>,
    #[ts(type = "Status")]
    pub status: Status,
    pub signed_in: bool,
    #[ts(type = "string | null")]
    pub issued_at: Option<Timestamp>,
    #[ts(type = "string | null")]
    pub expires_at: Option<Timestamp>,
    /// Seconds before expiry at which the account counts as expiring (and is refreshed).
    pub margin_secs: i64,
    pub token_fingerprint: Option<String>,
    pub has_refresh_token: bool,
    pub password_remembered: bool,
    #[ts(type = "string | null")]
    pub last_login_at: Option<Timestamp>,
    /// The failure of the account's newest event, when that event failed.
    #[ts(type = "Failure | null")]
    pub last_error: Option<Failure>,
    /// What else is set for the account, as the edit form shows it.
    pub options: authdeck_core::deck::AccountOptions,
    /// Pinned on top of the list.
    pub pinned: bool,
    /// When the account was made: the same account under another name (a rename from the
    /// CLI) has the same one, so the app's selection follows it.
    #[ts(type = "string")]
    pub created_at: Timestamp,
}

impl AccountView {
    /// `provider_name` comes from the catalog; `oauth` is the account's OAuth settings with
    /// its overrides applied ([`authdeck_core::deck::Deck::provider_of`]), none for a password
    /// login; `last_failure` is the account's newest history event when that event failed
    /// ([`authdeck_core::deck::Deck::last_failures`]).
    pub fn new(
        summary: AccountSummary,
        provider_name: String,
        oauth: Option<&authdeck_core::provider::OAuthSpec>,
        margin: Option<SignedDuration>,
        last_failure: Option<Event>,
        now: Timestamp,
    ) -> AccountView {
        let a = summary.account;
        let margin =
            margin.unwrap_or_else(|| accounts::default_margin(accounts::lifetime(&a.session)));
        let last_error = last_failure.filter(|e| !e.ok).and_then(|e| {
            Some(Failure {
                kind: e.kind?,
                http_status: e.http_status,
                error_code: e.error_code,
                message: e.message,
                retry_after_secs: None,
            })
        });
        AccountView {
            oauth: oauth.is_some(),
            client_id: oauth.and_then(|o| o.client_id.clone()),
            oauth_grant: oauth.map(|o| o.grant),
            status: accounts::status(&a, now, Some(margin)),
            options: authdeck_core::deck::AccountOptions::of(&a.config),
            margin_secs: margin.as_secs(),
            provider_name,
            name: a.config.name,
            provider: a.config.provider,
            base_url: a.config.base_url,
            email: a.config.email,
            signed_in: a.session.signed_in,
            issued_at: a.session.issued_at,
            expires_at: a.session.expires_at,
            token_fingerprint: a.session.token_fingerprint,
            has_refresh_token: a.session.has_refresh_token,
            password_remembered: a.session.password_remembered,
            last_login_at: a.last_login_at,
            last_error,
            pinned: a.pinned,
            created_at: a.created_at,
        }
    }
}

/// The add-account / log-in form. An empty password means "use the remembered one".
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LoginInput {
    pub account: String,
    pub provider: String,
    pub base_url: String,
    pub email: String,
    pub password: String,
    pub remember_password: bool,
    /// A one-time code for a second factor; empty for none.
    #[serde(default)]
    pub otp: String,
    /// A TOTP secret (base32 or an otpauth:// URI) to keep in the keyring; empty for none.
    #[serde(default)]
    pub totp_secret: String,
    /// The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
    /// replacing the stored ones; absent: kept.
    #[serde(default)]
    #[ts(optional)]
    pub options: Option<authdeck_core::deck::AccountOptions>,
}

/// An OAuth sign-in: the browser, a device code, client credentials or a password.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SignInInput {
    pub account: String,
    pub provider: String,
    /// The issuer (or the OAuth server's base URL).
    pub base_url: String,
    pub client_id: String,
    /// Kept in the keyring; empty for a public client (or to keep the stored one).
    #[serde(default)]
    pub client_secret: String,
    pub grant: authdeck_core::provider::Grant,
    /// The password grant's user and password; empty otherwise.
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub remember_password: bool,
    /// The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
    /// replacing the stored ones; absent: kept.
    #[serde(default)]
    #[ts(optional)]
    pub options: Option<authdeck_core::deck::AccountOptions>,
}

/// What the UI shows while an OAuth sign-in waits for the user: the browser's URL, or the
/// device code. Neither holds a token.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum SignInStage {
    Browser {
        account: String,
        url: String,
    },
    Device {
        account: String,
        code: authdeck_core::oauth::DeviceCode,
    },
}

/// A key or token pasted instead of a login.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PasteInput {
    pub account: String,
    pub provider: String,
    pub base_url: String,
    /// Whose key it is; may be empty.
    pub email: String,
    pub token: String,
    /// When it expires (RFC 3339), when the user knows; else the JWT's `exp`.
    #[ts(type = "string | null")]
    pub expires_at: Option<jiff::Timestamp>,
    /// The account's options (`--set`, `--timeout`, `--allow-insecure-http`, `--env-var`),
    /// replacing the stored ones; absent: kept.
    #[serde(default)]
    #[ts(optional)]
    pub options: Option<authdeck_core::deck::AccountOptions>,
}

/// Which history events to show; every field narrows.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct HistoryFilter {
    pub account: Option<String>,
    #[ts(type = "Action | null")]
    pub action: Option<Action>,
    #[ts(type = "Kind | null")]
    pub kind: Option<Kind>,
    pub ok: Option<bool>,
    #[ts(type = "string | null")]
    pub since: Option<Timestamp>,
    /// A piece of the server's message (ASCII letters in any case); empty means any.
    #[serde(default)]
    pub message: Option<String>,
    /// Which page: the newest by default.
    #[serde(default)]
    #[ts(type = "Page")]
    pub page: Page,
    pub limit: Option<u32>,
}

impl From<HistoryFilter> for authdeck_core::history::Filter {
    fn from(f: HistoryFilter) -> Self {
        authdeck_core::history::Filter {
            account: f.account.filter(|a| !a.is_empty()),
            action: f.action,
            kind: f.kind,
            ok: f.ok,
            since: f.since,
            message: f.message.filter(|m| !m.trim().is_empty()),
            page: f.page,
            limit: f.limit,
        }
    }
}

/// What a copy did: the token itself stays in Rust.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CopyReceipt {
    #[ts(type = "CopyFormat")]
    pub format: authdeck_core::copy::Format,
    /// Seconds until the clipboard is cleared, or null when clearing is off.
    pub clears_in_secs: Option<u32>,
}

/// A running loopback proxy of one account.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProxyView {
    pub account: String,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub upstream: String,
}

/// A key to verify a signature with, as typed into the inspector.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum KeyInput {
    Secret(String),
    Pem(String),
    Jwks(String),
    JwksUrl(String),
}

/// Which token to inspect or verify: an account's session, or pasted text.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(untagged)]
pub enum TokenSource {
    Account { account: String },
    Text { token: String },
}

/// A provider for the list and the editor.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub base_url: Option<String>,
    /// `preset` or `file`.
    pub source: String,
    pub path: Option<String>,
    pub refreshable: bool,
    /// It has a login request; without one, its users paste a key or token.
    pub has_login: bool,
    /// Its login may ask for a one-time code (a second factor).
    pub second_factor: bool,
    /// An OAuth 2.0 / OpenID Connect server, and the grant it signs in with by default.
    pub oauth_grant: Option<authdeck_core::provider::Grant>,
    /// The client id the provider names, if it does (else each account gives one).
    pub oauth_client_id: Option<String>,
    pub choices: Vec<String>,
    pub docs: Option<String>,
    /// The provider file's TOML, for the editor.
    pub toml: String,
}

impl ProviderView {
    /// Every provider of the catalog, each with the TOML it came from.
    pub fn list(catalog: &Catalog) -> Vec<ProviderView> {
        catalog
            .providers
            .iter()
            .map(|(p, source)| ProviderView::new(p, source, source_text(&p.id, source)))
            .collect()
    }

    pub fn new(p: &Provider, source: &Source, toml: String) -> ProviderView {
        let (source, path) = match source {
            Source::Preset => ("preset", None),
            Source::File(path) => ("file", Some(path.display().to_string())),
        };
        ProviderView {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            base_url: p.base_url.clone(),
            source: source.into(),
            path,
            refreshable: p.refresh.is_some(),
            has_login: p.has_login(),
            second_factor: p.second_factor.is_some(),
            oauth_grant: p.oauth.as_ref().map(|o| o.grant),
            oauth_client_id: p.oauth.as_ref().and_then(|o| o.client_id.clone()),
            choices: p.choices.clone(),
            docs: p.docs.clone(),
            toml,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProviderCheck {
    pub ok: bool,
    #[ts(type = "Problem | null")]
    pub problem: Option<Problem>,
}

impl ProviderCheck {
    /// Whether `text` is a provider file Save accepts, and where it is not.
    pub fn of(text: &str) -> ProviderCheck {
        match authdeck_core::provider::check_provider_file(text) {
            Ok(_) => ProviderCheck {
                ok: true,
                problem: None,
            },
            Err(problem) => ProviderCheck {
                ok: false,
                problem: Some(problem),
            },
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The app's preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// Seconds before expiry to refresh; null: 10 % of the lifetime, 30 s to 5 min.
    pub refresh_margin_secs: Option<u32>,
    /// Seconds until a copied token is cleared from the clipboard; null: never.
    pub clipboard_clear_secs: Option<u32>,
    pub notifications: bool,
    pub theme: Theme,
    /// Accounts an older Authdeck pinned here, by name; at start they become pins in the
    /// database (the account's own, which follow a rename) and this list empties.
    pub pinned: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            refresh_margin_secs: None,
            clipboard_clear_secs: Some(45),
            notifications: true,
            theme: Theme::System,
            pinned: Vec::new(),
        }
    }
}

impl Settings {
    pub fn margin(&self) -> Option<SignedDuration> {
        self.refresh_margin_secs
            .map(|s| SignedDuration::from_secs(i64::from(s)))
    }

    pub fn validate(&self) -> Result<()> {
        if self.clipboard_clear_secs == Some(0) {
            return Err(Error::Invalid(
                "a clipboard clear delay of 0 s would clear it at once; give a number of seconds \
                 or turn clearing off"
                    .into(),
            ));
        }
        if self.refresh_margin_secs == Some(0) {
            return Err(Error::Invalid(
                "a refresh margin of 0 s refreshes only after expiry; give a number of seconds or \
                 choose automatic"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// The running sandbox and the demo accounts it added.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SandboxInfo {
    pub url: String,
    pub accounts: Vec<String>,
    /// The OpenID Connect demo issuer (docs/api/oidc-demo.md) and its public client, which
    /// the add-account dialog offers for a browser or device sign-in.
    pub issuer: String,
    pub issuer_client_id: String,
}

/// What the background refresher reports to the UI.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RefreshEvent {
    pub account: String,
    pub ok: bool,
    #[ts(type = "Action")]
    pub action: Action,
    pub message: Option<String>,
}

/// A signature verdict in plain words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct VerifyResult {
    pub valid: bool,
    pub message: String,
}

/// One case's result during a run (event `qa-case`), tagged with the run it belongs to.
#[derive(Debug, Clone, Serialize, TS)]
pub struct QaCase {
    pub run_id: String,
    #[ts(type = "CaseResult")]
    pub result: authdeck_core::suite::CaseResult,
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::provider::PRESETS;

    #[test]
    fn every_preset_is_listed_with_its_own_text() {
        let views = ProviderView::list(&Catalog::presets());
        assert_eq!(views.len(), PRESETS.len());
        for v in &views {
            assert!(
                v.toml.contains(&format!("\"{}\"", v.id)),
                "{} shows its own file",
                v.id
            );
        }
    }

    #[test]
    fn a_broken_file_is_reported_with_where_and_why() {
        let check = ProviderCheck::of("id = \"x\"\nname = 3\n");
        assert!(!check.ok);
        let problem = check.problem.expect("a problem");
        assert!(!problem.message.is_empty(), "the message says why");
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportSummary {
    pub accounts: usize,
    pub providers: usize,
}
