#!/usr/bin/env bash
# tests/conformance/run.sh: run each conformance program natively and under
# `sbx run`, and compare their stdout and exit status.
#
# usage: tests/conformance/run.sh BUILD_DIR [NAME...]
#
# Each tests/conformance/NAME.c is built statically into
# BUILD_DIR/conformance/NAME (only when the source or conf.h is newer), then
# run twice with stdin from /dev/null and a time limit:
#   natively:  cd /; env -i PATH=... HOME=/root TERM=xterm NAME
#   sandboxed: BUILD_DIR/sbx run -- /abs/BUILD_DIR/conformance/NAME
# The test passes when both runs print the same stdout and exit the same way.
# Native exit 77 skips the test (its last output line says why); native exit
# 99 means the program's own expectations disagree with the host kernel,
# which is a defect of the test, reported as a failure.
#
# Prints `PASS name`, `FAIL name: reason` (then the diff and the sandbox's
# stderr tail) or `SKIP name: reason` per test, then `N passed, N failed`
# (`, N skipped` when some were).  Exits 1 if any failed.
#
# Environment: CONF_TIMEOUT (seconds per run, default 20), CONF_CC (gcc).

set -u

TIMEOUT=${CONF_TIMEOUT:-20}
CC=${CONF_CC:-gcc}
NATIVE_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
            HOME=/root TERM=xterm)

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [NAME...]" >&2
    exit 2
fi
if [ ! -x "$1/sbx" ]; then
    echo "conformance: no sandbox binary at $1/sbx (build it first: make)" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
sbx=$build/sbx
. "$here/../../scripts/visible-dir.sh"
bindir=$(visible_dir "$build/conformance") || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-conformance.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Indent detail lines under a FAIL line.
indent() { sed 's/^/    /'; }

# Describe an exit status for humans: "0", "99", "SIGSEGV (139)", "timeout".
status_name() {
    if [ "$1" -eq 124 ]; then
        echo "timeout (${TIMEOUT}s)"
    elif [ "$1" -gt 128 ] && sig=$(kill -l $(($1 - 128)) 2>/dev/null); then
        echo "SIG$sig ($1)"
    else
        echo "$1"
    fi
}

# Build test $1 unless its binary is newer than its source and conf.h;
# on failure the compiler's output is in $work/cc.log.
build_test() {
    local src=$here/$1.c bin=$bindir/$1
    if [ -x "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$here/conf.h" -nt "$bin" ]; then
        return 0
    fi
    if ! "$CC" -static -O1 -Wall -o "$bin" "$src" >"$work/cc.log" 2>&1; then
        rm -f "$bin"
        return 1
    fi
}

# run_one TAG CMD...: run CMD from / with stdin /dev/null and the time limit,
# stdout and stderr to $work/TAG.out and .err; returns CMD's exit status.
# The braces swallow bash's own "Segmentation fault" job report: the crash
# is reported in the FAIL line instead.
run_one() {
    local tag=$1
    shift
    { (cd / && exec timeout -k 5 "$TIMEOUT" "$@" \
        </dev/null >"$work/$tag.out" 2>"$work/$tag.err"); } 2>/dev/null
}

if [ $# -gt 0 ]; then
    names=()
    for n in "$@"; do
        n=${n##*/}
        names+=("${n%.c}")
    done
else
    names=()
    for src in "$here"/*.c; do
        [ -e "$src" ] || continue
        n=${src##*/}
        names+=("${n%.c}")
    done
fi

pass=0 fail=0 skip=0
for name in "${names[@]}"; do
    bin=$bindir/$name
    if [ ! -f "$here/$name.c" ]; then
        echo "FAIL $name: no such test ($here/$name.c)"
        fail=$((fail + 1))
        continue
    fi
    if ! build_test "$name"; then
        echo "FAIL $name: does not compile"
        indent <"$work/cc.log"
        fail=$((fail + 1))
        continue
    fi

    pending=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$here/PENDING" 2>/dev/null)
    if [ -n "$pending" ]; then
        echo "SKIP $name: pending: $pending"
        skip=$((skip + 1))
        continue
    fi
    run_one native "${NATIVE_ENV[@]}" "$bin"
    nst=$?
    if [ "$nst" -eq 77 ]; then
        why=$(cat "$work/native.out" "$work/native.err" | sed '/^$/d' | tail -n 1)
        why=${why#skip: }
        echo "SKIP $name: ${why:-no reason given}"
        skip=$((skip + 1))
        continue
    fi
    if [ "$nst" -eq 124 ] || [ "$nst" -eq 137 ]; then
        echo "FAIL $name: native run: $(status_name "$nst")"
        fail=$((fail + 1))
        continue
    fi
    if [ "$nst" -eq 99 ]; then
        echo "FAIL $name: test disagrees with Linux when run natively (fix the test)"
        grep -e ': FAIL' -e 'setup failed' -e 'disagree' "$work/native.out" | indent
        fail=$((fail + 1))
        continue
    fi

    run_one sbx "$sbx" run -- "$bin"
    sst=$?

    reasons=()
    [ "$sst" -ne "$nst" ] &&
        reasons+=("exit status $(status_name "$sst") in sandbox, $(status_name "$nst") native")
    cmp -s "$work/native.out" "$work/sbx.out" || reasons+=("stdout differs")
    if [ ${#reasons[@]} -eq 0 ]; then
        echo "PASS $name"
        pass=$((pass + 1))
        continue
    fi
    reason=${reasons[0]}
    [ ${#reasons[@]} -gt 1 ] && reason="$reason; ${reasons[1]}"
    echo "FAIL $name: $reason"
    diff -u --label "$name (native)" --label "$name (sandbox)" \
        "$work/native.out" "$work/sbx.out" | indent
    if [ -s "$work/sbx.err" ]; then
        echo "    --- $name: sandbox stderr (last 20 lines)"
        tail -n 20 "$work/sbx.err" | indent
    fi
    fail=$((fail + 1))
done

summary="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ "$fail" -eq 0 ]
