//! OAuth accounts from the command line against the sandbox's demo issuer, as a newcomer tries
//! them after `authdeck sandbox`: what each command says when the account has no user (client
//! credentials), when the server is gone, and when it is asked twice. Real keyring (re-runs
//! itself in one).

mod support;

use authdeck_sandbox::oidc_demo::{
    CLIENT_ID, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, USER_EMAIL,
};
use serde_json::Value;
use std::process::Output;
use support::{World, in_keyring_session, stderr};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

impl World {
    /// Signs in `bot` with the client credentials grant.
    fn service_account(&self) -> Result<(), Box<dyn std::error::Error>> {
        let out = support::run_with_stdin(
            &mut self.authdeck(&[
                "login",
                "bot",
                "--provider",
                "oidc",
                "--base-url",
                &self.sandbox.issuer(),
                "--grant",
                "client_credentials",
                "--client-id",
                SERVICE_CLIENT_ID,
                "--client-secret-stdin",
            ]),
            SERVICE_CLIENT_SECRET,
        )?;
        ok(&out, "client credentials login");
        Ok(())
    }

    /// A first password-grant sign-in of `alice` with a wrong password, with `flag`.
    fn wrong_password_grant(&self, flag: &str) -> Result<Output, Box<dyn std::error::Error>> {
        let issuer = self.sandbox.issuer();
        let args = [
            "login",
            "alice",
            "--provider",
            "oidc",
            "--base-url",
            &issuer,
            "--grant",
            "password",
            "--client-id",
            CLIENT_ID,
            "--email",
            USER_EMAIL,
            "--password-stdin",
            flag,
        ];
        Ok(support::run_with_stdin(
            &mut self.authdeck(&args),
            "not-the-password",
        )?)
    }

    /// Signs in `alice` with the password grant: a user, and an ID token.
    fn user_account(&self) -> Result<(), Box<dyn std::error::Error>> {
        let out = support::run_with_stdin(
            &mut self.authdeck(&[
                "login",
                "alice",
                "--provider",
                "oidc",
                "--base-url",
                &self.sandbox.issuer(),
                "--grant",
                "password",
                "--client-id",
                CLIENT_ID,
                "--email",
                USER_EMAIL,
                "--password-stdin",
            ]),
            authdeck_sandbox::PASSWORD,
        )?;
        ok(&out, "password grant login");
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_account_says_it_keeps_a_client_secret_and_has_no_user() -> TestResult {
    if !in_keyring_session("a_service_account_says_it_keeps_a_client_secret_and_has_no_user") {
        return Ok(());
    }
    let w = World::start().await?;
    w.service_account()?;

    let list = w.authdeck(&["accounts"]).output()?;
    ok(&list, "accounts");
    let table = String::from_utf8(list.stdout)?;
    let bot = table
        .lines()
        .find(|l| l.starts_with("bot "))
        .ok_or("a row for bot")?;
    assert!(bot.ends_with("client secret"), "{table}");
    assert!(!table.contains("remembered"), "{table}");
    let listed = w.authdeck(&["accounts", "--json"]).output()?;
    ok(&listed, "accounts --json");
    let rows = json(&listed);
    let bot_row = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "bot"))
        .ok_or("bot in accounts --json")?;
    assert_eq!(bot_row["kept_secret"], "client_secret", "{bot_row}");

    let who = w.authdeck(&["introspect", "bot", "--userinfo"]).output()?;
    assert_eq!(who.status.code(), Some(2), "{}", stderr(&who));
    let said = stderr(&who);
    assert!(
        said.contains("no user") && said.contains("client credentials"),
        "says why there is nobody to ask about: {said}"
    );
    assert!(!said.contains("refused the login"), "{said}");

    let id = w.authdeck(&["token", "bot", "--id-token"]).output()?;
    assert_eq!(id.status.code(), Some(2), "{}", stderr(&id));
    assert!(stderr(&id).contains("has no ID token"), "{}", stderr(&id));

