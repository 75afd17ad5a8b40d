//! The HTTP exchange of a login or a refresh: send the request the provider spec describes,
//! read the answer into an outcome ([`Attempt`]). Nothing here stores anything: `deck`
//! decides what to keep ("login" and "refresh" as the user means them live there).

use crate::error::{Error, Result};
use crate::expiry;
use crate::http::{self, Answer, Body, Http, Outgoing, Policy};
use crate::outcome::{Attempt, Failure, Kind, RawAnswer, RawRequest, Session};
use crate::provider::{
    BodyFormat, ErrorSpec, ExpiryFormat, Provider, Request, SuccessSpec, TokenSource,
};
use crate::redact::Cuts;
use crate::secret::Secret;
use jiff::{SignedDuration, Timestamp};
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
    /// Where a one-time code comes from when the server asks for one.
    pub code: CodeSource,
}

/// Where the one-time code of a second factor comes from.
#[derive(Clone, Default)]
pub enum CodeSource {
    /// None at hand: a login that asks for one fails, saying how to give one.
    #[default]
    None,
    /// A code the user typed for this login.
    Given(Secret),
    /// A TOTP secret (RFC 6238) kept in the keyring: codes are computed when asked.
    Totp(Secret),
    /// Ask the user when the server asks (a terminal prompt, an app dialog); blocking, so it
    /// runs off the async workers.
    Ask(std::sync::Arc<dyn Fn() -> Result<Secret> + Send + Sync>),
}

impl std::fmt::Debug for CodeSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CodeSource::None => "None",
            CodeSource::Given(_) => "Given(..)",
            CodeSource::Totp(_) => "Totp(..)",
            CodeSource::Ask(_) => "Ask(..)",
        })
    }
}

/// Logs in, with the second step when the provider has a second factor and the server asks
/// for a code. `Err` for input we cannot even send (a bad base URL, plain http; a TOTP secret
/// that is not base32: Invalid) or a code prompt that failed; a refusal by the server is an
/// `Attempt` whose result is a `Failure`.
pub async fn login(http: &Http, target: &Target, creds: &Credentials) -> Result<Attempt> {
    let p = &target.provider;
    let vars = [
        ("{email}", creds.email.as_str()),
        ("{password}", creds.password.expose()),
    ];
    let Some(login) = &p.login else {
        return Err(no_login(p));
    };
    let (answer, latency_ms, request) = ask(http, target, login, &vars).await?;
    let challenge = match (&p.second_factor, &answer) {
        (Some(factor), Ok(a)) if (200..300).contains(&a.status) => {
            let json: Option<Value> = serde_json::from_slice(&a.body).ok();
            let asked = json
                .as_ref()
                .and_then(|j| crate::pointer::at(j, &factor.when))
                .is_some_and(|v| match v {
                    Value::Bool(b) => *b,
                    Value::String(s) => !s.trim().is_empty() && s != "false",
                    Value::Number(_) => v.as_f64() != Some(0.0),
                    _ => false,
                });
            asked.then_some((factor, json))
        }
        _ => None,
    };
    let Some((factor, json)) = challenge else {
        return Ok(conclude(
            target, answer, latency_ms, request, &vars, &p.success, &p.errors,
        ));
    };
    let code = match &creds.code {
        CodeSource::None => {
            let failure = Failure {
                kind: Kind::Rejected,
                http_status: answer.as_ref().ok().map(|a| a.status),
                error_code: None,
                message: Some(
                    "the server asks for a one-time code (a second factor) and none was given: \
                     log in with --otp CODE, or keep the account's TOTP secret \
                     (--totp-secret-stdin) so Authdeck computes the codes itself"
                        .into(),
                ),
                retry_after_secs: None,
            };
            let mut attempt = conclude(
                target, answer, latency_ms, request, &vars, &p.success, &p.errors,
            );
            attempt.result = Err(failure);
            return Ok(attempt);
        }
        CodeSource::Given(code) => code.clone(),
        CodeSource::Totp(secret) => crate::totp::code(secret, Timestamp::now())?,
        CodeSource::Ask(prompt) => {
            let prompt = prompt.clone();
            tokio::task::spawn_blocking(move || prompt())
                .await
                .map_err(|e| Error::Io(format!("the code prompt failed: {e}")))??
        }
    };
    // `{answer:/pointer}` placeholders: values the login's answer gave (its challenge token).
    let mut from_answer: Vec<(String, Zeroizing<String>)> = Vec::new();
    let template = format!(
        "{} {}",
        factor.request.body,
        factor
            .request
            .headers
            .values()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (at, _) in template.match_indices("{answer:") {
        let Some(end) = template[at..].find('}') else {
            continue;
        };
        let placeholder = &template[at..at + end + 1];
        let pointer = &placeholder["{answer:".len()..placeholder.len() - 1];
        let value = match json.as_ref().and_then(|j| crate::pointer::at(j, pointer)) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        from_answer.push((placeholder.to_string(), Zeroizing::new(value)));
    }
    let mut vars2: Vec<(&str, &str)> = vars.to_vec();
    vars2.push(("{otp}", code.expose()));
    vars2.extend(from_answer.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    // The second step's exchange is the one kept: it is the one that ended the login.
    let (answer2, latency2, request2) = ask(http, target, &factor.request, &vars2).await?;
    Ok(conclude(
        target,
        answer2,
        latency_ms + latency2,
        request2,
        &vars2,
        &p.success,
        &p.errors,
    ))
}

/// The error for logging in with a provider that has no login: its users paste a key.
pub fn no_login(p: &Provider) -> Error {
    Error::Invalid(format!(
        "the {} API has no login: its users paste a key or token. Paste it with \
         `authdeck login ACCOUNT --provider {} --token-stdin` (or \"Paste a token\" in the app)",
        p.id, p.id
    ))
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
    let (answer, latency_ms, shown) = ask(http, target, request, vars).await?;
    Ok(conclude(
        target, answer, latency_ms, shown, vars, success, errors,
    ))
}

/// Sends one request with its placeholders filled in. The answer, or the transport failure,
/// how long it took in ms, and the request as it may be shown. `Err` for a request we cannot
/// send (a bad URL: Invalid).
async fn ask(
    http: &Http,
    target: &Target,
    request: &Request,
    vars: &[(&str, &str)],
) -> Result<(std::result::Result<Answer, Failure>, u64, RawRequest)> {
    let url = http.endpoint(
        &target.base_url,
        &request.path,
        target.policy.allow_insecure_http,
    )?;
    let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
        .unwrap_or(reqwest::Method::POST);
    let body = match request.body_format {
        BodyFormat::Json => Body::json(Zeroizing::new(
            serde_json::to_vec(&render(&request.body, vars)).unwrap_or_default(),
        )),
        BodyFormat::Form => Body {
            content_type: "application/x-www-form-urlencoded",
            bytes: form_body(&request.body, vars),
        },
    };
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), fill(v, vars).to_string()))
        .collect();
    let content_type = body.content_type;
    let out = Outgoing {
        method: method.clone(),
        url: url.clone(),
        headers,
        body: Some(body),
    };
    let started = Instant::now();
    // The request as it may be shown is written while the send waits on the server, in the
    // same task: `biased` polls the send first, so on a kept-alive connection the request
    // is handed over before. An answer that comes meanwhile waits for it (a few µs, which
    // `latency_ms` may include).
    let (answer, shown) = tokio::join!(biased; http.send(out, &target.policy), async {
        shown_request(request, &method, &url, content_type, vars)
    });
    Ok((answer, started.elapsed().as_millis() as u64, shown))
}

