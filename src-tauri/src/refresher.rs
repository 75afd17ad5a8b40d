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
    if let Some((title, body)) = notification(&event, &jiff::tz::TimeZone::system()) {
        notify(app, &title, &body);
    }
    let _ = app.emit("refresher", &event);
    crate::tray::update(app);
}

/// The desktop notification an event deserves (title, body): a failed refresh, a stopped
/// account, a session that will expire with nothing to renew it. A renewal is silent.
fn notification(event: &Event, tz: &jiff::tz::TimeZone) -> Option<(String, String)> {
    match event {
        Event::Renewed { .. } => None,
        Event::Failed {
            account,
            message,
            retry_at,
            ..
        } => Some((
            format!("Refreshing {account} failed"),
            format!(
                "{message}. Trying again at {}.",
                retry_at.to_zoned(tz.clone()).strftime("%H:%M:%S")
            ),
        )),
        Event::Stopped {
            account, message, ..
        } => Some((
            format!("{account} needs a new login"),
            format!("{message}. Authdeck stopped refreshing it: log in again."),
        )),
        Event::CannotRenew { account, .. } => Some((
            format!("{account} will expire"),
            "It cannot be refreshed (no refresh token, no remembered password): log in again."
                .into(),
        )),
    }
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
    fn failures_stops_and_unrenewable_sessions_notify_and_renewals_do_not() -> Result<(), String> {
        let tz = jiff::tz::TimeZone::UTC;
        let at = Timestamp::from_second(1_800_000_000).expect("in range");
        let renewed = Event::Renewed {
            account: "dev".into(),
            expires_at: Some(at),
        };
        assert_eq!(notification(&renewed, &tz), None);
        let failed = Event::Failed {
            account: "dev".into(),
            kind: Some(authdeck_core::outcome::Kind::ServerError),
            message: "the server failed (HTTP 503)".into(),
            retry_at: at,
        };
        assert_eq!(
            notification(&failed, &tz),
            Some((
                "Refreshing dev failed".into(),
                "the server failed (HTTP 503). Trying again at 08:00:00.".into()
            ))
        );
        let stopped = Event::Stopped {
            account: "qa".into(),
            kind: Some(authdeck_core::outcome::Kind::InvalidCredentials),
            message: "wrong email or password".into(),
        };
        assert_eq!(
            notification(&stopped, &tz).map(|(title, _)| title),
            Some("qa needs a new login".into())
        );
        let expiring = Event::CannotRenew {
            account: "prod".into(),
            expires_at: at,
        };
        let (title, body) = notification(&expiring, &tz).ok_or("a notification for CannotRenew")?;
        assert_eq!(title, "prod will expire");
        assert!(body.contains("log in again"), "{body}");
        Ok(())
    }

    #[test]
    fn automatic_margin_is_cores_default() {
        assert_eq!(config(&Settings::default()), Config::default());
    }
}
