//! A copy of each account's access token in kernel memory, so `authdeck token` on a fresh
//! session answers without a Secret Service round trip. The first read after a login or a
//! renewal (every keyring write drops the copy) goes to the Secret Service and leaves it.
//!
//! Why: the Secret Service daemon is slow to reach from a new process (a D-Bus connection and an
//! encrypted session per call), and gnome-keyring 42 aborts when clients come and go back to
//! back. A script that asks for a token before every request must not cost that, nor take the
//! daemon down.
//!
//! Where (Linux only): the kernel's user keyring (`@u`, keyutils), one `user` key per account,
//! described `authdeck:SERVICE:ACCOUNT`. Kernel memory, never swapped to a file by us, gone at
//! reboot. The key's permissions are the possessor's only (view, read, write, search, setattr;
//! no link): a process of the same uid whose session keyring reaches `@u` (a login session's,
//! as pam_keyinit sets it up) can read it; other users, and same-uid processes outside such a
//! session, cannot. Each key has a kernel timeout no longer than its token's remaining life.
//!
//! What it holds: the access token and its scheme word, nothing else; refresh tokens,
//! passwords and the other secrets stay in the OS keyring alone. A cached token is handed out
//! only when its fingerprint is the one the accounts table records for the session, so an
//! entry that missed an update is never used ([`crate::vault::Vault`] drops the entry on every
//! write and delete, before touching the keyring).
//!
//! Everything here is best effort: when the kernel keyring is missing (another OS, a seccomp
//! filter, a full key quota), a call does nothing and the caller reads the Secret Service as
//! before. Set `AUTHDECK_TOKEN_CACHE=off` to never use it.

use crate::secret::Secret;
use jiff::{SignedDuration, Timestamp};

/// Set to `off` to keep tokens out of the kernel keyring (every `authdeck token` then reads the
/// Secret Service).
pub const CACHE_ENV: &str = "AUTHDECK_TOKEN_CACHE";

/// The token and scheme word found in the cache; the caller still checks it against the
/// session's fingerprint.
#[derive(Debug)]
pub struct CachedToken {
    pub token: Secret,
    pub scheme: Option<String>,
}

/// The kernel token cache of one keyring service, or none at all (other platforms, tests with
/// an in-memory store, the kernel keyring unavailable, `AUTHDECK_TOKEN_CACHE=off`).
#[derive(Debug, Clone)]
pub struct TokenCache {
    kernel: Option<kernel::UserKeyring>,
    service: String,
}

impl TokenCache {
    /// No cache: every call does nothing.
    pub fn off() -> TokenCache {
        TokenCache {
            kernel: None,
            service: String::new(),
        }
    }

    /// The cache for `service` in this user's kernel keyring when there is one (Linux), and
    /// `AUTHDECK_TOKEN_CACHE` is not `off`; otherwise [`TokenCache::off`].
    pub fn for_service(service: &str) -> TokenCache {
        if std::env::var(CACHE_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
            return TokenCache::off();
        }
        TokenCache {
            kernel: kernel::UserKeyring::open(),
            service: service.to_string(),
        }
    }

    /// Whether this cache reaches a kernel keyring at all.
    pub fn is_on(&self) -> bool {
        self.kernel.is_some()
    }

    /// The key's description: `authdeck:SERVICE:ACCOUNT` (account names hold no `:`).
    pub fn description(&self, account: &str) -> String {
        format!("authdeck:{}:{account}", self.service)
    }

    /// The cached token of `account`, if the kernel still holds one. Any failure is a miss.
    pub fn get(&self, account: &str) -> Option<CachedToken> {
        let payload = self.kernel.as_ref()?.read(&self.description(account))?;
        decode(&payload)
    }

    /// Keeps `token` for `account` until `expires_at` (the kernel drops it then, whole seconds
    /// rounded down). Nothing is kept when less than a second is left, or on any failure (the
    /// next reader then asks the Secret Service).
    pub fn put(
        &self,
        account: &str,
        token: &Secret,
        scheme: Option<&str>,
        expires_at: Timestamp,
        now: Timestamp,
    ) {
        let left = expires_at.duration_since(now);
        // A scheme word with a line break would break the entry's lines (and has no place
        // before a token anyway).
        if left < SignedDuration::from_secs(1)
            || scheme.is_some_and(|s| s.contains(char::is_control))
        {
            return;
        }
        if let Some(ring) = &self.kernel {
            let seconds = usize::try_from(left.as_secs()).unwrap_or(usize::MAX);
            ring.write(&self.description(account), &encode(token, scheme), seconds);
        }
    }

    /// Drops the cached token of `account` at once (logout, remove, an edit, a new session).
    pub fn forget(&self, account: &str) {
        if let Some(ring) = &self.kernel {
            ring.invalidate(&self.description(account));
        }
    }
}

