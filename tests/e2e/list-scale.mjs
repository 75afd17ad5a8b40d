// The account list at scale (issue 18, target 5): with the accounts scripts/list-bench.sh seeded
// (1,000 by default), how long a keystroke in the filter takes and whether scrolling to the
// bottom drops frames, measured inside the webview; beside each phase, the CPU time the app's
// processes spent on it (from /proc), which a loaded machine stretches less than wall time.
// With AUTHDECK_HISTORY_EVENTS set (the events list-bench.sh seeded), also the time from a click
// on History to its newest page painted (issue 14).
// A measurement, not a test: it fails only when it cannot measure, never on a figure. Prints a
// Markdown section for docs/BENCHMARKS.md.
// Run by scripts/list-bench.sh, which provides Xvfb, D-Bus, gnome-keyring, the accounts and the driver.
import { remote } from 'webdriverio'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '../..')
const app = process.env.AUTHDECK_APP ?? path.join(root, 'target/debug/authdeck-app')
const expected = Number(process.env.AUTHDECK_LIST_ACCOUNTS ?? 1000)
// What is typed into the filter, one key at a time, then deleted one key at a time.
const query = process.env.AUTHDECK_LIST_QUERY ?? 'scale-07'

const browser = await remote({
  hostname: '127.0.0.1',
  port: 4444,
  logLevel: 'warn',
  // A slow list must be measured, not retried: one try, minutes allowed for each script.
  connectionRetryCount: 0,
  capabilities: { 'tauri:options': { application: app } },
})

// CPU time (user + system, ms) of the app's process and its WebKit processes so far.
function cpuMs() {
  const pid = execFileSync('pgrep', ['-n', '-f', app], { encoding: 'utf8' }).trim()
  let kids = []
  try {
    kids = execFileSync('pgrep', ['-P', pid], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    kids = []
  }
  const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  let total = 0
  for (const p of [pid, ...kids]) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')
      total += (Number(fields[11]) + Number(fields[12])) * tick
    } catch {
      // gone in between
    }
  }
  return total
}

// Runs one phase in the page and returns its figures with the CPU time it cost.
async function phase(name) {
  const before = cpuMs()
  const figures = await browser.executeAsync(
    async (name, query, garbage, done) => {
      const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve))
      const input = document.querySelector('input[data-field="filter"]')
      const list = document.querySelector('.list')
      // Lets the UI's update run (Svelte flushes in microtasks) and forces style and layout.
      const settle = async () => {
        for (let i = 0; i < 3; i++) await Promise.resolve()
        void document.body.offsetHeight
      }

      if (name === 'idle') {
        // The frame interval with nothing happening: what a dropped frame is measured against.
        const deltas = []
        let last = await nextFrame()
        for (let i = 0; i < 60; i++) {
          const t = await nextFrame()
          deltas.push(t - last)
          last = t
        }
        return done({ deltas })
      }

      if (name === 'history') {
        // History opened from another screen, five times: from the click to the frame after
        // the newest page of events (100 rows) is in the table, which WebKit has then painted.
        const times = []
        const splits = []
        let shown = null
        for (let run = 0; run < 10; run++) {
          // Five from the account list, five from Settings (a light screen to leave).
          const from = run < 5 ? 'accounts' : 'settings'
          document.querySelector(`button[data-screen="${from}"]`).click()
          await nextFrame()
          await nextFrame()
          const t0 = performance.now()
          document.querySelector('button[data-screen="history"]').click()
          // Where the time goes: the screen drawn without its rows (its filters hold one
          // option per account), then the rows in.
          while (!document.querySelector('table.events')) await new Promise((r) => setTimeout(r, 1))
          const mounted = performance.now() - t0
          while (document.querySelectorAll('tr[data-event]').length < 100) await new Promise((r) => setTimeout(r, 1))
          const rows = performance.now() - t0
          await nextFrame()
          await new Promise((r) => setTimeout(r, 0))
          times.push(performance.now() - t0)
          splits.push({ mounted, rows })
          shown = document.querySelector('[data-field="history-count"]')?.textContent ?? null
        }
        document.querySelector('button[data-screen="accounts"]').click()
        await nextFrame()
        return done({ times, splits, shown })
      }

      if (name === 'filter') {
        // One keystroke: at the start of a frame, change the filter as typing does (an input
        // event), let the UI update, force style and layout: the keystroke's work. Then the time
        // until the next frame starts, which includes WebKit painting it.
        const key = async (value) => {
          await nextFrame()
          const t0 = performance.now()
          input.value = value
          input.dispatchEvent(new Event('input', { bubbles: true }))
          await settle()
          const work = performance.now() - t0
          const next = (await nextFrame()) - t0
          const rows = document.querySelectorAll('.account-row').length
          return { value, work, next, rows, count: Number(list.dataset.count ?? rows) }
        }
        input.focus()
        const keys = []
        for (let i = 1; i <= query.length; i++) keys.push(await key(query.slice(0, i)))
        for (let i = query.length - 1; i >= 0; i--) keys.push(await key(query.slice(0, i)))
        return done({ keys })
      }

      // Scrolling: from the top to the bottom of the whole list, 3 rows further every frame (a
      // fast flick), recording the interval between frames, and each step's work as for a
      // keystroke (the scroll event dispatched at once rather than at the next frame).
      // AUTHDECK_SCROLL_GARBAGE=N: N short-lived objects first, so that JavaScriptCore's
      // collections come at other steps: a slow step that moves with it is a collection.
      if (garbage) {
        let kept = []
        for (let i = 0; i < garbage; i++) kept.push({ i, text: `garbage ${i}` })
        kept = null
      }
      list.scrollTop = 0
      await nextFrame()
      await nextFrame()
      const deltas = []
      const works = []
      const at = []
      let last = await nextFrame()
      const started = last
      while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
        const t0 = performance.now()
        at.push(t0 - started)
        list.scrollTop += 210
        list.dispatchEvent(new Event('scroll'))
        await settle()
        works.push(performance.now() - t0)
        const t = await nextFrame()
        deltas.push(t - last)
        last = t
      }
      const rows = document.querySelectorAll('.account-row')
      done({ deltas, works, at, took: last - started, scrollHeight: list.scrollHeight, rendered: rows.length, bottom: rows[rows.length - 1]?.dataset.account ?? null })
    },
    name,
    query,
    Number(process.env.AUTHDECK_SCROLL_GARBAGE ?? 0),
  )
  return { ...figures, cpu: cpuMs() - before }
}

