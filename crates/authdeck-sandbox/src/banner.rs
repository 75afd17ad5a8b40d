//! What `authdeck sandbox` prints: where each API lives, who to log in as, and how.

use crate::keys::KEYS;
use crate::server::Sandbox;
use crate::users::{entries, extra_entries};
use crate::{APIS, EXTRA_APIS, PASSWORD, TOTP_SECRET, TOTP_URI};
use std::fmt::Write;

/// The sandbox's welcome text: base URLs, users with their outcomes, the password, tips.
pub fn banner(sandbox: &Sandbox) -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = write_banner(&mut text, sandbox);
    text
}

fn write_banner(out: &mut String, sandbox: &Sandbox) -> std::fmt::Result {
    writeln!(out, "Authdeck sandbox listening on {}", sandbox.url())?;
    writeln!(out)?;
    writeln!(out, "Base URLs (preset id, base URL):")?;
    for api in APIS {
        writeln!(out, "  {api:<12} {}", sandbox.base_url(api))?;
    }
    writeln!(out)?;
    writeln!(out, "Password of every user: {PASSWORD}")?;
    writeln!(out)?;
    writeln!(out, "Users (api, email, outcome, answer):")?;
    for entry in entries() {
        writeln!(
            out,
            "  {:<12} {:<28} {:<21} {}",
            entry.api, entry.email, entry.outcome, entry.answer
        )?;
    }
    writeln!(out)?;
    write_extras(out, sandbox)?;
    writeln!(out)?;
    write_oidc(out, sandbox)?;
    writeln!(out)?;
    writeln!(out, "Tips:")?;
    writeln!(
        out,
        "  - Add +ttlN to an email for a token that expires in N seconds: alice+ttl30@meetra.test"
    )?;
    writeln!(
        out,
        "  - Any other password gives that API's wrong-password answer."
    )?;
    writeln!(
        out,
        "  - Refresh: user-login POST /user/refresh and talkstack POST /auth/refresh, body {{\"refreshToken\": \"...\"}}; each refresh token works once."
    )?;
    writeln!(
        out,
        "  - Try it: curl -s {}/api-login -H 'Content-Type: application/json' -d '{{\"email\":\"alice@meetra.test\",\"password\":\"{PASSWORD}\"}}'",
        sandbox.base_url("meetra")
    )?;
    writeln!(
        out,
        "  - A token at work: GET <base URL>/_sandbox/me with Authorization: Bearer <token> says whose it is (401 when wrong or expired)."
    )?;
    writeln!(
        out,
        "  - Tokens are HS256, signed with \"sandbox-<preset id>-secret\" (e.g. sandbox-meetra-secret)."
    )?;
    writeln!(
        out,
        "  - Counters: GET {0}/_sandbox/stats, reset with POST {0}/_sandbox/reset",
        sandbox.url()
    )?;
    Ok(())
}

/// The extra login shapes: base URLs, users, API keys, the PAT route and the TOTP secret.
fn write_extras(out: &mut String, sandbox: &Sandbox) -> std::fmt::Result {
    writeln!(out, "More login shapes (api, base URL, what is special):")?;
    for api in EXTRA_APIS {
        let shape = match api {
            "cookiejar" => "POST /session sets a sid cookie; GET /me",
            "headertoken" => "POST /v3/auth/tokens, token in X-Subject-Token",
            "formlogin" => {
                "POST /login form body, X-Api-Key: demo-app-key-1234 and X-Tenant: <any>"
            }
            "apikey" => "GET /v1/whoami with X-API-Key, ?api_key= or a Bearer PAT",
            _ => "POST /login, then POST /login/verify with a TOTP code",
        };
        writeln!(out, "  {api:<12} {:<40} {shape}", sandbox.base_url(api))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "More users, and odd answers on the documented APIs (api, email, outcome, answer):"
    )?;
    for entry in extra_entries() {
        writeln!(
            out,
            "  {:<12} {:<28} {:<21} {}",
            entry.api, entry.email, entry.outcome, entry.answer
        )?;
    }
    writeln!(out)?;
    writeln!(out, "API keys of apikey (key, key_id, whoami outcome):")?;
    for key in &KEYS {
        writeln!(out, "  {:<41} {:<12} {}", key.key, key.key_id, key.outcome)?;
    }
    writeln!(
        out,
        "  Personal access token (Authorization: Bearer): GET {}/_sandbox/pat",
        sandbox.base_url("apikey")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "TOTP of alice@twofactor.test (SHA-1, 6 digits, 30 s): secret {TOTP_SECRET}"
    )?;
    writeln!(out, "  {TOTP_URI}")?;
    Ok(())
}

/// The OpenID Connect demo issuer: its URL, clients, user and a login command for each grant.
fn write_oidc(out: &mut String, sandbox: &Sandbox) -> std::fmt::Result {
    use crate::oidc::{
        ACCESS_TOKEN_SECS, CLIENT_ID, SERVICE_CLIENT_ID, SERVICE_CLIENT_SECRET, USER_EMAIL,
    };
    let issuer = sandbox.issuer();
    writeln!(out, "OpenID Connect demo issuer: {issuer}")?;
    writeln!(
        out,
        "  Clients: {CLIENT_ID} (public, PKCE: browser and device sign-in), {SERVICE_CLIENT_ID} (secret {SERVICE_CLIENT_SECRET}: client credentials)"
    )?;
    writeln!(
        out,
        "  Every approved sign-in is {USER_EMAIL}; no password is asked. Tokens are ES256 and live {ACCESS_TOKEN_SECS} s."
    )?;
    writeln!(
        out,
        "  Browser: authdeck login demo-oidc --provider oidc --base-url {issuer} --client-id {CLIENT_ID}"
    )?;
    writeln!(
        out,
        "  Device:  authdeck login demo-tv --provider oidc --base-url {issuer} --client-id {CLIENT_ID} --device"
    )?;
    writeln!(
        out,
        "  Service: echo {SERVICE_CLIENT_SECRET} | authdeck login demo-service --provider oidc --base-url {issuer} --client-id {SERVICE_CLIENT_ID} --client-secret-stdin --grant client_credentials"
    )?;
    Ok(())
}
