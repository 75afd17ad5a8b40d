import { describe, expect, it } from 'vitest'
import { freeName, picksOf, rowProblems, rowsOf } from './dotenv'
import type { DotenvVariable } from './types'

const v = (name: string, account: string, likely = true, base_url: string | null = null): DotenvVariable => ({
  name,
  shape: '20 characters',
  likely,
  account,
  base_url,
  expires_at: null,
})

describe('rowsOf', () => {
  it('ticks the likely tokens under free names and leaves the rest unticked', () => {
    const rows = rowsOf([v('DEV_TOKEN', 'dev', true, 'https://dev.test'), v('DEBUG', 'debug', false), v('DEV_KEY', 'dev')], ['dev'])
    expect(rows.map((r) => [r.variable.name, r.pick, r.account, r.baseUrl])).toEqual([
      ['DEV_TOKEN', true, 'dev-2', 'https://dev.test'],
      ['DEBUG', false, 'debug', ''],
      ['DEV_KEY', true, 'dev-3', ''],
    ])
  })

  it('takes a name only letter case apart from an account\'s as taken', () => {
    expect(rowsOf([v('DEV_TOKEN', 'dev')], ['DEV'])[0].account).toBe('dev-2')
  })

  it('keeps a name within 64 characters', () => {
    const long = 'n'.repeat(64)
    expect(freeName(long, (c) => c === long)).toBe(`${'n'.repeat(62)}-2`)
  })
})

describe('rowProblems', () => {
  it('names what stops a ticked row, and passes an unticked one', () => {
    const rows = rowsOf([v('A_TOKEN', 'a', true, 'https://a.test'), v('B_TOKEN', 'b')], [], 'apikey')
    expect(rowProblems(rows, [])[0]).toBeNull()
    expect(rowProblems(rows, [])[1]).toContain('base URL')
    rows[1].baseUrl = 'https://b.test'
    rows[1].account = 'a'
    expect(rowProblems(rows, [])[1]).toBe('a is chosen twice.')
    rows[1].account = 'b'
    expect(rowProblems(rows, ['a'])[0]).toBe('a is taken: choose another name.')
    expect(rowProblems(rows, ['A'])[0]).toContain('only in letter case')
    rows[1].account = 'A'
    expect(rowProblems(rows, [])[1]).toBe('A is chosen twice.')
    rows[1].account = 'b b'
    expect(rowProblems(rows, [])[1]).toContain('spaces')
    rows[1].account = 'b'
    rows[1].provider = ''
    expect(rowProblems(rows, [])[1]).toContain('provider')
    rows[1].pick = false
    expect(rowProblems(rows, [])[1]).toBeNull()
  })
})

describe('picksOf', () => {
  it('sends the ticked rows, trimmed, each with its provider and the tag for all', () => {
    const rows = rowsOf([v('A_TOKEN', 'a', true, ' https://a.test '), v('DEBUG', 'debug', false), v('B_KEY', 'b', true, 'https://b.test')], [], 'user-login')
    rows[2].provider = 'apikey'
    expect(picksOf(rows, ' dev ')).toEqual([
      { variable: 'A_TOKEN', account: 'a', provider: 'user-login', base_url: 'https://a.test', tag: 'dev' },
      { variable: 'B_KEY', account: 'b', provider: 'apikey', base_url: 'https://b.test', tag: 'dev' },
    ])
    expect(picksOf(rows)[0].tag).toBeNull()
  })
})
