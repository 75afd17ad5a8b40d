import { describe, expect, it } from 'vitest'
import { refresherNotice } from './refresher'

describe('refresherNotice', () => {
  it('stays quiet when a session was renewed', () => {
    expect(refresherNotice({ type: 'renewed', account: 'a', expires_at: null })).toBeNull()
  })
  it('names the account and says a failed refresh is retried', () => {
    const n = refresherNotice({ type: 'failed', account: 'a', kind: 'network_error', message: 'no route', retry_at: '2026-01-01T00:00:00Z' })
    expect(n).toEqual({ code: 'refused', message: 'a: no route (retrying)' })
  })
  it('asks for a new login when the refresher stopped or cannot renew', () => {
    expect(refresherNotice({ type: 'stopped', account: 'a', kind: null, message: 'x' })?.code).toBe('session_expired')
    expect(refresherNotice({ type: 'stopped', account: 'a', kind: 'invalid_credentials', message: 'wrong password' })?.message).toMatch(/Log in again/)
    expect(refresherNotice({ type: 'cannot_renew', account: 'a', expires_at: '2026-01-01T00:00:00Z' })?.message).toMatch(/^a will expire/)
  })
})
