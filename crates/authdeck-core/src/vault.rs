//! The OS keyring: every secret of an account in one entry, never on disk in plain text.
//!
//! Service `authdeck` (or `$AUTHDECK_KEYRING_SERVICE`, for tests), user = account name, secret =
//! a small JSON document `{"token", "scheme", "refresh_token", "password", "totp_secret",
//! "id_token", "client_secret"}` (each optional). Stores with a
//! size limit (Windows Credential Manager: 2560 bytes) get the document split into entries
//! `ACCOUNT#1`, `ACCOUNT#2`, ... with `{"authdeck_chunks": N}` in the main entry; `#` cannot
//! occur in an account name, so chunks never collide with accounts.
//!
//! There is no fallback to a file: when the keyring is missing or locked, the error says so.
//!
//! On Linux a copy of each access token also lives in the kernel keyring
//! ([`crate::token_cache`]), so a fresh token is read without a Secret Service call. This file
//! drops that copy on every save and delete, before the keyring is touched; the deck fills it
//! when it reads a token from the keyring.
//!
//! Calls block (D-Bus, Keychain, Credential Manager). On Linux the store runs zbus on its own
//! async-io executor, so calling it from a tokio worker works (tested), but it holds that worker
//! for the call's duration: async callers should prefer `tokio::task::spawn_blocking`.

use crate::accounts::validate_name;
use crate::secret::Secret;
use crate::token_cache::TokenCache;
use crate::{Error, Result};
use keyring_core::{CredentialStore, Entry};
use serde::Deserialize;
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// Overrides the keyring service name (tests use their own so they never see real entries).
pub const SERVICE_ENV: &str = "AUTHDECK_KEYRING_SERVICE";
/// The keyring service name Authdeck uses by default.
pub const DEFAULT_SERVICE: &str = "authdeck";
/// Windows Credential Manager's limit for one entry's secret.
pub const WINDOWS_MAX_ENTRY_BYTES: usize = 2560;
/// A header asking for more chunks than this is not ours.
const MAX_CHUNKS: usize = 100;

/// The secrets of one account. `Debug` shows only which ones are present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultDoc {
    pub token: Option<Secret>,
    /// The scheme word the server wrote before the token (`Token`), not a secret; kept beside
    /// the token so the two change together.
    pub scheme: Option<String>,
    pub refresh_token: Option<Secret>,
    pub password: Option<Secret>,
    /// The base32 TOTP secret (RFC 6238) of an account with a second factor.
    pub totp_secret: Option<Secret>,
    /// The OpenID Connect ID token of the session, beside its access token.
    pub id_token: Option<Secret>,
    /// An OAuth client's secret (RFC 6749 §2.3.1): a secret, so never in a provider file.
    pub client_secret: Option<Secret>,
}

impl VaultDoc {
    pub fn is_empty(&self) -> bool {
        self.token.is_none()
            && self.refresh_token.is_none()
            && self.password.is_none()
            && self.totp_secret.is_none()
            && self.id_token.is_none()
            && self.client_secret.is_none()
    }

    /// The JSON document, built by hand into a buffer that is zeroized on drop (`Secret` has no
    /// `Serialize`, and serde's growing buffers would leave copies behind).
    fn to_json(&self) -> Zeroizing<Vec<u8>> {
        let scheme = self.scheme.as_deref().map(Secret::new);
        let fields = [
            ("token", &self.token),
            ("scheme", &scheme),
            ("refresh_token", &self.refresh_token),
            ("password", &self.password),
            ("totp_secret", &self.totp_secret),
            ("id_token", &self.id_token),
            ("client_secret", &self.client_secret),
        ];
        let mut out = Zeroizing::new(Vec::with_capacity(self.json_capacity()));
        out.push(b'{');
        for (name, value) in fields {
            let Some(value) = value else { continue };
            if out.len() > 1 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":\"");
            escape_json_into(value.expose(), &mut out);
            out.push(b'"');
        }
        out.push(b'}');
        out
    }

    /// An upper bound of the JSON's length: every byte of a secret may become a 6-byte
    /// `\u00XX` escape. Reserving it up front means the buffer never reallocates, so no
    /// unzeroized copy is left behind in freed memory.
    fn json_capacity(&self) -> usize {
        let field = |name: &str, value: &Option<Secret>| {
            value
                .as_ref()
                .map_or(0, |v| name.len() + 6 + v.expose().len() * 6)
        };
        let scheme = self.scheme.as_ref().map_or(0, |s| 12 + s.len() * 6);
        2 + scheme
            + field("token", &self.token)
            + field("refresh_token", &self.refresh_token)
            + field("password", &self.password)
            + field("totp_secret", &self.totp_secret)
            + field("id_token", &self.id_token)
            + field("client_secret", &self.client_secret)
    }
}

