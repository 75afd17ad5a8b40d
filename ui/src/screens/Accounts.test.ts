import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import { tick } from 'svelte'
import type { AccountView } from '../lib/types'
import { account } from './fixtures'

// The screen talks to the backend only through `api`; here it answers from memory.
const list: AccountView[] = []
const refresh = vi.fn(async (account: string) => ({ account, ok_tag: 'ok' }))
const probe = vi.fn(async (_account: string, path: string) => ({
  request: { method: 'GET', url: `http://127.0.0.1:8787/user-login${path}`, headers: [['Authorization', 'Bearer <redacted>']], content_type: null, body: '' },
  answer: { http_status: 200, content_type: 'application/json', body: '{"email":"alice@userlogin.test"}', truncated: false, headers: [] },
  failure: null,
  latency_ms: 3,
  renewed: false,
}))
// Renames the account in the in-memory list, as core would.
const rename = vi.fn(async (from: string, to: string) => {
  const a = list.find((x) => x.name === from)
  if (a) a.name = to
})
// Pins the account in the in-memory list, as core would (a new object, as a reload brings).
const pinAccount = vi.fn(async (name: string, pinned: boolean) => {
  const at = list.findIndex((x) => x.name === name)
  if (at >= 0) list[at] = { ...list[at], pinned }
})
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => list,
    proxies: async () => [],
    refresh: (account: string) => refresh(account),
    rename: (from: string, to: string) => rename(from, to),
    probe: (account: string, path: string) => probe(account, path),
    saveSettings: async (next: unknown) => next,
    pinAccount: (account: string, pinned: boolean) => pinAccount(account, pinned),
  },
}))

const { accounts, app, notices } = await import('../lib/app.svelte')
const { default: Accounts } = await import('./Accounts.svelte')


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

describe('Accounts screen from the keyboard', () => {
  beforeEach(async () => {
    list.splice(0, list.length, account('alpha'), account('bravo'), account('charlie'))
    accounts.query = ''
    await accounts.reload()
    accounts.selected = 'alpha'
    refresh.mockClear()
  })

  const row = (view: { container: HTMLElement }, name: string) =>
    view.container.querySelector<HTMLElement>(`.account-row[data-account="${name}"]`)!

  it('moves the focus with the selection, not one row behind it', async () => {
    const view = render(Accounts)
    row(view, 'alpha').focus()
    await fireEvent.keyDown(row(view, 'alpha'), { key: 'ArrowDown' })
    await tick()
    await tick()
    expect(accounts.selected).toBe('bravo')
    expect(document.activeElement).toBe(row(view, 'bravo'))
    await fireEvent.keyDown(row(view, 'bravo'), { key: 'ArrowDown' })
    await tick()
    await tick()
    expect(document.activeElement).toBe(row(view, 'charlie'))
  })

  it('Enter in the filter selects the first match and hands the keys to the list, so R refreshes it', async () => {
    const view = render(Accounts)
    const filter = view.container.querySelector<HTMLInputElement>('input[data-field="filter"]')!
    await fireEvent.keyDown(document.body, { key: '/' })
    expect(document.activeElement).toBe(filter)
    await fireEvent.input(filter, { target: { value: 'charl' } })
    await fireEvent.keyDown(filter, { key: 'Enter' })
    await tick()
    await tick()
    expect(accounts.selected).toBe('charlie')
    expect(document.activeElement).toBe(row(view, 'charlie'))
    await fireEvent.keyDown(document.activeElement!, { key: 'r' })
    expect(refresh).toHaveBeenCalledWith('charlie')
  })

  it('lists every key of the selected account in its hint, H and Delete included', () => {
    const view = render(Accounts)
    const hint = view.container.querySelector('[data-field="key-hint"]')!.textContent!.replace(/\s+/g, ' ')
    for (const words of ['H history', 'Delete remove', 'R refresh', 'L log in', 'E edit', 'O log out', 'I inspect', 'C copy']) {
      expect(hint).toContain(words)
    }
  })
})

describe('Accounts screen messages', () => {
  it('says a refresh against a server that is down could not reach it, in the toast as in the account view', async () => {
    list.splice(0, list.length, account('dev'))
    await accounts.reload()
    const message = 'error sending request for url (http://127.0.0.1:9/user/refresh): client error (Connect): tcp connect error: Connection refused (os error 111)'
    refresh.mockImplementationOnce(async (account: string) =>
      ({ account, ok_tag: 'failed', kind: 'network_error', http_status: null, error_code: null, message, retry_after_secs: null }) as never,
    )
    notices.items = []
    const view = render(Accounts)
    const row = view.container.querySelector<HTMLElement>('.account-row[data-account="dev"]')!
    await fireEvent.keyDown(row, { key: 'r' })
    await vi.waitFor(() => expect(notices.items.length).toBe(1))
    expect(notices.items[0].shown.title).toBe('dev: The server could not be reached.')
  })
})

