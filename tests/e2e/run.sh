#!/bin/bash
# tests/e2e/run.sh BUILD_DIR: real programs through `sbx run`, end to end.
# Each check prints PASS/FAIL; the last line is `N passed, N failed`.
set -u
B=${1:-build}
SBX=$(cd "$(dirname "$B/sbx")" && pwd)/sbx
[ -x "$SBX" ] || { echo "e2e: no $SBX"; echo "0 passed, 1 failed"; exit 1; }
# Not under /tmp: the sandbox's /tmp is its own tmpfs.
. "$(dirname "$0")/../../scripts/visible-dir.sh"
work=$(mktemp -d "$(visible_dir "$B/e2e")/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# expect NAME WANT_STATUS WANT_STDOUT -- CMD...: stdout and status must match.
expect() {
    local name=$1 want_st=$2 want_out=$3
    shift 4
    local out st
    out=$(timeout 30 "$@" 2>"$work/err" </dev/null)
    st=$?
    if [ "$st" != "$want_st" ]; then
        bad "$name" "status $st, want $want_st; stderr: $(tail -c 300 "$work/err")"
    elif [ "$out" != "$want_out" ]; then
        bad "$name" "stdout '$(printf %s "$out" | head -c 200)', want '$want_out'"
    else
        ok "$name"
    fi
}

# same NAME -- CMD...: sandbox and native agree on stdout and status.
same() {
    local name=$1
    shift 2
    local nat sb nst sst
    nat=$(cd / && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root TERM=xterm "$@" 2>/dev/null </dev/null)
    nst=$?
    sb=$(timeout 30 "$SBX" run -- "$@" 2>"$work/err" </dev/null)
    sst=$?
    if [ "$nst" != "$sst" ]; then
        bad "$name" "status $sst in sandbox, $nst native; stderr: $(tail -c 300 "$work/err")"
    elif [ "$nat" != "$sb" ]; then
        bad "$name" "stdout differs: $(diff <(echo "$nat") <(echo "$sb") | head -5)"
    else
        ok "$name"
    fi
}

expect busybox-echo 0 hello -- "$SBX" run -- /bin/busybox echo hello
expect busybox-exit-status 7 "" -- "$SBX" run -- /bin/busybox sh -c 'exit 7'
same ls-root -- /bin/ls /
same ls-long-etc -- /bin/ls -la /etc/ssl
same cat-os-release -- /bin/cat /etc/os-release
same sha256sum -- /usr/bin/sha256sum /bin/ls /etc/passwd
same find-etc -- /usr/bin/find /etc/ssl -maxdepth 2
same grep -- /bin/grep -c root /etc/passwd
same busybox-wc -- /bin/busybox wc -l /etc/services
expect python3-S 0 42 -- "$SBX" run -- python3 -S -c 'print(6*7)'
expect python3-site 0 "['certs', 'openssl.cnf', 'private']" -- \
    "$SBX" run -- python3 -c 'import os; print(sorted(os.listdir("/etc/ssl")))'
expect sqlite3-tmp 0 42 -- "$SBX" run -- /usr/bin/sqlite3 /tmp/t.db \
    "create table t(x); insert into t values (6*7); select * from t;"
expect python3-sqlite 0 499500 -- "$SBX" run -- python3 -c '
import sqlite3
db = sqlite3.connect("/tmp/a.db")
db.execute("create table t(x)")
db.executemany("insert into t values (?)", [(i,) for i in range(1000)])
db.commit()
print(db.execute("select sum(x) from t").fetchone()[0])'
# Processes, pipes, signals (issue 3).
expect bash-pipeline 0 "$(printf '3\n2\n3')" -- "$SBX" run -- /bin/bash -c \
    'for i in 1 2 3; do echo $i; done | sort -r | head -2; (exit 3); echo $?'
expect busybox-kill-wait 0 143 -- "$SBX" run -- /bin/busybox sh -c 'sleep 5 & kill $!; wait $!; echo $?'
expect python3-threads-fork 0 "$(printf '4000\nsub\n3')" -- "$SBX" run -- python3 -S -c '
import threading, subprocess, os
c = [0]; l = threading.Lock()
def w():
    for _ in range(1000):
        with l: c[0] += 1
ts = [threading.Thread(target=w) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(c[0])
print(subprocess.run(["/bin/echo", "sub"], capture_output=True, text=True).stdout.strip())
pid = os.fork()
if pid == 0: os._exit(3)
print(os.waitpid(pid, 0)[1] >> 8)'
expect threads-spawning-processes 0 ok -- "$SBX" run -- python3 -S -c '
import threading, subprocess
def w(i):
    for _ in range(10):
        r = subprocess.run(["/bin/echo", str(i)], capture_output=True)
        assert r.stdout.strip() == str(i).encode()
ts = [threading.Thread(target=w, args=(i,)) for i in range(6)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ok")'
expect ps-sees-only-sandbox 0 yes -- "$SBX" run -- /bin/sh -c \
    'n=$(ls -d /proc/[0-9]* | wc -l); [ -d /proc/1 ] && [ "$n" -le 6 ] && echo yes || echo "no: $n"'
expect gcc-compile-run 0 "hi from gcc" -- "$SBX" run -- /bin/sh -c \
    'printf "#include <stdio.h>\nint main(void){puts(\"hi from gcc\");return 0;}\n" > /tmp/h.c && gcc -o /tmp/h /tmp/h.c && /tmp/h'
expect git-commit 0 1 -- "$SBX" run -- /bin/sh -c \
    'cd /tmp && git init -q r && cd r && git -c user.email=a@b -c user.name=n commit -q --allow-empty -m m && git log --oneline | wc -l'
expect path-lookup 0 hi -- "$SBX" run -- busybox echo hi
expect clean-env 0 "$(printf 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOME=/root\nTERM=xterm\nX=1')" -- \
    env TERM=xterm FOO=leak "$SBX" run --env X=1 -- /usr/bin/env
expect env-override 0 "PATH=/bin" -- "$SBX" run --env PATH=/bin -- /bin/busybox sh -c 'echo PATH=$PATH'
expect cwd 0 /etc -- "$SBX" run --cwd /etc -- /bin/busybox pwd
expect cwd-relative-read 0 "$(head -1 /etc/os-release)" -- \
    "$SBX" run --cwd /etc -- /bin/busybox head -1 os-release
expect tmp-write-read 0 data -- "$SBX" run -- /bin/busybox sh -c 'echo data > /tmp/f && read x < /tmp/f && echo $x'
# The default rootfs is an overlay: writes succeed inside, never reach the host.
expect rootfs-overlay-write 0 x -- "$SBX" run -- /bin/sh -c 'echo x > /etc/sbx-e2e && cat /etc/sbx-e2e'
if [ -e /etc/sbx-e2e ]; then bad rootfs-untouched "/etc/sbx-e2e appeared on the host"; else ok rootfs-untouched; fi
expect overlay-delete-lower 0 "gone
back" -- "$SBX" run -- /bin/sh -c 'rm /etc/hostname && { test -e /etc/hostname || echo gone; } && echo back > /etc/hostname && cat /etc/hostname'
if [ -e /etc/hostname ] && [ "$(cat /etc/hostname)" != back ]; then ok overlay-lower-untouched; else bad overlay-lower-untouched "/etc/hostname changed on the host"; fi
expect overlay-rename-dir 0 "ok" -- "$SBX" run -- /bin/sh -c 'n=$(ls /usr/share/doc/bash | wc -l); mv /usr/share/doc/bash /usr/share/doc/b2 && test ! -e /usr/share/doc/bash && test "$(ls /usr/share/doc/b2 | wc -l)" = "$n" && mkdir /usr/share/doc/bash && test -z "$(ls /usr/share/doc/bash)" && echo ok'
expect overlay-copy-up-keeps-mode 0 "4755 root
755 root" -- "$SBX" run -- /bin/sh -c 'touch -a /usr/bin/passwd && stat -c "%a %U" /usr/bin/passwd && chown root /usr/bin/passwd && stat -c "%a %U" /usr/bin/passwd'
expect dev-stdin-pipe 0 hi -- "$SBX" run -- /bin/sh -c 'echo hi | cat /dev/stdin'
expect bash-process-substitution 0 "procsub
same" -- "$SBX" run -- /bin/bash -c 'cat <(echo procsub); diff <(echo a) <(echo a) && echo same'
expect dev-stdout-reopen 0 out -- "$SBX" run -- /bin/sh -c 'echo out > /dev/stdout'
expect fifo-rendezvous 0 "hello" -- "$SBX" run -- /bin/sh -c 'cd /tmp && mkfifo p && { echo hello > p & } && cat p'
expect app-mount-tmpfs 0 "ok" -- "$SBX" run -- /bin/sh -c 'mount -t tmpfs -o size=64k t /mnt && ! dd if=/dev/zero of=/mnt/f bs=4k count=100 2>/dev/null && grep -q " /mnt tmpfs" /proc/mounts && umount /mnt && echo ok'
expect sysfs-cpus 0 "$(cat /sys/devices/system/cpu/online)" -- "$SBX" run -- /bin/cat /sys/devices/system/cpu/online
expect tmp-private 0 "" -- "$SBX" run -- /bin/busybox sh -c "ls /tmp"
expect dev-null 0 "0 /dev/null" -- "$SBX" run -- /bin/busybox wc -c /dev/null
expect urandom 0 16 -- "$SBX" run -- python3 -S -c 'print(len(open("/dev/urandom", "rb").read(16)))'

timeout 20 "$SBX" run -- /usr/bin/yes 2>/dev/null | head -1 >/dev/null
st=${PIPESTATUS[0]}
[ "$st" = 141 ] && ok sigpipe-on-closed-stdout || bad sigpipe-on-closed-stdout "status $st, want 141"

out=$( (sleep 1.5; echo late) | timeout 20 "$SBX" run -- python3 -S -c '
import signal, sys
signal.signal(signal.SIGALRM, lambda s, f: print("alarm", flush=True))
signal.alarm(1)
print(sys.stdin.readline().strip())' 2>&1)
[ "$out" = "$(printf 'alarm\nlate')" ] && ok signal-during-stdin-read || bad signal-during-stdin-read "got '$out'"

out=$(echo piped | "$SBX" run -- /bin/cat 2>&1)
[ "$out" = piped ] && ok stdin-passthrough || bad stdin-passthrough "got '$out'"

expect signal-exit-status 143 "" -- "$SBX" run -- python3 -S -c 'import os; os.kill(os.getpid(), 15)'
expect segv-exit-status 139 "" -- "$SBX" run -- python3 -S -c 'import ctypes; ctypes.string_at(8)'
expect not-found 127 "" -- "$SBX" run -- no-such-command-sbx
expect not-executable 126 "" -- "$SBX" run -- /etc/passwd
printf '\177ELF\002\001\001garbage-not-an-elf-image' >"$work/bad-elf"
chmod +x "$work/bad-elf"
expect malformed-elf 126 "" -- "$SBX" run -- "$work/bad-elf"
grep -q "Exec format error" "$work/err" && ok malformed-elf-message || bad malformed-elf-message "$(cat "$work/err")"

# Programs of our own, built statically.
PROGS=$(visible_dir "$B/e2e/bin")
for src in "$(dirname "$0")"/progs/*.c; do
    bin="$PROGS/$(basename "$src" .c)"
    [ "$bin" -nt "$src" ] || gcc -static -O1 -Wall -o "$bin" "$src" || bad "build $src" "gcc failed"
done
expect int80-refused 0 -38 -- "$SBX" run -- "$PROGS/int80"
# Clock reads go through the vDSO: 30000 of them cost a handful of traps.
expect vdso-clock-loop 0 done -- "$SBX" run --stats -- "$PROGS/clockloop" 10000
nsys=$(sed -n 's/.*stats: init syscalls=\([0-9]*\).*/\1/p' "$work/err")
if [ -n "$nsys" ] && [ "$nsys" -lt 1000 ]; then
    ok vdso-clock-no-traps
else
    bad vdso-clock-no-traps "30000 clock reads made ${nsys:-?} syscalls, want < 1000"
fi

# AF_UNIX sockets in the Sentry (issue 5): python's socket module.
expect unix-socketpair 0 ping -- "$SBX" run -- python3 -S -c '
import socket
a, b = socket.socketpair()
a.sendall(b"ping")
print(b.recv(4).decode())'
cat >"$work/unix_srv.py" <<'PYEOF'
import os, socket, stat, sys
p = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
s.bind(p)
s.listen()
if os.fork() == 0:
    c = socket.socket(socket.AF_UNIX)
    c.connect(p)
    c.sendall(b"x" * 300000)
    c.close()
    os._exit(0)
conn, _ = s.accept()
n = 0
while True:
    d = conn.recv(65536)
    if not d:
        break
    n += len(d)
os.wait()
print(n, stat.S_ISSOCK(os.stat(p).st_mode))
os.unlink(p)
PYEOF
udir="$work/unixmount"
mkdir -p "$udir"
expect unix-server-tmpfs 0 "300000 True" -- "$SBX" run -- python3 -S "$work/unix_srv.py" /tmp/s.sock
expect unix-server-overlay 0 "300000 True" -- "$SBX" run -- python3 -S "$work/unix_srv.py" /var/s.sock
expect unix-server-gofer-mount 0 "300000 True" -- "$SBX" run --mount "$udir:/srv" -- python3 -S "$work/unix_srv.py" /srv/s.sock
# AF_INET/AF_INET6 on the Sentry's netstack (issue 5), loopback only.
expect tcp-thread-1mb 0 True -- "$SBX" run -- python3 -S -c '
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen()
N = 1 << 20
def serve():
    c, _ = s.accept()
    got = bytearray()
    while len(got) < N:
        d = c.recv(65536)
        if not d:
            break
        got += d
    c.sendall(got)
    c.close()
t = threading.Thread(target=serve)
t.start()
c = socket.create_connection(s.getsockname())
data = bytes(range(256)) * (N // 256)
c.sendall(data)
back = bytearray()
while len(back) < N:
    d = c.recv(65536)
    if not d:
        break
    back += d
t.join()
print(bytes(back) == data)'
cat >"$work/http.sh" <<'SHEOF'
cd /tmp && echo "hello from the sandbox" >index.html
python3 -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1 &
for i in $(seq 50); do
    python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8000/index.html").read().decode().strip())' 2>/dev/null && break
    sleep 0.2
done
kill $!
SHEOF
expect http-server-localhost 0 "hello from the sandbox" -- "$SBX" run -- sh "$work/http.sh"
expect udp-v4-echo 0 "b'ping' True" -- "$SBX" run -- python3 -S -c '
import socket
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.sendto(b"ping", a.getsockname())
d, src = a.recvfrom(100)
print(d, src == ("127.0.0.1", b.getsockname()[1]))'
expect proc-net-tcp-listener 0 "0100007F:1F90 0A" -- "$SBX" run -- python3 -S -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 8080)); s.listen()
for l in open("/proc/net/tcp").read().splitlines()[1:]:
    f = l.split()
    print(f[1], f[3])'
cat >"$work/asyncio6.py" <<'PYEOF'
import asyncio
async def handle(r, w):
    while True:
        d = await r.readline()
        if not d:
            break
        w.write(d)
        await w.drain()
    w.close()
async def main():
    srv = await asyncio.start_server(handle, "::1", 0)
    port = srv.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("::1", port)
    n = 0
    for i in range(10000):
        w.write(b"msg %d\n" % i)
        await w.drain()
        if (await r.readline()) == b"msg %d\n" % i:
            n += 1
    w.close()
    srv.close()
    print(n)
asyncio.run(main())
PYEOF
expect asyncio-echo-v6 0 10000 -- "$SBX" run -- python3 "$work/asyncio6.py"
expect tcp-100mb-sha256 0 "True True" -- "$SBX" run -- python3 -S -c '
import socket, threading, hashlib
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
N = 100 << 20
res = {}
def serve():
    c, _ = s.accept(); h = hashlib.sha256(); n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d); n += len(d)
    res["h"] = h.hexdigest(); res["n"] = n
t = threading.Thread(target=serve); t.start()
c = socket.create_connection(s.getsockname())
blk = bytes(range(256)) * 256; h = hashlib.sha256()
for i in range(N // len(blk)):
    c.sendall(blk); h.update(blk)
c.close(); t.join()
print(res["n"] == N, res["h"] == h.hexdigest())'
expect tcp-socketserver-100-clients 0 100 -- "$SBX" run -- python3 -S -c '
import socket, threading, socketserver
class H(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(4096)
            if not d:
                break
            self.request.sendall(d)
class S(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
srv = S(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
ok = [0]
lock = threading.Lock()
def cli(i):
    c = socket.create_connection(srv.server_address)
    for k in range(20):
        m = b"%d-%d " % (i, k) * 50
        c.sendall(m)
        got = b""
        while len(got) < len(m):
            got += c.recv(65536)
        assert got == m
    c.close()
    with lock:
        ok[0] += 1
ts = [threading.Thread(target=cli, args=(i,)) for i in range(100)]
[t.start() for t in ts]
[t.join() for t in ts]
print(ok[0])
srv.shutdown()'
[ -z "$(ls -A "$udir")" ] && ok unix-gofer-mount-name-removed || bad unix-gofer-mount-name-removed "$(ls -A "$udir")"
expect unix-send-fds 0 "via passed fd" -- "$SBX" run -- python3 -S -c '
import os, socket
a, b = socket.socketpair()
r, w = os.pipe()
socket.send_fds(a, [b"f"], [r])
msg, fds, flags, addr = socket.recv_fds(b, 1, 4)
os.write(w, b"via passed fd")
print(os.read(fds[0], 100).decode())'
expect unix-asyncio-echo 0 1000 -- "$SBX" run -- python3 -S -c '
import asyncio
async def handle(r, w):
    while True:
        line = await r.readline()
        if not line:
            break
        w.write(line)
        await w.drain()
    w.close()
async def main():
    srv = await asyncio.start_unix_server(handle, "/tmp/echo.sock")
    r, w = await asyncio.open_unix_connection("/tmp/echo.sock")
    n = 0
    for i in range(1000):
        w.write(b"m%d\n" % i)
        await w.drain()
        if await r.readline() == b"m%d\n" % i:
            n += 1
    w.close()
    srv.close()
    print(n)
asyncio.run(main())'

# Writable mounts (--mount SRC:DST[:ro|:rw]) and --rootfs-writable.
mdir="$work/mount"
mkdir -p "$mdir"
expect mount-git 0 "1 first" -- "$SBX" run --mount "$mdir:/work" --cwd /work -- /bin/sh -c '
git init -q repo && cd repo && echo hello > a.txt && git add a.txt &&
GIT_AUTHOR_NAME=n GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=n GIT_COMMITTER_EMAIL=a@b \
git commit -q -m first && echo "$(git log --oneline | wc -l) $(git log --format=%s)"'
if [ "$(git -C "$mdir/repo" log --format=%s 2>&1)" = first ] &&
    [ -z "$(git -C "$mdir/repo" status --porcelain 2>&1)" ]; then
    ok mount-git-visible-on-host
else
    bad mount-git-visible-on-host "$(git -C "$mdir/repo" log --oneline 2>&1 | head -3)"
fi
expect mount-proc-mounts 0 "$mdir /srv 9p" -- "$SBX" run --mount "$mdir:/srv:rw" -- /bin/sh -c \
    'grep " /srv " /proc/mounts | cut -d" " -f1-3'
expect mount-ro-erofs 0 "Read-only file system" -- "$SBX" run --mount "$mdir:/srv:ro" -- /bin/sh -c \
    '(echo x > /srv/new) 2>&1 | grep -o "Read-only file system"; cat /srv/repo/a.txt >/dev/null'
[ -e "$mdir/new" ] && bad mount-ro-untouched "$mdir/new appeared" || ok mount-ro-untouched
echo one >"$work/single"
expect mount-single-file 0 "$(printf 'one\ntwo')" -- "$SBX" run --mount "$work/single:/etc/hostname" -- \
    /bin/sh -c 'echo two >> /etc/hostname && cat /etc/hostname'
[ "$(cat "$work/single")" = "$(printf 'one\ntwo')" ] && ok mount-single-file-on-host ||
    bad mount-single-file-on-host "$(cat "$work/single")"
mkdir -p "$work/mapdir"
expect shared-map-on-mount 0 "read sees the mapping: via-map
the mapping sees write: WRITE
another process's writes: child" -- "$SBX" run --mount "$work/mapdir:/srv" -- "$PROGS/shared_map" /srv
got=$(dd if="$work/mapdir/mapped" bs=1 skip=200 count=6 2>/dev/null)$(dd if="$work/mapdir/mapped" bs=1 skip=300 count=8 2>/dev/null)
[ "$got" = syncedunmapped ] && ok shared-map-written-back || bad shared-map-written-back "host file has '$got'"
# Issue 4's "done when" checks, as written there.
expect done-sqlite-10000 0 "10000|50005000" -- "$SBX" run -- /bin/bash -c 'cd /tmp && sqlite3 t.db "create table t(x); with recursive c(i) as (select 1 union all select i+1 from c where i<10000) insert into t select i from c; select count(*), sum(x) from t;"'
expect done-etc-probe 0 x -- "$SBX" run -- /bin/sh -c 'echo x > /etc/sbx-probe && cat /etc/sbx-probe'
[ ! -e /etc/sbx-probe ] && ok done-etc-probe-host-untouched || bad done-etc-probe-host-untouched "/etc/sbx-probe on the host"
native_sums=$(cd /usr/include && find . -type f | sort | xargs sha256sum | sha256sum)
expect done-tar-roundtrip 0 "$native_sums" -- "$SBX" run -- /bin/sh -c 'cd /tmp && tar -czf a.tgz /usr/include 2>/dev/null && mkdir o && cd o && tar -xzf ../a.tgz && cd usr/include && find . -type f | sort | xargs sha256sum | sha256sum'
pyjson=$(ls -d /usr/lib/python3*/json | head -1)
native_pyc=$(d=$(mktemp -d) && cp -r "$pyjson" "$d/x" && python3 -m compileall -q "$d/x" && ls "$d/x/__pycache__" | wc -l; rm -rf "$d")
expect done-compileall 0 "$native_pyc" -- "$SBX" run -- /bin/sh -c "cp -r $pyjson /tmp/x && python3 -m compileall -q /tmp/x && ls /tmp/x/__pycache__ | wc -l"
mkdir -p "$work/tmpfdir"
expect tmpfile-on-mount 0 "linked size 7" -- "$SBX" run --mount "$work/tmpfdir:/srv" -- "$PROGS/tmpfile_link" /srv
[ "$(cat "$work/tmpfdir/linked" 2>&1)" = tmpdata ] && ok tmpfile-on-mount-host || bad tmpfile-on-mount-host "$(ls -la "$work/tmpfdir")"
# A missing mountpoint is made in the overlay's private layer, not on the host.
expect mount-missing-dst-made 0 "yes" -- "$SBX" run --mount "$mdir:/no/such/dir" --tmpfs /no/such/tmp -- \
    /bin/sh -c 'grep -q " /no/such/dir 9p " /proc/mounts && grep -q " /no/such/tmp tmpfs " /proc/mounts && echo yes'
[ ! -e /no/such ] && ok mount-missing-dst-host-untouched || bad mount-missing-dst-host-untouched "/no/such made on the host"
"$SBX" run --overlay=none --mount "$mdir:/no/such/dir" -- /bin/true 2>"$work/err"
st=$?
if [ "$st" = 2 ] && [ "$(cat "$work/err")" = "sbx: --mount /no/such/dir: No such file or directory" ]; then
    ok mount-missing-dst-writable-rootfs
else
    bad mount-missing-dst-writable-rootfs "status $st: $(cat "$work/err")"
fi
rfs="$work/rootfs"
mkdir -p "$rfs/bin" "$rfs/etc" "$rfs/tmp" "$rfs/dev" "$rfs/proc"
cp /bin/busybox "$rfs/bin/"
expect rootfs-writable 0 "" -- "$SBX" run --rootfs "$rfs" --rootfs-writable -- /bin/busybox sh -c \
    'echo w > /etc/written && /bin/busybox mkdir /made && /bin/busybox mv /etc/written /made/moved'
[ "$(cat "$rfs/made/moved" 2>&1)" = w ] && ok rootfs-writable-on-host ||
    bad rootfs-writable-on-host "$(ls -R "$rfs" | head -5)"
expect overlay-none 0 "" -- "$SBX" run --rootfs "$rfs" --overlay=none -- /bin/busybox rm /made/moved
[ ! -e "$rfs/made/moved" ] && ok overlay-none-on-host || bad overlay-none-on-host "still there"
expect rootfs-default-overlay 0 "x" -- "$SBX" run --rootfs "$rfs" -- /bin/busybox sh -c 'echo x > /etc/w2 && /bin/busybox cat /etc/w2'
[ ! -e "$rfs/etc/w2" ] && ok rootfs-default-overlay-host-untouched || bad rootfs-default-overlay-host-untouched "$rfs/etc/w2 written"
expect tmpfs-option 0 "tmpfs /mnt tmpfs rw,relatime 0 0
full" -- "$SBX" run --tmpfs /mnt:size=64k -- /bin/sh -c 'grep " /mnt " /proc/mounts; dd if=/dev/zero of=/mnt/f bs=4k count=100 2>/dev/null || echo full'

# Usage errors: one line on stderr, status 2.
for args in "" "run" "bogus" "run --env NOEQUALS -- true" "run --cwd rel -- true" \
    "run --platform nope -- true" "run --no-such-flag -- true" "run --mount nocolon -- true" \
    "run --mount /tmp:rel -- true" "run --mount /tmp:/srv:rx -- true" "run --overlay=bogus -- true" \
    "run --mount /no/such/src:/srv -- true" "run --tmpfs rel -- true" "run --tmpfs /mnt:size=x -- true" \
    "run --memory -1 -- true" "run --memory 10q -- true" "run --pids 0 -- true" "run --pids -5 -- true" \
    "run --cpus 0 -- true" "run --cpus x -- true" "run --timeout -1 -- true" "run --disk 1z -- true" \
    "run --disk 1m --overlay=none -- true"; do
    # shellcheck disable=SC2086
    "$SBX" $args >/dev/null 2>"$work/err"
    st=$?
    lines=$(wc -l <"$work/err")
    if [ "$st" = 2 ] && [ "$lines" = 1 ]; then ok "usage-error '$args'"; else
        bad "usage-error '$args'" "status $st, $lines lines: $(cat "$work/err")"
    fi
done
expect rootfs-missing 2 "" -- "$SBX" run --rootfs /no/such/dir -- /bin/true

# --trace: strace-style lines on stderr.
"$SBX" run --trace -- /bin/busybox true 2>"$work/trace" >/dev/null
if grep -q '^\[1\] execve\|^\[1\] getuid() = ' "$work/trace" && grep -q '^\[1\] exit_group(0)' "$work/trace"; then
    ok trace
else
    bad trace "$(head -5 "$work/trace")"
fi

# The Sentry runs under its own seccomp filter while the app runs.
"$SBX" run -- /bin/busybox sleep 2 &
sbx_pid=$!
seen="" procs=""
for _ in $(seq 50); do
    sleep 0.05
    # sbx -> gofers, sbx-nswait -> the Sentry (pid 1 of its namespace) -> stubs
    kids=$(pgrep -P "$sbx_pid" | tr '\n' ' ')
    for k in $kids; do kids="$kids $(pgrep -P "$k" | tr '\n' ' ')"; done
    for p in $kids; do
        procs="$procs $p $(pgrep -P "$p" | tr '\n' ' ')"
        if [ "$(cat /proc/"$p"/comm 2>/dev/null)" = sbx-sentry ] && [ -z "$seen" ]; then
            seen=$(awk '/^Seccomp:/ {print $2}' /proc/"$p"/status)
        fi
    done
    [ -n "$seen" ] && break
done
wait "$sbx_pid"
[ "$seen" = 2 ] && ok sentry-seccomp-mode || bad sentry-seccomp-mode "Seccomp: '$seen'"

# The waiter that outlives the Sentry's pid namespace is filtered too.
"$SBX" run -- /bin/busybox sleep 2 &
sbx_pid=$!
seen=""
for _ in $(seq 50); do
    sleep 0.05
    for k in $(pgrep -P "$sbx_pid"); do
        [ "$(cat /proc/"$k"/comm 2>/dev/null)" = sbx-nswait ] &&
            seen=$(awk '/^Seccomp:/ {print $2}' /proc/"$k"/status)
    done
    [ -n "$seen" ] && break
done
wait "$sbx_pid"
[ "$seen" = 2 ] && ok nswait-seccomp-mode || bad nswait-seccomp-mode "Seccomp: '$seen'"

# App sockets live in the Sentry's netstack: however many TCP/UDP sockets
# the app opens, the Sentry holds no more host sockets than for a sleep.
sentry_host_sockets() {
    "$SBX" run -- "$@" &
    local sbx_pid=$! max=-1 n
    for _ in $(seq 40); do
        sleep 0.05
        for k in $(pgrep -P "$sbx_pid"); do
            for p in $k $(pgrep -P "$k"); do
                [ "$(cat /proc/"$p"/comm 2>/dev/null)" = sbx-sentry ] || continue
                n=$(ls -l /proc/"$p"/fd 2>/dev/null | grep -c 'socket:')
                [ "$n" -gt "$max" ] && max=$n
            done
        done
    done
    wait "$sbx_pid"
    echo "$max"
}
base=$(sentry_host_sockets /bin/busybox sleep 2.5)
busy=$(sentry_host_sockets python3 -S -c '
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
keep = [l]
for i in range(20):
    c = socket.create_connection(l.getsockname()); keep += [c, l.accept()[0]]
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 0)); keep.append(u)
time.sleep(2.5)')
if [ "$base" -ge 0 ] && [ "$busy" = "$base" ]; then
    ok inet-no-host-sockets
else
    bad inet-no-host-sockets "Sentry host sockets: $busy with 61 app sockets, $base for a sleep"
fi

# The Sentry's confinement: its own namespaces and an empty root.
"$SBX" run -- /bin/busybox sleep 2 &
sbx_pid=$!
conf=""
for _ in $(seq 50); do
    sleep 0.05
    for k in $(pgrep -P "$sbx_pid"); do
        for p in $k $(pgrep -P "$k"); do
            [ "$(cat /proc/"$p"/comm 2>/dev/null)" = sbx-sentry ] || continue
            [ "$(awk '/^Seccomp:/ {print $2}' /proc/"$p"/status)" = 2 ] || continue
            conf="nnp=$(awk '/^NoNewPrivs:/ {print $2}' /proc/"$p"/status)"
            for ns in user pid net mnt ipc uts; do
                [ "$(readlink /proc/"$p"/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] && conf="$conf $ns"
            done
            [ -z "$(ls -A /proc/"$p"/root/ 2>/dev/null)" ] && conf="$conf emptyroot"
        done
    done
    [ -n "$conf" ] && break
done
wait "$sbx_pid"
if [ "$conf" = "nnp=1 user pid net mnt ipc uts emptyroot" ]; then
    ok sentry-confined
elif unshare -U true 2>/dev/null; then
    bad sentry-confined "got '$conf'"
else
    echo "SKIP sentry-confined: this host refuses user namespaces (got '$conf')"
fi

# Sandboxes side by side share nothing: each sees only its own /tmp and
# overlay writes, and its own processes.
for i in 1 2; do
    "$SBX" run -- /bin/sh -c "echo $i > /tmp/who; echo $i > /etc/who; sleep 0.5; \
        echo \$(cat /tmp/who)\$(cat /etc/who)\$(ls /proc | grep -c '^[0-9]')" >"$work/tenant$i" 2>&1 &
done
wait
[ "$(cat "$work/tenant1")" = 114 ] && [ "$(cat "$work/tenant2")" = 224 ] && ok tenants-share-nothing ||
    bad tenants-share-nothing "$(cat "$work/tenant1") / $(cat "$work/tenant2")"

# Rootless: an unprivileged caller runs sandboxes (user namespaces); a limit
# it cannot have is reported, never dropped.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ] &&
    setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$SBX" 2>/dev/null; then
    expect rootless-run 0 "65534 x" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$SBX" run -- /bin/sh -c 'echo $(id -u) $(echo x > /tmp/f && cat /tmp/f)'
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SBX" run --memory 64m -- /bin/true >/dev/null 2>"$work/err"
    st=$?
    if [ "$st" = 2 ] && grep -q "^sbx: --memory unavailable: " "$work/err"; then
        ok rootless-limit-reported
    elif [ "$st" = 0 ]; then
        ok "rootless-limit-reported (this host delegates cgroups to nobody)"
    else
        bad rootless-limit-reported "status $st: $(cat "$work/err")"
    fi
else
    echo "SKIP rootless: no setpriv, not root, or $SBX not reachable by nobody"
fi

# sbx info lists the allowed host calls with a count.
n=$("$SBX" info | awk -F': ' '/^sentry host syscalls allowed/ {print $2}')
if [ -n "$n" ] && [ "$n" -le 25 ]; then ok "info-count ($n)"; else bad info-count "got '$n'"; fi

# No process of a finished sandbox is left behind.
# (the gofer, the Sentry and its stub of the sleep run above)
left=""
for _ in $(seq 20); do
    left=""
    for p in $procs; do
        [ -d /proc/"$p" ] && [ "$(awk '{print $3}' /proc/"$p"/stat)" != Z ] && left="$left $p"
    done
    [ -z "$left" ] && break
    sleep 0.1
done
[ -n "$procs" ] && [ -z "$left" ] && ok no-leftover-processes ||
    bad no-leftover-processes "still running:$left (of:$procs)"

# Background children still running when init exits: all of them go.
# (A token in the command line finds this sandbox's processes only: its
# Sentry and stubs carry sbx's command line; other sandboxes may be running.)
token="leftover-$$-$RANDOM"
"$SBX" run -- /bin/busybox sh -c "sleep 30 & sleep 30 & echo $token" >/dev/null 2>&1
sleep 0.3
left=$(pgrep -f "$token" | wc -l)
[ "$left" = 0 ] && ok no-leftover-after-orphans || bad no-leftover-after-orphans "$left stub or Sentry processes remain"

# sbx run -t: the command on a sandbox pty; driven by a pipe (no host tty).
out=$(echo 'echo hi; exit 3' | timeout 30 "$SBX" run -t -- /bin/sh -i 2>"$work/err")
st=$?
if [ "$st" != 3 ]; then
    bad tty-pipe-status "status $st, want 3; stderr: $(tail -c 300 "$work/err")"
elif ! printf %s "$out" | grep -q $'hi\r$'; then
    bad tty-pipe-output "no 'hi\\r' line in: $(printf %q "$out" | head -c 300)"
else
    ok tty-pipe
fi
out=$(printf 'x\n' | timeout 30 "$SBX" run -t -- /bin/sh -c 'test -t 0 && test -t 1 && tty; cat' 2>&1)
want=$(printf 'x\r\n/dev/pts/0\r\nx\r\n')
[ "$out" = "$want" ] && ok tty-stdio-is-pty || bad tty-stdio-is-pty "got $(printf %q "$out")"
out=$(timeout 30 "$SBX" run -t -- /bin/sh -c 'exit 5' </dev/null 2>&1)
st=$?
[ "$st" = 5 ] && ok tty-exit-status || bad tty-exit-status "status $st, want 5: $out"
# A real host terminal, from script(1): the size comes through, and the
# host terminal is left as it was.
if command -v script >/dev/null 2>&1; then
    # script's stdin stays open (no EOF: script would type one into the
    # terminal, racing with the run) until script is done.
    out=$(timeout 30 script -qc "stty rows 33 cols 101; stty -g > $work/before; \
        $SBX run -t -- /bin/sh -c 'tty; stty size'; echo status=\$?; stty -g > $work/after" \
        /dev/null < <(exec sleep 30 2>/dev/null) 2>&1 | tr -d '\r')
    if [ "$out" != "$(printf '/dev/pts/0\n33 101\nstatus=0')" ]; then
        bad tty-script "got $(printf %q "$out")"
    elif ! cmp -s "$work/before" "$work/after"; then
        bad tty-script "host terminal modes not restored"
    else
        ok tty-script
    fi
else
    echo "SKIP tty-script: no script(1)"
fi

# Limits (issue 6). --timeout and --disk need no cgroup.
t0=$(date +%s%N)
expect limits-timeout 124 "" -- "$SBX" run --timeout 1 -- /bin/sh -c 'while :; do :; done'
el=$((($(date +%s%N) - t0) / 1000000))
grep -qx "sbx: timed out after 1 s" "$work/err" && [ "$el" -lt 10000 ] && ok "limits-timeout-said (${el} ms)" ||
    bad limits-timeout-said "${el} ms: $(cat "$work/err")"
expect limits-timeout-issue 124 "" -- "$SBX" run --timeout 2 -- /bin/busybox sh -c 'while :; do :; done'
expect limits-timeout-not-reached 0 hi -- "$SBX" run --timeout 30 -- /bin/busybox echo hi
# Every process of a timed-out sandbox goes (no cgroup needed).
"$SBX" run --timeout 1.5 -- /bin/busybox sh -c 'sleep 100 & sleep 100 & while :; do :; done' 2>/dev/null &
sbx_pid=$!
sleep 1
procs=$(pgrep -P "$sbx_pid" | tr '\n' ' ')
procs="$procs $(for p in $procs; do pgrep -P "$p"; done | tr '\n' ' ')"
wait "$sbx_pid"
st=$?
sleep 0.3
left=""
for p in $procs; do
    [ -d /proc/"$p" ] && [ "$(awk '{print $3}' /proc/"$p"/stat)" != Z ] && left="$left $p"
done
[ "$st" = 124 ] && [ -z "$left" ] && ok limits-timeout-nothing-left ||
    bad limits-timeout-nothing-left "status $st, still running:$left (of:$procs)"
expect limits-disk-enospc 0 "No space left on device" -- "$SBX" run --disk 1m -- /bin/sh -c \
    'dd if=/dev/zero of=/etc/x bs=64k count=32 2>&1 | grep -o "No space left on device"; echo y > /tmp/y'
expect limits-disk-room 0 2097152 -- "$SBX" run --disk 3m -- /bin/sh -c \
    'head -c 2097152 /dev/zero > /etc/x && wc -c < /etc/x'

# --memory, --pids, --cpus need a cgroup the caller may create.
"$SBX" run --pids 1000 -- /bin/true 2>"$work/err"
st=$?
if [ "$st" != 0 ]; then
    echo "SKIP limits-cgroup: $(head -1 "$work/err") (status $st)"
else
    ok limits-cgroup-available
    # No cgroup of a finished sandbox remains.
    "$SBX" run --pids 100 --memory 512m --cpus 1 -- /bin/busybox true &
    sbx_pid=$!
    wait "$sbx_pid"
    left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sbx-$sbx_pid-*" 2>/dev/null)
    [ -z "$left" ] && ok limits-cgroup-removed || bad limits-cgroup-removed "$left"
    # --pids N: the app's tasks; the N+1st fork gets EAGAIN, the Sentry lives.
    expect limits-pids-eagain 0 "ok=39 eagain=61 other=0" -- "$SBX" run --pids 40 -- "$PROGS/forkmany" 100
    # The issue's fork bomb: contained, ended (by init's exit or --timeout),
    # and the host can still fork.
    timeout 60 "$SBX" run --pids 64 --timeout 20 -- /bin/bash -c ':(){ :|:& };:; sleep 3' \
        >/dev/null 2>"$work/err" </dev/null
    st=$?
    if { [ "$st" = 0 ] || [ "$st" = 124 ]; } && /bin/true && grep -q "Resource temporarily unavailable" "$work/err"; then
        ok "limits-forkbomb (status $st)"
    else
        bad limits-forkbomb "status $st: $(sort "$work/err" | uniq -c | head -3)"
    fi
    # A memory bomb: the sandbox is OOM-killed (137, said so), or the app
    # sees ENOMEM (MemoryError); never the host.
    for cmd in 'a=[]; [a.append(bytearray(10<<20)) for _ in range(1000)]' 'x=bytearray(1<<30)'; do
        timeout 60 "$SBX" run --memory 128m -- python3 -c "$cmd" >/dev/null 2>"$work/err" </dev/null
        st=$?
        if { [ "$st" = 137 ] && grep -qx "sbx: the sandbox ran out of memory (--memory 128m)" "$work/err"; } ||
            { [ "$st" = 1 ] && grep -q MemoryError "$work/err"; }; then
            ok "limits-memory-bomb (status $st)"
        else
            bad limits-memory-bomb "status $st: $(tail -c 300 "$work/err")"
        fi
    done
    expect limits-memory-enough 0 42 -- "$SBX" run --memory 256m -- python3 -S -c 'print(6*7)'
    # --cpus 0.2: a 2 s busy loop gets about 0.4 s of CPU. Only "well below
    # 2 s" is asserted, and only when an unlimited run shows the difference.
    # (The app's own CPU time, from inside: stubs of a sandbox that ends are
    # not reaped by sbx, so time(1) around sbx does not see them.)
    cpu_of() {
        "$SBX" run "$@" -- python3 -S -c 'import signal, time
def done(*a):
    print(int(time.process_time() * 1000))
    raise SystemExit
signal.signal(signal.SIGALRM, done)
signal.alarm(2)
x = 0
while True:
    x += 1' 2>/dev/null
    }
    lim=$(cpu_of --cpus 0.2)
    free=$(cpu_of)
    if [ "$free" -lt 1200 ]; then
        echo "SKIP limits-cpus: an unlimited busy loop got only $free ms of CPU in 2 s (busy host)"
    elif [ "$lim" -lt 1000 ]; then
        ok "limits-cpus ($lim ms limited, $free ms not)"
    else
        bad limits-cpus "--cpus 0.2 used $lim ms of CPU in 2 s (unlimited: $free ms)"
    fi
    # sbx killed with SIGKILL: its watchdog removes the cgroup, and no
    # Gofer, Sentry or stub survives.
    "$SBX" run --pids 50 -- /bin/busybox sh -c 'sleep 30 & sleep 30' >/dev/null 2>&1 &
    sbx_pid=$!
    sleep 1
    procs=$(pgrep -P "$sbx_pid" | tr '\n' ' ')
    procs="$procs $(for p in $procs; do pgrep -P "$p"; done | tr '\n' ' ')"
    kill -9 "$sbx_pid"
    wait "$sbx_pid" 2>/dev/null
    left="" cg=""
    for _ in $(seq 50); do
        left=""
        for p in $procs; do
            [ -d /proc/"$p" ] && [ "$(awk '{print $3}' /proc/"$p"/stat)" != Z ] && left="$left $p($(cat /proc/"$p"/comm))"
        done
        cg=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "sbx-$sbx_pid-*" 2>/dev/null)
        [ -z "$left" ] && [ -z "$cg" ] && break
        sleep 0.1
    done
    if [ -n "$procs" ] && [ -z "$left" ] && [ -z "$cg" ]; then
        ok limits-sigkill-leaves-nothing
    else
        bad limits-sigkill-leaves-nothing "left:$left cgroups: $cg (of:$procs)"
    fi
fi

# Readiness (issue 5): epoll through python's selectors, a loop over three
# children's pipes that finish in turn; then asyncio reading a child's
# output (its event loop needs socketpair, so it waits for AF_UNIX).
expect epoll-selectors 0 "EpollSelector ['child0', 'child1', 'child2'] [0, 0, 0]" -- \
    "$SBX" run -- python3 -S -c '
import selectors, subprocess
sel = selectors.DefaultSelector()
ps = [subprocess.Popen(["/bin/sh", "-c", "sleep 0.%d; echo child%d" % (i, i)],
                       stdout=subprocess.PIPE) for i in range(3)]
for p in ps:
    sel.register(p.stdout, selectors.EVENT_READ, p)
out, st = [], []
while sel.get_map():
    for key, ev in sel.select(timeout=10):
        d = key.fileobj.read1(100)
        if d:
            out.append(d.decode().strip())
        else:
            sel.unregister(key.fileobj)
            st.append(key.data.wait())
print(type(sel).__name__, sorted(out), st)'
if timeout 30 "$SBX" run -- python3 -S -c 'import socket; socket.socketpair()' >/dev/null 2>&1; then
    expect epoll-asyncio-subprocess 0 "hello from child 0" -- "$SBX" run -- python3 -S -c '
import asyncio
async def main():
    p = await asyncio.create_subprocess_exec("/bin/echo", "hello", "from", "child",
                                             stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    print(out.decode().strip(), p.returncode)
asyncio.run(main())'
else
    echo "SKIP epoll-asyncio-subprocess: no socketpair in the sandbox yet (AF_UNIX, issue 5)"
fi

# The network view (issue 5): lo only, through netlink route sockets.
if command -v ip >/dev/null 2>&1; then
    out=$(timeout 30 "$SBX" run -- ip -o addr show lo 2>"$work/err" </dev/null)
    case "$out" in
    *"inet 127.0.0.1/8 scope host lo"*) ok ip-addr-show-lo ;;
    *) bad ip-addr-show-lo "stdout '$(printf %s "$out" | head -c 200)'; stderr: $(tail -c 300 "$work/err")" ;;
    esac
    expect ip-link-only-lo 0 "lo" -- "$SBX" run -- sh -c "ip -o link show | awk -F': ' '{print \$2}'"
else
    echo "SKIP ip-addr-show-lo: no ip (iproute2) on this host"
fi
expect python3-if-nameindex 0 "[(1, 'lo')]" -- "$SBX" run -- python3 -S -c '
import socket; print(socket.if_nameindex())'
expect python3-getaddrinfo-localhost 0 True -- "$SBX" run -- python3 -S -c '
import socket
print("127.0.0.1" in {a[4][0] for a in socket.getaddrinfo("localhost", 80)})'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
