#!/usr/bin/env bash
# The account list at scale (issue 18, target 5): 1,000 accounts in the app, a keystroke in the
# filter and a scroll to the bottom timed inside the webview (tests/e2e/list-scale.mjs, through
# tauri-driver under Xvfb with a real keyring). Prints a Markdown section for docs/BENCHMARKS.md.
# Then History with a million events: from a click to its newest 100 rows painted (issue 14).
# A measurement for `make bench`, not part of `make test`: about 2.5 minutes with the seeding.
# Seeding: every tenth account is logged in against the sandbox through the CLI (so countdowns
# tick on every screenful), the rest come from one `authdeck import` (signed out): logging in
# 1,000 accounts one by one would rewrite gnome-keyring's collection 1,000 times.
# Needs: target/debug/authdeck (the CLI) and the app (AUTHDECK_APP, else the release build when
# there is one, else the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
app=${AUTHDECK_APP:-$root/target/release/authdeck-app}
[ -x "$app" ] || app=$root/target/debug/authdeck-app
cli=$root/target/debug/authdeck
total=${AUTHDECK_LIST_ACCOUNTS:-1000}
[ -x "$app" ] || { echo "build the app first: cargo build -p authdeck-app" >&2; exit 1; }
[ -x "$cli" ] || { echo "build the CLI first: cargo build -p authdeck-cli" >&2; exit 1; }
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked --version 2.1.0
[ -d tests/e2e/node_modules ] || (cd tests/e2e && npm install --no-audit --no-fund --silent)

if [ -z "${AUTHDECK_LIST_INSIDE:-}" ]; then
  export AUTHDECK_LIST_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$root/scripts/list-bench.sh"
fi

export NO_AT_BRIDGE=1 GTK_A11Y=none AUTHDECK_APP=$app AUTHDECK_LIST_ACCOUNTS=$total
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-list-$$"
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
"$cli" sandbox --port "$port" >"$work/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

base=http://127.0.0.1:$port/user-login
{
  printf '{"authdeck_export":1,"exported_at":"2026-12-05T00:00:00Z","accounts":['
  sep=
  for i in $(seq 0 $(( total - 1 ))); do
    [ $(( i % 10 )) = 0 ] && continue
    n=$(printf %04d "$i")
    printf '%s{"name":"scale-%s","provider":"user-login","base_url":"%s","email":"user%s@team%d.example.test"}' \
      "$sep" "$n" "$base" "$n" $(( i % 7 ))
    sep=,
  done
  printf ']}\n'
} >"$work/accounts.json"
"$cli" import "$work/accounts.json" >/dev/null
for i in $(seq 0 10 $(( total - 1 ))); do
  n=$(printf %04d "$i")
  echo s3cret-pass | "$cli" login "scale-$n" --provider user-login --base-url "$base" \
    --email "alice+$n@userlogin.test" --password-stdin >/dev/null
done

# A million history events (issue 14: History's newest page from click to paint), written
# straight into the SQLite file in one statement, a few events a second over the past days.
events=${AUTHDECK_HISTORY_EVENTS:-1000000}
export AUTHDECK_HISTORY_EVENTS=$events
sqlite3 "$AUTHDECK_HOME/authdeck.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $events)
INSERT INTO events (at, account, provider, action, ok, http_status, kind, error_code, message, latency_ms)
SELECT (CAST(strftime('%s', 'now') AS INTEGER) - 3600 - $events / 4 + i / 4) * 1000,
       printf('scale-%04d', i % $total), 'user-login',
       CASE i % 3 WHEN 0 THEN 'refresh' ELSE 'login' END, i % 5 != 0,
       CASE WHEN i % 5 = 0 THEN 401 ELSE 200 END,
       CASE WHEN i % 5 = 0 THEN 'invalid_password' END,
       CASE WHEN i % 5 = 0 THEN 'INVALID_PASSWORD' END,
       CASE WHEN i % 5 = 0 THEN 'Invalid password.' END, i % 90
FROM n;
SQL

tauri-driver --port 4444 --native-port 4445 >"$work/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); app: ${app#$root/}."
echo
cd tests/e2e && node list-scale.mjs
