// TypeScript mirrors of authdeck-core's serialized DTOs (outcome.rs, accounts.rs, history.rs,
// session.rs, copy.rs, jwt/explain.rs). Written by hand until core derives ts-rs itself.

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

export type Action = 'login' | 'refresh' | 'relogin' | 'logout' | 'remove' | 'forget_password' | 'check'

export type CopyFormat = 'raw' | 'header' | 'curl' | 'env' | 'json'

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

export interface TimeView {
  timestamp: string
  unix: number
  utc: string
  local: string
  relative: string
}

export interface ExplainedClaim {
  name: string
  label: string
  kind: 'registered' | 'common'
  value: unknown
  text: string
  time: TimeView | null
}

export type TimeStatus = 'valid' | 'expired' | 'not_yet_valid' | 'no_expiry'

export interface Inspection {
  header: Record<string, unknown>
  claims: Record<string, unknown> | null
  payload_text: string | null
  payload_base64: string | null
  alg: string | null
  alg_description: string | null
  kid: string | null
  typ: string | null
  explained: ExplainedClaim[]
  expires_at: TimeView | null
  time_status: TimeStatus
  expired: boolean
  seconds_left: number | null
  inspected_at: string
  notes: string[]
}

/** Errors cross the boundary as {code, message}. */
export interface ErrorPayload {
  code: string
  message: string
}

/** What core's background refresher reports (authdeck_core::refresher::Event). */
export type RefresherEvent =
  | { type: 'renewed'; account: string; expires_at: string | null }
  | { type: 'failed'; account: string; kind: Kind | null; message: string; retry_at: string }
  | { type: 'stopped'; account: string; kind: Kind | null; message: string }
  | { type: 'cannot_renew'; account: string; expires_at: string }
