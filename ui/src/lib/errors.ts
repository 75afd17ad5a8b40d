// Errors in plain words, with the details (status, code, message) one click away.
import type { ErrorCode, ErrorPayload, Failure, Kind } from './types'

export interface Shown {
  /** One sentence a person can act on. */
  title: string
  /** Label/value pairs behind "Details". */
  details: [string, string][]
}

const KIND_WORDS: Record<Kind, string> = {
  invalid_credentials: 'The email or password is wrong.',
  user_not_found: 'There is no user with that email.',
  invalid_password: 'The password is wrong.',
  account_inactive: 'The account is inactive.',
  account_not_verified: 'The account is not verified yet.',
  no_password_set: 'The account has no password: it signs in another way.',
  bad_request: 'The server rejected the request as malformed.',
  rate_limited: 'Too many attempts: the server asks to slow down.',
  server_error: 'The server failed.',
  network_error: 'The server could not be reached.',
  protocol_error: "The server's answer was not what the provider describes.",
  rejected: 'The server refused the login.',
  invalid_client: 'The client id or secret was not accepted.',
  invalid_grant: 'The sign-in was refused (expired, revoked or already used): sign in again.',
  invalid_scope: 'A scope asked for is not allowed.',
  access_denied: 'Access was denied.',
  unauthorized_client: 'This client may not use this way of signing in.',
  expired_token: 'The sign-in expired before it was approved.',
}

// Record<ErrorCode, …>: a code core adds without words here fails `npm run check`.
const CODE_WORDS: Record<ErrorCode, string> = {
  invalid_input: 'Something in the form needs fixing.',
  provider: 'The provider could not be read.',
  not_found: 'It does not exist (any more).',
  keyring: 'The system keyring is not available.',
  storage: "Authdeck's database failed.",
  session_expired: 'The session expired and cannot be renewed without you.',
  refused: 'The server refused.',
  io: 'A file could not be read or written.',
  malformed_token: 'This is not a readable JWT.',
  conflict: 'Another Authdeck window or command changed this account meanwhile: nothing was done, try again.',
  encrypted_token: "This token is encrypted (JWE): its claims cannot be read without the recipient's key.",
  internal: 'Something went wrong inside Authdeck.',
}

export function kindWords(kind: Kind): string {
  return KIND_WORDS[kind] ?? 'The login failed.'
}

/** A refused login or refresh. */
export function showFailure(f: Failure): Shown {
  const details: [string, string][] = [['Kind', f.kind]]
  details.push(['HTTP status', f.http_status === null ? 'none (no answer)' : String(f.http_status)])
  if (f.error_code) details.push(['Provider code', f.error_code])
  if (f.message) details.push(['Message', f.message])
  if (f.retry_after_secs !== null) details.push(['Retry after', `${f.retry_after_secs} s`])
  return { title: kindWords(f.kind), details }
}

/** A refused login or refresh of one account, for a notice outside its own view: the same
 * words the account's own notice uses, after its name. */
export function showAccountFailure(account: string, f: Failure): Shown {
  return { ...showFailure(f), title: `${account}: ${kindWords(f.kind)}` }
}

// Core's messages name the CLI's options; in the app, the same choice has a place in a form.
const APP_WORDS: [RegExp, string][] = [
  [/\(`authdeck login [^`]* --allow-insecure-http`\)/g, '(“Allow plain http://” under Options in the account form)'],
  // Core's "session expired" advice, whole: the option it names is a box in the form.
  [
    /Run `authdeck login ([^`\s]+)` \(add --remember-password to renew by itself next time; a pasted token is never renewed: paste a new one with --token-stdin\)/g,
    'Log in on $1 again (with “Remember the password” ticked it renews by itself next time; a pasted token is never renewed: paste a new one)',
  ],
  [/(?:[Rr]un )?`authdeck login ([^`\s]+)`/g, 'use Log in on $1'],
  [/\(?`authdeck providers add`\)?/g, 'the Providers screen'],
  [/`?--set ([^\s`]+)`?/g, '“$1”'],
]

/** `message` with the CLI's options named as the app's forms name them. */
export function inAppWords(message: string): string {
  return APP_WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), message)
}

/** Anything a command threw: an ErrorPayload, or (defensively) anything else. */
export function showError(e: unknown): Shown {
  const raw = asPayload(e)
  const p = { ...raw, message: inAppWords(raw.message) }
  const general = CODE_WORDS[p.code]
  // Our own messages are written for people already: the title, its start when it is long
  // (it says what is wrong first; the whole of it is behind Details).
  const title = p.message ? sentence(shortened(p.message)) : general
  return { title, details: [['Code', p.code], ['Message', p.message || general]] }
}

export function asPayload(e: unknown): ErrorPayload {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const o = e as { code: unknown; message: unknown; header?: unknown }
    const payload: ErrorPayload = { code: knownCode(o.code), message: String(o.message) }
    // An encrypted token's header: the one thing the inspector can still show.
    if (o.header && typeof o.header === 'object' && !Array.isArray(o.header)) payload.header = o.header as ErrorPayload['header']
    return payload
  }
  if (e instanceof Error) return { code: 'internal', message: e.message }
  return { code: 'internal', message: typeof e === 'string' ? e : 'unknown error' }
}

/** `text`, or its first 200 characters cut at a word and ended with "…". */
function shortened(text: string): string {
  if (text.length <= 240) return text
  const cut = text.slice(0, 200)
  const space = cut.lastIndexOf(' ')
  return `${space > 120 ? cut.slice(0, space) : cut}…`
}

export function sentence(text: string): string {
  const t = text.trim()
  const capital = t.charAt(0).toUpperCase() + t.slice(1)
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`
}

/** The code when it is one of ours, else `internal` (a payload from something else). */
function knownCode(code: unknown): ErrorCode {
  return typeof code === 'string' && code in CODE_WORDS ? (code as ErrorCode) : 'internal'
}
