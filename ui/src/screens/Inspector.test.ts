import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { AccountView } from '../lib/types'
import { account } from './fixtures'

const list: AccountView[] = []
const inspectAccount = vi.fn(async (_account: string) => ({ header: {}, claims: {}, explained: [], notes: [], payload_text: null, payload_base64: '', expires_at: null, time_status: 'unknown', time_problem: null, alg: null, alg_description: null }))
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => list,
    inspectAccount: (account: string) => inspectAccount(account),
    inspectText: async () => {
      throw { code: 'malformed_token', message: 'not a JWT' }
    },
    inspectIdToken: async () => null,
  },
}))
const { default: Inspector } = await import('./Inspector.svelte')
const { accounts, app } = await import('../lib/app.svelte')

afterEach(cleanup)

describe('Token inspector', () => {
  it('keeps a pasted token when the screen is left and opened again', async () => {
    const first = render(Inspector)
    const box = first.container.querySelector<HTMLTextAreaElement>('textarea[data-field="paste"]')!
    await fireEvent.input(box, { target: { value: 'eyJhbGciOiJub25lIn0.e30.' } })
    first.unmount()
    const again = render(Inspector)
    expect(again.container.querySelector<HTMLTextAreaElement>('textarea[data-field="paste"]')!.value).toBe('eyJhbGciOiJub25lIn0.e30.')
  })
})

describe('Token inspector on an account', () => {
  it('inspects the token again once the account renewed (its fingerprint changed)', async () => {
    list.splice(0, list.length, { ...account('dev'), signed_in: true, token_fingerprint: 'aaaa' })
    await accounts.reload()
    app.inspect = 'dev'
    render(Inspector)
    await waitFor(() => expect(inspectAccount).toHaveBeenCalledWith('dev'))
    const before = inspectAccount.mock.calls.length
    list.splice(0, 1, { ...list[0], token_fingerprint: 'bbbb' })
    await accounts.reload()
    await waitFor(() => expect(inspectAccount.mock.calls.length).toBe(before + 1))
  })
})

describe('Token inspector times', () => {
  const at = (local: string, utc: string) => ({ timestamp: '2026-12-05T15:28:21Z', unix: 1796484501, local, utc, relative: 'in 2 h' })
  const inspection = (expires: ReturnType<typeof at>) => ({
    header: {}, claims: {}, notes: [], payload_text: null, payload_base64: '', time_status: 'valid', time_problem: null, alg: null, alg_description: null,
    expires_at: expires,
    explained: [{ name: 'exp', text: '1796484501', label: 'Expires', kind: 'registered', time: expires, problem: null }],
  })

  it('shows a time once when the local zone is UTC, and both when it is not', async () => {
    list.splice(0, list.length, { ...account('dev'), signed_in: true, token_fingerprint: 'cccc' })
    await accounts.reload()
    app.inspect = 'dev'
    inspectAccount.mockResolvedValueOnce(inspection(at('2026-12-05 15:28:21 UTC', '2026-12-05 15:28:21 UTC')) as never)
    const utc = render(Inspector)
    await waitFor(() => expect(utc.container.textContent).toContain('2026-12-05 15:28:21 UTC'))
    expect(utc.container.textContent!.split('2026-12-05 15:28:21 UTC').length - 1).toBe(2) // the card and the claim, once each
    utc.unmount()
    inspectAccount.mockResolvedValueOnce(inspection(at('2026-12-05 16:28:21 CET', '2026-12-05 15:28:21 UTC')) as never)
    const cet = render(Inspector)
    await waitFor(() => expect(cet.container.textContent).toContain('2026-12-05 16:28:21 CET'))
    expect(cet.container.textContent).toContain('2026-12-05 15:28:21 UTC')
  })
})
