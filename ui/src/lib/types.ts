// The shapes that cross the Tauri boundary. Generated types from Rust (ts-rs) live in
// ./bindings/ and are re-exported here once the Rust DTOs exist; until then, hand-written ones.

export type Status = 'valid' | 'expiring' | 'expired' | 'unknown_expiry' | 'signed_out'

export type Kind =
  | 'invalid_credentials'
  | 'user_not_found'
  | 'invalid_password'
  | 'account_inactive'
  | 'account_not_verified'
  | 'no_password_set'
  | 'bad_request'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'protocol_error'
  | 'rejected'

export type Action =
  | 'login'
  | 'refresh'
  | 'relogin'
  | 'logout'
  | 'remove'
  | 'forget_password'
  | 'check'

/** An account as the list shows it: configuration and the non-secret session facts. */
export interface AccountView {
  name: string
  provider: string
  provider_name: string
  base_url: string
  email: string
  status: Status
  signed_in: boolean
  issued_at: string | null
  expires_at: string | null
  /** Seconds before expiry at which the account counts as expiring (and is refreshed). */
  margin_secs: number
  token_fingerprint: string | null
  has_refresh_token: boolean
  password_remembered: boolean
  last_login_at: string | null
  /** The last failure of this account, when its newest event failed. */
  last_error: Failure | null
}

export interface Failure {
  kind: Kind
  http_status: number | null
  error_code: string | null
  message: string | null
  retry_after_secs: number | null
}

export interface SessionFacts {
  http_status: number
  expires_at: string | null
  refreshable: boolean
  claims: Record<string, unknown> | null
  token_fingerprint: string
  clock_skew_secs: number | null
  notes: string[]
}

export type LoginReport = {
  account: string
  provider: string
  email: string
  base_url: string
  latency_ms: number
} & (({ ok_tag: 'ok' } & SessionFacts) | ({ ok_tag: 'failed' } & Failure))

export interface LoginInput {
  account: string
  provider: string
  base_url: string
  email: string
  /** Empty: use the remembered password. */
  password: string
  remember_password: boolean
}

export interface Event {
  id: number
  at: string
  account: string
  provider: string
  action: Action
  ok: boolean
  http_status: number | null
  kind: Kind | null
  error_code: string | null
  message: string | null
  latency_ms: number | null
  token_fingerprint: string | null
  expires_at: string | null
  note: string | null
  suite_run: string | null
}

export interface HistoryFilter {
  account: string | null
  action: Action | null
  kind: Kind | null
  ok: boolean | null
  /** Only events at or after this RFC 3339 time. */
  since: string | null
  limit: number | null
}

export type CopyFormat = 'raw' | 'header' | 'curl' | 'env' | 'json'

export interface CopyReceipt {
  format: CopyFormat
  /** Seconds until the clipboard is cleared, or null when clearing is off. */
  clears_in_secs: number | null
}

export interface ClaimView {
  name: string
  value: unknown
  /** What the registered claim means, when it is one. */
  explanation: string | null
  /** For time claims: the time in UTC (RFC 3339). */
  time: string | null
}

export interface Inspection {
  header: Record<string, unknown>
  claims: ClaimView[]
  /** The payload when it is not a JSON object (a JWS of anything). */
  payload_text: string | null
  alg: string | null
  expires_at: string | null
  issued_at: string | null
  not_before: string | null
  fingerprint: string
  notes: string[]
}

export type KeyInput =
  | { type: 'secret'; value: string }
  | { type: 'pem'; value: string }
  | { type: 'jwks'; value: string }
  | { type: 'jwks_url'; value: string }

export interface SignatureCheck {
  valid: boolean
  alg: string | null
  message: string
}

export interface ProviderView {
  id: string
  name: string
  description: string
  base_url: string | null
  source: 'preset' | 'file'
  path: string | null
  refreshable: boolean
  choices: string[]
  docs: string | null
  /** The provider file's TOML text, for the editor. */
  toml: string
}

export interface LoadProblem {
  file: string | null
  line: number | null
  field: string | null
  message: string
}

export interface ProviderCheck {
  ok: boolean
  problem: LoadProblem | null
  provider: ProviderView | null
}

export type Theme = 'system' | 'light' | 'dark'

export interface Settings {
  /** Seconds before expiry to refresh; null uses the default (10 % of the lifetime). */
  refresh_margin_secs: number | null
  /** Seconds until a copied token is cleared from the clipboard; null: never. */
  clipboard_clear_secs: number | null
  notifications: boolean
  theme: Theme
}

export interface SandboxInfo {
  url: string
  accounts: string[]
}

/** What the background refresher reports. */
export interface RefreshEvent {
  account: string
  ok: boolean
  action: Action
  message: string | null
}

/** Errors cross the boundary as {code, message}. */
export interface ErrorPayload {
  code: string
  message: string
}
