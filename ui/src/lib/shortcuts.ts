// Every keyboard shortcut, once: the handlers, the hints and the `?` overview read this list.

export interface Shortcut {
  /** The keys as shown, e.g. ['Ctrl', 'K']. */
  keys: string[]
  does: string
}

/** The keys of the Accounts screen that act on the selected account, by `KeyboardEvent.key`. */
export const ACCOUNT_KEYS = {
  l: 'log in',
  r: 'refresh',
  c: 'copy',
  i: 'inspect',
  h: 'history',
  e: 'edit',
  o: 'log out',
  Delete: 'remove',
} as const

export type AccountKey = keyof typeof ACCOUNT_KEYS

export const isAccountKey = (key: string): key is AccountKey => Object.hasOwn(ACCOUNT_KEYS, key)

/** How a key is written on a keycap: letters upper-case, named keys as they are. */
export const keycap = (key: string) => (key.length === 1 ? key.toUpperCase() : key)

export const SHORTCUT_GROUPS: { title: string; shortcuts: Shortcut[] }[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { keys: ['Ctrl', 'K'], does: 'command palette: accounts and actions' },
      { keys: ['?'], does: 'this overview' },
      { keys: ['Ctrl', '1–6'], does: 'switch screen' },
      { keys: ['Ctrl', 'N'], does: 'add account' },
      { keys: ['Ctrl', 'B'], does: 'collapse or expand the sidebar' },
      { keys: ['Ctrl', 'Q'], does: 'quit' },
      { keys: ['Esc'], does: 'close a dialog or menu' },
    ],
  },
  {
    title: 'Accounts',
    shortcuts: [
      { keys: ['/'], does: 'filter accounts (Ctrl+F too)' },
      { keys: ['Enter'], does: 'in the filter: go to the first match' },
      { keys: ['↑ ↓'], does: 'select the previous or next account' },
      { keys: ['Home End'], does: 'select the first or last account' },
      ...Object.entries(ACCOUNT_KEYS).map(([key, does]) => ({ keys: [keycap(key)], does })),
    ],
  },
  {
    title: 'History',
    shortcuts: [{ keys: ['↑ ↓'], does: 'select the previous or next event' }],
  },
]
