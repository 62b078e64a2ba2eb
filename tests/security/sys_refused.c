/* sys_refused: host-kernel interfaces the application must not reach: calls
 * the Sentry refuses, host pids, packet and raw sockets, namespaces, seccomp.
 * usage: sys_refused ATTEMPT [ARG...]; see sec.h for the verdicts. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "sec.h"

/* A host pid passed by run.sh; the sandbox's own pids are small numbers,
 * so a host pid that small cannot be told apart from one of them. */
static pid_t host_pid(int argc, char **argv)
{
    if (argc < 3)
        sec_skip("no host pid given");
    pid_t p = (pid_t)atoi(argv[2]);
    if (p <= 64)
        sec_skip("host pid %d is too small to tell from a sandbox pid", p);
    return p;
}

/* Each call of the host kernel's own machinery: must fail, with one of the
 * errnos listed (ENOSYS while unsupported; EPERM etc. if emulated later). */
static int attempt_call(const char *name)
{
    char buf[64] = {0};
    union bpf_attr battr = {
        .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1};
    struct perf_event_attr pattr = {
        .type = PERF_TYPE_SOFTWARE, .size = sizeof(pattr), .config = PERF_COUNT_SW_CPU_CLOCK};
    struct {
        unsigned int bytes;
        int type;
        unsigned char h[8];
    } fh = {8, 1, {0}};
    long r;

    if (!strcmp(name, "bpf")) {
        r = syscall(SYS_bpf, BPF_MAP_CREATE, &battr, sizeof(battr));
        sec_want("bpf(BPF_MAP_CREATE)", r, errno, ENOSYS, EPERM);
    } else if (!strcmp(name, "perf_event_open")) {
        r = syscall(SYS_perf_event_open, &pattr, 0, -1, -1, 0);
        sec_want("perf_event_open(cpu clock, self)", r, errno, ENOSYS, EPERM, EACCES, ENOENT);
    } else if (!strcmp(name, "keyctl")) {
        r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1);
        sec_want("keyctl(KEYCTL_GET_KEYRING_ID)", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_add_key, "user", "sbx-sec", "x", 1, -3);
        sec_want("add_key(user)", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_request_key, "user", "sbx-sec", NULL, 0);
        sec_want("request_key(user)", r, errno, ENOSYS, EPERM, ENOKEY);
    } else if (!strcmp(name, "init_module")) {
        r = syscall(SYS_init_module, buf, sizeof(buf), "");
        sec_want("init_module", r, errno, ENOSYS, EPERM);
        int fd = open("/proc/self/exe", O_RDONLY);
        r = syscall(SYS_finit_module, fd, "", 0);
        sec_want("finit_module(/proc/self/exe)", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_delete_module, "ext4", O_NONBLOCK);
        sec_want("delete_module(ext4)", r, errno, ENOSYS, EPERM);
    } else if (!strcmp(name, "kexec")) {
        r = syscall(SYS_kexec_load, 0, 0, NULL, 0);
        sec_want("kexec_load", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_kexec_file_load, -1, -1, 0, "", 2 /* KEXEC_FILE_NO_INITRAMFS */);
        sec_want("kexec_file_load", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc /* POWER_OFF */, NULL);
        sec_want("reboot(POWER_OFF)", r, errno, ENOSYS, EPERM);
    } else if (!strcmp(name, "io_uring")) {
        char params[120] = {0};
        r = syscall(SYS_io_uring_setup, 8, params);
        sec_want("io_uring_setup", r, errno, ENOSYS, EPERM);
    } else if (!strcmp(name, "userfaultfd")) {
        r = syscall(SYS_userfaultfd, O_CLOEXEC);
        sec_want("userfaultfd", r, errno, ENOSYS, EPERM);
        r = open("/dev/userfaultfd", O_RDWR);
        sec_want("open /dev/userfaultfd", r, errno, ENOENT);
    } else if (!strcmp(name, "open_by_handle_at")) {
        /* The "shocker" escape: a handle names an inode of the host fs. */
        int root = open("/", O_RDONLY | O_DIRECTORY);
        r = syscall(SYS_open_by_handle_at, root, &fh, O_RDONLY);
        sec_want("open_by_handle_at(/, inode 2)", r, errno, ENOSYS, EPERM, EOPNOTSUPP);
        int mnt;
        r = syscall(SYS_name_to_handle_at, AT_FDCWD, "/etc/passwd", &fh, &mnt, 0);
        sec_want("name_to_handle_at(/etc/passwd)", r, errno, ENOSYS, EPERM, EOPNOTSUPP);
    } else if (!strcmp(name, "ioport")) {
        r = syscall(SYS_iopl, 3);
        sec_want("iopl(3)", r, errno, ENOSYS, EPERM);
        r = syscall(SYS_ioperm, 0x80, 1, 1);
        sec_want("ioperm(0x80)", r, errno, ENOSYS, EPERM);
    } else {
        return -1;
    }
    sec_ok("refused: %s", name);
}

