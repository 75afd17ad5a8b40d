//! `authdeck decode` as a user runs it: the built binary, real stdin, a real JWKS server on
//! loopback, and its exit status.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CORE_DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../authdeck-core/tests/data/jwt"
);

fn authdeck(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args(args)
        .env("TZ", "UTC")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the authdeck binary starts");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A reader that refuses an input too large stops reading: the pipe breaks then.
        if let Err(e) = pipe.write_all(text.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "stdin: {e}");
        }
    }
    child.wait_with_output().expect("authdeck finishes")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn hs256(secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("jsonwebtoken signs")
}

fn access_token(secret: &str) -> String {
    hs256(
        secret,
        &json!({
            "iss": "https://auth.example.test",
            "sub": "user-42",
            "exp": now() + 7170, // 1 h 59 min 30 s: "in 1 h 59 min" even on a slow machine
            "iat": now(),
            "email": "alice@example.test",
            "scope": "read write"
        }),
    )
}

fn rfc_vector(file: &str, name: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let set: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{CORE_DATA}/{file}"))?)?;
    set["vectors"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["name"] == name))
        .cloned()
        .ok_or_else(|| format!("{file} has no vector {name}").into())
}

#[test]
fn decodes_a_token_argument_into_an_aligned_summary() {
    let out = authdeck(&["decode", &access_token("s")], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "  alg  HS256  HMAC using SHA-256 (shared secret)",
        "  iss    Issuer     https://auth.example.test",
        "  email  Email      alice@example.test",
        "  scope  Scope      read write",
        "  time       valid, expires in 1 h 59 min",
        "  signature  not verified",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn reads_the_token_from_stdin_with_a_dash_or_with_nothing() {
    let pasted = format!("Bearer {}\n", access_token("s"));
    for args in [&["decode", "-"][..], &["decode"][..]] {
        let out = authdeck(args, Some(&pasted));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("user-42"), "{args:?}");
    }
}

#[test]
fn json_output_has_the_documented_fields() -> TestResult {
    let out = authdeck(&["decode", "--json", &access_token("s")], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    let keys: Vec<&str> = doc
        .as_object()
        .ok_or("an object")?
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "header",
            "claims",
            "alg",
            "alg_description",
            "kid",
            "typ",
            "expires_at",
            "expired",
            "not_before",
            "not_yet_valid",
            "issued_at",
            "seconds_left",
            "time_status",
            "time_problems",
            "signature",
            "signature_detail",
            "verified_by",
            "key_warnings",
            "notes"
        ]
    );
    assert_eq!(doc["time_status"], "valid");
    assert_eq!(doc["alg_description"], "HMAC using SHA-256 (shared secret)");
    assert_eq!(doc["claims"]["sub"], "user-42");
    assert_eq!(doc["alg"], "HS256");
    assert_eq!(doc["expired"], false);
    assert_eq!(doc["signature"], "unverified");
    assert!(doc["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    Ok(())
}

#[test]
fn a_text_payload_is_printed_as_payload_text() -> TestResult {
    let v = rfc_vector("rfc7520.json", "4.4")?;
    let out = authdeck(
        &["decode", "--json", v["token"].as_str().ok_or("token")?],
        None,
    );
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert!(doc.get("claims").is_none());
    assert!(
        doc["payload_text"]
            .as_str()
            .is_some_and(|t| t.starts_with("It’s a dangerous business"))
    );
    Ok(())
}

#[test]
fn a_secret_from_the_environment_verifies_and_a_missing_variable_is_a_usage_error() -> TestResult {
    let token = access_token("env-held-secret");
    let run = |var: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_authdeck"));
        cmd.args([
            "decode",
            "--json",
            &token,
            "--secret-env",
            "AUTHDECK_TEST_JWT_SECRET",
        ])
        .env_remove("AUTHDECK_TEST_JWT_SECRET")
        .stdin(Stdio::null());
        if let Some(value) = var {
            cmd.env("AUTHDECK_TEST_JWT_SECRET", value);
        }
        cmd.output().expect("authdeck runs")
    };
    let good = run(Some("env-held-secret"));
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert_eq!(
        serde_json::from_slice::<Value>(&good.stdout)?["signature"],
        "valid"
    );
    let wrong = run(Some("another"));
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "a wrong secret from the environment is invalid"
    );
    let unset = run(None);
    assert_eq!(unset.status.code(), Some(2), "{}", stderr(&unset));
    assert!(
        stderr(&unset).contains("AUTHDECK_TEST_JWT_SECRET is not set"),
        "{}",
        stderr(&unset)
    );
    Ok(())
}

