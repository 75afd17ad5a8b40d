//! What a decoded token means to a person: claims explained, times in UTC, local and relative
//! words, and whether it is valid *now*. The result is a plain DTO for the CLI and the app.

use super::alg::Algorithm;
use super::decode::{Decoded, Payload, numeric_date};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Everything the UI and `authdeck decode` show about a token. Signature validity is not here:
/// it needs a key, see [`super::verify`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    pub header: Map<String, Value>,
    /// The payload as claims when it is a JSON object...
    pub claims: Option<Map<String, Value>>,
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
    pub expires_at: Option<TimeView>,
    pub time_status: TimeStatus,
    /// True on or after `exp` (RFC 7519 4.1.4).
    pub expired: bool,
    /// Seconds until `exp`; negative once expired. Lets the UI run a live countdown.
    pub seconds_left: Option<i64>,
    /// The moment the relative texts were computed for.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub inspected_at: Timestamp,
    /// Things worth a second look: unsigned token, odd time claims, clock skew, ...
    pub notes: Vec<String>,
}

/// One claim, labelled and rendered for display.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExplainedClaim {
    pub name: String,
    pub label: &'static str,
    pub kind: ClaimKind,
    pub value: Value,
    /// The value as a person reads it (lists joined, times formatted).
    pub text: String,
    /// Set for time claims (exp, nbf, iat, auth_time) that are valid NumericDates.
    pub time: Option<TimeView>,
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
}

impl TimeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeStatus::Valid => "valid",
            TimeStatus::Expired => "expired",
            TimeStatus::NotYetValid => "not yet valid",
            TimeStatus::NoExpiry => "no expiry",
        }
    }
}

const REGISTERED: [(&str, &str); 7] = [
    ("iss", "Issuer"),
    ("sub", "Subject"),
    ("aud", "Audience"),
    ("exp", "Expires"),
    ("nbf", "Not before"),
    ("iat", "Issued at"),
    ("jti", "Token ID"),
];

const COMMON: [(&str, &str); 18] = [
    ("name", "Name"),
    ("preferred_username", "Username"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("email", "Email"),
    ("email_verified", "Email verified"),
    ("scope", "Scope"),
    ("scp", "Scopes"),
    ("roles", "Roles"),
    ("groups", "Groups"),
    ("permissions", "Permissions"),
    ("realm_access", "Realm roles"),
    ("azp", "Authorized party"),
    ("client_id", "Client ID"),
    ("sid", "Session ID"),
    ("auth_time", "Authenticated at"),
    ("nonce", "Nonce"),
    ("tid", "Tenant ID"),
];

const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

/// Seconds an `iat` may lie in the future before we call it clock skew.
const SKEW_TOLERANCE_SECS: i64 = 60;

/// Explains a decoded token as of `now`, with local times in `tz`.
pub fn inspect(decoded: &Decoded, now: Timestamp, tz: &TimeZone) -> Inspection {
    let header = decoded.header();
    let mut notes = Vec::new();
    let (claims, payload_text, payload_base64) = match decoded.payload() {
        Payload::Claims(map) => (Some(map.clone()), None, None),
        Payload::Text(text) => {
            notes.push("the payload is text, not JSON claims (a JWS may sign anything)".into());
            (None, Some(text.clone()), None)
        }
        Payload::Binary(bytes) => {
            notes.push("the payload is binary data, shown as base64".into());
            (None, None, Some(STANDARD.encode(bytes)))
        }
    };

    let alg = decoded.alg();
    let parsed_alg = alg.and_then(Algorithm::parse);
    match (alg, parsed_alg) {
        (None, _) => notes.push("the header has no \"alg\": no one can verify this token".into()),
        (Some(a), None) => notes.push(format!("\"{a}\" is not a JWS signature algorithm")),
        (_, Some(Algorithm::None)) => {
            notes.push("alg is \"none\": the token is unsigned and proves nothing".into())
        }
        _ => {}
    }
    if let Some(crit) = header.get("crit") {
        notes.push(format!(
            "the header marks {crit} as critical: a verifier that does not know them must reject the token"
        ));
    }

    let mut explained = Vec::new();
    let mut expires_at = None;
    if let Some(map) = decoded.claims() {
        for (list, kind) in [
            (&REGISTERED[..], ClaimKind::Registered),
            (&COMMON[..], ClaimKind::Common),
        ] {
            for &(name, label) in list {
                let Some(value) = map.get(name) else { continue };
                let time = if TIME_CLAIMS.contains(&name) {
                    time_claim(name, value, now, tz, &mut notes)
                } else {
                    None
                };
                let text = match &time {
                    Some(t) => format!("{} ({})", t.utc, t.relative),
                    None => display_text(name, value),
                };
                if name == "exp" {
                    expires_at = time.clone();
                }
                explained.push(ExplainedClaim {
                    name: name.to_owned(),
                    label,
                    kind,
                    value: value.clone(),
                    text,
                    time,
                });
            }
        }
    }

    let exp = decoded.expires_at();
    let nbf = decoded.numeric_date("nbf");
    let iat = decoded.numeric_date("iat");
    let expired = exp.is_some_and(|e| now >= e);
    let time_status = if expired {
        TimeStatus::Expired
    } else if nbf.is_some_and(|n| now < n) {
        TimeStatus::NotYetValid
    } else if exp.is_some() {
        TimeStatus::Valid
    } else {
        TimeStatus::NoExpiry
    };
    if let Some(iat) = iat
        && iat.as_second() - now.as_second() > SKEW_TOLERANCE_SECS
    {
        notes.push(format!(
            "iat is {} in the future: the issuer's clock or this computer's is off",
            duration_words((iat.as_second() - now.as_second()).unsigned_abs())
        ));
    }
    if let (Some(exp), Some(iat)) = (exp, iat)
        && exp < iat
    {
        notes.push("exp is before iat: the token was born expired".into());
    }

    Inspection {
        header: header.clone(),
        claims,
        payload_text,
        payload_base64,
        alg: alg.map(str::to_owned),
        alg_description: parsed_alg.map(Algorithm::describe),
        kid: decoded.kid().map(str::to_owned),
        typ: header.get("typ").and_then(Value::as_str).map(str::to_owned),
        explained,
        expires_at,
        time_status,
        expired,
        seconds_left: exp.map(|e| e.as_second() - now.as_second()),
        inspected_at: now,
        notes,
    }
}

fn time_claim(
    name: &str,
    value: &Value,
    now: Timestamp,
    tz: &TimeZone,
    notes: &mut Vec<String>,
) -> Option<TimeView> {
    match numeric_date(value) {
        Some(t) => {
            let view = time_view(t, now, tz, name == "exp");
            if value.as_f64().is_some_and(|secs| secs > 1e11) {
                notes.push(format!(
                    "{name} is in the year {}: it may be milliseconds, but NumericDate is seconds",
                    tz.to_datetime(t).year()
                ));
            }
            Some(view)
        }
        None if value.is_number() => {
            notes.push(format!(
                "{name} = {value} is out of range: it looks like milliseconds, but NumericDate is seconds"
            ));
            None
        }
        None => {
            notes.push(format!(
                "{name} is not a NumericDate (seconds since 1970): {value}"
            ));
            None
        }
    }
}

/// A moment shown in UTC, in `tz`, and relative to `now`.
pub fn time_view(t: Timestamp, now: Timestamp, tz: &TimeZone, is_expiry: bool) -> TimeView {
    let delta = t.as_second() - now.as_second();
    let relative = if is_expiry && delta <= 0 {
        format!("expired {}", relative_words(delta))
    } else {
        relative_words(delta)
    };
    TimeView {
        timestamp: t,
        unix: t.as_second(),
        utc: civil_text(t, &TimeZone::UTC),
        local: civil_text(t, tz),
        relative,
    }
}

/// `2026-11-22 05:40:58 CET`, without going through a format-string parser.
fn civil_text(t: Timestamp, tz: &TimeZone) -> String {
    let dt = tz.to_datetime(t);
    let info = tz.to_offset_info(t);
    let mut out = String::with_capacity(28);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        info.abbreviation()
    );
    out
}

