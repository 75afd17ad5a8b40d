import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [svelte()],
  // Tauri serves the built files itself; relative paths keep them loadable from any origin.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari15', sourcemap: false },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
