import { describe, expect, it } from 'vitest'
import { COPY_FORMATS, copiedWhat } from './copy'

describe('copy formats', () => {
  it('offer a whole curl command beside the bare header option, and a .env line beside the shell export', () => {
    const labels = Object.fromEntries(COPY_FORMATS.map((f) => [f.format, f.label]))
    expect(labels.curl_command).toBe('curl command')
    expect(labels.curl).toBe('curl header option')
    expect(labels.dotenv).toBe('.env line')
    expect(labels.env).toBe('Shell export')
    expect(COPY_FORMATS.find((f) => f.format === 'dotenv')?.hint).not.toContain('export')
  })

  it('say in the toast what was copied', () => {
    expect(copiedWhat('curl_command')).toBe('the curl command')
    expect(copiedWhat('raw')).toBe('the token')
  })
})
