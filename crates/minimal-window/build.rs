//! Tauri's build step: embeds tauri.conf.json and the static page; links as the app links
//! (src-tauri/build.rs), so the floor has the app's loader costs.

fn main() {
    pack_relative_relocations();
    tauri_build::build()
}

include!("../../build/link.rs");
