import { describe, expect, it } from 'vitest'
import { app, readCollapsed } from './app.svelte'

const stored = (value: string | null) => ({ getItem: () => value })

describe('the sidebar', () => {
  it('starts collapsed in a narrow window and expanded in a wide one, until the user chooses', () => {
    expect(readCollapsed(stored(null), 800)).toBe(true)
    expect(readCollapsed(stored(null), 1280)).toBe(false)
  })

  it('keeps the user\'s choice whatever the window\'s width', () => {
    expect(readCollapsed(stored('expanded'), 800)).toBe(false)
    expect(readCollapsed(stored('collapsed'), 1280)).toBe(true)
  })

  it('starts by the width when storage cannot be read', () => {
    const broken = { getItem: () => { throw new Error('denied') } }
    expect(readCollapsed(broken, 800)).toBe(true)
  })

  it('follows the window when it is resized, until the user chooses', () => {
    app.followWidth(1280, stored(null))
    expect(app.sidebarCollapsed).toBe(false)
    app.followWidth(800, stored(null))
    expect(app.sidebarCollapsed).toBe(true)
    app.followWidth(1280, stored('collapsed'))
    expect(app.sidebarCollapsed).toBe(true)
    app.followWidth(1280, stored(null))
    app.followWidth(800, stored('expanded'))
    expect(app.sidebarCollapsed).toBe(false)
  })
})
