//! Any bytes through the key-file reader (PEM, DER, JWK, JWKS), and as a shared secret (which
//! refuses key material): an error or a key, never a panic.
#![no_main]

use authdeck_core::jwt::VerifyKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = VerifyKey::from_file_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = VerifyKey::secret(text);
        let _ = VerifyKey::secret_base64(text);
    }
});
