#!/usr/bin/env bash
# End-to-end test of the built app: Xvfb, a private D-Bus with an unlocked gnome-keyring and a
# notification server (dunst), tauri-driver (WebKitWebDriver), then tests/e2e/app.e2e.mjs. Screenshots go to docs/screenshots/.
# Usage: scripts/app-e2e.sh   (after `cargo build -p authdeck-app` with the UI built)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version 2.1.0
[ -d tests/e2e/node_modules ] || (cd tests/e2e && npm install --no-audit --no-fund --silent)
[ -x target/debug/authdeck-app ] || { echo "build the app first: cargo build -p authdeck-app" >&2; exit 1; }

if [ -z "${AUTHDECK_E2E_INSIDE:-}" ]; then
  export AUTHDECK_E2E_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$root/scripts/app-e2e.sh"
fi

export NO_AT_BRIDGE=1 GTK_A11Y=none
# Everything core and the app log goes to tauri-driver.log, which the hygiene step searches.
export AUTHDECK_LOG="info,authdeck_core=trace,authdeck_app=trace,authdeck_sandbox=trace"
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-e2e-$$"
# A notification server, and a record of every notification sent to it (the test reads it).
export AUTHDECK_NOTIFICATIONS="$AUTHDECK_HOME/notifications.log"
dunst >"$AUTHDECK_HOME/dunst.log" 2>&1 &
dunst=$!
dbus-monitor "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
  >"$AUTHDECK_NOTIFICATIONS" 2>&1 &
monitor=$!
# The OAuth steps sign in at the sandbox's demo issuer: the app opens $BROWSER, a stand-in
# browser that approves on the issuer's consent page 2.5 s later, so the waiting panel shows.
export BROWSER="$root/tests/oidc/browser.mjs" OIDC_TEST_DELAY_MS=2500
tauri-driver --port 4444 --native-port 4445 >"$AUTHDECK_HOME/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver $dunst $monitor 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
cd tests/e2e && node app.e2e.mjs
