//! Reading a suite file and checking it, so every problem names the file, line and field.

use super::{Case, Suite};
use crate::error::{Error, Result};
use crate::problem::{Problem, Subject, floor_char_boundary, line_of};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

impl From<Problem> for Error {
    /// A broken suite is bad input: the CLI exits 2 on it.
    fn from(problem: Problem) -> Error {
        Error::Invalid(problem.to_string())
    }
}

/// Where things are written in the text, for problems found after parsing.
#[derive(Debug, Clone, Default)]
pub(super) struct Layout {
    pub file: Option<PathBuf>,
    text: String,
    defaults: Option<Range<usize>>,
    cases: Vec<Range<usize>>,
}

#[derive(Deserialize)]
struct Spans {
    #[serde(default)]
    defaults: Option<Spanned<IgnoredAny>>,
    #[serde(default)]
    case: Vec<Spanned<IgnoredAny>>,
}

impl Layout {
    /// A problem with `field` of case `index` (or of `[defaults]` when `None`).
    pub fn problem(&self, case: Option<(usize, &Case)>, field: &str, message: String) -> Problem {
        let (range, name, shown_field) = match case {
            Some((index, c)) => (
                self.cases.get(index).cloned(),
                Some(c.name.clone()),
                field.to_string(),
            ),
            None => (self.defaults.clone(), None, format!("defaults.{field}")),
        };
        let line = range.and_then(|r| {
            key_line(&self.text, r.clone(), field).or_else(|| Some(line_of(&self.text, r.start)))
        });
        Problem {
            case: name,
            ..Problem::new(Subject::Suite, message)
                .in_file(self.file.as_deref())
                .at_line(line)
                .at_field(Some(shown_field))
        }
    }

    /// A problem with the suite as a whole.
    pub fn whole(&self, message: String) -> Problem {
        Problem::new(Subject::Suite, message).in_file(self.file.as_deref())
    }
}

impl Suite {
    /// Reads and checks a suite file.
    pub fn load(path: &Path) -> std::result::Result<Suite, Problem> {
        Suite::load_with_layout(path).map(|(suite, _)| suite)
    }

    pub(super) fn load_with_layout(path: &Path) -> std::result::Result<(Suite, Layout), Problem> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Problem::new(Subject::Suite, format!("cannot be read: {e}")).in_file(Some(path))
        })?;
        parse_with_layout(&text, Some(path))
    }

    /// Parses and checks suite text; `file` only names it in problems.
    pub fn parse(text: &str, file: Option<&Path>) -> std::result::Result<Suite, Problem> {
        parse_with_layout(text, file).map(|(suite, _)| suite)
    }

    /// The suite as TOML, for saving what an editor changed. Parses back to the same suite.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("the suite cannot be written as TOML: {e}")))
    }

    /// The suite's name, else the file's stem, else "suite".
    pub fn title(&self, file: Option<&Path>) -> String {
        self.name
            .clone()
            .or_else(|| {
                file.and_then(Path::file_stem)
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "suite".into())
    }
}

pub(super) fn parse_with_layout(
    text: &str,
    file: Option<&Path>,
) -> std::result::Result<(Suite, Layout), Problem> {
    let syntax = |e: toml::de::Error| Problem::from_toml(Subject::Suite, text, &e).in_file(file);
    let suite: Suite = toml::from_str(text).map_err(syntax)?;
    let spans: Spans = toml::from_str(text).map_err(syntax)?;
    let layout = Layout {
        file: file.map(Path::to_path_buf),
        text: text.to_string(),
        defaults: spans.defaults.map(|d| d.span()),
        cases: spans.case.iter().map(Spanned::span).collect(),
    };
    validate(&suite, &layout)?;
    Ok((suite, layout))
}

