#!/usr/bin/env bash
# Runs a fuzz target's replay binary over its kept inputs; any crash or
# sanitizer report fails the test.
set -euo pipefail
binary="$1"
shift
dirs=()
for d in "$@"; do
  [ -d "$d" ] && dirs+=("$d")
done
if ((${#dirs[@]} == 0)); then
  echo "no kept inputs for $(basename "$binary") yet"
  exit 0
fi
"$binary" "${dirs[@]}"
