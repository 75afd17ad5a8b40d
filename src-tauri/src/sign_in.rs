//! The app's side of an OAuth sign-in: the window as the user-agent (the browser opened the
//! platform's way, honouring `$BROWSER`; the URL or device code shown in the add-account
//! dialog), and cancelling a sign-in that waits.

use crate::dto::{SignInInput, SignInStage};
use crate::error::CmdResult;
use crate::state::AppState;
use authdeck_core::deck::{LoginReport, LoginRequest};
use authdeck_core::oauth::{DeviceCode, UserAgent};
use authdeck_core::{Error, Secret};
use tauri::{AppHandle, Emitter};

/// The core's request for a sign-in from the dialog's fields.
pub fn request(input: &SignInInput) -> LoginRequest {
    let given = |text: &str| (!text.trim().is_empty()).then(|| Secret::new(text.trim()));
    LoginRequest {
        account: input.account.clone(),
        provider: Some(input.provider.clone()),
        base_url: Some(input.base_url.clone()),
        email: Some(input.email.clone()),
        password: given(&input.password),
        remember_password: input.remember_password,
        // Empty: the id the account (or its provider) already has.
        client_id: (!input.client_id.trim().is_empty()).then(|| input.client_id.trim().into()),
        client_secret: given(&input.client_secret),
        grant: Some(input.grant),
        options: input.options.clone(),
        // A refused first sign-in stores nothing, as a refused first login.
        forget_if_refused: true,
        ..LoginRequest::default()
    }
}

/// The add-account dialog as the user-agent.
pub struct Window {
    pub app: AppHandle,
    pub account: String,
}

impl UserAgent for Window {
    fn open(&self, url: &str) -> Result<(), String> {
        let stage = SignInStage::Browser {
            account: self.account.clone(),
            url: url.to_string(),
        };
        let _ = self.app.emit("oauth-sign-in", stage);
        webbrowser::open(url).map_err(|e| e.to_string())
    }

    fn show_device_code(&self, code: &DeviceCode) {
        let stage = SignInStage::Device {
            account: self.account.clone(),
            code: code.clone(),
        };
        let _ = self.app.emit("oauth-sign-in", stage);
    }
}

/// Waits for the sign-in `task` of `account`, which [`cancel`] may stop meanwhile.
pub async fn wait(
    state: &AppState,
    account: &str,
    task: tauri::async_runtime::JoinHandle<authdeck_core::Result<LoginReport>>,
) -> CmdResult<LoginReport> {
    // A second sign-in of the same account replaces (and stops) the first.
    if let (Ok(mut waiting), tauri::async_runtime::JoinHandle::Tokio(handle)) =
        (state.sign_ins.lock(), &task)
        && let Some(earlier) = waiting.insert(account.to_string(), handle.abort_handle())
    {
        earlier.abort();
    }
    let joined = task.await;
    if let Ok(mut waiting) = state.sign_ins.lock() {
        waiting.remove(account);
    }
    match joined {
        Ok(result) => Ok(result?),
        Err(_) => Err(Error::Invalid(format!("the sign-in of {account} was cancelled")).into()),
    }
}

/// Stops the account's waiting sign-in; its redirect listener closes with it.
pub fn cancel(state: &AppState, account: &str) {
    if let Some(handle) = state
        .sign_ins
        .lock()
        .ok()
        .and_then(|mut waiting| waiting.remove(account))
    {
        handle.abort();
    }
}
