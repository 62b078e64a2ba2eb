#!/usr/bin/env bash
# tests/security/run.sh: escape attempts from inside the sandbox; each must
# fail in the way it says.
#
# usage: tests/security/run.sh BUILD_DIR [NAME...]
#
# The attempts are tests/security/*.c programs (built statically into
# BUILD_DIR/security/, where the sandbox can see them) run under
# `BUILD_DIR/sbx run`, plus a few made with the sandbox's own options and
# checked from the host. A program prints `ok: ...` (exit 0), `ESCAPE: ...`
# (exit 1) or `skip: ...` (exit 77) as its last line; see sec.h.
#
# Set-up: a secret file with a random token in a host directory under the
# host's /tmp (the sandbox has a /tmp of its own), and a sibling directory
# of it mounted at /srv with symlinks to the secret. The token must never
# come out of the sandbox. A host `sleep` stands for a host process.
#
# Prints `PASS name`, `FAIL name: reason` or `SKIP name: reason` per check,
# then `N passed, N failed` (`, N skipped` when some were). Exits 1 if any
# failed. A check listed in tests/security/KNOWN (`NAME issue N: what is
# wrong`) is a real hole already reported: it is skipped with that text.
# With NAMEs, only the checks of those names run.
#
# Environment: SEC_TIMEOUT (seconds per sandbox run, default 20), SEC_CC.

set -u

TIMEOUT=${SEC_TIMEOUT:-20}
CC=${SEC_CC:-gcc}

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [NAME...]" >&2
    exit 2
fi
if [ ! -x "$1/sbx" ]; then
    echo "security: no sandbox binary at $1/sbx (build it first: make)" >&2
    exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
only=" $* "
SBX=$build/sbx
. "$here/../../scripts/visible-dir.sh"
bin=$(visible_dir "$build/security") || exit 1

# Host-only scratch (outputs) and the secret: both under the host's /tmp.
work=$(mktemp -d /tmp/sbx-security.XXXXXX) || exit 1
sec=$work/hidden
mnt=$sec/m
token=sbx-secret-$RANDOM$RANDOM$RANDOM
hostsleep=""
cleanup() {
    [ -n "$hostsleep" ] && kill "$hostsleep" 2>/dev/null && wait "$hostsleep" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

pass=0 fail=0 skip=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() {
    echo "FAIL $1: $2"
    fail=$((fail + 1))
    if [ -s "$work/err" ]; then
        echo "    --- sandbox stderr (last 10 lines)"
        tail -n 10 "$work/err" | sed 's/^/    /'
    fi
}
skipped() { echo "SKIP $1: $2"; skip=$((skip + 1)); }

# wanted NAME: true if NAME is to run (all, or named on the command line),
# and not already known to be broken (then it is reported as skipped).
wanted() {
    [ "$only" = "  " ] || [[ "$only" == *" $1 "* ]] || return 1
    local known
    known=$(awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$here/KNOWN" 2>/dev/null)
    if [ -n "$known" ]; then
        skipped "$1" "known hole: $known"
        return 1
    fi
}

# sbx_has OPTION: the sandbox's help lists OPTION (features still to come
# turn their checks on by themselves when they land).
sbx_has() { "$SBX" help 2>&1 | grep -q -- "$1"; }

# attempt NAME [SBX_OPTION...] -- PROG ARG...: run PROG (a program of ours)
# in the sandbox; its verdict line decides. Returns 0 on PASS.
attempt() {
    local name=$1
    shift
    wanted "$name" || return 1
    local opts=()
    while [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    local prog=$bin/$1
    shift
    { timeout -k 5 "$TIMEOUT" "$SBX" run "${opts[@]}" -- "$prog" "$@" \
        </dev/null >"$work/out" 2>"$work/err"; } 2>/dev/null
    local st=$? last
    last=$(sed '/^$/d' "$work/out" | tail -n 1)
    if grep -q "$token" "$work/out" "$work/err"; then
        bad "$name" "the host's secret came out of the sandbox"
        return 1
    fi
    case "$st:$last" in
    0:ok:*) ok "$name" ;;
    77:skip:*) skipped "$name" "${last#skip: }" ;;
    1:ESCAPE:*) bad "$name" "${last#ESCAPE: }" ;;
    124:* | 137:*) bad "$name" "no verdict within ${TIMEOUT}s (status $st)" ;;
    *)
        local why=""
        [ "$st" -gt 128 ] && why=" (SIG$(kill -l $((st - 128)) 2>/dev/null))"
        bad "$name" "status $st$why, last line '$last'"
        ;;
    esac
    [ "$st" = 0 ]
}

