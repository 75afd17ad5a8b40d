//! Loading presets and provider files; a broken file never hides the others.

use super::PRESETS;
use super::spec::Provider;
use crate::error::{Error, Result};
use crate::problem::{Problem, Subject};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where a provider came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "path")]
pub enum Source {
    Preset,
    File(PathBuf),
}

/// Every provider we know, and the files we could not read.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub providers: Vec<(Provider, Source)>,
    pub problems: Vec<Problem>,
}

impl Catalog {
    /// The presets only.
    pub fn presets() -> Catalog {
        // Parsed once per process: every login and renewal reads the catalog, and parsing the
        // seven preset files each time was a good part of a renewal's own work.
        static PARSED: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                let mut catalog = Catalog::default();
                for (_, text) in PRESETS {
                    match parse(text) {
                        Ok(p) => catalog.providers.push((p, Source::Preset)),
                        Err(problem) => catalog.problems.push(problem),
                    }
                }
                catalog
            })
            .clone()
    }

    /// The presets and every `*.toml` in `dir` (a missing dir is just empty), sorted by name.
    pub fn load(dir: &Path) -> Catalog {
        let mut catalog = Catalog::presets();
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                catalog.problems.push(
                    Problem::new(
                        Subject::Provider,
                        format!("the providers folder cannot be read: {e}"),
                    )
                    .in_file(Some(dir)),
                );
                Vec::new()
            }
        };
        files.sort();
        for file in files {
            match load_file(&file) {
                Ok(p) => {
                    if catalog.providers.iter().any(|(q, _)| q.id == p.id) {
                        let message = format!(
                            "the id `{}` is already taken by another provider; choose another id",
                            p.id
                        );
                        catalog.problems.push(
                            Problem::new(Subject::Provider, message)
                                .in_file(Some(&file))
                                .at_field(Some("id".into())),
                        );
                    } else {
                        catalog.providers.push((p, Source::File(file)));
                    }
                }
                Err(problem) => catalog.problems.push(problem),
            }
        }
        catalog
    }

    pub fn get(&self, id: &str) -> Result<&Provider> {
        self.providers
            .iter()
            .map(|(p, _)| p)
            .find(|p| p.id == id)
            .ok_or_else(|| {
                let known: Vec<&str> = self.providers.iter().map(|(p, _)| p.id.as_str()).collect();
                let broken = self.problems.iter().find(|p| {
                    p.file
                        .as_ref()
                        .is_some_and(|f| f.file_stem().is_some_and(|s| s == id))
                });
                match broken {
                    Some(problem) => Error::Provider(format!(
                        "the provider file for `{id}` has an error: {problem}"
                    )),
                    None => Error::NotFound(format!(
                        "no provider `{id}`; known providers: {} (see `authdeck providers`)",
                        known.join(", ")
                    )),
                }
            })
    }
}

fn load_file(file: &Path) -> std::result::Result<Provider, Problem> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Problem::new(Subject::Provider, format!("cannot be read: {e}")).in_file(Some(file))
    })?;
    parse(&text).map_err(|problem| problem.in_file(Some(file)))
}

/// Parses and validates one provider, locating any problem by line and field.
pub(super) fn parse(text: &str) -> std::result::Result<Provider, Problem> {
    let provider: Provider =
        toml::from_str(text).map_err(|e| Problem::from_toml(Subject::Provider, text, &e))?;
    provider.validate().map_err(|(field, message)| {
        Problem::new(Subject::Provider, message)
            .at_line(find_key_line(text, &field))
            .at_field(Some(field))
    })?;
    Ok(provider)
}

/// The line where a dotted field (`success.token`) is written, as best we can tell: the key
/// inside its table (`[refresh.request]` for `refresh.request.path`) when the file has that
/// table header, else the first line that sets the key.
fn find_key_line(text: &str, field: &str) -> Option<usize> {
    let (table, last) = field.rsplit_once('.').unwrap_or(("", field));
    let sets_key = |line: &str| {
        line.split_once('=')
            .is_some_and(|(k, _)| k.trim().trim_matches('"') == last)
    };
    let header = format!("[{table}]");
    let lines: Vec<&str> = text.lines().collect();
    if let Some(start) = lines.iter().position(|l| l.trim() == header) {
        let found = lines[start + 1..]
            .iter()
            .take_while(|l| !l.trim_start().starts_with('['))
            .position(|l| sets_key(l));
        if let Some(offset) = found {
            return Some(start + 1 + offset + 1);
        }
    }
    lines.iter().position(|l| sets_key(l)).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_in_a_later_table_points_at_that_tables_line() {
        let text =
            "[login]\npath = \"/login\"\n[refresh.request]\nmethod = \"POST\"\npath = \"/x\"\n";
        assert_eq!(find_key_line(text, "refresh.request.path"), Some(5));
        assert_eq!(find_key_line(text, "login.path"), Some(2));
        assert_eq!(
            find_key_line(text, "nowhere.path"),
            Some(2),
            "falls back to the first"
        );
    }

    #[test]
    fn a_type_error_names_line_and_field() {
        let text =
            "id = \"x\"\nname = \"X\"\n[login]\npath = 42\nbody = {}\n[success]\ntoken = \"/t\"\n";
        let problem = parse(text).unwrap_err();
        assert_eq!(problem.line, Some(4), "{problem}");
        assert_eq!(problem.field.as_deref(), Some("path"), "{problem}");
    }

    #[test]
    fn a_pointer_without_slash_names_the_field() {
        let text = "id = \"x\"\nname = \"X\"\n[login]\npath = \"/l\"\nbody = { e = \"{email}\", p = \"{password}\" }\n[success]\ntoken = \"token\"\n";
        let problem = parse(text).unwrap_err();
        assert_eq!(problem.field.as_deref(), Some("success.token"));
        assert_eq!(problem.line, Some(7));
        assert!(problem.message.contains("JSON Pointer"), "{problem}");
    }

    #[test]
    fn a_broken_file_does_not_hide_the_others() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.toml"), "id = \n").unwrap();
        std::fs::write(
            dir.path().join("good.toml"),
            "id = \"good\"\nname = \"Good\"\n[login]\npath = \"/login\"\nbody = { email = \"{email}\", password = \"{password}\" }\n[success]\ntoken = \"/token\"\n",
        )
        .unwrap();
        let catalog = Catalog::load(dir.path());
        assert!(catalog.get("good").is_ok());
        assert!(catalog.get("meetra").is_ok(), "presets still load");
        assert_eq!(catalog.problems.len(), 1);
        let shown = catalog.problems[0].to_string();
        assert!(
            shown.contains("broken.toml") && shown.contains("line 1"),
            "{shown}"
        );
        let err = catalog.get("broken").unwrap_err().to_string();
        assert!(
            err.contains("broken.toml"),
            "asking for the broken one explains why: {err}"
        );
    }
}
