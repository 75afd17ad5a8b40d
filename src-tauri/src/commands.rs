//! The commands the webview may call: a few lines each over core. Errors cross as
//! `{code, message}` ([`CmdError`]); the raw token crosses only in `token_reveal`.

use crate::dto::*;
use crate::error::CmdResult;
use crate::state::AppState;
use crate::{inspect, providers, qa};
use authdeck_core::Error;
use authdeck_core::copy::Format;
use authdeck_core::history::Event;
use authdeck_core::jwt::Inspection;
use authdeck_core::secret::Secret;
use authdeck_core::session::{LoginReport, LoginRequest};
use authdeck_core::suite::{Suite, SuiteReport};
use jiff::Timestamp;
use tauri::{AppHandle, Manager, State};

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> CmdResult<Vec<AccountView>> {
    Ok(state.account_views(Timestamp::now())?)
}

#[tauri::command]
pub async fn account_login(
    state: State<'_, AppState>,
    input: LoginInput,
) -> CmdResult<LoginReport> {
    let password = (!input.password.is_empty()).then(|| Secret::new(input.password));
    let request = LoginRequest {
        account: input.account,
        provider: Some(input.provider),
        base_url: Some(input.base_url),
        email: Some(input.email),
        password,
        remember_password: input.remember_password,
        ..LoginRequest::default()
    };
    let report = state.deck.login(&state.http, request).await?;
    crate::refresher::poke(&state);
    Ok(report)
}

/// Saves an edited account without logging in (overrides and the insecure-http choice kept).
#[tauri::command]
pub async fn account_save(state: State<'_, AppState>, input: AccountEdit) -> CmdResult<()> {
    let mut config = state.deck.account(&input.account)?.config;
    config.provider = input.provider;
    config.base_url = input.base_url.trim().to_string();
    config.email = input.email.trim().to_string();
    config.validate()?;
    state.deck.save_account(&config, Timestamp::now())?;
    Ok(())
}

