//! The provider spec: a login API described as data (TOML), so presets and user files are equal.

use crate::outcome::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One login API: how to ask, where the answer puts the token, and what its errors mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Short id used on the command line and in accounts (`meetra`, `my-api`).
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The API document this spec follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// The documented base URL, when the document gives one; else the user must give it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// What the spec decided where the document is silent. Each can be overridden per account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// How to log in; `None` for an API whose users paste a key or token instead (then
    /// `[handout]` says how it is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<Request>,
    /// Where a login's answer puts things; unused without `[login]`.
    #[serde(default, skip_serializing_if = "SuccessSpec::is_unset")]
    pub success: SuccessSpec,
    #[serde(default)]
    pub errors: ErrorSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshSpec>,
    /// How the token is sent to the API and handed to other tools; `Authorization: Bearer`
    /// (RFC 6750 §2.1) when absent, `Cookie:` when the session is a cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handout: Option<Handout>,
    /// JSON Pointers of answer fields shown as they are in a kept raw answer. Everything else
    /// that looks like a secret (by key name or shape) is hidden: see [`crate::redact`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw_safe: Vec<String>,
    /// A second login step for accounts with a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<SecondFactor>,
    /// An OAuth 2.0 / OpenID Connect server instead of a `[login]` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<super::OAuthSpec>,
}

/// A second factor: when the login's answer asks for a one-time code instead of giving a
/// token, `request` sends the code (typed by the user, or computed from a TOTP secret kept in
/// the keyring, RFC 6238) and its answer is read like a login's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondFactor {
    /// JSON Pointer into the login's 2xx answer: `true`, or a non-empty text, there means a
    /// code is required (`/mfa_required`).
    pub when: String,
    /// Strings in it may hold `{otp}` (the code) and `{answer:/pointer}` (a value of the
    /// login's answer, such as the challenge token it gave).
    pub request: Request,
}

/// How a token is presented: a header with an optional scheme word, or a query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handout {
    /// The header carrying the token (`X-API-Key`); `Authorization` when neither this nor
    /// `query` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The word before the token (`Bearer`, `Token`); empty for none. Default: `Bearer` in
    /// `Authorization`, none in any other header. When it is not given, a scheme the server
    /// puts in front of the token itself is used in `Authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Send the token as this URL query parameter instead of a header (`api_key`). When given,
    /// it is where the token goes, and `header` is unused (so one account can switch with
    /// `--set handout.query=api_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

impl Handout {
    /// The header the token goes in (`Authorization` unless another is named).
    pub fn header_name(&self) -> &str {
        self.header.as_deref().unwrap_or("Authorization")
    }
}

/// An HTTP request. Strings in the body and header values may hold `{email}`, `{password}`
/// or `{refresh_token}`, replaced (JSON- or form-safely) when the request is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default = "default_method")]
    pub method: String,
    /// Appended to the base URL (a base URL's own path prefix is kept).
    pub path: String,
    pub body: serde_json::Value,
    /// How the body is sent: JSON, or `application/x-www-form-urlencoded` (then the body is a
    /// table of plain values).
    #[serde(default, skip_serializing_if = "BodyFormat::is_json")]
    pub body_format: BodyFormat,
    /// Sent as they are, placeholders filled in (`X-Api-Key`, a tenant header).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` (HTML forms, OAuth token endpoints).
    Form,
}

impl BodyFormat {
    fn is_json(&self) -> bool {
        *self == BodyFormat::Json
    }
}

fn default_method() -> String {
    "POST".into()
}

/// Where a successful answer puts things. Each field is a JSON Pointer (RFC 6901), except
/// `token`, which may also name a response header or a cookie (see [`TokenSource`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessSpec {
    /// `/token` (a JSON Pointer into the body), `header:X-Subject-Token`, `cookie:sid`, or
    /// `cookie:*` (every cookie the login sets).
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub expires_format: ExpiryFormat,
}

