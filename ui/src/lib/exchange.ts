// How a kept request and answer read in the app: the history's "Request and response" and
// QA's raw answer. Secrets are hidden in Rust before anything reaches the webview.
import type { RawAnswer, RawRequest } from './types'

/** A JSON body indented two spaces; any other body as it came. */
export function prettyBody(body: string): string {
  const start = body.trimStart()[0]
  if (start !== '{' && start !== '[') return body
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

/** Header lines as an HTTP client shows them, `name: value`, one a line. */
export function headerLines(headers: [string, string][]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n')
}

/** The request's first line and its headers (its media type first, as it was sent). */
export function requestHead(request: RawRequest): string {
  const headers: [string, string][] = request.content_type ? [['content-type', request.content_type], ...request.headers] : request.headers
  return [`${request.method} ${request.url}`, headerLines(headers)].filter((line) => line !== '').join('\n')
}

/** The answer's body for display, with a line saying where it was cut. */
export function answerBody(answer: RawAnswer): string {
  const body = prettyBody(answer.body)
  return answer.truncated ? `${body}\n… (the rest of the answer was not kept)` : body
}