# --- set-up ----------------------------------------------------------------
progs=()
for src in "$here"/*.c; do
    n=${src##*/}
    n=${n%.c}
    progs+=("$n")
    if [ ! -x "$bin/$n" ] || [ "$src" -nt "$bin/$n" ] || [ "$here/sec.h" -nt "$bin/$n" ]; then
        if ! "$CC" -static -O1 -Wall -Wextra -Werror -o "$bin/$n" "$src" >"$work/cc.log" 2>&1; then
            rm -f "$bin/$n"
            echo "FAIL build-$n: does not compile"
            sed 's/^/    /' "$work/cc.log"
            echo "0 passed, 1 failed"
            exit 1
        fi
    fi
done

mkdir -p "$mnt/sub"
echo "$token" >"$sec/secret"
echo "a file on the mount" >"$mnt/file"
ln -s "$sec/secret" "$mnt/abs"         # absolute, to the host's secret
ln -s ../secret "$mnt/rel"             # relative, out of the mount
ln -s ../../secret "$mnt/sub/rel2"     # relative, two levels up
ln -s .. "$mnt/up"                     # the mount's parent
ln -s / "$mnt/root"                    # the root: whose?
sleep 60 &
hostsleep=$!
M=(--mount "$mnt:/srv")

# --- reading what is outside: .., symlinks, /proc ---------------------------
attempt host-tmp-invisible -- fs_escape hidden "$token" "$sec/secret" "/tmp/${sec#/tmp/}/secret"
attempt mount-dotdot-paths "${M[@]}" -- fs_escape hidden "$token" /srv/../secret \
    /srv/../../secret "/srv/../../../../../../..$sec/secret" /srv/./sub/../../secret \
    "/srv/..$sec/secret"
attempt mount-dotdot-is-root "${M[@]}" -- fs_escape dotdot /srv
attempt symlink-absolute "${M[@]}" -- fs_escape hidden "$token" /srv/abs "/srv/root$sec/secret"
attempt symlink-relative "${M[@]}" -- fs_escape hidden "$token" /srv/rel /srv/sub/rel2 \
    /srv/up/secret /srv/up/up/secret /srv/sub/../rel
attempt proc-root-cwd "${M[@]}" --cwd /srv -- fs_escape hidden "$token" \
    "/proc/self/root$sec/secret" "/proc/1/root$sec/secret" "/proc/self/root/../..$sec/secret" \
    /proc/self/cwd/../secret /proc/1/cwd/../secret "/proc/thread-self/root$sec/secret"
attempt proc-links -- fs_escape proc-links
attempt proc-only-the-app "${M[@]}" -- fs_escape proc-pids fs_escape
attempt proc-host-pid -- fs_escape host-pid-proc "$hostsleep"
attempt symlink-swap-race "${M[@]}" -- fs_escape symlink-race /srv "$token"
attempt mount-fifo-open "${M[@]}" -- fs_escape fifo /srv
# A file the sandbox has seen is removed on the host; opening it again is
# ENOENT, and the Sentry survives.
if wanted mount-host-unlink-reopen; then
    echo data >"$mnt/gone"
    timeout -k 5 "$TIMEOUT" "$SBX" run "${M[@]}" -- /bin/busybox sh -c \
        'cat /srv/gone >/dev/null && : > /srv/ready && sleep 1; cat /srv/gone; echo "st=$?"' \
        >"$work/out" 2>"$work/err" </dev/null &
    job=$!
    for _ in $(seq 100); do [ -e "$mnt/ready" ] && break; sleep 0.05; done
    rm -f "$mnt/gone"
    wait "$job"
    st=$?
    out=$(cat "$work/out")
    if [ "$st" = 0 ] && [ "$out" = st=1 ] && grep -q "No such file" "$work/err"; then
        ok mount-host-unlink-reopen
    else
        bad mount-host-unlink-reopen "status $st, stdout '$out'"
    fi
    rm -f "$mnt/ready"
