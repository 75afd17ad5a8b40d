//! Decoding explains malformed input by segment, and inspection explains claims and times.

use authdeck_core::jwt::{self, ClaimKind, Malformed, Payload, Segment, TimeStatus};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An unsigned-looking HS256 token around these claims (decoding never needs a valid signature).
fn token_with(claims: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#),
        b64(claims.to_string()),
        b64([7u8; 32])
    )
}

fn now() -> Timestamp {
    "2026-11-22T12:00:00Z".parse().expect("valid timestamp")
}

fn paris() -> TimeZone {
    TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("valid POSIX TZ")
}

#[test]
fn wrong_part_counts_are_named_and_five_parts_with_an_enc_header_is_an_encrypted_jwe() {
    let cases = [
        ("abc", "expected 3 parts separated by '.', found 1"),
        ("abc.def", "expected 3 parts separated by '.', found 2"),
        ("a.b.c.d", "expected 3 parts separated by '.', found 4"),
        (
            "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d",
            "this is an encrypted JWE (5 parts; alg RSA-OAEP, enc A256GCM): its claims cannot be \
             read without the recipient's decryption key",
        ),
        // Five parts whose first is not a JWE header (no `enc`) are not called encrypted.
        ("a.b.c.d.e", "expected 3 parts separated by '.', found 5"),
        ("   ", "the token is empty"),
    ];
    for (text, message) in cases {
        let err = jwt::decode(text).expect_err("malformed");
        assert_eq!(err.to_string(), message, "for input {text:?}");
    }
}

#[test]
fn an_encrypted_token_shows_its_protected_header_under_its_own_code() -> TestResult {
    let header = r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc-1","cty":"JWT"}"#;
    let jwe = format!("{}.a2V5.aXY.Y2lwaGVy.dGFn", b64(header));
    let err = authdeck_core::Error::from(jwt::decode(&jwe).expect_err("a JWE is not readable"));
    assert_eq!(err.code(), authdeck_core::error::ErrorCode::EncryptedToken);
    let payload = serde_json::to_value(authdeck_core::error::ErrorPayload::from(&err))?;
    assert_eq!(payload["code"], "encrypted_token");
    assert_eq!(payload["header"], serde_json::from_str::<Value>(header)?);
    let message = payload["message"].as_str().ok_or("a message")?;
    for words in [
        "encrypted",
        "alg RSA-OAEP-256",
        "enc A256GCM",
        "kid enc-1",
        "key",
    ] {
        assert!(message.contains(words), "{message}");
    }
    Ok(())
}

#[test]
fn each_segment_names_itself_when_it_is_not_base64url() {
    let good = token_with(&json!({"sub": "x"}));
    let parts: Vec<&str> = good.split('.').collect();
    for (i, segment) in [Segment::Header, Segment::Payload, Segment::Signature]
        .into_iter()
        .enumerate()
    {
        let mut broken: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        broken[i].insert(2, '!');
        let err = jwt::decode(&broken.join(".")).expect_err("'!' is not base64url");
        assert!(
            matches!(err, Malformed::NotBase64Url { segment: s, .. } if s == segment),
            "{err}"
        );
        assert!(err.to_string().contains("'!' at character 3"), "{err}");
    }
}

#[test]
fn a_header_or_jwt_payload_that_is_not_json_says_so() {
    let err = jwt::decode(&format!("{}.{}.", b64("{\"alg\":"), b64("{}"))).expect_err("bad header");
    assert!(
        matches!(
            err,
            Malformed::NotJson {
                segment: Segment::Header,
                ..
            }
        ),
        "{err}"
    );
    let err = jwt::decode(&format!("{}.{}.", b64("[1,2]"), b64("{}"))).expect_err("array header");
    assert_eq!(err, Malformed::HeaderNotObject);

    // typ JWT promises claims, so a broken JSON object is an error rather than "text".
    let err = jwt::decode(&format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64("{\"sub\":")
    ))
    .expect_err("broken claims");
    assert!(
        err.to_string()
            .starts_with("the payload (part 2) is not JSON"),
        "{err}"
    );
}