/// `SCHEME\nTOKEN` (an empty first line for no scheme word), in a buffer wiped on drop.
fn encode(token: &Secret, scheme: Option<&str>) -> zeroize::Zeroizing<Vec<u8>> {
    let scheme = scheme.unwrap_or_default();
    let mut out =
        zeroize::Zeroizing::new(Vec::with_capacity(scheme.len() + 1 + token.expose().len()));
    out.extend_from_slice(scheme.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(token.expose().as_bytes());
    out
}

/// The inverse of [`encode`]; `None` for anything else (not ours, or empty).
fn decode(payload: &[u8]) -> Option<CachedToken> {
    let text = std::str::from_utf8(payload).ok()?;
    let (scheme, token) = text.split_once('\n')?;
    if token.is_empty() {
        return None;
    }
    Some(CachedToken {
        token: Secret::new(token),
        scheme: (!scheme.is_empty()).then(|| scheme.to_string()),
    })
}

#[cfg(target_os = "linux")]
mod kernel {
    //! The user keyring through keyutils system calls (the `linux-keyutils` crate).

    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
    use zeroize::Zeroizing;

    /// A `user` key's payload is at most 32,767 bytes.
    const MAX_PAYLOAD: usize = 32_767;

    #[derive(Debug, Clone, Copy)]
    pub(super) struct UserKeyring(KeyRing);

    impl UserKeyring {
        /// This uid's user keyring (`@u`), created by the kernel if needed; `None` when
        /// keyutils is not available (an old kernel, a seccomp filter).
        pub(super) fn open() -> Option<UserKeyring> {
            match KeyRing::from_special_id(KeyRingIdentifier::User, true) {
                Ok(ring) => Some(UserKeyring(ring)),
                Err(e) => {
                    tracing::debug!("no kernel keyring for the token cache: {e}");
                    None
                }
            }
        }

        /// Reads into a buffer the size of a usual token first, and once more into one of the
        /// payload's size when it is longer (the kernel says the whole length): wiping a
        /// 32 KiB buffer byte by byte on every read cost more than the read.
        pub(super) fn read(&self, description: &str) -> Option<Zeroizing<Vec<u8>>> {
            const USUAL: usize = 4096;
            let key = self.0.search(description).ok()?;
            let mut size = USUAL;
            loop {
                let mut buffer = Zeroizing::new(vec![0u8; size]);
                match key.read(&mut *buffer) {
                    Ok(len) if len <= buffer.len() => {
                        buffer.truncate(len);
                        return Some(buffer);
                    }
                    Ok(len) if size == USUAL && len <= MAX_PAYLOAD => size = len,
                    Ok(_) => return None,
                    Err(e) => {
                        tracing::debug!("the token cache entry {description} is not readable: {e}");
                        return None;
                    }
                }
            }
        }

        /// Adds or replaces the key, then sets its timeout and narrows its permissions to the
        /// possessor's. A key whose timeout could not be set is invalidated: no entry may
        /// outlive its token.
        pub(super) fn write(&self, description: &str, payload: &[u8], seconds: usize) {
            if payload.len() > MAX_PAYLOAD {
                return;
            }
            let key = match self.0.add_key(description, payload) {
                Ok(key) => key,
                Err(e) => {
                    // A full quota (kernel.keys.maxkeys / maxbytes) lands here too.
                    tracing::debug!("the token cache could not keep {description}: {e}");
                    return;
                }
            };
            let possessor = Permission::VIEW
                | Permission::READ
                | Permission::WRITE
                | Permission::SEARCH
                | Permission::SETATTR;
            let perms = KeyPermissionsBuilder::builder().posessor(possessor).build();
            if let Err(e) = key.set_timeout(seconds).and_then(|()| key.set_perms(perms)) {
                tracing::debug!("the token cache dropped {description}: {e}");
                if let Err(e) = key.invalidate() {
                    tracing::warn!(
                        "a token cache entry without its timeout could not be dropped \
                         ({description}): {e}; run `keyctl purge user {description}`"
                    );
                }
            }
        }

        pub(super) fn invalidate(&self, description: &str) {
            match self.0.search(description).and_then(|key| key.invalidate()) {
                Ok(()) | Err(KeyError::KeyDoesNotExist) => {}
                Err(KeyError::KeyExpired | KeyError::KeyRevoked) => {}
                Err(e) => tracing::warn!(
                    "the token cache entry {description} could not be dropped: {e}; it is \
                     never handed out for another session, and the kernel drops it when its \
                     token expires"
                ),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod kernel {
    //! No kernel keyring on this platform: a cache that is never on.

    use zeroize::Zeroizing;

    /// Has no value: [`UserKeyring::open`] never gives one.
    #[derive(Debug, Clone, Copy)]
    pub(super) enum UserKeyring {}

    impl UserKeyring {
        pub(super) fn open() -> Option<UserKeyring> {
            None
        }

        pub(super) fn read(&self, _: &str) -> Option<Zeroizing<Vec<u8>>> {
            match *self {}
        }

        pub(super) fn write(&self, _: &str, _: &[u8], _: usize) {
            match *self {}
        }

        pub(super) fn invalidate(&self, _: &str) {
            match *self {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_and_its_scheme_survive_the_payload_format() {
        let token = Secret::new("abc.def\nwith-newline");
        let back = decode(&encode(&token, Some("Token"))).expect("decodes");
        assert_eq!(
            back.token, token,
            "everything after the first line is the token"
        );
        assert_eq!(back.scheme.as_deref(), Some("Token"));
        let back = decode(&encode(&token, None)).expect("decodes");
        assert_eq!(back.scheme, None, "no scheme word is an empty first line");
    }

    #[test]
    fn a_payload_that_is_not_ours_is_a_miss() {
        for bad in [&b""[..], b"no-newline", b"Bearer\n", &[0xff, b'\n', b'x']] {
            assert!(decode(bad).is_none(), "{bad:?} is not a cached token");
        }
    }

    #[test]
    fn an_off_cache_keeps_nothing() {
        let cache = TokenCache::off();
        let now = Timestamp::from_second(1_800_000_000).expect("in range");
        cache.put(
            "dev",
            &Secret::new("t"),
            None,
            now + SignedDuration::from_secs(60),
            now,
        );
        assert!(cache.get("dev").is_none());
        assert!(!cache.is_on());
    }
}