fn escape_json_into(text: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x00..=0x1f => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xf)],
            ]),
            _ => out.push(byte),
        }
    }
}

/// What an entry may hold: our document or a chunk header. Anything else is not ours.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    token: Option<String>,
    scheme: Option<String>,
    refresh_token: Option<String>,
    password: Option<String>,
    totp_secret: Option<String>,
    id_token: Option<String>,
    client_secret: Option<String>,
    authdeck_chunks: Option<usize>,
}

enum Parsed {
    Doc(VaultDoc),
    Chunks(usize),
}

fn parse(bytes: &[u8]) -> Option<Parsed> {
    let raw: RawEntry = serde_json::from_slice(bytes).ok()?;
    let doc = VaultDoc {
        token: raw.token.map(Secret::from),
        scheme: raw.scheme,
        refresh_token: raw.refresh_token.map(Secret::from),
        password: raw.password.map(Secret::from),
        totp_secret: raw.totp_secret.map(Secret::from),
        id_token: raw.id_token.map(Secret::from),
        client_secret: raw.client_secret.map(Secret::from),
    };
    match raw.authdeck_chunks {
        None => Some(Parsed::Doc(doc)),
        Some(n) if doc.is_empty() && (1..=MAX_CHUNKS).contains(&n) => Some(Parsed::Chunks(n)),
        Some(_) => None,
    }
}

fn chunk_header(count: usize) -> String {
    format!("{{\"authdeck_chunks\":{count}}}")
}

fn suite_password_user(name: &str) -> String {
    format!("suite-password:{name}")
}

fn chunk_user(account: &str, index: usize) -> String {
    format!("{account}#{index}")
}

/// What the keyring holds for an account, including "something we cannot read".
#[derive(Debug)]
pub(crate) enum Stored {
    Missing,
    Doc(VaultDoc),
    Garbled,
}

/// The store and its limit for one entry's secret, if it has one.
type StoreWithLimit = (Arc<CredentialStore>, Option<usize>);

/// The keyring, through keyring-core's store API, with the kernel token cache in front of it
/// on Linux ([`TokenCache`]).
#[derive(Debug, Clone)]
pub struct Vault {
    /// The platform's store is reached on first use, so a token read from the cache costs no
    /// Secret Service connection (opening one is already a D-Bus round trip).
    store: OnceLock<StoreWithLimit>,
    service: String,
    cache: TokenCache,
}