/* kill, ptrace and process_vm_* of a host process: no such process here. */
static void attempt_host_pid(const char *name, pid_t p)
{
    char local[16], remote_buf[16] = "sandbox";
    struct iovec l = {local, sizeof(local)}, rm = {remote_buf, sizeof(remote_buf)};
    long r;

    if (!strcmp(name, "kill-host-pid")) {
        r = kill(p, 0);
        sec_want("kill(host pid, 0)", r, errno, ESRCH);
        r = kill(p, SIGKILL);
        sec_want("kill(host pid, SIGKILL)", r, errno, ESRCH);
        r = kill(-p, SIGKILL);
        sec_want("kill(-host pid, SIGKILL)", r, errno, ESRCH);
        r = syscall(SYS_tgkill, p, p, SIGKILL);
        sec_want("tgkill(host pid, SIGKILL)", r, errno, ESRCH, EINVAL);
        sec_ok("host pid %d: ESRCH for kill, killpg, tgkill", p);
    }
    if (!strcmp(name, "ptrace-host-pid")) {
        r = ptrace(PTRACE_ATTACH, p, 0, 0);
        sec_want("ptrace(PTRACE_ATTACH, host pid)", r, errno, ESRCH, EPERM, ENOSYS);
        r = ptrace(PTRACE_SEIZE, p, 0, 0);
        sec_want("ptrace(PTRACE_SEIZE, host pid)", r, errno, ESRCH, EPERM, ENOSYS);
        sec_ok("ptrace of host pid %d refused", p);
    }
    if (!strcmp(name, "process_vm-host-pid")) {
        rm.iov_base = (void *)0x400000; /* where a non-PIE binary is */
        r = process_vm_readv(p, &l, 1, &rm, 1, 0);
        sec_want("process_vm_readv(host pid)", r, errno, ENOSYS, ESRCH, EPERM);
        r = process_vm_writev(p, &l, 1, &rm, 1, 0);
        sec_want("process_vm_writev(host pid)", r, errno, ENOSYS, ESRCH, EPERM);
        /* Its own pid 1 is the app itself: either refused, or a plain copy
         * of its own memory; the stub page beyond the app's view is EFAULT. */
        rm.iov_base = remote_buf;
        r = process_vm_readv(getpid(), &l, 1, &rm, 1, 0);
        if (r != -1 && (r != sizeof(local) || strcmp(local, "sandbox")))
            sec_escape("process_vm_readv(self) returned %ld, '%.16s'", r, local);
        if (r == -1)
            sec_want("process_vm_readv(self)", r, errno, ENOSYS, EPERM);
        rm.iov_base = (void *)0x7fffffffe000;
        r = process_vm_readv(getpid(), &l, 1, &rm, 1, 0);
        sec_want("process_vm_readv(self, stub page)", r, errno, ENOSYS, EPERM, EFAULT);
        sec_ok("process_vm_readv/writev of host pid %d and of the stub page refused", p);
    }
}

