//! A whole CLI workflow at the most verbose logging (`-vv` and `AUTHDECK_LOG=trace`, which also
//! turns on every dependency's logs): login with a remembered password, token, refresh, a
//! failed login, logout, remove. Then every output and every file in the data dir, read as raw
//! bytes (the SQLite file, its -wal and -shm kept alive by an open connection, lock files), is
//! searched for every password, token and refresh token used: none may be found.
//!
//! Only `authdeck token`'s stdout holds a token: that is what it is for.
//! Needs a real keyring: it re-runs itself under scripts/with-keyring.sh when not in one.

mod support;

use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox, TOTP_SECRET};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::in_keyring_session;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const WRONG_PASSWORD: &str = "wr0ng-Pa55word-for-hygiene";

/// One command's output, kept for the search at the end.
struct Step {
    args: Vec<String>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

struct World {
    home: tempfile::TempDir,
    service: String,
    sandbox: Sandbox,
    steps: Vec<Step>,
    secrets: BTreeSet<String>,
}

impl World {
    fn run(&mut self, args: &[&str], stdin: &str) -> Result<bool, Box<dyn std::error::Error>> {
        let mut cmd = support::authdeck(self.home.path(), &self.service);
        cmd.arg("-vv")
            .args(args)
            .env("AUTHDECK_LOG", "trace")
            .env("RUST_LOG", "trace");
        let out = support::run_with_stdin(&mut cmd, stdin)?;
        self.steps.push(Step {
            args: args.iter().map(|a| a.to_string()).collect(),
            stdout: out.stdout,
            stderr: out.stderr,
        });
        self.note_secrets()?;
        Ok(out.status.success())
    }

    /// Every token and refresh token the keyring holds now joins the secrets to look for.
    fn note_secrets(&mut self) -> Result<(), authdeck_core::Error> {
        let vault = Vault::open_with_service(self.service.clone())?;
        for account in ["dev", "other", "jar", "ks", "tf", "key"] {
            if let Some(doc) = vault.load(account)? {
                for secret in [doc.token, doc.refresh_token, doc.password, doc.totp_secret]
                    .into_iter()
                    .flatten()
                {
                    self.secrets.insert(secret.expose().to_string());
                }
            }
        }
        Ok(())
    }

