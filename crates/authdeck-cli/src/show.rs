//! How times look in human output: local date-times here; durations and relative times are
//! core's words ([`authdeck_core::words`]).

use jiff::{Timestamp, tz::TimeZone};

/// `2026-11-22 14:03:10 CET`, in the local time zone.
pub fn local_time(t: Timestamp) -> String {
    let zoned = t.to_zoned(TimeZone::system());
    zoned.strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
}
