//! Any HTTP answer (status, content type, Retry-After, Date, body) through `read_answer` with
//! each preset's success and error specs: an outcome, never a panic, and the outcome keeps
//! the rules the UI and scripts rely on.
//!
//! Input layout: byte 0 picks the preset (or a cookie-session or header-token variant), bytes
//! 1-2 the status (100..=599), byte 3 the content type, byte 4 whether a Retry-After and a Date
//! came and whether the body's first line is a `Set-Cookie` (bit 2) or an `X-Subject-Token`
//! header (bit 3), the rest is the body.
#![no_main]

use authdeck_core::Kind;
use authdeck_core::http::Answer;
use authdeck_core::exchange::read_answer;
use authdeck_core::provider::{PRESETS, Provider};
use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("text/html; charset=iso-8859-1"),
    Some("text/plain"),
    Some("application/octet-stream"),
];

fn presets() -> &'static [Provider] {
    static LOADED: OnceLock<Vec<Provider>> = OnceLock::new();
    LOADED.get_or_init(|| {
        let mut providers: Vec<Provider> = PRESETS
            .iter()
            .map(|(id, text)| {
                Provider::from_toml(text).unwrap_or_else(|e| panic!("preset {id}: {e}"))
            })
            .collect();
        for token in ["cookie:*", "cookie:sid", "header:X-Subject-Token"] {
            let mut p = providers[0].clone();
            p.success.token = token.into();
            providers.push(p);
        }
        providers
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<5>() else {
        return;
    };
    let presets = presets();
    let provider = &presets[usize::from(head[0]) % presets.len()];
    let status = 100 + u16::from_be_bytes([head[1], head[2]]) % 500;
    let now = Timestamp::from_second(1_700_000_000).expect("a fixed time");
    let mut headers = Vec::new();
    let mut body = body;
    if head[4] & 12 != 0 {
        let (line, rest) = match body.iter().position(|&b| b == b'\n') {
            Some(at) => (&body[..at], &body[at + 1..]),
            None => (body, &[][..]),
        };
        let name = if head[4] & 4 != 0 { "set-cookie" } else { "x-subject-token" };
        headers.push((name.to_string(), String::from_utf8_lossy(line).into_owned()));
        body = rest;
    }
    let answer = Answer {
        status,
        content_type: CONTENT_TYPES[usize::from(head[3]) % CONTENT_TYPES.len()].map(String::from),
        location: None,
        retry_after_secs: (head[4] & 1 == 1).then_some(u64::from(head[4] >> 1)),
        date: (head[4] & 2 == 2).then_some(now),
        headers,
        body: body.to_vec(),
    };
    let mut specs = vec![(&provider.success, &provider.errors)];
    if let Some(refresh) = &provider.refresh {
        specs.push((
            refresh.success.as_ref().unwrap_or(&provider.success),
            refresh.errors.as_ref().unwrap_or(&provider.errors),
        ));
    }
    for (success, errors) in specs {
        match read_answer(&answer, success, errors, now) {
            Ok(session) => {
                assert!(
                    (200..300).contains(&status),
                    "only a 2xx succeeds, not {status}"
                );
                let token = session.token.expose();
                assert!(
                    !token.is_empty() && token.trim() == token,
                    "a token is never empty nor padded"
                );
                if let Some(refresh_token) = &session.refresh_token {
                    assert!(!refresh_token.expose().trim().is_empty());
                }
                assert_eq!(session.http_status, status);
            }
            Err(failure) => {
                assert_eq!(failure.http_status, Some(status), "the status is kept");
                match status {
                    // A 2xx is refused by its rules only when it carries an error code.
                    200..=299 => assert!(
                        failure.kind == Kind::ProtocolError || failure.error_code.is_some(),
                        "{failure:?}"
                    ),
                    429 => assert_eq!(failure.kind, Kind::RateLimited),
                    500..=599 => assert!(failure.kind.is_transient(), "{:?}", failure.kind),
                    _ => assert!(
                        !matches!(failure.kind, Kind::NetworkError | Kind::ProtocolError),
                        "an answered refusal is not a network or protocol error: {:?}",
                        failure.kind
                    ),
                }
                if !(200..300).contains(&status) {
                    assert_eq!(
                        failure.retry_after_secs, answer.retry_after_secs,
                        "a refusal keeps Retry-After"
                    );
                }
                let _ = failure.summary();
            }
        }
    }
});
