import { describe, expect, it } from 'vitest'
import { refresherNotice } from './refresher'

describe('refresherNotice', () => {
  it('stays quiet when a session was renewed', () => {
    expect(refresherNotice({ type: 'renewed', account: 'a', expires_at: null })).toBeNull()
  })
  it('names the account, says what failed in the words of its kind and that it is retried', () => {
    const n = refresherNotice({ type: 'failed', account: 'a', kind: 'network_error', message: 'error sending request: tcp connect error: Connection refused (os error 111)'.repeat(3), retry_at: '2026-01-01T00:00:00Z' })
    expect(n?.title).toBe('a: The server could not be reached. Retrying.')
    expect(n?.details).toContainEqual(['Kind', 'network_error'])
  })
  it('asks for a new login when the refresher stopped or cannot renew', () => {
    expect(refresherNotice({ type: 'stopped', account: 'a', kind: null, message: 'x' })?.title).toBe('a: X. Log in again.')
    expect(refresherNotice({ type: 'stopped', account: 'a', kind: 'invalid_credentials', message: 'wrong password' })?.title).toBe('a: The email or password is wrong. Log in again.')
    expect(refresherNotice({ type: 'cannot_renew', account: 'a', expires_at: '2026-01-01T00:00:00Z' })?.title).toMatch(/^a will expire/)
  })
})
