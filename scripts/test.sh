#!/usr/bin/env bash
# Sets up what is missing, then builds and runs the whole test suite
# (bazel test //...). Ends with "N passed, N failed, N skipped" counted over
# test cases, and exits non-zero on any failure. Extra arguments go to
# bazel test (e.g. --config=asan).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

# TensorFlow's files live in ../shared/testdata/tensorflow beside the
# repository; tests find them themselves and skip clearly without them.
bazel test --disk_cache="$HOME/.cache/tensorgraph/bazel-disk" "$@" //...
status=$?

# Count test cases from the JUnit XML of each current test target (stale
# logs of removed targets stay in bazel-testlogs and must not count).
read -r passed failed skipped < <(
  bazel query 'tests(//...)' 2>/dev/null |
    sed -e 's|^//||' -e 's|:|/|' -e 's|^|bazel-testlogs/|' -e 's|$|/test.xml|' |
    xargs -r cat 2>/dev/null |
    awk '
      /<testcase / {
        total++
        if ($0 ~ /result="skipped"/) skipped++
      }
      /<failure/ { failed++ }
      END { printf "%d %d %d\n", total - failed - skipped, failed, skipped }')
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
  failed=1  # The build or a test binary failed before reporting cases.
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[ "$status" -eq 0 ] && [ "${failed:-0}" -eq 0 ]