#[tauri::command]
pub async fn account_refresh(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<LoginReport> {
    let report = state.deck.refresh(&state.http, &account).await?;
    crate::refresher::poke(&state);
    Ok(report)
}

#[tauri::command]
pub async fn accounts_refresh_all(app: AppHandle) -> CmdResult<()> {
    crate::refresher::refresh_all(&app).await;
    Ok(())
}

/// Ctrl+Q: quits like the tray's "Quit", so the window's size and position are saved on the way out.
#[tauri::command]
pub fn app_quit(app: AppHandle) {
    app.exit(0);
}

#[tauri::command]
pub async fn account_logout(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    Ok(state.deck.logout(&account, Timestamp::now())?)
}

#[tauri::command]
pub async fn account_remove(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    Ok(state.deck.remove(&account, Timestamp::now())?)
}

#[tauri::command]
pub async fn account_forget_password(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    Ok(state.deck.forget_password(&account, Timestamp::now())?)
}

#[tauri::command]
pub async fn token_copy(
    state: State<'_, AppState>,
    account: String,
    format: Format,
) -> CmdResult<CopyReceipt> {
    Ok(state.copy(&account, format).await?)
}

/// The raw stored token, for the inspector's Reveal button only (never renewed).
#[tauri::command]
pub async fn token_reveal(state: State<'_, AppState>, account: String) -> CmdResult<String> {
    Ok(inspect::stored_token(&state, &account)?
        .expose()
        .to_string())
}

/// The account's stored token explained; inspecting never renews it.
#[tauri::command]
pub async fn token_inspect_account(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<Inspection> {
    let token = inspect::stored_token(&state, &account)?;
    Ok(inspect::inspection(token.expose())?)
}

#[tauri::command]
pub async fn token_inspect_text(token: String) -> CmdResult<Inspection> {
    Ok(inspect::inspection(token.trim())?)
}

#[tauri::command]
pub async fn token_verify(
    state: State<'_, AppState>,
    source: TokenSource,
    key: KeyInput,
) -> CmdResult<VerifyResult> {
    let token = inspect::token_of(&state, source)?;
    Ok(inspect::verify(&state.http, token.expose(), key).await?)
}

#[tauri::command]
pub async fn history_list(
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> CmdResult<Vec<Event>> {
    Ok(state.deck.history(&filter.into())?)
}

/// Writes the filtered history as CSV to the Downloads folder and returns the file's path.
#[tauri::command]
pub async fn history_export_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    filter: HistoryFilter,
) -> CmdResult<String> {
    let events = state.deck.history(&filter.into())?;
    let dir = app
        .path()
        .download_dir()
        .unwrap_or_else(|_| state.deck.home().data_dir.clone());
    let path = dir.join(format!(
        "authdeck-history-{}.csv",
        Timestamp::now().strftime("%Y%m%d-%H%M%S")
    ));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, authdeck_core::history_csv::events(&events)))
        .map_err(|e| Error::Io(format!("could not write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

#[tauri::command]
pub async fn providers_list(state: State<'_, AppState>) -> CmdResult<Vec<ProviderView>> {
    Ok(providers::views(&state.deck.catalog()))
}

#[tauri::command]
pub async fn provider_check(toml: String) -> CmdResult<ProviderCheck> {
    Ok(providers::check(&toml))
}

#[tauri::command]
pub async fn provider_save(state: State<'_, AppState>, toml: String) -> CmdResult<ProviderView> {
    Ok(providers::save(&state.deck.home().providers_dir(), &toml)?)
}

#[tauri::command]
pub async fn provider_test_login(
    state: State<'_, AppState>,
    toml: String,
    base_url: String,
    email: String,
    password: String,
) -> CmdResult<TestLogin> {
    Ok(providers::test_login(&state.http, &toml, base_url, email, Secret::new(password)).await?)
}

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> CmdResult<Settings> {
    Ok(state.settings())
}

#[tauri::command]
pub async fn settings_set(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> CmdResult<Settings> {
    let margin_before = state.settings().margin();
    let saved = state.set_settings(settings)?;
    if saved.margin() != margin_before {
        crate::refresher::start(&app);
    }
    Ok(saved)
}

#[tauri::command]
pub async fn sandbox_start(state: State<'_, AppState>) -> CmdResult<SandboxInfo> {
    let info = crate::sandbox::start(&state).await?;
    crate::refresher::poke(&state);
    Ok(info)
}

#[tauri::command]
pub async fn suites_list(state: State<'_, AppState>) -> CmdResult<Vec<SuiteEntry>> {
    Ok(qa::list(&qa::suites_dir(&state)))
}

#[tauri::command]
pub async fn suite_open(path: String) -> CmdResult<SuiteDoc> {
    Ok(qa::open(&path)?)
}

#[tauri::command]
pub async fn suite_create(state: State<'_, AppState>, name: String) -> CmdResult<SuiteDoc> {
    Ok(qa::create(&qa::suites_dir(&state), &name)?)
}

#[tauri::command]
pub async fn suite_save(
    state: State<'_, AppState>,
    path: Option<String>,
    suite: Suite,
) -> CmdResult<SuiteDoc> {
    Ok(qa::save(&qa::suites_dir(&state), path.as_deref(), &suite)?)
}

/// Runs the suite as edited (`only`: these case positions); results also arrive as `qa-case`.
#[tauri::command]
pub async fn suite_run(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    suite: Suite,
    only: Option<Vec<usize>>,
) -> CmdResult<SuiteReport> {
    let sandbox_url = state.sandbox.lock().await.as_ref().map(|s| s.url());
    let plan = qa::plan(
        &state,
        &suite,
        path.as_deref(),
        only.as_deref(),
        sandbox_url,
    )?;
    Ok(qa::run(&app, &state, &plan).await?)
}