#[test]
fn payloads_are_claims_text_or_binary() -> TestResult {
    let header = b64(r#"{"alg":"none"}"#);
    let text = jwt::decode(&format!("{header}.{}.", b64("just words")))?;
    assert_eq!(text.payload(), &Payload::Text("just words".into()));
    let binary = jwt::decode(&format!("{header}.{}.", b64([0xff, 0x00, 0xfe])))?;
    assert_eq!(binary.payload(), &Payload::Binary(vec![0xff, 0x00, 0xfe]));
    let inspection = jwt::inspect(&binary, now(), &TimeZone::UTC);
    assert_eq!(inspection.payload_base64.as_deref(), Some("/wD+"));
    assert!(inspection.claims.is_none());
    Ok(())
}

#[test]
fn a_pasted_authorization_header_with_whitespace_decodes() -> TestResult {
    let token = token_with(&json!({"sub": "x"}));
    let pasted = format!("\n  bearer {}\r\n   {}\t\n", &token[..20], &token[20..]);
    assert_eq!(jwt::decode(&pasted)?.compact(), token);
    Ok(())
}

#[test]
fn a_whole_authorization_header_line_decodes() -> TestResult {
    let token = token_with(&json!({"sub": "x"}));
    for pasted in [
        format!("Authorization: Bearer {token}"),
        format!("authorization:bearer {token}"),
        format!("AUTHORIZATION :   BEARER   {token}\r\n"),
        format!("  Authorization: Bearer {token}\n"),
        format!("Authorization: {token}"),
    ] {
        let decoded = jwt::decode(&pasted).map_err(|e| format!("{pasted:?}: {e}"))?;
        assert_eq!(decoded.compact(), token, "{pasted:?}");
    }
    assert!(
        jwt::decode(&format!("Authorization: Basic {token}")).is_err(),
        "only the Bearer scheme is dropped"
    );
    Ok(())
}

#[test]
fn registered_claims_are_explained_with_utc_local_and_relative_times() -> TestResult {
    let now = now();
    let claims = json!({
        "iss": "https://auth.example.test",
        "sub": "user-42",
        "aud": ["api", "admin"],
        "exp": now.as_second() + 7199,
        "nbf": now.as_second() - 60,
        "iat": now.as_second() - 60,
        "jti": "t-1",
        "custom": 1
    });
    let decoded = jwt::decode(&token_with(&claims))?;
    let inspection = jwt::inspect(&decoded, now, &paris());

    let names: Vec<&str> = inspection.explained.iter().map(|c| c.name).collect();
    assert_eq!(names, ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);
    assert!(
        inspection
            .explained
            .iter()
            .all(|c| c.kind == ClaimKind::Registered)
    );
    let aud = &inspection.explained[2];
    assert_eq!((aud.label, aud.text.as_str()), ("Audience", "api, admin"));

    let exp = inspection.expires_at.as_ref().ok_or("exp explained")?;
    assert_eq!(exp.utc, "2026-11-22 13:59:59 UTC");
    assert_eq!(exp.local, "2026-11-22 14:59:59 CET");
    assert_eq!(exp.relative, "in 1 h 59 min");
    assert_eq!(inspection.time_status, TimeStatus::Valid);
    assert!(!inspection.expired);
    assert_eq!(inspection.seconds_left, Some(7199));
    let iat = inspection
        .explained
        .iter()
        .find(|c| c.name == "iat")
        .ok_or("iat")?;
    assert_eq!(
        iat.time.as_ref().map(|t| t.relative.as_str()),
        Some("1 min ago")
    );
    assert_eq!(
        iat.text,
        (now.as_second() - 60).to_string(),
        "a time claim's text is the NumericDate as written"
    );
    assert_eq!(
        inspection.alg_description,
        Some("HMAC using SHA-256 (shared secret)")
    );
    assert_eq!(inspection.kid.as_deref(), Some("k1"));
    Ok(())
}

#[test]
fn an_expired_token_says_how_long_ago() -> TestResult {
    let now = now();
    let decoded = jwt::decode(&token_with(
        &json!({"exp": now.as_second() - 3 * 86400 - 5}),
    ))?;
    let inspection = jwt::inspect(&decoded, now, &TimeZone::UTC);
    assert_eq!(inspection.time_status, TimeStatus::Expired);
    assert!(inspection.expired);
    assert_eq!(
        inspection.expires_at.map(|t| t.relative.clone()),
        Some("expired 3 days ago".to_owned())
    );
    Ok(())
}

#[test]
fn expiry_is_exclusive_and_nbf_in_the_future_is_not_yet_valid() -> TestResult {
    let now = now();
    let at_exp = jwt::decode(&token_with(&json!({"exp": now.as_second()})))?;
    assert!(
        jwt::inspect(&at_exp, now, &TimeZone::UTC).expired,
        "exp is the first invalid second"
    );

    let early = jwt::decode(&token_with(&json!({"nbf": now.as_second() + 300})))?;
    assert_eq!(
        jwt::inspect(&early, now, &TimeZone::UTC).time_status,
        TimeStatus::NotYetValid
    );
    let forever = jwt::decode(&token_with(&json!({"sub": "x"})))?;
    assert_eq!(
        jwt::inspect(&forever, now, &TimeZone::UTC).time_status,
        TimeStatus::NoExpiry
    );
    Ok(())
}

#[test]
fn common_claims_are_called_out() -> TestResult {
    let claims = json!({
        "email": "alice@example.test",
        "email_verified": true,
        "name": "Alice",
        "scope": "read:users write:users",
        "roles": ["admin", "qa"],
        "realm_access": {"roles": ["offline_access"]}
    });
    let inspection = jwt::inspect(&jwt::decode(&token_with(&claims))?, now(), &TimeZone::UTC);
    let text = |name: &str| {
        inspection
            .explained
            .iter()
            .find(|c| c.name == name && c.kind == ClaimKind::Common)
            .map(|c| (c.label, c.text.clone()))
    };
    assert_eq!(text("email"), Some(("Email", "alice@example.test".into())));
    assert_eq!(
        text("email_verified"),
        Some(("Email verified", "yes".into()))
    );
    assert_eq!(text("name"), Some(("Name", "Alice".into())));
    assert_eq!(
        text("scope"),
        Some(("Scope", "read:users write:users".into()))
    );
    assert_eq!(text("roles"), Some(("Roles", "admin, qa".into())));
    assert_eq!(
        text("realm_access"),
        Some(("Realm roles", "offline_access".into()))
    );
    Ok(())
}

#[test]
fn odd_tokens_get_notes_worth_a_second_look() -> TestResult {
    let now = now();
    let claims = json!({
        "exp": now.as_millisecond(),
        "iat": now.as_second() + 3600,
        "nbf": "tomorrow"
    });
    let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(claims.to_string()));
    let inspection = jwt::inspect(&jwt::decode(&none)?, now, &TimeZone::UTC);
    let codes: Vec<&str> = inspection.notes.iter().map(|n| n.code.as_str()).collect();
    for code in ["alg_none", "odd_time", "iat_in_future", "unreadable_time"] {
        assert!(codes.contains(&code), "a {code} note: {codes:?}");
    }
    let notes: Vec<&str> = inspection
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    let notes = notes.join("\n");
    assert!(notes.contains("unsigned"), "{notes}");
    assert!(
        notes.contains("exp") && notes.contains("milliseconds"),
        "{notes}"
    );
    assert!(notes.contains("iat is 1 h in the future"), "{notes}");
    assert!(
        notes.contains("nbf = \"tomorrow\" is not a NumericDate"),
        "{notes}"
    );
    assert_eq!(
        inspection.expires_at.map(|t| t.timestamp.as_second()),
        Some(now.as_second()),
        "a millisecond exp is read as milliseconds"
    );
    Ok(())
}

