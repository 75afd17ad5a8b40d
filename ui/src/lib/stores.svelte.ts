// App state the screens share: the ticking clock, the accounts, settings and notices.
import type { AccountView, Settings, Theme } from './types'
import { showError, type Shown } from './errors'
import { groupKey, type AccountGrouping, type AccountSort } from './status'

/** A clock that ticks once a second while something shows a countdown. */
export class Clock {
  now = $state(Date.now())
  #timer: ReturnType<typeof setInterval> | null = null

  start(read: () => number = Date.now) {
    this.stop()
    this.now = read()
    this.#timer = setInterval(() => (this.now = read()), 1000)
  }

  stop() {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }
}

export interface Notice {
  id: number
  tone: 'info' | 'success' | 'error'
  shown: Shown
}

/** How many error toasts stay at once. */
export const MAX_ERRORS = 3

/** How long an error toast stays, in ms: at 800×600 three of them cover the account view. */
export const ERROR_TTL_MS = 20_000

/** Short-lived messages at the bottom of the window; errors stay 20 s unless dismissed. */
export class Notices {
  items = $state<Notice[]>([])
  #next = 1

  info(title: string, tone: 'info' | 'success' = 'success', ttlMs = 4000) {
    const id = this.#next++
    this.items.push({ id, tone, shown: { title, details: [] } })
    if (ttlMs > 0) setTimeout(() => this.dismiss(id), ttlMs)
    return id
  }

  error(e: unknown) {
    return this.show(showError(e))
  }

  /** An error already put into words (a refused login: showAccountFailure). The same error
   * again replaces the one shown, and at most [`MAX_ERRORS`] stay (the oldest goes): a
   * server that is down for an hour leaves one toast, not a column of them. */
  show(shown: Shown) {
    const id = this.#next++
    const others = this.items.filter((n) => n.tone !== 'error' || n.shown.title !== shown.title)
    const errors = others.filter((n) => n.tone === 'error')
    const drop = new Set(errors.slice(0, Math.max(0, errors.length - (MAX_ERRORS - 1))).map((n) => n.id))
    this.items = [...others.filter((n) => !drop.has(n.id)), { id, tone: 'error', shown }]
    // Long enough to read and open its details; the account view and History keep the error.
    setTimeout(() => this.dismiss(id), ERROR_TTL_MS)
    return id
  }

  dismiss(id: number) {
    this.items = this.items.filter((n) => n.id !== id)
  }
}

const SORT_KEY = 'authdeck.accounts.sort'

function savedSort(): AccountSort {
  const saved = globalThis.localStorage?.getItem(SORT_KEY)
  return saved === 'expiry' || saved === 'recent' ? saved : 'name'
}

/** Keeps the list's order for the next start. */
export function saveSort(sort: AccountSort) {
  globalThis.localStorage?.setItem(SORT_KEY, sort)
}

const GROUP_KEY = 'authdeck.accounts.group'
const COLLAPSED_KEY = 'authdeck.accounts.collapsed'

function savedGroup(): AccountGrouping {
  const saved = globalThis.localStorage?.getItem(GROUP_KEY)
  return saved === 'provider' || saved === 'tag' ? saved : 'none'
}

function savedCollapsed(): Set<string> {
  try {
    const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(COLLAPSED_KEY) ?? '[]')
    return new Set(Array.isArray(saved) ? saved.filter((k): k is string => typeof k === 'string') : [])
  } catch {
    return new Set()
  }
}

/** Old name to new name of each account of `before` that `after` has under another name: the
 * same creation time, a name `before` did not have. */
export function renames(before: AccountView[], after: AccountView[]): Map<string, string> {
  const out = new Map<string, string>()
  if (before.length === 0) return out
  const had = new Set(before.map((a) => a.name))
  const kept = new Set(after.map((a) => a.name))
  // One pass each way: a reload of 1,000 accounts comes every time a session renews.
  const gone = new Map(before.filter((a) => !kept.has(a.name)).map((a) => [a.created_at, a.name]))
  if (gone.size === 0) return out
  for (const a of after) {
    const old = had.has(a.name) ? undefined : gone.get(a.created_at)
    if (old !== undefined) out.set(old, a.name)
  }
  return out
}

