# lib.sh -- what every shell test shares.  Source it first:
#
#   . "$(dirname "$0")/lib.sh" NAME
#
# It sets BIN (the wardmap binary) and HOME_DIR (the source tree), makes a
# private scratch directory T (removed on exit) and changes into it,
# points WARDMAP_STORE at a private store there (built from the bundled
# manifest on first use, so tests running at once cannot change each
# other's), and defines:
#   check WHAT CMD...    count a pass if CMD succeeds, else report WHAT
#   ok / bad WHAT        count a pass / a failure by hand
#   status_is N CMD...   succeed if CMD exits with status N (stderr in $T/err)
#   finish               print "N passed, N failed" and exit accordingly
set -u
BIN=${WARDMAP_BIN:?WARDMAP_BIN must name the wardmap binary}
HOME_DIR=${WARDMAP_HOME:?WARDMAP_HOME must name the source tree}
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
status_is() {
    local want=$1; shift
    "$@" >/dev/null 2>"$T/err"
    local got=$?
    [ "$got" -eq "$want" ] || { echo "exit $got, want $want: $(cat "$T/err")" >&2; return 1; }
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
T=$(mktemp -d "${TMPDIR:-/tmp}/wardmap-${1:-test}.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export WARDMAP_STORE="$T/store.sqlite"
