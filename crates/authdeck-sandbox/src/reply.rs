//! Building answers: JSON with a status, and the 429 every API shares.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// How long slowpoke users are told to wait, in seconds.
pub(crate) const RETRY_AFTER_SECS: &str = "2";

/// A JSON answer with that status (`Content-Type: application/json`).
pub(crate) fn json(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// A 429 with `Retry-After: 2` and the API's own error body.
pub(crate) fn too_many_requests(body: Value) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, RETRY_AFTER_SECS)],
        Json(body),
    )
        .into_response()
}