#[test]
fn the_right_secret_exits_0_and_a_wrong_one_exits_1() -> TestResult {
    let token = access_token("the-secret");
    let good = authdeck(
        &["decode", "--json", &token, "--secret", "the-secret"],
        None,
    );
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert_eq!(
        serde_json::from_slice::<Value>(&good.stdout)?["signature"],
        "valid"
    );

    let bad = authdeck(&["decode", "--json", &token, "--secret", "not-it"], None);
    assert_eq!(bad.status.code(), Some(1), "an invalid signature exits 1");
    let doc: Value = serde_json::from_slice(&bad.stdout)?;
    assert_eq!(doc["signature"], "invalid");
    assert!(
        doc["signature_detail"]
            .as_str()
            .is_some_and(|d| d.contains("does not match"))
    );
    Ok(())
}

#[test]
fn a_key_file_verifies_and_an_expired_token_is_signature_valid_but_expired() -> TestResult {
    let v = rfc_vector("rfc7515.json", "A.1")?;
    let dir = tempfile::tempdir()?;
    let jwk = dir.path().join("a1.jwk.json");
    std::fs::write(&jwk, v["jwk"].to_string())?;
    let token = v["token"].as_str().ok_or("token")?;
    let jwk_arg = jwk.to_str().ok_or("utf-8 path")?;

    let out = authdeck(&["decode", token, "--key", jwk_arg], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  signature  valid"), "{text}");
    assert!(text.contains("  time       expired 15 years ago"), "{text}");

    let json = authdeck(&["decode", "--json", token, "--key", jwk_arg], None);
    let doc: Value = serde_json::from_slice(&json.stdout)?;
    assert_eq!(
        (doc["signature"].clone(), doc["expired"].clone()),
        (json!("valid"), json!(true))
    );
    Ok(())
}

#[test]
fn a_pem_public_key_verifies_rs256() -> TestResult {
    let key = EncodingKey::from_rsa_pem(&std::fs::read(format!("{CORE_DATA}/keys/rsa.key.pem"))?)?;
    let token = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &json!({"sub": "x"}), &key)?;
    let good = authdeck(
        &[
            "decode",
            &token,
            "--key",
            &format!("{CORE_DATA}/keys/rsa.pub.pem"),
        ],
        None,
    );
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    let wrong = authdeck(
        &[
            "decode",
            &token,
            "--key",
            &format!("{CORE_DATA}/keys/rsa_other.pub.pem"),
        ],
        None,
    );
    assert_eq!(wrong.status.code(), Some(1));
    Ok(())
}

/// Serves one HTTP answer per connection on 127.0.0.1, in a thread, `count` times.
fn serve(status: &'static str, body: String, count: usize) -> Result<String, std::io::Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    Ok(format!("http://{addr}/.well-known/jwks.json"))
}

