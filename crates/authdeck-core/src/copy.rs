//! The forms a token takes when handed to other tools (clipboard, `authdeck token`).

use crate::provider::{Provider, TokenSource};
use crate::secret::Secret;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CopyFormat"))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The token alone.
    #[default]
    Raw,
    /// `Authorization: Bearer <token>` (or the header the provider names, `Cookie: sid=…`;
    /// `name=<token>` for a query parameter).
    Header,
    /// `-H 'Authorization: Bearer <token>'`, to paste into a curl command (`--url-query` for a
    /// query parameter).
    Curl,
    /// A whole command: `curl -H 'Authorization: Bearer <token>' '<base URL>/'`, the account's
    /// base URL standing for the URL to call.
    CurlCommand,
    /// `export AUTHDECK_TOKEN='<token>'`, for a shell (the account's own variable name when
    /// it has one).
    Env,
    /// `AUTHDECK_TOKEN=<token>`, a line of a `.env` file (no `export`; the account's own
    /// variable name when it has one).
    Dotenv,
    /// `{"account", "token", "token_type", "expires_at", "use": {"header", "value"}}`
    Json,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Raw,
        Format::Header,
        Format::Curl,
        Format::CurlCommand,
        Format::Env,
        Format::Dotenv,
        Format::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Raw => "raw",
            Format::Header => "header",
            Format::Curl => "curl",
            Format::CurlCommand => "curl_command",
            Format::Env => "env",
            Format::Dotenv => "dotenv",
            Format::Json => "json",
        }
    }
}

/// How a token is presented to its API: in a header, after an optional scheme word
/// (`Authorization: Bearer …`, RFC 6750 §2.1; `X-API-Key: …`; `Cookie: sid=…`), or as a URL
/// query parameter (RFC 6750 §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    pub header: String,
    /// The word before the token; `None` for none.
    pub scheme: Option<String>,
    /// Send as this query parameter instead of a header.
    pub query: Option<String>,
    /// Where a whole curl command sends it: the account's base URL, standing for the URL the
    /// user will call.
    pub url: Option<String>,
    /// The variable the shell and `.env` forms assign; `None`: `AUTHDECK_TOKEN`
    /// ([`crate::accounts::AccountConfig::env_var`]).
    pub variable: Option<String>,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            header: "Authorization".into(),
            scheme: Some("Bearer".into()),
            query: None,
            url: None,
            variable: None,
        }
    }
}

impl Presentation {
    /// How `provider`'s tokens are presented: its `[handout]`, a `Cookie:` header for a cookie
    /// session, else `Authorization: Bearer`. A scheme the server wrote before the token
    /// (`server_scheme`) is used in `Authorization` unless the provider names one.
    pub fn of(provider: &Provider, server_scheme: Option<&str>) -> Presentation {
        let cookie = matches!(provider.success.token_source(), Ok(TokenSource::Cookie(_)));
        match (&provider.handout, cookie) {
            (Some(h), _) => {
                let header = h.header_name().to_string();
                let authorization = header.eq_ignore_ascii_case("authorization");
                // The provider's word wins (empty: none); else the server's, which belongs
                // only in Authorization (RFC 9110 §11.6.2); else Bearer there.
                let scheme = match (&h.scheme, server_scheme) {
                    (Some(s), _) if s.is_empty() => None,
                    (Some(s), _) => Some(s.clone()),
                    (None, Some(s)) if authorization => Some(s.to_string()),
                    (None, _) if authorization => Some("Bearer".into()),
                    (None, _) => None,
                };
                Presentation {
                    header,
                    scheme,
                    query: h.query.clone(),
                    ..Presentation::default()
                }
            }
            (None, true) => Presentation {
                header: "Cookie".into(),
                scheme: None,
                ..Presentation::default()
            },
            (None, false) => Presentation {
                scheme: Some(server_scheme.unwrap_or("Bearer").to_string()),
                ..Presentation::default()
            },
        }
    }

    /// The header's value (`Bearer abc`), zeroized on drop.
    pub fn value(&self, token: &Secret) -> Zeroizing<String> {
        Zeroizing::new(match &self.scheme {
            Some(scheme) => format!("{scheme} {}", token.expose()),
            None => token.expose().to_string(),
        })
    }

    /// The variable name of the shell and `.env` forms.
    pub fn variable(&self) -> &str {
        self.variable
            .as_deref()
            .unwrap_or(crate::accounts::DEFAULT_ENV_VAR)
    }

    /// The scheme word as OAuth's `token_type` says it, when there is one.
    fn token_type(&self) -> Option<&str> {
        self.scheme.as_deref()
    }
}

