//! How durations and relative times are said, in one place: the token inspector, the CLI's
//! account list and login summary. Written into a caller's buffer, since the inspector's
//! budget is a couple of microseconds for a whole token.

use jiff::Timestamp;

/// `t` relative to `now`, to the second: `in 59 min`, `3 s ago`, `now`.
pub fn relative_to(t: Timestamp, now: Timestamp) -> String {
    relative_words(t.as_second() - now.as_second())
}

/// `in 1 h 59 min`, `3 days ago`, `now`.
pub fn relative_words(delta_secs: i64) -> String {
    let mut out = String::with_capacity(16);
    push_relative(&mut out, delta_secs);
    out
}

pub(crate) fn push_relative(out: &mut String, delta_secs: i64) {
    if delta_secs == 0 {
        out.push_str("now");
        return;
    }
    if delta_secs > 0 {
        out.push_str("in ");
    }
    push_duration(out, delta_secs.unsigned_abs());
    if delta_secs < 0 {
        out.push_str(" ago");
    }
}

/// A duration in the largest units that matter: `42 s`, `5 min`, `1 h 59 min`, `1 day 3 h`,
/// `3 days`, `15 years`. Truncates, so "1 h 59 min" never rounds up to a time not yet reached.
pub fn duration_words(secs: u64) -> String {
    let mut out = String::with_capacity(12);
    push_duration(&mut out, secs);
    out
}

fn push_duration(out: &mut String, secs: u64) {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY + DAY / 4;
    fn number(out: &mut String, n: u64, unit: &str) {
        push_number(out, n);
        out.push(' ');
        out.push_str(unit);
    }
    match secs {
        s if s < MIN => number(out, s, "s"),
        s if s < HOUR => number(out, s / MIN, "min"),
        s if s < DAY => {
            number(out, s / HOUR, "h");
            let m = (s % HOUR) / MIN;
            if m > 0 {
                out.push(' ');
                number(out, m, "min");
            }
        }
        s if s < 2 * DAY => {
            out.push_str("1 day");
            let h = (s % DAY) / HOUR;
            if h > 0 {
                out.push(' ');
                number(out, h, "h");
            }
        }
        s if s < YEAR => {
            let days = s / DAY;
            number(out, days, if days == 1 { "day" } else { "days" })
        }
        s => {
            let years = s / YEAR;
            number(out, years, if years == 1 { "year" } else { "years" })
        }
    }
}

fn push_number(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
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

    #[test]
    fn relative_to_compares_whole_seconds() {
        let now = Timestamp::from_second(1_000_000).expect("in range");
        let later = Timestamp::from_second(1_000_060).expect("in range");
        assert_eq!(relative_to(later, now), "in 1 min");
        assert_eq!(relative_to(now, later), "1 min ago");
        assert_eq!(relative_to(now, now), "now");
    }
}
