//! Storage faults through the built `authdeck`, as a user meets them: a read-only data dir, a
//! database from a newer Authdeck or a damaged one, and a keyring that is absent, locked, or
//! whose entry was deleted or garbled by another tool. Each: a clear message, a non-zero exit,
//! no panic, and nothing lost (files byte for byte, keyring entries, history events).
//!
//! Tests that need a working keyring re-run themselves under scripts/with-keyring.sh.

mod support;

use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use support::{in_keyring_session, stderr};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// How the CLI reaches the keyring in a run.
#[derive(Clone, Copy, PartialEq)]
enum Keyring {
    /// The test's own (unlocked) session.
    Working,
    /// No D-Bus session at all.
    Absent,
    /// A fresh gnome-keyring that was never unlocked.
    Locked,
}

struct World {
    home: tempfile::TempDir,
    runtime: tempfile::TempDir,
    service: String,
    sandbox: Sandbox,
}

impl World {
    async fn new() -> Result<World, Box<dyn std::error::Error>> {
        let support::World {
            sandbox,
            home,
            service,
        } = support::World::start().await?;
        Ok(World {
            home,
            runtime: tempfile::tempdir()?,
            service,
            sandbox,
        })
    }

    fn db(&self) -> PathBuf {
        self.home.path().join("authdeck.db")
    }

