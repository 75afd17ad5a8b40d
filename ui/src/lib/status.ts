// The status badge of an account, recomputed every second from the facts the backend sent,
// so the countdown and the badge move together without asking Rust each tick.
import type { AccountView, Status } from './types'
import { countdown, secondsUntil } from './time'

/** Mirrors authdeck-core's `accounts::status`: signed out, unknown, expired, expiring, valid. */
export function liveStatus(account: AccountView, now: number): Status {
  if (!account.signed_in) return 'signed_out'
  const left = secondsUntil(account.expires_at, now)
  if (left === null) return 'unknown_expiry'
  if (left <= 0) return 'expired'
  return left <= account.margin_secs ? 'expiring' : 'valid'
}

export interface Badge {
  status: Status | 'error'
  label: string
  /** The countdown or a short reason, shown beside the label. */
  detail: string
}

const LABELS: Record<Status | 'error', string> = {
  valid: 'Valid',
  expiring: 'Expiring',
  expired: 'Expired',
  unknown_expiry: 'Valid',
  signed_out: 'Signed out',
  error: 'Error',
}

/** The badge: an account whose last attempt failed and that has no usable session shows "Error". */
export function badge(account: AccountView, now: number): Badge {
  const status = liveStatus(account, now)
  const broken = account.last_error !== null && (status === 'expired' || status === 'signed_out')
  if (broken) return { status: 'error', label: LABELS.error, detail: account.last_error?.kind.replaceAll('_', ' ') ?? '' }
  if (status === 'signed_out') return { status, label: LABELS[status], detail: '' }
  if (status === 'unknown_expiry') return { status, label: LABELS[status], detail: 'no expiry given' }
  return { status, label: LABELS[status], detail: countdown(secondsUntil(account.expires_at, now)) }
}

/** The host of a base URL ("api.example.com:8443"), which is how environments are told apart. */
export function environment(baseUrl: string): string {
  try {
    const url = new URL(baseUrl)
    const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')
    return url.host + path
  } catch {
    return baseUrl
  }
}

/** The words of a quick filter, lowercased; none for an empty filter. */
export function filterWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean)
}

// What the filter searches in each account, lowercased, computed once per account object: the
// list is replaced, never changed in place, on every reload, so an entry lives as long as the
// account it describes. A keystroke in the filter then costs one `includes` per word and account
// (1,000 accounts: docs/BENCHMARKS.md).
const searched = new WeakMap<AccountView, string>()

function searchText(account: AccountView): string {
  let text = searched.get(account)
  if (text === undefined) {
    text = [account.name, account.email, account.provider, account.provider_name, environment(account.base_url)]
      .join(' ')
      .toLowerCase()
    searched.set(account, text)
  }
  return text
}

/** Accounts matching a quick filter: every word must appear in name, email, provider or host. */
export function matches(account: AccountView, query: string): boolean {
  const words = filterWords(query)
  return words.length === 0 || matchesWords(account, words)
}

function matchesWords(account: AccountView, words: string[]): boolean {
  const text = searchText(account)
  return words.every((w) => text.includes(w))
}

/** The accounts of `list` that match the quick filter, in order (the list itself when it is empty). */
export function filterAccounts(list: AccountView[], query: string): AccountView[] {
  const words = filterWords(query)
  return words.length === 0 ? list : list.filter((a) => matchesWords(a, words))
}

/** How the account list is ordered. */
export type AccountSort = 'name' | 'expiry' | 'recent'

export const ACCOUNT_SORTS: { sort: AccountSort; label: string }[] = [
  { sort: 'name', label: 'Name' },
  { sort: 'expiry', label: 'Expires soonest' },
  { sort: 'recent', label: 'Last logged in' },
]

/** `list` in `sort` order, the `pinned` accounts first (each part in that order): by name; by
 * expiry, soonest first (signed out and unknown expiry last, by name); by last login, newest
 * first (never logged in last). The list itself when nothing moves. */
export function sortAccounts(list: AccountView[], sort: AccountSort, pinned: string[] = []): AccountView[] {
  const sorted = sortedBy(list, sort)
  if (pinned.length === 0) return sorted
  const on = new Set(pinned)
  return [...sorted.filter((a) => on.has(a.name)), ...sorted.filter((a) => !on.has(a.name))]
}

function sortedBy(list: AccountView[], sort: AccountSort): AccountView[] {
  if (sort === 'name') return list
  const time = (iso: string | null) => (iso === null ? null : Date.parse(iso))
  const key = (a: AccountView): number | null =>
    sort === 'expiry' ? (a.signed_in ? time(a.expires_at) : null) : time(a.last_login_at)
  const keyed = list.map((a) => ({ a, k: key(a) }))
  keyed.sort((x, y) => {
    if (x.k === null || y.k === null) return x.k === y.k ? 0 : x.k === null ? 1 : -1
    return sort === 'expiry' ? x.k - y.k : y.k - x.k
  })
  return keyed.map((e) => e.a)
}
