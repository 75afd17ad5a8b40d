//! Passwords in suite files from the CLI (issue 14, item 11): `check` and `suites show` warn
//! about a password written in the file, and `suites password NAME` keeps one in the real
//! keyring for `password_keyring = "NAME"`. Run under scripts/with-keyring.sh.

mod support;

use support::{World, require_keyring, run_with_stdin, stderr};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PLAIN: &str = r#"
[defaults]
provider = "user-login"
base_url = "${SANDBOX_URL}/user-login"
password = "s3cret-pass"

[[case]]
name = "alice logs in"
email = "alice@userlogin.test"
ok = true
"#;

const KEPT: &str = r#"
[defaults]
provider = "user-login"
base_url = "${SANDBOX_URL}/user-login"

[[case]]
name = "alice logs in"
email = "alice@userlogin.test"
password_keyring = "smoke.alice"
ok = true
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suite_that_writes_its_password_warns_in_check_and_show_and_still_runs() -> TestResult {
    let env = World::start().await?;
    let path = env.home.path().join("plain.toml");
    std::fs::write(&path, PLAIN)?;
    let file = path.display().to_string();
    let out = env
        .authdeck(&["check", &file])
        .env("SANDBOX_URL", env.sandbox.url())
        .output()?;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "an old file still runs: {err}");
    assert!(
        err.contains("warning:") && err.contains("[defaults] writes its password"),
        "{err}"
    );
    assert!(
        !err.contains("s3cret-pass"),
        "the warning never shows it: {err}"
    );

    let out = env.authdeck(&["suites", "show", &file]).output()?;
    assert!(
        stderr(&out).contains("password_keyring"),
        "show says what to use instead: {}",
        stderr(&out)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_kept_with_suites_password_logs_in_without_being_in_the_file() -> TestResult {
    require_keyring();
    let env = World::start().await?;
    let kept = run_with_stdin(
        &mut env.authdeck(&["suites", "password", "smoke.alice"]),
        "s3cret-pass\n",
    )?;
    assert!(kept.status.success(), "{}", stderr(&kept));

    let path = env.home.path().join("kept.toml");
    std::fs::write(&path, KEPT)?;
    let out = env
        .authdeck(&["check", &path.display().to_string()])
        .env("SANDBOX_URL", env.sandbox.url())
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", stderr(&out));
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    let wrong = run_with_stdin(
        &mut env.authdeck(&["suites", "password", "smoke.alice"]),
        "not-the-password\n",
    )?;
    assert!(wrong.status.success(), "{}", stderr(&wrong));
    let out = env
        .authdeck(&["check", &path.display().to_string()])
        .env("SANDBOX_URL", env.sandbox.url())
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "the replaced password is the one sent"
    );
    Ok(())
}
