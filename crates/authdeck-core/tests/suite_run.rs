//! QA suites against the sandbox over real loopback HTTP, with a real SQLite history and
//! keyring-core's in-memory store: passing and failing suites, the diff, 429 backoff, history
//! rows, results arriving one by one, and nothing kept from a case.

use authdeck_core::deck::Deck;
use authdeck_core::deck::{LoginRequest, Outcome};
use authdeck_core::history::{Action, Filter};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::suite::{self, Plan, RunOptions, Status, Suite, SuiteReport, Vars};
use authdeck_core::vault::Vault;
use authdeck_core::{Kind, Secret};
use authdeck_sandbox::{PASSWORD, Sandbox};
use keyring_core::CredentialStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

const SERVICE: &str = "authdeck-test-suite";

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Arc<CredentialStore>,
    deck: Deck,
    http: Http,
    sandbox: Sandbox,
}

async fn fixture() -> Fallible<Fixture> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
    let deck = Deck::open_with_vault(home, Vault::with_store(store.clone(), SERVICE, None))?;
    Ok(Fixture {
        _tmp: tmp,
        store,
        deck,
        http: Http::new()?,
        sandbox: Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
    })
}

impl Fixture {
    fn vars(&self) -> Vars {
        Vars::none().with("SANDBOX_URL", self.sandbox.url())
    }

    fn plan_text(&self, text: &str) -> Fallible<Plan> {
        let suite = Suite::parse(text, None)?;
        Ok(suite.plan(&self.deck.catalog(), &self.vars(), None)?)
    }

    async fn run(&self, plan: &Plan, options: &RunOptions) -> Fallible<SuiteReport> {
        Ok(suite::run(&self.deck, &self.http, plan, options, |_| {}).await?)
    }
}

fn examples() -> Fallible<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qa");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

