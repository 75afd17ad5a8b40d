//! Secrets stay with the origin they were given for: an account's remembered password and
//! tokens, kept for server A (the sandbox), never reach server B, whichever path would send
//! them there. B is a raw listener that counts connections: zero means no request, so no
//! secret, ever reached it. Real SQLite, real loopback HTTP, keyring-core's in-memory store.

#[allow(dead_code)]
#[path = "hostile/server.rs"]
mod server;

use authdeck_core::accounts::{self, AccountConfig};
use authdeck_core::deck::{AccountEdit, Deck, LoginRequest, Outcome};
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::suite::{self, RunOptions, Status, Suite, Vars};
use authdeck_core::vault::Vault;
use authdeck_core::{Error, Secret, db};
use authdeck_sandbox::{PASSWORD, Sandbox};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

const SERVICE: &str = "authdeck-test-origin";

struct World {
    _tmp: tempfile::TempDir,
    home: Home,
    deck: Arc<Deck>,
    http: Http,
    sandbox: Sandbox,
    /// Server B: answers 500 to anything, and counts who came.
    other: server::Server,
    /// The same in-memory keyring the deck uses, to look inside.
    vault: Vault,
}

async fn world() -> Fallible<World> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let store = keyring_core::mock::Store::new()?;
    let vault = Vault::with_store(store.clone(), SERVICE, None);
    let deck = Arc::new(Deck::open_with_vault(
        home.clone(),
        Vault::with_store(store, SERVICE, None),
    )?);
    Ok(World {
        _tmp: tmp,
        home,
        deck,
        http: Http::new()?,
        sandbox: Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
        other: server::json(500, "{}").await?,
        vault,
    })
}

impl World {
    /// `prod` logged in at the sandbox's user-login API, its password remembered.
    async fn prod_at_a(&self) -> TestResult {
        let plan = self.deck.plan_login(LoginRequest {
            account: "prod".into(),
            provider: Some("user-login".into()),
            base_url: Some(self.sandbox.base_url("user-login")),
            email: Some("alice@userlogin.test".into()),
            password: Some(Secret::new(PASSWORD)),
            remember_password: true,
            ..LoginRequest::default()
        })?;
        let report = self.deck.login(&self.http, plan).await?;
        assert!(matches!(report.outcome, Outcome::Ok(_)), "{report:?}");
        Ok(())
    }

    /// Runs a one-case suite that logs in at `base_url` with `prod`'s remembered password.
    async fn run_borrowing_case(&self, base_url: &str) -> Fallible<suite::SuiteReport> {
        let text = format!(
            "[[case]]\nname = \"borrowed\"\nprovider = \"user-login\"\nbase_url = \"{base_url}\"\n\
             email = \"alice@userlogin.test\"\npassword_from_account = \"prod\"\nok = true\n"
        );
        let plan = Suite::parse(&text, None)?.plan(&self.deck.catalog(), &Vars::none(), None)?;
        let options = RunOptions::new(suite::new_run_id(Timestamp::now()));
        Ok(suite::run(&self.deck, &self.http, &plan, &options, |_| {}).await?)
    }

    fn b_url(&self) -> String {
        format!("{}/user-login", self.other.url())
    }
}

