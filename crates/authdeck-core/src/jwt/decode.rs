//! Splitting a compact token into its parts, with errors that say which part is wrong and why.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// One of the three dot-separated parts of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Header,
    Payload,
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Header => "header (part 1)",
            Segment::Payload => "payload (part 2)",
            Segment::Signature => "signature (part 3)",
        })
    }
}

/// Why a text is not a decodable JWT. The message names the segment and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("the token is empty")]
    Empty,
    #[error(
        "this is an encrypted JWE (5 parts): it cannot be decoded without the recipient's private key"
    )]
    Encrypted,
    #[error("expected 3 parts separated by '.', found {found}")]
    WrongPartCount { found: usize },
    #[error("the {segment} is empty")]
    EmptySegment { segment: Segment },
    #[error("the {segment} is not base64url: {reason}")]
    NotBase64Url { segment: Segment, reason: String },
    #[error("the {segment} is not JSON: {reason}")]
    NotJson { segment: Segment, reason: String },
    #[error("the header (part 1) is JSON but not an object: a JOSE header must be {{...}}")]
    HeaderNotObject,
}

/// What the payload turned out to be. JWTs carry a JSON object of claims; a JWS may sign
/// anything (RFC 7520 signs a paragraph of prose).
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Shared, so an [`super::Inspection`] can hold the claims without copying them.
    Claims(Arc<Map<String, Value>>),
    Text(String),
    Binary(Vec<u8>),
}

/// A token split and decoded, with the original signing input kept for verification.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The compact token without surrounding whitespace or `Bearer `.
    compact: String,
    /// Byte offset of the second dot: `compact[..signing_input_end]` is what was signed.
    signing_input_end: usize,
    header: Arc<Map<String, Value>>,
    payload: Payload,
    signature: Vec<u8>,
}

/// Decodes a compact JWS/JWT without checking anything but its shape.
///
/// Accepts surrounding whitespace, line breaks inside (tokens wrapped by a terminal or an RFC),
/// and a leading `Bearer ` (any case), because people paste Authorization headers.
pub fn decode(text: &str) -> Result<Decoded, Malformed> {
    let compact = clean(text);
    if compact.is_empty() {
        return Err(Malformed::Empty);
    }
    let mut parts = compact.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(Malformed::WrongPartCount {
            found: compact.split('.').count(),
        });
    };
    let rest = parts.count();
    if rest == 2 {
        return Err(Malformed::Encrypted);
    }
    if rest != 0 {
        return Err(Malformed::WrongPartCount { found: 3 + rest });
    }
    let signing_input_end = header_b64.len() + 1 + payload_b64.len();

    if header_b64.is_empty() {
        return Err(Malformed::EmptySegment {
            segment: Segment::Header,
        });
    }
    let header_bytes = base64url(header_b64, Segment::Header)?;
    let header = match serde_json::from_slice::<Value>(&header_bytes) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(Malformed::HeaderNotObject),
        Err(e) => {
            return Err(Malformed::NotJson {
                segment: Segment::Header,
                reason: e.to_string(),
            });
        }
    };
    let payload_bytes = base64url(payload_b64, Segment::Payload)?;
    let payload = classify_payload(payload_bytes, &header)?;
    let signature = base64url(signature_b64, Segment::Signature)?;

    Ok(Decoded {
        compact,
        signing_input_end,
        header: Arc::new(header),
        payload,
        signature,
    })
}

/// Trims, drops a `Bearer ` prefix and removes whitespace inside the token.
fn clean(text: &str) -> String {
    let mut t = text.trim();
    if let Some(prefix) = t.get(..7)
        && prefix.eq_ignore_ascii_case("bearer ")
    {
        t = t[7..].trim_start();
    }
    if t.bytes().any(|b| b.is_ascii_whitespace()) {
        t.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    } else {
        t.to_owned()
    }
}

fn base64url(text: &str, segment: Segment) -> Result<Vec<u8>, Malformed> {
    // Padding is not part of a JWS, but some encoders add it; it carries no information.
    let unpadded = text.trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(unpadded).map_err(|e| {
        // Only on failure: look for the standard alphabet, the most common cause.
        let reason = match text.bytes().position(|b| b == b'+' || b == b'/') {
            Some(pos) => format!(
                "'{}' at character {} is standard base64; JWTs use base64url ('-' and '_')",
                char::from(text.as_bytes()[pos]),
                pos + 1
            ),
            None => describe_base64_error(e),
        };
        Malformed::NotBase64Url { segment, reason }
    })
}

fn describe_base64_error(e: base64::DecodeError) -> String {
    match e {
        base64::DecodeError::InvalidByte(offset, byte) => {
            format!(
                "{} at character {} is not a base64url character",
                shown_byte(byte),
                offset + 1
            )
        }
        base64::DecodeError::InvalidLength(len) => {
            format!("{len} characters cannot be base64url (one character too many or too few)")
        }
        base64::DecodeError::InvalidLastSymbol(offset, byte) => format!(
            "the last character {} (at {}) has bits set that encode nothing: the text was cut or altered",
            shown_byte(byte),
            offset + 1
        ),
        base64::DecodeError::InvalidPadding => "the '=' padding is wrong".to_owned(),
    }
}

fn shown_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("'{}'", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    }
}

/// JSON object → claims; otherwise text if it is UTF-8, else binary. A header `cty` or `typ`
/// that says JWT means the payload must be claims, so bad JSON there is an error worth naming.
fn classify_payload(bytes: Vec<u8>, header: &Map<String, Value>) -> Result<Payload, Malformed> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => return Ok(Payload::Claims(Arc::new(map))),
            Ok(_) => {}
            Err(e) if says_jwt(header) => {
                return Err(Malformed::NotJson {
                    segment: Segment::Payload,
                    reason: e.to_string(),
                });
            }
            Err(_) => {}
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Payload::Text(text)),
        Err(e) => Ok(Payload::Binary(e.into_bytes())),
    }
}

