//! Documents larger than a store's entry limit are split into numbered entries and joined on
//! read; stale chunks go when the document shrinks.
//!
//! The limit is enforced by a keyring-core store that wraps another store and refuses any
//! secret above 2560 bytes, like Windows Credential Manager. It wraps keyring-core's in-memory
//! mock store, and (re-run inside `scripts/with-keyring.sh`) the real Secret Service.

#[cfg(target_os = "linux")]
#[path = "support/keyring.rs"]
mod keyring;

use authdeck_core::vault::{Vault, VaultDoc, WINDOWS_MAX_ENTRY_BYTES};
use authdeck_core::{Error, Secret};
use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialStore, Entry};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A store that refuses secrets larger than `limit` and otherwise passes everything through,
/// recording the size of every secret it accepted.
struct LimitedStore {
    inner: Arc<CredentialStore>,
    limit: usize,
    written: Arc<Mutex<Vec<usize>>>,
}

struct LimitedCredential {
    inner: Entry,
    limit: usize,
    written: Arc<Mutex<Vec<usize>>>,
}

impl CredentialStoreApi for LimitedStore {
    fn vendor(&self) -> String {
        "authdeck test store with a per-entry size limit".to_string()
    }

    fn id(&self) -> String {
        format!("limited-{}", self.limit)
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        modifiers: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        let inner = self.inner.build(service, user, modifiers)?;
        let credential: Arc<Credential> = Arc::new(LimitedCredential {
            inner,
            limit: self.limit,
            written: self.written.clone(),
        });
        Ok(Entry::new_with_credential(credential))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl CredentialApi for LimitedCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        if secret.len() > self.limit {
            return Err(keyring_core::Error::TooLong(
                "secret".to_string(),
                self.limit as u32,
            ));
        }
        self.inner.set_secret(secret)?;
        if let Ok(mut written) = self.written.lock() {
            written.push(secret.len());
        }
        Ok(())
    }

    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.inner.get_secret()
    }

    fn delete_credential(&self) -> keyring_core::Result<()> {
        self.inner.delete_credential()
    }

    fn get_credential(&self) -> keyring_core::Result<Option<Arc<Credential>>> {
        self.inner.get_secret().map(|_| None)
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        self.inner.get_specifiers()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn limited(inner: Arc<CredentialStore>) -> (Arc<CredentialStore>, Arc<Mutex<Vec<usize>>>) {
    let written = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::new(LimitedStore {
        inner,
        limit: WINDOWS_MAX_ENTRY_BYTES,
        written: written.clone(),
    });
    (store, written)
}

/// About 6 KB of secrets: a long JWT, a refresh token and a password.
fn big_doc() -> VaultDoc {
    let token: String = (0..4600).map(|i| (b'a' + (i % 26) as u8) as char).collect();
    let refresh: String = (0..1200).map(|i| (b'A' + (i % 26) as u8) as char).collect();
    VaultDoc {
        scheme: None,
        totp_secret: None,
        id_token: None,
        client_secret: None,
        token: Some(Secret::new(format!("eyJ.{token}.sig"))),
        refresh_token: Some(Secret::new(refresh)),
        password: Some(Secret::new("pässword \"with\" escapes\\")),
    }
}

fn small_doc() -> VaultDoc {
    VaultDoc {
        token: Some(Secret::new("short")),
        ..VaultDoc::default()
    }
}

fn raw(store: &Arc<CredentialStore>, service: &str, user: &str) -> keyring_core::Result<Vec<u8>> {
    store.build(service, user, None)?.get_secret()
}

/// The checks shared by the mock-backed and the Secret-Service-backed runs.
fn check_chunking(inner: Arc<CredentialStore>, service: &str) -> TestResult {
    let (store, written) = limited(inner.clone());
    let vault = Vault::with_store(store, service, Some(WINDOWS_MAX_ENTRY_BYTES));

    vault.save("big", &big_doc())?;
    let sizes = written.lock().map(|w| w.clone()).unwrap_or_default();
    assert!(
        sizes.len() >= 4,
        "6 KB needs 3 chunks and a header: wrote {sizes:?}"
    );
    assert!(sizes.iter().all(|&s| s <= WINDOWS_MAX_ENTRY_BYTES));
    assert_eq!(
        vault.load("big")?,
        Some(big_doc()),
        "the chunks join back into the document"
    );

    let header = String::from_utf8(raw(&inner, service, "big")?)?;
    assert_eq!(
        header, r#"{"authdeck_chunks":3}"#,
        "the main entry is a header"
    );
    for chunk in ["big#1", "big#2", "big#3"] {
        assert!(raw(&inner, service, chunk).is_ok(), "{chunk} exists");
    }

    vault.save("big", &small_doc())?;
    assert_eq!(
        vault.load("big")?,
        Some(small_doc()),
        "the shrunk document reads back"
    );
    for chunk in ["big#1", "big#2", "big#3"] {
        assert!(
            matches!(
                raw(&inner, service, chunk),
                Err(keyring_core::Error::NoEntry)
            ),
            "stale {chunk} was deleted when the document shrank"
        );
    }

    vault.save("big", &big_doc())?;
    vault.delete("big")?;
    assert_eq!(vault.load("big")?, None);
    for user in ["big", "big#1", "big#2", "big#3"] {
        assert!(
            matches!(
                raw(&inner, service, user),
                Err(keyring_core::Error::NoEntry)
            ),
            "delete removed {user}"
        );
    }
    Ok(())
}

#[test]
fn six_kb_document_is_chunked_in_a_limited_store_and_shrinks_cleanly() -> TestResult {
    check_chunking(keyring_core::mock::Store::new()?, "authdeck-test-chunks")
}

#[test]
fn limited_store_really_refuses_big_entries() -> TestResult {
    // Without telling the vault about the limit, the store's refusal must surface as a clear
    // keyring error: proof that the chunked test above runs against a real limit.
    let (store, _) = limited(keyring_core::mock::Store::new()?);
    let vault = Vault::with_store(store, "authdeck-test-refusal", None);
    let err = vault
        .save("big", &big_doc())
        .expect_err("the store refuses 6 KB");
    assert!(matches!(err, Error::Keyring(_)), "{err:?}");
    assert!(
        err.to_string().contains("limit of 2560"),
        "the limit is named: {err}"
    );
    Ok(())
}

#[test]
fn missing_chunk_makes_the_entry_unreadable_not_a_wrong_document() -> TestResult {
    let inner: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
    let (store, _) = limited(inner.clone());
    let vault = Vault::with_store(
        store,
        "authdeck-test-missing",
        Some(WINDOWS_MAX_ENTRY_BYTES),
    );
    vault.save("big", &big_doc())?;
    inner
        .build("authdeck-test-missing", "big#2", None)?
        .delete_credential()?;
    let err = vault
        .load("big")
        .expect_err("a document with a hole is not returned");
    assert!(err.to_string().contains("authdeck logout big"), "{err}");
    vault.delete("big")?;
    Ok(())
}

#[cfg(target_os = "linux")]
#[test]
fn chunking_works_over_the_real_secret_service() -> TestResult {
    if !keyring::in_keyring_session("chunking_works_over_the_real_secret_service") {
        return Ok(());
    }
    let service = format!("authdeck-test-{}-chunks", std::process::id());
    // The Secret Service store, wrapped by the limited store.
    let inner: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    check_chunking(inner, &service)
}
