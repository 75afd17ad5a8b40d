//! apikey's static keys: pasted by the user, never obtained by a login.

use serde::Serialize;

/// The valid key of the apikey API (expires 2099), the one to paste when trying it.
pub const LIVE_API_KEY: &str = "sbx_live_4c7e1a9b2d5f8036e1c4a7b0d3f6a9c2";

/// One static key of the apikey API and what `GET /apikey/v1/whoami` answers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    /// The key itself, as pasted into `X-API-Key` or `?api_key=`.
    pub key: &'static str,
    /// Its `key_id` in the whoami answer.
    pub key_id: &'static str,
    /// Its expiry (RFC 3339), `None` for a key that never expires.
    pub expires_at: Option<&'static str>,
    /// "success", "key_expired" or "invalid_key": the whoami answer's outcome.
    pub outcome: &'static str,
}

/// The owner of every static key and of the personal access token.
pub(crate) const OWNER: &str = "alice@apikey.test";

/// The documented keys, in the order the banner and `docs/api/apikey.md` list them.
pub(crate) static KEYS: [ApiKeyInfo; 4] = [
    ApiKeyInfo {
        key: LIVE_API_KEY,
        key_id: "key_live",
        expires_at: Some("2099-12-31T23:59:59Z"),
        outcome: "success",
    },
    ApiKeyInfo {
        key: "sbx_live_0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        key_id: "key_forever",
        expires_at: None,
        outcome: "success",
    },
    ApiKeyInfo {
        key: "sbx_live_9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a",
        key_id: "key_expired",
        expires_at: Some("2024-01-01T00:00:00Z"),
        outcome: "key_expired",
    },
    ApiKeyInfo {
        key: "sbx_live_5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
        key_id: "key_revoked",
        expires_at: Some("2099-12-31T23:59:59Z"),
        outcome: "invalid_key",
    },
];

/// Every static key of the apikey API, with the outcome of using it.
pub fn api_keys() -> Vec<ApiKeyInfo> {
    KEYS.to_vec()
}

/// The key with that exact text.
pub(crate) fn find(key: &str) -> Option<&'static ApiKeyInfo> {
    KEYS.iter().find(|k| k.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_prefix_and_32_characters() {
        for key in &KEYS {
            let rest = key.key.strip_prefix("sbx_live_").unwrap_or_default();
            assert_eq!(
                rest.len(),
                32,
                "{} has 32 characters after the prefix",
                key.key_id
            );
        }
    }
}