fi

# --- links, renames and long paths -----------------------------------------
if attempt hardlink-across-mounts "${M[@]}" -- fs_escape hardlink /srv &&
    [ -e "$mnt/linked-passwd" ]; then
    bad hardlink-host-untouched "$mnt/linked-passwd appeared on the host"
fi
if attempt rename-across-mounts "${M[@]}" -- fs_escape rename /srv &&
    { [ ! -f "$mnt/file" ] || [ -e "$mnt/moved-in" ]; }; then
    bad rename-host-untouched "$(ls "$mnt")"
fi
attempt long-paths-and-loops -- fs_escape longpath

# --- host processes ----------------------------------------------------------
alive() { [ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
if attempt kill-host-pid -- sys_refused kill-host-pid "$hostsleep" && ! alive "$hostsleep"; then
    bad kill-host-pid-survives "the host's sleep $hostsleep died"
fi
# The pid of the sbx process itself: sh's pid becomes sbx's by exec.
if wanted kill-sbx-pid; then
    out=$(timeout -k 5 "$TIMEOUT" sh -c 'exec "$0" run -- "$1" kill-host-pid $$' \
        "$SBX" "$bin/sys_refused" 2>"$work/err" </dev/null)
    st=$?
    case "$st:$out" in
    0:ok:*) ok kill-sbx-pid ;;
    77:skip:*) skipped kill-sbx-pid "${out#skip: }" ;;
    *) bad kill-sbx-pid "status $st, '$out'" ;;
    esac
fi
if attempt ptrace-host-pid -- sys_refused ptrace-host-pid "$hostsleep"; then
    tracer=$(awk '/^TracerPid:/ {print $2}' "/proc/$hostsleep/status" 2>/dev/null)
    alive "$hostsleep" && [ "$tracer" = 0 ] ||
        bad ptrace-host-pid-untouched "host sleep alive: $(alive "$hostsleep" && echo yes), TracerPid '$tracer'"
fi
attempt process_vm-host-pid -- sys_refused process_vm-host-pid "$hostsleep"

# --- the host kernel's own interfaces ---------------------------------------
for call in bpf perf_event_open keyctl init_module kexec io_uring userfaultfd \
    open_by_handle_at ioport; do
    attempt "$call" -- sys_refused "$call"
done
iface=""
for n in /sys/class/net/*; do [ "${n##*/}" != lo ] && [ -e "$n" ] && iface=${n##*/} && break; done
attempt socket-packet -- sys_refused socket-packet "$iface"
attempt socket-raw -- sys_refused socket-raw
hostaddr=$(hostname -I 2>/dev/null | awk '{print $1}')
attempt inet-off-host -- sys_refused inet-off-host "$hostaddr"
attempt devices -- fs_escape devices
core_before=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
if attempt kernel-files -- fs_escape kernel-files &&
    [ "$(cat /proc/sys/kernel/core_pattern 2>/dev/null)" != "$core_before" ]; then
    bad kernel-files-host-untouched "the host's core_pattern changed"
fi
attempt mount-host-fs -- fs_escape mounts "$token" "$sec/secret"
attempt chroot-pivot_root -- fs_escape chroot "$token" "$sec/secret"
attempt unshare-setns -- sys_refused unshare
if attempt seccomp-app-filter -- sys_refused seccomp; then
    out=$(timeout 10 "$SBX" run -- /bin/busybox echo next 2>&1 </dev/null)
    [ "$out" = next ] || bad seccomp-next-sandbox "a sandbox after it: '$out'"
fi

# --- other ways to make a call: JIT, int 0x80, vsyscall, the stub page ------
# Random calls with hostile arguments (60,000 per seed): the Sentry must
# answer all of them and stay up. Fixed seeds, so a failure reproduces.
for seed in 1 2 3; do
    attempt "sys-fuzz-$seed" -- sys_fuzz fuzz "$seed" 40 1500
done
# The same from 4 threads of one process at once (shared fds, memory, signal
# handlers): races in the Sentry's tables.
for seed in 4 5; do
    attempt "sys-fuzz-threads-$seed" -- sys_fuzz fuzz "$seed" 30 1000 4
