#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on a private D-Bus session,
# and a throwaway HOME, so tests never touch the user's own keyring.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
if [ -n "${AUTHDECK_IN_KEYRING_SESSION:-}" ]; then exec "$@"; fi
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
