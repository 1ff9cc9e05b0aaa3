#!/usr/bin/env bash
# The GPU checks, run on the GPU machine inside an unpacked bundle
# (scripts/gpu_bundle.sh makes it; its run.sh calls this): every GPU test,
# train_mlp --device=gpu for $TG_GPU_EPOCHS epochs (default 30) and
# train_cnn for $TG_GPU_CNN_EPOCHS (default 3), each next to the same model
# in PyTorch eager on the same GPU, then compute-sanitizer's memcheck
# over the GPU and op-case tests (slowest, so last). Ends with one summary;
# exits non-zero when a check failed. Fits one 10-minute call on an H200.
set -uo pipefail
work="$1"
cd "$work"
epochs="${TG_GPU_EPOCHS:-30}"

# CUDA's own libraries come from this machine: the toolkit's, or PyTorch's.
cuda_libs=""
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
  $(python3 -c 'import glob, site
for s in site.getsitepackages():
    print("\n".join(glob.glob(s + "/nvidia/*/lib")))' 2>/dev/null); do
  [ -d "$d" ] && cuda_libs="$cuda_libs:$d"
done
# The system's loader and C library when they can run the binaries (the
# sanitizer and PyTorch expect them); else the bundle's own.
prefix=()
if ! LD_LIBRARY_PATH="$work/lib$cuda_libs" "$work/bin/tg" --help >/dev/null 2>&1; then
  echo "gpu_run: this machine's C library is older: using the bundle's"
  prefix=("$work/lib/glibc/ld-linux-x86-64.so.2" --library-path
    "$work/lib/glibc:$work/lib$cuda_libs")
fi
export LD_LIBRARY_PATH="$work/lib$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
sanitizer=$(command -v compute-sanitizer ||
  ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)

summary=()
status=0
# Each result is printed as it comes (a run cut short by the machine's
# time limit still shows what it got) and again in the summary.
note() {
  summary+=("$1")
  echo ">>> $1"
}
fail() {
  summary+=("FAIL: $1")
  echo ">>> FAIL: $1"
  status=1
}

nvidia-smi -L 2>/dev/null || echo "nvidia-smi: not found"

echo "=== GPU tests"
for t in gpu_test capture_step_test op_cases_test device_test gpu_kernels_test \
  conv_test control_flow_test nccl_test; do
  log="$work/$t.log"
  timeout 120 "${prefix[@]}" "$work/bin/$t" >"$log" 2>&1
  rc=$?
  tail -3 "$log"
  passed=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  skipped=$(grep -cE '^\[  SKIPPED \] .*\([0-9]+ ms\)' "$log" || true)
  if [ "$rc" -ne 0 ]; then
    fail "$t exited $rc (see its log below)"
    grep -E 'Failure|FAILED|error' "$log" | head -20
  elif [[ "$t" =~ ^(gpu_test|capture_step_test)$ ]] && [ "$skipped" -gt 0 ]; then
    fail "$t skipped $skipped tests: $(grep -A1 'Skipped$' "$log" | sed -n 2p)"
  else
    note "$t: $passed passed, $skipped skipped"
  fi
done

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# compare MODEL EPOCHS MIN_ACC: train_MODEL --device=gpu, then the same
# model in PyTorch eager on the same GPU; notes accuracy and epoch times.
compare() {
  local model=$1 n=$2 min_acc=$3 ours theirs acc tacc
  echo "=== train_$model --device=gpu --epochs=$n"
  timeout 200 "${prefix[@]}" "$work/bin/train_$model" --device=gpu \
    --epochs="$n" --data_dir="$work/mnist" 2>&1 | tee "$work/train_$model.log"
  ours=$(grep -Eo ' - [0-9.]+s - ' "$work/train_$model.log" | grep -Eo '[0-9.]+' | median)
  acc=$(grep "^Epoch $n/" "$work/train_$model.log" | grep -Eo 'val_acc: [0-9.]+' | grep -Eo '[0-9.]+$')
  if [ -z "$acc" ]; then
    fail "train_$model did not finish $n epochs"
  else
    note "train_$model --device=gpu: epoch $n val_acc $acc, median epoch ${ours}s"
    note "$(grep -E '^Training step .*CUDA Graph' "$work/train_$model.log" || echo "train_$model: no CUDA Graph line")"
    awk -v a="$acc" -v m="$min_acc" 'BEGIN {exit !(a >= m)}' ||
      fail "train_$model val_acc $acc below $min_acc"
  fi
  echo "=== PyTorch eager, same $model, same GPU"
  timeout 200 python3 "benchmarks/pytorch_$model.py" --device cuda --epochs "$n" \
    --data_dir "$work/mnist" 2>&1 | tee "$work/torch_$model.log"
  theirs=$(grep -Eo ' - [0-9.]+s - ' "$work/torch_$model.log" | grep -Eo '[0-9.]+' | median)
  tacc=$(grep "^Epoch $n/" "$work/torch_$model.log" | grep -Eo 'val_acc: [0-9.]+' | grep -Eo '[0-9.]+$')
  if [ -z "$theirs" ]; then
    fail "PyTorch ($model) did not run"
  else
    note "PyTorch eager $model on the GPU: epoch $n val_acc ${tacc:-?}, median epoch ${theirs}s"
    [ -n "$ours" ] && note "$model median epoch time, tensorgraph / PyTorch: $(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')"
  fi
}
compare mlp "$epochs" 0.972
# The CNN reaches 0.992 by its third epoch on the CPU (README).
compare cnn "${TG_GPU_CNN_EPOCHS:-3}" 0.992

echo "=== compute-sanitizer memcheck"
if [ -z "$sanitizer" ]; then
  fail "compute-sanitizer not found"
else
  for spec in "gpu_test" "op_cases_test --gtest_filter=DeviceAgreement*"; do
    set -- $spec
    log="$work/memcheck_$1.log"
    timeout 180 "$sanitizer" --tool memcheck --error-exitcode 86 \
      --log-file "$log.sanitizer" "${prefix[@]}" "$work/bin/$1" "${@:2}" \
      >"$log" 2>&1
    rc=$?
    errors=$(grep -Eo 'ERROR SUMMARY: [0-9]+' "$log.sanitizer" | tail -1)
    if [ "$rc" -ne 0 ]; then
      fail "memcheck $spec: exit $rc, ${errors:-no summary}"
      head -40 "$log.sanitizer"
    else
      note "memcheck $spec: ${errors:-ERROR SUMMARY missing}"
    fi
  done
fi

echo "=== summary"
printf '%s\n' "${summary[@]}"
[ "$status" -eq 0 ] && echo "GPU checks: all passed" || echo "GPU checks: FAILED"
exit "$status"
