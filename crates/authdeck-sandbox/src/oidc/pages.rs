//! The demo issuer's HTML pages: consent, device verification, and their outcomes. Every
//! value from a request is escaped.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Text made safe for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page: `title` (plain text, escaped here) and `body` (HTML the caller escaped).
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Authdeck sandbox issuer</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }}
main {{ max-width: 30rem; margin: 8vh auto; background: #fff; border: 1px solid #dde1e8;
  border-radius: 10px; padding: 1.75rem 2rem; }}
h1 {{ font-size: 1.25rem; margin: 0 0 .75rem; }}
.brand {{ color: #5b6475; font-size: .85rem; margin-bottom: 1rem; }}
code, .code {{ font-family: ui-monospace, monospace; }}
.code {{ font-size: 1.6rem; letter-spacing: .15em; }}
ul {{ padding-left: 1.2rem; }}
.row {{ display: flex; gap: .75rem; margin-top: 1.25rem; }}
button, a.button {{ font: inherit; padding: .5rem 1.1rem; border-radius: 6px; border: 1px solid #c5cbd6;
  background: #fff; color: #1d2330; text-decoration: none; cursor: pointer; }}
button.primary {{ background: #3056d3; border-color: #3056d3; color: #fff; }}
input[type=text] {{ font: inherit; font-family: ui-monospace, monospace; padding: .4rem .6rem;
  border: 1px solid #c5cbd6; border-radius: 6px; text-transform: uppercase; }}
.note {{ color: #5b6475; font-size: .85rem; margin-top: 1.25rem; }}
</style></head>
<body><main>
<div class="brand">Authdeck sandbox · demo OpenID Connect issuer</div>
<h1>{title}</h1>
{body}
<p class="note">A demo issuer for trying Authdeck: it asks for no password and signs
everyone in as Alice Example. Nothing here is a real account.</p>
</main></body></html>
"#
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // The pages' forms post to this origin only, and nothing may frame them.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

/// The list of scopes asked for, as HTML.
pub(crate) fn scope_list(scope: &str) -> String {
    let items: String = scope
        .split_whitespace()
        .map(|s| format!("<li><code>{}</code>{}</li>", escape(s), scope_meaning(s)))
        .collect();
    format!("<ul>{items}</ul>")
}

fn scope_meaning(scope: &str) -> &'static str {
    match scope {
        "openid" => " — who you are (an ID token)",
        "profile" => " — your name",
        "email" => " — your email address",
        "offline_access" => " — staying signed in (a refresh token)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_values_cannot_open_tags_or_leave_attributes() {
        assert_eq!(
            escape(r#"<script>"x" & 'y'</script>"#),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert!(!scope_list("<b>").contains("<b>"));
    }
}
