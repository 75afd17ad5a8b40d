//! Broken suite files: every problem names the file, the line and the field, before any request.

use authdeck_core::provider::Catalog;
use authdeck_core::suite::{Problem, Suite, Vars};
use std::path::{Path, PathBuf};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Writes `text` to a file and loads and plans it the way `authdeck check` does.
fn load(text: &str) -> Result<(Problem, PathBuf, tempfile::TempDir), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, text)?;
    let vars = Vars::none().with("SANDBOX_URL", "http://127.0.0.1:9");
    match Suite::load_plan(&path, &Catalog::presets(), &vars) {
        Ok(plan) => Err(format!(
            "expected a problem, got a plan of {} cases",
            plan.cases.len()
        )
        .into()),
        Err(problem) => Ok((problem, path, dir)),
    }
}

fn assert_located(problem: &Problem, path: &Path, line: usize, field: &str) {
    assert_eq!(problem.file.as_deref(), Some(path), "{problem}");
    assert_eq!(problem.line, Some(line), "{problem}");
    assert_eq!(problem.field.as_deref(), Some(field), "{problem}");
    let text = problem.to_string();
    assert!(
        text.starts_with(&format!("{}, line {line}", path.display())) && text.contains(field),
        "the message names file, line and field: {text}"
    );
}

const HEAD: &str =
    "[defaults]\nprovider = \"meetra\"\nbase_url = \"${SANDBOX_URL}/meetra\"\npassword = \"pw\"\n";

#[test]
fn a_misspelled_kind_names_its_line_and_lists_the_kinds() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nkind = \"invalid_pasword\"\n"
    ))?;
    assert_located(&p, &path, 9, "kind");
    assert!(
        p.message.contains("invalid_password"),
        "lists the valid kinds: {p}"
    );
    Ok(())
}

#[test]
fn an_unknown_field_is_refused_at_its_line() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\nstatus = 200\n"
    ))?;
    assert_located(&p, &path, 10, "status");
    assert!(p.message.contains("unknown field"), "{p}");
    Ok(())
}

#[test]
fn a_toml_syntax_error_names_its_line() -> TestResult {
    let (p, path, _dir) = load(&format!("{HEAD}\n[[case]]\nname = \"a\nemail = 1\n"))?;
    assert_eq!(p.file.as_deref(), Some(path.as_path()));
    assert_eq!(p.line, Some(7), "{p}");
    Ok(())
}

#[test]
fn a_wrong_type_names_the_field() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nhttp_status = \"401\"\n"
    ))?;
    assert_located(&p, &path, 9, "http_status");
    Ok(())
}

#[test]
fn a_bad_regex_names_the_case_line_and_reason() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"one\"\nemail = \"a@b.c\"\nok = true\n\n[[case]]\nname = \"two\"\nemail = \"a@b.c\"\nmessage_matches = \"(unclosed\"\n"
    ))?;
    assert_located(&p, &path, 14, "message_matches");
    assert_eq!(p.case.as_deref(), Some("two"));
    assert!(p.message.contains("unclosed group"), "{p}");
    Ok(())
}

#[test]
fn a_success_expecting_an_error_code_is_a_contradiction() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\nerror_code = \"X\"\n"
    ))?;
    assert_located(&p, &path, 10, "error_code");
    Ok(())
}

#[test]
fn a_case_without_password_or_expectation_says_what_to_add() -> TestResult {
    let no_password = "[defaults]\nprovider = \"meetra\"\n\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\n";
    let (p, path, _dir) = load(no_password)?;
    assert_eq!(p.field.as_deref(), Some("password"), "{p}");
    assert_eq!(
        p.line,
        Some(4),
        "the case's header when the field is absent: {p}"
    );
    assert_eq!(p.file.as_deref(), Some(path.as_path()));
    assert!(p.message.contains("password_env"), "{p}");

    let (p, _, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\n"
    ))?;
    assert!(p.message.contains("expects nothing"), "{p}");
    Ok(())
}

#[test]
fn two_password_sources_are_refused() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\npassword = \"x\"\npassword_env = \"PW\"\nok = true\n"
    ))?;
    assert_located(&p, &path, 9, "password");
    Ok(())
}

#[test]
fn duplicate_case_names_are_refused() -> TestResult {
    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\n[[case]]\nname = \"a\"\nemail = \"x@b.c\"\nok = true\n"
    ))?;
    assert_located(&p, &path, 11, "name");
    Ok(())
}

#[test]
fn an_unset_variable_in_the_base_url_points_at_the_defaults() -> TestResult {
    let (p, path, _dir) = load(
        "[defaults]\nprovider = \"meetra\"\npassword = \"pw\"\nbase_url = \"${NOT_SET_ANYWHERE}/meetra\"\n\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\n",
    )?;
    assert_located(&p, &path, 4, "defaults.base_url");
    assert!(p.message.contains("NOT_SET_ANYWHERE is not set"), "{p}");
    Ok(())
}

#[test]
fn an_unknown_provider_and_a_missing_password_variable_are_found_before_running() -> TestResult {
    let (p, path, _dir) = load(
        "[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nprovider = \"meetrah\"\nbase_url = \"http://127.0.0.1:9\"\npassword = \"x\"\nok = true\n",
    )?;
    assert_located(&p, &path, 4, "provider");
    assert!(p.message.contains("known providers"), "{p}");

    let (p, path, _dir) = load(&format!(
        "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\npassword_env = \"QA_NEVER_SET_PASSWORD\"\nok = true\n"
    ))?;
    assert_located(&p, &path, 9, "password_env");
    Ok(())
}

#[test]
fn a_missing_file_is_named() {
    let path = Path::new("/nonexistent/suite.toml");
    let p = Suite::load(path).err();
    assert!(
        p.as_ref().is_some_and(
            |p| p.file.as_deref() == Some(path) && p.message.contains("cannot be read")
        ),
        "{p:?}"
    );
}

#[test]
fn a_suite_written_back_as_toml_reads_the_same() -> TestResult {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qa");
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let suite = Suite::load(&path)?;
        let again = Suite::parse(&suite.to_toml()?, None)?;
        assert_eq!(
            again,
            suite,
            "{} round-trips through to_toml",
            path.display()
        );
    }
    Ok(())
}

#[test]
fn a_literal_password_stays_out_of_debug_output() -> TestResult {
    let suite = Suite::parse(
        &format!(
            "{HEAD}\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\npassword = \"hunter2-literal\"\nok = true\n"
        ),
        None,
    )?;
    let debug = format!("{suite:?}");
    assert!(!debug.contains("hunter2-literal"), "{debug}");
    Ok(())
}
