//! What a decoded token means to a person: claims explained, times in UTC, local and relative
//! words, and whether it is valid *now*. The result is a plain DTO for the CLI and the app.

use super::alg::Algorithm;
use super::decode::{Decoded, Payload};
use super::object::{JsonObject, plain};
use super::time::{ClaimTime, read_time};
use crate::words::{duration_words, push_relative};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use serde::Serialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::sync::Arc;

/// Everything the UI and `authdeck decode` show about a token. Signature validity is not here:
/// it needs a key, see [`super::verify`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    // Shared with the `Decoded` token (as are the claims): inspecting copies no JSON.
    #[serde(serialize_with = "shared_object")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in string]: JsonValue }"))]
    pub header: Arc<JsonObject>,
    /// The payload as claims when it is a JSON object...
    #[serde(serialize_with = "shared_optional_object")]
    #[cfg_attr(feature = "ts", ts(type = "{ [key in string]: JsonValue } | null"))]
    pub claims: Option<Arc<JsonObject>>,
    /// ...else as text when it is UTF-8...
    pub payload_text: Option<String>,
    /// ...else as standard base64.
    pub payload_base64: Option<String>,
    pub alg: Option<String>,
    pub alg_description: Option<&'static str>,
    pub kid: Option<String>,
    pub typ: Option<String>,
    /// Registered claims (iss, sub, aud, exp, nbf, iat, jti) then common ones (email, scope, ...),
    /// each with a label and display text.
    pub explained: Vec<ExplainedClaim>,
    /// The `exp` claim's time, shared with its entry in `explained`.
    #[serde(serialize_with = "shared_time")]
    #[cfg_attr(feature = "ts", ts(as = "Option<TimeView>"))]
    pub expires_at: Option<Arc<TimeView>>,
    pub time_status: TimeStatus,
    /// Why `time_status` is `unknown`: the `exp` or `nbf` that could not be read.
    pub time_problem: Option<String>,
    /// True on or after `exp` (RFC 7519 4.1.4).
    pub expired: bool,
    /// Seconds until `exp`; negative once expired. Lets the UI run a live countdown.
    pub seconds_left: Option<i64>,
    /// The moment the relative texts were computed for.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub inspected_at: Timestamp,
    /// Things worth a second look: unsigned token, odd time claims, clock skew, ...
    pub notes: Vec<Note>,
}

/// Something worth a second look, with a code a script can match on (the words may change):
/// `payload_text`, `payload_binary`, `no_alg`, `alg_not_string`, `unknown_alg`, `alg_none`, `crit`,
/// `unreadable_time` (a time claim that cannot be read), `odd_time` (one read with a guess,
/// such as milliseconds), `iat_in_future`, `exp_before_iat`, `duplicate_claims`,
/// `duplicate_header_members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Note {
    pub code: String,
    pub message: String,
}

impl Note {
    fn new(code: &str, message: impl Into<String>) -> Note {
        Note {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One claim, labelled and rendered for display.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExplainedClaim {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: ClaimKind,
    /// The value as a person reads it (lists joined, strings unquoted); for a time claim, the
    /// NumericDate as written, its readable forms being in `time`.
    pub text: String,
    /// Set for time claims (exp, nbf, iat, auth_time) that could be read as a time.
    // Shared: it is the bulk of a claim, most claims are not times, and `nbf` and `iat` (and
    // `expires_at` with `exp`) are often one moment, formatted once.
    #[serde(serialize_with = "shared_time")]
    #[cfg_attr(feature = "ts", ts(as = "Option<TimeView>"))]
    pub time: Option<Arc<TimeView>>,
    /// Set for a time claim that is present but no time (a string, out of range): why.
    /// Such a claim is never taken for an absent one.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Defined by RFC 7519 section 4.1.
    Registered,
    /// Widely used by OpenID Connect and OAuth servers.
    Common,
}

/// A point in time, shown three ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeView {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub timestamp: Timestamp,
    pub unix: i64,
    /// `2026-11-22 04:40:58 UTC`
    pub utc: String,
    /// The same moment in the given time zone, `2026-11-22 05:40:58 CET`.
    pub local: String,
    /// `in 1 h 59 min`, `3 days ago`, `expired 3 days ago` (for exp).
    pub relative: String,
}

/// Whether the token is usable now, by its time claims alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TimeStatus {
    Valid,
    Expired,
    NotYetValid,
    /// No `exp`: valid until the issuer says otherwise.
    NoExpiry,
    /// An `exp` or `nbf` is present but unreadable, so validity cannot be told (see
    /// `time_problem`). Calling it "no expiry" would call a dead token valid.
    Unknown,
}

impl TimeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeStatus::Valid => "valid",
            TimeStatus::Expired => "expired",
            TimeStatus::NotYetValid => "not yet valid",
            TimeStatus::NoExpiry => "no expiry",
            TimeStatus::Unknown => "unknown",
        }
    }
}

