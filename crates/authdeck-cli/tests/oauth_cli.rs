//! OAuth accounts from the command line against a real certified provider (npm
//! `oidc-provider`): the browser sign-in through `$BROWSER` (the stand-in browser), the URL
//! printed with `--no-browser`, the device code, `token --id-token`, `introspect`, logout with
//! revocation, twenty `authdeck token` at an expiry making one refresh, and no secret in the
//! trace logs or the data folder afterwards. Real keyring (re-runs itself in one).

mod support;

#[path = "../../authdeck-core/tests/support/oidc.rs"]
mod oidc;

use oidc::Issuer;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use support::{World, in_keyring_session};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BASIC_SECRET: &str = "basic-secret-4f9c2e";

fn browser() -> String {
    oidc::dir()
        .join("browser.mjs")
        .to_string_lossy()
        .to_string()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl World {
    /// `authdeck ARGS` with the stand-in browser as `$BROWSER` and trace logging on.
    fn oauth(&self, args: &[&str]) -> Command {
        let mut cmd = self.authdeck(args);
        cmd.env("BROWSER", browser())
            .env("AUTHDECK_LOG", "trace")
            .env("OIDC_TEST_LOG", self.home.path().join("../browser.log"));
        cmd
    }
}

/// Every regular file under `dir`, read as bytes.
fn files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}

#[tokio::test]
async fn browser_sign_in_token_id_token_introspect_and_logout_revokes_leaving_no_secret_behind()
-> TestResult {
    if !in_keyring_session(
        "browser_sign_in_token_id_token_introspect_and_logout_revokes_leaving_no_secret_behind",
    ) {
        return Ok(());
    }
    let w = World::start().await?;
    let issuer = Issuer::start(&[]);
    let mut logs = String::new();
    let mut run = |cmd: &mut Command, stdin: &str| -> std::io::Result<Output> {
        let out = support::run_with_stdin(cmd, stdin)?;
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
        Ok(out)
    };
    let login = run(
        &mut w.oauth(&[
            "login",
            "corp",
            "--provider",
            "oidc",
            "--base-url",
            &issuer.issuer,
            "--client-id",
            "authdeck-basic",
            "--client-secret-stdin",
            "--json",
        ]),
        BASIC_SECRET,
    )?;
    ok(&login, "login");
    let report = json(&login);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        report["refreshable"], true,
        "a refresh token came: {report}"
    );

    let token = run(&mut w.oauth(&["token", "corp"]), "")?;
    ok(&token, "token");
    let access = String::from_utf8(token.stdout.clone())?.trim().to_string();
    assert!(access.len() > 20, "an access token: {access:?}");
    let id = run(&mut w.oauth(&["token", "corp", "--id-token"]), "")?;
    ok(&id, "token --id-token");
    let id_token = String::from_utf8(id.stdout.clone())?.trim().to_string();
    let claims = authdeck_core::jwt::claims(&id_token).ok_or("the ID token is a JWT")?;
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["aud"], "authdeck-basic");

    let seen = run(&mut w.oauth(&["introspect", "corp", "--json"]), "")?;
    ok(&seen, "introspect");
    assert_eq!(json(&seen)["active"], true);

    let vault = authdeck_core::vault::Vault::open_with_service(&w.service)?;
    let doc = vault.load("corp")?.ok_or("kept")?;
    let refresh = doc
        .refresh_token
        .ok_or("a refresh token")?
        .expose()
        .to_string();
    assert_eq!(
        doc.client_secret.map(|s| s.expose().to_string()).as_deref(),
        Some(BASIC_SECRET),
        "the client secret is in the keyring"
    );

    let out = run(&mut w.oauth(&["logout", "corp", "--json"]), "")?;
    ok(&out, "logout");
    let said = json(&out)["revocation"].as_str().unwrap_or("").to_string();
    assert!(
        said.contains("refresh token revoked") && said.contains("access token revoked"),
        "{said}"
    );
    let history = run(&mut w.oauth(&["history", "corp", "--json"]), "")?;
    let events = json(&history);
    assert!(
        events[0]["note"]
            .as_str()
            .unwrap_or("")
            .contains("confirmed"),
        "the logout event says what the server confirmed: {}",
        events[0]
    );
    let after = run(&mut w.oauth(&["introspect", "corp"]), "")?;
    assert!(
        !after.status.success(),
        "a signed-out account has nothing to ask about"
    );

    let mut stored = Vec::new();
    files(w.home.path(), &mut stored);
    assert!(!stored.is_empty(), "the data folder has files to search");
    for secret in [BASIC_SECRET, &access, &refresh, &id_token] {
        assert!(
            !logs.contains(secret),
            "a secret ({}…) is in the trace logs",
            &secret[..6]
        );
        for (path, bytes) in &stored {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "a secret ({}…) is in {path}", &secret[..6]);
        }
    }
    assert!(
        !logs.contains("code=") && !logs.contains("code_verifier"),
        "no authorization code or verifier in the logs"
    );
    Ok(())
}