try {
  const count = () => browser.execute(() => Number(document.querySelector('.list')?.dataset.count ?? document.querySelectorAll('.account-row').length))
  await browser.waitUntil(async () => (await count()) >= expected, { timeout: 60000, timeoutMsg: `the list never showed ${expected} accounts` })
  await browser.pause(1500) // let the first second's countdown tick and the start settle
  await browser.setTimeout({ script: 600000 })

  const idle = await phase('idle')
  const filter = await phase('filter')
  // AUTHDECK_SCROLL_DELAY_MS: start the scroll later, to tell a slow step that comes at a
  // time (a timer, a collection) from one that comes at a place in the list.
  if (process.env.AUTHDECK_SCROLL_DELAY_MS) await browser.pause(Number(process.env.AUTHDECK_SCROLL_DELAY_MS))
  const scroll = await phase('scroll')
  const history = process.env.AUTHDECK_HISTORY_EVENTS ? await phase('history') : null

  const f = (ms) => ms.toFixed(1)
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
  const max = (xs) => Math.max(...xs)
  const frame = median(idle.deltas)
  const late = (xs) => xs.filter((d) => d > 1.5 * frame).length
  const keys = filter.keys
  const work = keys.map((k) => k.work)
  const next = keys.map((k) => k.next)

  console.log(`### The account list with ${expected} accounts (issue 18, target 5; measured in the webview)\n`)
  console.log(`Idle frame interval of this webview (median of 60 requestAnimationFrame deltas): ${f(frame)} ms; the app's processes used ${f(idle.cpu / idle.deltas.length)} ms of CPU per idle frame. WebKit gives performance.now() in whole milliseconds.\n`)
  console.log('| filter (typed, then deleted, one key per frame) | matches | rows drawn | keystroke work: input event, UI update, style and layout | keystroke to the next frame |')
  console.log('|---|---|---|---|---|')
  for (const k of keys) console.log(`| \`${k.value}\` | ${k.count} | ${k.rows} | ${f(k.work)} ms | ${f(k.next)} ms |`)
  console.log()
  console.log(`Keystroke work: median **${f(median(work))} ms**, highest ${f(max(work))} ms (target ≤ 16 ms). The next frame came a median ${f(median(next))} ms after the key (${late(next)} of ${keys.length} later than 1.5 idle intervals); the app's processes used ${f(filter.cpu / keys.length)} ms of CPU per keystroke, painting included.`)
  console.log()
  console.log(`Scrolling to the bottom, ${scroll.deltas.length} frames of 3 rows (210 px) over ${scroll.scrollHeight} px in ${f(scroll.took)} ms: frame interval median **${f(median(scroll.deltas))} ms**, highest ${f(max(scroll.deltas))} ms; **${late(scroll.deltas)} of ${scroll.deltas.length}** frames later than 1.5 idle intervals (dropped). Each step's work (scroll event, UI update, style and layout): median ${f(median(scroll.works))} ms, highest ${f(max(scroll.works))} ms; the app's processes used ${f(scroll.cpu / scroll.deltas.length)} ms of CPU per frame. ${scroll.rendered} rows drawn at the bottom; the last is ${scroll.bottom}.`)
  // Where the late frames and the slowest steps were, to tell a clock tick or a collection
  // (a pattern in time) from a row that costs more to draw (a place in the list).
  const slow = scroll.works.map((w, i) => ({ i, w, d: scroll.deltas[i], t: scroll.at[i] })).filter((s) => s.d > 1.5 * frame || s.w > 8)
  if (slow.length) console.log(`Late frames and steps over 8 ms of work: ${slow.map((s) => `step ${s.i} at +${f(s.t)} ms: work ${f(s.w)} ms, frame ${f(s.d)} ms`).join('; ')}.`)
  console.log()
  if (history) {
    const t = history.times.slice(0, 5)
    const fromSettings = history.times.slice(5)
    console.log(`### History with ${Number(process.env.AUTHDECK_HISTORY_EVENTS).toLocaleString('en-US')} events (issue 14; measured in the webview)\n`)
    console.log(`From a click on History (from the account list) to the frame after its newest 100 events are in the table, five times: ${t.map(f).join(', ')} ms; median **${f(median(t))} ms** (goal ≤ 100 ms), the first (cold) ${f(t[0])} ms. The pager said: "${history.shown}". Screen drawn without its rows after a median ${f(median(history.splits.slice(0, 5).map((x) => x.mounted)))} ms, rows in after ${f(median(history.splits.slice(0, 5).map((x) => x.rows)))} ms. From Settings instead of the account list: ${fromSettings.map(f).join(', ')} ms, median ${f(median(fromSettings))} ms.`)
    console.log()
  }
} finally {
  await browser.deleteSession()
}
