import { describe, expect, it } from 'vitest'
import { answerBody, prettyBody, requestHead } from './exchange'

describe('prettyBody', () => {
  it('indents a JSON object and leaves other text as it came', () => {
    expect(prettyBody('{"a":1,"b":[true]}')).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}')
    expect(prettyBody('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>')
    expect(prettyBody('{not json')).toBe('{not json')
  })
})

describe('requestHead', () => {
  it('puts the media type before the provider\'s own headers', () => {
    expect(requestHead({ method: 'POST', url: 'https://x.test/login', headers: [['X-Api-Key', '<redacted>']], content_type: 'application/x-www-form-urlencoded', body: '' })).toBe(
      'POST https://x.test/login\ncontent-type: application/x-www-form-urlencoded\nX-Api-Key: <redacted>',
    )
    expect(requestHead({ method: 'GET', url: 'https://x.test/', headers: [], content_type: null, body: '' })).toBe('GET https://x.test/')
  })
})

describe('answerBody', () => {
  it('says where a long answer was cut', () => {
    expect(answerBody({ http_status: 500, content_type: null, body: 'oops', truncated: true, headers: [] })).toBe('oops\n… (the rest of the answer was not kept)')
  })
})
