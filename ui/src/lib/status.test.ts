import { describe, expect, it } from 'vitest'
import { badge, environment, groupAccounts, liveStatus, matches, tagsInUse, type ListItem } from './status'
import type { AccountView } from './types'

const NOW = Date.parse('2026-11-22T12:00:00Z')

function account(over: Partial<AccountView> = {}): AccountView {
  return {
    name: 'alice-user-login',
    provider: 'user-login',
    provider_name: 'User Login',
    base_url: 'http://127.0.0.1:4010/user-login',
    email: 'alice@user-login.test',
    client_id: null,
    oauth: false,
    oauth_grant: null,
    status: 'valid',
    signed_in: true,
    issued_at: '2026-11-22T11:00:00Z',
    expires_at: '2026-11-22T13:00:00Z',
    margin_secs: 300,
    token_fingerprint: 'abcdef012345',
    has_refresh_token: true,
    password_remembered: false,
    last_login_at: '2026-11-22T11:00:00Z',
    last_error: null,
    options: { set: [], allow_insecure_http: false, timeout_secs: null, env_var: null, tag: null },
    pinned: false,
    created_at: '2026-11-22T10:00:00Z',
    ...over,
  }
}

describe('liveStatus', () => {
  it('moves from valid to expiring at the margin and to expired at the expiry', () => {
    const a = account({ expires_at: '2026-11-22T12:10:00Z' })
    expect(liveStatus(a, NOW)).toBe('valid')
    expect(liveStatus(a, NOW + 5 * 60 * 1000)).toBe('expiring')
    expect(liveStatus(a, NOW + 10 * 60 * 1000)).toBe('expired')
  })

  it('is signed out whatever the stored expiry says', () => {
    expect(liveStatus(account({ signed_in: false }), NOW)).toBe('signed_out')
  })

  it('is unknown_expiry when signed in without an expiry', () => {
    expect(liveStatus(account({ expires_at: null }), NOW)).toBe('unknown_expiry')
  })
})

describe('badge', () => {
  it('carries the live countdown', () => {
    expect(badge(account(), NOW)).toEqual({ status: 'valid', label: 'Valid', detail: '1h 00m' })
  })

  it('shows Error with the kind when the last attempt failed and no session is usable', () => {
    const failed = account({
      signed_in: false,
      last_error: { kind: 'invalid_password', http_status: 401, error_code: 'INVALID_PASSWORD', message: null, retry_after_secs: null },
    })
    expect(badge(failed, NOW)).toEqual({ status: 'error', label: 'Error', detail: 'invalid password' })
  })

  it('keeps a valid session valid even after a failed refresh attempt', () => {
    const a = account({ last_error: { kind: 'server_error', http_status: 500, error_code: null, message: null, retry_after_secs: null } })
    expect(badge(a, NOW).status).toBe('valid')
  })
})

describe('environment', () => {
  it('is the host with port and path prefix', () => {
    expect(environment('http://127.0.0.1:4010/user-login/')).toBe('127.0.0.1:4010/user-login')
    expect(environment('https://api.talkstackai.com')).toBe('api.talkstackai.com')
  })

  it('falls back to the text for something that is not a URL', () => {
    expect(environment('not a url')).toBe('not a url')
  })
})

describe('quick filter', () => {
  it('needs every word to match somewhere', () => {
    const a = account()
    expect(matches(a, '')).toBe(true)
    expect(matches(a, 'alice 127.0.0.1')).toBe(true)
    expect(matches(a, 'ALICE user')).toBe(true)
    expect(matches(a, 'alice talkstack')).toBe(false)
  })
})

describe('sortAccounts', () => {
  const a = (name: string, over: Partial<AccountView>) => account({ name, ...over })

  it('orders by expiry soonest first, signed-out and unknown expiry last', async () => {
    const { sortAccounts } = await import('./status')
    const list = [
      a('later', { expires_at: '2026-11-22T15:00:00Z' }),
      a('out', { signed_in: false, expires_at: '2026-11-22T12:30:00Z' }),
      a('soon', { expires_at: '2026-11-22T12:05:00Z' }),
      a('unknown', { expires_at: null }),
    ]
    expect(sortAccounts(list, 'expiry').map((x) => x.name)).toEqual(['soon', 'later', 'out', 'unknown'])
    expect(list.map((x) => x.name)[0]).toBe('later') // the list itself is untouched
  })

  it('orders by last login, newest first, never logged in last; by name leaves the order alone', async () => {
    const { sortAccounts } = await import('./status')
    const list = [
      a('old', { last_login_at: '2026-11-01T00:00:00Z' }),
      a('never', { last_login_at: null }),
      a('new', { last_login_at: '2026-11-22T11:59:00Z' }),
    ]
    expect(sortAccounts(list, 'recent').map((x) => x.name)).toEqual(['new', 'old', 'never'])
    expect(sortAccounts(list, 'name')).toBe(list)
  })
})