fn explain(report: &SuiteReport) -> String {
    report
        .cases
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| {
            let diff: Vec<String> = c.mismatches.iter().map(ToString::to_string).collect();
            format!(
                "{}: {:?} {} {:?}",
                c.name,
                c.status,
                diff.join("; "),
                c.error
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_example_suite_passes_against_the_sandbox() -> TestResult {
    let f = fixture().await?;
    let files = examples()?;
    assert_eq!(
        files.len(),
        5,
        "one example suite per documented API: {files:?}"
    );
    for file in files {
        let plan = Suite::load_plan(&file, &f.deck.catalog(), &f.vars())?;
        let report = f.run(&plan, &RunOptions::new("examples")).await?;
        assert!(
            report.all_passed(),
            "{} has failing cases:\n{}",
            file.display(),
            explain(&report)
        );
        assert!(
            report.cases.len() >= 6,
            "{} covers too little",
            file.display()
        );
    }
    Ok(())
}

/// The app awaits a run on its multi-threaded runtime, as a spawned task: that needs the run's
/// future to be `Send`. This compiles only while it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_can_be_spawned_on_a_multithreaded_runtime() -> TestResult {
    let run = tokio::spawn(async {
        let f = fixture().await.map_err(|e| e.to_string())?;
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/qa/user-login.toml");
        let plan =
            Suite::load_plan(&file, &f.deck.catalog(), &f.vars()).map_err(|e| e.to_string())?;
        let mut seen = 0;
        let report = suite::run(&f.deck, &f.http, &plan, &RunOptions::new("spawned"), |_| {
            seen += 1
        })
        .await
        .map_err(|e| e.to_string())?;
        Ok::<_, String>((report, seen))
    });
    let (report, seen) = run.await??;
    assert!(report.all_passed(), "{}", explain(&report));
    assert_eq!(seen, report.cases.len(), "every case reached the callback");
    Ok(())
}

#[tokio::test]
async fn the_example_suites_cover_every_outcome_the_sandbox_lists() -> TestResult {
    let mut covered = Vec::new();
    for file in examples()? {
        let suite = Suite::load(&file)?;
        let provider = suite.defaults.provider.clone().unwrap_or_default();
        for case in suite.cases {
            let outcome = match (case.ok, case.kind) {
                (_, Some(kind)) => kind.to_string(),
                (Some(true), None) => "success".into(),
                _ => continue,
            };
            covered.push((provider.clone(), case.email, outcome));
        }
    }
    for user in authdeck_sandbox::users() {
        let wanted = (
            user.api.to_string(),
            user.email.to_string(),
            user.outcome.to_string(),
        );
        assert!(
            covered.contains(&wanted),
            "no example case for {} {} ({})",
            user.api,
            user.email,
            user.outcome
        );
    }
    Ok(())
}

const WRONG_EXPECTATION: &str = r#"
name = "wrong on purpose"
[defaults]
provider = "user-login"
base_url = "${SANDBOX_URL}/user-login"
password = "s3cret-pass"

[[case]]
name = "right"
email = "alice@userlogin.test"
ok = true

[[case]]
name = "unknown user mistaken for a wrong password"
email = "nobody@userlogin.test"
kind = "invalid_password"
http_status = 401
error_code = "INVALID_PASSWORD"
message_matches = "(?i)password"
"#;

#[tokio::test]
async fn a_wrong_expectation_fails_with_expected_and_actual_side_by_side() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(WRONG_EXPECTATION)?;
    let report = f.run(&plan, &RunOptions::new("wrong")).await?;
    assert_eq!((report.passed, report.failed, report.errors), (1, 1, 0));
    let failed = &report.cases[1];
    assert_eq!(failed.status, Status::Fail);
    let diff: Vec<String> = failed.mismatches.iter().map(ToString::to_string).collect();
    assert_eq!(
        diff,
        [
            "kind: expected invalid_password, got user_not_found",
            "error_code: expected \"INVALID_PASSWORD\", got \"USER_NOT_FOUND\"",
            "message_matches: expected a message matching /(?i)password/, got none",
        ],
        "the status matched (401); everything else differs and says how"
    );
    let actual = failed
        .actual
        .as_ref()
        .ok_or("a failed case keeps the answer")?;
    assert_eq!(actual.kind, Some(Kind::UserNotFound));
    assert_eq!(actual.http_status, Some(401));
    Ok(())
}

#[tokio::test]
async fn every_attempt_is_in_the_history_with_the_run_id_and_no_token() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(WRONG_EXPECTATION)?;
    let options = RunOptions::new(suite::new_run_id(jiff::Timestamp::now()));
    f.run(&plan, &options).await?;
    let events = f.deck.history(&Filter {
        action: Some(Action::Check),
        ..Filter::default()
    })?;
    assert_eq!(events.len(), 2, "one row per request: {events:?}");
    for event in &events {
        assert_eq!(event.suite_run.as_deref(), Some(options.run_id.as_str()));
        assert_eq!(event.token_fingerprint, None, "a check never keeps a token");
        assert!(event.latency_ms.is_some());
    }
    let ok = events
        .iter()
        .find(|e| e.ok)
        .ok_or("the success is recorded")?;
    assert_eq!(ok.account, "alice@userlogin.test");
    assert_eq!(ok.http_status, Some(200));
    let failed = events
        .iter()
        .find(|e| !e.ok)
        .ok_or("the failure is recorded")?;
    assert_eq!(failed.kind, Some(Kind::UserNotFound));
    assert_eq!(failed.error_code.as_deref(), Some("USER_NOT_FOUND"));
    assert!(
        failed
            .note
            .as_deref()
            .is_some_and(|n| n.contains("unknown user mistaken")),
        "the note names the case: {:?}",
        failed.note
    );
    assert!(
        f.deck.accounts(jiff::Timestamp::now())?.is_empty(),
        "a check creates no account"
    );
    Ok(())
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_then_reported_as_rate_limited() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(
        r#"
[defaults]
provider = "meetra"
base_url = "${SANDBOX_URL}/meetra"
password = "s3cret-pass"
[[case]]
name = "slowpoke expected to log in"
email = "slowpoke@meetra.test"
ok = true
"#,
    )?;
    let options = RunOptions {
        max_retries: 1,
        ..RunOptions::new("retry")
    };
    let before = f.sandbox.stats().logins;
    let report = f.run(&plan, &options).await?;
    let case = &report.cases[0];
    assert_eq!(
        f.sandbox.stats().logins - before,
        2,
        "one request and one retry"
    );
    assert_eq!(case.attempts, 2);
    assert_eq!(case.status, Status::Fail);
    assert_eq!(
        case.actual.as_ref().and_then(|a| a.kind),
        Some(Kind::RateLimited)
    );
    assert!(
        case.notes
            .iter()
            .any(|n| n.contains("waited 2 s as Retry-After asked")),
        "the wait follows the server's Retry-After: {:?}",
        case.notes
    );
    let rows = f.deck.history(&Filter::default())?;
    assert_eq!(rows.len(), 2, "each attempt is a history row");
    Ok(())
}

#[tokio::test]
async fn a_case_expecting_rate_limited_is_not_retried() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(
        r#"
[defaults]
provider = "sealmetrics"
base_url = "${SANDBOX_URL}/sealmetrics"
password = "s3cret-pass"
[[case]]
name = "too many attempts"
email = "slowpoke@sealmetrics.test"
kind = "rate_limited"
"#,
    )?;
    let before = f.sandbox.stats().logins;
    let report = f.run(&plan, &RunOptions::new("no-retry")).await?;
    assert_eq!(f.sandbox.stats().logins - before, 1, "no retry at all");
    assert_eq!(report.cases[0].status, Status::Pass, "{}", explain(&report));
    Ok(())
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_ends_the_case_without_waiting() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(
        r#"
[defaults]
provider = "talkstack"
base_url = "${SANDBOX_URL}/talkstack"
password = "s3cret-pass"
[[case]]
name = "slowpoke"
email = "slowpoke@talkstack.test"
ok = true
"#,
    )?;
    let options = RunOptions {
        max_wait: Duration::from_secs(1),
        ..RunOptions::new("cap")
    };
    let before = f.sandbox.stats().logins;
    let report = f.run(&plan, &options).await?;
    assert_eq!(f.sandbox.stats().logins - before, 1);
    assert!(
        report.cases[0]
            .notes
            .iter()
            .any(|n| n.contains("more than the 1 s limit")),
        "{:?}",
        report.cases[0].notes
    );
    Ok(())
}

