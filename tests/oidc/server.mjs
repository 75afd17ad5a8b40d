#!/usr/bin/env node
// A real OpenID Certified provider (panva's oidc-provider) for Authdeck's OAuth tests, on
// 127.0.0.1 only.
//
//   node tests/oidc/server.mjs [--port N] [--keys FILE] [--access-ttl SECS] [--id-ttl SECS]
//                              [--device-ttl SECS] [--interval SECS] [--slow-down]
//                              [--slow-down-once] [--lenient-client-auth]
//
// When it listens it prints exactly one line on stdout,
//   {"issuer":"http://127.0.0.1:PORT","port":PORT}
// and nothing more there (diagnostics go to stderr). It stops when its stdin closes (so a
// test that dies never leaves it running), and on SIGTERM / SIGINT.
//
//   --port N          listen port; 0 (default) = ephemeral. The issuer names the port.
//   --keys FILE       JWKS with PRIVATE signing keys ({"keys":[...]}, each with a kid); without
//                     it one RS256 key with a random kid is made at start (see keys.mjs).
//   --access-ttl S    AccessToken and ClientCredentials lifetime (default 60)
//   --id-ttl S        IdToken lifetime (default 60)
//   --device-ttl S    DeviceCode lifetime (default 120)
//   --interval S      `interval` added to the device authorization response (default 1;
//                     0 = leave it out, which is what oidc-provider does by itself)
//   --slow-down       answer `slow_down` (RFC 8628 §3.5) to a device-code poll that comes
//                     sooner than `interval` seconds after the previous one (or after the
//                     device authorization) while the code is still pending. oidc-provider
//                     never answers slow_down by itself.
//   --slow-down-once  answer `slow_down` to the first device-code poll that would be
//                     `authorization_pending` (once per server run), whatever its timing
//   --lenient-client-auth  accept client_secret_basic and client_secret_post from either
//                     confidential client, as oidc-provider does by itself (default: a
//                     client must use its registered method, else 401 invalid_client)
//
// Clients (fixed; README.md has the table):
//   client_id          auth method            secret                  grants
//   authdeck-pkce      none (public, PKCE)    -                       authorization_code refresh_token
//   authdeck-basic     client_secret_basic    basic-secret-4f9c2e     authorization_code refresh_token
//   authdeck-post      client_secret_post     post-secret-7a1d3b      authorization_code refresh_token
//   authdeck-device    none (public)          -                       device_code refresh_token
//   authdeck-service   client_secret_basic    service-secret-9e2b1c   client_credentials (scope api:read)
//   authdeck-password  client_secret_basic    password-secret-3c8d5f  password (custom) refresh_token
// Redirect URI of the code clients: http://127.0.0.1/callback, any port (RFC 8252 §7.3).
// Any login name is an account: sub = NAME, email = NAME@example.test, name = NAME.
// Password grant: any username, password `correct-horse`.

// oidc-provider prints its notices with console.info (stdout): keep stdout for the one line.
console.log = console.error;
console.info = console.error;
process.stdout.on('error', () => {});

const { readFileSync } = await import('node:fs');
const { createServer } = await import('node:net');
const { randomBytes } = await import('node:crypto');
const { generateKeyPair, exportJWK } = await import('jose');
const { default: Provider, errors } = await import('oidc-provider');

const USAGE = 'usage: node server.mjs [--port N] [--keys FILE] [--access-ttl SECS] [--id-ttl SECS] '
  + '[--device-ttl SECS] [--interval SECS] [--slow-down] [--slow-down-once] [--lenient-client-auth]';
const die = (text) => { process.stderr.write(`server.mjs: ${text}\n${USAGE}\n`); process.exit(2); };

const opts = {
  port: 0, keys: null, 'access-ttl': 60, 'id-ttl': 60, 'device-ttl': 120, interval: 1, 'slow-down': false, 'slow-down-once': false, 'lenient-client-auth': false,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in opts)) die(`unknown argument ${argv[i]}`);
    const [, name, inline] = m;
    if (typeof opts[name] === 'boolean') { opts[name] = true; continue; }
    const value = inline ?? argv[(i += 1)];
    if (value === undefined) die(`--${name} needs a value`);
    if (name === 'keys') { opts.keys = value; continue; }
    if (!/^\d+$/.test(value)) die(`--${name} needs a whole number, not ${value}`);
    opts[name] = Number(value);
  }
}

