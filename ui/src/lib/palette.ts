// The command palette (Ctrl+K): accounts and actions, found by typing parts of their words.

export interface Command {
  id: string
  label: string
  /** A second, fainter line: an account's email and provider, an action's shortcut. */
  detail: string
  group: 'Accounts' | 'Actions' | 'Screens'
}

/** Every word typed appears somewhere in the label or detail (any case, any order). */
export function matchesQuery(c: Command, query: string): boolean {
  const hay = `${c.label} ${c.detail} ${c.group}`.toLowerCase()
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word))
}

/** The commands a query finds: labels that start with the query first, then the rest, each in list order. */
export function search(commands: Command[], query: string): Command[] {
  const found = commands.filter((c) => matchesQuery(c, query))
  const q = query.trim().toLowerCase()
  if (!q) return found
  const starts = found.filter((c) => c.label.toLowerCase().startsWith(q))
  return [...starts, ...found.filter((c) => !starts.includes(c))]
}
