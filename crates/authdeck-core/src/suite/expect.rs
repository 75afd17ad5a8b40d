//! Comparing what a login produced with what its case expects. Pure: no I/O, no clock.

use super::Case;
use crate::outcome::{Attempt, Kind};
use serde::Serialize;

/// What the server answered, without any secret: for the diff, JSON output and the app's
/// "raw answer" view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Actual {
    pub ok: bool,
    /// `None` on success.
    pub kind: Option<Kind>,
    pub http_status: Option<u16>,
    pub error_code: Option<String>,
    /// The server's message verbatim (or an excerpt of a non-JSON body).
    pub message: Option<String>,
    pub retry_after_secs: Option<u64>,
    pub latency_ms: u64,
    /// The token's JWT claims on success (public by nature; the token itself never leaves).
    pub claims: Option<serde_json::Value>,
    /// The server's answer as sent, secrets redacted (for the QA screen's raw view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<crate::outcome::RawAnswer>,
}

impl Actual {
    pub fn of(attempt: &Attempt) -> Actual {
        match &attempt.result {
            Ok(session) => Actual {
                ok: true,
                kind: None,
                http_status: Some(session.http_status),
                error_code: None,
                message: None,
                retry_after_secs: None,
                latency_ms: attempt.latency_ms,
                claims: session.claims.as_deref().map(crate::jwt::claims_value),
                raw: attempt.raw.clone(),
            },
            Err(failure) => Actual {
                ok: false,
                kind: Some(failure.kind),
                http_status: failure.http_status,
                error_code: failure.error_code.clone(),
                message: failure.message.clone(),
                retry_after_secs: failure.retry_after_secs,
                latency_ms: attempt.latency_ms,
                claims: None,
                raw: attempt.raw.clone(),
            },
        }
    }

    /// One line: "success, HTTP 200" or "invalid_password, HTTP 401, code X, \"msg\"".
    pub fn summary(&self) -> String {
        let mut parts = vec![match self.kind {
            Some(kind) => kind.to_string(),
            None => "success".into(),
        }];
        if let Some(status) = self.http_status {
            parts.push(format!("HTTP {status}"));
        }
        if let Some(code) = &self.error_code {
            parts.push(format!("code {code}"));
        }
        if let Some(message) = &self.message {
            parts.push(format!("{message:?}"));
        }
        parts.join(", ")
    }
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mismatch {
    /// The suite field: `ok`, `kind`, `http_status`, `error_code`, `message_contains`,
    /// `message_matches`, `max_latency_ms`.
    pub field: &'static str,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: expected {}, got {}",
            self.field, self.expected, self.actual
        )
    }
}

/// Every expectation of `case` that `actual` breaks, in the order of the suite's fields.
/// A regex that does not compile is reported as a mismatch (files are checked when loaded, so
/// only a hand-built `Case` gets here with one).
pub fn compare(case: &Case, actual: &Actual) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut add = |field, expected: String, actual: String| {
        out.push(Mismatch {
            field,
            expected,
            actual,
        })
    };
    let outcome = if actual.ok {
        "success".to_string()
    } else {
        format!("failure ({})", actual.summary())
    };
    let want_ok = case.ok.or(case.expects_failure().then_some(false));
    if let Some(want) = want_ok
        && want != actual.ok
    {
        let expected = if want { "success" } else { "a failure" };
        add("ok", expected.into(), outcome.clone());
    }
    if let Some(kind) = case.kind
        && actual.kind != Some(kind)
    {
        let got = actual
            .kind
            .map_or_else(|| "success".to_string(), |k| k.to_string());
        add("kind", kind.to_string(), got);
    }
    if let Some(status) = case.http_status
        && actual.http_status != Some(status)
    {
        add(
            "http_status",
            status.to_string(),
            show_status(actual.http_status),
        );
    }
    if let Some(code) = &case.error_code
        && actual.error_code.as_deref() != Some(code.as_str())
    {
        add(
            "error_code",
            quoted(Some(code)),
            quoted(actual.error_code.as_deref()),
        );
    }
    if let Some(needle) = &case.message_contains
        && !actual
            .message
            .as_deref()
            .is_some_and(|m| m.contains(needle.as_str()))
    {
        add(
            "message_contains",
            format!("a message containing {needle:?}"),
            quoted(actual.message.as_deref()),
        );
    }
    if let Some(pattern) = &case.message_matches {
        match regex::Regex::new(pattern) {
            Ok(re) if actual.message.as_deref().is_some_and(|m| re.is_match(m)) => {}
            Ok(_) => add(
                "message_matches",
                format!("a message matching /{pattern}/"),
                quoted(actual.message.as_deref()),
            ),
            Err(e) => add(
                "message_matches",
                format!("a valid regular expression /{pattern}/"),
                e.to_string(),
            ),
        }
    }
    if let Some(max) = case.max_latency_ms
        && actual.latency_ms > max
    {
        add(
            "max_latency_ms",
            format!("at most {max} ms"),
            format!("{} ms", actual.latency_ms),
        );
    }
    out
}

