//! A new account's first login: what is stored when it is refused or the server is down,
//! and keeping such an account on purpose. Real SQLite, the sandbox on loopback,
//! keyring-core's in-memory store.

use authdeck_core::deck::{AccountEdit, Deck, LoginRequest, Outcome};
use authdeck_core::history::Filter;
use authdeck_core::home::Home;
use authdeck_core::http::Http;
use authdeck_core::vault::Vault;
use authdeck_core::{Error, Secret};
use authdeck_sandbox::{PASSWORD, Sandbox};
use jiff::Timestamp;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct World {
    _tmp: tempfile::TempDir,
    deck: Deck,
    http: Http,
    sandbox: Sandbox,
}

async fn world() -> Result<World, Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let home = Home::at(tmp.path().join("home"))?;
    let store = keyring_core::mock::Store::new()?;
    let deck = Deck::open_with_vault(
        home,
        Vault::with_store(store, "authdeck-test-first-login", None),
    )?;
    Ok(World {
        _tmp: tmp,
        deck,
        http: Http::new()?,
        sandbox: Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
    })
}

impl World {
    async fn first_login(
        &self,
        base_url: String,
        password: &str,
        forget_if_refused: bool,
    ) -> Result<Outcome, Box<dyn std::error::Error>> {
        let plan = self.deck.plan_login(LoginRequest {
            account: "new".into(),
            provider: Some("user-login".into()),
            base_url: Some(base_url),
            email: Some("alice@userlogin.test".into()),
            password: Some(Secret::new(password)),
            forget_if_refused,
            ..LoginRequest::default()
        })?;
        Ok(self.deck.login(&self.http, plan).await?.outcome)
    }

    fn names(&self) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        Ok(self
            .deck
            .accounts(Timestamp::now())?
            .into_iter()
            .map(|s| s.account.config.name)
            .collect())
    }

    fn attempts(&self) -> Result<usize, Box<dyn std::error::Error>> {
        let filter = Filter {
            account: Some("new".into()),
            ..Filter::default()
        };
        Ok(self.deck.history(&filter)?.len())
    }
}

#[tokio::test]
async fn a_refused_first_login_that_asks_to_forget_stores_no_account_but_keeps_the_attempt()
-> TestResult {
    let w = world().await?;
    let outcome = w
        .first_login(w.sandbox.base_url("user-login"), "not-the-password", true)
        .await?;
    assert!(
        matches!(outcome, Outcome::Failed(_)),
        "the sandbox refuses a wrong password: {outcome:?}"
    );
    assert_eq!(w.names()?, Vec::<String>::new(), "no account was stored");
    assert_eq!(w.attempts()?, 1, "the history has the refused attempt");
    Ok(())
}

#[tokio::test]
async fn a_first_login_to_a_server_that_is_down_that_asks_to_forget_stores_no_account() -> TestResult
{
    let w = world().await?;
    // A port nothing listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let outcome = w
        .first_login(
            format!("http://127.0.0.1:{port}/user-login"),
            PASSWORD,
            true,
        )
        .await?;
    assert!(
        matches!(outcome, Outcome::Failed(_)),
        "nobody answered: {outcome:?}"
    );
    assert_eq!(w.names()?, Vec::<String>::new(), "no account was stored");
    Ok(())
}

#[tokio::test]
async fn a_refused_first_login_is_stored_when_not_asked_to_forget() -> TestResult {
    let w = world().await?;
    w.first_login(w.sandbox.base_url("user-login"), "not-the-password", false)
        .await?;
    assert_eq!(
        w.names()?,
        vec!["new".to_string()],
        "the CLI's way: the refused account is listed"
    );
    Ok(())
}

#[tokio::test]
async fn a_successful_first_login_is_stored_even_when_asked_to_forget_a_refusal() -> TestResult {
    let w = world().await?;
    let outcome = w
        .first_login(w.sandbox.base_url("user-login"), PASSWORD, true)
        .await?;
    assert!(matches!(outcome, Outcome::Ok(_)), "{outcome:?}");
    assert_eq!(w.names()?, vec!["new".to_string()]);
    let account = w.deck.account("new")?;
    assert!(account.session.signed_in, "signed in");
    Ok(())
}