describe('Accounts screen order', () => {
  beforeEach(async () => {
    list.splice(
      0,
      list.length,
      { ...account('alpha'), signed_in: true, expires_at: '2099-01-01T00:00:00Z', last_login_at: '2026-01-01T00:00:00Z' },
      { ...account('bravo'), signed_in: true, expires_at: '2098-01-01T00:00:00Z', last_login_at: '2026-03-01T00:00:00Z' },
      account('charlie'),
    )
    accounts.query = ''
    accounts.sort = 'name'
    await accounts.reload()
  })

  const names = (view: { container: HTMLElement }) =>
    [...view.container.querySelectorAll('.account-row')].map((r) => r.getAttribute('data-account'))

  it('sorts by expiry or last login when asked, and keeps the choice for the next start', async () => {
    const view = render(Accounts)
    expect(names(view)).toEqual(['alpha', 'bravo', 'charlie'])
    const sort = view.container.querySelector<HTMLSelectElement>('select[data-field="sort"]')!
    await fireEvent.change(sort, { target: { value: 'expiry' } })
    expect(names(view)).toEqual(['bravo', 'alpha', 'charlie'])
    expect(localStorage.getItem('authdeck.accounts.sort')).toBe('expiry')
    await fireEvent.change(sort, { target: { value: 'recent' } })
    expect(names(view)).toEqual(['bravo', 'alpha', 'charlie'])
    accounts.sort = 'name'
    await tick()
    expect(names(view)).toEqual(['alpha', 'bravo', 'charlie'])
  })
})

describe('Accounts screen groups', () => {
  const tagged = (name: string, tag: string | null) => ({ ...account(name), options: { ...account(name).options, tag } })
  beforeEach(async () => {
    list.splice(0, list.length, tagged('alpha', 'staging'), tagged('bravo', null), tagged('charlie', 'prod'), tagged('delta', 'staging'))
    accounts.query = ''
    accounts.sort = 'name'
    accounts.groupBy('none')
    accounts.collapsed = new Set()
    await accounts.reload()
    accounts.selected = 'alpha'
  })
  afterEach(() => accounts.groupBy('none'))

  const lines = (view: { container: HTMLElement }) =>
    [...view.container.querySelectorAll('.group-head, .account-row')]
      .sort((x, y) => parseFloat((x as HTMLElement).style.top) - parseFloat((y as HTMLElement).style.top))
      .map((r) => r.getAttribute('data-account') ?? `[${r.querySelector('.clip')?.textContent} ${r.querySelector('.count')?.textContent}]`)

  it('groups by environment tag under headings that do not overlap the rows, and keeps the choice', async () => {
    const view = render(Accounts)
    expect(lines(view)).toEqual(['alpha', 'bravo', 'charlie', 'delta'])
    await fireEvent.change(view.container.querySelector<HTMLSelectElement>('select[data-field="group"]')!, { target: { value: 'tag' } })
    expect(lines(view)).toEqual(['[prod 1]', 'charlie', '[staging 2]', 'alpha', 'delta', '[No tag 1]', 'bravo'])
    expect(localStorage.getItem('authdeck.accounts.group')).toBe('tag')
    const placed = [...view.container.querySelectorAll<HTMLElement>('.group-head, .account-row')]
      .map((r) => ({ top: parseFloat(r.style.top), height: r.classList.contains('group-head') ? 28 : 68 }))
      .sort((x, y) => x.top - y.top)
    for (let i = 1; i < placed.length; i++) expect(placed[i].top).toBeGreaterThanOrEqual(placed[i - 1].top + placed[i - 1].height)
    expect(view.container.querySelector('.account-row[data-account="charlie"] [data-field="tag"]')?.textContent).toBe('prod')
  })

  it('collapses a group by its heading, the arrow keys skip its accounts, and a filter shows them again', async () => {
    accounts.groupBy('tag')
    const view = render(Accounts)
    await fireEvent.click(view.container.querySelector('.group-head[data-group="tag:staging"]')!)
    expect(lines(view)).toEqual(['[prod 1]', 'charlie', '[staging 2]', '[No tag 1]', 'bravo'])
    expect(JSON.parse(localStorage.getItem('authdeck.accounts.collapsed') ?? '[]')).toEqual(['tag:staging'])
    accounts.selected = 'charlie'
    await tick()
    await fireEvent.keyDown(window, { key: 'ArrowDown' })
    expect(accounts.selected).toBe('bravo')
    accounts.query = 'staging'
    await tick()
    expect(lines(view)).toEqual(['[staging 2]', 'alpha', 'delta'])
    accounts.query = ''
    await tick()
    expect(lines(view)).not.toContain('alpha')
    // The command palette going to an account of a collapsed group opens it.
    accounts.show('alpha')
    await tick()
    expect(lines(view)).toContain('alpha')
    expect(accounts.selected).toBe('alpha')
    expect(accounts.collapsed.has('tag:staging')).toBe(false)
  })

  it('Enter in the filter opens the group of the account it picks; ↓ from a hidden account goes to the next shown', async () => {
    accounts.groupBy('tag')
    const view = render(Accounts)
    await fireEvent.click(view.container.querySelector('.group-head[data-group="tag:staging"]')!)
    const filter = view.container.querySelector<HTMLInputElement>('input[data-field="filter"]')!
    await fireEvent.input(filter, { target: { value: 'delta' } })
    await fireEvent.keyDown(filter, { key: 'Enter' })
    expect(accounts.selected).toBe('delta')
    accounts.query = ''
    await tick()
    expect(lines(view)).toContain('delta')
    // Collapse it again with delta selected: ↓ goes to the next account shown after it.
    await fireEvent.click(view.container.querySelector('.group-head[data-group="tag:staging"]')!)
    ;(document.activeElement as HTMLElement | null)?.blur()
    await fireEvent.keyDown(window, { key: 'ArrowDown' })
    expect(accounts.selected).toBe('bravo')
  })
})

