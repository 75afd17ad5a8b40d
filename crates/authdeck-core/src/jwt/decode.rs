//! Splitting a compact token into its parts, with errors that say which part is wrong and why.

use super::object::{JsonObject, NotObject};
use super::time::{ClaimTime, read_time};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
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
    /// Five parts: a JWE. Its protected header (part 1) is kept when it reads as a JSON
    /// object, since it is all a person can see without the key.
    #[error("{}", encrypted_words(.header.as_deref()))]
    Encrypted { header: Option<Box<JsonObject>> },
    #[error("expected 3 parts separated by '.', found {found}")]
    WrongPartCount { found: usize },
    /// Whitespace between whole tokens (two pasted at once): joined, they would read as one
    /// token of the wrong shape.
    #[error(
        "found {count} tokens separated by whitespace: give one at a time (a token wrapped over \
         several lines is fine)"
    )]
    SeveralTokens { count: usize },
    #[error("the {segment} is empty")]
    EmptySegment { segment: Segment },
    #[error("the {segment} is not base64url: {reason}")]
    NotBase64Url { segment: Segment, reason: String },
    #[error("the {segment} is not JSON: {reason}")]
    NotJson { segment: Segment, reason: String },
    #[error("the header (part 1) is JSON but not an object: a JOSE header must be {{...}}")]
    HeaderNotObject,
    /// `{"payload": ..., "signature(s)": ...}`: RFC 7515 §7.2's JSON form, not a compact token.
    #[error(
        "this is a JWS in its JSON serialization (RFC 7515 §7.2); Authdeck reads the compact \
         form (header.payload.signature): join \"protected\", \"payload\" and \"signature\" \
         with dots"
    )]
    JsonSerialization,
}

/// What the payload turned out to be. JWTs carry a JSON object of claims; a JWS may sign
/// anything (RFC 7520 signs a paragraph of prose).
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Shared, so an [`super::Inspection`] can hold the claims without copying them.
    Claims(Arc<JsonObject>),
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
    header: Arc<JsonObject>,
    payload: Payload,
    signature: Vec<u8>,
    /// Whitespace inside the token was dropped to read it (a token wrapped over lines).
    joined: bool,
}

/// Decodes a compact JWS/JWT without checking anything but its shape.
///
/// Accepts surrounding whitespace, line breaks inside (tokens wrapped by a terminal or an RFC),
/// and a leading `Bearer ` or a whole `Authorization: Bearer ` header line (any case, any
/// spacing), because people paste what they copied from curl, a browser or a log.
pub fn decode(text: &str) -> Result<Decoded, Malformed> {
    let trimmed = strip_bearer(text);
    if trimmed.starts_with('{')
        && serde_json::from_str::<Value>(trimmed).is_ok_and(|v| {
            (v.get("payload").is_some() && v.get("protected").is_some())
                || v.get("signatures").is_some()
        })
    {
        return Err(Malformed::JsonSerialization);
    }
    // Whitespace inside (a wrapped token) always fails base64url, so it is looked for only then:
    // scanning every token for it would cost more than decoding one.
    match decode_compact(trimmed) {
        Err(_) if trimmed.bytes().any(|b| b.is_ascii_whitespace()) => {
            // A wrapped token breaks inside its parts; two tokens each carry both their dots.
            let count = trimmed
                .split_ascii_whitespace()
                .filter(|word| word.bytes().filter(|&b| b == b'.').count() >= 2)
                .count();
            if count > 1 {
                return Err(Malformed::SeveralTokens { count });
            }
            let joined: String = trimmed
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            decode_compact(&joined).map(|mut decoded| {
                decoded.joined = true;
                decoded
            })
        }
        decoded => decoded,
    }
}

