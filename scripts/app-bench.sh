#!/usr/bin/env bash
# App benchmark (issues #6 and #18): cold start to first paint and idle memory of the app with all
# its WebKit processes, 50 accounts signed in, under Xvfb with a real keyring; beside the same
# figures of its floor, crates/minimal-window (a minimal Tauri 2 window with a static page, WebKit
# set up as the app sets it up, the same build profile), measured by the same code in the same
# run, the two alternated; and when scripts/page-floor.sh has made it, the same window showing
# the app's page without its script (the floor of this UI in WebKitGTK), in the same rounds.
# Then the release binary and .deb sizes.
# Prints a Markdown section (append it to docs/BENCHMARKS.md). Targets: memory <= 1.10x the
# floor's, start <= 1.2x the floor's (and the older absolute ones: 1 s, 200 MB).
# Needs: the app and the minimal window of one profile (release when both are built, else
# debug; AUTHDECK_APP=... and AUTHDECK_FLOOR=... to choose) and target/debug/authdeck (the CLI,
# to seed accounts).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# The release builds when both are there (make bench builds them), else the debug builds.
profile=release
[ -x "$root/target/release/authdeck-app" ] && [ -x "$root/target/release/minimal-window" ] || profile=debug
app=${AUTHDECK_APP:-$root/target/$profile/authdeck-app}
floor=${AUTHDECK_FLOOR:-$root/target/$profile/minimal-window}
# The minimal window showing the app's page without its script (scripts/page-floor.sh, made by
# `make bench`): measured too when it is there.
page=${AUTHDECK_PAGE_FLOOR:-$root/target/$profile/minimal-window-app-page}
cli=$root/target/debug/authdeck
[ -x "$app" ] || { echo "build the app first: cargo build -p authdeck-app" >&2; exit 1; }
[ -x "$floor" ] || { echo "build the minimal window first: cargo build -p minimal-window" >&2; exit 1; }
[ -x "$cli" ] || { echo "build the CLI first: cargo build -p authdeck-cli" >&2; exit 1; }
# Rounds: each starts the app and the floor (and the page's floor) once, each round in another
# order, times the first paint, and samples idle memory.
rounds=${AUTHDECK_BENCH_ROUNDS:-3}

if [ -z "${AUTHDECK_BENCH_INSIDE:-}" ]; then
  export AUTHDECK_BENCH_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$root/scripts/app-bench.sh"
fi

export NO_AT_BRIDGE=1 GTK_A11Y=none AUTHDECK_STARTUP_PROBE=1
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-bench-$$"
work=$(mktemp -d)

# 50 accounts, signed in against the sandbox (CLI, same data dir and keyring as the app).
. "$root/scripts/bench-accounts.sh"
trap 'kill ${sandbox:-} 2>/dev/null || true' EXIT
bench_accounts "$cli" "$work"

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

