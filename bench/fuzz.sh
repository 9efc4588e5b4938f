#!/usr/bin/env bash
# fuzz.sh -- run every libFuzzer harness of tests/fuzz long: SECONDS each
# (default 300), in a clang build in build-fuzz (BUILD_DIR overrides it).
# Prints, per harness, executions, rate, corpus size and findings; the
# corpus grows in BUILD_DIR/corpus from one run to the next, findings are
# kept in BUILD_DIR/findings.  Exit status 1 when anything was found.
#
#   bench/fuzz.sh [SECONDS] [HARNESS...]
#
# Needs clang and libFuzzer (bash .ci/install-deps --test); ctest runs the
# same harnesses for a few seconds each (fuzz_smoke).
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-300}
[ $# -gt 0 ] && shift
build=${BUILD_DIR:-$root/build-fuzz}
echo "wardmap fuzzing: ${seconds} s per harness, $(nproc) cores, $build"
bash "$root/tests/fuzz/run.sh" --seconds "$seconds" --build "$build" --corpus "$build/corpus" "$@"
rc=$?
[ $rc -eq 77 ] && exit 3
exit $rc
