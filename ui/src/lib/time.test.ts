import { describe, expect, it, vi } from 'vitest'
import { ago, countdown, durationWords, localTime, offsetAt, relativeWords, secondsUntil, setZone, span, utcTime } from './time'
import type { LocalZone } from './types'

const NOW = Date.parse('2026-11-22T12:00:00Z')

describe('countdown', () => {
  it('shows seconds, then minutes and seconds, then hours and minutes, then days', () => {
    expect(countdown(59)).toBe('59s')
    expect(countdown(65)).toBe('1m 05s')
    expect(countdown(2 * 3600 + 3 * 60 + 9)).toBe('2h 03m')
    expect(countdown(3 * 86400 + 4 * 3600 + 1)).toBe('3d 4h')
  })

  it('says how long ago a token expired instead of a negative number', () => {
    expect(countdown(-240)).toBe('expired 4m 00s ago')
    expect(countdown(0)).toBe('expires now')
  })

  it('says so when no expiry is known', () => {
    expect(countdown(null)).toBe('no expiry')
  })

  it('counts down one second per second', () => {
    const exp = '2026-11-22T12:01:00Z'
    expect(countdown(secondsUntil(exp, NOW))).toBe('1m 00s')
    expect(countdown(secondsUntil(exp, NOW + 1000))).toBe('59s')
  })
})

describe('secondsUntil', () => {
  it('is null for a missing or unreadable time', () => {
    expect(secondsUntil(null, NOW)).toBeNull()
    expect(secondsUntil('not a time', NOW)).toBeNull()
  })

  it('rounds down partial seconds so the countdown never shows time that is not left', () => {
    expect(secondsUntil('2026-11-22T12:00:01.999Z', NOW)).toBe(1)
  })
})

describe('span', () => {
  it('never shows a negative duration', () => {
    expect(span(-5)).toBe('0s')
  })
})

describe('times', () => {
  it("shows the same instant in the user's own zone and in UTC", () => {
    // Node reads TZ again when it changes: the user's zone for this test is Berlin's.
    vi.stubEnv('TZ', 'Europe/Berlin')
    try {
      expect(localTime('2026-11-22T12:00:05Z')).toBe('2026-11-22 13:00:05')
      expect(localTime('2026-07-01T23:30:00Z')).toBe('2026-07-02 01:30:00')
      expect(utcTime('2026-11-22T12:00:05Z')).toBe('2026-11-22 12:00:05 UTC')
      expect(localTime('2026-11-22T12:00:05Z', true)).toBe('2026-11-22 12:00:05')
    } finally {
      vi.unstubAllEnvs()
    }
  })

  // Berlin's offsets as the backend sends them (core's time_zone): winter, then summer time
  // from 01:00 UTC on 29 March 2026, then winter again from 01:00 UTC on 25 October.
  const berlin: LocalZone = {
    name: 'Europe/Berlin',
    offsets: [
      { from_ms: null, offset_s: 3600 },
      { from_ms: Date.parse('2026-03-29T01:00:00Z'), offset_s: 7200 },
      { from_ms: Date.parse('2026-10-25T01:00:00Z'), offset_s: 3600 },
    ],
  }

  it("shows local times with the backend's zone offsets, each instant in its own season", () => {
    // The process's own zone is UTC here: the figures can only come from the offsets.
    vi.stubEnv('TZ', 'UTC')
    setZone(berlin)
    try {
      expect(localTime('2026-11-22T12:00:05Z')).toBe('2026-11-22 13:00:05')
      expect(localTime('2026-07-01T23:30:00Z')).toBe('2026-07-02 01:30:00')
      expect(localTime('2026-03-29T00:59:59Z')).toBe('2026-03-29 01:59:59')
      expect(localTime('2026-03-29T01:00:00Z')).toBe('2026-03-29 03:00:00')
      expect(localTime('2019-01-01T00:00:00Z')).toBe('2019-01-01 01:00:00')
      expect(utcTime('2026-07-01T23:30:00Z')).toBe('2026-07-01 23:30:00 UTC')
    } finally {
      setZone(null)
      vi.unstubAllEnvs()
    }
  })

  it("falls back to Date's own getters without a zone, or with one that has no offsets", () => {
    vi.stubEnv('TZ', 'Europe/Berlin')
    setZone({ name: null, offsets: [] })
    try {
      expect(localTime('2026-11-22T12:00:05Z')).toBe('2026-11-22 13:00:05')
    } finally {
      setZone(null)
      vi.unstubAllEnvs()
    }
  })

  it('finds the offset in force at an instant: the last one that starts at or before it', () => {
    expect(offsetAt(berlin, Date.parse('2000-01-01T00:00:00Z'))).toBe(3600)
    expect(offsetAt(berlin, Date.parse('2026-03-29T01:00:00Z'))).toBe(7200)
    expect(offsetAt(berlin, Date.parse('2026-10-25T00:59:59Z'))).toBe(7200)
    expect(offsetAt(berlin, Date.parse('2030-01-01T00:00:00Z'))).toBe(3600)
    expect(offsetAt({ name: null, offsets: [{ from_ms: null, offset_s: -18000 }] }, 0)).toBe(-18000)
  })

  it('shows a dash for a missing time rather than "Invalid Date"', () => {
    expect(localTime(null)).toBe('—')
    expect(localTime('garbage')).toBe('—')
  })

  it('describes past times in words', () => {
    expect(ago('2026-11-22T11:59:50Z', NOW)).toBe('just now')
    expect(ago('2026-11-22T11:55:00Z', NOW)).toBe('5 min ago')
    expect(ago('2026-11-22T09:00:00Z', NOW)).toBe('3 h ago')
    expect(ago(null, NOW)).toBe('never')
  })
})

describe('relativeWords', () => {
  const at = Date.parse('2026-12-05T12:00:00Z')
  it('words durations as the core does (crates/authdeck-core/src/words.rs)', () => {
    expect(durationWords(42)).toBe('42 s')
    expect(durationWords(5 * 60 + 7)).toBe('5 min')
    expect(durationWords(7199)).toBe('1 h 59 min')
    expect(durationWords(7200)).toBe('2 h')
    expect(durationWords(86400 + 3 * 3600)).toBe('1 day 3 h')
    expect(durationWords(3 * 86400 + 5)).toBe('3 days')
    expect(durationWords(15 * 31_557_600)).toBe('15 years')
  })
  it('moves with the clock: the same claim reads differently a minute later', () => {
    const iso = '2026-12-05T13:57:00Z'
    expect(relativeWords(iso, at, true)).toBe('in 1 h 57 min')
    expect(relativeWords(iso, at + 60_000, true)).toBe('in 1 h 56 min')
    expect(relativeWords('2026-12-05T11:58:00Z', at, false)).toBe('2 min ago')
  })
  it('says an expiry that has passed is expired', () => {
    expect(relativeWords('2026-12-05T11:59:57Z', at, true)).toBe('expired 3 s ago')
    expect(relativeWords('2026-12-05T12:00:00Z', at, true)).toBe('expired now')
  })
})
