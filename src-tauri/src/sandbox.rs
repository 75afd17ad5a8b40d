//! "Try the built-in sandbox": the five documented APIs on loopback, in this process, with one
//! demo account per API signed in, so a first run has something to show at once; and the
//! OpenID Connect demo issuer, with a client credentials account signed in (the browser and
//! device sign-ins need the user, so the add-account dialog offers the issuer for them).

use crate::dto::SandboxInfo;
use crate::state::AppState;
use authdeck_core::Result;
use authdeck_core::deck::LoginRequest;
use authdeck_core::oauth::{DeviceCode, UserAgent};
use authdeck_core::secret::Secret;
use authdeck_sandbox::oidc_demo::{CLIENT_ID, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET};
use authdeck_sandbox::{APIS, PASSWORD, Sandbox};
use std::time::Duration;

/// The demo account of the issuer, signed in with client credentials.
const SERVICE_ACCOUNT: &str = "demo-oidc-service";

/// Starts the sandbox (once) and logs in one demo user of each API, remembering its password.
pub async fn start(state: &AppState) -> Result<SandboxInfo> {
    let mut slot = state.sandbox.lock().await;
    if slot.is_none() {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let sandbox = Sandbox::start(addr).await.map_err(|e| {
            authdeck_core::Error::Io(format!("the sandbox could not listen on 127.0.0.1: {e}"))
        })?;
        *slot = Some(sandbox);
    }
    let Some(sandbox) = slot.as_ref() else {
        return Err(authdeck_core::Error::Io("the sandbox did not start".into()));
    };
    let mut accounts = Vec::new();
    for api in APIS {
        let Some(user) = demo_user(api) else { continue };
        let name = format!("demo-{api}");
        let plan = state.deck.plan_login(LoginRequest {
            account: name.clone(),
            provider: Some(api.to_string()),
            base_url: Some(sandbox.base_url(api)),
            email: Some(user.to_string()),
            password: Some(Secret::new(PASSWORD)),
            remember_password: true,
            ..LoginRequest::default()
        })?;
        state.deck.login(&state.http, plan).await?;
        accounts.push(name);
    }
    let plan = state.deck.plan_login(LoginRequest {
        account: SERVICE_ACCOUNT.to_string(),
        provider: Some("oidc".to_string()),
        base_url: Some(sandbox.issuer()),
        client_id: Some(SERVICE_CLIENT_ID.to_string()),
        client_secret: Some(Secret::new(SERVICE_CLIENT_SECRET)),
        grant: Some(authdeck_core::provider::Grant::ClientCredentials),
        ..LoginRequest::default()
    })?;
    let limit = Duration::from_secs(30);
    let now = jiff::Timestamp::now;
    state
        .deck
        .sign_in(&state.http, plan, &NoUser, limit, &now)
        .await?;
    accounts.push(SERVICE_ACCOUNT.to_string());
    Ok(info(sandbox, accounts))
}

/// The running sandbox, if any (the add-account dialog asks, to offer its issuer).
pub async fn running(state: &AppState) -> Option<SandboxInfo> {
    let slot = state.sandbox.lock().await;
    slot.as_ref().map(|sandbox| info(sandbox, Vec::new()))
}

fn info(sandbox: &Sandbox, accounts: Vec<String>) -> SandboxInfo {
    SandboxInfo {
        url: sandbox.url(),
        accounts,
        issuer: sandbox.issuer(),
        issuer_client_id: CLIENT_ID.to_string(),
    }
}

/// A client credentials sign-in involves no user: nothing to open, nothing to show.
struct NoUser;

impl UserAgent for NoUser {
    fn open(&self, _url: &str) -> std::result::Result<(), String> {
        Err("a client credentials sign-in opens no browser".into())
    }

    fn show_device_code(&self, _code: &DeviceCode) {}
}

/// The first user of `api` whose login succeeds.
fn demo_user(api: &str) -> Option<&'static str> {
    authdeck_sandbox::users()
        .into_iter()
        .find(|u| u.api == api && u.outcome == "success")
        .map(|u| u.email)
}

/// After a restart, brings the sandbox back on the port the demo accounts point at, so they
/// keep working. Nothing happens when there are no demo accounts.
pub async fn resume(state: &AppState) -> Result<()> {
    let accounts = state.deck.accounts(jiff::Timestamp::now())?;
    let port = accounts
        .iter()
        .filter(|a| a.account.config.name.starts_with("demo-"))
        .find_map(|a| sandbox_port(&a.account.config.base_url));
    let Some(port) = port else { return Ok(()) };
    let mut slot = state.sandbox.lock().await;
    if slot.is_none() {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let sandbox = Sandbox::start(addr).await.map_err(|e| {
            authdeck_core::Error::Io(format!("the sandbox could not listen on {addr} again: {e}"))
        })?;
        *slot = Some(sandbox);
    }
    Ok(())
}

/// The port of a sandbox base URL (`http://127.0.0.1:PORT/<api>`), if it is one.
fn sandbox_port(base_url: &str) -> Option<u16> {
    let url = url::Url::parse(base_url).ok()?;
    let path = url.path().trim_end_matches('/');
    let is_sandbox = url.host_str() == Some("127.0.0.1")
        && (path == "/oidc" || APIS.iter().any(|api| path == format!("/{api}")));
    if is_sandbox { url.port() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_of_a_sandbox_api_give_a_port_to_resume_on() {
        assert_eq!(
            sandbox_port("http://127.0.0.1:41234/user-login"),
            Some(41234)
        );
        assert_eq!(
            sandbox_port("http://127.0.0.1:41234/user-login/"),
            Some(41234)
        );
        assert_eq!(sandbox_port("http://127.0.0.1:41234/oidc"), Some(41234));
        assert_eq!(sandbox_port("https://api.talkstackai.com/talkstack"), None);
        assert_eq!(sandbox_port("http://127.0.0.1:41234/other"), None);
        assert_eq!(sandbox_port("not a url"), None);
    }
}
