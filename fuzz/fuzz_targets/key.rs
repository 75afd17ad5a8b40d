//! Any bytes through the key-file reader (PEM, DER, JWK, JWKS): an error or a key, never a panic.
#![no_main]

use authdeck_core::jwt::VerifyKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = VerifyKey::from_file_bytes(data);
});
