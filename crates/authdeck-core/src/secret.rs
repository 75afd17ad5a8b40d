//! A value that must never be printed, logged or stored in plain text.

use std::fmt;
use zeroize::Zeroizing;

/// A secret string (token, refresh token, password).
///
/// `Debug` is redacted, there is no `Display` and no `Serialize`, and the bytes are zeroized when
/// dropped. `expose()` is the only way to read it, so every use is easy to find in review.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The short fingerprint of a token that history and the UI may show: the first 12 hex digits of
/// its SHA-256. Enough to tell two tokens apart, useless to anyone who wants to use one.
pub fn fingerprint(secret: &Secret) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(secret.expose().as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_secret() {
        let s = Secret::new("hunter2-very-secret");
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(
            !shown.contains("hunter2"),
            "Debug leaked the secret: {shown}"
        );
    }

    #[test]
    fn fingerprint_is_short_stable_and_distinct() {
        let a = fingerprint(&Secret::new("token-a"));
        assert_eq!(a.len(), 12);
        assert_eq!(a, fingerprint(&Secret::new("token-a")));
        assert_ne!(a, fingerprint(&Secret::new("token-b")));
    }
}
