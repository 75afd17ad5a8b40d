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
    "local_zone",
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

/// Lays out the release app's functions in the order of `link-order.txt`, the ones that run from
/// start to idle first: packed together, they fill about 2 MiB of pages instead of being spread
/// over most of the binary's 12 MiB of code, and the pages the kernel keeps resident hold code
/// that runs (docs/BENCHMARKS.md, issue 18). scripts/link-order.sh makes the list (callgrind on
/// a release build). A name the list has and the binary no longer does is skipped, so a stale
/// list costs memory, never correctness. Only where rustc links with its own lld (x86_64 Linux
/// with glibc, Rust 1.90 and later, no linker chosen by the user): GNU ld has no such option.
fn order_functions() {
    println!("cargo:rerun-if-changed=link-order.txt");
    println!("cargo:rerun-if-env-changed=AUTHDECK_LINK_MAP");
    let var = |name| std::env::var(name).unwrap_or_default();
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS");
    let lld = var("TARGET") == "x86_64-unknown-linux-gnu"
        && var("RUSTC_LINKER").is_empty()
        && !rustflags.contains("linker")
        && !rustflags.contains("link-self-contained")
        && rustc_minor_version().is_some_and(|minor| minor >= 90);
    let list = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("link-order.txt");
    if lld && var("PROFILE") == "release" && list.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        // scripts/link-order.sh asks for the link map, to turn addresses into section names.
        let map = var("AUTHDECK_LINK_MAP");
        if !map.is_empty() {
            println!("cargo:rustc-link-arg-bins=-Wl,-Map={map}");
        }
    }
}

/// The `90` of "rustc 1.90.0 (…)", from the rustc cargo builds with.
fn rustc_minor_version() -> Option<u32> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc).arg("-V").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}

include!("../build/link.rs");
