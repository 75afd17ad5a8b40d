//! The HTTP exchange of a login or a refresh: send the request the provider spec describes,
//! read the answer into an outcome ([`Attempt`]). Nothing here stores anything: `deck`
//! decides what to keep ("login" and "refresh" as the user means them live there).

use crate::error::Result;
use crate::expiry;
use crate::http::{self, Answer, Http, Outgoing, Policy};
use crate::outcome::{Attempt, Failure, Kind, RawAnswer, Session};
use crate::provider::{ErrorSpec, ExpiryFormat, Provider, Request, SuccessSpec};
use crate::secret::Secret;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use std::time::Instant;
use zeroize::Zeroizing;

/// Where and how to log in: a provider (overrides already applied) at a base URL.
#[derive(Debug, Clone)]
pub struct Target {
    pub provider: Provider,
    pub base_url: String,
    pub policy: Policy,
}

pub struct Credentials {
    pub email: String,
    pub password: Secret,
}

/// Logs in. `Err` only for input we cannot even send (a bad base URL, plain http);
/// a refusal by the server is an `Attempt` whose result is a `Failure`.
pub async fn login(http: &Http, target: &Target, creds: &Credentials) -> Result<Attempt> {
    let p = &target.provider;
    let vars = [
        ("{email}", creds.email.as_str()),
        ("{password}", creds.password.expose()),
    ];
    send(http, target, &p.login, &vars, &p.success, &p.errors).await
}

/// Renews a session with a refresh token, per the provider's `[refresh]` spec.
/// `Ok(None)` when the provider has no refresh flow.
pub async fn refresh(
    http: &Http,
    target: &Target,
    refresh_token: &Secret,
) -> Result<Option<Attempt>> {
    let p = &target.provider;
    let Some(spec) = &p.refresh else {
        return Ok(None);
    };
    let vars = [("{refresh_token}", refresh_token.expose())];
    let success = spec.success.as_ref().unwrap_or(&p.success);
    let errors = spec.errors.as_ref().unwrap_or(&p.errors);
    send(http, target, &spec.request, &vars, success, errors)
        .await
        .map(Some)
}

/// How a trial login went (the provider editor's "Test login"). Nothing is stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TestLogin"))]
pub struct Trial {
    pub latency_ms: u64,
    pub http_status: Option<u16>,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_at: Option<Timestamp>,
    /// The provider has a refresh flow.
    pub refreshable: bool,
    pub failure: Option<Failure>,
}

/// Logs in with `provider` (say, an unsaved provider file) at `base_url` and reports how it
/// went; nothing is kept. `Err` only for input we cannot send (a bad base URL, plain http to
/// a host other than loopback: Invalid).
pub async fn trial(
    http: &Http,
    provider: Provider,
    base_url: String,
    creds: &Credentials,
) -> Result<Trial> {
    let refreshable = provider.refresh.is_some();
    let target = Target {
        provider,
        base_url,
        policy: Policy::default(),
    };
    let attempt = login(http, &target, creds).await?;
    let (http_status, expires_at, failure) = match attempt.result {
        Ok(session) => (Some(session.http_status), session.expires_at, None),
        Err(failure) => (failure.http_status, None, Some(failure)),
    };
    Ok(Trial {
        latency_ms: attempt.latency_ms,
        http_status,
        expires_at,
        refreshable,
        failure,
    })
}

async fn send(
    http: &Http,
    target: &Target,
    request: &Request,
    vars: &[(&str, &str)],
    success: &SuccessSpec,
    errors: &ErrorSpec,
) -> Result<Attempt> {
    let url = http::endpoint(
        &target.base_url,
        &request.path,
        target.policy.allow_insecure_http,
    )?;
    let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
        .unwrap_or(reqwest::Method::POST);
    let json_body =
        Zeroizing::new(serde_json::to_vec(&render(&request.body, vars)).unwrap_or_default());
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let out = Outgoing {
        method,
        url,
        headers,
        json_body: Some(json_body),
    };
    let started = Instant::now();
    let answer = http.send(out, &target.policy).await;
    let latency_ms = started.elapsed().as_millis() as u64;
    let now = Timestamp::now();
    let (result, raw) = match answer {
        Ok(answer) => {
            let result =
                read_answer(&answer, success, errors, now).map_err(|failure| redact(failure, vars));
            let raw = raw_answer(answer, &result, vars);
            (result, Some(raw))
        }
        Err(failure) => (Err(redact(failure, vars)), None),
    };
    Ok(Attempt {
        result,
        latency_ms,
        raw,
    })
}

