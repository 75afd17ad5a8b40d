// The layout of a binary's functions by a profile: included by the build scripts of the app
// (src-tauri) and its floor (crates/minimal-window), each with its own link-order.txt.

/// Lays out a release binary's functions in the order of `link-order.txt` beside its manifest:
/// the ones that run from start to idle first. Packed together they fill about 2 MiB of pages
/// instead of being spread over most of the binary, and the pages the kernel keeps resident
/// (it maps the 64 KiB around each page touched) hold code that runs (docs/BENCHMARKS.md, issue
/// 18). scripts/link-order.sh makes the lists (callgrind on a release build). Names the list has
/// and the binary no longer does are skipped, so a stale list costs memory, never correctness;
/// a list made by another rustc gets a warning. Only where rustc links with its own lld (x86_64
/// Linux with glibc, Rust 1.90 and later, its `gcc-ld/ld.lld` present, no linker or `-fuse-ld`
/// chosen by the user): GNU ld and mold have no such option. `AUTHDECK_LINK_ORDER=0` turns it
/// off; `AUTHDECK_LINK_MAP=FILE` also writes the link map (for scripts/link-order.sh).
fn order_functions() {
    println!("cargo:rerun-if-changed=link-order.txt");
    println!("cargo:rerun-if-env-changed=AUTHDECK_LINK_ORDER");
    println!("cargo:rerun-if-env-changed=AUTHDECK_LINK_MAP");
    let var = |name| std::env::var(name).unwrap_or_default();
    let list = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join("link-order.txt");
    if var("PROFILE") != "release" {
        return;
    }
    let rustflags = var("CARGO_ENCODED_RUSTFLAGS");
    let chosen_linker = !var("RUSTC_LINKER").is_empty()
        || ["linker", "link-self-contained", "fuse-ld"].iter().any(|f| rustflags.contains(f));
    let Some(version) = rustc(&["-V"]) else { return };
    let minor = version.split_whitespace().nth(1).and_then(|v| v.split('.').nth(1));
    let lld = var("TARGET") == "x86_64-unknown-linux-gnu"
        && !chosen_linker
        && minor.and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| m >= 90)
        && rustc(&["--print", "sysroot"]).is_some_and(|root| {
            std::path::Path::new(root.trim())
                .join("lib/rustlib/x86_64-unknown-linux-gnu/bin/gcc-ld/ld.lld")
                .is_file()
        });
    if !lld {
        return;
    }
    // scripts/link-order.sh asks for the link map, to turn addresses into functions.
    let map = var("AUTHDECK_LINK_MAP");
    if !map.is_empty() {
        println!("cargo:rustc-link-arg-bins=-Wl,-Map={map}");
    }
    if var("AUTHDECK_LINK_ORDER") == "0" || !list.is_file() {
        return;
    }
    // The list's first line names the rustc it was made with: symbol names carry hashes that
    // change with the compiler.
    let made_by = std::fs::read_to_string(&list).unwrap_or_default();
    let made_by = made_by.lines().next().unwrap_or_default().trim_start_matches("# ");
    if made_by != version.trim() {
        println!(
            "cargo:warning={} was made with {made_by:?}, this build uses {:?}: most of its names \
             will not match; run scripts/link-order.sh",
            list.display(),
            version.trim()
        );
    }
    println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", list.display());
    println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
}

/// The output of the rustc cargo builds with, run with `args`; `None` when it cannot run.
fn rustc(args: &[&str]) -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = std::process::Command::new(rustc).args(args).output().ok()?;
    String::from_utf8(out.stdout).ok()
}