/** The account list, the selection and the quick filter. */
export class Accounts {
  /** Replaced as a whole on every reload, never changed in place: not deeply reactive, so a
   * list of 1,000 accounts is not wrapped in 1,000 proxies. */
  list = $state.raw<AccountView[]>([])
  selected = $state<string | null>(null)
  /** The accounts renamed elsewhere (the CLI) since the reload before the last, old name to
   * new: History's filter follows them as the selection does. */
  renamed = $state.raw<ReadonlyMap<string, string>>(new Map())
  query = $state('')
  /** The list's order, kept for the next start (not a secret: a word). */
  sort = $state<AccountSort>(savedSort())
  /** How the list is grouped, kept for the next start. */
  group = $state<AccountGrouping>(savedGroup())
  /** The keys of the collapsed groups ([`groupKey`]), kept for the next start. */
  collapsed = $state.raw<ReadonlySet<string>>(savedCollapsed())
  loaded = $state(false)
  #load: () => Promise<AccountView[]>

  constructor(load: () => Promise<AccountView[]>) {
    this.#load = load
  }

  get current(): AccountView | null {
    return this.list.find((a) => a.name === this.selected) ?? null
  }

  /** Reloads from the backend; keeps the selection when the account still exists, and
   * follows it to its new name when it was renamed elsewhere (the CLI): same creation time. */
  async reload() {
    // A copy: a loader that hands back the same array (a test's) still counts as a change.
    const list = [...(await this.#load())]
    this.renamed = renames(this.list, list)
    this.list = list
    this.loaded = true
    if (list.some((a) => a.name === this.selected)) return
    const renamed = this.selected === null ? undefined : this.renamed.get(this.selected)
    this.selected = renamed ?? list[0]?.name ?? null
  }

  /** Groups the list by `by`, and keeps that choice. */
  groupBy(by: AccountGrouping) {
    this.group = by
    globalThis.localStorage?.setItem(GROUP_KEY, by)
  }

  /** Selects `name` and opens its group when that is collapsed (pinned accounts form a
   * group of their own): the command palette goes there. */
  show(name: string) {
    this.selected = name
    const a = this.list.find((x) => x.name === name)
    if (!a || this.group === 'none') return
    const key = a.pinned ? 'pinned' : groupKey(a, this.group)
    if (this.collapsed.has(key)) this.toggleGroup(key)
  }

  /** Opens a collapsed group or collapses an open one, and keeps that choice. */
  toggleGroup(key: string) {
    const next = new Set(this.collapsed)
    if (!next.delete(key)) next.add(key)
    this.collapsed = next
    globalThis.localStorage?.setItem(COLLAPSED_KEY, JSON.stringify([...next]))
  }

  /** Moves the selection by `step` within `visible` (the filtered list), for arrow keys. */
  move(visible: AccountView[], step: number) {
    if (visible.length === 0) return
    const at = visible.findIndex((a) => a.name === this.selected)
    const next = at < 0 ? 0 : Math.min(visible.length - 1, Math.max(0, at + step))
    this.selected = visible[next].name
  }
}

export const defaultSettings: Settings = {
  refresh_margin_secs: null,
  clipboard_clear_secs: 45,
  notifications: true,
  theme: 'system',
  pinned: [],
}

let stopFollowing: (() => void) | null = null

/** The OS's dark preference, where the webview reports one. */
const systemDark = () => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null)

/**
 * Applies the theme to the document as `data-theme="light" | "dark"`. `system` takes the OS's
 * current scheme and follows its changes, so app.css writes the dark palette once.
 */
export function applyTheme(
  theme: Theme,
  root: HTMLElement = document.documentElement,
  prefersDark: Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'> | null = systemDark(),
) {
  stopFollowing?.()
  stopFollowing = null
  const set = () => {
    root.dataset.theme = theme === 'system' ? (prefersDark?.matches ? 'dark' : 'light') : theme
  }
  if (theme === 'system' && prefersDark) {
    prefersDark.addEventListener('change', set)
    stopFollowing = () => prefersDark.removeEventListener('change', set)
  }
  set()
}
