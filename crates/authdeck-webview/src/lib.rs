//! How Authdeck's webview runs: lean, because a credential manager sits idle for days.
//!
//! The app (`src-tauri`) and the minimal window it is measured against (`crates/minimal-window`,
//! scripts/app-bench.sh) both call [`calm`] first thing and report their first paint with
//! [`report_page_loaded`], so the floor runs WebKit exactly as the app does.
//!
//! Memory, measured with scripts/app-bench.sh (PSS of the app and its WebKit processes, 50
//! accounts):
//! - WebKitGTK's accelerated compositing doubles the web process (about 210 MB to 110 MB) and
//!   buys nothing for a forms-and-tables UI.
//! - With compositing off nothing in the app's own process draws with the GPU, yet GTK (GLX) and
//!   WebKit (EGL, to find a GPU for the web process) still start a GL driver there; Mesa's, with
//!   its LLVM, is 30 MiB. GDK_GL, the DMA-BUF renderer switch and a render device that does not
//!   exist keep them from it. The web process then opens its own display on EGL's surfaceless
//!   platform, as on a machine without a GPU, so this is done only where EGL has that platform.
//! - JavaScriptCore's JIT tiers cost 20 MiB. The interpreter runs this UI's small script fast
//!   enough, and a webview without a JIT is a smaller target for an exploit.
//!
//! All of it is environment, read by GTK, WebKit and the web processes, which inherit it. The
//! user's own settings win, and a user who turns compositing back on keeps the GPU.

/// What [`report_page_loaded`] prints on stderr, followed by the milliseconds since start.
pub const STARTUP_LINE: &str = "authdeck-startup: page loaded after";

/// For scripts/app-bench.sh: when `AUTHDECK_STARTUP_PROBE` is set, prints how long after
/// `started` (the process's start) the page finished loading. Call from the page-load handler
/// on its `Finished` event.
pub fn report_page_loaded(started: std::time::Instant) {
    if std::env::var_os("AUTHDECK_STARTUP_PROBE").is_some() {
        eprintln!("{STARTUP_LINE} {} ms", started.elapsed().as_millis());
    }
}

/// For scripts/app-bench.sh: when `AUTHDECK_STARTUP_PROBE` is set, prints on stderr how many
/// milliseconds after `started` the step `what` of the app's start was reached.
pub fn report_step(what: &str, started: std::time::Instant) {
    if std::env::var_os("AUTHDECK_STARTUP_PROBE").is_some() {
        eprintln!(
            "authdeck-startup-step: {what} after {} ms",
            started.elapsed().as_millis()
        );
    }
}

/// Sets the environment above. Call first thing in `main`, before any other thread exists.
pub fn calm() {
    #[cfg(target_os = "linux")]
    {
        set_default("JSC_useJIT", "0");
        set_default("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        let software =
            std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| v == "1");
        if software && egl::has_surfaceless() {
            set_default("GDK_GL", "disable");
            set_default("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
            set_default(
                "WEBKIT_WEB_RENDER_DEVICE_FILE",
                "/nonexistent/authdeck-renders-in-software",
            );
        }
    }
}

#[cfg(target_os = "linux")]
fn set_default(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        // SAFETY: `calm` runs first thing in main, before any other thread exists to read the
        // environment.
        unsafe { std::env::set_var(name, value) };
    }
}

#[cfg(target_os = "linux")]
mod egl {
    use std::ffi::{CStr, c_char, c_void};

    const EGL_EXTENSIONS: i32 = 0x3055;

    /// Whether the system's EGL offers the surfaceless platform, which WebKit's web process
    /// falls back to when it has no render device (it aborts when that fails too). Reading the
    /// client extensions loads EGL's vendor libraries, not a GL driver.
    pub fn has_surfaceless() -> bool {
        extensions().is_some_and(|list| {
            list.split(' ')
                .any(|e| e == "EGL_MESA_platform_surfaceless")
        })
    }

    fn extensions() -> Option<String> {
        // SAFETY: libEGL.so.1 is the system's EGL (GTK and WebKit link it already), and
        // eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS) is valid before any display exists: it
        // returns null or a NUL-terminated string owned by EGL, copied here while the library is
        // loaded.
        unsafe {
            let lib = libloading::Library::new("libEGL.so.1").ok()?;
            let query = lib
                .get::<unsafe extern "C" fn(*mut c_void, i32) -> *const c_char>(b"eglQueryString\0")
                .ok()?;
            let list = query(std::ptr::null_mut(), EGL_EXTENSIONS);
            (!list.is_null()).then(|| CStr::from_ptr(list).to_string_lossy().into_owned())
        }
    }
}