fn show_status(status: Option<u16>) -> String {
    status.map_or_else(|| "no HTTP answer".to_string(), |s| s.to_string())
}

fn quoted(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_string(), |t| format!("{t:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: Kind, status: u16, code: Option<&str>, message: Option<&str>) -> Actual {
        Actual {
            ok: false,
            kind: Some(kind),
            http_status: Some(status),
            error_code: code.map(String::from),
            message: message.map(String::from),
            retry_after_secs: None,
            latency_ms: 12,
            claims: None,
            raw: None,
        }
    }

    fn case() -> Case {
        Case {
            name: "c".into(),
            email: "e".into(),
            ..Case::default()
        }
    }

    #[test]
    fn a_success_keeps_claims_serde_json_cannot_hold_as_text() {
        let attempt = Attempt {
            result: Ok(crate::outcome::Session {
                token: crate::Secret::new("t"),
                scheme: None,
                refresh_token: None,
                id_token: None,
                expires_at: None,
                claims: serde_json::value::RawValue::from_string(
                    r#"{"sub":"qa","big":1e400}"#.into(),
                )
                .ok(),
                http_status: 200,
                clock_skew_secs: None,
                notes: Vec::new(),
            }),
            latency_ms: 3,
            raw: None,
            request: None,
        };
        assert_eq!(
            Actual::of(&attempt).claims,
            Some(serde_json::json!({"sub": "qa", "big": "1e400"}))
        );
    }

    #[test]
    fn a_matching_failure_has_no_mismatch() {
        let c = Case {
            kind: Some(Kind::UserNotFound),
            http_status: Some(404),
            error_code: Some("USER_NOT_FOUND".into()),
            message_contains: Some("not found".into()),
            message_matches: Some("(?i)^user".into()),
            max_latency_ms: Some(100),
            ..case()
        };
        let a = failure(
            Kind::UserNotFound,
            404,
            Some("USER_NOT_FOUND"),
            Some("User not found."),
        );
        assert_eq!(compare(&c, &a), vec![]);
    }

    #[test]
    fn each_broken_expectation_is_one_mismatch_with_both_sides() {
        let c = Case {
            kind: Some(Kind::InvalidPassword),
            http_status: Some(401),
            error_code: Some("INVALID_PASSWORD".into()),
            message_contains: Some("password".into()),
            max_latency_ms: Some(5),
            ..case()
        };
        let a = failure(
            Kind::UserNotFound,
            404,
            Some("USER_NOT_FOUND"),
            Some("User not found."),
        );
        let got = compare(&c, &a);
        let fields: Vec<_> = got.iter().map(|m| m.field).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "http_status",
                "error_code",
                "message_contains",
                "max_latency_ms"
            ]
        );
        assert_eq!(
            got[0].to_string(),
            "kind: expected invalid_password, got user_not_found"
        );
        assert_eq!(got[2].actual, "\"USER_NOT_FOUND\"");
    }

    #[test]
    fn expecting_a_failure_kind_but_getting_success_says_success() {
        let c = Case {
            kind: Some(Kind::InvalidCredentials),
            ..case()
        };
        let a = Actual {
            ok: true,
            kind: None,
            http_status: Some(200),
            error_code: None,
            message: None,
            retry_after_secs: None,
            latency_ms: 1,
            claims: None,
            raw: None,
        };
        let got = compare(&c, &a);
        assert_eq!(got[0].field, "ok", "{got:?}");
        assert_eq!(got[0].actual, "success");
        assert_eq!(
            got[1].to_string(),
            "kind: expected invalid_credentials, got success"
        );
    }
}
