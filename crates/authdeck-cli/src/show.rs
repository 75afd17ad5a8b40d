//! How times look in human output: local date-times here; durations and relative times are
//! core's words ([`authdeck_core::words`]).

use jiff::{Timestamp, tz::TimeZone};

/// `2026-11-22 14:03:10 CET`, in the local time zone.
pub fn local_time(t: Timestamp) -> String {
    let zoned = t.to_zoned(TimeZone::system());
    zoned.strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
}

/// Text from a token or a server as the terminal may show it: control characters (escape
/// sequences, a bell, line breaks unless `keep` has them) and bidirectional overrides are
/// written as `\u{..}`, so the text cannot draw or hide lines of the output around it.
pub fn escaped(text: &str, keep: &[char]) -> String {
    let unsafe_char = |c: char| {
        (c.is_control() && !keep.contains(&c))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match unsafe_char(c) {
            true => c.escape_unicode().to_string(),
            false => c.to_string(),
        })
        .collect()
}
