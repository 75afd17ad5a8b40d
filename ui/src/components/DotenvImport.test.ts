import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { AccountView, DotenvFile, DotenvPick } from '../lib/types'
import { account } from '../screens/fixtures'

const list: AccountView[] = []
const importDotenv = vi.fn(async (_path: string, picks: DotenvPick[]) => picks.map((p) => p.account))
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => list,
    providers: async () => [
      { id: 'user-login', name: 'User Login', has_login: true, oauth_grant: null },
      { id: 'apikey', name: 'API key', has_login: false, oauth_grant: null },
      { id: 'generic-oidc', name: 'OpenID Connect', has_login: true, oauth_grant: 'authorization_code' },
    ],
    importDotenv: (path: string, picks: DotenvPick[]) => importDotenv(path, picks),
  },
}))
const { accounts } = await import('../lib/app.svelte')
const { default: DotenvImport } = await import('./DotenvImport.svelte')

const file: DotenvFile = {
  variables: [
    { name: 'STRIPE_API_KEY', shape: '24 characters', likely: true, account: 'stripe', base_url: 'https://api.stripe.com', expires_at: null },
    { name: 'DEBUG', shape: '4 characters', likely: false, account: 'debug', base_url: null, expires_at: null },
    { name: 'GITHUB_TOKEN', shape: '40 characters', likely: true, account: 'github', base_url: null, expires_at: null },
  ],
  skipped_lines: 2,
}

afterEach(cleanup)
beforeEach(async () => {
  list.splice(0, list.length, account('stripe'))
  await accounts.reload()
  importDotenv.mockClear()
})

const button = () => document.querySelector<HTMLButtonElement>('button[data-action="dotenv-import"]')!
const row = (name: string) => document.querySelector<HTMLElement>(`[data-variable="${name}"]`)!

describe('Import from .env', () => {
  it('ticks the tokens under free names, says what was left out, and waits for a base URL', async () => {
    render(DotenvImport, { path: '/home/me/app/.env', file, onclose: () => {} })
    await waitFor(() => expect(document.querySelector<HTMLSelectElement>('select[data-field="dotenv-provider"]')!.value).toBe('apikey'))
    expect(row('STRIPE_API_KEY').querySelector<HTMLInputElement>('[data-field="dotenv-account"]')!.value).toBe('stripe-2')
    expect(row('DEBUG').querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked).toBe(false)
    expect(document.querySelector('[data-field="skipped"]')!.textContent).toContain('2 lines are not NAME=value')
    expect(row('GITHUB_TOKEN').querySelector('[data-field-error="dotenv"]')!.textContent).toContain('base URL')
    expect(button().disabled).toBe(true)
    expect(document.querySelectorAll('select[data-field="dotenv-provider"] option')).toHaveLength(2)
  })

  it('imports the ticked rows with the chosen provider and closes', async () => {
    const onclose = vi.fn()
    render(DotenvImport, { path: '/home/me/app/.env', file, onclose })
    await waitFor(() => expect(document.querySelector<HTMLSelectElement>('select[data-field="dotenv-provider"]')!.value).toBe('apikey'))
    await fireEvent.input(row('GITHUB_TOKEN').querySelector('[data-field="dotenv-base-url"]')!, { target: { value: 'https://api.github.com' } })
    expect(button().textContent).toBe('Import 2 accounts')
    await fireEvent.click(button())
    await waitFor(() => expect(onclose).toHaveBeenCalled())
    expect(importDotenv).toHaveBeenCalledWith('/home/me/app/.env', [
      { variable: 'STRIPE_API_KEY', account: 'stripe-2', provider: 'apikey', base_url: 'https://api.stripe.com', tag: null },
      { variable: 'GITHUB_TOKEN', account: 'github', provider: 'apikey', base_url: 'https://api.github.com', tag: null },
    ])
  })

  it('lets one row take another provider and gives every account the tag', async () => {
    const onclose = vi.fn()
    render(DotenvImport, { path: '/p/.env', file, onclose })
    await waitFor(() => expect(document.querySelector<HTMLSelectElement>('select[data-field="dotenv-provider"]')!.value).toBe('apikey'))
    await fireEvent.input(row('GITHUB_TOKEN').querySelector('[data-field="dotenv-base-url"]')!, { target: { value: 'https://api.github.com' } })
    const own = row('GITHUB_TOKEN').querySelector<HTMLSelectElement>('[data-field="dotenv-row-provider"]')!
    await fireEvent.change(own, { target: { value: 'user-login' } })
    const tag = document.querySelector<HTMLInputElement>('[data-field="dotenv-tag"]')!
    await fireEvent.input(tag, { target: { value: 'pro;d' } })
    expect(document.querySelector('[data-field-error="dotenv-tag"]')!.textContent).toContain('is not a tag')
    expect(button().disabled).toBe(true)
    await fireEvent.input(tag, { target: { value: ' dev ' } })
    await fireEvent.click(button())
    await waitFor(() => expect(onclose).toHaveBeenCalled())
    expect(importDotenv.mock.calls[0][1].map((p) => [p.variable, p.provider, p.tag])).toEqual([
      ['STRIPE_API_KEY', 'apikey', 'dev'],
      ['GITHUB_TOKEN', 'user-login', 'dev'],
    ])
  })

  it('ticks or unticks every row at once', async () => {
    render(DotenvImport, { path: '/p/.env', file, onclose: () => {} })
    const all = document.querySelector<HTMLInputElement>('[data-field="dotenv-all"]')!
    expect(all.indeterminate).toBe(true)
    await fireEvent.click(all)
    expect([...document.querySelectorAll<HTMLInputElement>('[data-variable] input[type="checkbox"]')].every((c) => c.checked)).toBe(true)
    await fireEvent.click(all)
    expect([...document.querySelectorAll<HTMLInputElement>('[data-variable] input[type="checkbox"]')].some((c) => c.checked)).toBe(false)
    expect(button().disabled).toBe(true)
  })

  it('keeps the dialog open with core\'s words when the import is refused', async () => {
    importDotenv.mockRejectedValueOnce({ code: 'conflict', message: 'an account named "github" exists already or is chosen twice: give GITHUB_TOKEN another name' })
    const onclose = vi.fn()
    render(DotenvImport, { path: '/p/.env', file, onclose })
    await fireEvent.click(row('GITHUB_TOKEN').querySelector('input[type="checkbox"]')!)
    await waitFor(() => expect(button().disabled).toBe(false))
    await fireEvent.click(button())
    await waitFor(() => expect(document.querySelector('[data-field-error="dotenv-import"]')?.textContent).toContain('exists already'))
    expect(onclose).not.toHaveBeenCalled()
  })
})
