//! What the demo issuer remembers, in memory: authorization requests waiting for the user,
//! authorization codes, device codes, refresh tokens and the grants they belong to.
//!
//! Every method takes `now`, so the lifetimes and the device grant's polling rules are tested
//! without waiting.

use crate::grants::opaque;
use jiff::{SignedDuration, Timestamp};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

/// How long an authorization request waits for Approve or Deny, in seconds.
pub(crate) const INTERACTION_SECS: i64 = 600;
/// How long an authorization code may be redeemed, in seconds (RFC 6749 §4.1.2: short).
pub(crate) const CODE_SECS: i64 = 60;
/// How long a device code lives, in seconds (`expires_in`, RFC 8628 §3.2).
pub(crate) const DEVICE_SECS: i64 = 600;
/// The device grant's polling interval, in seconds (RFC 8628 §3.2's default).
pub(crate) const INTERVAL_SECS: i64 = 5;
/// How long a refresh token lives, in seconds.
pub(crate) const REFRESH_SECS: i64 = 86_400;

/// An authorization request (RFC 6749 §4.1.1) the user has not answered yet.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub code_challenge: String,
    pub expires: Timestamp,
}

/// What a sign-in grants: who, to which client, which scopes. Shared by every token issued
/// from one authorization, so revoking or replaying one revokes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    pub id: String,
    pub client_id: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub auth_time: i64,
}

#[derive(Debug)]
struct Code {
    grant: Grant,
    redirect_uri: String,
    code_challenge: String,
    expires: Timestamp,
    used: bool,
}

/// Where a device authorization stands (RFC 8628 §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceState {
    Pending,
    Approved,
    Denied,
    /// Its tokens were issued: the device code is spent.
    Used,
}

#[derive(Debug)]
struct Device {
    client_id: String,
    scope: String,
    user_code: String,
    expires: Timestamp,
    state: DeviceState,
    interval: i64,
    last_poll: Option<Timestamp>,
}

#[derive(Debug)]
struct Refresh {
    grant: Grant,
    expires: Timestamp,
    used: bool,
}

/// Why a code, a refresh token or a device code gave no tokens. Each is one RFC 6749 §5.2 /
/// RFC 8628 §3.5 error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    /// `invalid_grant`, with the reason for `error_description`.
    InvalidGrant(&'static str),
    AuthorizationPending,
    /// Polled sooner than `interval`; the interval grows by 5 s (RFC 8628 §3.5).
    SlowDown,
    AccessDenied,
    ExpiredToken,
}

/// A device authorization just made: the codes to hand out.
#[derive(Debug)]
pub(crate) struct NewDevice {
    pub device_code: String,
    pub user_code: String,
}

/// What a device's user code stands for, shown on the verification page.
#[derive(Debug, Clone)]
pub(crate) struct DeviceView {
    pub client_id: String,
    pub scope: String,
}

/// What a refresh token or a live grant says, for introspection.
#[derive(Debug, Clone)]
pub(crate) struct RefreshView {
    pub grant: Grant,
    pub expires: Timestamp,
}

#[derive(Debug, Default)]
struct Inner {
    requests: HashMap<String, Request>,
    codes: HashMap<String, Code>,
    devices: HashMap<String, Device>,
    refresh: HashMap<String, Refresh>,
    revoked_grants: HashSet<String>,
    revoked_tokens: HashSet<String>,
}

/// The issuer's memory. One lock: every operation is a few map lookups.
#[derive(Debug, Default)]
pub(crate) struct Book {
    inner: Mutex<Inner>,
}

/// `now` plus `secs` seconds.
pub(crate) fn after(now: Timestamp, secs: i64) -> Timestamp {
    now.saturating_add(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MAX)
}

impl Book {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a map half-written: keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps an authorization request until the user answers; returns its id for the page.
    pub(crate) fn wait_for_user(&self, request: Request, now: Timestamp) -> String {
        let id = opaque("ia_", 16);
        let mut inner = self.lock();
        inner.requests.retain(|_, r| r.expires > now);
        inner.requests.insert(id.clone(), request);
        id
    }

    /// The request behind a consent page, if it is still waiting at `now`.
    pub(crate) fn request(&self, id: &str, now: Timestamp) -> Option<Request> {
        self.lock()
            .requests
            .get(id)
            .filter(|r| r.expires > now)
            .cloned()
    }

    /// Takes the request (each is answered once); `None` if unknown, answered or expired.
    pub(crate) fn answer(&self, id: &str, now: Timestamp) -> Option<Request> {
        self.lock().requests.remove(id).filter(|r| r.expires > now)
    }

