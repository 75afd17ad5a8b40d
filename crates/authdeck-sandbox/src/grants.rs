//! Refresh grants: opaque refresh tokens, each good for exactly one refresh (rotation).

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

/// What a refresh token stands for: the user and the lifetime the original login asked for,
/// so a `+ttlN` login keeps getting N-second tokens on every refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grant {
    pub email: &'static str,
    pub ttl: Option<u32>,
}

/// The live refresh tokens of every API. A token is removed the moment it is redeemed.
#[derive(Debug, Default)]
pub(crate) struct Grants {
    live: Mutex<HashMap<(&'static str, String), Grant>>,
}

impl Grants {
    /// Stores a new refresh token for `api` and returns it.
    pub(crate) fn grant(&self, api: &'static str, grant: Grant) -> String {
        let token = opaque("rt_", 24);
        self.lock().insert((api, token.clone()), grant);
        token
    }

    /// Takes the grant behind `token`, revoking it; `None` for unknown or already used tokens.
    pub(crate) fn redeem(&self, api: &'static str, token: &str) -> Option<Grant> {
        self.lock().remove(&(api, token.to_string()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(&'static str, String), Grant>> {
        // A panic while holding the lock cannot leave the map half-written, so keep serving.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A random identifier: `prefix` then `bytes` random bytes in hex.
pub(crate) fn opaque(prefix: &str, bytes: usize) -> String {
    let mut text = String::with_capacity(prefix.len() + bytes * 2);
    text.push_str(prefix);
    for _ in 0..bytes {
        let byte: u8 = rand::random();
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_token_is_redeemed_once() {
        let grants = Grants::default();
        let grant = Grant {
            email: "alice@userlogin.test",
            ttl: Some(5),
        };
        let token = grants.grant("user-login", grant);
        assert_eq!(grants.redeem("user-login", &token), Some(grant));
        assert_eq!(
            grants.redeem("user-login", &token),
            None,
            "a redeemed refresh token must be revoked"
        );
    }

    #[test]
    fn a_refresh_token_only_works_on_its_own_api() {
        let grants = Grants::default();
        let grant = Grant {
            email: "alice@talkstack.test",
            ttl: None,
        };
        let token = grants.grant("talkstack", grant);
        assert_eq!(grants.redeem("user-login", &token), None);
        assert_eq!(grants.redeem("talkstack", &token), Some(grant));
    }

    #[test]
    fn opaque_ids_differ() {
        assert_ne!(opaque("rt_", 24), opaque("rt_", 24));
        assert_eq!(opaque("rt_", 24).len(), 3 + 48);
    }
}
