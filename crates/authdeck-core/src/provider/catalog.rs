//! Loading presets and provider files; a broken file never hides the others.

use super::PRESETS;
use super::spec::Provider;
use crate::error::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where a provider came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "path")]
pub enum Source {
    Preset,
    File(PathBuf),
}

/// A provider file that could not be read, with where and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadProblem {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
        } else {
            write!(f, "provider")?;
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every provider we know, and the files we could not read.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub providers: Vec<(Provider, Source)>,
    pub problems: Vec<LoadProblem>,
}

impl Catalog {
    /// The presets only.
    pub fn presets() -> Catalog {
        let mut catalog = Catalog::default();
        for (_, text) in PRESETS {
            match parse(text) {
                Ok(p) => catalog.providers.push((p, Source::Preset)),
                Err(problem) => catalog.problems.push(problem),
            }
        }
        catalog
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
                catalog.problems.push(LoadProblem {
                    file: Some(dir.to_path_buf()),
                    line: None,
                    field: None,
                    message: format!("the providers folder cannot be read: {e}"),
                });
                Vec::new()
            }
        };
        files.sort();
        for file in files {
            match load_file(&file) {
                Ok(p) => {
                    if catalog.providers.iter().any(|(q, _)| q.id == p.id) {
                        catalog.problems.push(LoadProblem {
                            file: Some(file),
                            line: None,
                            field: Some("id".into()),
                            message: format!(
                                "the id `{}` is already taken by another provider; choose another id",
                                p.id
                            ),
                        });
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

fn load_file(file: &Path) -> std::result::Result<Provider, LoadProblem> {
    let text = std::fs::read_to_string(file).map_err(|e| LoadProblem {
        file: Some(file.to_path_buf()),
        line: None,
        field: None,
        message: format!("cannot be read: {e}"),
    })?;
    parse(&text).map_err(|mut problem| {
        problem.file = Some(file.to_path_buf());
        problem
    })
}

/// Parses and validates one provider, locating any problem by line and field.
pub(super) fn parse(text: &str) -> std::result::Result<Provider, LoadProblem> {
    let provider: Provider = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| line_of(text, span.start));
        let field = e.span().and_then(|span| key_at(text, span.start));
        LoadProblem {
            file: None,
            line,
            field,
            message: e.message().trim().to_string(),
        }
    })?;
    provider
        .validate()
        .map_err(|(field, message)| LoadProblem {
            file: None,
            line: find_key_line(text, &field),
            field: Some(field),
            message,
        })?;
    Ok(provider)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key written on the line of `offset`, when the line is `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// The line where a dotted field (`success.token`) is written, as best we can tell.
fn find_key_line(text: &str, field: &str) -> Option<usize> {
    let last = field.rsplit('.').next()?;
    text.lines()
        .position(|line| {
            line.split_once('=')
                .is_some_and(|(k, _)| k.trim().trim_matches('"') == last)
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
