import { mount } from 'svelte'
import '@fontsource-variable/inter'
import './app.css'
import App from './App.svelte'
import { api } from './lib/api'
import { applyTheme } from './lib/stores.svelte'
import { setZone } from './lib/time'
import { installTooltips } from './lib/tooltip'

// Follow the OS until the saved settings arrive, so a dark desktop never flashes a light window.
applyTheme('system')

// Local times are shown with the backend's zone offsets (lib/time.ts says why), so they are
// asked for before the first render; without them, Date's own getters still show local time.
const target = document.getElementById('app')
void api
  .localZone()
  .catch(() => null)
  .then((zone) => {
    setZone(zone)
    if (target) mount(App, { target })
  })
installTooltips()