    /// `authdeck ARGS` with this world's home and service; `wrap` runs it under another program
    /// (a locked keyring session, a read-only mount).
    fn run_as(&self, keyring: Keyring, wrap: &[&str], args: &[&str], stdin: &str) -> Output {
        let exe = env!("CARGO_BIN_EXE_authdeck");
        let mut c = match (keyring, wrap) {
            (Keyring::Locked, _) => {
                let mut c = Command::new("dbus-run-session");
                c.args(["--", "bash", "-c"])
                    .arg(
                        "gnome-keyring-daemon --daemonize --components=secrets >/dev/null 2>&1; \
                         exec \"$@\"",
                    )
                    .arg("locked-keyring")
                    .args(wrap)
                    .arg(exe);
                c
            }
            (_, []) => Command::new(exe),
            (_, [program, rest @ ..]) => {
                let mut c = Command::new(program);
                c.args(rest).arg(exe);
                c
            }
        };
        // Under dbus-run-session, a keyring daemon that D-Bus activates inherits stdout and
        // stderr and outlives the run: with pipes, reading to their end would wait for it
        // forever. Files end when the run does.
        let out = tempfile::tempfile().expect("a temporary file");
        let err = tempfile::tempfile().expect("a temporary file");
        c.args(args)
            .env("AUTHDECK_HOME", self.home.path())
            .env("AUTHDECK_KEYRING_SERVICE", &self.service)
            .env_remove("AUTHDECK_LOG")
            .stdin(Stdio::piped())
            .stdout(out.try_clone().expect("the file handle"))
            .stderr(err.try_clone().expect("the file handle"));
        if keyring != Keyring::Working {
            let home = self.runtime.path().join("home");
            let _ = std::fs::create_dir_all(&home);
            c.env_remove("DBUS_SESSION_BUS_ADDRESS")
                .env("XDG_RUNTIME_DIR", self.runtime.path())
                .env("HOME", &home)
                .env("XDG_DATA_HOME", home.join(".local/share"));
        }
        let mut child = c.spawn().expect("authdeck starts");
        if let Some(mut pipe) = child.stdin.take() {
            let _ = pipe.write_all(stdin.as_bytes());
        }
        let status = child.wait().expect("authdeck runs");
        Output {
            status,
            stdout: read_all(out),
            stderr: read_all(err),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_as(Keyring::Working, &[], args, "")
    }

    fn login_args(&self, account: &str) -> Vec<String> {
        support::login_args(&self.sandbox, account, "user-login", "alice@userlogin.test")
    }

    fn login_with(&self, keyring: Keyring, wrap: &[&str], account: &str) -> Output {
        let args = self.login_args(account);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run_as(keyring, wrap, &args, PASSWORD)
    }

    fn vault(&self) -> Result<Vault, authdeck_core::Error> {
        Vault::open_with_service(self.service.clone())
    }

    fn secret_tool(&self, args: &[&str], stdin: &str) -> std::io::Result<Output> {
        support::run_with_stdin(Command::new("secret-tool").args(args), stdin)
    }

    /// Every history row, as text, to compare before and after.
    fn history_rows(&self) -> Result<Vec<String>, rusqlite::Error> {
        let conn = rusqlite::Connection::open_with_flags(
            self.db(),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        let mut stmt = conn.prepare(
            "SELECT id, action, ok, account, coalesce(note, '') FROM events ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            ))
        })?;
        rows.collect()
    }
}

/// A non-zero exit with `needle` in the message, and no panic.
fn assert_clear_failure(o: &Output, what: &str, needle: &str) {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "{what}: must fail, exit {:?}\n{err}",
        o.status.code()
    );
    assert!(!err.contains("panicked"), "{what}: no panic: {err}");
    assert!(
        err.contains("error: ") && err.contains(needle),
        "{what}: the message says `{needle}`: {err}"
    );
    println!("{what}: {}", err.trim_end());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_dir_gives_a_clear_error_and_loses_nothing() -> TestResult {
    if !in_keyring_session("a_read_only_data_dir_gives_a_clear_error_and_loses_nothing") {
        return Ok(());
    }
    let w = World::new().await?;
    let ok = w.login_with(Keyring::Working, &[], "dev");
    assert!(ok.status.success(), "{}", stderr(&ok));
    let db_before = std::fs::read(w.db())?;
    let rows_before = w.history_rows()?;
    let secrets_before = w.vault()?.load("dev")?;
    let logins_before = w.sandbox.stats().logins;

    // root ignores file modes: mount the folder read-only in a private mount namespace instead.
    let dir = w.home.path().to_string_lossy().to_string();
    let is_root = Command::new("id").arg("-u").output()?.stdout == b"0\n";
    let script = "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"";
    let wrap: Vec<&str> = if is_root {
        vec!["unshare", "-m", "sh", "-c", script, &dir]
    } else {
        Command::new("chmod").args(["-R", "a-w", &dir]).status()?;
        vec![]
    };
    for args in [
        &["login"][..],
        &["logout", "dev"],
        &["refresh", "dev"],
        &["accounts"],
    ] {
        let out = if args == ["login"] {
            w.login_with(Keyring::Working, &wrap, "dev")
        } else {
            w.run_as(Keyring::Working, &wrap, args, "")
        };
        assert_clear_failure(&out, &format!("{args:?} in a read-only dir"), &dir);
        assert!(
            stderr(&out).contains("write"),
            "{args:?}: says it cannot write: {}",
            stderr(&out)
        );
    }
    if !is_root {
        Command::new("chmod").args(["-R", "u+w", &dir]).status()?;
    }
    assert_eq!(
        w.sandbox.stats().logins,
        logins_before,
        "nothing was sent that could not be kept"
    );
    assert_eq!(
        std::fs::read(w.db())?,
        db_before,
        "the database is untouched"
    );
    assert_eq!(w.history_rows()?, rows_before, "no event lost");
    assert_eq!(
        w.vault()?.load("dev")?,
        secrets_before,
        "the keyring entry is untouched"
    );
    let out = w.run(&["token", "dev"]);
    assert!(
        out.status.success(),
        "writable again, the session works: {}",
        stderr(&out)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_a_newer_authdeck_or_a_damaged_one_is_refused_by_every_command_and_kept()
-> TestResult {
    for damage in ["newer", "damaged"] {
        let w = World::new().await?;
        // A real history first (no keyring needed: a failed login stores no secret).
        let mut args = w.login_args("dev");
        args.push("--json".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let failed = w.run_as(Keyring::Absent, &[], &args, "wrong-password");
        assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
        {
            let conn = rusqlite::Connection::open(w.db())?;
            if damage == "newer" {
                conn.pragma_update(None, "user_version", 99)?;
            }
        }
        if damage == "damaged" {
            let mut bytes = std::fs::read(w.db())?;
            let end = bytes.len().min(4096);
            for (i, byte) in bytes[100..end].iter_mut().enumerate() {
                *byte = (i * 31 + 7) as u8;
            }
            std::fs::write(w.db(), &bytes)?;
        }
        let before = std::fs::read(w.db())?;
        let logins = w.sandbox.stats().logins;
        let needle = if damage == "newer" {
            "newer Authdeck"
        } else {
            "not an Authdeck database"
        };
        for args in [
            &["accounts"][..],
            &["history"],
            &["token", "dev"],
            &["refresh", "dev"],
            &["logout", "dev"],
        ] {
            let out = w.run_as(Keyring::Absent, &[], args, "");
            assert_clear_failure(&out, &format!("{damage}: {args:?}"), needle);
        }
        let login = w.login_with(Keyring::Absent, &[], "dev");
        assert_clear_failure(&login, &format!("{damage}: login"), needle);
        assert_eq!(
            w.sandbox.stats().logins,
            logins,
            "{damage}: refused before any password is sent"
        );
        assert_eq!(
            std::fs::read(w.db())?,
            before,
            "{damage}: the file is kept byte for byte"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_json_without_a_usable_keyring_prints_one_json_error_on_stdout() -> TestResult {
    for (keyring, needle) in [
        (Keyring::Absent, "no keyring service is running"),
        (Keyring::Locked, "the keyring is locked"),
    ] {
        let w = World::new().await?;
        let mut args = w.login_args("dev");
        args.push("--json".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = w.run_as(keyring, &[], &args, PASSWORD);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            format!(
                "{needle}: stdout is one JSON document ({e}): {:?}",
                String::from_utf8_lossy(&out.stdout)
            )
        })?;
        assert_eq!(json["error"]["code"], "keyring", "{json}");
        let message = json["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "{message}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_a_usable_keyring_fails_clearly_and_the_history_says_the_session_was_not_stored()
-> TestResult {
    for (keyring, needle) in [
        (Keyring::Absent, "no keyring service is running"),
        (Keyring::Locked, "the keyring is locked"),
    ] {
        let w = World::new().await?;
        let out = w.login_with(keyring, &[], "dev");
        assert_clear_failure(&out, needle, needle);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(w.sandbox.stats().logins, 1, "the login itself went through");
        let rows = w.history_rows()?;
        assert!(
            rows.iter()
                .any(|r| r.contains(" login 1 dev ") && r.contains("session not stored")),
            "{needle}: the login is in the history, noting the session was not stored: {rows:?}"
        );
        let token = w.run_as(keyring, &[], &["token", "dev"], "");
        assert!(!token.status.success(), "no token without a keyring");
        assert!(
            token.stdout.is_empty(),
            "nothing on stdout: {:?}",
            token.stdout
        );
        assert!(!stderr(&token).contains("panicked"), "{}", stderr(&token));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyring_entry_deleted_or_garbled_by_another_tool_gives_a_clear_error_and_login_recovers()
-> TestResult {
    if !in_keyring_session(
        "a_keyring_entry_deleted_or_garbled_by_another_tool_gives_a_clear_error_and_login_recovers",
    ) {
        return Ok(());
    }
    let w = World::new().await?;
    for name in ["gone", "garbled"] {
        let out = w.login_with(Keyring::Working, &[], name);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let cleared = w.secret_tool(&["clear", "service", &w.service, "username", "gone"], "")?;
    assert!(cleared.status.success(), "secret-tool clear");
    let stored = w.secret_tool(
        &[
            "store", "--label", "garbage", "service", &w.service, "username", "garbled",
        ],
        "this is not what authdeck wrote",
    )?;
    assert!(stored.status.success(), "secret-tool store");
    let rows_before = w.history_rows()?;

    let gone = w.run(&["token", "gone"]);
    assert_clear_failure(&gone, "deleted entry", "authdeck login gone");
    assert!(
        stderr(&gone).contains("keyring no longer holds its token"),
        "says what happened, not just that it expired: {}",
        stderr(&gone)
    );
    let garbled = w.run(&["token", "garbled"]);
    assert_clear_failure(&garbled, "garbled entry", "authdeck logout garbled");
    let relogin = w.login_with(Keyring::Working, &[], "garbled");
    assert_clear_failure(
        &relogin,
        "login over a garbled entry",
        "authdeck logout garbled",
    );
    let rows = w.history_rows()?;
    assert!(
        rows.starts_with(&rows_before),
        "the history keeps every earlier event"
    );
    let listed = w.run(&["accounts"]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        listed.contains("gone") && listed.contains("garbled"),
        "both accounts are kept: {listed}"
    );

    // What the messages say to do works.
    let out = w.login_with(Keyring::Working, &[], "gone");
    assert!(out.status.success(), "login again: {}", stderr(&out));
    let out = w.run(&["logout", "garbled"]);
    assert!(out.status.success(), "logout garbled: {}", stderr(&out));
    let out = w.login_with(Keyring::Working, &[], "garbled");
    assert!(out.status.success(), "login after logout: {}", stderr(&out));
    for name in ["gone", "garbled"] {
        let out = w.run(&["token", name]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
    Ok(())
}

/// Everything written to a temporary file, from its start.
fn read_all(mut file: std::fs::File) -> Vec<u8> {
    use std::io::{Read, Seek};
    let mut bytes = Vec::new();
    let _ = file.rewind().and_then(|_| file.read_to_end(&mut bytes));
    bytes
}
