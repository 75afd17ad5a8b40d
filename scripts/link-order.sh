#!/usr/bin/env bash
# Writes src-tauri/link-order.txt and crates/minimal-window/link-order.txt: the functions of the
# release app (50 accounts signed in) and of its floor that run from their start to idle, which
# build/order.rs asks the linker to lay out first, so the code they run sits on few pages (issue
# 18, docs/BENCHMARKS.md). The floor gets its own list so the two are built alike. Run it by hand
# after large changes to the start or the dependencies, or a new rustc (the build warns when a
# list was made by another), then `make bench` to see the effect. A stale list only costs memory.
# How: release builds with a link map, each run under callgrind (every instruction executed is
# counted, by address) until its first paint and $idle seconds more; the addresses are looked up
# in the map's input sections (one per function, as rustc and cc compile), and the symbols of the
# sections hit are written, sorted, under a first line naming the rustc.
# Needs: valgrind, python3, and what `make bench` needs. Takes about 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
idle=${AUTHDECK_LINK_ORDER_IDLE_SECONDS:-90}

if [ -z "${AUTHDECK_LINK_ORDER_INSIDE:-}" ]; then
  command -v valgrind >/dev/null || { echo "link-order.sh needs valgrind (apt-get install valgrind)" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "link-order.sh needs python3" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Link maps beside the builds: only the last link steps run again.
  for pkg in authdeck-app minimal-window; do
    AUTHDECK_LINK_MAP="$work/$pkg.map" cargo build --release -p "$pkg"
    [ -s "$work/$pkg.map" ] ||
      { echo "link-order.sh: no link map for $pkg: this toolchain does not link with rustc's lld" >&2; exit 1; }
  done
  cargo build -p authdeck-cli
  cp target/release/authdeck-app "$work/authdeck-app"
  cp target/release/minimal-window "$work/minimal-window"
  AUTHDECK_LINK_ORDER_INSIDE=1 AUTHDECK_LINK_ORDER_WORK=$work \
    xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$root/scripts/link-order.sh"
  made_by="# $(rustc -V)"
  for pair in authdeck-app:src-tauri minimal-window:crates/minimal-window; do
    bin=${pair%%:*} dir=${pair#*:}
    python3 - "$work/$bin.map" "$work/$bin.cg.1" "$work/$bin" "$made_by" >"$work/$bin.order" <<'PY'
import bisect, re, sys

map_path, profile, binary = sys.argv[1], sys.argv[2], sys.argv[3]

# The lld map: "VMA LMA Size Align Out In Symbol" columns; input sections are indented 8
# spaces past the columns. One function per section, named .text.SYMBOL (rustc, and cc with
# -ffunction-sections); the symbols lld lists under it are demangled, so the name is taken from
# the section's.
sections = []
for line in open(map_path, errors="replace"):
    m = re.match(r"\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ {9}\S.*:\((\.text\.[^)]+)\)$", line)
    if not m:
        continue
    name = re.sub(r"^\.text\.((unlikely|hot|startup|exit)\.)?", "", m[3])
    vma, size = int(m[1], 16), int(m[2], 16)
    if name and size:
        sections.append((vma, vma + size, name))
sections.sort()
starts = [s[0] for s in sections]

# Callgrind's positions (with --dump-instr=yes): the first column of each cost line, absolute
# ("0x..."), relative to the last ("+N", "-N") or the same ("*"); ELF addresses of the object
# named by the last "ob=" line (objects are compressed to "(id)" after their first mention).
hit = set()
names, obj, last = {}, "", 0
for line in open(profile, errors="replace"):
    if line.startswith(("ob=", "cob=")):
        m = re.match(r"c?ob=\((\d+)\)\s*(.*)", line.strip())
        if m:
            if m[2]:
                names[m[1]] = m[2]
            name = names.get(m[1], "")
        else:
            name = line.strip().split("=", 1)[1]
        if line.startswith("ob="):
            obj = name
        continue
    if not line or not (line[0] in "+-*" or line.startswith("0x")):
        continue
    pos = line.split()[0]
    if pos.startswith("0x"):
        last = int(pos, 16)
    elif pos[0] in "+-":
        last += int(pos)
    if obj.endswith("/" + binary.rsplit("/", 1)[-1]):
        i = bisect.bisect_right(starts, last) - 1
        if i >= 0 and last < sections[i][1]:
            hit.add(i)

symbols = sorted({sections[i][2] for i in hit})
if len(symbols) < 100:
    sys.exit(f"link-order.sh: only {len(symbols)} functions found; is the map from this build?")
print(sys.argv[4])
print("\n".join(symbols))
PY
    mv "$work/$bin.order" "$root/$dir/link-order.txt"
    echo "$dir/link-order.txt: $(( $(wc -l <"$root/$dir/link-order.txt") - 1 )) functions" >&2
  done
  exit 0
fi

work=$AUTHDECK_LINK_ORDER_WORK
cli=$root/target/debug/authdeck
export NO_AT_BRIDGE=1 GTK_A11Y=none AUTHDECK_STARTUP_PROBE=1
export AUTHDECK_HOME="$(mktemp -d)" AUTHDECK_KEYRING_SERVICE="authdeck-link-order-$$"

# 50 accounts signed in against the sandbox, as `make bench` measures the app.
. "$root/scripts/bench-accounts.sh"
trap 'kill ${sandbox:-} 2>/dev/null || true; kill -KILL ${app:-} 2>/dev/null || true' EXIT
bench_accounts "$cli" "$work"

# Callgrind runs a program some 50 times slower: the profile covers its start up to the first
# paint (reported by the startup probe), then $idle seconds of idle (the countdowns, the tray,
# the refresher's rounds), and is dumped then (NAME.cg.1), before the way out. WebKit's
# processes are not traced: their code is WebKit's, laid out by their own build.
for bin in authdeck-app minimal-window; do
  valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$work/$bin.cg" "$work/$bin" \
    >"$work/$bin.log" 2>&1 &
  app=$!
  for _ in $(seq 600); do grep -qs "authdeck-startup:" "$work/$bin.log" && break; sleep 1; done
  grep -qs "authdeck-startup:" "$work/$bin.log" ||
    { echo "link-order.sh: $bin did not paint within 10 minutes under callgrind" >&2; exit 1; }
  sleep "$idle"
  callgrind_control -d "$app" >/dev/null
  for _ in $(seq 60); do [ -s "$work/$bin.cg.1" ] && break; sleep 1; done
  sleep 2
  kill -KILL "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
done
