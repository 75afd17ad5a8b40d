//! Time-based one-time codes (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, the defaults every
//! authenticator app uses), so a test account with a second factor renews by itself. The
//! arithmetic is `totp-rs`'s; here is only reading the secret a user pastes.

use crate::secret::Secret;
use crate::{Error, Result};
use jiff::Timestamp;
use zeroize::Zeroizing;

/// The code for `secret` at `at`, in a buffer zeroized on drop.
///
/// `secret` is base32 (RFC 4648, as authenticator apps show it; spaces, dashes and case are
/// ignored, padding optional) or a whole `otpauth://totp/...?secret=...` URI. Errors: Invalid
/// (not base32, or a URI without a secret), in words that never repeat the secret.
pub fn code(secret: &Secret, at: Timestamp) -> Result<Secret> {
    let bytes = decode(secret.expose())?;
    let totp = totp_rs::Builder::new()
        .with_secret(bytes.as_slice())
        .build_noncompliant();
    let now = u64::try_from(at.as_second()).unwrap_or(0);
    Ok(Secret::new(totp.generate(now).to_string()))
}

/// Checks a TOTP secret before it is kept. Errors: as [`code`].
pub fn check(secret: &Secret) -> Result<()> {
    decode(secret.expose()).map(drop)
}

fn decode(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    let text = text.trim();
    let base32 = if text.starts_with("otpauth://") {
        let url = url::Url::parse(text).map_err(|_| {
            Error::Invalid("the TOTP secret looks like an otpauth:// URI but is not one".into())
        })?;
        let found = url
            .query_pairs()
            .find(|(k, _)| k == "secret")
            .map(|(_, v)| Zeroizing::new(v.into_owned()));
        found.ok_or_else(|| Error::Invalid("the otpauth:// URI has no secret= parameter".into()))?
    } else {
        Zeroizing::new(text.to_string())
    };
    let cleaned = Zeroizing::new(
        base32
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '='))
            .map(|c| c.to_ascii_uppercase())
            .collect::<String>(),
    );
    let bytes = totp_rs::Secret::try_from_base32(cleaned.as_str())
        .ok()
        .map(|s| Zeroizing::new(s.to_vec()))
        .filter(|b| !b.is_empty());
    bytes.ok_or_else(|| {
        Error::Invalid(
            "the TOTP secret is not base32 (letters A-Z and digits 2-7, as an authenticator \
             app shows it when you choose \"enter key manually\")"
                .into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 key, "12345678901234567890", in base32.
    const RFC_KEY: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // Appendix B lists 8 digits; authenticator apps keep the last 6.
        for (at, expected) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let t = Timestamp::from_second(at).unwrap();
            assert_eq!(
                code(&Secret::new(RFC_KEY), t).unwrap().expose(),
                expected,
                "{at}"
            );
        }
    }

    #[test]
    fn a_secret_is_read_with_spaces_lower_case_or_as_an_otpauth_uri() {
        let t = Timestamp::from_second(59).unwrap();
        for written in [
            "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
            "otpauth://totp/Sandbox:ann@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Sandbox",
        ] {
            assert_eq!(code(&Secret::new(written), t).unwrap().expose(), "287082");
        }
    }

    #[test]
    fn a_secret_that_is_not_base32_is_refused_without_being_repeated() {
        for bad in ["not base32 at all!", "otpauth://totp/x?issuer=y", ""] {
            let e = check(&Secret::new(bad)).unwrap_err().to_string();
            assert!(e.contains("TOTP") || e.contains("otpauth"), "{e}");
            if !bad.is_empty() {
                assert!(!e.contains(bad), "{e}");
            }
        }
    }
}