/// The claims we explain, in display order: RFC 7519's registered ones, then common ones.
const KNOWN: [(&str, &str, ClaimKind); 25] = [
    ("iss", "Issuer", ClaimKind::Registered),
    ("sub", "Subject", ClaimKind::Registered),
    ("aud", "Audience", ClaimKind::Registered),
    ("exp", "Expires", ClaimKind::Registered),
    ("nbf", "Not before", ClaimKind::Registered),
    ("iat", "Issued at", ClaimKind::Registered),
    ("jti", "Token ID", ClaimKind::Registered),
    ("name", "Name", ClaimKind::Common),
    ("preferred_username", "Username", ClaimKind::Common),
    ("given_name", "Given name", ClaimKind::Common),
    ("family_name", "Family name", ClaimKind::Common),
    ("email", "Email", ClaimKind::Common),
    ("email_verified", "Email verified", ClaimKind::Common),
    ("scope", "Scope", ClaimKind::Common),
    ("scp", "Scopes", ClaimKind::Common),
    ("roles", "Roles", ClaimKind::Common),
    ("groups", "Groups", ClaimKind::Common),
    ("permissions", "Permissions", ClaimKind::Common),
    ("realm_access", "Realm roles", ClaimKind::Common),
    ("azp", "Authorized party", ClaimKind::Common),
    ("client_id", "Client ID", ClaimKind::Common),
    ("sid", "Session ID", ClaimKind::Common),
    ("auth_time", "Authenticated at", ClaimKind::Common),
    ("nonce", "Nonce", ClaimKind::Common),
    ("tid", "Tenant ID", ClaimKind::Common),
];

/// Where a claim name sits in [`KNOWN`]; a `match` so that looking up every claim of a token
/// costs no hashing.
fn known_slot(name: &str) -> Option<usize> {
    Some(match name {
        "iss" => 0,
        "sub" => 1,
        "aud" => 2,
        "exp" => EXP,
        "nbf" => NBF,
        "iat" => IAT,
        "jti" => 6,
        "name" => 7,
        "preferred_username" => 8,
        "given_name" => 9,
        "family_name" => 10,
        "email" => 11,
        "email_verified" => 12,
        "scope" => 13,
        "scp" => 14,
        "roles" => 15,
        "groups" => 16,
        "permissions" => 17,
        "realm_access" => 18,
        "azp" => 19,
        "client_id" => 20,
        "sid" => 21,
        "auth_time" => AUTH_TIME,
        "nonce" => 23,
        "tid" => 24,
        _ => return None,
    })
}

const EXP: usize = 3;
const NBF: usize = 4;
const IAT: usize = 5;
const AUTH_TIME: usize = 22;

/// Where each time claim's reading is kept in `inspect` (four places, not one per claim).
const AT_EXP: usize = 0;
const AT_NBF: usize = 1;
const AT_IAT: usize = 2;
const AT_AUTH_TIME: usize = 3;

/// A time claim's place among exp, nbf, iat and auth_time; `None` for other claims.
fn time_index(slot: usize) -> Option<usize> {
    match slot {
        EXP => Some(AT_EXP),
        NBF => Some(AT_NBF),
        IAT => Some(AT_IAT),
        AUTH_TIME => Some(AT_AUTH_TIME),
        _ => None,
    }
}

/// A JSON integer (no fraction, no exponent) that neither i64 nor u64 holds exactly.
fn is_big_integer(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    // i64 holds every integer of up to 18 digits.
    digits.len() > 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && raw.parse::<i64>().is_err()
        && raw.parse::<u64>().is_err()
}

