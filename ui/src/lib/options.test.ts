import { describe, expect, it } from 'vitest'
import { fromOptions, optionsProblem, toOptions } from './options'

describe('account options', () => {
  it('read back as they were given', () => {
    const o = { set: ['success.expires_format=unix_ms', 'refresh=null'], allow_insecure_http: true, timeout_secs: 12, env_var: 'GH_TOKEN', tag: 'eu prod' }
    expect(toOptions(fromOptions(o))).toEqual(o)
  })

  it('take an empty timeout and variable name as the defaults', () => {
    expect(toOptions(fromOptions(null))).toEqual({ set: [], allow_insecure_http: false, timeout_secs: null, env_var: null, tag: null })
  })

  it('refuse what core would refuse, naming the field', () => {
    const draft = fromOptions(null)
    expect(optionsProblem(draft)).toBeNull()
    expect(optionsProblem({ ...draft, timeout: 601 })?.field).toBe('timeout')
    expect(optionsProblem({ ...draft, timeout: '2.5' })?.field).toBe('timeout')
    expect(optionsProblem({ ...draft, timeout: 'abc' })?.message).toContain('whole number')
    expect(optionsProblem({ ...draft, envVar: 'A-B' })?.field).toBe('env-var')
    expect(optionsProblem({ ...draft, envVar: 'authdeck_token' })?.message).toContain('taken')
    expect(optionsProblem({ ...draft, set: 'ok=1\nsuccess.expires_format' })?.field).toBe('set')
    expect(optionsProblem({ ...draft, tag: 'pro;d' })?.field).toBe('tag')
    expect(optionsProblem({ ...draft, tag: 'x'.repeat(33) })?.field).toBe('tag')
    expect(optionsProblem({ ...draft, tag: '  Prüfung   eu ' })).toBeNull()
  })

  it('keep a tag as core does: trimmed, spaces folded, blank as none', () => {
    expect(toOptions({ ...fromOptions(null), tag: '  eu   prod ' }).tag).toBe('eu prod')
    expect(toOptions({ ...fromOptions(null), tag: '   ' }).tag).toBeNull()
  })
})
