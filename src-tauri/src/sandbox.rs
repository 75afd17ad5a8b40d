//! "Try the built-in sandbox": the five documented APIs on loopback, in this process, with one
//! demo account per API signed in, so a first run has something to show at once.

use crate::dto::SandboxInfo;
use crate::state::AppState;
use authdeck_core::Result;
use authdeck_core::secret::Secret;
use authdeck_core::session::LoginRequest;
use authdeck_sandbox::{APIS, PASSWORD, Sandbox};

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
        state
            .deck
            .login(
                &state.http,
                LoginRequest {
                    account: name.clone(),
                    provider: Some(api.to_string()),
                    base_url: Some(sandbox.base_url(api)),
                    email: Some(user.to_string()),
                    password: Some(Secret::new(PASSWORD)),
                    remember_password: true,
                    ..LoginRequest::default()
                },
            )
            .await?;
        accounts.push(name);
    }
    Ok(SandboxInfo {
        url: sandbox.url(),
        accounts,
    })
}

/// The first user of `api` whose login succeeds.
fn demo_user(api: &str) -> Option<&'static str> {
    authdeck_sandbox::users()
        .into_iter()
        .find(|u| u.api == api && u.outcome == "success")
        .map(|u| u.email)
}
