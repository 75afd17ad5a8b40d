//! Environments for API clients (`authdeck export-env`): each account's base URL, token, the
//! header the API wants and the expiry, as variables that Postman, Insomnia, Bruno or a dotenv
//! loader import. One file per format; every writer is a pure function of the variables (and
//! the time, passed in), so it is tested without a keyring or a server.
//!
//! The variable names, per account (its name made safe: every character other than a letter,
//! digit or `_` becomes `_`, and a leading digit gets a `_` before it):
//!
//! | name | value |
//! |---|---|
//! | `<account>_base_url` | the account's base URL |
//! | `<account>_token` | the token alone (secret) |
//! | `<account>_auth_header` | the header the API wants (`Authorization`, `X-API-Key`) |
//! | `<account>_auth_value` | that header's value (`Bearer eyJ…`) (secret) |
//! | `<account>_auth_query` | instead of the two above, when the API takes the token as a query parameter: its name |
//! | `<account>_expires_at` | the token's expiry, RFC 3339 UTC; empty when unknown |
//!
//! With a single account the same variables come also without the prefix (`base_url`, `token`,
//! …), so one request template serves any account. An account with a variable name of its own
//! (`--env-var`, or the variable "Import from .env" found it under: `GITHUB_TOKEN`) has its
//! token under that name too, so a project's `.env` reads as it did. dotenv names are
//! upper-cased (`DEV_TOKEN`).

mod bruno;
pub mod dotenv;
mod insomnia;
mod postman;

use crate::copy::Presentation;
use crate::secret::Secret;
use crate::{Error, Result};
use jiff::Timestamp;
use std::path::Path;
use zeroize::Zeroizing;

/// The tools an environment is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Postman environment (`.postman_environment.json`), imported with File > Import.
    Postman,
    /// An Insomnia export (format 4) holding one private sub-environment, imported with
    /// Import > From file.
    Insomnia,
    /// A Bruno environment file (`.bru`), dropped into a collection's `environments/` folder.
    Bruno,
    /// `KEY='value'` lines, read by dotenv loaders and `set -a; . ./file`.
    Dotenv,
}

impl Format {
    /// The file name extension tools expect, for messages and examples.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Postman => "postman_environment.json",
            Format::Insomnia => "insomnia.json",
            Format::Bruno => "bru",
            Format::Dotenv => "env",
        }
    }
}

/// One account's part of an environment: what `Deck::token` and `Deck::presentation` gave.
#[derive(Debug)]
pub struct Entry {
    pub account: String,
    pub base_url: String,
    pub token: Secret,
    pub presentation: Presentation,
    pub expires_at: Option<Timestamp>,
}

/// A named value of an environment; `secret` where the format can mark it so.
#[derive(Debug)]
pub struct Variable {
    pub name: String,
    pub value: Zeroizing<String>,
    pub secret: bool,
}

/// The environment's name shown in the tool: `Authdeck: dev, staging`; past three accounts,
/// `Authdeck: a, b, c and 53 more` (a tool's list of environments has one line for it).
pub fn title(entries: &[Entry]) -> String {
    let names: Vec<&str> = entries.iter().map(|e| e.account.as_str()).collect();
    match names.len() {
        0..=3 => format!("Authdeck: {}", names.join(", ")),
        n => format!("Authdeck: {} and {} more", names[..3].join(", "), n - 3),
    }
}

/// The name of an environment of the accounts tagged `tag` (`Authdeck: staging`), or of those
/// without a tag (`None`: `Authdeck: untagged`).
pub fn tag_title(tag: Option<&str>) -> String {
    format!("Authdeck: {}", tag.unwrap_or("untagged"))
}

