//! The app's side of core's background refresher (`authdeck_core::refresher::run`): starts it
//! with the user's margin, forwards its events to the UI ("refresher"), the tray and the
//! desktop, and restarts it when the margin setting changes.

use crate::dto::{RefreshEvent, Settings};
use crate::state::AppState;
use authdeck_core::history::Action;
use authdeck_core::refresher::{self, Config, Event};
use authdeck_core::session::Outcome;
use jiff::{SignedDuration, Timestamp};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::{mpsc, watch};

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

/// Wakes the refresher now: an account was added or logged in.
pub fn poke(state: &AppState) {
    state.poke.notify_one();
}

fn forward(app: &AppHandle, event: Event) {
    match &event {
        Event::Renewed { .. } => {}
        Event::Failed {
            account,
            message,
            retry_at,
            ..
        } => notify(
            app,
            &format!("Refreshing {account} failed"),
            &format!(
                "{message}. Trying again at {}.",
                retry_at
                    .to_zoned(jiff::tz::TimeZone::system())
                    .strftime("%H:%M:%S")
            ),
        ),
        Event::Stopped {
            account, message, ..
        } => notify(
            app,
            &format!("{account} needs a new login"),
            &format!("{message}. Authdeck stopped refreshing it: log in again."),
        ),
        Event::CannotRenew { account, .. } => notify(
            app,
            &format!("{account} will expire"),
            "It cannot be refreshed (no refresh token, no remembered password): log in again.",
        ),
    }
    let _ = app.emit("refresher", &event);
    crate::tray::update(app);
}

/// Renews every signed-in account now ("Refresh all" in the tray and the UI).
pub async fn refresh_all(app: &AppHandle) {
    let state = app.state::<AppState>();
    let views = state.account_views(Timestamp::now()).unwrap_or_default();
    for v in views.into_iter().filter(|v| v.signed_in) {
        let (ok, message) = match state.deck.refresh(&state.http, &v.name).await {
            Ok(report) => match report.outcome {
                Outcome::Ok(_) => (true, None),
                Outcome::Failed(f) => (false, Some(f.summary())),
            },
            Err(e) => (false, Some(e.to_string())),
        };
        let event = RefreshEvent {
            account: v.name,
            ok,
            action: Action::Refresh,
            message,
        };
        let _ = app.emit("refresh", event);
    }
    poke(&state);
    crate::tray::update(app);
}

/// Keeps the tray's "time left" labels current between refresher events.
pub fn keep_tray_current(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let every = std::time::Duration::try_from(SignedDuration::from_secs(30))
            .unwrap_or(std::time::Duration::from_secs(30));
        loop {
            tokio::time::sleep(every).await;
            crate::tray::update(&app);
        }
    });
}

/// A desktop notification, when the user wants them. Failing to show one is not an error.
pub fn notify(app: &AppHandle, title: &str, body: &str) {
    if !app.state::<AppState>().settings().notifications {
        return;
    }
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!("no notification shown: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
