// How Authdeck's binaries are linked: included by the build scripts of the app (src-tauri), its
// floor (crates/minimal-window) and the CLI (crates/authdeck-cli), so all three link alike.

/// Links with packed relative relocations (DT_RELR, `-z pack-relative-relocs`) on Linux with
/// glibc: the dynamic loader then reads about 40 KB of them at start instead of 2.4 MB (debug
/// app), and fewer of the binary's pages stay resident (about 4 MiB less for the debug app,
/// scripts/app-bench.sh). Needs GNU ld 2.38 or lld 15 to link and glibc 2.36 to run (Debian 12,
/// Ubuntu 22.10); the packages declare that glibc.
fn pack_relative_relocations() {
    let var = |name| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