impl Vault {
    /// This platform's keyring (Secret Service, Keychain or Credential Manager), with the
    /// service name from `$AUTHDECK_KEYRING_SERVICE` or `authdeck`. Nothing is contacted yet:
    /// a missing or locked keyring is reported by the first call that needs it.
    pub fn open() -> Result<Vault> {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_string());
        Vault::open_with_service(service)
    }

    /// This platform's keyring, storing entries under `service`, with the kernel token cache
    /// on Linux. Nothing is contacted yet (see [`Vault::open`]).
    pub fn open_with_service(service: impl Into<String>) -> Result<Vault> {
        let service = service.into();
        Ok(Vault {
            store: OnceLock::new(),
            cache: TokenCache::for_service(&service),
            service,
        })
    }

    /// A vault over any keyring-core store; `max_entry_bytes` is the store's limit for one
    /// entry's secret, if it has one (documents above it are split into chunks). No token
    /// cache: tests and benchmarks over an in-memory store see that store alone.
    pub fn with_store(
        store: Arc<CredentialStore>,
        service: impl Into<String>,
        max_entry_bytes: Option<usize>,
    ) -> Vault {
        Vault {
            store: OnceLock::from((store, max_entry_bytes)),
            service: service.into(),
            cache: TokenCache::off(),
        }
    }

    /// This vault with `cache` in front of it (a test of the cache over an in-memory store).
    pub fn with_token_cache(self, cache: TokenCache) -> Vault {
        Vault { cache, ..self }
    }

    /// The keyring service name entries are stored under.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The kernel token cache in front of this keyring (off for [`Vault::with_store`]).
    pub fn token_cache(&self) -> &TokenCache {
        &self.cache
    }

    /// The account's cached access token and scheme word, when the cache holds the token
    /// whose fingerprint is `fingerprint` (the session's, from the accounts table). No
    /// Secret Service call. `None` is a miss: read [`Vault::load`].
    pub fn cached_token(
        &self,
        account: &str,
        fingerprint: &str,
    ) -> Option<(Secret, Option<String>)> {
        let hit = self.cache.get(account)?;
        (crate::secret::fingerprint(&hit.token) == fingerprint).then_some((hit.token, hit.scheme))
    }

    /// The account's secrets; `None` when there are none (never saved, or deleted behind our
    /// back, which is the same as having no session).
    pub fn load(&self, account: &str) -> Result<Option<VaultDoc>> {
        match self.read(account)? {
            Stored::Missing => Ok(None),
            Stored::Doc(doc) => Ok(Some(doc)),
            Stored::Garbled => Err(garbled(account, &self.service)),
        }
    }

    /// Replaces the account's secrets with `doc`; an empty document deletes the entry. The
    /// cached token is dropped first, even when the keyring then fails: a reader refills it
    /// from the keyring.
    pub fn save(&self, account: &str, doc: &VaultDoc) -> Result<()> {
        validate_name(account)?;
        self.cache.forget(account);
        if doc.is_empty() {
            return self.delete(account);
        }
        let json = doc.to_json();
        let max_entry_bytes = self.store()?.1;
        // Only a store with a size limit ever holds chunks; elsewhere looking for old ones
        // would cost a keyring read per save (a search over every item, in gnome-keyring).
        let old_chunks = match max_entry_bytes {
            Some(_) => self.chunk_count(account)?,
            None => 0,
        };
        let new_chunks = match max_entry_bytes {
            Some(limit) if json.len() > limit => {
                let parts: Vec<&[u8]> = json.chunks(limit.max(1)).collect();
                if parts.len() > MAX_CHUNKS {
                    return Err(Error::Keyring(format!(
                        "the secrets of account {account} are too large for this keyring \
                         ({} bytes)",
                        json.len()
                    )));
                }
                // Chunks first, header last: a reader never sees a header without its chunks.
                for (index, part) in parts.iter().enumerate() {
                    self.set(account, &chunk_user(account, index + 1), part)?;
                }
                self.set(account, account, chunk_header(parts.len()).as_bytes())?;
                parts.len()
            }
            _ => {
                self.set(account, account, &json)?;
                0
            }
        };
        for index in new_chunks + 1..=old_chunks {
            self.remove(account, &chunk_user(account, index))?;
        }
        Ok(())
    }

    /// Deletes every secret of the account (all chunks too, and the cached token, first).
    /// Deleting nothing is fine.
    pub fn delete(&self, account: &str) -> Result<()> {
        validate_name(account)?;
        self.cache.forget(account);
        let chunks = self.chunk_count(account)?;
        for index in 1..=chunks {
            self.remove(account, &chunk_user(account, index))?;
        }
        self.remove(account, account)
    }

    /// The password a QA suite refers to as `password_keyring = "NAME"`; `None` when there is
    /// none. Kept apart from every account's entry: its keyring user is `suite-password:NAME`,
    /// which no account name can be (account names have no `:`).
    pub fn suite_password(&self, name: &str) -> Result<Option<Secret>> {
        validate_name(name)?;
        let Some(bytes) = self.get(name, &suite_password_user(name))? else {
            return Ok(None);
        };
        match std::str::from_utf8(&bytes) {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(_) => Err(garbled(&suite_password_user(name), &self.service)),
        }
    }

    /// Keeps (or replaces) the password a suite refers to as `password_keyring = "NAME"`.
    pub fn save_suite_password(&self, name: &str, password: &Secret) -> Result<()> {
        validate_name(name)?;
        self.set(
            name,
            &suite_password_user(name),
            password.expose().as_bytes(),
        )
    }

    /// Like [`Vault::load`], but reports an unreadable entry instead of failing, so logout can
    /// clear it.
    pub(crate) fn read(&self, account: &str) -> Result<Stored> {
        validate_name(account)?;
        let Some(bytes) = self.get(account, account)? else {
            return Ok(Stored::Missing);
        };
        match parse(&bytes) {
            Some(Parsed::Doc(doc)) => Ok(Stored::Doc(doc)),
            Some(Parsed::Chunks(count)) => {
                let mut joined = Zeroizing::new(Vec::new());
                for index in 1..=count {
                    match self.get(account, &chunk_user(account, index))? {
                        Some(part) => joined.extend_from_slice(&part),
                        None => return Ok(Stored::Garbled),
                    }
                }
                match parse(&joined) {
                    Some(Parsed::Doc(doc)) => Ok(Stored::Doc(doc)),
                    _ => Ok(Stored::Garbled),
                }
            }
            None => Ok(Stored::Garbled),
        }
    }

    /// How many chunks the stored document uses (0 when it is not chunked or not there).
    fn chunk_count(&self, account: &str) -> Result<usize> {
        Ok(match self.get(account, account)? {
            Some(bytes) => match parse(&bytes) {
                Some(Parsed::Chunks(count)) => count,
                _ => 0,
            },
            None => 0,
        })
    }

    /// The platform's store, connected on first use.
    fn store(&self) -> Result<&StoreWithLimit> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let opened = platform_store()?;
        Ok(self.store.get_or_init(|| opened))
    }

    fn entry(&self, account: &str, user: &str) -> Result<Entry> {
        self.store()?
            .0
            .build(&self.service, user, None)
            .map_err(|e| self.explain(account, e))
    }

    fn get(&self, account: &str, user: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match self.entry(account, user)?.get_secret() {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(keyring_core::Error::BadEncoding(mut bytes))
            | Err(keyring_core::Error::BadDataFormat(mut bytes, _)) => {
                zeroize::Zeroize::zeroize(&mut bytes);
                Err(garbled(account, &self.service))
            }
            Err(e) => Err(self.explain(account, e)),
        }
    }

    fn set(&self, account: &str, user: &str, secret: &[u8]) -> Result<()> {
        self.entry(account, user)?
            .set_secret(secret)
            .map_err(|e| self.explain(account, e))
    }

    fn remove(&self, account: &str, user: &str) -> Result<()> {
        match self.entry(account, user)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.explain(account, e)),
        }
    }

    /// Says what went wrong and what to do, without ever quoting secret data.
    fn explain(&self, account: &str, e: keyring_core::Error) -> Error {
        use keyring_core::Error as K;
        let service = &self.service;
        Error::Keyring(match e {
            K::NoStorageAccess(detail) => format!(
                "the keyring is locked: unlock it (on Linux open \"Passwords and Keys\" and \
                 unlock the login keyring, or run `gnome-keyring-daemon --unlock`) and try again \
                 ({detail})"
            ),
            K::PlatformFailure(detail) => format!("the keyring failed: {detail}"),
            K::NoEntry => format!("the keyring has no entry for account {account}"),
            K::BadEncoding(_) | K::BadDataFormat(..) => return garbled(account, service),
            K::BadStoreFormat(detail) => format!("the keyring's own data is damaged: {detail}"),
            K::TooLong(what, limit) => format!(
                "the keyring refused the entry for account {account}: its {what} is longer \
                 than the keyring's limit of {limit}"
            ),
            K::Invalid(what, why) => {
                format!("the keyring refused the entry for account {account}: {what} {why}")
            }
            K::Ambiguous(entries) => format!(
                "the keyring holds {} entries for account {account} (service {service}); \
                 delete the extra ones with your keyring tool (on Linux: `secret-tool clear \
                 service {service} username {account}` removes them all, then log in again)",
                entries.len()
            ),
            K::NoDefaultStore => "no keyring store is set up".to_string(),
            K::NotSupportedByStore(detail) => {
                format!("the keyring cannot do this: {detail}")
            }
            other => format!("the keyring failed: {other}"),
        })
    }
}

