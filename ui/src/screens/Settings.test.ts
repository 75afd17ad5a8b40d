import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { ImportReport } from '../lib/types'

const exportAccounts = vi.fn(async (_path: string) => ({ accounts: 52, providers: 1 }))
const importAccounts = vi.fn(async (_path: string): Promise<ImportReport> => ({
  accounts: { added: ['a', 'b'], changed: ['dev'], skipped: [] }, providers: { added: [], changed: [], skipped: [] }, secrets_dropped: ['dev'],
}))
const chooseExportPath = vi.fn(async (_name: string): Promise<string | null> => '/home/me/accounts.json')
const chooseImportPath = vi.fn(async (): Promise<string | null> => '/home/me/accounts.json')
const reloads = vi.fn(async () => [])
vi.mock('../lib/api', () => ({
  api: {
    accounts: () => reloads(),
    sandboxInfo: async () => ({ url: 'http://127.0.0.1:41234', accounts: [], issuer: 'http://127.0.0.1:41234/oidc', issuer_client_id: 'authdeck-demo' }),
    chooseExportPath: (name: string) => chooseExportPath(name),
    chooseImportPath: () => chooseImportPath(),
    exportAccounts: (path: string) => exportAccounts(path),
    importAccounts: (path: string) => importAccounts(path),
  },
}))
const { default: Settings } = await import('./Settings.svelte')
const { notices } = await import('../lib/app.svelte')

afterEach(cleanup)

describe('Settings', () => {
  it('shows that the sandbox runs, and where', async () => {
    const view = render(Settings)
    expect((await view.findByText('http://127.0.0.1:41234')).getAttribute('data-field')).toBe('sandbox-url')
    expect(view.getByText('Running')).toBeTruthy()
  })

  it('exports the accounts where the save dialog says, and says how many', async () => {
    const view = render(Settings)
    await fireEvent.click(view.getByText('Export accounts…'))
    await waitFor(() => expect(exportAccounts).toHaveBeenCalledWith('/home/me/accounts.json'))
    expect(chooseExportPath.mock.calls[0][0]).toMatch(/^authdeck-accounts-\d{8}\.json$/)
    await waitFor(() => expect(notices.items.map((n) => n.shown.title).join()).toContain('Exported 52 accounts and 1 provider file to /home/me/accounts.json'))
  })

  it('imports from the chosen file, reloads the list and names the accounts that were signed out', async () => {
    const view = render(Settings)
    const before = reloads.mock.calls.length
    await fireEvent.click(view.getByText('Import accounts…'))
    await waitFor(() => expect(importAccounts).toHaveBeenCalledWith('/home/me/accounts.json'))
    await waitFor(() => expect(reloads.mock.calls.length).toBeGreaterThan(before))
    await waitFor(() => expect(notices.items.map((n) => n.shown.title).join()).toContain('Imported 2 new accounts, changed dev'))
    const said = notices.items.map((n) => n.shown.title).join()
    expect(said).toContain('signed out (their server or user changed): dev')
  })

  it('says there is nothing to import when every account is here already', async () => {
    importAccounts.mockResolvedValueOnce({
      accounts: { added: [], changed: [], skipped: ['a', 'b', 'c'] }, providers: { added: [], changed: [], skipped: [] }, secrets_dropped: [],
    })
    const view = render(Settings)
    await fireEvent.click(view.getByText('Import accounts…'))
    await waitFor(() => expect(notices.items.map((n) => n.shown.title).join()).toContain('Nothing to import: the 3 accounts of the file are here already'))
  })

  it('does nothing when the dialog is cancelled', async () => {
    chooseImportPath.mockResolvedValueOnce(null)
    const view = render(Settings)
    const calls = importAccounts.mock.calls.length
    await fireEvent.click(view.getByText('Import accounts…'))
    await waitFor(() => expect(chooseImportPath).toHaveBeenCalled())
    expect(importAccounts.mock.calls.length).toBe(calls)
  })
})
