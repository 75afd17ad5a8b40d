//! Keeps sessions valid in the background and tells the UI, the tray and the desktop.
//!
//! Every tick, each signed-in account inside its refresh margin is renewed through
//! `Deck::token` (refresh token, else remembered password; core serializes it with the CLI).
//! An account that cannot be renewed gets one notification, not one per tick.

use crate::dto::RefreshEvent;
use crate::state::AppState;
use authdeck_core::accounts::Status;
use authdeck_core::history::Action;
use authdeck_core::session::Outcome;
use jiff::Timestamp;
use std::collections::HashMap;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

const TICK: Duration = Duration::from_secs(15);

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        // Account name -> the token fingerprint we already gave up on (or warned about).
        let mut given_up: HashMap<String, Option<String>> = HashMap::new();
        loop {
            tick(&app, &mut given_up).await;
            crate::tray::update(&app);
            tokio::time::sleep(TICK).await;
        }
    });
}

async fn tick(app: &AppHandle, given_up: &mut HashMap<String, Option<String>>) {
    let state = app.state::<AppState>();
    let Ok(views) = state.account_views(Timestamp::now()) else {
        return;
    };
    for v in views
        .into_iter()
        .filter(|v| matches!(v.status, Status::Expiring | Status::Expired))
    {
        if given_up.get(&v.name) == Some(&v.token_fingerprint) {
            continue;
        }
        if !v.has_refresh_token && !v.password_remembered {
            given_up.insert(v.name.clone(), v.token_fingerprint.clone());
            notify(
                app,
                &format!("{} will expire", v.name),
                "It cannot be refreshed: log in again in Authdeck.",
            );
            continue;
        }
        // The view's margin already is the user's setting, or core's default for this token.
        let min_valid = jiff::SignedDuration::from_secs(v.margin_secs);
        let result = state
            .deck
            .token(&state.http, &v.name, min_valid, &Timestamp::now)
            .await;
        let event = match result {
            Ok(out) if out.renewed.is_none() => continue,
            Ok(_) => RefreshEvent {
                account: v.name.clone(),
                ok: true,
                action: Action::Refresh,
                message: None,
            },
            Err(e) => {
                given_up.insert(v.name.clone(), v.token_fingerprint.clone());
                notify(
                    app,
                    &format!("Refreshing {} failed", v.name),
                    &e.to_string(),
                );
                RefreshEvent {
                    account: v.name.clone(),
                    ok: false,
                    action: Action::Refresh,
                    message: Some(e.to_string()),
                }
            }
        };
        let _ = app.emit("refresh", event);
    }
}

/// Renews every signed-in account now ("Refresh all" in the tray and the UI).
pub async fn refresh_all(app: &AppHandle) {
    let state = app.state::<AppState>();
    let views = state.account_views(Timestamp::now()).unwrap_or_default();
    for v in views.into_iter().filter(|v| v.signed_in) {
        let event = match state.deck.refresh(&state.http, &v.name).await {
            Ok(report) => match report.outcome {
                Outcome::Ok(_) => RefreshEvent {
                    account: v.name,
                    ok: true,
                    action: Action::Refresh,
                    message: None,
                },
                Outcome::Failed(f) => RefreshEvent {
                    account: v.name,
                    ok: false,
                    action: Action::Refresh,
                    message: Some(f.summary()),
                },
            },
            Err(e) => RefreshEvent {
                account: v.name,
                ok: false,
                action: Action::Refresh,
                message: Some(e.to_string()),
            },
        };
        let _ = app.emit("refresh", event);
    }
    crate::tray::update(app);
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
