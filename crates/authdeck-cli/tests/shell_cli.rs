//! Where users live: shell completion from their own data (clap_complete's dynamic
//! completion, asked the way the shells ask), man pages, NO_COLOR.

use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn authdeck(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_authdeck"));
    cmd.env("AUTHDECK_HOME", home)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COMPLETE");
    cmd
}

/// What fish would be offered for the command line `words` (the last word is being typed).
fn fish_completions(
    home: &Path,
    words: &[&str],
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let out = authdeck(home)
        .env("COMPLETE", "fish")
        .arg("--")
        .arg("authdeck")
        .args(words)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default().to_string())
        .collect())
}

/// Two accounts, added the way a user moves them between machines (no secret needed).
fn with_accounts(home: &Path) -> TestResult {
    let file = home.with_extension("export.json");
    let account = |name: &str, provider: &str| {
        json!({
            "name": name, "provider": provider, "base_url": "http://127.0.0.1:9/x",
            "email": format!("{name}@example.test"), "overrides": {}, "allow_insecure_http": false
        })
    };
    std::fs::write(
        &file,
        json!({
            "authdeck_export": 1, "exported_at": "2026-12-05T00:00:00Z",
            "accounts": [account("staging-alice", "user-login"), account("prod-bob", "meetra")],
            "providers": []
        })
        .to_string(),
    )?;
    let out = authdeck(home).arg("import").arg(&file).output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

#[test]
fn account_names_complete_from_the_users_own_accounts() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let home = tmp.path().join("home");
    with_accounts(&home)?;
    for words in [
        vec!["token", ""],
        vec!["logout", ""],
        vec!["exec", ""],
        vec!["history", ""],
    ] {
        let offered = fish_completions(&home, &words)?;
        assert!(
            offered.contains(&"staging-alice".to_string())
                && offered.contains(&"prod-bob".to_string()),
            "`authdeck {}` offers the accounts: {offered:?}",
            words.join(" ")
        );
    }
    let offered = fish_completions(&home, &["token", "sta"])?;
    assert!(offered.contains(&"staging-alice".to_string()));
    assert!(
        !offered.contains(&"prod-bob".to_string()),
        "only names that fit: {offered:?}"
    );
    Ok(())
}

#[test]
fn provider_ids_complete_after_provider() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let offered = fish_completions(
        &tmp.path().join("home"),
        &["login", "new", "--provider", ""],
    )?;
    for id in ["meetra", "user-login", "talkstack", "oidc"] {
        assert!(
            offered.contains(&id.to_string()),
            "{id} offered: {offered:?}"
        );
    }
    Ok(())
}

#[test]
fn completing_without_any_data_creates_nothing() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let home = tmp.path().join("never-made");
    let offered = fish_completions(&home, &["token", ""])?;
    assert!(
        offered.iter().all(|o| o.starts_with('-')),
        "no accounts to offer: {offered:?}"
    );
    assert!(!home.exists(), "completion must not create the data folder");
    Ok(())
}

#[test]
fn the_completion_scripts_call_authdeck_by_name() -> TestResult {
    let tmp = tempfile::tempdir()?;
    for shell in ["bash", "zsh", "fish"] {
        let out = authdeck(tmp.path()).env("COMPLETE", shell).output()?;
        let script = String::from_utf8(out.stdout)?;
        assert!(
            out.status.success() && script.contains("authdeck"),
            "{shell}: {script}"
        );
        assert!(
            !script.contains(env!("CARGO_BIN_EXE_authdeck")),
            "a {shell} script generated at packaging time must not name the build folder"
        );
    }
    Ok(())
}

#[test]
fn man_pages_are_written_for_authdeck_and_every_command() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out_dir = tmp.path().join("man");
    let out = authdeck(tmp.path())
        .args(["man", "--out"])
        .arg(&out_dir)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in [
        "authdeck.1",
        "authdeck-login.1",
        "authdeck-token.1",
        "authdeck-introspect.1",
        "authdeck-proxy.1",
    ] {
        let text = std::fs::read_to_string(out_dir.join(page))?;
        assert!(text.contains(".TH"), "{page} is a man page");
    }
    let login = std::fs::read_to_string(out_dir.join("authdeck-login.1"))?;
    assert!(
        login.contains("client\\-id"),
        "the page lists the command's options"
    );
    Ok(())
}

fn colored(out: &Output) -> bool {
    out.stderr.windows(2).any(|w| w == b"\x1b[")
}

#[test]
fn no_color_turns_colour_off_even_when_it_is_forced() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let forced = authdeck(tmp.path())
        .env("CLICOLOR_FORCE", "1")
        .arg("no-such-command")
        .output()?;
    assert!(
        colored(&forced),
        "CLICOLOR_FORCE colours the usage error (else this test proves nothing)"
    );
    let plain = authdeck(tmp.path())
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .arg("no-such-command")
        .output()?;
    assert_eq!(plain.status.code(), Some(2));
    assert!(
        !colored(&plain),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    Ok(())
}
