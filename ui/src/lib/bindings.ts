// Generated from src-tauri/src/dto.rs by ts-rs: do not edit.
// Regenerate with `UPDATE_BINDINGS=1 cargo test -p authdeck-app bindings`.
import type { Action, CopyFormat, Failure, Kind, Status } from './core-types'

export type AccountView = { name: string, provider: string, provider_name: string, base_url: string, email: string, status: Status, signed_in: boolean, issued_at: string | null, expires_at: string | null, 
/**
 * Seconds before expiry at which the account counts as expiring (and is refreshed).
 */
margin_secs: number, token_fingerprint: string | null, has_refresh_token: boolean, password_remembered: boolean, last_login_at: string | null, 
/**
 * The failure of the account's newest event, when that event failed.
 */
last_error: Failure | null, };

export type LoginInput = { account: string, provider: string, base_url: string, email: string, password: string, remember_password: boolean, };

export type HistoryFilter = { account: string | null, action: Action | null, kind: Kind | null, ok: boolean | null, since: string | null, limit: number | null, };

export type CopyReceipt = { format: CopyFormat, 
/**
 * Seconds until the clipboard is cleared, or null when clearing is off.
 */
clears_in_secs: number | null, };

export type KeyInput = { "type": "secret", "value": string } | { "type": "pem", "value": string } | { "type": "jwks", "value": string } | { "type": "jwks_url", "value": string };

export type TokenSource = { account: string, } | { token: string, };

export type ProviderView = { id: string, name: string, description: string, base_url: string | null, 
/**
 * `preset` or `file`.
 */
source: string, path: string | null, refreshable: boolean, choices: Array<string>, docs: string | null, 
/**
 * The provider file's TOML, for the editor.
 */
toml: string, };

export type ProviderProblem = { line: number | null, field: string | null, message: string, };

export type ProviderCheck = { ok: boolean, problem: ProviderProblem | null, };

export type Theme = "system" | "light" | "dark";

export type Settings = { 
/**
 * Seconds before expiry to refresh; null: 10 % of the lifetime, 30 s to 5 min.
 */
refresh_margin_secs: number | null, 
/**
 * Seconds until a copied token is cleared from the clipboard; null: never.
 */
clipboard_clear_secs: number | null, notifications: boolean, theme: Theme, };

export type SandboxInfo = { url: string, accounts: Array<string>, };

export type RefreshEvent = { account: string, ok: boolean, action: Action, message: string | null, };

export type VerifyResult = { valid: boolean, message: string, };

export type TestLogin = { latency_ms: number, http_status: number | null, expires_at: string | null, refreshable: boolean, failure: Failure | null, };
