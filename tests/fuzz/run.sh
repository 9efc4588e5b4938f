#!/usr/bin/env bash
# run.sh -- build the libFuzzer harnesses of tests/fuzz with clang and run
# each for a while on its seed corpus; print, per harness, executions and
# findings.  ctest runs it briefly (fuzz_smoke); bench/fuzz.sh runs it long.
#
#   tests/fuzz/run.sh [--seconds N] [--build DIR] [--corpus DIR] [HARNESS...]
#
#   --seconds N   time per harness (default 10)
#   --build DIR   the clang build tree (default build-fuzz); configured on
#                 first use with CC=clang -DWARDMAP_FUZZ=ON
#   --corpus DIR  keep what the fuzzer finds in DIR/HARNESS and start from
#                 it next time (default: a scratch corpus, thrown away)
#   HARNESS       number table layer recipe style meta halves (default: all)
#
# Seeds are read from tests/fuzz/corpus/HARNESS and never written.  A
# finding (crash, sanitizer report, leak, timeout, broken promise) is
# saved under DIR/findings/ and makes the exit status 1; reproduce it with
# DIR/tests/fuzz/fuzz_HARNESS FILE.  Without clang or libFuzzer the script
# says so and exits 77, which ctest counts as skipped.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=10
build=$root/build-fuzz
keep=""
harnesses=()
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --build) build=$2; shift 2 ;;
        --corpus) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) harnesses+=("$1"); shift ;;
    esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(number table layer recipe style meta halves)
cc=${FUZZ_CC:-clang}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/wardmap-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

command -v "$cc" >/dev/null 2>&1 || {
    echo "SKIP: $cc is not installed (bash .ci/install-deps --test installs clang)"; exit 77; }
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    > "$scratch/probe.c"
"$cc" -fsanitize=fuzzer,address,undefined "$scratch/probe.c" -o "$scratch/probe" >/dev/null 2>&1 || {
    echo "SKIP: $cc cannot link libFuzzer (Debian: libclang-rt-14-dev)"; exit 77; }

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=$cc cmake -S "$root" -B "$build" -DWARDMAP_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        >"$scratch/configure.log" 2>&1 || { cat "$scratch/configure.log" >&2; exit 1; }
fi
targets=()
for h in "${harnesses[@]}"; do targets+=(--target "fuzz_$h"); done
start=$SECONDS
cmake --build "$build" "${targets[@]}" -j"${JOBS:-2}" >"$scratch/build.log" 2>&1 || {
    tail -n 40 "$scratch/build.log" >&2; exit 1; }
echo "built ${#harnesses[@]} harnesses in $((SECONDS - start)) s ($build)"

findings=$build/findings/$(date +%Y%m%d-%H%M%S)
mkdir -p "$findings"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
printf '%-8s %8s %14s %10s %8s %9s\n' harness seconds executions "exec/s" corpus findings
for h in "${harnesses[@]}"; do
    seeds=$here/corpus/$h
    corpus=${keep:+$keep/$h}
    corpus=${corpus:-$scratch/corpus-$h}
    mkdir -p "$corpus"
    log=$scratch/$h.log
    t0=$SECONDS
    TMPDIR=$scratch "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="$findings/$h-" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    units=$(find "$corpus" -type f | wc -l)
    found=$(find "$findings" -name "$h-*" -type f | wc -l)
    [ "$rc" -ne 0 ] && [ "$found" -eq 0 ] && found=1
    printf '%-8s %8d %14s %10s %8d %9d\n' "$h" $((SECONDS - t0)) "${execs:-?}" "${rate:-?}" "$units" "$found"
    if [ "$found" -ne 0 ]; then
        failed=1
        echo "--- fuzz_$h (exit $rc): the end of its log; inputs in $findings" >&2
        grep -v '^#[0-9]' "$log" | tail -n 30 >&2
    fi
done
rmdir "$findings" 2>/dev/null
exit $failed
