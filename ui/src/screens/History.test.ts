import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { Event, Exchange, HistoryFilter } from '../lib/types'

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
  has_exchange: true,
}
// A backend of 1,234 events (ids 1..1234, one a minute) that pages like core does.
const TOTAL = 1234
const all: Event[] = Array.from({ length: TOTAL }, (_, i) => ({
  ...event,
  id: TOTAL - i,
  at: new Date(Date.parse('2026-12-01T00:00:00Z') + (TOTAL - i) * 60_000).toISOString(),
  account: 'alice',
}))
let backend: Event[] = [event]
function pageOf(f: HistoryFilter): Event[] {
  const n = f.limit ?? backend.length
  const p = f.page
  if (p.from === 'older_than') return backend.filter((e) => e.id < p.key.id).slice(0, n)
  if (p.from === 'newer_than') return backend.filter((e) => e.id > p.key.id).slice(-n)
  if (p.from === 'oldest') return backend.slice(-n)
  return backend.slice(0, n)
}
const history = vi.fn(async (f: HistoryFilter) => pageOf(f))
const historyCount = vi.fn(async (_f: HistoryFilter) => backend.length)
const chooseCsvPath = vi.fn(async (_name: string, _title: string): Promise<string | null> => '/home/me/history.csv')
const kept: Exchange = {
  request: {
    method: 'POST',
    url: 'http://127.0.0.1:8787/user/login',
    headers: [['X-Tenant', 'acme']],
    content_type: 'application/json',
    body: '{\n  "email": "qa@example.com",\n  "password": "<redacted>"\n}',
  },
  answer: {
    http_status: 401,
    content_type: 'application/json',
    body: '{"success":false,"error_code":"INVALID_PASSWORD"}',
    truncated: false,
    headers: [['set-cookie', 'sid=<redacted>; HttpOnly']],
  },
}
const exchange = vi.fn(async (_id: number): Promise<Exchange | null> => kept)
const exportHistory = vi.fn(async (_f: HistoryFilter, _path: string) => backend.length)
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => [],
    history: (f: HistoryFilter) => history(f),
    historyCount: (f: HistoryFilter) => historyCount(f),
    exchange: (id: number) => exchange(id),
    chooseCsvPath: (name: string, title: string) => chooseCsvPath(name, title),
    exportHistory: (f: HistoryFilter, path: string) => exportHistory(f, path),
  },
}))
const { default: History } = await import('./History.svelte')
const { app, accounts } = await import('../lib/app.svelte')
const { account } = await import('./fixtures')

afterEach(() => {
  cleanup()
  backend = [event]
})

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
  it('list every account in the account filter once it is used, and filter by the one chosen', async () => {
    accounts.list = Array.from({ length: 1000 }, (_, i) => account(`acct-${String(i).padStart(4, '0')}`))
    const view = render(History)
    const select = view.container.querySelector<HTMLSelectElement>('select[data-filter="account"]')!
    expect(select.options.length).toBe(1)
    await fireEvent.focus(select)
    expect(select.options.length).toBe(1001)
    select.value = 'acct-0500'
    await fireEvent.change(select)
    await waitFor(() => expect(history.mock.lastCall?.[0].account).toBe('acct-0500'))
    view.unmount()
    // Opened again, the chosen account is still in the filter (and only it, until used).
    const again = render(History)
    const kept = again.container.querySelector<HTMLSelectElement>('select[data-filter="account"]')!
    expect([...kept.options].map((o) => o.value)).toEqual(['', 'acct-0500'])
    expect(kept.value).toBe('acct-0500')
    // Removed from the list (its events stay): still offered, so the filter reads as it is.
    accounts.list = accounts.list.filter((a) => a.name !== 'acct-0500')
    await fireEvent.focus(kept)
    expect(kept.value).toBe('acct-0500')
    expect(kept.options.length).toBe(1001)
    // Renamed from the CLI: the filter follows it to its new name.
    accounts.renamed = new Map([['acct-0500', 'acct-0500x']])
    await waitFor(() => expect(history.mock.lastCall?.[0].account).toBe('acct-0500x'))
    accounts.renamed = new Map()
    kept.value = ''
    await fireEvent.change(kept)
    accounts.list = []
  })

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

