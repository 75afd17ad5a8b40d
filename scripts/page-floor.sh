#!/usr/bin/env bash
# Builds target/release/minimal-window-app-page: the minimal window (crates/minimal-window) with
# the app's page in place of its one paragraph, as the app shows it with 50 accounts, without its
# script (the same HTML, CSS, font and logo; the app's content security policy). scripts/
# app-bench.sh measures it beside the app and the minimal window: what WebKitGTK alone costs to
# show this UI, the floor under the app's own share (issue 18). Run by `make bench`, after the
# release builds of the app and the minimal window, with the UI built.
# How: the release app runs under tauri-driver with 50 accounts signed in;
# tests/e2e/page-snapshot.mjs saves its page; minimal-window is built once with that page
# (TAURI_CONFIG), copied aside, and built again as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
app=$root/target/release/authdeck-app
cli=$root/target/debug/authdeck
page=$root/target/page-floor
[ -x "$app" ] || { echo "build the app first: cargo build --release -p authdeck-app" >&2; exit 1; }
[ -x "$cli" ] || { echo "build the CLI first: cargo build -p authdeck-cli" >&2; exit 1; }
[ -f ui/dist/index.html ] || { echo "build the UI first: make ui" >&2; exit 1; }

if [ -z "${AUTHDECK_PAGE_FLOOR_INSIDE:-}" ]; then
  command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version 2.1.0
  [ -d tests/e2e/node_modules ] || (cd tests/e2e && npm install --no-audit --no-fund --silent)
  rm -rf "$page" target/release/minimal-window-app-page
  mkdir -p "$page"
  cp -r ui/dist/. "$page"
  rm -f "$page"/assets/*.js
  AUTHDECK_PAGE_FLOOR_INSIDE=1 xvfb-run -a -s "-screen 0 1280x800x24" \
    scripts/with-keyring.sh "$root/scripts/page-floor.sh"
  # Every file the saved page names must be there, or the floor would show it unstyled.
  for ref in $(grep -o '\(href\|src\)="[^"]*"' "$page/index.html" | sed 's/^[a-z]*="\(.*\)"$/\1/' | grep '^\./'); do
    [ -f "$page/$ref" ] || { echo "page-floor.sh: the saved page names $ref, which the built UI lacks: run make ui, rebuild the app" >&2; exit 1; }
  done
  # The page and the app's policy (Svelte sets style attributes: 'unsafe-inline' styles).
  config=$(node -e '
    const app = require(process.argv[1])
    console.log(JSON.stringify({ build: { frontendDist: process.argv[2] }, app: { security: { csp: app.app.security.csp } } }))
  ' "$root/src-tauri/tauri.conf.json" "$page")
  # Built in place, then the minimal window as it is again (also when interrupted).
  trap 'cargo build -q --release -p minimal-window' EXIT
  TAURI_CONFIG=$config cargo build -q --release -p minimal-window
  cp target/release/minimal-window target/release/minimal-window-app-page
  echo "target/release/minimal-window-app-page: the minimal window with the app's page" >&2
  exit 0
fi

export NO_AT_BRIDGE=1 GTK_A11Y=none
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-page-floor-$$"
work=$(mktemp -d)
. "$root/scripts/bench-accounts.sh"
trap 'kill ${sandbox:-} ${driver:-} 2>/dev/null || true' EXIT
bench_accounts "$cli" "$work"
tauri-driver --port 4444 --native-port 4445 >"$work/tauri-driver.log" 2>&1 &
driver=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
cd tests/e2e && AUTHDECK_APP=$app AUTHDECK_SNAPSHOT=$page/index.html node page-snapshot.mjs
