/* proc_self_files: /proc/self and /proc/thread-self links, stat, status,
 * cmdline, environ, exe, cwd, fd/, fdinfo/, maps, task/ and comm, each
 * compared with what the process knows about itself. */
#include "conf.h"
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>

extern char **environ;

static ssize_t slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n, total = 0;

    if (fd < 0)
        return -1;
    while (total < (ssize_t)size - 1 && (n = read(fd, buf + total, size - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

/* The value after "Key:\t" in a status-like file, or "". */
static const char *field(const char *text, const char *key)
{
    static char val[256];
    const char *p = text;
    size_t k = strlen(key);

    val[0] = 0;
    while (p && *p) {
        if (strncmp(p, key, k) == 0 && p[k] == ':') {
            p += k + 1;
            while (*p == '\t' || *p == ' ')
                p++;
            size_t n = strcspn(p, "\n");
            snprintf(val, sizeof(val), "%.*s", (int)n, p);
            return val;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return val;
}

static int count_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Whether some line of maps contains both a and b. */
static int maps_line_has(const char *maps, const char *a, const char *b)
{
    char line[PATH_MAX + 256];
    const char *p = maps;

    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);

        snprintf(line, sizeof(line), "%.*s", (int)l, p);
        if (strstr(line, a) && strstr(line, b))
            return 1;
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

static void *thread_fn(void *arg)
{
    pause();
    return NULL;
}

int main(int argc, char **argv)
{
    static char buf[65536], want[65536];
    char self[PATH_MAX], link[PATH_MAX], path[128], comm[64], state;
    int pid = getpid(), n, fd, ppid, pgrp, sid, threads;
    char *p;
    size_t len;

    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }
    if (argc == 1) {
        /* Re-exec with arguments worth checking in cmdline. */
        char *av[] = { self, "arg one", "", "x", NULL };
        execve(self, av, environ);
        printf("setup failed: execve\n");
        return CONF_EXIT_FAILED;
    }

    /* Links. */
    n = readlink("/proc/self", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    TRUE("/proc/self -> our pid", atoi(link) == pid && n > 0);
    n = readlink("/proc/thread-self", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof(want), "%d/task/%d", pid, (int)gettid());
    TRUE("/proc/thread-self -> pid/task/tid", strcmp(link, want) == 0);
    n = readlink("/proc/self/exe", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    TRUE("exe is the realpath of argv[0]", strcmp(link, self) == 0);
    MUST(chdir("/tmp"));
    n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    STREQ("cwd after chdir", link, "/tmp");
    MUST(chdir("/"));

    /* stat. */
    TRUE("read stat", slurp("/proc/self/stat", buf, sizeof(buf)) > 0);
    p = strrchr(buf, ')');
    TRUE("stat has (comm)", p != NULL && strchr(buf, '(') != NULL);
    if (!p)
        return conf_done();
    len = p - strchr(buf, '(') - 1;
    snprintf(comm, sizeof(comm), "%.*s", (int)len, strchr(buf, '(') + 1);
    {
        const char *b = strrchr(self, '/') + 1;
        TRUE("comm is the exe basename, 15 chars max", strncmp(comm, b, 15) == 0 &&
                                                       strlen(comm) == (strlen(b) < 15 ? strlen(b) : 15));
    }
    TRUE("stat pid field", atoi(buf) == pid);
    n = sscanf(p + 2, "%c %d %d %d", &state, &ppid, &pgrp, &sid);
    EQ("parsed state ppid pgrp session", n, 4);
    TRUE("state R", state == 'R');
    TRUE("ppid == getppid()", ppid == getppid());
    TRUE("pgrp == getpgrp()", pgrp == getpgrp());
    TRUE("session == getsid(0)", sid == getsid(0));
    {
        /* Field 20 is num_threads: the 18th after ')'. */
        char *q = p + 2;
        for (int i = 0; i < 17 && q; i++) {
            q = strchr(q, ' ');
            if (q)
                q++;
        }
        threads = q ? atoi(q) : -1;
        EQ("stat num_threads", threads, 1);
    }

    /* status. */
    TRUE("read status", slurp("/proc/self/status", buf, sizeof(buf)) > 0);
    TRUE("status Name == comm", strcmp(field(buf, "Name"), comm) == 0);
    STREQ("status State", field(buf, "State"), "R (running)");
    TRUE("status Tgid == pid", atoi(field(buf, "Tgid")) == pid);
    TRUE("status Pid == pid", atoi(field(buf, "Pid")) == pid);
    TRUE("status PPid == getppid()", atoi(field(buf, "PPid")) == getppid());
    STREQ("status Threads", field(buf, "Threads"), "1");
    snprintf(want, sizeof(want), "%d\t%d\t%d\t%d", (int)getuid(), (int)geteuid(), (int)getuid(), (int)getuid());
    TRUE("status Uid: real, effective, saved, fs", strcmp(field(buf, "Uid"), want) == 0);

    /* cmdline and environ: NUL-separated, exactly argv and environ. */
    n = slurp("/proc/self/cmdline", buf, sizeof(buf));
    len = 0;
    for (int i = 0; i < argc; i++) {
        memcpy(want + len, argv[i], strlen(argv[i]) + 1);
        len += strlen(argv[i]) + 1;
    }
    TRUE("cmdline == argv", n == (int)len && memcmp(buf, want, len) == 0);
    n = slurp("/proc/self/environ", buf, sizeof(buf));
    len = 0;
    for (char **e = environ; *e; e++) {
        memcpy(want + len, *e, strlen(*e) + 1);
        len += strlen(*e) + 1;
    }
    TRUE("environ == environ", n == (int)len && memcmp(buf, want, len) == 0);

    /* fd/ and fdinfo/. */
    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    MUST(fd);
    MUST(dup2(fd, 50));
    MUST(read(fd, buf, 5));
    n = readlink("/proc/self/fd/50", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    STREQ("fd/50 -> the file", link, "/etc/passwd");
    {
        int probe = 0, listed = 0, all_valid = 1, has50 = 0;
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int dfd = d ? dirfd(d) : -1;

        for (int i = 0; i < 1024; i++)
            probe += fcntl(i, F_GETFD) != -1;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            listed++;
            all_valid &= fcntl(atoi(e->d_name), F_GETFD) != -1;
            has50 |= atoi(e->d_name) == 50;
        }
        TRUE("fd/ lists exactly the open fds", d && dfd >= 0 && listed == probe && all_valid);
        TRUE("fd/ lists 50", has50);
        if (d)
            closedir(d);
    }
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    TRUE("read fdinfo", slurp(path, buf, sizeof(buf)) > 0);
    STREQ("fdinfo pos after reading 5", field(buf, "pos"), "5");
    {
        long fl = strtol(field(buf, "flags"), NULL, 8);
        TRUE("fdinfo flags has O_CLOEXEC", (fl & O_CLOEXEC) != 0);
        EQ("fdinfo flags access mode", fl & O_ACCMODE, O_RDONLY);
    }
    TRUE("fdinfo/50 pos shared (5)", slurp("/proc/self/fdinfo/50", buf, sizeof(buf)) > 0 &&
                                    strcmp(field(buf, "pos"), "5") == 0);
    TRUE("fdinfo/50 has no O_CLOEXEC", (strtol(field(buf, "flags"), NULL, 8) & O_CLOEXEC) == 0);
    close(50);
    close(fd);
    {
        int pp[2];
        MUST(pipe(pp));
        snprintf(path, sizeof(path), "/proc/self/fd/%d", pp[0]);
        n = readlink(path, link, sizeof(link) - 1);
        link[n > 0 ? n : 0] = 0;
        TRUE("pipe fd -> pipe:[N]", strncmp(link, "pipe:[", 6) == 0 && link[n - 1] == ']');
        close(pp[0]);
        close(pp[1]);
    }

    /* maps. */
    {
        void *m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        char line[64];
        int found = 0;

        n = slurp("/proc/self/maps", buf, sizeof(buf));
        snprintf(line, sizeof(line), "%lx-%lx r--p ", (unsigned long)m, (unsigned long)m + 8192);
        for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
            found |= strncmp(p, line, strlen(line)) == 0;
        TRUE("maps has our new mapping, r--p", found);
        TRUE("maps names the executable", strstr(buf, self) != NULL);
        TRUE("maps has an r-xp line for it", maps_line_has(buf, " r-xp ", self));
        TRUE("maps has [stack]", strstr(buf, "[stack]") != NULL);
        munmap(m, 8192);
    }

    /* comm. */
    slurp("/proc/self/comm", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%s\n", comm);
    TRUE("comm file == stat comm", strcmp(buf, want) == 0);
    MUST(prctl(PR_SET_NAME, "conf-renamed", 0, 0, 0));
    slurp("/proc/self/comm", buf, sizeof(buf));
    buf[strcspn(buf, "\n")] = 0;
    STREQ("comm after PR_SET_NAME", buf, "conf-renamed");
    fd = open("/proc/self/comm", O_WRONLY);
    MUST(fd);
    MUST(write(fd, "via-comm-file", 13));
    close(fd);
    {
        char name[16] = "";
        prctl(PR_GET_NAME, name, 0, 0, 0);
        STREQ("PR_GET_NAME after writing comm", name, "via-comm-file");
    }

    /* task/. */
    EQ("task/ entries, one thread", count_dir("/proc/self/task"), 1);
    {
        pthread_t t;
        pthread_create(&t, NULL, thread_fn, NULL);
        usleep(20000);
        EQ("task/ entries, two threads", count_dir("/proc/self/task"), 2);
        slurp("/proc/self/status", buf, sizeof(buf));
        STREQ("status Threads, two threads", field(buf, "Threads"), "2");
    }
    return conf_done();
}
