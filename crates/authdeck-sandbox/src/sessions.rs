//! Opaque server-side sessions with an expiry: cookie sids, header tokens, `Token` tokens and
//! pending second-factor logins. Unlike refresh grants they are looked up many times.

use crate::grants::opaque;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Mutex;

/// What an opaque token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub email: &'static str,
    /// The `+ttlN` of the login, for what the session later leads to (2FA access tokens).
    pub ttl: Option<u32>,
    /// The moment the token stops working.
    pub expires: Timestamp,
    /// formlogin's `X-Tenant`, echoed by `/me`.
    pub tenant: Option<String>,
}

/// The live opaque tokens of every API, keyed by (api, token).
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    live: Mutex<HashMap<(&'static str, String), Session>>,
}

impl Sessions {
    /// Stores `session` under a new random token (`prefix` + `bytes` random bytes in hex).
    pub(crate) fn open(
        &self,
        api: &'static str,
        prefix: &str,
        bytes: usize,
        session: Session,
    ) -> String {
        let token = opaque(prefix, bytes);
        self.insert(api, token.clone(), session);
        token
    }

    /// Stores `session` under a token the caller made (a JWT, say).
    pub(crate) fn insert(&self, api: &'static str, token: String, session: Session) {
        self.lock().insert((api, token), session);
    }

    /// The session behind `token` if it is known and not expired at `now`.
    pub(crate) fn get(&self, api: &'static str, token: &str, now: Timestamp) -> Option<Session> {
        let mut live = self.lock();
        let key = (api, token.to_string());
        match live.get(&key) {
            Some(session) if session.expires > now => Some(session.clone()),
            Some(_) => {
                live.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Ends the session behind `token`; `true` if there was one.
    pub(crate) fn remove(&self, api: &'static str, token: &str) -> bool {
        self.lock().remove(&(api, token.to_string())).is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(&'static str, String), Session>> {
        // A panic while holding the lock cannot leave the map half-written, so keep serving.
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires: Timestamp) -> Session {
        Session {
            email: "alice@cookiejar.test",
            ttl: None,
            expires,
            tenant: None,
        }
    }

    #[test]
    fn a_session_works_until_it_expires() -> Result<(), jiff::Error> {
        let sessions = Sessions::default();
        let now = Timestamp::from_second(1_000)?;
        let expires = Timestamp::from_second(1_010)?;
        let token = sessions.open("cookiejar", "sid_", 24, session(expires));
        assert_eq!(
            sessions.get("cookiejar", &token, now),
            Some(session(expires))
        );
        assert_eq!(
            sessions.get("formlogin", &token, now),
            None,
            "a token belongs to one API"
        );
        assert_eq!(
            sessions.get("cookiejar", &token, expires),
            None,
            "a session is gone at its expiry"
        );
        Ok(())
    }

    #[test]
    fn a_removed_session_is_gone() -> Result<(), jiff::Error> {
        let sessions = Sessions::default();
        let far = Timestamp::from_second(9_999)?;
        let token = sessions.open("twofactor", "mfa_", 20, session(far));
        assert!(sessions.remove("twofactor", &token));
        assert!(!sessions.remove("twofactor", &token));
        assert_eq!(
            sessions.get("twofactor", &token, Timestamp::from_second(0)?),
            None
        );
        Ok(())
    }
}