/// `request` as it may be shown: built from its template again with every placeholder but
/// `{email}` standing for `<redacted>`, then hidden by shape like an answer (a literal secret
/// in a provider file's body or headers is hidden too).
fn shown_request(
    request: &Request,
    method: &reqwest::Method,
    url: &url::Url,
    content_type: &str,
    vars: &[(&str, &str)],
) -> RawRequest {
    use crate::redact::{self, REDACTED};
    let shown: Vec<(&str, &str)> = vars
        .iter()
        .map(|(name, value)| (*name, if *name == "{email}" { *value } else { REDACTED }))
        .collect();
    let body = match request.body_format {
        BodyFormat::Json => redact::json_text(
            &request.body,
            &[],
            |text| match text.contains('{') {
                // Every value but the email is `<redacted>` here: nothing to wipe.
                true => std::borrow::Cow::Owned(std::mem::take(&mut *fill(text, &shown))),
                false => std::borrow::Cow::Borrowed(text),
            },
            true,
            256,
        ),
        BodyFormat::Form => {
            let encode = |text: &str| {
                url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
            };
            let mut pairs = Vec::new();
            for (name, value) in request.body.as_object().into_iter().flatten() {
                let value = match value {
                    Value::String(s) => fill(s, &shown).to_string(),
                    other => other.to_string(),
                };
                let value = if redact::names_secret(name) || value == REDACTED {
                    REDACTED.to_string()
                } else {
                    encode(&value)
                };
                pairs.push(format!("{}={value}", encode(name)));
            }
            pairs.join("&")
        }
    };
    let headers = request
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.clone(),
                shown_request_header(name, &fill(value, &shown)),
            )
        })
        .collect();
    RawRequest {
        method: method.to_string(),
        url: crate::http::shown_url(url),
        headers,
        // A provider's own Content-Type header is the one sent (and shown among the headers).
        content_type: (!request
            .headers
            .keys()
            .any(|name| name.eq_ignore_ascii_case("content-type")))
        .then(|| content_type.to_string()),
        body,
    }
}

/// Request headers whose values say how to talk, never who is talking: shown as they are.
const PLAIN_REQUEST_HEADERS: [&str; 10] = [
    "accept",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "content-type",
    "origin",
    "pragma",
    "referer",
    "user-agent",
    "x-requested-with",
];

