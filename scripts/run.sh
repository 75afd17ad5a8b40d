#!/usr/bin/env bash
# `make run`: until the desktop app is ready, start the sandbox and show what to try.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/debug/authdeck
cat <<TXT
Starting the sandbox of the five documented login APIs on http://127.0.0.1:8787.
In another terminal, try:
  export PATH="$PWD/target/debug:\$PATH"
  echo s3cret-pass | authdeck login dev --provider user-login \\
      --base-url http://127.0.0.1:8787/user-login --email alice@userlogin.test --password-stdin
  authdeck accounts
  authdeck history
Stop the sandbox with Ctrl-C.
TXT
exec "$bin" sandbox --port 8787
