import { describe, expect, it, vi } from 'vitest'
import { csvName, filterFor, pageWords } from './history'
import { setZone } from './time'
import { suggestName } from './names'

const NOW = Date.parse('2026-11-22T12:00:00Z')

describe('filterFor', () => {
  it('turns empty choices into "any"', () => {
    expect(filterFor({ account: '', action: '', kind: '', outcome: '', since: 'all', message: '  ' }, NOW)).toEqual({
      account: null, action: null, kind: null, ok: null, since: null, message: null, page: { from: 'newest' }, limit: 100,
    })
  })

  it('narrows by account, action, outcome and time', () => {
    const f = filterFor({ account: 'a', action: 'login', kind: '', outcome: 'ok', since: 'hour', message: ' Rate limit ' }, NOW)
    expect(f).toMatchObject({ account: 'a', action: 'login', ok: true, since: '2026-11-22T11:00:00.000Z', message: 'Rate limit' })
  })

  it('asks only for failed events when a kind is chosen', () => {
    expect(filterFor({ account: '', action: '', kind: 'invalid_password', outcome: 'ok', since: 'all', message: '' }, NOW).ok).toBe(false)
  })
})

describe('pageWords', () => {
  it('says which rows are shown and how many match', () => {
    expect(pageWords(0, 100, 1_000_000)).toBe('1–100 of 1,000,000 events')
    expect(pageWords(999_900, 100, 1_000_000)).toBe('999,901–1,000,000 of 1,000,000 events')
    expect(pageWords(0, 7, 7)).toBe('7 events')
    expect(pageWords(0, 1, 1)).toBe('1 event')
    expect(pageWords(0, 0, 0)).toBe('No events match')
  })
})

describe('suggestName', () => {
  it('builds a valid account name from the email and provider', () => {
    expect(suggestName('Alice.Smith+ttl5@example.com', 'user-login')).toBe('alice-smith-ttl5-user-login')
    expect(suggestName('', 'meetra')).toBe('meetra')
  })
})

describe('csvName', () => {
  it("names an export after the moment in the user's own time", () => {
    vi.stubEnv('TZ', 'Europe/Berlin')
    try {
      expect(csvName(new Date('2026-11-22T12:00:05Z'))).toBe('authdeck-history-20261122-130005.csv')
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it("uses the app's zone offsets when it has them, whatever the process's own zone", () => {
    vi.stubEnv('TZ', 'UTC')
    setZone({ name: 'Asia/Kolkata', offsets: [{ from_ms: null, offset_s: 19800 }] })
    try {
      expect(csvName(new Date('2026-11-22T12:00:05Z'))).toBe('authdeck-history-20261122-173005.csv')
    } finally {
      setZone(null)
      vi.unstubAllEnvs()
    }
  })
})