describe('Accounts screen expiry', () => {
  it('never shows the same time twice (local and UTC are one line when the zone is UTC)', async () => {
    list.splice(0, list.length, { ...account('dev'), signed_in: true, status: 'valid', expires_at: '2099-06-01T10:00:00Z' })
    await accounts.reload()
    accounts.selected = 'dev'
    const view = render(Accounts)
    const text = view.container.querySelector('[data-field="expiry-times"]')!.textContent ?? ''
    const times = text.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g) ?? []
    expect(times.length).toBeGreaterThan(0)
    expect(new Set(times).size).toBe(times.length)
  })
})

describe('Accounts screen pins', () => {
  it('pins the selected account on top of the list and unpins it, kept with the account', async () => {
    list.splice(0, list.length, account('alpha'), account('bravo'), account('charlie'))
    accounts.query = ''
    accounts.sort = 'name'
    await accounts.reload()
    accounts.selected = 'charlie'
    const view = render(Accounts)
    const names = () => [...view.container.querySelectorAll('.account-row')].map((r) => r.getAttribute('data-account'))
    await fireEvent.click(view.container.querySelector('button[data-action="pin"]')!)
    await waitFor(() => expect(names()).toEqual(['charlie', 'alpha', 'bravo']))
    expect(pinAccount).toHaveBeenLastCalledWith('charlie', true)
    expect(view.container.querySelector('.account-row[data-account="charlie"] [data-field="pinned"]')).toBeTruthy()
    await fireEvent.click(view.container.querySelector('button[data-action="pin"]')!)
    await waitFor(() => expect(names()).toEqual(['alpha', 'bravo', 'charlie']))
    expect(pinAccount).toHaveBeenLastCalledWith('charlie', false)
  })

  it('keeps the selection on an account the CLI renamed (same creation time, new name)', async () => {
    list.splice(0, list.length, account('alpha'), account('bravo'))
    await accounts.reload()
    accounts.selected = 'bravo'
    list[1] = { ...list[1], name: 'prod-bravo' }
    await accounts.reload()
    expect(accounts.selected).toBe('prod-bravo')
    // Removed, not renamed: the first account.
    list.splice(1, 1)
    await accounts.reload()
    expect(accounts.selected).toBe('alpha')
  })
})

