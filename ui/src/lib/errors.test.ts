import { describe, expect, it } from 'vitest'
import { asPayload, showAccountFailure, showError, showFailure } from './errors'

describe('showFailure', () => {
  it('says what happened in plain words and keeps the raw parts as details', () => {
    const shown = showFailure({ kind: 'invalid_password', http_status: 401, error_code: 'INVALID_PASSWORD', message: 'Wrong password', retry_after_secs: null })
    expect(shown.title).toBe('The password is wrong.')
    expect(shown.details).toEqual([
      ['Kind', 'invalid_password'],
      ['HTTP status', '401'],
      ['Provider code', 'INVALID_PASSWORD'],
      ['Message', 'Wrong password'],
    ])
  })

  it('explains a missing status as no answer and shows Retry-After', () => {
    const shown = showFailure({ kind: 'rate_limited', http_status: null, error_code: null, message: null, retry_after_secs: 2 })
    expect(shown.details).toContainEqual(['HTTP status', 'none (no answer)'])
    expect(shown.details).toContainEqual(['Retry after', '2 s'])
  })
})

describe('showError', () => {
  it('uses our own message as a sentence and puts the code in the details', () => {
    const shown = showError({ code: 'keyring', message: 'the keyring is locked; unlock it and try again' })
    expect(shown.title).toBe('The keyring is locked; unlock it and try again.')
    expect(shown.details[0]).toEqual(['Code', 'keyring'])
  })

  it('shows the start of a long message as the title, the whole of it behind Details', () => {
    const long = `the override of \`foo\` does not fit provider \`user-login\`: unknown field \`foo\`, expected one of ${'`field`, '.repeat(30)}`
    const shown = showError({ code: 'invalid_input', message: long })
    expect(shown.title.startsWith('The override of `foo` does not fit provider `user-login`: unknown field `foo`')).toBe(true)
    expect(shown.title.endsWith('…')).toBe(true)
    expect(shown.title.length).toBeLessThanOrEqual(201)
    expect(shown.details).toContainEqual(['Message', long])
  })

  it('turns anything thrown into a payload without dumping objects', () => {
    expect(asPayload(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' })
    expect(asPayload('plain')).toEqual({ code: 'internal', message: 'plain' })
    expect(asPayload({ nested: { a: 1 } })).toEqual({ code: 'internal', message: 'unknown error' })
    expect(asPayload({ code: 'made_up', message: 'm' })).toEqual({ code: 'internal', message: 'm' })
    expect(asPayload({ code: 'malformed_token', message: 'm' }).code).toBe('malformed_token')
  })
})

describe('encrypted tokens', () => {
  const payload = {
    code: 'encrypted_token',
    message: "this is an encrypted JWE (5 parts; alg dir, enc A128GCM): its claims cannot be read without the recipient's decryption key",
    header: { alg: 'dir', enc: 'A128GCM' },
  }

  it('keeps the protected header of an encrypted_token payload', () => {
    expect(asPayload(payload)).toEqual(payload)
  })

  it('says the token is encrypted and needs the key', () => {
    const shown = showError(payload)
    expect(shown.title).toMatch(/^This is an encrypted JWE .*decryption key\.$/)
    expect(shown.details[0]).toEqual(['Code', 'encrypted_token'])
  })

  it('drops a header that is not an object', () => {
    expect(asPayload({ code: 'encrypted_token', message: 'm', header: 'x' })).toEqual({ code: 'encrypted_token', message: 'm' })
  })
})

describe('showAccountFailure', () => {
  it('says a server that is down could not be reached, as the account\'s own notice does, whatever the raw message', () => {
    const down = { kind: 'network_error' as const, http_status: null, error_code: null, message: 'error sending request for url (http://127.0.0.1:9/user/login): client error (Connect): tcp connect error: Connection refused (os error 111)', retry_after_secs: null }
    const shown = showAccountFailure('dev', down)
    expect(shown.title).toBe('dev: The server could not be reached.')
    expect(shown.title).toContain(showFailure(down).title)
    expect(shown.title).not.toMatch(/refused/i)
    expect(shown.details).toContainEqual(['Message', down.message])
  })
})

describe('inAppWords', () => {
  it('names the account form where core names a CLI option', async () => {
    const { inAppWords } = await import('./errors')
    const said = inAppWords('refusing plain http:// to 10.0.0.5: passwords and tokens would travel unencrypted. Use https://, or allow plain http for the account if you really mean it (`authdeck login ACCOUNT --allow-insecure-http`)')
    expect(said).toContain('“Allow plain http://” under Options')
    expect(said).not.toContain('--allow-insecure-http')
    expect(inAppWords('dev is signed out: run `authdeck login dev`')).toBe('dev is signed out: use Log in on dev')
    const expired = inAppWords(
      'the session of ttlm has expired: nothing can renew it. Run `authdeck login ttlm` (add --remember-password to renew by itself next time; a pasted token is never renewed: paste a new one with --token-stdin)',
    )
    expect(expired).toBe(
      'the session of ttlm has expired: nothing can renew it. Log in on ttlm again (with “Remember the password” ticked it renews by itself next time; a pasted token is never renewed: paste a new one)',
    )
  })
})
