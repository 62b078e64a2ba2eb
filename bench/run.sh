#!/usr/bin/env bash
# bench/run.sh: measure the sandbox against the host and against the raw
# ptrace floor, and print the figures.
#
# usage: bench/run.sh BUILD_DIR
#
# Builds bench/*.c into BUILD_DIR/bench/ (gcc -O2; static for the programs
# that run inside the sandbox; only when the source is newer), then measures:
#   1. getpid: ns per raw getpid syscall, natively and under `sbx run`;
#      clock_gettime(CLOCK_MONOTONIC) through libc (the vDSO), likewise;
#   2. ptrace floor: ns per PTRACE_SYSEMU round trip (waitpid, GETREGS, set
#      rax, SETREGS) with tracer and tracee on the same CPU, on different
#      CPUs, and unpinned;
#   3. start-up: median wall time of `/bin/true` and `sbx run -- /bin/true`;
#   4. file read: reading a host file R times, natively and sandboxed;
#   5. loopback TCP (the sandbox's own netstack against the host's):
#      throughput of NET_MB megabytes and latency of 1-byte round trips.
# Each repeated figure is the median of BENCH_REPS runs (default 5).
#
# Prints a table, then `key=value` lines (between `--- key=value ---` and the
# end of output) for machines. No figure is asserted: the script exits 0
# unless a step fails to run (that figure then reads `n/a`), 1 if one did,
# 2 on bad usage.
#
# Environment: BENCH_REPS (5), BENCH_CC (gcc), BENCH_TIMEOUT (seconds per
# program run, 30), BENCH_READ_FILE (file for step 4).

set -u

REPS=${BENCH_REPS:-5}
CC=${BENCH_CC:-gcc}
TIMEOUT=${BENCH_TIMEOUT:-30}
GETPID_N_NATIVE=200000
GETPID_N_SANDBOX=20000
CLOCK_N=1000000
FLOOR_N_SAME=20000
FLOOR_N_CROSS=5000
STARTUP_RUNS=20
READ_REPS=100
NET_MB=64
NET_RTT_N=2000

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
if [ ! -x "$1/sbx" ]; then
    echo "bench: no sandbox binary at $1/sbx (build it first: make)" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
sbx=$build/sbx
. "$here/../scripts/visible-dir.sh"
bindir=$(visible_dir "$build/bench") || exit 1

failed=0
fail() {
    echo "bench: $*" >&2
    failed=1
}

# build NAME [static]: compile bench/NAME.c into $bindir/NAME when stale.
build() {
    local src=$here/$1.c bin=$bindir/$1 static=
    [ "${2:-}" = static ] && static=-static
    if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "$0" -nt "$bin" ]; then
        echo "  CC $1" >&2
        if ! $CC -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror $static \
            -o "$bin" "$src"; then
            fail "cannot build $1"
            return 1
        fi
    fi
}

# run CMD...: run with a time limit; stdout passes through.
run() {
    timeout "$TIMEOUT" "$@"
}

