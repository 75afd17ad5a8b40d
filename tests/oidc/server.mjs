#!/usr/bin/env node
// A real OpenID Certified provider (panva's oidc-provider) for Authdeck's OAuth tests, on
// 127.0.0.1. Prints one JSON line {"issuer": "http://127.0.0.1:PORT", "port": PORT} on stdout
// when it listens, then nothing more there (diagnostics go to stderr). Stops when its stdin
// closes (so a test that dies never leaves it running) or on SIGTERM.
//
//   node server.mjs [--port N] [--keys FILE] [--access-ttl S] [--id-ttl S] [--device-ttl S]
//                   [--interval S] [--slow-down-once]
//
// Clients (README.md has the table):
//   authdeck-pkce     public (none), authorization_code + refresh_token, PKCE S256
//   authdeck-basic    client_secret_basic, secret basic-secret-4f9c2e, same grants
//   authdeck-post     client_secret_post,  secret post-secret-7a1d3b, same grants
//   authdeck-device   public, device_code + refresh_token
//   authdeck-service  client_secret_basic, secret service-secret-9e2b1c, client_credentials
// Any login name is an account (sub = name, email = name@example.test).
import Provider from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(name);

// The issuer names its port, so an ephemeral one is found before the provider is built.
const freePort = () => new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});
const port = Number(arg('--port', '0')) || await freePort();
const accessTtl = Number(arg('--access-ttl', '60'));
const idTtl = Number(arg('--id-ttl', '60'));
const deviceTtl = Number(arg('--device-ttl', '120'));
const interval = Number(arg('--interval', '1'));
const slowDownOnce = flag('--slow-down-once');

async function keys() {
  const file = arg('--keys', null);
  if (file) return JSON.parse(readFileSync(file, 'utf8'));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: 'k-start', alg: 'RS256', use: 'sig' }] };
}

const loopback = ['http://127.0.0.1/callback'];
const codeGrants = ['authorization_code', 'refresh_token'];
const clients = [
  { client_id: 'authdeck-pkce', token_endpoint_auth_method: 'none', grant_types: codeGrants, redirect_uris: loopback, response_types: ['code'], application_type: 'native' },
  { client_id: 'authdeck-basic', client_secret: 'basic-secret-4f9c2e', token_endpoint_auth_method: 'client_secret_basic', grant_types: codeGrants, redirect_uris: loopback, response_types: ['code'], application_type: 'native' },
  { client_id: 'authdeck-post', client_secret: 'post-secret-7a1d3b', token_endpoint_auth_method: 'client_secret_post', grant_types: codeGrants, redirect_uris: loopback, response_types: ['code'], application_type: 'native' },
  { client_id: 'authdeck-device', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], redirect_uris: [], response_types: [] },
  { client_id: 'authdeck-service', client_secret: 'service-secret-9e2b1c', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'api:read' },
];

const config = {
  clients,
  jwks: await keys(),
  scopes: ['openid', 'offline_access', 'email', 'profile', 'api:read'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    userinfo: { enabled: true },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // A refresh token for every client allowed the grant, without offline_access + consent.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    IdToken: idTtl,
    DeviceCode: deviceTtl,
    RefreshToken: 24 * 3600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: `${sub}@example.test`, email_verified: true, name: sub };
      },
    };
  },
  cookies: { keys: ['authdeck-test-cookie-key'] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, config);
provider.proxy = false;

// RFC 8628 §3.2's `interval`, which oidc-provider does not send (clients then wait 5 s):
// a short one keeps the tests quick. With --slow-down-once, the first device code poll is
// answered `slow_down` (§3.5), which oidc-provider never sends by itself.
let slowDownPending = slowDownOnce;
provider.use(async (ctx, next) => {
  if (slowDownPending && ctx.method === 'POST' && ctx.path === '/token' && deviceCodesIssued > 0) {
    slowDownPending = false;
    ctx.status = 400;
    ctx.type = 'application/json';
    ctx.body = { error: 'slow_down', error_description: 'you are polling too quickly' };
    return;
  }
  await next();
  if (ctx.method === 'POST' && ctx.path === '/device/auth' && ctx.status === 200 && ctx.body) {
    deviceCodesIssued += 1;
    ctx.body = { ...ctx.body, interval };
  }
});
let deviceCodesIssued = 0;

provider.on('server_error', (ctx, err) => console.error('server_error', err));

// stdout carries the one JSON line; whatever else would be printed goes to stderr, and a
// reader that stopped listening to stdout does not take the server down.
console.log = console.error;
console.info = console.error;
process.stdout.on('error', () => {});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ issuer: provider.issuer, port })}\n`);
});

const stop = () => { server.close(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
