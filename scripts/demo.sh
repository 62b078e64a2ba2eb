#!/bin/bash
# scripts/demo.sh BUILD_DIR: run real programs in sandboxes and show what
# the sandbox does. Called by `make demo`.
B=${1:-build}
SBX="$B/sbx"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$*"; "$@"; echo "[exit status $?]"; }

echo "sbx: a user-space kernel in C. Every system call of the program below is"
echo "answered by the Sentry (ptrace platform); files come through the Gofer."

run "$SBX" info
run "$SBX" run -- /bin/busybox echo hello from a sandbox
run "$SBX" run -- /bin/uname -a
run "$SBX" run -- /usr/bin/id
run "$SBX" run -- /bin/ls /
run "$SBX" run -- python3 -c 'import sys, platform; print("python", sys.version.split()[0], "on", platform.node())'
run "$SBX" run -- /usr/bin/env
step "$SBX run -- sh -c 'echo owned >> /etc/passwd; tail -1 /etc/passwd'   # writes land in a private overlay"
"$SBX" run -- /bin/sh -c 'echo owned >> /etc/passwd; tail -1 /etc/passwd'
echo "[host /etc/passwd still ends with: $(tail -1 /etc/passwd)]"
demo_dir=$(mktemp -d)
step "$SBX run --mount $demo_dir:/work --cwd /work -- git init + commit   # a host directory, shared on purpose"
"$SBX" run --mount "$demo_dir:/work" --cwd /work -- /bin/sh -c \
    'git init -q . && echo hi > a && git add a && git -c user.name=demo -c user.email=d@x commit -qm "made in a sandbox" && git log --oneline'
echo "[on the host: $(git -C "$demo_dir" log --oneline 2>&1)]"
rm -rf "$demo_dir"
run "$SBX" run -- /bin/busybox sh -c 'echo private > /tmp/note && read x < /tmp/note && echo "/tmp says: $x"'
run "$SBX" run -- /bin/busybox sh -c 'exit 7'
step "$SBX run --trace -- /bin/busybox true   # every call, strace-style (last 6 lines)"
"$SBX" run --trace -- /bin/busybox true 2>&1 | tail -6
step "grep Seccomp /proc/<sentry>/status   # the Sentry runs under its own filter"
"$SBX" run -- /bin/busybox sleep 1 &
sleep 0.3
for p in $(pgrep -x sbx-sentry); do
    grep -q '^PPid:.*' /proc/"$p"/status && echo "pid $p: $(grep Seccomp: /proc/"$p"/status)"
done | head -1
wait
