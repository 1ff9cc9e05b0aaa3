#!/usr/bin/env bash
# Builds the fuzz targets (clang-14, libFuzzer, ASan + UBSan) and runs each
# for SECONDS (default 60), or for N executions with --runs=N, optionally
# only the TARGETs named:
#
#   bash scripts/fuzz.sh 600 op_fuzzer
#   bash scripts/fuzz.sh --runs=5000000 op_fuzzer
#
# Corpora live in ~/.cache/tensorgraph/fuzz-corpus/<target>, seeded from
# fuzz/seeds/<target>, fuzz/regressions/<target> and, when present, the
# files TensorFlow wrote in ../shared/testdata/tensorflow. A crash, hang or
# sanitizer report is written to fuzz/regressions/<target>/ (commit it: the
# normal suite then replays it for ever) and makes the script exit 1. For
# op_fuzzer, the runs per op are summed into fuzz-op-coverage.txt in the
# corpus directory. Ends with "N passed, N failed" over the targets.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
limit=(-max_total_time="$seconds")
if [[ "$seconds" == --runs=* ]]; then
  runs_wanted="${seconds#--runs=}"
  seconds=$((24 * 3600))  # Bounded by the count; a day at most.
  limit=(-runs="$runs_wanted")
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(graph_def_fuzzer graph_file_fuzzer table_fuzzer bundle_fuzzer
           event_file_fuzzer npy_fuzzer idx_fuzzer op_fuzzer)
fi

bash scripts/setup.sh || exit 1
cache="$HOME/.cache/tensorgraph"
bazel_fuzz=(bazel "--output_base=$cache/bazel-fuzz")
echo "fuzz: building ${#targets[@]} targets with clang-14 (ASan + UBSan)"
# --symlink_prefix=/: the bazel-* links of the workspace keep pointing at
# the main build, not at this output base.
"${bazel_fuzz[@]}" build --config=fuzz --symlink_prefix=/ \
  --disk_cache="$cache/bazel-disk" \
  "${targets[@]/#/\/\/fuzz:}" || { echo "0 passed, 1 failed"; exit 1; }
bin="$("${bazel_fuzz[@]}" info --config=fuzz bazel-bin 2>/dev/null)/fuzz"
testdata="${TG_TESTDATA_DIR:-../shared/testdata/tensorflow}"

# Seeds from TensorFlow's files, by what each target reads.
seed_globs() {
  case "$1" in
    graph_def_fuzzer | graph_file_fuzzer) echo "*.pb *.pbtxt *.meta" ;;
    table_fuzzer | bundle_fuzzer) echo "*.index" ;;
    event_file_fuzzer) echo "*tfevents*" ;;
    *) echo "" ;;
  esac
}

passed=0
failed=0
for t in "${targets[@]}"; do
  corpus="$cache/fuzz-corpus/$t"
  mkdir -p "$corpus" "fuzz/regressions/$t"
  for d in "fuzz/seeds/$t" "fuzz/regressions/$t"; do
    [ -d "$d" ] && find "$d" -type f -exec cp -n {} "$corpus/" \;
  done
  if [ -d "$testdata" ]; then
    for g in $(seed_globs "$t"); do
      find "$testdata" -type f -name "$g" -size -1M -exec cp -n {} "$corpus/" \;
    done
  fi
  stats="$corpus/stats"
  rm -rf "$stats" && mkdir -p "$stats"
  log="$corpus/last-run.log"
  echo "fuzz: $t for ${runs_wanted:+$runs_wanted runs, at most }${seconds}s"
  # Every target runs under a 256 MiB tensor memory limit, so a single
  # allocation past 1 GiB is a bug (-malloc_limit_mb). The RSS limit leaves
  # room for what allocators keep over millions of runs; AddressSanitizer
  # hands freed memory back to the system every 10 s.
  ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_release_to_os_interval_ms=10000}" \
  TG_OP_FUZZER_STATS="$stats/op" timeout $((seconds + 120)) "$bin/$t" \
    "${limit[@]}" -timeout=10 -rss_limit_mb=4096 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$PWD/fuzz/regressions/$t/" \
    "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz: $t: ${runs:-?} runs, no crash ($(grep -o 'cov: [0-9]*' "$log" | tail -1))"
  else
    failed=$((failed + 1))
    echo "fuzz: $t FAILED (exit $rc); see $log and fuzz/regressions/$t/"
    grep -m3 'ERROR\|runtime error' "$log"
  fi
  if [ "$t" = op_fuzzer ] && ls "$stats"/op.* >/dev/null 2>&1; then
    cat "$stats"/op.* | awk '
      $1 != "op" { t[$1] += $2; i[$1] += $3; e[$1] += $4; s[$1] += $5 }
      END { for (op in t) printf "%s %d %d %d %d\n", op, t[op], i[op], e[op], s[op] }' |
      sort >"$corpus/fuzz-op-coverage.txt"
    echo "fuzz: op coverage (op tries imported reached-kernel succeeded) in" \
      "$corpus/fuzz-op-coverage.txt"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
