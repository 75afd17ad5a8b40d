//! The user's time zone as the app's UI needs it: its offsets from UTC over a span of years, from
//! the system's zone database (jiff). The UI turns instants into local times with them instead of
//! JavaScript's local-time getters, which make WebKit's web process load ICU's calendar and zone
//! data and keep 1.5 MiB of it resident (docs/BENCHMARKS.md, issue 18).

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// Where the offsets start: 1970-01-01, the Unix epoch; earlier instants show with the offset in
/// force then.
pub const START: Timestamp = Timestamp::UNIX_EPOCH;
/// How far ahead of now they go, in years: expiries later than that (a "never" of 2100) show with
/// the last offset known. About 2 transitions a year in a zone with summer time: some 310 from
/// 1970 (a few KiB of JSON in the page).
pub const YEARS_AHEAD: i32 = 100;

/// An offset from UTC that applies from an instant on, until the next one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ZoneOffset {
    /// The instant it applies from, in ms since the Unix epoch; `None` for the first of a list,
    /// which applies to every earlier instant too.
    pub from_ms: Option<i64>,
    /// The offset, in seconds east of UTC (3600 for UTC+01:00).
    pub offset_s: i32,
}

/// A time zone: its name and its offsets, in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocalZone {
    /// Its IANA name ("Europe/Berlin"), when the system names it.
    pub name: Option<String>,
    /// The offset in force at [`START`], then one at each of the zone's transitions up to
    /// [`YEARS_AHEAD`] years after `now`: never empty.
    pub offsets: Vec<ZoneOffset>,
}

/// The offsets of `tz` from [`START`] (or `now`, when earlier) to [`YEARS_AHEAD`] years after
/// `now`. Never fails: a span that reaches past the range of timestamps is cut at its end.
pub fn local_zone(tz: &TimeZone, now: Timestamp) -> LocalZone {
    let start = START.min(now);
    let end = now
        .checked_add(SignedDuration::from_hours(24 * 366) * YEARS_AHEAD)
        .unwrap_or(Timestamp::MAX);
    let mut offsets = vec![ZoneOffset {
        from_ms: None,
        offset_s: tz.to_offset(start).seconds(),
    }];
    for transition in tz.following(start) {
        let at = transition.timestamp();
        if at > end {
            break;
        }
        offsets.push(ZoneOffset {
            from_ms: Some(at.as_millisecond()),
            offset_s: transition.offset().seconds(),
        });
    }
    LocalZone {
        name: tz.iana_name().map(str::to_string),
        offsets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// The offset `zone` gives `instant`, looked up as the UI looks it up: the last offset
    /// that starts at or before it.
    fn offset_at(zone: &LocalZone, instant: Timestamp) -> i32 {
        let ms = instant.as_millisecond();
        zone.offsets
            .iter()
            .rev()
            .find(|o| o.from_ms.is_none_or(|from| from <= ms))
            .unwrap()
            .offset_s
    }

    #[test]
    fn a_zone_with_summer_time_gives_each_instant_the_offset_of_its_season() {
        let zone = local_zone(&berlin(), at("2026-12-07T12:00:00Z"));
        assert_eq!(offset_at(&zone, at("2026-12-07T12:00:00Z")), 3600);
        assert_eq!(offset_at(&zone, at("2026-07-01T12:00:00Z")), 7200);
        // Summer time began at 01:00 UTC on 29 March 2026.
        assert_eq!(offset_at(&zone, at("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(offset_at(&zone, at("2026-03-29T01:00:00Z")), 7200);
        // Expiries next summer and in 2040's summer and winter; a history event 15 years ago.
        assert_eq!(offset_at(&zone, at("2027-08-01T00:00:00Z")), 7200);
        assert_eq!(offset_at(&zone, at("2040-07-01T00:00:00Z")), 7200);
        assert_eq!(offset_at(&zone, at("2040-12-01T00:00:00Z")), 3600);
        assert_eq!(offset_at(&zone, at("2011-08-01T00:00:00Z")), 7200);
    }

    #[test]
    fn the_offsets_span_1970_to_a_hundred_years_ahead_two_transitions_a_year() {
        let zone = local_zone(&berlin(), at("2026-12-07T12:00:00Z"));
        let transitions = zone.offsets.len() - 1;
        // The POSIX rule applies every year here (the real zone had no summer time until 1980).
        assert!(
            (2 * 155..=2 * 157).contains(&transitions),
            "{transitions} transitions"
        );
        let froms: Vec<i64> = zone.offsets.iter().filter_map(|o| o.from_ms).collect();
        assert!(froms.windows(2).all(|w| w[0] < w[1]), "in time order");
        assert!(*froms.first().unwrap() >= 0);
        assert!(*froms.last().unwrap() <= at("2127-01-01T00:00:00Z").as_millisecond());
    }

    #[test]
    fn a_fixed_zone_is_one_offset_for_all_time() {
        let zone = local_zone(
            &TimeZone::fixed(jiff::tz::offset(-5)),
            at("2026-12-07T12:00:00Z"),
        );
        assert_eq!(
            zone.offsets,
            vec![ZoneOffset {
                from_ms: None,
                offset_s: -5 * 3600
            }]
        );
        assert_eq!(zone.name, None);
        let utc = local_zone(&TimeZone::UTC, at("2026-12-07T12:00:00Z"));
        assert_eq!(
            utc.offsets,
            vec![ZoneOffset {
                from_ms: None,
                offset_s: 0
            }]
        );
    }

    #[test]
    fn a_now_at_the_edge_of_time_is_cut_not_a_panic() {
        let zone = local_zone(&berlin(), Timestamp::MAX);
        assert!(!zone.offsets.is_empty());
        let zone = local_zone(&berlin(), Timestamp::MIN);
        assert!(!zone.offsets.is_empty());
    }
}