/// The token in `format`, in a buffer zeroized on drop. `presented` says which header (or
/// query parameter) the `header`, `curl` and `json` forms use.
pub fn render(
    format: Format,
    account: &str,
    token: &Secret,
    expires_at: Option<Timestamp>,
    presented: &Presentation,
) -> Zeroizing<String> {
    let t = token.expose();
    let value = presented.value(token);
    let query = presented.query.as_deref().map(|q| {
        format!(
            "{q}={}",
            url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
        )
    });
    Zeroizing::new(match (format, query) {
        (Format::Raw, _) => t.to_string(),
        (Format::Header, Some(q)) => q,
        (Format::Header, None) => format!("{}: {}", presented.header, &*value),
        (Format::Curl, Some(q)) => format!("--url-query '{}'", shell_quoted_body(&q)),
        (Format::Curl, None) => format!("-H '{}: {}'", presented.header, shell_quoted_body(&value)),
        (Format::CurlCommand, query) => {
            let option = match query {
                Some(q) => format!("--url-query '{}'", shell_quoted_body(&q)),
                None => format!("-H '{}: {}'", presented.header, shell_quoted_body(&value)),
            };
            let url = presented
                .url
                .as_deref()
                .unwrap_or("https://api.example.com");
            format!(
                "curl {option} '{}/'",
                shell_quoted_body(url.trim_end_matches('/'))
            )
        }
        (Format::Env, _) => format!("export {}='{}'", presented.variable(), shell_quoted_body(t)),
        (Format::Dotenv, _) => format!("{}={}", presented.variable(), dotenv_value(t)),
        (Format::Json, query) => {
            let mut json = serde_json::json!({
                "account": account,
                "token": t,
                "token_type": presented.token_type(),
                "expires_at": expires_at.map(|e| e.to_string()),
            });
            json["use"] = match (&presented.query, query) {
                (Some(name), Some(_)) => serde_json::json!({"query": name}),
                _ => serde_json::json!({"header": presented.header, "value": &*value}),
            };
            json.to_string()
        }
    })
}

/// Inside single quotes only `'` needs care; tokens never hold one, but a provider might.
fn shell_quoted_body(t: &str) -> String {
    t.replace('\'', r"'\''")
}

