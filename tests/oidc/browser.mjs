#!/usr/bin/env node
// A stand-in browser for Authdeck's OAuth tests, usable as $BROWSER
// (BROWSER=/abs/path/tests/oidc/browser.mjs, or `node tests/oidc/browser.mjs URL`).
//
//   browser.mjs URL            open an authorization URL at server.mjs's oidc-provider, sign in
//                              and consent at its devInteractions forms, then deliver the
//                              redirect (GET http://127.0.0.1:PORT/callback?code=..&state=..&iss=..)
//                              to the app's loopback listener.
//   browser.mjs --device URL   approve a device login: URL is verification_uri_complete, or
//                              verification_uri with the code in OIDC_TEST_USER_CODE.
//
// Environment switches:
//   OIDC_TEST_LOGIN=NAME       account to sign in as (default alice); any password is sent
//   OIDC_TEST_CONSENT=deny     press cancel: the authorization's redirect carries
//                              error=access_denied; a device login is aborted (the device's
//                              token poll then answers access_denied)
//   OIDC_TEST_STATE=tamper     change `state` in the redirect before delivering it
//   OIDC_TEST_DELAY_MS=N       wait N ms before delivering the redirect (device: before starting)
//   OIDC_TEST_LOG=FILE         append each URL it is asked to open to FILE, one a line
//   OIDC_TEST_USER_CODE=CODE   user code for --device with a bare verification_uri
//
// Exit status: 0 once the redirect was delivered (device: once the login was approved, or
// aborted as asked); 1 when a step failed, 2 on bad usage, 3 when nobody took the redirect.
// It reports its steps on stderr and never prints codes or tokens.
import { appendFileSync } from 'node:fs';

const say = (text) => process.stderr.write(`browser.mjs: ${text}\n`);
const fail = (text, status = 1) => { say(`FAILED: ${text}`); process.exit(status); };
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

const argv = process.argv.slice(2);
const device = argv[0] === '--device';
const start = device ? argv[1] : argv[0];
if (!start || argv.length > (device ? 2 : 1)) fail('usage: browser.mjs [--device] URL', 2);
if (process.env.OIDC_TEST_LOG) {
  try { appendFileSync(process.env.OIDC_TEST_LOG, `${start}\n`); } catch (e) { say(`cannot write OIDC_TEST_LOG: ${e.message}`); }
}
let startUrl;
try { startUrl = new URL(start); } catch { fail(`not a URL: ${start}`, 2); }

const login = process.env.OIDC_TEST_LOGIN || 'alice';
const deny = process.env.OIDC_TEST_CONSENT === 'deny';
const tamper = process.env.OIDC_TEST_STATE === 'tamper';
const delay = Number(process.env.OIDC_TEST_DELAY_MS || '0');
if (!Number.isFinite(delay) || delay < 0) fail(`OIDC_TEST_DELAY_MS is not a number of ms: ${process.env.OIDC_TEST_DELAY_MS}`, 2);
const provider = startUrl.origin;
const TIMEOUT = 15000; // per request: never hang

// A small cookie jar (name + path; expired or emptied cookies are dropped).
const jar = new Map();
function keepCookies(res, url) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = '/';
    let expired = value === '';
    for (const attr of attrs) {
      const [k, v = ''] = attr.split('=');
      if (k.toLowerCase() === 'path') path = v || '/';
      if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
    }
    const key = `${name}\u0000${path}`;
    if (expired) jar.delete(key); else jar.set(key, { name, value, path });
  }
  return url;
}
function cookieHeader(url) {
  const { pathname } = new URL(url);
  return [...jar.values()]
    .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
    .sort((a, b) => b.path.length - a.path.length)
    .map((c) => `${c.name}=${c.value}`).join('; ');
}

async function request(url, form) {
  const init = { redirect: 'manual', headers: { cookie: cookieHeader(url) }, signal: AbortSignal.timeout(TIMEOUT) };
  if (form) {
    init.method = 'POST';
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    fail(`${form ? 'POST' : 'GET'} ${new URL(url).pathname} at ${new URL(url).origin}: ${e.cause?.code || e.message}`);
  }
  keepCookies(res, url);
  return res;
}

const decode = (s) => s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&#x2F;/gi, '/').replace(/&amp;/g, '&');
const attr = (tag, name) => {
  const m = tag.match(new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i'));
  return m ? decode(m[1] ?? m[2]) : undefined;
};
/** The forms of a page: id, action and their named inputs (buttons too) with values. */
function forms(html) {
  const found = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const inputs = {};
    for (const i of m[2].matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(i[1], 'name');
      if (name) inputs[name] = attr(i[1], 'value') ?? '';
    }
    found.push({ id: attr(m[1], 'id'), action: attr(m[1], 'action'), inputs });
  }
  return found;
}
const text = (html) => html.replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ')
  .replace(/\s+/g, ' ').trim().slice(0, 300);

