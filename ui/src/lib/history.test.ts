import { describe, expect, it } from 'vitest'
import { filterFor } from './history'
import { suggestName } from './names'

const NOW = Date.parse('2026-11-22T12:00:00Z')

describe('filterFor', () => {
  it('turns empty choices into "any"', () => {
    expect(filterFor({ account: '', action: '', kind: '', outcome: '', since: 'all' }, NOW)).toEqual({
      account: null, action: null, kind: null, ok: null, since: null, limit: 500,
    })
  })

  it('narrows by account, action, outcome and time', () => {
    const f = filterFor({ account: 'a', action: 'login', kind: '', outcome: 'ok', since: 'hour' }, NOW)
    expect(f).toMatchObject({ account: 'a', action: 'login', ok: true, since: '2026-11-22T11:00:00.000Z' })
  })

  it('asks only for failed events when a kind is chosen', () => {
    expect(filterFor({ account: '', action: '', kind: 'invalid_password', outcome: 'ok', since: 'all' }, NOW).ok).toBe(false)
  })
})

describe('suggestName', () => {
  it('builds a valid account name from the email and provider', () => {
    expect(suggestName('Alice.Smith+ttl5@example.com', 'user-login')).toBe('alice-smith-ttl5-user-login')
    expect(suggestName('', 'meetra')).toBe('meetra')
  })
})
