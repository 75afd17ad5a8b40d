//! A dotenv file: `NAME='value'` lines, upper-case names, after one comment line. Single quotes
//! keep a value literal for dotenv loaders and for `set -a; . ./file` in a shell alike; a value
//! holding a single quote goes in double quotes when that is still literal for both.
//!
//! Read back ("Import from .env") with `dotenvy`: any `.env` a developer keeps (quotes,
//! `export`, comments), not only ours; `${VAR}` stays as written. What a value looks like is
//! told without showing it; the values stay in Rust.

use super::{Variable, exported_at};
use crate::secret::Secret;
use crate::{Error, Result};
use jiff::Timestamp;
use serde::Serialize;
use zeroize::Zeroizing;

/// A variable of a `.env` file as "Import from .env" offers it, without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DotenvVariable {
    pub name: String,
    /// What the value is, in words that do not show it: "a JWT, 412 characters".
    pub shape: String,
    /// It looks like a token or key (a JWT, or a name that says TOKEN, KEY, SECRET, PAT…):
    /// offered ticked.
    pub likely: bool,
    /// The account name to offer: the name without `_TOKEN`, `_API_KEY`…, lower case, `-`
    /// for `_` (`STRIPE_API_KEY`: `stripe`).
    pub account: String,
    /// A base URL from the same file: `<PREFIX>_BASE_URL` or `<PREFIX>_URL` (what
    /// `authdeck export-env --format dotenv` writes), else a lone `BASE_URL` or `API_URL`.
    pub base_url: Option<String>,
    /// When it expires: `<PREFIX>_EXPIRES_AT` (RFC 3339), else the JWT's `exp`.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires_at: Option<Timestamp>,
}

/// What a `.env` file holds: its variables in file order, and how many lines could not be
/// read as `NAME=value` (left out; their text is never repeated, it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DotenvFile {
    pub variables: Vec<DotenvVariable>,
    pub skipped_lines: u32,
}

/// Name endings that say what a variable holds, longest first: stripped for the account name.
const TOKEN_ENDINGS: [&str; 9] = [
    "_ACCESS_TOKEN",
    "_AUTH_TOKEN",
    "_API_TOKEN",
    "_API_KEY",
    "_TOKEN",
    "_SECRET",
    "_KEY",
    "_PAT",
    "_JWT",
];

/// Names that hold something else than a token (`export-env`'s other columns among them).
const NOT_TOKEN_ENDINGS: [&str; 7] = [
    "_URL",
    "_EXPIRES_AT",
    "_AUTH_HEADER",
    "_AUTH_QUERY",
    "_AUTH_VALUE",
    "_HEADER",
    "_ENV",
];

/// Stands for `$` while dotenvy reads: it fills `${VAR}` from this process's environment,
/// which would let a `.env` from anywhere take the app's own variables to a server it names.
/// A private-use character, put back as `$` in every value.
const DOLLAR: &str = "\u{E000}";

/// Reads `text` as a `.env` file: each `NAME=value` with its value, the first of a name
/// repeated. Never fails: lines that are not `NAME=value` are counted, not repeated. `$` is
/// kept as written: `${VAR}` is never filled in.
pub fn read(text: &[u8]) -> (Vec<(String, Secret)>, u32) {
    let text = Zeroizing::new(String::from_utf8_lossy(text).replace('$', DOLLAR));
    let mut pairs: Vec<(String, Secret)> = Vec::new();
    let mut skipped = 0u32;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((name, value)) => {
                let value = Zeroizing::new(value.replace(DOLLAR, "$"));
                let name = name.replace(DOLLAR, "$");
                if !pairs.iter().any(|(n, _)| *n == name) {
                    pairs.push((name, Secret::new(value.as_str())));
                }
            }
            // The error holds the line's text, which may be a secret: only counted.
            Err(_) => skipped = skipped.saturating_add(1),
        }
    }
    (pairs, skipped)
}

