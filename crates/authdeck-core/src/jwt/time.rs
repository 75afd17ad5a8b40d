//! Reading a time claim (`exp`, `nbf`, `iat`, `auth_time`).
//!
//! RFC 7519 says a NumericDate is seconds since 1970, but issuers also send milliseconds, strings
//! and worse. A claim that is there but unreadable is never the same as no claim: treating an
//! `exp` we cannot read as "no expiry" would call a dead token valid forever.

use jiff::Timestamp;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// What a time claim says; see [`time_claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimTime {
    /// The claims have no member of that name.
    Absent,
    /// A moment. `note` is set when the value was read other than as plain seconds
    /// (milliseconds), or when it is a doubtful date (past the year 5000).
    At {
        time: Timestamp,
        note: Option<String>,
    },
    /// The member is there, but is no moment: not a number, or out of range even as
    /// milliseconds. `problem` names the claim and says why, for a person to read.
    Unreadable { problem: String },
}

impl ClaimTime {
    /// The moment, when there is one.
    pub fn time(&self) -> Option<Timestamp> {
        match self {
            ClaimTime::At { time, .. } => Some(*time),
            _ => None,
        }
    }

    /// Why the claim could not be read, when it is present but unreadable.
    pub fn problem(&self) -> Option<&str> {
        match self {
            ClaimTime::Unreadable { problem } => Some(problem),
            _ => None,
        }
    }

    /// The note on a read time, or the problem of an unreadable one: what a person should see.
    pub fn remark(&self) -> Option<&str> {
        match self {
            ClaimTime::At { note, .. } => note.as_deref(),
            ClaimTime::Unreadable { problem } => Some(problem),
            ClaimTime::Absent => None,
        }
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, ClaimTime::Absent)
    }
}

/// Reads the time claim `name` from a JWT's claims.
///
/// Units: a number is NumericDate seconds since 1970-01-01T00:00:00Z, fractions kept to the
/// nanosecond. A number of 10^12 or more, too large for seconds (past the year 9999) but a
/// valid time as milliseconds (after 2001-09-09: an `exp` of `1600000000000`), is read as
/// milliseconds, with a note saying so; below 10^12 milliseconds would be 1970s dates no token
/// carries, so such a number is out of range.
/// A seconds value past the year 5000 is read as seconds, with a note that it may be
/// milliseconds. Anything else that is present (a string, even of digits, `null`, a number out
/// of range in both units) is [`ClaimTime::Unreadable`], never [`ClaimTime::Absent`].
pub fn time_claim(claims: &Map<String, Value>, name: &str) -> ClaimTime {
    match claims.get(name) {
        None => ClaimTime::Absent,
        Some(value) => read_member(name, &value.to_string()),
    }
}

/// [`time_claim`] over claims kept as JSON text ([`super::claims_text`]): the same reading,
/// from the member as the token writes it. Text that is not one JSON object cannot tell
/// whether `name` is there: that is [`ClaimTime::Unreadable`], never "no such claim".
pub fn time_claim_in(claims: &RawValue, name: &str) -> ClaimTime {
    let member = match super::decode::member_text(claims.get(), name) {
        Some(found) => Ok(found),
        None => super::decode::claim_in(claims, name).map(|found| found.map(RawValue::get)),
    };
    match member {
        Ok(None) => ClaimTime::Absent,
        Ok(Some(value)) => match value.as_bytes().first() {
            // Compacted, as a map's value is written: a message never carries the token's
            // line breaks.
            Some(b'{' | b'[') => read_member(name, &super::plain(value)),
            _ => read_member(name, value),
        },
        Err(e) => ClaimTime::Unreadable {
            problem: format!("the claims could not be read to find {name} ({e})"),
        },
    }
}

/// A present member, given as its JSON text: a string is said to be one, even of digits.
fn read_member(name: &str, json: &str) -> ClaimTime {
    match json.starts_with('"') {
        true => ClaimTime::Unreadable {
            problem: format!(
                "{name} is the string {}, not a NumericDate (a number of seconds since 1970)",
                shown(json)
            ),
        },
        false => read_time(name, json),
    }
}