/// A provider file's request header as it may be kept: a plain header as it is, a credential
/// header with its scheme only, and any other header's value hidden whole. A provider file may
/// hold a literal key under any name (`X-Tenant-Key`, `X-Custom`), which no shape gives away.
fn shown_request_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let plain = PLAIN_REQUEST_HEADERS.contains(&lower.as_str())
        || matches!(
            lower.as_str(),
            "authorization" | "proxy-authorization" | "cookie"
        );
    match plain {
        true => crate::redact::header(name, value),
        false if value.is_empty() => String::new(),
        false => crate::redact::REDACTED.to_string(),
    }
}

/// Reads an answer into the outcome, secrets cut out of what is kept.
fn conclude(
    target: &Target,
    answer: std::result::Result<Answer, Failure>,
    latency_ms: u64,
    request: RawRequest,
    vars: &[(&str, &str)],
    success: &SuccessSpec,
    errors: &ErrorSpec,
) -> Attempt {
    let now = Timestamp::now();
    let (result, raw) = match answer {
        Ok(answer) => {
            // The body parsed once, for reading and for keeping.
            let json: Option<Value> = serde_json::from_slice(&answer.body).ok();
            let result = read_parsed(&answer, json.as_ref(), success, errors, now)
                .map_err(|failure| redact(failure, vars));
            let secrets = sent_and_received(&result, vars);
            let raw = shown_parsed(
                answer,
                json,
                &secrets,
                &safe_fields(target, success, errors),
            );
            (result, Some(raw))
        }
        Err(failure) => (Err(redact(failure, vars)), None),
    };
    Attempt {
        result,
        latency_ms,
        raw,
        request: Some(request),
    }
}

/// Longest raw body kept for display.
const MAX_RAW: usize = 16 * 1024;

/// The answer fields shown as they are in a raw answer: what the provider marks safe, and
/// where its spec reads the expiry and the error code and message (never a secret).
fn safe_fields<'a>(
    target: &'a Target,
    success: &'a SuccessSpec,
    errors: &'a ErrorSpec,
) -> Vec<&'a str> {
    let mut safe: Vec<&str> = target
        .provider
        .raw_safe
        .iter()
        .map(String::as_str)
        .collect();
    safe.extend(success.expires_at.as_deref());
    safe.extend(errors.code.iter().map(String::as_str));
    safe.extend(errors.message.iter().map(String::as_str));
    safe
}

/// The answer of a login or refresh as it may be kept: [`shown_answer`] with what we sent
/// (all but the email) and the tokens that came back as the secrets to cut.
pub(crate) fn raw_answer(
    answer: Answer,
    result: &std::result::Result<Session, Failure>,
    vars: &[(&str, &str)],
    safe: &[&str],
) -> RawAnswer {
    shown_answer(answer, &sent_and_received(result, vars), safe)
}

/// The secrets to cut from a kept answer: what we sent (all but the email) and the tokens
/// that came back.
fn sent_and_received<'a>(
    result: &'a std::result::Result<Session, Failure>,
    vars: &[(&str, &'a str)],
) -> Vec<&'a str> {
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
        if let Some(id) = &session.id_token {
            secrets.push(id.expose());
        }
    }
    secrets
}

/// `answer` as it may be kept and shown: hidden by shape ([`crate::redact`]), then every one
/// of `secrets` cut wherever it still is ([`Cuts`]), the body cut to [`MAX_RAW`].
pub(crate) fn shown_answer(answer: Answer, secrets: &[&str], safe: &[&str]) -> RawAnswer {
    let json = serde_json::from_slice::<Value>(&answer.body).ok();
    shown_parsed(answer, json, secrets, safe)
}

