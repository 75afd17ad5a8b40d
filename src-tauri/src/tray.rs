//! The tray: each account with its time left (click copies its Authorization header),
//! "Refresh all", "Open Authdeck" and "Quit". The menu is built from [`items`], a plain list
//! the tests check; there is no tray host under Xvfb to click a real one. It follows the
//! refresher's events ("refresher", "refresh") and a 30 s timer for the times left.

use crate::dto::AccountView;
use crate::state::AppState;
use crate::time_left;
use authdeck_core::accounts::Status;
use authdeck_core::copy::Format;
use jiff::Timestamp;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Listener, Manager, Wry};

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
    for event in ["refresher", "refresh"] {
        let handle = app.clone();
        app.listen_any(event, move |_| update(&handle));
    }
    keep_current(app.clone());
    Ok(())
}

/// Keeps the "time left" labels current between the refresher's events.
fn keep_current(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            update(&app);
        }
    });
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
    let accounts: Vec<Line> = views.iter().map(Line::from).collect();
    for item in items(&accounts, now) {
        match item {
            Item::Separator => menu.append(&PredefinedMenuItem::separator(app)?)?,
            Item::Entry { id, label, enabled } => {
                menu.append(&MenuItem::with_id(app, id, label, enabled, None::<&str>)?)?
            }
        }
    }
    Ok(menu)
}

/// What the tray shows of an account.
struct Line<'a> {
    name: &'a str,
    status: Status,
    expires_at: Option<Timestamp>,
    signed_in: bool,
}

impl<'a> From<&'a AccountView> for Line<'a> {
    fn from(v: &'a AccountView) -> Self {
        Line {
            name: &v.name,
            status: v.status,
            expires_at: v.expires_at,
            signed_in: v.signed_in,
        }
    }
}

/// One row of the tray menu.
#[derive(Debug, PartialEq)]
enum Item {
    Entry {
        id: String,
        label: String,
        enabled: bool,
    },
    Separator,
}

/// What a click on a tray row asks for.
#[derive(Debug, PartialEq)]
enum Action {
    Copy(String),
    RefreshAll,
    Open,
    Quit,
}

/// The menu as of `now`: each account with its time left (a signed-out one greyed), then
/// "Refresh all", "Open Authdeck", "Quit".
fn items(accounts: &[Line], now: Timestamp) -> Vec<Item> {
    let entry = |id: String, label: String, enabled: bool| Item::Entry { id, label, enabled };
    let mut items: Vec<Item> = accounts
        .iter()
        .map(|a| {
            let left = match a.status {
                Status::SignedOut => "signed out".to_string(),
                Status::UnknownExpiry => "no expiry".to_string(),
                _ => time_left(a.expires_at, now),
            };
            entry(
                format!("{COPY}{}", a.name),
                format!("{} — {left}", a.name),
                a.signed_in,
            )
        })
        .collect();
    if !items.is_empty() {
        items.push(Item::Separator);
    }
    items.push(entry(
        REFRESH_ALL.into(),
        "Refresh all".into(),
        !accounts.is_empty(),
    ));
    items.push(entry(OPEN.into(), "Open Authdeck".into(), true));
    items.push(entry(QUIT.into(), "Quit".into(), true));
    items
}

const COPY: &str = "copy:";
const REFRESH_ALL: &str = "refresh-all";
const OPEN: &str = "open";
const QUIT: &str = "quit";

fn action(id: &str) -> Option<Action> {
    match id {
        OPEN => Some(Action::Open),
        QUIT => Some(Action::Quit),
        REFRESH_ALL => Some(Action::RefreshAll),
        _ => id
            .strip_prefix(COPY)
            .map(|account| Action::Copy(account.to_string())),
    }
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    match action(event.id().as_ref()) {
        Some(Action::Open) => crate::show_main(app),
        Some(Action::Quit) => app.exit(0),
        Some(Action::RefreshAll) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { crate::refresher::refresh_all(&app).await });
        }
        Some(Action::Copy(account)) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                if let Err(e) = state.copy(&account, Format::Header).await {
                    crate::notifications::notify(
                        &app,
                        &format!("Could not copy {account}"),
                        &e.to_string(),
                    );
                }
            });
        }
        None => tracing::debug!("unknown tray item {}", event.id().as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).expect("in range")
    }

    fn labels(items: &[Item]) -> Vec<(&str, &str, bool)> {
        items
            .iter()
            .map(|i| match i {
                Item::Entry { id, label, enabled } => (id.as_str(), label.as_str(), *enabled),
                Item::Separator => ("-", "-", false),
            })
            .collect()
    }

    #[test]
    fn each_account_shows_its_time_left_and_a_signed_out_one_cannot_be_copied() {
        let accounts = [
            Line {
                name: "dev",
                status: Status::Valid,
                expires_at: Some(at(3600 + 120)),
                signed_in: true,
            },
            Line {
                name: "qa",
                status: Status::SignedOut,
                expires_at: None,
                signed_in: false,
            },
            Line {
                name: "opaque",
                status: Status::UnknownExpiry,
                expires_at: None,
                signed_in: true,
            },
        ];
        assert_eq!(
            labels(&items(&accounts, at(0))),
            [
                ("copy:dev", "dev — 1h 02m left", true),
                ("copy:qa", "qa — signed out", false),
                ("copy:opaque", "opaque — no expiry", true),
                ("-", "-", false),
                ("refresh-all", "Refresh all", true),
                ("open", "Open Authdeck", true),
                ("quit", "Quit", true),
            ]
        );
    }

    #[test]
    fn without_accounts_there_is_nothing_to_refresh() {
        assert_eq!(
            labels(&items(&[], at(0))),
            [
                ("refresh-all", "Refresh all", false),
                ("open", "Open Authdeck", true),
                ("quit", "Quit", true),
            ]
        );
    }

    #[test]
    fn every_item_id_maps_to_its_action() -> Result<(), String> {
        let accounts = [Line {
            name: "team:prod",
            status: Status::Expiring,
            expires_at: Some(at(30)),
            signed_in: true,
        }];
        let actions: Vec<Action> = items(&accounts, at(0))
            .iter()
            .filter_map(|i| match i {
                Item::Entry { id, .. } => Some(action(id).ok_or(format!("no action for {id}"))),
                Item::Separator => None,
            })
            .collect::<Result<_, _>>()?;
        assert_eq!(
            actions,
            [
                Action::Copy("team:prod".into()),
                Action::RefreshAll,
                Action::Open,
                Action::Quit
            ]
        );
        assert_eq!(action("something-else"), None);
        Ok(())
    }
}
