#!/usr/bin/env bash
# Install what building and testing Baton needs, skipping what is already
# there. Usage: tests/tools/setup.sh [--browser]
#   always:    the wasm32 target, Trunk 0.21, wasm-bindgen-cli (the version in
#              Cargo.lock), and the npm packages in tests/browser (binaryen's
#              wasm-opt, playwright-core)
#   --browser: also Debian's chromium, chromium-driver and sqlite3, for the
#              browser tests
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

step() { printf '\n== %s\n' "$*"; }

as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "error: '$*' needs root, and sudo is not installed; run it as root, then run this again" >&2
    exit 1
  fi
}

for tool in cargo rustup node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is not on PATH; install Rust (rustup) and Node.js 20 or later first" >&2
    exit 1
  fi
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Trunk 0.22 needs a newer rustc than this project's toolchain; 0.21 is pinned.
if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  step "Installing Trunk 0.21 (about six minutes on two cores)"
  cargo install trunk --version '^0.21' --locked
fi

# The CLI must match the wasm-bindgen crate exactly. Installed without
# --locked: the CLI's own lock file pins a dependency release that some
# registry mirrors lack.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
if [[ -z "$bindgen_version" ]]; then
  echo "error: no wasm-bindgen entry in $root/Cargo.lock; run 'cargo generate-lockfile' first" >&2
  exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen_version"; then
  step "Installing wasm-bindgen-cli $bindgen_version (about two minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

browser_dir="$root/tests/browser"
if [[ ! -x "$browser_dir/node_modules/.bin/wasm-opt" || "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ]]; then
  step "Installing npm packages in tests/browser (binaryen, playwright-core)"
  (cd "$browser_dir" && npm ci --no-audit --no-fund)
fi

# The run-history journey seeds 100,000 runs with the sqlite3 command.
if [[ "$want_browser" == 1 ]] && ! { [[ -x /usr/bin/chromium ]] && [[ -x /usr/bin/chromedriver ]] && command -v sqlite3 >/dev/null; }; then
  step "Installing Chromium, ChromeDriver and sqlite3 from Debian"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver sqlite3
fi

step "Tools ready"
