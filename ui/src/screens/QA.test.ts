import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { SuiteDoc } from '../lib/types'

const suite = (path: string, title: string): SuiteDoc => ({
  title,
  path,
  example: false,
  suite: { case: [{ name: `${title} case`, email: 'alice@userlogin.test', ok: true }] },
  warnings: [],
})
const openSuite = vi.fn(async (path: string) => (path === '/s/a.toml' ? suite(path, 'a') : suite(path, 'b')))
const saveSuite = vi.fn(async (path: string | null, s: SuiteDoc['suite']) => ({ ...suite(path ?? '', 'a'), suite: s }))
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => [],
    providers: async () => [],
    onQaCase: async () => () => {},
    suites: async () => [
      { title: 'a', path: '/s/a.toml', example: false },
      { title: 'b', path: '/s/b.toml', example: false },
      { title: 'c', path: '/s/c.toml', example: false },
    ],
    openSuite: (path: string) => openSuite(path),
    saveSuite: (path: string | null, s: SuiteDoc['suite']) => saveSuite(path, s),
    checkRegex: async (pattern: string) => (pattern.includes('(') && !pattern.includes(')') ? 'not a valid regular expression: unclosed group' : null),
  },
}))
const { default: QA } = await import('./QA.svelte')

afterEach(cleanup)

async function editFirstCaseOfA(view: { container: HTMLElement; findByText: (text: string, options?: { selector: string }) => Promise<HTMLElement> }) {
  await fireEvent.click(await view.findByText('a', { selector: 'button[data-suite] span' }))
  await fireEvent.click(await view.findByText('a case'))
  const name = view.container.querySelector<HTMLInputElement>('input[data-field="case-name"]')!
  await fireEvent.input(name, { target: { value: 'a case, edited' } })
}

describe('QA suites with unsaved edits', () => {
  it('asks before opening another suite, and Discard opens it without the edits', async () => {
    const view = render(QA)
    await editFirstCaseOfA(view)
    openSuite.mockClear()
    await fireEvent.click(view.getByText('b', { selector: 'button[data-suite] span' }))
    expect(await view.findByText(/Unsaved changes in a/)).toBeTruthy()
    expect(openSuite).not.toHaveBeenCalled()
    await fireEvent.click(view.getByText('Discard changes'))
    await waitFor(() => expect(openSuite).toHaveBeenCalledWith('/s/b.toml'))
    expect(await view.findByText('b case')).toBeTruthy()
  })

  it('saves first when asked to, then opens the other suite', async () => {
    const view = render(QA)
    await editFirstCaseOfA(view)
    saveSuite.mockClear()
    await fireEvent.click(view.getByText('b', { selector: 'button[data-suite] span' }))
    await fireEvent.click(await view.findByText('Save and continue'))
    await waitFor(() => expect(saveSuite).toHaveBeenCalledOnce())
    expect(saveSuite.mock.calls[0][1].case?.[0].name).toBe('a case, edited')
    await waitFor(() => expect(openSuite).toHaveBeenCalledWith('/s/b.toml'))
  })

  it('keeps the edits when the screen is left and opened again', async () => {
    const first = render(QA)
    await editFirstCaseOfA(first)
    first.unmount()
    const again = render(QA)
    expect(await again.findByText('a case, edited')).toBeTruthy()
    expect(again.container.querySelector('[data-field="suite-title"]')!.textContent).toContain('•')
  })
})

describe('QA case form', () => {
  it('reports an invalid message regex as it is typed, and clears it once fixed', async () => {
    const view = render(QA)
    // The suite left open (with edits) by the tests above: open b instead, dropping them.
    await fireEvent.click(await view.findByText('b', { selector: 'button[data-suite] span' }))
    const discard = view.queryByText('Discard changes')
    if (discard) await fireEvent.click(discard)
    await fireEvent.click(await view.findByText('b case'))
    const regex = view.container.querySelector<HTMLInputElement>('input[data-field="case-message-matches"]')!
    await fireEvent.input(regex, { target: { value: '(wrong' } })
    expect(await view.findByText('not a valid regular expression: unclosed group')).toBeTruthy()
    expect(regex.getAttribute('aria-invalid')).toBe('true')
    await fireEvent.input(regex, { target: { value: '(wrong)' } })
    await waitFor(() => expect(view.queryByText(/not a valid regular expression/)).toBeNull())
  })
})

describe('QA suites that write a password in the file', () => {
  it('warn when opened, and the warning goes once saving moved the password to the keyring', async () => {
    const warning = 'case "a case" writes its password in the suite file, where anyone who can read the file can read it'
    openSuite.mockResolvedValueOnce({ ...suite('/s/c.toml', 'c'), warnings: [warning] })
    const view = render(QA)
    await fireEvent.click(await view.findByText('c', { selector: 'button[data-suite] span' }))
    const discard = view.queryByText('Discard changes')
    if (discard) await fireEvent.click(discard)
    await waitFor(() => expect(view.container.querySelector('[data-field="suite-warnings"]')).toBeTruthy())
    expect(view.container.querySelector('[data-field="suite-warnings"]')!.textContent).toContain(warning)
    await fireEvent.click(view.container.querySelector('button[data-action="save-suite"]')!)
    await waitFor(() => expect(view.container.querySelector('[data-field="suite-warnings"]')).toBeNull())
  })
})
