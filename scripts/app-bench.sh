#!/usr/bin/env bash
# App benchmark: cold start to first paint and memory of the app with all its WebKit processes,
# idle with 50 accounts, under Xvfb with a real keyring; then the release binary and .deb sizes.
# Prints a Markdown section (append it to docs/BENCHMARKS.md). Targets: start <= 1 s, memory <= 200 MB.
# Needs: target/debug/authdeck-app (or AUTHDECK_APP=...) and target/debug/authdeck (the CLI, to seed accounts).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The release build when there is one (make package), else the debug build.
app=${AUTHDECK_APP:-$root/target/release/authdeck-app}
[ -x "$app" ] || app=$root/target/debug/authdeck-app
cli=$root/target/debug/authdeck
[ -x "$app" ] || { echo "build the app first: cargo build -p authdeck-app" >&2; exit 1; }
[ -x "$cli" ] || { echo "build the CLI first: cargo build -p authdeck-cli" >&2; exit 1; }

if [ -z "${AUTHDECK_BENCH_INSIDE:-}" ]; then
  export AUTHDECK_BENCH_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$root/scripts/app-bench.sh"
fi

export NO_AT_BRIDGE=1 GTK_A11Y=none AUTHDECK_STARTUP_PROBE=1
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-bench-$$"
work=$(mktemp -d)

# 50 accounts, signed in against the sandbox (CLI, same data dir and keyring as the app).
port=$(( 20000 + RANDOM % 20000 ))
"$cli" sandbox --port "$port" >"$work/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
for i in $(seq -w 1 50); do
  echo s3cret-pass | "$cli" login "bench-$i" --provider user-login \
    --base-url "http://127.0.0.1:$port/user-login" --email alice@userlogin.test --password-stdin >/dev/null
done

# Sums a memory field (Rss or Pss, kB) over a process and all its descendants.
tree_kb() {
  local field=$1 pids=$2 total=0 kids
  kids=$(pgrep -P "$pids" 2>/dev/null | tr '\n' ' ' || true)
  for p in $pids $kids; do
    for k in $(pgrep -P "$p" 2>/dev/null || true); do kids="$kids $k"; done
  done
  for p in $(echo "$pids $kids" | tr ' ' '\n' | sort -u); do
    v=$(awk -v f="$field:" '$1==f {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

starts=()
for run in 1 2 3; do
  "$app" 2>"$work/app.$run.log" &
  pid=$!
  for _ in $(seq 300); do grep -qs "authdeck-startup:" "$work/app.$run.log" && break; sleep 0.05; done
  ms=$(sed -n 's/.*page loaded after \([0-9]*\) ms.*/\1/p' "$work/app.$run.log" | head -1)
  starts+=("${ms:-timeout}")
  if [ "$run" = 3 ]; then
    sleep 10  # idle: the countdowns tick, the refresher has run once
    # Every second's repaint holds a few MiB for a moment: sample 4 s of idle, report the median
    # and the highest.
    for _ in $(seq 20); do echo "$(tree_kb Pss "$pid") $(tree_kb Rss "$pid")" >>"$work/samples"; sleep 0.2; done
    pss=$(sort -n "$work/samples" | awk '{print $1}' | sed -n 10p)
    pss_max=$(sort -n "$work/samples" | awk '{print $1}' | tail -1)
    rss=$(awk '{print $2}' "$work/samples" | sort -n | sed -n 10p)
    procs=$(( 1 + $(pgrep -P "$pid" | wc -l) ))
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n)
median=$(echo "$sorted" | sed -n 2p)

size() { [ -f "$1" ] && echo "$(( $(stat -c %s "$1") / 1024 )) KiB" || echo "not built (make package)"; }
deb=$(ls "$root"/target/release/bundle/deb/*.deb 2>/dev/null | head -1 || true)

cat <<MD
## Desktop app (issue #6; $(date -u +%Y-%m-%d), $(nproc) cores, Xvfb, ${app#$root/})

| measure | value | target |
|---|---|---|
| cold start to first paint (page loaded), median of 3 | ${median} ms (runs: ${starts[*]} ms) | ≤ 1000 ms |
| memory idle with 50 accounts, app + WebKit processes, PSS, median of 20 samples over 4 s | $(( pss / 1024 )) MiB (highest $(( pss_max / 1024 )) MiB) | ≤ 200 MB |
| same, RSS summed (counts shared pages once per process), median | $(( rss / 1024 )) MiB | |
| processes measured | ${procs} | |
| release binary \`target/release/authdeck-app\` | $(size "$root/target/release/authdeck-app") | |
| \`.deb\` package | $(size "${deb:-/nonexistent}") | |
MD