/// Checks what serde cannot: every case can be run and expects something that can happen.
fn validate(suite: &Suite, layout: &Layout) -> std::result::Result<(), Problem> {
    let d = &suite.defaults;
    if suite.cases.is_empty() {
        return Err(layout.whole(
            "the suite has no cases: add a [[case]] with a name, an email and what it must \
             answer (e.g. ok = true, or kind = \"invalid_password\")"
                .into(),
        ));
    }
    let sources =
        |p: bool, e: bool, a: bool, k: bool| [p, e, a, k].into_iter().filter(|x| *x).count();
    if sources(
        d.password.is_some(),
        d.password_env.is_some(),
        d.password_from_account.is_some(),
        d.password_keyring.is_some(),
    ) > 1
    {
        return Err(layout.problem(None, "password", ONE_SOURCE.into()));
    }
    if let Some(var) = &d.password_env {
        check_env_name(var).map_err(|m| layout.problem(None, "password_env", m))?;
    }
    if let Some(name) = &d.password_keyring {
        check_keyring_name(name).map_err(|m| layout.problem(None, "password_keyring", m))?;
    }
    if let Some(secs) = d.timeout_secs
        && !(1..=600).contains(&secs)
    {
        return Err(layout.problem(
            None,
            "timeout_secs",
            format!("{secs} is out of range: give 1 to 600 seconds"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (index, case) in suite.cases.iter().enumerate() {
        let at = |field: &str, message: String| layout.problem(Some((index, case)), field, message);
        if case.name.trim().is_empty() {
            return Err(at(
                "name",
                "a case needs a name that says what it checks".into(),
            ));
        }
        if !seen.insert(case.name.as_str()) {
            return Err(at(
                "name",
                "another case has the same name; names identify cases in reports, so make it unique"
                    .into(),
            ));
        }
        // An empty email is allowed: "missing fields" is a documented outcome worth checking.
        let own = sources(
            case.password.is_some(),
            case.password_env.is_some(),
            case.password_from_account.is_some(),
            case.password_keyring.is_some(),
        );
        if own > 1 {
            return Err(at("password", ONE_SOURCE.into()));
        }
        if own == 0
            && d.password.is_none()
            && d.password_env.is_none()
            && d.password_from_account.is_none()
            && d.password_keyring.is_none()
        {
            return Err(at(
                "password",
                "no password: give password_keyring = \"NAME\", password_env = \"VAR\", \
                 password_from_account = \"ACCOUNT\" or password = \"...\" here or in [defaults]"
                    .into(),
            ));
        }
        if let Some(var) = &case.password_env {
            check_env_name(var).map_err(|m| at("password_env", m))?;
        }
        if let Some(name) = &case.password_keyring {
            check_keyring_name(name).map_err(|m| at("password_keyring", m))?;
        }
        if case.provider.is_none() && d.provider.is_none() {
            return Err(at(
                "provider",
                "no provider: set provider = \"meetra\" (or another id) here or in [defaults]"
                    .into(),
            ));
        }
        let expects_something = case.ok.is_some()
            || case.kind.is_some()
            || case.http_status.is_some()
            || case.error_code.is_some()
            || case.message_contains.is_some()
            || case.message_matches.is_some()
            || case.max_latency_ms.is_some()
            || d.max_latency_ms.is_some();
        if !expects_something {
            return Err(at(
                "ok",
                "the case expects nothing: add ok = true, or kind, http_status, error_code, \
                 message_contains, message_matches or max_latency_ms"
                    .into(),
            ));
        }
        if case.ok == Some(true) {
            let failure_only = [
                ("kind", case.kind.is_some()),
                ("error_code", case.error_code.is_some()),
                ("message_contains", case.message_contains.is_some()),
                ("message_matches", case.message_matches.is_some()),
            ];
            if let Some((field, _)) = failure_only.iter().find(|(_, set)| *set) {
                return Err(at(
                    field,
                    format!(
                        "ok = true expects a successful login, which has no {field}; remove \
                         one of the two"
                    ),
                ));
            }
        }
        if let Some(status) = case.http_status
            && !(100..=599).contains(&status)
        {
            return Err(at(
                "http_status",
                format!("{status} is not an HTTP status (100 to 599)"),
            ));
        }
        if let Some(why) = case.message_matches.as_deref().and_then(regex_problem) {
            return Err(at("message_matches", why));
        }
    }
    Ok(())
}

/// What is wrong with `pattern` as a case's `message_matches` (Rust's regex syntax, which the
/// run uses), in one line; `None` when it is a valid regular expression. The app's case form
/// asks it as the user types.
pub fn regex_problem(pattern: &str) -> Option<String> {
    regex::Regex::new(pattern).err().map(|e| {
        format!(
            "not a valid regular expression: {}",
            one_line(&e.to_string())
        )
    })
}

const ONE_SOURCE: &str =
    "give one of password, password_env, password_from_account and password_keyring, not several";

/// A suite password's keyring name: an account name's shape (letters, digits, . _ -).
fn check_keyring_name(name: &str) -> std::result::Result<(), String> {
    crate::accounts::validate_name(name).map_err(|_| {
        format!(
            "`{name}` cannot name a keyring entry: use letters, digits, . _ - (up to 64), e.g. \
             smoke.valid-login"
        )
    })
}

fn check_env_name(var: &str) -> std::result::Result<(), String> {
    let valid = !var.is_empty()
        && !var.starts_with(|c: char| c.is_ascii_digit())
        && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{var}` is not an environment variable name (letters, digits and _, e.g. QA_PASSWORD)"
        ))
    }
}

/// The regex crate's errors draw the pattern and a caret over several lines; keep the reason.
fn one_line(text: &str) -> String {
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .map(|reason| reason.trim().to_string())
        .unwrap_or_else(|| text.lines().next().unwrap_or_default().trim().to_string())
}

/// The line of the table starting at `range.start` (up to the next table header) where
/// `key = ...` is written. Spans of tables only cover their header, hence the scan.
fn key_line(text: &str, range: Range<usize>, key: &str) -> Option<usize> {
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let mut offset = start;
    for (i, line) in text[start..].split_inclusive('\n').enumerate() {
        if i > 0 && line.trim_start().starts_with('[') {
            break;
        }
        if line
            .split_once('=')
            .is_some_and(|(k, _)| k.trim().trim_matches('"') == key)
        {
            return Some(line_of(text, offset));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_regex_is_judged_by_the_syntax_the_run_uses() {
        assert_eq!(
            super::regex_problem("(?i)^wrong password$"),
            None,
            "inline flags are Rust regex syntax"
        );
        let why = super::regex_problem("(unclosed").unwrap_or_default();
        assert!(why.starts_with("not a valid regular expression: "), "{why}");
        assert!(!why.contains('\n'), "one line: {why}");
    }

    use super::*;

    #[test]
    fn key_line_finds_the_key_inside_its_case_only() {
        let text = "[[case]]\nname = \"a\"\nkind = \"x\"\n[[case]]\nname = \"b\"\nkind = \"y\"\n";
        let second = text.find("[[case]]\nname = \"b\"").unwrap()..text.len();
        let first = 0..8;
        assert_eq!(key_line(text, first, "kind"), Some(3));
        assert_eq!(key_line(text, second, "kind"), Some(6));
    }

    #[test]
    fn regex_errors_lose_their_caret_drawing() {
        // Built at run time: a literal would trip clippy's invalid_regex, which is the point here.
        let pattern = ["(", "unclosed"].concat();
        let e = regex::Regex::new(&pattern).unwrap_err().to_string();
        let short = one_line(&e);
        assert_eq!(short, "unclosed group");
    }
}
