// The one instance of each store, shared by the screens.
import { api } from './api'
import { Accounts, Clock, Notices, applyTheme, defaultSettings } from './stores.svelte'
import type { Settings } from './types'

export type Screen = 'accounts' | 'inspector' | 'history' | 'qa' | 'providers' | 'settings'

export const clock = new Clock()
export const accounts = new Accounts(api.accounts)
export const notices = new Notices()

const SIDEBAR_KEY = 'authdeck.sidebar'

/** The remembered sidebar choice; without one, collapsed when the window starts narrow. */
export function readCollapsed(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null, width = globalThis.innerWidth ?? 1200): boolean {
  let saved: string | null = null
  try {
    saved = storage?.getItem(SIDEBAR_KEY) ?? null
  } catch {
    saved = null
  }
  return saved === null ? width < 960 : saved === 'collapsed'
}

class AppState {
  screen = $state<Screen>('accounts')
  settings = $state<Settings>({ ...defaultSettings })
  /** The account the inspector shows, or null for a pasted token. */
  inspect = $state<string | null>(null)
  /** The account whose history to show when switching to History. */
  historyAccount = $state<string | null>(null)
  /** Set to open the add-account dialog (from the keyboard, the tray or the empty state). */
  adding = $state(false)
  /** Bumped when sessions or the history changed behind the screen's back (a background
   * renewal, a refresh): views that show them read it, so they follow. */
  changes = $state(0)
  /** The sidebar shows icons only; remembered between starts (a small window wants the room). */
  sidebarCollapsed = $state(readCollapsed())

  /** While the user has not chosen, the sidebar follows the window: icons only below 960 px
   * (a window made small keeps its room for the list and the account). */
  followWidth(width: number, storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null) {
    let chosen: string | null = null
    try {
      chosen = storage?.getItem(SIDEBAR_KEY) ?? null
    } catch {
      chosen = null
    }
    if (chosen === null) this.sidebarCollapsed = width < 960
  }

  toggleSidebar() {
    this.sidebarCollapsed = !this.sidebarCollapsed
    try {
      localStorage.setItem(SIDEBAR_KEY, this.sidebarCollapsed ? 'collapsed' : 'expanded')
    } catch {
      // No storage: the choice lasts until the window closes.
    }
  }

  async loadSettings() {
    this.settings = await api.settings()
    applyTheme(this.settings.theme)
  }

  async saveSettings(next: Settings) {
    this.settings = await api.saveSettings(next)
    applyTheme(this.settings.theme)
  }
}

export const app = new AppState()

/** Runs a backend call; on failure shows the error in plain words and returns undefined. */
export async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call()
  } catch (e) {
    notices.error(e)
    return undefined
  }
}
