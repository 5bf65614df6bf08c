#!/usr/bin/env bash
# Print the raw and gzip (level 9) size of each file of the dashboard build.
# Usage: tests/tools/bundle-size.sh [DIST]   (default: dist, from `trunk build --release`)
set -euo pipefail
dist="${1:-dist}"
if ! compgen -G "$dist/*.wasm" >/dev/null; then
  echo "error: no .wasm file in '$dist'; run 'trunk build --release' first" >&2
  exit 1
fi
printf '%-6s %12s %12s\n' kind bytes gzip
total=0
for file in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  [[ -e "$file" ]] || continue
  raw=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  total=$((total + gz))
  printf '%-6s %12d %12d\n' "${file##*.}" "$raw" "$gz"
done
printf '%-6s %12s %12d\n' total "" "$total"
