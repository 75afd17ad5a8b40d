// History filters as the screen offers them, turned into the backend's filter.
import type { Action, HistoryFilter, Kind } from './types'

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
}

/** Empty choices mean "any"; a kind implies failed events; the list stops at 500 rows. */
export function filterFor(form: FilterForm, now: number): HistoryFilter {
  const seconds = SINCE_CHOICES.find((c) => c.id === form.since)?.seconds ?? null
  return {
    account: form.account || null,
    action: form.action || null,
    kind: form.kind || null,
    ok: form.kind ? false : form.outcome === '' ? null : form.outcome === 'ok',
    since: seconds === null ? null : new Date(now - seconds * 1000).toISOString(),
    limit: 500,
  }
}