/* Packet sockets: refused; if a netstack offers them one day, they only
 * see the sandbox's links, so the host's interface IFACE is unknown. */
static void attempt_packet(const char *iface)
{
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0) {
        sec_want("socket(AF_PACKET, SOCK_RAW)", s, errno, EAFNOSUPPORT, EPERM, EPROTONOSUPPORT,
                 ESOCKTNOSUPPORT, EINVAL);
        int t = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
        sec_want("socket(AF_PACKET, SOCK_DGRAM)", t, errno, EAFNOSUPPORT, EPERM, EPROTONOSUPPORT,
                 ESOCKTNOSUPPORT, EINVAL);
        sec_ok("AF_PACKET refused (%s)", sec_errname(errno));
    }
    if (!iface || !*iface)
        sec_skip("AF_PACKET exists; no host interface named to try");
    unsigned idx = if_nametoindex(iface);
    if (idx == 0)
        sec_ok("AF_PACKET exists, host interface %s is not in the sandbox", iface);
    sec_escape("host interface %s is visible (index %u) to an AF_PACKET socket", iface, idx);
}

/* Raw IP sockets come with the netstack (issue 5). Under the default
 * --network none they may exist but reach nothing beyond loopback. */
static void attempt_raw(void)
{
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    if (d < 0 && errno == EAFNOSUPPORT) {
        int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
        sec_want("socket(AF_INET, SOCK_RAW)", s, errno, EAFNOSUPPORT);
        sec_skip("no netstack yet (AF_INET is EAFNOSUPPORT, issue 5); raw sockets come with it");
    }
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (s < 0) {
        sec_want("socket(AF_INET, SOCK_RAW)", s, errno, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
                 EAFNOSUPPORT);
        int s6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
        sec_want("socket(AF_INET6, SOCK_RAW)", s6, errno, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
                 EAFNOSUPPORT);
        sec_ok("raw sockets refused (%s)", sec_errname(errno));
    }
    unsigned char echo[8] = {8, 0, 0xf7, 0xff, 0, 0, 0, 0}; /* type 8, checksum */
    struct sockaddr_in to = {.sin_family = AF_INET};
    inet_pton(AF_INET, "192.0.2.1", &to.sin_addr); /* TEST-NET-1 */
    long r = sendto(s, echo, sizeof(echo), 0, (struct sockaddr *)&to, sizeof(to));
    sec_want("raw ICMP echo to 192.0.2.1 under --network none", r, errno, ENETUNREACH);
    sec_ok("raw socket exists but reaches no network beyond loopback");
}

/* AF_INET under --network none: loopback only. The host's own address
 * (ADDR, if run.sh found one), a documentation address and a private one
 * are out of reach: no route, and no binding to them. */
static void attempt_inet_off_host(const char *host_addr)
{
    const char *targets[] = { host_addr, "192.0.2.1", "10.0.2.2", "8.8.8.8" };
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    if (d < 0 && errno == EAFNOSUPPORT)
        sec_skip("no AF_INET in the sandbox (issue 5)");
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(53)};
        if (!targets[i] || !*targets[i] || inet_pton(AF_INET, targets[i], &to.sin_addr) != 1)
            continue;
        int t = socket(AF_INET, SOCK_STREAM, 0);
        sec_want("TCP connect off the host's loopback", connect(t, (struct sockaddr *)&to, sizeof(to)),
                 errno, ENETUNREACH, EHOSTUNREACH);
        close(t);
        sec_want("UDP sendto off loopback", sendto(d, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)),
                 errno, ENETUNREACH, EHOSTUNREACH);
        int b = socket(AF_INET, SOCK_DGRAM, 0);
        to.sin_port = 0;
        sec_want("bind to a non-loopback address", bind(b, (struct sockaddr *)&to, sizeof(to)),
                 errno, EADDRNOTAVAIL);
        close(b);
    }
    sec_ok("AF_INET reaches nothing beyond loopback");
}

