//! The suite library: the user's suite files in [`crate::home::Home::suites_dir`], and the
//! example suites (`examples/qa/`), built in so every install has them. List, open, create and
//! save; the app's QA screen and the CLI's `suites` command share it.
//!
//! A built-in example is named `example:ID` instead of a path and opens read-only: saving one
//! writes a copy to the suites folder. Any other file can be opened by its path.

use super::{Case, Defaults, Suite};
use crate::{Error, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A suite in a listing: the user's files, then the built-in examples.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuiteEntry {
    pub title: String,
    /// A file path, or `example:ID` for a built-in example.
    pub path: String,
    pub example: bool,
}

/// An open suite: where it is and what it says.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuiteDoc {
    pub title: String,
    pub path: String,
    /// A built-in example: saving writes a copy to the suites folder.
    pub example: bool,
    pub suite: Suite,
    /// What the user should know about the file: each place that writes a password in it.
    pub warnings: Vec<String>,
}

/// The example suites, built in so the app has them wherever it is installed.
const EXAMPLES: [(&str, &str); 5] = [
    (
        "user-login",
        include_str!("../../../../examples/qa/user-login.toml"),
    ),
    (
        "meetra",
        include_str!("../../../../examples/qa/meetra.toml"),
    ),
    (
        "meetmates",
        include_str!("../../../../examples/qa/meetmates.toml"),
    ),
    (
        "sealmetrics",
        include_str!("../../../../examples/qa/sealmetrics.toml"),
    ),
    (
        "talkstack",
        include_str!("../../../../examples/qa/talkstack.toml"),
    ),
];
/// How a listing names a built-in example instead of a path.
pub const EXAMPLE_PREFIX: &str = "example:";

/// The user's suites (by file name), then the examples.
pub fn list(dir: &Path) -> Vec<SuiteEntry> {
    let mut mine: Vec<SuiteEntry> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| SuiteEntry {
            title: Suite::load(&p)
                .map(|s| s.title(Some(&p)))
                .unwrap_or_else(|_| stem(&p)),
            path: p.display().to_string(),
            example: false,
        })
        .collect();
    mine.sort_by(|a, b| a.path.cmp(&b.path));
    mine.extend(EXAMPLES.iter().map(|(id, _)| SuiteEntry {
        title: id.to_string(),
        path: format!("{EXAMPLE_PREFIX}{id}"),
        example: true,
    }));
    mine
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "suite".into())
}

/// Opens a suite by path (or `example:ID`). A broken file is an error naming line and field.
pub fn open(path: &str) -> Result<SuiteDoc> {
    let path = path.trim();
    if let Some(id) = path.strip_prefix(EXAMPLE_PREFIX) {
        let (_, text) = EXAMPLES
            .iter()
            .find(|(name, _)| *name == id)
            .ok_or_else(|| Error::NotFound(format!("there is no example suite {id:?}")))?;
        let suite = Suite::parse(text, Some(Path::new(&format!("examples/qa/{id}.toml"))))?;
        return Ok(SuiteDoc {
            title: suite.name.clone().unwrap_or_else(|| id.to_string()),
            path: path.to_string(),
            example: true,
            warnings: suite.plain_password_warnings(),
            suite,
        });
    }
    let file = PathBuf::from(path);
    let suite = Suite::load(&file)?;
    Ok(SuiteDoc {
        title: suite.title(Some(&file)),
        path: file.display().to_string(),
        example: false,
        warnings: suite.plain_password_warnings(),
        suite,
    })
}

/// A new suite file in the suites folder with one case to start from. Never overwrites.
pub fn create(dir: &Path, name: &str) -> Result<SuiteDoc> {
    let name = name.trim();
    let name = name.strip_suffix(".toml").unwrap_or(name);
    if name.starts_with('.') {
        return Err(Error::Invalid(format!(
            "{name:?} cannot be a suite's name: it would make a hidden file; start it with a \
             letter or digit"
        )));
    }
    crate::accounts::validate_name(name).map_err(|_| {
        Error::Invalid(format!(
            "{name:?} cannot be a file name: use letters, digits, . _ - (up to 64)"
        ))
    })?;
    let path = dir.join(format!("{name}.toml"));
    if path.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists: open it, or choose another name",
            path.display()
        )));
    }
    // The password comes from the environment: a suite file holds none (the app's case form
    // keeps a typed one in the keyring instead).
    let suite = Suite {
        name: Some(name.to_string()),
        defaults: Defaults {
            provider: Some("user-login".into()),
            base_url: Some("${SANDBOX_URL}/user-login".into()),
            password_env: Some("QA_PASSWORD".into()),
            ..Defaults::default()
        },
        cases: vec![Case {
            name: "valid credentials log in".into(),
            email: "alice@userlogin.test".into(),
            ok: Some(true),
            ..Case::default()
        }],
    };
    save(dir, Some(&path.display().to_string()), &suite)
}