/// Longest raw body kept for display.
const MAX_RAW: usize = 16 * 1024;

fn raw_answer(
    answer: Answer,
    result: &std::result::Result<Session, Failure>,
    vars: &[(&str, &str)],
) -> RawAnswer {
    let Answer {
        status,
        content_type,
        body,
        ..
    } = answer;
    let truncated = body.len() > MAX_RAW;
    let mut body = Zeroizing::new(body);
    body.truncate(MAX_RAW);
    // Usually UTF-8 already: then the text is the body itself, not a copy.
    let mut text = Zeroizing::new(match std::str::from_utf8(&body) {
        Ok(_) => String::from_utf8(std::mem::take(&mut *body)).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(&body).into_owned(),
    });
    let mut secrets: Vec<&str> = vars
        .iter()
        .filter(|(name, _)| *name != "{email}")
        .map(|(_, value)| *value)
        .collect();
    if let Ok(session) = result {
        secrets.push(session.token.expose());
        if let Some(r) = &session.refresh_token {
            secrets.push(r.expose());
        }
    }
    for secret in secrets.into_iter().filter(|s| s.len() >= 4) {
        redact_in(&mut text, secret);
    }
    RawAnswer {
        http_status: status,
        content_type,
        body: std::mem::take(&mut *text),
        truncated,
    }
}

/// A server may echo what we sent ("wrong password 'hunter2'"); its words go to the history and
/// the screen, so any secret we sent is cut out of them first.
fn redact(mut failure: Failure, vars: &[(&str, &str)]) -> Failure {
    let secrets: Vec<&str> = vars
        .iter()
        .filter(|(name, value)| *name != "{email}" && value.len() >= 4)
        .map(|(_, value)| *value)
        .collect();
    for text in [&mut failure.message, &mut failure.error_code]
        .into_iter()
        .flatten()
    {
        for secret in &secrets {
            redact_in(text, secret);
        }
    }
    failure
}

/// Replaces every `secret` in `text` by `<redacted>`, wiping the text it replaces (it held the
/// secret).
fn redact_in(text: &mut String, secret: &str) {
    if let Some(redacted) = without(text, secret) {
        drop(Zeroizing::new(std::mem::replace(text, redacted)));
    }
}

/// `text` with every `secret` in it replaced by `<redacted>`; `None` when there is none.
///
/// Looks for a short prefix, then checks the rest: `str::contains` with a whole token as the
/// pattern spends more time preparing its searcher than searching (over 1 µs a login).
fn without(text: &str, secret: &str) -> Option<String> {
    let probe_len = (1..=secret.len().min(16))
        .rev()
        .find(|&i| secret.is_char_boundary(i))?;
    let probe = &secret[..probe_len];
    let mut out = String::new();
    let mut copied = 0;
    for (at, _) in text.match_indices(probe) {
        if at >= copied && text[at..].starts_with(secret) {
            out.push_str(&text[copied..at]);
            out.push_str("<redacted>");
            copied = at + secret.len();
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// The body template with its placeholders filled in, serialized as it is walked (no copy of
/// the template is built). Values go in as JSON strings, so a password with quotes or
/// backslashes cannot break the document.
struct Render<'a> {
    template: &'a Value,
    vars: &'a [(&'a str, &'a str)],
}

fn render<'a>(template: &'a Value, vars: &'a [(&'a str, &'a str)]) -> Render<'a> {
    Render { template, vars }
}

impl serde::Serialize for Render<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap as _, SerializeSeq as _};
        let nested = |template| Render {
            template,
            vars: self.vars,
        };
        match self.template {
            Value::String(s) if s.contains('{') => {
                let mut out = Zeroizing::new(s.clone());
                for (name, value) in self.vars {
                    if out.contains(name) {
                        *out = out.replace(name, value);
                    }
                }
                serializer.serialize_str(&out)
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&nested(item))?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, &nested(value))?;
                }
                map.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Turns an HTTP answer into the outcome, per the spec. Pure: `now` is when the answer came.
