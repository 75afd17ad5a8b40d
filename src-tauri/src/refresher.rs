//! The app's side of core's background refresher (`authdeck_core::refresher::run`): starts it
//! with the user's margin, forwards its events to the UI and the tray (event "refresher") and
//! to the desktop ([`crate::notifications`]), restarts it when the margin setting changes, and
//! runs "Refresh all" (event "refresh" per account).

use crate::dto::{RefreshEvent, Settings};
use crate::state::AppState;
use authdeck_core::deck::Outcome;
use authdeck_core::history::Action;
use authdeck_core::refresher::{self, Config, Event};
use jiff::Timestamp;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::{mpsc, watch};

/// How many accounts "Refresh all" renews at once.
const REFRESH_ALL_CONCURRENCY: usize = 4;

/// Core's schedule with the user's margin: a fixed number of seconds, or core's default
/// (10 % of the lifetime, 30 s to 5 min).
pub fn config(settings: &Settings) -> Config {
    match settings.margin() {
        Some(margin) => Config {
            min_margin: margin,
            max_margin: margin,
            ..Config::default()
        },
        None => Config::default(),
    }
}

/// Starts (or restarts, stopping the running one) core's refresher with the current settings.
pub fn start(app: &AppHandle) {
    let state = app.state::<AppState>();
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(false);
    if let Ok(mut running) = state.refresher_stop.lock()
        && let Some(old) = running.replace(stop_tx)
    {
        let _ = old.send(true);
    }
    tauri::async_runtime::spawn(refresher::run(
        state.deck.clone(),
        state.http.clone(),
        config(&state.settings()),
        events_tx,
        state.poke.clone(),
        stop,
    ));
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Ends when that refresher stops and drops its sender.
        while let Some(event) = events.recv().await {
            forward(&app, event);
        }
    });
}

fn forward(app: &AppHandle, event: Event) {
    let tz = jiff::tz::TimeZone::system();
    if let Some((title, body)) = crate::notifications::notification(&event, &tz) {
        crate::notifications::notify(app, &title, &body);
    }
    let _ = app.emit("refresher", &event);
}

/// Renews every signed-in account now ("Refresh all" in the tray and the UI), a few at a time
/// ([`authdeck_core::deck::Deck::refresh_many`]); each result goes out as a "refresh" event.
pub async fn refresh_all(app: &AppHandle) {
    let state = app.state::<AppState>();
    let names = match state.deck.accounts(Timestamp::now()) {
        Ok(all) => all
            .into_iter()
            .filter(|s| s.account.session.signed_in)
            .map(|s| s.account.config.name)
            .collect(),
        Err(e) => {
            tracing::warn!("Refresh all: cannot list the accounts: {e}");
            Vec::new()
        }
    };
    let results = state
        .deck
        .refresh_many(&state.http, names, REFRESH_ALL_CONCURRENCY)
        .await;
    for (account, result) in results {
        let (ok, message) = match result {
            Ok(report) => match report.outcome {
                Outcome::Ok(_) => (true, None),
                Outcome::Failed(f) => (false, Some(f.summary())),
            },
            Err(e) => (false, Some(e.to_string())),
        };
        let event = RefreshEvent {
            account,
            ok,
            action: Action::Refresh,
            message,
        };
        let _ = app.emit("refresh", event);
    }
    state.poke_refresher();
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[test]
    fn a_fixed_margin_setting_is_the_refreshers_margin_for_every_lifetime() {
        let c = config(&Settings {
            refresh_margin_secs: Some(120),
            ..Settings::default()
        });
        for life in [60, 3600, 86_400] {
            assert_eq!(
                c.margin(Some(SignedDuration::from_secs(life))),
                SignedDuration::from_secs(120),
                "lifetime {life} s"
            );
        }
    }

    #[test]
    fn automatic_margin_is_cores_default() {
        assert_eq!(config(&Settings::default()), Config::default());
    }
}
