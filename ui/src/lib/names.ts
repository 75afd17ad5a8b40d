// A default account name from the email and provider: "alice-user-login". The user may change it.

/** Lowercase letters, digits and dashes from the email's local part, then the provider id. */
export function suggestName(email: string, provider: string): string {
  const local = email.split('@')[0] ?? ''
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
  const parts = [clean(local), clean(provider)].filter(Boolean)
  return parts.join('-').slice(0, 64)
}
