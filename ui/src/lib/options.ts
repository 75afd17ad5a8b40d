// The account form's Options: the same choices as `authdeck login --set`, `--timeout`,
// `--allow-insecure-http`, `--env-var` and `--tag`, as the form edits them.
import type { AccountOptions } from './types'

export interface OptionsDraft {
  /** FIELD=VALUE lines. */
  set: string
  /** Seconds, as typed; empty for the default (30). */
  timeout: string | number | null
  envVar: string
  /** The environment tag (prod, staging); empty for none. */
  tag: string
  allowInsecureHttp: boolean
}

export function fromOptions(o: AccountOptions | null): OptionsDraft {
  return {
    set: (o?.set ?? []).join('\n'),
    timeout: o?.timeout_secs ?? '',
    envVar: o?.env_var ?? '',
    tag: o?.tag ?? '',
    allowInsecureHttp: o?.allow_insecure_http ?? false,
  }
}

export function toOptions(d: OptionsDraft): AccountOptions {
  const timeout = String(d.timeout ?? '').trim()
  return {
    set: d.set.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
    timeout_secs: timeout === '' ? null : Number(timeout),
    env_var: d.envVar.trim() === '' ? null : d.envVar.trim(),
    tag: foldTag(d.tag) || null,
    allow_insecure_http: d.allowInsecureHttp,
  }
}

/** What is wrong in the Options, checked as typed (core checks them again on save). */
export function optionsProblem(d: OptionsDraft): { field: string; message: string } | null {
  const timeout = String(d.timeout ?? '').trim()
  if (timeout !== '' && !(/^\d+$/.test(timeout) && Number(timeout) >= 1 && Number(timeout) <= 600)) {
    return { field: 'timeout', message: 'The timeout is a whole number of seconds, 1 to 600 (empty: 30).' }
  }
  const name = d.envVar.trim()
  if (name !== '' && !(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name))) {
    return { field: 'env-var', message: `“${name}” is not a variable name: use letters, digits and _, not starting with a digit (for example GITHUB_TOKEN).` }
  }
  // Names shells and tools read for themselves (PATH, BASH_ENV, *_PROXY, …) are refused by
  // core on save, in the same words as the CLI's; Authdeck's own are caught here already.
  if (name.toUpperCase().startsWith('AUTHDECK_')) {
    return { field: 'env-var', message: `${name} is taken: AUTHDECK_* names are Authdeck's own (leave the name empty for AUTHDECK_TOKEN).` }
  }
  const tag = foldTag(d.tag)
  if (tag !== '' && !/^[\p{L}\p{N} \-_./:]{1,32}$/u.test(tag)) {
    return { field: 'tag', message: `“${tag}” is not a tag: use 1 to 32 letters, digits, spaces and - _ . / : (for example prod, staging or eu-west).` }
  }
  const bad = d.set.split('\n').map((l) => l.trim()).find((l) => l !== '' && !/^[^=\s][^=]*=/.test(l))
  if (bad !== undefined) return { field: 'set', message: `“${bad}” needs the form FIELD=VALUE, e.g. success.expires_format=unix_ms.` }
  return null
}

/** A tag as core keeps it: trimmed, inner runs of spaces as one. */
export function foldTag(text: string): string {
  return text.trim().split(/\s+/).filter(Boolean).join(' ')
}
