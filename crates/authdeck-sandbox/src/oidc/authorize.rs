//! The authorization endpoint (RFC 6749 §4.1.1, PKCE per RFC 7636) and its consent page.
//!
//! GET /authorize checks the request and sends the browser to /interaction/{id}: Approve
//! posts there, Deny is /interaction/{id}/abort. Both end in a redirect to the client's
//! loopback `redirect_uri` with `code` or `error`, `state` and `iss` (RFC 9207).

use super::book::Request;
use super::pages::{escape, page, scope_list};
use super::{Client, USER_EMAIL, USER_NAME};
use crate::api::Shared;
use crate::credentials::Fields;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use std::sync::Arc;

pub(super) async fn start(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Fields::parse_form(query.unwrap_or_default().as_bytes());
    check(&shared, &query, Timestamp::now())
}

fn check(shared: &Shared, query: &Fields, now: Timestamp) -> Response {
    let issuer = &shared.oidc;
    // RFC 6749 §4.1.2.1: with a bad client or redirect URI, tell the user, never redirect.
    let Some(client) = query.text("client_id").and_then(Client::by_id) else {
        return refuse(
            "Unknown client",
            "This issuer knows the client <code>authdeck-demo</code> (browser and device \
             sign-in) and <code>authdeck-demo-service</code> (client credentials).",
        );
    };
    let Some(redirect_uri) = query.text("redirect_uri").filter(|u| is_loopback(u)) else {
        return refuse(
            "Bad redirect_uri",
            "The redirect_uri must be a loopback address, http://127.0.0.1:PORT/PATH \
             (RFC 8252 §7.3): Authdeck listens there for the browser's return.",
        );
    };
    let state = query.text("state");
    let back = |error: &str, description: &str| {
        redirect(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state.unwrap_or_default()),
                ("iss", &issuer.url),
            ],
        )
    };
    if client != Client::Demo {
        return back(
            "unauthorized_client",
            "authdeck-demo-service may only use the client credentials grant",
        );
    }
    if query.text("response_type") != Some("code") {
        return back(
            "unsupported_response_type",
            "only response_type=code is supported",
        );
    }
    let Some(code_challenge) = query.text("code_challenge") else {
        return back(
            "invalid_request",
            "PKCE is required: send code_challenge with code_challenge_method=S256",
        );
    };
    if query.text("code_challenge_method") != Some("S256") {
        return back("invalid_request", "code_challenge_method must be S256");
    }
    let Some(scope) = client.scope(query.text("scope")) else {
        return back(
            "invalid_scope",
            "the scopes offered are openid, profile, email and offline_access",
        );
    };
    if query.text("prompt") == Some("none") {
        return back(
            "consent_required",
            "the demo issuer always asks the user to approve",
        );
    }
    let id = issuer.book.wait_for_user(
        Request {
            client_id: client.id().to_string(),
            redirect_uri: redirect_uri.to_string(),
            state: state.map(str::to_string),
            nonce: query.text("nonce").map(str::to_string),
            scope,
            code_challenge: code_challenge.to_string(),
            expires: super::book::after(now, super::book::INTERACTION_SECS),
        },
        now,
    );
    see_other(&issuer.endpoint(&format!("/interaction/{id}")))
}

/// The consent page of a waiting request.
fn page_of(shared: &Shared, id: &str, now: Timestamp) -> Response {
    let Some(request) = shared.oidc.book.request(id, now) else {
        return over();
    };
    let id = escape(id);
    let body = format!(
        r#"<p><b>{client}</b> asks to sign you in as <b>{USER_NAME}</b> ({USER_EMAIL}).</p>
<p>It asks for:</p>
{scopes}
<form id="consent" method="post" action="/oidc/interaction/{id}">
<input type="hidden" name="prompt" value="consent">
<div class="row"><button class="primary" type="submit" autofocus>Approve</button>
<a class="button" href="/oidc/interaction/{id}/abort">Deny</a></div>
</form>
<p class="note">Either way, the browser then goes back to Authdeck at <code>{back}</code>.</p>"#,
        client = escape(&request.client_id),
        scopes = scope_list(&request.scope),
        back = escape(&request.redirect_uri),
    );
    page(StatusCode::OK, "Sign in to Authdeck", &body)
}

pub(super) async fn show(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    page_of(&shared, &id, Timestamp::now())
}

/// Approve: a code for the client, sent to its redirect URI.
pub(super) async fn approve(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = Timestamp::now();
    let issuer = &shared.oidc;
    let Some(request) = issuer.book.answer(&id, now) else {
        return over();
    };
    let code = issuer.book.issue_code(&request, now);
    tracing::info!(api = "oidc", client = %request.client_id, "authorization approved");
    redirect(
        &request.redirect_uri,
        &[
            ("code", &code),
            ("state", request.state.as_deref().unwrap_or_default()),
            ("iss", &issuer.url),
        ],
    )
}

/// Deny: `access_denied` (RFC 6749 §4.1.2.1) at the redirect URI.
pub(super) async fn deny(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let issuer = &shared.oidc;
    let Some(request) = issuer.book.answer(&id, Timestamp::now()) else {
        return over();
    };
    tracing::info!(api = "oidc", client = %request.client_id, "authorization denied");
    redirect(
        &request.redirect_uri,
        &[
            ("error", "access_denied"),
            ("error_description", "the user denied the request"),
            ("state", request.state.as_deref().unwrap_or_default()),
            ("iss", &issuer.url),
        ],
    )
}

fn over() -> Response {
    refuse(
        "This sign-in is over",
        "It was answered already, or waited more than 10 minutes. Start the sign-in again \
         from Authdeck.",
    )
}

fn refuse(title: &str, html: &str) -> Response {
    page(StatusCode::BAD_REQUEST, title, &format!("<p>{html}</p>"))
}

/// A loopback redirect URI of a native app (RFC 8252 §7.3): http, 127.0.0.1, [::1] or
/// localhost, any port, no fragment.
pub(crate) fn is_loopback(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    url.scheme() == "http"
        && url.fragment().is_none()
        && matches!(
            url.host_str(),
            Some("127.0.0.1") | Some("[::1]") | Some("localhost")
        )
}

/// A 303 to `uri` with `params` added to its query (empty values left out).
fn redirect(uri: &str, params: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(uri) else {
        return refuse("Bad redirect_uri", "The redirect_uri is not a URL.");
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(name, value);
        }
    }
    see_other(url.as_str())
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_redirects_are_accepted() {
        assert!(is_loopback("http://127.0.0.1:41234/callback"));
        assert!(is_loopback("http://localhost:8080/cb"));
        assert!(is_loopback("http://[::1]:9/"));
        assert!(!is_loopback("https://127.0.0.1:41234/callback"));
        assert!(!is_loopback("http://evil.example/callback"));
        assert!(!is_loopback("http://127.0.0.1.evil.example/callback"));
        assert!(!is_loopback("http://127.0.0.1:1/cb#frag"));
        assert!(!is_loopback("not a url"));
    }
}