/// Seconds past which a date is in the year 5138: more likely milliseconds than a real date.
const DOUBTFUL_SECS: f64 = 1e11;
/// The least value taken for milliseconds when too large for seconds: 2001-09-09 in ms.
const CLEARLY_MILLIS: f64 = 1e12;

/// Reads a time claim given as its JSON text (`1300819380`, `"tomorrow"`, `null`).
pub(crate) fn read_time(name: &str, raw: &str) -> ClaimTime {
    let not_a_date = || ClaimTime::Unreadable {
        problem: format!(
            "{name} = {} is not a NumericDate (a number of seconds since 1970)",
            shown(raw)
        ),
    };
    if !raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return not_a_date();
    }
    // Most time claims are integers: read as such (exactly, and without the slower parse of
    // a float); the float is only for comparing magnitudes.
    let whole = raw.parse::<i64>().ok();
    let value = match whole {
        Some(whole) => whole as f64,
        None => match raw.parse::<f64>() {
            Ok(value) => value,
            Err(_) => return not_a_date(),
        },
    };
    if let Some(time) = seconds(whole, value) {
        let note = (value.abs() >= DOUBTFUL_SECS).then(|| {
            format!(
                "{name} is in the year {}: it may be milliseconds, but NumericDate is seconds",
                time.to_zoned(jiff::tz::TimeZone::UTC).year()
            )
        });
        return ClaimTime::At { time, note };
    }
    match milliseconds(whole, value).filter(|_| value.abs() >= CLEARLY_MILLIS) {
        Some(time) => ClaimTime::At {
            time,
            note: Some(format!(
                "{name} = {} is too large for seconds: read as milliseconds (NumericDate is seconds)",
                shown(raw)
            )),
        },
        None => ClaimTime::Unreadable {
            problem: format!(
                "{name} = {} is out of range even as milliseconds: NumericDate is seconds since 1970",
                shown(raw)
            ),
        },
    }
}

/// A NumericDate as seconds: `whole` exactly when the JSON text is an integer, else `value`.
fn seconds(whole: Option<i64>, value: f64) -> Option<Timestamp> {
    match whole {
        Some(secs) => Timestamp::from_second(secs).ok(),
        None => from_f64_seconds(value),
    }
}

fn milliseconds(whole: Option<i64>, value: f64) -> Option<Timestamp> {
    match whole {
        Some(ms) => Timestamp::from_millisecond(ms).ok(),
        None => from_f64_seconds(value / 1000.0),
    }
}

fn from_f64_seconds(secs: f64) -> Option<Timestamp> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    if whole < i64::MIN as f64 || whole > i64::MAX as f64 {
        return None;
    }
    let nanos = ((secs - whole) * 1e9).round() as i32;
    Timestamp::new(whole as i64, nanos.min(999_999_999)).ok()
}