done
attempt jit-page-syscall -- code_paths jit-syscall
attempt int80 -- code_paths int80
attempt vsyscall -- code_paths vsyscall
attempt stub-page-remap -- code_paths stub-page
attempt stub-page-jump -- code_paths stub-jump
attempt proc-self-mem -- code_paths proc-self-mem
attempt vdso-syscall -- code_paths vdso

# --- the rootfs overlay -------------------------------------------------------
if wanted overlay-etc-passwd; then
    before=$(sha256sum /etc/passwd /etc/shadow 2>/dev/null)
    out=$(timeout "$TIMEOUT" "$SBX" run -- /bin/sh -c \
        'echo "sbxevil::0:0::/:/bin/sh" >> /etc/passwd && chmod 666 /etc/shadow && : > /etc/shadow &&
         grep -c "^sbxevil:" /etc/passwd && wc -c < /etc/shadow' 2>"$work/err" </dev/null)
    after=$(sha256sum /etc/passwd /etc/shadow 2>/dev/null)
    if [ "$out" != "$(printf '1\n0')" ]; then
        bad overlay-etc-passwd "inside: '$out'"
    elif [ "$before" != "$after" ]; then
        bad overlay-etc-passwd "the host's /etc/passwd or /etc/shadow changed"
    else
        ok overlay-etc-passwd
    fi
fi

# --- limits (issue 6): fill a tmpfs; pids, memory, time, disk ---------------
attempt tmpfs-fill-enospc --tmpfs /x:size=1m -- fs_escape fill /x 1100000
if sbx_has --disk; then
    attempt overlay-fill-enospc --disk 1m -- fs_escape fill /var/tmp 1100000
elif wanted overlay-fill-enospc; then
    skipped overlay-fill-enospc "sbx has no --disk option yet (issue 6)"
fi

# descendants PID: PID and every process below it on the host.
descendants() {
    local p
    echo "$1"
    for p in $(pgrep -P "$1"); do descendants "$p"; done
}

if ! wanted fork-bomb-pids; then
    :
elif ! sbx_has --pids; then
    skipped fork-bomb-pids "sbx has no --pids option yet (issue 6)"
else
    timeout -k 5 30 "$SBX" run --pids 64 -- /bin/bash -c ':(){ :|:& };:' \
        >/dev/null 2>"$work/err" </dev/null &
    bomb=$!
    most=0
    while kill -0 "$bomb" 2>/dev/null; do
        n=$(descendants "$bomb" | wc -l)
        [ "$n" -gt "$most" ] && most=$n
        sleep 0.2
    done
    wait "$bomb"
    st=$?
    # Each app process is a stub on the host, plus sbx, the Gofer and the
    # Sentry: a little more than 64 at most.
    if [ "$st" = 124 ] || [ "$st" = 137 ]; then
        bad fork-bomb-pids "still running after 30 s"
    elif [ "$most" -gt 72 ]; then
        bad fork-bomb-pids "$most host processes at the peak, want <= 72"
    else
        ok fork-bomb-pids
    fi
fi

if ! wanted memory-bomb; then
    :
elif ! sbx_has --memory; then
    skipped memory-bomb "sbx has no --memory option yet (issue 6)"
else
    out=$(timeout -k 5 60 "$SBX" run --memory 256M -- python3 -c 'x = bytearray(1 << 30)' \
        2>&1 </dev/null)
    st=$?
    if [ "$st" = 137 ] || { [ "$st" = 1 ] && [[ "$out" == *MemoryError* ]]; }; then
        ok memory-bomb
    else
        bad memory-bomb "status $st, want MemoryError or SIGKILL: $(printf %s "$out" | tail -c 200)"
    fi
fi

if ! wanted spin-timeout; then
    :
elif ! sbx_has --timeout; then
    skipped spin-timeout "sbx has no --timeout option yet (issue 6)"
else
    start=$(date +%s%N)
    timeout -k 5 30 "$SBX" run --timeout 2 -- /bin/busybox sh -c 'while :; do :; done' \
        >/dev/null 2>"$work/err" </dev/null
    st=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    if [ "$st" != 124 ] || [ "$ms" -gt 4000 ]; then
        bad spin-timeout "status $st after $ms ms, want 124 (sbx's timeout status) within 4000 ms"
    else
        ok spin-timeout
    fi
fi

# --- the Sentry and its stubs on the host ------------------------------------
# While an app runs, the Sentry and every stub are under seccomp (mode 2);
# when sbx is killed with SIGKILL, none of them survives 3 s.
if wanted sentry-seccomp-sigkill; then
    "$SBX" run -- /bin/busybox sh -c 'sleep 30 & sleep 30' >/dev/null 2>"$work/err" </dev/null &
    sbx_pid=$!
    tree="" sentry=""
    for _ in $(seq 100); do
        sleep 0.05
        tree=$(descendants "$sbx_pid" | grep -vx "$sbx_pid" | tr '\n' ' ')
        for p in $tree; do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sbx-sentry ] && [ -z "$sentry" ] && sentry=$p
        done
        # The Sentry, its two sleeps' stubs and the shell's: settled.
        [ -n "$sentry" ] && [ "$(descendants "$sentry" | wc -l)" -ge 3 ] && break
    done
    unlocked=""
    for p in $tree; do
        # Gofers have a filter of their own (checked in unit tests); sbx-nswait
        # only waits for the Sentry (pid 1 of its namespace) outside it.
        case "$(cat "/proc/$p/comm" 2>/dev/null)" in sbx-gofer | sbx-nswait) continue ;; esac
        mode=$(awk '/^Seccomp:/ {print $2}' "/proc/$p/status" 2>/dev/null)
        [ -n "$mode" ] && [ "$mode" != 2 ] && unlocked="$unlocked $p($(cat "/proc/$p/comm"):$mode)"
    done
    kill -9 "$sbx_pid"
    wait "$sbx_pid" 2>/dev/null
    left=""
    for _ in $(seq 30); do
        left=""
        for p in $tree; do alive "$p" && left="$left $p($(cat "/proc/$p/comm" 2>/dev/null))"; done
        [ -z "$left" ] && break
        sleep 0.1
    done
    if [ -z "$sentry" ]; then
        bad sentry-seccomp-sigkill "no sbx-sentry process seen under sbx ($tree)"
    elif [ -n "$unlocked" ]; then
        bad sentry-seccomp-sigkill "not in seccomp mode 2:$unlocked"
    elif [ -n "$left" ]; then
        for p in $left; do kill -9 "${p%%(*}" 2>/dev/null; done
        bad sentry-seccomp-sigkill "3 s after SIGKILL of sbx still running:$left"
    else
        ok sentry-seccomp-sigkill
    fi