/** Deliver the provider's redirect to the app (no code/state values are printed). */
async function deliver(location) {
  const url = new URL(location);
  const names = [...url.searchParams.keys()];
  if (tamper) {
    if (url.searchParams.has('state')) {
      url.searchParams.set('state', `${url.searchParams.get('state')}-tampered`);
      say('tampered with state');
    } else {
      say('OIDC_TEST_STATE=tamper, but the redirect has no state');
    }
  }
  if (delay) { say(`waiting ${delay} ms before delivering`); await sleep(delay); }
  const error = url.searchParams.get('error');
  say(`delivering the redirect to ${url.origin}${url.pathname} (parameters: ${names.join(', ')}${error ? `; error=${error}` : ''})`);
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT) });
    await res.body?.cancel();
    say(`delivered (the app answered HTTP ${res.status})`);
  } catch (e) {
    fail(`nobody took the redirect at ${url.origin}${url.pathname}: ${e.cause?.code || e.message}`, 3);
  }
  process.exit(0);
}

if (device && delay) { say(`waiting ${delay} ms before starting`); await sleep(delay); }
say(`opening ${device ? 'device verification' : 'authorization'} URL ${startUrl.origin}${startUrl.pathname}`);

let url = startUrl.toString();
let form = null;
let enteredCode = false;
let abortedDevice = false;
for (let step = 0; step < 40; step += 1) {
  const res = await request(url, form);
  const method = form ? 'POST' : 'GET';
  form = null;
  if (res.status >= 300 && res.status < 400) {
    const next = new URL(res.headers.get('location'), url);
    await res.body?.cancel();
    if (next.origin !== provider) await deliver(next.toString());
    url = next.toString();
    continue;
  }
  const html = await res.text();
  const path = new URL(url).pathname;
  if (res.status !== 200) fail(`HTTP ${res.status} at ${method} ${path}: ${text(html)}`);
  const page = forms(html);
  const interaction = page.find((f) => f.inputs.prompt === 'login' || f.inputs.prompt === 'consent');
  const deviceForm = page.find((f) => f.inputs.xsrf !== undefined);

  if (interaction) {
    const { prompt } = interaction.inputs;
    if (deny) {
      const abort = [...html.matchAll(/<a\b([^>]*)>/gi)].map((a) => attr(a[1], 'href')).find((h) => h && /\/abort$/.test(h));
      url = new URL(abort || `${interaction.action}/abort`, url).toString();
      say(`${prompt} page: pressing cancel`);
    } else {
      form = prompt === 'login' ? { ...interaction.inputs, login, password: 'any-password' } : { ...interaction.inputs };
      url = new URL(interaction.action || path, url).toString();
      say(prompt === 'login' ? `login page: signing in as ${login}` : 'consent page: allowing');
    }
  } else if (device && (abortedDevice || (enteredCode && deviceForm && 'user_code' in deviceForm.inputs && !('confirm' in deviceForm.inputs)))) {
    // After [ Abort ], or when the code was not taken, the code input page comes back.
    const words = text(html);
    if (abortedDevice && /abort|denied|interrupted/i.test(words)) { say('device login aborted'); process.exit(0); }
    fail(`device flow ended on an unexpected page: ${words}`);
  } else if (deviceForm) {
    form = { ...deviceForm.inputs };
    if ('user_code' in form && form.user_code === '') {
      enteredCode = true;
      form.user_code = startUrl.searchParams.get('user_code') || process.env.OIDC_TEST_USER_CODE || '';
      if (!form.user_code) fail('the device page asks for a user code: give verification_uri_complete or OIDC_TEST_USER_CODE');
      say('device page: entering the user code');
    } else if ('confirm' in form) {
      if (deny) { form.abort = 'yes'; abortedDevice = true; say('device page: pressing abort'); } else say('device page: confirming the device');
    } else {
      say(`device page: submitting ${deviceForm.id || 'form'}`);
    }
    url = new URL(deviceForm.action || path, url).toString();
  } else if (device) {
    const words = text(html);
    if (/success/i.test(words) && !deny) { say('device login approved'); process.exit(0); }
    if (/abort|denied|interrupted/i.test(words) && deny) { say('device login aborted'); process.exit(0); }
    fail(`device flow ended on an unexpected page: ${words}`);
  } else {
    fail(`a page without a form at ${path}: ${text(html)}`);
  }
}
fail('too many steps without reaching the redirect');
