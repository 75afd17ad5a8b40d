import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Accounts, Clock, Notices, applyTheme, renames } from './stores.svelte'
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

  it('goes to the last and the first account (End and Home)', async () => {
    const store = new Accounts(async () => [named('a'), named('b'), named('c')])
    await store.reload()
    store.move(store.list, Infinity)
    expect(store.selected).toBe('c')
    store.move(store.list, -Infinity)
    expect(store.selected).toBe('a')
  })
})

describe('Notices', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('lets success messages go in 4 s and errors in 20 s, or when dismissed', () => {
    const n = new Notices()
    n.info('Copied')
    const err = n.error({ code: 'keyring', message: 'locked' })
    vi.advanceTimersByTime(10_000)
    expect(n.items.map((i) => i.tone)).toEqual(['error'])
    n.dismiss(err)
    expect(n.items).toEqual([])
    n.error({ code: 'keyring', message: 'locked again' })
    vi.advanceTimersByTime(19_000)
    expect(n.items.length).toBe(1)
    vi.advanceTimersByTime(1_000)
    expect(n.items).toEqual([])
  })

  it('shows the same error once and at most three errors, the oldest going first', () => {
    const n = new Notices()
    const down = { title: 'dev: the server could not be reached.', details: [] }
    n.show(down)
    n.show(down)
    expect(n.items.length).toBe(1)
    n.info('Copied')
    for (const name of ['a', 'b', 'c']) n.show({ title: `${name} failed`, details: [] })
    expect(n.items.filter((i) => i.tone === 'error').map((i) => i.shown.title)).toEqual(['a failed', 'b failed', 'c failed'])
    expect(n.items.some((i) => i.tone === 'success')).toBe(true)
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
  /** A stand-in for matchMedia('(prefers-color-scheme: dark)') whose answer the test changes. */
  function osScheme(dark: boolean) {
    const listeners = new Set<() => void>()
    return {
      matches: dark,
      addEventListener: (_: string, f: () => void) => listeners.add(f),
      removeEventListener: (_: string, f: () => void) => listeners.delete(f),
      change(next: boolean) {
        this.matches = next
        listeners.forEach((f) => f())
      },
      listening: () => listeners.size,
    }
  }

  it('sets light or dark as chosen, whatever the OS prefers', () => {
    const root = document.createElement('html')
    const os = osScheme(true)
    applyTheme('light', root, os as never)
    expect(root.dataset.theme).toBe('light')
    applyTheme('dark', root, osScheme(false) as never)
    expect(root.dataset.theme).toBe('dark')
  })

  it('system takes the OS scheme now and follows it when it changes', () => {
    const root = document.createElement('html')
    const os = osScheme(true)
    applyTheme('system', root, os as never)
    expect(root.dataset.theme).toBe('dark')
    os.change(false)
    expect(root.dataset.theme).toBe('light')
  })

  it('an explicit choice stops following the OS', () => {
    const root = document.createElement('html')
    const os = osScheme(false)
    applyTheme('system', root, os as never)
    applyTheme('dark', root, os as never)
    expect(os.listening()).toBe(0)
    os.change(false)
    expect(root.dataset.theme).toBe('dark')
  })

  it('system without a media query answer (no matchMedia) is light', () => {
    const root = document.createElement('html')
    applyTheme('system', root, null)
    expect(root.dataset.theme).toBe('light')
  })
})

describe('renames', () => {
  const a = (name: string, created_at: string) => ({ name, created_at }) as unknown as AccountView
  it('pairs a vanished name with a new one of the same creation time, nothing else', () => {
    const before = [a('dev', 't1'), a('ops', 't2'), a('gone', 't3')]
    const after = [a('prod-dev', 't1'), a('ops', 't2'), a('fresh', 't9')]
    expect([...renames(before, after)]).toEqual([['dev', 'prod-dev']])
    expect(renames([], after).size).toBe(0)
  })
})