/// The claims of a compact JWT when its payload is a JSON object; `None` for anything else.
/// For callers that need a map (an ID token's, a `.env` value's), this skips the header, the
/// signature and the member index that [`decode`] builds. A login keeps [`claims_text`].
pub fn claims(token: &str) -> Option<Map<String, Value>> {
    match claims_value(&claims_text(token)?) {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The claims of a compact JWT as the JSON text the token carries, when that is one JSON
/// object; `None` for anything else. A login keeps its token's claims (for the app, the
/// history and `--json`) as text rather than a map: building the map was a fifth of the
/// login engine's own work (docs/BENCHMARKS.md, 2026-12-07). Numbers stay as written.
pub fn claims_text(token: &str) -> Option<Box<RawValue>> {
    let bytes = payload_bytes(token.trim())?;
    let claims = RawValue::from_string(String::from_utf8(bytes).ok()?).ok()?;
    claims.get().starts_with('{').then_some(claims)
}

/// A compact JWT's payload, base64url-decoded; `None` unless the token has exactly three
/// parts and the middle one decodes.
fn payload_bytes(token: &str) -> Option<Vec<u8>> {
    let mut dots = memchr::memchr_iter(b'.', token.as_bytes());
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return None;
    };
    base64_simd::URL_SAFE_NO_PAD
        .decode_to_vec(token[first + 1..second].trim_end_matches('='))
        .ok()
}

/// Claims kept as text ([`claims_text`]) as a JSON value, for output that builds one (the
/// CLI's `--json`, a suite's report). What serde_json cannot hold (a number beyond f64, a lone
/// surrogate, nesting past 128) keeps its text in a string, as [`JsonObject::to_map`] does;
/// claims that cannot be indexed at all are given whole, as their text in a string.
pub fn claims_value(claims: &RawValue) -> Value {
    serde_json::from_str(claims.get()).unwrap_or_else(|_| {
        match JsonObject::parse(claims.get().to_owned()) {
            Ok(object) => Value::Object(object.to_map()),
            Err(not) => Value::String(not.text),
        }
    })
}

/// The member `name` of a JSON object's text, as its JSON text; `Ok(None)` when it has none.
/// A repeated name gives its last value, as [`claims`] does. Errors: the text is not one
/// JSON object (never so for [`claims_text`]'s).
pub(crate) fn claim_in<'a>(
    object: &'a RawValue,
    name: &str,
) -> Result<Option<&'a RawValue>, serde_json::Error> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    /// Reads one member name and says whether it is the one wanted, without keeping it. As
    /// bytes: a name no string can be (a lone surrogate) is read, and is not the one wanted.
    struct IsName<'n>(&'n str);
    impl<'de> DeserializeSeed<'de> for IsName<'_> {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_bytes(self)
        }
    }
    impl Visitor<'_> for IsName<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a member name")
        }
        fn visit_bytes<E>(self, name: &[u8]) -> Result<bool, E> {
            Ok(name == self.0.as_bytes())
        }
        fn visit_str<E>(self, name: &str) -> Result<bool, E> {
            Ok(name == self.0)
        }
    }

    struct Find<'n>(&'n str);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(wanted) = map.next_key_seed(IsName(self.0))? {
                match wanted {
                    true => found = Some(map.next_value::<&RawValue>()?),
                    false => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }

    let mut de = serde_json::Deserializer::from_str(object.get());
    de.deserialize_map(Find(name))
}

/// [`claim_in`]'s answer found by following the text's shape instead of reading every member
/// through serde, which cost a login as much again as checking the claims in the first place.
/// `text` must be JSON, as a `RawValue`'s is: strings are skipped to their closing quote and
/// brackets counted, nothing else is checked. `None` when only serde can tell: a member name
/// holds an escape (`"\u0065xp"`), or the text is not an object.
pub(crate) fn member_text<'a>(text: &'a str, name: &str) -> Option<Option<&'a str>> {
    let b = text.as_bytes();
    let mut at = after_space(b, 0);
    if b.get(at) != Some(&b'{') {
        return None;
    }
    at = after_space(b, at + 1);
    if b.get(at) == Some(&b'}') {
        return Some(None);
    }
    let mut found = None;
    loop {
        if b.get(at) != Some(&b'"') {
            return None;
        }
        let (close, escaped) = string_end(b, at)?;
        if escaped {
            return None;
        }
        let key = &b[at + 1..close];
        at = after_space(b, close + 1);
        if b.get(at) != Some(&b':') {
            return None;
        }
        let start = after_space(b, at + 1);
        let end = value_end(b, start)?;
        if key == name.as_bytes() {
            // A repeated name: the last one counts, as in `claim_in`.
            found = Some(text.get(start..end)?);
        }
        at = after_space(b, end);
        match b.get(at) {
            Some(b',') => at = after_space(b, at + 1),
            Some(b'}') => return Some(found),
            _ => return None,
        }
    }
}

