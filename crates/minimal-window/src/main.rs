//! A minimal Tauri 2 app: one window, a static page, nothing else. It is the floor the app's
//! memory and cold start are measured against (scripts/app-bench.sh): WebKit runs with the same
//! settings as the app's (`authdeck_webview::calm`), the window has the app's size, the binary
//! the workspace's release profile, and it reports its first paint as the app does.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tauri::webview::PageLoadEvent;

fn main() {
    let started = std::time::Instant::now();
    authdeck_webview::calm();
    let result = tauri::Builder::default()
        .setup(move |_| {
            authdeck_webview::report_step("setup", started);
            Ok(())
        })
        .on_page_load(move |_, payload| {
            if payload.event() == PageLoadEvent::Started {
                authdeck_webview::report_step("page load started", started);
            }
            if payload.event() == PageLoadEvent::Finished {
                authdeck_webview::report_page_loaded(started);
            }
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("minimal-window: could not start: {e}");
        std::process::exit(1);
    }
}