pub fn read_answer(
    answer: &Answer,
    success: &SuccessSpec,
    errors: &ErrorSpec,
    now: Timestamp,
) -> std::result::Result<Session, Failure> {
    let json: Option<Value> = serde_json::from_slice(&answer.body).ok();
    if !(200..300).contains(&answer.status) {
        return Err(read_failure(answer, json.as_ref(), errors));
    }
    let protocol = |message: String| Failure {
        kind: Kind::ProtocolError,
        http_status: Some(answer.status),
        error_code: None,
        message: Some(message),
        retry_after_secs: None,
    };
    let Some(json) = json else {
        return Err(protocol(format!(
            "the answer is not JSON: {}",
            http::excerpt(&answer.body, answer.content_type.as_deref())
        )));
    };
    let token = match json.pointer(&success.token) {
        Some(Value::String(t)) if !t.trim().is_empty() => Secret::new(t.trim()),
        Some(other) if !other.is_null() => {
            return Err(protocol(format!(
                "the token at {} is not a string (found {})",
                success.token,
                type_name(other)
            )));
        }
        _ => {
            // Some APIs answer 200 with an error inside; show their words when there are some.
            let failure = read_failure(answer, Some(&json), errors);
            let detail = failure
                .message
                .map(|m| format!(": \"{m}\""))
                .unwrap_or_default();
            return Err(Failure {
                error_code: failure.error_code,
                ..protocol(format!(
                    "the answer has no token at {}{detail}",
                    success.token
                ))
            });
        }
    };
    let refresh_token = success
        .refresh_token
        .as_deref()
        .and_then(|p| json.pointer(p))
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim()));
    let claims = crate::jwt::claims(token.expose()).map(Value::Object);
    let jwt_exp = || {
        claims
            .as_ref()
            .and_then(|c| c.get("exp"))
            .and_then(|v| expiry::parse(v, ExpiryFormat::UnixSeconds, now).ok())
    };
    let mut notes = Vec::new();
    let expires_at = match (&success.expires_at, success.expires_format) {
        (_, ExpiryFormat::JwtExp) | (None, _) => jwt_exp(),
        (Some(pointer), format) => match json.pointer(pointer) {
            Some(v) if !v.is_null() => match expiry::parse(v, format, now) {
                Ok(t) => Some(t),
                Err(why) => {
                    notes.push(format!(
                        "the expiry at {pointer} could not be read ({why}); using the token's own expiry"
                    ));
                    jwt_exp()
                }
            },
            _ => {
                notes.push(format!(
                    "the answer has no expiry at {pointer}; using the token's own expiry"
                ));
                jwt_exp()
            }
        },
    };
    let clock_skew_secs = answer.date.map(|d| d.as_second() - now.as_second());
    Ok(Session {
        token,
        refresh_token,
        expires_at,
        claims,
        http_status: answer.status,
        clock_skew_secs,
        notes,
    })
}

fn read_failure(answer: &Answer, json: Option<&Value>, spec: &ErrorSpec) -> Failure {
    let code = json.and_then(|j| {
        spec.code.iter().find_map(|p| match j.pointer(p) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        })
    });
    let code = code
        .map(|c| spec.code_names.get(&c).cloned().unwrap_or(c))
        .map(|c| bounded(&c, 200));
    let message = json
        .and_then(|j| {
            spec.message.iter().find_map(|p| match j.pointer(p) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(v) if !v.is_null() => Some(v.to_string()),
                _ => None,
            })
        })
        .map(|m| bounded(&m, MAX_MESSAGE))
        .or_else(|| {
            (json.is_none() || code.is_none())
                .then(|| http::excerpt(&answer.body, answer.content_type.as_deref()))
        });
    let kind = spec
        .rules
        .iter()
        .find(|rule| {
            rule.status.is_none_or(|s| s == answer.status)
                && rule
                    .code
                    .as_ref()
                    .is_none_or(|c| code.as_deref() == Some(c.as_str()))
                && rule.message_contains.as_ref().is_none_or(|needle| {
                    message
                        .as_deref()
                        .is_some_and(|m| m.to_lowercase().contains(&needle.to_lowercase()))
                })
        })
        .map(|rule| rule.kind)
        .unwrap_or_else(|| kind_of_status(answer.status));
    // A rate limit or a server failure is what it is, whatever the body's rules say.
    let kind = match answer.status {
        429 => Kind::RateLimited,
        500..=599 if !kind.is_transient() => Kind::ServerError,
        _ => kind,
    };
    Failure {
        kind,
        http_status: Some(answer.status),
        error_code: code,
        message,
        retry_after_secs: answer.retry_after_secs,
    }
}

