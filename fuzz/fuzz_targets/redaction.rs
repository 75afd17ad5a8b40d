//! What is kept of a server's answer goes through `redact`: any JSON body and any header value
//! come out without a JWT-shaped run, without the value of a secret-named key or header, and
//! without a panic. The TOTP secret reader (user input) is fed the same bytes: an answer or an
//! error, never a panic.
//!
//! Input layout: byte 0 picks the header name (or the JSON body when it is 0); the rest is the
//! header value or the body.
#![no_main]

use authdeck_core::redact;
use authdeck_core::secret::Secret;
use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 9] = [
    "set-cookie",
    "cookie",
    "authorization",
    "x-subject-token",
    "x-api-key",
    "content-type",
    "x-trace",
    "www-authenticate",
    "location",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let _ = authdeck_core::totp::check(&Secret::new(text.as_ref()));
    if pick == 0 {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else {
            return;
        };
        let shown = redact::json_text(&json, &[], redact::as_is, rest.len() % 2 == 0, rest.len());
        assert!(redact::jwts_in(&shown).is_none(), "a JWT survived: {shown}");
        // What is shown is JSON, read back here with every secret-named member's value hidden.
        let read_back: serde_json::Value =
            serde_json::from_str(&shown).unwrap_or_else(|e| panic!("not JSON ({e}): {shown}"));
        assert_secret_keys_hidden(&read_back);
    } else {
        let name = HEADERS[usize::from(pick) % HEADERS.len()];
        let shown = redact::header(name, &text);
        assert!(redact::jwts_in(&shown).is_none(), "a JWT survived in {name}: {shown}");
        if redact::names_secret(name) && !matches!(name, "set-cookie" | "cookie" | "authorization") {
            assert_eq!(shown, redact::REDACTED, "{name} is hidden whole");
        }
        if name == "location" {
            // Nothing after the first ? or # is kept but names, separators and the mark.
            if let Some(at) = text.find(['?', '#'])
                && redact::jwts_in(&text[..at]).is_none()
            {
                assert!(shown.starts_with(&text[..at]), "the path changed: {shown}");
                for piece in shown[at..].split(['?', '#', '&', ';']) {
                    assert!(
                        piece.is_empty() || piece == redact::REDACTED || piece.ends_with(&format!("={}", redact::REDACTED)),
                        "a value survived in location: {shown}"
                    );
                }
            }
        }
    }
});

/// Every string or number under a secret-named key is the redaction mark.
fn assert_secret_keys_hidden(value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (name, member) in members {
                if redact::names_secret(name) {
                    match member {
                        serde_json::Value::String(s) if !s.is_empty() => {
                            assert_eq!(s, redact::REDACTED, "{name}")
                        }
                        serde_json::Value::Number(_) => panic!("{name}: a number survived"),
                        _ => {}
                    }
                }
                assert_secret_keys_hidden(member);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(assert_secret_keys_hidden),
        _ => {}
    }
}
