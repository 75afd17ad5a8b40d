//! `authdeck export-env` as a user runs it: accounts logged in against the sandbox with the real
//! keyring, each format written to a file, read back by that tool's own parser from npm
//! (`tests/formats/read.mjs`: postman-collection, insomnia-importers, @usebruno/lang, dotenv),
//! and the header it read sent to the sandbox. Run under scripts/with-keyring.sh (make test
//! does); `scripts/deps.sh test` installs tests/formats/node_modules.

mod support;

use authdeck_sandbox::PASSWORD;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::{World, stderr};

/// The sandbox's valid API key.
const LIVE_KEY: &str = authdeck_sandbox::LIVE_API_KEY;
const FORMATS: [&str; 4] = ["postman", "insomnia", "bruno", "dotenv"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A sandbox, the example providers in the providers folder, and three accounts: `dev`
/// (user-login, Bearer), `form` (a form login the API wants as `Authorization: Token`) and
/// `key` (a pasted API key, sent as `X-API-Key`).
async fn world() -> World {
    support::require_keyring();
    let w = World::start().await.expect("a sandbox");
    let add = w
        .authdeck(&["providers", "add"])
        .args(
            ["apikey.toml", "formlogin.toml"]
                .map(|f| repo().join("examples/providers").join(f).into_os_string()),
        )
        .stdin(Stdio::null())
        .output()
        .expect("authdeck runs");
    assert!(add.status.success(), "providers add: {}", stderr(&add));
    w.login("dev", "user-login", "alice@userlogin.test");
    w.login("form", "formlogin", "alice@formlogin.test");
    let args = support::paste_key_args(&w.sandbox, "key");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = w.run(&args, &format!("{LIVE_KEY}\n"));
    assert!(out.status.success(), "login key: {}", stderr(&out));
    w
}

impl World {
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        support::run_with_stdin(&mut self.authdeck(args), stdin).expect("authdeck runs")
    }

    fn login(&self, account: &str, api: &str, email: &str) {
        let args = support::login_args(&self.sandbox, account, api, email);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.run(&args, PASSWORD);
        assert!(out.status.success(), "login {account}: {}", stderr(&out));
    }

    fn token(&self, account: &str) -> String {
        let out = self.run(&["token", account], "");
        assert!(out.status.success(), "token {account}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// `export-env --format FORMAT ACCOUNTS -o FILE`, which must succeed; the file.
    fn export(&self, format: &str, accounts: &[&str], extra: &[&str]) -> PathBuf {
        let file = self.file(&format!("env.{format}"));
        let file_arg = file.to_string_lossy().to_string();
        let mut args = vec!["export-env", "--format", format, "-o", &file_arg];
        args.extend(accounts);
        args.extend(extra);
        let out = self.run(&args, "");
        assert!(out.status.success(), "export {format}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "with -o, nothing on stdout");
        file
    }

    /// GETs `url` with the header `name: value`; the status.
    async fn status_with(&self, url: &str, name: &str, value: &str) -> u16 {
        reqwest::Client::new()
            .get(url)
            .header(name, value)
            .send()
            .await
            .expect("the sandbox answers")
            .status()
            .as_u16()
    }
}

/// What the tool's own parser read from `file`: {reader, variables, secret, private?}.
fn read_with_tool(format: &str, file: &Path) -> Value {
    let formats = repo().join("tests/formats");
    assert!(
        formats.join("node_modules/postman-collection").exists(),
        "the format parsers are not installed: run `scripts/deps.sh test` (make test does)"
    );
    let out = Command::new("node")
        .arg(formats.join("read.mjs"))
        .arg(format)
        .arg(file)
        .output()
        .expect("node runs (scripts/deps.sh installs it with the UI's tools)");
    assert!(
        out.status.success(),
        "{format}'s parser refused the file: {}\n{}",
        stderr(&out),
        std::fs::read_to_string(file).unwrap_or_default()
    );
    serde_json::from_slice(&out.stdout).expect("read.mjs prints JSON")
}

/// A variable as the format names it: upper case in dotenv.
fn var<'a>(read: &'a Value, format: &str, name: &str) -> &'a str {
    let key = if format == "dotenv" {
        name.to_ascii_uppercase()
    } else {
        name.to_string()
    };
    read["variables"][&key]
        .as_str()
        .unwrap_or_else(|| panic!("{format}: no variable {key} in {read}"))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("the file")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_reads_back_with_its_tools_parser_and_its_headers_work() {
    let w = world().await;
    let dev_token = w.token("dev");
    let form_token = w.token("form");
    for format in FORMATS {
        let file = w.export(format, &["dev", "form", "key"], &[]);
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600, "{format}: readable by the user alone");
        let read = read_with_tool(format, &file);
        let v = |name: &str| var(&read, format, name).to_string();

        // The user-login account: its token and Bearer header round-trip. The sandbox's
        // user-login API has no route that checks a bearer token, so it is not sent anywhere.
        assert_eq!(v("dev_token"), dev_token, "{format}");
        assert_eq!(v("dev_auth_header"), "Authorization", "{format}");
        assert_eq!(
            v("dev_auth_value"),
            format!("Bearer {dev_token}"),
            "{format}"
        );
        assert_eq!(v("dev_base_url"), w.sandbox.base_url("user-login"));
        assert!(v("dev_expires_at").ends_with('Z'), "{format}: RFC 3339 UTC");

        // A form login the API wants as `Authorization: Token …`: sent to its /me.
        assert_eq!(v("form_token"), form_token, "{format}");
        let me = format!("{}/me", v("form_base_url"));
        let status = w
            .status_with(&me, &v("form_auth_header"), &v("form_auth_value"))
            .await;
        assert_eq!(
            status,
            200,
            "{format}: {} accepted at {me}",
            v("form_auth_value")
        );

        // The pasted key, as X-API-Key: sent to /v1/whoami.
        assert_eq!(v("key_token"), LIVE_KEY, "{format}");
        assert_eq!(v("key_auth_header"), "X-API-Key", "{format}");
        assert_eq!(v("key_expires_at"), "", "{format}: unknown expiry");
        let whoami = format!("{}/v1/whoami", v("key_base_url"));
        let status = w
            .status_with(&whoami, &v("key_auth_header"), &v("key_auth_value"))
            .await;
        assert_eq!(status, 200, "{format}: the key is accepted at {whoami}");

        assert!(
            read["variables"].get("token").is_none() && read["variables"].get("TOKEN").is_none(),
            "{format}: plain names only for a single account"
        );
        match format {
            "postman" => {
                let secret = read["secret"].as_array().cloned().unwrap_or_default();
                for name in ["dev_token", "dev_auth_value", "key_token", "key_auth_value"] {
                    assert!(secret.contains(&Value::from(name)), "{name} secret: {read}");
                }
                assert!(!secret.contains(&Value::from("dev_base_url")), "{read}");
            }
            "insomnia" => {
                assert_eq!(read["private"], true, "a private environment: {read}");
                assert!(read["reader"].as_str().unwrap_or("").contains("insomnia-4"));
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_account_also_gets_plain_names_and_stdout_is_the_default() {
    let w = world().await;
    let out = w.run(&["export-env", "--format", "dotenv", "key"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let file = w.file("stdout.env");
    std::fs::write(&file, &out.stdout).expect("written");
    let read = read_with_tool("dotenv", &file);
    assert_eq!(var(&read, "dotenv", "token"), LIVE_KEY);
    assert_eq!(var(&read, "dotenv", "auth_header"), "X-API-Key");
    assert_eq!(var(&read, "dotenv", "key_token"), LIVE_KEY);
    assert_eq!(
        var(&read, "dotenv", "base_url"),
        w.sandbox.base_url("apikey")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_about_to_expire_is_renewed_before_it_is_exported() {
    let w = world().await;
    w.login("short", "user-login", "alice+ttl2@userlogin.test");
    let before = w.token("short");
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let refreshes = w.sandbox.stats().refreshes;
    let file = w.export("postman", &["short"], &["--min-valid", "1"]);
    assert_eq!(w.sandbox.stats().refreshes - refreshes, 1, "one refresh");
    let read = read_with_tool("postman", &file);
    let token = var(&read, "postman", "short_token");
    assert_ne!(token, before, "the renewed token, not the expired one");
    assert_eq!(var(&read, "postman", "token"), token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_or_unrenewable_account_is_named_and_nothing_is_written() {
    let w = world().await;
    let file = w.file("kept.json");
    std::fs::write(&file, "the previous export").expect("written");
    let file_arg = file.to_string_lossy().to_string();

    let out = w.run(
        &[
            "export-env",
            "--format",
            "postman",
            "dev",
            "nobody",
            "-o",
            &file_arg,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nobody"), "{}", stderr(&out));

    w.login("me", "meetra", "alice+ttl1@meetra.test");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let out = w.run(
        &[
            "export-env",
            "--format",
            "bruno",
            "dev",
            "me",
            "-o",
            &file_arg,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("me") && stderr(&out).contains("authdeck login me"),
        "names the account and what to do: {}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "the previous export",
        "an error leaves the file as it was"
    );

    let missing = w.file("no/such/folder/env.json");
    let missing_arg = missing.to_string_lossy().to_string();
    let out = w.run(
        &[
            "export-env",
            "--format",
            "dotenv",
            "dev",
            "-o",
            &missing_arg,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no/such/folder/env.json"),
        "names the path: {}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty(), "no token on stdout either");
    let leftovers: Vec<_> = std::fs::read_dir(w.home.path())
        .expect("the home")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}
