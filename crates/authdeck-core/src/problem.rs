//! "A problem at this line and field of a TOML file": the one type that provider files and QA
//! suites report, the CLI prints and the app's editors show beside the text.

use serde::Serialize;
use std::path::{Path, PathBuf};

/// What was being read when a [`Problem`] was found; it names the text when no file does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Provider,
    Suite,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Provider => "provider",
            Subject::Suite => "suite",
        }
    }
}

/// Something wrong with a provider file or a suite, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub subject: Subject,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub file: Option<PathBuf>,
    /// 1-based.
    pub line: Option<usize>,
    /// The key at fault, e.g. `success.token`, `kind` or `defaults.base_url`.
    pub field: Option<String>,
    /// The suite case at fault, by name.
    pub case: Option<String>,
    pub message: String,
}

impl Problem {
    /// A problem with `subject`, not yet located.
    pub fn new(subject: Subject, message: impl Into<String>) -> Problem {
        Problem {
            subject,
            file: None,
            line: None,
            field: None,
            case: None,
            message: message.into(),
        }
    }

    pub fn in_file(mut self, file: Option<&Path>) -> Problem {
        self.file = file.map(Path::to_path_buf);
        self
    }

    pub fn at_line(mut self, line: Option<usize>) -> Problem {
        self.line = line;
        self
    }

    pub fn at_field(mut self, field: Option<String>) -> Problem {
        self.field = field;
        self
    }

    /// Located where a TOML parser's error points in `text`: its line, and the key written
    /// on that line.
    pub(crate) fn from_toml(subject: Subject, text: &str, e: &toml::de::Error) -> Problem {
        let span = e.span();
        Problem::new(subject, e.message().trim())
            .at_line(span.as_ref().map(|s| line_of(text, s.start)))
            .at_field(span.and_then(|s| key_at(text, s.start)))
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}", file.display())?,
            None => f.write_str(self.subject.as_str())?,
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(case) = &self.case {
            write!(f, ", case \"{case}\"")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Problem {}

/// The 1-based line of byte `offset` in `text` (an offset inside a character counts as that
/// character's line).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    text[..offset].matches('\n').count() + 1
}

pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The key written on the line of `offset`, when the line is `key = value`.
pub(crate) fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_names_file_or_subject_then_line_case_and_field() {
        let bare = Problem::new(Subject::Provider, "must start with '/'")
            .at_line(Some(4))
            .at_field(Some("login.path".into()));
        assert_eq!(
            bare.to_string(),
            "provider, line 4, field `login.path`: must start with '/'"
        );
        let located = Problem {
            case: Some("wrong password".into()),
            ..Problem::new(Subject::Suite, "unknown kind").in_file(Some(Path::new("qa.toml")))
        };
        assert_eq!(
            located.to_string(),
            "qa.toml, case \"wrong password\": unknown kind"
        );
    }

    #[test]
    fn an_offset_inside_a_character_is_that_characters_line() {
        let text = "a = 1\nb = \"é\"\n";
        let inside = text.find('é').unwrap_or(0) + 1;
        assert_eq!(line_of(text, inside), 2);
        assert_eq!(key_at(text, inside).as_deref(), Some("b"));
    }
}