/// [`shown_answer`] with the body already parsed (`None`: not JSON).
fn shown_parsed(answer: Answer, json: Option<Value>, secrets: &[&str], safe: &[&str]) -> RawAnswer {
    let Answer {
        status,
        content_type,
        headers,
        body,
        ..
    } = answer;
    let body = Zeroizing::new(body);
    // A JSON answer is hidden by shape; anything else loses its JWT-shaped runs. Then every
    // secret we know of is cut wherever it still is.
    let mut text = Zeroizing::new(match json {
        // Room for the answer's own length: growing the text from empty copied it a dozen
        // times.
        Some(json) => {
            crate::redact::json_text(&json, safe, crate::redact::as_is, false, body.len() + 64)
        }
        None => {
            let text = String::from_utf8_lossy(&body);
            crate::redact::jwts_in(&text).unwrap_or_else(|| text.into_owned())
        }
    });
    let cuts = Cuts::new(secrets);
    cuts.apply(&mut text);
    let headers = headers
        .into_iter()
        .map(|(name, value)| {
            let mut shown = crate::redact::header(&name, &value);
            cuts.apply(&mut shown);
            (name, shown)
        })
        .collect();
    let truncated = text.len() > MAX_RAW;
    if truncated {
        let mut cut = MAX_RAW;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    RawAnswer {
        http_status: status,
        content_type,
        body: std::mem::take(&mut *text),
        truncated,
        headers,
    }
}

/// A server may echo what we sent ("wrong password 'hunter2'"); its words go to the history and
/// the screen, so any secret we sent is cut out of them first.
fn redact(mut failure: Failure, vars: &[(&str, &str)]) -> Failure {
    let secrets: Vec<&str> = vars
        .iter()
        .filter(|(name, _)| *name != "{email}")
        .map(|(_, value)| *value)
        .collect();
    let cuts = Cuts::new(&secrets);
    for text in [&mut failure.message, &mut failure.error_code]
        .into_iter()
        .flatten()
    {
        cuts.apply(text);
    }
    failure
}

/// A template string with its placeholders filled in, in a buffer zeroized on drop (room is
/// made for a few values up front; a copy left by growing past it is not wiped).
fn fill(template: &str, vars: &[(&str, &str)]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(template.len() + 32));
    let mut rest = template;
    // One pass: a value put in is never searched again, so a password holding `{email}`
    // stays as typed.
    while let Some(at) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match vars.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(value);
                rest = &rest[name.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A form body (`application/x-www-form-urlencoded`) from a flat template table; values are
/// percent-encoded, so a password with `&` or `=` cannot break the form.
fn form_body(template: &Value, vars: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    if let Some(fields) = template.as_object() {
        for (name, value) in fields {
            let value = match value {
                Value::String(s) => fill(s, vars),
                other => Zeroizing::new(other.to_string()),
            };
            form.append_pair(name, &value);
        }
    }
    Zeroizing::new(form.finish().into_bytes())
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
            Value::String(s) if s.contains('{') => serializer.serialize_str(&fill(s, self.vars)),
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
    read_parsed(answer, json.as_ref(), success, errors, now)
}

/// [`read_answer`] with the body already parsed (`None`: not JSON).
fn read_parsed(
    answer: &Answer,
    json: Option<&Value>,
    success: &SuccessSpec,
    errors: &ErrorSpec,
    now: Timestamp,
) -> std::result::Result<Session, Failure> {
    if !(200..300).contains(&answer.status) {
        return Err(read_failure(answer, json, errors));
    }
    let protocol = |message: String| Failure {
        kind: Kind::ProtocolError,
        http_status: Some(answer.status),
        error_code: None,
        message: Some(message),
        retry_after_secs: None,
    };
    let source = success.token_source().map_err(|problem| {
        protocol(format!(
            "the provider's success.token is not usable ({problem}); fix the provider file"
        ))
    })?;
    let mut cookie_expiry = None;
    let found = match source {
        TokenSource::Body(pointer) => {
            let Some(json) = &json else {
                return Err(protocol(format!(
                    "the answer is not JSON: {}",
                    http::excerpt(&answer.body, answer.content_type.as_deref())
                )));
            };
            match crate::pointer::at(json, pointer) {
                Some(Value::String(t)) if !t.trim().is_empty() => Some(t.trim().to_string()),
                Some(other) if !other.is_null() => {
                    return Err(protocol(format!(
                        "the token at {pointer} is not a string (found {})",
                        type_name(other)
                    )));
                }
                _ => None,
            }
        }
        TokenSource::Header(name) => answer
            .header(name)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        TokenSource::Cookie(name) => session_cookies(answer, name).map(|(value, expiry)| {
            cookie_expiry = expiry;
            value
        }),
    };
    let Some(found) = found else {
        return Err(no_token(answer, json, &source, errors));
    };
    let found = Zeroizing::new(found);
    let (scheme, token) = match source {
        TokenSource::Cookie(_) => (None, Secret::new(found.as_str())),
        _ => {
            let (scheme, token) = split_scheme(&found);
            (scheme.map(str::to_string), Secret::new(token))
        }
    };
    let refresh_token = success
        .refresh_token
        .as_deref()
        .and_then(|p| crate::pointer::at(json.as_ref()?, p))
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim()));
    let claims = crate::jwt::claims_text(token.expose());
    // The token's own `exp`, read the one way the inspector reads it: milliseconds are read
    // as such, and an `exp` that is there but unreadable is said, never taken as "no expiry".
    let exp = claims
        .as_deref()
        .map_or(crate::jwt::ClaimTime::Absent, |c| {
            crate::jwt::time_claim_in(c, "exp")
        });
    let mut notes = Vec::new();
    let exp_used = std::cell::Cell::new(false);
    let jwt_exp = || {
        exp_used.set(true);
        exp.time()
    };
    // Whether the expiry is a time on the server's clock (moved by its skew below) or a
    // lifetime counted from now on ours.
    let (expires_at, server_clock) = match (&success.expires_at, success.expires_format) {
        (_, ExpiryFormat::JwtExp) => (jwt_exp(), true),
        (None, _) => match cookie_expiry {
            Some(CookieExpiry::In(lifetime)) => (now.checked_add(lifetime).ok(), false),
            Some(CookieExpiry::At(at)) => (Some(at), true),
            None => (jwt_exp(), true),
        },
        (Some(pointer), format) => {
            let relative = format == ExpiryFormat::SecondsFromNow;
            match json.as_ref().and_then(|j| crate::pointer::at(j, pointer)) {
                Some(v) if !v.is_null() => match expiry::parse(v, format, now) {
                    Ok(t) => (Some(t), !relative),
                    Err(why) => {
                        notes.push(format!(
                            "the expiry at {pointer} could not be read ({why}); using the token's own expiry"
                        ));
                        (jwt_exp(), true)
                    }
                },
                _ => {
                    notes.push(format!(
                        "the answer has no expiry at {pointer}; using the token's own expiry"
                    ));
                    (jwt_exp(), true)
                }
            }
        }
    };
    if exp_used.get()
        && let Some(remark) = exp.remark()
    {
        notes.push(format!("the token's exp: {remark}"));
    }
    let clock_skew_secs = answer.date.map(|d| d.as_second() - now.as_second());
    let expires_at = match (expires_at, crate::accounts::notable_skew(clock_skew_secs)) {
        (Some(t), Some(skew)) if server_clock => {
            t.checked_sub(SignedDuration::from_secs(skew)).ok()
        }
        (t, _) => t,
    };
    Ok(Session {
        token,
        scheme,
        refresh_token,
        id_token: None,
        expires_at,
        claims,
        http_status: answer.status,
        clock_skew_secs,
        notes,
    })
}

