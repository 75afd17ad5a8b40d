//! Any text through the JWT decoder, inspector and verifier: no panic, and the decoded parts
//! stay consistent with the input.
#![no_main]

use authdeck_core::jwt::{self, VerifyKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match jwt::decode(text) {
        Ok(decoded) => {
            assert!(
                decoded
                    .compact()
                    .as_bytes()
                    .starts_with(decoded.signing_input()),
                "the signing input is the start of the token"
            );
            let inspection = jwt::inspect(
                &decoded,
                jiff::Timestamp::UNIX_EPOCH,
                &jiff::tz::TimeZone::UTC,
            );
            let _ = serde_json::to_string(&inspection);
            if let Ok(key) = VerifyKey::secret("fuzz") {
                let _ = jwt::verify(&decoded, &key);
            }
        }
        Err(malformed) => {
            assert!(!malformed.to_string().is_empty());
        }
    }
});
