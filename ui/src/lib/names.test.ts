import { describe, expect, it } from 'vitest'
import { accountNameProblem } from './names'

describe('accountNameProblem', () => {
  it('accepts core\'s names, up to 64 characters', () => {
    expect(accountNameProblem('qa-alice_2@prod.eu')).toBeNull()
    expect(accountNameProblem('n'.repeat(64))).toBeNull()
  })

  it('says which characters are not allowed, and what is', () => {
    expect(accountNameProblem('my account/2')).toBe('spaces, “/” cannot be in a name: use letters, digits and . _ @ -')
  })

  it('says how long a name may be, and that one is needed', () => {
    expect(accountNameProblem('n'.repeat(65))).toBe('65 characters: use at most 64.')
    expect(accountNameProblem('  ')).toBe('Give the account a name.')
  })
})