/// Where the token of a successful answer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource<'a> {
    /// A JSON Pointer into the body.
    Body(&'a str),
    /// A response header, by name (case-insensitive).
    Header(&'a str),
    /// A cookie by name; `None` for every cookie the answer sets. The session is then the
    /// cookies themselves, handed out as a `Cookie:` header.
    Cookie(Option<&'a str>),
}

impl SuccessSpec {
    fn is_unset(&self) -> bool {
        *self == SuccessSpec::default()
    }

    /// Where `token` points. Errors: the problem in words, for [`Provider::validate`].
    pub fn token_source(&self) -> std::result::Result<TokenSource<'_>, String> {
        let t = self.token.trim();
        if let Some(name) = t.strip_prefix("header:") {
            let name = name.trim();
            return match reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                Ok(_) => Ok(TokenSource::Header(name)),
                Err(_) => Err(format!("\"{name}\" is not a header name")),
            };
        }
        if let Some(name) = t.strip_prefix("cookie:") {
            let name = name.trim();
            return match name {
                "*" => Ok(TokenSource::Cookie(None)),
                "" => {
                    Err("give the cookie's name (cookie:sid) or cookie:* for every cookie".into())
                }
                _ if name.contains([';', '=', ' ', ',']) => {
                    Err(format!("\"{name}\" is not a cookie name"))
                }
                _ => Ok(TokenSource::Cookie(Some(name))),
            };
        }
        if t.is_empty() {
            return Err("must not be empty".into());
        }
        if !t.starts_with('/') {
            return Err(format!(
                "\"{t}\" is not a JSON Pointer (it must start with '/', e.g. \"/token\"), nor \
                 header:NAME or cookie:NAME"
            ));
        }
        Ok(TokenSource::Body(t))
    }
}

/// How an expiry field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryFormat {
    /// RFC 3339 / ISO 8601, with or without fractions.
    Rfc3339,
    UnixSeconds,
    UnixMs,
    /// A unix time in seconds or milliseconds, told apart by magnitude.
    #[default]
    Unix,
    /// A lifetime in seconds counted from the answer (OAuth's `expires_in`).
    SecondsFromNow,
    /// No expiry field: use the token's JWT `exp`.
    JwtExp,
}

/// Where errors put their code and message, and what each means.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// JSON Pointers tried in order for the provider's error code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<String>,
    /// JSON Pointers tried in order for the provider's error message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub message: Vec<String>,
    /// Documented names of numeric codes (`"4" = "INVALID_PASSWORD"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub code_names: BTreeMap<String, String>,
    /// Rules tried in order; the first whose every given condition holds decides the kind.
    /// When none does, the HTTP status decides (429 rate limited, 5xx server error, ...).
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ErrorRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error code after `code_names` is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Matched case-insensitively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_contains: Option<String>,
    pub kind: Kind,
}

/// How to renew a session with a refresh token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshSpec {
    pub request: Request,
    /// Where the refresh answer puts things; the login's `success` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<SuccessSpec>,
    /// The refresh's own error rules; the login's `errors` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<ErrorSpec>,
}

impl Provider {
    /// The API has a login request; without one, its users paste a key or token.
    pub fn has_login(&self) -> bool {
        self.login.is_some()
    }