describe('pinned accounts', () => {
  it('come first, each part in the chosen order', async () => {
    const { sortAccounts } = await import('./status')
    const pinned = new Set(['delta', 'bravo'])
    const list = ['alpha', 'bravo', 'charlie', 'delta'].map((name) => account({ name, pinned: pinned.has(name) }))
    expect(sortAccounts(list, 'name').map((x) => x.name)).toEqual(['bravo', 'delta', 'alpha', 'charlie'])
    const none = list.map((a) => ({ ...a, pinned: false }))
    expect(sortAccounts(none, 'name').map((x) => x.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta'])
  })
})

describe('groupAccounts', () => {
  const tagged = (name: string, tag: string | null, provider = 'user-login', provider_name = 'User Login') =>
    account({ name, provider, provider_name, options: { set: [], allow_insecure_http: false, timeout_secs: null, env_var: null, tag } })
  const shape = (items: ListItem[]) => items.map((i) => (i.kind === 'group' ? `[${i.label} ${i.count}${i.collapsed ? ' shut' : ''}]` : i.a.name))
  const list = [tagged('a', 'staging'), tagged('b', null), tagged('c', 'Prod'), tagged('d', 'prod', 'talkstack', 'TalkStack'), tagged('e', 'staging', 'talkstack', 'TalkStack')]

  it('draws no headings without groups, and numbers the accounts in order', () => {
    const items = groupAccounts(list, 'none', new Set())
    expect(shape(items)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(items.map((i) => (i.kind === 'account' ? i.index : -1))).toEqual([0, 1, 2, 3, 4])
  })

  it('groups by tag letter case aside, by name, with the untagged last, keeping the order inside', () => {
    expect(shape(groupAccounts(list, 'tag', new Set()))).toEqual(['[Prod 2]', 'c', 'd', '[staging 2]', 'a', 'e', '[No tag 1]', 'b'])
  })

  it('puts pinned accounts in their own group first and groups by provider name', () => {
    expect(shape(groupAccounts(list.map((x) => ({ ...x, pinned: x.name === 'e' })), 'provider', new Set()))).toEqual(['[Pinned 1]', 'e', '[TalkStack 1]', 'd', '[User Login 3]', 'a', 'b', 'c'])
  })

  it('hides the accounts of a collapsed group but counts them, unless a filter asks to show all', () => {
    const items = groupAccounts(list, 'tag', new Set(['tag:prod']))
    expect(shape(items)).toEqual(['[Prod 2 shut]', '[staging 2]', 'a', 'e', '[No tag 1]', 'b'])
    expect(items.flatMap((i) => (i.kind === 'account' ? [i.index] : []))).toEqual([0, 1, 2])
    expect(shape(groupAccounts(list, 'tag', new Set(['tag:prod']), true))[1]).toBe('c')
  })

  it('orders groups by name with letter case and accents aside, and marks its own headings', () => {
    const mixed = [tagged('a', 'zz-new'), tagged('b', 'Ünïcødé env'), tagged('c', 'aaa-first'), tagged('d', 'Imported Env'), tagged('e', 'No tag'), tagged('f', null)]
    const items = groupAccounts(mixed.map((x) => ({ ...x, pinned: x.name === 'a' })), 'tag', new Set())
    const heads = items.flatMap((i) => (i.kind === 'group' ? [[i.label, i.builtin]] : []))
    expect(heads).toEqual([['Pinned', true], ['aaa-first', false], ['Imported Env', false], ['No tag', false], ['Ünïcødé env', false], ['No tag', true]])
  })

  it('lists each tag in use once, as first written', () => {
    expect(tagsInUse(list)).toEqual(['Prod', 'staging'])
  })

  it('lets the quick filter find an account by its tag', () => {
    expect(matches(tagged('x', 'eu-west'), 'eu-west')).toBe(true)
    expect(matches(tagged('x', null), 'eu-west')).toBe(false)
  })
})