    /// Issues an authorization code for an approved request.
    pub(crate) fn issue_code(&self, request: &Request, now: Timestamp) -> String {
        let code = opaque("ac_", 24);
        let grant = Grant {
            id: opaque("g_", 12),
            client_id: request.client_id.clone(),
            scope: request.scope.clone(),
            nonce: request.nonce.clone(),
            auth_time: now.as_second(),
        };
        self.lock().codes.insert(
            code.clone(),
            Code {
                grant,
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                expires: after(now, CODE_SECS),
                used: false,
            },
        );
        code
    }

    /// Redeems a code (RFC 6749 §4.1.3): same client, same redirect URI, and the PKCE
    /// challenge `challenge_of(verifier)` (RFC 7636 §4.6). A code used twice revokes the grant
    /// of its first use (RFC 6749 §4.1.2).
    pub(crate) fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        challenge_of_verifier: &str,
        now: Timestamp,
    ) -> Result<Grant, Refused> {
        let mut inner = self.lock();
        let Some(entry) = inner.codes.get_mut(code) else {
            return Err(Refused::InvalidGrant("unknown authorization code"));
        };
        if entry.used {
            let grant = entry.grant.id.clone();
            inner.revoked_grants.insert(grant);
            return Err(Refused::InvalidGrant(
                "the authorization code was already used; the tokens it gave are revoked",
            ));
        }
        if entry.expires <= now {
            return Err(Refused::InvalidGrant("the authorization code expired"));
        }
        if entry.grant.client_id != client_id {
            return Err(Refused::InvalidGrant(
                "the authorization code was issued to another client",
            ));
        }
        if entry.redirect_uri != redirect_uri {
            return Err(Refused::InvalidGrant(
                "redirect_uri differs from the authorization request's",
            ));
        }
        if entry.code_challenge != challenge_of_verifier {
            return Err(Refused::InvalidGrant(
                "code_verifier does not match the code_challenge (PKCE)",
            ));
        }
        entry.used = true;
        Ok(entry.grant.clone())
    }

    /// Issues a refresh token for `grant`.
    pub(crate) fn issue_refresh(&self, grant: &Grant, now: Timestamp) -> String {
        let token = opaque("rt_", 24);
        self.lock().refresh.insert(
            token.clone(),
            Refresh {
                grant: grant.clone(),
                expires: after(now, REFRESH_SECS),
                used: false,
            },
        );
        token
    }

    /// Redeems a refresh token (RFC 6749 §6), which rotates: it works once. A replayed one
    /// revokes its whole grant (RFC 9700 §4.14.2), the newest refresh token included.
    pub(crate) fn redeem_refresh(
        &self,
        token: &str,
        client_id: &str,
        now: Timestamp,
    ) -> Result<Grant, Refused> {
        let mut inner = self.lock();
        let Some(entry) = inner.refresh.get_mut(token) else {
            return Err(Refused::InvalidGrant("unknown refresh token"));
        };
        if entry.used {
            let grant = entry.grant.id.clone();
            inner.revoked_grants.insert(grant);
            return Err(Refused::InvalidGrant(
                "the refresh token was already used (rotation): the whole grant is revoked, sign in again",
            ));
        }
        let grant = entry.grant.clone();
        if inner.revoked_grants.contains(&grant.id) {
            return Err(Refused::InvalidGrant("the grant was revoked"));
        }
        let Some(entry) = inner.refresh.get_mut(token) else {
            return Err(Refused::InvalidGrant("unknown refresh token"));
        };
        if entry.expires <= now {
            return Err(Refused::InvalidGrant("the refresh token expired"));
        }
        if grant.client_id != client_id {
            return Err(Refused::InvalidGrant(
                "the refresh token was issued to another client",
            ));
        }
        entry.used = true;
        Ok(grant)
    }

    /// A live refresh token's grant and expiry (for introspection); `None` if used, revoked,
    /// expired or unknown.
    pub(crate) fn refresh_token(&self, token: &str, now: Timestamp) -> Option<RefreshView> {
        let inner = self.lock();
        let entry = inner.refresh.get(token)?;
        let live =
            !entry.used && entry.expires > now && !inner.revoked_grants.contains(&entry.grant.id);
        live.then(|| RefreshView {
            grant: entry.grant.clone(),
            expires: entry.expires,
        })
    }

    /// Revokes the grant behind a refresh token (RFC 7009 §2.1: its access tokens too).
    /// Returns whether the token was one of `client_id`'s.
    pub(crate) fn revoke_refresh(&self, token: &str, client_id: &str) -> bool {
        let mut inner = self.lock();
        let Some(grant) = inner
            .refresh
            .get(token)
            .filter(|r| r.grant.client_id == client_id)
            .map(|r| r.grant.id.clone())
        else {
            return false;
        };
        inner.revoked_grants.insert(grant);
        true
    }

    /// Revokes one access token by its `jti`.
    pub(crate) fn revoke_access(&self, jti: &str) {
        self.lock().revoked_tokens.insert(jti.to_string());
    }

    /// Whether an access token (`jti`, and the grant `gid` it came from, if any) is revoked.
    pub(crate) fn is_revoked(&self, jti: &str, gid: Option<&str>) -> bool {
        let inner = self.lock();
        inner.revoked_tokens.contains(jti) || gid.is_some_and(|g| inner.revoked_grants.contains(g))
    }

    /// Starts a device authorization (RFC 8628 §3.1).
    pub(crate) fn start_device(&self, client_id: &str, scope: &str, now: Timestamp) -> NewDevice {
        let device_code = opaque("dc_", 24);
        let user_code = user_code();
        let mut inner = self.lock();
        inner.devices.retain(|_, d| d.expires > now);
        inner.devices.insert(
            device_code.clone(),
            Device {
                client_id: client_id.to_string(),
                scope: scope.to_string(),
                user_code: user_code.clone(),
                expires: after(now, DEVICE_SECS),
                state: DeviceState::Pending,
                interval: INTERVAL_SECS,
                last_poll: None,
            },
        );
        NewDevice {
            device_code,
            user_code,
        }
    }

    /// The pending device authorization a user code names (any case, with or without the
    /// dash, RFC 8628 §6.1).
    pub(crate) fn device_by_user_code(&self, code: &str, now: Timestamp) -> Option<DeviceView> {
        let wanted = normalize_user_code(code);
        let inner = self.lock();
        inner
            .devices
            .values()
            .find(|d| d.user_code == wanted && d.state == DeviceState::Pending && d.expires > now)
            .map(|d| DeviceView {
                client_id: d.client_id.clone(),
                scope: d.scope.clone(),
            })
    }

    /// The user's answer on the verification page. Returns false when the code is no longer
    /// pending (unknown, expired, answered).
    pub(crate) fn answer_device(&self, code: &str, approve: bool, now: Timestamp) -> bool {
        let wanted = normalize_user_code(code);
        let mut inner = self.lock();
        let Some(device) = inner
            .devices
            .values_mut()
            .find(|d| d.user_code == wanted && d.state == DeviceState::Pending && d.expires > now)
        else {
            return false;
        };
        device.state = if approve {
            DeviceState::Approved
        } else {
            DeviceState::Denied
        };
        true
    }

    /// A device's token poll (RFC 8628 §3.4, §3.5). Approved: the grant (once).
    pub(crate) fn poll_device(
        &self,
        device_code: &str,
        client_id: &str,
        now: Timestamp,
    ) -> Result<Grant, Refused> {
        let mut inner = self.lock();
        let Some(device) = inner.devices.get_mut(device_code) else {
            return Err(Refused::InvalidGrant("unknown device code"));
        };
        if device.client_id != client_id {
            return Err(Refused::InvalidGrant(
                "the device code was issued to another client",
            ));
        }
        if device.expires <= now {
            return Err(Refused::ExpiredToken);
        }
        let too_soon = device
            .last_poll
            .is_some_and(|last| now < after(last, device.interval));
        device.last_poll = Some(now);
        match device.state {
            DeviceState::Pending if too_soon => {
                device.interval += 5;
                Err(Refused::SlowDown)
            }
            DeviceState::Pending => Err(Refused::AuthorizationPending),
            DeviceState::Denied => Err(Refused::AccessDenied),
            DeviceState::Used => Err(Refused::InvalidGrant("the device code was already used")),
            DeviceState::Approved => {
                device.state = DeviceState::Used;
                Ok(Grant {
                    id: opaque("g_", 12),
                    client_id: device.client_id.clone(),
                    scope: device.scope.clone(),
                    nonce: None,
                    auth_time: now.as_second(),
                })
            }
        }
    }
}

