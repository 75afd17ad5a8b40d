//! Authdeck's OAuth grants against the sandbox's demo issuer (what a newcomer tries on
//! `make run`). The protocol is tested against npm `oidc-provider` in `oauth_flows.rs`; this
//! checks what that provider forgives: the scopes Authdeck actually sends.

use authdeck_core::http::{Http, Policy};
use authdeck_core::oauth::transport::Transport;
use authdeck_core::oauth::{DeviceCode, Registration, UserAgent, device_authorization, discovery};
use authdeck_core::provider::{Catalog, ClientAuth};
use authdeck_sandbox::Sandbox;
use authdeck_sandbox::oidc_demo::CLIENT_ID;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Approves a device code on the issuer's verification page before Authdeck's first poll.
struct ApprovingUser;

async fn approve(url: String) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let client = reqwest::Client::new();
    let page = client.get(&url).send().await?.text().await?;
    let field = |name: &str| {
        page.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_string)
            .ok_or(format!("no {name} field on the page"))
    };
    let body = format!(
        "xsrf={}&user_code={}&confirm=yes",
        field("xsrf")?,
        field("user_code")?
    );
    let origin = url.split("/oidc/").next().ok_or("a URL")?;
    let answer = client
        .post(format!("{origin}/oidc/device"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?
        .text()
        .await?;
    if !answer.contains("Success") {
        return Err(format!("not approved: {answer}").into());
    }
    Ok(())
}

impl UserAgent for ApprovingUser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Err("a device sign-in opens no browser".into())
    }

    fn show_device_code(&self, code: &DeviceCode) {
        let url = code
            .verification_uri_complete
            .clone()
            .expect("the sandbox gives the complete URL");
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current()
                .block_on(approve(url))
                .expect("the user approves")
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_sign_in_asks_for_each_scope_once() -> TestResult {
    let sandbox = Sandbox::start("127.0.0.1:0".parse()?).await?;
    let spec = Catalog::presets()
        .get("oidc")?
        .oauth
        .clone()
        .ok_or("the oidc preset is OAuth")?;
    let transport = Transport::new(Http::new()?, Policy::default());
    let mut endpoints = discovery::endpoints(&transport, &sandbox.issuer(), &spec).await?;
    let reg = Registration {
        client_id: CLIENT_ID.into(),
        client_secret: None,
        auth: ClientAuth::None,
    };
    let attempt = device_authorization::sign_in(
        &transport,
        &mut endpoints,
        &reg,
        &spec,
        &ApprovingUser,
        |_| async {},
        &jiff::Timestamp::now,
    )
    .await;
    let session = attempt.result.map_err(|f| format!("{f}"))?;
    let claims = authdeck_core::jwt::claims_value(
        session
            .claims
            .as_deref()
            .ok_or("the access token is a JWT")?,
    );
    assert_eq!(
        claims["scope"], "openid profile email offline_access",
        "the scopes as the preset lists them, openid once"
    );
    Ok(())
}

/// Shows the code, then takes the server away (it stops as a crashed issuer would).
struct ServerGoesAway(std::sync::Mutex<Option<Sandbox>>);

impl UserAgent for ServerGoesAway {
    fn open(&self, _url: &str) -> Result<(), String> {
        Err("a device sign-in opens no browser".into())
    }

    fn show_device_code(&self, _code: &DeviceCode) {
        if let Ok(mut sandbox) = self.0.lock() {
            sandbox.take();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_sign_in_whose_server_goes_away_gives_up_with_a_network_error() -> TestResult {
    let sandbox = Sandbox::start("127.0.0.1:0".parse()?).await?;
    let spec = Catalog::presets()
        .get("oidc")?
        .oauth
        .clone()
        .ok_or("the oidc preset is OAuth")?;
    let transport = Transport::new(Http::new()?, Policy::default());
    let mut endpoints = discovery::endpoints(&transport, &sandbox.issuer(), &spec).await?;
    let reg = Registration {
        client_id: CLIENT_ID.into(),
        client_secret: None,
        auth: ClientAuth::None,
    };
    let agent = ServerGoesAway(std::sync::Mutex::new(Some(sandbox)));
    // Without the give-up, this would poll until the code expires (10 min of the issuer's
    // clock): the sleep is short, so the test would spin, not hang, and time out in CI.
    let attempt = device_authorization::sign_in(
        &transport,
        &mut endpoints,
        &reg,
        &spec,
        &agent,
        |_| tokio::time::sleep(std::time::Duration::from_millis(20)),
        &jiff::Timestamp::now,
    )
    .await;
    let failure = attempt.result.err().ok_or("no server, no session")?;
    assert_eq!(failure.kind, authdeck_core::Kind::NetworkError, "{failure}");
    let words = failure.message.unwrap_or_default();
    assert!(
        words.contains("stopped answering") && words.contains("sign in again"),
        "{words}"
    );
    Ok(())
}
