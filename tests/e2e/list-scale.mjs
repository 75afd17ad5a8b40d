// The account list at scale (issue 18, target 5): with the accounts scripts/list-bench.sh seeded
// (1,000 by default), how long a keystroke in the filter takes and whether scrolling to the
// bottom drops frames, measured inside the webview. A measurement, not a test: it fails only when
// it cannot measure, never on a figure. Prints a Markdown section for docs/BENCHMARKS.md.
// Run by scripts/list-bench.sh, which provides Xvfb, D-Bus, gnome-keyring, the accounts and the driver.
import { remote } from 'webdriverio'
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

try {
  const count = () => browser.execute(() => Number(document.querySelector('.list')?.dataset.count ?? document.querySelectorAll('.account-row').length))
  await browser.waitUntil(async () => (await count()) >= expected, { timeout: 60000, timeoutMsg: `the list never showed ${expected} accounts` })
  await browser.pause(1500) // let the first second's countdown tick and the start settle
  await browser.setTimeout({ script: 600000 })

  // Everything below runs in the page, timed with performance.now() and requestAnimationFrame.
  const figures = await browser.executeAsync(async (query, done) => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve))
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
    const input = document.querySelector('input[data-field="filter"]')
    const list = document.querySelector('.list')

    // The frame interval of this webview with nothing happening: what a dropped frame is measured against.
    const idle = []
    let last = await nextFrame()
    for (let i = 0; i < 60; i++) {
      const t = await nextFrame()
      idle.push(t - last)
      last = t
    }
    const frame = median(idle)

    // One keystroke: at the start of a frame, change the filter as typing does (an input event),
    // let the UI's update run (microtasks), force style and layout; that is the keystroke's work.
    // Then the time until the next frame starts: over about two frame intervals, a frame was dropped.
    async function key(value) {
      await nextFrame()
      const t0 = performance.now()
      input.value = value
      input.dispatchEvent(new Event('input', { bubbles: true }))
      for (let i = 0; i < 3; i++) await Promise.resolve()
      void list.getBoundingClientRect()
      void document.body.offsetHeight
      const work = performance.now() - t0
      const next = (await nextFrame()) - t0
      const rows = document.querySelectorAll('.account-row').length
      return { work, next, rows, count: Number(list.dataset.count ?? rows) }
    }
    input.focus()
    const typing = []
    for (let i = 1; i <= query.length; i++) typing.push({ value: query.slice(0, i), ...(await key(query.slice(0, i))) })
    const deleting = []
    for (let i = query.length - 1; i >= 0; i--) deleting.push({ value: query.slice(0, i), ...(await key(query.slice(0, i))) })

    // Scrolling: from the top to the bottom of the whole list, 3 rows further every frame (a fast
    // flick), recording the interval between frames, and each step's work as for a keystroke (the
    // scroll event dispatched at once rather than at the next frame, the UI's update, style and
    // layout); the rest of a frame is WebKit painting.
    list.scrollTop = 0
    await nextFrame()
    await nextFrame()
    const deltas = []
    const works = []
    const step = 3 * 70
    last = await nextFrame()
    const started = last
    while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      const t0 = performance.now()
      list.scrollTop += step
      list.dispatchEvent(new Event('scroll'))
      for (let i = 0; i < 3; i++) await Promise.resolve()
      void document.body.offsetHeight
      works.push(performance.now() - t0)
      const t = await nextFrame()
      deltas.push(t - last)
      last = t
    }
    const bottom = document.querySelector('.account-row:last-child')?.dataset.account ?? null
    done({
      frame,
      typing,
      deleting,
      scroll: { deltas, works, took: last - started, scrollHeight: list.scrollHeight, bottom, rendered: document.querySelectorAll('.account-row').length },
    })
  }, query)

  const f = (ms) => ms.toFixed(1)
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
  const max = (xs) => Math.max(...xs)
  const keys = [...figures.typing, ...figures.deleting]
  const work = keys.map((k) => k.work)
  const dropped = (deltas) => deltas.filter((d) => d > 1.5 * figures.frame).length
  const keyFrames = keys.map((k) => k.next)
  const s = figures.scroll

  console.log(`### The account list with ${expected} accounts (issue 18, target 5; measured in the webview)\n`)
  console.log(`Idle frame interval of this webview (median of 60 requestAnimationFrame deltas): ${f(figures.frame)} ms.\n`)
  console.log('| filter (typed, then deleted, one key per frame) | matches | rows drawn | keystroke work: input event, UI update, style and layout | keystroke to the next frame |')
  console.log('|---|---|---|---|---|')
  for (const k of keys) console.log(`| \`${k.value}\` | ${k.count} | ${k.rows} | ${f(k.work)} ms | ${f(k.next)} ms |`)
  console.log()
  console.log(`Keystroke work: median **${f(median(work))} ms**, highest ${f(max(work))} ms (target ≤ 16 ms); the next frame came a median ${f(median(keyFrames))} ms after the key, ${keyFrames.filter((d) => d > 1.5 * figures.frame).length} of ${keys.length} later than 1.5 frame intervals.`)
  console.log()
  console.log(`Scrolling to the bottom, ${s.deltas.length} frames, 3 rows (210 px) a frame over ${s.scrollHeight} px (${f(s.took)} ms): frame interval median **${f(median(s.deltas))} ms**, highest ${f(max(s.deltas))} ms; **${dropped(s.deltas)} of ${s.deltas.length}** frames over 1.5 intervals (dropped). Each step's work (scroll event, UI update, style and layout): median ${f(median(s.works))} ms, highest ${f(max(s.works))} ms. ${s.rendered} rows drawn at the bottom; the last is ${s.bottom}.`)
  console.log()
} finally {
  await browser.deleteSession()
}
