//! Tauri's build step: embeds tauri.conf.json and the static page.

fn main() {
    tauri_build::build()
}
