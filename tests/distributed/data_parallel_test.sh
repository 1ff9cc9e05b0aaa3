#!/usr/bin/env bash
# Data-parallel training across two processes under mpirun (Open MPI):
#  - 2 ranks x batch 50 give the weights of 1 process x batch 100 (the
#    worker compares), and the broadcast makes both ranks' variables equal;
#  - the trainer prints rank 0's epoch lines only, rank 0 alone writes the
#    checkpoints, and a restarted job resumes from the last one exactly as
#    the uninterrupted run went on;
#  - a rank killed mid-epoch stops the other with one clear line, and a
#    rank that stops responding makes the other fail within its 2 s timeout;
#  - train_mlp --distributed without mpirun says how to launch it.
set -uo pipefail
worker="$1"
train_mlp="$2"
if ! command -v mpirun >/dev/null 2>&1; then
  echo "SKIPPED: mpirun not installed (bash scripts/setup.sh installs Open MPI)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {  # args...
  timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 \
    --mca btl self,tcp --mca btl_tcp_if_include lo "$worker" "$@" 2>&1
}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

out=$(run equal)
echo "$out"
for r in 0 1; do
  echo "$out" | grep -q "rank $r equal ok" || fail "equal mode, rank $r"
done

# Two epochs, then a restarted job for a third, against three at once.
out=$(run trainer "$tmp/a" 2)
echo "$out"
[ "$(echo "$out" | grep -c '^Epoch ')" -eq 2 ] ||
  fail "expected rank 0's 2 epoch lines only"
[ -f "$tmp/a/checkpoint" ] && ls "$tmp/a"/model-2.index >/dev/null ||
  fail "no checkpoint model-2 in $tmp/a"
out=$(run trainer "$tmp/a" 3)
echo "$out"
echo "$out" | grep -q "Restored $tmp/a/model-2: resuming after epoch 2" ||
  fail "the restarted job did not resume from model-2"
resumed=$(echo "$out" | grep '^Epoch 3/3' | sed -E 's/ - [0-9.]+s//')
out=$(run trainer "$tmp/b" 3)
echo "$out"
straight=$(echo "$out" | grep '^Epoch 3/3' | sed -E 's/ - [0-9.]+s//')
[ -n "$resumed" ] && [ "$resumed" = "$straight" ] ||
  fail "resumed epoch 3 '$resumed' differs from '$straight'"

start=$(date +%s)
out=$(run killed "$tmp/c")
echo "$out"
took=$(($(date +%s) - start))
echo "$out" | grep -q "rank 0 of 2: stopped by the launcher" ||
  fail "rank 0 did not say why it stopped after rank 1 was killed"
[ "$took" -lt 60 ] || fail "rank 0 took ${took}s to stop"

out=$(run stalled "$tmp/d")
echo "$out"
echo "$out" | grep -q "rank 0: .*did not complete within 2 s" ||
  fail "rank 0 did not time out cleanly while rank 1 was stopped"

out=$("$train_mlp" --distributed --epochs=1 2>&1)
rc=$?
echo "$out"
[ "$rc" -eq 1 ] && echo "$out" | grep -q "start it with mpirun" ||
  fail "train_mlp --distributed without mpirun: rc $rc"
exit $failed
