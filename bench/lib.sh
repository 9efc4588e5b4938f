# lib.sh -- what the benchmark scripts share.  Source it first:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It builds wardmap (Release) in BUILD_DIR (default build-bench), sets
# root, build and shared (../shared, or WARDMAP_SHARED), makes a scratch
# directory $out (removed on exit), and defines
#   run LABEL CMD...   run CMD once; print its wall time and peak memory
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(dirname "$here")
build=${BUILD_DIR:-$root/build-bench}
shared=${WARDMAP_SHARED:-$root/../shared}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target wardmap -j2 >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$out/time" "$@" 2>"$out/stderr" >/dev/null || { cat "$out/stderr" >&2; exit 1; }
    read -r secs kb < "$out/time"
    printf '%-34s %8.2f s %9.1f MiB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}
