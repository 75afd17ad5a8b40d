//! The commands the webview may call: a few lines each over core. Errors cross as
//! `{code, message}` ([`CmdError`]); the raw token crosses only in `token_reveal`.

use crate::dto::*;
use crate::error::CmdResult;
use crate::inspect;
use crate::state::AppState;
use authdeck_core::Error;
use authdeck_core::copy::Format;
use authdeck_core::deck::{
    AccountEdit, Deck, DotenvPick, ImportReport, LoginReport, LoginRequest, PastedToken, Probe,
};
use authdeck_core::environment::dotenv::DotenvFile;
use authdeck_core::exchange::{self, CodeSource, Credentials, Trial};
use authdeck_core::history::{Event, Exchange};
use authdeck_core::jwt::Inspection;
use authdeck_core::provider::{Provider, Source, provider_file_path, save_provider_file};
use authdeck_core::secret::Secret;
use authdeck_core::suite::library::{self, SuiteDoc, SuiteEntry};
use authdeck_core::suite::{self, CaseResult, RunOptions, Suite, SuiteReport, Vars};
use jiff::Timestamp;
use std::path::PathBuf;
use tauri::{AppHandle, Emitter, Manager, State};

#[tauri::command]
pub async fn accounts_list(state: State<'_, AppState>) -> CmdResult<Vec<AccountView>> {
    Ok(state.account_views(Timestamp::now())?)
}

#[tauri::command]
pub async fn account_login(
    state: State<'_, AppState>,
    input: LoginInput,
) -> CmdResult<LoginReport> {
    let given = |text: String| (!text.trim().is_empty()).then(|| Secret::new(text.trim()));
    let request = LoginRequest {
        account: input.account,
        provider: Some(input.provider),
        base_url: Some(input.base_url),
        email: Some(input.email),
        password: given(input.password),
        remember_password: input.remember_password,
        code: given(input.otp).map_or(CodeSource::None, CodeSource::Given),
        totp_secret: given(input.totp_secret),
        options: input.options,
        // A refused first login stores nothing: the dialog offers to keep the account.
        forget_if_refused: true,
        ..LoginRequest::default()
    };
    let plan = state.deck.plan_login(request)?;
    let report = state.deck.login(&state.http, plan).await?;
    state.poke_refresher();
    Ok(report)
}

/// Signs an OAuth account in; the UI hears `oauth-sign-in` while it waits for the user, and
/// `account_sign_in_cancel` stops it (its redirect listener closes).
#[tauri::command]
pub async fn account_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    input: SignInInput,
) -> CmdResult<LoginReport> {
    let plan = state.deck.plan_login(crate::sign_in::request(&input))?;
    let name = input.account.clone();
    let (deck, http) = (state.deck.clone(), state.http.clone());
    let agent = crate::sign_in::Window {
        app: app.clone(),
        account: name.clone(),
    };
    let task = tauri::async_runtime::spawn(async move {
        let limit = authdeck_core::oauth::loopback::DEFAULT_TIME_LIMIT;
        deck.sign_in(&http, plan, &agent, limit, &Timestamp::now)
            .await
    });
    let report = crate::sign_in::wait(&state, &name, task).await?;
    state.poke_refresher();
    Ok(report)
}

/// Stops the account's sign-in in progress, if any.
#[tauri::command]
pub fn account_sign_in_cancel(state: State<'_, AppState>, account: String) {
    crate::sign_in::cancel(&state, &account);
}