# PSS (kB) of one process and of its descendants named NAME (/proc/PID/comm, cut to 15 characters).
named_kb() {
  local pid=$1 name=$2 total=0 p v
  for p in $(pgrep -P "$pid" 2>/dev/null || true); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$name" ] || continue
    v=$(awk '$1=="Pss:" {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

# One start of a program: prints "first-paint-ms idle-pss-kb highest-pss-kb idle-rss-kb processes
# own-pss-kb web-pss-kb network-pss-kb" (the last three: the program's own process and WebKit's
# web and network processes, each the median of the samples).
# The first paint is the page's load, reported by the program's startup probe
# (authdeck_webview::report_page_loaded). Idle: 10 s after it (the countdowns tick, the
# refresher has run once); every second's repaint holds a few MiB for a moment, so 20 samples
# over 4 s, the median and the highest.
measure() {
  local bin=$1 log=$work/run.log samples=$work/samples pid ms pss pss_max rss procs
  : >"$samples"
  "$bin" >/dev/null 2>"$log" &
  pid=$!
  for _ in $(seq 600); do grep -qs "authdeck-startup:" "$log" && break; sleep 0.05; done
  ms=$(sed -n 's/.*page loaded after \([0-9]*\) ms.*/\1/p' "$log" | head -1)
  # The steps of the start each program reports (authdeck_webview::report_step), for the table.
  sed -n 's/^authdeck-startup-step: \(.*\) after \([0-9]*\) ms$/\1\t\2/p' "$log" >>"$work/$(basename "$bin").steps"
  sleep 10
  # AUTHDECK_BENCH_SMAPS=DIR keeps each process's /proc/PID/smaps at the first sample, to see
  # where the memory is (scripts/smaps-sum.py DIR/FILE sums it by mapping).
  if [ -n "${AUTHDECK_BENCH_SMAPS:-}" ]; then
    mkdir -p "$AUTHDECK_BENCH_SMAPS"
    for p in $pid $(pgrep -P "$pid" || true); do
      cp "/proc/$p/smaps" "$AUTHDECK_BENCH_SMAPS/$(basename "$bin").$(cat "/proc/$p/comm").$p" 2>/dev/null || true
    done
  fi
  for _ in $(seq 20); do
    echo "$(tree_kb Pss "$pid") $(tree_kb Rss "$pid") $(awk '$1=="Pss:" {print $2}' "/proc/$pid/smaps_rollup")" \
      "$(named_kb "$pid" WebKitWebProces) $(named_kb "$pid" WebKitNetworkPr)" >>"$samples"
    sleep 0.2
  done
  pss=$(awk '{print $1}' "$samples" | sort -n | sed -n 10p)
  pss_max=$(awk '{print $1}' "$samples" | sort -n | tail -1)
  rss=$(awk '{print $2}' "$samples" | sort -n | sed -n 10p)
  procs=$(( 1 + $(pgrep -P "$pid" | wc -l) ))
  parts=$(for c in 3 4 5; do awk -v c="$c" '{print $c}' "$samples" | sort -n | sed -n 10p; done | tr '\n' ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "${ms:-timeout} $pss $pss_max $rss $procs ${parts% }"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/app.runs"; : >"$work/floor.runs"; : >"$work/page.runs"
programs=(app floor)
[ -x "$page" ] && programs+=(page)
for round in $(seq "$rounds"); do
  # Rotate which goes first, so none always starts on a warmer cache.
  for k in "${!programs[@]}"; do
    who=${programs[$(( (round - 1 + k) % ${#programs[@]} ))]}
    case $who in app) bin=$app ;; floor) bin=$floor ;; page) bin=$page ;; esac
    echo "$round $(measure "$bin")" >>"$work/$who.runs"
    echo "round $round $who: $(tail -1 "$work/$who.runs")" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Column N of a runs file (1 round, 2 first paint, 3 PSS, 4 highest PSS, 5 RSS, 6 processes,
# 7 own process PSS, 8 web process PSS, 9 network process PSS): the median.
median() { awk -v c="$2" '{print $c}' "$work/$1.runs" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
column() { awk -v c="$2" '{print $c}' "$work/$1.runs" | tr '\n' ' ' | sed 's/ $//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
# Per round: the app's figure over the floor's (or the page's floor's, when the second argument
# is "page") from the same round.
round_ratios() {
  paste "$work/app.runs" "$work/${2:-floor}.runs" |
    awk -v a="$1" -v b="$(( $1 + 9 ))" '{printf "%s%.2f", (NR > 1 ? " " : ""), $a / $b}'
}
app_ms=$(median app 2); floor_ms=$(median floor 2)
app_pss=$(median app 3); floor_pss=$(median floor 3)

# "step: median ms" for each step a program reported, in the order of the first start.
steps() {
  local file=$work/$(basename "$1").steps
  [ -s "$file" ] || { echo "none reported"; return; }
  cut -f1 "$file" | awk '!seen[$0]++' | while IFS= read -r step; do
    printf '%s %s ms; ' "$step" "$(awk -F'\t' -v s="$step" '$1==s {print $2}' "$file" | sort -n |
      awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
  done | sed 's/; $//'
}

size() { [ -f "$1" ] && echo "$(( $(stat -c %s "$1") / 1024 )) KiB" || echo "not built (make package)"; }
deb=$(ls "$root"/target/release/bundle/deb/*.deb 2>/dev/null | head -1 || true)

cat <<MD
### Desktop app against its floor (issues #6 and #18; $(date -u +%Y-%m-%d), $(nproc) cores, Xvfb, ${profile} profile)

The app (\`${app#$root/}\`, 50 accounts signed in) and its floor (\`${floor#$root/}\`: a minimal
Tauri 2 window with a static page, WebKit set up by the same code) started ${rounds} times each,
in rotating order, by the same script. Load average $load_before before, $load_after after.

| measure | app | floor | ratio (median; per round) | target |
|---|---|---|---|---|
| cold start to first paint (page loaded), median of ${rounds} | ${app_ms} ms (runs: $(column app 2)) | ${floor_ms} ms (runs: $(column floor 2)) | **$(ratio "$app_ms" "$floor_ms")×**; $(round_ratios 2) | ≤ 1.2× (and ≤ 1000 ms) |
| steps of the start, median (authdeck_webview::report_step) | $(steps "$app") | $(steps "$floor") | | |
| idle memory, all processes, PSS, median of 20 samples over 4 s; median of ${rounds} | $(mib "$app_pss") MiB (runs: $(for v in $(column app 3); do printf '%s ' "$(mib "$v")"; done | sed 's/ $//'); highest sample $(mib "$(median app 4)")) | $(mib "$floor_pss") MiB (runs: $(for v in $(column floor 3); do printf '%s ' "$(mib "$v")"; done | sed 's/ $//')) | **$(ratio "$app_pss" "$floor_pss")×**; $(round_ratios 3) | ≤ 1.10× (and ≤ 200 MB) |
| the same by process, PSS, median: own process / WebKit web process / network process | $(mib "$(median app 7)") / $(mib "$(median app 8)") / $(mib "$(median app 9)") MiB | $(mib "$(median floor 7)") / $(mib "$(median floor 8)") / $(mib "$(median floor 9)") MiB | $(ratio "$(median app 7)" "$(median floor 7)")× / $(ratio "$(median app 8)" "$(median floor 8)")× / $(ratio "$(median app 9)" "$(median floor 9)")× | |
| same, RSS summed (counts shared pages once per process), median | $(mib "$(median app 5)") MiB | $(mib "$(median floor 5)") MiB | $(ratio "$(median app 5)" "$(median floor 5)")× | |
| processes measured | $(median app 6) | $(median floor 6) | | |
| release binary \`target/release/authdeck-app\` | $(size "$root/target/release/authdeck-app") | $(size "$root/target/release/minimal-window") | | |
| \`.deb\` package | $(size "${deb:-/nonexistent}") | | | |
MD

if [ -s "$work/page.runs" ]; then
  page_ms=$(median page 2); page_pss=$(median page 3)
  cat <<MD

The same runs against the floor of the app's page (\`${page#$root/}\`, scripts/page-floor.sh):
the minimal window showing the page the app shows with these 50 accounts, its HTML, CSS, font
and logo, without its script: what WebKitGTK alone costs to show this UI. Above it are the app's
own process (Rust, Tauri's commands and events) and what the UI's script holds in the web process
(JavaScriptCore's heap, the DOM code it calls).

| measure | app | the app's page in the minimal window | ratio (median; per round) |
|---|---|---|---|
| cold start to first paint (page loaded), median of ${rounds} | ${app_ms} ms | ${page_ms} ms (runs: $(column page 2)) | **$(ratio "$app_ms" "$page_ms")×**; $(round_ratios 2 page) |
| idle memory, all processes, PSS, median of ${rounds} | $(mib "$app_pss") MiB | $(mib "$page_pss") MiB (runs: $(for v in $(column page 3); do printf '%s ' "$(mib "$v")"; done | sed 's/ $//')) | **$(ratio "$app_pss" "$page_pss")×**; $(round_ratios 3 page) |
| the same by process: own / web / network | $(mib "$(median app 7)") / $(mib "$(median app 8)") / $(mib "$(median app 9)") MiB | $(mib "$(median page 7)") / $(mib "$(median page 8)") / $(mib "$(median page 9)") MiB | $(ratio "$(median app 7)" "$(median page 7)")× / $(ratio "$(median app 8)" "$(median page 8)")× / $(ratio "$(median app 9)" "$(median page 9)")× |
MD
fi
