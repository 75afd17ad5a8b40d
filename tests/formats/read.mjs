#!/usr/bin/env node
// Reads an environment written by `authdeck export-env` with the tool's own parser, and prints
// what it read as one JSON document: {reader, variables: {name: value}, secret: [names]}
// (plus `private` for Insomnia). The CLI test (crates/authdeck-cli/tests/export_env_cli.rs)
// checks the tokens, headers and base URLs in it. Usage: node read.mjs FORMAT FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [format, file] = process.argv.slice(2);
if (!format || !file) {
  console.error('usage: node read.mjs postman|insomnia|bruno|dotenv FILE');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');

const readers = {
  // Postman's own SDK reads the values; its Variable types have no `secret`, so the secret
  // marks are read by Bruno's Postman-environment importer, which honours `type: "secret"`.
  postman() {
    const { VariableScope } = require('postman-collection');
    const json = JSON.parse(text);
    const scope = new VariableScope(json);
    const { postmanToBrunoEnvironment } = require('@usebruno/converters');
    const bruno = postmanToBrunoEnvironment(json);
    return {
      reader: 'postman-collection VariableScope; @usebruno/converters postmanToBrunoEnvironment',
      name: bruno.name,
      variables: scope.toObject(),
      secret: bruno.variables.filter((v) => v.secret).map((v) => v.name),
    };
  },
  // Insomnia's importers (the code behind Import > From file) detect the format and return
  // the resources Insomnia would create.
  async insomnia() {
    const { convert } = require('insomnia-importers');
    const result = await convert(text);
    const envs = result.data.resources.filter((r) => r._type === 'environment');
    const sub = envs.find((e) => Object.keys(e.data || {}).length > 0);
    return {
      reader: `insomnia-importers convert (${result.type.id})`,
      name: sub?.name,
      variables: sub?.data ?? {},
      secret: [],
      private: sub?.isPrivate === true,
      environments: envs.length,
    };
  },
  // Bruno's own .bru grammar.
  bruno() {
    const { bruToEnvJsonV2 } = require('@usebruno/lang');
    const env = bruToEnvJsonV2(text);
    return {
      reader: '@usebruno/lang bruToEnvJsonV2',
      variables: Object.fromEntries(env.variables.filter((v) => v.enabled).map((v) => [v.name, v.value])),
      secret: env.variables.filter((v) => v.secret).map((v) => v.name),
    };
  },
  dotenv() {
    const dotenv = require('dotenv');
    return { reader: 'dotenv parse', variables: dotenv.parse(text), secret: [] };
  },
};

const read = readers[format];
if (!read) {
  console.error(`unknown format ${format}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await read()));
} catch (e) {
  console.error(`${format}: ${e.stack || e}`);
  process.exit(1);
}
