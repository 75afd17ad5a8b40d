import { describe, expect, it } from 'vitest'
import { grouped } from './count'

describe('grouped', () => {
  it('writes numbers under a thousand as they are', () => {
    expect(grouped(0)).toBe('0')
    expect(grouped(7)).toBe('7')
    expect(grouped(999)).toBe('999')
  })

  it('groups thousands with commas as en-US does', () => {
    for (const n of [1000, 1234, 12_345, 100_000, 1_000_000, 1_234_567, 987_654_321_012, Number.MAX_SAFE_INTEGER]) {
      expect(grouped(n)).toBe(n.toLocaleString('en-US'))
    }
  })

  it('keeps the sign of a negative number', () => {
    expect(grouped(-1234567)).toBe('-1,234,567')
  })

  it('writes a fraction whole instead of cutting it, ungrouped', () => {
    expect(grouped(1234.5)).toBe('1234.5')
    expect(grouped(-0.5)).toBe('-0.5')
  })

  it('writes what is not a whole number under 1e21 as JavaScript does', () => {
    expect(grouped(Number.NaN)).toBe('NaN')
    expect(grouped(Infinity)).toBe('Infinity')
    expect(grouped(1e22)).toBe('1e+22')
  })
})
