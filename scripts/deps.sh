#!/usr/bin/env bash
# Installs what Authdeck needs to build, test and run, and only what is missing, so it is quick
# the second time. Usage: scripts/deps.sh [build|test|e2e|bench]...  (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."

want=("${@:-build}")
build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
            pkg-config build-essential file)
test_pkgs=(xvfb xauth imagemagick gnome-keyring dbus dbus-x11 libsecret-tools keyutils x11-utils xclip xdotool)
# dunst: a real notification server on the test session's bus, so the app's notifications
# are delivered (and watched with dbus-monitor) rather than failing for want of one.
e2e_pkgs=(webkit2gtk-driver dunst)
# sqlite3: `make bench` writes a million history events straight into the database.
bench_pkgs=(sqlite3)

pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    build) pkgs+=("${build_pkgs[@]}") ;;
    test) pkgs+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    e2e) pkgs+=("${build_pkgs[@]}" "${test_pkgs[@]}" "${e2e_pkgs[@]}") ;;
    bench) pkgs+=("${bench_pkgs[@]}") ;;
    *) echo "deps.sh: unknown group '$w' (build, test, e2e, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "Authdeck needs these Debian/Ubuntu packages (or your system's equivalents): ${missing[*]}" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages of the UI (and of the end-to-end and format tests), from their lock files; skipped when
# node_modules was installed from the same lock. `npm install` rather than `npm ci`: with this
# registry setup the lock files carry only the platform packages of the machine that wrote them.
npm_install() { # dir
  local dir=$1 stamp=$1/node_modules/.authdeck-lock-stamp
  [ -f "$dir/package.json" ] || return 0
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    # npm install rewrites the lock with this machine's platform packages; the committed lock
    # is put back so a fresh checkout stays clean (`git status` shows nothing after make run)
    local kept
    kept=$(mktemp)
    cp "$dir/package-lock.json" "$kept"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    # (Not when package.json itself was edited: then the new lock is the point.)
    if git -C "$dir" diff --quiet HEAD -- package.json 2>/dev/null; then
      cp "$kept" "$dir/package-lock.json"
    fi
    rm -f "$kept"
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_install ui
for w in "${want[@]}"; do [ "$w" = e2e ] && npm_install tests/e2e; done
# The parsers of Postman, Insomnia, Bruno and dotenv that the export-env CLI test reads with, and
# the OpenID Certified provider (oidc-provider) the OAuth tests sign in against.
for w in "${want[@]}"; do
  case "$w" in test | e2e) npm_install tests/formats; npm_install tests/oidc; break ;; esac
done

for w in "${want[@]}"; do
  if [ "$w" = e2e ] && ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "Installing tauri-driver (about 35 s)"
    cargo install tauri-driver --locked --version 2.1.0 -q
  fi
done