#[tokio::test]
async fn results_arrive_one_by_one_and_the_report_keeps_file_order() -> TestResult {
    let f = fixture().await?;
    let file = examples()?
        .into_iter()
        .find(|p| p.ends_with("user-login.toml"))
        .ok_or("the user-login example")?;
    let plan = Suite::load_plan(&file, &f.deck.catalog(), &f.vars())?;
    let options = RunOptions {
        concurrency: 4,
        ..RunOptions::new("concurrent")
    };
    let mut seen = Vec::new();
    let report = suite::run(&f.deck, &f.http, &plan, &options, |case| {
        seen.push(case.index)
    })
    .await?;
    seen.sort_unstable();
    let all: Vec<usize> = (0..plan.cases.len()).collect();
    assert_eq!(seen, all, "the callback gets every case exactly once");
    let order: Vec<usize> = report.cases.iter().map(|c| c.index).collect();
    assert_eq!(order, all, "the report is in file order");
    assert!(report.all_passed(), "{}", explain(&report));
    Ok(())
}

#[tokio::test]
async fn re_running_only_the_failed_cases_sends_only_those() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(WRONG_EXPECTATION)?;
    let first = f.run(&plan, &RunOptions::new("first")).await?;
    let failed: Vec<usize> = first
        .cases
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| c.index)
        .collect();
    let before = f.sandbox.stats().logins;
    let again = f
        .run(&plan.only(&failed), &RunOptions::new("again"))
        .await?;
    assert_eq!(f.sandbox.stats().logins - before, 1);
    assert_eq!(again.cases.len(), 1);
    assert_eq!(again.cases[0].index, 1, "indexes stay those of the file");
    Ok(())
}

#[tokio::test]
async fn passwords_come_from_the_environment_or_a_remembered_account() -> TestResult {
    let f = fixture().await?;
    // An account that remembers its password (this login writes the keyring; the check must not).
    let plan = f.deck.plan_login(LoginRequest {
        account: "qa-alice".into(),
        provider: Some("talkstack".into()),
        base_url: Some(f.sandbox.base_url("talkstack")),
        email: Some("alice@talkstack.test".into()),
        password: Some(Secret::new(PASSWORD)),
        remember_password: true,
        ..LoginRequest::default()
    })?;
    let report = f.deck.login(&f.http, plan).await?;
    assert!(matches!(report.outcome, Outcome::Ok(_)), "{report:?}");
    let vault = Vault::with_store(f.store.clone(), SERVICE, None);
    let stored_before = vault.load("qa-alice")?;

    let suite = Suite::parse(
        r#"
[defaults]
provider = "talkstack"
base_url = "${SANDBOX_URL}/talkstack"
[[case]]
name = "remembered password"
email = "alice@talkstack.test"
password_from_account = "qa-alice"
ok = true
[[case]]
name = "password from a CI secret"
email = "alice@talkstack.test"
password_env = "QA_SUITE_TEST_PASSWORD"
ok = true
[[case]]
name = "an account with nothing remembered"
email = "alice@talkstack.test"
password_from_account = "nobody-here"
ok = true
"#,
        None,
    )?;
    let vars = f.vars().with("QA_SUITE_TEST_PASSWORD", PASSWORD);
    let plan = suite.plan(&f.deck.catalog(), &vars, None)?;
    let result = f.run(&plan, &RunOptions::new("passwords")).await?;
    assert_eq!(result.cases[0].status, Status::Pass, "{}", explain(&result));
    assert_eq!(result.cases[1].status, Status::Pass, "{}", explain(&result));
    assert_eq!(result.cases[2].status, Status::Error);
    assert!(
        result.cases[2]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("nobody-here")),
        "{:?}",
        result.cases[2].error
    );
    assert_eq!(
        vault.load("qa-alice")?,
        stored_before,
        "running a check leaves the keyring as it was"
    );
    Ok(())
}

#[tokio::test]
async fn results_serialize_without_any_secret() -> TestResult {
    let f = fixture().await?;
    let plan = f.plan_text(WRONG_EXPECTATION)?;
    let report = f.run(&plan, &RunOptions::new("json")).await?;
    let json = serde_json::to_string(&report)?;
    assert!(!json.contains(PASSWORD), "no password in results: {json}");
    assert!(!json.contains("\"token\""), "no token in results");
    assert!(json.contains("\"status\":\"fail\""), "{json}");
    Ok(())
}