/// Writes the suite as TOML: to `path` when it is the user's file, else (an example, or no
/// path yet) to `<suites>/<name>.toml`. The text is checked by reading it back first. The file
/// is readable by the user alone (0600), and replaced whole or not at all. A password written
/// in the suite is written as it is (the doc's warnings say so): the app saves through
/// [`crate::deck::Deck::save_suite`], which moves it into the keyring first.
pub fn save(dir: &Path, path: Option<&str>, suite: &Suite) -> Result<SuiteDoc> {
    let target = target(dir, path, suite);
    let text = suite.to_toml()?;
    Suite::parse(&text, Some(&target))?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Io(format!("could not create {}: {e}", parent.display())))?;
    }
    crate::environment::write_private(&target, &text)?;
    Ok(SuiteDoc {
        title: suite.title(Some(&target)),
        path: target.display().to_string(),
        example: false,
        warnings: suite.plain_password_warnings(),
        suite: suite.clone(),
    })
}

/// The file [`save`] writes to.
pub(crate) fn target(dir: &Path, path: Option<&str>, suite: &Suite) -> PathBuf {
    match source_file(path) {
        Some(file) => file.to_path_buf(),
        None => dir.join(format!("{}.toml", file_name(&suite.title(None)))),
    }
}

/// A file's stem as a keyring-name part.
pub(crate) fn file_stem(path: &Path) -> String {
    file_name(&stem(path))
}

/// The file a suite was opened from, which its relative paths are read against: `None` for a
/// built-in example or a suite not saved yet.
pub fn source_file(path: Option<&str>) -> Option<&Path> {
    path.map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with(EXAMPLE_PREFIX))
        .map(Path::new)
}

/// A title as a file name: letters, digits, `.`, `_`, `-` kept, the rest as `-`.
fn file_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.trim_matches('-').is_empty() {
        "suite".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn every_example_opens_and_is_listed_after_the_users_suites() -> TestResult {
        let dir = tempfile::tempdir()?;
        std::fs::write(
            dir.path().join("mine.toml"),
            "[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nprovider = \"user-login\"\nok = true\n",
        )?;
        let entries = list(dir.path());
        assert_eq!(entries.len(), 1 + EXAMPLES.len());
        assert!(
            !entries[0].example && entries[0].title == "mine",
            "{entries:?}"
        );
        for e in &entries[1..] {
            let doc = open(&e.path)?;
            assert!(doc.example, "{} is an example", e.path);
            assert!(!doc.suite.cases.is_empty(), "{} has cases", e.path);
        }
        Ok(())
    }

    #[test]
    fn a_new_suite_saves_edits_and_reopens_the_same() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = create(dir.path(), "smoke")?;
        let mut suite = doc.suite.clone();
        suite.cases[0].http_status = Some(200);
        save(dir.path(), Some(&doc.path), &suite)?;
        assert_eq!(open(&doc.path)?.suite, suite, "what was saved reads back");
        let again = create(dir.path(), "smoke").err().ok_or("no overwrite")?;
        assert!(again.to_string().contains("already exists"), "{again}");
        Ok(())
    }

    #[test]
    fn a_new_suites_name_makes_a_plain_visible_file() -> TestResult {
        let dir = tempfile::tempdir()?;
        let doc = create(dir.path(), "smoke.toml")?;
        assert_eq!(PathBuf::from(&doc.path), dir.path().join("smoke.toml"));
        for hidden in [".", "..", ".hidden"] {
            assert!(create(dir.path(), hidden).is_err(), "{hidden:?} is refused");
        }
        Ok(())
    }

    #[test]
    fn saving_an_example_writes_a_copy_to_the_suites_folder() -> TestResult {
        let dir = tempfile::tempdir()?;
        let example = open("example:user-login")?;
        let saved = save(dir.path(), Some(&example.path), &example.suite)?;
        assert_eq!(
            PathBuf::from(&saved.path),
            dir.path().join("user-login.toml")
        );
        assert!(!saved.example);
        Ok(())
    }

    #[test]
    fn a_broken_file_names_the_line_and_field() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("broken.toml");
        std::fs::write(
            &path,
            "[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nkind = \"nope\"\n",
        )?;
        let err = open(&path.display().to_string()).err().ok_or("must fail")?;
        assert!(err.to_string().contains("line 4"), "{err}");
        Ok(())
    }
}
