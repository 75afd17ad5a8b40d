//! The JWT inspector: decode any compact JWS/JWT without a key, explain its claims, and verify
//! its signature when a key is given.
//!
//! Decoding never needs a key and never fails on claims: an expired or odd token is still shown.
//! Signature validity ([`verify`]) and time validity ([`inspect`]) are reported separately.

mod alg;
mod decode;
mod explain;
mod key;
mod object;
mod time;
mod verify;

pub use alg::{Algorithm, KeyFamily};
pub use decode::{Decoded, Malformed, Payload, Segment, claims, claims_text, claims_value, decode};
pub use explain::{
    ClaimKind, ExplainedClaim, Inspection, Note, TimeStatus, TimeView, inspect, time_view,
};
pub use key::{Key, KeyError, KeySource, LoadError, VerifyKey};
pub use object::{JsonObject, json_str, plain};
pub use time::{ClaimTime, time_claim, time_claim_in};
pub use verify::{SignatureCheck, key_warnings, verify, verify_naming};

impl From<Malformed> for crate::Error {
    fn from(e: Malformed) -> Self {
        let message = e.to_string();
        match e {
            Malformed::Encrypted { header } => crate::Error::EncryptedToken {
                message,
                header: header.map(|h| h.to_map()),
            },
            _ => crate::Error::MalformedToken(message),
        }
    }
}

/// The most a token (or key, or JWKS answer) may weigh before it is refused whole, in bytes:
/// real ones are a few KiB. Never cut silently: a cut token would be judged wrongly.
pub const MAX_TOKEN_BYTES: usize = 1024 * 1024;