fn says_jwt(header: &Map<String, Value>) -> bool {
    let is_jwt = |key: &str| {
        header
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("JWT"))
    };
    is_jwt("typ") || is_jwt("cty")
}

impl Decoded {
    /// The JOSE header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The claims, or `None` when the payload is not a JSON object.
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        match &self.payload {
            Payload::Claims(map) => Some(map),
            _ => None,
        }
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The header, shared (for DTOs that keep it without copying).
    pub fn header_shared(&self) -> Arc<Map<String, Value>> {
        Arc::clone(&self.header)
    }

    /// The header's `alg`, when it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, when it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The `exp` claim as a time, when it is a NumericDate (seconds, possibly fractional).
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.numeric_date("exp")
    }

    /// A claim read as a NumericDate: seconds since the epoch, possibly fractional.
    /// `None` when absent, not a number, or out of range.
    pub fn numeric_date(&self, claim: &str) -> Option<Timestamp> {
        numeric_date(self.claims()?.get(claim)?)
    }

    /// The decoded signature bytes (empty for `alg: none`).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The exact bytes that were signed: `header.payload` as they appeared in the token.
    pub fn signing_input(&self) -> &[u8] {
        &self.compact.as_bytes()[..self.signing_input_end]
    }

    /// The token as decoded: whitespace and `Bearer ` removed.
    pub fn compact(&self) -> &str {
        &self.compact
    }
}

/// Seconds since the epoch (RFC 7519 NumericDate) as a timestamp.
pub(crate) fn numeric_date(value: &Value) -> Option<Timestamp> {
    if let Some(secs) = value.as_i64() {
        return Timestamp::from_second(secs).ok();
    }
    let secs = value.as_f64()?;
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    let nanos = ((secs - whole) * 1e9).round() as i32;
    if whole < i64::MIN as f64 || whole > i64::MAX as f64 {
        return None;
    }
    Timestamp::new(whole as i64, nanos.min(999_999_999)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // header {"alg":"HS256","typ":"JWT"}, claims {"sub":"1234567890","name":"John Doe","iat":1516239022}
    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    #[test]
    fn decodes_header_claims_and_signing_input() {
        let d = decode(JWT_IO).expect("a well-formed token decodes");
        assert_eq!(d.alg(), Some("HS256"));
        let claims = d.claims().expect("payload is a JSON object");
        assert_eq!(claims["name"], "John Doe");
        assert_eq!(d.signature().len(), 32, "HS256 signatures are 32 bytes");
        let dot2 = JWT_IO.rfind('.').expect("three parts");
        assert_eq!(d.signing_input(), &JWT_IO.as_bytes()[..dot2]);
    }

    #[test]
    fn accepts_bearer_prefix_whitespace_and_line_breaks() {
        let pasted = format!("  Bearer {}\n{}  \n", &JWT_IO[..50], &JWT_IO[50..]);
        let d = decode(&pasted).expect("prefix and whitespace are ignored");
        assert_eq!(d.compact(), JWT_IO);
    }

    #[test]
    fn multibyte_text_where_bearer_would_be_is_an_error_not_a_panic() {
        let err = decode("abcdef\u{20ac}.x.y").expect_err("not base64url");
        assert!(matches!(err, Malformed::NotBase64Url { .. }), "{err}");
    }

    #[test]
    fn names_wrong_part_count() {
        let err = decode("abc.def").expect_err("two parts is not a JWS");
        assert_eq!(
            err.to_string(),
            "expected 3 parts separated by '.', found 2"
        );
    }

    #[test]
    fn recognizes_five_parts_as_encrypted() {
        let err = decode("a.b.c.d.e").expect_err("five parts is a JWE");
        assert_eq!(err, Malformed::Encrypted);
        assert!(err.to_string().contains("encrypted JWE"));
    }

    #[test]
    fn names_the_segment_that_is_not_base64url() {
        let bad = JWT_IO.replacen(".eyJzdWIi", ".eyJz*WIi", 1);
        let err = decode(&bad).expect_err("a '*' is not base64url");
        assert!(
            err.to_string()
                .starts_with("the payload (part 2) is not base64url"),
            "{err}"
        );
    }

    #[test]
    fn explains_standard_base64_characters() {
        let bad = JWT_IO.replacen("SflKxw", "Sfl+xw", 1);
        let err = decode(&bad).expect_err("'+' is not base64url");
        assert!(err.to_string().contains("signature (part 3)"), "{err}");
        assert!(err.to_string().contains("standard base64"), "{err}");
    }

    #[test]
    fn names_a_header_that_is_not_json() {
        // "not json" in base64url
        let err = decode("bm90IGpzb24.e30.").expect_err("header must be JSON");
        assert!(
            err.to_string()
                .starts_with("the header (part 1) is not JSON"),
            "{err}"
        );
    }

    #[test]
    fn keeps_prose_payload_as_text() {
        // {"alg":"none"} . "hello" . (empty)
        let d = decode("eyJhbGciOiJub25lIn0.aGVsbG8.").expect("any payload is fine for a JWS");
        assert_eq!(d.payload(), &Payload::Text("hello".into()));
        assert!(d.claims().is_none());
    }

    #[test]
    fn reads_exp_as_a_timestamp() {
        // {"alg":"none"} . {"exp":1300819380}
        let d = decode("eyJhbGciOiJub25lIn0.eyJleHAiOjEzMDA4MTkzODB9.").expect("decodes");
        assert_eq!(d.expires_at().map(|t| t.as_second()), Some(1_300_819_380));
    }
}
