import { describe, expect, it } from 'vitest'
import { accountNameProblem } from './names'

describe('accountNameProblem', () => {
  it('accepts core\'s names, up to 64 characters', () => {
    expect(accountNameProblem('qa-alice_2@prod.eu')).toBeNull()
    expect(accountNameProblem('n'.repeat(64))).toBeNull()
  })

  it('says which characters are not allowed, and what is', () => {
    expect(accountNameProblem('my account/2')).toBe('spaces, “/” cannot be in a name: use the letters a–z and A–Z, digits and . _ @ -')
  })

  it('says how long a name may be, and that one is needed', () => {
    expect(accountNameProblem('n'.repeat(65))).toBe('65 characters: use at most 64.')
    expect(accountNameProblem('  ')).toBe('Give the account a name.')
  })

  it('refuses what core refuses for a new name: a leading -, no letter or digit, a letter-case twin', () => {
    expect(accountNameProblem('-dash')).toContain('cannot start with -')
    expect(accountNameProblem('..')).toContain('letter or digit')
    expect(accountNameProblem('Dev', ['dev', 'prod'])).toContain('Dev differs from dev only in letter case')
    expect(accountNameProblem('dev', ['dev'])).toBeNull()
  })
})

describe('copyName', () => {
  it('adds -copy, then a number while the name is taken, and stays within 64 characters', async () => {
    const { copyName } = await import('./names')
    expect(copyName('dev', () => false)).toBe('dev-copy')
    const taken = new Set(['dev-copy', 'dev-copy-2'])
    expect(copyName('dev', (n) => taken.has(n))).toBe('dev-copy-3')
    const long = 'n'.repeat(64)
    expect(copyName(long, () => false)).toHaveLength(64)
    expect(copyName(long, () => false).endsWith('-copy')).toBe(true)
  })
})
