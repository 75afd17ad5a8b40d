//! Tauri's build step: embeds tauri.conf.json and the static page; links as the app links
//! (src-tauri/build.rs), so the floor has the app's loader costs, and lays out its functions by
//! its own profile as the app's are (link-order.txt).

fn main() {
    pack_relative_relocations();
    order_functions();
    tauri_build::build()
}

include!("../../build/link.rs");
include!("../../build/order.rs");
