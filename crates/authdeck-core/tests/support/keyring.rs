//! Running a test inside a real keyring session: the one copy of the re-run block, shared by
//! core's and the CLI's integration tests (`#[path]`-included, since they are two crates).

use std::path::Path;
use std::process::Command;

/// True when the caller already runs inside a keyring session (`scripts/with-keyring.sh`, as
/// `make test` does); otherwise runs `test` of this test binary again inside one, asserts that
/// it passed there, and returns false (the caller then returns at once).
pub fn in_keyring_session(test: &str) -> bool {
    if std::env::var_os("AUTHDECK_IN_KEYRING_SESSION").is_some() {
        return true;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-keyring.sh");
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let status = Command::new(script)
        .arg(exe)
        .args([test, "--exact", "--nocapture", "--include-ignored"])
        .status()
        .expect("scripts/with-keyring.sh runs (it needs dbus-run-session and gnome-keyring)");
    assert!(
        status.success(),
        "{test} failed inside a real keyring session (output above)"
    );
    false
}