describe('Rename', () => {
  beforeEach(async () => {
    list.splice(0, list.length, account('alpha'), account('bravo'))
    accounts.query = ''
    await accounts.reload()
    accounts.selected = 'alpha'
    list[0].pinned = true
    rename.mockClear()
  })

  const open = async (view: { container: HTMLElement }) => {
    await fireEvent.click(view.container.querySelector('button[data-action="rename"]')!)
    return document.querySelector<HTMLInputElement>('input[data-field="rename"]')!
  }

  it('refuses a taken or invalid name as it is typed, before asking core', async () => {
    const view = render(Accounts)
    const input = await open(view)
    await fireEvent.input(input, { target: { value: 'bravo' } })
    expect(document.querySelector('[data-field-error="rename"]')!.textContent).toContain('bravo is taken')
    expect(document.querySelector<HTMLButtonElement>('button[data-action="confirm-rename"]')!.disabled).toBe(true)
    await fireEvent.input(input, { target: { value: 'a b' } })
    expect(document.querySelector('[data-field-error="rename"]')!.textContent).toContain('spaces')
    // Itself in capitals: one keyring entry on Windows and macOS, refused as typed.
    await fireEvent.input(input, { target: { value: 'ALPHA' } })
    expect(document.querySelector('[data-field-error="rename"]')!.textContent).toContain('only in letter case')
    expect(rename).not.toHaveBeenCalled()
  })

  it('renames, selects the account under its new name and keeps its pin', async () => {
    const view = render(Accounts)
    const input = await open(view)
    await fireEvent.input(input, { target: { value: ' prod-alpha ' } })
    await fireEvent.click(document.querySelector('button[data-action="confirm-rename"]')!)
    await waitFor(() => expect(accounts.selected).toBe('prod-alpha'))
    expect(rename).toHaveBeenCalledWith('alpha', 'prod-alpha')
    expect(accounts.list.find((a) => a.name === 'prod-alpha')?.pinned).toBe(true)
    expect(document.querySelector('input[data-field="rename"]')).toBeNull()
  })

  it('shows core\'s refusal in the field and keeps the dialog open', async () => {
    rename.mockRejectedValueOnce({ code: 'conflict', message: 'an account named "carol" exists already: choose another name, or remove that one first' })
    const view = render(Accounts)
    const input = await open(view)
    await fireEvent.input(input, { target: { value: 'carol' } })
    await fireEvent.click(document.querySelector('button[data-action="confirm-rename"]')!)
    await waitFor(() => expect(document.querySelector('[data-field-error="rename"]')?.textContent).toContain('exists already'))
    expect(accounts.selected).toBe('alpha')
  })
})

describe('Try it', () => {
  beforeEach(async () => {
    localStorage.clear()
    list.splice(0, list.length, { ...account('alpha'), signed_in: true })
    accounts.query = ''
    await accounts.reload()
    accounts.selected = 'alpha'
    probe.mockClear()
  })

  it('sends the typed path, shows the answer, and offers that path again next time', async () => {
    const view = render(Accounts)
    const path = view.container.querySelector<HTMLInputElement>('input[data-field="try-path"]')!
    await fireEvent.input(path, { target: { value: '/_sandbox/me' } })
    await fireEvent.click(view.container.querySelector('button[data-action="try-it"]')!)
    await waitFor(() => expect(document.querySelector('[data-field="raw-status"]')?.textContent).toBe('200'))
    expect(probe).toHaveBeenCalledWith('alpha', '/_sandbox/me')
    expect(document.querySelector('[data-field="request-head"]')!.textContent).toBe('GET http://127.0.0.1:8787/user-login/_sandbox/me\nAuthorization: Bearer <redacted>')
    expect(document.querySelector('[data-field="raw-body"]')!.textContent).toContain('"email": "alice@userlogin.test"')
    cleanup()
    const again = render(Accounts)
    expect(again.container.querySelector<HTMLInputElement>('input[data-field="try-path"]')!.value).toBe('/_sandbox/me')
  })

  it('is off for a signed-out account that cannot sign in by itself', async () => {
    list.splice(0, list.length, account('alpha'))
    await accounts.reload()
    const view = render(Accounts)
    expect(view.container.querySelector<HTMLButtonElement>('button[data-action="try-it"]')!.disabled).toBe(true)
  })

  it('keeps a typed path when the account is read again (a background renewal)', async () => {
    const view = render(Accounts)
    const path = view.container.querySelector<HTMLInputElement>('input[data-field="try-path"]')!
    await fireEvent.input(path, { target: { value: '/typed' } })
    list.splice(0, list.length, { ...account('alpha'), signed_in: true, expires_at: '2030-01-01T00:00:00Z' })
    await accounts.reload()
    await tick()
    expect(view.container.querySelector<HTMLInputElement>('input[data-field="try-path"]')!.value).toBe('/typed')
  })

  it('says why no answer came', async () => {
    probe.mockResolvedValueOnce({
      request: { method: 'GET', url: 'https://down.test/', headers: [], content_type: null, body: '' },
      answer: null,
      failure: { kind: 'network_error', http_status: null, error_code: null, message: 'could not connect to down.test', retry_after_secs: null },
      latency_ms: 5,
      renewed: false,
    } as never)
    const view = render(Accounts)
    await fireEvent.click(view.container.querySelector('button[data-action="try-it"]')!)
    await waitFor(() => expect(document.querySelector('[data-field="no-answer"]')?.textContent).toBe('No answer: could not connect to down.test'))
  })
})