/// The variables of `entries` in the documented scheme. Errors: Invalid when two accounts
/// would get the same names (`a.b` and `a-b`, or `Dev` and `dev`: some tools ignore case).
pub fn variables(entries: &[Entry]) -> Result<Vec<Variable>> {
    let mut out = Vec::new();
    if let [only] = entries {
        out.extend(account_variables(only, ""));
    }
    let mut seen: Vec<(String, &str)> = Vec::new();
    for entry in entries {
        let prefix = safe_name(&entry.account);
        let folded = prefix.to_ascii_lowercase();
        if let Some((_, other)) = seen.iter().find(|(p, _)| *p == folded) {
            return Err(Error::Invalid(format!(
                "the accounts {other} and {} would share the variable names {prefix}_…: export \
                 them separately",
                entry.account
            )));
        }
        seen.push((folded, &entry.account));
        out.extend(account_variables(entry, &format!("{prefix}_")));
    }
    for entry in entries {
        let Some(own) = &entry.presentation.variable else {
            continue;
        };
        if let Some(taken) = out.iter().find(|v| v.name.eq_ignore_ascii_case(own)) {
            // The account's own `_token` under the same name is the same value: once is enough.
            if *taken.value == entry.token.expose() {
                continue;
            }
            return Err(Error::Invalid(format!(
                "the variable {own} of account {} is also another value of this export (another \
                 account's variable, or a name made from an account's): export them separately",
                entry.account
            )));
        }
        out.push(Variable {
            name: own.clone(),
            value: Zeroizing::new(entry.token.expose().to_string()),
            secret: true,
        });
    }
    Ok(out)
}

/// The environment in `format`, in a buffer zeroized on drop. `now` is the export time some
/// formats record. Errors: Invalid when two accounts share names or a value cannot be written
/// safely in the format (a line break where the format has none).
pub fn render(format: Format, entries: &[Entry], now: Timestamp) -> Result<Zeroizing<String>> {
    render_titled(format, &title(entries), entries, now)
}

/// [`render`] under the name `title` (`Authdeck: staging` for the accounts of a tag).
pub fn render_titled(
    format: Format,
    title: &str,
    entries: &[Entry],
    now: Timestamp,
) -> Result<Zeroizing<String>> {
    let vars = variables(entries)?;
    match format {
        Format::Postman => postman::render(title, &vars, now),
        Format::Insomnia => insomnia::render(title, &vars, now),
        Format::Bruno => bruno::render(&vars),
        Format::Dotenv => dotenv::render(title, &vars, now),
    }
}

/// Writes `text` to `path` readable by the user alone (0600 on Unix), through a temporary file
/// beside it and a rename: a crash or a full disk leaves the old file or none, never half a
/// token. `inject` and `export-env` both write through it. Errors: Invalid (the path is a
/// device, a pipe or a folder: it would be replaced, not written into), Io, naming the path.
pub fn write_private(path: &Path, text: &str) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(Error::Invalid(format!(
            "{} is not a regular file (a device, a pipe or a folder): leave out -o to write \
             to standard output, and redirect that",
            path.display()
        )));
    }
    write_private_with(path, |out| {
        out.write_all(text.as_bytes())
            .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
    })
}

