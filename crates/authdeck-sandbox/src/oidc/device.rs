//! The device authorization grant (RFC 8628): the device authorization endpoint (§3.1–3.2)
//! and the verification page (§3.3) where the user types or confirms the user code.

use super::book::{DEVICE_SECS, INTERVAL_SECS};
use super::pages::{escape, page, scope_list};
use super::{Client, ClientForm, USER_EMAIL, USER_NAME, no_store, oauth_error};
use crate::api::Shared;
use crate::credentials::Fields;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use serde_json::json;
use std::sync::Arc;

/// POST /device_authorization: a device code, a user code and where to enter it.
pub(super) async fn start(
    State(shared): State<Arc<Shared>>,
    ClientForm { client, form }: ClientForm,
) -> Response {
    if client != Client::Demo {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "authdeck-demo-service may only use the client credentials grant",
        );
    }
    let Some(scope) = client.scope(form.text("scope")) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "the scopes offered are openid, profile, email and offline_access",
        );
    };
    let issuer = &shared.oidc;
    let new = issuer
        .book
        .start_device(client.id(), &scope, Timestamp::now());
    let verification_uri = issuer.endpoint("/device");
    tracing::info!(api = "oidc", "device authorization started");
    no_store(
        StatusCode::OK,
        json!({
            "device_code": new.device_code,
            "user_code": new.user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": format!("{verification_uri}?user_code={}", new.user_code),
            "expires_in": DEVICE_SECS,
            "interval": INTERVAL_SECS,
        }),
    )
}

/// GET /device: the code entry page, or with `?user_code=` the confirmation page.
async fn page_get(shared: &Shared, query: &Fields) -> Response {
    match query.text("user_code") {
        Some(code) => confirm_or_retry(shared, code, Timestamp::now()),
        None => entry(shared, None),
    }
}

pub(super) async fn show(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = Fields::parse_form(query.unwrap_or_default().as_bytes());
    page_get(&shared, &query).await
}

/// POST /device: a typed code (then the confirmation page), or Approve / Deny.
pub(super) async fn answer(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = Fields::parse_form(&body);
    let now = Timestamp::now();
    if form.text("xsrf") != Some(shared.oidc.xsrf.as_str()) {
        return page(
            StatusCode::FORBIDDEN,
            "Open the verification page again",
            "<p>This form did not come from this issuer's page (or the sandbox restarted).</p>",
        );
    }
    let code = form.text("user_code").unwrap_or_default();
    if form.text("confirm").is_none() {
        return confirm_or_retry(&shared, code, now);
    }
    let approve = form.text("abort").is_none();
    if !shared.oidc.book.answer_device(code, approve, now) {
        return entry(
            &shared,
            Some("That code is not waiting any more: it was answered, or it expired."),
        );
    }
    tracing::info!(api = "oidc", approve, "device authorization answered");
    if approve {
        page(
            StatusCode::OK,
            "Success: the device is signed in",
            "<p>Go back to the device: it picks up the sign-in within a few seconds.</p>",
        )
    } else {
        page(
            StatusCode::OK,
            "Denied: the sign-in was aborted",
            "<p>The device was not signed in. It will say that access was denied.</p>",
        )
    }
}

fn confirm_or_retry(shared: &Shared, code: &str, now: Timestamp) -> Response {
    let Some(device) = shared.oidc.book.device_by_user_code(code, now) else {
        return entry(
            shared,
            Some(
                "That code is not waiting: check it against the one on the device, or start again there.",
            ),
        );
    };
    let body = format!(
        r#"<p>A device running <b>{client}</b> asks to sign in as <b>{USER_NAME}</b> ({USER_EMAIL}).</p>
<p>Check that it shows this code:</p>
<p class="code">{code}</p>
<p>It asks for:</p>
{scopes}
<form id="confirm" method="post" action="/oidc/device">
<input type="hidden" name="xsrf" value="{xsrf}">
<input type="hidden" name="user_code" value="{code}">
<input type="hidden" name="confirm" value="yes">
<div class="row"><button class="primary" type="submit" autofocus>Approve</button>
<button type="submit" name="abort" value="yes">Deny</button></div>
</form>"#,
        client = escape(&device.client_id),
        code = escape(&code.to_uppercase()),
        scopes = scope_list(&device.scope),
        xsrf = escape(&shared.oidc.xsrf),
    );
    page(StatusCode::OK, "Sign in a device", &body)
}

fn entry(shared: &Shared, problem: Option<&str>) -> Response {
    let problem = problem
        .map(|p| format!("<p><b>{}</b></p>", escape(p)))
        .unwrap_or_default();
    let body = format!(
        r#"{problem}<p>Enter the code the device shows.</p>
<form id="code" method="post" action="/oidc/device">
<input type="hidden" name="xsrf" value="{xsrf}">
<input type="text" name="user_code" value="" placeholder="WDJB-MJHT" autocomplete="off" autofocus>
<div class="row"><button class="primary" type="submit">Continue</button></div>
</form>"#,
        xsrf = escape(&shared.oidc.xsrf),
    );
    let status = if problem.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, "Sign in a device", &body)
}
