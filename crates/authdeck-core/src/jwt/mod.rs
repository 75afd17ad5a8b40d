//! The JWT inspector: decode any compact JWS/JWT without a key, explain its claims, and verify
//! its signature when a key is given.
//!
//! Decoding never needs a key and never fails on claims: an expired or odd token is still shown.
//! Signature validity ([`verify`]) and time validity ([`inspect`]) are reported separately.

mod decode;

pub use decode::{Decoded, Malformed, Payload, Segment, decode};