/// The first index from `at` that is not JSON whitespace.
fn after_space(b: &[u8], mut at: usize) -> usize {
    while matches!(b.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The index of the quote that closes the string opened at `open`, and whether the string
/// holds an escape; `None` when the text ends first.
fn string_end(b: &[u8], open: usize) -> Option<(usize, bool)> {
    let mut at = open + 1;
    let mut escaped = false;
    loop {
        at += memchr::memchr2(b'"', b'\\', b.get(at..)?)?;
        match b[at] {
            b'\\' => {
                escaped = true;
                at += 2;
            }
            _ => return Some((at, escaped)),
        }
    }
}

/// One past the last byte of the JSON value that starts at `start`; `None` when the text ends
/// first or a bracket closes more than was opened.
fn value_end(b: &[u8], start: usize) -> Option<usize> {
    match b.get(start)? {
        b'"' => Some(string_end(b, start)?.0 + 1),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = start;
            loop {
                match b.get(at)? {
                    b'"' => at = string_end(b, at)?.0,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        // A number, `true`, `false` or `null`: up to what follows it.
        _ => {
            let rest = &b[start..];
            let len = rest
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            Some(start + len)
        }
    }
}

/// Decodes a token that has nothing around it.
fn decode_compact(compact: &str) -> Result<Decoded, Malformed> {
    if compact.is_empty() {
        return Err(Malformed::Empty);
    }
    // The dots found by memchr: `split('.')` searched for them at a tenth of its speed.
    let mut dots = memchr::memchr_iter(b'.', compact.as_bytes());
    let (Some(first), Some(second)) = (dots.next(), dots.next()) else {
        return Err(Malformed::WrongPartCount {
            found: compact.split('.').count(),
        });
    };
    let (header_b64, payload_b64, signature_b64) = (
        &compact[..first],
        &compact[first + 1..second],
        &compact[second + 1..],
    );
    let rest = dots.count();
    if rest == 2 {
        // RFC 7516 §4.1.2: a JWE's protected header names its `enc`; five parts of anything
        // else are not called encrypted.
        return Err(match jwe_header(header_b64) {
            Some(header) if header.get("enc").is_some() => Malformed::Encrypted {
                header: Some(Box::new(header)),
            },
            _ => Malformed::WrongPartCount { found: 5 },
        });
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
    let header_text = String::from_utf8(base64url(header_b64, Segment::Header)?).map_err(|e| {
        Malformed::NotJson {
            segment: Segment::Header,
            reason: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        }
    })?;
    let header = match JsonObject::parse(header_text) {
        Ok(object) => object,
        Err(NotObject { invalid: None, .. }) => return Err(Malformed::HeaderNotObject),
        Err(NotObject {
            invalid: Some(e), ..
        }) => {
            return Err(Malformed::NotJson {
                segment: Segment::Header,
                reason: e.to_string(),
            });
        }
    };
    // RFC 7797: with "b64": false the payload segment is the payload itself, not base64url;
    // it is shown as the text it is, never read as claims.
    let payload = if header.get("b64") == Some("false") {
        Payload::Text(payload_b64.to_owned())
    } else {
        classify_payload(base64url(payload_b64, Segment::Payload)?, &header)?
    };
    let signature = base64url(signature_b64, Segment::Signature)?;

    Ok(Decoded {
        compact: compact.to_owned(),
        signing_input_end,
        header: Arc::new(header),
        payload,
        signature,
        joined: false,
    })
}

/// The protected header of a JWE, when it is a base64url JSON object.
fn jwe_header(header_b64: &str) -> Option<JsonObject> {
    let bytes = base64url(header_b64, Segment::Header).ok()?;
    JsonObject::parse(String::from_utf8(bytes).ok()?).ok()
}

/// `this is an encrypted JWE (5 parts; alg RSA-OAEP, enc A256GCM): ...`
fn encrypted_words(header: Option<&JsonObject>) -> String {
    let facts: Vec<String> = ["alg", "enc", "kid"]
        .iter()
        .filter_map(|name| Some(format!("{name} {}", header?.get_str(name)?)))
        .collect();
    let facts = if facts.is_empty() {
        String::new()
    } else {
        format!("; {}", facts.join(", "))
    };
    format!(
        "this is an encrypted JWE (5 parts{facts}): its claims cannot be read without the \
         recipient's decryption key"
    )
}

/// Trims and drops an `Authorization:` header name and a `Bearer` scheme.
fn strip_bearer(text: &str) -> &str {
    let mut t = text.trim();
    if let Some(rest) = strip_prefix_ignore_case(t, "authorization")
        && let Some(value) = rest.trim_start().strip_prefix(':')
    {
        t = value.trim_start();
    }
    // The scheme is a word of its own: whitespace must follow it. DPoP (RFC 9449) carries
    // a JWT access token just as Bearer does.
    for scheme in ["bearer", "dpop"] {
        if let Some(rest) = strip_prefix_ignore_case(t, scheme)
            && rest.starts_with(|c: char| c.is_ascii_whitespace())
        {
            return rest.trim_start();
        }
    }
    t
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn base64url(text: &str, segment: Segment) -> Result<Vec<u8>, Malformed> {
    // Padding is not part of a JWS, but some encoders add it; it carries no information.
    let unpadded = text.trim_end_matches('=');
    // The SIMD decoder is three times faster; it says only "invalid", so on failure the
    // other one (just as strict) tells where and why.
    if let Ok(bytes) = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(unpadded) {
        return Ok(bytes);
    }
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
fn classify_payload(bytes: Vec<u8>, header: &JsonObject) -> Result<Payload, Malformed> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if first == Some(b'{') && says_jwt(header) => {
            return Err(Malformed::NotJson {
                segment: Segment::Payload,
                reason: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
            });
        }
        Err(e) => return Ok(Payload::Binary(e.into_bytes())),
    };
    if first != Some(b'{') {
        return Ok(Payload::Text(text));
    }
    match JsonObject::parse(text) {
        Ok(claims) => Ok(Payload::Claims(Arc::new(claims))),
        Err(NotObject { invalid, .. }) if says_jwt(header) => Err(Malformed::NotJson {
            segment: Segment::Payload,
            reason: invalid.map_or_else(
                || "it is JSON but not an object of claims".into(),
                |e| e.to_string(),
            ),
        }),
        Err(NotObject { text, .. }) => Ok(Payload::Text(text)),
    }
}

fn says_jwt(header: &JsonObject) -> bool {
    let is_jwt = |key: &str| {
        header
            .get_str(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("JWT"))
    };
    is_jwt("typ") || is_jwt("cty")
}

impl Decoded {
    /// The JOSE header.
    pub fn header(&self) -> &JsonObject {
        &self.header
    }

    /// The claims, or `None` when the payload is not a JSON object.
    pub fn claims(&self) -> Option<&JsonObject> {
        match &self.payload {
            Payload::Claims(map) => Some(map),
            _ => None,
        }
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The header, shared (for DTOs that keep it without copying).
    pub fn header_shared(&self) -> Arc<JsonObject> {
        Arc::clone(&self.header)
    }

    /// The header's `alg`, when it is a string.
    pub fn alg(&self) -> Option<Cow<'_, str>> {
        self.header.get_str("alg")
    }

    /// The header's `kid`, when it is a string.
    pub fn kid(&self) -> Option<Cow<'_, str>> {
        self.header.get_str("kid")
    }

    /// The `exp` claim as a time (seconds, or clearly milliseconds: see [`super::time_claim`]).
    pub fn expires_at(&self) -> Option<Timestamp> {
        self.time_claim("exp").time()
    }

    /// A time claim, read as [`super::time_claim`] reads it: present but unreadable is not absent.
    pub fn time_claim(&self, claim: &str) -> ClaimTime {
        match self.claims().and_then(|c| c.get(claim)) {
            Some(raw) => read_time(claim, raw),
            None => ClaimTime::Absent,
        }
    }

    /// The decoded signature bytes (empty for `alg: none`).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The exact bytes that were signed: `header.payload` as they appeared in the token.
    pub fn signing_input(&self) -> &[u8] {
        &self.compact.as_bytes()[..self.signing_input_end]
    }

    /// The payload segment as it appears in the token (base64url text; empty when detached).
    pub fn payload_segment(&self) -> &str {
        let input = &self.compact[..self.signing_input_end];
        input.split_once('.').map_or("", |(_, payload)| payload)
    }

    /// The signature segment as it appears in the token (base64url text).
    pub fn signature_segment(&self) -> &str {
        self.compact
            .get(self.signing_input_end + 1..)
            .unwrap_or_default()
    }

    /// Whitespace inside the token was removed to read it (a token wrapped over lines, or
    /// something pasted with it): worth a note, since what was verified is not what was given.
    pub fn had_whitespace_inside(&self) -> bool {
        self.joined
    }

    /// The token as decoded: whitespace and `Bearer ` removed.
    pub fn compact(&self) -> &str {
        &self.compact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // header {"alg":"HS256","typ":"JWT"}, claims {"sub":"1234567890","name":"John Doe","iat":1516239022}
    const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    fn compact(payload: &str) -> String {
        format!("eyJhbGciOiJub25lIn0.{}.", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn claims_text_is_the_payload_object_as_written_and_nothing_else() {
        let claims = claims_text(JWT_IO).expect("an object");
        assert_eq!(
            claims.get(),
            r#"{"sub":"1234567890","name":"John Doe","iat":1516239022}"#
        );
        // Numbers past f64 stay as written.
        let big = r#"{"n":123456789012345678901234567890,"exp":1e400}"#;
        assert_eq!(
            claims_text(&compact(big)).map(|c| c.get().to_owned()),
            Some(big.into())
        );
        for not_claims in [r#"["a"]"#, r#""text""#, "12", "{not json", ""] {
            assert!(claims_text(&compact(not_claims)).is_none(), "{not_claims}");
        }
        assert!(claims_text("a.b").is_none(), "two parts");
        assert!(claims_text("a.!!.c").is_none(), "not base64url");
    }

    #[test]
    fn a_member_is_found_by_its_name_as_decoded_and_the_last_one_counts() {
        let object = RawValue::from_string(
            r#"{"inner":{"exp":1},"e\u0078p":2, "exp" : 3 ,"other":[{"exp":4}]}"#.into(),
        )
        .expect("valid JSON");
        let found = |object: &RawValue, name: &str| {
            claim_in(object, name)
                .ok()
                .flatten()
                .map(|v| v.get().to_owned())
        };
        assert_eq!(found(&object, "exp").as_deref(), Some("3"));
        assert_eq!(found(&object, "inner").as_deref(), Some(r#"{"exp":1}"#));
        assert!(matches!(claim_in(&object, "missing"), Ok(None)));
        let escaped_only = RawValue::from_string(r#"{"e\u0078p":2}"#.into()).expect("JSON");
        assert_eq!(found(&escaped_only, "exp").as_deref(), Some("2"));
        let array = RawValue::from_string("[1]".into()).expect("JSON");
        assert!(claim_in(&array, "exp").is_err(), "not an object");
        let odd_name = RawValue::from_string(r#"{"\ud800":1,"exp":2}"#.into())
            .expect("RawValue does not decode names");
        assert_eq!(
            found(&odd_name, "exp").as_deref(),
            Some("2"),
            "read past it"
        );
    }

    #[test]
    fn claims_as_a_value_keep_what_serde_json_cannot_hold_as_text() {
        let value = |text: &str| claims_value(&RawValue::from_string(text.into()).expect("JSON"));
        assert_eq!(
            value(r#"{"sub":"a","exp":1700000000}"#),
            serde_json::json!({"sub": "a", "exp": 1700000000})
        );
        assert_eq!(
            value(r#"{"sub":"a","big":1e400,"odd":"\ud800"}"#),
            serde_json::json!({"sub": "a", "big": "1e400", "odd": "\"\\ud800\""})
        );
        // Not even the index can read a lone surrogate name: the claims come whole, as text.
        assert_eq!(
            value(r#"{"\ud800":1e400}"#),
            Value::String(r#"{"\ud800":1e400}"#.into())
        );
    }

    #[test]
    fn decodes_header_claims_and_signing_input() {
        let d = decode(JWT_IO).expect("a well-formed token decodes");
        assert_eq!(d.alg().as_deref(), Some("HS256"));
        let claims = d.claims().expect("payload is a JSON object");
        assert_eq!(claims.get_str("name").as_deref(), Some("John Doe"));
        assert_eq!(d.signature().len(), 32, "HS256 signatures are 32 bytes");
        let dot2 = JWT_IO.rfind('.').expect("three parts");
        assert_eq!(d.signing_input(), &JWT_IO.as_bytes()[..dot2]);
    }

    #[test]
    fn the_member_found_by_shape_is_the_one_serde_finds() {
        let texts = [
            r#"{"exp":1}"#,
            r#" { "exp" : 1.5e3 , "iat":2 } "#,
            r#"{"a":{"exp":9},"b":[{"exp":8}],"exp":[1,{"x":"]}"}]}"#,
            r#"{"s":"a \" quote, \\ and } ] { [ \"exp\":5","exp":"x"}"#,
            r#"{"exp":1,"exp":2}"#,
            r#"{"exp":null}"#,
            r#"{"exp":true,"n":false}"#,
            r#"{"expx":1,"xexp":2,"ex":3}"#,
            r#"{}"#,
            "{\n\t\"exp\"\r\n:\n-7\n}",
            r#"{"é":"ü","exp":{"nested":{"deep":[[]]}}}"#,
            r#"{"exp":"\u00e9"}"#,
            r#"{"s":"a\\","exp":1}"#,
            r#"{"s":"a\\\\","exp":-1e+5}"#,
            r#"{"exp":0E-0}"#,
        ];
        for text in texts {
            let raw = RawValue::from_string(text.to_string()).expect("JSON");
            let by_serde = claim_in(&raw, "exp").expect("an object").map(RawValue::get);
            assert_eq!(member_text(text, "exp"), Some(by_serde), "{text}");
        }
        // Only serde reads an escaped name, and only serde says what is not an object.
        assert_eq!(member_text(r#"{"\u0065xp":1}"#, "exp"), None);
        assert_eq!(member_text(r#"{"a":1,"\u0065xp":1}"#, "a"), None);
        for not_object in ["[1]", "1", r#""exp""#, "null"] {
            assert_eq!(member_text(not_object, "exp"), None, "{not_object}");
        }
        let escaped = RawValue::from_string(r#"{"exp":1,"\u0065xp":2}"#.into()).expect("JSON");
        assert_eq!(
            crate::jwt::time_claim_in(&escaped, "exp"),
            crate::jwt::time_claim_in(
                &RawValue::from_string(r#"{"exp":2}"#.into()).expect("JSON"),
                "exp"
            ),
            "an escaped name is read through serde: the last exp counts"
        );
    }

    #[test]
    fn claims_alone_match_the_decoded_claims() {
        let claims = claims(JWT_IO).expect("a JWT has claims");
        let decoded = decode(JWT_IO).expect("decodes");
        assert_eq!(Some(claims), decoded.claims().map(JsonObject::to_map));
        // What serde_json cannot hold is kept as text, as the decoder's index keeps it.
        let big = compact(r#"{"n":1e400,"sub":"x"}"#);
        let decoded = decode(&big).expect("decodes");
        assert_eq!(
            super::claims(&big),
            decoded.claims().map(JsonObject::to_map)
        );
        assert_eq!(
            super::claims(&big).and_then(|c| c.get("n").cloned()),
            Some(Value::String("1e400".into()))
        );
        assert_eq!(
            super::claims("abc.def.ghi"),
            None,
            "an opaque token has none"
        );
        assert_eq!(super::claims("a.b"), None);
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
        // {"alg":"RSA-OAEP","enc":"A256GCM"}
        let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d";
        let err = decode(jwe).expect_err("five parts with enc is a JWE");
        assert!(
            matches!(&err, Malformed::Encrypted { header: Some(h) } if h.get_str("enc").as_deref() == Some("A256GCM")),
            "{err:?}"
        );
        assert!(err.to_string().contains("encrypted JWE"));
    }

    #[test]
    fn five_parts_without_a_jwe_header_are_not_called_encrypted() {
        assert_eq!(
            decode("a.b.c.d.e").expect_err("garbage"),
            Malformed::WrongPartCount { found: 5 }
        );
        // {"alg":"HS256"}: a JWS header, no enc
        assert_eq!(
            decode("eyJhbGciOiJIUzI1NiJ9.b.c.d.e").expect_err("no enc"),
            Malformed::WrongPartCount { found: 5 }
        );
    }

    #[test]
    fn two_tokens_separated_by_whitespace_are_named_not_joined() {
        let two = format!("{JWT_IO}\n{JWT_IO}\n");
        assert_eq!(
            decode(&two).expect_err("two tokens"),
            Malformed::SeveralTokens { count: 2 }
        );
        let wrapped = format!("{}\n{}", &JWT_IO[..30], &JWT_IO[30..]);
        decode(&wrapped).expect("a token wrapped at any point still decodes");
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
