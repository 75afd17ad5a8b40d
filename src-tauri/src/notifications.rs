//! Desktop notifications: which refresher events deserve one, and showing it when the user
//! wants them. A renewal stays silent; failures, stops and sessions nothing can renew speak.

use crate::state::AppState;
use authdeck_core::refresher::Event;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// The desktop notification an event deserves (title, body): a failed refresh, a stopped
/// account, a session that will expire with nothing to renew it. A renewal is silent.
pub fn notification(event: &Event, tz: &jiff::tz::TimeZone) -> Option<(String, String)> {
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
    use jiff::Timestamp;

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
}
