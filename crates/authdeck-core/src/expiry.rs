//! Reading an expiry field in any of the formats login APIs use.

use crate::provider::ExpiryFormat;
use jiff::Timestamp;
use serde_json::Value;

/// Unix values at or above this are milliseconds: as seconds it would be the year 5138.
const MS_THRESHOLD: i64 = 100_000_000_000;

/// Reads `value` as an expiry in `format`. `now` is the answer's time, for lifetimes.
/// The error says what the value was and what was expected.
pub fn parse(value: &Value, format: ExpiryFormat, now: Timestamp) -> Result<Timestamp, String> {
    match format {
        ExpiryFormat::Rfc3339 => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("expected an ISO 8601 date-time string, got {value}"))?;
            rfc3339(text)
        }
        ExpiryFormat::UnixSeconds => from_unix(integer(value)?, false),
        ExpiryFormat::UnixMs => from_unix(integer(value)?, true),
        ExpiryFormat::Unix => {
            let n = integer(value)?;
            from_unix(n, n.abs() >= MS_THRESHOLD)
        }
        ExpiryFormat::SecondsFromNow => {
            let secs = integer(value)?;
            now.checked_add(jiff::SignedDuration::from_secs(secs))
                .map_err(|_| format!("a lifetime of {secs} s is out of range"))
        }
        ExpiryFormat::JwtExp => Err("the spec reads the expiry from the JWT, not a field".into()),
    }
}

/// RFC 3339 with or without fractions; a date-time without an offset is taken as UTC,
/// which is what servers that omit it mean in practice.
fn rfc3339(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(civil) = text.parse::<jiff::civil::DateTime>()
        && let Ok(zoned) = civil.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(zoned.timestamp());
    }
    Err(format!(
        "\"{}\" is not an ISO 8601 date-time (expected e.g. 2025-03-11T17:49:38.925Z)",
        excerpt(text)
    ))
}

/// An integer, also when sent as a string or a float with no fraction.
fn integer(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .ok_or_else(|| format!("the number {n} is out of range")),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("expected a number, got \"{}\"", excerpt(s))),
        other => Err(format!("expected a number, got {other}")),
    }
}

fn from_unix(n: i64, millis: bool) -> Result<Timestamp, String> {
    let result = if millis {
        Timestamp::from_millisecond(n)
    } else {
        Timestamp::from_second(n)
    };
    result.map_err(|_| format!("the unix time {n} is out of range"))
}

fn excerpt(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Timestamp {
        Timestamp::from_second(1_700_000_000).unwrap()
    }

    #[test]
    fn rfc3339_with_milliseconds_microseconds_and_none() {
        let f = ExpiryFormat::Rfc3339;
        assert_eq!(
            parse(&json!("2025-03-11T17:49:38.925Z"), f, now())
                .unwrap()
                .as_millisecond(),
            1_741_715_378_925
        );
        assert_eq!(
            parse(&json!("2025-07-09T18:14:44.000000Z"), f, now())
                .unwrap()
                .as_second(),
            1_752_084_884
        );
        assert_eq!(
            parse(&json!("2025-07-09T20:14:44+02:00"), f, now())
                .unwrap()
                .as_second(),
            1_752_084_884
        );
        assert_eq!(
            parse(&json!("2025-07-09T18:14:44"), f, now())
                .unwrap()
                .as_second(),
            1_752_084_884,
            "no offset means UTC"
        );
    }

    #[test]
    fn unix_seconds_and_milliseconds_are_told_apart_by_magnitude() {
        let f = ExpiryFormat::Unix;
        assert_eq!(
            parse(&json!(1_752_084_884), f, now()).unwrap().as_second(),
            1_752_084_884
        );
        assert_eq!(
            parse(&json!(1_752_084_884_123i64), f, now())
                .unwrap()
                .as_millisecond(),
            1_752_084_884_123
        );
        assert_eq!(
            parse(&json!("1752084884"), f, now()).unwrap().as_second(),
            1_752_084_884
        );
    }

    #[test]
    fn explicit_unit_wins_over_magnitude() {
        assert_eq!(
            parse(&json!(5_000), ExpiryFormat::UnixMs, now())
                .unwrap()
                .as_millisecond(),
            5_000
        );
    }

    #[test]
    fn seconds_from_now_counts_from_the_answer() {
        let t = parse(&json!(3600), ExpiryFormat::SecondsFromNow, now()).unwrap();
        assert_eq!(t.as_second(), 1_700_003_600);
    }

    #[test]
    fn unknown_formats_are_explained() {
        let err = parse(&json!("next tuesday"), ExpiryFormat::Rfc3339, now()).unwrap_err();
        assert!(
            err.contains("next tuesday") && err.contains("ISO 8601"),
            "{err}"
        );
        let err = parse(&json!({"at": 1}), ExpiryFormat::Unix, now()).unwrap_err();
        assert!(err.contains("expected a number"), "{err}");
    }
}
