#!/usr/bin/env bash
# Side-by-side timing of an MNIST example against the same model in PyTorch,
# interleaved so both see the same machine load: the reference MLP
# (train_mlp against benchmarks/pytorch_mlp.py) or the deep-MNIST CNN
# (train_cnn against benchmarks/pytorch_cnn.py), in the reference setup.
# Prints every epoch time, the median epoch time and the peak resident
# memory of each.
#
# Usage: bash benchmarks/compare_with_pytorch.sh [ROUNDS=3] [EPOCHS=5] [mlp|cnn]
# Needs Debian's python3-torch and the MNIST files (scripts/fetch_mnist.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
epochs="${2:-5}"
model="${3:-mlp}"
case "$model" in
  mlp | cnn) ;;
  *) echo "compare_with_pytorch: the model must be mlp or cnn, got '$model'" >&2; exit 1 ;;
esac
bazel build --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" \
  "//examples/mnist:train_$model" >/dev/null 2>&1
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
  echo "round $r/$rounds: PyTorch, then tensorgraph ($model, $epochs epochs each)" >&2
  run pytorch env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "benchmarks/pytorch_$model.py" --epochs "$epochs"
  run tensorgraph "bazel-bin/examples/mnist/train_$model" --epochs="$epochs"
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
