//! Under `--json` (and `token --format json`) every command that fails prints one shape on
//! stdout, `{"error":{"code","message"}}`, with a code core knows, and exits as documented (2
//! for bad input and unknown names, 1 otherwise). None of these reaches the keyring.

mod support;

use authdeck_core::error::ErrorCode;
use serde_json::Value;
use std::process::Stdio;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs `authdeck ARGS` in an empty home; returns the exit code and stdout parsed as JSON.
fn run(
    home: &std::path::Path,
    args: &[&str],
) -> Result<(Option<i32>, Value), Box<dyn std::error::Error>> {
    let out = support::authdeck(home, "authdeck-test-json-errors")
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    let json = serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "`authdeck {}` printed no JSON on stdout ({e}):\n{stdout}\nstderr:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok((out.status.code(), json))
}

#[test]
fn every_json_failure_is_one_error_object_with_a_known_code() -> TestResult {
    let home = tempfile::tempdir()?;
    let cases: [(&[&str], &str, i32); 7] = [
        (&["token", "nobody", "--format", "json"], "not_found", 2),
        (&["logout", "nobody", "--json"], "not_found", 2),
        (&["remove", "nobody", "--json"], "not_found", 2),
        (&["refresh", "nobody", "--json"], "not_found", 2),
        (&["login", "bad/name", "--json"], "invalid_input", 2),
        (&["decode", "not-a-jwt", "--json"], "malformed_token", 1),
        (
            &["suites", "show", "example:nope", "--json"],
            "not_found",
            2,
        ),
    ];
    let known: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    for (args, code, exit) in cases {
        let (status, json) = run(home.path(), args)?;
        let shown = format!("`authdeck {}` -> {status:?} {json}", args.join(" "));
        assert_eq!(status, Some(exit), "{shown}");
        let object = json.as_object().ok_or(shown.clone())?;
        assert_eq!(object.len(), 1, "only `error`: {shown}");
        let error = &json["error"];
        assert_eq!(error["code"], code, "{shown}");
        assert!(known.contains(&code), "{code} is one of core's codes");
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a message: {shown}"
        );
        assert_eq!(
            error.as_object().map(|o| o.len()),
            Some(2),
            "code and message only: {shown}"
        );
    }
    Ok(())
}

#[test]
fn a_usage_error_under_json_is_the_same_error_object() -> TestResult {
    let home = tempfile::tempdir()?;
    for args in [
        &["token", "--format", "json"][..],
        &["accounts", "--json", "--bogus"],
        &["history", "--since", "5x", "--json"],
        &["suites", "bogus", "--json"],
    ] {
        let (status, json) = run(home.path(), args)?;
        let shown = format!("`authdeck {}` -> {status:?} {json}", args.join(" "));
        assert_eq!(status, Some(2), "{shown}");
        assert_eq!(json["error"]["code"], "invalid_input", "{shown}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.len() > 10),
            "clap's words: {shown}"
        );
    }
    Ok(())
}

#[test]
fn without_json_a_failure_prints_nothing_on_stdout() -> TestResult {
    let home = tempfile::tempdir()?;
    let out = support::authdeck(home.path(), "authdeck-test-json-errors")
        .args(["token", "nobody"])
        .stdin(Stdio::null())
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "stdout stays clean for scripts");
    assert!(String::from_utf8(out.stderr)?.contains("no account named"));
    Ok(())
}