#[tokio::test]
async fn a_suite_case_at_another_origin_cannot_borrow_an_accounts_password() -> TestResult {
    let w = world().await?;
    w.prod_at_a().await?;
    let report = w.run_borrowing_case(&w.b_url()).await?;
    let case = &report.cases[0];
    assert_eq!(case.status, Status::Error, "the case cannot run: {case:?}");
    let error = case.error.clone().unwrap_or_default();
    let a = w.sandbox.url();
    assert!(
        error.contains("prod") && error.contains(&a) && error.contains(&w.other.url()),
        "the message names the account and both origins: {error}"
    );
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[tokio::test]
async fn the_same_case_at_the_accounts_origin_still_borrows_it() -> TestResult {
    let w = world().await?;
    w.prod_at_a().await?;
    let report = w
        .run_borrowing_case(&w.sandbox.base_url("user-login"))
        .await?;
    assert_eq!(
        report.cases[0].status,
        Status::Pass,
        "{:?}",
        report.cases[0]
    );
    Ok(())
}

#[tokio::test]
async fn an_import_that_moves_an_account_leaves_nothing_to_renew_it_at_the_new_server() -> TestResult
{
    let w = world().await?;
    w.prod_at_a().await?;
    let mut export = w.deck.export(Timestamp::now())?;
    export.accounts[0].base_url = w.b_url();
    let report = w.deck.import(&export, Timestamp::now())?;
    assert_eq!(report.secrets_dropped, vec!["prod".to_string()]);
    // What `authdeck refresh`, `authdeck token` and the app's refresher each do next.
    let refresh = w.deck.refresh(&w.http, "prod").await;
    assert!(refresh.is_err(), "no renewal at B: {refresh:?}");
    let token = w
        .deck
        .token(&w.http, "prod", jiff::SignedDuration::ZERO, &Timestamp::now)
        .await;
    assert!(token.is_err(), "no token either");
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[tokio::test]
async fn a_renewal_refuses_secrets_kept_for_another_origin_than_the_account_now_has() -> TestResult
{
    let w = world().await?;
    w.prod_at_a().await?;
    // The base URL changed behind Authdeck's back (an older version, a hand edit of the file).
    let conn = db::open(&w.home.db_path())?;
    conn.execute(
        "UPDATE accounts SET base_url = ?1 WHERE name = 'prod'",
        [w.b_url()],
    )?;
    let err = w
        .deck
        .refresh(&w.http, "prod")
        .await
        .err()
        .ok_or("refused")?;
    assert!(matches!(err, Error::SessionExpired(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&w.sandbox.url()) && text.contains(&w.other.url()),
        "the message names both origins: {text}"
    );
    // The background refresher renews through `token` with its margin: a year forces it.
    let year = jiff::SignedDuration::from_hours(24 * 365);
    let token = w.deck.token(&w.http, "prod", year, &Timestamp::now).await;
    assert!(
        token.is_err(),
        "the refresher's path refuses too: {token:?}"
    );
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[tokio::test]
async fn the_background_refresher_sends_nothing_to_a_server_the_secrets_were_not_given_for()
-> TestResult {
    use authdeck_core::refresher::{self, Config, Event};
    let w = world().await?;
    w.prod_at_a().await?;
    let conn = db::open(&w.home.db_path())?;
    conn.execute(
        "UPDATE accounts SET base_url = ?1 WHERE name = 'prod'",
        [w.b_url()],
    )?;
    // A margin of a year: the refresher wants to renew at once.
    let year = SignedDuration::from_hours(24 * 365);
    let config = Config {
        min_margin: year,
        max_margin: year,
        ..Config::default()
    };
    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(refresher::run(
        w.deck.clone(),
        w.http.clone(),
        config,
        events_tx,
        Arc::new(tokio::sync::Notify::new()),
        stop,
    ));
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), events.recv()).await?;
    let _ = stop_tx.send(true);
    running.await?;
    match first {
        Some(Event::Stopped {
            account, message, ..
        }) => {
            assert_eq!(account, "prod");
            assert!(message.contains(&w.other.url()), "{message}");
        }
        other => panic!("expected the refresher to stop renewing prod, got {other:?}"),
    }
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[tokio::test]
async fn a_password_given_to_a_login_replaces_the_remembered_one() -> TestResult {
    let w = world().await?;
    w.prod_at_a().await?;
    let mut doc = w.vault.load("prod")?.ok_or("prod's entry")?;
    doc.password = Some(Secret::new("stale-password"));
    w.vault.save("prod", &doc)?;
    let plan = w.deck.plan_login(LoginRequest {
        account: "prod".into(),
        password: Some(Secret::new(PASSWORD)),
        ..LoginRequest::default()
    })?;
    let report = w.deck.login(&w.http, plan).await?;
    assert!(matches!(report.outcome, Outcome::Ok(_)), "{report:?}");
    let kept = w
        .vault
        .load("prod")?
        .and_then(|d| d.password)
        .ok_or("a password")?;
    assert_eq!(
        kept.expose(),
        PASSWORD,
        "the password that worked is the one kept"
    );
    Ok(())
}

#[tokio::test]
async fn a_login_at_another_origin_does_not_use_the_remembered_password() -> TestResult {
    let w = world().await?;
    w.prod_at_a().await?;
    let plan = w.deck.plan_login(LoginRequest {
        account: "prod".into(),
        base_url: Some(w.b_url()),
        ..LoginRequest::default()
    })?;
    assert_eq!(
        plan.moved(),
        Some((w.sandbox.url(), w.other.url())),
        "the plan sees the move"
    );
    assert!(
        plan.needs_password(),
        "the CLI and the app ask for the password again"
    );
    let err = w
        .deck
        .login(&w.http, plan)
        .await
        .err()
        .ok_or("no password")?;
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[tokio::test]
async fn the_apps_edit_form_moving_an_account_drops_its_secrets() -> TestResult {
    let w = world().await?;
    w.prod_at_a().await?;
    let config = w.deck.account("prod")?.config;
    let edit = AccountEdit {
        account: "prod".into(),
        provider: config.provider,
        base_url: w.b_url(),
        email: config.email,
        options: None,
    };
    let after = w.deck.edit_account(&edit, Timestamp::now())?;
    assert!(!after.session.password_remembered && !after.session.signed_in);
    assert!(w.deck.refresh(&w.http, "prod").await.is_err());
    assert_eq!(w.other.connections(), 0, "nothing was sent to B");
    Ok(())
}

#[test]
fn a_provider_path_that_is_an_absolute_url_is_refused_when_the_file_is_read() {
    for (field, text) in [
        ("login.path", "path = \"https://evil.test/login\""),
        ("login.path", "path = \"@evil.test/login\""),
    ] {
        let toml = format!(
            "id = \"x\"\nname = \"X\"\n[login]\n{text}\nbody = {{ email = \"{{email}}\", password = \"{{password}}\" }}\n[success]\ntoken = \"/token\"\n"
        );
        let problem = authdeck_core::provider::Provider::from_toml(&toml)
            .err()
            .unwrap_or_else(|| panic!("{text} must be refused"));
        assert_eq!(problem.field.as_deref(), Some(field), "{problem}");
    }
}

#[test]
fn a_stored_secrets_origin_is_what_a_legacy_row_reads_as_none() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let conn = db::open(&tmp.path().join("a.db"))?;
    let config = AccountConfig {
        name: "old".into(),
        provider: "user-login".into(),
        base_url: "http://127.0.0.1:1/x".into(),
        email: "a@b.c".into(),
        overrides: Default::default(),
        allow_insecure_http: false,
        timeout_secs: None,
        env_var: None,
        tag: None,
    };
    let account = accounts::upsert(&conn, &config, Timestamp::now())?;
    assert_eq!(account.session.secrets_origin, None);
    assert_eq!(
        account.secrets_moved(),
        None,
        "nothing bound, nothing moved"
    );
    Ok(())
}
