// Countdowns and times as people read them. Every function takes `now` so tests can pin it.

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

/** "2026-11-22 14:03:09" in the given time zone (the user's own by default). */
export function localTime(iso: string | null, timeZone?: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`
}

/** The same instant in UTC, ending in "Z" so nobody mistakes it for local time. */
export function utcTime(iso: string | null): string {
  if (!iso) return '—'
  return `${localTime(iso, 'UTC')} UTC`
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
