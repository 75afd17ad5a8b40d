//! The app's state, built once at start: the open deck, one HTTP client, the settings, the
//! clipboard and the sandbox when the user started it.

use crate::clipboard::Clip;
use crate::dto::{AccountView, CopyReceipt, Settings};
use authdeck_core::copy::{self, Format};
use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::{Error, Result};
use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A copied token stays usable at least this long, or it is renewed first.
const COPY_MIN_VALID: SignedDuration = SignedDuration::from_secs(30);

pub struct AppState {
    pub deck: Arc<Deck>,
    pub http: Http,
    pub settings: Mutex<Settings>,
    pub clip: Clip,
    pub sandbox: tokio::sync::Mutex<Option<authdeck_sandbox::Sandbox>>,
    /// Wakes core's refresher early (see `refresher::poke`).
    pub poke: Arc<tokio::sync::Notify>,
    /// Stops the running refresher when it is restarted with new settings.
    pub refresher_stop: Mutex<Option<tokio::sync::watch::Sender<bool>>>,
    /// The loopback proxies the user started, by account; they stop with the app.
    pub proxies:
        tokio::sync::Mutex<std::collections::BTreeMap<String, authdeck_core::proxy::Proxy>>,
    /// OAuth sign-ins waiting for the browser or a device code, by account, to cancel.
    pub sign_ins: Mutex<std::collections::BTreeMap<String, tokio::task::AbortHandle>>,
}

/// Pins an older Authdeck kept in the settings, by name, become the accounts' own (kept in the
/// database, so they follow a rename from the CLI), and the settings are saved without them.
/// A name no account has any more is dropped.
fn adopt_pins(deck: &Deck, settings: &mut Settings) {
    if settings.pinned.is_empty() {
        return;
    }
    for name in std::mem::take(&mut settings.pinned) {
        if let Err(e) = deck.set_pinned(&name, true) {
            tracing::info!("the pin of {name} is dropped: {e}");
        }
    }
    if let Err(e) = crate::settings::save(&deck.home().config_dir, settings) {
        tracing::warn!("the settings could not be saved without their pins: {e}");
    }
}

impl AppState {
    /// Opens the same home (data dir, keyring service) as the CLI.
    pub fn open() -> Result<AppState> {
        let home = Home::from_env()?;
        let mut settings = crate::settings::load(&home.config_dir);
        let deck = Deck::open(home)?;
        adopt_pins(&deck, &mut settings);
        Ok(AppState {
            deck: Arc::new(deck),
            http: Http::new()?,
            settings: Mutex::new(settings),
            clip: Clip::default(),
            sandbox: tokio::sync::Mutex::new(None),
            poke: Arc::new(tokio::sync::Notify::new()),
            refresher_stop: Mutex::new(None),
            proxies: tokio::sync::Mutex::new(std::collections::BTreeMap::new()),
            sign_ins: Mutex::new(std::collections::BTreeMap::new()),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn set_settings(&self, next: Settings) -> Result<Settings> {
        crate::settings::save(&self.deck.home().config_dir, &next)?;
        let mut current = self
            .settings
            .lock()
            .map_err(|_| Error::Io("the settings are unusable after an earlier crash".into()))?;
        *current = next.clone();
        Ok(next)
    }

    /// Copies the account's token (renewed first when it is about to expire) in `format`,
    /// and schedules the clipboard to be cleared per the settings.
    pub async fn copy(&self, account: &str, format: Format) -> Result<CopyReceipt> {
        let out = self
            .deck
            .token(&self.http, account, COPY_MIN_VALID, &Timestamp::now)
            .await?;
        let clears_in_secs = self.settings().clipboard_clear_secs;
        let presented = self.deck.presentation(&out)?;
        let text = copy::render(format, account, &out.token, out.expires_at, &presented);
        self.clip.put(
            text,
            clears_in_secs.map(|s| Duration::from_secs(u64::from(s))),
        )?;
        Ok(CopyReceipt {
            format,
            clears_in_secs,
        })
    }

    /// Puts text that holds no secret on the clipboard, not cleared later.
    pub fn copy_plain(&self, text: String) -> Result<()> {
        self.clip.put(zeroize::Zeroizing::new(text), None)
    }

    /// Wakes core's refresher now: an account was added, logged in or renewed.
    pub fn poke_refresher(&self) {
        self.poke.notify_one();
    }

    /// Every account with its provider's name, status under the user's margin and last error.
    /// Three reads whatever the number of accounts: accounts, last failures, the catalog.
    pub fn account_views(&self, now: Timestamp) -> Result<Vec<AccountView>> {
        let catalog = self.deck.catalog();
        let margin = self.settings().margin();
        let mut failures = self.deck.last_failures()?;
        let views = self
            .deck
            .accounts(now)?
            .into_iter()
            .map(|summary| {
                let config = &summary.account.config;
                let provider = catalog.get(&config.provider).ok();
                let provider_name = provider
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| config.provider.clone());
                // Only OAuth accounts need their overrides applied (client id, grant); an
                // override that no longer fits leaves the provider's own settings.
                let oauth = provider.and_then(|p| {
                    let own = p.oauth.as_ref()?;
                    let merged = p
                        .with_overrides(&serde_json::Value::Object(config.overrides.clone()))
                        .ok()
                        .and_then(|m| m.oauth);
                    Some(merged.unwrap_or_else(|| own.clone()))
                });
                let failure = failures.remove(&config.name);
                AccountView::new(summary, provider_name, oauth.as_ref(), margin, failure, now)
            })
            .collect();
        Ok(views)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_kept_in_older_settings_become_the_accounts_own_and_leave_the_settings() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let home = Home::at(tmp.path().join("home"))?;
        let deck = Deck::open(home.clone())?;
        let config = authdeck_core::accounts::AccountConfig {
            name: "dev".into(),
            provider: "user-login".into(),
            base_url: "http://127.0.0.1:8787/user-login".into(),
            email: "dev@example.test".into(),
            overrides: Default::default(),
            allow_insecure_http: false,
            timeout_secs: None,
            env_var: None,
            tag: None,
        };
        deck.save_account(&config, Timestamp::now())?;
        let mut settings = Settings {
            pinned: vec!["dev".into(), "gone".into()],
            ..Settings::default()
        };
        adopt_pins(&deck, &mut settings);
        assert!(deck.account("dev")?.pinned, "the pin is the account's now");
        assert!(settings.pinned.is_empty());
        let saved = crate::settings::load(&home.config_dir);
        assert!(saved.pinned.is_empty(), "saved without them: {saved:?}");
        Ok(())
    }
}
