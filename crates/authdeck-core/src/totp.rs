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
/// ignored, padding optional) or a whole `otpauth://totp/...?secret=...` URI, whose
/// `algorithm` (SHA1, SHA256, SHA512), `digits` (6 to 8) and `period` (seconds) are honoured.
/// Errors: Invalid (not base32, shorter than 80 bits, a URI without a secret, an HOTP URI or
/// settings no authenticator uses), in words that never repeat the secret.
pub fn code(secret: &Secret, at: Timestamp) -> Result<Secret> {
    let read = read(secret.expose())?;
    let totp = totp_rs::Builder::new()
        .with_algorithm(read.algorithm)
        .with_digits(read.digits)
        .with_step_duration(read.period)
        .with_secret(read.bytes.as_slice())
        .build_noncompliant();
    let now = u64::try_from(at.as_second()).unwrap_or(0);
    Ok(Secret::new(totp.generate(now).to_string()))
}

/// Checks a TOTP secret before it is kept. Errors: as [`code`].
pub fn check(secret: &Secret) -> Result<()> {
    read(secret.expose()).map(drop)
}

/// A TOTP secret as read: its key and the code's settings.
struct Read {
    bytes: Zeroizing<Vec<u8>>,
    algorithm: totp_rs::Algorithm,
    digits: u8,
    /// Seconds per code.
    period: u64,
}

/// RFC 4226 §4 asks for 128 bits and accepts no less than this; some services use 80.
const MIN_SECRET_BYTES: usize = 10;

fn read(text: &str) -> Result<Read> {
    let text = text.trim();
    let invalid = |why: &str| Error::Invalid(format!("the TOTP secret {why}"));
    let mut settings = Read {
        bytes: Zeroizing::new(Vec::new()),
        algorithm: totp_rs::Algorithm::SHA1,
        digits: 6,
        period: 30,
    };
    let base32 = if text.starts_with("otpauth://") {
        let url = url::Url::parse(text)
            .map_err(|_| invalid("looks like an otpauth:// URI but is not one"))?;
        if url.host_str() != Some("totp") {
            return Err(invalid(
                "is an otpauth:// URI for another kind of code (only otpauth://totp/ is \
                 time-based)",
            ));
        }
        let mut secret = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "secret" => secret = Some(Zeroizing::new(value.into_owned())),
                "algorithm" => {
                    settings.algorithm = match value.to_ascii_uppercase().as_str() {
                        "SHA1" => totp_rs::Algorithm::SHA1,
                        "SHA256" => totp_rs::Algorithm::SHA256,
                        "SHA512" => totp_rs::Algorithm::SHA512,
                        _ => {
                            return Err(invalid(
                                "URI names an algorithm other than SHA1, SHA256 or SHA512",
                            ));
                        }
                    }
                }
                "digits" => {
                    settings.digits = value
                        .parse()
                        .ok()
                        .filter(|d| (6..=8).contains(d))
                        .ok_or_else(|| invalid("URI asks for other than 6 to 8 digits"))?
                }
                "period" => {
                    settings.period = value
                        .parse()
                        .ok()
                        .filter(|p| (1..=3600).contains(p))
                        .ok_or_else(|| invalid("URI's period is not 1 to 3600 seconds"))?
                }
                _ => {}
            }
        }
        secret
            .ok_or_else(|| Error::Invalid("the otpauth:// URI has no secret= parameter".into()))?
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
        .ok_or_else(|| {
            Error::Invalid(
                "the TOTP secret is not base32 (letters A-Z and digits 2-7, as an authenticator \
                 app shows it when you choose \"enter key manually\")"
                    .into(),
            )
        })?;
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(invalid(
            "is too short to be one (under 80 bits, 16 base32 letters): copy all of it",
        ));
    }
    settings.bytes = bytes;
    Ok(settings)
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
    fn an_otpauth_uris_algorithm_digits_and_period_are_honoured() {
        // RFC 6238 Appendix B: SHA-256 with its 32-byte key, 8 digits, at 59 s.
        let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
        let uri = format!("otpauth://totp/x?secret={key}&algorithm=SHA256&digits=8&period=30");
        let t = Timestamp::from_second(59).unwrap();
        assert_eq!(code(&Secret::new(uri), t).unwrap().expose(), "46119246");
        let slow = format!("otpauth://totp/x?secret={RFC_KEY}&period=60");
        let at = |s| {
            code(
                &Secret::new(slow.as_str()),
                Timestamp::from_second(s).unwrap(),
            )
        };
        assert_eq!(
            at(60).unwrap().expose(),
            at(119).unwrap().expose(),
            "one code per minute"
        );
    }

    #[test]
    fn settings_no_authenticator_uses_are_refused() {
        for bad in [
            format!("otpauth://hotp/x?secret={RFC_KEY}&counter=1"),
            format!("otpauth://totp/x?secret={RFC_KEY}&algorithm=MD5"),
            format!("otpauth://totp/x?secret={RFC_KEY}&digits=99"),
            format!("otpauth://totp/x?secret={RFC_KEY}&period=0"),
            "AB".to_string(),
        ] {
            assert!(check(&Secret::new(bad.as_str())).is_err(), "{bad}");
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
