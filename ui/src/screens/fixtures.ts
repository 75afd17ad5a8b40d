// Test data shared by the screens' tests.
import type { AccountView } from '../lib/types'

// Each fixture account is made a moment after the one before.
let created = 0

/** A signed-out user-login account. */
export function account(name: string, email = `${name}@example.test`): AccountView {
  return {
    name,
    provider: 'user-login',
    provider_name: 'User Login',
    base_url: 'https://api.example.test',
    email,
    client_id: null,
    oauth: false,
    oauth_grant: null,
    status: 'signed_out',
    signed_in: false,
    issued_at: null,
    expires_at: null,
    margin_secs: 30,
    token_fingerprint: null,
    has_refresh_token: false,
    password_remembered: false,
    last_login_at: null,
    last_error: null,
    options: { set: [], allow_insecure_http: false, timeout_secs: null, env_var: null, tag: null },
    pinned: false,
    created_at: `2026-01-01T00:00:00.${String(created++ % 1000).padStart(3, '0')}Z`,
  } as AccountView
}