/// The consonants of RFC 8628 §6.1's example character set: no vowels (no words), no
/// look-alikes.
const USER_CODE_CHARS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// A user code such as "WDJB-MJHT" (RFC 8628 §6.1).
fn user_code() -> String {
    let mut code = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            code.push('-');
        }
        let pick = rand::random::<u32>() as usize % USER_CODE_CHARS.len();
        code.push(char::from(USER_CODE_CHARS[pick]));
    }
    code
}

/// A typed user code as stored: upper case, dash in the middle, other punctuation dropped.
fn normalize_user_code(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if letters.len() == 8 {
        format!("{}-{}", &letters[..4], &letters[4..])
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            client_id: "authdeck-demo".into(),
            redirect_uri: "http://127.0.0.1:5000/callback".into(),
            state: Some("st".into()),
            nonce: Some("n".into()),
            scope: "openid".into(),
            code_challenge: "challenge".into(),
            expires: Timestamp::MAX,
        }
    }

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + secs).expect("a valid time")
    }

    #[test]
    fn a_code_is_redeemed_once_and_a_second_use_revokes_its_grant() {
        let book = Book::default();
        let code = book.issue_code(&request(), t(0));
        let redirect = "http://127.0.0.1:5000/callback";
        let grant = book
            .redeem_code(&code, "authdeck-demo", redirect, "challenge", t(1))
            .expect("the first use works");
        let refresh = book.issue_refresh(&grant, t(1));
        assert!(matches!(
            book.redeem_code(&code, "authdeck-demo", redirect, "challenge", t(2)),
            Err(Refused::InvalidGrant(_))
        ));
        assert!(
            book.refresh_token(&refresh, t(2)).is_none(),
            "a replayed code revokes what its first use gave"
        );
    }

    #[test]
    fn a_code_needs_the_same_client_redirect_and_pkce_and_expires() {
        let book = Book::default();
        let redirect = "http://127.0.0.1:5000/callback";
        for (client, uri, challenge, at) in [
            ("other", redirect, "challenge", t(1)),
            (
                "authdeck-demo",
                "http://127.0.0.1:5001/callback",
                "challenge",
                t(1),
            ),
            ("authdeck-demo", redirect, "wrong", t(1)),
            ("authdeck-demo", redirect, "challenge", t(CODE_SECS)),
        ] {
            let code = book.issue_code(&request(), t(0));
            assert!(
                matches!(
                    book.redeem_code(&code, client, uri, challenge, at),
                    Err(Refused::InvalidGrant(_))
                ),
                "{client} {uri} {challenge} {at} must be refused"
            );
        }
    }

    #[test]
    fn a_refresh_token_rotates_and_a_replay_revokes_the_newest_one() {
        let book = Book::default();
        let code = book.issue_code(&request(), t(0));
        let grant = book
            .redeem_code(
                &code,
                "authdeck-demo",
                &request().redirect_uri,
                "challenge",
                t(0),
            )
            .expect("code works");
        let first = book.issue_refresh(&grant, t(0));
        let grant = book
            .redeem_refresh(&first, "authdeck-demo", t(1))
            .expect("first refresh");
        let second = book.issue_refresh(&grant, t(1));
        assert!(book.refresh_token(&second, t(2)).is_some());
        assert!(matches!(
            book.redeem_refresh(&first, "authdeck-demo", t(2)),
            Err(Refused::InvalidGrant(_))
        ));
        assert!(
            book.refresh_token(&second, t(2)).is_none(),
            "the replay revoked the grant"
        );
        assert!(book.is_revoked("any-jti", Some(&grant.id)));
    }

    #[test]
    fn a_device_poll_is_pending_then_slow_down_when_too_soon_then_approved_once() {
        let book = Book::default();
        let new = book.start_device("authdeck-demo", "openid", t(0));
        assert_eq!(
            book.poll_device(&new.device_code, "authdeck-demo", t(0)),
            Err(Refused::AuthorizationPending)
        );
        assert_eq!(
            book.poll_device(&new.device_code, "authdeck-demo", t(1)),
            Err(Refused::SlowDown)
        );
        // The interval grew to 10 s.
        assert_eq!(
            book.poll_device(&new.device_code, "authdeck-demo", t(7)),
            Err(Refused::SlowDown)
        );
        let typed = new.user_code.to_lowercase().replace('-', "");
        assert!(book.device_by_user_code(&typed, t(8)).is_some());
        assert!(book.answer_device(&typed, true, t(8)));
        assert!(
            book.poll_device(&new.device_code, "authdeck-demo", t(20))
                .is_ok()
        );
        assert!(matches!(
            book.poll_device(&new.device_code, "authdeck-demo", t(40)),
            Err(Refused::InvalidGrant(_))
        ));
    }

    #[test]
    fn a_denied_or_expired_device_code_says_so() {
        let book = Book::default();
        let denied = book.start_device("authdeck-demo", "openid", t(0));
        assert!(book.answer_device(&denied.user_code, false, t(1)));
        assert!(
            !book.answer_device(&denied.user_code, true, t(2)),
            "answered once"
        );
        assert_eq!(
            book.poll_device(&denied.device_code, "authdeck-demo", t(10)),
            Err(Refused::AccessDenied)
        );
        let late = book.start_device("authdeck-demo", "openid", t(0));
        assert_eq!(
            book.poll_device(&late.device_code, "authdeck-demo", t(DEVICE_SECS)),
            Err(Refused::ExpiredToken)
        );
    }

    #[test]
    fn user_codes_are_eight_consonants_with_a_dash() {
        let code = user_code();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(
            code.chars()
                .filter(|c| *c != '-')
                .all(|c| USER_CODE_CHARS.contains(&(c as u8)))
        );
        assert_eq!(normalize_user_code("wdjb mjht"), "WDJB-MJHT");
    }
}
