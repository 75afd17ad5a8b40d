//! Declares the app's own commands, so the capability file can grant exactly these.

const COMMANDS: &[&str] = &[
    "accounts_list",
    "account_login",
    "account_paste_token",
    "account_sign_in",
    "account_sign_in_cancel",
    "account_introspect",
    "exec_line_copy",
    "proxy_start",
    "environment_export",
    "proxy_stop",
    "proxies_list",
    "account_refresh",
    "accounts_refresh_all",
    "account_logout",
    "account_remove",
    "account_rename",
    "account_probe",
    "dotenv_read",
    "dotenv_import",
    "account_forget_password",
    "token_copy",
    "token_reveal",
    "token_inspect_account",
    "token_inspect_text",
    "token_inspect_id_token",
    "account_userinfo",
    "token_verify",
    "history_list",
    "history_count",
    "history_exchange",
    "history_export_csv",
    "accounts_export",
    "accounts_import",
    "providers_list",
    "provider_check",
    "provider_save",
    "provider_test_login",
    "settings_get",
    "settings_set",
    "sandbox_start",
    "sandbox_info",
    "account_save",
    "account_add",
    "suites_list",
    "suite_open",
    "suite_check_regex",
    "env_var_check",
    "data_version",
    "account_pin",
    "suite_create",
    "suite_save",
    "suite_run",
    "app_quit",
];

fn main() {
    pack_relative_relocations();
    order_functions();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}

include!("../build/link.rs");
include!("../build/order.rs");
