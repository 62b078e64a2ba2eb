/* proc_pid_state: /proc/PID of a child as seen by its parent: state letters
 * through sleep, stop and zombie, PPid, cmdline after exec, exe, comm,
 * task/, the /proc listing, and ENOENT once reaped. */
#include "conf.h"
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

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

static ssize_t pid_file(pid_t pid, const char *name, char *buf, size_t size)
{
    char path[128];

    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
    return slurp(path, buf, size);
}

static char state_of(pid_t pid)
{
    char buf[1024], *p;

    if (pid_file(pid, "stat", buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
        return '?';
    return p[2];
}

/* Poll until the child's state is want (a child may take a moment to block). */
static int wait_state(pid_t pid, char want)
{
    for (int i = 0; i < 2000; i++) {
        if (state_of(pid) == want)
            return 1;
        usleep(1000);
    }
    return 0;
}

static const char *status_field(const char *text, const char *key)
{
    static char val[256];
    const char *p = strstr(text, key);

    val[0] = 0;
    if (p) {
        p += strlen(key);
        while (*p == '\t' || *p == ' ')
            p++;
        snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\n"), p);
    }
    return val;
}

int main(int argc, char **argv)
{
    static char buf[8192];
    char self[PATH_MAX], link[PATH_MAX], path[128];
    int p[2], r[2], st, n;
    pid_t pid;

    if (argc == 3 && strcmp(argv[1], "--wait") == 0) {
        char c;
        if (write(9, "r", 1) != 1) /* ready, after exec */
            return 2;
        return read(0, &c, 1) == 0 ? 0 : 1; /* until EOF on stdin */
    }
    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }

    MUST(pipe(p));
    MUST(pipe(r));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { self, "--wait", "second arg", NULL };
        dup2(p[0], 0);
        dup2(r[1], 9);
        close(p[0]);
        close(p[1]);
        close(r[0]);
        close(r[1]);
        execve(self, av, environ);
        _exit(127);
    }
    close(p[0]);
    close(r[1]);
    {
        char c;
        EQ("child ready after exec", read(r[0], &c, 1), 1);
        close(r[0]);
    }
    TRUE("child blocked in read: S", wait_state(pid, 'S'));
    TRUE("cmdline after exec", pid_file(pid, "cmdline", buf, sizeof(buf)) > 0 &&
                                   strcmp(buf, self) == 0 &&
                                   strcmp(buf + strlen(self) + 1, "--wait") == 0 &&
                                   strcmp(buf + strlen(self) + 8, "second arg") == 0);
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    n = readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    TRUE("exe link", strcmp(link, self) == 0);
    TRUE("read status", pid_file(pid, "status", buf, sizeof(buf)) > 0);
    STREQ("status State", status_field(buf, "State:"), "S (sleeping)");
    TRUE("status PPid is us", atoi(status_field(buf, "PPid:")) == getpid());
    TRUE("status Pid is the child", atoi(status_field(buf, "\nPid:")) == pid);
    snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)pid);
    {
        struct stat sb;
        TRUE("task/PID exists", stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
    }
    {
        const char *b = strrchr(self, '/') + 1;
        char want[32];
        snprintf(want, sizeof(want), "%.15s\n", b);
        TRUE("comm is exe basename", pid_file(pid, "comm", buf, sizeof(buf)) > 0 && strcmp(buf, want) == 0);
    }
    {
        int found_self = 0, found_child = 0, non_numeric_pid_dir = 0;
        DIR *d = opendir("/proc");
        struct dirent *e;

        while (d && (e = readdir(d))) {
            char *end;
            long v = strtol(e->d_name, &end, 10);
            if (*end)
                continue;
            found_self |= v == getpid();
            found_child |= v == pid;
            non_numeric_pid_dir |= v <= 0;
        }
        if (d)
            closedir(d);
        TRUE("/proc lists us and the child", found_self && found_child && !non_numeric_pid_dir);
    }

    MUST(kill(pid, SIGSTOP));
    TRUE("stopped: T", wait_state(pid, 'T'));
    pid_file(pid, "status", buf, sizeof(buf));
    STREQ("status State stopped", status_field(buf, "State:"), "T (stopped)");
    MUST(waitpid(pid, &st, WUNTRACED));
    MUST(kill(pid, SIGCONT));
    TRUE("continued: S again", wait_state(pid, 'S'));
    close(p[1]); /* EOF: the child exits */
    TRUE("exited: Z", wait_state(pid, 'Z'));
    pid_file(pid, "status", buf, sizeof(buf));
    STREQ("status State zombie", status_field(buf, "State:"), "Z (zombie)");
    EQ("zombie cmdline is empty", pid_file(pid, "cmdline", buf, sizeof(buf)), 0);
    MUST(waitpid(pid, &st, 0));
    TRUE("child exit 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    ERR("reaped: /proc/PID/stat", open(path, O_RDONLY), ENOENT);
    ERR("no such pid", open("/proc/1073741823/stat", O_RDONLY), ENOENT);
    return conf_done();
}
