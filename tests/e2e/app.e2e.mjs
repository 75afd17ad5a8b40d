// End-to-end: the built app, driven through tauri-driver, with a real keyring and the real
// X clipboard. Run by scripts/app-e2e.sh, which provides Xvfb, D-Bus, gnome-keyring and the driver.
import { remote } from 'webdriverio'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import assert from 'node:assert/strict'

const root = path.resolve(import.meta.dirname, '../..')
const app = process.env.AUTHDECK_APP ?? path.join(root, 'target/debug/authdeck-app')
const shots = process.env.AUTHDECK_SHOTS ?? path.join(root, 'docs/screenshots')
const cli = path.join(root, 'target/debug/authdeck')
mkdirSync(shots, { recursive: true })

// A WebDriver session starts the app; a second one (after Ctrl+Q) starts it again.
const start = () =>
  remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'warn',
    capabilities: { 'tauri:options': { application: app } },
  })
let browser = await start()

const steps = []
async function step(name, body) {
  process.stdout.write(`- ${name} ... `)
  await body()
  steps.push(name)
  console.log('ok')
}

const $ = (sel) => browser.$(sel)
// Screenshots come from the X server, as a user sees the window: WebKitWebDriver cannot take
// them while the app runs WebKit without compositing (its shipped, lighter setting).
async function shot(name) {
  await browser.pause(300) // let transitions settle
  const { x, y, width, height } = windowRect()
  execFileSync('import', ['-window', 'root', '-crop', `${width}x${height}+${x}+${y}`, '+repage', path.join(shots, `${name}.png`)])
}
// Where the X server has the app's window, as xwininfo reports it.
function windowRect() {
  const info = execFileSync('xwininfo', ['-name', 'Authdeck'], { encoding: 'utf8' })
  const num = (label) => Number(info.match(new RegExp(`${label}:\\s+(-?\\d+)`))[1])
  return { x: num('Absolute upper-left X'), y: num('Absolute upper-left Y'), width: num('Width'), height: num('Height') }
}
// The app's process id, or null once it has quit.
function appPid() {
  try {
    return execFileSync('pgrep', ['-f', '-n', app], { encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}
const running = () => appPid() !== null
const text = async (sel) => (await $(sel)).getText()
const waitFor = (what, fn, timeout = 30000) => browser.waitUntil(fn, { timeout, timeoutMsg: `timed out waiting for ${what}` })
// The X clipboard as another program sees it; empty while nothing has been copied yet.
function clipboard() {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return ''
  }
}
// Waits for an element to show exactly `expected` (the UI updates a frame after a click).
/** Types `file` into the GTK file dialog titled `title` (a window of its own, outside
 * WebDriver's reach) and confirms, as a user would. */
async function gtkDialog(title, file) {
  const dialog = () => {
    try {
      return execFileSync('xdotool', ['search', '--name', title], { encoding: 'utf8' }).trim().split('\n')[0]
    } catch {
      return ''
    }
  }
  await waitFor(`the "${title}" dialog`, async () => dialog() !== '', 15000)
  await browser.pause(800) // let GTK draw and focus its name field
  execFileSync('xdotool', ['windowfocus', dialog()])
  // In an open dialog a typed "/" first opens the location bar, which can swallow the next
  // keys: open it, let it draw, then replace what it holds with the whole path.
  execFileSync('xdotool', ['type', '/'])
  await browser.pause(600)
  execFileSync('xdotool', ['key', 'ctrl+a'])
  execFileSync('xdotool', ['type', '--delay', '15', file])
  await browser.pause(300)
  execFileSync('xdotool', ['key', 'Return'])
}

async function waitText(sel, expected) {
  await browser.waitUntil(async () => (await text(sel).catch(() => '')) === expected, { timeout: 5000 }).catch(() => {})
  assert.equal(await text(sel), expected, sel)
}
// How many accounts the list holds: it draws only the rows in view, and says the count.
const rows = () => browser.execute(() => Number(document.querySelector('.list')?.dataset.count ?? 0))
// The selected account's name as the header holds it (the header cuts a long name with an
// ellipsis, which WebDriver's visible-text reading does not see through).
const shownAccount = () => browser.execute(() => document.querySelector('[data-field="account-name"]')?.textContent ?? '')

// What the app sent to the desktop's notification server (dbus-monitor's record of it).
const notifications = () => readFileSync(process.env.AUTHDECK_NOTIFICATIONS, 'utf8')

async function addAccount({ name, email, password, baseUrl, provider = 'user-login' }) {
  await (await $('button[data-action="add-account"]')).click()
  await (await $('select[data-field="provider"]')).selectByAttribute('value', provider)
  await (await $('input[data-field="base-url"]')).setValue(baseUrl)
  await (await $('input[data-field="email"]')).setValue(email)
  await (await $('input[data-field="name"]')).setValue(name)
  await (await $('input[data-field="password"]')).setValue(password)
}

try {
  let baseUrl = ''

  await step('first run shows the empty state with the sandbox offer', async () => {
    await (await $('button[data-action="try-sandbox"]')).waitForDisplayed({ timeout: 20000 })
    await shot('01-first-run')
  })

  await step('the app\'s own process starts no GL driver: its UI draws in software', async () => {
    // GTK and WebKit would each start one (Mesa's, with LLVM: 30 MiB) with nothing to draw.
    const pid = appPid()
    const maps = readFileSync(`/proc/${pid}/maps`, 'utf8')
    const gl = [...new Set(maps.match(/\S*(\/dri\/|libLLVM)\S*/g) ?? [])]
    assert.deepEqual(gl, [], `GL driver libraries in the app process ${pid}`)
  })

  await step('"Try the built-in sandbox" adds one signed-in demo account per API and one of its OIDC issuer', async () => {
    await (await $('button[data-action="try-sandbox"]')).click()
    await waitFor('six demo accounts', async () => (await rows()) === 6)
    await (await $('.account-row[data-account="demo-oidc-service"]')).click()
    await waitFor('the client credentials account to be valid', async () => /^\d+m \d{2}s$|^\d+s$/.test(await text('[data-field="countdown"]').catch(() => '')))
    await (await $('.account-row[data-account="demo-user-login"]')).click()
    baseUrl = await text('.facts dd.mono')
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/user-login$/, 'the demo account points at the in-process sandbox')
    await waitFor('the toast to go', async () => (await browser.$$('.toast')).length === 0, 8000)
    await shot('02-accounts')
  })

  await step('logging in a new account shows a live countdown', async () => {
    await addAccount({ name: 'qa-alice', email: 'alice@userlogin.test', password: 's3cret-pass', baseUrl })
    await shot('03-add-account')
    await (await $('button[data-action="submit-login"]')).click()
    await waitFor('the new account to be selected', async () => (await shownAccount()) === 'qa-alice')
    const first = await text('[data-field="countdown"]')
    assert.match(first, /^\d+[hm] \d{2}[ms]$|^\d+s$/, `a countdown, got ${first}`)
    await waitFor('the countdown to tick', async () => (await text('[data-field="countdown"]')) !== first, 5000)
  })

  await step('the page gets the time zone from the app before its script runs, the offset in force now the one WebKit knows', async () => {
    // Local times are formatted with these offsets (ui/src/lib/time.ts): without them the UI
    // would fall back to Date's local getters, right but with ICU's data kept resident.
    const [offsets, fromApp, fromWebKit] = await browser.execute(() => {
      const zone = window.__AUTHDECK_ZONE__
      const now = Date.now()
      const inForce = (zone?.offsets ?? []).filter((o) => o.from_ms === null || o.from_ms <= now).pop()
      return [zone?.offsets.length ?? 0, inForce?.offset_s ?? null, -new Date(now).getTimezoneOffset() * 60]
    })
    assert.ok(offsets >= 1, `window.__AUTHDECK_ZONE__ has ${offsets} offsets`)
    assert.equal(fromApp, fromWebKit, 'the app and WebKit agree on the offset in force now')
  })

  await step('the inspector shows the claims, a countdown and, after Reveal, the token', async () => {
    await (await $('button[data-action="inspect"]')).click()
    await (await $('tr[data-claim="exp"]')).waitForDisplayed()
    assert.ok(await (await $('tr[data-claim="sub"]')).isDisplayed(), 'the subject claim is shown')
    assert.equal(await (await $('[data-field="raw-token"]')).isExisting(), false, 'no raw token before Reveal')
    assert.match(await text('[data-field="inspector-countdown"]'), /\d/)
    await shot('04-inspector')
  })

  let revealed = ''
  await step('Reveal shows the raw token', async () => {
    await (await $('button[data-action="reveal"]')).click()
    revealed = await text('[data-field="raw-token"]')
    assert.equal(revealed.split('.').length, 3, 'a JWT has three segments')
  })

  await step('a wrong password is explained in plain words with the details one click away', async () => {
    await (await $('button[data-screen="accounts"]')).click()
    await addAccount({ name: 'qa-wrong', email: 'alice@userlogin.test', password: 'not-the-password', baseUrl })
    await (await $('button[data-action="submit-login"]')).click()
    const alert = await $('.dialog [role="alert"]')
    await alert.waitForDisplayed()
    assert.match(await alert.getText(), /The password is wrong\./)
    await (await alert.$('button=Details')).click()
    await waitText('.dialog [data-detail="HTTP status"]', '401')
    // The dialog fits its content across: the Options hint once pushed it sideways.
    const sideways = await browser.execute(() => {
      const d = document.querySelector('.dialog')
      return d ? d.scrollWidth - d.clientWidth : -1
    })
    assert.ok(sideways >= 0 && sideways <= 1, `the add-account dialog scrolls sideways by ${sideways} px`)
    await shot('05-failed-login')
    await browser.keys('Escape')
    await waitFor('the dialog to close', async () => !(await (await $('.dialog')).isExisting()))
    assert.equal(await (await $('.account-row[data-account="qa-wrong"]')).isExisting(), false, 'a refused first login keeps no account')
  })

  await step('History finds the failed login with its kind and status', async () => {
    await (await $('button[data-screen="history"]')).click()
    await (await $('select[data-filter="kind"]')).selectByAttribute('value', 'invalid_password')
    // The account filter draws its accounts once the pointer is on it. (qa-wrong's refused
    // first login kept no account, so it is not among them: All accounts stays.)
    const account = await $('select[data-filter="account"]')
    assert.equal(await browser.execute(() => document.querySelectorAll('select[data-filter="account"] option').length), 1, 'no account options before use')
    await account.moveTo()
    await account.selectByAttribute('value', 'demo-user-login')
    await account.selectByAttribute('value', '')
    const row = await $('tr[data-kind="invalid_password"]')
    await row.waitForDisplayed()
    await (await row.$('td:nth-child(2)')).click()
    await waitText('[data-detail="status"]', '401')
    assert.equal(await text('[data-detail="kind"]'), 'invalid_password')
    await shot('06-history')
  })

  await step('History shows the failed login\'s request and the server\'s answer, the password hidden', async () => {
    await (await $('button[data-action="show-exchange"]')).click()
    await waitText('[data-field="raw-status"]', '401')
    const sent = await text('[data-field="request-body"]')
    assert.match(sent, /"password": "<redacted>"/)
    assert.match(sent, /"email": "alice@userlogin.test"/)
    assert.ok(!sent.includes('not-the-password'), 'the typed password is not shown')
    assert.match(await text('[data-field="request-head"]'), /^POST http:\/\/127\.0\.0\.1:\d+\/user-login\/user\/login/)
    assert.match(await text('[data-field="raw-body"]'), /"error_code": "INVALID_PASSWORD"/)
    await shot('06-history-exchange')
    await browser.keys('Escape')
    await waitFor('the dialog to close', async () => !(await (await $('.dialog')).isExisting()))
  })

  await step('History says how many events match, and Export CSV asks where to save (the system dialog) and writes every one', async () => {
    await waitText('[data-field="history-count"]', '1 event')
    const file = path.join(os.tmpdir(), `authdeck-e2e-history-${process.pid}.csv`)
    rmSync(file, { force: true })
    await (await $('button[data-action="export-csv"]')).click()
    await gtkDialog('Export history as CSV', file)
    const toast = await $(`.toast*=Saved 1 event to ${file}`)
    await toast.waitForDisplayed({ timeout: 15000 })
    const csv = readFileSync(file, 'utf8')
    assert.match(csv, /^id,at,account,/, 'a header row')
    assert.match(csv, /,qa-wrong,user-login,login,false,401,invalid_password,INVALID_PASSWORD,/)
    assert.equal((lstatSync(file).mode & 0o777).toString(8), '600', 'the export is the user\'s alone')
    rmSync(file, { force: true })
  })

  await step('Copy puts the Authorization header on the X clipboard', async () => {
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('.account-row[data-account="qa-alice"]')).click()
    await (await $('button[data-action="copy"]')).click()
    await waitFor('the clipboard to hold the header', async () => clipboard() === `Authorization: Bearer ${revealed}`, 5000)
  })

  await step('"curl command" copies a whole command to the account\'s base URL; ".env line" has no export', async () => {
    await (await $('button[data-action="copy-menu"]')).click()
    await (await $('button[data-format="curl_command"]')).click()
    await waitFor('the clipboard to hold a curl command', async () => clipboard() === `curl -H 'Authorization: Bearer ${revealed}' '${baseUrl}/'`, 5000)
    await (await $('button[data-action="copy-menu"]')).click()
    await (await $('button[data-format="dotenv"]')).click()
    await waitFor('the clipboard to hold a .env line', async () => clipboard() === `AUTHDECK_TOKEN=${revealed}`, 5000)
  })

  await step('Options in the account form set what the CLI sets: the .env line then assigns the account\'s own variable', async () => {
    await (await $('button[data-action="edit"]')).click()
    await (await $('button[data-action="toggle-options"]')).click()
    await (await $('input[data-field="env-var"]')).waitForDisplayed()
    await (await $('input[data-field="env-var"]')).setValue('QA_TOKEN')
    await (await $('input[data-field="timeout"]')).setValue('12')
    await waitFor('the toasts to go', async () => (await browser.$$('.toast')).length === 0, 15000)
    await shot('24-account-options')
    await (await $('button[data-action="save-account"]')).click()
    await (await $('[data-section="options"]')).waitForExist({ reverse: true })
    await (await $('button[data-action="copy-menu"]')).click()
    await (await $('button[data-format="dotenv"]')).click()
    await waitFor('the clipboard to hold the account\'s own .env line', async () => clipboard() === `QA_TOKEN=${revealed}`, 5000)
    const listed = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' })).find((a) => a.name === 'qa-alice')
    assert.equal(listed.env_var, 'QA_TOKEN', 'the CLI sees what the app set')
    assert.equal(listed.timeout_secs, 12)
  })

  await step('Settings exports the accounts to a file the save dialog names, and imports it back', async () => {
    await (await $('button[data-screen="settings"]')).click()
    const file = path.join(os.tmpdir(), `authdeck-e2e-accounts-${process.pid}.json`)
    rmSync(file, { force: true })
    await (await $('button[data-action="export-accounts"]')).click()
    await gtkDialog('Export accounts', file)
    await (await $(`.toast*=to ${file} (no secrets)`)).waitForDisplayed({ timeout: 15000 })
    const exported = JSON.parse(readFileSync(file, 'utf8'))
    const qa = exported.accounts.find((a) => a.name === 'qa-alice')
    assert.equal(qa.env_var, 'QA_TOKEN', 'the options travel with the account')
    assert.ok(!readFileSync(file, 'utf8').includes(revealed), 'no token in the export')
    await (await $('button[data-action="import-accounts"]')).click()
    await gtkDialog('Import accounts', file)
    await (await $('.toast*=Nothing to import')).waitForDisplayed({ timeout: 15000 })
    rmSync(file, { force: true })
  })

  await step('Import from .env offers a project\'s variables without their values and keeps the chosen token as an account', async () => {
    const file = path.join(os.tmpdir(), `authdeck-e2e-${process.pid}.env`)
    writeFileSync(file, `# a project's settings\nexport SHOP_TOKEN='${revealed}'\nSHOP_BASE_URL=${baseUrl}\nDEBUG=true\n`)
    await (await $('button[data-action="import-dotenv"]')).click()
    await gtkDialog('Import from .env', file)
    const row = await $('[data-variable="SHOP_TOKEN"]')
    await row.waitForDisplayed({ timeout: 15000 })
    assert.equal(await (await row.$('[data-field="dotenv-account"]')).getValue(), 'shop')
    assert.equal(await (await row.$('[data-field="dotenv-base-url"]')).getValue(), baseUrl, 'the base URL beside it in the file')
    assert.equal(await (await $('[data-variable="DEBUG"] input[type="checkbox"]')).isSelected(), false, 'DEBUG is not offered ticked')
    const dialogText = await (await $('.dialog')).getText()
    assert.ok(!dialogText.includes(revealed.slice(0, 40)), 'the value is not shown')
    await (await $('select[data-field="dotenv-provider"]')).selectByAttribute('value', 'user-login')
    await (await $('[data-field="dotenv-tag"]')).setValue('dev')
    const sideways = await browser.execute(() => {
      const box = document.querySelector('.dialog .rows')
      const edge = box.getBoundingClientRect().left + box.clientWidth
      const over = [...box.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > edge + 1)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().width)}px`)
      const wide = [...box.querySelectorAll('*')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'hidden')
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${el.scrollWidth}/${el.clientWidth}`)
      const v = box.querySelector('.var')
      over.push(`box ${box.clientWidth}/${box.scrollWidth} var ${v.offsetWidth}/${v.scrollWidth} cols ${getComputedStyle(v).gridTemplateColumns}`, ...wide.slice(0, 4))
      return { px: box.scrollWidth - box.clientWidth, over: over.slice(0, 8) }
    })
    assert.ok(sideways.px <= 1, `the variables fit the dialog's width (${sideways.px} px over: ${sideways.over.join(', ')})`)
    await shot('26-dotenv-import')
    await (await $('button[data-action="dotenv-import"]')).click()
    await (await $('.toast*=Imported 1 account from')).waitForDisplayed({ timeout: 15000 })
    const shop = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' })).find((a) => a.name === 'shop')
    assert.equal(shop?.status, 'valid', 'the pasted token is a live session')
    assert.equal(shop?.tag, 'dev', 'the tag chosen in the dialog')
    assert.equal(shop?.env_var, 'SHOP_TOKEN', 'the project\'s variable name is the account\'s')
    assert.equal(execFileSync(cli, ['token', 'shop'], { encoding: 'utf8' }).trim(), revealed, 'the token is the file\'s')
    rmSync(file, { force: true })
  })

  await step('Duplicate starts a new account from the selected one, its options along and no secret, and logs it in', async () => {
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('.account-row[data-account="qa-alice"]')).click()
    await (await $('button[data-action="duplicate"]')).click()
    await waitFor('the copy\'s free name', async () => (await (await $('input[data-field="name"]')).getValue()) === 'qa-alice-copy')
    assert.equal(await (await $('input[data-field="email"]')).getValue(), 'alice@userlogin.test')
    assert.equal(await (await $('input[data-field="password"]')).getValue(), '', 'no secret is copied')
    assert.equal(await (await $('input[data-field="env-var"]')).getValue(), 'QA_TOKEN', 'the options came along')
    await (await $('input[data-field="password"]')).setValue('s3cret-pass')
    await (await $('button[data-action="submit-login"]')).click()
    await waitFor('the copy to be selected', async () => (await shownAccount()) === 'qa-alice-copy')
    const copy = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' })).find((a) => a.name === 'qa-alice-copy')
    assert.equal(copy.env_var, 'QA_TOKEN')
    assert.equal(copy.status, 'valid')
  })

  await step('Rename gives the copy a new name; its session and history follow', async () => {
    await (await $('button[data-action="rename"]')).click()
    const field = await $('input[data-field="rename"]')
    await field.setValue('qa-alice')
    await waitText('[data-field-error="rename"]', 'qa-alice is taken: choose another name.')
    await field.setValue('qa-alice-2')
    await (await $('button[data-action="confirm-rename"]')).click()
    await waitFor('the renamed account to be selected', async () => (await shownAccount()) === 'qa-alice-2')
    const list = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' }))
    assert.equal(list.some((a) => a.name === 'qa-alice-copy'), false, 'the old name is gone')
    assert.equal(list.find((a) => a.name === 'qa-alice-2')?.status, 'valid', 'the session came along')
    const history = JSON.parse(execFileSync(cli, ['history', 'qa-alice-2', '--json'], { encoding: 'utf8' }))
    assert.deepEqual(history.map((e) => e.action), ['rename', 'login'])
  })

  await step('Try it sends one GET with the account\'s token to its API and shows whose token it is, the token hidden', async () => {
    assert.equal(await (await $('input[data-field="try-path"]')).getValue(), '/_sandbox/me', 'the sandbox\'s who-am-I route is offered')
    await waitFor('the toasts to go', async () => (await browser.$$('.toast')).length === 0, 15000)
    await (await $('button[data-action="try-it"]')).click()
    await waitText('[data-field="raw-status"]', '200')
    assert.match(await text('[data-field="raw-body"]'), /"email": "alice@userlogin.test"/)
    assert.match(await text('[data-field="request-head"]'), /\nAuthorization: Bearer <redacted>$/)
    await shot('25-try-it')
    await browser.keys('Escape')
    await waitFor('the dialog to close', async () => !(await (await $('.dialog')).isExisting()))
  })

  await step('a copied token leaves the clipboard after the delay set in Settings', async () => {
    await (await $('button[data-screen="settings"]')).click()
    await (await $('input[data-field="clear-secs"]')).setValue('5')
    await (await $('button[data-action="save-settings"]')).click()
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('.account-row[data-account="qa-alice"]')).click()
    await (await $('button[data-action="copy"]')).click()
    await waitFor('the clipboard to hold the header', async () => clipboard().startsWith('Authorization: Bearer '), 5000)
    await waitFor('the clipboard to be cleared', async () => clipboard() === '', 20000)
  })

  await step('a pasted API key is kept and copied as the header its API names', async () => {
    // The example provider for pasted keys, installed as a user would: into the providers folder.
    const providers = path.join(process.env.AUTHDECK_HOME, 'providers')
    mkdirSync(providers, { recursive: true })
    copyFileSync(path.join(root, 'examples/providers/apikey.toml'), path.join(providers, 'apikey.toml'))
    const key = 'sbx_live_4c7e1a9b2d5f8036e1c4a7b0d3f6a9c2'
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('button[data-action="add-account"]')).click()
    await (await $('select[data-field="provider"]')).selectByAttribute('value', 'apikey')
    assert.equal(await (await $('input[data-field="password"]')).isExisting(), false, 'no password for a provider without a login')
    await (await $('input[data-field="base-url"]')).setValue(baseUrl.replace(/\/user-login$/, '/apikey'))
    await (await $('input[data-field="name"]')).setValue('ci-key')
    await (await $('input[data-field="token"]')).setValue(key)
    await shot('12-paste-key')
    await (await $('button[data-action="submit-login"]')).click()
    await waitFor('the pasted account to be selected', async () => (await shownAccount()) === 'ci-key')
    await (await $('button[data-action="copy"]')).click()
    await waitFor('the clipboard to hold the X-API-Key header', async () => clipboard() === `X-API-Key: ${key}`, 5000)
  })

  await step('"Use in…" starts a local proxy that adds the key to every request, and stops it', async () => {
    await (await $('button[data-action="use-menu"]')).click()
    await (await $('button[data-use="proxy-start"]')).click()
    await (await $('[data-field="proxy-url"]')).waitForDisplayed({ timeout: 5000 })
    const url = await text('[data-field="proxy-url"]')
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    await shot('13-proxy')
    const answer = await fetch(`${url}/v1/whoami`)
    assert.equal(answer.status, 200, 'the API accepts what the proxy sent')
    assert.equal((await answer.json()).key_id, 'key_live')
    await (await $('button[data-action="use-menu"]')).click()
    await (await $('button[data-use="proxy-stop"]')).click()
    await waitFor('the proxy to stop', async () => !(await (await $('[data-field="proxy-url"]')).isExisting()))
    await assert.rejects(fetch(`${url}/v1/whoami`), 'nothing listens there any more')
  })

  await step('"Use in…" saves a Postman environment holding the key, private to the user', async () => {
    await (await $('button[data-action="use-menu"]')).click()
    await (await $('button[data-use="env-postman"]')).click()
    const toast = await $('.toast*=Saved the postman environment of ci-key to')
    await toast.waitForDisplayed()
    const file = (await toast.getText()).replace(/^.*environment of ci-key to /, '').replace(/ \(it holds.*$/, '').trim()
    const env = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(env._postman_variable_scope, 'environment')
    const token = env.values.find((v) => v.key === 'token')
    assert.equal(token.value, 'sbx_live_4c7e1a9b2d5f8036e1c4a7b0d3f6a9c2')
    assert.equal(token.type, 'secret', 'the token is marked secret')
    assert.equal(lstatSync(file).mode & 0o777, 0o600, 'only the user reads it')
    rmSync(file)
    await (await $('.account-row[data-account="qa-alice"]')).click()
  })

  // The sandbox's OpenID Connect demo issuer, offered by the dialog; $BROWSER is the stand-in
  // browser (tests/oidc/browser.mjs), which approves on the issuer's consent page.
  let issuer = ''
  async function addOAuthAccount({ name, grant }) {
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('button[data-action="add-account"]')).click()
    await (await $('select[data-field="provider"]')).selectByAttribute('value', 'oidc')
    await (await $('button[data-action="use-sandbox-issuer"]')).click()
    issuer = await (await $('input[data-field="base-url"]')).getValue()
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+\/oidc$/, 'the sandbox issuer is filled in')
    assert.equal(await (await $('input[data-field="client-id"]')).getValue(), 'authdeck-demo')
    await (await $('input[data-field="name"]')).setValue(name)
    await (await $('select[data-field="grant"]')).selectByAttribute('value', grant)
    await (await $('button[data-action="submit-login"]')).click()
  }

  await step('an OpenID Connect account signs in through the browser, with a waiting panel', async () => {
    await addOAuthAccount({ name: 'corp-oidc', grant: 'authorization_code' })
    const panel = await $('[data-panel="browser"]')
    await panel.waitForDisplayed({ timeout: 10000 })
    assert.match(await panel.getText(), new RegExp(`${issuer.replace(/[.:/]/g, '\\$&')}/authorize\\?`), 'the sign-in URL is shown')
    await shot('14-oauth-browser')
    await waitFor('the OAuth account to be selected', async () => (await shownAccount().catch(() => '')) === 'corp-oidc', 20000)
    const first = await text('[data-field="countdown"]')
    assert.match(first, /^\d+[hm] \d{2}[ms]$|^\d+s$/, `a countdown, got ${first}`)
  })

  await step('the inspector shows the access and ID tokens side by side, and asks the server on demand', async () => {
    await (await $('button[data-action="inspect"]')).click()
    await (await $('[data-field="id-token"]')).waitForDisplayed({ timeout: 5000 })
    assert.match(await text('[data-field="id-claims"] tr[data-claim="aud"]'), /authdeck-demo/, 'the ID token is for our client')
    assert.match(await text('[data-field="claims"] tr[data-claim="scope"]'), /openid/, 'the access token beside it')
    await (await $('button[data-action="introspect"]')).click()
    await waitFor('the introspection', async () => /active\s*true/.test(await text('[data-field="asked"]').catch(() => '')))
    await (await $('button[data-action="userinfo"]')).click()
    await waitFor('the UserInfo answer', async () => /alice@oidc\.test/.test(await text('[data-field="asked"]').catch(() => '')))
    await waitFor('the toasts to go', async () => (await browser.$$('.toast')).length === 0, 10000)
    await shot('16-oauth-inspector')
    await (await $('button[data-screen="accounts"]')).click()
  })

  await step('the device panel shows the code to enter, and Cancel stops the sign-in', async () => {
    await addOAuthAccount({ name: 'tv-oidc', grant: 'device_code' })
    await (await $('[data-panel="device"]')).waitForDisplayed({ timeout: 10000 })
    assert.match(await text('[data-field="user-code"]'), /^[A-Z]{4}-[A-Z]{4}$/, 'a user code')
    await shot('15-oauth-device')
    await (await $('button[data-action="cancel-sign-in"]')).click()
    await (await $('.error-notice*=cancelled')).waitForDisplayed({ timeout: 5000 })
    await (await $('button=Cancel')).click()
    assert.equal(await (await $('.account-row[data-account="tv-oidc"]')).isExisting(), false, 'a cancelled sign-in keeps no account')
    await (await $('.account-row[data-account="qa-alice"]')).click()
  })

  await step('logging out shows the account signed out', async () => {
    await (await $('button[data-action="logout"]')).click()
    await waitFor('signed out', async () => (await text('[data-field="countdown"]')) === 'Signed out')
    await shot('07-signed-out')
  })

  const editedAway = []
  await step('editing an account to another user signs it out and takes its token out of the keyring', async () => {
    const service = process.env.AUTHDECK_KEYRING_SERVICE
    const keyring = (account) => {
      try {
        return execFileSync('secret-tool', ['lookup', 'service', service, 'username', account], { encoding: 'utf8' })
      } catch {
        return ''
      }
    }
    await (await $('.account-row[data-account="demo-user-login"]')).click()
    const before = keyring('demo-user-login')
    assert.match(before, /"token"/, 'signed in: the keyring holds its token')
    // The hygiene step searches the logs for these too, though they leave the keyring here.
    for (const value of Object.values(JSON.parse(before))) if (value) editedAway.push(String(value))
    await (await $('button[data-action="edit"]')).click()
    await (await $('input[data-field="email"]')).setValue('alice+ttl2@userlogin.test')
    await (await $('button[data-action="save-account"]')).click()
    await waitFor('signed out', async () => (await text('[data-field="countdown"]')) === 'Signed out')
    const kept = keyring('demo-user-login')
    assert.doesNotMatch(kept, /"token"/, 'the old user\'s token left the keyring')
    assert.match(kept, /"password"/, 'the password remembered for this server stays')
  })

  await step('the QA screen runs the user-login example suite against the sandbox, live', async () => {
    await (await $('button[data-screen="qa"]')).click()
    await (await $('button[data-suite="example:user-login"]')).click()
    const cases = 9
    await waitFor('the example\'s nine cases', async () => (await browser.$$('tr[data-case]')).length === cases)
    await (await $('button[data-action="run-suite"]')).click()
    await waitFor('every case to pass', async () => (await text('[data-field="qa-passed"]').catch(() => '')) === `${cases} passed`, 60000)
    assert.equal((await browser.$$('tr[data-status="pass"]')).length, cases, 'each row shows its pass')
    // The raw answer of the wrong-password case: the server's words, nothing secret.
    const wrong = await $('tr[data-case="3"]')
    await (await wrong.$('button[data-action="raw-answer"]')).click()
    await waitText('[data-field="raw-status"]', '401')
    const body = await text('[data-field="raw-body"]')
    assert.match(body, /INVALID_PASSWORD/)
    assert.ok(!body.includes('wrong-password'), 'the password sent is not in the raw view')
    await browser.keys('Escape')
    // An expectation set in the case form reaches the run: a message regex that cannot match fails.
    await (await wrong.$('button.link')).click()
    await (await $('input[data-field="case-message-matches"]')).setValue('^never said$')
    await waitText('tr[data-case="3"] td:nth-child(4)', 'invalid password · 401 · INVALID_PASSWORD · /^never said$/')
    await (await wrong.$('button.link')).click()
    await (await $('button[data-action="run-suite"]')).click()
    await waitFor('the edited case to fail', async () => (await wrong.getAttribute('data-status')) === 'fail', 60000)
    const why = await text('tr[data-case="3"] td:nth-child(5)')
    assert.ok(why.includes('^never said$'), `the mismatch names the regex: ${why}`)
    await waitFor('the toasts to go', async () => (await browser.$$('.toast')).length === 0, 8000)
    await shot('11-qa')
  })

  await step('with 50 accounts, long names and long emails, the rows keep their height and never overlap; End reaches the last', async () => {
    // Added as a user of the CLI would, while the app runs: it picks them up when Accounts opens.
    await (await $('button[data-screen="accounts"]')).click()
    const have = await rows()
    for (let i = have; i < 50; i++) {
      const id = String(i).padStart(2, '0')
      const long = i % 8 === 0
      const name = long ? `desk-${id}-${'n'.repeat(56)}` : `desk-${id}`
      const email = long ? `alice+${id}${'x'.repeat(115)}@userlogin.test` : `alice+desk${id}@userlogin.test`
      execFileSync(cli, ['login', name, '--provider', 'user-login', '--base-url', baseUrl, '--email', email, '--password-stdin'], { input: 's3cret-pass\n', stdio: ['pipe', 'ignore', 'inherit'] })
    }
    await (await $('button[data-screen="history"]')).click()
    await (await $('button[data-screen="accounts"]')).click()
    await waitFor('50 accounts in the list', async () => (await rows()) >= 50)
    const boxes = await browser.execute(() =>
      [...document.querySelectorAll('.account-row')].map((row) => {
        const r = row.getBoundingClientRect()
        const badge = row.querySelector('.badge').getBoundingClientRect()
        return { name: row.dataset.account, top: r.top, bottom: r.bottom, right: r.right, badgeRight: badge.right, height: r.height }
      }),
    )
    assert.ok(boxes.length < 50, `the list draws the rows in view, not all 50 (${boxes.length})`)
    assert.ok(boxes.some((b) => b.name.length === 64), 'a 64-character name is in the list')
    for (let i = 1; i < boxes.length; i++) {
      assert.ok(boxes[i].top >= boxes[i - 1].bottom - 0.5, `${boxes[i].name} (top ${boxes[i].top}) overlaps ${boxes[i - 1].name} (bottom ${boxes[i - 1].bottom})`)
      assert.equal(boxes[i].height, boxes[0].height, `${boxes[i].name} has the rows' one height`)
    }
    for (const b of boxes) assert.ok(b.badgeRight <= b.right, `${b.name}'s status badge stays inside its row`)
    await (await $(`.account-row[data-account="${boxes[0].name}"]`)).click()
    await browser.keys('End')
    const names = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' })).map((a) => a.name).sort()
    const lastName = names.at(-1)
    await waitFor('the last account to be selected', async () => (await shownAccount()) === lastName)
    const seen = await browser.execute(() => {
      const list = document.querySelector('.list').getBoundingClientRect()
      const row = document.querySelector('.account-row.selected')
      const r = row.getBoundingClientRect()
      return {
        inside: r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5,
        focused: document.activeElement === row,
        last: row.getAttribute('aria-posinset') === row.getAttribute('aria-setsize'),
      }
    })
    assert.ok(seen.inside, 'the last row scrolled into view')
    assert.ok(seen.focused, 'the focus is on the selected row')
    assert.ok(seen.last, 'the selected row says it is the last of the list')
    await shot('17-fifty-accounts')
    // Back to the top, where the next steps find the demo accounts.
    await browser.keys('Home')
    await waitFor('the first account to be selected', async () => (await shownAccount()) === names[0])
  })

  await step('the list groups by environment tag (set with `authdeck tag`), headings and rows apart, and a group collapses', async () => {
    const desk = JSON.parse(execFileSync(cli, ['accounts', '--json'], { encoding: 'utf8' })).map((a) => a.name).filter((n) => n.startsWith('desk-'))
    execFileSync(cli, ['tag', 'prod', ...desk.slice(0, 20)], { stdio: ['ignore', 'ignore', 'inherit'] })
    execFileSync(cli, ['tag', 'staging', ...desk.slice(20, 35)], { stdio: ['ignore', 'ignore', 'inherit'] })
    // No screen switch: the app notices the CLI's write by itself.
    await (await $('select[data-field="group"]')).selectByAttribute('value', 'tag')
    await (await $('.group-head[data-group="tag:prod"]')).waitForDisplayed({ timeout: 5000 })
    const heads = await browser.execute(() =>
      [...document.querySelectorAll('.group-head')].map((h) => [h.querySelector('.clip').textContent, Number(h.querySelector('.count').textContent)]),
    )
    // `dev` is the tag the .env import gave `shop`: the tags by name (No tag, last, is drawn
    // only once scrolled to).
    assert.deepEqual(heads.slice(0, 3), [['dev', 1], ['prod', 20], ['staging', 15]], 'the tags by name, with their counts')
    const lines = await browser.execute(() =>
      [...document.querySelectorAll('.group-head, .account-row')]
        .map((el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom } })
        .sort((a, b) => a.top - b.top),
    )
    for (let i = 1; i < lines.length; i++) assert.ok(lines[i].top >= lines[i - 1].bottom - 0.5, `line ${i} overlaps the one above`)
    await browser.execute(() => (document.querySelector('.list').scrollTop = 0))
    await (await $(`.account-row[data-account="${desk[2]}"]`)).click()
    await waitFor('the account view to show its tag', async () => (await browser.execute(() => document.querySelector('dd[data-field="tag"]')?.textContent)) === 'prod')
    await shot('27-groups')
    await (await $('.group-head[data-group="tag:prod"]')).click()
    await waitFor('prod to collapse', async () => (await browser.execute(() => document.querySelector('.group-head[data-group="tag:prod"]').getAttribute('aria-expanded'))) === 'false')
    const stagingTop = await browser.execute(() => document.querySelector('.group-head[data-group="tag:staging"]').getBoundingClientRect().top)
    const prodBottom = await browser.execute(() => document.querySelector('.group-head[data-group="tag:prod"]').getBoundingClientRect().bottom)
    assert.ok(stagingTop - prodBottom < 10, 'staging follows the collapsed prod heading at once')
    await (await $('.group-head[data-group="tag:prod"]')).click()
    await (await $('select[data-field="group"]')).selectByAttribute('value', 'none')
    await waitFor('the headings to go', async () => (await browser.execute(() => document.querySelectorAll('.group-head').length)) === 0)
  })

  await step('at 800×600 every screen fits: nothing cut off sideways, Refresh and History\'s result column in view', async () => {
    await browser.setWindowRect(null, null, 800, 600)
    await waitFor('the window to be 800×600', async () => windowRect().width === 800 && windowRect().height === 600, 5000)
    if ((await (await $('button[data-action="toggle-sidebar"]')).getAttribute('aria-expanded')) === 'true') {
      await (await $('button[data-action="toggle-sidebar"]')).click()
    }
    // Nothing pokes out of the window, and no scrolling box of the screen scrolls sideways.
    const fits = () =>
      browser.execute(() => {
        const main = document.querySelector('main')
        const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
        const cut = [...main.querySelectorAll('*')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.parentElement.closest('.scroll'))
          .map(name)
        const sideways = [main, ...main.querySelectorAll('.scroll')].filter((el) => el.scrollWidth > el.clientWidth + 1).map(name)
        if (document.documentElement.scrollWidth > window.innerWidth) cut.push('the page')
        return [...cut, ...sideways].slice(0, 4)
      })
    const inView = (sel) =>
      browser.execute((sel) => {
        const r = document.querySelector(sel).getBoundingClientRect()
        return r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight
      }, sel)
    await (await $('.account-row[data-account="demo-talkstack"]')).click()
    for (const [i, screen] of ['accounts', 'inspector', 'history', 'qa', 'providers', 'settings'].entries()) {
      await (await $(`button[data-screen="${screen}"]`)).click()
      if (screen === 'accounts') {
        await (await $('button[data-action="refresh"]')).waitForDisplayed()
        assert.ok(await inView('button[data-action="refresh"]'), 'Refresh is in view')
        const lines = await browser.execute(() => {
          const p = document.querySelector('.hero-left p')
          return p ? Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)) : 1
        })
        assert.ok(lines <= 2, `the expiry date takes ${lines} lines`)
        const outOfPane = await browser.execute(() => {
          const pane = document.querySelector('.list-pane').getBoundingClientRect()
          return [...document.querySelectorAll('.list-pane .toolbar *')]
            .filter((el) => el.getBoundingClientRect().right > pane.right - 1)
            .map((el) => `${el.tagName.toLowerCase()}[${el.dataset.field ?? ''}]`)
        })
        assert.deepEqual(outOfPane, [], 'the filter, sort and group controls stay inside the list pane')
      }
      if (screen === 'history') {
        await (await $('tr[data-event]')).waitForDisplayed()
        assert.ok(await inView('.events th:nth-child(4)'), 'the result column is in view')
      }
      assert.deepEqual(await fits(), [], `${screen} at 800×600: cut off or scrolling sideways`)
      await shot(`${18 + i}-small-${screen}`)
    }
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('button[data-action="toggle-sidebar"]')).click()
    await browser.setWindowRect(null, null, 1180, 760)
    await waitFor('the window back at its size', async () => windowRect().width === 1180, 5000)
  })

  await step('a focused account row keeps the focus when the window\'s height changes (its rows are built anew)', async () => {
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('.account-row')).waitForDisplayed()
    // The last account of the list (50 and more by now): rows are keyed by their place modulo
    // the drawn window's size, so a line that far down gets a new key when that size changes.
    await browser.execute(() => { const list = document.querySelector('.list'); list.scrollTop = list.scrollHeight })
    const name = await browser.execute(() => {
      const rows = [...document.querySelectorAll('.account-row')]
      const last = rows.reduce((a, b) => (Number(b.getAttribute('aria-posinset')) > Number(a.getAttribute('aria-posinset')) ? b : a))
      last.focus()
      return last.dataset.account
    })
    const place = await browser.execute((n) => Number(document.querySelector(`.account-row[data-account="${n}"]`).getAttribute('aria-posinset')), name)
    assert.ok(place > 40, `the focused row is far enough down to be keyed anew (place ${place})`)
    const focused = () => browser.execute(() => document.activeElement?.dataset?.account ?? document.activeElement?.tagName)
    assert.equal(await focused(), name, 'the row has the focus before the resize')
    // Taller than the screen (Xvfb has no window manager to stop it), as a maximized window on
    // a large screen: the list then draws a larger window of rows.
    for (const height of [1000, 760]) {
      const before = await browser.execute(() => document.querySelector('.list').clientHeight)
      await browser.setWindowRect(null, null, 1180, height)
      await waitFor(`the window to be ${height} high and the list to follow`, async () =>
        windowRect().height === height && (await browser.execute(() => document.querySelector('.list').clientHeight)) !== before, 5000)
      await browser.pause(200)
      assert.equal(await focused(), name, `after resizing to 1180×${height} the same row has the focus`)
    }
  })

  await step('providers and settings screens, and the dark theme', async () => {
    await (await $('button[data-screen="providers"]')).click()
    await (await $('button[data-provider="user-login"]')).click()
    await shot('08-providers')
    await (await $('button[data-screen="settings"]')).click()
    await shot('09-settings')
    await (await $('label:has(input[data-theme-choice="dark"])')).click()
    await (await $('button[data-action="save-settings"]')).click()
    await (await $('button[data-screen="accounts"]')).click()
    await (await $('.account-row[data-account="demo-talkstack"]')).click()
    await waitFor('the toasts to go', async () => (await browser.$$('.toast')).length === 0, 8000)
    await shot('10-accounts-dark')
  })

  await step('a session that will expire with nothing to renew it is announced on the desktop', async () => {
    // meetra has no refresh flow (only re-login), and the password is not remembered: nothing
    // can renew it. A 45 s token is inside the 30 s refresh margin after 15 s.
    await (await $('button[data-screen="accounts"]')).click()
    await addAccount({
      name: 'qa-short',
      email: 'alice+ttl45@meetra.test',
      password: 's3cret-pass',
      baseUrl: baseUrl.replace(/\/user-login$/, '/meetra'),
      provider: 'meetra',
    })
    const remember = await $('input[data-field="remember"]')
    if (await remember.isSelected()) await remember.click()
    await (await $('button[data-action="submit-login"]')).click()
    await waitFor('the new account to be selected', async () => (await shownAccount()) === 'qa-short')
    assert.ok(!notifications().includes('qa-short will expire'), 'not announced while it has time left')
    await waitFor('the notification', async () => notifications().includes('qa-short will expire'), 45000)
  })

  await step('no token, refresh token or password of the run is in the webview\'s storage or the logs', async () => {
    // Every secret the run used: what the keyring holds now for each account, the token
    // Reveal showed (its account is signed out by now), and every password typed or sent.
    const service = process.env.AUTHDECK_KEYRING_SERVICE
    await (await $('button[data-screen="accounts"]')).click()
    // Every account, not only the rows the list draws.
    const names = JSON.parse(execFileSync(path.join(root, 'target/debug/authdeck'), ['accounts', '--json'], { encoding: 'utf8' })).map((a) => a.name)
    assert.ok(names.length >= 6, `every account is listed (${names.join(', ')})`)
    const secrets = new Set([revealed, 's3cret-pass', 'not-the-password', 'wrong-password', ...editedAway])
    for (const name of names) {
      let doc = '{}'
      try {
        doc = execFileSync('secret-tool', ['lookup', 'service', service, 'username', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      } catch {
        continue // nothing stored for it (a failed first login)
      }
      // The scheme word kept beside a token ("Token") is not a secret.
      for (const [key, value] of Object.entries(JSON.parse(doc))) if (value && key !== 'scheme') secrets.add(String(value))
    }
    assert.ok(secrets.size > 10, `tokens of every demo account were found in the keyring (${secrets.size} secrets)`)
    // WebKit keeps localStorage, IndexedDB and its caches under XDG_DATA_HOME / XDG_CACHE_HOME.
    const home = process.env.HOME
    const webkit = [process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME]
      .map((d) => path.join(d, 'dev.authdeck.desktop'))
      .filter((d) => existsSync(d))
    assert.ok(webkit.length > 0, 'the webview\'s data or cache folder exists, so the search is not empty')
    const roots = [home, process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME, process.env.AUTHDECK_HOME]
    const search = () => {
      const files = new Set()
      const walk = (dir) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name)
          // The OS keyring's own (encrypted) store is where secrets belong.
          if (entry.isDirectory() && entry.name !== 'keyrings') walk(full)
          else if (entry.isFile() && lstatSync(full).size < 64 * 1024 * 1024) files.add(full)
        }
      }
      for (const root of roots) if (root && existsSync(root)) walk(root)
      const found = []
      for (const file of files) {
        const bytes = readFileSync(file)
        for (const secret of secrets) {
          // WebKit stores localStorage values as UTF-16: look for both encodings.
          if (bytes.includes(Buffer.from(secret, 'utf8')) || bytes.includes(Buffer.from(secret, 'utf16le'))) {
            found.push(`${file}: ${secret.slice(0, 6)}…`)
          }
        }
      }
      return { files, found }
    }
    // The search can fail: a token planted in the webview's folder, as UTF-16, is found.
    const canary = path.join(webkit[0], 'e2e-canary.bin')
    writeFileSync(canary, Buffer.from(`x${revealed}x`, 'utf16le'))
    const planted = search().found
    rmSync(canary)
    assert.ok(planted.some((f) => f.startsWith(canary)), 'the search finds a planted token')
    const { files, found } = search()
    const log = path.join(process.env.AUTHDECK_HOME, 'tauri-driver.log')
    assert.ok(files.has(log) && lstatSync(log).size > 0, 'the app\'s log (its stderr, at trace level) was searched')
    assert.deepEqual(found, [], `secrets found on disk (searched ${files.size} files)`)
    console.log(`(${secrets.size} secrets, ${files.size} files including ${webkit.join(', ')}) `)
  })

  await step('Ctrl+Q quits, and the next start puts the window back where it was, at its size', async () => {
    const want = { x: 64, y: 40, width: 1000, height: 640 }
    await browser.setWindowRect(want.x, want.y, want.width, want.height)
    await waitFor('the window to move and take its new size', async () => JSON.stringify(windowRect()) === JSON.stringify(want), 5000)
    // The app quits while the driver is still sending the keys, so the driver reports an error.
    await browser.keys(['Control', 'q']).catch(() => {})
    await waitFor('the app to quit', async () => !running())
    await browser.deleteSession().catch(() => {}) // the app is gone; end the driver's session too
    browser = await start()
    await waitFor('the accounts to load', async () => (await rows()) > 0)
    assert.deepEqual(windowRect(), want, 'the window opens where it was closed, at the same size')
  })

  await step('SIGTERM (logging out of the desktop) quits the same way: the window is saved', async () => {
    await browser.setWindowRect(null, null, 1100, 700)
    await waitFor('the new size', async () => windowRect().width === 1100 && windowRect().height === 700, 5000)
    execFileSync('pkill', ['-TERM', '-f', app])
    await waitFor('the app to quit', async () => !running())
    const saved = JSON.parse(readFileSync(path.join(process.env.XDG_CONFIG_HOME, 'dev.authdeck.desktop', '.window-state.json'), 'utf8'))
    assert.deepEqual([saved.main?.width, saved.main?.height], [1100, 700], `the saved window: ${JSON.stringify(saved)}`)
  })

  console.log(`\ne2e: ${steps.length} passed, 0 failed`)
} catch (e) {
  await shot('failure').catch(() => {})
  console.error(`\nFAILED: ${e.message}`)
  console.log(`\ne2e: ${steps.length - 1} passed, 1 failed`)
  process.exitCode = 1
} finally {
  await browser.deleteSession().catch(() => {})
}
