#!/usr/bin/env node
// Writes a fresh PRIVATE signing JWKS for server.mjs --keys:
//   node tests/oidc/keys.mjs OUT.json [KID] [--es256]
// One RS256 key with kid KID (default: a random `rs-XXXXXXXX`); --es256 adds an ES256 key
// with kid `KID-es`. Prints the kid(s) to stderr, nothing to stdout.
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK } from 'jose';

const args = process.argv.slice(2);
const es256 = args.includes('--es256');
const [out, kid = `rs-${randomBytes(4).toString('hex')}`] = args.filter((a) => a !== '--es256');
if (!out) {
  process.stderr.write('usage: node keys.mjs OUT.json [KID] [--es256]\n');
  process.exit(2);
}

async function key(alg, id) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...await exportJWK(privateKey), kid: id, alg, use: 'sig' };
}

const keys = [await key('RS256', kid)];
if (es256) keys.push(await key('ES256', `${kid}-es`));
writeFileSync(out, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
process.stderr.write(`keys.mjs: wrote ${out} (kid ${keys.map((k) => k.kid).join(', ')})\n`);