    // What it keeps is forgotten by name, once.
    let forgot = w.authdeck(&["forget-password", "bot"]).output()?;
    ok(&forgot, "forget-password");
    let said = String::from_utf8(forgot.stdout)?;
    assert!(said.contains("Forgot the client secret of bot"), "{said}");
    let again = w.authdeck(&["forget-password", "bot"]).output()?;
    ok(&again, "forget-password again");
    assert!(String::from_utf8(again.stdout)?.contains("nothing to forget"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_id_token_prints_in_every_format() -> TestResult {
    if !in_keyring_session("the_id_token_prints_in_every_format") {
        return Ok(());
    }
    let w = World::start().await?;
    w.user_account()?;
    let raw = w.authdeck(&["token", "alice", "--id-token"]).output()?;
    ok(&raw, "token --id-token");
    let id_token = String::from_utf8(raw.stdout)?.trim().to_string();
    let claims = authdeck_core::jwt::claims(&id_token).ok_or("the ID token is a JWT")?;
    assert_eq!(claims["aud"], CLIENT_ID);

    let out = w
        .authdeck(&["token", "alice", "--id-token", "--format", "json"])
        .output()?;
    ok(&out, "token --id-token --format json");
    let doc = json(&out);
    assert_eq!(doc["token"], id_token.as_str(), "{doc}");
    let exp = claims["exp"].as_i64().ok_or("exp")?;
    let expires_at: jiff::Timestamp = doc["expires_at"].as_str().ok_or("expires_at")?.parse()?;
    assert_eq!(expires_at.as_second(), exp, "the ID token's own expiry");

    let header = w
        .authdeck(&["token", "alice", "--id-token", "--format", "header"])
        .output()?;
    ok(&header, "token --id-token --format header");
    assert!(String::from_utf8(header.stdout)?.contains(&id_token));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_a_server_that_is_gone_says_it_could_not_be_reached() -> TestResult {
    if !in_keyring_session("asking_a_server_that_is_gone_says_it_could_not_be_reached") {
        return Ok(());
    }
    let w = World::start().await?;
    w.user_account()?;
    // The account's server stops; a new sandbox (elsewhere) keeps the World's shape.
    let World {
        sandbox,
        home,
        service,
    } = w;
    drop(sandbox);
    let gone = World {
        sandbox: authdeck_sandbox::Sandbox::start(([127, 0, 0, 1], 0).into()).await?,
        home,
        service,
    };
    for args in [
        &["introspect", "alice"][..],
        &["introspect", "alice", "--userinfo"][..],
    ] {
        let out = gone.authdeck(args).output()?;
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let said = stderr(&out);
        assert!(
            said.contains("could not be reached") || said.contains("could not connect"),
            "{args:?}: {said}"
        );
        assert!(!said.contains("refused the login"), "{args:?}: {said}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_logout_says_there_was_nothing_to_do_and_records_nothing() -> TestResult {
    if !in_keyring_session("a_second_logout_says_there_was_nothing_to_do_and_records_nothing") {
        return Ok(());
    }
    let w = World::start().await?;
    w.user_account()?;
    ok(&w.authdeck(&["logout", "alice"]).output()?, "logout");
    let again = w.authdeck(&["logout", "alice"]).output()?;
    ok(&again, "second logout");
    assert!(
        String::from_utf8(again.stdout)?.contains("was not signed in"),
        "says there was nothing to do"
    );
    let history = w.authdeck(&["history", "alice", "--json"]).output()?;
    let events = json(&history);
    let logouts = events
        .as_array()
        .ok_or("a list")?
        .iter()
        .filter(|e| e["action"] == "logout")
        .count();
    assert_eq!(logouts, 1, "{events}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_sign_ins_that_cannot_succeed_say_why_and_save_nothing() -> TestResult {
    if !in_keyring_session("first_sign_ins_that_cannot_succeed_say_why_and_save_nothing") {
        return Ok(());
    }
    let w = World::start().await?;
    // Client credentials without a secret: said before anything is sent.
    let out = w
        .authdeck(&[
            "login",
            "bot",
            "--provider",
            "oidc",
            "--base-url",
            &w.sandbox.issuer(),
            "--grant",
            "client_credentials",
            "--client-id",
            SERVICE_CLIENT_ID,
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--client-secret-stdin"),
        "{}",
        stderr(&out)
    );

    // The password grant with a wrong password: invalid credentials in words, the server's
    // own code kept, and no account left behind.
    let out = w.wrong_password_grant("--json")?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = json(&out);
    assert_eq!(said["kind"], "invalid_credentials", "{said}");
    assert_eq!(said["error_code"], "invalid_grant", "{said}");
    assert!(
        stderr(&out).contains("Nothing was saved"),
        "{}",
        stderr(&out)
    );
    let list = w.authdeck(&["accounts", "--json"]).output()?;
    assert_eq!(json(&list), serde_json::json!([]), "nothing was saved");

    // Asked to keep it, the refused account stays, signed out.
    let out = w.wrong_password_grant("--keep-if-refused")?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let human = String::from_utf8(out.stdout)?;
    assert!(
        human.contains("invalid credentials") || human.contains("Login refused"),
        "{human}"
    );
    assert!(!human.contains("Nothing was saved"), "{human}");
    let list = json(&w.authdeck(&["accounts", "--json"]).output()?);
    assert_eq!(list[0]["name"], "alice", "{list}");
    assert_eq!(list[0]["status"], "signed_out", "{list}");
    Ok(())
}
