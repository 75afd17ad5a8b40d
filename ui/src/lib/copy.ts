// The forms a token is copied in (the copy itself happens in Rust: the token stays there).
import type { CopyFormat } from './types'

export const COPY_FORMATS: { format: CopyFormat; label: string; hint: string }[] = [
  { format: 'header', label: 'Authorization header', hint: 'Authorization: Bearer …' },
  { format: 'raw', label: 'Raw token', hint: 'eyJ…' },
  { format: 'curl_command', label: 'curl command', hint: "curl -H '…' 'https://…/'" },
  { format: 'curl', label: 'curl header option', hint: "-H 'Authorization: …'" },
  { format: 'dotenv', label: '.env line', hint: 'AUTHDECK_TOKEN=…' },
  { format: 'env', label: 'Shell export', hint: "export AUTHDECK_TOKEN='…'" },
  { format: 'json', label: 'JSON', hint: '{"token": …}' },
]

/** What a toast says was copied. */
export function copiedWhat(format: CopyFormat): string {
  const f = COPY_FORMATS.find((c) => c.format === format)
  return format === 'raw' ? 'the token' : f ? `the ${f.label}` : `as ${format}`
}