/// What to offer of a file's `pairs` ([`read`]).
pub fn offer(pairs: &[(String, Secret)], skipped_lines: u32) -> DotenvFile {
    let find = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.expose().trim().to_string())
            .filter(|v| !v.is_empty())
    };
    // A base URL is shown in the dialog: one with a user name or password in it
    // (`https://user:pass@host`) is offered without them, which stay out of the webview.
    let url_without_login = |text: String| match url::Url::parse(&text) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            Some(url.to_string())
        }
        _ => Some(text),
    };
    let lone_url = find("BASE_URL")
        .or_else(|| find("API_URL"))
        .or_else(|| find("API_BASE_URL"));
    let mut seen: Vec<&str> = Vec::new();
    let mut variables = Vec::new();
    for (name, value) in pairs {
        let value = value.expose();
        if value.trim().is_empty() {
            continue;
        }
        let upper = name.to_ascii_uppercase();
        let prefix = TOKEN_ENDINGS
            .iter()
            .find_map(|end| upper.strip_suffix(end))
            .filter(|p| !p.is_empty());
        let is_jwt = crate::jwt::claims(value).is_some();
        let named_token = prefix.is_some()
            || ["TOKEN", "KEY", "SECRET", "PAT", "JWT", "API_KEY"].contains(&upper.as_str());
        let other = NOT_TOKEN_ENDINGS.iter().any(|end| upper.ends_with(end))
            || value.contains(char::is_whitespace);
        // The same value twice (export-env writes DEV_TOKEN and, for one account, TOKEN): the
        // first is offered.
        let repeated = seen.contains(&value);
        seen.push(value);
        let likely = (named_token || is_jwt) && !other && !repeated;
        let stem = prefix.unwrap_or(&upper);
        let account = stem
            .to_ascii_lowercase()
            .replace('_', "-")
            .trim_matches('-')
            .to_string();
        let account = match crate::accounts::validate_name(&account) {
            Ok(()) => account,
            Err(_) => "imported".to_string(),
        };
        let base_url = prefix
            .and_then(|p| find(&format!("{p}_BASE_URL")).or_else(|| find(&format!("{p}_URL"))))
            .or_else(|| lone_url.clone())
            .and_then(url_without_login);
        let expires_at = prefix
            .and_then(|p| find(&format!("{p}_EXPIRES_AT")))
            .and_then(|t| t.parse::<Timestamp>().ok())
            .or_else(|| {
                crate::jwt::claims(value).and_then(|c| crate::jwt::time_claim(&c, "exp").time())
            });
        let length = value.chars().count();
        let shape = match is_jwt {
            true => format!("a JWT, {length} characters"),
            false => format!("{length} characters"),
        };
        variables.push(DotenvVariable {
            name: name.clone(),
            shape,
            likely,
            account,
            base_url,
            expires_at,
        });
    }
    DotenvFile {
        variables,
        skipped_lines,
    }
}

pub(super) fn render(title: &str, vars: &[Variable], now: Timestamp) -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(4096));
    out.push_str(&format!(
        "# {title}, exported {}: live tokens, keep this file private\n",
        exported_at(now)
    ));
    for v in vars {
        out.push_str(&v.name.to_ascii_uppercase());
        out.push('=');
        quote_into(&mut out, &v.name, &v.value)?;
        out.push('\n');
    }
    Ok(out)
}

/// Appends `value` quoted so that dotenv and a POSIX shell both read it back unchanged.
fn quote_into(out: &mut String, name: &str, value: &str) -> Result<()> {
    let (open, close) = if value.contains(['\n', '\r']) {
        return Err(unsafe_value(name));
    } else if !value.contains('\'') {
        ('\'', '\'')
    } else if !value.contains(['"', '\\', '$', '`']) {
        // dotenv reads double quotes literally but for \n; a shell for $ ` \ and ".
        ('"', '"')
    } else {
        return Err(unsafe_value(name));
    };
    out.push(open);
    out.push_str(value);
    out.push(close);
    Ok(())
}

