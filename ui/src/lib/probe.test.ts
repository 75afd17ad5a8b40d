import { describe, expect, it } from 'vitest'
import { probePath, saveProbePath } from './probe'

function memory(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>()
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) }
}

describe('probePath', () => {
  it('offers the sandbox\'s who-am-I route on its APIs, the root elsewhere', () => {
    const s = memory()
    expect(probePath('demo', 'http://127.0.0.1:8787/user-login', s)).toBe('/_sandbox/me')
    expect(probePath('prod', 'https://api.talkstackai.com', s)).toBe('/')
    expect(probePath('lan', 'http://127.0.0.1:8787/cookiejar', s)).toBe('/')
  })

  it('remembers the path each account was tried with', () => {
    const s = memory()
    saveProbePath('prod', '/v1/users?limit=1', s)
    expect(probePath('prod', 'https://api.talkstackai.com', s)).toBe('/v1/users?limit=1')
    expect(probePath('other', 'https://api.talkstackai.com', s)).toBe('/')
  })

  it('ignores damaged storage', () => {
    const s = memory()
    s.setItem('authdeck.try-paths', '{not json')
    expect(probePath('prod', 'https://x.test', s)).toBe('/')
  })
})
