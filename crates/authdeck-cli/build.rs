//! Links `authdeck` as the app is linked (src-tauri/build.rs): a script that asks for a token
//! before every request starts it thousands of times.

fn main() {
    pack_relative_relocations();
}

include!("../../build/link.rs");