/// A nested value serde_json refuses (over 128 levels): a quick count of brackets first, so
/// ordinary claims cost no second parse.
fn too_deep_for_json_value(raw: &str) -> bool {
    if raw.len() <= 128 || !raw.starts_with(['[', '{']) {
        return false;
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in raw.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest > 128 && serde_json::from_str::<serde_json::Value>(raw).is_err()
}

/// Seconds an `iat` may lie in the future before we call it clock skew.
const FUTURE_IAT_TOLERANCE_SECS: i64 = 60;

/// Explains a decoded token as of `now`, with local times in `tz`.
pub fn inspect(decoded: &Decoded, now: Timestamp, tz: &TimeZone) -> Inspection {
    let header = decoded.header();
    let mut notes = Vec::new();
    let (claims, payload_text, payload_base64) = match decoded.payload() {
        Payload::Claims(map) => (Some(Arc::clone(map)), None, None),
        Payload::Text(text) => {
            // Starts like claims but does not parse (too deeply nested, a lone surrogate):
            // say why, or it looks as if Authdeck had not tried.
            let not_json = text
                .trim_start()
                .starts_with('{')
                .then(|| serde_json::from_str::<serde_json::Value>(text).err())
                .flatten();
            let unencoded = header.get("b64") == Some("false");
            notes.push(match not_json {
                _ if unencoded => Note::new(
                    "unencoded_payload",
                    "\"b64\": false (RFC 7797): the payload is the literal text shown, not \
                     base64url claims; Authdeck does not verify such tokens",
                ),
                Some(e) => Note::new(
                    "payload_not_json",
                    format!("the payload looks like JSON but is not valid JSON ({e}): it is shown as text"),
                ),
                None if decoded.payload_segment().is_empty() => Note::new(
                    "detached_payload",
                    "the payload is detached (RFC 7515 Appendix F): the token carries none, so \
                     there are no claims to show",
                ),
                None => Note::new(
                    "payload_text",
                    "the payload is text, not JSON claims (a JWS may sign anything)",
                ),
            });
            (None, Some(text.clone()), None)
        }
        Payload::Binary(bytes) => {
            notes.push(Note::new(
                "payload_binary",
                "the payload is binary data, shown as base64",
            ));
            (None, None, Some(STANDARD.encode(bytes)))
        }
    };

    if decoded.had_whitespace_inside() {
        notes.push(Note::new(
            "whitespace_removed",
            "the token had whitespace inside (wrapped over lines, or text pasted with it), \
             which was removed to read it: if something was pasted along, it is now part of \
             the signature",
        ));
    }
    let alg = decoded.alg();
    let parsed_alg = alg.as_deref().and_then(Algorithm::parse);
    match (&alg, parsed_alg) {
        // Present but not a string (`"alg": 1`): said as what it is, not as missing.
        (None, _) => notes.push(match header.get("alg") {
            Some(raw) => Note::new(
                "alg_not_string",
                format!(
                    "\"alg\" is {} where RFC 7515 §4.1.1 wants a string: no one can verify \
                     this token",
                    super::plain(raw)
                ),
            ),
            None => Note::new(
                "no_alg",
                "the header has no \"alg\": no one can verify this token",
            ),
        }),
        (Some(a), None) => notes.push(Note::new(
            "unknown_alg",
            format!("\"{a}\" is not a JWS signature algorithm"),
        )),
        (_, Some(Algorithm::None)) => notes.push(Note::new(
            "alg_none",
            if decoded.signature().is_empty() {
                "alg is \"none\": the token is unsigned and proves nothing"
            } else {
                "alg is \"none\" but a signature is attached: the token is unsigned and proves \
                 nothing, and an unsigned JWT has an empty signature (RFC 7519 §6.1)"
            },
        )),
        _ => {}
    }
    if let Some(crit) = header.get("crit") {
        notes.push(Note::new(
            "crit",
            format!(
                "the header marks {crit} as critical: a verifier that does not know them must reject the token"
            ),
        ));
    }

    // A repeated name: the last value counts, everywhere (RFC 7519 §4 allows it), and the
    // note says which names were repeated, since a second value is a classic smuggling trick.
    let twice = header.duplicates();
    if !twice.is_empty() {
        notes.push(Note::new(
            "duplicate_header_members",
            format!(
                "the header names {} more than once: the last value is the one shown and used",
                twice.join(", ")
            ),
        ));
    }
    if let Some(claims) = decoded.claims() {
        let twice = claims.duplicates();
        if !twice.is_empty() {
            notes.push(Note::new(
                "duplicate_claims",
                format!(
                    "the claims name {} more than once: the last value is the one shown; \
                     other verifiers may read the first",
                    twice.join(", ")
                ),
            ));
        }
    }

    // One pass over the claims puts each known one in its display slot and finds the values
    // that JSON readers mangle.
    let mut slots: [Option<&str>; KNOWN.len()] = [None; KNOWN.len()];
    let (mut big, mut deep): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    if let Some(claims) = decoded.claims() {
        for (name, value) in claims.iter() {
            if let Some(slot) = known_slot(name) {
                slots[slot] = Some(value);
            }
            if is_big_integer(value) {
                big.push(name);
            }
            if too_deep_for_json_value(value) {
                deep.push(name);
            }
        }
    }
    if !deep.is_empty() {
        notes.push(Note::new(
            "deep_claim",
            format!(
                "{} {} nested more than 128 levels deep: shown, and given under --json, as \
                 its JSON text in a string",
                deep.join(", "),
                if deep.len() == 1 { "is" } else { "are" }
            ),
        ));
    }
    if !big.is_empty() {
        notes.push(Note::new(
            "big_number",
            format!(
                "{} {} an integer beyond 64 bits: most JSON readers (and --json) round it",
                big.join(", "),
                if big.len() == 1 { "is" } else { "are" }
            ),
        ));
    }

    // What the time claims say, by `time_index` (exp, nbf, iat, auth_time).
    let mut times: [Option<Timestamp>; 4] = [None; 4];
    let mut problems: [Option<String>; 4] = [const { None }; 4];
    let mut explained = Vec::with_capacity(slots.iter().flatten().count());
    let mut expires_at = None;
    for (slot, value) in slots.iter().enumerate() {
        let Some(value) = *value else { continue };
        let (name, label, kind) = KNOWN[slot];
        let at = time_index(slot);
        let time = if let Some(at) = at {
            let read = read_time(name, value);
            if let Some(remark) = read.remark() {
                let code = match read {
                    ClaimTime::Unreadable { .. } => "unreadable_time",
                    _ => "odd_time",
                };
                notes.push(Note::new(code, remark));
            }
            times[at] = read.time();
            if let ClaimTime::Unreadable { problem } = read {
                problems[at] = Some(problem);
            }
            times[at].map(|t| {
                // nbf and iat are often the same moment: format it once.
                let same = explained.iter().rev().find_map(|c: &ExplainedClaim| {
                    let view = c.time.as_ref()?;
                    (slot != EXP && c.name != "exp" && view.timestamp == t).then_some(view)
                });
                match same {
                    Some(view) => Arc::clone(view),
                    None => Arc::new(time_view(t, now, tz, slot == EXP)),
                }
            })
        } else {
            None
        };
        // A time's readable forms are in `time`; its text is the NumericDate as written.
        let text = match &time {
            Some(_) => value.to_owned(),
            None => display_text(name, value),
        };
        if slot == EXP {
            expires_at = time.clone();
        }
        explained.push(ExplainedClaim {
            name,
            label,
            kind,
            text,
            time,
            problem: at.and_then(|at| problems[at].clone()),
        });
    }

    let (exp, nbf, iat) = (times[AT_EXP], times[AT_NBF], times[AT_IAT]);
    let expired = exp.is_some_and(|e| now >= e);
    let time_status = if expired {
        TimeStatus::Expired
    } else if nbf.is_some_and(|n| now < n) {
        TimeStatus::NotYetValid
    } else if problems[AT_EXP].is_some() || problems[AT_NBF].is_some() {
        TimeStatus::Unknown
    } else if exp.is_some() {
        TimeStatus::Valid
    } else {
        TimeStatus::NoExpiry
    };
    if let Some(iat) = iat
        && iat.as_second() - now.as_second() > FUTURE_IAT_TOLERANCE_SECS
    {
        notes.push(Note::new(
            "iat_in_future",
            format!(
                "iat is {} in the future: the issuer's clock or this computer's is off",
                duration_words((iat.as_second() - now.as_second()).unsigned_abs())
            ),
        ));
    }
    if let (Some(exp), Some(iat)) = (exp, iat)
        && exp < iat
    {
        notes.push(Note::new(
            "exp_before_iat",
            "exp is before iat: the token was born expired",
        ));
    }

    Inspection {
        header: decoded.header_shared(),
        claims,
        payload_text,
        payload_base64,
        alg: alg.map(Cow::into_owned),
        alg_description: parsed_alg.map(Algorithm::describe),
        kid: decoded.kid().map(Cow::into_owned),
        typ: header.get_str("typ").map(Cow::into_owned),
        explained,
        expires_at,
        time_problem: match time_status {
            TimeStatus::Unknown => problems[AT_EXP].take().or_else(|| problems[AT_NBF].take()),
            _ => None,
        },
        time_status,
        expired,
        seconds_left: exp.map(|e| e.as_second() - now.as_second()),
        inspected_at: now,
        notes,
    }
}

/// A moment shown in UTC, in `tz`, and relative to `now`.
pub fn time_view(t: Timestamp, now: Timestamp, tz: &TimeZone, is_expiry: bool) -> TimeView {
    let delta = t.as_second() - now.as_second();
    let mut relative = String::with_capacity(24);
    if is_expiry && delta <= 0 {
        relative.push_str("expired ");
    }
    push_relative(&mut relative, delta);
    let utc = civil_text(t, Offset::UTC, "UTC");
    let info = tz.to_offset_info(t);
    let local = civil_text(t, info.offset(), info.abbreviation());
    TimeView {
        timestamp: t,
        unix: t.as_second(),
        utc,
        local,
        relative,
    }
}

/// `2026-11-22 05:40:58 CET`, pushed digit by digit: this runs for every time claim of every
/// token the app shows, so it avoids the formatting machinery.
fn civil_text(t: Timestamp, offset: Offset, abbreviation: &str) -> String {
    let dt = offset.to_datetime(t);
    let year = dt.year();
    if !(0..=9999).contains(&year) {
        return format!("{} {abbreviation}", dt.strftime("%Y-%m-%d %H:%M:%S"));
    }
    // `YYYY-MM-DD hh:mm:ss`, written into a fixed buffer.
    let mut buf = *b"0000-00-00 00:00:00";
    let two = |buf: &mut [u8; 19], at: usize, n: i8| {
        let n = n.unsigned_abs();
        buf[at] = b'0' + n / 10;
        buf[at + 1] = b'0' + n % 10;
    };
    let y = year.unsigned_abs();
    buf[0] = b'0' + (y / 1000) as u8;
    buf[1] = b'0' + (y / 100 % 10) as u8;
    buf[2] = b'0' + (y / 10 % 10) as u8;
    buf[3] = b'0' + (y % 10) as u8;
    two(&mut buf, 5, dt.month());
    two(&mut buf, 8, dt.day());
    two(&mut buf, 11, dt.hour());
    two(&mut buf, 14, dt.minute());
    two(&mut buf, 17, dt.second());
    let mut out = String::with_capacity(buf.len() + 1 + abbreviation.len());
    // Only ASCII digits and separators were written.
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
    out.push(' ');
    out.push_str(abbreviation);
    out
}

// serde serializes `Arc` only with its `rc` feature; these keep the JSON a plain object.
fn shared_object<S: serde::Serializer>(
    object: &Arc<JsonObject>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    object.as_ref().serialize(serializer)
}

/// A shared time view serialized as the view itself.
fn shared_time<S: serde::Serializer>(
    time: &Option<Arc<TimeView>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    time.as_deref().serialize(serializer)
}

fn shared_optional_object<S: serde::Serializer>(
    object: &Option<Arc<JsonObject>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    object.as_deref().serialize(serializer)
}

/// A claim's JSON text as a person reads it: lists joined with ", ", strings bare, booleans as
/// yes/no, numbers as written, the rest as compact JSON.
fn display_text(name: &str, raw: &str) -> String {
    match raw.as_bytes().first() {
        Some(b'[') => match serde_json::from_str::<Vec<&RawValue>>(raw) {
            Ok(items) => {
                let mut out = String::with_capacity(raw.len());
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&plain(item.get()));
                }
                out
            }
            Err(_) => plain(raw).into_owned(),
        },
        // Keycloak puts roles one level down: {"roles": [...]}.
        Some(b'{') if name == "realm_access" => {
            match JsonObject::parse(raw.to_owned()).ok().and_then(|o| {
                let roles = o.get("roles")?;
                Some(display_text("roles", roles))
            }) {
                Some(roles) => roles,
                None => plain(raw).into_owned(),
            }
        }
        Some(b't') => "yes".into(),
        Some(b'f') => "no".into(),
        _ => plain(raw).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_text_pads_every_field_and_handles_years_before_0() {
        let t = Timestamp::from_second(1_000_000_000 - 86400 * 365 * 30).expect("in range");
        assert_eq!(civil_text(t, Offset::UTC, "UTC"), "1971-09-17 01:46:40 UTC");
        let ancient = Timestamp::from_second(-70_000_000_000).expect("in range");
        assert_eq!(
            civil_text(ancient, Offset::UTC, "UTC"),
            "-249-10-15 19:33:20 UTC"
        );
    }
}
