#!/usr/bin/env bash
# `make bench`: every benchmark in one run, figures written to docs/BENCHMARKS.md between its
# two "make bench" markers; the hand-written text around them (the targets at a glance, the
# analyses of earlier runs) is kept. Without the markers, the run is added at the end.
# Runs inside a private keyring session (the token benchmark reads the real Secret Service).
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/BENCHMARKS.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name, command...
  local name=$1; shift
  echo "== $name"
  if ! "$@" >"$tmp/$name.txt" 2>"$tmp/$name.err"; then
    echo "benchmark $name failed:" >&2; tail -20 "$tmp/$name.err" >&2; exit 1
  fi
  cat "$tmp/$name.txt"
}

sub() { sed 's/^### /#### /' "$1"; } # a benchmark's own headings go one level down

criterion_lines() { # keep criterion's result lines and the bench's own summary
  grep -v -E '^(Gnuplot|Benchmarking|Warming|Collecting|Analyzing|Found [0-9]+ outliers|  [0-9]+ \(|$)' "$1" || true
}

scripts/with-keyring.sh true # fail early when the keyring cannot start
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run login cargo bench -q -p authdeck-core --bench login
run jwt cargo bench -q -p authdeck-core --bench jwt
run oauth cargo bench -q -p authdeck-core --bench oauth_login
run history cargo bench -q -p authdeck-core --bench history
run token scripts/with-keyring.sh cargo bench -q -p authdeck-cli --bench token
run handoff scripts/with-keyring.sh cargo bench -q -p authdeck-cli --bench handoff
if [ -x scripts/app-bench.sh ]; then run app env AUTHDECK_BENCH_ROUNDS="${AUTHDECK_BENCH_ROUNDS:-7}" scripts/app-bench.sh; sed -i "/SpiRegistry daemon/d" "$tmp/app.txt"; fi
if [ -x scripts/list-bench.sh ]; then run list scripts/list-bench.sh; sed -i "/SpiRegistry daemon/d" "$tmp/list.txt"; fi

{
  echo "## The last \`make bench\` run"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "$(uname -sm), $(rustc --version). Figures from one run; rerun \`make bench\` to refresh them."
  echo "Load average $load_before before the run, $(cut -d' ' -f1-3 /proc/loadavg) after."
  echo
  echo "### Login round trip (issue #2)"
  echo '```'; criterion_lines "$tmp/login.txt"; echo '```'
  echo
  echo "### JWT decode and verification (issue #5)"
  echo '```'; criterion_lines "$tmp/jwt.txt"; echo '```'
  echo
  echo "### OAuth: authorization code + PKCE sign-in (issue #16)"
  echo
  echo "Against the sandbox's demo issuer, six requests each way (discovery, JWKS, authorize, consent,"
  echo "loopback redirect, code exchange): Authdeck's flow against the same flow in bare"
  echo "\`openidconnect\`/\`oauth2\` calls over a bare \`reqwest::Client\`. Budget: 1.10×."
  echo '```'; criterion_lines "$tmp/oauth.txt"; echo '```'
  echo
  echo "### History at scale (issue #3)"
  echo '```'; cat "$tmp/history.txt"; echo '```'
  echo
  echo "### Sessions (issues #4 and #18: each against its floor, in the same run)"
  echo; sub "$tmp/token.txt"
  if [ -f "$tmp/app.txt" ]; then sub "$tmp/app.txt"; fi
  if [ -f "$tmp/list.txt" ]; then echo; sub "$tmp/list.txt"; fi
  echo
  echo "### Hand-offs (issue #17)"
  echo; sub "$tmp/handoff.txt"
} >"$tmp/run.md"

begin='<!-- make bench: begin -->'
end='<!-- make bench: end -->'
touch "$out"
if grep -qxF "$begin" "$out" && grep -qxF "$end" "$out"; then
  awk -v b="$begin" -v e="$end" -v run="$tmp/run.md" '
    $0 == b { print; while ((getline line < run) > 0) print line; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$out" >"$tmp/out.md"
else
  { cat "$out"; echo; echo "$begin"; cat "$tmp/run.md"; echo "$end"; } >"$tmp/out.md"
fi
cp "$tmp/out.md" "$out"
echo "wrote $out"