    fn login(
        &mut self,
        account: &str,
        password: &str,
        extra: &[&str],
    ) -> Result<bool, Box<dyn std::error::Error>> {
        let login =
            support::login_args(&self.sandbox, account, "user-login", "alice@userlogin.test");
        let mut args: Vec<&str> = login.iter().map(String::as_str).collect();
        args.extend_from_slice(extra);
        self.run(&args, password)
    }
}

/// The needles for one secret: itself and, for a JWT, its signature alone.
fn needles(secret: &str) -> Vec<Vec<u8>> {
    let mut out = vec![secret.as_bytes().to_vec()];
    if secret.matches('.').count() == 2
        && let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() >= 16)
    {
        out.push(signature.as_bytes().to_vec());
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_appears_in_any_log_or_file_after_a_full_workflow_at_trace_level() -> TestResult {
    if !in_keyring_session(
        "no_secret_appears_in_any_log_or_file_after_a_full_workflow_at_trace_level",
    ) {
        return Ok(());
    }
    let support::World {
        sandbox,
        home,
        service,
    } = support::World::start().await?;
    let mut w = World {
        home,
        service,
        sandbox,
        steps: Vec::new(),
        secrets: [PASSWORD, WRONG_PASSWORD].map(String::from).into(),
    };

    assert!(w.login("dev", PASSWORD, &["--remember-password"])?, "login");
    // Keep a connection open so the -wal and -shm files outlive each command, to be searched.
    let keep_wal = rusqlite::Connection::open(w.home.path().join("authdeck.db"))?;
    let _: i64 = keep_wal.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    assert!(w.run(&["token", "dev"], "")?, "token");
    assert!(w.run(&["refresh", "dev", "--json"], "")?, "refresh");
    assert!(
        w.run(&["token", "dev", "--min-valid", "86400"], "")?,
        "token renewing"
    );
    assert!(
        w.run(&["token", "dev", "--format", "json"], "")?,
        "token json"
    );
    assert!(
        !w.login("other", WRONG_PASSWORD, &["--json"])?,
        "failed login"
    );
    assert!(
        !w.login("dev", WRONG_PASSWORD, &[])?,
        "failed login of a stored account"
    );
    assert!(w.run(&["accounts", "--json"], "")?, "accounts");
    assert!(w.run(&["history", "--json"], "")?, "history");
    assert!(w.run(&["export"], "")?, "export");
    assert!(w.run(&["logout", "dev"], "")?, "logout");
    assert!(
        w.run(&["refresh", "dev"], "")?,
        "re-login with the remembered password"
    );
    assert!(w.run(&["remove", "dev"], "")?, "remove");

    // The other login shapes: a cookie, a token in a header, a second factor with a kept TOTP
    // secret (renewed), a pasted key. Their secrets join the search as the keyring holds them.
    let examples = support::example_providers();
    let files: Vec<String> = ["cookiejar", "headertoken", "twofactor", "apikey"]
        .map(|p| {
            examples
                .join(format!("{p}.toml"))
                .to_string_lossy()
                .into_owned()
        })
        .into();
    let mut add = vec!["providers", "add"];
    add.extend(files.iter().map(String::as_str));
    assert!(w.run(&add, "")?, "providers add");
    for (account, api, email) in [
        ("jar", "cookiejar", "alice@cookiejar.test"),
        ("ks", "headertoken", "alice@headertoken.test"),
    ] {
        let args = support::login_args(&w.sandbox, account, api, email);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(w.run(&args, PASSWORD)?, "login {account}");
        assert!(
            w.run(&["token", account, "--format", "curl"], "")?,
            "token {account}"
        );
    }
    let tf = support::login_args(&w.sandbox, "tf", "twofactor", "alice@twofactor.test");
    let mut tf: Vec<&str> = tf.iter().map(String::as_str).collect();
    tf.extend(["--totp-secret-stdin", "--remember-password"]);
    assert!(
        w.run(&tf, &format!("{PASSWORD}\n{TOTP_SECRET}\n"))?,
        "login with 2FA"
    );
    assert!(w.run(&["refresh", "tf"], "")?, "refresh with 2FA");
    let apikey = w.sandbox.base_url("apikey");
    let key = [
        "login",
        "key",
        "--provider",
        "apikey",
        "--base-url",
        &apikey,
        "--token-stdin",
    ];
    assert!(w.run(&key, authdeck_sandbox::LIVE_API_KEY)?, "paste a key");
    assert!(
        w.run(&["token", "key", "--format", "json"], "")?,
        "token of a key"
    );
    assert!(
        w.secrets.contains(TOTP_SECRET),
        "the TOTP secret is searched for too"
    );

    assert!(
        // Two passwords, and the tokens and rotated refresh tokens of four sessions (a JWT
        // issued in the same second with the same claims is the same token).
        w.secrets.len() >= 12,
        "the search covers the passwords and several tokens: {}",
        w.secrets.len()
    );
    assert!(
        w.steps
            .iter()
            .any(|s| String::from_utf8_lossy(&s.stderr).contains("TRACE")),
        "trace logging was on"
    );
    let mut files = Vec::new();
    files_under(w.home.path(), &mut files)?;
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("-wal")),
        "the WAL is searched too: {names:?}"
    );

    let mut leaks = Vec::new();
    let log_bytes: usize = w.steps.iter().map(|s| s.stderr.len()).sum();
    for secret in &w.secrets {
        for needle in needles(secret) {
            for step in &w.steps {
                if contains(&step.stderr, &needle) {
                    leaks.push(format!("stderr of {:?}", step.args));
                }
                let token_output = step.args.first().is_some_and(|a| a == "token");
                if !token_output && contains(&step.stdout, &needle) {
                    leaks.push(format!("stdout of {:?}", step.args));
                }
            }
            for file in &files {
                if contains(&std::fs::read(file)?, &needle) {
                    leaks.push(format!("file {}", file.display()));
                }
            }
        }
    }
    leaks.sort();
    leaks.dedup();
    assert!(leaks.is_empty(), "secrets found in: {leaks:#?}");
    println!(
        "FIGURES hygiene_workflow: {} commands at trace level, {} secrets searched for in {} KiB \
         of logs and {} files ({}): 0 found",
        w.steps.len(),
        w.secrets.len(),
        log_bytes / 1024,
        files.len(),
        names.join(", ")
    );
    drop(keep_wal);
    Ok(())
}
