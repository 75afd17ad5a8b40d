// "Try it": the path each account was last tried with, kept in this app's local storage.

const KEY = 'authdeck.try-paths'
/** The sandbox's documented APIs, each of which answers GET /_sandbox/me with the token's user. */
const SANDBOX_API = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/(meetra|user-login|talkstack|meetmates|sealmetrics)\/?$/

type Store = Pick<Storage, 'getItem' | 'setItem'> | null

function read(storage: Store): Record<string, string> {
  try {
    const saved = JSON.parse(storage?.getItem(KEY) ?? '{}')
    return saved && typeof saved === 'object' ? saved : {}
  } catch {
    return {}
  }
}

/** The path to offer for `account`: the one it was last tried with; on the sandbox's APIs its
 * who-am-I route; else the API's root. */
export function probePath(account: string, baseUrl: string, storage: Store = globalThis.localStorage ?? null): string {
  const kept = read(storage)[account]
  if (typeof kept === 'string' && kept.startsWith('/')) return kept
  return SANDBOX_API.test(baseUrl) ? '/_sandbox/me' : '/'
}

/** Keeps `path` as the one `account` was tried with. */
export function saveProbePath(account: string, path: string, storage: Store = globalThis.localStorage ?? null) {
  const all = read(storage)
  all[account] = path
  storage?.setItem(KEY, JSON.stringify(all))
}