describe('History with more events than a page', () => {
  const count = (c: HTMLElement) => c.querySelector('[data-field="history-count"]')?.textContent
  const button = (c: HTMLElement, page: string) => c.querySelector<HTMLButtonElement>(`button[data-page="${page}"]`)!

  it('says how many events match and reaches the oldest ones', async () => {
    backend = all
    const view = render(History)
    await waitFor(() => expect(count(view.container)).toBe('1–100 of 1,234 events'))
    expect(view.container.querySelectorAll('tr[data-event]').length).toBe(100)
    expect(button(view.container, 'newer').disabled).toBe(true)

    await fireEvent.click(button(view.container, 'older'))
    await waitFor(() => expect(count(view.container)).toBe('101–200 of 1,234 events'))
    expect(view.container.querySelector('tr[data-event="1134"]')).toBeTruthy()

    await fireEvent.click(button(view.container, 'oldest'))
    await waitFor(() => expect(count(view.container)).toBe('1,135–1,234 of 1,234 events'))
    expect(view.container.querySelector('tr[data-event="1"]'), 'the oldest event is shown').toBeTruthy()
    expect(button(view.container, 'older').disabled).toBe(true)

    await fireEvent.click(button(view.container, 'newer'))
    await waitFor(() => expect(count(view.container)).toBe('1,035–1,134 of 1,234 events'))
    expect(view.container.querySelector('tr[data-event="135"]')).toBeTruthy()
  })

  it('searches messages after a pause in typing and starts again from the newest page', async () => {
    backend = all
    const view = render(History)
    await waitFor(() => expect(count(view.container)).toBe('1–100 of 1,234 events'))
    await fireEvent.click(button(view.container, 'older'))
    await waitFor(() => expect(count(view.container)).toBe('101–200 of 1,234 events'))
    const search = view.container.querySelector<HTMLInputElement>('input[data-filter="message"]')!
    await fireEvent.input(search, { target: { value: 'invalid' } })
    await waitFor(() => expect(history.mock.calls.at(-1)?.[0]).toMatchObject({ message: 'invalid', page: { from: 'newest' } }))
    await waitFor(() => expect(count(view.container)).toBe('1–100 of 1,234 events'))
    await fireEvent.input(search, { target: { value: '' } })
  })

  it('exports every matching event to the file the save dialog names', async () => {
    backend = all
    const view = render(History)
    await waitFor(() => expect(count(view.container)).toBe('1–100 of 1,234 events'))
    await fireEvent.click(view.container.querySelector('button[data-action="export-csv"]')!)
    await waitFor(() => expect(exportHistory).toHaveBeenCalled())
    expect(chooseCsvPath.mock.calls[0][0]).toMatch(/^authdeck-history-\d{8}-\d{6}\.csv$/)
    expect(exportHistory.mock.calls[0][1]).toBe('/home/me/history.csv')

    exportHistory.mockClear()
    chooseCsvPath.mockResolvedValueOnce(null)
    await fireEvent.click(view.container.querySelector('button[data-action="export-csv"]')!)
    await waitFor(() => expect(chooseCsvPath).toHaveBeenCalledTimes(2))
    expect(exportHistory, 'a cancelled dialog writes nothing').not.toHaveBeenCalled()
  })
})

describe('History request and response', () => {
  it('shows the selected event\'s request and its answer with the JSON body indented', async () => {
    const view = render(History)
    const button = await waitFor(() => view.getByRole('button', { name: 'Request and response' }))
    await fireEvent.click(button)
    const dialog = await waitFor(() => view.getByRole('dialog'))
    expect(exchange).toHaveBeenCalledWith(1)
    expect(dialog.querySelector('[data-field="request-head"]')!.textContent).toBe(
      'POST http://127.0.0.1:8787/user/login\ncontent-type: application/json\nX-Tenant: acme',
    )
    expect(dialog.querySelector('[data-field="request-body"]')!.textContent).toContain('"password": "<redacted>"')
    expect(dialog.querySelector('[data-field="raw-status"]')!.textContent).toBe('401')
    expect(dialog.querySelector('[data-field="raw-body"]')!.textContent).toBe('{\n  "success": false,\n  "error_code": "INVALID_PASSWORD"\n}')
  })

  it('offers nothing for an event that sent no request', async () => {
    backend = [{ ...event, action: 'logout', has_exchange: false }]
    const view = render(History)
    await waitFor(() => expect(view.container.querySelector('tr[data-event="1"]')).toBeTruthy())
    expect(view.queryByRole('button', { name: 'Request and response' })).toBeNull()
  })

  it('says so when the exchange is no longer kept', async () => {
    exchange.mockResolvedValueOnce(null)
    const view = render(History)
    await fireEvent.click(await waitFor(() => view.getByRole('button', { name: 'Request and response' })))
    const { notices } = await import('../lib/app.svelte')
    await waitFor(() => expect(notices.items.some((n) => n.shown.title.includes('no longer kept'))).toBe(true))
    expect(view.queryByRole('dialog')).toBeNull()
  })
})

describe('History with many events', () => {
  it('draws the newest page before the count of every matching event comes', async () => {
    let counted: (n: number) => void = () => {}
    historyCount.mockImplementationOnce(() => new Promise<number>((resolve) => (counted = resolve)))
    backend = all
    const view = render(History)
    await waitFor(() => expect(view.container.querySelectorAll('tr[data-event]')).toHaveLength(100))
    expect(view.container.querySelector('[data-field="history-count"]')!.textContent).toBe('1–100')
    counted(TOTAL)
    await waitFor(() => expect(view.container.querySelector('[data-field="history-count"]')!.textContent).toBe('1–100 of 1,234 events'))
  })
})

describe('History over a window of time', () => {
  it('slides "Last hour" along: each reading starts an hour before its own time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(new Date('2026-12-06T10:00:00Z'))
      const view = render(History)
      const since = view.container.querySelector<HTMLSelectElement>('select[data-filter="since"]')!
      since.value = 'hour'
      await fireEvent.change(since)
      await waitFor(() => expect(history.mock.lastCall?.[0].since).toBe('2026-12-06T09:00:00.000Z'))
      vi.setSystemTime(new Date('2026-12-06T10:10:00Z'))
      app.changes++ // a new event, as the backend announces it
      await waitFor(() => expect(history.mock.lastCall?.[0].since).toBe('2026-12-06T09:10:00.000Z'))
      since.value = 'all'
      await fireEvent.change(since)
    } finally {
      vi.useRealTimers()
    }
  })
})
