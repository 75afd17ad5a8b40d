import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Accounts, Clock, Notices, applyTheme } from './stores.svelte'
import type { AccountView } from './types'

function named(name: string): AccountView {
  return { name } as AccountView
}

describe('Accounts', () => {
  it('selects the first account after loading and keeps a selection that still exists', async () => {
    let list = [named('a'), named('b')]
    const store = new Accounts(async () => list)
    await store.reload()
    expect(store.selected).toBe('a')
    store.selected = 'b'
    list = [named('b'), named('c')]
    await store.reload()
    expect(store.selected).toBe('b')
  })

  it('moves the selection to the first account when the selected one is gone', async () => {
    let list = [named('a'), named('b')]
    const store = new Accounts(async () => list)
    await store.reload()
    store.selected = 'b'
    list = [named('c')]
    await store.reload()
    expect(store.selected).toBe('c')
  })

  it('moves with arrow keys within the visible list and stops at the ends', async () => {
    const store = new Accounts(async () => [named('a'), named('b'), named('c')])
    await store.reload()
    const visible = store.list
    store.move(visible, 1)
    expect(store.selected).toBe('b')
    store.move(visible, 5)
    expect(store.selected).toBe('c')
    store.move(visible, -9)
    expect(store.selected).toBe('a')
  })
})

describe('Notices', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('lets success messages go by themselves but keeps errors until dismissed', () => {
    const n = new Notices()
    n.info('Copied')
    const err = n.error({ code: 'keyring', message: 'locked' })
    vi.advanceTimersByTime(10_000)
    expect(n.items.map((i) => i.tone)).toEqual(['error'])
    n.dismiss(err)
    expect(n.items).toEqual([])
  })
})

describe('Clock', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('ticks every second while started and not after stop', () => {
    let t = 1000
    const clock = new Clock()
    clock.start(() => t)
    t = 2000
    vi.advanceTimersByTime(1000)
    expect(clock.now).toBe(2000)
    clock.stop()
    t = 3000
    vi.advanceTimersByTime(5000)
    expect(clock.now).toBe(2000)
  })
})

describe('applyTheme', () => {
  it('sets light or dark explicitly and leaves system to the media query', () => {
    const root = document.createElement('html')
    applyTheme('dark', root)
    expect(root.dataset.theme).toBe('dark')
    applyTheme('system', root)
    expect(root.dataset.theme).toBeUndefined()
  })
})