#[test]
fn a_repeated_claim_counts_by_its_last_value_and_is_named_in_a_note() -> TestResult {
    let now = now();
    let payload = r#"{"sub":"alice","role":"user","exp":1,"role":"admin","exp":4102444800}"#;
    let header = r#"{"alg":"HS256","kid":"a","kid":"b"}"#;
    let token = format!("{}.{}.c2ln", b64(header), b64(payload));
    let inspection = jwt::inspect(&jwt::decode(&token)?, now, &TimeZone::UTC);
    let value = serde_json::to_value(&inspection)?;
    assert_eq!(value["claims"]["role"], "admin", "the last value");
    assert_eq!(
        inspection.kid.as_deref(),
        Some("b"),
        "the header follows the same rule"
    );
    assert!(
        !inspection.expired,
        "the last exp (2100) is the one read, not 1"
    );
    let note = |code: &str| {
        inspection
            .notes
            .iter()
            .find(|n| n.code == code)
            .map(|n| n.message.clone())
    };
    let claims_note = note("duplicate_claims").ok_or("a duplicate_claims note")?;
    assert!(claims_note.contains("role, exp"), "{claims_note}");
    assert!(note("duplicate_header_members").is_some_and(|m| m.contains("kid")));
    Ok(())
}

#[test]
fn an_exp_in_milliseconds_is_read_as_milliseconds_not_as_no_expiry() -> TestResult {
    let now = now();
    let ms = now.as_millisecond() + 3_600_000;
    let inspection = jwt::inspect(
        &jwt::decode(&token_with(&json!({"exp": ms})))?,
        now,
        &TimeZone::UTC,
    );
    let value = serde_json::to_value(&inspection)?;
    assert_eq!(value["time_status"], "valid", "{value}");
    assert_eq!(value["seconds_left"], 3600);
    assert_eq!(value["expires_at"]["unix"], now.as_second() + 3600);
    assert!(
        inspection
            .notes
            .iter()
            .any(|n| n.message.contains("read as milliseconds")),
        "{:?}",
        inspection.notes
    );
    Ok(())
}

