//! The vault against a real Secret Service (gnome-keyring on a private D-Bus session).
//!
//! Each test re-runs itself inside `scripts/with-keyring.sh` unless it is already inside one
//! (`scripts/with-keyring.sh cargo test -p authdeck-core --test vault_secret_service` runs them
//! all in one session). The trouble cases start their own, broken, sessions.

#[path = "support/keyring.rs"]
mod keyring;

use authdeck_core::vault::{Vault, VaultDoc};
use authdeck_core::{Error, Secret};
use keyring::in_keyring_session;
use std::process::{Command, Output, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A service name of its own per test, so parallel tests never see each other's entries.
/// (Not via $AUTHDECK_KEYRING_SERVICE: the environment is shared by parallel tests.)
fn vault_for(test: &str) -> Result<Vault, Error> {
    Vault::open_with_service(format!("authdeck-test-{}-{test}", std::process::id()))
}

fn secret_tool(args: &[&str], stdin: Option<&str>) -> std::io::Result<Output> {
    use std::io::Write;
    let mut child = Command::new("secret-tool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or("").as_bytes())?;
    }
    child.wait_with_output()
}

fn sample() -> VaultDoc {
    VaultDoc {
        scheme: Some("Token".into()),
        totp_secret: Some(Secret::new("GEZDGNBVGY3TQOJQ")),
        id_token: Some(Secret::new("eyJhbGciOiJSUzI1NiJ9.e30.sig-id")),
        client_secret: Some(Secret::new("client-s3cret")),
        token: Some(Secret::new("eyJhbGciOi.token.value")),
        refresh_token: Some(Secret::new("refresh-\"quoted\"-\\-value")),
        password: Some(Secret::new("s3cret pass\nwith newline")),
    }
}

#[test]
fn save_load_delete_round_trip() -> TestResult {
    if !in_keyring_session("save_load_delete_round_trip") {
        return Ok(());
    }
    let vault = vault_for("round-trip")?;
    assert_eq!(
        vault.load("alice")?,
        None,
        "nothing is stored before the first save"
    );
    vault.save("alice", &sample())?;
    assert_eq!(
        vault.load("alice")?,
        Some(sample()),
        "what was saved comes back"
    );

    let token_only = VaultDoc {
        token: Some(Secret::new("second")),
        ..VaultDoc::default()
    };
    vault.save("alice", &token_only)?;
    assert_eq!(
        vault.load("alice")?,
        Some(token_only),
        "a save replaces the document"
    );

    vault.delete("alice")?;
    assert_eq!(vault.load("alice")?, None, "delete removes the entry");
    vault.delete("alice")?;
    Ok(())
}

#[test]
fn secret_tool_reads_what_the_vault_saved() -> TestResult {
    if !in_keyring_session("secret_tool_reads_what_the_vault_saved") {
        return Ok(());
    }
    let vault = vault_for("interop")?;
    let doc = VaultDoc {
        scheme: None,
        totp_secret: None,
        id_token: None,
        client_secret: None,
        token: Some(Secret::new("tok-1")),
        refresh_token: None,
        password: Some(Secret::new("pw-2")),
    };
    vault.save("bob", &doc)?;
    let out = secret_tool(
        &["lookup", "service", vault.service(), "username", "bob"],
        None,
    )?;
    assert!(out.status.success(), "secret-tool finds the entry: {out:?}");
    assert_eq!(
        String::from_utf8(out.stdout)?,
        r#"{"token":"tok-1","password":"pw-2"}"#,
        "the entry is the plain JSON document, under service/username attributes"
    );
    vault.delete("bob")?;
    Ok(())
}

#[test]
fn entry_garbled_by_another_tool_gives_a_clear_error() -> TestResult {
    if !in_keyring_session("entry_garbled_by_another_tool_gives_a_clear_error") {
        return Ok(());
    }
    let vault = vault_for("garbled")?;
    let out = secret_tool(
        &[
            "store",
            "--label",
            "not ours",
            "service",
            vault.service(),
            "username",
            "carol",
        ],
        Some("this is not json"),
    )?;
    assert!(
        out.status.success(),
        "secret-tool stored the entry: {out:?}"
    );
    let err = vault
        .load("carol")
        .expect_err("a garbled entry is an error, not a session");
    let message = err.to_string();
    assert!(matches!(err, Error::Keyring(_)), "a keyring error: {err:?}");
    assert!(
        message.contains("the keyring entry for carol")
            && message.contains("not readable")
            && message.contains("authdeck logout carol"),
        "the message says what to do: {message}"
    );
    assert!(
        !message.contains("this is not json"),
        "the entry's content is not quoted"
    );
    vault.delete("carol")?;
    assert_eq!(
        vault.load("carol")?,
        None,
        "a garbled entry can still be deleted"
    );
    Ok(())
}

#[test]
fn entry_deleted_behind_our_back_is_no_session() -> TestResult {
    if !in_keyring_session("entry_deleted_behind_our_back_is_no_session") {
        return Ok(());
    }
    let vault = vault_for("deleted")?;
    vault.save("dave", &sample())?;
    let out = secret_tool(
        &["clear", "service", vault.service(), "username", "dave"],
        None,
    )?;
    assert!(
        out.status.success(),
        "secret-tool cleared the entry: {out:?}"
    );
    assert_eq!(
        vault.load("dave")?,
        None,
        "a vanished entry reads as no session"
    );
    Ok(())
}

#[test]
fn vault_calls_work_inside_a_tokio_runtime() -> TestResult {
    if !in_keyring_session("vault_calls_work_inside_a_tokio_runtime") {
        return Ok(());
    }
    for flavor in ["current_thread", "multi_thread"] {
        let runtime = match flavor {
            "current_thread" => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            _ => tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?,
        };
        let result: Result<Option<VaultDoc>, Error> = runtime.block_on(async {
            // Called directly on a runtime thread, as careless async code would.
            let vault = vault_for(&format!("tokio-{flavor}"))?;
            vault.save("erin", &sample())?;
            let loaded = vault.load("erin")?;
            vault.delete("erin")?;
            // And the recommended way.
            let vault2 = vault.clone();
            let again = tokio::task::spawn_blocking(move || vault2.load("erin"))
                .await
                .map_err(|e| Error::Io(e.to_string()))??;
            assert_eq!(again, None, "spawn_blocking sees the deletion");
            Ok(loaded)
        });
        assert_eq!(result?, Some(sample()), "the {flavor} runtime round-trips");
    }
    Ok(())
}

#[test]
fn no_secret_service_gives_a_clear_keyring_error() -> TestResult {
    // No D-Bus session at all: no bus address, and a runtime dir without a bus socket.
    let empty_runtime_dir = tempfile::tempdir()?;
    let out = Command::new(std::env::current_exe()?)
        .args([
            "child_open_vault_expecting_no_service",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", empty_runtime_dir.path())
        .env("AUTHDECK_IN_KEYRING_SESSION", "1")
        .output()?;
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child saw the clear error: {shown}"
    );
    assert!(shown.contains("1 passed"), "the child test ran: {shown}");
    Ok(())
}

#[test]
#[ignore = "run by no_secret_service_gives_a_clear_keyring_error without a D-Bus session"]
fn child_open_vault_expecting_no_service() {
    // Opening contacts nothing (a cached token needs no Secret Service): the first call that
    // needs the keyring reports it.
    let vault = Vault::open().expect("opening contacts nothing");
    let err = vault
        .load("alice")
        .expect_err("no Secret Service is reachable here");
    let message = err.to_string();
    println!("error shown to the user: {message}");
    assert!(matches!(err, Error::Keyring(_)), "a keyring error: {err:?}");
    assert!(
        message.contains("no keyring service is running")
            && message.contains("gnome-keyring or KWallet"),
        "the message says what to start: {message}"
    );
}

#[test]
fn locked_keyring_gives_a_clear_error() -> TestResult {
    // gnome-keyring started without --unlock: no unlocked default collection, and unlocking
    // needs a prompt nobody can answer.
    let home = tempfile::tempdir()?;
    let runtime = tempfile::tempdir()?;
    let (stdout, stderr) = (tempfile::tempfile()?, tempfile::tempfile()?);
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "-c"])
        .arg(
            "gnome-keyring-daemon --daemonize --components=secrets >/dev/null 2>&1; \
             exec \"$@\"",
        )
        .arg("locked-keyring")
        .arg(std::env::current_exe()?)
        .args([
            "child_save_expecting_locked",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("XDG_DATA_HOME", home.path().join(".local/share"))
        .env("AUTHDECK_IN_KEYRING_SESSION", "1")
        // A keyring daemon that D-Bus activates inherits stdout and outlives the session: a
        // pipe would never end, a file does.
        .stdout(stdout.try_clone()?)
        .stderr(stderr.try_clone()?)
        .status()?;
    let read = |mut file: std::fs::File| -> std::io::Result<String> {
        use std::io::{Read, Seek};
        let mut text = String::new();
        file.rewind()?;
        file.read_to_string(&mut text)?;
        Ok(text)
    };
    let shown = read(stdout)?;
    assert!(
        out.success(),
        "the child saw the clear error: {shown}\n{}",
        read(stderr)?
    );
    assert!(shown.contains("1 passed"), "the child test ran: {shown}");
    Ok(())
}

#[test]
#[ignore = "run by locked_keyring_gives_a_clear_error inside a locked keyring session"]
fn child_save_expecting_locked() {
    let outcome = vault_for("locked").and_then(|vault| {
        vault.save("frank", &sample())?;
        vault.load("frank")
    });
    let err = outcome.expect_err("a locked keyring cannot store anything");
    let message = err.to_string();
    println!("error shown to the user: {message}");
    assert!(matches!(err, Error::Keyring(_)), "a keyring error: {err:?}");
    assert!(
        message.contains("the keyring is locked: unlock it"),
        "the message says what to do: {message}"
    );
}
