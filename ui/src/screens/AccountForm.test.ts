import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte'
import type { AccountView, LoginInput, SandboxInfo } from '../lib/types'
import { account } from './fixtures'

const list: AccountView[] = []
const sandbox: { info: SandboxInfo | null } = { info: null }
const login = vi.fn()
const addAccount = vi.fn(async (_input: unknown) => undefined)
vi.mock('../lib/api', () => ({
  api: {
    accounts: async () => list,
    proxies: async () => [],
    providers: async () => [
      { id: 'user-login', name: 'User Login', description: '', base_url: null, source: 'preset', has_login: true, oauth_grant: null, second_factor: false, choices: [] },
    ],
    sandboxInfo: async () => sandbox.info,
    onSignIn: async () => () => {},
    login: (input: LoginInput) => login(input),
    addAccount: (input: unknown) => addAccount(input),
  },
}))

const { accounts } = await import('../lib/app.svelte')
const { default: AccountForm } = await import('./AccountForm.svelte')

afterEach(cleanup)

const refused = (input: LoginInput) => ({
  account: input.account, provider: 'user-login', email: input.email, base_url: input.base_url, latency_ms: 3,
  ok_tag: 'failed', kind: 'invalid_password', http_status: 401, error_code: 'INVALID_PASSWORD', message: 'Invalid password.', retry_after_secs: null,
})

async function fill(view: { container: HTMLElement }, name: string) {
  const field = (f: string) => view.container.querySelector<HTMLInputElement>(`[data-field="${f}"]`)!
  await waitFor(() => expect(field('provider').value).toBe('user-login'))
  await fireEvent.input(field('base-url'), { target: { value: 'http://127.0.0.1:8787/user-login' } })
  await fireEvent.input(field('email'), { target: { value: 'alice@userlogin.test' } })
  await fireEvent.input(field('name'), { target: { value: name } })
  await fireEvent.input(field('password'), { target: { value: 'pw' } })
  await fireEvent.submit(view.container.querySelector('form')!)
}

describe('Add account', () => {
  beforeEach(async () => {
    list.splice(0, list.length, account('dev', 'bob@corp.test'))
    await accounts.reload()
    login.mockReset()
    addAccount.mockClear()
  })

  it('asks before replacing an account of the same name, and logs in only after the yes', async () => {
    login.mockImplementation(async (input: LoginInput) => ({ ...refused(input), ok_tag: 'ok' }))
    const ondone = vi.fn()
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone })
    await fill(view, 'dev')
    const warning = await view.findByText(/An account named dev exists/)
    expect(warning).toBeTruthy()
    expect(view.container.querySelector('[data-field="replace-warning"]')!.textContent).toContain('bob@corp.test')
    expect(login).not.toHaveBeenCalled()
    await fireEvent.click(view.getByText('Replace dev'))
    await waitFor(() => expect(login).toHaveBeenCalledOnce())
    await waitFor(() => expect(ondone).toHaveBeenCalledWith('dev'))
  })

  it('saves nothing after a refused first login, and keeps the account only when asked', async () => {
    login.mockImplementation(async (input: LoginInput) => refused(input))
    const ondone = vi.fn()
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone })
    await fill(view, 'fresh')
    await view.findByText('The password is wrong.', { exact: false })
    expect(login.mock.calls[0][0].account).toBe('fresh')
    expect(addAccount).not.toHaveBeenCalled()
    expect(ondone).not.toHaveBeenCalled()
    await fireEvent.click(view.getByText(/Keep fresh anyway/))
    await waitFor(() => expect(addAccount).toHaveBeenCalledWith({ account: 'fresh', provider: 'user-login', base_url: 'http://127.0.0.1:8787/user-login', email: 'alice@userlogin.test' }))
    expect(ondone).toHaveBeenCalledWith('fresh')
  })
})

describe('Add account with a bad name', () => {
  it('marks the name field and says what is wrong with it, and sends nothing', async () => {
    login.mockReset()
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone: () => {} })
    await fill(view, 'my account')
    const name = view.container.querySelector<HTMLInputElement>('[data-field="name"]')!
    expect(name.getAttribute('aria-invalid')).toBe('true')
    expect(view.container.querySelector('[data-field-error="name"]')!.textContent).toBe('spaces cannot be in a name: use letters, digits and . _ @ -')
    expect(document.activeElement).toBe(name)
    expect(login).not.toHaveBeenCalled()
  })
})

describe('Add account while the sandbox runs', () => {
  it('offers the sandbox\'s base URL for an API it serves', async () => {
    sandbox.info = { url: 'http://127.0.0.1:41234', accounts: [], issuer: 'http://127.0.0.1:41234/oidc', issuer_client_id: 'authdeck-demo' }
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone: () => {} })
    await fireEvent.click(await view.findByText('Use http://127.0.0.1:41234/user-login'))
    expect(view.container.querySelector<HTMLInputElement>('[data-field="base-url"]')!.value).toBe('http://127.0.0.1:41234/user-login')
    sandbox.info = null
  })
})
