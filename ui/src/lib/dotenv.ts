// "Import from .env": the rows the user ticks and names, checked before anything is sent.
import { accountNameProblem } from './names'
import type { DotenvPick, DotenvVariable } from './types'

export type DotenvRow = { variable: DotenvVariable; pick: boolean; account: string; baseUrl: string; provider: string }

/** `name`, or `name-2`, `name-3`… when it is taken, within 64 characters. */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name
  for (let n = 2; ; n++) {
    const suffix = `-${n}`
    const candidate = name.slice(0, 64 - suffix.length) + suffix
    if (!taken(candidate)) return candidate
  }
}

/** One row per variable: the likely tokens ticked, each under a free account name (letter
 * case aside) and with `provider` (empty until the providers are known). */
export function rowsOf(variables: DotenvVariable[], existing: string[], provider = ''): DotenvRow[] {
  const used = new Set(existing.map((n) => n.toLowerCase()))
  return variables.map((variable) => {
    const account = variable.likely ? freeName(variable.account, (n) => used.has(n.toLowerCase())) : variable.account
    if (variable.likely) used.add(account.toLowerCase())
    return { variable, pick: variable.likely, account, baseUrl: variable.base_url ?? '', provider }
  })
}

/** What is wrong with each row, in words for it (null when it can be imported or is not
 * ticked). One pass over the rows: a file may hold a thousand variables. */
export function rowProblems(rows: DotenvRow[], existing: string[]): (string | null)[] {
  const taken = new Set(existing)
  // Two names only letter case apart would share one keyring entry on Windows and macOS.
  const key = (r: DotenvRow) => r.account.trim().toLowerCase()
  const chosen = new Map<string, number>()
  for (const r of rows) if (r.pick) chosen.set(key(r), (chosen.get(key(r)) ?? 0) + 1)
  return rows.map((row) => {
    if (!row.pick) return null
    const name = row.account.trim()
    if (taken.has(name)) return `${name} is taken: choose another name.`
    const bad = accountNameProblem(name, existing)
    if (bad) return bad
    if ((chosen.get(key(row)) ?? 0) > 1) return `${name} is chosen twice.`
    if (!/^https?:\/\/[^\s/]+/.test(row.baseUrl.trim())) return 'Give the base URL of its API, as https://host[/prefix].'
    if (row.provider === '') return 'Choose how its API takes the token (the provider).'
    return null
  })
}

/** The ticked rows as core takes them, each with its provider, and `tag` for all (empty: none). */
export function picksOf(rows: DotenvRow[], tag = ''): DotenvPick[] {
  const t = tag.trim() === '' ? null : tag.trim()
  return rows.filter((r) => r.pick).map((r) => ({ variable: r.variable.name, account: r.account.trim(), provider: r.provider, base_url: r.baseUrl.trim(), tag: t }))
}
