//! `authdeck check` as a user runs it: the built binary against an in-process sandbox, with a
//! temporary AUTHDECK_HOME. No keyring is needed (no case here reads a remembered password).
//! Multi-threaded runtime: the sandbox must keep serving while the test waits on the process.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::World;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn env() -> Result<World, Box<dyn std::error::Error>> {
    World::start().await
}

impl World {
    fn check(&self, args: &[&str]) -> Result<Output, std::io::Error> {
        self.authdeck(&["check"])
            .args(args)
            .env("SANDBOX_URL", self.sandbox.url())
            .stdin(Stdio::null())
            .output()
    }

    fn write(&self, name: &str, text: &str) -> Result<PathBuf, std::io::Error> {
        let path = self.home.path().join(name);
        std::fs::write(&path, text)?;
        Ok(path)
    }

    /// Runs `authdeck history --json` and returns the events.
    fn history(&self) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
        let out = self
            .authdeck(&["history", "--json", "--limit", "0"])
            .output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(serde_json::from_slice(&out.stdout)?)
    }
}

fn examples() -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qa");
    let mut files: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    Ok(files)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const WRONG: &str = r#"
name = "deliberately wrong"
[defaults]
provider = "talkstack"
base_url = "${SANDBOX_URL}/talkstack"
password = "s3cret-pass"

[[case]]
name = "alice logs in"
email = "alice@talkstack.test"
ok = true

[[case]]
name = "unknown email taken for a wrong password"
email = "nobody@talkstack.test"
kind = "invalid_password"
http_status = 401
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_suites_all_pass_and_exit_0() -> TestResult {
    let env = env().await?;
    let files = examples()?;
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.extend(["--concurrency", "3"]);
    let out = env.check(&args)?;
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("5 suites:") && stdout.contains("0 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("passed, 0 failed, 0 could not run"),
        "every example case passes: {stdout}"
    );
    assert!(
        !stdout.lines().any(|l| l.trim_start().starts_with("FAIL")),
        "{stdout}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deliberately_wrong_expectation_exits_1_with_a_readable_diff() -> TestResult {
    let env = env().await?;
    let suite = env.write("wrong.toml", WRONG)?;
    let out = env.check(&[&suite.display().to_string()])?;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.contains("FAIL") && l.contains("unknown email taken for a wrong password"))
        .ok_or(format!("a FAIL row for the case:\n{stdout}"))?;
    assert!(
        lines[row].contains("user_not_found 404 USER_NOT_FOUND"),
        "{stdout}"
    );
    let diff = lines[row + 1..].join("\n");
    for want in [
        "kind         expected invalid_password",
        "             actual   user_not_found",
        "http_status  expected 401",
        "             actual   404",
        "answer: user_not_found, HTTP 404, code USER_NOT_FOUND, \"User not found.\"",
    ] {
        assert!(diff.contains(want), "the diff shows {want:?}:\n{stdout}");
    }
    let pass_row = lines
        .iter()
        .find(|l| l.contains("alice logs in"))
        .ok_or("a row for the passing case")?;
    assert!(pass_row.trim_start().starts_with("pass"), "{stdout}");
    // The header and the rows line up: CASE starts in the same column everywhere.
    let header = lines
        .iter()
        .find(|l| l.contains("RESULT"))
        .ok_or("a header")?;
    let column = header.find("CASE").ok_or("a CASE column")?;
    assert_eq!(pass_row.find("alice logs in"), Some(column), "{stdout}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_file_exits_2_naming_file_line_and_field_and_sends_nothing() -> TestResult {
    let env = env().await?;
    let good = env.write("good.toml", WRONG)?;
    let bad = env.write(
        "bad.toml",
        "[defaults]\nprovider = \"meetra\"\npassword = \"x\"\n\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nkind = \"wrong_kind\"\n",
    )?;
    let before = env.sandbox.stats().logins;
    let out = env.check(&[&good.display().to_string(), &bad.display().to_string()])?;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}, line 8", bad.display())) && stderr.contains("field `kind`"),
        "{stderr}"
    );
    assert_eq!(
        env.sandbox.stats().logins,
        before,
        "a broken suite stops the run before any request"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junit_and_json_reports_carry_the_same_counts() -> TestResult {
    let env = env().await?;
    let suite = env.write("wrong.toml", WRONG)?;
    let junit = env.home.path().join("report.xml");
    let out = env.check(&[
        &suite.display().to_string(),
        "--json",
        "--junit",
        &junit.display().to_string(),
    ])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["passed"], 1);
    assert_eq!(json["failed"], 1);
    let case = &json["suites"][0]["cases"][1];
    assert_eq!(case["status"], "fail");
    assert_eq!(case["mismatches"][0]["field"], "kind");
    assert_eq!(case["actual"]["http_status"], 404);

    let xml = std::fs::read_to_string(&junit)?;
    let doc = roxmltree::Document::parse(&xml)?;
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .ok_or("a testsuite")?;
    assert_eq!(suite.attribute("name"), Some("deliberately wrong"));
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("errors"), Some("0"));
    assert_eq!(
        suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        2
    );

    let run_id = json["run_id"].as_str().ok_or("a run id")?;
    let events = env.history()?;
    assert_eq!(events.len(), 2, "each attempt in the history: {events:?}");
    for event in &events {
        assert_eq!(event["action"], "check");
        assert_eq!(event["suite_run"], run_id);
        assert!(
            event["token_fingerprint"].is_null(),
            "no token kept: {event}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn var_flag_and_case_filter_choose_where_and_what_runs() -> TestResult {
    let env = env().await?;
    let suite = env.write("wrong.toml", WRONG)?;
    let before = env.sandbox.stats().logins;
    let out = Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args([
            "check",
            &suite.display().to_string(),
            "--case",
            "alice logs in",
        ])
        .args(["--var", &format!("SANDBOX_URL={}", env.sandbox.url())])
        .env("AUTHDECK_HOME", env.home.path())
        .env_remove("SANDBOX_URL")
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        env.sandbox.stats().logins - before,
        1,
        "only the named case ran"
    );

    let out = env.check(&[&suite.display().to_string(), "--case", "no such case"])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no case named \"no such case\""),
        "{}",
        text(&out.stderr)
    );

    let out = Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args(["check", &suite.display().to_string()])
        .env("AUTHDECK_HOME", env.home.path())
        .env_remove("SANDBOX_URL")
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unset variable is a usage error"
    );
    assert!(
        text(&out.stderr).contains("SANDBOX_URL is not set"),
        "{}",
        text(&out.stderr)
    );
    Ok(())
}
