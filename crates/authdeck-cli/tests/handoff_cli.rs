//! `authdeck exec` and `authdeck inject` against the sandbox with the real keyring: the tokens
//! reach the command or the file fresh, the server accepts them, and an account that cannot
//! be renewed stops everything before it starts. Run under scripts/with-keyring.sh.

mod support;

use authdeck_sandbox::PASSWORD;
use std::process::Output;
use support::{World, stderr};

/// The sandbox's valid API key.
const KEY: &str = authdeck_sandbox::LIVE_API_KEY;

async fn world() -> World {
    support::require_keyring();
    World::start().await.expect("a sandbox")
}

impl World {
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        support::run_with_stdin(&mut self.authdeck(args), stdin).expect("authdeck runs")
    }

    fn login(&self, account: &str, api: &str, email: &str, extra: &[&str]) {
        let mut args = support::login_args(&self.sandbox, account, api, email);
        args.extend(extra.iter().map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.run(&args, PASSWORD);
        assert!(out.status.success(), "login {account}: {}", stderr(&out));
    }

    fn paste_key(&self) {
        let examples = support::example_providers();
        let file = examples.join("apikey.toml");
        let added = self.run(&["providers", "add", &file.to_string_lossy()], "");
        assert!(added.status.success(), "{}", stderr(&added));
        let args = support::paste_key_args(&self.sandbox, "key");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.run(&args, KEY);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn token(&self, account: &str) -> String {
        let out = self.run(&["token", account], "");
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim_end().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_gives_the_command_the_token_header_and_base_url_and_never_an_argument() {
    let w = world().await;
    w.paste_key();
    let out = w.run(
        &[
            "exec",
            "key",
            "--",
            "sh",
            "-c",
            // The header the API wants, used as is; then the command's own argument list.
            "curl -s -o /dev/null -w '%{http_code}' -H \"$AUTHDECK_HEADER\" \"$AUTHDECK_BASE_URL/v1/whoami\"; \
             echo; printf '%s\\n' \"$AUTHDECK_TOKEN\"; tr '\\0' ' ' < /proc/$$/cmdline",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[0], "200", "the API accepts the header: {shown}");
    assert_eq!(lines[1], KEY, "AUTHDECK_TOKEN is the token");
    assert!(
        !lines[2].contains(KEY),
        "no token in the argument list: {}",
        lines[2]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_with_several_accounts_names_each_and_env_picks_a_name() {
    let w = world().await;
    w.login("dev", "user-login", "alice@userlogin.test", &[]);
    w.paste_key();
    let out = w.run(
        &[
            "exec",
            "dev",
            "key",
            "--env",
            "MY_TOKEN=dev",
            "--",
            "sh",
            "-c",
            "printf '%s\\n' \"$AUTHDECK_TOKEN_DEV\" \"$AUTHDECK_TOKEN_KEY\" \"$MY_TOKEN\" \"${AUTHDECK_TOKEN:-none}\"",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dev = w.token("dev");
    assert_eq!(
        stdout(&out),
        format!("{dev}\n{KEY}\n{dev}\nnone"),
        "one variable per account, and no ambiguous AUTHDECK_TOKEN"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_passes_the_commands_exit_status_and_names_a_missing_command() {
    let w = world().await;
    w.login("dev", "user-login", "alice@userlogin.test", &[]);
    let out = w.run(&["exec", "dev", "--", "sh", "-c", "exit 7"], "");
    assert_eq!(out.status.code(), Some(7));
    let missing = w.run(&["exec", "dev", "--", "no-such-command-here"], "");
    assert_eq!(missing.status.code(), Some(127));
    assert!(
        stderr(&missing).contains("command not found"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_renews_a_token_about_to_expire_before_the_command_starts() {
    let w = world().await;
    w.login("dev", "user-login", "alice+ttl30@userlogin.test", &[]);
    let before = w.sandbox.stats();
    let out = w.run(
        &[
            "exec",
            "dev",
            "--min-valid",
            "600",
            "--",
            "sh",
            "-c",
            "printf %s \"$AUTHDECK_EXPIRES_AT\"",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        w.sandbox.stats().refreshes,
        before.refreshes + 1,
        "renewed once"
    );
    assert!(!stdout(&out).is_empty(), "the command sees the new expiry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_does_not_start_the_command_when_a_token_cannot_be_renewed() {
    let w = world().await;
    // Meetra has no refresh token, and no password is remembered.
    w.login("me", "meetra", "alice@meetra.test", &[]);
    let marker = w.home.path().join("started");
    let out = w.run(
        &[
            "exec",
            "me",
            "--min-valid",
            "999999",
            "--",
            "touch",
            &marker.to_string_lossy(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be renewed"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the command never ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inject_fills_every_reference_into_a_private_file() {
    let w = world().await;
    w.login("dev", "user-login", "alice@userlogin.test", &[]);
    w.paste_key();
    let template = w.home.path().join("env.tpl");
    let output = w.home.path().join("out/.env");
    std::fs::create_dir_all(output.parent().expect("a folder")).expect("made");
    std::fs::write(
        &template,
        "DEV={{ authdeck://dev/header_line }}\nKEY={{authdeck://key/token}}\nWHO={{ authdeck://dev/claim.email }}\nKEEP={{ .other }}\n",
    )
    .expect("written");
    let out = w.run(
        &[
            "inject",
            "-i",
            &template.to_string_lossy(),
            "-o",
            &output.to_string_lossy(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&output).expect("the file");
    let dev = w.token("dev");
    assert_eq!(
        text,
        format!(
            "DEV=Authorization: Bearer {dev}\nKEY={KEY}\nWHO=alice@userlogin.test\nKEEP={{{{ .other }}}}\n"
        )
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&output)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "only the user reads it");
    }
    assert!(stdout(&out).is_empty(), "nothing on stdout with -o");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inject_writes_nothing_when_a_reference_is_wrong() {
    let w = world().await;
    w.login("dev", "user-login", "alice@userlogin.test", &[]);
    let output = w.home.path().join(".env");
    std::fs::write(&output, "OLD=kept\n").expect("written");
    for (template, needle) in [
        (
            "A={{ authdeck://dev/token }}\nB={{ authdeck://dev/tokn }}\n",
            "line 2",
        ),
        (
            "A={{ authdeck://nobody/token }}\n",
            "no account named nobody",
        ),
        ("A={{ authdeck://dev/claim.nope }}\n", "no claim nope"),
    ] {
        let out = w.run(&["inject", "-o", &output.to_string_lossy()], template);
        assert_eq!(out.status.code(), Some(2), "{template}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(needle),
            "{template}: {}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&output).expect("the file"),
            "OLD=kept\n",
            "{template}: the file is untouched"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_refuses_accounts_whose_variables_would_collide() {
    let w = world().await;
    w.paste_key();
    // `key-x` and `key.x` both make KEY_X (names only letter case apart are refused now).
    for name in ["key-x", "key.x"] {
        let args = support::paste_key_args(&w.sandbox, name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = w.run(&args, KEY);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = w.run(&["exec", "key-x", "key.x", "--", "true"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("would share"), "{}", stderr(&out));
    let taken = w.run(&["exec", "--env", "PATH=key", "--", "true"], "");
    assert_eq!(taken.status.code(), Some(2), "{}", stderr(&taken));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inject_refuses_to_replace_a_device_or_its_own_template() {
    let w = world().await;
    w.login("dev", "user-login", "alice@userlogin.test", &[]);
    let template = w.home.path().join("t.tpl");
    std::fs::write(&template, "T={{ authdeck://dev/token }}\n").expect("written");
    let t = template.to_string_lossy();
    let device = w.run(&["inject", "-i", &t, "-o", "/dev/null"], "");
    assert_eq!(device.status.code(), Some(2), "{}", stderr(&device));
    assert!(
        stderr(&device).contains("not a regular file"),
        "{}",
        stderr(&device)
    );
    let itself = w.run(&["inject", "-i", &t, "-o", &t], "");
    assert_eq!(itself.status.code(), Some(2), "{}", stderr(&itself));
    assert_eq!(
        std::fs::read_to_string(&template).expect("the template"),
        "T={{ authdeck://dev/token }}\n",
        "the template is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_refuses_a_min_valid_its_tokens_cannot_meet_before_listening() {
    let w = world().await;
    w.login("dev", "user-login", "alice+ttl30@userlogin.test", &[]);
    let out = w.run(
        &[
            "proxy",
            "dev",
            "--listen",
            "localhost:0",
            "--min-valid",
            "600",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "bad usage: {}", stderr(&out));
    assert!(
        stderr(&out).contains("--min-valid 600") && stderr(&out).contains("tokens live"),
        "the error names the flag and the lifetime: {}",
        stderr(&out)
    );
}
