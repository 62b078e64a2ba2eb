/* proc_exec_script: execve of "#!" scripts. The interpreter is this program
 * itself: run as an interpreter it prints the argv the kernel built, with
 * paths masked. Also the errors of scripts that cannot run. */
#include "conf.h"
#include <limits.h>
#include <sys/wait.h>

extern char **environ;
static char self[PATH_MAX];

/* Append an argv entry to out without the varying parts of paths. */
static void add_masked(char *out, size_t size, const char *s)
{
    const char *dash;
    size_t n = strlen(out);

    if (strcmp(s, self) == 0)
        snprintf(out + n, size - n, " <self>");
    else if ((strncmp(s, "/tmp/conf-", 10) == 0 || strncmp(s, "./conf-", 7) == 0) &&
             (dash = strrchr(s, '-')) != NULL)
        snprintf(out + n, size - n, " %.*s-N", (int)(dash - s), s);
    else
        snprintf(out + n, size - n, " \"%s\"", s);
}

static void write_script(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

    MUST(fd);
    MUST(write(fd, text, strlen(text)));
    MUST(close(fd));
    MUST(chmod(path, mode));
}

/* Run path with args in a child; the interpreter prints its argv and exits
 * 0 if it is `expect`. Returns the child's exit status, or the exec errno
 * (as a negative number). */
static int run(const char *path, char *a1, char *a2, const char *expect)
{
    char *av[] = { "argv0-dropped", a1, a2, NULL };
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        setenv("CONF_EXPECT", expect, 1);
        execve(path, av, environ);
        _exit(100 + errno);
    }
    MUST(waitpid(pid, &st, 0));
    if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
        return -(WEXITSTATUS(st) - 100);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
}

#define EXEC_ERR(name, path, want)                                           \
    do {                                                                     \
        int r_ = run(path, NULL, NULL, "");                                      \
        conf_err(name, r_ < 0 ? -1 : 0, -r_, want);                          \
    } while (0)

int main(int argc, char **argv)
{
    char text[PATH_MAX + 512], *s1, *s2, *s3, *s4, *s5, *s6, *s7, *s8, *s9, *s10;

    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }
    if (getenv("CONF_INTERP")) {
        char got[2048] = "";
        const char *want = getenv("CONF_EXPECT");

        for (int i = 0; i < argc; i++)
            add_masked(got, sizeof(got), argv[i]);
        printf("  interpreter argv:%s\n", got);
        return want && strcmp(got, want) == 0 ? 0 : 1;
    }
    setenv("CONF_INTERP", "1", 1);

    s1 = strdup(conf_tmp("script1"));
    s2 = strdup(conf_tmp("script2"));
    s3 = strdup(conf_tmp("script3"));
    s4 = strdup(conf_tmp("script4"));
    s5 = strdup(conf_tmp("script5"));
    s6 = strdup(conf_tmp("script6"));
    s7 = strdup(conf_tmp("script7"));
    s8 = strdup(conf_tmp("script8"));
    s9 = strdup(conf_tmp("script9"));
    s10 = strdup(conf_tmp("script10"));

    snprintf(text, sizeof(text), "#!%s interp\nrest of the script\n", self);
    write_script(s1, text, 0755);
    EQ("script with one interpreter argument", run(s1, "a", "b", " <self> \"interp\" /tmp/conf-script1-N \"a\" \"b\""), 0);

    snprintf(text, sizeof(text), "#!%s\n", self);
    write_script(s2, text, 0700);
    EQ("script without interpreter argument", run(s2, "x", NULL, " <self> /tmp/conf-script2-N \"x\""), 0);

    snprintf(text, sizeof(text), "#!  %s   two  words \t\n", self);
    write_script(s3, text, 0755);
    EQ("spaces: the argument is one string, trimmed", run(s3, NULL, NULL, " <self> \"two  words\" /tmp/conf-script3-N"), 0);

    snprintf(text, sizeof(text), "#!%s\n", s1);
    write_script(s4, text, 0755);
    EQ("script whose interpreter is a script", run(s4, "y", NULL, " <self> \"interp\" /tmp/conf-script1-N /tmp/conf-script4-N \"y\""), 0);

    MUST(chdir("/tmp"));
    {
        char rel[256];
        snprintf(rel, sizeof(rel), "./%s", s1 + 5);
        EQ("relative script path passed as is", run(rel, NULL, NULL, " <self> \"interp\" ./conf-script1-N"), 0);
    }
    MUST(chdir("/"));

    snprintf(text, sizeof(text), "#!%s\n", self);
    write_script(s5, text, 0644);
    EXEC_ERR("script without exec permission", s5, EACCES);

    write_script(s6, "#!/nonexistent/conf-interp\n", 0755);
    EXEC_ERR("missing interpreter", s6, ENOENT);

    write_script(s7, "echo no magic\n", 0755);
    EXEC_ERR("text without #!", s7, ENOEXEC);

    write_script(s8, "", 0755);
    EXEC_ERR("empty file", s8, ENOEXEC);

    write_script(s9, "#!\n", 0755);
    EXEC_ERR("#! with no interpreter", s9, ENOEXEC);

    /* An interpreter path that does not fit the 256-byte buffer. */
    memset(text, 0, sizeof(text));
    strcpy(text, "#!/");
    memset(text + 3, 'a', 400);
    strcat(text, "\n");
    write_script(s10, text, 0755);
    EXEC_ERR("interpreter name longer than the buffer", s10, ENOEXEC);

    EXEC_ERR("directory", "/tmp", EACCES);

    unlink(s1), unlink(s2), unlink(s3), unlink(s4), unlink(s5);
    unlink(s6), unlink(s7), unlink(s8), unlink(s9), unlink(s10);
    return conf_done();
}
