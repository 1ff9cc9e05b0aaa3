#!/usr/bin/env bash
# Side-by-side timing of the reference MLP: train_mlp against the same model
# in PyTorch (benchmarks/pytorch_mlp.py, the reference setup), interleaved
# so both see the same machine load. Prints every epoch time, the median
# epoch time and the peak resident memory of each.
#
# Usage: bash benchmarks/compare_with_pytorch.sh [ROUNDS=3] [EPOCHS=5]
# Needs Debian's python3-torch and the MNIST files (scripts/fetch_mnist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
epochs="${2:-5}"
bazel build --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" \
  //examples/mnist:train_mlp >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {  # name, command...
  local name=$1
  shift
  /usr/bin/time -f "peak_kb %M" "$@" >"$tmp/out" 2>"$tmp/err"
  grep '^Epoch' "$tmp/out" | awk '{sub("s", "", $4); print $4}' >>"$tmp/$name.times"
  awk '/^peak_kb/ {print $2}' "$tmp/err" >>"$tmp/$name.peak"
}

for ((r = 1; r <= rounds; r++)); do
  run pytorch env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/pytorch_mlp.py --epochs "$epochs"
  run tensorgraph bazel-bin/examples/mnist/train_mlp --epochs="$epochs"
done

for name in tensorgraph pytorch; do
  sort -n "$tmp/$name.times" | awk -v n="$name" -v peak="$(sort -n "$tmp/$name.peak" | tail -1)" '
    { t[NR] = $1; all = all " " $1 }
    END {
      m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%-12s median epoch %.2f s over %d epochs (sorted:%s); peak memory %.0f MiB\n",
             n, m, NR, all, peak / 1024
    }'
done
