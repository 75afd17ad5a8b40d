// Countdowns and times as people read them. Every function takes `now` so tests can pin it.
import type { LocalZone } from './types'

/** Seconds from `now` until `iso` (negative once it has passed), or null when unknown. */
export function secondsUntil(iso: string | null, now: number): number | null {
  if (!iso) return null
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return null
  return Math.floor((at - now) / 1000)
}

/**
 * A live countdown: "59s", "4m 05s", "2h 03m", "3d 4h". Past times read "expired 4m ago".
 * Precision shrinks as the span grows, so the text stays short and calm.
 */
export function countdown(seconds: number | null): string {
  if (seconds === null) return 'no expiry'
  if (seconds <= 0) {
    return seconds === 0 ? 'expires now' : `expired ${span(-seconds)} ago`
  }
  return span(seconds)
}

/** A duration in the two largest units: "45s", "4m 05s", "2h 03m", "3d 4h". */
export function span(total: number): string {
  const s = Math.max(0, Math.floor(total))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const secs = s % 60
  if (days > 0) return `${days}d ${hours}h`
  if (hours > 0) return `${hours}h ${pad(minutes)}m`
  if (minutes > 0) return `${minutes}m ${pad(secs)}s`
  return `${secs}s`
}

function pad(n: number): string {
  return n.toString().padStart(2, '0')
}

/** The user's time zone (`window.__AUTHDECK_ZONE__`, from the app), set once before the UI mounts. */
let zone: LocalZone | null = null

/** Sets the zone [`localTime`] uses; `null` falls back to Date's local-time getters. Those are
 * right too, but the first call makes WebKit load ICU's calendar and zone data and keep 1.5 MiB
 * of it resident (docs/BENCHMARKS.md, issue 18): the backend's offsets cost nothing. */
export function setZone(z: LocalZone | null) {
  zone = z && z.offsets.length > 0 ? z : null
}

/** The offset from UTC (seconds) of `zone` at `ms`: the last of its offsets that starts at or
 * before it (they are in time order, the first applies to all earlier instants). */
export function offsetAt(z: LocalZone, ms: number): number {
  const offsets = z.offsets
  let lo = 0
  let hi = offsets.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    const from = offsets[mid].from_ms
    if (from === null || from <= ms) lo = mid
    else hi = mid - 1
  }
  return offsets[lo]?.offset_s ?? 0
}

/** "2026-11-22 14:03:09" in the user's own time zone, or in UTC with `utc`. From the zone's
 * offsets when the backend gave them ([`setZone`]), not Intl.DateTimeFormat: WebKit loads ICU's
 * date patterns and calendar data for a formatter, which the web process then keeps resident. */
export function localTime(iso: string | null, utc = false): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  const shifted = utc ? d : zone ? new Date(d.getTime() + offsetAt(zone, d.getTime()) * 1000) : null
  const [y, mo, day, h, mi, s] = shifted
    ? [shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate(), shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]
  return `${y.toString().padStart(4, '0')}-${pad(mo + 1)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}`
}

/** The same instant in UTC, ending in "Z" so nobody mistakes it for local time. */
export function utcTime(iso: string | null): string {
  if (!iso) return '—'
  return `${localTime(iso, true)} UTC`
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or the date for older times. */
export function ago(iso: string | null, now: number): string {
  const s = secondsUntil(iso, now)
  if (s === null) return 'never'
  const past = -s
  if (past < 45) return 'just now'
  if (past < 3600) return `${Math.round(past / 60)} min ago`
  if (past < 86400) return `${Math.round(past / 3600)} h ago`
  if (past < 7 * 86400) return `${Math.round(past / 86400)} days ago`
  return localTime(iso).slice(0, 10)
}

/** "42 s", "5 min", "1 h 59 min", "1 day 3 h", "3 days", "15 years": the core's duration words. */
export function durationWords(total: number): string {
  const s = Math.max(0, Math.floor(total))
  const MIN = 60
  const HOUR = 60 * MIN
  const DAY = 24 * HOUR
  const YEAR = 365 * DAY + DAY / 4
  if (s < MIN) return `${s} s`
  if (s < HOUR) return `${Math.floor(s / MIN)} min`
  if (s < DAY) {
    const m = Math.floor((s % HOUR) / MIN)
    return `${Math.floor(s / HOUR)} h${m > 0 ? ` ${m} min` : ''}`
  }
  if (s < 2 * DAY) {
    const h = Math.floor((s % DAY) / HOUR)
    return `1 day${h > 0 ? ` ${h} h` : ''}`
  }
  if (s < YEAR) {
    const days = Math.floor(s / DAY)
    return `${days} ${days === 1 ? 'day' : 'days'}`
  }
  const years = Math.floor(s / YEAR)
  return `${years} ${years === 1 ? 'year' : 'years'}`
}

/**
 * A claim's time relative to `now`, as the core words it ("in 1 h 57 min", "2 min ago",
 * "expired 3 s ago" for an expiry), so the inspector's claims table moves with the clock.
 */
export function relativeWords(iso: string, now: number, isExpiry: boolean): string {
  const delta = secondsUntil(iso, now)
  if (delta === null) return ''
  const prefix = isExpiry && delta <= 0 ? 'expired ' : ''
  if (delta === 0) return `${prefix}now`
  return delta > 0 ? `${prefix}in ${durationWords(delta)}` : `${prefix}${durationWords(-delta)} ago`
}
