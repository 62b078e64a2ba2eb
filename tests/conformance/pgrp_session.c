/* pgrp_session: setpgid/getpgid/setsid/getsid rules, checked in children
 * (a fresh child is never a group or session leader, whatever runs us). */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

extern char **environ;

/* Run fn in a child; its exit status (or 1000+signal). */
static int in_child(int (*fn)(void))
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0)
        _exit(fn());
    MUST(waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#define CHECK(bit, cond) res |= (cond) ? 0 : 1 << (bit)

static int new_group(void)
{
    int res = 0;
    pid_t me = getpid(), parent_group = getpgrp();

    CHECK(0, parent_group != me);
    CHECK(1, setpgid(0, 0) == 0);
    CHECK(2, getpgrp() == me && getpgid(0) == me && getpgid(me) == me);
    CHECK(3, setpgid(0, 0) == 0); /* again: no-op */
    CHECK(4, setpgid(0, parent_group) == 0); /* back to the parent's group */
    CHECK(5, getpgrp() == parent_group);
    CHECK(6, setpgid(0, 0x3ffffff0) == -1 && errno == EPERM); /* no such group */
    CHECK(7, setpgid(0, -1) == -1 && errno == EINVAL);
    CHECK(8, setpgid(0x3ffffff0, 0) == -1 && errno == ESRCH);
    return res;
}

static int new_session(void)
{
    int res = 0;
    pid_t me = getpid(), old_sid = getsid(0);

    CHECK(0, old_sid != me);
    CHECK(1, setsid() == me);
    CHECK(2, getsid(0) == me && getsid(me) == me);
    CHECK(3, getpgrp() == me);
    CHECK(4, setsid() == -1 && errno == EPERM);      /* already a leader */
    CHECK(5, setpgid(0, 0) == -1 && errno == EPERM); /* a session leader: even a no-op */
    CHECK(6, getsid(getppid()) == old_sid);          /* others' sessions are visible */
    CHECK(7, setpgid(0, getpgid(getppid())) == -1 && errno == EPERM); /* other session */
    return res;
}

static int leader_cannot_setsid(void)
{
    int res = 0;

    CHECK(0, setpgid(0, 0) == 0);
    CHECK(1, setsid() == -1 && errno == EPERM);
    return res;
}

static int session_leader_cannot_move(void)
{
    int res = 0;
    pid_t me = getpid(), g;
    int p[2], st;
    char c;

    CHECK(0, setsid() == me);
    CHECK(1, pipe(p) == 0);
    g = fork();
    if (g == 0) {
        close(p[1]);
        if (read(p[0], &c, 1) < 0)
            _exit(1);
        _exit(0);
    }
    close(p[0]);
    CHECK(2, setpgid(g, g) == 0);          /* child into a new group */
    CHECK(3, getpgid(g) == g);
    CHECK(4, setpgid(g, me) == 0);         /* and back into ours */
    CHECK(5, setpgid(0, g) == -1 && errno == EPERM); /* a session leader cannot move */
    CHECK(6, getsid(g) == me);
    close(p[1]);
    waitpid(g, &st, 0);
    return res;
}

int main(int argc, char **argv)
{
    pid_t pid, gp;
    int st, p[2], q[2];
    char c;

    if (argc == 2 && strcmp(argv[1], "--wait") == 0)
        return read(0, &c, 1) < 0;

    EQ("new group: setpgid(0,0), back, and errors", in_child(new_group), 0);
    EQ("new session: setsid rules", in_child(new_session), 0);
    EQ("a group leader cannot setsid", in_child(leader_cannot_setsid), 0);
    EQ("a session leader moves its child but not itself", in_child(session_leader_cannot_move), 0);

    /* The parent sets a child's group, until the child execs. */
    MUST(pipe(p));
    MUST(pipe(q));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { argv[0], "--wait", NULL };
        close(p[1]);
        close(q[0]);
        dup2(p[0], 0);
        if (read(0, &c, 1) != 1) /* first byte: go and exec */
            _exit(2);
        fcntl(q[1], F_SETFD, FD_CLOEXEC);
        execve(argv[0], av, environ);
        _exit(3);
    }
    close(p[0]);
    close(q[1]);
    OK("parent: setpgid(child, child) before exec", setpgid(pid, pid));
    TRUE("child's group is its pid", getpgid(pid) == pid);
    OK("parent: setpgid(child, our group)", setpgid(pid, getpgrp()));
    MUST(write(p[1], "x", 1));
    EQ("cloexec pipe closed: exec done", read(q[0], &c, 1), 0);
    ERR("parent: setpgid(child) after its exec", setpgid(pid, pid), EACCES);
    close(p[1]);
    MUST(waitpid(pid, &st, 0));

    /* A grandchild is not our child: ESRCH. */
    MUST(pipe(p));
    MUST(pipe(q));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(p[1]);
        gp = fork();
        if (gp == 0) {
            if (read(p[0], &c, 1) < 0)
                _exit(1);
            _exit(0);
        }
        if (write(q[1], &gp, sizeof(gp)) != sizeof(gp))
            _exit(1);
        waitpid(gp, &st, 0);
        _exit(0);
    }
    close(p[0]);
    close(q[1]);
    gp = 0;
    EQ("got grandchild pid", read(q[0], &gp, sizeof(gp)), sizeof(gp));
    ERR("setpgid of a grandchild", setpgid(gp, gp), ESRCH);
    TRUE("getpgid of a grandchild works", getpgid(gp) == getpgrp());
    close(p[1]);
    close(q[0]);
    MUST(waitpid(pid, &st, 0));
    ERR("getpgid of no such process", getpgid(0x3ffffff0), ESRCH);
    ERR("getsid of no such process", getsid(0x3ffffff0), ESRCH);
    TRUE("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
    TRUE("getsid(0) == getsid(getpid())", getsid(0) == getsid(getpid()));
    return conf_done();
}
