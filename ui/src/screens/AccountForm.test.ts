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
    checkEnvVar: async (name: string) => (name === 'PATH' ? 'PATH is taken: shells and tools read it for themselves.' : null),
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
    await waitFor(() => expect(addAccount).toHaveBeenCalledWith({
      account: 'fresh', provider: 'user-login', base_url: 'http://127.0.0.1:8787/user-login', email: 'alice@userlogin.test',
      options: { set: [], timeout_secs: null, env_var: null, tag: null, allow_insecure_http: false },
    }))
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
    expect(view.container.querySelector('[data-field-error="name"]')!.textContent).toBe('spaces cannot be in a name: use the letters a–z and A–Z, digits and . _ @ -')
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

describe('Account options', () => {
  const field = (view: { container: HTMLElement }, f: string) => view.container.querySelector<HTMLInputElement>(`[data-field="${f}"]`)!

  beforeEach(() => {
    login.mockReset()
    login.mockImplementation(async (input: LoginInput) => ({ ...refused(input), ok_tag: 'ok' }))
  })

  it('sends what the CLI sets with --set, --timeout, --allow-insecure-http, --env-var and --tag', async () => {
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone: () => {} })
    await fireEvent.click(view.container.querySelector('[data-action="toggle-options"]')!)
    await fireEvent.input(field(view, 'set'), { target: { value: 'success.expires_format=unix_ms\n\n  refresh=null ' } })
    await fireEvent.input(field(view, 'timeout'), { target: { value: '5' } })
    await fireEvent.input(field(view, 'env-var'), { target: { value: 'GITHUB_TOKEN' } })
    await fireEvent.input(field(view, 'tag'), { target: { value: ' eu  prod ' } })
    await fireEvent.click(field(view, 'allow-insecure-http'))
    await fill(view, 'lan')
    await waitFor(() => expect(login).toHaveBeenCalledOnce())
    expect(login.mock.calls[0][0].options).toEqual({
      set: ['success.expires_format=unix_ms', 'refresh=null'], timeout_secs: 5, env_var: 'GITHUB_TOKEN', tag: 'eu prod', allow_insecure_http: true,
    })
  })

  it('marks a timeout out of range or a bad variable name as typed, and sends nothing', async () => {
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone: () => {} })
    await fireEvent.click(view.container.querySelector('[data-action="toggle-options"]')!)
    await fireEvent.input(field(view, 'timeout'), { target: { value: '0' } })
    expect(view.container.querySelector('[data-field-error="timeout"]')!.textContent).toContain('whole number of seconds, 1 to 600')
    await fireEvent.input(field(view, 'timeout'), { target: { value: '' } })
    await fireEvent.input(field(view, 'env-var'), { target: { value: '1TOKEN' } })
    expect(view.container.querySelector('[data-field-error="env-var"]')!.textContent).toContain('not a variable name')
    await fireEvent.input(field(view, 'env-var'), { target: { value: 'PATH' } })
    await waitFor(() => expect(view.container.querySelector('[data-field-error="env-var"]')?.textContent).toContain('PATH is taken'))
    await fill(view, 'lan')
    expect(login).not.toHaveBeenCalled()
  })

  it('says where to allow plain http in the app\'s words when it is refused, and opens Options', async () => {
    login.mockImplementation(async () => {
      throw { code: 'invalid_input', message: 'refusing plain http:// to 10.0.0.5: passwords and tokens would travel unencrypted. Use https://, or allow plain http for the account if you really mean it (`authdeck login ACCOUNT --allow-insecure-http`)' }
    })
    const view = render(AccountForm, { account: null, onclose: () => {}, ondone: () => {} })
    await fill(view, 'lan')
    await waitFor(() => expect(view.container.textContent).toContain('“Allow plain http://” under Options in the account form'))
    expect(view.container.textContent).not.toContain('--allow-insecure-http')
    expect(view.container.querySelector('[data-action="toggle-options"]')!.getAttribute('aria-expanded')).toBe('true')
  })

  it('shows an account\'s options when editing it', async () => {
    const edited = { ...account('lan'), options: { set: ['success.expires_format=unix_ms'], allow_insecure_http: true, timeout_secs: 12, env_var: 'LAN_TOKEN', tag: null } }
    const view = render(AccountForm, { account: edited, onclose: () => {}, ondone: () => {} })
    expect(view.container.querySelector('[data-action="toggle-options"]')!.getAttribute('aria-expanded')).toBe('true')
    expect(field(view, 'set').value).toBe('success.expires_format=unix_ms')
    expect(field(view, 'timeout').value).toBe('12')
    expect(field(view, 'env-var').value).toBe('LAN_TOKEN')
    expect(field(view, 'allow-insecure-http').checked).toBe(true)
  })
})

describe('Duplicate account', () => {
  it('starts a new account from the copied one: provider, server, user and options, a free name, no secret', async () => {
    list.splice(0, list.length, account('dev', 'bob@corp.test'), account('dev-copy'))
    await accounts.reload()
    login.mockReset()
    login.mockImplementation(async (input: LoginInput) => ({ ...refused(input), ok_tag: 'ok' }))
    const from = { ...account('dev', 'bob@corp.test'), options: { set: ['success.expires_format=unix_ms'], allow_insecure_http: false, timeout_secs: 9, env_var: 'DEV_TOKEN', tag: 'qa' } }
    const view = render(AccountForm, { account: null, from, onclose: () => {}, ondone: () => {} })
    const field = (f: string) => view.container.querySelector<HTMLInputElement>(`[data-field="${f}"]`)!
    expect(view.getByText('Duplicate dev')).toBeTruthy()
    expect(field('name').value).toBe('dev-copy-2')
    expect(field('email').value).toBe('bob@corp.test')
    expect(field('base-url').value).toBe(from.base_url)
    expect(field('password').value).toBe('')
    expect(field('env-var').value).toBe('DEV_TOKEN')
    expect(field('tag').value).toBe('qa')
    await fireEvent.input(field('password'), { target: { value: 'pw' } })
    await fireEvent.submit(view.container.querySelector('form')!)
    await waitFor(() => expect(login).toHaveBeenCalledOnce())
    expect(login.mock.calls[0][0]).toMatchObject({ account: 'dev-copy-2', email: 'bob@corp.test', options: { timeout_secs: 9, env_var: 'DEV_TOKEN', tag: 'qa', set: ['success.expires_format=unix_ms'] } })
  })
})