/// A 2xx answer without the token where the spec says. When it carries an error code, the
/// server refused in a 200 (some APIs do): the provider's error rules decide, and its words
/// are kept verbatim. Otherwise the spec does not fit the answer: say where we looked and
/// what the answer did carry (a cookie, a token header) so the provider file can be fixed.
fn no_token(
    answer: &Answer,
    json: Option<&Value>,
    source: &TokenSource,
    errors: &ErrorSpec,
) -> Failure {
    let failure = read_failure(answer, json, errors);
    if failure.error_code.is_some() {
        let kind = match failure.kind {
            Kind::ProtocolError => Kind::Rejected,
            kind => kind,
        };
        return Failure { kind, ..failure };
    }
    let looked = match source {
        TokenSource::Body(pointer) => format!("no token at {pointer}"),
        TokenSource::Header(name) => format!("no {name} header"),
        TokenSource::Cookie(Some(name)) => format!("no cookie named {name}"),
        TokenSource::Cookie(None) => "no cookie".to_string(),
    };
    let cookies: Vec<String> = answer
        .headers_named("set-cookie")
        .filter_map(|c| cookie::Cookie::parse(c).ok())
        .filter(|c| !c.value().is_empty())
        .map(|c| c.name().to_string())
        .collect();
    let mut hints = Vec::new();
    if !cookies.is_empty() && !matches!(source, TokenSource::Cookie(None)) {
        hints.push(format!(
            "it sets the cookie{} {}: if the session is a cookie, set success.token = \"cookie:{}\"",
            if cookies.len() > 1 { "s" } else { "" },
            cookies.join(", "),
            cookies[0]
        ));
    }
    for header in [
        "Authorization",
        "X-Auth-Token",
        "X-Subject-Token",
        "X-Access-Token",
    ] {
        let looked_here =
            matches!(source, TokenSource::Header(n) if n.eq_ignore_ascii_case(header));
        if answer.header(header).is_some() && !looked_here {
            hints.push(format!(
                "it has {} {header} header: if the token is there, set success.token = \"header:{header}\"",
                if header.starts_with('A') { "an" } else { "a" }
            ));
        }
    }
    let detail = failure
        .message
        .as_deref()
        .map(|m| format!(": \"{m}\""))
        .unwrap_or_default();
    let hint = if hints.is_empty() {
        String::new()
    } else {
        format!(" ({})", hints.join("; "))
    };
    Failure {
        kind: Kind::ProtocolError,
        http_status: Some(answer.status),
        error_code: None,
        message: Some(format!("the answer has {looked}{detail}{hint}")),
        retry_after_secs: None,
    }
}

/// When a session cookie ends, as its `Set-Cookie` says (RFC 6265 §5.2).
#[derive(Debug, Clone, Copy, PartialEq)]
enum CookieExpiry {
    /// `Max-Age`: a lifetime from now, on our clock.
    In(SignedDuration),
    /// `Expires`: a time on the server's clock.
    At(Timestamp),
}

