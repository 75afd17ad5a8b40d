// History filters as the screen offers them, turned into the backend's filter.
import type { Action, Event, EventKey, HistoryFilter, Kind } from './types'
import { localTime } from './time'
import { grouped } from './count'

export type SinceChoice = 'hour' | 'day' | 'week' | 'all'

export const SINCE_CHOICES: { id: SinceChoice; label: string; seconds: number | null }[] = [
  { id: 'hour', label: 'Last hour', seconds: 3600 },
  { id: 'day', label: 'Last 24 hours', seconds: 86400 },
  { id: 'week', label: 'Last 7 days', seconds: 7 * 86400 },
  { id: 'all', label: 'Any time', seconds: null },
]

export interface FilterForm {
  account: string
  action: Action | ''
  kind: Kind | ''
  outcome: '' | 'ok' | 'failed'
  since: SinceChoice
  /** A piece of the server's message; blank means any. */
  message: string
}

/** How many events a page of the view shows. */
export const PAGE_SIZE = 100

/** Empty choices mean "any"; a kind implies failed events; the newest page of PAGE_SIZE rows. */
export function filterFor(form: FilterForm, now: number): HistoryFilter {
  const seconds = SINCE_CHOICES.find((c) => c.id === form.since)?.seconds ?? null
  return {
    account: form.account || null,
    action: form.action || null,
    kind: form.kind || null,
    ok: form.kind ? false : form.outcome === '' ? null : form.outcome === 'ok',
    since: seconds === null ? null : new Date(now - seconds * 1000).toISOString(),
    message: form.message.trim() || null,
    page: { from: 'newest' },
    limit: PAGE_SIZE,
  }
}

/** An event's place in the order, for the page just above or below it. */
export function keyOf(e: Event): EventKey {
  return { at_ms: Date.parse(e.at), id: e.id }
}

/** "1–100 of 1,234 events", "No events match", "1 event". `offset` is the first row's index. */
export function pageWords(offset: number, shown: number, total: number | null): string {
  if (total === null) return shown === 0 ? '' : `${grouped(offset + 1)}–${grouped(offset + shown)}`
  if (total === 0) return 'No events match'
  if (total === 1) return '1 event'
  if (shown === total) return `${grouped(total)} events`
  return `${grouped(offset + 1)}–${grouped(offset + shown)} of ${grouped(total)} events`
}

/** A file name for an export: authdeck-history-20261122-120000.csv, in local time. */
export function csvName(now: Date): string {
  return `authdeck-history-${localTime(now.toISOString()).replace(/[-:]/g, '').replace(' ', '-')}.csv`
}
