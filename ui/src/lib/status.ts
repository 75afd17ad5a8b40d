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
    text = [account.name, account.email, account.provider, account.provider_name, environment(account.base_url), account.options.tag ?? '']
      .join(' ')
      .toLowerCase()
    searched.set(account, text)
  }
  return text
}

/** Accounts matching a quick filter: every word must appear in name, email, provider, host or tag. */
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

/** `list` in `sort` order, the pinned accounts first (each part in that order): by name; by
 * expiry, soonest first (signed out and unknown expiry last, by name); by last login, newest
 * first (never logged in last). The list itself when nothing moves. */
export function sortAccounts(list: AccountView[], sort: AccountSort): AccountView[] {
  const sorted = sortedBy(list, sort)
  if (!sorted.some((a) => a.pinned)) return sorted
  return [...sorted.filter((a) => a.pinned), ...sorted.filter((a) => !a.pinned)]
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

/** How the account list is cut into groups. */
export type AccountGrouping = 'none' | 'provider' | 'tag'

export const ACCOUNT_GROUPINGS: { group: AccountGrouping; label: string }[] = [
  { group: 'none', label: 'None' },
  { group: 'provider', label: 'Provider' },
  { group: 'tag', label: 'Tag' },
]

/** One line of the account list: a group's heading or an account (`index`: its place among
 * the accounts shown, for keyboard moves and `aria-posinset`). */
export type ListItem =
  | { kind: 'group'; key: string; label: string; count: number; collapsed: boolean; builtin: boolean }
  | { kind: 'account'; a: AccountView; index: number }

const NO_TAG = 'tag:'

/** The key of `a`'s group under `by`: its provider, or its tag letter case aside. */
export function groupKey(a: AccountView, by: AccountGrouping): string {
  if (by === 'provider') return `provider:${a.provider}`
  return a.options.tag ? `tag:${a.options.tag.toLowerCase()}` : NO_TAG
}

/**
 * `sorted` (in the list's order, pinned accounts first) as the list shows it: without headings
 * when `by` is `none`; else the pinned accounts under "Pinned", then one group per provider or
 * tag, by name ("No tag" last), each in the list's order. The accounts of a group whose key is
 * in `collapsed` are left out, unless `expandAll` (a filter is typed: its matches show).
 */
export function groupAccounts(
  sorted: AccountView[],
  by: AccountGrouping,
  collapsed: ReadonlySet<string>,
  expandAll = false,
): ListItem[] {
  if (by === 'none') return sorted.map((a, index) => ({ kind: 'account', a, index }))
  const groups = new Map<string, { label: string; members: AccountView[] }>()
  const top: AccountView[] = []
  for (const a of sorted) {
    if (a.pinned) {
      top.push(a)
      continue
    }
    const key = groupKey(a, by)
    let group = groups.get(key)
    if (!group) {
      const label = by === 'provider' ? a.provider_name : (a.options.tag ?? 'No tag')
      group = { label, members: [] }
      groups.set(key, group)
    }
    group.members.push(a)
  }
  const ordered = [...groups.entries()].sort(([k1, g1], [k2, g2]) => {
    if (k1 === NO_TAG || k2 === NO_TAG) return k1 === k2 ? 0 : k1 === NO_TAG ? 1 : -1
    return compareWords(g1.label, g2.label) || (k1 < k2 ? -1 : k1 > k2 ? 1 : 0)
  })
  if (top.length) ordered.unshift(['pinned', { label: 'Pinned', members: top }])
  const items: ListItem[] = []
  let index = 0
  for (const [key, group] of ordered) {
    const shut = !expandAll && collapsed.has(key)
    items.push({ kind: 'group', key, label: group.label, count: group.members.length, collapsed: shut, builtin: key === 'pinned' || key === NO_TAG })
    if (shut) continue
    for (const a of group.members) items.push({ kind: 'account', a, index: index++ })
  }
  return items
}

/** A word as it sorts: letter case and accents aside (`Ünïcødé` beside `unicode`). Not
 * `localeCompare`: WebKitGTK's may order by code point, capitals before every small letter. */
function sortKey(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** Orders two words by [`sortKey`]. */
export function compareWords(a: string, b: string): number {
  const x = sortKey(a)
  const y = sortKey(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** The tags in use, each once (as first written), by name: the edit form offers them. */
export function tagsInUse(list: AccountView[]): string[] {
  const seen = new Map<string, string>()
  for (const a of list) {
    const tag = a.options.tag
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag)
  }
  return [...seen.values()].sort(compareWords)
}
