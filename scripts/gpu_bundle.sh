#!/usr/bin/env bash
# Builds the GPU checks with --config=cuda and packs them into one folder
# (default gpu_bundle/, which git ignores) for a machine that has a GPU, the
# CUDA driver and toolkit and PyTorch, but no Bazel and no network:
#
#   bash scripts/gpu_bundle.sh [DIR]      # here
#   bash DIR/run.sh                       # there: prints one summary
#
# Packed: the GPU tests, tg, train_mlp, train_cnn, the PyTorch scripts, the MNIST
# files, and every library the binaries load (ldd) but the CUDA driver's and
# CUDA's own: those come from the GPU machine (cuBLAS, cuDNN and NCCL are
# opened at run time).
# The C library and its loader are packed too: where the other machine's C
# library is older than this one's, the binaries start through the packed
# loader instead of the system's. Everything is one xz archive; the folder stays under 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-gpu_bundle}"
limit=$((64 * 1024 * 1024))

bash scripts/setup.sh
bash scripts/fetch_mnist.sh >/dev/null
mnist="${TG_MNIST_DIR:-$HOME/.cache/tensorgraph/mnist}"

# Never committed by accident.
if [ -d .git ] && ! grep -qx "/$out/" .git/info/exclude 2>/dev/null; then
  mkdir -p .git/info
  echo "/$out/" >>.git/info/exclude
fi

tests=(//tests/gpu:gpu_test //tests/ops:op_cases_test //tests/kernels:conv_test
  //tests/runtime:device_test //tests/examples/mnist:gpu_kernels_test
  //tests/examples/mnist:capture_step_test //tests/runtime:control_flow_test
  //tests/distributed:nccl_test)
tools=(//tools:tg //examples/mnist:train_mlp //examples/mnist:train_cnn)
echo "gpu_bundle: building ${tests[*]} ${tools[*]} with --config=cuda"
# Fully static in the project's own libraries: one file per binary.
bazel build --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" \
  --config=cuda --dynamic_mode=off "${tests[@]}" "${tools[@]}"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib/glibc" "$stage/mnist" "$stage/benchmarks"
for t in "${tests[@]}" "${tools[@]}"; do
  path="bazel-bin/$(echo "${t#//}" | tr ':' '/')"
  install -m 755 "$path" "$stage/bin/"
  strip --strip-unneeded "$stage/bin/$(basename "$path")"
done
# Every library the binaries need, resolved here, except CUDA's and the
# driver's (the binaries link none of them; listed for safety).
for b in "$stage"/bin/*; do
  ldd "$b" | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libcuda.* | libcudart.* | libcublas* | libcudnn* | libnccl* | libnvidia*) continue ;;
    # The C library apart: used only when the other machine's is older.
    ld-linux* | libc.so* | libm.so* | libpthread* | libdl.so* | librt.so*)
      cp -L "$lib" "$stage/lib/glibc/" ;;
    *) cp -L "$lib" "$stage/lib/" ;;
  esac
done
cp "$mnist"/*-ubyte "$stage/mnist/"
cp benchmarks/pytorch_mlp.py benchmarks/pytorch_cnn.py "$stage/benchmarks/"
cp scripts/gpu_run.sh "$stage/run_inside.sh"

rm -rf "$out"
mkdir -p "$out"
echo "gpu_bundle: compressing"
tar -C "$stage" -cf - . | xz -T0 -6 >"$out/payload.tar.xz"
cat >"$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Unpacks the bundle into a scratch folder and runs its GPU checks there.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
tar -C "$work" -xJf "$here/payload.tar.xz"
bash "$work/run_inside.sh" "$work"
RUN
size=$(du -sb "$out" | cut -f1)
echo "gpu_bundle: $out is $((size / 1024 / 1024)) MiB ($size bytes; limit 64 MiB)"
if [ "$size" -ge "$limit" ]; then
  echo "gpu_bundle: too large" >&2
  exit 1
fi
# Each binary resolves every library from the bundle but CUDA's own.
for b in "$stage"/bin/*; do
  missing=$("$stage"/lib/glibc/ld-linux-x86-64.so.2 --list \
    --library-path "$stage/lib/glibc:$stage/lib" "$b" 2>&1 |
    grep "not found" || true)
  if [ -n "$missing" ]; then
    echo "gpu_bundle: $(basename "$b") lacks: $missing" >&2
    exit 1
  fi
done
echo "gpu_bundle: ready; on the GPU machine: bash $out/run.sh"
