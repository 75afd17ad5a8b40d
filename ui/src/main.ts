import { mount } from 'svelte'
import '@fontsource-variable/inter'
import './app.css'
import App from './App.svelte'
import { applyTheme } from './lib/stores.svelte'
import { setZone } from './lib/time'
import { installTooltips } from './lib/tooltip'
import type { LocalZone } from './lib/types'

declare global {
  interface Window {
    /** The user's time zone, set by the app before this script runs (src-tauri/src/main.rs). */
    __AUTHDECK_ZONE__?: LocalZone | null
  }
}

// Follow the OS until the saved settings arrive, so a dark desktop never flashes a light window.
applyTheme('system')
// Local times are shown with the app's zone offsets (lib/time.ts says why).
setZone(window.__AUTHDECK_ZONE__ ?? null)

const target = document.getElementById('app')
if (target) mount(App, { target })
installTooltips()