/// `in 1 h 59 min`, `3 days ago`, `now`.
pub fn relative_words(delta_secs: i64) -> String {
    if delta_secs == 0 {
        return "now".into();
    }
    let words = duration_words(delta_secs.unsigned_abs());
    if delta_secs > 0 {
        format!("in {words}")
    } else {
        format!("{words} ago")
    }
}

/// A duration in the largest units that matter: `42 s`, `5 min`, `1 h 59 min`, `1 day 3 h`,
/// `3 days`, `15 years`. Truncates, so "1 h 59 min" never rounds up to a time not yet reached.
pub fn duration_words(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY + DAY / 4;
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match secs {
        s if s < MIN => format!("{s} s"),
        s if s < HOUR => format!("{} min", s / MIN),
        s if s < DAY => match (s / HOUR, (s % HOUR) / MIN) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
        s if s < 2 * DAY => match (s % DAY) / HOUR {
            0 => "1 day".into(),
            h => format!("1 day {h} h"),
        },
        s if s < YEAR => plural(s / DAY, "day"),
        s => plural(s / YEAR, "year"),
    }
}

/// Lists joined with ", ", strings bare, booleans as yes/no, the rest as compact JSON.
fn display_text(name: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        // Keycloak puts roles one level down: {"roles": [...]}.
        Value::Object(map) if name == "realm_access" => match map.get("roles") {
            Some(roles) => display_text("roles", roles),
            None => value.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_words_pick_the_units_that_matter() {
        assert_eq!(duration_words(42), "42 s");
        assert_eq!(duration_words(5 * 60 + 7), "5 min");
        assert_eq!(duration_words(7199), "1 h 59 min");
        assert_eq!(duration_words(7200), "2 h");
        assert_eq!(duration_words(86400 + 3 * 3600), "1 day 3 h");
        assert_eq!(duration_words(3 * 86400 + 5), "3 days");
        assert_eq!(duration_words(15 * 31_557_600), "15 years");
    }

    #[test]
    fn relative_words_say_in_or_ago() {
        assert_eq!(relative_words(7199), "in 1 h 59 min");
        assert_eq!(relative_words(-3 * 86400), "3 days ago");
        assert_eq!(relative_words(0), "now");
    }
}
