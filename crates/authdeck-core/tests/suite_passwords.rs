//! Passwords in QA suite files (issue 14, item 11): a suite saved from the app keeps a typed
//! password in the keyring and only names it; the file is the user's alone; a suite that
//! writes a password warns; a keyring-referenced password logs in at the sandbox.

use authdeck_core::deck::Deck;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::secret::Secret;
use authdeck_core::suite::library;
use authdeck_core::suite::{self, PlainPassword, RunOptions, Status, Suite, Vars};
use authdeck_core::vault::Vault;
use authdeck_sandbox::{PASSWORD, Sandbox};
use keyring_core::CredentialStore;
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A password no other text in the file could contain by chance.
const TYPED: &str = "Typed-Secret-7f3a9c";

fn deck(
    tmp: &tempfile::TempDir,
) -> Result<(Deck, Arc<CredentialStore>), Box<dyn std::error::Error>> {
    let home = Home::at(tmp.path().join("home"))?;
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
    let vault = Vault::with_store(store.clone(), "authdeck-test-suite-passwords", None);
    Ok((Deck::open_with_vault(home, vault)?, store))
}

fn suite_with_typed_password(password: &str) -> Result<Suite, Box<dyn std::error::Error>> {
    let mut suite = Suite::parse(
        r#"
name = "smoke"
[defaults]
provider = "user-login"
base_url = "${SANDBOX_URL}/user-login"

[[case]]
name = "valid credentials log in"
email = "alice@userlogin.test"
password_env = "UNUSED"
ok = true

[[case]]
name = "an empty password is no secret"
email = "alice@userlogin.test"
password = ""
ok = false
"#,
        None,
    )?;
    suite.cases[0].password_env = None;
    suite.cases[0].password = Some(PlainPassword(password.into()));
    Ok(suite)
}

#[test]
fn a_typed_password_is_kept_in_the_keyring_and_the_file_holds_none_and_is_the_users_alone()
-> TestResult {
    let tmp = tempfile::tempdir()?;
    let (deck, _store) = deck(&tmp)?;
    let suite = suite_with_typed_password(TYPED)?;
    assert_eq!(
        suite.plain_password_warnings().len(),
        1,
        "the typed one warns"
    );

    let saved = deck.save_suite(None, &suite)?;
    let text = std::fs::read_to_string(&saved.path)?;
    assert!(
        !text.contains(TYPED),
        "the password is not in the file:\n{text}"
    );
    assert!(
        text.contains("password_keyring = \"smoke.valid-credentials-log-in\""),
        "the file names the keyring entry:\n{text}"
    );
    assert!(
        text.contains("password = \"\""),
        "an empty password stays: {text}"
    );
    assert!(saved.warnings.is_empty(), "{:?}", saved.warnings);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved.path)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a suite file is readable by its user alone");
    }
    let reopened = library::open(&saved.path)?;
    assert!(reopened.warnings.is_empty(), "{:?}", reopened.warnings);

    // Typed again over the reference: the same entry gets the new password.
    let mut edited = reopened.suite.clone();
    edited.cases[0].password = Some(PlainPassword("Another-Secret-1".into()));
    let again = deck.save_suite(Some(&saved.path), &edited)?;
    let text = std::fs::read_to_string(&again.path)?;
    assert!(!text.contains("Another-Secret-1"), "{text}");
    assert_eq!(
        again.suite.cases[0].password_keyring.as_deref(),
        Some("smoke.valid-credentials-log-in")
    );
    Ok(())
}

#[test]
fn a_suite_file_that_writes_a_password_warns_when_opened_and_an_old_one_still_reads() -> TestResult
{
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("old.toml");
    // A file from before password_keyring existed: a literal password in [defaults].
    std::fs::write(
        &path,
        "[defaults]\nprovider = \"user-login\"\nbase_url = \"http://127.0.0.1:1/user-login\"\n\
         password = \"hunter2\"\n\n[[case]]\nname = \"a\"\nemail = \"a@b.c\"\nok = true\n",
    )?;
    let doc = library::open(&path.display().to_string())?;
    assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
    let warning = &doc.warnings[0];
    assert!(
        warning.contains("[defaults]") && warning.contains("password_keyring"),
        "the warning says where and what to use instead: {warning}"
    );
    assert!(
        !warning.contains("hunter2"),
        "never the password itself: {warning}"
    );
    Ok(())
}

#[tokio::test]
async fn a_keyring_referenced_password_logs_in_at_the_sandbox() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (deck, _store) = deck(&tmp)?;
    let sandbox = Sandbox::start(([127, 0, 0, 1], 0).into()).await?;
    let vars = Vars::none().with("SANDBOX_URL", sandbox.url());
    let saved = deck.save_suite(None, &suite_with_typed_password(PASSWORD)?)?;
    let text = std::fs::read_to_string(&saved.path)?;
    assert!(!text.contains(PASSWORD), "{text}");

    let plan = Suite::load_plan(saved.path.as_ref(), &deck.catalog(), &vars)?;
    let options = RunOptions::new(suite::new_run_id(jiff::Timestamp::now()));
    let report = suite::run(&deck, &Http::new()?, &plan, &options, |_| {}).await?;
    let first = &report.cases[0];
    assert_eq!(first.status, Status::Pass, "{first:?}");

    // The reference without its entry: a clear error that says how to create it.
    deck.keep_suite_password("smoke.valid-credentials-log-in", &Secret::new("wrong"))?;
    let report = suite::run(&deck, &Http::new()?, &plan, &options, |_| {}).await?;
    assert_eq!(
        report.cases[0].status,
        Status::Fail,
        "a wrong kept password fails the case"
    );
    let mut missing = plan.clone();
    missing.cases[0].password = suite::PasswordSource::Keyring("nobody.kept-this".into());
    let report = suite::run(&deck, &Http::new()?, &missing.only(&[0]), &options, |_| {}).await?;
    let error = report.cases[0].error.clone().unwrap_or_default();
    assert!(
        error.contains("authdeck suites password nobody.kept-this"),
        "{error}"
    );
    Ok(())
}