    /// Checks what serde cannot: pointers, paths, placeholders. Returns (field, problem).
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err((
                "id".into(),
                "must be letters, digits, '-' or '_' (e.g. \"my-api\")".into(),
            ));
        }
        if let Some(oauth) = &self.oauth {
            for (field, present) in [
                ("login", self.login.is_some()),
                ("refresh", self.refresh.is_some()),
                ("second_factor", self.second_factor.is_some()),
            ] {
                if present {
                    return Err((
                        field.into(),
                        "an [oauth] provider signs in and renews through its authorization \
                         server: remove this table"
                            .into(),
                    ));
                }
            }
            oauth.validate()?;
        }
        match &self.login {
            Some(login) => {
                check_request("login", login, &["{email}", "{password}"])?;
                check_success("success", &self.success)?;
            }
            None if self.oauth.is_some() => {}
            None => {
                for (field, present) in [
                    ("refresh", self.refresh.is_some()),
                    ("second_factor", self.second_factor.is_some()),
                ] {
                    if present {
                        return Err((
                            field.into(),
                            "needs a [login]: without one, users paste their key or token".into(),
                        ));
                    }
                }
            }
        }
        if let Some(h) = &self.handout {
            let cookie = matches!(self.success.token_source(), Ok(TokenSource::Cookie(_)));
            check_handout(h, cookie)?;
        }
        for p in &self.raw_safe {
            check_pointer("raw_safe".into(), p)?;
        }
        if let Some(f) = &self.second_factor {
            check_pointer("second_factor.when".into(), &f.when)?;
            if f.when.is_empty() {
                return Err(("second_factor.when".into(), "must not be empty".into()));
            }
            check_request("second_factor.request", &f.request, &["{otp}"])?;
        }
        check_errors("errors", &self.errors)?;
        if let Some(refresh) = &self.refresh {
            check_request("refresh.request", &refresh.request, &["{refresh_token}"])?;
            if let Some(s) = &refresh.success {
                check_success("refresh.success", s)?;
            }
            if let Some(e) = &refresh.errors {
                check_errors("refresh.errors", e)?;
            }
        }
        Ok(())
    }
}

fn check_request(at: &str, r: &Request, needs: &[&str]) -> Result<(), (String, String)> {
    if !r.path.starts_with('/') {
        return Err((
            format!("{at}.path"),
            format!("must start with '/', got \"{}\"", r.path),
        ));
    }
    let method = r.method.to_ascii_uppercase();
    if !["POST", "PUT", "PATCH", "GET"].contains(&method.as_str()) {
        return Err((
            format!("{at}.method"),
            format!("must be POST, PUT, PATCH or GET, got \"{}\"", r.method),
        ));
    }
    let mut sent = r.body.to_string();
    for (name, value) in &r.headers {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err((
                format!("{at}.headers"),
                format!("\"{name}\" is not a header name"),
            ));
        }
        if !value.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
            return Err((
                format!("{at}.headers.{name}"),
                "a header value is printable ASCII on one line (no line breaks, no accents)".into(),
            ));
        }
        sent.push_str(value);
    }
    // A placeholder that only another step fills would be sent as it is written.
    let steps = [
        ("{otp}", "{otp}", "second_factor.request"),
        ("{answer:", "{answer:/pointer}", "second_factor.request"),
        ("{refresh_token}", "{refresh_token}", "refresh.request"),
    ];
    for (needle, shown, allowed) in steps {
        if sent.contains(needle) && at != allowed {
            return Err((
                format!("{at}.body"),
                format!("{shown} is filled only in [{allowed}]: here it would be sent as written"),
            ));
        }
    }
    for placeholder in needs {
        if !sent.contains(placeholder) {
            return Err((
                format!("{at}.body"),
                format!("must contain the placeholder {placeholder} (in the body or a header)"),
            ));
        }
    }
    if r.body_format == BodyFormat::Form {
        let flat = r.body.as_object().is_some_and(|o| {
            o.values()
                .all(|v| v.is_string() || v.is_number() || v.is_boolean())
        });
        if !flat {
            return Err((
                format!("{at}.body"),
                "a form body is a table of plain values (text, numbers, true/false), \
                 e.g. { username = \"{email}\", password = \"{password}\" }"
                    .into(),
            ));
        }
    }
    Ok(())
}

