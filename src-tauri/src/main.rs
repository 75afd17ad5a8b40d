//! Authdeck's desktop app: a thin Tauri shell over authdeck-core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod bindings;
mod clipboard;
mod commands;
mod dto;
mod error;
mod inspect;
mod notifications;
mod refresher;
mod sandbox;
mod settings;
mod sign_in;
mod state;
mod tray;

use jiff::Timestamp;
use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Manager};

fn main() {
    let started = std::time::Instant::now();
    // Tokens live in this process's memory: keep them out of core files and other processes.
    if let Err(e) = authdeck_core::hygiene::disable_core_dumps() {
        eprintln!("authdeck: could not turn off core dumps: {e}");
    }
    authdeck_webview::calm();
    log_to_stderr();
    let state = match state::AppState::open() {
        Ok(state) => state,
        Err(e) => {
            eprintln!("authdeck: cannot open Authdeck's data: {e}");
            std::process::exit(1);
        }
    };
    authdeck_webview::report_step("data opened", started);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main(app)
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(local_zone_script())
        .manage(state)
        .on_page_load(move |webview, payload| {
            // For scripts/app-bench.sh: how long from process start until the UI has loaded.
            if payload.event() == PageLoadEvent::Started {
                authdeck_webview::report_step("page load started", started);
            }
            if payload.event() == PageLoadEvent::Finished {
                authdeck_webview::report_page_loaded(started);
                // The tray waits for the first paint: building its menu of every account and
                // registering it on D-Bus held the window back by about 20 ms (debug build).
                static TRAY: std::sync::Once = std::sync::Once::new();
                TRAY.call_once(|| {
                    if let Err(e) = tray::install(webview.app_handle()) {
                        tracing::warn!("the tray icon could not be set up: {e}");
                    }
                });
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::accounts_list,
            commands::account_login,
            commands::account_sign_in,
            commands::account_sign_in_cancel,
            commands::account_introspect,
            commands::account_paste_token,
            commands::account_save,
            commands::account_add,
            commands::account_refresh,
            commands::accounts_refresh_all,
            commands::account_logout,
            commands::account_remove,
            commands::account_rename,
            commands::account_probe,
            commands::dotenv_read,
            commands::dotenv_import,
            commands::account_forget_password,
            commands::token_copy,
            commands::exec_line_copy,
            commands::proxy_start,
            commands::environment_export,
            commands::proxy_stop,
            commands::proxies_list,
            commands::token_reveal,
            commands::token_inspect_account,
            commands::token_inspect_text,
            commands::token_inspect_id_token,
            commands::account_userinfo,
            commands::token_verify,
            commands::history_list,
            commands::history_count,
            commands::history_exchange,
            commands::history_export_csv,
            commands::accounts_export,
            commands::accounts_import,
            commands::providers_list,
            commands::provider_check,
            commands::provider_save,
            commands::provider_test_login,
            commands::settings_get,
            commands::settings_set,
            commands::sandbox_start,
            commands::sandbox_info,
            commands::suites_list,
            commands::suite_open,
            commands::suite_check_regex,
            commands::env_var_check,
            commands::data_version,
            commands::account_pin,
            commands::suite_create,
            commands::suite_save,
            commands::suite_run,
            commands::app_quit,
        ])
        .setup(move |app| {
            authdeck_webview::report_step("setup", started);
            refresher::start(app.handle());
            #[cfg(unix)]
            quit_on_signals(app.handle().clone());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = sandbox::resume(&handle.state::<state::AppState>()).await {
                    tracing::warn!("{e}");
                }
            });
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("authdeck: the app could not start: {e}");
        std::process::exit(1);
    }
}

/// SIGTERM (logging out of the desktop, `kill`) and SIGINT (Ctrl+C in a terminal) quit like
/// Ctrl+Q, so the window's size and position are saved. A second signal ends it at once.
#[cfg(unix)]
fn quit_on_signals(app: AppHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    tauri::async_runtime::spawn(async move {
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot catch SIGTERM or SIGINT: they will end the app at once");
            return;
        };
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        app.exit(0);
        tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        std::process::exit(1);
    });
}

/// Logs on stderr like the CLI: warnings by default, `AUTHDECK_LOG` (an env filter such as
/// `debug` or `authdeck_core=trace`) for more. Core never logs a secret.
fn log_to_stderr() {
    let filter = std::env::var("AUTHDECK_LOG")
        .ok()
        .and_then(|v| tracing_subscriber::EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// The user's time zone for the UI (core's `time_zone`), set as `window.__AUTHDECK_ZONE__`
/// before the page's own script runs: local times then show without JavaScript's local-time
/// getters (which make WebKit load ICU's data) and without a round trip before the first
/// render. `null` when the system's zone cannot be read: the UI then uses Date's getters.
fn local_zone_script() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let zone = jiff::tz::TimeZone::try_system()
        .ok()
        .map(|tz| authdeck_core::time_zone::local_zone(&tz, jiff::Timestamp::now()));
    let json = serde_json::to_string(&zone).unwrap_or_else(|_| "null".into());
    tauri::plugin::Builder::new("local-zone")
        .js_init_script(format!("window.__AUTHDECK_ZONE__ = {json};"))
        .build()
}

/// Brings the main window to the front (second launch, tray "Open").
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// "4m 05s left", "expired 3m ago": the tray's short form of a countdown.
pub fn time_left(expires_at: Option<Timestamp>, now: Timestamp) -> String {
    let Some(expires_at) = expires_at else {
        return "no expiry".into();
    };
    let secs = expires_at.duration_since(now).as_secs();
    let words = |s: i64| {
        let (d, h, m, s) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
        match (d, h, m) {
            (0, 0, 0) => format!("{s}s"),
            (0, 0, _) => format!("{m}m {s:02}s"),
            (0, _, _) => format!("{h}h {m:02}m"),
            _ => format!("{d}d {h}h"),
        }
    };
    if secs > 0 {
        format!("{} left", words(secs))
    } else {
        format!("expired {} ago", words(-secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    #[test]
    fn tray_time_left_reads_like_the_ui_countdown() {
        let now = Timestamp::UNIX_EPOCH;
        let at = |s: i64| Some(now + SignedDuration::from_secs(s));
        assert_eq!(time_left(at(45), now), "45s left");
        assert_eq!(time_left(at(245), now), "4m 05s left");
        assert_eq!(time_left(at(2 * 3600 + 180), now), "2h 03m left");
        assert_eq!(time_left(at(-180), now), "expired 3m 00s ago");
        assert_eq!(time_left(None, now), "no expiry");
    }
}
