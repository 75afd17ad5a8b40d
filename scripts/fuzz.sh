#!/usr/bin/env bash
# `make fuzz`: each fuzz target for FUZZ_SECONDS (default 60) on stable Rust; corpora in fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked -q
export RUSTC_BOOTSTRAP=1 # cargo-fuzz passes nightly flags; stable's compiler accepts them with this
cd fuzz
for target in $(cargo fuzz list); do
  echo "== $target ($secs s)"
  # New inputs go to work/ (ignored); the committed seed corpus is only read.
  mkdir -p "work/$target"
  cargo fuzz run "$target" "work/$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=2048
done
