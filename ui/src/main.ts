import { mount } from 'svelte'
import '@fontsource-variable/inter'
import './app.css'
import App from './App.svelte'
import { applyTheme } from './lib/stores.svelte'
import { installTooltips } from './lib/tooltip'

// Follow the OS until the saved settings arrive, so a dark desktop never flashes a light window.
applyTheme('system')

const target = document.getElementById('app')
if (target) mount(App, { target })
installTooltips()