describe('Accounts screen with 1,000 accounts', () => {
  beforeEach(async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `scale-${String(i).padStart(4, '0')}`)
    list.splice(0, list.length, ...names.map((n) => account(n)))
    accounts.query = ''
    accounts.sort = 'name'
    accounts.groupBy('none')
    await accounts.reload()
    accounts.selected = 'scale-0000'
  })

  const drawn = (view: { container: HTMLElement }) => [...view.container.querySelectorAll<HTMLElement>('.account-row')]

  it('scrolls by handing the rows that leave at the top to the accounts that come at the bottom, in order, none built or dropped', async () => {
    const view = render(Accounts)
    const box = view.container.querySelector<HTMLElement>('.list')!
    // The first step of a scroll gives the window its full size.
    box.scrollTop = 70
    await fireEvent.scroll(box)
    await tick()
    const before = drawn(view)
    expect(before.length).toBeGreaterThan(8)
    expect(before.length).toBeLessThan(60)
    for (const top of [700, 4200, 35_000, 69_000, 0]) {
      box.scrollTop = top
      await fireEvent.scroll(box)
      await tick()
      const rows = drawn(view)
      const shown = rows.map((r) => r.getAttribute('data-account')!)
      const first = Number(shown[0].slice(6))
      // The accounts around the place scrolled to, in the page's order (Tab follows it).
      expect(shown).toEqual(shown.map((_, k) => `scale-${String(first + k).padStart(4, '0')}`))
      expect(first * 70).toBeLessThanOrEqual(top)
      expect(rows.every((r) => before.includes(r)), `the same ${before.length} rows at ${top} px`).toBe(true)
    }
  })

  it('takes the focus off a row that a scroll hands to another account', async () => {
    const view = render(Accounts)
    const box = view.container.querySelector<HTMLElement>('.list')!
    const row = view.container.querySelector<HTMLElement>('.account-row[data-account="scale-0000"]')!
    row.focus()
    expect(document.activeElement).toBe(row)
    box.scrollTop = 35_000
    await fireEvent.scroll(box)
    await tick()
    expect(row.getAttribute('data-account')).not.toBe('scale-0000')
    expect(document.activeElement).not.toBe(row)
  })

  it('takes the focus off a group heading that a scroll hands to another group', async () => {
    const tagged = Array.from({ length: 100 }, (_, i) => {
      const a = account(`scale-${String(i).padStart(4, '0')}`)
      return { ...a, options: { ...a.options, tag: `t${String(i).padStart(3, '0')}` } }
    })
    list.splice(0, list.length, ...tagged)
    await accounts.reload()
    accounts.groupBy('tag')
    accounts.collapsed = new Set()
    try {
      const view = render(Accounts)
      const box = view.container.querySelector<HTMLElement>('.list')!
      const heading = view.container.querySelector<HTMLElement>('.group-head')!
      const group = heading.dataset.group
      heading.focus()
      expect(document.activeElement).toBe(heading)
      box.scrollTop = 3000
      await fireEvent.scroll(box)
      await tick()
      expect(document.activeElement === heading && heading.dataset.group !== group).toBe(false)
    } finally {
      accounts.groupBy('none')
    }
  })

  it('draws no more rows at rest than the view needs, and the full window only while scrolling', async () => {
    const view = render(Accounts)
    const box = view.container.querySelector<HTMLElement>('.list')!
    const resting = drawn(view).length
    box.scrollTop = 70
    await fireEvent.scroll(box)
    await tick()
    const scrolling = drawn(view).length
    expect(scrolling).toBeGreaterThan(resting)
    await new Promise((resolve) => setTimeout(resolve, 450))
    await tick()
    expect(drawn(view).length).toBe(resting)
  })
})