# median_of K CMD...: run CMD K times; each prints a number as its last line;
# print their median (nothing, and status 1, if a run fails).
median_of() {
    local k=$1 i v vals=()
    shift
    for ((i = 0; i < k; i++)); do
        v=$(run "$@") || return 1
        v=${v##*$'\n'}
        [[ "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]] || return 1
        vals+=("$v")
    done
    printf '%s\n' "${vals[@]}" | sort -g |
        awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
                                  else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# calc FMT EXPR A B: awk arithmetic on two figures a and b; `n/a` if either
# is missing or the arithmetic fails.
calc() {
    local fmt=$1 expr=$2 a=${3:-} b=${4:-}
    if [[ -z "$a" || -z "$b" || "$a" == n/a || "$b" == n/a ]]; then
        echo n/a
        return
    fi
    awk -v a="$a" -v b="$b" "BEGIN { printf \"$fmt\\n\", $expr }" 2>/dev/null ||
        echo n/a
}

na() { echo "${1:-n/a}"; }

# with PREFIX VALUE SUFFIX: the figure dressed for the table, or `n/a`.
with() {
    if [[ -z "$2" || "$2" == n/a ]]; then echo n/a; else echo "$1$2$3"; fi
}

for p in getpid clock ptrace_floor readfile; do
    build $p static
done
build walltime

cpus=$(nproc 2>/dev/null || echo 1)
kernel=$(uname -r)
when=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "bench: $(uname -n), kernel $kernel, $cpus usable CPU(s), $when;" \
     "median of $REPS runs per figure" >&2

# 1. getpid.
echo "bench: getpid ..." >&2
gp_native=$(median_of "$REPS" "$bindir/getpid" $GETPID_N_NATIVE) ||
    fail "native getpid failed"
gp_sandbox=$(median_of "$REPS" "$sbx" run -- "$bindir/getpid" $GETPID_N_SANDBOX) ||
    fail "sandboxed getpid failed"
echo "bench: clock_gettime ..." >&2
ck_native=$(median_of "$REPS" "$bindir/clock" $CLOCK_N) || fail "native clock_gettime failed"
ck_sandbox=$(median_of "$REPS" "$sbx" run -- "$bindir/clock" $CLOCK_N) ||
    fail "sandboxed clock_gettime failed"

# 2. ptrace floor.
echo "bench: ptrace floor ..." >&2
fl_same=$(median_of "$REPS" "$bindir/ptrace_floor" same $FLOOR_N_SAME) ||
    fail "ptrace floor (same CPU) failed"
fl_cross=
if [ "$cpus" -ge 2 ]; then
    fl_cross=$(median_of "$REPS" "$bindir/ptrace_floor" cross $FLOOR_N_CROSS) ||
        fail "ptrace floor (cross CPU) failed"
fi
fl_free=$(median_of "$REPS" "$bindir/ptrace_floor" free $FLOOR_N_CROSS) ||
    fail "ptrace floor (unpinned) failed"

# 3. start-up.
echo "bench: start-up ..." >&2
read -r su_native su_native_min su_native_max < <(
    run "$bindir/walltime" $STARTUP_RUNS /bin/true) ||
    fail "native /bin/true failed"
read -r su_sandbox su_sandbox_min su_sandbox_max < <(
    run "$bindir/walltime" $STARTUP_RUNS "$sbx" run -- /bin/true) ||
    fail "sandboxed /bin/true failed"

# 4. file read: a host file seen through the sandbox's root (not /tmp, which
# is a private tmpfs inside the sandbox).
echo "bench: file read ..." >&2
rfile=${BENCH_READ_FILE:-}
if [ -z "$rfile" ]; then
    for f in /usr/lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libc.so.6 \
             "$sbx"; do
        [ -r "$f" ] && { rfile=$(readlink -f "$f"); break; }
    done
fi
rd_bytes=
rd_native=$(median_of "$REPS" bash -c \
    'set -o pipefail; "$0" "$1" "$2" | awk "{ printf \"%.2f\n\", \$1 / 1e6 }"' \
    "$bindir/readfile" "$rfile" $READ_REPS) || fail "native file read failed"
rd_sandbox=$(median_of "$REPS" bash -c \
    'set -o pipefail; "$0" run -- "$1" "$2" "$3" | awk "{ printf \"%.2f\n\", \$1 / 1e6 }"' \
    "$sbx" "$bindir/readfile" "$rfile" $READ_REPS) || fail "sandboxed file read failed"
rd_bytes=$(stat -c %s "$rfile" 2>/dev/null)

# 5. loopback TCP: both ends in one run (the sandbox: both in one sandbox).
echo "bench: loopback TCP ..." >&2
if build tcp static; then
    nb_native=$(median_of "$REPS" "$bindir/tcp" bw $NET_MB) || fail "native tcp bw failed"
    nb_sandbox=$(median_of "$REPS" "$sbx" run -- "$bindir/tcp" bw $NET_MB) ||
        fail "sandboxed tcp bw failed"
    nr_native=$(median_of "$REPS" "$bindir/tcp" rtt $NET_RTT_N) || fail "native tcp rtt failed"
    nr_sandbox=$(median_of "$REPS" "$sbx" run -- "$bindir/tcp" rtt $NET_RTT_N) ||
        fail "sandboxed tcp rtt failed"
fi
nb_ratio=$(calc %.2f 'b / a' "${nb_native:-}" "${nb_sandbox:-}")
nr_ratio=$(calc %.2f 'b / a' "${nr_native:-}" "${nr_sandbox:-}")

gp_ratio=$(calc %.1f 'b / a' "${gp_native:-}" "${gp_sandbox:-}")
ck_ratio=$(calc %.2f 'b / a' "${ck_native:-}" "${ck_sandbox:-}")
floor_ratio=$(calc %.2f 'a / b' "${gp_sandbox:-}" "${fl_same:-}")
cross_ratio=$(calc %.1f 'a / b' "${fl_cross:-}" "${fl_same:-}")
su_diff=$(calc %.2f 'b - a' "${su_native:-}" "${su_sandbox:-}")
rd_ratio=$(calc %.2f 'b / a' "${rd_native:-}" "${rd_sandbox:-}")
rd_mbs_native=$(calc %.0f "a * $READ_REPS / 1048576 / (b / 1000)" \
    "${rd_bytes:-}" "${rd_native:-}")
rd_mbs_sandbox=$(calc %.0f "a * $READ_REPS / 1048576 / (b / 1000)" \
    "${rd_bytes:-}" "${rd_sandbox:-}")

cross_note="different CPUs"
[ "$cpus" -ge 2 ] || cross_note="different CPUs (skipped: 1 CPU)"

echo
printf '%-44s %12s %12s %10s\n' "figure" "native" "sandbox" "ratio"
printf '%-44s %12s %12s %10s\n' "------" "------" "-------" "-----"
printf '%-44s %12s %12s %10s\n' "getpid, ns/call" \
    "$(na "${gp_native:-}")" "$(na "${gp_sandbox:-}")" "$(with "" "$gp_ratio" x)"
printf '%-44s %12s %12s %10s\n' "clock_gettime(MONOTONIC), ns/call" \
    "$(na "${ck_native:-}")" "$(na "${ck_sandbox:-}")" "$(with "" "$ck_ratio" x)"
printf '%-44s %12s %12s %10s\n' "start-up /bin/true, ms (median of $STARTUP_RUNS)" \
    "$(na "${su_native:-}")" "$(na "${su_sandbox:-}")" "$(with + "$su_diff" " ms")"
printf '%-44s %12s %12s %10s\n' "read $(basename "${rfile:-?}") x$READ_REPS, ms" \
    "$(na "${rd_native:-}")" "$(na "${rd_sandbox:-}")" "$(with "" "$rd_ratio" x)"
printf '%-44s %12s %12s\n' "  (MB/s)" "$rd_mbs_native" "$rd_mbs_sandbox"
printf '%-44s %12s %12s %10s\n' "loopback TCP ${NET_MB} MB, ms" \
    "$(na "${nb_native:-}")" "$(na "${nb_sandbox:-}")" "$(with "" "$nb_ratio" x)"
printf '%-44s %12s %12s %10s\n' "loopback TCP 1-byte round trip, ns" \
    "$(na "${nr_native:-}")" "$(na "${nr_sandbox:-}")" "$(with "" "$nr_ratio" x)"
echo
echo "ptrace SYSEMU round trip, ns"
printf '%-44s %12s\n' "  same CPU (the floor)" "$(na "${fl_same:-}")"
printf '%-44s %12s %10s\n' "  $cross_note" "$(na "${fl_cross:-}")" "$(with "" "$cross_ratio" x)"
printf '%-44s %12s\n' "  unpinned (scheduler's choice)" "$(na "${fl_free:-}")"
printf '%-44s %12s %10s\n' "sandbox getpid / same-CPU floor" "" \
    "$floor_ratio (target <= 1.2)"
printf '%-44s %12s %10s\n' "sandbox start-up" "" \
    "$(with "" "${su_sandbox:-}" " ms") (target <= 10)"

echo
echo "--- key=value ---"
cat <<EOF
date=$when
kernel=$kernel
cpus=$cpus
reps=$REPS
getpid_native_ns=$(na "${gp_native:-}")
getpid_sandbox_ns=$(na "${gp_sandbox:-}")
getpid_ratio=$gp_ratio
clock_gettime_native_ns=$(na "${ck_native:-}")
clock_gettime_sandbox_ns=$(na "${ck_sandbox:-}")
clock_gettime_ratio=$ck_ratio
ptrace_floor_same_cpu_ns=$(na "${fl_same:-}")
ptrace_floor_cross_cpu_ns=$(na "${fl_cross:-}")
ptrace_floor_unpinned_ns=$(na "${fl_free:-}")
ptrace_floor_cross_over_same=$cross_ratio
sandbox_getpid_over_floor=$floor_ratio
startup_native_ms=$(na "${su_native:-}")
startup_sandbox_ms=$(na "${su_sandbox:-}")
startup_sandbox_min_ms=$(na "${su_sandbox_min:-}")
startup_sandbox_max_ms=$(na "${su_sandbox_max:-}")
startup_diff_ms=$su_diff
read_file=$(na "$rfile")
read_file_bytes=$(na "${rd_bytes:-}")
read_reps=$READ_REPS
read_native_ms=$(na "${rd_native:-}")
read_sandbox_ms=$(na "${rd_sandbox:-}")
read_ratio=$rd_ratio
net_tcp_mb=$NET_MB
net_tcp_bw_native_ms=$(na "${nb_native:-}")
net_tcp_bw_sandbox_ms=$(na "${nb_sandbox:-}")
net_tcp_bw_ratio=$nb_ratio
net_tcp_rtt_native_ns=$(na "${nr_native:-}")
net_tcp_rtt_sandbox_ns=$(na "${nr_sandbox:-}")
net_tcp_rtt_ratio=$nr_ratio
bench_failed=$failed
EOF
exit $failed
