import { describe, expect, it } from 'vitest'
import { blankCase, cleanCase, expectation, failedIndexes, tally } from './qa'
import type { CaseResult } from './types'

const result = (index: number, status: CaseResult['status']): CaseResult => ({
  index, name: `c${index}`, provider: 'user-login', email: 'a@b.c', status, mismatches: [], actual: null,
  attempts: 1, error: null, notes: [], duration_ms: 3,
})

describe('QA results', () => {
  it('counts passes, failures and errors', () => {
    expect(tally([result(0, 'pass'), result(1, 'fail'), result(2, 'pass'), result(3, 'error')])).toEqual({ pass: 2, fail: 1, error: 1 })
  })
  it('re-runs the failed and errored cases by suite position, in order', () => {
    expect(failedIndexes([result(3, 'error'), result(0, 'pass'), result(1, 'fail')])).toEqual([1, 3])
  })
})

describe('case form', () => {
  it('leaves out empty fields and keeps set ones', () => {
    const c = cleanCase({ name: ' wrong password ', email: 'a@b.c', password: 'x', error_code: '', http_status: NaN, kind: 'invalid_password', max_latency_ms: 500 })
    expect(c).toEqual({ name: 'wrong password', email: 'a@b.c', password: 'x', kind: 'invalid_password', max_latency_ms: 500 })
  })
  it('keeps an empty password: the case sends none on purpose', () => {
    expect(cleanCase({ name: 'missing password', email: 'a@b.c', password: '' }).password).toBe('')
  })
  it('a new case expects success', () => {
    expect(blankCase(2)).toEqual({ name: 'case 2', email: '', ok: true })
  })
  it('sums up the expectation in one line', () => {
    expect(expectation({ name: 'a', email: 'e', kind: 'invalid_password', http_status: 401, error_code: 'INVALID_PASSWORD' }))
      .toBe('invalid password · 401 · INVALID_PASSWORD')
    expect(expectation({ name: 'a', email: 'e', ok: true, http_status: 200 })).toBe('ok · 200')
    expect(expectation({ name: 'a', email: 'e', ok: false, message_contains: 'password', message_matches: '(?i)^wrong' }))
      .toBe('fails · “password” · /(?i)^wrong/')
  })
})