/// A `.env` value: as it is when every dotenv reader takes it so (a JWT, a hex key); else in
/// single quotes, which dotenv readers and `sh` take literally (no `$` expansion, no command
/// substitution); a value holding `'` goes in double quotes with `\ " $ `` escaped.
fn dotenv_value(t: &str) -> String {
    let plain = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._~+/=-:".contains(c));
    if plain {
        return t.to_string();
    }
    if !t.contains('\'') {
        return format!("'{t}'");
    }
    let mut escaped = String::with_capacity(t.len() + 8);
    for c in t.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_has_the_documented_shape() {
        let s = Secret::new("abc.def.ghi");
        let at = Timestamp::from_second(1_800_000_000).ok();
        let bearer = Presentation::default();
        let render = |f| render(f, "a", &s, at, &bearer);
        assert_eq!(&*render(Format::Raw), "abc.def.ghi");
        assert_eq!(
            &*render(Format::Header),
            "Authorization: Bearer abc.def.ghi"
        );
        assert_eq!(
            &*render(Format::Curl),
            "-H 'Authorization: Bearer abc.def.ghi'"
        );
        assert_eq!(&*render(Format::Env), "export AUTHDECK_TOKEN='abc.def.ghi'");
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(json["account"], "a");
        assert_eq!(json["token"], "abc.def.ghi");
        assert_eq!(json["token_type"], "Bearer");
        assert_eq!(json["expires_at"], "2027-01-15T08:00:00Z");
    }

    #[test]
    fn curl_command_is_a_whole_command_to_the_accounts_base_url_and_curl_stays_the_bare_option() {
        let s = Secret::new("abc.def.ghi");
        let at_api = Presentation {
            url: Some("https://gw.example.com/talkstack/".into()),
            ..Presentation::default()
        };
        assert_eq!(
            &*render(Format::CurlCommand, "a", &s, None, &at_api),
            "curl -H 'Authorization: Bearer abc.def.ghi' 'https://gw.example.com/talkstack/'"
        );
        assert_eq!(
            &*render(Format::Curl, "a", &s, None, &at_api),
            "-H 'Authorization: Bearer abc.def.ghi'",
            "the bare option is still there"
        );
        let by_query = Presentation {
            query: Some("api_key".into()),
            url: Some("http://127.0.0.1:8787/apikey".into()),
            ..Presentation::default()
        };
        assert_eq!(
            &*render(Format::CurlCommand, "a", &s, None, &by_query),
            "curl --url-query 'api_key=abc.def.ghi' 'http://127.0.0.1:8787/apikey/'"
        );
    }

    #[test]
    fn dotenv_is_a_line_without_export_quoted_only_when_it_must_be() {
        let bearer = Presentation::default();
        let line = |t: &str| render(Format::Dotenv, "a", &Secret::new(t), None, &bearer);
        assert_eq!(&*line("abc.def.ghi"), "AUTHDECK_TOKEN=abc.def.ghi");
        assert_eq!(&*line("a b\"c"), "AUTHDECK_TOKEN='a b\"c'");
        assert_eq!(
            &*line("$(id)`id`${HOME}"),
            "AUTHDECK_TOKEN='$(id)`id`${HOME}'",
            "nothing a shell or dotenv reader would expand"
        );
        assert_eq!(&*line("it's $x"), "AUTHDECK_TOKEN=\"it's \\$x\"");
        assert!(!line("abc").contains("export"), "a .env file has no export");
    }

    #[test]
    fn the_shell_and_env_lines_use_the_accounts_own_variable_name() {
        let s = Secret::new("abc.def.ghi");
        let named = Presentation {
            variable: Some("GITHUB_TOKEN".into()),
            ..Presentation::default()
        };
        assert_eq!(
            &*render(Format::Env, "a", &s, None, &named),
            "export GITHUB_TOKEN='abc.def.ghi'"
        );
        assert_eq!(
            &*render(Format::Dotenv, "a", &s, None, &named),
            "GITHUB_TOKEN=abc.def.ghi"
        );
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &named),
            "Authorization: Bearer abc.def.ghi",
            "the header is not touched"
        );
    }

    #[test]
    fn a_quote_in_a_token_cannot_break_out_of_the_shell_string() {
        let s = Secret::new("a'b");
        assert_eq!(
            &*render(Format::Env, "x", &s, None, &Presentation::default()),
            r"export AUTHDECK_TOKEN='a'\''b'"
        );
    }

    fn provider(extra: &str) -> Provider {
        Provider::from_toml(&format!(
            "id = \"p\"\nname = \"P\"\n{extra}\n[login]\npath = \"/login\"\n\
             body = {{ e = \"{{email}}\", p = \"{{password}}\" }}\n"
        ))
        .unwrap()
    }

    #[test]
    fn a_scheme_the_server_gave_is_honoured_in_every_form() {
        let p = provider("[success]\ntoken = \"/token\"");
        let shown = Presentation::of(&p, Some("Token"));
        let s = Secret::new("abc");
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &shown),
            "Authorization: Token abc"
        );
        assert_eq!(&*render(Format::Raw, "a", &s, None, &shown), "abc");
        let json: serde_json::Value =
            serde_json::from_str(&render(Format::Json, "a", &s, None, &shown)).unwrap();
        assert_eq!(json["token_type"], "Token");
        assert_eq!(json["use"]["value"], "Token abc");
    }

    #[test]
    fn the_servers_scheme_stays_out_of_another_header_and_an_empty_scheme_means_none() {
        let s = Secret::new("abc");
        let other = provider("[success]\ntoken = \"/t\"\n[handout]\nheader = \"X-Auth-Token\"");
        let shown = Presentation::of(&other, Some("Bearer"));
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &shown),
            "X-Auth-Token: abc"
        );
        let none = provider("[success]\ntoken = \"/t\"\n[handout]\nscheme = \"\"");
        let shown = Presentation::of(&none, Some("Bearer"));
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &shown),
            "Authorization: abc"
        );
    }

    #[test]
    fn a_cookie_session_is_handed_out_as_a_cookie_header() {
        let p = provider("[success]\ntoken = \"cookie:sid\"");
        let shown = Presentation::of(&p, None);
        let s = Secret::new("sid=abc");
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &shown),
            "Cookie: sid=abc"
        );
        assert_eq!(
            &*render(Format::Curl, "a", &s, None, &shown),
            "-H 'Cookie: sid=abc'"
        );
    }

    #[test]
    fn an_api_key_goes_in_the_header_or_query_parameter_the_provider_names() {
        let s = Secret::new("k&1");
        let header = provider("[success]\ntoken = \"/t\"\n[handout]\nheader = \"X-API-Key\"");
        assert_eq!(
            &*render(
                Format::Header,
                "a",
                &s,
                None,
                &Presentation::of(&header, None)
            ),
            "X-API-Key: k&1"
        );
        let query = provider("[success]\ntoken = \"/t\"\n[handout]\nquery = \"api_key\"");
        let shown = Presentation::of(&query, None);
        assert_eq!(
            &*render(Format::Header, "a", &s, None, &shown),
            "api_key=k%261"
        );
        assert_eq!(
            &*render(Format::Curl, "a", &s, None, &shown),
            "--url-query 'api_key=k%261'"
        );
    }
}
