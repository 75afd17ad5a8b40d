//! The login shapes from the command line, as a user types them: example provider files in
//! the providers folder, a second factor with the TOTP secret piped in beside the password, a
//! one-time code given with --otp, a pasted API key, and every hand-out format the server
//! then accepts. Real keyring: run under scripts/with-keyring.sh (make test does).

mod support;

use authdeck_sandbox::{PASSWORD, TOTP_SECRET};
use std::process::{Output, Stdio};
use support::{World, stderr};

/// The sandbox's valid API key.
const LIVE_KEY: &str = authdeck_sandbox::LIVE_API_KEY;

async fn world() -> World {
    support::require_keyring();
    let w = World::start().await.expect("a sandbox");
    let providers = w.home.path().join("providers");
    std::fs::create_dir_all(&providers).expect("a providers folder");
    let examples = support::example_providers();
    for entry in std::fs::read_dir(examples).expect("the example providers") {
        let path = entry.expect("an entry").path();
        std::fs::copy(&path, providers.join(path.file_name().expect("a name"))).expect("copied");
    }
    w
}

impl World {
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        support::run_with_stdin(&mut self.authdeck(args), stdin).expect("authdeck runs")
    }

    fn token(&self, account: &str, format: &str) -> String {
        let out = self
            .authdeck(&["token", account, "--format", format])
            .stdin(Stdio::null())
            .output()
            .expect("authdeck runs");
        assert!(out.status.success(), "token {account}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// GETs `path` of `api` with a `Name: value` header line; the status.
    async fn accepted(&self, api: &str, path: &str, header_line: &str) -> u16 {
        let (name, value) = header_line.split_once(": ").expect("a header line");
        reqwest::Client::new()
            .get(format!("{}{path}", self.sandbox.base_url(api)))
            .header(name, value)
            .send()
            .await
            .expect("the sandbox answers")
            .status()
            .as_u16()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_login_with_the_totp_secret_on_the_second_stdin_line_then_renews() {
    let w = world().await;
    let mut args = support::login_args(&w.sandbox, "tf", "twofactor", "alice@twofactor.test");
    args.extend(["--totp-secret-stdin", "--remember-password"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = w.run(&args, &format!("{PASSWORD}\n{TOTP_SECRET}\n"));
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let refreshed = w.run(&["refresh", "tf"], "");
    assert!(refreshed.status.success(), "{}", stderr(&refreshed));
    let header = w.token("tf", "header");
    assert_eq!(w.accepted("twofactor", "/me", &header).await, 200);
    let everything = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !everything.contains(TOTP_SECRET),
        "the secret is never printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_otp_is_refused_with_the_servers_words_and_exit_1() {
    let w = world().await;
    let mut args = support::login_args(&w.sandbox, "tf", "twofactor", "alice@twofactor.test");
    args.extend(["--otp", "000000", "--json"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = w.run(&args, PASSWORD);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(json["error_code"], "invalid_otp", "{json}");
    assert_eq!(json["message"], "The code is wrong or expired.", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_key_is_kept_and_every_format_carries_it_as_the_api_wants() {
    let w = world().await;
    let base = w.sandbox.base_url("apikey");
    let out = w.run(
        &[
            "login",
            "key",
            "--provider",
            "apikey",
            "--base-url",
            &base,
            "--token-stdin",
            "--expires-at",
            "2099-12-31",
        ],
        &format!("{LIVE_KEY}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Kept the pasted token"),
        "{}",
        stdout(&out)
    );
    assert_eq!(w.token("key", "raw"), LIVE_KEY);
    let header = w.token("key", "header");
    assert_eq!(header, format!("X-API-Key: {LIVE_KEY}"));
    assert_eq!(w.accepted("apikey", "/v1/whoami", &header).await, 200);
    assert_eq!(
        w.token("key", "curl"),
        format!("-H 'X-API-Key: {LIVE_KEY}'")
    );
    let json: serde_json::Value =
        serde_json::from_str(&w.token("key", "json")).expect("a JSON document");
    assert_eq!(json["use"]["header"], "X-API-Key", "{json}");
    assert_eq!(json["expires_at"], "2099-12-31T00:00:00Z", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_that_serde_json_cannot_hold_are_given_as_text_under_json() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let w = world().await;
    let claims = r#"{"sub":"qa","big":1e400,"exp":4102444800,"odd":"\ud800"}"#;
    let token = format!("eyJhbGciOiJub25lIn0.{}.", URL_SAFE_NO_PAD.encode(claims));
    let base = w.sandbox.base_url("meetra");
    let out = w.run(
        &[
            "login",
            "odd",
            "--provider",
            "meetra",
            "--base-url",
            &base,
            "--token-stdin",
            "--json",
        ],
        &format!("{token}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(json["claims"]["sub"], "qa", "{json}");
    assert_eq!(json["claims"]["exp"], 4_102_444_800_i64, "{json}");
    assert_eq!(json["claims"]["big"], "1e400", "kept as written: {json}");
    assert_eq!(
        json["claims"]["odd"], r#""\ud800""#,
        "kept as written: {json}"
    );
    assert_eq!(json["expires_at"], "2100-01-01T00:00:00Z", "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_session_and_a_form_login_are_handed_out_as_their_servers_accept() {
    let w = world().await;
    for (account, api, email) in [
        ("jar", "cookiejar", "alice@cookiejar.test"),
        ("form", "formlogin", "alice@formlogin.test"),
    ] {
        let args = support::login_args(&w.sandbox, account, api, email);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = w.run(&args, PASSWORD);
        assert!(out.status.success(), "{account}: {}", stderr(&out));
    }
    let cookie = w.token("jar", "header");
    assert!(cookie.starts_with("Cookie: sid="), "{cookie}");
    assert_eq!(w.accepted("cookiejar", "/me", &cookie).await, 200);
    let form = w.token("form", "header");
    assert!(form.starts_with("Authorization: Token "), "{form}");
    assert_eq!(w.accepted("formlogin", "/me", &form).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasting_into_a_login_flag_mix_is_a_usage_error() {
    let w = world().await;
    let out = w.run(
        &[
            "login",
            "k",
            "--provider",
            "apikey",
            "--token-stdin",
            "--password-stdin",
        ],
        "x\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_add_checks_every_file_and_copies_none_when_one_is_wrong() {
    support::require_keyring();
    let w = World::start().await.expect("a sandbox");
    let examples = support::example_providers();
    let good = examples.join("apikey.toml");
    let bad = w.home.path().join("bad.toml");
    std::fs::write(&bad, "id = \"bad\"\n").expect("written");
    let (good, bad) = (good.to_string_lossy(), bad.to_string_lossy());
    let refused = w.run(&["providers", "add", &good, &bad], "");
    assert_eq!(
        refused.status.code(),
        Some(2),
        "bad input: {}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("bad.toml"),
        "names the file: {}",
        stderr(&refused)
    );
    assert!(
        !w.home.path().join("providers/apikey.toml").exists(),
        "nothing copied when one file is wrong"
    );
    let added = w.run(&["providers", "add", "--json", &good], "");
    assert!(added.status.success(), "{}", stderr(&added));
    let json: serde_json::Value = serde_json::from_slice(&added.stdout).expect("JSON");
    assert_eq!(json["added"][0], "apikey");
    let listed = w.run(&["providers"], "");
    assert!(stdout(&listed).contains("apikey"), "{}", stdout(&listed));
}
