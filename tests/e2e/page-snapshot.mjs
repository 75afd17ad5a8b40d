// The app's page as it stands once its accounts are shown, without its script: the page that
// scripts/page-floor.sh builds into the minimal window, to measure what WebKitGTK alone costs to
// show this UI (issue 18). A tool for the benchmark, not a test.
// Usage: AUTHDECK_APP=... AUTHDECK_SNAPSHOT=out.html node page-snapshot.mjs (tauri-driver on
// port 4444, the accounts seeded).
import { remote } from 'webdriverio'
import { writeFileSync } from 'node:fs'

const app = process.env.AUTHDECK_APP
const out = process.env.AUTHDECK_SNAPSHOT
const expected = Number(process.env.AUTHDECK_SNAPSHOT_ACCOUNTS ?? 50)
if (!app || !out) {
  console.error('page-snapshot.mjs: set AUTHDECK_APP (the app to run) and AUTHDECK_SNAPSHOT (the file to write)')
  process.exit(2)
}

const browser = await remote({
  hostname: '127.0.0.1',
  port: 4444,
  logLevel: 'warn',
  capabilities: { 'tauri:options': { application: app } },
})
try {
  const count = () => browser.execute(() => Number(document.querySelector('.list')?.dataset.count ?? 0))
  await browser.waitUntil(async () => (await count()) >= expected, {
    timeout: 60000,
    timeoutMsg: `the app never listed ${expected} accounts`,
  })
  // The first countdown tick and the refresher's first round, as app-bench.sh's idle sees them.
  await browser.pause(3000)
  const html = await browser.execute(() => {
    const page = document.documentElement.cloneNode(true)
    for (const el of page.querySelectorAll('script, link[rel="modulepreload"]')) el.remove()
    return '<!doctype html>\n' + page.outerHTML
  })
  if (!html.includes('data-account=')) throw new Error('the page has no account rows')
  writeFileSync(out, html)
  console.log(`page-snapshot: ${html.length} bytes, ${(html.match(/<[a-z]/g) ?? []).length} elements`)
} finally {
  await browser.deleteSession()
}