fn unsafe_value(name: &str) -> Error {
    Error::Invalid(format!(
        "{name} cannot be written safely in a dotenv file: its value mixes quotes, `$` or `\\`, \
         or has a line break"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{now, sample};
    use super::super::{Format, render};
    use crate::Result;

    #[test]
    fn a_dotenv_file_has_upper_case_names_and_single_quoted_values() -> Result<()> {
        let text = render(Format::Dotenv, &sample(), now())?;
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("# Authdeck: dev, ci-key, exported 2027-01-15T05:13:20Z"));
        assert_eq!(lines[1], "DEV_BASE_URL='http://127.0.0.1:8787/user-login'");
        assert!(lines.contains(&"DEV_AUTH_VALUE='Bearer eyJ.a.b'"));
        assert!(lines.contains(&"CI_KEY_AUTH_HEADER='X-API-Key'"));
        assert!(lines.contains(&"CI_KEY_EXPIRES_AT=''"));
        Ok(())
    }

    #[test]
    fn quotes_stay_literal_or_the_value_is_refused() {
        let quoted = |v: &str| {
            let mut out = String::new();
            super::quote_into(&mut out, "x", v).map(|()| out)
        };
        assert_eq!(quoted("a'b").ok().as_deref(), Some("\"a'b\""));
        assert!(quoted("a'b\"c").is_err());
        assert!(quoted("a'$HOME").is_err(), "a shell would expand it");
        assert!(quoted("a\nb").is_err());
    }

    fn names(file: &super::DotenvFile) -> Vec<(&str, bool, &str)> {
        file.variables
            .iter()
            .map(|v| (v.name.as_str(), v.likely, v.account.as_str()))
            .collect()
    }

    #[test]
    fn an_export_env_dotenv_file_reads_back_as_its_accounts_with_their_base_urls() -> Result<()> {
        let text = render(Format::Dotenv, &sample(), now())?;
        let (pairs, skipped) = super::read(text.as_bytes());
        assert_eq!(skipped, 0);
        let file = super::offer(&pairs, skipped);
        let ticked: Vec<_> = names(&file).into_iter().filter(|v| v.1).collect();
        assert_eq!(
            ticked,
            vec![("DEV_TOKEN", true, "dev"), ("CI_KEY_TOKEN", true, "ci-key")],
            "the tokens, not the URLs, headers or expiries: {:?}",
            names(&file)
        );
        let dev = file.variables.iter().find(|v| v.name == "DEV_TOKEN");
        let dev = dev.ok_or_else(|| crate::Error::Invalid("no DEV_TOKEN".into()))?;
        assert_eq!(
            dev.base_url.as_deref(),
            Some("http://127.0.0.1:8787/user-login")
        );
        assert!(
            !dev.shape.contains("eyJ"),
            "the value is not shown: {}",
            dev.shape
        );
        Ok(())
    }

    #[test]
    fn a_base_url_with_a_login_in_it_is_offered_without_it() {
        let text = "SHOP_TOKEN=abc123456\nSHOP_URL=https://me:hunter3-pass@shop.example.com/v1\n";
        let (pairs, skipped) = super::read(text.as_bytes());
        let file = super::offer(&pairs, skipped);
        assert_eq!(
            file.variables[0].base_url.as_deref(),
            Some("https://shop.example.com/v1")
        );
        let shown = format!("{file:?}");
        assert!(!shown.contains("hunter3-pass"), "{shown}");
    }

    #[test]
    fn any_developers_env_file_reads_with_quotes_export_and_comments_and_bad_lines_only_counted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE4MDAwMDAwMDB9.c2ln";
        let text = format!(
            "# my app\nexport STRIPE_API_KEY=sk_test_123456\nGITHUB_TOKEN=\"ghp_abcdef\"\n\
             API_URL='https://api.example.com'\nDEBUG=true\nSESSION={jwt}\n\
             this line is broken hunter2-secret\nEMPTY=\n"
        );
        let (pairs, skipped) = super::read(text.as_bytes());
        assert_eq!(skipped, 1, "the broken line is counted");
        let file = super::offer(&pairs, skipped);
        assert_eq!(
            names(&file),
            vec![
                ("STRIPE_API_KEY", true, "stripe"),
                ("GITHUB_TOKEN", true, "github"),
                ("API_URL", false, "api-url"),
                ("DEBUG", false, "debug"),
                ("SESSION", true, "session"),
            ],
            "an empty value is left out; a JWT is a token whatever its name"
        );
        let stripe = &file.variables[0];
        assert_eq!(
            stripe.base_url.as_deref(),
            Some("https://api.example.com"),
            "the lone API_URL"
        );
        assert_eq!(stripe.shape, "14 characters");
        let session = &file.variables[4];
        assert_eq!(
            session.expires_at.map(|t| t.as_second()),
            Some(1_800_000_000)
        );
        assert!(session.shape.starts_with("a JWT"));
        let shown = format!("{file:?}");
        for secret in ["sk_test_123456", "ghp_abcdef", "hunter2-secret", jwt] {
            assert!(
                !shown.contains(secret),
                "{secret} is not in what is offered"
            );
        }
    }

    #[test]
    fn a_variable_reference_stays_as_written_and_a_repeated_name_keeps_its_first_value() {
        // PATH is set in every process: a .env must not be able to take it (or any other).
        let text = b"LEAK_TOKEN=${PATH}\nRAW=\"a$PATH\"\nAPI_TOKEN=first\nAPI_TOKEN=second\n";
        let (pairs, skipped) = super::read(text);
        assert_eq!(skipped, 0);
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.expose().to_string())
        };
        assert_eq!(value("LEAK_TOKEN").as_deref(), Some("${PATH}"));
        assert_eq!(value("RAW").as_deref(), Some("a$PATH"));
        assert_eq!(value("API_TOKEN").as_deref(), Some("first"));
        assert_eq!(pairs.len(), 3, "a repeated name is offered once");
    }
}