#[tokio::test]
async fn no_browser_prints_the_url_and_a_browser_anywhere_finishes_the_sign_in() -> TestResult {
    if !in_keyring_session("no_browser_prints_the_url_and_a_browser_anywhere_finishes_the_sign_in")
    {
        return Ok(());
    }
    let w = World::start().await?;
    let issuer = Issuer::start(&[]);
    let mut child = w
        .authdeck(&[
            "login",
            "corp",
            "--provider",
            "oidc",
            "--base-url",
            &issuer.issuer,
            "--client-id",
            "authdeck-pkce",
            "--no-browser",
        ])
        .env("BROWSER", "/bin/false")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines.next().ok_or("the URL is printed")??;
        if let Some(url) = line.trim().strip_prefix(&issuer.issuer) {
            break format!("{}{url}", issuer.issuer);
        }
    };
    assert!(
        url.contains("code_challenge_method=S256"),
        "PKCE S256: {url}"
    );
    let status = Command::new("node").arg(browser()).arg(&url).status()?;
    assert!(
        status.success(),
        "the stand-in browser delivered the redirect"
    );
    let out = child.wait_with_output()?;
    ok(&out, "login --no-browser");
    let said = String::from_utf8(out.stdout)?;
    assert!(said.contains("Logged in corp"), "{said}");
    Ok(())
}

#[tokio::test]
async fn the_device_grant_prints_the_code_and_waits_for_approval() -> TestResult {
    if !in_keyring_session("the_device_grant_prints_the_code_and_waits_for_approval") {
        return Ok(());
    }
    let w = World::start().await?;
    let issuer = Issuer::start(&[]);
    let mut child = w
        .authdeck(&[
            "login",
            "tv",
            "--provider",
            "oidc",
            "--base-url",
            &issuer.issuer,
            "--client-id",
            "authdeck-device",
            "--device",
            "--json",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines.next().ok_or("the device URL is printed")??;
        if let Some(rest) = line.strip_prefix("To sign in, open ") {
            break rest.trim().to_string();
        }
    };
    let status = Command::new("node")
        .arg(browser())
        .args(["--device", &url])
        .env("OIDC_TEST_LOGIN", "dora")
        .status()?;
    assert!(status.success(), "the device code was approved");
    let out = child.wait_with_output()?;
    ok(&out, "login --device");
    assert_eq!(json(&out)["ok"], true);
    let id = w.authdeck(&["token", "tv", "--id-token"]).output()?;
    ok(&id, "token --id-token");
    let claims = authdeck_core::jwt::claims(String::from_utf8(id.stdout)?.trim()).ok_or("jwt")?;
    assert_eq!(claims["sub"], "dora");
    Ok(())
}

#[tokio::test]
async fn twenty_token_calls_at_an_expiry_make_one_refresh() -> TestResult {
    if !in_keyring_session("twenty_token_calls_at_an_expiry_make_one_refresh") {
        return Ok(());
    }
    let w = World::start().await?;
    let issuer = Issuer::start(&["--access-ttl", "8"]);
    let login = w
        .oauth(&[
            "login",
            "corp",
            "--provider",
            "oidc",
            "--base-url",
            &issuer.issuer,
            "--client-id",
            "authdeck-pkce",
            "--json",
        ])
        .stdin(Stdio::null())
        .output()?;
    ok(&login, "login");
    // Expired: every caller must renew, and only one may.
    tokio::time::sleep(std::time::Duration::from_secs(9)).await;
    let callers: Vec<_> = (0..20)
        .map(|_| {
            w.authdeck(&["token", "corp", "--min-valid", "2"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    let mut tokens = std::collections::HashSet::new();
    for caller in callers {
        let out = caller.wait_with_output()?;
        ok(&out, "token at expiry");
        tokens.insert(String::from_utf8(out.stdout)?);
    }
    assert_eq!(tokens.len(), 1, "everyone got the one renewed token");
    let history = w.authdeck(&["history", "corp", "--json"]).output()?;
    let events = json(&history);
    let refreshes = events
        .as_array()
        .ok_or("an array")?
        .iter()
        .filter(|e| e["action"] == "refresh")
        .count();
    assert_eq!(refreshes, 1, "one refresh for twenty callers: {events}");
    Ok(())
}
