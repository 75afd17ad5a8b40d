import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render } from '@testing-library/svelte'
import { tick } from 'svelte'
import type { AccountView } from '../lib/types'

// The screen talks to the backend only through `api`; here it answers from memory.
const list: AccountView[] = []
const refresh = vi.fn(async (account: string) => ({ account, ok_tag: 'ok' }))
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => list,
    proxies: async () => [],
    refresh: (account: string) => refresh(account),
  },
}))

const { accounts } = await import('../lib/app.svelte')
const { default: Accounts } = await import('./Accounts.svelte')

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
  } as AccountView
}

afterEach(cleanup)

const longName = 'n'.repeat(64)
const longEmail = `${'e'.repeat(120)}@example-co.test`.padEnd(138, 'x')

describe('Accounts screen with long values', () => {
  beforeEach(async () => {
    list.splice(0, list.length, account(longName, longEmail), account('short'))
    await accounts.reload()
    accounts.selected = longName
  })

  it('cuts a 64-character name and a 138-character email to one line, with the full value on hover', () => {
    expect(longEmail.length).toBe(138)
    const view = render(Accounts)
    const row = view.container.querySelector(`.account-row[data-account="${longName}"]`)!
    const name = row.querySelector('.name')!
    const email = row.querySelector('.email')!
    expect(name.getAttribute('title')).toBe(longName)
    expect(name.classList.contains('clip')).toBe(true)
    expect(email.getAttribute('title')).toBe(longEmail)
    expect(email.classList.contains('clip')).toBe(true)
    const heading = view.container.querySelector('[data-field="account-name"]')!
    expect(heading.getAttribute('title')).toBe(longName)
    expect(heading.classList.contains('clip')).toBe(true)
    expect(heading.nextElementSibling?.getAttribute('title')).toContain(longEmail)
  })
})
