// The QA screen's logic: tallies, re-run selection, and turning form input into a suite case.
import type { Case, CaseResult, CaseStatus, Kind } from './types'

export const KINDS: Kind[] = [
  'invalid_credentials', 'user_not_found', 'invalid_password', 'account_inactive', 'account_not_verified',
  'no_password_set', 'bad_request', 'rate_limited', 'server_error', 'network_error', 'protocol_error', 'rejected',
  'invalid_client', 'invalid_grant', 'invalid_scope', 'access_denied', 'unauthorized_client', 'expired_token',
]

export type Tally = Record<CaseStatus, number>

/** How many cases passed, failed and could not run. */
export function tally(results: CaseResult[]): Tally {
  const t: Tally = { pass: 0, fail: 0, error: 0 }
  for (const r of results) t[r.status] += 1
  return t
}

/** Suite positions of the cases to run again: those that failed or could not run. */
export function failedIndexes(results: CaseResult[]): number[] {
  return results.filter((r) => r.status !== 'pass').map((r) => r.index).sort((a, b) => a - b)
}

/** A new case with nothing expected but success. */
export function blankCase(n: number): Case {
  return { name: `case ${n}`, email: '', ok: true }
}

/** Empty text fields and NaN numbers mean "not set": the suite file leaves them out. A password
 * is kept even when empty: `password = ""` is how a suite sends no password at all. */
export function cleanCase(c: Case): Case {
  const out: Case = { name: c.name.trim(), email: c.email.trim() }
  const text = ['password', 'password_env', 'password_from_account', 'password_keyring', 'provider', 'base_url', 'error_code', 'message_contains', 'message_matches'] as const
  for (const key of text) {
    const v = c[key]
    if (key === 'password' && typeof v === 'string') out.password = v
    else if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim()
  }
  for (const key of ['http_status', 'max_latency_ms'] as const) {
    const v = c[key]
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v
  }
  if (c.kind) out.kind = c.kind
  if (typeof c.ok === 'boolean') out.ok = c.ok
  return out
}

/** What a case expects, in one short line: "ok · 200" or "invalid password · 401 · INVALID_PASSWORD". */
export function expectation(c: Case): string {
  const parts: string[] = []
  if (c.kind) parts.push(c.kind.replaceAll('_', ' '))
  else if (c.ok === true) parts.push('ok')
  else if (c.ok === false) parts.push('fails')
  if (c.http_status != null) parts.push(String(c.http_status))
  if (c.error_code) parts.push(c.error_code)
  if (c.message_contains) parts.push(`“${c.message_contains}”`)
  if (c.message_matches) parts.push(`/${c.message_matches}/`)
  return parts.join(' · ') || 'anything'
}
