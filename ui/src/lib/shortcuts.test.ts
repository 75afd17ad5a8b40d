import { describe, expect, it } from 'vitest'
import { ACCOUNT_KEYS, SHORTCUT_GROUPS } from './shortcuts'

describe('the shortcut overview', () => {
  const all = SHORTCUT_GROUPS.flatMap((g) => g.shortcuts)
  const shown = (keys: string[]) => all.some((s) => s.keys.join('+') === keys.join('+'))

  it('lists every key an account answers to, H and Delete included', () => {
    for (const key of Object.keys(ACCOUNT_KEYS)) expect(shown([key.length === 1 ? key.toUpperCase() : key]), key).toBe(true)
    expect(shown(['H'])).toBe(true)
    expect(shown(['Delete'])).toBe(true)
  })

  it('lists the palette, the overview itself and the sidebar', () => {
    expect(shown(['Ctrl', 'K'])).toBe(true)
    expect(shown(['?'])).toBe(true)
    expect(shown(['Ctrl', 'B'])).toBe(true)
  })
})
