// A default account name from the email and provider: "alice-user-login". The user may change it.

/** Lowercase letters, digits and dashes from the email's local part, then the provider id. */
export function suggestName(email: string, provider: string): string {
  const local = email.split('@')[0] ?? ''
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  const parts = [clean(local), clean(provider)].filter(Boolean)
  return parts.join('-').slice(0, 64)
}

/** What is wrong with `name` as a new account's name (core's rule: 1 to 64 of letters, digits
 * and `. _ @ -`, not starting with `-`, with a letter or digit, and not `others`' name in
 * other letter case), in words for the field; null when it is fine. */
export function accountNameProblem(name: string, others: readonly string[] = []): string | null {
  const n = name.trim()
  if (n === '') return 'Give the account a name.'
  if (n.length > 64) return `${n.length} characters: use at most 64.`
  const bad = [...new Set(n.replace(/[A-Za-z0-9._@-]/g, ''))]
  if (bad.length) return `${bad.map((c) => (c === ' ' ? 'spaces' : `“${c}”`)).join(', ')} cannot be in a name: use the letters a–z and A–Z, digits and . _ @ -`
  if (n.startsWith('-')) return 'A name cannot start with - (commands would read it as an option).'
  if (!/[A-Za-z0-9]/.test(n)) return 'Give the name a letter or digit, such as prod-alice.'
  const twin = others.find((o) => o !== n && o.toLowerCase() === n.toLowerCase())
  if (twin) return `${n} differs from ${twin} only in letter case, which keyrings on Windows and macOS do not tell apart: choose another name.`
  return null
}

/** A free name for a copy of `name`: "dev-copy", then "dev-copy-2", …, within 64 characters. */
export function copyName(name: string, taken: (candidate: string) => boolean): string {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '-copy' : `-copy-${n}`
    const candidate = name.slice(0, 64 - suffix.length) + suffix
    if (!taken(candidate)) return candidate
  }
}