static void attempt_unshare(void)
{
    long r = unshare(CLONE_NEWUSER | CLONE_NEWNS);
    if (r == -1)
        sec_want("unshare(CLONE_NEWUSER|CLONE_NEWNS)", r, errno, EINVAL, EPERM, ENOSYS);
    r = unshare(CLONE_NEWNET);
    if (r == -1)
        sec_want("unshare(CLONE_NEWNET)", r, errno, EINVAL, EPERM, ENOSYS);
    r = unshare(CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWIPC);
    if (r == -1)
        sec_want("unshare(CLONE_NEWPID|NEWCGROUP|NEWIPC)", r, errno, EINVAL, EPERM, ENOSYS);
    /* setns into the namespaces of "pid 1": the app's own init at most. */
    int fd = open("/proc/1/ns/mnt", O_RDONLY);
    if (fd >= 0) {
        r = setns(fd, 0);
        if (r == -1)
            sec_want("setns(/proc/1/ns/mnt)", r, errno, EINVAL, EPERM, ENOSYS);
    } else {
        sec_want("open /proc/1/ns/mnt", fd, errno, ENOENT);
    }
    /* Whatever was allowed, the sandbox still answers as itself. */
    if (getpid() != 1)
        sec_escape("after unshare getpid() = %d, want 1", getpid());
    sec_ok("namespaces: refused or private to the sandbox (runner checks the host)");
}

/* A filter installed by the app binds the app (as Linux) or is refused;
 * the Sentry, which answers the app's later calls, is not affected. */
static void attempt_seccomp(void)
{
    struct sock_filter kill_all[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)};
    struct sock_fprog prog = {1, kill_all};
    for (int mode = 0; mode < 2; mode++) {
        pid_t c = fork();
        if (c < 0)
            sec_escape("fork: %s", strerror(errno));
        if (c == 0) {
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            long r = mode == 0 ? prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)
                               : prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
            if (r == 0)
                syscall(SYS_getpid); /* Linux: killed here */
            _exit(r == 0 ? 3 : (errno == EINVAL || errno == ENOSYS) ? 4 : 5);
        }
        int st;
        if (waitpid(c, &st, 0) != c)
            sec_escape("waitpid: %s", strerror(errno));
        int want_sig = mode == 0 ? SIGSYS : SIGKILL;
        int fine = (WIFSIGNALED(st) && WTERMSIG(st) == want_sig) ||
                   (WIFEXITED(st) && WEXITSTATUS(st) == 4);
        if (!fine)
            sec_escape("seccomp mode %s in a child: status 0x%x", mode ? "strict" : "filter", st);
    }
    /* The sandbox keeps serving this process and new ones. */
    pid_t c = fork();
    if (c == 0)
        _exit(getpid() > 1 ? 0 : 1);
    int st;
    if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
        sec_escape("after the seccomp attempts the sandbox no longer forks");
    sec_ok("app seccomp filters bind the app or are refused; the Sentry goes on");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ATTEMPT [ARG...]\n", argv[0]);
        return 2;
    }
    const char *a = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(a, "kill-host-pid") || !strcmp(a, "ptrace-host-pid") ||
        !strcmp(a, "process_vm-host-pid"))
        attempt_host_pid(a, host_pid(argc, argv));
    if (!strcmp(a, "socket-packet"))
        attempt_packet(argc > 2 ? argv[2] : NULL);
    if (!strcmp(a, "socket-raw"))
        attempt_raw();
    if (!strcmp(a, "inet-off-host"))
        attempt_inet_off_host(argc > 2 ? argv[2] : NULL);
    if (!strcmp(a, "unshare"))
        attempt_unshare();
    if (!strcmp(a, "seccomp"))
        attempt_seccomp();
    attempt_call(a);
    fprintf(stderr, "%s: unknown attempt '%s'\n", argv[0], a);
    return 2;
}