fi

# Killing the Sentry itself (not sbx): every stub dies with it (they are in
# its pid namespace and carry PDEATHSIG), and sbx reports the Sentry's death.
if wanted sentry-killed-no-stub-left; then
    "$SBX" run -- /bin/busybox sh -c 'sleep 30 & sleep 30' >/dev/null 2>"$work/err" </dev/null &
    sbx_pid=$!
    tree="" sentry=""
    for _ in $(seq 100); do
        sleep 0.05
        tree=$(descendants "$sbx_pid" | grep -vx "$sbx_pid" | tr '\n' ' ')
        for p in $tree; do
            [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sbx-sentry ] && [ -z "$sentry" ] && sentry=$p
        done
        [ -n "$sentry" ] && [ "$(descendants "$sentry" | wc -l)" -ge 3 ] && break
    done
    stubs=$( [ -n "$sentry" ] && descendants "$sentry" | grep -vx "$sentry" | tr '\n' ' ')
    [ -n "$sentry" ] && kill -9 "$sentry"
    wait "$sbx_pid" 2>/dev/null
    st=$?
    left=""
    for _ in $(seq 30); do
        left=""
        for p in $stubs; do alive "$p" && left="$left $p"; done
        [ -z "$left" ] && break
        sleep 0.1
    done
    if [ -z "$sentry" ] || [ -z "$stubs" ]; then
        bad sentry-killed-no-stub-left "no Sentry or stubs seen ($tree)"
    elif [ -n "$left" ]; then
        for p in $left; do kill -9 "$p" 2>/dev/null; done
        bad sentry-killed-no-stub-left "stubs alive 3 s after the Sentry died:$left"
    elif [ "$st" = 0 ]; then
        bad sentry-killed-no-stub-left "sbx exited 0 though its Sentry was killed"
    else
        ok sentry-killed-no-stub-left
    fi
fi

summary="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ "$fail" -eq 0 ]