#[test]
fn an_unreadable_exp_or_nbf_makes_validity_unknown_not_no_expiry() -> TestResult {
    let now = now();
    for (claims, claim) in [
        (json!({"exp": "soon"}), "exp"),
        (json!({"exp": 1e300}), "exp"),
        (json!({"exp": null}), "exp"),
        (json!({"exp": now.as_second() + 60, "nbf": [1]}), "nbf"),
    ] {
        let inspection = jwt::inspect(&jwt::decode(&token_with(&claims))?, now, &TimeZone::UTC);
        let value = serde_json::to_value(&inspection)?;
        assert_eq!(value["time_status"], "unknown", "{claims}: {value}");
        assert!(
            value["time_problem"]
                .as_str()
                .is_some_and(|p| p.starts_with(claim)),
            "{claims}: the problem names {claim}: {value}"
        );
        let explained = value["explained"]
            .as_array()
            .and_then(|e| e.iter().find(|c| c["name"] == claim))
            .ok_or("the claim is explained")?;
        assert!(explained["problem"].is_string(), "{explained}");
    }
    // An unreadable iat says so on its claim, but does not decide validity.
    let iat = jwt::inspect(
        &jwt::decode(&token_with(
            &json!({"exp": now.as_second() + 60, "iat": "x"}),
        ))?,
        now,
        &TimeZone::UTC,
    );
    assert_eq!(iat.time_status, TimeStatus::Valid);
    assert!(
        iat.explained
            .iter()
            .any(|c| c.name == "iat" && c.problem.is_some())
    );
    Ok(())
}

#[test]
fn a_readable_expiry_in_the_past_is_expired_even_with_an_unreadable_nbf() -> TestResult {
    let now = now();
    let claims = json!({"exp": now.as_second() - 1, "nbf": "x"});
    let inspection = jwt::inspect(&jwt::decode(&token_with(&claims))?, now, &TimeZone::UTC);
    assert_eq!(inspection.time_status, TimeStatus::Expired);
    Ok(())
}

#[test]
fn decoded_expires_at_reads_milliseconds_too() -> TestResult {
    let decoded = jwt::decode(&token_with(&json!({"exp": 1_600_000_000_000_i64})))?;
    assert_eq!(
        decoded.expires_at().map(|t| t.as_second()),
        Some(1_600_000_000)
    );
    Ok(())
}

#[test]
fn the_inspection_serializes_to_the_fields_the_app_reads() -> TestResult {
    let inspection = jwt::inspect(
        &jwt::decode(&token_with(&json!({"exp": now().as_second() + 60})))?,
        now(),
        &TimeZone::UTC,
    );
    let value = serde_json::to_value(&inspection)?;
    for field in [
        "header",
        "claims",
        "payload_text",
        "payload_base64",
        "alg",
        "alg_description",
        "kid",
        "typ",
        "explained",
        "expires_at",
        "time_status",
        "expired",
        "seconds_left",
        "inspected_at",
        "notes",
    ] {
        assert!(
            value.get(field).is_some(),
            "Inspection JSON lacks {field}: {value}"
        );
    }
    assert_eq!(value["time_status"], "valid");
    assert_eq!(value["expires_at"]["relative"], "in 1 min");
    assert_eq!(value["explained"][0]["kind"], "registered");
    Ok(())
}
