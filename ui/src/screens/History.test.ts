import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { Event } from '../lib/types'

const longName = 'a'.repeat(64)
const event: Event = {
  id: 1,
  at: '2026-12-01T10:00:00Z',
  account: longName,
  provider: 'user-login',
  action: 'login',
  ok: false,
  http_status: 401,
  kind: 'invalid_password',
  error_code: 'INVALID_PASSWORD',
  message: 'Invalid password.',
  latency_ms: 12,
  token_fingerprint: null,
  expires_at: null,
  note: null,
  suite_run: null,
}
const history = vi.fn(async () => [event])
vi.mock('../lib/api', () => ({ api: { accounts: async () => [], history: () => history() } }))
const { default: History } = await import('./History.svelte')
const { app } = await import('../lib/app.svelte')

afterEach(cleanup)

describe('History screen', () => {
  it('cuts a 64-character account name in its column and keeps the full name on hover', async () => {
    const view = render(History)
    await waitFor(() => expect(view.container.querySelector('tr[data-event="1"]')).toBeTruthy())
    const cell = view.container.querySelector('tr[data-event="1"] td:nth-child(2) > *')!
    expect(cell.textContent).toBe(longName)
    expect(cell.getAttribute('title')).toBe(longName)
    expect(cell.classList.contains('clip')).toBe(true)
  })
})

describe('History filters', () => {
  it('are as the user left them when History is opened again', async () => {
    const first = render(History)
    const kind = first.container.querySelector<HTMLSelectElement>('select[data-filter="kind"]')!
    kind.value = 'invalid_password'
    await fireEvent.change(kind)
    first.unmount()
    const again = render(History)
    expect(again.container.querySelector<HTMLSelectElement>('select[data-filter="kind"]')!.value).toBe('invalid_password')
  })
})

describe('History as events arrive', () => {
  it('reads the events again when sessions change in the background', async () => {
    render(History)
    await waitFor(() => expect(history).toHaveBeenCalled())
    const before = history.mock.calls.length
    app.changes++
    await waitFor(() => expect(history.mock.calls.length).toBe(before + 1))
  })
})
