//! The tray: each account with its time left (click copies its Authorization header),
//! "Refresh all", "Open Authdeck" and "Quit".

use crate::state::AppState;
use crate::time_left;
use authdeck_core::accounts::Status;
use authdeck_core::copy::Format;
use jiff::Timestamp;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

const TRAY: &str = "authdeck";

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .tooltip("Authdeck")
        .menu(&menu(app)?)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu);
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Rebuilds the menu so the times left stay current.
pub fn update(app: &AppHandle) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY), menu(app))
        && let Err(e) = tray.set_menu(Some(menu))
    {
        tracing::warn!("could not update the tray menu: {e}");
    }
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    let now = Timestamp::now();
    let views = app
        .state::<AppState>()
        .account_views(now)
        .unwrap_or_default();
    for v in &views {
        let left = match v.status {
            Status::SignedOut => "signed out".to_string(),
            Status::UnknownExpiry => "no expiry".to_string(),
            _ => time_left(v.expires_at, now),
        };
        let label = format!("{} — {left}", v.name);
        menu.append(&MenuItem::with_id(
            app,
            format!("copy:{}", v.name),
            label,
            v.signed_in,
            None::<&str>,
        )?)?;
    }
    if !views.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "refresh-all",
        "Refresh all",
        !views.is_empty(),
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Authdeck",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_string();
    match id.as_str() {
        "open" => crate::show_main(app),
        "quit" => app.exit(0),
        "refresh-all" => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { crate::refresher::refresh_all(&app).await });
        }
        _ => {
            if let Some(account) = id.strip_prefix("copy:") {
                let (app, account) = (app.clone(), account.to_string());
                tauri::async_runtime::spawn(async move {
                    let state = app.state::<AppState>();
                    if let Err(e) = state.copy(&account, Format::Header).await {
                        crate::refresher::notify(
                            &app,
                            &format!("Could not copy {account}"),
                            &e.to_string(),
                        );
                    }
                });
            }
        }
    }
}
