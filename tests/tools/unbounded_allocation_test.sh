#!/usr/bin/env bash
# Graphs that ask for memory no machine has, run through `tg run` with the
# address space limited to 8 GB (ulimit -v): each must fail with exit 1 and
# one line naming the node, quickly, and never be killed or abort. (Under
# AddressSanitizer, which reserves terabytes of address space, the ulimit is
# left out.)
set -uo pipefail
tg="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
cd "$work"
limit=8000000  # KiB: 8 GB
extra=()
# ldd's output is taken whole first: `ldd | grep -q` under pipefail fails
# whenever grep stops reading before ldd is done writing.
libs=$(ldd "$tg" 2>/dev/null || true)
if grep -q AddressSanitizer "$tg" 2>/dev/null || [[ "$libs" == *libasan* ]]; then
  limit=unlimited
  extra=(--memory_limit=2G)  # What the ulimit would have implied.
fi

const() {  # name dtype field value [dim...]
  local name=$1 dtype=$2 field=$3 value=$4
  shift 4
  local dims=""
  for d in "$@"; do dims+="dim { size: $d } "; done
  echo "node { name: '$name' op: 'Const' attr { key: 'dtype' value { type: $dtype } }" \
       "attr { key: 'value' value { tensor { dtype: $dtype tensor_shape { $dims}" \
       "$field: $value } } } }"
}
ints() {  # name v... (int64 vector)
  local name=$1
  shift
  local vals=""
  for v in "$@"; do vals+="int64_val: $v "; done
  echo "node { name: '$name' op: 'Const' attr { key: 'dtype' value { type: DT_INT64 } }" \
       "attr { key: 'value' value { tensor { dtype: DT_INT64 tensor_shape { dim { size: $# } } $vals} } } }"
}
node() {  # name op attrs inputs...
  local name=$1 op=$2 attrs=$3
  shift 3
  local in=""
  for i in "$@"; do in+="input: '$i' "; done
  echo "node { name: '$name' op: '$op' $in $attrs }"
}
T() { echo "attr { key: '$1' value { type: $2 } }"; }
I() { echo "attr { key: '$1' value { i: $2 } }"; }

big=1000000000000  # 10^12
declare -A graphs
graphs[fill]="$(ints dims $big) $(const v DT_FLOAT float_val 1) $(node fill Fill "$(T T DT_FLOAT) $(T index_type DT_INT64)" dims v)"
graphs[tile]="$(const x DT_FLOAT float_val 1 4) $(ints m $big) $(node tile Tile "$(T T DT_FLOAT) $(T Tmultiples DT_INT64)" x m)"
graphs[broadcast]="$(const x DT_FLOAT float_val 1) $(ints s $big 4) $(node broadcast BroadcastTo "$(T T DT_FLOAT) $(T Tidx DT_INT64)" x s)"
graphs[range]="$(const a DT_INT64 int64_val 0) $(const b DT_INT64 int64_val $big) $(const d DT_INT64 int64_val 1) $(node range Range "$(T Tidx DT_INT64)" a b d)"
graphs[onehot]="$(ints i 1 2) $(const depth DT_INT32 int_val 2000000000) $(const on DT_FLOAT float_val 1) $(const off DT_FLOAT float_val 0) $(node onehot OneHot "$(T T DT_FLOAT) $(T TI DT_INT64)" i depth on off)"
graphs[pad]="$(const x DT_FLOAT float_val 1 2) $(node p Const "$(T dtype DT_INT64) attr { key: 'value' value { tensor { dtype: DT_INT64 tensor_shape { dim { size: 1 } dim { size: 2 } } int64_val: $big int64_val: 0 } } }") $(node pad Pad "$(T T DT_FLOAT) $(T Tpaddings DT_INT64)" x p)"
graphs[segment]="$(const d DT_FLOAT float_val 1 2) $(ints ids 0 1) $(const n DT_INT64 int64_val $big) $(node segment UnsortedSegmentSum "$(T T DT_FLOAT) $(T Tindices DT_INT64) $(T Tnumsegments DT_INT64)" d ids n)"
for r in RandomUniform RandomStandardNormal TruncatedNormal; do
  graphs[$r]="$(ints s $big) $(node $r $r "$(T T DT_INT64) $(T dtype DT_FLOAT)" s)"
done
graphs[split]="$(const x DT_FLOAT float_val 1 2) $(const axis DT_INT32 int_val 0) $(node split Split "$(I num_split 1000000000) $(T T DT_FLOAT)" axis x)"
graphs[unpack]="$(const x DT_FLOAT float_val 1 2) $(node unpack Unpack "$(I num 1000000000) $(T T DT_FLOAT)" x)"
graphs[variable]="$(node variable VariableV2 "$(T dtype DT_FLOAT) attr { key: 'shape' value { shape { dim { size: $big } } } }") $(ints dims $big) $(const v DT_FLOAT float_val 0) $(node zeros Fill "$(T T DT_FLOAT) $(T index_type DT_INT64)" dims v) $(node assign Assign "$(T T DT_FLOAT)" variable zeros)"
graphs[const]="$(const const DT_FLOAT float_val 1 $big)"

declare -A fetch=([variable]=assign [RandomUniform]=RandomUniform
  [RandomStandardNormal]=RandomStandardNormal [TruncatedNormal]=TruncatedNormal)
declare -A culprit=([variable]=zeros)

failures=0
check() {  # label node command...
  local label=$1 want=$2
  shift 2
  local start end rc ms
  start=$(date +%s%N)
  (ulimit -v "$limit"; "$@") >out.txt 2>err.txt
  rc=$?
  end=$(date +%s%N)
  ms=$(((end - start) / 1000000))
  local lines
  lines=$(wc -l <err.txt)
  if [ "$rc" -ne 1 ] || [ "$lines" -ne 1 ] || ! grep -q "node '$want'" err.txt ||
     ! grep -qi "memory\|more than\|too many\|exceeds" err.txt; then
    echo "FAIL $label: exit $rc, $lines stderr lines, ${ms} ms:"
    cat err.txt
    failures=$((failures + 1))
  else
    echo "ok   $label (${ms} ms): $(cat err.txt)"
  fi
}
for g in "${!graphs[@]}"; do
  echo "${graphs[$g]}" >"$g.pbtxt"
  f="${fetch[$g]:-$g}"
  check "$g" "${culprit[$g]:-$f}" "$tg" run "$g.pbtxt" --target "$f" "${extra[@]}"
done

# A .npy header declaring 10^12 floats with no data behind it.
python3 - <<'PY' 2>/dev/null || printf "\x93NUMPY\x01\x00\x46\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }       \n" >huge.npy
header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }"
header += b" " * (118 - len(header)) + b"\n"
open("huge.npy", "wb").write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header)
PY
echo "node { name: 'x' op: 'Placeholder' $(T dtype DT_FLOAT) } $(node y Neg "$(T T DT_FLOAT)" x)" >feed.pbtxt
(ulimit -v "$limit"; "$tg" run feed.pbtxt --feed x=huge.npy --fetch y) >out.txt 2>err.txt
rc=$?
if [ "$rc" -ne 1 ] || ! grep -q "huge.npy" err.txt; then
  echo "FAIL npy: exit $rc"; cat err.txt; failures=$((failures + 1))
else
  echo "ok   npy: $(cat err.txt)"
fi
[ "$failures" -eq 0 ]
