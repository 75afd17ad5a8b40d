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
    pub login: Request,
    pub success: SuccessSpec,
    #[serde(default)]
    pub errors: ErrorSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshSpec>,
}

/// An HTTP request. The body is JSON; strings in it may hold `{email}`, `{password}` or
/// `{refresh_token}`, replaced (JSON-safely) when the request is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default = "default_method")]
    pub method: String,
    /// Appended to the base URL (a base URL's own path prefix is kept).
    pub path: String,
    pub body: serde_json::Value,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

fn default_method() -> String {
    "POST".into()
}

/// Where a successful answer puts things. Each field is a JSON Pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessSpec {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub expires_format: ExpiryFormat,
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
        check_request("login", &self.login, &["{email}", "{password}"])?;
        check_success("success", &self.success)?;
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
    let body = r.body.to_string();
    for placeholder in needs {
        if !body.contains(placeholder) {
            return Err((
                format!("{at}.body"),
                format!("must contain the placeholder {placeholder}"),
            ));
        }
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
    check_pointer(format!("{at}.token"), &s.token)?;
    if s.token.is_empty() {
        return Err((format!("{at}.token"), "must not be empty".into()));
    }
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