// The issuer names its port, so an ephemeral one is found before the provider is built.
const freePort = () => new Promise((resolve, reject) => {
  const probe = createServer();
  probe.once('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const port = opts.port || await freePort();
const issuer = `http://127.0.0.1:${port}`;

async function signingKeys() {
  if (opts.keys) {
    let jwks;
    try {
      jwks = JSON.parse(readFileSync(opts.keys, 'utf8'));
    } catch (e) {
      die(`cannot read --keys ${opts.keys}: ${e.message}`);
    }
    if (!Array.isArray(jwks.keys) || jwks.keys.some((k) => !k.d || !k.kid)) {
      die(`--keys ${opts.keys} must be {"keys":[...]} of private JWKs, each with a kid`);
    }
    return jwks;
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kid: `gen-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' }] };
}

const CALLBACK = ['http://127.0.0.1/callback'];
const CODE_GRANTS = ['authorization_code', 'refresh_token'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_SCOPES = ['openid', 'email', 'profile', 'offline_access'];
const PASSWORD = 'correct-horse';

// application_type native: oidc-provider then accepts any port on a loopback redirect URI.
const codeClient = (extra) => ({
  application_type: 'native', grant_types: CODE_GRANTS, redirect_uris: CALLBACK, response_types: ['code'], ...extra,
});
const clients = [
  codeClient({ client_id: 'authdeck-pkce', token_endpoint_auth_method: 'none' }),
  codeClient({ client_id: 'authdeck-basic', client_secret: 'basic-secret-4f9c2e', token_endpoint_auth_method: 'client_secret_basic' }),
  codeClient({ client_id: 'authdeck-post', client_secret: 'post-secret-7a1d3b', token_endpoint_auth_method: 'client_secret_post' }),
  {
    client_id: 'authdeck-device', token_endpoint_auth_method: 'none', application_type: 'native',
    grant_types: [DEVICE_GRANT, 'refresh_token'], redirect_uris: [], response_types: [],
  },
  {
    client_id: 'authdeck-service', client_secret: 'service-secret-9e2b1c', token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'api:read api:write',
  },
  {
    client_id: 'authdeck-password', client_secret: 'password-secret-3c8d5f', token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['password', 'refresh_token'], redirect_uris: [], response_types: [],
  },
];

const config = {
  clients,
  jwks: await signingKeys(),
  scopes: [...USER_SCOPES, 'api:read', 'api:write'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  // Put the scope's claims in the ID token too (not only at userinfo).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: {
      enabled: true,
      // oidc-provider's default, written out: a client may revoke its own tokens.
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    introspection: {
      enabled: true,
      // oidc-provider's default, written out: a public client may introspect only its own
      // tokens, a confidential one any token (as a resource server would).
      allowedPolicy: async (ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
    },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  // PKCE S256 for every authorization request (oidc-provider 9 supports only S256).
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // A refresh token for every client allowed the grant, without offline_access + consent.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: opts['access-ttl'],
    ClientCredentials: opts['access-ttl'],
    IdToken: opts['id-ttl'],
    DeviceCode: opts['device-ttl'],
    RefreshToken: 24 * 3600,
    AuthorizationCode: 60,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return {
          sub, email: `${sub}@example.test`, email_verified: true, name: sub, preferred_username: sub,
        };
      },
    };
  },
  cookies: { keys: ['authdeck-test-cookie-key-not-secret'] },
};

const provider = new Provider(issuer, config);

// ---------------------------------------------------------------------------------------
// Resource owner password grant (not built into oidc-provider; registered as a custom grant).
provider.registerGrantType('password', async (ctx) => {
  const { username, password, scope } = ctx.oidc.params;
  if (!username || !password) throw new errors.InvalidRequest('username and password are required');
  if (password !== PASSWORD) throw new errors.InvalidGrant('invalid username or password');

  const requested = (scope || 'openid').split(' ').filter(Boolean);
  const unknown = requested.filter((s) => !USER_SCOPES.includes(s));
  if (unknown.length) throw new errors.InvalidScope(`unsupported scope: ${unknown.join(' ')}`, unknown.join(' '));
  const scopes = requested.join(' ');

  const { client } = ctx.oidc;
  const account = await config.findAccount(ctx, username);
  const grant = new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
  grant.addOIDCScope(scopes);
  await grant.save();
  ctx.oidc.entity('Account', account);
  ctx.oidc.entity('Grant', grant);

  const authTime = Math.floor(Date.now() / 1000);
  const at = new provider.AccessToken({
    accountId: account.accountId, client, grantId: grant.jti, gty: 'password', scope: scopes,
  });
  ctx.oidc.entity('AccessToken', at);
  const accessToken = await at.save();

  let refreshToken;
  if (client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId: account.accountId, authTime, client, grantId: grant.jti, gty: 'password', rotations: 0, scope: scopes,
    });
    ctx.oidc.entity('RefreshToken', rt);
    refreshToken = await rt.save();
  }

  let idToken;
  if (requested.includes('openid')) {
    const claims = await account.claims();
    const token = new provider.IdToken({ ...claims, auth_time: authTime }, { ctx });
    token.scope = scopes;
    idToken = await token.issue({ use: 'idtoken' });
  }

  ctx.body = Object.fromEntries(Object.entries({
    access_token: accessToken,
    expires_in: at.expiration,
    id_token: idToken,
    refresh_token: refreshToken,
    scope: scopes,
    token_type: at.tokenType,
  }).filter(([, v]) => v !== undefined));
}, ['username', 'password', 'scope']);

// ---------------------------------------------------------------------------------------
// Strict client authentication. oidc-provider takes client_secret_basic and client_secret_post
// interchangeably for a client registered with either; here a confidential client must use
// the method it is registered with (401 invalid_client otherwise), so a test can tell which
// one the app used. --lenient-client-auth keeps oidc-provider's own behaviour.
if (!opts['lenient-client-auth']) {
  const registered = new Map(clients.filter((c) => c.client_secret).map((c) => [c.client_id, c.token_endpoint_auth_method]));
  const authPaths = new Set(['/token', '/token/introspection', '/token/revocation', '/device/auth', '/request']);
  const formDecode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && authPaths.has(ctx.path) && ctx.is('application/x-www-form-urlencoded')) {
      const chunks = [];
      let size = 0;
      for await (const chunk of ctx.req) {
        size += chunk.length;
        if (size > 56 * 1024) ctx.throw(413);
        chunks.push(chunk);
      }
      // oidc-provider takes an already read body from req.body.
      ctx.req.body = Buffer.concat(chunks).toString('utf8');
      const params = new URLSearchParams(ctx.req.body);
      const header = ctx.get('authorization');
      let used;
      let clientId;
      if (/^basic\s/i.test(header)) {
        used = 'client_secret_basic';
        try {
          clientId = formDecode(Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8').split(':')[0]);
        } catch { clientId = undefined; }
      } else if (params.has('client_secret')) {
        used = 'client_secret_post';
        clientId = params.get('client_id');
      }
      const expected = registered.get(clientId);
      if (used && expected && used !== expected) {
        process.stderr.write(`server.mjs: ${clientId} used ${used}, registered ${expected}: invalid_client\n`);
        ctx.status = 401;
        ctx.set('cache-control', 'no-store');
        if (expected === 'client_secret_basic') ctx.set('www-authenticate', `Basic realm="${issuer}"`);
        ctx.body = {
          error: 'invalid_client',
          error_description: `client authentication failed (${clientId} is registered for ${expected}, not ${used})`,
        };
        return;
      }
    }
    await next();
  });
}

// ---------------------------------------------------------------------------------------
// Device flow `interval` and (optionally) `slow_down`.
const lastPoll = new Map(); // device_code -> ms of the device authorization or the last poll
provider.on('device_authorization.success', (ctx, body) => {
  if (opts.interval > 0) body.interval = opts.interval;
  lastPoll.set(body.device_code, Date.now());
});
let slowDownOnce = opts['slow-down-once'];
if (opts['slow-down'] || slowDownOnce) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 400) return;
    if (ctx.body?.error !== 'authorization_pending') return;
    const code = ctx.oidc?.params?.device_code;
    if (!code) return;
    const now = Date.now();
    const previous = lastPoll.get(code);
    lastPoll.set(code, now);
    if (slowDownOnce) {
      slowDownOnce = false;
      ctx.body = { error: 'slow_down', error_description: 'you are polling too quickly and should back off' };
      return;
    }
    if (opts['slow-down'] && previous !== undefined && now - previous < Math.max(opts.interval, 1) * 1000) {
      ctx.body = { error: 'slow_down', error_description: 'you are polling too quickly and should back off' };
    }
  });
}

provider.on('server_error', (ctx, err) => console.error('server_error', err));

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ issuer, port })}\n`);
  process.stderr.write(`server.mjs: listening at ${issuer}, kids ${config.jwks.keys.map((k) => k.kid).join(',')}\n`);
});
server.on('error', (e) => { process.stderr.write(`server.mjs: ${e.message}\n`); process.exit(1); });

const stop = (why) => {
  process.stderr.write(`server.mjs: stopping (${why})\n`);
  server.closeAllConnections?.();
  server.close();
  process.exit(0);
};
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('close', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
