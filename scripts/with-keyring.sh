#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on a private D-Bus session,
# and a throwaway HOME, so tests never touch the user's own keyring.
# The command also runs in a session keyring of its own that reaches the user keyring, as
# pam_keyinit sets up a login session: the kernel token cache (crates/authdeck-core/src/
# token_cache.rs) is then exercised as users get it. Its entries are described
# authdeck:SERVICE:ACCOUNT, and tests use services of their own.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -n "${AUTHDECK_IN_KEYRING_SESSION:-}" ]; then exec "$@"; fi
if command -v keyctl >/dev/null && [ -z "${AUTHDECK_IN_KEYCTL_SESSION:-}" ]; then
  export AUTHDECK_IN_KEYCTL_SESSION=1
  # keyctl says "Joined session keyring: N" on stderr: only that line is silenced.
  exec 3>&2
  exec keyctl session - bash -c 'exec 2>&3 3>&-; keyctl link @u @s >/dev/null && exec "$0" "$@"' \
    "$0" "$@" 2>/dev/null
fi
export AUTHDECK_IN_KEYRING_SESSION=1
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export HOME="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
  # cargo and rustup live under the real HOME: keep them reachable.
  export CARGO_HOME="${CARGO_HOME:-'"$HOME"'/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-'"$HOME"'/.rustup}"
  eval "$(printf %s authdeck-test | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
  "$@"' with-keyring "$@"