/// What the account's OAuth server says about its current token (RFC 7662).
#[tauri::command]
pub async fn account_introspect(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<authdeck_core::oauth::introspection::Introspection> {
    Ok(state.deck.introspect(&state.http, &account).await?)
}

/// Keeps a pasted key or token as the account's session (no login is sent).
#[tauri::command]
pub async fn account_paste_token(
    state: State<'_, AppState>,
    input: PasteInput,
) -> CmdResult<LoginReport> {
    let pasted = PastedToken {
        provider: Some(input.provider),
        base_url: Some(input.base_url),
        email: Some(input.email),
        expires_at: input.expires_at,
        options: input.options,
        ..PastedToken::new(input.account, Secret::new(input.token))
    };
    let report = state.deck.keep_pasted(pasted, Timestamp::now()).await?;
    state.poke_refresher();
    Ok(report)
}

/// Saves an edited account without logging in; a new server, user or provider signs it out.
#[tauri::command]
pub async fn account_save(state: State<'_, AppState>, input: AccountEdit) -> CmdResult<()> {
    blocking(&state, move |deck| {
        deck.edit_account(&input, Timestamp::now())
    })
    .await?;
    Ok(())
}

/// Keeps a new account, signed out, whose first login was refused (the user chose to).
#[tauri::command]
pub async fn account_add(state: State<'_, AppState>, input: AccountEdit) -> CmdResult<()> {
    blocking(&state, move |deck| {
        deck.add_account(&input, Timestamp::now())
    })
    .await?;
    Ok(())
}

#[tauri::command]
pub async fn account_refresh(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<LoginReport> {
    let report = state.deck.refresh(&state.http, &account).await?;
    state.poke_refresher();
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
    // An OAuth account's tokens are revoked at the server first (RFC 7009).
    let revoked = state.deck.revoke(&state.http, &account).await?;
    blocking(&state, move |deck| {
        deck.logout_noting(&account, Timestamp::now(), revoked)
            .map(drop)
    })
    .await
}

#[tauri::command]
pub async fn account_remove(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    blocking(&state, move |deck| deck.remove(&account, Timestamp::now())).await
}

/// Pins the account on top of the list, or unpins it.
#[tauri::command]
pub async fn account_pin(
    state: State<'_, AppState>,
    account: String,
    pinned: bool,
) -> CmdResult<()> {
    blocking(&state, move |deck| {
        deck.set_pinned(&account, pinned).map(|_| ())
    })
    .await
}

/// Gives the account a new name; its secrets and history follow (`authdeck rename`).
#[tauri::command]
pub async fn account_rename(
    state: State<'_, AppState>,
    account: String,
    new_name: String,
) -> CmdResult<()> {
    blocking(&state, move |deck| {
        deck.rename(&account, new_name.trim(), Timestamp::now())
    })
    .await
}

#[tauri::command]
pub async fn account_forget_password(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    blocking(&state, move |deck| {
        deck.forget_password(&account, Timestamp::now()).map(|_| ())
    })
    .await
}

#[tauri::command]
pub async fn token_copy(
    state: State<'_, AppState>,
    account: String,
    format: Format,
) -> CmdResult<CopyReceipt> {
    Ok(state.copy(&account, format).await?)
}

/// "Try it": one GET with the account's token to `path` of its API; the request and answer
/// come back with the token hidden.
#[tauri::command]
pub async fn account_probe(
    state: State<'_, AppState>,
    account: String,
    path: String,
) -> CmdResult<Probe> {
    Ok(state
        .deck
        .probe(&state.http, &account, &path, &Timestamp::now)
        .await?)
}

/// Copies `authdeck exec 'ACCOUNT' -- ` (no secret in it), to start a command line with.
#[tauri::command]
pub async fn exec_line_copy(state: State<'_, AppState>, account: String) -> CmdResult<String> {
    state.deck.account(&account)?;
    let line = format!("authdeck exec '{account}' -- ");
    state.copy_plain(line.clone())?;
    Ok(line)
}

/// Writes the account's environment for Postman, Insomnia, Bruno or dotenv (`format`) into
/// the Downloads folder (mode 0600), its token renewed first when it has less than a minute
/// left. The file's path.
#[tauri::command]
pub async fn environment_export(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    format: String,
) -> CmdResult<String> {
    use authdeck_core::environment::{self, Format};
    let format = match format.as_str() {
        "postman" => Format::Postman,
        "insomnia" => Format::Insomnia,
        "bruno" => Format::Bruno,
        "dotenv" => Format::Dotenv,
        other => return Err(Error::Invalid(format!("no environment format {other:?}")).into()),
    };
    let names = [account.clone()];
    let entries = state
        .deck
        .environment(
            &state.http,
            &names,
            jiff::SignedDuration::from_secs(60),
            &Timestamp::now,
        )
        .await?;
    let entries: Vec<_> = entries.into_iter().map(|(entry, _)| entry).collect();
    let text = environment::render(format, &entries, Timestamp::now())?;
    let dir = app
        .path()
        .download_dir()
        .unwrap_or_else(|_| state.deck.home().data_dir.clone());
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Io(format!("could not create {}: {e}", dir.display())))?;
    let path = dir.join(format!("authdeck-{account}.{}", format.extension()));
    environment::write_private(&path, &text)?;
    Ok(path.display().to_string())
}

/// Starts a loopback proxy for the account on a free port (or returns the running one).
#[tauri::command]
pub async fn proxy_start(state: State<'_, AppState>, account: String) -> CmdResult<ProxyView> {
    let mut proxies = state.proxies.lock().await;
    if let Some(p) = proxies.get(&account) {
        return Ok(proxy_view(&account, p));
    }
    let config = authdeck_core::proxy::ProxyConfig {
        account: account.clone(),
        listen: ([127, 0, 0, 1], 0).into(),
        upstream: None,
        min_valid: jiff::SignedDuration::from_secs(60),
    };
    let p = authdeck_core::proxy::start(state.deck.clone(), state.http.clone(), config).await?;
    let view = proxy_view(&account, &p);
    proxies.insert(account, p);
    Ok(view)
}

#[tauri::command]
pub async fn proxy_stop(state: State<'_, AppState>, account: String) -> CmdResult<()> {
    let running = state.proxies.lock().await.remove(&account);
    if let Some(p) = running {
        p.stop().await;
    }
    Ok(())
}

#[tauri::command]
pub async fn proxies_list(state: State<'_, AppState>) -> CmdResult<Vec<ProxyView>> {
    let proxies = state.proxies.lock().await;
    Ok(proxies.iter().map(|(a, p)| proxy_view(a, p)).collect())
}

fn proxy_view(account: &str, p: &authdeck_core::proxy::Proxy) -> ProxyView {
    ProxyView {
        account: account.to_string(),
        url: p.url(),
        upstream: p.upstream().to_string(),
    }
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

/// The account's ID token explained (OpenID Connect accounts), or null when it has none.
#[tauri::command]
pub async fn token_inspect_id_token(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<Option<Inspection>> {
    let Some(token) = state.deck.stored_id_token(&account)? else {
        return Ok(None);
    };
    Ok(Some(inspect::inspection(token.expose())?))
}

/// What the provider's UserInfo endpoint says about the account's user (OpenID Connect
/// Core §5.3), asked with the current access token.
#[tauri::command]
pub async fn account_userinfo(
    state: State<'_, AppState>,
    account: String,
) -> CmdResult<serde_json::Value> {
    Ok(state.deck.userinfo(&state.http, &account).await?)
}

#[tauri::command]
pub async fn token_inspect_text(token: String) -> CmdResult<Inspection> {
    Ok(inspect::inspection(inspect::pasted(&token)?)?)
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

/// The request and answer kept for history event `id`, secrets hidden; `null` when it sent
/// nothing or is older than the newest 10,000.
#[tauri::command]
pub async fn history_exchange(state: State<'_, AppState>, id: i64) -> CmdResult<Option<Exchange>> {
    Ok(state.deck.exchange(id)?)
}

/// How many events match the filter (its page and limit aside).
#[tauri::command]
pub async fn history_count(state: State<'_, AppState>, filter: HistoryFilter) -> CmdResult<u64> {
    Ok(state.deck.history_count(&filter.into())?)
}

/// Writes every event matching the filter as CSV to `path`, which the user chose in the save
/// dialog, and returns how many rows it wrote.
#[tauri::command]
pub async fn history_export_csv(
    state: State<'_, AppState>,
    filter: HistoryFilter,
    path: PathBuf,
) -> CmdResult<u64> {
    Ok(state.deck.export_history_csv(&filter.into(), &path)?)
}

/// Writes every account's configuration and the provider files to `path` as an Authdeck
/// export (`authdeck export`): never a token or password. Returns how many accounts and
/// provider files it holds.
#[tauri::command]
pub async fn accounts_export(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CmdResult<ExportSummary> {
    blocking(&state, move |deck| {
        let export = deck.export(Timestamp::now())?;
        export.write_file(&path)?;
        Ok(ExportSummary {
            accounts: export.accounts.len(),
            providers: export.providers.len(),
        })
    })
    .await
}

/// Reads an export file (`authdeck import`): new accounts and provider files are added,
/// different ones replaced, identical ones skipped; a file with any invalid entry changes
/// nothing.
#[tauri::command]
pub async fn accounts_import(state: State<'_, AppState>, path: PathBuf) -> CmdResult<ImportReport> {
    let report = blocking(&state, move |deck| {
        let export = authdeck_core::deck::Export::read_file(&path)?;
        deck.import(&export, Timestamp::now())
    })
    .await?;
    state.poke_refresher();
    Ok(report)
}

/// The variables of the `.env` file at `path` (chosen in the open dialog), without their
/// values: what "Import from .env" offers.
#[tauri::command]
pub async fn dotenv_read(state: State<'_, AppState>, path: PathBuf) -> CmdResult<DotenvFile> {
    blocking(&state, move |deck| deck.dotenv_offer(&path)).await
}

/// Keeps the chosen variables of the `.env` file at `path` as new accounts' pasted tokens.
/// Returns the names of the accounts made.
#[tauri::command]
pub async fn dotenv_import(
    state: State<'_, AppState>,
    path: PathBuf,
    picks: Vec<DotenvPick>,
) -> CmdResult<Vec<String>> {
    let reports = state
        .deck
        .import_dotenv(&path, &picks, Timestamp::now())
        .await?;
    state.poke_refresher();
    Ok(reports.into_iter().map(|r| r.account).collect())
}

#[tauri::command]
pub async fn providers_list(state: State<'_, AppState>) -> CmdResult<Vec<ProviderView>> {
    Ok(ProviderView::list(&state.deck.catalog()))
}

#[tauri::command]
pub async fn provider_check(toml: String) -> CmdResult<ProviderCheck> {
    Ok(ProviderCheck::of(&toml))
}

#[tauri::command]
pub async fn provider_save(state: State<'_, AppState>, toml: String) -> CmdResult<ProviderView> {
    let dir = state.deck.home().providers_dir();
    let provider = save_provider_file(&dir, &toml).map_err(|p| Error::Invalid(p.to_string()))?;
    let source = Source::File(provider_file_path(&dir, &provider.id));
    Ok(ProviderView::new(&provider, &source, toml))
}

#[tauri::command]
pub async fn provider_test_login(
    state: State<'_, AppState>,
    toml: String,
    base_url: String,
    email: String,
    password: String,
) -> CmdResult<Trial> {
    let provider = Provider::from_toml(&toml).map_err(|p| Error::Invalid(p.to_string()))?;
    let creds = Credentials {
        email,
        password: Secret::new(password),
        code: Default::default(),
    };
    Ok(exchange::trial(&state.http, provider, base_url, &creds).await?)
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
    state.poke_refresher();
    Ok(info)
}

/// The running sandbox (its issuer for the add-account dialog), or null.
#[tauri::command]
pub async fn sandbox_info(state: State<'_, AppState>) -> CmdResult<Option<SandboxInfo>> {
    Ok(crate::sandbox::running(&state).await)
}

#[tauri::command]
pub async fn suites_list(state: State<'_, AppState>) -> CmdResult<Vec<SuiteEntry>> {
    Ok(library::list(&state.deck.home().suites_dir()))
}

#[tauri::command]
pub async fn suite_open(path: String) -> CmdResult<SuiteDoc> {
    Ok(library::open(&path)?)
}

/// What is wrong with a case's `message_matches` regex, or `None`: asked as the user types.
#[tauri::command]
pub fn suite_check_regex(pattern: String) -> Option<String> {
    authdeck_core::suite::regex_problem(&pattern)
}

/// A number that changes when another process (the CLI) has written to the database: the UI
/// polls it every 2 s and reads the accounts and history again when it moved.
#[tauri::command]
pub fn data_version(state: State<'_, AppState>) -> CmdResult<i64> {
    Ok(state.deck.data_version()?)
}

/// What is wrong with `name` as an account's variable name, in words, or `None`: asked as
/// the user types, by the rules core applies on save.
#[tauri::command]
pub fn env_var_check(name: String) -> Option<String> {
    let name = authdeck_core::accounts::env_var_given(&name)?;
    authdeck_core::accounts::env_var_problem(&name).map(|p| format!("{name} {p}."))
}

#[tauri::command]
pub async fn suite_create(state: State<'_, AppState>, name: String) -> CmdResult<SuiteDoc> {
    Ok(library::create(&state.deck.home().suites_dir(), &name)?)
}

/// Saves the suite; a password typed into it goes to the keyring, the file only names it.
#[tauri::command]
pub async fn suite_save(
    state: State<'_, AppState>,
    path: Option<String>,
    suite: Suite,
) -> CmdResult<SuiteDoc> {
    blocking(&state, move |deck| deck.save_suite(path.as_deref(), &suite)).await
}

/// Runs the suite as edited (`only`: these case positions); each case's result also goes to
/// the UI as it ends (event `qa-case`). `${SANDBOX_URL}` is the in-app sandbox when it runs.
#[tauri::command]
pub async fn suite_run(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    suite: Suite,
    only: Option<Vec<usize>>,
) -> CmdResult<SuiteReport> {
    let mut vars = Vars::from_env();
    if let Some(sandbox) = state.sandbox.lock().await.as_ref() {
        vars = vars.with("SANDBOX_URL", sandbox.url());
    }
    let file = library::source_file(path.as_deref());
    let plan = suite.plan(&state.deck.catalog(), &vars, file)?;
    let plan = match only {
        Some(indexes) => plan.only(&indexes),
        None => plan,
    };
    let options = RunOptions::new(suite::new_run_id(Timestamp::now()));
    let run_id = options.run_id.clone();
    let emit = |result: &CaseResult| {
        let result = result.clone();
        let _ = app.emit(
            "qa-case",
            QaCase {
                run_id: run_id.clone(),
                result,
            },
        );
    };
    Ok(suite::run(&state.deck, &state.http, &plan, &options, emit).await?)
}

/// Runs a deck call that waits on an account's lock (held by a refresh across its HTTP
/// exchange) on a blocking thread, so it never starves the runtime the refresh needs.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    call: impl FnOnce(&Deck) -> authdeck_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let deck = state.deck.clone();
    let joined = tauri::async_runtime::spawn_blocking(move || call(&deck)).await;
    match joined {
        Ok(result) => Ok(result?),
        Err(e) => Err(Error::Io(format!("the operation stopped unexpectedly: {e}")).into()),
    }
}
