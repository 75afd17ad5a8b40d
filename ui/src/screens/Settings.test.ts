import { describe, expect, it, vi } from 'vitest'
import { render } from '@testing-library/svelte'

vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => [],
    sandboxInfo: async () => ({ url: 'http://127.0.0.1:41234', accounts: [], issuer: 'http://127.0.0.1:41234/oidc', issuer_client_id: 'authdeck-demo' }),
  },
}))
const { default: Settings } = await import('./Settings.svelte')

describe('Settings', () => {
  it('shows that the sandbox runs, and where', async () => {
    const view = render(Settings)
    expect((await view.findByText('http://127.0.0.1:41234')).getAttribute('data-field')).toBe('sandbox-url')
    expect(view.getByText('Running')).toBeTruthy()
  })
})
