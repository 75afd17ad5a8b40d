//! Authdeck's desktop app: a thin shell over authdeck-core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default()
        .run(tauri::generate_context!())
    {
        eprintln!("authdeck: the app could not start: {e}");
        std::process::exit(1);
    }
}
