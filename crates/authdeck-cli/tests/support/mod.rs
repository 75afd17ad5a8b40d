//! What the CLI integration tests share: the built `authdeck` run against an in-process sandbox,
//! with a temporary AUTHDECK_HOME and a keyring service of its own, and the two ways a test makes
//! sure it has a real keyring (Secret Service).
//!
//! Each test file is its own crate and uses only some of these: the items a file may leave
//! unused carry `#[allow(dead_code)]`. A test file adds its own helpers in its own `impl World`.

use authdeck_sandbox::Sandbox;
use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// A sandbox on 127.0.0.1:0, an empty AUTHDECK_HOME and a keyring service, for one test.
#[allow(dead_code)]
pub struct World {
    pub sandbox: Sandbox,
    pub home: TempDir,
    pub service: String,
}

#[allow(dead_code)]
impl World {
    /// Starts the sandbox on the current tokio runtime. The service is named after the home
    /// folder, so parallel tests never see each other's keyring entries.
    pub async fn start() -> Result<World, Box<dyn std::error::Error>> {
        let sandbox = Sandbox::start(([127, 0, 0, 1], 0).into()).await?;
        let home = tempfile::tempdir()?;
        let folder = home.path().file_name().unwrap_or_default();
        let service = format!("authdeck-test-{}", folder.to_string_lossy());
        Ok(World {
            sandbox,
            home,
            service,
        })
    }

    /// `authdeck ARGS` with this world's home and keyring service.
    pub fn authdeck<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = authdeck(self.home.path(), &self.service);
        cmd.args(args);
        cmd
    }
}

/// The built binary with its own home and keyring service, and no AUTHDECK_LOG from the
/// environment the tests run in.
#[allow(dead_code)]
pub fn authdeck(home: &Path, service: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authdeck"));
    cmd.env("AUTHDECK_HOME", home)
        .env("AUTHDECK_KEYRING_SERVICE", service)
        .env_remove("AUTHDECK_LOG");
    cmd
}

/// `login ACCOUNT --provider API --base-url (the sandbox's) --email EMAIL --password-stdin`.
#[allow(dead_code)]
pub fn login_args(sandbox: &Sandbox, account: &str, api: &str, email: &str) -> Vec<String> {
    [
        "login",
        account,
        "--provider",
        api,
        "--base-url",
        &sandbox.base_url(api),
        "--email",
        email,
        "--password-stdin",
    ]
    .map(String::from)
    .to_vec()
}

/// Runs `cmd` with `stdin` piped in (a password, as a user would pipe it) and its output caught.
#[allow(dead_code)]
pub fn run_with_stdin(cmd: &mut Command, stdin: &str) -> std::io::Result<Output> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut pipe) = child.stdin.take() {
        // A command that refuses its arguments exits without reading: a closed pipe is its
        // answer, not the test's failure.
        match pipe.write_all(stdin.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        }
    }
    child.wait_with_output()
}

#[allow(dead_code)]
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// For tests run as a whole under scripts/with-keyring.sh: fails at once, saying so, without one.
#[allow(dead_code)]
pub fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "these tests need a real keyring (Secret Service on D-Bus) and none is running: run them \
         under scripts/with-keyring.sh, e.g. `scripts/with-keyring.sh cargo test -p authdeck-cli \
         --test NAME` (or `make test`)"
    );
}

#[allow(dead_code)]
#[path = "../../../authdeck-core/tests/support/keyring.rs"]
mod keyring;
#[allow(unused_imports)]
pub use keyring::in_keyring_session;

/// The Secret Service daemon's process id, asked of this session's D-Bus daemon; `None` when
/// nobody owns `org.freedesktop.secrets` (no daemon runs).
#[allow(dead_code)]
pub fn secret_service_pid() -> Option<u32> {
    let out = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().last()?.parse().ok()
}

/// A small xorshift generator: random kill points without a dependency; the seed is printed.
#[allow(dead_code)]
pub struct Dice(pub u64);

#[allow(dead_code)]
impl Dice {
    pub fn from_clock() -> Dice {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Dice(nanos | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The repository's example provider files (`examples/providers/*.toml`).
#[allow(dead_code)]
pub fn example_providers() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/providers")
}

/// `login ACCOUNT --provider apikey --base-url (the sandbox's) --token-stdin`: a pasted key.
#[allow(dead_code)]
pub fn paste_key_args(sandbox: &Sandbox, account: &str) -> Vec<String> {
    [
        "login",
        account,
        "--provider",
        "apikey",
        "--base-url",
        &sandbox.base_url("apikey"),
        "--token-stdin",
    ]
    .map(String::from)
    .to_vec()
}
