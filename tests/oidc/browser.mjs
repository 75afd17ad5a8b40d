#!/usr/bin/env node
// A stand-in browser for Authdeck's OAuth tests, usable as $BROWSER:
//   browser.mjs URL             follow an authorization URL, log in and consent at
//                               oidc-provider's devInteractions forms, and deliver the redirect
//                               to the app's loopback listener
//   browser.mjs --device URL    approve a device code (verification_uri_complete)
// Switches (environment): OIDC_TEST_LOGIN (account name, default alice),
// OIDC_TEST_CONSENT=deny (cancel, as a user pressing Cancel/Abort), OIDC_TEST_STATE=tamper
// (change `state` before delivering), OIDC_TEST_DELAY_MS (wait before delivering),
// OIDC_TEST_LOG=FILE (append each URL it is asked to open). It prints no token or code.
import { appendFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const device = argv[0] === '--device';
const start = device ? argv[1] : argv[0];
const login = process.env.OIDC_TEST_LOGIN || 'alice';
const deny = process.env.OIDC_TEST_CONSENT === 'deny';
const tamper = process.env.OIDC_TEST_STATE === 'tamper';
const delay = Number(process.env.OIDC_TEST_DELAY_MS || '0');
const say = (text) => process.stderr.write(`browser.mjs: ${text}\n`);
const fail = (text) => { say(text); process.exit(1); };

if (!start) fail('usage: browser.mjs [--device] URL');
if (process.env.OIDC_TEST_LOG) appendFileSync(process.env.OIDC_TEST_LOG, `${start}\n`);

const jar = new Map();
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
function keepCookies(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
  }
}
async function request(url, form) {
  const init = { redirect: 'manual', headers: { cookie: cookieHeader() } };
  if (form) {
    init.method = 'POST';
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, init);
  keepCookies(res);
  return res;
}

/** The forms of a page: action, id and their inputs' names and values. */
function forms(html) {
  const found = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attr = (name) => (m[1].match(new RegExp(`${name}="([^"]*)"`, 'i')) || [])[1];
    const inputs = {};
    for (const i of m[2].matchAll(/<input\b([^>]*)>/gi)) {
      const name = (i[1].match(/name="([^"]*)"/i) || [])[1];
      if (name) inputs[name] = (i[1].match(/value="([^"]*)"/i) || [])[1] ?? '';
    }
    found.push({ action: attr('action'), id: attr('id'), inputs });
  }
  return found;
}

// The authorization request names where the answer goes.
const redirectUri = device ? null : new URL(start).searchParams.get('redirect_uri');
if (!device && !redirectUri) fail('the URL has no redirect_uri');

async function deliver(location) {
  const url = new URL(location);
  if (tamper && url.searchParams.has('state')) url.searchParams.set('state', 'tampered-state');
  if (delay) await new Promise((r) => setTimeout(r, delay));
  try {
    const res = await fetch(url, { redirect: 'manual' });
    say(`delivered the redirect (HTTP ${res.status})`);
  } catch (e) {
    say(`nobody took the redirect (${e.cause?.code || e.message})`);
  }
  process.exit(0);
}

if (device && delay) await new Promise((r) => setTimeout(r, delay));
let url = start;
let form = null;
for (let step = 0; step < 30; step += 1) {
  if (redirectUri && url.startsWith(redirectUri)) await deliver(url);
  const res = await request(url, form);
  form = null;
  if (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location'), url).toString();
    continue;
  }
  const html = await res.text();
  if (res.status !== 200) fail(`HTTP ${res.status} at ${new URL(url).pathname}: ${html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 400)}`);
  const page = forms(html);
  const interaction = page.find((f) => f.inputs.prompt === 'login' || f.inputs.prompt === 'consent');
  const other = page.find((f) => f.inputs.xsrf !== undefined);
  const base = url;
  if (interaction) {
    const action = new URL(interaction.action || new URL(base).pathname, base);
    if (deny) {
      url = `${action.toString().replace(/\/$/, '')}/abort`;
    } else {
      form = interaction.inputs.prompt === 'login'
        ? { ...interaction.inputs, login, password: 'any' }
        : interaction.inputs;
      url = action.toString();
    }
  } else if (other) {
    // The device pages: the code (prefilled from the URL, or typed), the confirmation
    // ("Abort" when denying), and auto-submitting callback forms.
    form = { ...other.inputs };
    if (form.user_code === '') {
      form.user_code = new URL(start).searchParams.get('user_code') || process.env.OIDC_TEST_USER_CODE || '';
    }
    if (deny && form.confirm !== undefined) form.abort = 'yes';
    url = new URL(other.action || base, base).toString();
  } else if (device) {
    say(/Success|success/.test(html) ? 'device sign-in approved' : 'device sign-in ended');
    process.exit(0);
  } else {
    fail(`a page without a form at ${new URL(url).pathname}: ${html.slice(0, 300)}`);
  }
}
fail('too many steps');