/// A claim's JSON text for a message, cut when long (a claim may be a whole object).
fn shown(raw: &str) -> String {
    const MAX: usize = 40;
    // On one line: JSON has these only as whitespace between tokens, and a value written
    // over lines would break the message (and the terminal's line) it is quoted in.
    let raw = raw.replace(['\n', '\r', '\t'], " ");
    match raw.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &raw[..cut]),
        None => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_time_claim_reads_the_same_from_claims_text_as_from_a_map() {
        let values = [
            "1700000000",
            "1700000000.5",
            "1700000000000",
            "1.7e9",
            "\"1700000000\"",
            "null",
            "true",
            "-5",
            "99999999999999999999999",
            "[1700000000]",
            "{\"at\":1}",
        ];
        for value in values {
            let text = format!(r#"{{"sub":"a","exp":{value}}}"#);
            let raw = RawValue::from_string(text.clone()).expect("valid JSON");
            let map = claims(serde_json::from_str(&text).expect("valid JSON"));
            let (from_text, from_map) = (time_claim_in(&raw, "exp"), time_claim(&map, "exp"));
            assert_eq!(from_text.time(), from_map.time(), "exp = {value}");
            assert_eq!(
                from_text.is_present(),
                from_map.is_present(),
                "exp = {value}"
            );
            assert_eq!(
                from_text.problem().is_some(),
                from_map.problem().is_some(),
                "exp = {value}"
            );
        }
        let raw = RawValue::from_string(r#"{"sub":"a"}"#.into()).expect("valid JSON");
        assert_eq!(time_claim_in(&raw, "exp"), ClaimTime::Absent);
    }

    #[test]
    fn a_time_claim_in_text_says_what_is_wrong_on_one_line() {
        let read = |text: &str| {
            let raw = RawValue::from_string(text.into()).expect("valid JSON");
            time_claim_in(&raw, "exp").problem().map(str::to_owned)
        };
        let string = read(r#"{"exp":"1700000000"}"#).expect("a string is no NumericDate");
        assert!(string.contains("is the string \"1700000000\""), "{string}");
        let spread = read("{\"exp\": [1,\n  2]\r\n}").expect("an array is no NumericDate");
        assert!(spread.contains("[1,2]"), "compacted: {spread}");
        assert!(!spread.contains(['\n', '\r']), "one line: {spread}");
        // What serde_json cannot hold is not compacted, and still comes on one line.
        let unparsed = read("{\"exp\": [1e400,\n  2]}").expect("an array is no NumericDate");
        assert!(!unparsed.contains(['\n', '\r']), "one line: {unparsed}");
        // Claims that are not one object: whether exp is there cannot be told, and that is
        // never taken as no expiry.
        let raw = RawValue::from_string("[1]".into()).expect("valid JSON");
        let unknown = time_claim_in(&raw, "exp");
        assert!(
            unknown
                .problem()
                .is_some_and(|p| p.contains("could not be read to find exp")),
            "{unknown:?}"
        );
    }

    #[test]
    fn seconds_are_read_as_numeric_date() {
        let c = claims(json!({"exp": 1_300_819_380, "iat": 1_300_819_380.5}));
        assert_eq!(
            time_claim(&c, "exp"),
            ClaimTime::At {
                time: Timestamp::from_second(1_300_819_380).expect("in range"),
                note: None
            }
        );
        assert_eq!(
            time_claim(&c, "iat").time().map(|t| t.as_millisecond()),
            Some(1_300_819_380_500),
            "fractions are kept"
        );
    }

    #[test]
    fn milliseconds_are_read_as_milliseconds_with_a_note() {
        let c = claims(json!({"exp": 1_600_000_000_000_i64}));
        let read = time_claim(&c, "exp");
        assert_eq!(
            read.time().map(|t| t.as_second()),
            Some(1_600_000_000),
            "an exp in ms is a time, not 'no expiry'"
        );
        assert!(
            read.remark().is_some_and(|n| n.contains("milliseconds")),
            "{read:?}"
        );
    }

    #[test]
    fn an_absent_claim_differs_from_an_unreadable_one() {
        let c = claims(json!({
            "exp": "1600000000",
            "nbf": null,
            "iat": 1e300,
            "auth_time": {"at": 1}
        }));
        assert_eq!(time_claim(&c, "missing"), ClaimTime::Absent);
        for name in ["exp", "nbf", "iat", "auth_time"] {
            let read = time_claim(&c, name);
            assert!(read.is_present(), "{name}");
            let problem = read.problem().unwrap_or_default();
            assert!(problem.starts_with(name), "{name}: {read:?}");
        }
        assert!(
            time_claim(&c, "iat")
                .problem()
                .is_some_and(|p| p.contains("out of range")),
            "a number too large for any unit says so"
        );
    }

    #[test]
    fn a_far_future_seconds_value_is_kept_as_seconds_with_a_doubt() {
        // 9999-12-01: some issuers mean "never" by a date that far.
        let c = claims(json!({"exp": 253_399_622_400_i64, "nbf": 300_000_000_000_i64}));
        let read = time_claim(&c, "exp");
        assert_eq!(read.time().map(|t| t.as_second()), Some(253_399_622_400));
        assert!(
            read.remark().is_some_and(|n| n.contains("year 9999")),
            "{read:?}"
        );
        assert!(
            time_claim(&c, "nbf").problem().is_some(),
            "past 9999 as seconds and 1979 as milliseconds is neither"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let c = claims(json!({"exp": "x".repeat(500)}));
        let problem = time_claim(&c, "exp").problem().map(str::len);
        assert!(problem.is_some_and(|len| len < 150), "{problem:?}");
    }
}
