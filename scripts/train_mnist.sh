#!/usr/bin/env bash
# Sets up what is missing (Debian packages, the MNIST files), builds
# train_mlp and trains the reference MLP. Extra arguments go to train_mlp
# (e.g. --epochs=5). Idempotent; fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/fetch_mnist.sh
bazel build --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" \
  //examples/mnist:train_mlp 2>&1 | grep -E '^(ERROR|FAILED)' >&2 || true
[ -x bazel-bin/examples/mnist/train_mlp ] || {
  echo "train_mnist: the build failed; run: bazel build //examples/mnist:train_mlp" >&2
  exit 1
}
exec bazel-bin/examples/mnist/train_mlp "$@"