/// The session cookie(s) an answer sets, as a `Cookie:` header value (`sid=abc`, or every
/// cookie `a=1; b=2` when `name` is `None`), and when the first to end ends. A cookie being
/// deleted (empty, or `Max-Age` ≤ 0) is not a session.
fn session_cookies(answer: &Answer, name: Option<&str>) -> Option<(String, Option<CookieExpiry>)> {
    let mut pairs = Vec::new();
    let mut soonest: Option<(i64, CookieExpiry)> = None;
    for header in answer.headers_named("set-cookie") {
        let Ok(c) = cookie::Cookie::parse(header) else {
            continue;
        };
        let deleted = c.value().is_empty()
            || c.max_age()
                .is_some_and(|age| age.is_zero() || age.is_negative());
        if deleted || name.is_some_and(|n| n != c.name()) {
            continue;
        }
        let expiry = match (c.max_age(), c.expires_datetime()) {
            (Some(age), _) => Some(CookieExpiry::In(SignedDuration::from_secs(
                age.whole_seconds(),
            ))),
            (None, Some(at)) => Timestamp::from_second(at.unix_timestamp())
                .ok()
                .map(CookieExpiry::At),
            _ => None,
        };
        if let Some(e) = expiry {
            let key = match e {
                CookieExpiry::In(d) => d.as_secs(),
                CookieExpiry::At(t) => {
                    t.as_second() - answer.date.map_or(t.as_second(), |d| d.as_second())
                }
            };
            if soonest.is_none_or(|(k, _)| key < k) {
                soonest = Some((key, e));
            }
        }
        pairs.push(format!("{}={}", c.name(), c.value()));
        if name.is_some() {
            break;
        }
    }
    (!pairs.is_empty()).then(|| (pairs.join("; "), soonest.map(|(_, e)| e)))
}

/// `Bearer abc` → (`Bearer`, `abc`): a scheme word the server put in front of the token is
/// kept apart, so it is neither doubled (`Bearer Bearer abc`) nor lost (`Token abc`).
pub(crate) fn split_scheme(value: &str) -> (Option<&str>, &str) {
    match value.split_once(' ') {
        Some((word, rest))
            if !word.is_empty()
                && word.len() <= 32
                && word.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                && !rest.trim().is_empty()
                && !rest.trim().contains(char::is_whitespace) =>
        {
            (Some(word), rest.trim())
        }
        _ => (None, value),
    }
}

