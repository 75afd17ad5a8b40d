//! How times look in human output.

use jiff::{Timestamp, tz::TimeZone};

/// `2026-11-22 14:03:10 CET`, in the local time zone.
pub fn local_time(t: Timestamp) -> String {
    let zoned = t.to_zoned(TimeZone::system());
    zoned.strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
}

/// "in 59 min", "2 h 3 min ago".
pub fn relative(t: Timestamp, now: Timestamp) -> String {
    let secs = t.duration_since(now).as_secs();
    if secs == 0 {
        return "now".into();
    }
    let span = human_duration(secs.unsigned_abs());
    if secs >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// Two most significant units: "3 d 4 h", "59 min 58 s", "12 s".
pub fn human_duration(secs: u64) -> String {
    let units = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (size, name) in units {
        if rest >= size || (parts.is_empty() && size == 1) {
            parts.push(format!("{} {name}", rest / size));
            rest %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_show_two_units() {
        assert_eq!(human_duration(0), "0 s");
        assert_eq!(human_duration(3599), "59 min 59 s");
        assert_eq!(human_duration(7_260), "2 h 1 min");
        assert_eq!(human_duration(90_000), "1 d 1 h");
    }

    #[test]
    fn relative_says_past_or_future() {
        let now = Timestamp::from_second(1_000_000).unwrap();
        assert_eq!(
            relative(Timestamp::from_second(1_000_060).unwrap(), now),
            "in 1 min"
        );
        assert_eq!(
            relative(Timestamp::from_second(999_940).unwrap(), now),
            "1 min ago"
        );
    }
}
