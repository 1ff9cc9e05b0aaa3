#!/usr/bin/env bash
# Two processes under mpirun: collectives give the sums computed in the
# worker; different instance keys or sizes fail on both ranks naming them; a rank
# that hangs makes the other fail within its 2 s timeout; a rank that dies
# gets the other stopped by mpirun, saying so in one line.
set -uo pipefail
worker="$1"
if ! command -v mpirun >/dev/null 2>&1; then
  echo "SKIPPED: mpirun not installed (bash scripts/setup.sh installs Open MPI)"
  exit 0
fi
run() {  # mode
  timeout 60 mpirun --allow-run-as-root --oversubscribe -np 2 \
    --mca btl self,tcp --mca btl_tcp_if_include lo \
    "$worker" "$1" 2>&1
}
failed=0
out=$(run ok)
echo "$out"
for r in 0 1; do
  echo "$out" | grep -q "rank $r ok" || { echo "FAIL: ok mode, rank $r"; failed=1; }
done
out=$(run mismatch)
echo "$out"
for r in 0 1; do
  echo "$out" | grep -q "rank $r: .*disagree on the instance_key" ||
    { echo "FAIL: mismatch not named on rank $r"; failed=1; }
done
out=$(run shapes)
echo "$out"
for r in 0 1; do
  echo "$out" | grep -q "rank $r: .*disagree on the element count (this one [23], all from 2 to 3)" ||
    { echo "FAIL: different sizes not named on rank $r"; failed=1; }
done
out=$(run hang)
echo "$out"
echo "$out" | grep -q "rank 0: .*did not complete within 2 s" ||
  { echo "FAIL: rank 0 did not time out cleanly"; failed=1; }
out=$(run dies)
echo "$out"
echo "$out" | grep -q "rank 0 of 2: stopped by the launcher" ||
  { echo "FAIL: rank 0 did not say why it stopped"; failed=1; }
exit $failed