/// The error for an entry that is not our JSON document.
fn garbled(account: &str, service: &str) -> Error {
    Error::Keyring(format!(
        "the keyring entry for {account} (service {service}) is not readable; run \
         `authdeck logout {account}` and log in again"
    ))
}

fn no_service(detail: &dyn std::fmt::Display) -> Error {
    Error::Keyring(format!(
        "no keyring service is running: start gnome-keyring or KWallet (any Secret Service \
         provider; on a desktop, logging in starts one) and try again. Authdeck never stores \
         secrets in a file instead. ({detail})"
    ))
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<(Arc<CredentialStore>, Option<usize>)> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| no_service(&e))?;
    Ok((store, None))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<(Arc<CredentialStore>, Option<usize>)> {
    let store = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| Error::Keyring(format!("the macOS keychain cannot be opened: {e}")))?;
    Ok((store, None))
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<(Arc<CredentialStore>, Option<usize>)> {
    let store = windows_native_keyring_store::Store::new().map_err(|e| {
        Error::Keyring(format!(
            "the Windows Credential Manager cannot be opened: {e}"
        ))
    })?;
    Ok((store, Some(WINDOWS_MAX_ENTRY_BYTES)))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<(Arc<CredentialStore>, Option<usize>)> {
    let _ = no_service;
    Err(Error::Keyring(
        "Authdeck has no keyring support on this platform, and never stores secrets in a file"
            .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(token: &str, password: Option<&str>) -> VaultDoc {
        VaultDoc {
            token: Some(Secret::new(token)),
            scheme: None,
            refresh_token: None,
            password: password.map(Secret::new),
            ..VaultDoc::default()
        }
    }

    #[test]
    fn document_json_is_valid_and_escaped() -> Result<(), serde_json::Error> {
        let tricky = "a\"b\\c\nd\u{1}é€";
        let json = doc(tricky, Some("p")).to_json();
        let value: serde_json::Value = serde_json::from_slice(&json)?;
        assert_eq!(
            value["token"], tricky,
            "escaping round-trips through a real JSON parser"
        );
        assert_eq!(value["password"], "p");
        assert!(
            value.get("refresh_token").is_none(),
            "absent secrets are omitted"
        );
        Ok(())
    }

    #[test]
    fn document_buffer_never_reallocates() {
        // Control characters take the longest escapes; a reallocation would grow the capacity.
        let d = VaultDoc {
            token: Some(Secret::new("\u{1}".repeat(1000))),
            scheme: Some("\u{1}Token".into()),
            refresh_token: Some(Secret::new("\"".repeat(10))),
            password: Some(Secret::new("x")),
            totp_secret: Some(Secret::new("\"".repeat(7))),
            id_token: Some(Secret::new("\u{2}".repeat(20))),
            client_secret: Some(Secret::new("\\".repeat(5))),
        };
        let json = d.to_json();
        assert_eq!(
            json.capacity(),
            d.json_capacity(),
            "the buffer kept its first allocation"
        );
        assert!(json.len() <= d.json_capacity());
    }

    #[test]
    fn parse_accepts_documents_and_headers_only() {
        assert!(matches!(parse(br#"{"token":"t"}"#), Some(Parsed::Doc(d)) if d.token.is_some()));
        assert!(matches!(parse(b"{}"), Some(Parsed::Doc(d)) if d.is_empty()));
        assert!(matches!(
            parse(br#"{"authdeck_chunks":3}"#),
            Some(Parsed::Chunks(3))
        ));
        for bad in [
            &b"not json"[..],
            br#"{"other":1}"#,
            br#"{"authdeck_chunks":0}"#,
            br#"{"authdeck_chunks":1000}"#,
            br#"{"authdeck_chunks":2,"token":"t"}"#,
            br#"["token"]"#,
        ] {
            assert!(
                parse(bad).is_none(),
                "{} is not ours",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn debug_of_a_document_hides_the_secrets() {
        let shown = format!("{:?}", doc("tok-123", Some("pw-456")));
        assert!(
            !shown.contains("tok-123") && !shown.contains("pw-456"),
            "Debug leaked a secret: {shown}"
        );
    }
}
