import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render } from '@testing-library/svelte'

vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => [],
    inspectText: async () => {
      throw { code: 'malformed_token', message: 'not a JWT' }
    },
    inspectIdToken: async () => null,
  },
}))
const { default: Inspector } = await import('./Inspector.svelte')

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
