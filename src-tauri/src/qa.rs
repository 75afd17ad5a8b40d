//! The QA screen's work over core's suites: list, open, save and run suite files.
//!
//! Suites live in `<AUTHDECK_HOME>/suites/`; the examples (`examples/qa/`) are built in and
//! open read-only (saving one writes a copy to the suites folder). Any other file can be
//! opened by typing its path. A run sends each case's result to the UI as it ends
//! (event `qa-case`), so results arrive live.

use crate::dto::{QaCase, SuiteDoc, SuiteEntry};
use crate::state::AppState;
use authdeck_core::suite::{self, CaseResult, Plan, RunOptions, Suite, SuiteReport, Vars};
use authdeck_core::{Error, Result};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Emitter};

/// The example suites, built in so the app has them wherever it is installed.
const EXAMPLES: [(&str, &str); 5] = [
    (
        "user-login",
        include_str!("../../examples/qa/user-login.toml"),
    ),
    ("meetra", include_str!("../../examples/qa/meetra.toml")),
    (
        "meetmates",
        include_str!("../../examples/qa/meetmates.toml"),
    ),
    (
        "sealmetrics",
        include_str!("../../examples/qa/sealmetrics.toml"),
    ),
    (
        "talkstack",
        include_str!("../../examples/qa/talkstack.toml"),
    ),
];
/// How the UI names a built-in example instead of a path.
const EXAMPLE_PREFIX: &str = "example:";

/// The user's suites folder.
pub fn suites_dir(state: &AppState) -> PathBuf {
    state.deck.home().data_dir.join("suites")
}

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
            suite,
        });
    }
    let file = PathBuf::from(path);
    let suite = Suite::load(&file)?;
    Ok(SuiteDoc {
        title: suite.title(Some(&file)),
        path: file.display().to_string(),
        example: false,
        suite,
    })
}

/// A new suite file in the suites folder with one case to start from. Never overwrites.
pub fn create(dir: &Path, name: &str) -> Result<SuiteDoc> {
    let name = name.trim();
    authdeck_core::accounts::validate_name(name).map_err(|_| {
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
    let suite = Suite {
        name: Some(name.to_string()),
        defaults: suite::Defaults {
            provider: Some("user-login".into()),
            base_url: Some("${SANDBOX_URL}/user-login".into()),
            ..suite::Defaults::default()
        },
        cases: vec![suite::Case {
            name: "valid credentials log in".into(),
            email: "alice@userlogin.test".into(),
            password: Some(suite::PlainPassword("s3cret-pass".into())),
            ok: Some(true),
            ..suite::Case::default()
        }],
    };
    save(dir, Some(&path.display().to_string()), &suite)
}

/// Writes the suite as TOML: to `path` when it is the user's file, else (an example, or no
/// path yet) to `<suites>/<name>.toml`. The text is checked by reading it back first.
pub fn save(dir: &Path, path: Option<&str>, suite: &Suite) -> Result<SuiteDoc> {
    let target = match path.map(str::trim) {
        Some(p) if !p.is_empty() && !p.starts_with(EXAMPLE_PREFIX) => PathBuf::from(p),
        _ => {
            let title = suite.title(None);
            dir.join(format!("{}.toml", file_name(&title)))
        }
    };
    let text = suite.to_toml()?;
    Suite::parse(&text, Some(&target))?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Io(format!("could not create {}: {e}", parent.display())))?;
    }
    std::fs::write(&target, text)
        .map_err(|e| Error::Io(format!("could not save {}: {e}", target.display())))?;
    Ok(SuiteDoc {
        title: suite.title(Some(&target)),
        path: target.display().to_string(),
        example: false,
        suite: suite.clone(),
    })
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

/// The variables `${VAR}` expands from: the environment, and `SANDBOX_URL` as the in-app
/// sandbox's address when it runs.
pub fn vars(sandbox_url: Option<String>) -> Vars {
    let vars = Vars::from_env();
    match sandbox_url {
        Some(url) => vars.with("SANDBOX_URL", url),
        None => vars,
    }
}

/// Plans the suite as edited (saved or not); `only` keeps those case positions (re-run failed).
pub fn plan(
    state: &AppState,
    suite: &Suite,
    path: Option<&str>,
    only: Option<&[usize]>,
    sandbox_url: Option<String>,
) -> Result<Plan> {
    let file = path
        .filter(|p| !p.starts_with(EXAMPLE_PREFIX))
        .map(Path::new);
    let plan = suite.plan(&state.deck.catalog(), &vars(sandbox_url), file)?;
    Ok(match only {
        Some(indexes) => plan.only(indexes),
        None => plan,
    })
}

/// Runs the plan; each case's result goes to the UI (`qa-case`) as soon as it ends.
pub async fn run(app: &AppHandle, state: &AppState, plan: &Plan) -> Result<SuiteReport> {
    let run_id = suite::new_run_id(Timestamp::now());
    let options = RunOptions::new(run_id.clone());
    suite::run(
        &state.deck,
        &state.http,
        plan,
        &options,
        |result: &CaseResult| {
            let _ = app.emit(
                "qa-case",
                QaCase {
                    run_id: run_id.clone(),
                    result: result.clone(),
                },
            );
        },
    )
    .await
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