#[tokio::test]
async fn add_account_keeps_a_refused_account_signed_out_and_never_replaces_one() -> TestResult {
    let w = world().await?;
    w.first_login(w.sandbox.base_url("user-login"), "not-the-password", true)
        .await?;
    let edit = AccountEdit {
        account: "new".into(),
        provider: "user-login".into(),
        base_url: w.sandbox.base_url("user-login"),
        email: "alice@userlogin.test".into(),
        options: None,
    };
    let kept = w.deck.add_account(&edit, Timestamp::now())?;
    assert!(!kept.session.signed_in, "kept signed out");
    assert_eq!(w.names()?, vec!["new".to_string()]);
    let again = w.deck.add_account(
        &AccountEdit {
            email: "bob@userlogin.test".into(),
            options: None,
            ..edit
        },
        Timestamp::now(),
    );
    match again {
        Err(Error::Invalid(message)) => assert!(message.contains("exists already"), "{message}"),
        other => panic!("a taken name is refused, got {other:?}"),
    }
    assert_eq!(
        w.deck.account("new")?.config.email,
        "alice@userlogin.test",
        "the stored account is unchanged"
    );
    Ok(())
}

fn new_account_request(base_url: String, email: &str) -> LoginRequest {
    LoginRequest {
        account: "new".into(),
        provider: Some("user-login".into()),
        base_url: Some(base_url),
        email: Some(email.into()),
        password: Some(Secret::new(PASSWORD)),
        forget_if_refused: true,
        ..LoginRequest::default()
    }
}

#[tokio::test]
async fn two_first_logins_of_one_account_at_once_both_sign_in_the_later_over_the_earlier()
-> TestResult {
    let w = world().await?;
    let url = w.sandbox.base_url("user-login");
    // Both planned before either ran, as two CLI processes (or the app and the CLI) do.
    let first = w
        .deck
        .plan_login(new_account_request(url.clone(), "alice@userlogin.test"))?;
    let second = w
        .deck
        .plan_login(new_account_request(url, "alice@userlogin.test"))?;
    let one = w.deck.login(&w.http, first).await?;
    assert!(matches!(one.outcome, Outcome::Ok(_)));
    let two = w.deck.login(&w.http, second).await?;
    assert!(
        matches!(two.outcome, Outcome::Ok(_)),
        "the same account with the same settings is no conflict: {:?}",
        two.outcome
    );
    assert_eq!(w.names()?, vec!["new".to_string()]);
    assert_eq!(w.attempts()?, 2, "both logins are in the history");
    Ok(())
}

#[tokio::test]
async fn a_login_planned_before_another_changed_the_account_is_refused_and_recorded() -> TestResult
{
    let w = world().await?;
    let url = w.sandbox.base_url("user-login");
    let first = w
        .deck
        .plan_login(new_account_request(url.clone(), "alice@userlogin.test"))?;
    let stale = w
        .deck
        .plan_login(new_account_request(url, "bob@userlogin.test"))?;
    w.deck.login(&w.http, first).await?;
    match w.deck.login(&w.http, stale).await {
        Err(Error::Conflict(message)) => {
            assert!(message.contains("nothing was sent"), "{message}")
        }
        other => panic!("a login planned for other settings must not run: {other:?}"),
    }
    let filter = Filter {
        account: Some("new".into()),
        ..Filter::default()
    };
    let events = w.deck.history(&filter)?;
    assert_eq!(events.len(), 2, "the refused attempt is recorded too");
    assert!(
        events.iter().any(|e| !e.ok
            && e.note
                .as_deref()
                .is_some_and(|n| n.contains("not attempted"))),
        "{events:?}"
    );
    let account = w
        .deck
        .accounts(Timestamp::now())?
        .into_iter()
        .next()
        .ok_or("the first login's account")?;
    assert_eq!(
        account.account.config.email, "alice@userlogin.test",
        "the earlier login's account is left as it was"
    );
    Ok(())
}