/// Like [`write_private`], with the content written by `fill` as it goes (a history export of
/// a million rows is never held whole). When `fill` fails, the old file stays as it was.
pub fn write_private_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    let cannot = |e: std::io::Error| Error::Io(format!("cannot write {}: {e}", path.display()));
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(Error::Invalid(format!(
            "{} is not a regular file (a device, a pipe or a folder): choose a file name to \
             write to",
            path.display()
        )));
    }
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::Io(format!("{} is not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&tmp).map_err(cannot)?;
    let mut out = std::io::BufWriter::new(file);
    let written = fill(&mut out).and_then(|()| {
        out.flush().map_err(cannot)?;
        out.get_ref().sync_all().map_err(cannot)?;
        std::fs::rename(&tmp, path).map_err(cannot)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// An account name as a variable-name part every format accepts: `[A-Za-z0-9_]`, not starting
/// with a digit (Insomnia's `{{ _.name }}` and shells need that).
pub fn safe_name(account: &str) -> String {
    let mut name: String = account
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        name.insert(0, '_');
    }
    name
}

fn account_variables(entry: &Entry, prefix: &str) -> Vec<Variable> {
    let plain = |name: &str, value: &str| Variable {
        name: format!("{prefix}{name}"),
        value: Zeroizing::new(value.to_string()),
        secret: false,
    };
    let mut vars = vec![
        plain("base_url", &entry.base_url),
        Variable {
            name: format!("{prefix}token"),
            value: Zeroizing::new(entry.token.expose().to_string()),
            secret: true,
        },
    ];
    match &entry.presentation.query {
        Some(query) => vars.push(plain("auth_query", query)),
        None => {
            vars.push(plain("auth_header", &entry.presentation.header));
            vars.push(Variable {
                name: format!("{prefix}auth_value"),
                value: entry.presentation.value(&entry.token),
                secret: true,
            });
        }
    }
    let expires = entry
        .expires_at
        .and_then(|t| Timestamp::from_second(t.as_second()).ok())
        .map(|t| t.to_string())
        .unwrap_or_default();
    vars.push(plain("expires_at", &expires));
    vars
}

/// A JSON document written from borrowed values straight into a buffer zeroized on drop, so
/// no copy of a token outlives the call.
fn json_pretty<T: serde::Serialize>(doc: &T) -> Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::with_capacity(16 * 1024));
    serde_json::to_writer_pretty(&mut *buf, doc)
        .map_err(|e| Error::Io(format!("could not write the environment as JSON: {e}")))?;
    buf.push(b'\n');
    // serde_json writes UTF-8 only; moving the bytes leaves no copy behind.
    String::from_utf8(std::mem::take(&mut *buf))
        .map(Zeroizing::new)
        .map_err(|e| Error::Io(format!("the environment is not UTF-8: {}", e.utf8_error())))
}

/// The export time without fractional seconds, as tools write it.
fn exported_at(now: Timestamp) -> String {
    Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A bearer account and a pasted-key account, as the sandbox gives them.
    pub(crate) fn sample() -> Vec<Entry> {
        vec![
            Entry {
                account: "dev".into(),
                base_url: "http://127.0.0.1:8787/user-login".into(),
                token: Secret::new("eyJ.a.b"),
                presentation: Presentation::default(),
                expires_at: Timestamp::from_second(1_800_000_000).ok(),
            },
            Entry {
                account: "ci-key".into(),
                base_url: "http://127.0.0.1:8787/apikey".into(),
                token: Secret::new("sbx_live_1"),
                presentation: Presentation {
                    header: "X-API-Key".into(),
                    scheme: None,
                    query: None,
                    url: None,
                    variable: None,
                },
                expires_at: None,
            },
        ]
    }

    pub(crate) fn now() -> Timestamp {
        Timestamp::from_second(1_799_990_000).expect("in range")
    }

    #[test]
    fn a_title_names_three_accounts_and_counts_the_rest() {
        let mut entries = sample();
        assert_eq!(title(&entries), "Authdeck: dev, ci-key");
        for name in ["a", "b", "c"] {
            let mut more = sample().remove(0);
            more.account = name.into();
            entries.push(more);
        }
        assert_eq!(title(&entries), "Authdeck: dev, ci-key, a and 2 more");
    }

    fn names(vars: &[Variable]) -> Vec<&str> {
        vars.iter().map(|v| v.name.as_str()).collect()
    }

    #[test]
    fn an_accounts_own_variable_name_holds_its_token_too_and_two_accounts_cannot_share_one() {
        let mut entries = sample();
        entries[1].presentation.variable = Some("STRIPE_KEY".into());
        let vars = variables(&entries).expect("fine");
        let own = vars
            .iter()
            .find(|v| v.name == "STRIPE_KEY")
            .expect("the own name");
        assert_eq!(own.value.as_str(), "sbx_live_1");
        assert!(own.secret);
        entries[0].presentation.variable = Some("stripe_key".into());
        let err = variables(&entries).expect_err("two accounts, one name");
        assert!(err.to_string().contains("export them separately"), "{err}");
        // Its own generated name, written as its variable: the same value, once.
        let mut one = sample();
        one[0].presentation.variable = Some("DEV_TOKEN".into());
        let vars = variables(&one).expect("fine");
        assert_eq!(
            vars.iter()
                .filter(|v| v.name.eq_ignore_ascii_case("dev_token"))
                .count(),
            1
        );
    }

    #[test]
    fn each_account_gets_the_documented_names_and_only_tokens_are_secret() -> Result<()> {
        let vars = variables(&sample())?;
        assert_eq!(
            names(&vars),
            [
                "dev_base_url",
                "dev_token",
                "dev_auth_header",
                "dev_auth_value",
                "dev_expires_at",
                "ci_key_base_url",
                "ci_key_token",
                "ci_key_auth_header",
                "ci_key_auth_value",
                "ci_key_expires_at",
            ]
        );
        let value = |n: &str| vars.iter().find(|v| v.name == n).map(|v| v.value.as_str());
        assert_eq!(value("dev_auth_value"), Some("Bearer eyJ.a.b"));
        assert_eq!(value("ci_key_auth_value"), Some("sbx_live_1"));
        assert_eq!(value("dev_expires_at"), Some("2027-01-15T08:00:00Z"));
        assert_eq!(value("ci_key_expires_at"), Some(""), "unknown: empty");
        let secret: Vec<&str> = vars
            .iter()
            .filter(|v| v.secret)
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(
            secret,
            [
                "dev_token",
                "dev_auth_value",
                "ci_key_token",
                "ci_key_auth_value"
            ]
        );
        Ok(())
    }

    #[test]
    fn a_single_account_also_gets_the_plain_names() -> Result<()> {
        let mut one = sample();
        one.truncate(1);
        let vars = variables(&one)?;
        assert_eq!(
            &names(&vars)[..5],
            [
                "base_url",
                "token",
                "auth_header",
                "auth_value",
                "expires_at"
            ]
        );
        assert_eq!(vars.len(), 10, "plain names, then prefixed ones");
        Ok(())
    }

    #[test]
    fn a_query_parameter_api_gets_its_name_instead_of_a_header() -> Result<()> {
        let mut one = sample();
        one.truncate(1);
        one[0].presentation = Presentation {
            header: "Authorization".into(),
            scheme: None,
            query: Some("api_key".into()),
            url: None,
            variable: None,
        };
        let vars = variables(&one)?;
        assert!(names(&vars).contains(&"dev_auth_query"));
        assert!(!names(&vars).iter().any(|n| n.contains("auth_header")));
        Ok(())
    }

    #[test]
    fn account_names_are_made_safe_and_clashes_are_refused() {
        assert_eq!(safe_name("alice@staging"), "alice_staging");
        assert_eq!(safe_name("prod.eu-1"), "prod_eu_1");
        assert_eq!(safe_name("2fa"), "_2fa");
        let mut two = sample();
        two[0].account = "a.b".into();
        two[1].account = "A-b".into();
        let err = variables(&two).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("a.b") && e.contains("A-b")),
            "names both accounts: {err:?}"
        );
    }

    #[test]
    fn the_file_is_written_whole_and_private() -> std::result::Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("env.json");
        std::fs::write(&path, "old")?;
        write_private(&path, "new")?;
        assert_eq!(std::fs::read_to_string(&path)?, "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "readable by the user alone");
        }
        assert_eq!(
            std::fs::read_dir(dir.path())?.count(),
            1,
            "no temporary file left"
        );
        let missing = dir.path().join("no/such/dir/env.json");
        let err = write_private(&missing, "x").err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("no/such/dir")),
            "names the path: {err:?}"
        );
        Ok(())
    }
}