#[test]
fn a_jwks_url_on_loopback_verifies_by_kid() -> TestResult {
    let rsa = rfc_vector("rfc7520.json", "4.1")?;
    let ec = rfc_vector("rfc7520.json", "4.3")?;
    let jwks = json!({"keys": [ec["jwk"], rsa["jwk"]]}).to_string();
    let url = serve("200 OK", jwks, 2)?;
    for v in [&rsa, &ec] {
        let out = authdeck(
            &[
                "decode",
                "--json",
                v["token"].as_str().ok_or("token")?,
                "--jwks",
                &url,
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            serde_json::from_slice::<Value>(&out.stdout)?["signature"],
            "valid"
        );
    }
    Ok(())
}

#[test]
fn a_failing_jwks_url_says_what_happened_and_the_token_is_still_decoded() -> TestResult {
    let url = serve("500 Internal Server Error", "{}".into(), 2)?;
    let out = authdeck(&["decode", &access_token("s"), "--jwks", &url], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("HTTP 500"), "{}", stdout(&out));
    assert!(stdout(&out).contains("Claims"), "{}", stdout(&out));
    let out = authdeck(
        &["decode", "--json", &access_token("s"), "--jwks", &url],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["signature"], "unverifiable", "{json}");
    assert!(json["claims"].is_object(), "{json}");
    Ok(())
}

#[test]
fn a_jwks_url_with_credentials_is_refused_without_showing_them() {
    let out = authdeck(
        &[
            "decode",
            "--json",
            &access_token("s"),
            "--jwks",
            "http://bob:hunter2@127.0.0.1:1/jwks.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("user name or password"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("hunter2") && !stdout(&out).contains("hunter2"));
}

#[test]
fn a_secret_flag_does_not_swallow_the_next_flag() {
    let out = authdeck(&["decode", "--secret", "--json", &access_token("s")], None);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a usage error: {}",
        stdout(&out)
    );
}

#[test]
fn input_that_is_not_text_is_a_malformed_token() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authdeck"))
        .args(["decode", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(&[0xff, 0xfe, 0x2e, 0x2e]).expect("writes");
    }
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("not UTF-8"), "{}", stderr(&out));
}

#[test]
fn one_very_long_header_member_does_not_widen_every_row() {
    let header = json!({"alg": "HS256", "kid": "k".repeat(5000)});
    let token = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(r#"{"sub":"x"}"#)
    );
    let out = authdeck(&["decode", &token], None);
    let alg_row = stdout(&out)
        .lines()
        .find(|l| l.trim_start().starts_with("alg "))
        .map(str::len)
        .unwrap_or(0);
    assert!(
        alg_row > 0 && alg_row < 120,
        "the alg row is {alg_row} columns"
    );
}

#[test]
fn plain_http_jwks_is_refused_unless_it_is_loopback() {
    let out = authdeck(
        &[
            "decode",
            &access_token("s"),
            "--jwks",
            "http://issuer.example.com/jwks.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "a refused URL is a usage error");
    assert!(stderr(&out).contains("https://"), "{}", stderr(&out));
}

#[test]
fn malformed_tokens_exit_1_with_the_reason() {
    let cases = [
        ("abc.def", "expected 3 parts separated by '.', found 2"),
        ("a.b.c.d.e", "expected 3 parts separated by '.', found 5"),
        (
            "eyJhbGciOiJIUzI1NiJ9.e30",
            "expected 3 parts separated by '.', found 2",
        ),
        (
            "eyJhbGciOiJIUzI1NiJ9.e30.a+b",
            "the signature (part 3) is not base64url",
        ),
    ];
    for (token, reason) in cases {
        let out = authdeck(&["decode", token], None);
        assert_eq!(out.status.code(), Some(1), "{token}");
        assert!(stderr(&out).contains(reason), "{token}: {}", stderr(&out));
    }
    let json = authdeck(&["decode", "--json", "abc.def"], None);
    assert_eq!(json.status.code(), Some(1));
    assert!(
        stdout(&json).contains("\"malformed_token\""),
        "{}",
        stdout(&json)
    );
}

/// `{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc-1"}` and four made-up parts.
const JWE: &str = "eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIiwgImtpZCI6ICJlbmMtMSJ9.a2V5.aXY.Y2lwaGVy.dGFn";

#[test]
fn an_encrypted_token_shows_its_header_and_says_it_needs_the_key() -> TestResult {
    let out = authdeck(&["decode", JWE], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in ["alg  RSA-OAEP-256", "enc  A256GCM", "kid  enc-1"] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        stderr(&out).contains("encrypted JWE") && stderr(&out).contains("key"),
        "{}",
        stderr(&out)
    );

    let json = authdeck(&["decode", "--json", JWE], None);
    assert_eq!(json.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&json.stdout)?;
    assert_eq!(doc["error"]["code"], "encrypted_token", "{doc}");
    assert_eq!(doc["error"]["header"]["enc"], "A256GCM", "{doc}");
    assert_eq!(doc["error"]["header"]["kid"], "enc-1", "{doc}");
    Ok(())
}

#[test]
fn a_pasted_authorization_header_line_decodes_from_the_argument_and_stdin() {
    let token = access_token("s");
    for line in [
        format!("Authorization: Bearer {token}"),
        format!("authorization:bearer {token}"),
        format!("AUTHORIZATION:   Bearer   {token}\r\n"),
    ] {
        let arg = authdeck(&["decode", &line], None);
        assert_eq!(arg.status.code(), Some(0), "{line:?}: {}", stderr(&arg));
        assert!(stdout(&arg).contains("user-42"), "{line:?}");
        let piped = authdeck(&["decode"], Some(&line));
        assert_eq!(piped.status.code(), Some(0), "{line:?}: {}", stderr(&piped));
    }
}

#[test]
fn an_exp_in_milliseconds_is_a_time_not_no_expiry() -> TestResult {
    let token = hs256("s", &json!({"sub": "x", "exp": (now() + 3600) * 1000}));
    let doc: Value = serde_json::from_slice(&authdeck(&["decode", "--json", &token], None).stdout)?;
    assert_eq!(doc["time_status"], "valid", "{doc}");
    assert!(doc["expires_at"].is_string(), "{doc}");
    assert!(doc["notes"].to_string().contains("milliseconds"), "{doc}");
    let text = stdout(&authdeck(&["decode", &token], None));
    assert!(text.contains("time       valid, expires in"), "{text}");
    assert!(!text.contains("no expiry"), "{text}");
    Ok(())
}

#[test]
fn an_unreadable_exp_is_reported_as_unknown_and_named() -> TestResult {
    let token = hs256("s", &json!({"sub": "x", "exp": "tomorrow"}));
    let doc: Value = serde_json::from_slice(&authdeck(&["decode", "--json", &token], None).stdout)?;
    assert_eq!(doc["time_status"], "unknown", "{doc}");
    assert!(doc["time_problems"]["exp"].is_string(), "{doc}");
    let text = stdout(&authdeck(&["decode", &token], None));
    assert!(text.contains("time       unknown: exp"), "{text}");
    Ok(())
}

#[test]
fn json_says_a_token_is_not_yet_valid_as_the_summary_does() -> TestResult {
    let token = hs256(
        "s",
        &json!({"sub": "x", "nbf": now() + 600, "exp": now() + 3600}),
    );
    let text = stdout(&authdeck(&["decode", &token], None));
    assert!(text.contains("not yet valid"), "{text}");
    let doc: Value = serde_json::from_slice(&authdeck(&["decode", "--json", &token], None).stdout)?;
    assert_eq!(doc["not_yet_valid"], true, "{doc}");
    assert_eq!(doc["time_status"], "not_yet_valid", "{doc}");
    assert!(doc["not_before"].is_string(), "{doc}");
    Ok(())
}

#[test]
fn json_carries_the_notes_the_summary_prints() -> TestResult {
    let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
    let text = stdout(&authdeck(&["decode", unsigned], None));
    let doc: Value =
        serde_json::from_slice(&authdeck(&["decode", "--json", unsigned], None).stdout)?;
    let notes = doc["notes"].as_array().ok_or("notes")?;
    assert!(!notes.is_empty(), "{doc}");
    for note in notes {
        let message = note["message"].as_str().ok_or("a note has a message")?;
        assert!(text.contains(message), "{message:?} not in:\n{text}");
        assert!(note["code"].is_string(), "a note has a code: {note}");
    }
    assert_eq!(notes[0]["code"], "alg_none");
    assert_eq!(
        doc["signature"], "unsigned",
        "an unsigned token says so, not unverified"
    );
    assert!(text.contains("there is no signature to verify"), "{text}");
    Ok(())
}

#[test]
fn json_tells_a_forged_token_from_a_key_that_cannot_check_it() -> TestResult {
    let token = access_token("the-secret");
    let forged: Value = serde_json::from_slice(
        &authdeck(&["decode", "--json", &token, "--secret", "other"], None).stdout,
    )?;
    assert_eq!(forged["signature"], "invalid", "{forged}");
    let v = rfc_vector("rfc7515.json", "A.2").expect("the RS256 vector");
    let rs256 = v["token"].as_str().ok_or("token")?;
    let mismatch: Value = serde_json::from_slice(
        &authdeck(&["decode", "--json", rs256, "--secret", "s"], None).stdout,
    )?;
    assert_eq!(mismatch["signature"], "unverifiable", "{mismatch}");
    Ok(())
}

#[test]
fn a_repeated_claim_shows_once_with_its_last_value_in_both_views() -> TestResult {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let token = format!(
        "{}.{}.",
        b64(r#"{"alg":"none"}"#),
        b64(r#"{"role":"user","sub":"x","role":"admin"}"#)
    );
    let text = stdout(&authdeck(&["decode", &token], None));
    assert_eq!(
        text.matches("role").count(),
        2,
        "one row and one note:\n{text}"
    );
    assert!(text.contains("admin") && !text.contains("user"), "{text}");
    let doc: Value = serde_json::from_slice(&authdeck(&["decode", "--json", &token], None).stdout)?;
    assert_eq!(doc["claims"]["role"], "admin");
    let codes: Vec<&Value> = doc["notes"]
        .as_array()
        .ok_or("notes")?
        .iter()
        .map(|n| &n["code"])
        .collect();
    assert!(codes.contains(&&Value::from("duplicate_claims")), "{doc}");
    Ok(())
}

#[test]
fn an_embedded_jwk_header_is_folded_into_one_readable_row() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let n = "q".repeat(342);
    let header = format!(r#"{{"alg":"RS256","jwk":{{"kty":"RSA","e":"AQAB","n":"{n}"}}}}"#);
    let token = format!("{}.{}.c2ln", b64(&header), b64(r#"{"sub":"x"}"#));
    let text = stdout(&authdeck(&["decode", &token], None));
    let row = text
        .lines()
        .find(|l| l.trim_start().starts_with("jwk"))
        .unwrap_or_default();
    assert!(
        row.contains("342 chars") && row.chars().count() < 100,
        "{row}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let token = access_token("s");
    let both = authdeck(&["decode", &token, "--secret", "a", "--key", "k.pem"], None);
    assert_eq!(both.status.code(), Some(2), "two keys at once");
    let missing = authdeck(&["decode", &token, "--key", "/nonexistent/key.pem"], None);
    assert_eq!(missing.status.code(), Some(2), "unreadable key file");
    assert!(
        stderr(&missing).contains("/nonexistent/key.pem"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn an_unsigned_token_never_passes_a_key_check() {
    let v = rfc_vector("rfc7515.json", "A.5").expect("A.5 vector");
    let token = v["token"].as_str().expect("token");
    let out = authdeck(&["decode", token, "--secret", "anything"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("unsigned (alg none)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn help_shows_examples() {
    let out = authdeck(&["decode", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("Examples:") && text.contains("--jwks https://"),
        "{text}"
    );
}

#[test]
fn a_token_larger_than_the_limit_on_stdin_is_refused_whole_with_the_limit_named() {
    // Longer than 1 MiB: a header, a payload padded with a long claim, a signature.
    let claims = json!({"sub": "big", "pad": "x".repeat(1_100_000)});
    let token = hs256("k3y", &claims);
    assert!(token.len() > 1024 * 1024);
    let out = authdeck(&["decode", "-"], Some(&token));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("1048576 bytes"), "{}", stderr(&out));
    // One that fits is read whole and decodes.
    let fits = hs256("k3y", &json!({"sub": "big", "pad": "x".repeat(700_000)}));
    let out = authdeck(
        &["decode", "-", "--secret", "k3y"],
        Some(&format!("{fits}\n")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_key_authdeck_cannot_use_still_decodes_and_says_why() -> TestResult {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let token = format!(
        "{}.{}.c2ln",
        b64(r#"{"alg":"Ed448"}"#),
        b64(r#"{"sub":"x"}"#)
    );
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../authdeck-core/tests/data/jwt/ed448-public.pem"
    );
    let out = authdeck(&["decode", "--json", &token, "--key", key], None);
    assert_eq!(out.status.code(), Some(1), "not verified: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["claims"]["sub"], "x", "the token is still decoded");
    assert_eq!(doc["signature"], "unverifiable");
    assert!(
        doc["signature_detail"]
            .as_str()
            .is_some_and(|d| d.contains("Ed448")),
        "{doc}"
    );
    Ok(())
}

#[test]
fn a_jwks_names_the_key_that_verified_and_warns_of_an_x5c_that_disagrees() -> TestResult {
    let token = access_token("second-secret");
    let jwks = serde_json::json!({"keys": [
        {"kty": "oct", "kid": "first", "k": "Zmlyc3Qtc2VjcmV0"},
        {"kty": "oct", "k": "c2Vjb25kLXNlY3JldA"}
    ]});
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, jwks.to_string())?;
    let out = authdeck(
        &["decode", "--json", &token, "--key", &file.to_string_lossy()],
        None,
    );
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["signature"], "valid", "{doc}");
    assert_eq!(
        doc["verified_by"], "key #2",
        "the key without a kid, by its place"
    );

    // An RSA JWK whose certificate holds another key than its n/e.
    let v = rfc_vector("rfc7515.json", "A.2")?;
    let mut jwk = v["jwk"].clone();
    // A real certificate, of another RSA key: its PEM body is the x5c entry (base64 DER).
    let pem = std::fs::read_to_string(format!("{CORE_DATA}/keys/rsa.cert.pem"))?;
    let der_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    jwk["x5c"] = serde_json::json!([der_b64]);
    let file = dir.path().join("jwk.json");
    std::fs::write(&file, jwk.to_string())?;
    let rs256 = v["token"].as_str().ok_or("token")?;
    let out = authdeck(
        &["decode", "--json", rs256, "--key", &file.to_string_lossy()],
        None,
    );
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["signature"], "valid", "n and e still verify: {doc}");
    let warnings = doc["key_warnings"].as_array().ok_or("key_warnings")?;
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("x5c"))),
        "{doc}"
    );

    // The certificate's own key with its own certificate: no warning.
    let agreeing = format!("{CORE_DATA}/keys/rsa.x5c.jwk.json");
    let out = authdeck(&["decode", "--json", rs256, "--key", &agreeing], None);
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["key_warnings"], serde_json::json!([]), "{doc}");
    Ok(())
}

#[test]
fn a_jwks_with_no_key_authdeck_can_use_still_decodes_as_unverifiable() -> TestResult {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let token = format!(
        "{}.{}.c2ln",
        b64(r#"{"alg":"Ed448","kid":"big"}"#),
        b64(r#"{"sub":"x"}"#)
    );
    // An Ed448 public key (57 bytes of x) and a key for encryption only.
    let jwks = serde_json::json!({"keys": [
        {"kty": "OKP", "crv": "Ed448", "kid": "big", "x": b64(&"x".repeat(57))},
        {"kty": "RSA", "use": "enc", "kid": "enc-1", "n": "AQAB", "e": "AQAB"}
    ]});
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("jwks.json");
    std::fs::write(&file, jwks.to_string())?;
    let out = authdeck(
        &["decode", "--json", &token, "--key", &file.to_string_lossy()],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "not verified: {}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(
        doc["claims"]["sub"], "x",
        "the token is still decoded: {doc}"
    );
    assert_eq!(doc["signature"], "unverifiable", "{doc}");
    let detail = doc["signature_detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("Ed448") && detail.contains("enc-1"),
        "the detail names each key and why it was skipped: {detail}"
    );
    Ok(())
}

#[test]
fn two_tokens_on_stdin_are_refused_as_two_not_read_as_a_jwe() {
    let token = access_token("s");
    let out = authdeck(&["decode"], Some(&format!("{token}\n{token}\n")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("found 2 tokens separated by whitespace"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("JWE"), "{}", stderr(&out));
}

#[test]
fn an_alg_that_is_not_a_string_is_named_not_called_missing() -> TestResult {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let token = format!("{}.{}.c2ln", b64(r#"{"alg":1}"#), b64(r#"{"sub":"x"}"#));
    let out = authdeck(&["decode", "--json", &token, "--secret", "k"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout)?;
    let codes: Vec<&str> = doc["notes"]
        .as_array()
        .map(|n| n.iter().filter_map(|n| n["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"alg_not_string"), "{doc}");
    assert!(!codes.contains(&"no_alg"), "{doc}");
    assert!(
        doc["signature_detail"]
            .as_str()
            .is_some_and(|d| d.contains("not a string")),
        "{doc}"
    );
    Ok(())
}

#[test]
fn decode_help_lists_every_algorithm_it_verifies() {
    let out = authdeck(&["decode", "--help"], None);
    let help = stdout(&out);
    for alg in [
        "HS*",
        "RS*",
        "PS*",
        "ES256/384/512",
        "ES256K",
        "EdDSA",
        "Ed25519",
    ] {
        assert!(help.contains(alg), "{alg} missing from: {help}");
    }
}

#[test]
fn a_claim_cannot_draw_its_own_status_lines_on_the_terminal() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let sub = "alice\n\nStatus\n  signature  valid\u{1b}[8m\u{202e}";
    let token = format!(
        "{}.{}.AAAA",
        b64(r#"{"alg":"HS256","kid":"k\nsignature  valid"}"#),
        b64(&serde_json::json!({ "sub": sub }).to_string())
    );
    let out = authdeck(&["decode", &token, "--secret", "k"], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    let valid_lines = text
        .lines()
        .filter(|l| l.trim_start().starts_with("signature") && l.contains("valid"))
        .count();
    assert_eq!(valid_lines, 1, "only the real Status line: {text}");
    assert!(
        text.contains("\\u{a}"),
        "the line break is shown escaped: {text}"
    );
}

#[test]
fn a_header_member_longer_than_a_format_width_is_shown_not_a_panic() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let long = "k".repeat(70_000);
    let token = format!(
        "{}.{}.c2ln",
        b64(&format!(r#"{{"alg":"HS256","kid":"{long}","{long}":1}}"#)),
        b64(r#"{"sub":"x"}"#)
    );
    // Over one argument's limit (128 KiB): given on stdin, as such tokens come.
    let out = authdeck(&["decode"], Some(&token));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&long));
}