fn read_failure(answer: &Answer, json: Option<&Value>, spec: &ErrorSpec) -> Failure {
    let code = json.and_then(|j| {
        spec.code
            .iter()
            .find_map(|p| match crate::pointer::at(j, p) {
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
            spec.message
                .iter()
                .find_map(|p| match crate::pointer::at(j, p) {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(v) if !v.is_null() => Some(v.to_string()),
                    _ => None,
                })
        })
        .map(|m| crate::redact::jwts_in(&m).unwrap_or(m))
        .map(|m| bounded(&m, MAX_MESSAGE))
        .or_else(|| (json.is_none() || code.is_none()).then(|| shown_excerpt(answer, json)));
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

/// An excerpt of an answer for a message, secrets hidden by shape first: it is kept in the
/// history, and a wrong token path must not put the real token there.
fn shown_excerpt(answer: &Answer, json: Option<&Value>) -> String {
    match json {
        Some(json) => {
            let shown = crate::redact::json_text(json, &[], crate::redact::as_is, false, 256);
            http::excerpt(shown.as_bytes(), answer.content_type.as_deref())
        }
        None => {
            let text = http::excerpt(&answer.body, answer.content_type.as_deref());
            crate::redact::jwts_in(&text).unwrap_or(text)
        }
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
            headers: vec![],
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
        let raw = raw_answer(
            answer(200, body),
            &result,
            &[("{password}", "pw-SECRET-3")],
            &[],
        );
        assert!(!raw.body.contains("SECRET"), "{}", raw.body);
        assert!(
            raw.body.contains("\"accessToken\":\"<redacted>\""),
            "{}",
            raw.body
        );
        assert!(!raw.truncated);
    }

    #[test]
    fn a_large_answer_is_hidden_member_by_member_and_cut_to_its_limit() {
        // A server that answers with 6,001 members, long names, a token echoed inside a
        // message past the first kilobyte, and text beyond one byte per character.
        let token = format!("tok-{}", "Z".repeat(300));
        let mut members = serde_json::Map::new();
        members.insert(
            "echo".into(),
            json!(format!("{} {token} again", "x".repeat(2000))),
        );
        for i in 0..3000 {
            members.insert(
                format!("user_{i}_{}", "n".repeat(40)),
                json!(format!("Ünïcode name {i}")),
            );
            members.insert(
                format!("session_token_{i}"),
                json!(format!("secret-value-{i}")),
            );
        }
        let body = Value::Object(members).to_string();
        assert!(body.len() > 10 * MAX_RAW);
        let raw = shown_answer(answer(200, &body), &[&token], &[]);
        assert!(raw.truncated);
        assert!(raw.body.len() <= MAX_RAW, "{}", raw.body.len());
        assert!(
            !raw.body.contains("secret-value-"),
            "a secret-named member survived"
        );
        assert!(!raw.body.contains(&token[..20]), "the token survived");
        assert!(raw.body.contains("\"session_token_0\":\"<redacted>\""));
        assert!(raw.body.contains("Ünïcode name 0"), "plain members stay");
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
    #[test]
    fn a_kept_request_hides_every_provider_header_value_but_the_plain_ones() {
        assert_eq!(
            shown_request_header("X-Custom", "literal-key-123"),
            "<redacted>",
            "a literal under a name that says nothing of a secret"
        );
        assert_eq!(shown_request_header("X-Tenant", ""), "");
        assert_eq!(
            shown_request_header("Accept", "application/json"),
            "application/json"
        );
        assert_eq!(
            shown_request_header("Authorization", "Basic abc"),
            "Basic <redacted>"
        );
        assert_eq!(shown_request_header("user-agent", "curl/8"), "curl/8");
    }

    fn with_headers(mut a: Answer, headers: &[(&str, &str)]) -> Answer {
        a.headers = headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect();
        a
    }

    fn spec(token: &str) -> SuccessSpec {
        SuccessSpec {
            token: token.into(),
            refresh_token: None,
            expires_at: None,
            expires_format: ExpiryFormat::default(),
        }
    }

    #[test]
    fn a_200_with_an_error_code_is_the_refusal_its_rules_say() {
        let p = preset("user-login");
        let f = read_answer(
            &answer(
                200,
                r#"{"success":false,"error_code":"INVALID_PASSWORD","message":"Invalid password."}"#,
            ),
            &p.success,
            &p.errors,
            now(),
        )
        .unwrap_err();
        assert_eq!(f.kind, Kind::InvalidPassword, "{f:?}");
        assert_eq!(f.error_code.as_deref(), Some("INVALID_PASSWORD"));
        assert_eq!(f.message.as_deref(), Some("Invalid password."), "verbatim");
        assert_eq!(f.http_status, Some(200));
    }

    #[test]
    fn a_scheme_word_inside_the_token_field_is_kept_apart() {
        let p = preset("meetra");
        for (field, scheme, token) in [
            ("Bearer eyJ.x.y", Some("Bearer"), "eyJ.x.y"),
            ("Token abc123", Some("Token"), "abc123"),
            ("plain-token", None, "plain-token"),
        ] {
            let body = format!(r#"{{"token":"{field}"}}"#);
            let s = read_answer(&answer(200, &body), &p.success, &p.errors, now()).unwrap();
            assert_eq!(s.token.expose(), token, "{field}");
            assert_eq!(s.scheme.as_deref(), scheme, "{field}");
        }
    }

    #[test]
    fn a_token_in_a_response_header_is_read_with_its_scheme() {
        let errors = ErrorSpec::default();
        let a = with_headers(
            answer(
                201,
                r#"{"token":{"expires_at":"2030-01-01T00:00:00.000000Z"}}"#,
            ),
            &[("X-Subject-Token", "gAAAA-opaque")],
        );
        let mut success = spec("header:X-Subject-Token");
        success.expires_at = Some("/token/expires_at".into());
        success.expires_format = ExpiryFormat::Rfc3339;
        let s = read_answer(&a, &success, &errors, now()).unwrap();
        assert_eq!(s.token.expose(), "gAAAA-opaque");
        assert_eq!(s.expires_at.unwrap().to_string(), "2030-01-01T00:00:00Z");
        let a = with_headers(answer(200, "{}"), &[("Authorization", "Bearer abc.def")]);
        let s = read_answer(&a, &spec("header:authorization"), &errors, now()).unwrap();
        assert_eq!(
            (s.scheme.as_deref(), s.token.expose()),
            (Some("Bearer"), "abc.def")
        );
    }

    #[test]
    fn a_cookie_session_is_the_cookie_with_its_max_age() {
        let a = with_headers(
            answer(200, r#"{"user":{"id":1}}"#),
            &[
                (
                    "Set-Cookie",
                    "sid=s3cr3t-value; Max-Age=600; Path=/; HttpOnly",
                ),
                ("Set-Cookie", "csrf=c1; Path=/"),
                ("Set-Cookie", "old=; Max-Age=0"),
            ],
        );
        let errors = ErrorSpec::default();
        let s = read_answer(&a, &spec("cookie:sid"), &errors, now()).unwrap();
        assert_eq!(s.token.expose(), "sid=s3cr3t-value");
        assert_eq!(s.scheme, None, "a cookie has no scheme word");
        assert_eq!(s.expires_at.unwrap().as_second(), now().as_second() + 600);
        let all = read_answer(&a, &spec("cookie:*"), &errors, now()).unwrap();
        assert_eq!(
            all.token.expose(),
            "sid=s3cr3t-value; csrf=c1",
            "every cookie set, none being deleted"
        );
    }

    #[test]
    fn a_cookie_expires_date_is_read_against_the_answers_own_clock() {
        // The server's clock is 2 hours ahead of ours; its cookie ends 1 hour after its now.
        let mut a = with_headers(
            answer(200, "{}"),
            &[("Set-Cookie", "sid=v; Expires=Wed, 15 Nov 2023 01:13:20 GMT")],
        );
        a.date = Some(Timestamp::from_second(1_700_000_000 + 7200).unwrap());
        let s = read_answer(&a, &spec("cookie:sid"), &ErrorSpec::default(), now()).unwrap();
        let expires = Timestamp::from_second(1_700_000_000 + 7200 + 3600).unwrap();
        assert_eq!(
            http::http_date("Wed, 15 Nov 2023 01:13:20 GMT"),
            Some(expires)
        );
        assert_eq!(
            s.expires_at.unwrap().as_second(),
            now().as_second() + 3600,
            "one hour on our clock"
        );
    }

    #[test]
    fn a_lifetime_in_seconds_is_not_moved_by_the_servers_clock() {
        let success = SuccessSpec {
            expires_at: Some("/expires_in".into()),
            expires_format: ExpiryFormat::SecondsFromNow,
            ..spec("/token")
        };
        let mut a = answer(200, r#"{"token":"t","expires_in":300}"#);
        a.date = Some(Timestamp::from_second(1_700_000_000 - 3600).unwrap());
        let s = read_answer(&a, &success, &ErrorSpec::default(), now()).unwrap();
        assert_eq!(s.expires_at.unwrap().as_second(), now().as_second() + 300);
    }

    #[test]
    fn a_missing_token_names_the_cookie_the_answer_did_set() {
        let p = preset("meetra");
        let a = with_headers(
            answer(200, r#"{"ok":true}"#),
            &[("Set-Cookie", "sid=abc; Max-Age=60")],
        );
        let f = read_answer(&a, &p.success, &p.errors, now()).unwrap_err();
        assert_eq!(f.kind, Kind::ProtocolError);
        let m = f.message.unwrap();
        assert!(m.contains("no token at /token"), "{m}");
        assert!(m.contains("cookie:sid"), "the fix is named: {m}");
        assert!(!m.contains("abc"), "the cookie's value is not shown: {m}");
    }

    #[test]
    fn a_wrong_token_path_keeps_the_token_out_of_the_message_and_the_raw_answer() {
        let p = preset("sealmetrics");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let body = format!(
            r#"{{"data":{{"token":"{jwt}","opaque_key":"k-SECRET"}},"debug":{{"session_secret":"s-SECRET","echo":"{jwt}"}}}}"#
        );
        let a = with_headers(
            answer(200, &body),
            &[("Set-Cookie", "sid=c-SECRET; Path=/"), ("X-Trace", jwt)],
        );
        let result = read_answer(&a, &p.success, &p.errors, now());
        let message = result.as_ref().unwrap_err().message.clone().unwrap();
        let raw = raw_answer(a, &result, &[], &[]);
        let shown = format!("{message} {} {:?}", raw.body, raw.headers);
        for secret in [jwt, "k-SECRET", "s-SECRET", "c-SECRET"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(raw.body.contains("<redacted>"), "{}", raw.body);
    }

    #[test]
    fn a_form_body_is_percent_encoded() {
        let template = json!({"username": "{email}", "password": "{password}", "n": 1});
        let body = form_body(&template, &[("{email}", "a@b.c"), ("{password}", "p&w=d")]);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "username=a%40b.c&password=p%26w%3Dd&n=1"
        );
        assert_eq!(&*fill("Tenant {email}", &[("{email}", "x")]), "Tenant x");
    }

    #[test]
    fn placeholders_are_filled_once_and_a_value_is_never_read_as_one() {
        let vars = [("{email}", "a{password}@b.c"), ("{password}", "p{email}w")];
        assert_eq!(
            &*fill("{email}/{password}/{other}/{/{email", &vars),
            "a{password}@b.c/p{email}w/{other}/{/{email"
        );
        assert_eq!(&*fill("", &vars), "");
        assert_eq!(&*fill("{{password}}", &vars), "{p{email}w}");
        let body = serde_json::to_string(&render(
            &json!({"u": "{email}", "n": [1, "{password}"]}),
            &vars,
        ))
        .unwrap();
        assert_eq!(body, r#"{"u":"a{password}@b.c","n":[1,"p{email}w"]}"#);
    }

    fn jwt_with(payload: &str) -> String {
        use base64::Engine as _;
        let b64 = |t: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(t);
        format!("{}.{}.c2ln", b64(r#"{"alg":"HS256"}"#), b64(payload))
    }

    #[test]
    fn a_jwt_exp_in_milliseconds_is_read_as_such_with_a_note() {
        let p = preset("meetra");
        let body = format!(r#"{{"token":"{}"}}"#, jwt_with(r#"{"exp":1900000000000}"#));
        let s = read_answer(&answer(200, &body), &p.success, &p.errors, now()).unwrap();
        assert_eq!(s.expires_at.map(|t| t.as_second()), Some(1_900_000_000));
        assert!(
            s.notes.iter().any(|n| n.contains("millisecond")),
            "the login says how it read exp: {:?}",
            s.notes
        );
    }

    #[test]
    fn an_unreadable_jwt_exp_is_said_not_taken_as_no_expiry() {
        let p = preset("meetra");
        let body = format!(r#"{{"token":"{}"}}"#, jwt_with(r#"{"exp":"soon"}"#));
        let s = read_answer(&answer(200, &body), &p.success, &p.errors, now()).unwrap();
        assert_eq!(s.expires_at, None);
        assert!(
            s.notes.iter().any(|n| n.contains("exp")),
            "the notes say exp could not be read: {:?}",
            s.notes
        );
    }
}