/// Longest server message kept verbatim; QA reads real messages whole, a hostile server's
/// megabyte of text is cut.
const MAX_MESSAGE: usize = 1000;

/// The server's words as they are, except control characters (a terminal would obey escape
/// sequences) and anything past `max` characters.
fn bounded(text: &str, max: usize) -> String {
    let count = text.chars().count();
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if count > max {
        out.push_str(&format!("… ({count} characters in all)"));
    }
    out
}

fn kind_of_status(status: u16) -> Kind {
    match status {
        429 => Kind::RateLimited,
        500..=599 => Kind::ServerError,
        400 | 422 => Kind::BadRequest,
        401 => Kind::InvalidCredentials,
        200..=299 => Kind::ProtocolError,
        _ => Kind::Rejected,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{PRESETS, Provider};
    use serde_json::json;

    #[test]
    fn without_cuts_every_occurrence_and_leaves_near_misses() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let near = &token[..30];
        let body = format!(r#"{{"token":"{token}","again":"{token}{token}","near":"{near}"}}"#);
        let cut = without(&body, token).expect("the token is there");
        assert_eq!(
            cut,
            format!(r#"{{"token":"<redacted>","again":"<redacted><redacted>","near":"{near}"}}"#)
        );
        assert_eq!(without(&body, "not-in-there"), None);
        assert_eq!(without("pässwörd!", "pässwörd"), Some("<redacted>!".into()));
        assert_eq!(
            without("anything", ""),
            None,
            "an empty secret matches nothing"
        );
    }

    fn preset(id: &str) -> Provider {
        let text = PRESETS.iter().find(|(i, _)| *i == id).unwrap().1;
        Provider::from_toml(text).unwrap()
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: Some("application/json".into()),
            location: None,
            retry_after_secs: None,
            date: None,
            body: body.as_bytes().to_vec(),
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn placeholders_are_replaced_json_safely() {
        let template = json!({"email": "{email}", "password": "{password}", "keep": 1});
        let body = render(
            &template,
            &[("{email}", "a@b.c"), ("{password}", "p\"w\\d")],
        );
        let text = serde_json::to_string(&body).unwrap();
        assert!(text.contains(r#""email":"a@b.c""#), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["password"], "p\"w\\d");
        assert_eq!(back["keep"], 1);
    }

    #[test]
    fn a_password_echoed_by_the_server_is_redacted_from_its_message() {
        let failure = Failure {
            kind: Kind::InvalidPassword,
            http_status: Some(401),
            error_code: Some("BAD hunter2-pw".into()),
            message: Some("wrong password 'hunter2-pw' for a@b.c".into()),
            retry_after_secs: None,
        };
        let f = redact(
            failure,
            &[("{email}", "a@b.c"), ("{password}", "hunter2-pw")],
        );
        assert_eq!(
            f.message.as_deref(),
            Some("wrong password '<redacted>' for a@b.c")
        );
        assert_eq!(f.error_code.as_deref(), Some("BAD <redacted>"));
    }

    #[test]
    fn a_huge_or_escape_laden_message_is_bounded_and_defused() {
        let p = preset("meetra");
        let body = format!(r#"{{"message":"\u001b[2Jcleared {}"}}"#, "x".repeat(5000));
        let f = read_answer(&answer(400, &body), &p.success, &p.errors, now()).unwrap_err();
        let m = f.message.unwrap();
        assert!(!m.contains('\u{1b}'), "no escape character survives");
        assert!(m.starts_with(" [2Jcleared xxx"), "{}", &m[..40]);
        assert!(
            m.ends_with("(5012 characters in all)"),
            "{}",
            &m[m.len() - 40..]
        );
    }

    #[test]
    fn a_normal_message_is_kept_verbatim() {
        let p = preset("meetra");
        let f = read_answer(
            &answer(400, r#"{"message":"Invalid email or password"}"#),
            &p.success,
            &p.errors,
            now(),
        )
        .unwrap_err();
        assert_eq!(f.message.as_deref(), Some("Invalid email or password"));
    }

    #[test]
    fn the_raw_answer_hides_the_token_the_refresh_token_and_what_we_sent() {
        let p = preset("user-login");
        let body = r#"{"accessToken":"tok-SECRET-1","refreshToken":"ref-SECRET-2","echo":"pw-SECRET-3","expiresAt":1}"#;
        let result = read_answer(&answer(200, body), &p.success, &p.errors, now());
        let raw = raw_answer(answer(200, body), &result, &[("{password}", "pw-SECRET-3")]);
        assert!(!raw.body.contains("SECRET"), "{}", raw.body);
        assert!(
            raw.body.contains("\"accessToken\":\"<redacted>\""),
            "{}",
            raw.body
        );
        assert!(!raw.truncated);
    }

    #[test]
    fn talkstack_numeric_login_status_maps_to_its_documented_name() {
        let p = preset("talkstack");
        let f = read_answer(
            &answer(
                401,
                r#"{"message":"Invalid password","status":"error","loginStatus":4}"#,
            ),
            &p.success,
            &p.errors,
            now(),
        )
        .unwrap_err();
        assert_eq!(f.error_code.as_deref(), Some("INVALID_PASSWORD"));
        assert_eq!(f.kind, Kind::InvalidPassword);
        assert_eq!(f.message.as_deref(), Some("Invalid password"));
    }

    #[test]
    fn user_login_expiry_in_seconds_or_milliseconds_reads_the_same() {
        let p = preset("user-login");
        for expires in ["1752084884", "1752084884000"] {
            let body = format!(
                r#"{{"success":true,"accessToken":"abc","refreshToken":"r","expiresAt":{expires}}}"#
            );
            let s = read_answer(&answer(200, &body), &p.success, &p.errors, now()).unwrap();
            assert_eq!(
                s.expires_at.unwrap().as_second(),
                1_752_084_884,
                "{expires}"
            );
            assert_eq!(s.refresh_token.unwrap().expose(), "r");
            assert!(s.claims.is_none(), "an opaque token has no claims");
        }
    }

    #[test]
    fn success_without_a_token_is_a_protocol_error_that_says_where_it_looked() {
        let p = preset("sealmetrics");
        let f =
            read_answer(&answer(200, r#"{"ok":true}"#), &p.success, &p.errors, now()).unwrap_err();
        assert_eq!(f.kind, Kind::ProtocolError);
        assert!(f.message.unwrap().contains("/access_token"));
    }

    #[test]
    fn html_error_page_becomes_a_short_excerpt() {
        let p = preset("meetra");
        let mut a = answer(
            502,
            &format!(
                "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
                "x ".repeat(5000)
            ),
        );
        a.content_type = Some("text/html".into());
        let f = read_answer(&a, &p.success, &p.errors, now()).unwrap_err();
        assert_eq!(f.kind, Kind::ServerError);
        let m = f.message.unwrap();
        assert!(m.contains("502 Bad Gateway") && m.len() < 300, "{m}");
    }

    #[test]
    fn unreadable_expiry_falls_back_to_jwt_exp_and_says_so() {
        let p = preset("sealmetrics");
        let s = read_answer(
            &answer(200, r#"{"access_token":"opaque","expires_at":"soonish"}"#),
            &p.success,
            &p.errors,
            now(),
        )
        .unwrap();
        assert!(s.expires_at.is_none());
        assert!(s.notes[0].contains("soonish"), "{:?}", s.notes);
    }

    #[test]
    fn rate_limit_keeps_retry_after() {
        let p = preset("meetmates");
        let mut a = answer(429, r#"{"msg":"Too many requests"}"#);
        a.retry_after_secs = Some(2);
        let f = read_answer(&a, &p.success, &p.errors, now()).unwrap_err();
        assert_eq!((f.kind, f.retry_after_secs), (Kind::RateLimited, Some(2)));
    }

    #[test]
    fn server_date_gives_clock_skew() {
        let p = preset("sealmetrics");
        let mut a = answer(
            200,
            r#"{"access_token":"t","expires_at":"2030-01-01T00:00:00Z"}"#,
        );
        a.date = Some(Timestamp::from_second(1_700_000_090).unwrap());
        let s = read_answer(&a, &p.success, &p.errors, now()).unwrap();
        assert_eq!(s.clock_skew_secs, Some(90));
    }
}