fn check_handout(h: &Handout, cookie: bool) -> Result<(), (String, String)> {
    if cookie && h.query.is_some() {
        return Err((
            "handout.query".into(),
            "a cookie session is sent as a Cookie header, not a query parameter".into(),
        ));
    }
    if reqwest::header::HeaderName::from_bytes(h.header_name().as_bytes()).is_err() {
        return Err((
            "handout.header".into(),
            format!("\"{}\" is not a header name", h.header_name()),
        ));
    }
    if let Some(scheme) = &h.scheme
        && (scheme.contains(char::is_whitespace) || !scheme.is_ascii())
    {
        return Err((
            "handout.scheme".into(),
            format!("\"{scheme}\" must be one word (Bearer, Token) or empty"),
        ));
    }
    if let Some(q) = &h.query
        && (q.is_empty() || q.contains(['&', '=', '#', '?', ' ']))
    {
        return Err((
            "handout.query".into(),
            format!("\"{q}\" is not a query parameter name"),
        ));
    }
    Ok(())
}

fn check_pointer(field: String, p: &str) -> Result<(), (String, String)> {
    if p.is_empty() || p.starts_with('/') {
        Ok(())
    } else {
        Err((
            field,
            format!("\"{p}\" is not a JSON Pointer: it must start with '/' (e.g. \"/token\")"),
        ))
    }
}

fn check_success(at: &str, s: &SuccessSpec) -> Result<(), (String, String)> {
    s.token_source()
        .map_err(|problem| (format!("{at}.token"), problem))?;
    if let Some(p) = &s.refresh_token {
        check_pointer(format!("{at}.refresh_token"), p)?;
    }
    if let Some(p) = &s.expires_at {
        check_pointer(format!("{at}.expires_at"), p)?;
    }
    Ok(())
}

fn check_errors(at: &str, e: &ErrorSpec) -> Result<(), (String, String)> {
    for p in &e.code {
        check_pointer(format!("{at}.code"), p)?;
    }
    for p in &e.message {
        check_pointer(format!("{at}.message"), p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(extra: &str) -> Option<(String, String)> {
        let text = format!("id = \"p\"\nname = \"P\"\n{extra}\n");
        let provider: Provider = toml::from_str(&text).expect("the TOML parses");
        provider.validate().err()
    }

    const LOGIN: &str = "[login]\npath = \"/l\"\nbody = { e = \"{email}\", p = \"{password}\" }\n[success]\ntoken = \"/t\"";

    #[test]
    fn a_placeholder_only_another_step_fills_is_refused_where_it_would_be_sent_as_written() {
        let login = "[login]\npath = \"/l\"\nbody = { e = \"{email}\", p = \"{password}\", c = \"{otp}\" }\n[success]\ntoken = \"/t\"";
        let (field, why) = problem(login).expect("refused");
        assert_eq!(field, "login.body");
        assert!(
            why.contains("{otp}") && why.contains("second_factor"),
            "{why}"
        );
        let refresh = format!(
            "{LOGIN}\n[refresh.request]\npath = \"/r\"\nbody = {{ r = \"{{refresh_token}}\", a = \"{{answer:/x}}\" }}"
        );
        assert!(problem(&refresh).is_some(), "{{answer:}} in a refresh");
    }

    #[test]
    fn a_header_value_with_a_line_break_or_accent_is_refused() {
        for value in ["a\\r\\nX-Evil: 1", "ünïcødé"] {
            let with_header = format!(
                "[login]\npath = \"/l\"\nbody = {{ e = \"{{email}}\", p = \"{{password}}\" }}\nheaders = {{ X-Tenant = \"{value}\" }}\n[success]\ntoken = \"/t\""
            );
            let (field, _) = problem(&with_header).expect("refused");
            assert_eq!(field, "login.headers.X-Tenant", "{value}");
        }
    }

    #[test]
    fn a_cookie_session_in_a_query_parameter_is_refused() {
        let cookie = "[login]\npath = \"/l\"\nbody = { e = \"{email}\", p = \"{password}\" }\n[success]\ntoken = \"cookie:sid\"\n[handout]\nquery = \"k\"";
        assert_eq!(
            problem(cookie).map(|p| p.0).as_deref(),
            Some("handout.query")
        );
        assert_eq!(problem(LOGIN), None, "the plain login is fine");
    }
}
