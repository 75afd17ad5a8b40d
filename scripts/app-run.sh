#!/usr/bin/env bash
# `make run`: build the desktop app (the UI must be built first: `make ui`) and open it.
# On first run its empty state offers "Try the built-in sandbox".
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p authdeck-app
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Authdeck is a desktop app and needs a display (DISPLAY or WAYLAND_DISPLAY)." >&2
  echo "Headless, try: xvfb-run -a scripts/app-run.sh, or use the CLI: target/debug/authdeck --help" >&2
  exit 1
fi
exec target/debug/authdeck-app "$@"
