// Every backend command, typed. Components call these, never `invoke` directly.
import { invoke } from '@tauri-apps/api/core'
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import { open, save } from '@tauri-apps/plugin-dialog'
import type {
  DotenvFile,
  DotenvPick,
  Exchange,
  Probe,
  AccountEdit,
  AccountView,
  ExportSummary,
  ImportReport,
  CopyFormat,
  CopyReceipt,
  Event,
  HistoryFilter,
  Introspection,
  Inspection,
  KeyInput,
  LoginInput,
  LoginReport,
  PasteInput,
  ProviderCheck,
  ProviderView,
  ProxyView,
  QaCase,
  RefreshEvent,
  RefresherEvent,
  SandboxInfo,
  SignInInput,
  SignInStage,
  Settings,
  Suite,
  SuiteDoc,
  SuiteEntry,
  SuiteReport,
  TestLogin,
  VerifyResult,
} from './types'

export const api = {
  /** Quits the app (Ctrl+Q); the window's size and position are saved on the way out. */
  quit: () => invoke<void>('app_quit'),
  accounts: () => invoke<AccountView[]>('accounts_list'),
  login: (input: LoginInput) => invoke<LoginReport>('account_login', { input }),
  /** Signs an OAuth account in; `onSignIn` tells what it waits for meanwhile. */
  signIn: (input: SignInInput) => invoke<LoginReport>('account_sign_in', { input }),
  cancelSignIn: (account: string) => invoke<void>('account_sign_in_cancel', { account }),
  onSignIn: (handler: (e: SignInStage) => void): Promise<UnlistenFn> =>
    listen<SignInStage>('oauth-sign-in', (e) => handler(e.payload)),
  /** What the OAuth server says about the account's token (RFC 7662). */
  introspect: (account: string) => invoke<Introspection>('account_introspect', { account }),
  /** Keeps a pasted key or token as the account's session; nothing is sent. */
  pasteToken: (input: PasteInput) => invoke<LoginReport>('account_paste_token', { input }),
  /** Keeps a new account, signed out, whose first login was refused. */
  addAccount: (input: AccountEdit) => invoke<void>('account_add', { input }),
  /** Saves an edited account without logging in. */
  saveAccount: (input: AccountEdit) => invoke<void>('account_save', { input }),
  refresh: (account: string) => invoke<LoginReport>('account_refresh', { account }),
  refreshAll: () => invoke<void>('accounts_refresh_all'),
  logout: (account: string) => invoke<void>('account_logout', { account }),
  remove: (account: string) => invoke<void>('account_remove', { account }),
  /** "Try it": one GET with the account's token to `path` of its API (token hidden in the result). */
  probe: (account: string, path: string) => invoke<Probe>('account_probe', { account, path }),
  /** Gives the account a new name; its secrets and history follow. */
  rename: (account: string, newName: string) => invoke<void>('account_rename', { account, newName }),
  /** Pins the account on top of the list (kept with the account: it follows a rename). */
  pinAccount: (account: string, pinned: boolean) => invoke<void>('account_pin', { account, pinned }),
  forgetPassword: (account: string) => invoke<void>('account_forget_password', { account }),
  copy: (account: string, format: CopyFormat) => invoke<CopyReceipt>('token_copy', { account, format }),
  /** Copies `authdeck exec 'NAME' -- ` (no secret in it). */
  copyExecLine: (account: string) => invoke<string>('exec_line_copy', { account }),
  startProxy: (account: string) => invoke<ProxyView>('proxy_start', { account }),
  /** Writes the account's environment file into Downloads; its path. */
  exportEnvironment: (account: string, format: 'postman' | 'insomnia' | 'bruno' | 'dotenv') =>
    invoke<string>('environment_export', { account, format }),
  stopProxy: (account: string) => invoke<void>('proxy_stop', { account }),
  proxies: () => invoke<ProxyView[]>('proxies_list'),
  /** The raw token: only after the user pressed Reveal. */
  reveal: (account: string) => invoke<string>('token_reveal', { account }),
  inspectAccount: (account: string) => invoke<Inspection>('token_inspect_account', { account }),
  /** The account's ID token explained, or null (no OpenID Connect sign-in). */
  inspectIdToken: (account: string) => invoke<Inspection | null>('token_inspect_id_token', { account }),
  userinfo: (account: string) => invoke<Record<string, unknown>>('account_userinfo', { account }),
  inspectText: (token: string) => invoke<Inspection>('token_inspect_text', { token }),
  verify: (source: { account: string } | { token: string }, key: KeyInput) =>
    invoke<VerifyResult>('token_verify', { source, key }),
  history: (filter: HistoryFilter) => invoke<Event[]>('history_list', { filter }),
  /** The request and answer kept for a history event (secrets hidden); null when none is kept. */
  exchange: (id: number) => invoke<Exchange | null>('history_exchange', { id }),
  /** How many events match the filter (its page and limit aside). */
  historyCount: (filter: HistoryFilter) => invoke<number>('history_count', { filter }),
  /** Asks where to save a CSV file, in the system's save dialog; null when the user cancels. */
  chooseCsvPath: (defaultPath: string, title: string) =>
    save({ title, defaultPath, filters: [{ name: 'CSV', extensions: ['csv'] }] }),
  /** Asks where to save an accounts export (JSON), in the system's save dialog; null when cancelled. */
  chooseExportPath: (defaultPath: string) =>
    save({ title: 'Export accounts', defaultPath, filters: [{ name: 'Authdeck export', extensions: ['json'] }] }),
  /** Asks which export file to import, in the system's open dialog; null when cancelled. */
  chooseImportPath: () =>
    open({ title: 'Import accounts', multiple: false, directory: false, filters: [{ name: 'Authdeck export', extensions: ['json'] }] }),
  /** Asks which .env file to import from, in the system's open dialog; null when cancelled. */
  chooseDotenvPath: () => open({ title: 'Import from .env', multiple: false, directory: false }),
  /** The variables of a .env file, without their values. */
  readDotenv: (path: string) => invoke<DotenvFile>('dotenv_read', { path }),
  /** Keeps the chosen variables as new accounts' pasted tokens; resolves to their names. */
  importDotenv: (path: string, picks: DotenvPick[]) => invoke<string[]>('dotenv_import', { path, picks }),
  /** Writes every account's configuration and the provider files to `path`: never a secret. */
  exportAccounts: (path: string) => invoke<ExportSummary>('accounts_export', { path }),
  /** Adds and updates accounts and provider files from an export file. */
  importAccounts: (path: string) => invoke<ImportReport>('accounts_import', { path }),
  /** Writes every event matching the filter to `path` as CSV; resolves to how many. */
  exportHistory: (filter: HistoryFilter, path: string) => invoke<number>('history_export_csv', { filter, path }),
  providers: () => invoke<ProviderView[]>('providers_list'),
  checkProvider: (toml: string) => invoke<ProviderCheck>('provider_check', { toml }),
  saveProvider: (toml: string) => invoke<ProviderView>('provider_save', { toml }),
  testProvider: (toml: string, baseUrl: string, email: string, password: string) =>
    invoke<TestLogin>('provider_test_login', { toml, baseUrl, email, password }),
  settings: () => invoke<Settings>('settings_get'),
  saveSettings: (settings: Settings) => invoke<Settings>('settings_set', { settings }),
  startSandbox: () => invoke<SandboxInfo>('sandbox_start'),
  /** The running sandbox (its OpenID Connect demo issuer), or null. */
  sandboxInfo: () => invoke<SandboxInfo | null>('sandbox_info'),
  suites: () => invoke<SuiteEntry[]>('suites_list'),
  openSuite: (path: string) => invoke<SuiteDoc>('suite_open', { path }),
  /** What is wrong with a case's message regex (the run's syntax), or null. */
  checkRegex: (pattern: string) => invoke<string | null>('suite_check_regex', { pattern }),
  /** What is wrong with an account's variable name (core's rules), or null. */
  checkEnvVar: (name: string) => invoke<string | null>('env_var_check', { name }),
  /** Changes when the CLI (another process) wrote to the database. */
  dataVersion: () => invoke<number>('data_version'),
  createSuite: (name: string) => invoke<SuiteDoc>('suite_create', { name }),
  saveSuite: (path: string | null, suite: Suite) => invoke<SuiteDoc>('suite_save', { path, suite }),
  /** Runs the suite as edited; `only` keeps those case positions. Results also arrive live. */
  runSuite: (path: string | null, suite: Suite, only: number[] | null) =>
    invoke<SuiteReport>('suite_run', { path, suite, only }),
  onQaCase: (handler: (e: QaCase) => void): Promise<UnlistenFn> =>
    listen<QaCase>('qa-case', (e) => handler(e.payload)),
  onRefresh: (handler: (e: RefreshEvent) => void): Promise<UnlistenFn> =>
    listen<RefreshEvent>('refresh', (e) => handler(e.payload)),
  /** Core's background refresher: renewed, failed (retrying), stopped, cannot renew. */
  onRefresher: (handler: (e: RefresherEvent) => void): Promise<UnlistenFn> =>
    listen<RefresherEvent>('refresher', (e) => handler(e.payload)),
}

export type Api = typeof api
